/*
 * hijack_path.c — librumphijack's file calls: paths under a prefix
 * (RUMPHIJACK path=, default /rump, NetBSD's convention) are the node's
 * files, so that `python3 -m http.server --directory /rump/www` serves
 * what the node's VFS holds.  Everything else is the host's.
 *
 * Which side a path is on: an absolute path is the node's when it is the
 * prefix or starts with the prefix and "/" (the rest is the node's path,
 * "/" for the prefix itself); a relative path follows its directory: a
 * node descriptor given as dirfd, or for AT_FDCWD the working directory,
 * which is the node's after a chdir into the prefix (or an fchdir to a
 * node directory) and the host's again after a chdir out.  A call with
 * two paths on different sides fails with EXDEV, as across mounts.
 *
 * Open node files are placeholders like node sockets (hijack_fd.c), so
 * dup, fork, exec and close treat them alike; reads and writes go
 * through the socket wrappers' READ and WRITE, which serve files too.
 * The glibc functions that reach the file system inside libc (fopen's
 * open, readdir's getdents, scandir) cannot be interposed one by one:
 * fopen, freopen and the dirent family are wrapped whole here.  glibc's
 * realpath(), scandir() and glob() still see the host's files only.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>
#include <sys/xattr.h>
#include <utime.h>

#include "kernel/hijack.h"
#include "kernel/rumpclient.h"

#define NEXT(name) ({                                                   \
	static __typeof__(&name) next_;                                 \
	if (__builtin_expect(next_ == NULL, 0))                         \
		*(void **)&next_ = hj_next_symbol(#name);               \
	next_;                                                          \
})

static char prefix[PATH_MAX] = "/rump";
static size_t prefixlen = 5;
static int cwd_node;                    /* atomic */

void
hj_path_prefix(const char *p)
{
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		n--;
	if (n == 0 || p[0] != '/' || n >= sizeof(prefix)) {
		hj_say_once(HJ_SAY_OPT, "RUMPHIJACK path=%s: an absolute "
		    "directory is needed; /rump is used", p);
		return;
	}
	memcpy(prefix, p, n);
	prefix[n] = '\0';
	prefixlen = n;
}

/*
 * Where (dirfd, path) is: 0 the host's; 1 the node's, with the node's
 * dirfd in *ndir and its path in *npath (pointing into path, or "/").
 */
static int
node_path(int dirfd, const char *path, int *ndir, const char **npath)
{
	int n;

	if (path == NULL)
		return 0;
	if (path[0] == '/') {
		if (strncmp(path, prefix, prefixlen) != 0 ||
		    (path[prefixlen] != '\0' && path[prefixlen] != '/'))
			return 0;
		*ndir = AT_FDCWD;
		*npath = path[prefixlen] == '\0' ? "/" : path + prefixlen;
		return 1;
	}
	if (dirfd == AT_FDCWD) {
		if (!__atomic_load_n(&cwd_node, __ATOMIC_RELAXED))
			return 0;
		*ndir = AT_FDCWD;
		*npath = path;
		return 1;
	}
	if ((n = hj_node(dirfd)) < 0)
		return 0;
	*ndir = n;
	*npath = path;
	return 1;
}

static int
ret(int r)
{
	if (r < 0)
		errno = hj_node_error(errno);
	return r;
}

/*
 * open.
 */
static int
open_node(int ndir, const char *np, int flags, mode_t mode)
{
	int n = rump_sys_openat(ndir, np, flags & ~O_CLOEXEC, mode);

	if (n < 0)
		return ret(-1);
	return hj_adopt(n, flags & O_CLOEXEC);
}

static mode_t
mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	const char *np;
	va_list ap;
	mode_t mode;
	int nd;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	HJ_INIT();
	if (!node_path(dirfd, path, &nd, &np))
		return NEXT(openat)(dirfd, path, flags, mode);
	return open_node(nd, np, flags, mode);
}

int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return openat(AT_FDCWD, path, flags, mode);
}

int open64(const char *path, int flags, ...);
int openat64(int dirfd, const char *path, int flags, ...);
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

int
open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return openat(AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return openat(dirfd, path, flags | O_LARGEFILE, mode);
}

