/*
 * fs_probe.c — file system semantics, as TAP, in an empty directory of a
 * tree of files: a node's ($RUMP_SERVER, through librumpclient) or an ext2
 * image's in this process (-i IMAGE, through ukfs).  The same checks run
 * on every file system (tests/run/33-vfs.t on tmpfs, 34-ext2fs.t on ext2fs
 * in a node, 37-ukfs.t on ext2fs through ukfs), so their semantics are
 * the same:
 *
 *   data      files read back byte for byte across block boundaries,
 *             sparse writes read zeroes in the hole, fsync
 *   truncate  down and up (zeroes past the old end), ftruncate on a file
 *             opened read-only refused
 *   unlink    a file unlinked while open reads through its descriptor
 *             until closed, then its space and inode come back
 *   rename    new names, replacing a file (the old one freed) and an empty
 *             directory, a directory moved (its ".." and both link
 *             counts), into itself, over a non-empty directory, file over
 *             directory and back: refused as rename(2) refuses
 *   dirs      mkdir over a name, rmdir of a file, of a non-empty directory
 *   symlinks  short (fast) and long (slow) targets read back, followed;
 *             links inside a path, in a chain, absolute, to themselves
 *             (ELOOP), in paths of hundreds of bytes, and a link whose
 *             text and the rest of the path are over 4096 bytes together
 *             (ENAMETOOLONG)
 *   readdir   300 entries listed in small buffers, each once; a listing
 *             resumed from a saved offset; entries removed mid-listing
 *   attrs     chmod, chown, utimens
 *
 *   fs_probe [-i IMAGE] [-S] DIR      -S: holes take no blocks
 *   fs_probe -u MOUNTPOINT            unmount semantics (node only): EBUSY
 *             while a file is open, force revokes it (EIO), node lives
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "kernel/fsops.h"
#include "kernel/rumpclient.h"
#include "kernel/ukfs.h"
#include "tests/lib/tap.h"

struct probe {
	const struct fsops *ops;
	void       *h;
	const char *dir;
	int         sparse;
};

#define OPS (p->ops)
#define H   (p->h)

/* DIR/name; four at a time. */
static const char *
pth(const struct probe *p, const char *name)
{
	static char buf[4][4096];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", p->dir, name);
	return buf[i];
}

static void
pattern(unsigned char *b, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)((i * 131 + seed * 7 + (i >> 9)) & 0xff);
}

