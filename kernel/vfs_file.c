/*
 * vfs_file.c — open files, a process's working directory, and the file
 * calls (vfs.h).  Every function takes vfs_lock for its whole work.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kernel/vfs_private.h"

struct vfile {
	struct vnode *vp;
	uint64_t      off;              /* vfs_lock */
	uint64_t      cookie;           /* readdir's place; vfs_lock */
	int           flags;            /* open flags; vfs_lock */
	int           refs;             /* vfs_lock */
};

struct vfs_proc {
	struct vnode *cwd;              /* vfs_lock; NULL: "/" */
};

/*
 * Processes.
 */
struct vfs_proc *
vfs_proc_new(void)
{
	return hyp_calloc(1, sizeof(struct vfs_proc));
}

struct vfs_proc *
vfs_proc_copy(const struct vfs_proc *from)
{
	struct vfs_proc *p;

	if ((p = vfs_proc_new()) == NULL)
		return NULL;
	hyp_mtx_enter(&vfs_lock);
	if ((p->cwd = from->cwd) != NULL)
		vfs_vnode_hold(p->cwd);
	hyp_mtx_exit(&vfs_lock);
	return p;
}

void
vfs_proc_free(struct vfs_proc *p)
{
	if (p == NULL)
		return;
	hyp_mtx_enter(&vfs_lock);
	vfs_vnode_rele(p->cwd);
	hyp_mtx_exit(&vfs_lock);
	hyp_free(p);
}

struct vnode *
vfs_proc_cwd(struct vfs_proc *p)
{
	if (p == NULL || p->cwd == NULL)
		return vfs_root();
	vfs_vnode_hold(p->cwd);
	return p->cwd;
}

void
vfs_proc_setcwd(struct vfs_proc *p, struct vnode *vp)
{
	vfs_vnode_rele(p->cwd);
	p->cwd = vp;
}

/*
 * Files.
 */
struct vnode *
vfs_file_vnode(struct vfile *f)
{
	vfs_vnode_hold(f->vp);
	return f->vp;
}

void
vfs_file_hold(struct vfile *f)
{
	hyp_mtx_enter(&vfs_lock);
	f->refs++;
	hyp_mtx_exit(&vfs_lock);
}

void
vfs_file_rele(struct vfile *f)
{
	hyp_mtx_enter(&vfs_lock);
	if (--f->refs == 0) {
		vfs_vnode_rele(f->vp);
		hyp_free(f);
	}
	hyp_mtx_exit(&vfs_lock);
}

int
vfs_file_flags(struct vfile *f)
{
	int fl;

	hyp_mtx_enter(&vfs_lock);
	fl = f->flags;
	hyp_mtx_exit(&vfs_lock);
	return fl;
}

void
vfs_file_setflags(struct vfile *f, int flags)
{
	int keep = O_APPEND | O_NONBLOCK;

	hyp_mtx_enter(&vfs_lock);
	f->flags = (f->flags & ~keep) | (flags & keep);
	hyp_mtx_exit(&vfs_lock);
}

static int
rdonly(const struct vnode *vp)
{
	return vp->mp->rdonly;
}

