/*
 * ukfs.c — the ukfs library (kernel/ukfs.h): an image mounted as the root
 * of this process's own VFS, and the fsops calls on it, each a call of
 * kernel/vfs.h from one VFS process (its cwd) with a small descriptor
 * table of open files.
 *
 * The image is an etfs key of its own ("/dev/ukfsN") mounted on "/" (the
 * VFS lets a mount on "/" replace the bare root, and after
 * vfs_unmount_all there is none to replace); ukfs_release() unmounts
 * everything.  The descriptor table has one lock, never held across a
 * VFS call.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "kernel/component.h"
#include "kernel/ukfs.h"
#include "kernel/vfs.h"

#define UKFS_MAXFD 256

struct ukfs {
	struct vfs_proc *proc;
	pthread_mutex_t  mtx;           /* fds */
	struct vfile    *fds[UKFS_MAXFD];
};

static pthread_mutex_t ukfs_mtx = PTHREAD_MUTEX_INITIALIZER;
static int ukfs_mounted, ukfs_seq;      /* ukfs_mtx */

struct ukfs *
ukfs_mount(const char *image, int flags, char *err, size_t errlen)
{
	char key[32];
	struct ukfs *u = NULL;
	int error;

	pthread_mutex_lock(&ukfs_mtx);
	if (ukfs_mounted) {
		snprintf(err, errlen, "%s: this process has an image mounted "
		    "already", image);
		errno = EBUSY;
		goto out;
	}
	snprintf(key, sizeof(key), "/dev/ukfs%d", ukfs_seq++);
	if ((error = component_load("rumpfs_ext2fs", err, errlen)) != 0 ||
	    (error = vfs_etfs_register(key, image, ETFS_REG, 0, err,
	    errlen)) != 0 ||
	    (error = vfs_mount("ext2fs", key, "/", (flags & UKFS_RDONLY) ?
	    "ro" : "", err, errlen)) != 0) {
		errno = -error;
		goto out;
	}
	if ((u = calloc(1, sizeof(*u))) == NULL ||
	    (u->proc = vfs_proc_new()) == NULL) {
		free(u);
		u = NULL;
		vfs_unmount_all();
		snprintf(err, errlen, "%s: out of memory", image);
		errno = ENOMEM;
		goto out;
	}
	pthread_mutex_init(&u->mtx, NULL);
	ukfs_mounted = 1;
out:
	pthread_mutex_unlock(&ukfs_mtx);
	return u;
}

int
ukfs_release(struct ukfs *u)
{
	int i;

	for (i = 0; i < UKFS_MAXFD; i++)
		if (u->fds[i] != NULL)
			vfs_file_rele(u->fds[i]);
	vfs_proc_free(u->proc);
	pthread_mutex_destroy(&u->mtx);
	free(u);
	pthread_mutex_lock(&ukfs_mtx);
	vfs_unmount_all();
	ukfs_mounted = 0;
	pthread_mutex_unlock(&ukfs_mtx);
	return 0;
}

static struct vfs_at
cwd(struct ukfs *u)
{
	struct vfs_at at = { u->proc, NULL };

	return at;
}

/* The open file fd names, held; NULL for a bad descriptor. */
static struct vfile *
fd_get(struct ukfs *u, int fd)
{
	struct vfile *f = NULL;

	if (fd < 0 || fd >= UKFS_MAXFD)
		return NULL;
	pthread_mutex_lock(&u->mtx);
	if ((f = u->fds[fd]) != NULL)
		vfs_file_hold(f);
	pthread_mutex_unlock(&u->mtx);
	return f;
}

static int
uk_open(void *h, const char *path, int flags, uint32_t mode)
{
	struct ukfs *u = h;
	struct vfile *f;
	int error, fd;

	if ((error = vfs_open(cwd(u), path, flags, mode, &f)) != 0)
		return error;
	pthread_mutex_lock(&u->mtx);
	for (fd = 0; fd < UKFS_MAXFD && u->fds[fd] != NULL; fd++)
		;
	if (fd < UKFS_MAXFD)
		u->fds[fd] = f;
	pthread_mutex_unlock(&u->mtx);
	if (fd == UKFS_MAXFD) {
		vfs_file_rele(f);
		return -EMFILE;
	}
	return fd;
}

