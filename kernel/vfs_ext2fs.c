/*
 * vfs_ext2fs.c — the vnode operations of rumpfs_ext2fs: the files of an
 * ext2 image through Debian's libext2fs (kernel/vfs_ext2fs_vfs.c mounts
 * it).
 *
 * Handles and in-core inodes (kernel/vfs_ext2fs_inode.c).  A vnode is a
 * handle on an inode; several may name one.  What they share is an
 * e2node, which counts them.  A file
 * whose last link goes while a handle is open keeps its inode (links 0)
 * and blocks until the last handle's release, which frees them; the VFS
 * holds the vnode of the name it removes, so a plain unlink frees at that
 * release too.  A forced unmount releases every handle it revokes, so an
 * image unmounted with unlinked files open is consistent as well.
 *
 * Files are read and written through libext2fs's file I/O (ext2fs_file_*),
 * one file handle per call, opened on the inode as it is on the image,
 * so no copy of an inode outlives a call.  Inodes are read and written
 * whole (ext2_inode_large); times have nanoseconds where the inode has
 * room for them (extra_isize) and whole seconds otherwise.  atime changes
 * only by setattr (noatime): a read writes nothing.
 *
 * Directories.  readdir's cookie is an entry's place in the directory plus
 * one: the byte offset of its block's start (counted in blocks of the file
 * system's size) plus its offset in the block.  ext2 never moves an entry
 * within a directory (a removed entry's room joins its predecessor), so a
 * cookie resumes after the entry it was given for even when others come
 * and go.  Entries of other types (devices, fifos, sockets) are not shown,
 * as hostfs does not show them.
 *
 * Untrusted images: an entry naming an inode out of range or reserved,
 * a directory loop met by rename's ancestry walk, a symbolic link longer
 * than its inode can hold: EIO, never a crash.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/klog.h"
#include "kernel/vfs_ext2fs.h"

/* rename's walk up from the target directory to the root. */
#define MAXDEPTH 4096

static struct e2mount *
mnt(const struct vnode *vp)
{
	return vp->mp->data;
}

static ext2_ino_t
ino_of(const struct vnode *vp)
{
	return ((struct e2node *)vp->data)->ino;
}

/*
 * Directories.
 */
static int
find(const struct e2mount *m, ext2_ino_t dir, const char *name,
    ext2_ino_t *ino)
{
	errcode_t e = ext2fs_lookup(m->fs, dir, name, (int)strlen(name), NULL,
	    ino);

	if (e == EXT2_ET_FILE_NOT_FOUND)
		return -ENOENT;
	if (e != 0)
		return e2_err(m, e, "looking up a name");
	return e2_ino_check(m, *ino);
}

/* An entry for ino in dir, the directory grown by a block if full. */
static int
link_entry(const struct e2mount *m, ext2_ino_t dir, const char *name,
    ext2_ino_t ino, enum vtype t)
{
	errcode_t e = ext2fs_link(m->fs, dir, name, ino, e2_ftype(t));

	if (e == EXT2_ET_DIR_NO_SPACE && (e = ext2fs_expand_dir(m->fs, dir)) ==
	    0)
		e = ext2fs_link(m->fs, dir, name, ino, e2_ftype(t));
	return e2_err(m, e, "adding a directory entry");
}

/* May dir take a new entry name?  Not if it is gone or name is there. */
static int
can_add(const struct e2mount *m, ext2_ino_t dir, const char *name)
{
	struct ext2_inode_large in;
	ext2_ino_t ino;
	int error;

	if ((error = e2_iget(m, dir, &in)) != 0)
		return error;
	if (in.i_links_count == 0)
		return -ENOENT;         /* removed while someone is in it */
	error = find(m, dir, name, &ino);
	return error == -ENOENT ? 0 : error == 0 ? -EEXIST : error;
}

