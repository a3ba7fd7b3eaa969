/*
 * vfs_hostfs.c — the rumpfs_hostfs component: a host directory as a
 * mount of the node (NetBSD's hostfs / etfs type=dir), read-write or
 * read-only ("ro").  The source is an etfs key of type dir; the host
 * directory behind it is the mount's root.  This is the host half of the
 * component: it alone calls the host's file system.
 *
 * Confinement.  A vnode is a path relative to the root, and every host
 * call reaches its file with openat2() from the root's descriptor with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS: the host
 * never follows a symbolic link or ".." for the node, and nothing outside
 * the root can be named.  The node's VFS resolves ".." and links itself,
 * in the node's own tree, so a link "/etc/passwd" inside the shared
 * directory names the node's /etc/passwd, not the host's.  Calls on a
 * name in a directory (create, unlink, rename...) are made with *at()
 * on the directory's descriptor and a single component.  A host process
 * that moves a directory out of the tree while the node works in it can
 * make that one call land outside; nothing the node does can.
 *
 * A vnode's identity is the host's inode number.  A regular file's vnode
 * keeps one descriptor for its reads and writes, opened on first use.
 *
 * Locking: the VFS calls every operation with vfs_lock held.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/component.h"
#include "kernel/vfs.h"

struct hostfs {
	int rootfd;                     /* O_PATH, the host directory */
};

struct hnode {
	char *rel;                      /* "" for the root, "a/b" */
	int   fd;                       /* VREG: for I/O, or -1 */
	int   fdmode;                   /* O_RDONLY or O_RDWR */
};

static const struct vnodeops hostfs_vnops;

static int
rootfd(const struct vnode *vp)
{
	return ((struct hostfs *)vp->mp->data)->rootfd;
}

static struct hnode *
hn(const struct vnode *vp)
{
	return vp->data;
}

/* rel beneath the root, never through a link; a descriptor or -errno. */
static int
open_beneath(int root, const char *rel, int flags, uint32_t mode)
{
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)flags | O_CLOEXEC | O_NOFOLLOW;
	how.mode = (flags & O_CREAT) ? mode : 0;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS;
	if (rel[0] == '\0')
		rel = ".";
	fd = syscall(SYS_openat2, root, rel, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

/* The directory vp as a descriptor for *at() calls. */
static int
dirfd_of(const struct vnode *vp)
{
	return open_beneath(rootfd(vp), hn(vp)->rel, O_PATH | O_DIRECTORY, 0);
}

static enum vtype
vtype_of(mode_t m)
{
	return S_ISDIR(m) ? VDIR : S_ISLNK(m) ? VLNK : S_ISREG(m) ? VREG : VNON;
}

static char *
join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p;

	if ((p = malloc(dl + nl + 2)) == NULL)
		return NULL;
	memcpy(p, dir, dl);
	if (dl > 0)
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

static struct vnode *
vnode_for(struct mount *mp, char *rel, const struct stat *st)
{
	struct hnode *h;
	struct vnode *vp;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		free(rel);
		return NULL;
	}
	h->rel = rel;
	h->fd = -1;
	if ((vp = vfs_vnode_new(mp, &hostfs_vnops, vtype_of(st->st_mode),
	    st->st_ino, h)) == NULL) {
		free(rel);
		free(h);
	}
	return vp;
}

static int
lstat_rel(const struct vnode *vp, const char *rel, struct stat *st)
{
	int fd, r;

	if ((fd = open_beneath(rootfd(vp), rel, O_PATH, 0)) < 0)
		return fd;
	r = fstat(fd, st) == 0 ? 0 : -errno;
	close(fd);
	return r;
}

