/*
 * fstool.c — the file verbs rump.fs and ukfs share (kernel/cmd/fstool.h),
 * each a few calls of a tree's fsops table:
 *
 *   ls [-la] [PATH...]     cat PATH...
 *   put HOSTFILE|- PATH    get PATH HOSTFILE|-
 *   mkdir [-p] PATH...     rm [-r] PATH...
 *   rmdir PATH...          mv FROM TO
 *   ln -s TARGET PATH      stat PATH...
 *   truncate SIZE PATH     df [PATH]
 */
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

#include "kernel/cmd/fstool.h"

#define CHUNK (1 << 20)
#define DENTS 65536

struct ft {
	const struct fsops *ops;
	void       *h;
	const char *prog;
};

void
fstool_usage(FILE *f)
{
	fprintf(f, "  ls [-la] [PATH...]     cat PATH...\n"
	    "  put HOSTFILE|- PATH    get PATH HOSTFILE|-\n"
	    "  mkdir [-p] PATH...     rm [-r] PATH...\n"
	    "  rmdir PATH...          mv FROM TO\n"
	    "  ln -s TARGET PATH      stat PATH...\n"
	    "  truncate SIZE PATH     df [PATH]\n");
}

/* "prog: what path: reason", the backend's detail when it has one. */
static int
fail(const struct ft *t, const char *what, const char *path, int err)
{
	const char *d = t->ops->detail(t->h);

	fprintf(stderr, "%s: %s%s%s: %s\n", t->prog, what, path ? " " : "",
	    path ? path : "", d != NULL && d[0] != '\0' ? d : strerror(-err));
	return 1;
}

static void
long_line(const struct ft *t, const char *dir, const char *name)
{
	char path[4096], tm[32], link[4096];
	struct stat st;
	ssize_t n;
	int i, error;

	snprintf(path, sizeof(path), "%s%s%s", dir, dir[0] != '\0' &&
	    dir[strlen(dir) - 1] != '/' ? "/" : "", name);
	if ((error = t->ops->stat(t->h, path, &st, 1)) != 0) {
		fail(t, "stat", path, error);
		return;
	}
	strftime(tm, sizeof(tm), "%Y-%m-%d %H:%M", localtime(&st.st_mtime));
	putchar(S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : '-');
	for (i = 8; i >= 0; i--)
		putchar((st.st_mode >> i) & 1 ? "xwr"[i % 3] : '-');
	printf(" %3lu %5u %5u %10lld %s %s", (unsigned long)st.st_nlink,
	    st.st_uid, st.st_gid, (long long)st.st_size, tm, name);
	if (S_ISLNK(st.st_mode) && (n = t->ops->readlink(t->h, path, link,
	    sizeof(link) - 1)) >= 0) {
		link[n] = '\0';
		printf(" -> %s", link);
	}
	putchar('\n');
}

static int
ls_one(const struct ft *t, const char *path, int all, int lng)
{
	struct fsops_dirent *d;
	struct stat st;
	char *buf;
	ssize_t n, off;
	int fd, error;

	if ((error = t->ops->stat(t->h, path, &st, 1)) != 0)
		return fail(t, "ls", path, error);
	if (!S_ISDIR(st.st_mode)) {
		if (lng)
			long_line(t, "", path);
		else
			printf("%s\n", path);
		return 0;
	}
	if ((fd = t->ops->open(t->h, path, O_RDONLY | O_DIRECTORY, 0)) < 0)
		return fail(t, "ls", path, fd);
	if ((buf = malloc(DENTS)) == NULL) {
		t->ops->close(t->h, fd);
		return fail(t, "ls", path, -ENOMEM);
	}
	while ((n = t->ops->getdents(t->h, fd, buf, DENTS)) > 0)
		for (off = 0; off < n; off += d->reclen) {
			d = (struct fsops_dirent *)(buf + off);
			if (!all && d->name[0] == '.')
				continue;
			if (lng)
				long_line(t, path, d->name);
			else
				printf("%s\n", d->name);
		}
	free(buf);
	t->ops->close(t->h, fd);
	return n < 0 ? fail(t, "ls", path, (int)n) : 0;
}

static int
cmd_ls(const struct ft *t, int argc, char **argv)
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
		return ls_one(t, ".", all, lng);
	for (i = optind; i < argc; i++) {
		if (argc - optind > 1)
			printf("%s%s:\n", i > optind ? "\n" : "", argv[i]);
		r |= ls_one(t, argv[i], all, lng);
	}
	return r;
}

/* The tree's file fd to the host's out, or the host's in to fd; 0, or
 * -errno of the tree's call, or 1 for the host's (errno set). */