static int
empty_cb(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset,
    int blocksize, char *buf, void *arg)
{
	if (d->inode != 0 && entry == DIRENT_OTHER_FILE) {
		*(int *)arg = 0;
		return DIRENT_ABORT;
	}
	return 0;
}

static int
is_empty(const struct e2mount *m, ext2_ino_t dir)
{
	int empty = 1;
	errcode_t e = ext2fs_dir_iterate2(m->fs, dir, 0, NULL, empty_cb,
	    &empty);

	return e != 0 ? e2_err(m, e, "reading a directory") : empty;
}

/* Set the entry name (or "..", name NULL) of dir to ino. */
struct setent {
	const char *name;
	ext2_ino_t  ino;
	int         ftype, filetype, done;
};

static int
setent_cb(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset,
    int blocksize, char *buf, void *arg)
{
	struct setent *s = arg;
	int len = ext2fs_dirent_name_len(d);

	if (d->inode == 0 || (s->name == NULL ? entry != DIRENT_DOT_DOT_FILE :
	    ((size_t)len != strlen(s->name) || memcmp(d->name, s->name,
	    (size_t)len) != 0)))
		return 0;
	d->inode = s->ino;
	if (s->filetype && s->name != NULL)
		ext2fs_dirent_set_file_type(d, s->ftype);
	s->done = 1;
	return DIRENT_CHANGED | DIRENT_ABORT;
}

static int
set_entry(const struct e2mount *m, ext2_ino_t dir, const char *name,
    ext2_ino_t ino, enum vtype t)
{
	struct setent s = { name, ino, e2_ftype(t),
	    ext2fs_has_feature_filetype(m->fs->super), 0 };
	errcode_t e = ext2fs_dir_iterate2(m->fs, dir, 0, NULL, setent_cb, &s);

	if (e != 0)
		return e2_err(m, e, "rewriting a directory entry");
	return s.done ? 0 : -EIO;
}

/*
 * Vnode operations.
 */
static int
e2v_lookup(struct vnode *dvp, const char *name, struct vnode **vpp)
{
	struct e2mount *m = mnt(dvp);
	struct ext2_inode_large in;
	ext2_ino_t ino;
	enum vtype t;
	int error;

	if ((error = find(m, ino_of(dvp), name, &ino)) != 0 ||
	    (error = e2_iget(m, ino, &in)) != 0)
		return error;
	if ((t = e2_vtype(in.i_mode)) == VNON)
		return -ENOENT;         /* devices, fifos, sockets: not shown */
	return (*vpp = e2_handle(dvp->mp, ino, t)) != NULL ? 0 : -ENOMEM;
}

/* A new inode of mode (type and permissions), not yet linked. */
static int
new_inode(struct e2mount *m, ext2_ino_t dir, uint16_t mode, ext2_ino_t *inop)
{
	struct ext2_inode_large in;
	ext2_extent_handle_t h;
	ext2_filsys fs = m->fs;
	errcode_t e;

	if ((e = ext2fs_new_inode(fs, dir, mode, NULL, inop)) != 0)
		return e2_err(m, e, "allocating an inode");
	memset(&in, 0, sizeof(in));
	in.i_mode = mode;
	in.i_links_count = 1;
	e2_stamp(m, &in, T_ATIME | T_MTIME | T_CTIME, NULL);
	if (ext2fs_has_feature_extents(fs->super)) {
		in.i_flags |= EXT4_EXTENTS_FL;
		if ((e = ext2fs_extent_open2(fs, *inop, (struct ext2_inode *)&in,
		    &h)) != 0)
			return e2_err(m, e, "starting an extent tree");
		ext2fs_extent_free(h);
	}
	if ((e = ext2fs_write_new_inode(fs, *inop, (struct ext2_inode *)&in))
	    != 0)
		return e2_err(m, e, "writing a new inode");
	ext2fs_inode_alloc_stats2(fs, *inop, +1, 0);
	return 0;
}