int
__open_2(const char *path, int flags)
{
	return openat(AT_FDCWD, path, flags, 0);
}

int
__open64_2(const char *path, int flags)
{
	return openat(AT_FDCWD, path, flags | O_LARGEFILE, 0);
}

int
__openat_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags, 0);
}

int
__openat64_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags | O_LARGEFILE, 0);
}

int
creat(const char *path, mode_t mode)
{
	return openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int creat64(const char *path, mode_t mode);

int
creat64(const char *path, mode_t mode)
{
	return creat(path, mode);
}

/* fopen's mode as open's flags; -1 for a mode fopen refuses. */
static int
fopen_flags(const char *m)
{
	int fl;

	switch (m[0]) {
	case 'r': fl = O_RDONLY; break;
	case 'w': fl = O_WRONLY | O_CREAT | O_TRUNC; break;
	case 'a': fl = O_WRONLY | O_CREAT | O_APPEND; break;
	default: return -1;
	}
	for (m++; *m != '\0' && *m != ','; m++)
		if (*m == '+')
			fl = (fl & ~O_ACCMODE) | O_RDWR;
		else if (*m == 'x')
			fl |= O_EXCL;
		else if (*m == 'e')
			fl |= O_CLOEXEC;
	return fl;
}

static FILE *
fopen_node(int nd, const char *np, const char *mode)
{
	int fl = fopen_flags(mode), fd, error;
	FILE *f;

	if (fl < 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((fd = open_node(nd, np, fl, 0666)) < 0)
		return NULL;
	if ((f = fdopen(fd, mode)) == NULL) {
		error = errno;
		close(fd);
		errno = error;
	}
	return f;
}

FILE *
fopen(const char *path, const char *mode)
{
	const char *np;
	int nd;

	HJ_INIT();
	if (!node_path(AT_FDCWD, path, &nd, &np))
		return NEXT(fopen)(path, mode);
	return fopen_node(nd, np, mode);
}

FILE *fopen64(const char *path, const char *mode);

FILE *
fopen64(const char *path, const char *mode)
{
	return fopen(path, mode);
}

FILE *
freopen(const char *path, const char *mode, FILE *f)
{
	const char *np;
	FILE *nf;
	int nd, fd;

	HJ_INIT();
	if (path == NULL || !node_path(AT_FDCWD, path, &nd, &np))
		return NEXT(freopen)(path, mode, f);
	/* The stream's descriptor number is kept, as freopen does. */
	fd = fileno(f);
	if ((nf = fopen_node(nd, np, mode)) == NULL)
		return NULL;
	fclose(f);
	if (fd >= 0 && fileno(nf) != fd && dup2(fileno(nf), fd) == fd) {
		fclose(nf);
		return fdopen(fd, mode);
	}
	return nf;
}

/*
 * stat.
 */
static int
stat_at(int dirfd, const char *path, struct stat *st, int flags)
{
	const char *np;
	int nd;

	HJ_INIT();
	if (!node_path(dirfd, path, &nd, &np)) {
		if (dirfd != AT_FDCWD && hj_node(dirfd) >= 0 && path != NULL &&
		    path[0] == '\0' && (flags & AT_EMPTY_PATH))
			return fstat(dirfd, st);
		return NEXT(fstatat)(dirfd, path, st, flags);
	}
	return ret(rump_sys_fstatat(nd, np, st, flags));
}

int
fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	return stat_at(dirfd, path, st, flags);
}

int
stat(const char *path, struct stat *st)
{
	return stat_at(AT_FDCWD, path, st, 0);
}

int
lstat(const char *path, struct stat *st)
{
	return stat_at(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags);
int stat64(const char *path, struct stat64 *st);
int lstat64(const char *path, struct stat64 *st);

int
fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	return stat_at(dirfd, path, (struct stat *)st, flags);
}

int
stat64(const char *path, struct stat64 *st)
{
	return stat_at(AT_FDCWD, path, (struct stat *)st, 0);
}

int
lstat64(const char *path, struct stat64 *st)
{
	return stat_at(AT_FDCWD, path, (struct stat *)st, AT_SYMLINK_NOFOLLOW);
}

/* What binaries built against glibc before 2.33 call. */
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st,
    int flags);

