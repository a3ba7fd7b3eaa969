/*
 * fsops.h — a tree of files as the file tools see it (rump.fs, ukfs,
 * rump_fuse, the tests and benchmarks): one table of calls, each backend
 * one file exporting one table.
 *
 *   fsops_rumpclient (kernel/fsops_rumpclient.c)  a node's VFS through
 *       librumpclient ($RUMP_SERVER); h is unused (NULL)
 *   ukfs_fsops (kernel/ukfs.c)  an image opened in this process; h is
 *       the struct ukfs that ukfs_mount() returned
 *
 * Contract: the calls are libc's file calls, with h first, returning 0
 * (or a count, a descriptor) or -errno; descriptors are the backend's own.
 * Paths are the tree's.  stat and statvfs fill the host's structures.
 * detail() is the backend's words for the calling thread's last failure
 * ("ext2fs: ... truncated image ..."), or "".  Thread-safety is the
 * backend's: both here may be called from several threads.
 */
#ifndef RUMPLAB_FSOPS_H
#define RUMPLAB_FSOPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct stat;
struct statvfs;
struct timespec;

struct fsops {
	const char *name;
	int     (*open)(void *h, const char *path, int flags, uint32_t mode);
	int     (*close)(void *h, int fd);
	ssize_t (*pread)(void *h, int fd, void *buf, size_t len, uint64_t off);
	ssize_t (*pwrite)(void *h, int fd, const void *buf, size_t len,
	            uint64_t off);
	/* struct linux_dirent64 records, as getdents64(2) */
	ssize_t (*getdents)(void *h, int fd, void *buf, size_t len);
	int64_t (*lseek)(void *h, int fd, int64_t off, int whence);
	int     (*stat)(void *h, const char *path, struct stat *st,
	            int nofollow);
	int     (*fstat)(void *h, int fd, struct stat *st);
	int     (*mkdir)(void *h, const char *path, uint32_t mode);
	int     (*unlink)(void *h, const char *path);
	int     (*rmdir)(void *h, const char *path);
	int     (*rename)(void *h, const char *from, const char *to);
	int     (*symlink)(void *h, const char *target, const char *path);
	ssize_t (*readlink)(void *h, const char *path, char *buf, size_t len);
	int     (*chmod)(void *h, const char *path, uint32_t mode);
	/* (uint32_t)-1 keeps the owner or the group */
	int     (*chown)(void *h, const char *path, uint32_t uid, uint32_t gid);
	/* NULL: now; UTIME_OMIT and UTIME_NOW as utimensat(2) */
	int     (*utimens)(void *h, const char *path,
	            const struct timespec ts[2]);
	int     (*truncate)(void *h, const char *path, uint64_t size);
	int     (*ftruncate)(void *h, int fd, uint64_t size);
	int     (*fsync)(void *h, int fd);
	int     (*statvfs)(void *h, const char *path, struct statvfs *st);
	const char *(*detail)(void *h);
};

extern const struct fsops fsops_rumpclient;

/* The record layout getdents fills. */
struct fsops_dirent {
	uint64_t ino;
	int64_t  off;
	uint16_t reclen;
	uint8_t  type;          /* DT_REG, DT_DIR, DT_LNK */
	char     name[];
};

#endif