static int
writing(int flags)
{
	return (flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR;
}

static struct vfile *
file_new(struct vnode *vp, int flags)
{
	struct vfile *f;

	if ((f = hyp_calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->vp = vp;
	f->flags = flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY |
	    O_CLOEXEC);
	f->refs = 1;
	return f;
}

/* open(2) on a looked-up path; vfs_lock held. */
static int
open_locked(struct vfs_at at, const char *path, int flags, uint32_t mode,
    struct vfile **fp)
{
	struct nameidata nd;
	struct vattr va;
	struct vnode *vp;
	int error, want = (flags & O_NOFOLLOW) ? 0 : ND_FOLLOW;

	if (flags & O_CREAT)
		want |= ND_PARENT;
	if ((error = vfs_namei(at, path, want, &nd)) != 0)
		return error;
	if ((flags & O_CREAT) && nd.vp == NULL) {
		if (nd.trailing_slash)
			error = -EISDIR;
		else if (rdonly(nd.dvp))
			error = -EROFS;
		else
			error = nd.dvp->ops->create(nd.dvp, nd.name,
			    mode & 07777, &nd.vp);
		if (error != 0) {
			vfs_nd_done(&nd);
			return error;
		}
	} else if ((flags & O_CREAT) && (flags & O_EXCL)) {
		vfs_nd_done(&nd);
		return -EEXIST;
	}
	vp = nd.vp;
	if (vp->type == VLNK && (flags & O_NOFOLLOW))
		error = -ELOOP;
	else if (vp->type == VDIR && (writing(flags) || (flags & O_CREAT)))
		error = -EISDIR;
	else if ((flags & O_DIRECTORY) && vp->type != VDIR)
		error = -ENOTDIR;
	else if ((writing(flags) || (flags & O_TRUNC)) && rdonly(vp))
		error = -EROFS;
	else if ((flags & O_TRUNC) && vp->type == VREG && writing(flags)) {
		memset(&va, 0, sizeof(va));
		error = vp->ops->setattr(vp, &va, VA_SIZE);
	}
	if (error == 0 && (*fp = file_new(vp, flags)) == NULL)
		error = -ENOMEM;
	if (error == 0)
		nd.vp = NULL;           /* the file holds it now */
	vfs_nd_done(&nd);
	return error;
}

int
vfs_open(struct vfs_at at, const char *path, int flags, uint32_t mode,
    struct vfile **fp)
{
	int error;

	hyp_mtx_enter(&vfs_lock);
	error = open_locked(at, path, flags, mode, fp);
	hyp_mtx_exit(&vfs_lock);
	return error;
}

/* The vnode a call about (at, path) or about at.dir itself ("") means;
 * vfs_lock held; *vpp held. */
static int
target(struct vfs_at at, const char *path, int follow, struct vnode **vpp)
{
	struct nameidata nd;
	int error;

	if (path[0] == '\0') {
		if (at.dir != NULL)
			*vpp = vfs_file_vnode(at.dir);
		else
			*vpp = vfs_proc_cwd(at.proc);
		return *vpp != NULL ? 0 : -ENOENT;
	}
	if ((error = vfs_namei(at, path, follow ? ND_FOLLOW : 0, &nd)) != 0)
		return error;
	*vpp = nd.vp;
	return 0;
}

/* A file's device number: its mount's place in the table, stable while
 * mounted, so that st_dev differs across mounts as find(1) expects. */
static uint64_t
dev_of(const struct vnode *vp)
{
	return 0x7200 + (((uintptr_t)vp->mp >> 4) & 0xff);
}

int
vfs_stat(struct vfs_at at, const char *path, int flags, struct vattr *va,
    uint64_t *dev)
{
	struct vnode *vp;
	int error;

	hyp_mtx_enter(&vfs_lock);
	if ((error = target(at, path, !(flags & AT_SYMLINK_NOFOLLOW), &vp)) ==
	    0) {
		error = vp->ops->getattr(vp, va);
		*dev = dev_of(vp);
		vfs_vnode_rele(vp);
	}
	hyp_mtx_exit(&vfs_lock);
	return error;
}

int
vfs_fstat(struct vfile *f, struct vattr *va, uint64_t *dev)
{
	int error;

	hyp_mtx_enter(&vfs_lock);
	error = f->vp->ops->getattr(f->vp, va);
	*dev = dev_of(f->vp);
	hyp_mtx_exit(&vfs_lock);
	return error;
}

static ssize_t
read_locked(struct vfile *f, void *buf, size_t len, uint64_t off)
{
	if ((f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_PATH))
		return -EBADF;
	if (f->vp->type == VDIR)
		return -EISDIR;
	if (f->vp->type != VREG)
		return -EINVAL;
	return f->vp->ops->read(f->vp, buf, len, off);
}

static ssize_t
write_locked(struct vfile *f, const void *buf, size_t len, uint64_t off)
{
	if (!writing(f->flags) || (f->flags & O_PATH))
		return -EBADF;
	if (f->vp->type != VREG)
		return -EINVAL;
	if (rdonly(f->vp))
		return -EROFS;
	return f->vp->ops->write(f->vp, buf, len, off);
}

ssize_t
vfs_read(struct vfile *f, void *buf, size_t len)
{
	ssize_t n;

	hyp_mtx_enter(&vfs_lock);
	if ((n = read_locked(f, buf, len, f->off)) > 0)
		f->off += (uint64_t)n;
	hyp_mtx_exit(&vfs_lock);
	return n;
}

ssize_t
vfs_write(struct vfile *f, const void *buf, size_t len)
{
	struct vattr va;
	ssize_t n;

	hyp_mtx_enter(&vfs_lock);
	if ((f->flags & O_APPEND) && f->vp->ops->getattr(f->vp, &va) == 0)
		f->off = va.size;
	if ((n = write_locked(f, buf, len, f->off)) > 0)
		f->off += (uint64_t)n;
	hyp_mtx_exit(&vfs_lock);
	return n;
}

ssize_t
vfs_pread(struct vfile *f, void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	hyp_mtx_enter(&vfs_lock);
	n = read_locked(f, buf, len, off);
	hyp_mtx_exit(&vfs_lock);
	return n;
}

ssize_t
vfs_pwrite(struct vfile *f, const void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	hyp_mtx_enter(&vfs_lock);
	n = write_locked(f, buf, len, off);
	hyp_mtx_exit(&vfs_lock);
	return n;
}

int64_t
vfs_lseek(struct vfile *f, int64_t off, int whence)
{
	struct vattr va;
	int64_t base = 0, r;
	int error = 0;

	hyp_mtx_enter(&vfs_lock);
	switch (whence) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		base = (int64_t)f->off;
		break;
	case SEEK_END:
		if ((error = f->vp->ops->getattr(f->vp, &va)) == 0)
			base = (int64_t)va.size;
		break;
	default:
		error = -EINVAL;
	}
	if (error == 0 && (off > INT64_MAX - base || base + off < 0))
		error = -EINVAL;
	if (error == 0) {
		f->off = (uint64_t)(base + off);
		if (f->vp->type == VDIR)        /* rewinddir, seekdir */
			f->cookie = f->off;
	}
	r = error != 0 ? error : (int64_t)f->off;
	hyp_mtx_exit(&vfs_lock);
	return r;
}

/* getdents64's records. */
struct dents {
	uint8_t  *buf;
	size_t    len, used;
};

static int
dent_put(void *arg, const char *name, uint64_t ino, enum vtype type,
    uint64_t next)
{
	static const uint8_t dt[] = { [VNON] = 0, [VREG] = 8, [VDIR] = 4,
	    [VLNK] = 10 };
	struct dents *d = arg;
	size_t nlen = strlen(name), rec = (19 + nlen + 1 + 7) & ~(size_t)7;
	uint8_t *r = d->buf + d->used;
	uint64_t off = next;
	uint16_t reclen = (uint16_t)rec;

	if (d->used + rec > d->len)
		return 1;
	memset(r, 0, rec);
	memcpy(r, &ino, 8);
	memcpy(r + 8, &off, 8);         /* the place after this entry */
	memcpy(r + 16, &reclen, 2);
	r[18] = dt[type];
	memcpy(r + 19, name, nlen);
	d->used += rec;
	return 0;
}

ssize_t
vfs_getdents(struct vfile *f, void *buf, size_t len)
{
	struct dents d = { buf, len, 0 };
	ssize_t r;
	int error;

	hyp_mtx_enter(&vfs_lock);
	if (f->vp->type != VDIR)
		r = -ENOTDIR;
	else {
		error = f->vp->ops->readdir(f->vp, &f->cookie, dent_put, &d);
		f->off = f->cookie;
		r = error < 0 ? error : (error == 1 && d.used == 0) ? -EINVAL :
		    (ssize_t)d.used;
	}
	hyp_mtx_exit(&vfs_lock);
	return r;
}

/* mkdir, unlink, rmdir, symlink: the parent and the last name. */
static int
parent_op(struct vfs_at at, const char *path, struct nameidata *nd)
{
	int error;

	if ((error = vfs_namei(at, path, ND_PARENT, nd)) != 0)
		return error;
	if (nd->dvp == NULL) {          /* "/", ".", ".." */
		vfs_nd_done(nd);
		return -EBUSY;
	}
	if (rdonly(nd->dvp)) {
		vfs_nd_done(nd);
		return -EROFS;
	}
	return 0;
}

int
vfs_mkdir(struct vfs_at at, const char *path, uint32_t mode)
{
	struct nameidata nd;
	int error;

	hyp_mtx_enter(&vfs_lock);
	if ((error = vfs_namei(at, path, ND_PARENT, &nd)) == 0) {
		if (nd.vp != NULL || nd.dvp == NULL)
			error = -EEXIST;
		else if (rdonly(nd.dvp))
			error = -EROFS;
		else
			error = nd.dvp->ops->mkdir(nd.dvp, nd.name,
			    mode & 07777);
		vfs_nd_done(&nd);
	}
	hyp_mtx_exit(&vfs_lock);
	return error;
}

int
vfs_unlink(struct vfs_at at, const char *path, int isdir)
{
	struct nameidata nd;
	int error;

	hyp_mtx_enter(&vfs_lock);
	if ((error = parent_op(at, path, &nd)) == 0) {
		if (nd.vp == NULL)
			error = -ENOENT;
		else if (isdir && nd.vp->type != VDIR)
			error = -ENOTDIR;
		else if (!isdir && nd.vp->type == VDIR)
			error = -EISDIR;
		else if (!isdir && nd.trailing_slash)
			error = -ENOTDIR;
		else if (vfs_is_mountroot(nd.vp) || vfs_is_covered(nd.vp))
			error = -EBUSY;
		else if (isdir)
			error = nd.dvp->ops->rmdir(nd.dvp, nd.name);
		else
			error = nd.dvp->ops->remove(nd.dvp, nd.name);
		vfs_nd_done(&nd);
	}
	hyp_mtx_exit(&vfs_lock);
	return error;
}

int
vfs_rename(struct vfs_at from, const char *fpath, struct vfs_at to,
    const char *tpath)
{
	struct nameidata f, t;
	int error;

	hyp_mtx_enter(&vfs_lock);
	if ((error = parent_op(from, fpath, &f)) != 0)
		goto out;
	if ((error = parent_op(to, tpath, &t)) != 0) {
		vfs_nd_done(&f);
		goto out;
	}
	if (f.vp == NULL)
		error = -ENOENT;
	else if (f.dvp->mp != t.dvp->mp)
		error = -EXDEV;
	else if (vfs_is_mountroot(f.vp) || vfs_is_covered(f.vp) ||
	    (t.vp != NULL && (vfs_is_mountroot(t.vp) || vfs_is_covered(t.vp))))
		error = -EBUSY;
	else if (t.vp != NULL && f.vp->ino == t.vp->ino)
		error = 0;              /* the same file: nothing to do */
	else
		error = f.dvp->ops->rename(f.dvp, f.name, t.dvp, t.name);
	vfs_nd_done(&f);
	vfs_nd_done(&t);
out:
	hyp_mtx_exit(&vfs_lock);
	return error;
}

int
vfs_symlink(const char *linktarget, struct vfs_at at, const char *path)
{
	struct nameidata nd;
	int error;

	if (linktarget[0] == '\0')
		return -ENOENT;
	hyp_mtx_enter(&vfs_lock);
	if ((error = parent_op(at, path, &nd)) == 0) {
		error = nd.vp != NULL ? -EEXIST :
		    nd.dvp->ops->symlink(nd.dvp, nd.name, linktarget);
		vfs_nd_done(&nd);
	}
	hyp_mtx_exit(&vfs_lock);
	return error;
}

ssize_t
vfs_readlink(struct vfs_at at, const char *path, char *buf, size_t len)
{
	struct vnode *vp;
	ssize_t n;

	hyp_mtx_enter(&vfs_lock);
	if ((n = target(at, path, 0, &vp)) == 0) {
		n = vp->type == VLNK ? vp->ops->readlink(vp, buf, len) :
		    -EINVAL;
		vfs_vnode_rele(vp);
	}
	hyp_mtx_exit(&vfs_lock);
	return n;
}

int
vfs_setattr(struct vfs_at at, const char *path, int flags, struct vfile *f,
    const struct vattr *va, int mask)
{
	struct vnode *vp;
	int error;

	hyp_mtx_enter(&vfs_lock);
	if (f != NULL)
		error = (vp = vfs_file_vnode(f)) != NULL ? 0 : -EBADF;
	else
		error = target(at, path, !(flags & AT_SYMLINK_NOFOLLOW), &vp);
	if (error == 0) {
		if (rdonly(vp))
			error = -EROFS;
		else if ((mask & VA_SIZE) && vp->type == VDIR)
			error = -EISDIR;
		else if ((mask & VA_SIZE) && vp->type != VREG)
			error = -EINVAL;
		else if ((mask & VA_SIZE) && f != NULL && !writing(f->flags))
			error = -EINVAL;        /* ftruncate on O_RDONLY */
		else
			error = vp->ops->setattr(vp, va, mask);
		vfs_vnode_rele(vp);
	}
	hyp_mtx_exit(&vfs_lock);
	return error;
}

int
vfs_utimes_attr(const struct timespec ts[2], struct vattr *va, int *mask)
{
	struct timespec now;
	int i;

	clock_gettime(CLOCK_REALTIME, &now);
	*mask = 0;
	for (i = 0; i < 2; i++) {
		struct timespec *t = i == 0 ? &va->atime : &va->mtime;

		if (ts != NULL && ts[i].tv_nsec == UTIME_OMIT)
			continue;
		*mask |= i == 0 ? VA_ATIME : VA_MTIME;
		if (ts == NULL || ts[i].tv_nsec == UTIME_NOW)
			*t = now;
		else if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000)
			return -EINVAL;
		else
			*t = ts[i];
	}
	return 0;
}

