/*
 * vfs_ext2fs_inode.c — rumpfs_ext2fs's in-core inodes (what the vnodes of
 * one file share, kernel/vfs_ext2fs.c) and its inodes on the image: read
 * and written whole, their times (ext4's encoding, nanoseconds where the
 * inode has room), link counts, and freeing a file with no link left.
 *
 * Locking: vfs_lock, held by every caller (kernel/vfs_ext2fs.h).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/klog.h"
#include "kernel/vfs_ext2fs.h"

/*
 * In-core inodes and handles.
 */
static struct e2node *
node_find(struct e2mount *m, ext2_ino_t ino)
{
	struct e2node *n;

	for (n = m->nodes; n != NULL; n = n->next)
		if (n->ino == ino)
			return n;
	return NULL;
}

struct vnode *
e2_handle(struct mount *mp, ext2_ino_t ino, enum vtype type)
{
	struct e2mount *m = mp->data;
	struct e2node *n;
	struct vnode *vp;

	if ((n = node_find(m, ino)) == NULL) {
		if ((n = calloc(1, sizeof(*n))) == NULL)
			return NULL;
		n->ino = ino;
		n->next = m->nodes;
		m->nodes = n;
	}
	if ((vp = vfs_vnode_new(mp, &e2_vnops, type, ino, n)) != NULL)
		n->refs++;
	return vp;
}

/* Forget n, whose last handle went. */
void
e2_node_drop(struct e2mount *m, struct e2node *n)
{
	struct e2node **pp;

	for (pp = &m->nodes; *pp != NULL; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	free(n);
}

int
e2_is_open(struct e2mount *m, ext2_ino_t ino)
{
	struct e2node *n = node_find(m, ino);

	return n != NULL && n->refs > 0;
}

/*
 * Inodes.
 */
int
e2_ino_check(const struct e2mount *m, ext2_ino_t ino)
{
	const struct ext2_super_block *sb = m->fs->super;

	if (ino == EXT2_ROOT_INO || (ino >= EXT2_FIRST_INO(sb) &&
	    ino <= sb->s_inodes_count))
		return 0;
	klog(KLOG_WARN, "ext2fs %s: a directory entry names inode %u, out of "
	    "range or reserved (e2fsck repairs the image)", m->name, ino);
	return -EIO;
}

int
e2_iget(const struct e2mount *m, ext2_ino_t ino, struct ext2_inode_large *in)
{
	memset(in, 0, sizeof(*in));
	return e2_err(m, ext2fs_read_inode_full(m->fs, ino,
	    (struct ext2_inode *)in, sizeof(*in)), "reading an inode");
}

int
e2_iput(const struct e2mount *m, ext2_ino_t ino, struct ext2_inode_large *in)
{
	return e2_err(m, ext2fs_write_inode_full(m->fs, ino,
	    (struct ext2_inode *)in, sizeof(*in)), "writing an inode");
}

enum vtype
e2_vtype(uint16_t mode)
{
	return LINUX_S_ISREG(mode) ? VREG : LINUX_S_ISDIR(mode) ? VDIR :
	    LINUX_S_ISLNK(mode) ? VLNK : VNON;
}

int
e2_ftype(enum vtype t)
{
	return t == VDIR ? EXT2_FT_DIR : t == VLNK ? EXT2_FT_SYMLINK :
	    EXT2_FT_REG_FILE;
}

/* Has the inode room for the nanoseconds of its times? */
int
e2_has_extra(const struct e2mount *m, const struct ext2_inode_large *in)
{
	return EXT2_INODE_SIZE(m->fs->super) > EXT2_GOOD_OLD_INODE_SIZE &&
	    in->i_extra_isize >= offsetof(struct ext2_inode_large, i_crtime) -
	    EXT2_GOOD_OLD_INODE_SIZE;
}

/* ext4's encoding: seconds as signed 32 bits, two more epoch bits and
 * the nanoseconds (shifted by 2) in the extra word. */
struct timespec
e2_time_get(uint32_t sec, uint32_t extra, int x)
{
	struct timespec ts;

	ts.tv_sec = (int32_t)sec;
	ts.tv_nsec = 0;
	if (x) {
		ts.tv_sec += (time_t)((int64_t)(extra & 3) << 32);
		ts.tv_nsec = (long)((extra >> 2) % 1000000000u);
	}
	return ts;
}

static void
time_set(const struct timespec *ts, uint32_t *sec, uint32_t *extra, int x)
{
	*sec = (uint32_t)ts->tv_sec;
	if (x)
		*extra = (uint32_t)((((int64_t)ts->tv_sec -
		    (int32_t)*sec) >> 32) & 3) | (uint32_t)ts->tv_nsec << 2;
}

void
e2_stamp(const struct e2mount *m, struct ext2_inode_large *in, int which,
    const struct timespec *ts)
{
	struct timespec now;
	int x = e2_has_extra(m, in);

	if (ts == NULL) {
		clock_gettime(CLOCK_REALTIME, &now);
		ts = &now;
	}
	if (which & T_ATIME)
		time_set(ts, &in->i_atime, &in->i_atime_extra, x);
	if (which & T_MTIME)
		time_set(ts, &in->i_mtime, &in->i_mtime_extra, x);
	if (which & T_CTIME)
		time_set(ts, &in->i_ctime, &in->i_ctime_extra, x);
}

/* Add dlinks to ino's link count and e2_stamp its times: one read and one
 * write, after whatever libext2fs changed in the inode before. */
int
e2_adjust(const struct e2mount *m, ext2_ino_t ino, int dlinks, int which)
{
	struct ext2_inode_large in;
	int error, links;

	if ((error = e2_iget(m, ino, &in)) != 0)
		return error;
	links = (int)in.i_links_count + dlinks;
	/* dir_nlink: a directory with too many to count keeps 1. */
	if (!(LINUX_S_ISDIR(in.i_mode) && in.i_links_count == 1 && dlinks < 0))
		in.i_links_count = (uint16_t)(links < 0 ? 0 : links);
	e2_stamp(m, &in, which, NULL);
	return e2_iput(m, ino, &in);
}

int
e2_inode_free(struct e2mount *m, ext2_ino_t ino)
{
	struct ext2_inode_large in;
	ext2_filsys fs = m->fs;
	errcode_t e = 0;
	int error;

	if ((error = e2_iget(m, ino, &in)) != 0 || in.i_links_count != 0)
		return error;
	if (!ext2fs_test_inode_bitmap2(fs->inode_map, ino))
		return 0;               /* a corrupt entry's free inode */
	in.i_dtime = (uint32_t)time(NULL);
	if ((error = e2_iput(m, ino, &in)) != 0)
		return error;
	if (ext2fs_inode_has_valid_blocks2(fs, (struct ext2_inode *)&in))
		e = ext2fs_punch(fs, ino, (struct ext2_inode *)&in, NULL, 0,
		    ~0ULL);
	if (e == 0 && ext2fs_has_feature_xattr(fs->super))
		e = ext2fs_free_ext_attr(fs, ino, &in);
	if (e != 0)
		return e2_err(m, e, "freeing a removed file's blocks");
	ext2fs_inode_alloc_stats2(fs, ino, -1, LINUX_S_ISDIR(in.i_mode));
	return 0;
}
