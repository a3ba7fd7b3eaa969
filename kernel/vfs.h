/*
 * vfs.h — the node kernel's file systems (the rumpvfs component): vnodes,
 * mounts, path lookup, open files, and each file call a client process
 * makes (kernel/sysproxy_fs.c carries them).
 *
 * A file system type registers a struct vfsops (vfs_register, from its
 * component's init); a mount is an instance of one, attached over a
 * directory of the tree.  The tree starts as a tmpfs-like root that
 * rumpvfs makes, so every node has "/" and can mkdir its mount points.
 *
 * A vnode is a handle on one file of one mount: the file system fills
 * ops, type, ino and data; the VFS counts references.  Handles are not
 * unique: two lookups of one file may give two vnodes with the same
 * (mount, ino), which is the file's identity (a mount point is found by
 * it).  A file system keeps what must outlive a handle (its file's data,
 * the links) in its own structures, and frees in release() what the
 * handle alone held; a file unlinked while a handle is open stays
 * readable through it until the last handle goes.  release() is also how
 * a forced unmount takes a handle from its file system: the vnode lives
 * on, revoked, with no file system behind it.
 *
 * Locking: one lock, vfs_lock, around every call into a file system and
 * every change of the mount table.  File systems are called with it held
 * and may block on the host (hostfs, ext2fs images) while holding it; a
 * node's file traffic is light next to its network traffic, and one lock
 * makes rename, unlink and mount exact.  No network code takes it.
 *
 * Permissions are not checked: a client is the node's root, as a process
 * of a NetBSD rump kernel is unless it says otherwise.  A hostfs mount
 * reaches the host's files with the node process's own rights.
 *
 * Errors are -errno (Linux's values).  Paths are at most VFS_PATHMAX - 1
 * bytes, a component at most VFS_NAMEMAX; symbolic links are followed at
 * most VFS_MAXSYMLINKS times in one lookup (ELOOP).
 */
#ifndef RUMPLAB_VFS_H
#define RUMPLAB_VFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define VFS_PATHMAX     4096
#define VFS_NAMEMAX     255
#define VFS_MAXSYMLINKS 32
#define VFS_TYPEMAX     15
#define VFS_OPTSMAX     255

enum vtype { VNON, VREG, VDIR, VLNK };

struct vattr {
	enum vtype      type;
	uint32_t        mode;           /* permission bits, 07777 */
	uint32_t        nlink;
	uint32_t        uid, gid;
	uint64_t        ino;
	uint64_t        size;
	uint64_t        blocks;         /* 512-byte units */
	uint32_t        blksize;
	struct timespec atime, mtime, ctime;
};

/* setattr's mask. */
#define VA_MODE  0x01
#define VA_UID   0x02
#define VA_GID   0x04
#define VA_SIZE  0x08
#define VA_ATIME 0x10
#define VA_MTIME 0x20

struct vfs_statvfs {
	uint64_t bsize, frsize, blocks, bfree, bavail;
	uint64_t files, ffree, favail, fsid, flag, namemax;
};
#define VFS_ST_RDONLY 0x1

struct vnode;
struct mount;

/* readdir's callback, with the cookie that resumes after this entry: 0
 * to go on, 1 when the caller's buffer is full (the entry is not taken:
 * the file system leaves its cookie before it). */
typedef int (*vfs_dirent_fn)(void *arg, const char *name, uint64_t ino,
    enum vtype type, uint64_t next);