int
vfs_fsync(struct vfile *f)
{
	int error;

	hyp_mtx_enter(&vfs_lock);
	error = f->vp->ops->fsync != NULL ? f->vp->ops->fsync(f->vp) : 0;
	hyp_mtx_exit(&vfs_lock);
	return error;
}

int
vfs_statvfs(struct vfs_at at, const char *path, struct vfile *f,
    struct vfs_statvfs *st)
{
	struct vnode *vp;
	int error;

	hyp_mtx_enter(&vfs_lock);
	if (f != NULL)
		vp = vfs_file_vnode(f), error = 0;
	else
		error = target(at, path, 1, &vp);
	if (error == 0) {
		memset(st, 0, sizeof(*st));
		error = vp->mp->ops->statvfs(vp->mp, st);
		if (vp->mp->rdonly)
			st->flag |= VFS_ST_RDONLY;
		vfs_vnode_rele(vp);
	}
	hyp_mtx_exit(&vfs_lock);
	return error;
}

int
vfs_access(struct vfs_at at, const char *path, int flags)
{
	struct vnode *vp;
	int error;

	hyp_mtx_enter(&vfs_lock);
	if ((error = target(at, path, !(flags & AT_SYMLINK_NOFOLLOW), &vp)) ==
	    0)
		vfs_vnode_rele(vp);
	hyp_mtx_exit(&vfs_lock);
	return error;
}