static int
uk_close(void *h, int fd)
{
	struct ukfs *u = h;
	struct vfile *f = NULL;

	if (fd < 0 || fd >= UKFS_MAXFD)
		return -EBADF;
	pthread_mutex_lock(&u->mtx);
	f = u->fds[fd];
	u->fds[fd] = NULL;
	pthread_mutex_unlock(&u->mtx);
	if (f == NULL)
		return -EBADF;
	vfs_file_rele(f);
	return 0;
}

static ssize_t
uk_pread(void *h, int fd, void *buf, size_t len, uint64_t off)
{
	struct vfile *f = fd_get(h, fd);
	ssize_t n;

	if (f == NULL)
		return -EBADF;
	n = vfs_pread(f, buf, len, off);
	vfs_file_rele(f);
	return n;
}

static ssize_t
uk_pwrite(void *h, int fd, const void *buf, size_t len, uint64_t off)
{
	struct vfile *f = fd_get(h, fd);
	ssize_t n;

	if (f == NULL)
		return -EBADF;
	n = vfs_pwrite(f, buf, len, off);
	vfs_file_rele(f);
	return n;
}

static ssize_t
uk_getdents(void *h, int fd, void *buf, size_t len)
{
	struct vfile *f = fd_get(h, fd);
	ssize_t n;

	if (f == NULL)
		return -EBADF;
	n = vfs_getdents(f, buf, len);
	vfs_file_rele(f);
	return n;
}

static int64_t
uk_lseek(void *h, int fd, int64_t off, int whence)
{
	struct vfile *f = fd_get(h, fd);
	int64_t r;

	if (f == NULL)
		return -EBADF;
	r = vfs_lseek(f, off, whence);
	vfs_file_rele(f);
	return r;
}

static void
stat_of(const struct vattr *va, uint64_t dev, struct stat *st)
{
	static const mode_t ifmt[] = { [VNON] = 0, [VREG] = S_IFREG,
	    [VDIR] = S_IFDIR, [VLNK] = S_IFLNK };

	memset(st, 0, sizeof(*st));
	st->st_dev = dev;
	st->st_ino = va->ino;
	st->st_mode = ifmt[va->type] | (va->mode & 07777);
	st->st_nlink = va->nlink;
	st->st_uid = va->uid;
	st->st_gid = va->gid;
	st->st_size = (off_t)va->size;
	st->st_blocks = (blkcnt_t)va->blocks;
	st->st_blksize = (blksize_t)va->blksize;
	st->st_atim = va->atime;
	st->st_mtim = va->mtime;
	st->st_ctim = va->ctime;
}

static int
uk_stat(void *h, const char *path, struct stat *st, int nofollow)
{
	struct vattr va;
	uint64_t dev;
	int error;

	if ((error = vfs_stat(cwd(h), path, nofollow ? AT_SYMLINK_NOFOLLOW :
	    0, &va, &dev)) == 0)
		stat_of(&va, dev, st);
	return error;
}

static int
uk_fstat(void *h, int fd, struct stat *st)
{
	struct vfile *f = fd_get(h, fd);
	struct vattr va;
	uint64_t dev;
	int error;

	if (f == NULL)
		return -EBADF;
	if ((error = vfs_fstat(f, &va, &dev)) == 0)
		stat_of(&va, dev, st);
	vfs_file_rele(f);
	return error;
}

static int
uk_mkdir(void *h, const char *path, uint32_t mode)
{
	return vfs_mkdir(cwd(h), path, mode);
}

static int
uk_unlink(void *h, const char *path)
{
	return vfs_unlink(cwd(h), path, 0);
}

static int
uk_rmdir(void *h, const char *path)
{
	return vfs_unlink(cwd(h), path, 1);
}