static int
e2v_create(struct vnode *dvp, const char *name, uint32_t mode,
    struct vnode **vpp)
{
	struct e2mount *m = mnt(dvp);
	ext2_ino_t dir = ino_of(dvp), ino;
	int error;

	if ((error = can_add(m, dir, name)) != 0 ||
	    (error = new_inode(m, dir, LINUX_S_IFREG | (mode & 07777), &ino))
	    != 0)
		return error;
	if ((error = link_entry(m, dir, name, ino, VREG)) != 0) {
		e2_adjust(m, ino, -1, T_CTIME);
		e2_inode_free(m, ino);
		return error;
	}
	e2_adjust(m, dir, 0, T_MTIME | T_CTIME);
	return (*vpp = e2_handle(dvp->mp, ino, VREG)) != NULL ? 0 : -ENOMEM;
}

static int
e2v_mkdir(struct vnode *dvp, const char *name, uint32_t mode)
{
	struct e2mount *m = mnt(dvp);
	struct ext2_inode_large in;
	ext2_ino_t dir = ino_of(dvp), ino;
	errcode_t e;
	int error;

	if ((error = can_add(m, dir, name)) != 0)
		return error;
	if ((e = ext2fs_mkdir(m->fs, dir, 0, name)) == EXT2_ET_DIR_NO_SPACE &&
	    (e = ext2fs_expand_dir(m->fs, dir)) == 0)
		e = ext2fs_mkdir(m->fs, dir, 0, name);
	if (e != 0)
		return e2_err(m, e, "making a directory");
	if ((error = find(m, dir, name, &ino)) != 0 ||
	    (error = e2_iget(m, ino, &in)) != 0)
		return error;
	in.i_mode = LINUX_S_IFDIR | (mode & 07777);
	e2_stamp(m, &in, T_ATIME | T_MTIME | T_CTIME, NULL);
	if ((error = e2_iput(m, ino, &in)) != 0)
		return error;
	return e2_adjust(m, dir, 0, T_MTIME | T_CTIME);
}

static int
e2v_symlink(struct vnode *dvp, const char *name, const char *target)
{
	struct e2mount *m = mnt(dvp);
	ext2_ino_t dir = ino_of(dvp);
	errcode_t e;
	int error;

	if (strlen(target) >= m->fs->blocksize)
		return -ENAMETOOLONG;   /* one block at most */
	if ((error = can_add(m, dir, name)) != 0)
		return error;
	if ((e = ext2fs_symlink(m->fs, dir, 0, name, target)) ==
	    EXT2_ET_DIR_NO_SPACE && (e = ext2fs_expand_dir(m->fs, dir)) == 0)
		e = ext2fs_symlink(m->fs, dir, 0, name, target);
	if (e != 0)
		return e2_err(m, e, "making a symbolic link");
	return e2_adjust(m, dir, 0, T_MTIME | T_CTIME);
}

/* Drop the entry name (of ino) from dir; a directory loses every link
 * (and dir its ".." link).  ino goes now unless a handle holds it. */
static int
drop(struct e2mount *m, ext2_ino_t dir, const char *name, ext2_ino_t ino,
    int isdir)
{
	struct ext2_inode_large in;
	errcode_t e;
	int error;

	if ((e = ext2fs_unlink(m->fs, dir, name, ino, 0)) != 0)
		return e2_err(m, e, "removing a directory entry");
	if ((error = e2_adjust(m, dir, isdir ? -1 : 0, T_MTIME | T_CTIME)) != 0 ||
	    (error = e2_iget(m, ino, &in)) != 0)
		return error;
	in.i_links_count = isdir || in.i_links_count == 0 ? 0 :
	    in.i_links_count - 1;
	e2_stamp(m, &in, T_CTIME, NULL);
	if ((error = e2_iput(m, ino, &in)) != 0)
		return error;
	return in.i_links_count == 0 && !e2_is_open(m, ino) ?
	    e2_inode_free(m, ino) : 0;
}