static int
write_file(const struct probe *p, const char *path, const void *b, size_t n)
{
	int fd = OPS->open(H, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t w;

	if (fd < 0)
		return fd;
	w = OPS->pwrite(H, fd, b, n, 0);
	OPS->close(H, fd);
	return w == (ssize_t)n ? 0 : -EIO;
}

static ssize_t
read_all(const struct probe *p, const char *path, void *b, size_t n)
{
	int fd = OPS->open(H, path, O_RDONLY, 0);
	ssize_t r;

	if (fd < 0)
		return fd;
	r = OPS->pread(H, fd, b, n, 0);
	OPS->close(H, fd);
	return r;
}

static uint64_t
size_of(const struct probe *p, const char *path)
{
	struct stat st;

	return OPS->stat(H, path, &st, 1) == 0 ? (uint64_t)st.st_size :
	    (uint64_t)-1;
}

static int
all_zero(const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

static void
t_data(const struct probe *p)
{
	enum { N = 70000 };
	unsigned char *a = malloc(N), *b = calloc(1, N + 10);
	struct stat st;
	int fd, i;

	pattern(a, N, 1);
	fd = OPS->open(H, pth(p, "data"), O_RDWR | O_CREAT | O_EXCL, 0600);
	ok(fd >= 0, "create data");
	/* Unaligned pieces that straddle every block size. */
	for (i = 0; i < N; i += 4999)
		OPS->pwrite(H, fd, a + i, (size_t)(N - i < 4999 ? N - i : 4999),
		    (uint64_t)i);
	ok(OPS->fsync(H, fd) == 0, "fsync");
	OPS->close(H, fd);
	ok(read_all(p, pth(p, "data"), b, N + 10) == N && memcmp(a, b, N) == 0,
	    "70000 bytes written in 4999-byte pieces read back byte for byte");
	ok(OPS->open(H, pth(p, "data"), O_RDWR | O_CREAT | O_EXCL, 0600) ==
	    -EEXIST, "O_EXCL on an existing file: EEXIST");

	fd = OPS->open(H, pth(p, "sparse"), O_RDWR | O_CREAT, 0600);
	ok(OPS->pwrite(H, fd, "x", 1, 3000000) == 1, "write at 3000000");
	ok(OPS->fstat(H, fd, &st) == 0 && st.st_size == 3000001,
	    "sparse file size 3000001 (%lld)", (long long)st.st_size);
	memset(b, 0xff, N);
	ok(OPS->pread(H, fd, b, N, 1000000) == N && all_zero(b, N),
	    "the hole reads zeroes");
	if (p->sparse)
		ok(st.st_blocks * 512 < 100000, "the hole takes no blocks "
		    "(%lld bytes allocated)", (long long)st.st_blocks * 512);
	OPS->close(H, fd);
	OPS->unlink(H, pth(p, "sparse"));
	free(a);
	free(b);
}

static void
t_truncate(const struct probe *p)
{
	unsigned char b[20000], a[20000];
	int fd;

	pattern(a, sizeof(a), 2);
	write_file(p, pth(p, "t"), a, sizeof(a));
	ok(OPS->truncate(H, pth(p, "t"), 3000) == 0 && size_of(p, pth(p, "t"))
	    == 3000, "truncate down to 3000");
	ok(OPS->truncate(H, pth(p, "t"), 15000) == 0 &&
	    size_of(p, pth(p, "t")) == 15000, "truncate up to 15000");
	memset(b, 0xff, sizeof(b));
	ok(read_all(p, pth(p, "t"), b, sizeof(b)) == 15000 &&
	    memcmp(a, b, 3000) == 0 && all_zero(b + 3000, 12000),
	    "the first 3000 bytes kept, zeroes past them");
	fd = OPS->open(H, pth(p, "t"), O_RDONLY, 0);
	ok(OPS->ftruncate(H, fd, 0) == -EINVAL,
	    "ftruncate of a read-only descriptor: EINVAL");
	OPS->close(H, fd);
	ok(OPS->truncate(H, p->dir, 0) == -EISDIR, "truncate a directory: "
	    "EISDIR");
	OPS->unlink(H, pth(p, "t"));
}

static void
t_unlink_open(const struct probe *p)
{
	unsigned char a[50000], b[50000];
	struct statvfs before, during, after;
	struct stat st;
	int fd;

	pattern(a, sizeof(a), 3);
	OPS->statvfs(H, p->dir, &before);
	fd = OPS->open(H, pth(p, "u"), O_RDWR | O_CREAT, 0600);
	OPS->pwrite(H, fd, a, sizeof(a), 0);
	ok(OPS->unlink(H, pth(p, "u")) == 0, "unlink an open file");
	ok(OPS->stat(H, pth(p, "u"), &st, 1) == -ENOENT, "its name is gone");
	ok(OPS->pread(H, fd, b, sizeof(b), 0) == (ssize_t)sizeof(b) &&
	    memcmp(a, b, sizeof(b)) == 0, "still read through its descriptor");
	ok(OPS->fstat(H, fd, &st) == 0 && st.st_nlink == 0, "fstat: 0 links");
	OPS->statvfs(H, p->dir, &during);
	ok(during.f_bfree < before.f_bfree, "its space is still taken");
	OPS->close(H, fd);
	OPS->statvfs(H, p->dir, &after);
	ok(after.f_bfree == before.f_bfree && after.f_ffree == before.f_ffree,
	    "closed: its blocks and inode are free again (%llu/%llu blocks, "
	    "%llu/%llu inodes free)", (unsigned long long)after.f_bfree,
	    (unsigned long long)before.f_bfree,
	    (unsigned long long)after.f_ffree,
	    (unsigned long long)before.f_ffree);
}

static uint64_t
ino(const struct probe *p, const char *path)
{
	struct stat st;

	return OPS->stat(H, path, &st, 1) == 0 ? st.st_ino : 0;
}

static unsigned
links(const struct probe *p, const char *path)
{
	struct stat st;

	return OPS->stat(H, path, &st, 1) == 0 ? (unsigned)st.st_nlink : 0;
}

static void
t_rename(const struct probe *p)
{
	struct statvfs before, after;
	char b[16] = "";
	unsigned l1, l2;

	write_file(p, pth(p, "a"), "aaaa", 4);
	write_file(p, pth(p, "b"), "bb", 2);
	ok(OPS->rename(H, pth(p, "a"), pth(p, "c")) == 0 &&
	    size_of(p, pth(p, "a")) == (uint64_t)-1 && size_of(p, pth(p, "c"))
	    == 4, "rename to a new name");
	OPS->statvfs(H, p->dir, &before);
	ok(OPS->rename(H, pth(p, "c"), pth(p, "b")) == 0 &&
	    read_all(p, pth(p, "b"), b, sizeof(b)) == 4 &&
	    memcmp(b, "aaaa", 4) == 0, "rename over a file replaces it");
	OPS->statvfs(H, p->dir, &after);
	ok(after.f_ffree > before.f_ffree, "the replaced file's inode is "
	    "free (%llu -> %llu)", (unsigned long long)before.f_ffree,
	    (unsigned long long)after.f_ffree);

	OPS->mkdir(H, pth(p, "d1"), 0755);
	OPS->mkdir(H, pth(p, "d2"), 0755);
	write_file(p, pth(p, "d1/f"), "f", 1);
	l1 = links(p, p->dir);
	l2 = links(p, pth(p, "d2"));
	ok(OPS->rename(H, pth(p, "d1"), pth(p, "d2/d1")) == 0 &&
	    size_of(p, pth(p, "d2/d1/f")) == 1, "a directory moved into "
	    "another");
	ok(ino(p, pth(p, "d2/d1/..")) == ino(p, pth(p, "d2")),
	    "its \"..\" is its new parent");
	ok(links(p, p->dir) == l1 - 1 && links(p, pth(p, "d2")) == l2 + 1,
	    "the old parent lost a link, the new one gained it (%u->%u, "
	    "%u->%u)", l1, links(p, p->dir), l2, links(p, pth(p, "d2")));
	ok(OPS->rename(H, pth(p, "d2"), pth(p, "d2/d1/x")) == -EINVAL,
	    "into itself: EINVAL");
	OPS->mkdir(H, pth(p, "e"), 0755);
	ok(OPS->rename(H, pth(p, "e"), pth(p, "d2")) == -ENOTEMPTY,
	    "over a non-empty directory: ENOTEMPTY");
	ok(OPS->rename(H, pth(p, "b"), pth(p, "e")) == -EISDIR,
	    "a file over a directory: EISDIR");
	ok(OPS->rename(H, pth(p, "e"), pth(p, "b")) == -ENOTDIR,
	    "a directory over a file: ENOTDIR");
	OPS->mkdir(H, pth(p, "e2"), 0755);
	ok(OPS->rename(H, pth(p, "e"), pth(p, "e2")) == 0 &&
	    size_of(p, pth(p, "e")) == (uint64_t)-1, "a directory over an "
	    "empty one replaces it");
	OPS->unlink(H, pth(p, "b"));
	OPS->unlink(H, pth(p, "d2/d1/f"));
	OPS->rmdir(H, pth(p, "d2/d1"));
	OPS->rmdir(H, pth(p, "d2"));
	OPS->rmdir(H, pth(p, "e2"));
}

static void
t_dirs(const struct probe *p)
{
	unsigned l;

	l = links(p, p->dir);
	ok(OPS->mkdir(H, pth(p, "m"), 0700) == 0 && links(p, p->dir) == l + 1,
	    "mkdir: the parent gains a link");
	ok(OPS->mkdir(H, pth(p, "m"), 0700) == -EEXIST, "mkdir over a name: "
	    "EEXIST");
	write_file(p, pth(p, "m/f"), "x", 1);
	ok(OPS->rmdir(H, pth(p, "m")) == -ENOTEMPTY, "rmdir of a non-empty "
	    "directory: ENOTEMPTY");
	ok(OPS->rmdir(H, pth(p, "m/f")) == -ENOTDIR, "rmdir of a file: "
	    "ENOTDIR");
	ok(OPS->unlink(H, pth(p, "m")) == -EISDIR, "unlink of a directory: "
	    "EISDIR");
	OPS->unlink(H, pth(p, "m/f"));
	ok(OPS->rmdir(H, pth(p, "m")) == 0 && links(p, p->dir) == l,
	    "rmdir: the parent loses the link");
	ok(OPS->unlink(H, pth(p, "m")) == -ENOENT, "gone: ENOENT");
}

/* Links met inside a path, in chains, absolute, looping; long paths and
 * long links' texts, spliced in front of the rest of a path. */
static void
t_link_paths(const struct probe *p)
{
	char lng[600], big[3951], more[3956];
	struct stat st;
	size_t n;
	int r;

	OPS->mkdir(H, pth(p, "ld"), 0755);
	write_file(p, pth(p, "ld/f"), "abc", 3);
	ok(OPS->symlink(H, "ld", pth(p, "dl")) == 0 &&
	    OPS->stat(H, pth(p, "dl/f"), &st, 0) == 0 && st.st_size == 3,
	    "a link to a directory, inside a path");
	ok(OPS->symlink(H, "dl", pth(p, "dl2")) == 0 &&
	    OPS->symlink(H, "dl2/f", pth(p, "chain")) == 0 &&
	    OPS->stat(H, pth(p, "chain"), &st, 0) == 0 && st.st_size == 3,
	    "a chain of three links");
	ok(OPS->symlink(H, pth(p, "ld/f"), pth(p, "abs")) == 0 &&
	    OPS->stat(H, pth(p, "abs"), &st, 0) == 0 && st.st_size == 3,
	    "an absolute link");
	ok(OPS->symlink(H, "loop", pth(p, "loop")) == 0 &&
	    OPS->stat(H, pth(p, "loop"), &st, 0) == -ELOOP, "a link to "
	    "itself: ELOOP");
	/* ld/./././.../f: whole, through a link, as a link's text */
	snprintf(lng, sizeof(lng), "ld");
	for (n = strlen(lng); n < 400; n += 2)
		strcat(lng, "/.");
	strcat(lng, "/f");
	ok(OPS->stat(H, pth(p, lng), &st, 0) == 0 && st.st_size == 3,
	    "a path of %zu bytes", strlen(pth(p, lng)));
	lng[0] = 'd', lng[1] = 'l';
	ok(OPS->stat(H, pth(p, lng), &st, 0) == 0 && st.st_size == 3,
	    "the same through a link");
	lng[0] = 'l', lng[1] = 'd';
	ok(OPS->symlink(H, lng, pth(p, "far")) == 0 &&
	    OPS->stat(H, pth(p, "far"), &st, 0) == 0 && st.st_size == 3,
	    "a short path whose link is %zu bytes", strlen(lng));
	/* a link of 198 bytes to ld, then 3950 bytes of "/.": the path
	 * fits in 4096, the link's text spliced in front of the rest not */
	lng[198] = '\0';
	for (big[0] = '\0', n = 0; n < 3950; n += 2)
		strcat(big, "/.");
	ok(OPS->symlink(H, lng, pth(p, "near")) == 0 &&
	    OPS->stat(H, pth(p, "near"), &st, 0) == 0 && S_ISDIR(st.st_mode),
	    "a link of %zu bytes to a directory", strlen(lng));
	ok(OPS->stat(H, pth(p, big + 1), &st, 0) == 0 && S_ISDIR(st.st_mode),
	    "a path of %zu bytes", strlen(pth(p, big + 1)));
	snprintf(more, sizeof(more), "near%s", big);
	r = OPS->stat(H, pth(p, more), &st, 0);
	ok(r == -ENAMETOOLONG, "the link spliced in front of 3950 bytes: "
	    "ENAMETOOLONG (%s)", strerror(-r));
	OPS->unlink(H, pth(p, "near"));
	OPS->unlink(H, pth(p, "far"));
	OPS->unlink(H, pth(p, "loop"));
	OPS->unlink(H, pth(p, "abs"));
	OPS->unlink(H, pth(p, "chain"));
	OPS->unlink(H, pth(p, "dl2"));
	OPS->unlink(H, pth(p, "dl"));
	OPS->unlink(H, pth(p, "ld/f"));
	OPS->rmdir(H, pth(p, "ld"));
}

static void
t_symlinks(const struct probe *p)
{
	char lng[201], buf[512];
	struct stat st;
	ssize_t n;

	memset(lng, 'L', 200);
	lng[200] = '\0';
	write_file(p, pth(p, "target"), "12345", 5);
	ok(OPS->symlink(H, "target", pth(p, "fast")) == 0 &&
	    (n = OPS->readlink(H, pth(p, "fast"), buf, sizeof(buf))) == 6 &&
	    memcmp(buf, "target", 6) == 0, "a short symbolic link reads back");
	ok(OPS->symlink(H, lng, pth(p, "slow")) == 0 &&
	    (n = OPS->readlink(H, pth(p, "slow"), buf, sizeof(buf))) == 200 &&
	    memcmp(buf, lng, 200) == 0, "a 200-byte symbolic link reads back");
	ok(OPS->stat(H, pth(p, "fast"), &st, 0) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size == 5, "followed to its target");
	ok(OPS->stat(H, pth(p, "fast"), &st, 1) == 0 && S_ISLNK(st.st_mode) &&
	    st.st_size == 6, "lstat: a link of 6 bytes");
	ok(OPS->symlink(H, "x", pth(p, "fast")) == -EEXIST, "over a name: "
	    "EEXIST");
	t_link_paths(p);
	ok(OPS->unlink(H, pth(p, "fast")) == 0 && OPS->unlink(H, pth(p, "slow"))
	    == 0 && size_of(p, pth(p, "target")) == 5, "links removed, the "
	    "target stays");
	OPS->unlink(H, pth(p, "target"));
}

/* Every name in the directory once: listed in buffers of len bytes. */
static int
list(const struct probe *p, const char *dir, size_t len, char seen[][8],
    int n, int64_t stop_after, int64_t *resume, int *count)
{
	struct fsops_dirent *d;
	char *buf = malloc(len);
	ssize_t r, off;
	int fd, i, dup = 0;

	*count = 0;
	fd = OPS->open(H, dir, O_RDONLY | O_DIRECTORY, 0);
	if (*resume != 0)
		OPS->lseek(H, fd, *resume, SEEK_SET);
	while ((r = OPS->getdents(H, fd, buf, len)) > 0)
		for (off = 0; off < r; off += d->reclen) {
			d = (struct fsops_dirent *)(buf + off);
			if (sscanf(d->name, "entry%d", &i) != 1 || i < 0 ||
			    i >= n)
				continue;
			dup += seen[i][0]++ != 0;
			(*count)++;
			if (stop_after > 0 && *count == stop_after) {
				*resume = d->off;
				goto out;
			}
		}
out:
	OPS->close(H, fd);
	free(buf);
	return dup;
}

static void
t_readdir(const struct probe *p)
{
	enum { N = 300 };
	static char seen[N][8];
	char name[64];
	int i, count, dup, missing;
	int64_t resume = 0;

	OPS->mkdir(H, pth(p, "big"), 0755);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "big/entry%d-%s", i,
		    "with-a-name-long-enough-to-fill-blocks");
		write_file(p, pth(p, name), "", 0);
	}
	memset(seen, 0, sizeof(seen));
	dup = list(p, pth(p, "big"), 200, seen, N, 0, &resume, &count);
	for (missing = 0, i = 0; i < N; i++)
		missing += seen[i][0] == 0;
	ok(dup == 0 && missing == 0 && count == N, "300 entries in 200-byte "
	    "buffers: each once (%d duplicates, %d missing)", dup, missing);

	/* Stop after 100, remove 50 not yet seen, resume from the offset. */
	memset(seen, 0, sizeof(seen));
	resume = 0;
	list(p, pth(p, "big"), 4096, seen, N, 100, &resume, &count);
	for (i = 0; i < N && count < 150; i++)
		if (seen[i][0] == 0) {
			snprintf(name, sizeof(name), "big/entry%d-%s", i,
			    "with-a-name-long-enough-to-fill-blocks");
			OPS->unlink(H, pth(p, name));
			seen[i][1] = 1;         /* removed */
			count++;
		}
	dup = list(p, pth(p, "big"), 4096, seen, N, 0, &resume, &count);
	for (missing = 0, i = 0; i < N; i++)
		missing += seen[i][0] == 0 && seen[i][1] == 0;
	ok(dup == 0 && missing == 0 && count == 150, "resumed from a saved "
	    "offset after 50 removals: the other 150 once (%d duplicates, %d "
	    "missing, %d listed)", dup, missing, count);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "big/entry%d-%s", i,
		    "with-a-name-long-enough-to-fill-blocks");
		OPS->unlink(H, pth(p, name));
	}
	ok(OPS->rmdir(H, pth(p, "big")) == 0, "emptied and removed");
}