static int
uk_rename(void *h, const char *from, const char *to)
{
	return vfs_rename(cwd(h), from, cwd(h), to);
}

static int
uk_symlink(void *h, const char *target, const char *path)
{
	return vfs_symlink(target, cwd(h), path);
}

static ssize_t
uk_readlink(void *h, const char *path, char *buf, size_t len)
{
	return vfs_readlink(cwd(h), path, buf, len);
}

static int
setattr(void *h, const char *path, struct vattr *va, int mask)
{
	return vfs_setattr(cwd(h), path, AT_SYMLINK_NOFOLLOW, NULL, va, mask);
}

static int
uk_chmod(void *h, const char *path, uint32_t mode)
{
	struct vattr va = { .mode = mode };

	return vfs_setattr(cwd(h), path, 0, NULL, &va, VA_MODE);
}

static int
uk_chown(void *h, const char *path, uint32_t uid, uint32_t gid)
{
	struct vattr va = { .uid = uid, .gid = gid };

	return setattr(h, path, &va, (uid != (uint32_t)-1 ? VA_UID : 0) |
	    (gid != (uint32_t)-1 ? VA_GID : 0));
}

static int
uk_utimens(void *h, const char *path, const struct timespec ts[2])
{
	struct vattr va;
	int error, mask;

	memset(&va, 0, sizeof(va));
	if ((error = vfs_utimes_attr(ts, &va, &mask)) != 0)
		return error;
	return setattr(h, path, &va, mask);
}

static int
uk_truncate(void *h, const char *path, uint64_t size)
{
	struct vattr va = { .size = size };

	return vfs_setattr(cwd(h), path, 0, NULL, &va, VA_SIZE);
}

static int
uk_ftruncate(void *h, int fd, uint64_t size)
{
	struct vfile *f = fd_get(h, fd);
	struct vattr va = { .size = size };
	int error;

	if (f == NULL)
		return -EBADF;
	error = vfs_setattr(cwd(h), "", 0, f, &va, VA_SIZE);
	vfs_file_rele(f);
	return error;
}

static int
uk_fsync(void *h, int fd)
{
	struct vfile *f = fd_get(h, fd);
	int error;

	if (f == NULL)
		return -EBADF;
	error = vfs_fsync(f);
	vfs_file_rele(f);
	return error;
}

static int
uk_statvfs(void *h, const char *path, struct statvfs *st)
{
	struct vfs_statvfs sv;
	int error;

	if ((error = vfs_statvfs(cwd(h), path, NULL, &sv)) != 0)
		return error;
	memset(st, 0, sizeof(*st));
	st->f_bsize = sv.bsize;
	st->f_frsize = sv.frsize;
	st->f_blocks = sv.blocks;
	st->f_bfree = sv.bfree;
	st->f_bavail = sv.bavail;
	st->f_files = sv.files;
	st->f_ffree = sv.ffree;
	st->f_favail = sv.favail;
	st->f_fsid = sv.fsid;
	st->f_flag = (sv.flag & VFS_ST_RDONLY) ? ST_RDONLY : 0;
	st->f_namemax = sv.namemax;
	return 0;
}

static const char *
uk_detail(void *h)
{
	return "";
}

const struct fsops ukfs_fsops = {
	.name = "ukfs",
	.open = uk_open,
	.close = uk_close,
	.pread = uk_pread,
	.pwrite = uk_pwrite,
	.getdents = uk_getdents,
	.lseek = uk_lseek,
	.stat = uk_stat,
	.fstat = uk_fstat,
	.mkdir = uk_mkdir,
	.unlink = uk_unlink,
	.rmdir = uk_rmdir,
	.rename = uk_rename,
	.symlink = uk_symlink,
	.readlink = uk_readlink,
	.chmod = uk_chmod,
	.chown = uk_chown,
	.utimens = uk_utimens,
	.truncate = uk_truncate,
	.ftruncate = uk_ftruncate,
	.fsync = uk_fsync,
	.statvfs = uk_statvfs,
	.detail = uk_detail,
};