int
vfs_chdir(struct vfs_at at, const char *path)
{
	struct vnode *vp;
	int error;

	hyp_mtx_enter(&vfs_lock);
	if ((error = target(at, path, 1, &vp)) == 0) {
		if (vp->type != VDIR) {
			vfs_vnode_rele(vp);
			error = -ENOTDIR;
		} else
			vfs_proc_setcwd(at.proc, vp);
	}
	hyp_mtx_exit(&vfs_lock);
	return error;
}

/*
 * getcwd: up from the cwd by "..", finding each directory's name among
 * its parent's entries by inode, as the classic getcwd(3) did.
 */
struct findname {
	uint64_t ino;
	char     name[VFS_NAMEMAX + 1];
	int      found;
};

static int
find_ino(void *arg, const char *name, uint64_t ino, enum vtype type,
    uint64_t next)
{
	struct findname *fn = arg;

	if (ino == fn->ino && strcmp(name, ".") != 0 && strcmp(name, "..")
	    != 0 && !fn->found) {
		snprintf(fn->name, sizeof(fn->name), "%s", name);
		fn->found = 1;
	}
	return 0;
}

/* vp's name in its parent (held, returned in *parentp), mounts crossed. */
static int
name_in_parent(struct vnode *vp, struct vnode **parentp, char *name,
    size_t len)
{
	struct findname fn;
	struct vnode *dir = vp, *up;
	uint64_t cookie = 0;
	int error;

	vfs_vnode_hold(dir);
	while (vfs_is_mountroot(dir) && dir->mp->covered != NULL) {
		up = dir->mp->covered;
		vfs_vnode_hold(up);
		vfs_vnode_rele(dir);
		dir = up;
	}
	memset(&fn, 0, sizeof(fn));
	fn.ino = dir->ino;
	error = dir->ops->lookup(dir, "..", parentp);
	if (error == 0) {
		error = (*parentp)->ops->readdir(*parentp, &cookie, find_ino,
		    &fn);
		if (error >= 0)
			error = fn.found ? 0 : -ENOENT;
		if (error != 0) {
			vfs_vnode_rele(*parentp);
			*parentp = NULL;
		}
	}
	vfs_vnode_rele(dir);
	if (error == 0)
		snprintf(name, len, "%s", fn.name);
	return error;
}

