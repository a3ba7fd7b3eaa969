/*
 * vfs_mount.c — the VFS's tree: the lock, the table of file system types,
 * vnode references, the mount table and path lookup (vfs_namei).
 *
 * The mount table is a list; the first entry is the root mount.  A mount
 * covers a directory, known by its (mount, ino); a lookup that arrives at
 * a covered directory continues at the mount's root, and ".." at a
 * mount's root continues at the covered directory's parent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/klog.h"
#include "kernel/vfs_private.h"

#define MAXTYPES 8

hyp_mtx_t vfs_lock = HYP_MTX_INITIALIZER;
static const struct vfsops *types[MAXTYPES];   /* set before serving */
static int ntypes;
static struct mount *mounts;                    /* vfs_lock; root first */

int
vfs_register(const struct vfsops *ops)
{
	if (ntypes == MAXTYPES)
		return -ENOSPC;
	types[ntypes++] = ops;
	return 0;
}

static const struct vfsops *
type_find(const char *name)
{
	int i;

	for (i = 0; i < ntypes; i++)
		if (strcmp(types[i]->name, name) == 0)
			return types[i];
	return NULL;
}

int
vfs_loaded(void)
{
	return ntypes > 0;
}

static void
vnode_unlist(struct vnode *vp)
{
	if (vp->mprevp == NULL)
		return;
	if ((*vp->mprevp = vp->mnext) != NULL)
		vp->mnext->mprevp = vp->mprevp;
	vp->mnext = NULL;
	vp->mprevp = NULL;
}

struct vnode *
vfs_vnode_new(struct mount *mp, const struct vnodeops *ops, enum vtype type,
    uint64_t ino, void *data)
{
	struct vnode *vp;

	if ((vp = hyp_calloc(1, sizeof(*vp))) == NULL)
		return NULL;
	vp->ops = ops;
	vp->mp = mp;
	vp->type = type;
	vp->ino = ino;
	vp->data = data;
	vp->refs = 1;
	if ((vp->mnext = mp->vnodes) != NULL)
		vp->mnext->mprevp = &vp->mnext;
	mp->vnodes = vp;
	vp->mprevp = &mp->vnodes;
	return vp;
}

void
vfs_vnode_hold(struct vnode *vp)
{
	vp->refs++;
}

void
vfs_vnode_rele(struct vnode *vp)
{
	if (vp == NULL || --vp->refs > 0)
		return;
	vnode_unlist(vp);
	if (vp->ops->release != NULL)
		vp->ops->release(vp);
	hyp_free(vp);
}

/* Take every vnode of m from its file system; vfs_lock held. */
static void
revoke(struct mount *m)
{
	struct vnode *vp;

	while ((vp = m->vnodes) != NULL) {
		vnode_unlist(vp);
		if (vp->ops->release != NULL)
			vp->ops->release(vp);
		vp->ops = &vfs_dead_vnops;
		vp->mp = &vfs_dead_mount;
		vp->data = NULL;
	}
}

/* Is a vnode of m in use, besides the mount's own root reference? */
static int
busy(const struct mount *m)
{
	const struct vnode *vp;

	for (vp = m->vnodes; vp != NULL; vp = vp->mnext)
		if (vp != m->root || vp->refs > 1)
			return 1;
	return 0;
}

/* Options "a,b=1,c": is name there; its value into val. */
int
vfs_opt(const char *opts, const char *name, char *val, size_t len)
{
	size_t n = strlen(name);
	const char *p = opts, *end;

	while (p != NULL && *p != '\0') {
		end = strchr(p, ',');
		if (strncmp(p, name, n) == 0 && (p[n] == '\0' || p[n] == ',' ||
		    p[n] == '=')) {
			if (val != NULL && len > 0) {
				size_t vl = 0;

				if (p[n] == '=')
					vl = (size_t)((end ? end : p + strlen(p)) -
					    (p + n + 1));
				if (vl >= len)
					vl = len - 1;
				memcpy(val, p + n + 1, p[n] == '=' ? vl : 0);
				val[p[n] == '=' ? vl : 0] = '\0';
			}
			return 1;
		}
		p = end != NULL ? end + 1 : NULL;
	}
	return 0;
}

