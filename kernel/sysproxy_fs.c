/*
 * sysproxy_fs.c — the file calls of sysproxy (64-89 in
 * kernel/SYSPROXY.txt): each looks the client's descriptors up in its
 * process, calls the VFS (kernel/vfs.h) and fills the reply.  READ, WRITE,
 * CLOSE, DUP, FCNTL and POLL serve files too; they are in
 * sysproxy_calls.c beside the socket calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kernel/hyper.h"
#include "kernel/klog.h"
#include "kernel/sysproxy_calls.h"
#include "kernel/sysproxy_fs.h"
#include "kernel/vfs.h"

/* A descriptor naming an open file (not a socket), held. */
static int
file_get(struct proc *p, int fd, struct kfile **fp)
{
	int error;

	if ((error = proc_fd_get(p, fd, fp)) != 0)
		return error;
	if ((*fp)->vf == NULL) {
		proc_file_rele(p, *fp);
		return -ESPIPE;         /* a socket: no offset, no file ops */
	}
	return 0;
}

/* What dirfd stands for: the cwd, or an open directory (held in *fp). */
static int
at_get(struct proc *p, int dirfd, struct vfs_at *at, struct kfile **fp)
{
	int error;

	at->proc = proc_vfs(p);
	at->dir = NULL;
	*fp = NULL;
	if (at->proc == NULL)
		return -EOPNOTSUPP;
	if (dirfd == VFS_AT_FDCWD)
		return 0;
	if ((error = proc_fd_get(p, dirfd, fp)) != 0)
		return error;
	if ((*fp)->vf == NULL) {
		proc_file_rele(p, *fp);
		*fp = NULL;
		return -ENOTDIR;
	}
	at->dir = (*fp)->vf;
	return 0;
}

static void
at_put(struct proc *p, struct kfile *f)
{
	if (f != NULL)
		proc_file_rele(p, f);
}

static void
stat_out(const struct vattr *va, uint64_t dev, struct sp_stat *st)
{
	static const uint32_t ifmt[] = { [VNON] = 0, [VREG] = S_IFREG,
	    [VDIR] = S_IFDIR, [VLNK] = S_IFLNK };

	memset(st, 0, sizeof(*st));
	st->dev = dev;
	st->ino = va->ino;
	st->mode = ifmt[va->type] | (va->mode & 07777);
	st->nlink = va->nlink;
	st->uid = va->uid;
	st->gid = va->gid;
	st->size = va->size;
	st->blocks = va->blocks;
	st->blksize = va->blksize;
	st->tsec[0] = va->atime.tv_sec;
	st->tnsec[0] = (uint32_t)va->atime.tv_nsec;
	st->tsec[1] = va->mtime.tv_sec;
	st->tnsec[1] = (uint32_t)va->mtime.tv_nsec;
	st->tsec[2] = va->ctime.tv_sec;
	st->tnsec[2] = (uint32_t)va->ctime.tv_nsec;
}

static int
fs_open(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct vfs_at at;
	struct kfile *dir;
	struct vfile *vf;
	int error;

	if ((error = at_get(p, q->i[0], &at, &dir)) != 0)
		return error;
	error = vfs_open(at, q->path, q->i[1], q->u[0], &vf);
	at_put(p, dir);
	if (error != 0)
		return error;
	return proc_fd_alloc_file(p, vf, q->i[1] & O_CLOEXEC);
}

static int
fs_stat(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct vfs_at at;
	struct kfile *dir;
	struct vattr va;
	uint64_t dev;
	int error;

	if (q->path[0] == '\0' && !(q->i[1] & AT_EMPTY_PATH))
		return -ENOENT;
	if ((error = at_get(p, q->i[0], &at, &dir)) != 0)
		return error;
	error = vfs_stat(at, q->path, q->i[1], &va, &dev);
	at_put(p, dir);
	if (error == 0)
		stat_out(&va, dev, &r->st);
	return error;
}

static int
fs_fstat(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct kfile *f;
	struct vattr va;
	uint64_t dev;
	int error;

	if ((error = file_get(p, q->i[0], &f)) != 0)
		return error;
	if ((error = vfs_fstat(f->vf, &va, &dev)) == 0)
		stat_out(&va, dev, &r->st);
	proc_file_rele(p, f);
	return error;
}

static int
fs_lseek(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct kfile *f;
	int64_t off;
	int error;

	if ((error = file_get(p, q->i[0], &f)) != 0)
		return error;
	off = vfs_lseek(f->vf, q->q[0], q->i[1]);
	proc_file_rele(p, f);
	if (off < 0)
		return (int)off;
	r->q[0] = off;
	return 0;
}