struct vnodeops {
	/* name is one component, never "" or "."; ".." is asked only of a
	 * directory that is not its mount's root.  *vpp holds a reference. */
	int     (*lookup)(struct vnode *dvp, const char *name,
	            struct vnode **vpp);
	int     (*create)(struct vnode *dvp, const char *name, uint32_t mode,
	            struct vnode **vpp);
	int     (*mkdir)(struct vnode *dvp, const char *name, uint32_t mode);
	int     (*symlink)(struct vnode *dvp, const char *name,
	            const char *target);
	int     (*remove)(struct vnode *dvp, const char *name); /* not a dir */
	int     (*rmdir)(struct vnode *dvp, const char *name);  /* empty dir */
	/* Both directories on the same mount; replaces an existing target
	 * as rename(2) does (a directory only by an empty directory). */
	int     (*rename)(struct vnode *fdvp, const char *fname,
	            struct vnode *tdvp, const char *tname);
	int     (*readlink)(struct vnode *vp, char *buf, size_t len);
	int     (*getattr)(struct vnode *vp, struct vattr *va);
	int     (*setattr)(struct vnode *vp, const struct vattr *va, int mask);
	ssize_t (*read)(struct vnode *vp, void *buf, size_t len, uint64_t off);
	ssize_t (*write)(struct vnode *vp, const void *buf, size_t len,
	            uint64_t off);
	/* Entries from *cookie on (0: the first; "." and ".." included);
	 * *cookie advances past each entry taken (the file system's own
	 * numbers, which lseek gives back); 0 at the end, 1 when fn said the
	 * buffer is full. */
	int     (*readdir)(struct vnode *vp, uint64_t *cookie,
	            vfs_dirent_fn fn, void *arg);
	int     (*fsync)(struct vnode *vp);
	void    (*release)(struct vnode *vp);   /* the handle's last ref */
};

struct vfsops {
	const char *name;               /* "tmpfs", "hostfs", "ext2fs" */
	/* Set mp->root (a held vnode) and mp->data; source and opts as the
	 * mount call gave them (opts "ro,size=64m"); a reason in err. */
	int     (*mount)(struct mount *mp, const char *source,
	            const char *opts, char *err, size_t errlen);
	int     (*unmount)(struct mount *mp);   /* after root's release */
	int     (*statvfs)(struct mount *mp, struct vfs_statvfs *st);
	int     (*sync)(struct mount *mp);
};

struct vnode {
	const struct vnodeops *ops;
	struct mount    *mp;
	enum vtype       type;
	uint64_t         ino;
	void            *data;          /* the file system's */
	int              refs;          /* vfs_lock */
	/* The mount's live vnodes (vfs_lock), so that an unmount finds
	 * what is still in use: EBUSY, or with force revoked. */
	struct vnode    *mnext, **mprevp;
};

struct mount {
	const struct vfsops *ops;
	struct vnode    *root;
	struct vnode    *covered;       /* the directory under it; NULL: / */
	void            *data;          /* the file system's */
	int              rdonly;
	char             type[VFS_TYPEMAX + 1];
	char             source[VFS_PATHMAX];
	char             opts[VFS_OPTSMAX + 1];
	char             path[VFS_PATHMAX]; /* where it is mounted */
	struct vnode    *vnodes;        /* its live vnodes; vfs_lock */
	struct mount    *next;          /* vfs_lock */
};

/* For file systems. */
int  vfs_register(const struct vfsops *ops);
struct vnode *vfs_vnode_new(struct mount *mp, const struct vnodeops *ops,
         enum vtype type, uint64_t ino, void *data);   /* one reference */
void vfs_vnode_hold(struct vnode *vp);
void vfs_vnode_rele(struct vnode *vp);
/* A mount's options: is "name" in opts, and its value ("size=64m"). */
int  vfs_opt(const char *opts, const char *name, char *val, size_t len);
int  vfs_opt_size(const char *opts, const char *name, uint64_t *bytes);

/*
 * Open files and a process's view.  A struct vfile is what a client
 * descriptor names when it is a file: shared by dup and fork as an open
 * file description is (one offset).
 */
struct vfile;
struct vfs_proc;                        /* a process's cwd */

struct vfs_proc *vfs_proc_new(void);    /* cwd "/" */
struct vfs_proc *vfs_proc_copy(const struct vfs_proc *vp); /* fork */
void vfs_proc_free(struct vfs_proc *vp);

void vfs_file_hold(struct vfile *f);
void vfs_file_rele(struct vfile *f);
int  vfs_file_flags(struct vfile *f);           /* O_ACCMODE, O_APPEND, ... */
void vfs_file_setflags(struct vfile *f, int flags);  /* O_APPEND|O_NONBLOCK */

#define VFS_AT_FDCWD (-100)
/* What a dirfd stands for: the cwd (dir NULL) or an open directory. */
struct vfs_at {
	struct vfs_proc *proc;
	struct vfile    *dir;           /* NULL: the cwd */
};

int  vfs_open(struct vfs_at at, const char *path, int flags, uint32_t mode,
         struct vfile **fp);
/* stat of path (flags: AT_SYMLINK_NOFOLLOW), or of at.dir itself when
 * path is "" (AT_EMPTY_PATH); of an open file. */
