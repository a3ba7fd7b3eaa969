/*
 * hijack.h — inside librumphijack.so, the LD_PRELOAD library that runs an
 * unmodified, dynamically linked program on a node's network stack
 * (librumphijack(3)).  Not installed.
 *
 * How a node socket looks to the program: as a host descriptor of its
 * own, a placeholder (an O_PATH descriptor of /dev/null) that the table
 * here maps to the node descriptor.  The host kernel therefore numbers,
 * inherits (fork), keeps or closes (exec, FD_CLOEXEC) and duplicates node
 * sockets exactly as it does host ones, and a call this library does not
 * wrap fails loudly on the placeholder (EBADF, POLLNVAL) instead of
 * reaching the host's network.  Every wrapper (hijack_*.c) asks the table
 * whether a descriptor is a node one and otherwise calls the real libc
 * function.
 *
 * The library's own descriptors (the connection to the node, the
 * eventfds its threads wait on) sit at the top of the descriptor range,
 * out of the program's way; closing one pretends to succeed.
 *
 * Threads: any; the table's entries are read and written atomically, and
 * never moves (it is sized for the largest descriptor the process can
 * have).  hj_init() runs once, from the first wrapper called or the
 * library's constructor, whichever comes first.
 */
#ifndef RUMPLAB_HIJACK_H
#define RUMPLAB_HIJACK_H

#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

/* The real libc functions the wrappers stand in front of. */
struct hj_real {
	int     (*socket)(int, int, int);
	int     (*connect)(int, const struct sockaddr *, socklen_t);
	int     (*close)(int);
	int     (*close_range)(unsigned int, unsigned int, int);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*write)(int, const void *, size_t);
	ssize_t (*readv)(int, const struct iovec *, int);
	ssize_t (*writev)(int, const struct iovec *, int);
	ssize_t (*send)(int, const void *, size_t, int);
	int     (*poll)(struct pollfd *, nfds_t, int);
	int     (*ppoll)(struct pollfd *, nfds_t, const struct timespec *,
	            const sigset_t *);
	int     (*select)(int, fd_set *, fd_set *, fd_set *, struct timeval *);
	int     (*pselect)(int, fd_set *, fd_set *, fd_set *,
	            const struct timespec *, const sigset_t *);
	int     (*epoll_ctl)(int, int, int, struct epoll_event *);
	int     (*epoll_wait)(int, struct epoll_event *, int, int);
	int     (*epoll_pwait)(int, struct epoll_event *, int, int,
	            const sigset_t *);
	int     (*setsockopt)(int, int, int, const void *, socklen_t);
	int     (*shutdown)(int, int);
	int     (*dup)(int);
	int     (*dup2)(int, int);
	int     (*dup3)(int, int, int);
	int     (*fcntl)(int, int, ...);
	int     (*ioctl)(int, unsigned long, ...);
	pid_t   (*fork)(void);
	int     (*execve)(const char *, char *const[], char *const[]);
	int     (*posix_spawn)(pid_t *, const char *, const void *,
	            const void *, char *const[], char *const[]);
	int     (*posix_spawnp)(pid_t *, const char *, const void *,
	            const void *, char *const[], char *const[]);
	ssize_t (*sendfile)(int, int, off_t *, size_t);
	int     (*fstat)(int, struct stat *);
	FILE   *(*fdopen)(int, const char *);
};
extern struct hj_real hj_real;

void hj_init(void);
extern int hj_ready;                    /* hj_init() done */
#define HJ_INIT() do {                                          \
	if (__builtin_expect(!__atomic_load_n(&hj_ready,        \
	    __ATOMIC_ACQUIRE), 0))                              \
		hj_init();                                      \
} while (0)

/* Settings from RUMPHIJACK (hijack_init.c). */
int  hj_family(int domain);             /* is this family the node's? */
void hj_path_prefix(const char *p);     /* path=: the node's files */
/* The working directory across exec: 1 and its node path when it is
 * the node's; the new program's is set to it. */
int  hj_cwd_node(char *buf, size_t len);
void hj_cwd_inherit(const char *npath);
/* libc's definition of name (dlsym RTLD_NEXT); exits when there is none. */
void *hj_next_symbol(const char *name);

/* The descriptor table (hijack_fd.c). */
int  hj_node(int fd);                   /* its node descriptor, or -1 */
int  hj_ours(int fd);                   /* one of the library's own */
/* A placeholder for a new node descriptor; the host descriptor, or -1
 * and errno (the node descriptor is then closed). */
int  hj_adopt(int nodefd, int cloexec);
/* Map hostfd (open already) to nodefd. */
void hj_map(int hostfd, int nodefd);
/* Forget hostfd's node descriptor; returns it, or -1. */
int  hj_unmap(int hostfd);
void hj_touch(int fd);                  /* the program did I/O on fd */
uint32_t hj_gen(int fd);                /* how much I/O so far */
int  hj_count(void);                    /* node descriptors mapped */
/* Each mapped descriptor in [lo, hi]: fn(hostfd, nodefd, arg). */
void hj_each(int lo, int hi, void (*fn)(int, int, void *), void *arg);
int  hj_fdadopt(int fd);                /* rumpclient's hook */
int  hj_maxfd(void);                    /* the table's size */

/* stdin, stdout or stderr follows descriptor fd (0-2): ours while it is a
 * node one, the C library's again when it is not (hijack_stdio.c). */
void hj_stdio_sync(int fd);

/* Close a node descriptor's placeholder and the node descriptor. */
int  hj_close_node(int fd, int nodefd);
/* epoll sets holding fd lose it (hijack_epoll.c). */
void hj_epoll_forget(int fd);
void hj_epoll_drop_set(int epfd);

/* libc's result from a rump_sys_* result, and the node's absence said
 * once on stderr (hijack_init.c). */
void hj_say_once(int what, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum { HJ_SAY_NODE, HJ_SAY_RAW, HJ_SAY_CMSG, HJ_SAY_DUP, HJ_SAY_OPT,
    HJ_SAY_NAME, HJ_SAY_NMAX };
int  hj_node_error(int error);          /* errno after a failed call */

/* exec and spawn (hijack_proc.c): the environment that carries the
 * node descriptors a new program keeps; NULL and errno on failure,
 * else a malloc'd array (free with hj_env_free). */
char **hj_exec_env(char *const envp[]);
void hj_env_free(char **env);
void hj_inherit(void);                  /* at start: take what was passed */

/* Names (hijack_name.c). */
void hj_hosts_init(const char *path);

#endif
