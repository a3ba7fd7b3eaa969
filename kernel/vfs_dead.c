/*
 * vfs_dead.c — revoked vnodes (NetBSD's deadfs): what a forced unmount
 * leaves to the handles still open on its file system (vfs_mount.c's
 * revoke).  Every call fails with EIO; the last reference frees the vnode
 * alone.  They belong to vfs_dead_mount, which is never in the table.
 */
#include <errno.h>

#include "kernel/vfs_private.h"

static int
dead_lookup(struct vnode *dvp, const char *name, struct vnode **vpp)
{
	return -EIO;
}

static int
dead_create(struct vnode *dvp, const char *name, uint32_t mode,
    struct vnode **vpp)
{
	return -EIO;
}

static int
dead_mkdir(struct vnode *dvp, const char *name, uint32_t mode)
{
	return -EIO;
}

static int
dead_symlink(struct vnode *dvp, const char *name, const char *target)
{
	return -EIO;
}

static int
dead_remove(struct vnode *dvp, const char *name)
{
	return -EIO;
}

static int
dead_rename(struct vnode *fdvp, const char *fname, struct vnode *tdvp,
    const char *tname)
{
	return -EIO;
}

static int
dead_readlink(struct vnode *vp, char *buf, size_t len)
{
	return -EIO;
}

static int
dead_getattr(struct vnode *vp, struct vattr *va)
{
	return -EIO;
}

static int
dead_setattr(struct vnode *vp, const struct vattr *va, int mask)
{
	return -EIO;
}

static ssize_t
dead_read(struct vnode *vp, void *buf, size_t len, uint64_t off)
{
	return -EIO;
}

static ssize_t
dead_write(struct vnode *vp, const void *buf, size_t len, uint64_t off)
{
	return -EIO;
}

static int
dead_readdir(struct vnode *vp, uint64_t *cookie, vfs_dirent_fn fn, void *arg)
{
	return -EIO;
}

static int
dead_fsync(struct vnode *vp)
{
	return -EIO;
}

const struct vnodeops vfs_dead_vnops = {
	.lookup = dead_lookup,
	.create = dead_create,
	.mkdir = dead_mkdir,
	.symlink = dead_symlink,
	.remove = dead_remove,
	.rmdir = dead_remove,
	.rename = dead_rename,
	.readlink = dead_readlink,
	.getattr = dead_getattr,
	.setattr = dead_setattr,
	.read = dead_read,
	.write = dead_write,
	.readdir = dead_readdir,
	.fsync = dead_fsync,
};

static int
dead_statvfs(struct mount *mp, struct vfs_statvfs *st)
{
	return -EIO;
}

static const struct vfsops dead_vfsops = {
	.name = "dead",
	.statvfs = dead_statvfs,
};

struct mount vfs_dead_mount = {
	.ops = &dead_vfsops,
	.rdonly = 1,
	.type = "dead",
	.source = "revoked",
};