static int
copy_out(const struct ft *t, int fd, int out)
{
	char *buf = malloc(CHUNK);
	uint64_t off = 0;
	ssize_t n, w, o;

	if (buf == NULL)
		return -ENOMEM;
	while ((n = t->ops->pread(t->h, fd, buf, CHUNK, off)) > 0) {
		for (o = 0; o < n; o += w)
			if ((w = write(out, buf + o, (size_t)(n - o))) <= 0) {
				free(buf);
				return 1;
			}
		off += (uint64_t)n;
	}
	free(buf);
	return n < 0 ? (int)n : 0;
}

static int
copy_in(const struct ft *t, int in, int fd)
{
	char *buf = malloc(CHUNK);
	uint64_t off = 0;
	ssize_t n, w, o;

	if (buf == NULL)
		return -ENOMEM;
	while ((n = read(in, buf, CHUNK)) > 0)
		for (o = 0; o < n; o += w, off += (uint64_t)w)
			if ((w = t->ops->pwrite(t->h, fd, buf + o,
			    (size_t)(n - o), off)) <= 0) {
				free(buf);
				return w < 0 ? (int)w : -EIO;
			}
	free(buf);
	return n < 0 ? 1 : 0;
}

static int
cmd_cat(const struct ft *t, int argc, char **argv)
{
	int i, fd, r = 0, error;

	for (i = 1; i < argc; i++) {
		if ((fd = t->ops->open(t->h, argv[i], O_RDONLY, 0)) < 0) {
			r = fail(t, "cat", argv[i], fd);
			continue;
		}
		if ((error = copy_out(t, fd, 1)) != 0)
			r = error > 0 ? 1 : fail(t, "cat", argv[i], error);
		t->ops->close(t->h, fd);
	}
	return r;
}

static int
cmd_put(const struct ft *t, int argc, char **argv)
{
	int in, out, error;

	if (argc != 3)
		return 2;
	in = strcmp(argv[1], "-") == 0 ? 0 : open(argv[1], O_RDONLY);
	if (in < 0) {
		fprintf(stderr, "%s: put: %s: %s\n", t->prog, argv[1],
		    strerror(errno));
		return 1;
	}
	if ((out = t->ops->open(t->h, argv[2], O_WRONLY | O_CREAT | O_TRUNC,
	    0644)) < 0)
		return fail(t, "put", argv[2], out);
	if ((error = copy_in(t, in, out)) == 0)
		error = t->ops->fsync(t->h, out);
	t->ops->close(t->h, out);
	if (in != 0)
		close(in);
	if (error > 0) {
		fprintf(stderr, "%s: put: %s: %s\n", t->prog, argv[1],
		    strerror(errno));
		return 1;
	}
	return error < 0 ? fail(t, "put", argv[2], error) : 0;
}

static int
cmd_get(const struct ft *t, int argc, char **argv)
{
	int in, out, error;

	if (argc != 3)
		return 2;
	if ((in = t->ops->open(t->h, argv[1], O_RDONLY, 0)) < 0)
		return fail(t, "get", argv[1], in);
	out = strcmp(argv[2], "-") == 0 ? 1 : open(argv[2], O_WRONLY |
	    O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		fprintf(stderr, "%s: get: %s: %s\n", t->prog, argv[2],
		    strerror(errno));
		t->ops->close(t->h, in);
		return 1;
	}
	error = copy_out(t, in, out);
	t->ops->close(t->h, in);
	if (out != 1 && close(out) != 0 && error == 0)
		error = 1;
	if (error > 0) {
		fprintf(stderr, "%s: get: %s: %s\n", t->prog, argv[2],
		    strerror(errno));
		return 1;
	}
	return error < 0 ? fail(t, "get", argv[1], error) : 0;
}

static int
mkdir_p(const struct ft *t, const char *path)
{
	char buf[4096], *s;
	int error;

	snprintf(buf, sizeof(buf), "%s", path);
	for (s = buf + 1; *s != '\0'; s++)
		if (*s == '/') {
			*s = '\0';
			error = t->ops->mkdir(t->h, buf, 0755);
			if (error != 0 && error != -EEXIST)
				return error;
			*s = '/';
		}
	error = t->ops->mkdir(t->h, buf, 0755);
	return error == -EEXIST ? 0 : error;
}

static int
cmd_mkdir(const struct ft *t, int argc, char **argv)
{
	int i = 1, p = 0, r = 0, error;

	if (argc > 1 && strcmp(argv[1], "-p") == 0)
		p = 1, i = 2;
	for (; i < argc; i++)
		if ((error = p ? mkdir_p(t, argv[i]) : t->ops->mkdir(t->h,
		    argv[i], 0755)) != 0)
			r = fail(t, "mkdir", argv[i], error);
	return r;
}