/* The directory (or not) named name in dir. */
static int
entry(struct e2mount *m, ext2_ino_t dir, const char *name, ext2_ino_t *ino,
    struct ext2_inode_large *in)
{
	int error;

	if ((error = find(m, dir, name, ino)) != 0)
		return error;
	return e2_iget(m, *ino, in);
}

/* remove and rmdir: the entry must be a file (a directory). */
static int
remove_entry(struct vnode *dvp, const char *name, int isdir)
{
	struct e2mount *m = mnt(dvp);
	struct ext2_inode_large in;
	ext2_ino_t ino;
	int error;

	if ((error = entry(m, ino_of(dvp), name, &ino, &in)) != 0)
		return error;
	if (LINUX_S_ISDIR(in.i_mode) != isdir)
		return isdir ? -ENOTDIR : -EISDIR;
	if (isdir && (error = is_empty(m, ino)) <= 0)
		return error < 0 ? error : -ENOTEMPTY;
	return drop(m, ino_of(dvp), name, ino, isdir);
}

static int
e2v_remove(struct vnode *dvp, const char *name)
{
	return remove_entry(dvp, name, 0);
}

static int
e2v_rmdir(struct vnode *dvp, const char *name)
{
	return remove_entry(dvp, name, 1);
}

/* Is dir (or one of its ancestors) the directory anc?  Up by "..". */
static int
inside(const struct e2mount *m, ext2_ino_t dir, ext2_ino_t anc)
{
	ext2_ino_t up;
	int depth, error;

	for (depth = 0; depth < MAXDEPTH; depth++) {
		if (dir == anc)
			return 1;
		if (dir == EXT2_ROOT_INO)
			return 0;
		if ((error = find(m, dir, "..", &up)) != 0)
			return error;
		dir = up;
	}
	klog(KLOG_WARN, "ext2fs %s: directories deeper than %d or in a loop "
	    "(e2fsck repairs the image)", m->name, MAXDEPTH);
	return -EIO;
}

/* rename's target tname in tdir, when there is one: replaced by sino in
 * place, and what it named loses its link. */
static int
replace(struct e2mount *m, ext2_ino_t tdir, const char *tname,
    ext2_ino_t tino, ext2_ino_t sino, int sdir)
{
	struct ext2_inode_large tin;
	int error, tdirp;

	if ((error = e2_iget(m, tino, &tin)) != 0)
		return error;
	tdirp = LINUX_S_ISDIR(tin.i_mode);
	if (tdirp && !sdir)
		return -EISDIR;
	if (!tdirp && sdir)
		return -ENOTDIR;
	if (tdirp && (error = is_empty(m, tino)) <= 0)
		return error < 0 ? error : -ENOTEMPTY;
	if ((error = set_entry(m, tdir, tname, sino, sdir ? VDIR : VREG)) != 0)
		return error;
	if ((error = e2_iget(m, tino, &tin)) != 0)
		return error;
	tin.i_links_count = tdirp || tin.i_links_count == 0 ? 0 :
	    tin.i_links_count - 1;
	e2_stamp(m, &tin, T_CTIME, NULL);
	if ((error = e2_iput(m, tino, &tin)) != 0 ||
	    (tdirp && (error = e2_adjust(m, tdir, -1, 0)) != 0))
		return error;
	return tin.i_links_count == 0 && !e2_is_open(m, tino) ?
	    e2_inode_free(m, tino) : 0;
}