int
__xstat64(int ver, const char *path, struct stat64 *st)
{
	return stat_at(AT_FDCWD, path, (struct stat *)st, 0);
}

int
__lxstat64(int ver, const char *path, struct stat64 *st)
{
	return stat_at(AT_FDCWD, path, (struct stat *)st, AT_SYMLINK_NOFOLLOW);
}

int
__fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st,
    int flags)
{
	return stat_at(dirfd, path, (struct stat *)st, flags);
}

static void
statx_from(const struct stat *st, struct statx *sx)
{
	memset(sx, 0, sizeof(*sx));
	sx->stx_mask = STATX_BASIC_STATS;
	sx->stx_blksize = (uint32_t)st->st_blksize;
	sx->stx_nlink = (uint32_t)st->st_nlink;
	sx->stx_uid = st->st_uid;
	sx->stx_gid = st->st_gid;
	sx->stx_mode = (uint16_t)st->st_mode;
	sx->stx_ino = st->st_ino;
	sx->stx_size = (uint64_t)st->st_size;
	sx->stx_blocks = (uint64_t)st->st_blocks;
	sx->stx_atime.tv_sec = st->st_atim.tv_sec;
	sx->stx_atime.tv_nsec = (uint32_t)st->st_atim.tv_nsec;
	sx->stx_mtime.tv_sec = st->st_mtim.tv_sec;
	sx->stx_mtime.tv_nsec = (uint32_t)st->st_mtim.tv_nsec;
	sx->stx_ctime.tv_sec = st->st_ctim.tv_sec;
	sx->stx_ctime.tv_nsec = (uint32_t)st->st_ctim.tv_nsec;
	sx->stx_dev_major = (uint32_t)(st->st_dev >> 8);
	sx->stx_dev_minor = (uint32_t)(st->st_dev & 0xff);
}

int
statx(int dirfd, const char *path, int flags, unsigned int mask,
    struct statx *sx)
{
	struct stat st;
	const char *np;
	int nd, r;

	HJ_INIT();
	if (node_path(dirfd, path, &nd, &np))
		r = ret(rump_sys_fstatat(nd, np, &st, flags &
		    (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)));
	else if (dirfd != AT_FDCWD && hj_node(dirfd) >= 0 &&
	    path[0] == '\0' && (flags & AT_EMPTY_PATH))
		r = fstat(dirfd, &st);
	else
		return NEXT(statx)(dirfd, path, flags, mask, sx);
	if (r == 0)
		statx_from(&st, sx);
	return r;
}

/*
 * Calls with one path.
 */
int
faccessat(int dirfd, const char *path, int mode, int flags)
{
	const char *np;
	int nd;

	HJ_INIT();
	if (!node_path(dirfd, path, &nd, &np))
		return NEXT(faccessat)(dirfd, path, mode, flags);
	return ret(rump_sys_faccessat(nd, np, mode, flags));
}

int
access(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, 0);
}

int
mkdirat(int dirfd, const char *path, mode_t mode)
{
	const char *np;
	int nd;

	HJ_INIT();
	if (!node_path(dirfd, path, &nd, &np))
		return NEXT(mkdirat)(dirfd, path, mode);
	return ret(rump_sys_mkdirat(nd, np, mode));
}

int
mkdir(const char *path, mode_t mode)
{
	return mkdirat(AT_FDCWD, path, mode);
}

int
unlinkat(int dirfd, const char *path, int flags)
{
	const char *np;
	int nd;

	HJ_INIT();
	if (!node_path(dirfd, path, &nd, &np))
		return NEXT(unlinkat)(dirfd, path, flags);
	return ret(rump_sys_unlinkat(nd, np, flags));
}

int
unlink(const char *path)
{
	return unlinkat(AT_FDCWD, path, 0);
}

