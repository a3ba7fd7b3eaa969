/*
 * vfs_tmpfs.c — tmpfs: files in the node's memory.  The root of every
 * node's tree is one (without a size limit); the rumpfs_tmpfs component
 * makes the type mountable ("size=64m" bounds what a mount holds: ENOSPC
 * past it).
 *
 * A tmpnode is a file of the mount; vnodes are handles on it and count
 * as references, directory entries as links.  A node with neither is
 * freed, so a file unlinked while open lives until its last handle goes.
 * A directory keeps its entries in a list in creation order, each with a
 * cookie (2 and up; "." is 0 and ".." 1) that readdir resumes from.
 * What a mount holds is counted as the bytes of file contents, of names
 * and link targets, and NODE_COST for each node.
 *
 * Locking: the VFS calls every operation with vfs_lock held.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/component.h"
#include "kernel/vfs_private.h"

#define NODE_COST 256

struct tmpdirent;

struct tmpnode {
	uint64_t          ino;
	enum vtype        type;
	uint32_t          mode, uid, gid, nlink;
	struct timespec   atime, mtime, ctime;
	int               refs;         /* vnode handles */
	uint8_t          *data;         /* VREG */
	uint64_t          size, cap;    /* VREG; VLNK: size of target */
	char             *target;       /* VLNK */
	struct tmpdirent *ents;         /* VDIR */
	uint64_t          nextcookie;   /* VDIR */
	struct tmpnode   *parent;       /* VDIR */
};

struct tmpdirent {
	char             *name;
	struct tmpnode   *node;
	uint64_t          cookie;
	struct tmpdirent *next;
};

struct tmpfs {
	struct tmpnode *root;
	uint64_t        nextino;
	uint64_t        used, limit;    /* limit 0: none */
};

static const struct vnodeops tmpfs_vnops;

static struct tmpfs *
fs_of(const struct vnode *vp)
{
	return vp->mp->data;
}

static struct tmpnode *
node_of(const struct vnode *vp)
{
	return vp->data;
}

static void
now(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}

static int
charge(struct tmpfs *fs, uint64_t bytes)
{
	if (fs->limit != 0 && (bytes > fs->limit || fs->used > fs->limit -
	    bytes))
		return -ENOSPC;
	fs->used += bytes;
	return 0;
}

static void
uncharge(struct tmpfs *fs, uint64_t bytes)
{
	fs->used -= bytes < fs->used ? bytes : fs->used;
}

static struct tmpnode *
node_new(struct tmpfs *fs, enum vtype type, uint32_t mode)
{
	struct tmpnode *n;

	if (charge(fs, NODE_COST) != 0)
		return NULL;
	if ((n = hyp_calloc(1, sizeof(*n))) == NULL) {
		uncharge(fs, NODE_COST);
		return NULL;
	}
	n->ino = fs->nextino++;
	n->type = type;
	n->mode = mode & 07777;
	n->nextcookie = 2;
	now(&n->atime);
	n->mtime = n->ctime = n->atime;
	return n;
}

/* A node with no link and no handle goes. */
static void
node_gc(struct tmpfs *fs, struct tmpnode *n)
{
	if (n->nlink > 0 || n->refs > 0)
		return;
	uncharge(fs, NODE_COST + n->cap + (n->target != NULL ?
	    strlen(n->target) : 0));
	hyp_free(n->data);
	hyp_free(n->target);
	hyp_free(n);
}

static struct vnode *
handle(struct mount *mp, struct tmpnode *n)
{
	struct vnode *vp = vfs_vnode_new(mp, &tmpfs_vnops, n->type, n->ino, n);

	if (vp != NULL)
		n->refs++;
	return vp;
}

static struct tmpdirent *
dir_find(struct tmpnode *d, const char *name, struct tmpdirent ***pp)
{
	struct tmpdirent **p, *e;

	for (p = &d->ents; (e = *p) != NULL; p = &e->next)
		if (strcmp(e->name, name) == 0) {
			if (pp != NULL)
				*pp = p;
			return e;
		}
	return NULL;
}

