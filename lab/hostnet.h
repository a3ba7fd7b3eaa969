/*
 * hostnet.h — keeping the programs that run on a lab node off the host's
 * network.  librumphijack(3) carries a program's sockets to its node by
 * wrapping the C library; a program that makes its system calls itself
 * would reach the host's own stack instead.  Two guards, used by
 * `rumplab exec` and by the lab's services:
 *
 *  - hostnet_bypasses() reads a program's ELF header before it runs: a
 *    static executable (no program interpreter) or a Go program (its
 *    runtime makes system calls itself) cannot be hijacked, and is refused
 *    with the reason;
 *  - hostnet_guard() makes the calling process, and everything it starts,
 *    unable to open a host Internet or packet socket: a seccomp filter
 *    answers socket(AF_INET, AF_INET6 or AF_PACKET) with EAFNOSUPPORT and
 *    io_uring_setup with ENOSYS (io_uring can open sockets without
 *    socket(2)), after PR_SET_NO_NEW_PRIVS, which an unprivileged process
 *    needs for a filter (and which keeps set-uid and file-capability
 *    programs such as /bin/ping from gaining privileges, so they load the
 *    hijack too).  Unix, netlink and every other socket stay allowed.
 *
 * Both return 0 or -errno; the message is in err.
 */
#ifndef RUMPLAB_HOSTNET_H
#define RUMPLAB_HOSTNET_H

#include <stddef.h>

/* 1 (with why) when the program at path cannot be hijacked, 0 when it
 * can or is not an ELF executable (a script: its interpreter is checked
 * when it runs), -errno when it cannot be read. */
int hostnet_bypasses(const char *path, char *why, size_t len);
int hostnet_guard(char *err, size_t len);
/* 1 when the program at path is linked with librumpclient (it carries
 * RUMPCLIENT_MARK_SECTION): a node's client already, it needs no hijack. */
int hostnet_is_client(const char *path);

/*
 * A child_spec function (lab/child.h) that runs a program under the
 * guard: hostnet_guard(), then execve(path, argv, envp).  Its value (the
 * child's exit status) is 126 when the guard cannot be set and 127 when
 * the program cannot run, the reason on standard error.
 */
struct hostnet_exec {
	const char	 *path;
	char *const	 *argv;
	char *const	 *envp;
};
int hostnet_exec(void *arg);

#endif