static void
t_attrs(const struct probe *p)
{
	struct timespec ts[2] = { { 1000000000, 5 }, { 1200000000, 7 } };
	struct stat st;

	write_file(p, pth(p, "attr"), "x", 1);
	ok(OPS->chmod(H, pth(p, "attr"), 0640) == 0 &&
	    OPS->stat(H, pth(p, "attr"), &st, 1) == 0 &&
	    (st.st_mode & 07777) == 0640 && S_ISREG(st.st_mode), "chmod 0640");
	ok(OPS->chown(H, pth(p, "attr"), 70000, 123) == 0 &&
	    OPS->stat(H, pth(p, "attr"), &st, 1) == 0 && st.st_uid == 70000 &&
	    st.st_gid == 123, "chown 70000:123");
	ok(OPS->utimens(H, pth(p, "attr"), ts) == 0 &&
	    OPS->stat(H, pth(p, "attr"), &st, 1) == 0 &&
	    st.st_mtim.tv_sec == 1200000000 && st.st_atim.tv_sec ==
	    1000000000, "utimens: atime and mtime set");
	OPS->unlink(H, pth(p, "attr"));
}

/* A node's mount at mp: unmount refused while a file is open, forced
 * through (the file revoked), the node alive. */
static void
t_unmount(const char *mp)
{
	char path[4096], b[8];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/held", mp);
	fd = rump_sys_open(path, O_RDWR | O_CREAT, 0600);
	ok(fd >= 0 && rump_sys_write(fd, "abc", 3) == 3, "a file open in %s",
	    mp);
	ok(rump_sys_unmount(mp, 0) == -1 && errno == EBUSY,
	    "unmount while it is open: EBUSY");
	ok(rump_sys_pread(fd, b, 3, 0) == 3, "the file still reads");
	ok(rump_sys_unmount(mp, MNT_FORCE) == 0, "forced unmount");
	ok(rump_sys_pread(fd, b, 3, 0) == -1 && errno == EIO,
	    "the revoked file: EIO");
	ok(rump_sys_fstat(fd, &st) == -1 && errno == EIO, "fstat: EIO");
	ok(rump_sys_close(fd) == 0, "close");
	ok(rump_sys_stat("/", &st) == 0, "the node still answers");
}

