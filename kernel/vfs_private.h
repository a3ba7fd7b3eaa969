/*
 * vfs_private.h — what the parts of the VFS share (kernel/vfs_mount.c:
 * the lock, the type table, mounts and path lookup; kernel/vfs_file.c:
 * open files and the file calls; kernel/vfs_tmpfs.c: the root file
 * system).  Not for file systems, which see kernel/vfs.h alone.
 */
#ifndef RUMPLAB_VFS_PRIVATE_H
#define RUMPLAB_VFS_PRIVATE_H

#include "kernel/hyper.h"
#include "kernel/vfs.h"

extern hyp_mtx_t vfs_lock;

/* What a lookup wants, and what it found. */
#define ND_FOLLOW 0x1           /* follow a symbolic link at the end */
#define ND_PARENT 0x2           /* the parent and last name; the last may
                                 * not exist (vp NULL) */
struct nameidata {
	struct vnode *dvp;              /* ND_PARENT: held */
	struct vnode *vp;               /* held, or NULL */
	char          name[VFS_NAMEMAX + 1];    /* ND_PARENT: the last */
	int           trailing_slash;   /* the path ended in "/" */
};

/* vfs_lock held.  The start of a lookup is at's directory (or the cwd);
 * an absolute path starts at the root. */
int  vfs_namei(struct vfs_at at, const char *path, int want,
         struct nameidata *nd);
void vfs_nd_done(struct nameidata *nd);
struct vnode *vfs_root(void);           /* held; vfs_lock held */
/* Is this vnode a mount's root (crossing into it happened)? */
int  vfs_is_mountroot(const struct vnode *vp);
int  vfs_is_covered(const struct vnode *vp);

/* The cwd of a process, and the directory of an open file: held. */
struct vnode *vfs_proc_cwd(struct vfs_proc *p);
struct vnode *vfs_file_vnode(struct vfile *f);
void vfs_proc_setcwd(struct vfs_proc *p, struct vnode *vp);

/* Mount the root (rumpvfs's init). */
int  vfs_start(void);

/* The root's file system: tmpfs without a size limit. */
extern const struct vfsops vfs_tmpfs_ops;

/* Revoked vnodes (kernel/vfs_dead.c): their ops and their mount. */
extern const struct vnodeops vfs_dead_vnops;
extern struct mount vfs_dead_mount;

#endif