/* "size=64m": bytes, with k, m, g (powers of 1024); -EINVAL. */
int
vfs_opt_size(const char *opts, const char *name, uint64_t *bytes)
{
	char v[32], *end;
	unsigned long long n;

	if (!vfs_opt(opts, name, v, sizeof(v)))
		return -ENOENT;
	n = strtoull(v, &end, 10);
	if (end == v)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': n <<= 10; end++; break;
	case 'm': case 'M': n <<= 20; end++; break;
	case 'g': case 'G': n <<= 30; end++; break;
	}
	if (*end != '\0')
		return -EINVAL;
	*bytes = n;
	return 0;
}

/* Sync, revoke what is still held, and unmount m (no longer in the
 * table); vfs_lock held. */
static int
teardown(struct mount *m)
{
	int error;

	if (m->ops->sync != NULL)
		m->ops->sync(m);
	vfs_vnode_rele(m->root);
	revoke(m);
	error = m->ops->unmount(m);
	vfs_vnode_rele(m->covered);
	hyp_free(m);
	return error;
}

/*
 * Mounts.
 */
static int
same_file(const struct vnode *a, const struct vnode *b)
{
	return a != NULL && b != NULL && a->mp == b->mp && a->ino == b->ino;
}

/* The mount covering vp, or NULL.  vfs_lock held. */
static struct mount *
covering(const struct vnode *vp)
{
	struct mount *m;

	for (m = mounts; m != NULL; m = m->next)
		if (m->covered != NULL && same_file(m->covered, vp))
			return m;
	return NULL;
}

int
vfs_is_covered(const struct vnode *vp)
{
	return covering(vp) != NULL;
}

int
vfs_is_mountroot(const struct vnode *vp)
{
	return same_file(vp, vp->mp->root);
}

struct vnode *
vfs_root(void)
{
	if (mounts == NULL)
		return NULL;
	vfs_vnode_hold(mounts->root);
	return mounts->root;
}

static int
mount_root(void)
{
	struct mount *m;
	char err[128];
	int error;

	if ((m = hyp_calloc(1, sizeof(*m))) == NULL)
		return -ENOMEM;
	m->ops = &vfs_tmpfs_ops;
	snprintf(m->type, sizeof(m->type), "%s", vfs_tmpfs_ops.name);
	snprintf(m->source, sizeof(m->source), "rootfs");
	snprintf(m->path, sizeof(m->path), "/");
	if ((error = m->ops->mount(m, "rootfs", "", err, sizeof(err))) != 0) {
		hyp_free(m);
		return error;
	}
	mounts = m;
	return 0;
}

/* The mount whose root is the directory at target; vfs_lock held. */
static struct mount *
mount_at(const char *target, int *error)
{
	struct vfs_at at = { NULL, NULL };
	struct nameidata nd;
	struct mount *m;

	if ((*error = vfs_namei(at, target, ND_FOLLOW, &nd)) != 0)
		return NULL;
	for (m = mounts; m != NULL; m = m->next)
		if (same_file(m->root, nd.vp))
			break;
	vfs_nd_done(&nd);
	if (m == NULL)
		*error = -EINVAL;       /* not a mount point */
	return m;
}

