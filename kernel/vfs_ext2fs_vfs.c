/*
 * vfs_ext2fs_vfs.c — the rumpfs_ext2fs component: an ext2 image mounted
 * in the node (NetBSD's ext2fs in a rump kernel), read-write or read-only
 * ("ro"), through Debian's libext2fs.  The source is an etfs key
 * (rump_server -d key=/dev/img0,hostpath=IMAGE,size=host); this file
 * mounts and unmounts the image, kernel/vfs_ext2fs.c has its files.
 *
 * An image is checked before it is trusted, and refused with a reason a
 * person can act on, libext2fs's own words included: not an ext2 image
 * (no magic, too short), truncated (the file holds fewer bytes than the
 * superblock counts), corrupt (the superblock, the group descriptors, the
 * bitmaps, the root), features libext2fs cannot write (read-only then),
 * a journal to replay.
 * An image is one mount's: read-write takes an exclusive flock() on it,
 * read-only a shared one, so two nodes (or a node and ukfs) never write
 * one image at once.
 *
 * Consistency.  libext2fs keeps the bitmaps, the group descriptors and a
 * few blocks in memory; ext2fs_flush writes them and the host file is
 * fsync()ed.  A read-write mount marks the image not clean at once and
 * clean again at unmount (ext2fs_close), as a kernel does, so an image
 * whose node was killed says so to e2fsck; fsync flushes the whole file
 * system.  Only the primary superblock is written, as the kernel does.
 *
 * libext2fs's own warnings (com_err) go to the kernel log.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <et/com_err.h>

#include "kernel/component.h"
#include "kernel/klog.h"
#include "kernel/vfs_ext2fs.h"

int
e2_err(const struct e2mount *m, errcode_t e, const char *what)
{
	if (e == 0)
		return 0;
	if (e > 0 && e < 256)
		return -(int)e;         /* an errno from the host */
	switch (e) {
	case EXT2_ET_NO_MEMORY:
		return -ENOMEM;
	case EXT2_ET_BLOCK_ALLOC_FAIL:
	case EXT2_ET_INODE_ALLOC_FAIL:
	case EXT2_ET_DIR_NO_SPACE:
	case EXT2_ET_EA_NO_SPACE:
		return -ENOSPC;
	case EXT2_ET_RO_FILSYS:
	case EXT2_ET_FILE_RO:
		return -EROFS;
	case EXT2_ET_FILE_TOO_BIG:
		return -EFBIG;
	case EXT2_ET_FILE_NOT_FOUND:
		return -ENOENT;
	case EXT2_ET_DIR_EXISTS:
		return -EEXIST;
	case EXT2_ET_TOO_MANY_REFS:
		return -EMLINK;
	}
	klog(KLOG_WARN, "ext2fs %s: %s: %s", m->name, what, error_message(e));
	return -EIO;
}

/* The bytes the image may use: the file's (or device's), bounded by the
 * etfs size=. */
static uint64_t
image_bytes(int fd, uint64_t limit)
{
	struct stat st;
	uint64_t n = 0;

	if (fstat(fd, &st) == 0) {
		if (S_ISBLK(st.st_mode))
			(void)ioctl(fd, BLKGETSIZE64, &n);
		else
			n = (uint64_t)st.st_size;
	}
	return limit != 0 && limit < n ? limit : n;
}

/* What libext2fs checks when it opens, and what it does not. */
static int
check_image(ext2_filsys fs, uint64_t bytes, const char *host, char *err,
    size_t errlen)
{
	struct ext2_inode root;
	uint64_t need = ext2fs_blocks_count(fs->super) * fs->blocksize;
	char *last;
	errcode_t e = 0;

	/* libext2fs reads a block past the end only when it needs it: the
	 * last block read now says what it would say then. */
	if (need > bytes) {
		if ((last = malloc(fs->blocksize)) != NULL)
			e = io_channel_read_blk64(fs->io,
			    ext2fs_blocks_count(fs->super) - 1, 1, last);
		free(last);
		snprintf(err, errlen, "ext2fs: %s: truncated image: %s (it holds "
		    "%llu bytes, its superblock counts %llu blocks of %u: %llu)",
		    host, e != 0 ? error_message(e) : "past the etfs size=",
		    (unsigned long long)bytes,
		    (unsigned long long)ext2fs_blocks_count(fs->super),
		    fs->blocksize, (unsigned long long)need);
		return -EINVAL;
	}
	if ((e = ext2fs_check_desc(fs)) != 0) {
		snprintf(err, errlen, "ext2fs: %s: corrupt ext2 image: %s "
		    "(e2fsck repairs it)", host, error_message(e));
		return -EINVAL;
	}
	if ((e = ext2fs_read_inode(fs, EXT2_ROOT_INO, &root)) != 0 ||
	    !LINUX_S_ISDIR(root.i_mode)) {
		snprintf(err, errlen, "ext2fs: %s: corrupt ext2 image: %s "
		    "(e2fsck repairs it)", host, e != 0 ? error_message(e) :
		    "the root inode is not a directory");
		return -EINVAL;
	}
	return 0;
}

