/*
 * vfs_ext2fs.h — what the two halves of the rumpfs_ext2fs component share
 * (kernel/vfs_ext2fs.c: the vnode operations; kernel/vfs_ext2fs_vfs.c:
 * mounting an image, unmounting, statvfs, the component).  Not for other
 * parts of the kernel, which see kernel/vfs.h alone.
 *
 * Everything here runs with vfs_lock held: libext2fs is not thread-safe
 * and only these two files call it.
 */
#ifndef RUMPLAB_VFS_EXT2FS_H
#define RUMPLAB_VFS_EXT2FS_H

#include <ext2fs/ext2_fs.h>
#include <ext2fs/ext2fs.h>

#include "kernel/vfs.h"

/* An in-core inode: what the vnodes (handles) of one file share. */
struct e2node {
	ext2_ino_t      ino;
	int             refs;           /* vnode handles */
	struct e2node  *next;
};

/* A mounted image. */
struct e2mount {
	ext2_filsys     fs;
	int             fd;             /* the image, flock()ed */
	int             rw;
	int             wasclean;       /* EXT2_VALID_FS at mount */
	struct e2node  *nodes;          /* with refs > 0 */
	char            name[64];       /* the etfs key, for messages */
};

extern const struct vnodeops e2_vnops;

/* A held vnode of ino (a directory, file or link; type from its mode). */
struct vnode *e2_handle(struct mount *mp, ext2_ino_t ino, enum vtype type);
/* A libext2fs error as -errno; an unexpected one (a corrupt image: EIO)
 * is logged with libext2fs's reason and what was being done. */
int  e2_err(const struct e2mount *m, errcode_t e, const char *what);
/* Free the blocks and the inode of a file with no link left. */
int  e2_inode_free(struct e2mount *m, ext2_ino_t ino);

#endif