/* Mount m over the directory at target (absolute). */
static int
attach(struct mount *m, const char *target, char *err, size_t errlen)
{
	struct vfs_at at = { NULL, NULL };
	struct nameidata nd;
	struct mount **tail;
	int error;

	if (target[0] != '/') {
		snprintf(err, errlen, "mount point %s: not absolute", target);
		return -EINVAL;
	}
	if ((error = vfs_namei(at, target, ND_FOLLOW, &nd)) != 0) {
		snprintf(err, errlen, "mount point %s: %s", target,
		    strerror(-error));
		return error;
	}
	if (nd.vp->type != VDIR) {
		vfs_nd_done(&nd);
		snprintf(err, errlen, "mount point %s: not a directory",
		    target);
		return -ENOTDIR;
	}
	if (covering(nd.vp) != NULL || vfs_is_mountroot(nd.vp)) {
		vfs_nd_done(&nd);
		snprintf(err, errlen, "%s is a mount point already", target);
		return -EBUSY;
	}
	m->covered = nd.vp;             /* the reference goes with it */
	nd.vp = NULL;
	vfs_nd_done(&nd);
	for (tail = &mounts; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = m;
	return 0;
}

/* m becomes the root, in place of the bare root tmpfs if there is one
 * (after vfs_unmount_all there is none); vfs_lock held. */
static int
replace_root(struct mount *m, char *err, size_t errlen)
{
	struct mount *old = mounts;

	if (old != NULL && (old->next != NULL || busy(old))) {
		snprintf(err, errlen, "mount on /: %s", old->next != NULL ?
		    "file systems are mounted in the tree (mount on a "
		    "directory)" : "the root is in use");
		return -EBUSY;
	}
	m->covered = NULL;
	m->next = NULL;
	mounts = m;
	if (old != NULL)
		(void)teardown(old);    /* tmpfs: never fails */
	return 0;
}

int
vfs_mount(const char *type, const char *source, const char *target,
    const char *opts, char *err, size_t errlen)
{
	const struct vfsops *ops = type_find(type);
	struct mount *m;
	int error;

	if (ops == NULL) {
		snprintf(err, errlen, "no file system of type %s in this node "
		    "(load its component with rump_server -l rumpfs_%s)", type,
		    type);
		return -ENODEV;
	}
	if ((m = hyp_calloc(1, sizeof(*m))) == NULL)
		return -ENOMEM;
	m->ops = ops;
	m->rdonly = vfs_opt(opts, "ro", NULL, 0);
	snprintf(m->type, sizeof(m->type), "%s", type);
	snprintf(m->source, sizeof(m->source), "%s", source);
	snprintf(m->opts, sizeof(m->opts), "%s", opts);
	snprintf(m->path, sizeof(m->path), "%s", target);
	hyp_mtx_enter(&vfs_lock);
	if ((error = ops->mount(m, source, opts, err, errlen)) == 0 &&
	    (error = strcmp(target, "/") == 0 ? replace_root(m, err, errlen) :
	    attach(m, target, err, errlen)) != 0) {
		vfs_vnode_rele(m->root);
		revoke(m);
		ops->unmount(m);
	}
	hyp_mtx_exit(&vfs_lock);
	if (error != 0)
		hyp_free(m);
	else
		klog(KLOG_INFO, "vfs: %s mounted on %s (%s)", source, target,
		    type);
	return error;
}

/* Detach and free m; vfs_lock held. */
static int
detach(struct mount *m, int force)
{
	struct mount **pp, *x;

	for (x = mounts; x != NULL; x = x->next)
		if (x->covered != NULL && x->covered->mp == m)
			return -EBUSY;          /* something is mounted on it */
	if (!force && busy(m))
		return -EBUSY;
	for (pp = &mounts; *pp != m; pp = &(*pp)->next)
		;
	*pp = m->next;
	return teardown(m);
}

int
vfs_unmount(const char *target, int force)
{
	struct mount *m;
	int error;

	hyp_mtx_enter(&vfs_lock);
	if ((m = mount_at(target, &error)) != NULL)
		error = m == mounts ? -EBUSY : detach(m, force);
	hyp_mtx_exit(&vfs_lock);
	if (error == 0)
		klog(KLOG_INFO, "vfs: %s unmounted", target);
	return error;
}

void
vfs_unmount_all(void)
{
	struct mount *m, *last;
	int error;

	hyp_mtx_enter(&vfs_lock);
	while (mounts != NULL && mounts->next != NULL) {
		for (last = mounts; last->next != NULL; last = last->next)
			;
		m = last;
		if ((error = detach(m, 1)) != 0)
			klog(KLOG_WARN, "vfs: unmounting %s: %s", m->path,
			    strerror(-error));
	}
	if (mounts != NULL) {
		m = mounts;
		mounts = NULL;
		if ((error = teardown(m)) != 0)
			klog(KLOG_WARN, "vfs: unmounting /: %s",
			    strerror(-error));
	}
	hyp_mtx_exit(&vfs_lock);
}

size_t
vfs_mountlist(char *buf, size_t len)
{
	struct mount *m;
	size_t n = 0;
	int w;

	hyp_mtx_enter(&vfs_lock);
	for (m = mounts; m != NULL; m = m->next) {
		w = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
		    "%s %s %s %s\n", m->source, m->path, m->type,
		    m->opts[0] != '\0' ? m->opts : (m->rdonly ? "ro" : "rw"));
		if (w > 0)
			n += (size_t)w;
	}
	hyp_mtx_exit(&vfs_lock);
	if (len > 0 && n >= len)
		buf[len - 1] = '\0';
	return n;
}

