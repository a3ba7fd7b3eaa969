/*
 * fuzz_ext2.c — libFuzzer target over rumpfs_ext2fs on arbitrary images:
 * each input is an image, written to a memfd that an etfs key names, and
 * the node's own VFS (kernel/vfs.h, the code rump_server runs) mounts it
 * read-only and walks the tree (lookup of each name in its open
 * directory, stat, readdir in small buffers, readlink, read), then mounts
 * it read-write, changes it (create, write past the end, mkdir, symlink,
 * rename, truncate, unlink), walks it again and unmounts it.  A mount
 * refused with a reason, and EIO from a call that meets corrupt
 * metadata, are the expected answers; crashes, sanitizer
 * reports, leaks and hangs are bugs.  The walk is bounded (depth, entries
 * a directory, entries in all, bytes per file) so that a directory loop
 * in an image ends, and soon: bounded by depth and entries alone, an
 * image whose directories hold each other had 7,060 entries visited, 60
 * times a normal input's time, and such inputs came to be most of a long
 * run's time (an image mke2fs makes in 64 KiB holds a few dozen inodes).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel/component.h"
#include "kernel/vfs.h"

#define MAXDEPTH 4
#define MAXENTS  32
#define MAXVISITS 256	/* entries a walk visits in all */
#define READMAX  (64 * 1024)

static int memfd = -1;
static struct vfs_proc *proc;
static char buf[READMAX];
static int visits;	/* left to the walk */

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_ext2: setup: %s\n", what);
	exit(1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct vfs_at at = { NULL, NULL };
	char err[256], path[64];

	if ((memfd = memfd_create("fuzz_ext2", MFD_CLOEXEC)) < 0)
		die("memfd_create");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	if (component_load("rumpfs_ext2fs", err, sizeof(err)) != 0 ||
	    vfs_etfs_register("/dev/fuzz", path, ETFS_REG, 0, err,
	    sizeof(err)) != 0 || vfs_mkdir(at, "/m", 0755) != 0 ||
	    (proc = vfs_proc_new()) == NULL)
		die(err);
	return 0;
}

/* Names of a directory, each stat()ed, read and recursed into. */
struct names {
	char name[MAXENTS][VFS_NAMEMAX + 1];
	int  n;
};

static void walk(struct vfile *in, const char *path, int depth);

/* NAME, an entry of the open directory DIR: stat()ed, then read or
 * recursed into, by its name in DIR (not by its whole path from the
 * root: every directory above it looked up again was most of the
 * target's time). */
static void
visit(struct vfile *dir, const char *name, int depth)
{
	struct vfs_at at = { proc, dir };
	struct vfile *f;
	struct vattr va;
	uint64_t dev;

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    visits-- <= 0)
		return;
	if (vfs_stat(at, name, AT_SYMLINK_NOFOLLOW, &va, &dev) != 0)
		return;
	if (va.type == VLNK) {
		vfs_readlink(at, name, buf, sizeof(buf));
		vfs_stat(at, name, 0, &va, &dev);       /* followed */
		return;
	}
	if (va.type == VDIR) {
		walk(dir, name, depth + 1);
		return;
	}
	if (vfs_open(at, name, O_RDONLY, 0, &f) == 0) {
		vfs_pread(f, buf, sizeof(buf), 0);
		vfs_pread(f, buf, 100, va.size > 50 ? va.size - 50 : 0);
		vfs_file_rele(f);
	}
}

/* The directory PATH (in the directory IN, or from the root). */
static void
walk(struct vfile *in, const char *path, int depth)
{
	struct vfs_at at = { proc, in };
	struct names *nm;
	struct vfile *f;
	ssize_t n, off;
	int i;

	if (depth > MAXDEPTH || vfs_open(at, path, O_RDONLY | O_DIRECTORY, 0,
	    &f) != 0)
		return;
	if ((nm = calloc(1, sizeof(*nm))) == NULL)
		die("out of memory");
	/* Room for one long name: every getdents resumes from a cookie. */
	while (nm->n < MAXENTS && (n = vfs_getdents(f, buf, 300)) > 0)
		for (off = 0; off < n && nm->n < MAXENTS; ) {
			uint16_t reclen;

			memcpy(&reclen, buf + off + 16, 2);
			snprintf(nm->name[nm->n++], VFS_NAMEMAX + 1, "%s",
			    buf + off + 19);
			off += reclen;
		}
	for (i = 0; i < nm->n; i++)
		visit(f, nm->name[i], depth);
	vfs_file_rele(f);
	free(nm);
}

/* Changes on a read-write mount: whatever they meet. */
static void
change(void)
{
	struct vfs_at at = { proc, NULL };
	struct vattr va = { .size = 3 };
	struct vfile *f;

	if (vfs_open(at, "/m/new", O_RDWR | O_CREAT, 0644, &f) == 0) {
		vfs_pwrite(f, "data", 4, 0);
		vfs_pwrite(f, "far", 3, 70000);
		vfs_fsync(f);
		vfs_file_rele(f);
	}
	vfs_mkdir(at, "/m/dir", 0755);
	vfs_symlink("new", at, "/m/dir/link");
	vfs_rename(at, "/m/new", at, "/m/dir/moved");
	vfs_setattr(at, "/m/dir/moved", 0, NULL, &va, VA_SIZE);
	vfs_rename(at, "/m/dir", at, "/m/lost+found/dir");
	vfs_unlink(at, "/m/lost+found/dir/moved", 0);
	vfs_unlink(at, "/m/lost+found/dir/link", 0);
	vfs_unlink(at, "/m/lost+found/dir", 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];

	if (ftruncate(memfd, 0) != 0 || pwrite(memfd, data, size, 0) !=
	    (ssize_t)size)
		die("memfd write");
	if (vfs_mount("ext2fs", "/dev/fuzz", "/m", "ro", err,
	    sizeof(err)) == 0) {
		visits = MAXVISITS;
		walk(NULL, "/m", 0);
		if (vfs_unmount("/m", 0) != 0)
			die("read-only unmount refused");
	}
	if (vfs_mount("ext2fs", "/dev/fuzz", "/m", "", err, sizeof(err)) ==
	    0) {
		change();
		visits = MAXVISITS;
		walk(NULL, "/m", 0);
		if (vfs_unmount("/m", 0) != 0)
			die("read-write unmount refused");
	}
	return 0;
}