static int
e2v_rename(struct vnode *fdvp, const char *fname, struct vnode *tdvp,
    const char *tname)
{
	struct e2mount *m = mnt(fdvp);
	ext2_ino_t fdir = ino_of(fdvp), tdir = ino_of(tdvp), sino, tino;
	struct ext2_inode_large sin;
	errcode_t e;
	int error, sdir;

	if ((error = entry(m, fdir, fname, &sino, &sin)) != 0)
		return error;
	sdir = LINUX_S_ISDIR(sin.i_mode);
	if (sdir && fdir != tdir && (error = inside(m, tdir, sino)) != 0)
		return error < 0 ? error : -EINVAL;     /* into itself */
	if ((error = find(m, tdir, tname, &tino)) == 0) {
		if (tino == sino)
			return 0;
		error = replace(m, tdir, tname, tino, sino, sdir);
	} else if (error == -ENOENT && (error = can_add(m, tdir, tname)) == 0)
		error = link_entry(m, tdir, tname, sino, e2_vtype(sin.i_mode));
	if (error != 0)
		return error;
	if ((e = ext2fs_unlink(m->fs, fdir, fname, sino, 0)) != 0)
		return e2_err(m, e, "removing a renamed entry");
	if (sdir && fdir != tdir) {
		/* Its ".." moves: one link from fdir to tdir. */
		if ((error = set_entry(m, sino, NULL, tdir, VDIR)) != 0 ||
		    (error = e2_adjust(m, fdir, -1, 0)) != 0 ||
		    (error = e2_adjust(m, tdir, +1, 0)) != 0)
			return error;
	}
	if ((error = e2_adjust(m, fdir, 0, T_MTIME | T_CTIME)) != 0 ||
	    (fdir != tdir && (error = e2_adjust(m, tdir, 0, T_MTIME | T_CTIME)) !=
	    0))
		return error;
	return e2_adjust(m, sino, 0, T_CTIME);
}

/* Open ino's data for one call. */
static int
fopen_ino(const struct e2mount *m, ext2_ino_t ino, int flags, ext2_file_t *f)
{
	return e2_err(m, ext2fs_file_open2(m->fs, ino, NULL, flags, f),
	    "opening a file");
}

static int
e2v_readlink(struct vnode *vp, char *buf, size_t len)
{
	struct e2mount *m = mnt(vp);
	struct ext2_inode_large in;
	ext2_file_t f;
	unsigned int got = 0;
	uint64_t size;
	errcode_t e;
	int error;

	if ((error = e2_iget(m, ino_of(vp), &in)) != 0)
		return error;
	size = EXT2_I_SIZE(&in);
	if (size == 0 || size >= m->fs->blocksize) {
		klog(KLOG_WARN, "ext2fs %s: symbolic link inode %u of %llu "
		    "bytes (e2fsck repairs the image)", m->name, ino_of(vp),
		    (unsigned long long)size);
		return -EIO;
	}
	if (len > size)
		len = (size_t)size;
	if (ext2fs_is_fast_symlink((struct ext2_inode *)&in)) {
		memcpy(buf, in.i_block, len < sizeof(in.i_block) ? len :
		    sizeof(in.i_block));
		return (int)(len < sizeof(in.i_block) ? len :
		    sizeof(in.i_block));
	}
	if ((error = fopen_ino(m, ino_of(vp), 0, &f)) != 0)
		return error;
	e = ext2fs_file_read(f, buf, (unsigned int)len, &got);
	ext2fs_file_close(f);
	return e != 0 ? e2_err(m, e, "reading a symbolic link") : (int)got;
}

static int
e2v_getattr(struct vnode *vp, struct vattr *va)
{
	struct e2mount *m = mnt(vp);
	struct ext2_inode_large in;
	int error, x;

	if ((error = e2_iget(m, ino_of(vp), &in)) != 0)
		return error;
	x = e2_has_extra(m, &in);
	memset(va, 0, sizeof(*va));
	va->type = e2_vtype(in.i_mode);
	va->mode = in.i_mode & 07777;
	va->nlink = in.i_links_count;
	va->uid = inode_uid(in);
	va->gid = inode_gid(in);
	va->ino = ino_of(vp);
	va->size = EXT2_I_SIZE(&in);
	va->blocks = ext2fs_get_stat_i_blocks(m->fs, (struct ext2_inode *)&in);
	va->blksize = m->fs->blocksize;
	va->atime = e2_time_get(in.i_atime, in.i_atime_extra, x);
	va->mtime = e2_time_get(in.i_mtime, in.i_mtime_extra, x);
	va->ctime = e2_time_get(in.i_ctime, in.i_ctime_extra, x);
	return 0;
}