static int
dir_add(struct tmpfs *fs, struct tmpnode *d, const char *name,
    struct tmpnode *n)
{
	struct tmpdirent *e, **tail;
	size_t len = strlen(name);

	if (charge(fs, len) != 0)
		return -ENOSPC;
	if ((e = hyp_calloc(1, sizeof(*e))) == NULL ||
	    (e->name = hyp_malloc(len + 1)) == NULL) {
		hyp_free(e);
		uncharge(fs, len);
		return -ENOMEM;
	}
	memcpy(e->name, name, len + 1);
	e->node = n;
	e->cookie = d->nextcookie++;
	for (tail = &d->ents; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = e;
	n->nlink++;
	if (n->type == VDIR) {
		n->parent = d;
		d->nlink++;             /* the child's ".." */
	}
	now(&d->mtime);
	d->ctime = d->mtime;
	return 0;
}

/* Take the entry off d (the node stays for the caller to gc). */
static struct tmpnode *
dir_del(struct tmpfs *fs, struct tmpnode *d, struct tmpdirent **pp)
{
	struct tmpdirent *e = *pp;
	struct tmpnode *n = e->node;

	*pp = e->next;
	uncharge(fs, strlen(e->name));
	hyp_free(e->name);
	hyp_free(e);
	n->nlink--;
	if (n->type == VDIR) {
		n->nlink--;             /* its "." */
		d->nlink--;             /* its ".." */
	}
	now(&d->mtime);
	d->ctime = d->mtime;
	return n;
}

/*
 * Vnode operations.
 */
static int
tmp_lookup(struct vnode *dvp, const char *name, struct vnode **vpp)
{
	struct tmpnode *d = node_of(dvp), *n;
	struct tmpdirent *e;

	if (strcmp(name, "..") == 0)
		n = d->parent != NULL ? d->parent : d;
	else if ((e = dir_find(d, name, NULL)) != NULL)
		n = e->node;
	else
		return -ENOENT;
	if ((*vpp = handle(dvp->mp, n)) == NULL)
		return -ENOMEM;
	return 0;
}

static int
make(struct vnode *dvp, const char *name, enum vtype type, uint32_t mode,
    const char *target, struct tmpnode **np)
{
	struct tmpfs *fs = fs_of(dvp);
	struct tmpnode *d = node_of(dvp), *n;
	size_t tlen = target != NULL ? strlen(target) : 0;
	int error;

	if (d->nlink == 0)
		return -ENOENT;         /* a removed directory */
	if (dir_find(d, name, NULL) != NULL)
		return -EEXIST;
	if ((n = node_new(fs, type, mode)) == NULL)
		return -ENOSPC;
	if (target != NULL && ((error = charge(fs, tlen)) != 0 ||
	    (n->target = hyp_malloc(tlen + 1)) == NULL)) {
		if (error == 0)
			uncharge(fs, tlen);
		node_gc(fs, n);
		return -ENOSPC;
	}
	if (target != NULL) {
		memcpy(n->target, target, tlen + 1);
		n->size = tlen;
	}
	if (type == VDIR)
		n->nlink = 1;           /* its "." */
	if ((error = dir_add(fs, d, name, n)) != 0) {
		n->nlink = 0;
		node_gc(fs, n);
		return error;
	}
	*np = n;
	return 0;
}

static int
tmp_create(struct vnode *dvp, const char *name, uint32_t mode,
    struct vnode **vpp)
{
	struct tmpnode *n;
	int error;

