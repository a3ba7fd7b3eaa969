/*
 * fs.c — rump.fs: the files of a node, without the hijack: list, read,
 * copy in and out, make directories and links, remove, rename, stat,
 * and the space of its file systems.
 *
 *   rump.fs ls [-la] [PATH...]     rump.fs cat PATH...
 *   rump.fs put HOSTFILE|- PATH    rump.fs get PATH HOSTFILE|-
 *   rump.fs mkdir [-p] PATH...     rump.fs rm [-r] PATH...
 *   rump.fs rmdir PATH...          rump.fs mv FROM TO
 *   rump.fs ln -s TARGET PATH      rump.fs stat PATH...
 *   rump.fs df [PATH]
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/node.h"
#include "version.h"

#define PROG "rump.fs"
#define CHUNK (1 << 20)

static void
usage(FILE *f)
{
	fprintf(f, "usage: " PROG " ls [-la] [PATH...] | cat PATH... |\n"
	    "       put HOSTFILE|- PATH | get PATH HOSTFILE|- |\n"
	    "       mkdir [-p] PATH... | rm [-r] PATH... | rmdir PATH... |\n"
	    "       mv FROM TO | ln -s TARGET PATH | stat PATH... | df [PATH]\n"
	    "The files of the node at $RUMP_SERVER (its VFS: rump_server -l "
	    "rumpvfs).\n");
}

static int
fail(const char *what, const char *path)
{
	char buf[300];

	fprintf(stderr, PROG ": %s%s%s: %s\n", what, path ? " " : "",
	    path ? path : "", node_strerror(-errno, buf, sizeof(buf)));
	return 1;
}

struct dent {
	uint64_t ino;
	int64_t  off;
	uint16_t reclen;
	uint8_t  type;
	char     name[];
};

static char
type_char(mode_t m)
{
	return S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : '-';
}

static void
long_line(const char *dir, const char *name)
{
	char path[4096], tm[32], link[4096];
	struct stat st;
	ssize_t n;
	int i;

	snprintf(path, sizeof(path), "%s%s%s", dir, dir[0] != '\0' &&
	    dir[strlen(dir) - 1] != '/' ? "/" : "", name);
	if (rump_sys_lstat(path, &st) != 0) {
		fail("stat", path);
		return;
	}
	strftime(tm, sizeof(tm), "%Y-%m-%d %H:%M", localtime(&st.st_mtime));
	putchar(type_char(st.st_mode));
	for (i = 8; i >= 0; i--)
		putchar((st.st_mode >> i) & 1 ? "xwr"[i % 3] : '-');
	printf(" %3lu %5u %5u %10lld %s %s", (unsigned long)st.st_nlink,
	    st.st_uid, st.st_gid, (long long)st.st_size, tm, name);
	if (S_ISLNK(st.st_mode) && (n = rump_sys_readlink(path, link,
	    sizeof(link) - 1)) >= 0) {
		link[n] = '\0';
		printf(" -> %s", link);
	}
	putchar('\n');
}

static int
ls_one(const char *path, int all, int lng)
{
	struct stat st;
	char *buf;
	ssize_t n, off;
	struct dent *d;
	int fd;

	if (rump_sys_lstat(path, &st) != 0)
		return fail("ls", path);
	if (!S_ISDIR(st.st_mode)) {
		if (lng)
			long_line("", path);
		else
			printf("%s\n", path);
		return 0;
	}
	if ((fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY)) < 0)
		return fail("ls", path);
	if ((buf = malloc(65536)) == NULL)
		return 1;
	while ((n = rump_sys_getdents64(fd, buf, 65536)) > 0)
		for (off = 0; off < n; off += d->reclen) {
			d = (struct dent *)(buf + off);
			if (!all && d->name[0] == '.')
				continue;
			if (lng)
				long_line(path, d->name);
			else
				printf("%s\n", d->name);
		}
	free(buf);
	rump_sys_close(fd);
	return n < 0 ? fail("ls", path) : 0;
}

static int
cmd_ls(int argc, char **argv)
{
	int c, all = 0, lng = 0, r = 0, i;

	optind = 1;
	while ((c = getopt(argc, argv, "al")) != -1) {
		if (c == 'a')
			all = 1;
		else if (c == 'l')
			lng = 1;
		else
			return 2;
	}
	if (optind == argc)
		return ls_one(".", all, lng);
	for (i = optind; i < argc; i++) {
		if (argc - optind > 1)
			printf("%s%s:\n", i > optind ? "\n" : "", argv[i]);
		r |= ls_one(argv[i], all, lng);
	}
	return r;
}

/* Copy from fd in (host or node) to fd out (host or node). */
static int
copy(int in, int in_node, int out, int out_node)
{
	char *buf = malloc(CHUNK);
	ssize_t n, w, off;

	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		n = in_node ? rump_sys_read(in, buf, CHUNK) :
		    read(in, buf, CHUNK);
		if (n <= 0)
			break;
		for (off = 0; off < n; off += w) {
			w = out_node ? rump_sys_write(out, buf + off,
			    (size_t)(n - off)) : write(out, buf + off,
			    (size_t)(n - off));
			if (w <= 0) {
				free(buf);
				return -1;
			}
		}
	}
	free(buf);
	return n < 0 ? -1 : 0;
}