static int
rm_r(const struct ft *t, const char *path)
{
	struct fsops_dirent *d;
	char *buf, sub[4096];
	struct stat st;
	ssize_t n, off;
	int fd, r = 0;

	if ((r = t->ops->stat(t->h, path, &st, 1)) != 0)
		return r;
	if (!S_ISDIR(st.st_mode))
		return t->ops->unlink(t->h, path);
	if ((fd = t->ops->open(t->h, path, O_RDONLY | O_DIRECTORY, 0)) < 0)
		return fd;
	if ((buf = malloc(DENTS)) == NULL) {
		t->ops->close(t->h, fd);
		return -ENOMEM;
	}
	/* Each pass lists what is left from the start, removing it. */
	while (r == 0 && (n = t->ops->getdents(t->h, fd, buf, DENTS)) > 0)
		for (off = 0; off < n && r == 0; off += d->reclen) {
			d = (struct fsops_dirent *)(buf + off);
			if (strcmp(d->name, ".") == 0 ||
			    strcmp(d->name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, d->name);
			r = rm_r(t, sub);
		}
	free(buf);
	t->ops->close(t->h, fd);
	return r == 0 ? t->ops->rmdir(t->h, path) : r;
}

static int
cmd_rm(const struct ft *t, int argc, char **argv)
{
	int i = 1, rec = 0, r = 0, error;

	if (argc > 1 && strcmp(argv[1], "-r") == 0)
		rec = 1, i = 2;
	for (; i < argc; i++)
		if ((error = rec ? rm_r(t, argv[i]) : t->ops->unlink(t->h,
		    argv[i])) != 0)
			r = fail(t, "rm", argv[i], error);
	return r;
}

static int
cmd_rmdir(const struct ft *t, int argc, char **argv)
{
	int i, r = 0, error;

	for (i = 1; i < argc; i++)
		if ((error = t->ops->rmdir(t->h, argv[i])) != 0)
			r = fail(t, "rmdir", argv[i], error);
	return r;
}

static int
cmd_stat(const struct ft *t, int argc, char **argv)
{
	struct stat st;
	int i, r = 0, error;

	for (i = 1; i < argc; i++) {
		if ((error = t->ops->stat(t->h, argv[i], &st, 1)) != 0) {
			r = fail(t, "stat", argv[i], error);
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
cmd_truncate(const struct ft *t, int argc, char **argv)
{
	unsigned long long size;
	char *end;
	int error;

	if (argc != 3)
		return 2;
	errno = 0;
	size = strtoull(argv[1], &end, 10);
	if (end == argv[1] || *end != '\0' || errno != 0 || argv[1][0] == '-') {
		fprintf(stderr, "%s: truncate: %s: not a size in bytes\n",
		    t->prog, argv[1]);
		return 2;
	}
	if ((error = t->ops->truncate(t->h, argv[2], size)) != 0)
		return fail(t, "truncate", argv[2], error);
	return 0;
}

static int
cmd_df(const struct ft *t, int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/";
	struct statvfs sv;
	int error;

	if ((error = t->ops->statvfs(t->h, path, &sv)) != 0)
		return fail(t, "df", path, error);
	printf("%s: %llu KiB, %llu KiB free, %llu files free%s\n", path,
	    (unsigned long long)(sv.f_blocks * sv.f_frsize / 1024),
	    (unsigned long long)(sv.f_bavail * sv.f_frsize / 1024),
	    (unsigned long long)sv.f_favail,
	    (sv.f_flag & ST_RDONLY) ? ", read-only" : "");
	return 0;
}

int
fstool_run(const struct fsops *ops, void *h, const char *prog, int argc,
    char **argv)
{
	struct ft t = { ops, h, prog };
	const char *v = argv[0];
	int error;

	if (strcmp(v, "ls") == 0)
		return cmd_ls(&t, argc, argv);
	if (strcmp(v, "cat") == 0 && argc > 1)
		return cmd_cat(&t, argc, argv);
	if (strcmp(v, "put") == 0)
		return cmd_put(&t, argc, argv);
	if (strcmp(v, "get") == 0)
		return cmd_get(&t, argc, argv);
	if (strcmp(v, "mkdir") == 0 && argc > 1)
		return cmd_mkdir(&t, argc, argv);
	if (strcmp(v, "rm") == 0 && argc > 1)
		return cmd_rm(&t, argc, argv);
	if (strcmp(v, "rmdir") == 0 && argc > 1)
		return cmd_rmdir(&t, argc, argv);
	if (strcmp(v, "mv") == 0 && argc == 3)
		return (error = ops->rename(h, argv[1], argv[2])) != 0 ?
		    fail(&t, "mv", argv[1], error) : 0;
	if (strcmp(v, "ln") == 0 && argc == 4 && strcmp(argv[1], "-s") == 0)
		return (error = ops->symlink(h, argv[2], argv[3])) != 0 ?
		    fail(&t, "ln", argv[3], error) : 0;
	if (strcmp(v, "stat") == 0 && argc > 1)
		return cmd_stat(&t, argc, argv);
	if (strcmp(v, "truncate") == 0)
		return cmd_truncate(&t, argc, argv);
	if (strcmp(v, "df") == 0 && argc <= 2)
		return cmd_df(&t, argc, argv);
	return 2;
}