	if ((error = make(dvp, name, VREG, mode, NULL, &n)) != 0)
		return error;
	return (*vpp = handle(dvp->mp, n)) != NULL ? 0 : -ENOMEM;
}

static int
tmp_mkdir(struct vnode *dvp, const char *name, uint32_t mode)
{
	struct tmpnode *n;

	return make(dvp, name, VDIR, mode, NULL, &n);
}

static int
tmp_symlink(struct vnode *dvp, const char *name, const char *target)
{
	struct tmpnode *n;

	return make(dvp, name, VLNK, 0777, target, &n);
}

static int
tmp_remove(struct vnode *dvp, const char *name)
{
	struct tmpnode *d = node_of(dvp);
	struct tmpdirent **pp, *e;

	if ((e = dir_find(d, name, &pp)) == NULL)
		return -ENOENT;
	if (e->node->type == VDIR)
		return -EISDIR;
	node_gc(fs_of(dvp), dir_del(fs_of(dvp), d, pp));
	return 0;
}

static int
tmp_rmdir(struct vnode *dvp, const char *name)
{
	struct tmpnode *d = node_of(dvp);
	struct tmpdirent **pp, *e;

	if ((e = dir_find(d, name, &pp)) == NULL)
		return -ENOENT;
	if (e->node->type != VDIR)
		return -ENOTDIR;
	if (e->node->ents != NULL)
		return -ENOTEMPTY;
	node_gc(fs_of(dvp), dir_del(fs_of(dvp), d, pp));
	return 0;
}

/* Is a inside b's subtree (or b itself)? */
static int
inside(const struct tmpnode *a, const struct tmpnode *b)
{
	for (; a != NULL; a = a->parent)
		if (a == b)
			return 1;
	return 0;
}

static int
tmp_rename(struct vnode *fdvp, const char *fname, struct vnode *tdvp,
    const char *tname)
{
	struct tmpfs *fs = fs_of(fdvp);
	struct tmpnode *fd = node_of(fdvp), *td = node_of(tdvp), *n, *old;
	struct tmpdirent **fpp, **tpp, **tail, *fe, *te;
	size_t flen = strlen(fname), tlen = strlen(tname);
	char *name;

	if ((fe = dir_find(fd, fname, &fpp)) == NULL)
		return -ENOENT;
	n = fe->node;
	if (n->type == VDIR && inside(td, n))
		return -EINVAL;         /* into itself */
	if ((te = dir_find(td, tname, &tpp)) != NULL) {
		old = te->node;
		if (old->type == VDIR && n->type != VDIR)
			return -EISDIR;
		if (old->type != VDIR && n->type == VDIR)
			return -ENOTDIR;
		if (old->type == VDIR && old->ents != NULL)
			return -ENOTEMPTY;
	}
	if (tlen > flen && charge(fs, tlen - flen) != 0)
		return -ENOSPC;
	if ((name = hyp_malloc(tlen + 1)) == NULL) {
		if (tlen > flen)
			uncharge(fs, tlen - flen);
		return -ENOMEM;
	}
	if (tlen < flen)
		uncharge(fs, flen - tlen);
	memcpy(name, tname, tlen + 1);
	if (te != NULL)                 /* the entry replaced goes */
		node_gc(fs, dir_del(fs, td, tpp));
	dir_find(fd, fname, &fpp);      /* the list may have moved */
	*fpp = fe->next;
	hyp_free(fe->name);
	fe->name = name;
	fe->next = NULL;
	fe->cookie = td->nextcookie++;
	for (tail = &td->ents; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = fe;
	if (n->type == VDIR && fd != td) {
		fd->nlink--;            /* its ".." moved */
		td->nlink++;
		n->parent = td;
	}
	now(&fd->mtime);
	fd->ctime = td->ctime = td->mtime = n->ctime = fd->mtime;
	return 0;
}

static int
tmp_readlink(struct vnode *vp, char *buf, size_t len)
{
	struct tmpnode *n = node_of(vp);
	size_t l = strlen(n->target);

	if (l > len)
		l = len;
	memcpy(buf, n->target, l);
	return (int)l;
}

static int
tmp_getattr(struct vnode *vp, struct vattr *va)
{
	struct tmpnode *n = node_of(vp);

	memset(va, 0, sizeof(*va));
	va->type = n->type;
	va->mode = n->mode;
	va->nlink = n->nlink;
	va->uid = n->uid;
	va->gid = n->gid;
	va->ino = n->ino;
	va->size = n->type == VDIR ? 4096 : n->size;
	va->blocks = (n->type == VREG ? n->cap : 0) / 512;
	va->blksize = 4096;
	va->atime = n->atime;
	va->mtime = n->mtime;
	va->ctime = n->ctime;
	return 0;
}

/* File contents of size bytes (zeroes past the old end). */
static int
resize(struct tmpfs *fs, struct tmpnode *n, uint64_t size)
{
	uint64_t cap = n->cap;
	uint8_t *d;

	if (size > cap) {
		cap = cap < 4096 ? 4096 : cap;
		while (cap < size)
			cap = cap > (UINT64_MAX >> 1) ? size : cap * 2;
		if (charge(fs, cap - n->cap) != 0) {
			/* Not the doubled room: exactly what is asked. */
			cap = size;
			if (charge(fs, cap - n->cap) != 0)
				return -ENOSPC;
		}
		if ((d = realloc(n->data, cap)) == NULL) {
			uncharge(fs, cap - n->cap);
			return -ENOSPC;
		}
		n->data = d;
		n->cap = cap;
	}
	if (size > n->size)
		memset(n->data + n->size, 0, size - n->size);
	n->size = size;
	return 0;
}

static int
tmp_setattr(struct vnode *vp, const struct vattr *va, int mask)
{
	struct tmpnode *n = node_of(vp);
	int error;

	if ((mask & VA_SIZE) && (error = resize(fs_of(vp), n, va->size)) != 0)
		return error;
	if (mask & VA_MODE)
		n->mode = va->mode & 07777;
	if (mask & VA_UID)
		n->uid = va->uid;
	if (mask & VA_GID)
		n->gid = va->gid;
	if (mask & VA_ATIME)
		n->atime = va->atime;
	if (mask & VA_MTIME)
		n->mtime = va->mtime;
	else if (mask & VA_SIZE)
		now(&n->mtime);
	now(&n->ctime);
	return 0;
}

static ssize_t
tmp_read(struct vnode *vp, void *buf, size_t len, uint64_t off)
{
	struct tmpnode *n = node_of(vp);

	if (off >= n->size)
		return 0;
	if (len > n->size - off)
		len = (size_t)(n->size - off);
	memcpy(buf, n->data + off, len);
	now(&n->atime);
	return (ssize_t)len;
}

static ssize_t
tmp_write(struct vnode *vp, const void *buf, size_t len, uint64_t off)
{
	struct tmpnode *n = node_of(vp);
	int error;

	if (len == 0)
		return 0;
	if (off > UINT64_MAX - len)
		return -EFBIG;
	if (off + len > n->size && (error = resize(fs_of(vp), n, off + len))
	    != 0)
		return error;
	memcpy(n->data + off, buf, len);
	now(&n->mtime);
	n->ctime = n->mtime;
	return (ssize_t)len;
}

static int
tmp_readdir(struct vnode *vp, uint64_t *cookie, vfs_dirent_fn fn, void *arg)
{
	struct tmpnode *d = node_of(vp), *up = d->parent ? d->parent : d;
	struct tmpdirent *e;

	if (*cookie == 0) {
		if (fn(arg, ".", d->ino, VDIR, 1))
			return 1;
		*cookie = 1;
	}
	if (*cookie == 1) {
		if (fn(arg, "..", up->ino, VDIR, 2))
			return 1;
		*cookie = 2;
	}
	for (e = d->ents; e != NULL; e = e->next) {
		if (e->cookie < *cookie)
			continue;
		if (fn(arg, e->name, e->node->ino, e->node->type,
		    e->cookie + 1))
			return 1;
		*cookie = e->cookie + 1;
	}
	return 0;
}

static void
tmp_release(struct vnode *vp)
{
	struct tmpnode *n = node_of(vp);

	n->refs--;
	node_gc(fs_of(vp), n);
}

static const struct vnodeops tmpfs_vnops = {
	.lookup = tmp_lookup,
	.create = tmp_create,
	.mkdir = tmp_mkdir,
	.symlink = tmp_symlink,
	.remove = tmp_remove,
	.rmdir = tmp_rmdir,
	.rename = tmp_rename,
	.readlink = tmp_readlink,
	.getattr = tmp_getattr,
	.setattr = tmp_setattr,
	.read = tmp_read,
	.write = tmp_write,
	.readdir = tmp_readdir,
	.release = tmp_release,
};

/*
 * The file system.
 */
static int
tmp_mount(struct mount *mp, const char *source, const char *opts,
    char *err, size_t errlen)
{
	struct tmpfs *fs;
	uint64_t limit = 0;
	int error;

	if ((error = vfs_opt_size(opts, "size", &limit)) != 0 &&
	    error != -ENOENT) {
		snprintf(err, errlen, "tmpfs: size must be a number of bytes "
		    "with k, m or g (size=64m)");
		return -EINVAL;
	}
	if ((fs = hyp_calloc(1, sizeof(*fs))) == NULL)
		return -ENOMEM;
	fs->limit = limit;
	fs->nextino = 2;
	mp->data = fs;
	if ((fs->root = node_new(fs, VDIR, 0755)) == NULL ||
	    (mp->root = handle(mp, fs->root)) == NULL) {
		hyp_free(fs->root);
		hyp_free(fs);
		return -ENOMEM;
	}
	fs->root->nlink = 2;
	return 0;
}

/* Free a subtree (an unmount: nothing else holds it). */
static void
free_tree(struct tmpnode *n)
{
	struct tmpdirent *e, *next;

	for (e = n->ents; e != NULL; e = next) {
		next = e->next;
		if (e->node->type == VDIR)
			free_tree(e->node);
		else if (--e->node->nlink == 0 && e->node->refs == 0) {
			hyp_free(e->node->data);
			hyp_free(e->node->target);
			hyp_free(e->node);
		}
		hyp_free(e->name);
		hyp_free(e);
	}
	n->ents = NULL;
	if (n->refs == 0)
		hyp_free(n);
	else
		n->nlink = 0;
}

static int
tmp_unmount(struct mount *mp)
{
	struct tmpfs *fs = mp->data;

	free_tree(fs->root);
	hyp_free(fs);
	return 0;
}

static int
tmp_statvfs(struct mount *mp, struct vfs_statvfs *st)
{
	struct tmpfs *fs = mp->data;
	uint64_t total = fs->limit != 0 ? fs->limit : (1ull << 40);

	st->bsize = st->frsize = 4096;
	st->blocks = total / 4096;
	st->bfree = st->bavail = (total - fs->used) / 4096;
	st->files = total / NODE_COST;
	st->ffree = st->favail = (total - fs->used) / NODE_COST;
	st->namemax = VFS_NAMEMAX;
	st->fsid = 0x746d70;
	return 0;
}

const struct vfsops vfs_tmpfs_ops = {
	.name = "tmpfs",
	.mount = tmp_mount,
	.unmount = tmp_unmount,
	.statvfs = tmp_statvfs,
};

static int
tmpfs_init(char *err, size_t errlen)
{
	return vfs_register(&vfs_tmpfs_ops);
}

static const struct component comp_tmpfs = {
	.name = "rumpfs_tmpfs",
	.deps = { "rumpvfs", NULL },
	.init = tmpfs_init,
};
COMPONENT_REGISTER(comp_tmpfs);
