/*
 * sysproxy_server.h — the node's sysproxy server: listens on the node's
 * URL, runs one reader thread per client connection (each connection is a
 * process, kernel/proc.h) and answers calls (kernel/sysproxy_calls.h),
 * those that may block each on a worker thread of a pool that grows.
 *
 * Contract: main thread only.  sp_server_listen() binds the URL (refusing
 * a socket a live server answers on, replacing a stale one) and returns 0
 * or -errno with a reason in err.  sp_server_start() makes it ready to
 * accept: the caller polls sp_server_fd() for reading and then calls
 * sp_server_accept(), which takes the pending connections and returns 0,
 * 1 when it stopped at 64 with more perhaps waiting (call it again once
 * the loop has looked at its signals), or -errno when it could not (out
 * of descriptors: poll again later).
 * sp_server_stop() stops accepting, removes the socket file, ends every
 * connection (aborting its blocked calls) and waits for the threads.  The
 * reboot hook runs on a worker after the REBOOT reply has been sent.
 */
#ifndef RUMPLAB_SYSPROXY_SERVER_H
#define RUMPLAB_SYSPROXY_SERVER_H

#include <stddef.h>

struct sp_server;

int  sp_server_listen(const char *url, struct sp_server **srvp, char *err,
         size_t errlen);
int  sp_server_start(struct sp_server *srv, void (*reboot_hook)(void));
int  sp_server_fd(const struct sp_server *srv);
int  sp_server_accept(struct sp_server *srv);
void sp_server_stop(struct sp_server *srv);
/*
 * A configuration run before the node serves (rump_server -b): the
 * request frames on fd, to its end, as one process's calls, in order;
 * none is answered.  0, or the first failure's -errno with "configuration
 * call K (NAME): error[: detail]" in err, K counting from 1.
 */
int  sp_batch_run(int fd, char *err, size_t errlen);

#endif