int
vfs_start(void)
{
	int error;

	hyp_mtx_enter(&vfs_lock);
	error = mounts == NULL ? mount_root() : 0;
	hyp_mtx_exit(&vfs_lock);
	return error;
}

/*
 * Lookup.
 */

/* Go up from a mount's root to the directory it covers (held). */
static struct vnode *
cross_up(struct vnode *vp)
{
	struct mount *m;
	struct vnode *up;

	while (vfs_is_mountroot(vp) && (m = vp->mp)->covered != NULL) {
		up = m->covered;
		vfs_vnode_hold(up);
		vfs_vnode_rele(vp);
		vp = up;
	}
	return vp;
}

/* Go down into whatever is mounted on vp (held). */
static struct vnode *
cross_down(struct vnode *vp)
{
	struct mount *m;

	while ((m = covering(vp)) != NULL) {
		vfs_vnode_hold(m->root);
		vfs_vnode_rele(vp);
		vp = m->root;
	}
	return vp;
}

/* The entry name of directory dir (its reference stays the caller's):
 * "." is dir, ".." crosses mount roots upward, and whatever is mounted on
 * the entry is crossed into. */
static int
child(struct vnode *dir, const char *name, struct vnode **out)
{
	struct vnode *next;
	int error;

	vfs_vnode_hold(dir);
	if (strcmp(name, ".") == 0 || (strcmp(name, "..") == 0 &&
	    dir->mp == mounts && vfs_is_mountroot(dir))) {
		*out = dir;             /* "/.." is "/" */
		return 0;
	}
	if (strcmp(name, "..") == 0)
		dir = cross_up(dir);
	error = dir->ops->lookup(dir, name, &next);
	vfs_vnode_rele(dir);
	if (error != 0)
		return error;
	*out = cross_down(next);
	return 0;
}

/* The next component of *pp into name; 0, or -ENAMETOOLONG.  *last says
 * no component follows; *slash that the path goes on with "/" only. */
static int
component(const char **pp, char *name, int *last, int *slash)
{
	const char *p = *pp, *e;
	size_t n;

	while (*p == '/')
		p++;
	e = p;
	while (*e != '\0' && *e != '/')
		e++;
	n = (size_t)(e - p);
	if (n > VFS_NAMEMAX)
		return -ENAMETOOLONG;
	memcpy(name, p, n);
	name[n] = '\0';
	*slash = *e == '/';
	while (*e == '/')
		e++;
	*last = *e == '\0';
	*pp = e;
	return 0;
}