int
rmdir(const char *path)
{
	return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

int
renameat(int fdir, const char *from, int tdir, const char *to)
{
	const char *fp, *tp;
	int fnd, tnd, fnode, tnode;

	HJ_INIT();
	fnode = node_path(fdir, from, &fnd, &fp);
	tnode = node_path(tdir, to, &tnd, &tp);
	if (!fnode && !tnode)
		return NEXT(renameat)(fdir, from, tdir, to);
	if (fnode != tnode) {
		errno = EXDEV;
		return -1;
	}
	return ret(rump_sys_renameat(fnd, fp, tnd, tp));
}

int
rename(const char *from, const char *to)
{
	return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

int
renameat2(int fdir, const char *from, int tdir, const char *to,
    unsigned int flags)
{
	const char *fp, *tp;
	int fnd, tnd;

	HJ_INIT();
	if (!node_path(fdir, from, &fnd, &fp) && !node_path(tdir, to, &tnd,
	    &tp))
		return NEXT(renameat2)(fdir, from, tdir, to, flags);
	if (flags != 0) {
		errno = EINVAL;         /* RENAME_NOREPLACE etc.: not kept */
		return -1;
	}
	return renameat(fdir, from, tdir, to);
}

/* Hard links and special files: a node's file systems have neither. */
int
linkat(int fdir, const char *from, int tdir, const char *to, int flags)
{
	const char *fp, *tp;
	int fnd, tnd;

	HJ_INIT();
	if (!node_path(fdir, from, &fnd, &fp) && !node_path(tdir, to, &tnd,
	    &tp))
		return NEXT(linkat)(fdir, from, tdir, to, flags);
	errno = EPERM;
	return -1;
}

int
link(const char *from, const char *to)
{
	return linkat(AT_FDCWD, from, AT_FDCWD, to, 0);
}

int
symlinkat(const char *target, int dirfd, const char *path)
{
	const char *np;
	int nd;

	HJ_INIT();
	if (!node_path(dirfd, path, &nd, &np))
		return NEXT(symlinkat)(target, dirfd, path);
	return ret(rump_sys_symlinkat(target, nd, np));
}

int
symlink(const char *target, const char *path)
{
	return symlinkat(target, AT_FDCWD, path);
}

ssize_t
readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	const char *np;
	int nd;

	HJ_INIT();
	if (!node_path(dirfd, path, &nd, &np))
		return NEXT(readlinkat)(dirfd, path, buf, len);
	return ret((int)rump_sys_readlinkat(nd, np, buf, len));
}

ssize_t
readlink(const char *path, char *buf, size_t len)
{
	return readlinkat(AT_FDCWD, path, buf, len);
}

int
fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	const char *np;
	int nd;

	HJ_INIT();
	if (!node_path(dirfd, path, &nd, &np))
		return NEXT(fchmodat)(dirfd, path, mode, flags);
	return ret(rump_sys_fchmodat(nd, np, mode, flags));
}

int
chmod(const char *path, mode_t mode)
{
	return fchmodat(AT_FDCWD, path, mode, 0);
}

int
fchmod(int fd, mode_t mode)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(fchmod)(fd, mode);
	return ret(rump_sys_fchmod(n, mode));
}

int
fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	const char *np;
	int nd;

	HJ_INIT();
	if (!node_path(dirfd, path, &nd, &np))
		return NEXT(fchownat)(dirfd, path, uid, gid, flags);
	return ret(rump_sys_fchownat(nd, np, uid, gid, flags));
}

int
chown(const char *path, uid_t uid, gid_t gid)
{
	return fchownat(AT_FDCWD, path, uid, gid, 0);
}

int
lchown(const char *path, uid_t uid, gid_t gid)
{
	return fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

int
fchown(int fd, uid_t uid, gid_t gid)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(fchown)(fd, uid, gid);
	return ret(rump_sys_fchownat(n, "", uid, gid, AT_EMPTY_PATH));
}

int
utimensat(int dirfd, const char *path, const struct timespec ts[2],
    int flags)
{
	const char *np;
	int nd;

	HJ_INIT();
	if (!node_path(dirfd, path, &nd, &np))
		return NEXT(utimensat)(dirfd, path, ts, flags);
	return ret(rump_sys_utimensat(nd, np, ts, flags));
}

int
futimens(int fd, const struct timespec ts[2])
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(futimens)(fd, ts);
	return ret(rump_sys_utimensat(n, NULL, ts, 0));
}