static int
h_lookup(struct vnode *dvp, const char *name, struct vnode **vpp)
{
	struct stat st;
	char *rel, *slash;
	int error;

	if (strcmp(name, "..") == 0) {
		if ((rel = strdup(hn(dvp)->rel)) == NULL)
			return -ENOMEM;
		slash = strrchr(rel, '/');
		*(slash != NULL ? slash : rel) = '\0';
	} else if ((rel = join(hn(dvp)->rel, name)) == NULL)
		return -ENOMEM;
	if ((error = lstat_rel(dvp, rel, &st)) != 0) {
		free(rel);
		return error == -ELOOP ? -ENOENT : error;
	}
	if (vtype_of(st.st_mode) == VNON) {
		free(rel);
		return -ENOENT;         /* sockets, devices: not shown */
	}
	return (*vpp = vnode_for(dvp->mp, rel, &st)) != NULL ? 0 : -ENOMEM;
}

static int
h_create(struct vnode *dvp, const char *name, uint32_t mode,
    struct vnode **vpp)
{
	struct stat st;
	int dfd, fd;
	char *rel;

	if ((dfd = dirfd_of(dvp)) < 0)
		return dfd;
	fd = openat(dfd, name, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW |
	    O_CLOEXEC, mode);
	close(dfd);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0 || (rel = join(hn(dvp)->rel, name)) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	if ((*vpp = vnode_for(dvp->mp, rel, &st)) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	hn(*vpp)->fd = fd;
	hn(*vpp)->fdmode = O_RDWR;
	return 0;
}

/* mkdir, symlink, unlink, rmdir: one *at() call in the directory. */
static int
h_dirop(struct vnode *dvp, const char *name, int op, uint32_t mode,
    const char *target)
{
	int dfd, r;

	if ((dfd = dirfd_of(dvp)) < 0)
		return dfd;
	switch (op) {
	case 0:
		r = mkdirat(dfd, name, mode);
		break;
	case 1:
		r = symlinkat(target, dfd, name);
		break;
	case 2:
		r = unlinkat(dfd, name, 0);
		break;
	default:
		r = unlinkat(dfd, name, AT_REMOVEDIR);
		break;
	}
	r = r == 0 ? 0 : -errno;
	close(dfd);
	return r;
}

static int
h_mkdir(struct vnode *dvp, const char *name, uint32_t mode)
{
	return h_dirop(dvp, name, 0, mode, NULL);
}

static int
h_symlink(struct vnode *dvp, const char *name, const char *target)
{
	return h_dirop(dvp, name, 1, 0, target);
}

static int
h_remove(struct vnode *dvp, const char *name)
{
	return h_dirop(dvp, name, 2, 0, NULL);
}

static int
h_rmdir(struct vnode *dvp, const char *name)
{
	return h_dirop(dvp, name, 3, 0, NULL);
}

static int
h_rename(struct vnode *fdvp, const char *fname, struct vnode *tdvp,
    const char *tname)
{
	int ffd, tfd, r;

	if ((ffd = dirfd_of(fdvp)) < 0)
		return ffd;
	if ((tfd = dirfd_of(tdvp)) < 0) {
		close(ffd);
		return tfd;
	}
	r = renameat(ffd, fname, tfd, tname) == 0 ? 0 : -errno;
	close(ffd);
	close(tfd);
	return r;
}

static int
h_readlink(struct vnode *vp, char *buf, size_t len)
{
	const char *rel = hn(vp)->rel, *slash = strrchr(rel, '/');
	char dir[VFS_PATHMAX];
	ssize_t n;
	int dfd;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - rel) : 0, rel);
	if ((dfd = open_beneath(rootfd(vp), dir, O_PATH | O_DIRECTORY, 0)) < 0)
		return dfd;
	n = readlinkat(dfd, slash ? slash + 1 : rel, buf, len);
	close(dfd);
	return n < 0 ? -errno : (int)n;
}

static int
h_getattr(struct vnode *vp, struct vattr *va)
{
	struct stat st;
	int error;

	if ((error = lstat_rel(vp, hn(vp)->rel, &st)) != 0)
		return error;
	memset(va, 0, sizeof(*va));
	va->type = vtype_of(st.st_mode);
	va->mode = st.st_mode & 07777;
	va->nlink = (uint32_t)st.st_nlink;
	va->uid = st.st_uid;
	va->gid = st.st_gid;
	va->ino = st.st_ino;
	va->size = (uint64_t)st.st_size;
	va->blocks = (uint64_t)st.st_blocks;
	va->blksize = (uint32_t)st.st_blksize;
	va->atime = st.st_atim;
	va->mtime = st.st_mtim;
	va->ctime = st.st_ctim;
	return 0;
}

