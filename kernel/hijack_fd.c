/*
 * hijack_fd.c — librumphijack's descriptor table (see hijack.h) and the
 * wrappers that act on descriptors as such: close, close_range, closefrom,
 * dup, dup2, dup3, fcntl, ioctl, fstat.
 *
 * The table has one entry per possible host descriptor (the process's
 * hard RLIMIT_NOFILE, at most 1 << 20), allocated once with calloc so that
 * pages never written cost nothing; an entry holds the node descriptor
 * plus one (0: a host descriptor), whether the descriptor is one of the
 * library's own, and a count of the program's I/O on it (for epoll's
 * edge-triggered mode).  Entries are read and written atomically.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "kernel/hijack.h"
#include "kernel/rumpclient.h"

struct ent {
	int32_t  node1;         /* node descriptor + 1; 0: none */
	uint32_t gen;           /* the program's I/O on it */
	int32_t  ours;          /* the library's own descriptor */
};

#define TAB_MAX (1 << 20)

static struct ent *tab;
static int tabsize;
static int ourbase;             /* the library's descriptors go from here */
static int ourmax = -1;         /* atomic: the highest of them */
static int nmapped;             /* atomic */
static pthread_mutex_t tab_mtx = PTHREAD_MUTEX_INITIALIZER;

static void
tab_alloc(void)
{
	struct rlimit rl;
	rlim_t n = TAB_MAX;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < n)
			n = rl.rlim_max;
		ourbase = rl.rlim_cur > 256 && rl.rlim_cur != RLIM_INFINITY ?
		    (int)rl.rlim_cur - 64 : 192;
	}
	if (n < 1024)
		n = 1024;
	if ((tab = calloc(n, sizeof(*tab))) == NULL) {
		hj_say_once(HJ_SAY_NODE, "no memory for the descriptor table");
		_exit(127);
	}
	tabsize = (int)n;
	if (ourbase >= tabsize)
		ourbase = tabsize - 64;
}

static struct ent *
ent(int fd)
{
	if (tab == NULL) {
		pthread_mutex_lock(&tab_mtx);
		if (tab == NULL)
			tab_alloc();
		pthread_mutex_unlock(&tab_mtx);
	}
	return fd >= 0 && fd < tabsize ? &tab[fd] : NULL;
}

int
hj_maxfd(void)
{
	ent(0);
	return tabsize;
}

int
hj_node(int fd)
{
	struct ent *e = ent(fd);

	return e == NULL ? -1 :
	    __atomic_load_n(&e->node1, __ATOMIC_ACQUIRE) - 1;
}

int
hj_ours(int fd)
{
	struct ent *e = ent(fd);

	return e != NULL && __atomic_load_n(&e->ours, __ATOMIC_ACQUIRE);
}

void
hj_map(int hostfd, int nodefd)
{
	struct ent *e = ent(hostfd);

	if (e == NULL)
		return;
	if (__atomic_exchange_n(&e->node1, nodefd + 1, __ATOMIC_ACQ_REL) == 0)
		__atomic_add_fetch(&nmapped, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&e->gen, 0, __ATOMIC_RELAXED);
}

int
hj_unmap(int hostfd)
{
	struct ent *e = ent(hostfd);
	int n;

	if (e == NULL)
		return -1;
	if ((n = __atomic_exchange_n(&e->node1, 0, __ATOMIC_ACQ_REL)) != 0)
		__atomic_sub_fetch(&nmapped, 1, __ATOMIC_RELAXED);
	return n - 1;
}

int
hj_count(void)
{
	return __atomic_load_n(&nmapped, __ATOMIC_RELAXED);
}

void
hj_touch(int fd)
{
	struct ent *e = ent(fd);

	if (e != NULL)
		__atomic_add_fetch(&e->gen, 1, __ATOMIC_RELAXED);
}

uint32_t
hj_gen(int fd)
{
	struct ent *e = ent(fd);

	return e == NULL ? 0 : __atomic_load_n(&e->gen, __ATOMIC_RELAXED);
}