int
utimes(const char *path, const struct timeval tv[2])
{
	struct timespec ts[2];

	if (tv == NULL)
		return utimensat(AT_FDCWD, path, NULL, 0);
	ts[0].tv_sec = tv[0].tv_sec;
	ts[0].tv_nsec = tv[0].tv_usec * 1000;
	ts[1].tv_sec = tv[1].tv_sec;
	ts[1].tv_nsec = tv[1].tv_usec * 1000;
	return utimensat(AT_FDCWD, path, ts, 0);
}

int
utime(const char *path, const struct utimbuf *u)
{
	struct timespec ts[2];

	if (u == NULL)
		return utimensat(AT_FDCWD, path, NULL, 0);
	ts[0].tv_sec = u->actime;
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = u->modtime;
	ts[1].tv_nsec = 0;
	return utimensat(AT_FDCWD, path, ts, 0);
}

int
truncate(const char *path, off_t len)
{
	const char *np;
	int nd, fd, r;

	HJ_INIT();
	if (!node_path(AT_FDCWD, path, &nd, &np))
		return NEXT(truncate)(path, len);
	if (nd == AT_FDCWD)
		return ret(rump_sys_truncate(np, len));
	/* Relative to a node directory: open it there. */
	if ((fd = rump_sys_openat(nd, np, O_WRONLY)) < 0)
		return ret(-1);
	r = rump_sys_ftruncate(fd, len);
	rump_sys_close(fd);
	return ret(r);
}

int truncate64(const char *path, off64_t len);
int ftruncate64(int fd, off64_t len);

int
truncate64(const char *path, off64_t len)
{
	return truncate(path, (off_t)len);
}

int
ftruncate(int fd, off_t len)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(ftruncate)(fd, len);
	return ret(rump_sys_ftruncate(n, len));
}

int
ftruncate64(int fd, off64_t len)
{
	return ftruncate(fd, (off_t)len);
}

int
fsync(int fd)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(fsync)(fd);
	return ret(rump_sys_fsync(n));
}

int
fdatasync(int fd)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(fdatasync)(fd);
	return ret(rump_sys_fsync(n));
}

int
statvfs(const char *path, struct statvfs *sv)
{
	const char *np;
	int nd;

	HJ_INIT();
	if (!node_path(AT_FDCWD, path, &nd, &np))
		return NEXT(statvfs)(path, sv);
	return ret(rump_sys_statvfs(np, sv));
}

int
fstatvfs(int fd, struct statvfs *sv)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(fstatvfs)(fd, sv);
	return ret(rump_sys_fstatvfs(n, sv));
}

int statvfs64(const char *path, struct statvfs64 *sv);
int fstatvfs64(int fd, struct statvfs64 *sv);

int
statvfs64(const char *path, struct statvfs64 *sv)
{
	return statvfs(path, (struct statvfs *)sv);
}

int
fstatvfs64(int fd, struct statvfs64 *sv)
{
	return fstatvfs(fd, (struct statvfs *)sv);
}

/*
 * Offsets.
 */
off_t
lseek(int fd, off_t off, int whence)
{
	int n;
	off_t r;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(lseek)(fd, off, whence);
	if ((r = rump_sys_lseek(n, off, whence)) < 0)
		errno = hj_node_error(errno);
	return r;
}

off64_t lseek64(int fd, off64_t off, int whence);

off64_t
lseek64(int fd, off64_t off, int whence)
{
	return lseek(fd, (off_t)off, whence);
}

ssize_t
pread(int fd, void *buf, size_t len, off_t off)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(pread)(fd, buf, len, off);
	hj_touch(fd);
	return rump_sys_pread(n, buf, len, off);
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(pwrite)(fd, buf, len, off);
	hj_touch(fd);
	return rump_sys_pwrite(n, buf, len, off);
}

ssize_t pread64(int fd, void *buf, size_t len, off64_t off);
ssize_t pwrite64(int fd, const void *buf, size_t len, off64_t off);