int
vfs_getcwd(struct vfs_proc *p, char *buf, size_t len)
{
	char path[VFS_PATHMAX], name[VFS_NAMEMAX + 1];
	struct vnode *cur, *parent, *root;
	size_t n = 0, l;
	int error = 0, depth = 0;

	hyp_mtx_enter(&vfs_lock);
	cur = vfs_proc_cwd(p);
	root = vfs_root();
	path[sizeof(path) - 1] = '\0';
	while (!(cur->mp == root->mp && cur->ino == root->ino)) {
		if (++depth > VFS_PATHMAX / 2 || (error = name_in_parent(cur,
		    &parent, name, sizeof(name))) != 0)
			break;
		vfs_vnode_rele(cur);
		cur = parent;
		l = strlen(name);
		if (n + l + 1 >= sizeof(path)) {
			error = -ENAMETOOLONG;
			break;
		}
		n += l + 1;
		memcpy(path + sizeof(path) - 1 - n + 1, name, l);
		path[sizeof(path) - 1 - n] = '/';
	}
	vfs_vnode_rele(cur);
	vfs_vnode_rele(root);
	hyp_mtx_exit(&vfs_lock);
	if (error != 0)
		return error;
	if (n == 0)
		path[sizeof(path) - 1 - (n = 1)] = '/';
	if (n + 1 > len)
		return -ERANGE;
	memcpy(buf, path + sizeof(path) - 1 - n, n);
	buf[n] = '\0';
	return (int)n;
}
