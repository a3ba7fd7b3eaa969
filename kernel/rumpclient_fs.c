/*
 * rumpclient_fs.c — librumpclient's file calls: rump_sys_open, stat,
 * getdents64, mount and the rest (kernel/SYSPROXY.txt 64-89), in libc's
 * form: -1 and errno on failure, the host's struct stat and statvfs
 * filled from the wire's fixed fields.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "kernel/rumpclient.h"
#include "kernel/rumpclient_call.h"
#include "kernel/sysproxy_wire.h"


/* A request with one path; -ENAMETOOLONG past the wire's limit. */
static int
msg_path(struct sp_msg *m, uint16_t call, int dirfd, const char *path)
{
	memset(m, 0, sizeof(*m));
	m->h.call = call;
	m->i[0] = dirfd;
	if (path == NULL)
		return -EFAULT;
	if (strlen(path) > SP_PATHMAX)
		return -ENAMETOOLONG;
	strcpy(m->path, path);
	return 0;
}

int
rump_sys_openat(int dirfd, const char *path, int flags, ...)
{
	struct sp_msg m;
	va_list ap;
	int error;

	if ((error = msg_path(&m, SP_OPEN, dirfd, path)) != 0)
		return (int)rumpclient_libc(error);
	m.i[1] = flags;
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		m.u[0] = va_arg(ap, unsigned int);
		va_end(ap);
	}
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_open(const char *path, int flags, ...)
{
	va_list ap;
	unsigned int mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, unsigned int);
		va_end(ap);
	}
	return rump_sys_openat(AT_FDCWD, path, flags, mode);
}

static void
stat_in(const struct sp_stat *w, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = w->dev;
	st->st_ino = w->ino;
	st->st_mode = w->mode;
	st->st_nlink = w->nlink;
	st->st_uid = w->uid;
	st->st_gid = w->gid;
	st->st_size = (off_t)w->size;
	st->st_blocks = (blkcnt_t)w->blocks;
	st->st_blksize = (blksize_t)w->blksize;
	st->st_atim.tv_sec = w->tsec[0];
	st->st_atim.tv_nsec = w->tnsec[0];
	st->st_mtim.tv_sec = w->tsec[1];
	st->st_mtim.tv_nsec = w->tnsec[1];
	st->st_ctim.tv_sec = w->tsec[2];
	st->st_ctim.tv_nsec = w->tnsec[2];
}

/* A call whose reply is a stat. */
static int
stat_call(struct sp_msg *m, struct stat *st)
{
	struct sp_msg rep;
	uint8_t *frame;
	long r = rumpclient_call(m, &rep, &frame);

	if (r == 0)
		stat_in(&rep.st, st);
	free(frame);
	return (int)rumpclient_libc(r);
}

int
rump_sys_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	struct sp_msg m;
	int error;

	if ((error = msg_path(&m, SP_STAT, dirfd, path)) != 0)
		return (int)rumpclient_libc(error);
	m.i[1] = flags;
	return stat_call(&m, st);
}

int
rump_sys_stat(const char *path, struct stat *st)
{
	return rump_sys_fstatat(AT_FDCWD, path, st, 0);
}

int
rump_sys_lstat(const char *path, struct stat *st)
{
	return rump_sys_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int
rump_sys_fstat(int fd, struct stat *st)
{
	struct sp_msg m;

	memset(&m, 0, sizeof(m));
	m.h.call = SP_FSTAT;
	m.i[0] = fd;
	return stat_call(&m, st);
}

off_t
rump_sys_lseek(int fd, off_t off, int whence)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;

	memset(&m, 0, sizeof(m));
	m.h.call = SP_LSEEK;
	m.i[0] = fd;
	m.q[0] = off;
	m.i[1] = whence;
	r = rumpclient_call(&m, &rep, &frame);
	free(frame);
	return r < 0 ? (off_t)rumpclient_libc(r) : (off_t)rep.q[0];
}

/* A call whose reply is bytes (getdents, readlink, pread, mountlist). */
static ssize_t
bytes_call(struct sp_msg *m, void *buf, size_t len)
{
	struct sp_msg rep;
	uint8_t *frame;
	long r;

	r = rumpclient_call(m, &rep, &frame);
	if (r >= 0 && len > 0)
		memcpy(buf, rep.data, rep.datalen <= len ? rep.datalen : len);
	free(frame);
	return rumpclient_libc(r);
}

ssize_t
rump_sys_getdents64(int fd, void *buf, size_t len)
{
	struct sp_msg m;

	memset(&m, 0, sizeof(m));
	m.h.call = SP_GETDENTS;
	m.i[0] = fd;
	m.u[0] = (uint32_t)(len > SP_MAXDATA ? SP_MAXDATA : len);
	return bytes_call(&m, buf, len);
}