ssize_t
pread64(int fd, void *buf, size_t len, off64_t off)
{
	return pread(fd, buf, len, (off_t)off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
	return pwrite(fd, buf, len, (off_t)off);
}

/*
 * The working directory.
 */
int
chdir(const char *path)
{
	const char *np;
	int nd, r;

	HJ_INIT();
	if (!node_path(AT_FDCWD, path, &nd, &np)) {
		if ((r = NEXT(chdir)(path)) == 0)
			__atomic_store_n(&cwd_node, 0, __ATOMIC_RELAXED);
		return r;
	}
	if ((r = ret(rump_sys_chdir(np))) == 0)
		__atomic_store_n(&cwd_node, 1, __ATOMIC_RELAXED);
	return r;
}

int
fchdir(int fd)
{
	int n, r;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0) {
		if ((r = NEXT(fchdir)(fd)) == 0)
			__atomic_store_n(&cwd_node, 0, __ATOMIC_RELAXED);
		return r;
	}
	if ((r = ret(rump_sys_fchdir(n))) == 0)
		__atomic_store_n(&cwd_node, 1, __ATOMIC_RELAXED);
	return r;
}

char *
getcwd(char *buf, size_t len)
{
	char node[PATH_MAX];
	int mine = buf == NULL;
	size_t need;

	HJ_INIT();
	if (!__atomic_load_n(&cwd_node, __ATOMIC_RELAXED))
		return NEXT(getcwd)(buf, len);
	if (rump_sys_getcwd(node, sizeof(node)) == NULL) {
		errno = hj_node_error(errno);
		return NULL;
	}
	need = prefixlen + (strcmp(node, "/") == 0 ? 0 : strlen(node)) + 1;
	if (mine && len == 0)
		len = need;
	if (need > len) {
		errno = ERANGE;
		return NULL;
	}
	if (mine && (buf = malloc(len)) == NULL)
		return NULL;
	snprintf(buf, len, "%s%s", prefix, strcmp(node, "/") == 0 ? "" : node);
	return buf;
}

/*
 * Directories: a DIR of our own for a node directory, told apart from
 * libc's by a list of the ones handed out.
 */
struct ndir {
	int            fd;              /* the placeholder */
	char           buf[32768] __attribute__((aligned(8)));
	size_t         len, pos;
	long           loc;             /* telldir: the offset of buf */
	struct dirent64 ent;
	struct ndir   *next;
};

static pthread_mutex_t dirs_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct ndir *dirs;               /* dirs_mtx */

static struct ndir *
ours(void *d)
{
	struct ndir *x;

	pthread_mutex_lock(&dirs_mtx);
	for (x = dirs; x != NULL && (void *)x != d; x = x->next)
		;
	pthread_mutex_unlock(&dirs_mtx);
	return x;
}

DIR *
fdopendir(int fd)
{
	struct ndir *d;
	struct stat st;

	HJ_INIT();
	if (hj_node(fd) < 0)
		return NEXT(fdopendir)(fd);
	if (fstat(fd, &st) != 0)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->fd = fd;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	pthread_mutex_lock(&dirs_mtx);
	d->next = dirs;
	dirs = d;
	pthread_mutex_unlock(&dirs_mtx);
	return (DIR *)d;
}

DIR *
opendir(const char *path)
{
	const char *np;
	DIR *d;
	int nd, fd, error;

	HJ_INIT();
	if (!node_path(AT_FDCWD, path, &nd, &np))
		return NEXT(opendir)(path);
	if ((fd = open_node(nd, np, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)) < 0)
		return NULL;
	if ((d = fdopendir(fd)) == NULL) {
		error = errno;
		close(fd);
		errno = error;
	}
	return d;
}

struct dent64 {
	uint64_t ino;
	int64_t  off;
	uint16_t reclen;
	uint8_t  type;
	char     name[];
};

struct dirent64 *
readdir64(DIR *dp)
{
	struct ndir *d = ours(dp);
	struct dent64 *e;
	ssize_t n;

	if (d == NULL)
		return NEXT(readdir64)(dp);
	if (d->pos >= d->len) {
		n = rump_sys_getdents64(hj_node(d->fd), d->buf, sizeof(d->buf));
		if (n < 0)
			errno = hj_node_error(errno);
		if (n <= 0)
			return NULL;
		d->len = (size_t)n;
		d->pos = 0;
	}
	e = (struct dent64 *)(d->buf + d->pos);
	d->pos += e->reclen;
	d->loc = e->off;
	d->ent.d_ino = e->ino;
	d->ent.d_off = e->off;
	d->ent.d_reclen = sizeof(d->ent);
	d->ent.d_type = e->type;
	snprintf(d->ent.d_name, sizeof(d->ent.d_name), "%s", e->name);
	return &d->ent;
}

