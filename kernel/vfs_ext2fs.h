/*
 * vfs_ext2fs.h — what the parts of the rumpfs_ext2fs component share
 * (kernel/vfs_ext2fs.c: the vnode operations; kernel/vfs_ext2fs_inode.c:
 * in-core inodes and inodes on the image; kernel/vfs_ext2fs_vfs.c:
 * mounting an image, unmounting, statvfs, the component).  Not for other
 * parts of the kernel, which see kernel/vfs.h alone.
 *
 * Everything here runs with vfs_lock held: libext2fs is not thread-safe
 * and only these files call it.
 */
#ifndef RUMPLAB_VFS_EXT2FS_H
#define RUMPLAB_VFS_EXT2FS_H

#include <time.h>

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

/* A libext2fs error as -errno; an unexpected one (a corrupt image: EIO)
 * is logged with libext2fs's reason and what was being done. */
int  e2_err(const struct e2mount *m, errcode_t e, const char *what);

/* In-core inodes (kernel/vfs_ext2fs_inode.c).  A held vnode of ino (a
 * directory, file or link); the last handle's release drops the e2node. */
struct vnode *e2_handle(struct mount *mp, ext2_ino_t ino, enum vtype type);
void e2_node_drop(struct e2mount *m, struct e2node *n);
int  e2_is_open(struct e2mount *m, ext2_ino_t ino);

/* Inodes on the image: whole, -errno. */
int  e2_ino_check(const struct e2mount *m, ext2_ino_t ino); /* EIO: bad */
int  e2_iget(const struct e2mount *m, ext2_ino_t ino,
         struct ext2_inode_large *in);
int  e2_iput(const struct e2mount *m, ext2_ino_t ino,
         struct ext2_inode_large *in);
enum vtype e2_vtype(uint16_t mode);     /* VNON: device, fifo, socket */
int  e2_ftype(enum vtype t);            /* EXT2_FT_* */
int  e2_has_extra(const struct e2mount *m, const struct ext2_inode_large *in);
struct timespec e2_time_get(uint32_t sec, uint32_t extra, int x);
#define T_ATIME 1
#define T_MTIME 2
#define T_CTIME 4
/* Set the times in which to ts (NULL: now). */
void e2_stamp(const struct e2mount *m, struct ext2_inode_large *in,
         int which, const struct timespec *ts);
/* Add dlinks to ino's links and stamp its times, in one read and write
 * (a directory counted as 1, dir_nlink's "too many", keeps 1). */
int  e2_adjust(const struct e2mount *m, ext2_ino_t ino, int dlinks,
         int which);
/* Free the blocks and the inode of a file with no link left. */
int  e2_inode_free(struct e2mount *m, ext2_ino_t ino);

#endif