int
rump_sys_mkdirat(int dirfd, const char *path, mode_t mode)
{
	struct sp_msg m;
	int error;

	if ((error = msg_path(&m, SP_MKDIR, dirfd, path)) != 0)
		return (int)rumpclient_libc(error);
	m.u[0] = mode;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_mkdir(const char *path, mode_t mode)
{
	return rump_sys_mkdirat(AT_FDCWD, path, mode);
}

int
rump_sys_unlinkat(int dirfd, const char *path, int flags)
{
	struct sp_msg m;
	int error;

	if ((error = msg_path(&m, (flags & AT_REMOVEDIR) ? SP_RMDIR :
	    SP_UNLINK, dirfd, path)) != 0)
		return (int)rumpclient_libc(error);
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_unlink(const char *path)
{
	return rump_sys_unlinkat(AT_FDCWD, path, 0);
}

int
rump_sys_rmdir(const char *path)
{
	return rump_sys_unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

int
rump_sys_renameat(int fdir, const char *from, int tdir, const char *to)
{
	struct sp_msg m;
	int error;

	if ((error = msg_path(&m, SP_RENAME, fdir, from)) != 0)
		return (int)rumpclient_libc(error);
	if (to == NULL || strlen(to) > SP_PATHMAX)
		return (int)rumpclient_libc(to == NULL ? -EFAULT : -ENAMETOOLONG);
	m.i[1] = tdir;
	strcpy(m.path2, to);
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_rename(const char *from, const char *to)
{
	return rump_sys_renameat(AT_FDCWD, from, AT_FDCWD, to);
}

int
rump_sys_chdir(const char *path)
{
	struct sp_msg m;
	int error;

	if ((error = msg_path(&m, SP_CHDIR, AT_FDCWD, path)) != 0)
		return (int)rumpclient_libc(error);
	if (path[0] == '\0')
		return (int)rumpclient_libc(-ENOENT);
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_fchdir(int fd)
{
	struct sp_msg m;

	msg_path(&m, SP_CHDIR, fd, "");
	return (int)rumpclient_call_simple(&m);
}

char *
rump_sys_getcwd(char *buf, size_t len)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;

	memset(&m, 0, sizeof(m));
	m.h.call = SP_GETCWD;
	r = rumpclient_call(&m, &rep, &frame);
	if (r >= 0 && strlen(rep.path) + 1 > len)
		r = -ERANGE;
	if (r >= 0)
		strcpy(buf, rep.path);
	free(frame);
	return rumpclient_libc(r) < 0 ? NULL : buf;
}

int
rump_sys_fsync(int fd)
{
	struct sp_msg m;

	memset(&m, 0, sizeof(m));
	m.h.call = SP_FSYNC;
	m.i[0] = fd;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_ftruncate(int fd, off_t len)
{
	struct sp_msg m;

	memset(&m, 0, sizeof(m));
	m.h.call = SP_FTRUNCATE;
	m.i[0] = fd;
	m.q[0] = len;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_truncate(const char *path, off_t len)
{
	struct sp_msg m;
	int error;

	if ((error = msg_path(&m, SP_TRUNCATE, AT_FDCWD, path)) != 0)
		return (int)rumpclient_libc(error);
	m.q[0] = len;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_mount(const char *type, const char *source, const char *target,
    const char *opts)
{
	struct sp_msg m;
	int error;

	if ((error = msg_path(&m, SP_MOUNT, 0, target)) != 0)
		return (int)rumpclient_libc(error);
	if (type == NULL || strlen(type) >= sizeof(m.name) || source == NULL ||
	    strlen(source) > SP_PATHMAX || (opts != NULL && strlen(opts) >
	    SP_LINKSTRMAX))
		return (int)rumpclient_libc(-EINVAL);
	strcpy(m.name, type);
	strcpy(m.path2, source);
	snprintf(m.str, sizeof(m.str), "%s", opts != NULL ? opts : "");
	m.i[0] = 0;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_unmount(const char *target, int flags)
{
	struct sp_msg m;
	int error;

	if ((error = msg_path(&m, SP_UNMOUNT, 0, target)) != 0)
		return (int)rumpclient_libc(error);
	m.i[0] = flags;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_symlinkat(const char *target, int dirfd, const char *path)
{
	struct sp_msg m;
	int error;

	if ((error = msg_path(&m, SP_SYMLINK, dirfd, path)) != 0)
		return (int)rumpclient_libc(error);
	if (target == NULL || strlen(target) > SP_PATHMAX)
		return (int)rumpclient_libc(target == NULL ? -EFAULT : -ENAMETOOLONG);
	strcpy(m.path2, target);
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_symlink(const char *target, const char *path)
{
	return rump_sys_symlinkat(target, AT_FDCWD, path);
}

ssize_t
rump_sys_readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	struct sp_msg m;
	int error;

	if ((error = msg_path(&m, SP_READLINK, dirfd, path)) != 0)
		return rumpclient_libc(error);
	m.u[0] = (uint32_t)(len > SP_PATHMAX ? SP_PATHMAX : len);
	return bytes_call(&m, buf, len);
}

ssize_t
rump_sys_readlink(const char *path, char *buf, size_t len)
{
	return rump_sys_readlinkat(AT_FDCWD, path, buf, len);
}

int
rump_sys_fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	struct sp_msg m;
	int error;

	if ((error = msg_path(&m, SP_CHMOD, dirfd, path)) != 0)
		return (int)rumpclient_libc(error);
	m.u[0] = mode;
	m.i[1] = flags;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_chmod(const char *path, mode_t mode)
{
	return rump_sys_fchmodat(AT_FDCWD, path, mode, 0);
}

int
rump_sys_fchmod(int fd, mode_t mode)
{
	return rump_sys_fchmodat(fd, "", mode, AT_EMPTY_PATH);
}

int
rump_sys_fchownat(int dirfd, const char *path, uid_t uid, gid_t gid,
    int flags)
{
	struct sp_msg m;
	int error;

	if ((error = msg_path(&m, SP_CHOWN, dirfd, path)) != 0)
		return (int)rumpclient_libc(error);
	m.i[1] = (int32_t)uid;
	m.i[2] = (int32_t)gid;
	m.i[3] = flags;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_chown(const char *path, uid_t uid, gid_t gid)
{
	return rump_sys_fchownat(AT_FDCWD, path, uid, gid, 0);
}

int
rump_sys_utimensat(int dirfd, const char *path, const struct timespec ts[2],
    int flags)
{
	struct sp_msg m;
	int error;

	if ((error = msg_path(&m, SP_UTIMES, dirfd, path != NULL ? path :
	    "")) != 0)
		return (int)rumpclient_libc(error);
	if (path == NULL)
		flags |= AT_EMPTY_PATH;         /* futimens */
	m.q[0] = ts != NULL ? ts[0].tv_sec : 0;
	m.q[1] = ts != NULL ? ts[0].tv_nsec : UTIME_NOW;
	m.q[2] = ts != NULL ? ts[1].tv_sec : 0;
	m.q[3] = ts != NULL ? ts[1].tv_nsec : UTIME_NOW;
	m.i[1] = flags;
	return (int)rumpclient_call_simple(&m);
}

/* A statvfs reply into the host's struct. */
static int
statvfs_call(struct sp_msg *m, struct statvfs *st)
{
	struct sp_msg rep;
	uint8_t *frame;
	long r = rumpclient_call(m, &rep, &frame);

	if (r == 0) {
		memset(st, 0, sizeof(*st));
		st->f_bsize = rep.sv.bsize;
		st->f_frsize = rep.sv.frsize;
		st->f_blocks = rep.sv.blocks;
		st->f_bfree = rep.sv.bfree;
		st->f_bavail = rep.sv.bavail;
		st->f_files = rep.sv.files;
		st->f_ffree = rep.sv.ffree;
		st->f_favail = rep.sv.favail;
		st->f_fsid = rep.sv.fsid;
		st->f_flag = (rep.sv.flag & 1) ? ST_RDONLY : 0;
		st->f_namemax = rep.sv.namemax;
	}
	free(frame);
	return (int)rumpclient_libc(r);
}

int
rump_sys_statvfs(const char *path, struct statvfs *st)
{
	struct sp_msg m;
	int error;

	if ((error = msg_path(&m, SP_STATVFS, AT_FDCWD, path)) != 0)
		return (int)rumpclient_libc(error);
	if (path[0] == '\0')
		return (int)rumpclient_libc(-ENOENT);
	return statvfs_call(&m, st);
}

int
rump_sys_fstatvfs(int fd, struct statvfs *st)
{
	struct sp_msg m;

	msg_path(&m, SP_STATVFS, fd, "");
	return statvfs_call(&m, st);
}

ssize_t
rump_sys_pread(int fd, void *buf, size_t len, off_t off)
{
	struct sp_msg m;

	memset(&m, 0, sizeof(m));
	m.h.call = SP_PREAD;
	m.i[0] = fd;
	m.u[0] = (uint32_t)(len > SP_MAXDATA ? SP_MAXDATA : len);
	m.q[0] = off;
	return bytes_call(&m, buf, len);
}

ssize_t
rump_sys_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	struct sp_msg m;

	memset(&m, 0, sizeof(m));
	m.h.call = SP_PWRITE;
	m.i[0] = fd;
	m.q[0] = off;
	m.data = buf;
	m.datalen = (uint32_t)(len > SP_MAXDATA ? SP_MAXDATA : len);
	return rumpclient_call_simple(&m);
}

ssize_t
rump_sys_mountlist(char *buf, size_t len)
{
	struct sp_msg m;
	ssize_t r;

	memset(&m, 0, sizeof(m));
	m.h.call = SP_MOUNTLIST;
	m.u[0] = (uint32_t)(len > SP_MAXDATA ? SP_MAXDATA : len);
	r = bytes_call(&m, buf, len);
	if (r >= 0 && len > 0)
		buf[(size_t)r < len ? (size_t)r : len - 1] = '\0';
	return r;
}

int
rump_sys_faccessat(int dirfd, const char *path, int mode, int flags)
{
	struct sp_msg m;
	int error;

	if ((error = msg_path(&m, SP_ACCESS, dirfd, path)) != 0)
		return (int)rumpclient_libc(error);
	m.i[1] = mode;
	m.i[2] = flags;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_access(const char *path, int mode)
{
	return rump_sys_faccessat(AT_FDCWD, path, mode, 0);
}