int  vfs_stat(struct vfs_at at, const char *path, int flags,
         struct vattr *va, uint64_t *dev);
int  vfs_fstat(struct vfile *f, struct vattr *va, uint64_t *dev);
ssize_t vfs_read(struct vfile *f, void *buf, size_t len);
ssize_t vfs_write(struct vfile *f, const void *buf, size_t len);
ssize_t vfs_pread(struct vfile *f, void *buf, size_t len, uint64_t off);
ssize_t vfs_pwrite(struct vfile *f, const void *buf, size_t len,
            uint64_t off);
int64_t vfs_lseek(struct vfile *f, int64_t off, int whence);
/* Directory entries into buf as getdents64 lays them out (struct
 * linux_dirent64: u64 ino, i64 off, u16 reclen, u8 type, name, NUL,
 * 8-byte aligned); returns the bytes written, 0 at the end, -EINVAL when
 * buf cannot hold one entry. */
ssize_t vfs_getdents(struct vfile *f, void *buf, size_t len);
int  vfs_mkdir(struct vfs_at at, const char *path, uint32_t mode);
int  vfs_unlink(struct vfs_at at, const char *path, int rmdir);
int  vfs_rename(struct vfs_at from, const char *fpath, struct vfs_at to,
         const char *tpath);
int  vfs_symlink(const char *target, struct vfs_at at, const char *path);
ssize_t vfs_readlink(struct vfs_at at, const char *path, char *buf,
            size_t len);
/* chmod, chown, utimes, truncate: a setattr of path or (path "") of
 * at.dir, or of an open file (f non-NULL). */
int  vfs_setattr(struct vfs_at at, const char *path, int flags,
         struct vfile *f, const struct vattr *va, int mask);
/* utimensat's two times (NULL: now; UTIME_NOW, UTIME_OMIT) as a setattr:
 * 0, or -EINVAL for nanoseconds out of range. */
int  vfs_utimes_attr(const struct timespec ts[2], struct vattr *va,
         int *mask);
int  vfs_fsync(struct vfile *f);
int  vfs_statvfs(struct vfs_at at, const char *path, struct vfile *f,
         struct vfs_statvfs *st);
int  vfs_access(struct vfs_at at, const char *path, int flags);
int  vfs_chdir(struct vfs_at at, const char *path);
int  vfs_getcwd(struct vfs_proc *p, char *buf, size_t len);

/* Mounts: type a registered vfsops; target a directory, or "/": the new
 * file system replaces the root tmpfs (and what it holds) while nothing
 * else is mounted and nothing in it is in use (EBUSY), as ukfs mounts an
 * image.  Sources of hostfs and ext2fs images come from the node's etfs
 * table (vfs_etfs_*).  An unmount fails with EBUSY while a file of the
 * mount is open, a process's cwd or covered by a mount; force revokes
 * those handles (every later call on them fails with EIO) and unmounts. */
int  vfs_mount(const char *type, const char *source, const char *target,
         const char *opts, char *err, size_t errlen);
int  vfs_unmount(const char *target, int force);
/* "source target type opts\n" per mount, as SYSCTL_LIST returns text;
 * returns the bytes needed. */
size_t vfs_mountlist(char *buf, size_t len);
/* Unmount everything, innermost first (the node halts). */
void vfs_unmount_all(void);
int  vfs_loaded(void);

/*
 * etfs (NetBSD's "extra-terrestrial file system", rump_server -d): host
 * files and directories the node may use, each under a key.  A mount's
 * source names a key ("/dev/img0"), never a host path, so a client cannot
 * make the node open what its operator did not hand it.
 */
enum etfs_type { ETFS_REG, ETFS_BLK, ETFS_DIR };
int  vfs_etfs_register(const char *key, const char *hostpath,
         enum etfs_type type, uint64_t size, char *err, size_t errlen);
/* rump_server -d's spec (key=,hostpath=,size=,type=); a type=dir is
 * mounted (hostfs) at its key at once. */
int  vfs_etfs_parse(const char *spec, char *err, size_t errlen);
/* The host path and type behind key, and the bytes of it a mount may
 * use (size=BYTES; 0 for size=host: whatever the file holds when it is
 * used); -ENOENT. */
int  vfs_etfs_lookup(const char *key, char *hostpath, size_t len,
         enum etfs_type *type, uint64_t *size);

#endif
