/*
 * fsops_rumpclient.c — the fsops backend of a node's VFS: librumpclient's
 * rump_sys_* file calls ($RUMP_SERVER), their -1 and errno turned into
 * -errno.  h is unused.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include "kernel/fsops.h"
#include "kernel/rumpclient.h"

static long
ret(long r)
{
	return r < 0 ? -errno : r;
}

static int
rc_open(void *h, const char *path, int flags, uint32_t mode)
{
	return (int)ret(rump_sys_open(path, flags, (mode_t)mode));
}

static int
rc_close(void *h, int fd)
{
	return (int)ret(rump_sys_close(fd));
}

static ssize_t
rc_pread(void *h, int fd, void *buf, size_t len, uint64_t off)
{
	return ret(rump_sys_pread(fd, buf, len, (off_t)off));
}

static ssize_t
rc_pwrite(void *h, int fd, const void *buf, size_t len, uint64_t off)
{
	return ret(rump_sys_pwrite(fd, buf, len, (off_t)off));
}

static ssize_t
rc_getdents(void *h, int fd, void *buf, size_t len)
{
	return ret(rump_sys_getdents64(fd, buf, len));
}

static int64_t
rc_lseek(void *h, int fd, int64_t off, int whence)
{
	return ret(rump_sys_lseek(fd, (off_t)off, whence));
}

static int
rc_stat(void *h, const char *path, struct stat *st, int nofollow)
{
	return (int)ret(nofollow ? rump_sys_lstat(path, st) :
	    rump_sys_stat(path, st));
}

static int
rc_fstat(void *h, int fd, struct stat *st)
{
	return (int)ret(rump_sys_fstat(fd, st));
}

static int
rc_mkdir(void *h, const char *path, uint32_t mode)
{
	return (int)ret(rump_sys_mkdir(path, (mode_t)mode));
}

static int
rc_unlink(void *h, const char *path)
{
	return (int)ret(rump_sys_unlink(path));
}

static int
rc_rmdir(void *h, const char *path)
{
	return (int)ret(rump_sys_rmdir(path));
}

static int
rc_rename(void *h, const char *from, const char *to)
{
	return (int)ret(rump_sys_rename(from, to));
}

static int
rc_symlink(void *h, const char *target, const char *path)
{
	return (int)ret(rump_sys_symlink(target, path));
}

static ssize_t
rc_readlink(void *h, const char *path, char *buf, size_t len)
{
	return ret(rump_sys_readlink(path, buf, len));
}

static int
rc_chmod(void *h, const char *path, uint32_t mode)
{
	return (int)ret(rump_sys_chmod(path, (mode_t)mode));
}

static int
rc_chown(void *h, const char *path, uint32_t uid, uint32_t gid)
{
	return (int)ret(rump_sys_fchownat(AT_FDCWD, path, (uid_t)uid,
	    (gid_t)gid, AT_SYMLINK_NOFOLLOW));
}

static int
rc_utimens(void *h, const char *path, const struct timespec ts[2])
{
	return (int)ret(rump_sys_utimensat(AT_FDCWD, path, ts,
	    AT_SYMLINK_NOFOLLOW));
}

static int
rc_truncate(void *h, const char *path, uint64_t size)
{
	return (int)ret(rump_sys_truncate(path, (off_t)size));
}

static int
rc_ftruncate(void *h, int fd, uint64_t size)
{
	return (int)ret(rump_sys_ftruncate(fd, (off_t)size));
}

static int
rc_fsync(void *h, int fd)
{
	return (int)ret(rump_sys_fsync(fd));
}

static int
rc_statvfs(void *h, const char *path, struct statvfs *st)
{
	return (int)ret(rump_sys_statvfs(path, st));
}

static const char *
rc_detail(void *h)
{
	return rumpclient_lastdetail();
}

const struct fsops fsops_rumpclient = {
	.name = "rumpclient",
	.open = rc_open,
	.close = rc_close,
	.pread = rc_pread,
	.pwrite = rc_pwrite,
	.getdents = rc_getdents,
	.lseek = rc_lseek,
	.stat = rc_stat,
	.fstat = rc_fstat,
	.mkdir = rc_mkdir,
	.unlink = rc_unlink,
	.rmdir = rc_rmdir,
	.rename = rc_rename,
	.symlink = rc_symlink,
	.readlink = rc_readlink,
	.chmod = rc_chmod,
	.chown = rc_chown,
	.utimens = rc_utimens,
	.truncate = rc_truncate,
	.ftruncate = rc_ftruncate,
	.fsync = rc_fsync,
	.statvfs = rc_statvfs,
	.detail = rc_detail,
};