static int
cmd_cat(int argc, char **argv)
{
	int i, fd, r = 0;

	for (i = 1; i < argc; i++) {
		if ((fd = rump_sys_open(argv[i], O_RDONLY)) < 0) {
			r = fail("cat", argv[i]);
			continue;
		}
		if (copy(fd, 1, 1, 0) != 0)
			r = fail("cat", argv[i]);
		rump_sys_close(fd);
	}
	return r;
}

static int
cmd_put(int argc, char **argv)
{
	int in, out, r;

	if (argc != 3)
		return 2;
	in = strcmp(argv[1], "-") == 0 ? 0 : open(argv[1], O_RDONLY);
	if (in < 0) {
		fprintf(stderr, PROG ": put: %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	if ((out = rump_sys_open(argv[2], O_WRONLY | O_CREAT | O_TRUNC,
	    0644)) < 0)
		return fail("put", argv[2]);
	r = copy(in, 0, out, 1) != 0 ? fail("put", argv[2]) : 0;
	if (r == 0 && rump_sys_fsync(out) != 0)
		r = fail("put: fsync", argv[2]);
	rump_sys_close(out);
	return r;
}

static int
cmd_get(int argc, char **argv)
{
	int in, out, r;

	if (argc != 3)
		return 2;
	if ((in = rump_sys_open(argv[1], O_RDONLY)) < 0)
		return fail("get", argv[1]);
	out = strcmp(argv[2], "-") == 0 ? 1 : open(argv[2], O_WRONLY |
	    O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		fprintf(stderr, PROG ": get: %s: %s\n", argv[2],
		    strerror(errno));
		return 1;
	}
	r = copy(in, 1, out, 0) != 0 ? fail("get", argv[1]) : 0;
	rump_sys_close(in);
	if (out != 1 && close(out) != 0)
		r = 1;
	return r;
}