static struct vnode *
start_at(struct vfs_at at, const char *path)
{
	if (path[0] == '/')
		return vfs_root();
	if (at.dir != NULL)
		return vfs_file_vnode(at.dir);
	return vfs_proc_cwd(at.proc);
}

/*
 * The walk: cur is the directory the next component is looked up in
 * (held).  A symbolic link met on the way replaces itself with its text
 * in the path still to walk, from the root when the text is absolute and
 * from cur (the directory holding the link) when not.  The caller's path
 * is walked where it is; the room to splice links in (two whole paths) is
 * taken at the first link only, not at every lookup.
 */
int
vfs_namei(struct vfs_at at, const char *path, int want, struct nameidata *nd)
{
	char *room = NULL, *nbuf, name[VFS_NAMEMAX + 1];
	const char *p;
	struct vnode *cur, *next;
	int error = 0, links = 0, last, slash;
	ssize_t n;

	memset(nd, 0, sizeof(*nd));
	if (path[0] == '\0')
		return -ENOENT;
	if (strlen(path) >= VFS_PATHMAX)
		return -ENAMETOOLONG;
	if ((cur = start_at(at, path)) == NULL)
		return -ENOENT;
	for (p = path; ; ) {
		if ((error = component(&p, name, &last, &slash)) != 0)
			break;
		if (name[0] == '\0') {         /* "/" alone */
			nd->vp = cur;
			cur = NULL;
			break;
		}
		if (cur->type != VDIR) {
			error = -ENOTDIR;
			break;
		}
		error = child(cur, name, &next);
		if (last && (want & ND_PARENT) && strcmp(name, ".") != 0 &&
		    strcmp(name, "..") != 0) {
			if (error == -ENOENT)
				next = NULL, error = 0;
			if (error != 0)
				break;
			if (next == NULL || next->type != VLNK ||
			    !(want & ND_FOLLOW)) {
				nd->dvp = cur;
				nd->vp = next;
				snprintf(nd->name, sizeof(nd->name), "%s", name);
				nd->trailing_slash = slash;
				cur = NULL;
				break;
			}
		} else if (error != 0)
			break;
		if (next->type == VLNK && (!last || slash ||
		    (want & ND_FOLLOW))) {
			if (++links > VFS_MAXSYMLINKS) {
				vfs_vnode_rele(next);
				error = -ELOOP;
				break;
			}
			if (room == NULL &&
			    (room = hyp_malloc(2 * VFS_PATHMAX)) == NULL) {
				vfs_vnode_rele(next);
				error = -ENOMEM;
				break;
			}
			nbuf = room + VFS_PATHMAX;
			n = next->ops->readlink(next, nbuf, VFS_PATHMAX - 1);
			vfs_vnode_rele(next);
			if (n <= 0 || (size_t)n + strlen(p) + 2 > VFS_PATHMAX) {
				error = n < 0 ? (int)n : n == 0 ? -ENOENT :
				    -ENAMETOOLONG;
				break;
			}
			nbuf[n] = '\0';
			if (*p != '\0' || slash)
				snprintf(nbuf + n, VFS_PATHMAX - (size_t)n,
				    "/%s", p);
			memmove(room, nbuf, strlen(nbuf) + 1);
			p = room;
			if (room[0] == '/') {
				vfs_vnode_rele(cur);
				cur = vfs_root();
			}
			continue;
		}
		vfs_vnode_rele(cur);
		cur = next;
		if (last) {
			if (slash && cur->type != VDIR) {
				error = -ENOTDIR;
				break;
			}
			nd->vp = cur;
			nd->trailing_slash = slash;
			cur = NULL;
			break;
		}
	}
	vfs_vnode_rele(cur);
	hyp_free(room);
	if (error != 0)
		vfs_nd_done(nd);
	return error;
}

void
vfs_nd_done(struct nameidata *nd)
{
	vfs_vnode_rele(nd->dvp);
	vfs_vnode_rele(nd->vp);
	nd->dvp = nd->vp = NULL;
}