static int
fs_getdents(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct kfile *f;
	ssize_t n;
	int error;

	if ((error = file_get(p, q->i[0], &f)) != 0)
		return error;
	if ((o->heap = hyp_malloc(q->u[0] > 0 ? q->u[0] : 1)) == NULL)
		n = -ENOMEM;
	else
		n = vfs_getdents(f->vf, o->heap, q->u[0]);
	proc_file_rele(p, f);
	if (n < 0)
		return (int)n;
	r->data = o->heap;
	r->datalen = (uint32_t)n;
	return (int)n;
}

/* Calls on (dirfd, path) alone: mkdir, rmdir, unlink, chdir, access. */
static int
fs_path(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct vfs_at at;
	struct kfile *dir;
	int error;

	if (q->path[0] == '\0' && q->h.call != SP_CHDIR)
		return -ENOENT;
	if ((error = at_get(p, q->i[0], &at, &dir)) != 0)
		return error;
	switch (q->h.call) {
	case SP_MKDIR:
		error = vfs_mkdir(at, q->path, q->u[0]);
		break;
	case SP_RMDIR:
		error = vfs_unlink(at, q->path, 1);
		break;
	case SP_UNLINK:
		error = vfs_unlink(at, q->path, 0);
		break;
	case SP_CHDIR:
		error = vfs_chdir(at, q->path);
		break;
	default:        /* SP_ACCESS: existence; permissions are not kept */
		error = vfs_access(at, q->path, q->i[2]);
		break;
	}
	at_put(p, dir);
	return error;
}

static int
fs_rename(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct vfs_at from, to;
	struct kfile *fdir, *tdir;
	int error;

	if (q->path[0] == '\0' || q->path2[0] == '\0')
		return -ENOENT;
	if ((error = at_get(p, q->i[0], &from, &fdir)) != 0)
		return error;
	if ((error = at_get(p, q->i[1], &to, &tdir)) == 0) {
		error = vfs_rename(from, q->path, to, q->path2);
		at_put(p, tdir);
	}
	at_put(p, fdir);
	return error;
}

static int
fs_getcwd(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	if (proc_vfs(p) == NULL)
		return -EOPNOTSUPP;
	return vfs_getcwd(proc_vfs(p), r->path, sizeof(r->path));
}

static int
fs_fsync(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct kfile *f;
	int error;

	if ((error = file_get(p, q->i[0], &f)) != 0)
		return error == -ESPIPE ? -EINVAL : error;
	error = vfs_fsync(f->vf);
	proc_file_rele(p, f);
	return error;
}

/* chmod, chown, utimes, truncate and ftruncate: one setattr. */
static int
fs_setattr(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct vfs_at at;
	struct kfile *dir = NULL, *f = NULL;
	struct timespec ts[2];
	struct vattr va;
	int error, mask = 0, flags = 0;

	memset(&va, 0, sizeof(va));
	switch (q->h.call) {
	case SP_CHMOD:
		va.mode = q->u[0];
		mask = VA_MODE;
		flags = q->i[1];
		break;
	case SP_CHOWN:
		if (q->i[1] != -1)
			va.uid = (uint32_t)q->i[1], mask |= VA_UID;
		if (q->i[2] != -1)
			va.gid = (uint32_t)q->i[2], mask |= VA_GID;
		flags = q->i[3];
		break;
	case SP_UTIMES:
		ts[0].tv_sec = q->q[0];
		ts[0].tv_nsec = q->q[1];
		ts[1].tv_sec = q->q[2];
		ts[1].tv_nsec = q->q[3];
		if ((error = vfs_utimes_attr(ts, &va, &mask)) != 0)
			return error;
		flags = q->i[1];
		break;
	case SP_TRUNCATE:
	case SP_FTRUNCATE:
		if (q->q[0] < 0)
			return -EINVAL;
		va.size = (uint64_t)q->q[0];
		mask = VA_SIZE;
		break;
	}
	if (q->h.call == SP_FTRUNCATE) {
		if ((error = file_get(p, q->i[0], &f)) != 0)
			return error == -ESPIPE ? -EINVAL : error;
		at.proc = proc_vfs(p);
		at.dir = NULL;
		error = vfs_setattr(at, "", 0, f->vf, &va, mask);
		proc_file_rele(p, f);
		return error;
	}
	if (q->path[0] == '\0' && !(flags & AT_EMPTY_PATH))
		return -ENOENT;
	if ((error = at_get(p, q->i[0], &at, &dir)) != 0)
		return error;
	error = vfs_setattr(at, q->path, flags, NULL, &va, mask);
	at_put(p, dir);
	return error;
}