static int
mkdir_p(const char *path)
{
	char buf[4096], *s;

	snprintf(buf, sizeof(buf), "%s", path);
	for (s = buf + 1; *s != '\0'; s++)
		if (*s == '/') {
			*s = '\0';
			if (rump_sys_mkdir(buf, 0755) != 0 && errno != EEXIST)
				return -1;
			*s = '/';
		}
	return rump_sys_mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static int
cmd_mkdir(int argc, char **argv)
{
	int i = 1, p = 0, r = 0;

	if (argc > 1 && strcmp(argv[1], "-p") == 0)
		p = 1, i = 2;
	for (; i < argc; i++)
		if ((p ? mkdir_p(argv[i]) : rump_sys_mkdir(argv[i], 0755)) != 0)
			r = fail("mkdir", argv[i]);
	return r;
}

static int
rm_r(const char *path)
{
	char *buf, sub[4096];
	struct stat st;
	struct dent *d;
	ssize_t n, off;
	int fd, r = 0;

	if (rump_sys_lstat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return rump_sys_unlink(path);
	if ((fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY)) < 0 ||
	    (buf = malloc(65536)) == NULL)
		return -1;
	while (r == 0 && (n = rump_sys_getdents64(fd, buf, 65536)) > 0)
		for (off = 0; off < n && r == 0; off += d->reclen) {
			d = (struct dent *)(buf + off);
			if (strcmp(d->name, ".") == 0 ||
			    strcmp(d->name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, d->name);
			r = rm_r(sub);
		}
	free(buf);
	rump_sys_close(fd);
	return r == 0 ? rump_sys_rmdir(path) : r;
}

static int
cmd_rm(int argc, char **argv)
{
	int i = 1, rec = 0, r = 0;

	if (argc > 1 && strcmp(argv[1], "-r") == 0)
		rec = 1, i = 2;
	for (; i < argc; i++)
		if ((rec ? rm_r(argv[i]) : rump_sys_unlink(argv[i])) != 0)
			r = fail("rm", argv[i]);
	return r;
}

static int
cmd_stat(int argc, char **argv)
{
	struct stat st;
	int i, r = 0;

	for (i = 1; i < argc; i++) {
		if (rump_sys_lstat(argv[i], &st) != 0) {
			r = fail("stat", argv[i]);
			continue;
		}
		printf("%s: %s, %lld bytes, mode %04o, inode %llu, %lu links, "
		    "uid %u gid %u, modified %lld.%09ld\n", argv[i],
		    S_ISDIR(st.st_mode) ? "directory" : S_ISLNK(st.st_mode) ?
		    "symbolic link" : "regular file", (long long)st.st_size,
		    st.st_mode & 07777, (unsigned long long)st.st_ino,
		    (unsigned long)st.st_nlink, st.st_uid, st.st_gid,
		    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	}
	return r;
}

static int
cmd_df(int argc, char **argv)
{
	struct statvfs sv;
	const char *path = argc > 1 ? argv[1] : "/";

	if (rump_sys_statvfs(path, &sv) != 0)
		return fail("df", path);
	printf("%s: %llu KiB, %llu KiB free, %llu files free%s\n", path,
	    (unsigned long long)(sv.f_blocks * sv.f_frsize / 1024),
	    (unsigned long long)(sv.f_bavail * sv.f_frsize / 1024),
	    (unsigned long long)sv.f_favail,
	    (sv.f_flag & ST_RDONLY) ? ", read-only" : "");
	return 0;
}

int
main(int argc, char **argv)
{
	const char *v;
	int i, r = 2;

	if (version_asked(argc, argv, PROG))
		return 0;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	v = argv[1];
	argc--, argv++;
	if (strcmp(v, "ls") == 0)
		r = cmd_ls(argc, argv);
	else if (strcmp(v, "cat") == 0 && argc > 1)
		r = cmd_cat(argc, argv);
	else if (strcmp(v, "put") == 0)
		r = cmd_put(argc, argv);
	else if (strcmp(v, "get") == 0)
		r = cmd_get(argc, argv);
	else if (strcmp(v, "mkdir") == 0 && argc > 1)
		r = cmd_mkdir(argc, argv);
	else if (strcmp(v, "rm") == 0 && argc > 1)
		r = cmd_rm(argc, argv);
	else if (strcmp(v, "rmdir") == 0 && argc > 1) {
		for (r = 0, i = 1; i < argc; i++)
			if (rump_sys_rmdir(argv[i]) != 0)
				r = fail("rmdir", argv[i]);
	} else if (strcmp(v, "mv") == 0 && argc == 3)
		r = rump_sys_rename(argv[1], argv[2]) != 0 ?
		    fail("mv", argv[1]) : 0;
	else if (strcmp(v, "ln") == 0 && argc == 4 &&
	    strcmp(argv[1], "-s") == 0)
		r = rump_sys_symlink(argv[2], argv[3]) != 0 ?
		    fail("ln", argv[3]) : 0;
	else if (strcmp(v, "stat") == 0 && argc > 1)
		r = cmd_stat(argc, argv);
	else if (strcmp(v, "df") == 0 && argc <= 2)
		r = cmd_df(argc, argv);
	if (r == 2)
		usage(stderr);
	return r;
}