int
main(int argc, char **argv)
{
	struct probe pr = { &fsops_rumpclient, NULL, NULL, 0 }, *p = &pr;
	const char *image = NULL;
	char err[1024];
	int c;

	while ((c = getopt(argc, argv, "i:Su:")) != -1)
		switch (c) {
		case 'i':
			image = optarg;
			break;
		case 'S':
			p->sparse = 1;
			break;
		case 'u':
			t_unmount(optarg);
			tap_plan(tap_n);
			return tap_done();
		default:
			fprintf(stderr, "usage: fs_probe [-i IMAGE] [-S] DIR | "
			    "-u MOUNTPOINT\n");
			return 2;
		}
	if (argc - optind != 1) {
		fprintf(stderr, "usage: fs_probe [-i IMAGE] [-S] DIR | "
		    "-u MOUNTPOINT\n");
		return 2;
	}
	p->dir = argv[optind];
	if (image != NULL) {
		if ((p->h = ukfs_mount(image, 0, err, sizeof(err))) == NULL) {
			fprintf(stderr, "fs_probe: %s\n", err);
			return 1;
		}
		p->ops = &ukfs_fsops;
	}
	t_unlink_open(p);
	t_data(p);
	t_truncate(p);
	t_rename(p);
	t_dirs(p);
	t_symlinks(p);
	t_readdir(p);
	t_attrs(p);
	OPS->unlink(H, pth(p, "data"));
	if (image != NULL)
		ukfs_release(p->h);
	tap_plan(tap_n);
	return tap_done();
}