/* The file's I/O descriptor: read-write when the host lets us. */
static int
io_fd(struct vnode *vp, int write)
{
	struct hnode *h = hn(vp);
	int fd;

	if (h->fd >= 0 && (!write || h->fdmode == O_RDWR))
		return h->fd;
	fd = vp->mp->rdonly ? -EROFS : open_beneath(rootfd(vp), h->rel,
	    O_RDWR, 0);
	if (fd < 0 && !write)
		fd = open_beneath(rootfd(vp), h->rel, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	if (h->fd >= 0)
		close(h->fd);
	h->fd = fd;
	h->fdmode = (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR ? O_RDWR :
	    O_RDONLY;
	return write && h->fdmode != O_RDWR ? -EACCES : fd;
}

static int
h_setattr(struct vnode *vp, const struct vattr *va, int mask)
{
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
	char self[32];
	int fd, r = 0;

	if ((fd = open_beneath(rootfd(vp), hn(vp)->rel, O_PATH, 0)) < 0)
		return fd;
	/* The O_PATH descriptor's own inode, never a link followed:
	 * AT_EMPTY_PATH, and for chmod (which has no such flag before
	 * fchmodat2) the descriptor's /proc name. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if ((mask & VA_MODE) && vp->type != VLNK &&
	    chmod(self, va->mode & 07777) != 0)
		r = -errno;
	if (r == 0 && (mask & (VA_UID | VA_GID)) && fchownat(fd, "",
	    (mask & VA_UID) ? va->uid : (uid_t)-1,
	    (mask & VA_GID) ? va->gid : (gid_t)-1, AT_EMPTY_PATH) != 0)
		r = -errno;
	if (mask & VA_ATIME)
		ts[0] = va->atime;
	if (mask & VA_MTIME)
		ts[1] = va->mtime;
	if (r == 0 && (mask & (VA_ATIME | VA_MTIME)) &&
	    utimensat(fd, "", ts, AT_EMPTY_PATH) != 0)
		r = -errno;
	close(fd);
	if (r == 0 && (mask & VA_SIZE)) {
		if ((fd = io_fd(vp, 1)) < 0)
			return fd;
		r = ftruncate(fd, (off_t)va->size) == 0 ? 0 : -errno;
	}
	return r;
}

static ssize_t
h_read(struct vnode *vp, void *buf, size_t len, uint64_t off)
{
	ssize_t n;
	int fd;

	if ((fd = io_fd(vp, 0)) < 0)
		return fd;
	n = pread(fd, buf, len, (off_t)off);
	return n < 0 ? -errno : n;
}

static ssize_t
h_write(struct vnode *vp, const void *buf, size_t len, uint64_t off)
{
	ssize_t n;
	int fd;

	if ((fd = io_fd(vp, 1)) < 0)
		return fd;
	n = pwrite(fd, buf, len, (off_t)off);
	return n < 0 ? -errno : n;
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t  d_off;
	uint16_t d_reclen;
	uint8_t  d_type;
	char     d_name[];
};

/* The host's getdents64 from *cookie (its own offsets); entries of a
 * type the node does not show are skipped. */
static int
h_readdir(struct vnode *vp, uint64_t *cookie, vfs_dirent_fn fn, void *arg)
{
	char buf[8192];
	struct linux_dirent64 *d;
	enum vtype t;
	long n, off;
	int fd, r = 0;

	if ((fd = open_beneath(rootfd(vp), hn(vp)->rel, O_RDONLY |
	    O_DIRECTORY, 0)) < 0)
		return fd;
	if (lseek(fd, (off_t)*cookie, SEEK_SET) < 0) {
		close(fd);
		return -errno;
	}
	while (r == 0 && (n = syscall(SYS_getdents64, fd, buf,
	    sizeof(buf))) > 0) {
		for (off = 0; off < n; off += d->d_reclen) {
			d = (struct linux_dirent64 *)(buf + off);
			t = d->d_type == DT_DIR ? VDIR : d->d_type == DT_LNK ?
			    VLNK : d->d_type == DT_REG ? VREG : VNON;
			if (t != VNON && fn(arg, d->d_name, d->d_ino, t,
			    (uint64_t)d->d_off)) {
				r = 1;
				break;
			}
			*cookie = (uint64_t)d->d_off;
		}
	}
	close(fd);
	return r;
}

static int
h_fsync(struct vnode *vp)
{
	int fd = hn(vp)->fd;

	return fd < 0 || fsync(fd) == 0 ? 0 : -errno;
}

static void
h_release(struct vnode *vp)
{
	struct hnode *h = hn(vp);

	if (h->fd >= 0)
		close(h->fd);
	free(h->rel);
	free(h);
}

static const struct vnodeops hostfs_vnops = {
	.lookup = h_lookup,
	.create = h_create,
	.mkdir = h_mkdir,
	.symlink = h_symlink,
	.remove = h_remove,
	.rmdir = h_rmdir,
	.rename = h_rename,
	.readlink = h_readlink,
	.getattr = h_getattr,
	.setattr = h_setattr,
	.read = h_read,
	.write = h_write,
	.readdir = h_readdir,
	.fsync = h_fsync,
	.release = h_release,
};

static int
h_mount(struct mount *mp, const char *source, const char *opts, char *err,
    size_t errlen)
{
	char host[VFS_PATHMAX];
	enum etfs_type type;
	struct hostfs *fs;
	struct stat st;
	uint64_t size;
	char *rel;

	if (vfs_etfs_lookup(source, host, sizeof(host), &type, &size) != 0 ||
	    type != ETFS_DIR) {
		snprintf(err, errlen, "hostfs: %s is not a directory handed to "
		    "this node (rump_server -d key=%s,hostpath=DIR,type=dir)",
		    source, source);
		return -ENOENT;
	}
	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return -ENOMEM;
	if ((fs->rootfd = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    fstat(fs->rootfd, &st) != 0) {
		snprintf(err, errlen, "hostfs: %s: %s", host, strerror(errno));
		if (fs->rootfd >= 0)
			close(fs->rootfd);
		free(fs);
		return -errno;
	}
	mp->data = fs;
	if ((rel = strdup("")) == NULL ||
	    (mp->root = vnode_for(mp, rel, &st)) == NULL) {
		close(fs->rootfd);
		free(fs);
		return -ENOMEM;
	}
	return 0;
}

static int
h_unmount(struct mount *mp)
{
	struct hostfs *fs = mp->data;

	close(fs->rootfd);
	free(fs);
	return 0;
}

static int
h_statvfs(struct mount *mp, struct vfs_statvfs *st)
{
	struct hostfs *fs = mp->data;
	struct statvfs sv;

	if (fstatvfs(fs->rootfd, &sv) != 0)
		return -errno;
	st->bsize = sv.f_bsize;
	st->frsize = sv.f_frsize;
	st->blocks = sv.f_blocks;
	st->bfree = sv.f_bfree;
	st->bavail = sv.f_bavail;
	st->files = sv.f_files;
	st->ffree = sv.f_ffree;
	st->favail = sv.f_favail;
	st->fsid = sv.f_fsid;
	st->namemax = sv.f_namemax;
	return 0;
}

static const struct vfsops hostfs_ops = {
	.name = "hostfs",
	.mount = h_mount,
	.unmount = h_unmount,
	.statvfs = h_statvfs,
};

static int
hostfs_init(char *err, size_t errlen)
{
	return vfs_register(&hostfs_ops);
}

static const struct component comp_hostfs = {
	.name = "rumpfs_hostfs",
	.deps = { "rumpvfs", NULL },
	.init = hostfs_init,
};
COMPONENT_REGISTER(comp_hostfs);