/* Read-write: the bitmaps in memory, the image marked in use. */
static int
start_rw(struct e2mount *m, const char *host, char *err, size_t errlen)
{
	struct ext2_super_block *sb = m->fs->super;
	errcode_t e;

	if (ext2fs_has_feature_journal_needs_recovery(sb)) {
		snprintf(err, errlen, "ext2fs: %s: its journal needs recovery "
		    "(e2fsck replays it); mount it with -o ro", host);
		return -EROFS;
	}
	if ((e = ext2fs_read_bitmaps(m->fs)) != 0) {
		snprintf(err, errlen, "ext2fs: %s: corrupt ext2 image: %s "
		    "(e2fsck repairs it)", host, error_message(e));
		return -EINVAL;
	}
	m->wasclean = (sb->s_state & EXT2_VALID_FS) != 0;
	if (!m->wasclean || (sb->s_state & EXT2_ERROR_FS))
		klog(KLOG_WARN, "ext2fs %s: %s was not cleanly unmounted or "
		    "has errors; e2fsck checks it", m->name, host);
	sb->s_state &= (uint16_t)~EXT2_VALID_FS;
	sb->s_mnt_count++;
	sb->s_mtime = (uint32_t)time(NULL);
	m->fs->flags |= EXT2_FLAG_MASTER_SB_ONLY;
	ext2fs_mark_super_dirty(m->fs);
	if ((e = ext2fs_flush(m->fs)) != 0) {
		snprintf(err, errlen, "ext2fs: %s: cannot write: %s", host,
		    error_message(e));
		return -EIO;
	}
	return 0;
}