static int
truncate_to(struct e2mount *m, ext2_ino_t ino, uint64_t size)
{
	ext2_file_t f;
	errcode_t e, ce;
	int error;

	if ((error = fopen_ino(m, ino, EXT2_FILE_WRITE, &f)) != 0)
		return error;
	e = ext2fs_file_set_size2(f, size);
	ce = ext2fs_file_close(f);
	return e2_err(m, e != 0 ? e : ce, "changing a file's size");
}

static int
e2v_setattr(struct vnode *vp, const struct vattr *va, int mask)
{
	struct e2mount *m = mnt(vp);
	struct ext2_inode_large in;
	int error;

	if ((mask & VA_SIZE) && (error = truncate_to(m, ino_of(vp),
	    va->size)) != 0)
		return error;
	if ((error = e2_iget(m, ino_of(vp), &in)) != 0)
		return error;
	if (mask & VA_MODE)
		in.i_mode = (uint16_t)((in.i_mode & LINUX_S_IFMT) |
		    (va->mode & 07777));
	if (mask & VA_UID) {
		in.i_uid = (uint16_t)va->uid;
		ext2fs_set_i_uid_high(in, va->uid >> 16);
	}
	if (mask & VA_GID) {
		in.i_gid = (uint16_t)va->gid;
		ext2fs_set_i_gid_high(in, va->gid >> 16);
	}
	if (mask & VA_ATIME)
		e2_stamp(m, &in, T_ATIME, &va->atime);
	if (mask & VA_MTIME)
		e2_stamp(m, &in, T_MTIME, &va->mtime);
	else if (mask & VA_SIZE)
		e2_stamp(m, &in, T_MTIME, NULL);
	e2_stamp(m, &in, T_CTIME, NULL);
	return e2_iput(m, ino_of(vp), &in);
}

/* libext2fs counts in unsigned int: a call moves at most this much. */
#define IOMAX (1u << 30)

static ssize_t
e2v_read(struct vnode *vp, void *buf, size_t len, uint64_t off)
{
	struct e2mount *m = mnt(vp);
	unsigned int got = 0;
	ext2_file_t f;
	errcode_t e;
	int error;

	if ((error = fopen_ino(m, ino_of(vp), 0, &f)) != 0)
		return error;
	if ((e = ext2fs_file_llseek(f, off, EXT2_SEEK_SET, NULL)) == 0)
		e = ext2fs_file_read(f, buf, len > IOMAX ? IOMAX :
		    (unsigned int)len, &got);
	ext2fs_file_close(f);
	if (e != 0 && got == 0)
		return e2_err(m, e, "reading a file");
	return (ssize_t)got;
}

static ssize_t
e2v_write(struct vnode *vp, const void *buf, size_t len, uint64_t off)
{
	struct e2mount *m = mnt(vp);
	unsigned int put = 0;
	ext2_file_t f;
	errcode_t e, ce;
	int error;

	if (len == 0)
		return 0;
	if ((error = fopen_ino(m, ino_of(vp), EXT2_FILE_WRITE, &f)) != 0)
		return error;
	if ((e = ext2fs_file_llseek(f, off, EXT2_SEEK_SET, NULL)) == 0)
		e = ext2fs_file_write(f, buf, len > IOMAX ? IOMAX :
		    (unsigned int)len, &put);
	ce = ext2fs_file_close(f);      /* writes the last block */
	if (e == 0)
		e = ce;
	if (put > 0 && (error = e2_adjust(m, ino_of(vp), 0, T_MTIME | T_CTIME)) !=
	    0 && e == 0)
		return error;
	if (e != 0 && (put == 0 || ce != 0))
		return e2_err(m, e, "writing a file");
	return (ssize_t)put;
}