void
hj_each(int lo, int hi, void (*fn)(int, int, void *), void *arg)
{
	int fd, n;

	ent(0);
	if (lo < 0)
		lo = 0;
	if (hi >= tabsize)
		hi = tabsize - 1;
	for (fd = lo; fd <= hi && hj_count() > 0; fd++)
		if ((n = __atomic_load_n(&tab[fd].node1, __ATOMIC_ACQUIRE)) > 0)
			fn(fd, n - 1, arg);
}

/* A placeholder: O_PATH, so that any use of it we do not wrap fails. */
int
hj_adopt(int nodefd, int cloexec)
{
	int fd, error;

	fd = open("/dev/null", O_PATH | (cloexec ? O_CLOEXEC : 0));
	if (fd < 0 || ent(fd) == NULL) {
		error = fd < 0 ? errno : EMFILE;
		if (fd >= 0)
			hj_real.close(fd);
		rump_sys_close(nodefd);
		errno = error;
		return -1;
	}
	hj_map(fd, nodefd);
	return fd;
}

/* rumpclient's hook: its descriptors go to the top of the range. */
int
hj_fdadopt(int fd)
{
	struct ent *e;
	int nfd;

	ent(0);
	nfd = hj_real.fcntl(fd, F_DUPFD_CLOEXEC, ourbase);
	if (nfd >= 0) {
		hj_real.close(fd);
		fd = nfd;
	}
	if ((e = ent(fd)) != NULL)
		__atomic_store_n(&e->ours, 1, __ATOMIC_RELEASE);
	while ((nfd = __atomic_load_n(&ourmax, __ATOMIC_RELAXED)) < fd &&
	    !__atomic_compare_exchange_n(&ourmax, &nfd, fd, 0,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	return fd;
}

int
hj_close_node(int fd, int nodefd)
{
	hj_epoll_forget(fd);
	hj_real.close(fd);
	return rump_sys_close(nodefd);
}

int
close(int fd)
{
	int n;

	HJ_INIT();
	if (hj_ours(fd))
		return 0;               /* ours stays; the program thinks not */
	if ((n = hj_unmap(fd)) < 0) {
		hj_epoll_drop_set(fd);
		return hj_real.close(fd);
	}
	hj_stdio_sync(fd);
	return hj_close_node(fd, n);
}

static void
close_one(int fd, int nodefd, void *arg)
{
	if (hj_unmap(fd) == nodefd)
		hj_close_node(fd, nodefd);
}

/* The real close_range over [lo, hi] around the library's own, which
 * lie in [ourbase, ourmax]. */
static int
close_range_host(unsigned int lo, unsigned int hi, int flags)
{
	int top = __atomic_load_n(&ourmax, __ATOMIC_RELAXED);
	unsigned int fd, base = (unsigned int)ourbase;
	int r = 0;

	if (top < 0)
		return hj_real.close_range(lo, hi, flags);
	if (lo < base)
		r = hj_real.close_range(lo, hi < base ? hi : base - 1, flags);
	for (fd = lo > base ? lo : base; r == 0 && fd <= hi &&
	    fd <= (unsigned int)top; fd++)
		if (!hj_ours((int)fd))
			r = hj_real.close_range(fd, fd, flags);
	if (r == 0 && hi > (unsigned int)top)
		r = hj_real.close_range(lo > (unsigned int)top + 1 ? lo :
		    (unsigned int)top + 1, hi, flags);
	return r;
}

int
close_range(unsigned int lo, unsigned int hi, int flags)
{
	HJ_INIT();
	if (lo > hi) {
		errno = EINVAL;
		return -1;
	}
	if (!(flags & CLOSE_RANGE_CLOEXEC))
		hj_each((int)(lo > INT32_MAX ? INT32_MAX : lo),
		    (int)(hi > INT32_MAX ? INT32_MAX : hi), close_one, NULL);
	return close_range_host(lo, hi, flags);
}

void
closefrom(int lo)
{
	close_range((unsigned int)(lo < 0 ? 0 : lo), ~0u, 0);
}

/* A second descriptor (at least min, or exactly at when at >= 0) for a
 * node one: the host duplicates the placeholder, the node the socket. */
static int
dup_node(int fd, int nodefd, int at, int min, int cloexec)
{
	int nfd, nn, old;

	if ((nn = rump_sys_dup(nodefd)) < 0)
		return -1;
	if (at >= 0)
		nfd = hj_real.dup3(fd, at, cloexec ? O_CLOEXEC : 0);
	else
		nfd = hj_real.fcntl(fd, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, min);
	if (nfd < 0 || ent(nfd) == NULL) {
		int error = nfd < 0 ? errno : EMFILE;

		rump_sys_close(nn);
		errno = error;
		return -1;
	}
	if ((old = hj_unmap(nfd)) >= 0)         /* dup2 over a node one */
		rump_sys_close(old);
	hj_map(nfd, nn);
	return nfd;
}

int
dup(int fd)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return hj_real.dup(fd);
	return dup_node(fd, n, -1, 0, 0);
}

static int
dup_over(int fd, int nfd, int flags, int three)
{
	int n, old;

	if (hj_ours(nfd)) {
		hj_say_once(HJ_SAY_DUP, "descriptor %d is the library's "
		    "connection to its node; dup2 onto it refused", nfd);
		errno = EBUSY;
		return -1;
	}
	if ((n = hj_node(fd)) >= 0) {
		if (fd == nfd)
			return three ? (errno = EINVAL, -1) : nfd;
		return dup_node(fd, n, nfd, 0, flags & O_CLOEXEC);
	}
	/* A host descriptor over a node one: the node one closes. */
	if (fd != nfd && (old = hj_node(nfd)) >= 0 && hj_real.fcntl(fd,
	    F_GETFD) >= 0) {
		hj_unmap(nfd);
		hj_epoll_forget(nfd);
		rump_sys_close(old);
	}
	return three ? hj_real.dup3(fd, nfd, flags) : hj_real.dup2(fd, nfd);
}

int
dup2(int fd, int nfd)
{
	int r;

	HJ_INIT();
	if ((r = dup_over(fd, nfd, 0, 0)) >= 0)
		hj_stdio_sync(nfd);
	return r;
}

int
dup3(int fd, int nfd, int flags)
{
	int r;

	HJ_INIT();
	if ((r = dup_over(fd, nfd, flags, 1)) >= 0)
		hj_stdio_sync(nfd);
	return r;
}

static int
fcntl_node(int fd, int n, int cmd, long arg)
{
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return dup_node(fd, n, -1, (int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
	case F_SETFD:
		return hj_real.fcntl(fd, cmd, (int)arg);
	case F_GETFL:
		return rump_sys_fcntl(n, F_GETFL);
	case F_SETFL:
		return rump_sys_fcntl(n, F_SETFL, (int)arg);
	default:
		errno = EINVAL;         /* locks, owners, leases: not a socket's */
		return -1;
	}
}

static int
fcntl_any(int fd, int cmd, long arg)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) >= 0)
		return fcntl_node(fd, n, cmd, arg);
	return hj_real.fcntl(fd, cmd, arg);
}