static int
fs_mount(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	int error;

	if (proc_vfs(p) == NULL)
		return -EOPNOTSUPP;
	if (q->h.call == SP_UNMOUNT)
		return vfs_unmount(q->path, q->i[0] & MNT_FORCE);
	error = vfs_mount(q->name, q->path2, q->path, q->str, r->str,
	    sizeof(r->str));
	if (error == 0)
		klog(KLOG_INFO, "%s: mounted %s on %s", proc_label(p),
		    q->path2, q->path);
	return error;
}

static int
fs_symlink(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct vfs_at at;
	struct kfile *dir;
	int error;

	if (q->path[0] == '\0')
		return -ENOENT;
	if ((error = at_get(p, q->i[0], &at, &dir)) != 0)
		return error;
	error = vfs_symlink(q->path2, at, q->path);
	at_put(p, dir);
	return error;
}

static int
fs_readlink(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct vfs_at at;
	struct kfile *dir;
	ssize_t n;
	int error;

	if ((error = at_get(p, q->i[0], &at, &dir)) != 0)
		return error;
	if ((o->heap = hyp_malloc(q->u[0] > 0 ? q->u[0] : 1)) == NULL)
		n = -ENOMEM;
	else
		n = vfs_readlink(at, q->path, o->heap, q->u[0]);
	at_put(p, dir);
	if (n < 0)
		return (int)n;
	r->data = o->heap;
	r->datalen = (uint32_t)n;
	return (int)n;
}

static int
fs_statvfs(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct vfs_statvfs st;
	struct vfs_at at;
	struct kfile *dir;
	int error;

	if ((error = at_get(p, q->i[0], &at, &dir)) != 0)
		return error;
	if (q->path[0] == '\0' && dir == NULL)
		error = -ENOENT;
	else
		error = vfs_statvfs(at, q->path, q->path[0] == '\0' ? at.dir :
		    NULL, &st);
	at_put(p, dir);
	if (error == 0)
		memcpy(&r->sv, &st, sizeof(r->sv));
	return error;
}

static int
fs_prw(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct kfile *f;
	ssize_t n;
	int error;

	if ((error = file_get(p, q->i[0], &f)) != 0)
		return error;
	if (q->h.call == SP_PWRITE)
		n = q->q[0] < 0 ? -EINVAL : vfs_pwrite(f->vf, q->data,
		    q->datalen, (uint64_t)q->q[0]);
	else if (q->q[0] < 0)
		n = -EINVAL;
	else if ((o->heap = hyp_malloc(q->u[0] > 0 ? q->u[0] : 1)) == NULL)
		n = -ENOMEM;
	else if ((n = vfs_pread(f->vf, o->heap, q->u[0],
	    (uint64_t)q->q[0])) >= 0) {
		r->data = o->heap;
		r->datalen = (uint32_t)n;
	}
	proc_file_rele(p, f);
	return (int)n;
}

static int
fs_mountlist(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	uint32_t max = q->u[0];
	size_t need;

	if (proc_vfs(p) == NULL)
		return -EOPNOTSUPP;
	if ((o->heap = hyp_malloc(max > 0 ? max : 1)) == NULL)
		return -ENOMEM;
	need = vfs_mountlist(o->heap, max);
	r->data = o->heap;
	r->datalen = max == 0 ? 0 : (uint32_t)(need < max ? need : max - 1);
	return need > INT32_MAX ? INT32_MAX : (int)need;
}

int
sp_fs_run(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	switch (q->h.call) {
	case SP_OPEN:           return fs_open(p, q, r, o);
	case SP_STAT:           return fs_stat(p, q, r, o);
	case SP_FSTAT:          return fs_fstat(p, q, r, o);
	case SP_LSEEK:          return fs_lseek(p, q, r, o);
	case SP_GETDENTS:       return fs_getdents(p, q, r, o);
	case SP_MKDIR:
	case SP_RMDIR:
	case SP_UNLINK:
	case SP_CHDIR:
	case SP_ACCESS:         return fs_path(p, q, r, o);
	case SP_RENAME:         return fs_rename(p, q, r, o);
	case SP_GETCWD:         return fs_getcwd(p, q, r, o);
	case SP_FSYNC:          return fs_fsync(p, q, r, o);
	case SP_CHMOD:
	case SP_CHOWN:
	case SP_UTIMES:
	case SP_TRUNCATE:
	case SP_FTRUNCATE:      return fs_setattr(p, q, r, o);
	case SP_MOUNT:
	case SP_UNMOUNT:        return fs_mount(p, q, r, o);
	case SP_SYMLINK:        return fs_symlink(p, q, r, o);
	case SP_READLINK:       return fs_readlink(p, q, r, o);
	case SP_STATVFS:        return fs_statvfs(p, q, r, o);
	case SP_PREAD:
	case SP_PWRITE:         return fs_prw(p, q, r, o);
	case SP_MOUNTLIST:      return fs_mountlist(p, q, r, o);
	default:                return -ENOSYS;
	}
}
