/*
 * sysproxy_io.h — whole reads and writes on a sysproxy stream, for both
 * ends (kernel/sysproxy_server.c, kernel/rumpclient.c).  EINTR is retried;
 * writes never raise SIGPIPE (MSG_NOSIGNAL: the fd is a socket).
 */
#ifndef RUMPLAB_SYSPROXY_IO_H
#define RUMPLAB_SYSPROXY_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Reads n bytes: returns n, fewer at end of stream, or -errno. */
ssize_t sp_read_full(int fd, void *buf, size_t n);
/* Writes n bytes: 0 or -errno. */
int     sp_write_full(int fd, const void *buf, size_t n);

#endif