/* readdir's walk: entries before the cookie are skipped. */
struct rd {
	const struct e2mount *m;
	uint64_t       cookie;
	uint64_t       seg;             /* blocks (or inline parts) seen */
	int            prevoff;
	int            full;
	vfs_dirent_fn  fn;
	void          *arg;
};

static enum vtype
dirent_type(const struct rd *r, const struct ext2_dir_entry *d)
{
	struct ext2_inode_large in;

	if (ext2fs_has_feature_filetype(r->m->fs->super))
		switch (ext2fs_dirent_file_type(d)) {
		case EXT2_FT_REG_FILE:
			return VREG;
		case EXT2_FT_DIR:
			return VDIR;
		case EXT2_FT_SYMLINK:
			return VLNK;
		case EXT2_FT_UNKNOWN:
			break;
		default:
			return VNON;
		}
	if (d->inode > r->m->fs->super->s_inodes_count ||
	    ext2fs_read_inode_full(r->m->fs, d->inode, (struct ext2_inode *)&in,
	    sizeof(in)) != 0)
		return VREG;    /* what stat says is the inode's business */
	return e2_vtype(in.i_mode);
}

static int
rd_cb(ext2_ino_t dir, int ent, struct ext2_dir_entry *d, int offset,
    int blocksize, char *buf, void *arg)
{
	struct rd *r = arg;
	char name[EXT2_NAME_LEN + 1];
	uint64_t pos;
	size_t len;
	enum vtype t;

	if (offset <= r->prevoff)
		r->seg++;               /* the next block */
	r->prevoff = offset;
	pos = r->seg * r->m->fs->blocksize + (uint64_t)offset;
	if (d->inode == 0 || pos < r->cookie)
		return 0;
	len = (size_t)ext2fs_dirent_name_len(d);
	memcpy(name, d->name, len);
	name[len] = '\0';
	if ((t = dirent_type(r, d)) != VNON && r->fn(r->arg, name, d->inode, t,
	    pos + 1)) {
		r->full = 1;
		return DIRENT_ABORT;
	}
	r->cookie = pos + 1;
	return 0;
}

static int
e2v_readdir(struct vnode *vp, uint64_t *cookie, vfs_dirent_fn fn, void *arg)
{
	struct rd r = { mnt(vp), *cookie, 0, -1, 0, fn, arg };
	errcode_t e;

	e = ext2fs_dir_iterate2(r.m->fs, ino_of(vp), DIRENT_FLAG_INCLUDE_EMPTY,
	    NULL, rd_cb, &r);
	*cookie = r.cookie;
	if (e != 0 && !r.full)
		return e2_err(r.m, e, "reading a directory");
	return r.full;
}

static int
e2v_fsync(struct vnode *vp)
{
	struct e2mount *m = mnt(vp);

	return m->rw ? e2_err(m, ext2fs_flush(m->fs), "flushing the image") :
	    0;
}

static void
e2v_release(struct vnode *vp)
{
	struct e2mount *m = mnt(vp);
	struct e2node *n = vp->data;
	struct ext2_inode_large in;

	if (--n->refs > 0)
		return;
	if (m->rw && e2_iget(m, n->ino, &in) == 0 && in.i_links_count == 0)
		e2_inode_free(m, n->ino);
	e2_node_drop(m, n);
}

const struct vnodeops e2_vnops = {
	.lookup = e2v_lookup,
	.create = e2v_create,
	.mkdir = e2v_mkdir,
	.symlink = e2v_symlink,
	.remove = e2v_remove,
	.rmdir = e2v_rmdir,
	.rename = e2v_rename,
	.readlink = e2v_readlink,
	.getattr = e2v_getattr,
	.setattr = e2v_setattr,
	.read = e2v_read,
	.write = e2v_write,
	.readdir = e2v_readdir,
	.fsync = e2v_fsync,
	.release = e2v_release,
};