struct dirent *
readdir(DIR *dp)
{
	if (ours(dp) == NULL)
		return NEXT(readdir)(dp);
	return (struct dirent *)readdir64(dp);
}

int
closedir(DIR *dp)
{
	struct ndir **pp, *d = ours(dp);
	int fd;

	if (d == NULL)
		return NEXT(closedir)(dp);
	pthread_mutex_lock(&dirs_mtx);
	for (pp = &dirs; *pp != d; pp = &(*pp)->next)
		;
	*pp = d->next;
	pthread_mutex_unlock(&dirs_mtx);
	fd = d->fd;
	free(d);
	return close(fd);
}

int
dirfd(DIR *dp)
{
	struct ndir *d = ours(dp);

	return d != NULL ? d->fd : NEXT(dirfd)(dp);
}

void
rewinddir(DIR *dp)
{
	struct ndir *d = ours(dp);

	if (d == NULL) {
		NEXT(rewinddir)(dp);
		return;
	}
	rump_sys_lseek(hj_node(d->fd), 0, SEEK_SET);
	d->len = d->pos = 0;
	d->loc = 0;
}

long
telldir(DIR *dp)
{
	struct ndir *d = ours(dp);

	return d != NULL ? d->loc : NEXT(telldir)(dp);
}

void
seekdir(DIR *dp, long loc)
{
	struct ndir *d = ours(dp);

	if (d == NULL) {
		NEXT(seekdir)(dp, loc);
		return;
	}
	rump_sys_lseek(hj_node(d->fd), loc, SEEK_SET);
	d->len = d->pos = 0;
	d->loc = loc;
}

/* Extended attributes: a node's file systems have none. */
static ssize_t
no_xattr(void)
{
	errno = ENOTSUP;
	return -1;
}

ssize_t
getxattr(const char *path, const char *name, void *val, size_t len)
{
	const char *np;
	int nd;

	HJ_INIT();
	if (!node_path(AT_FDCWD, path, &nd, &np))
		return NEXT(getxattr)(path, name, val, len);
	return no_xattr();
}

ssize_t
lgetxattr(const char *path, const char *name, void *val, size_t len)
{
	const char *np;
	int nd;

	HJ_INIT();
	if (!node_path(AT_FDCWD, path, &nd, &np))
		return NEXT(lgetxattr)(path, name, val, len);
	return no_xattr();
}

ssize_t
fgetxattr(int fd, const char *name, void *val, size_t len)
{
	HJ_INIT();
	if (hj_node(fd) < 0)
		return NEXT(fgetxattr)(fd, name, val, len);
	return no_xattr();
}

ssize_t
listxattr(const char *path, char *list, size_t len)
{
	const char *np;
	int nd;

	HJ_INIT();
	if (!node_path(AT_FDCWD, path, &nd, &np))
		return NEXT(listxattr)(path, list, len);
	return no_xattr();
}

ssize_t
llistxattr(const char *path, char *list, size_t len)
{
	const char *np;
	int nd;

	HJ_INIT();
	if (!node_path(AT_FDCWD, path, &nd, &np))
		return NEXT(llistxattr)(path, list, len);
	return no_xattr();
}

ssize_t
flistxattr(int fd, char *list, size_t len)
{
	HJ_INIT();
	if (hj_node(fd) < 0)
		return NEXT(flistxattr)(fd, list, len);
	return no_xattr();
}

int
hj_cwd_node(char *buf, size_t len)
{
	if (!__atomic_load_n(&cwd_node, __ATOMIC_RELAXED))
		return 0;
	return buf == NULL || rump_sys_getcwd(buf, len) != NULL;
}

void
hj_cwd_inherit(const char *npath)
{
	if (rump_sys_chdir(npath) == 0)
		__atomic_store_n(&cwd_node, 1, __ATOMIC_RELAXED);
	else
		hj_say_once(HJ_SAY_NODE, "the working directory %s%s on the "
		    "node is gone: %s", prefix, npath, strerror(errno));
}