/* The image behind the key, opened and locked. */
static int
open_image(const char *source, int rw, char *host, size_t hostlen,
    uint64_t *bytes, char *err, size_t errlen)
{
	enum etfs_type type;
	uint64_t limit;
	int fd;

	if (vfs_etfs_lookup(source, host, hostlen, &type, &limit) != 0 ||
	    type == ETFS_DIR) {
		snprintf(err, errlen, "ext2fs: %s is not an image handed to "
		    "this node (rump_server -d key=%s,hostpath=IMAGE,"
		    "size=host)", source, source);
		return -ENOENT;
	}
	if ((fd = open(host, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "ext2fs: %s: %s%s", host,
		    strerror(errno), rw && (errno == EACCES || errno == EROFS ||
		    errno == EPERM) ? " (mount it with -o ro)" : "");
		return -errno;
	}
	if (flock(fd, (rw ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
		snprintf(err, errlen, "ext2fs: %s is in use by another mount%s",
		    host, rw ? "" : " that writes it");
		close(fd);
		return -EBUSY;
	}
	*bytes = image_bytes(fd, limit);
	return fd;
}

static int
open_fs(struct e2mount *m, const char *host, uint64_t bytes, char *err,
    size_t errlen)
{
	char dev[64];
	errcode_t e;
	int error;

	/* The descriptor we hold (and locked), never the path again. */
	snprintf(dev, sizeof(dev), "/proc/self/fd/%d", m->fd);
	e = ext2fs_open2(dev, NULL, EXT2_FLAG_64BITS | (m->rw ? EXT2_FLAG_RW :
	    0), 0, 0, unix_io_manager, &m->fs);
	if (e != 0) {
		m->fs = NULL;
		snprintf(err, errlen, "ext2fs: %s: %s: %s (%llu bytes)%s", host,
		    e == EXT2_ET_BAD_MAGIC || (e == EXT2_ET_SHORT_READ &&
		    bytes < SUPERBLOCK_OFFSET + SUPERBLOCK_SIZE) ?
		    "not an ext2 image" : e == EXT2_ET_SHORT_READ ?
		    "truncated image" : e == EXT2_ET_UNSUPP_FEATURE ||
		    e == EXT2_ET_RO_UNSUPP_FEATURE ? "unsupported ext2 image" :
		    "corrupt ext2 image", error_message(e),
		    (unsigned long long)bytes, e == EXT2_ET_RO_UNSUPP_FEATURE ?
		    "; mount it with -o ro" : "");
		return -EINVAL;
	}
	if ((error = check_image(m->fs, bytes, host, err, errlen)) != 0 ||
	    (m->rw && (error = start_rw(m, host, err, errlen)) != 0))
		return error;
	return 0;
}

static int
e2_mount(struct mount *mp, const char *source, const char *opts, char *err,
    size_t errlen)
{
	char host[VFS_PATHMAX];
	struct e2mount *m;
	uint64_t bytes = 0;
	int error;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -ENOMEM;
	m->rw = !mp->rdonly;
	snprintf(m->name, sizeof(m->name), "%s", source);
	if ((m->fd = open_image(source, m->rw, host, sizeof(host), &bytes, err,
	    errlen)) < 0) {
		error = m->fd;
		free(m);
		return error;
	}
	if ((error = open_fs(m, host, bytes, err, errlen)) != 0)
		goto fail;
	mp->data = m;
	if ((mp->root = e2_handle(mp, EXT2_ROOT_INO, VDIR)) == NULL) {
		error = -ENOMEM;
		goto fail;
	}
	klog(KLOG_INFO, "ext2fs %s: %s, %llu blocks of %u, %s", source, host,
	    (unsigned long long)ext2fs_blocks_count(m->fs->super),
	    m->fs->blocksize, m->rw ? "read-write" : "read-only");
	return 0;
fail:
	if (m->fs != NULL)
		ext2fs_free(m->fs);     /* nothing of ours written yet */
	close(m->fd);
	free(m);
	mp->data = NULL;
	return error;
}

static int
e2_sync(struct mount *mp)
{
	struct e2mount *m = mp->data;

	return m->rw ? e2_err(m, ext2fs_flush(m->fs), "flushing the image") :
	    0;
}

static int
e2_unmount(struct mount *mp)
{
	struct e2mount *m = mp->data;
	errcode_t e;

	if (m->rw) {
		if (m->wasclean)
			m->fs->super->s_state |= EXT2_VALID_FS;
		m->fs->super->s_wtime = (uint32_t)time(NULL);
		ext2fs_mark_super_dirty(m->fs);
	}
	if ((e = ext2fs_close2(m->fs, 0)) != 0) {
		klog(KLOG_ERR, "ext2fs %s: unmounting: %s", m->name,
		    error_message(e));
		ext2fs_free(m->fs);
	}
	close(m->fd);
	free(m);
	return e != 0 ? -EIO : 0;
}

static int
e2_statvfs(struct mount *mp, struct vfs_statvfs *st)
{
	struct e2mount *m = mp->data;
	struct ext2_super_block *sb = m->fs->super;
	uint64_t id[2];

	st->bsize = st->frsize = m->fs->blocksize;
	st->blocks = ext2fs_blocks_count(sb);
	st->bfree = ext2fs_free_blocks_count(sb);
	st->bavail = st->bfree > ext2fs_r_blocks_count(sb) ? st->bfree -
	    ext2fs_r_blocks_count(sb) : 0;
	st->files = sb->s_inodes_count;
	st->ffree = st->favail = sb->s_free_inodes_count;
	st->namemax = EXT2_NAME_LEN;
	memcpy(id, sb->s_uuid, sizeof(id));
	st->fsid = id[0] ^ id[1];
	return 0;
}

static const struct vfsops ext2fs_ops = {
	.name = "ext2fs",
	.mount = e2_mount,
	.unmount = e2_unmount,
	.statvfs = e2_statvfs,
	.sync = e2_sync,
};

static void
e2_comerr(const char *whoami, errcode_t code, const char *fmt, va_list ap)
{
	char msg[200];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	klog(KLOG_WARN, "ext2fs: %s%s%s", code != 0 ? error_message(code) : "",
	    code != 0 ? ": " : "", msg);
}

static int
ext2fs_init(char *err, size_t errlen)
{
	initialize_ext2_error_table();
	set_com_err_hook(e2_comerr);
	return vfs_register(&ext2fs_ops);
}

static const struct component comp_ext2fs = {
	.name = "rumpfs_ext2fs",
	.deps = { "rumpvfs", NULL },
	.init = ext2fs_init,
};
COMPONENT_REGISTER(comp_ext2fs);
/* rump_server opens it as librumpfs_ext2fs.so (kernel/components.c). */
COMPONENT_LIBRARY(comp_ext2fs, rumpfs_ext2fs);