/* fcntl's third argument, whatever it is, fits a long on this ABI. */
int
fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	return fcntl_any(fd, cmd, arg);
}

/* glibc 2.28's name for it, which programs built since call. */
int fcntl64(int fd, int cmd, ...) __attribute__((alias("fcntl")));

int
ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	int n;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return hj_real.ioctl(fd, req, arg);
	return rump_sys_ioctl(n, req, arg);
}

/* A node file's stat, or for a socket what the host gives of one: a
 * socket inode, nothing else. */
static int
fstat_node(int nodefd, struct stat *st)
{
	if (rump_sys_fstat(nodefd, st) == 0)
		return 0;
	if (errno != ESPIPE)
		return -1;
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFSOCK | 0777;
	st->st_nlink = 1;
	st->st_uid = getuid();
	st->st_gid = getgid();
	st->st_blksize = 4096;
	return 0;
}

int
fstat(int fd, struct stat *st)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) >= 0)
		return fstat_node(n, st);
	return hj_real.fstat(fd, st);
}

int
fstat64(int fd, struct stat64 *st)
{
	return fstat(fd, (struct stat *)st);
}

/* What binaries built against glibc before 2.33 call. */
int __fxstat64(int ver, int fd, struct stat64 *st);

int
__fxstat64(int ver, int fd, struct stat64 *st)
{
	static int (*real)(int, int, struct stat64 *);

	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) >= 0)
		return fstat_node(n, (struct stat *)st);
	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "__fxstat64");
	if (real == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return real(ver, fd, st);
}
