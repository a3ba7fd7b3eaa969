/*
 * fsbench.c — file figures for `make bench` (tests/bench/45-fs.sh), on a
 * tree of files through fsops: a node's ($RUMP_SERVER, librumpclient) or
 * an ext2 image's in this process (-i IMAGE, ukfs).
 *
 *   fsbench [-i IMAGE] write PATH MIB   MIB MiB in 1 MiB calls, fsync
 *   fsbench [-i IMAGE] read PATH        the whole file in 1 MiB calls
 *   fsbench [-i IMAGE] stat PATH N      N stats: median and p99
 *
 * Prints one line of figures: "write 64 MiB 0.123 s 545.6 MB/s" (MB:
 * 10^6 bytes), "read ...", "stat 2000 median 38.2 us p99 61.0 us".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kernel/fsops.h"
#include "kernel/ukfs.h"

#define CHUNK (1 << 20)

static const struct fsops *ops = &fsops_rumpclient;
static void *h;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
fail(const char *what, const char *path, long err)
{
	fprintf(stderr, "fsbench: %s %s: %s\n", what, path,
	    strerror((int)-err));
	return 1;
}

static int
bench_write(const char *path, long mib)
{
	char *buf = malloc(CHUNK);
	double t0, t;
	ssize_t w;
	long i;
	int fd, error;

	if (buf == NULL)
		return 1;
	for (i = 0; i < CHUNK; i++)
		buf[i] = (char)(i * 7 + (i >> 12));
	if ((fd = ops->open(h, path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return fail("open", path, fd);
	t0 = now();
	for (i = 0; i < mib; i++)
		if ((w = ops->pwrite(h, fd, buf, CHUNK, (uint64_t)i * CHUNK)) !=
		    CHUNK)
			return fail("write", path, w < 0 ? w : -EIO);
	if ((error = ops->fsync(h, fd)) != 0)
		return fail("fsync", path, error);
	t = now() - t0;
	ops->close(h, fd);
	printf("write %ld MiB %.3f s %.1f MB/s\n", mib, t,
	    (double)mib * CHUNK / 1e6 / t);
	free(buf);
	return 0;
}

static int
bench_read(const char *path)
{
	char *buf = malloc(CHUNK);
	uint64_t off = 0;
	double t0, t;
	ssize_t n;
	int fd;

	if (buf == NULL)
		return 1;
	if ((fd = ops->open(h, path, O_RDONLY, 0)) < 0)
		return fail("open", path, fd);
	t0 = now();
	while ((n = ops->pread(h, fd, buf, CHUNK, off)) > 0)
		off += (uint64_t)n;
	t = now() - t0;
	ops->close(h, fd);
	if (n < 0)
		return fail("read", path, n);
	printf("read %llu MiB %.3f s %.1f MB/s\n",
	    (unsigned long long)(off >> 20), t, (double)off / 1e6 / t);
	free(buf);
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
bench_stat(const char *path, long n)
{
	double *t = calloc((size_t)n, sizeof(double)), t0;
	struct stat st;
	long i;
	int error;

	if (t == NULL || n < 1)
		return 1;
	for (i = 0; i < n; i++) {
		t0 = now();
		if ((error = ops->stat(h, path, &st, 0)) != 0)
			return fail("stat", path, error);
		t[i] = (now() - t0) * 1e6;
	}
	qsort(t, (size_t)n, sizeof(double), cmp);
	printf("stat %ld median %.1f us p99 %.1f us\n", n, t[n / 2],
	    t[n * 99 / 100]);
	free(t);
	return 0;
}

int
main(int argc, char **argv)
{
	char err[1024];
	int r = 2, c;

	while ((c = getopt(argc, argv, "i:")) != -1) {
		if (c != 'i')
			return 2;
		if ((h = ukfs_mount(optarg, 0, err, sizeof(err))) == NULL) {
			fprintf(stderr, "fsbench: %s\n", err);
			return 1;
		}
		ops = &ukfs_fsops;
	}
	argc -= optind;
	argv += optind;
	if (argc == 3 && strcmp(argv[0], "write") == 0)
		r = bench_write(argv[1], atol(argv[2]));
	else if (argc == 2 && strcmp(argv[0], "read") == 0)
		r = bench_read(argv[1]);
	else if (argc == 3 && strcmp(argv[0], "stat") == 0)
		r = bench_stat(argv[1], atol(argv[2]));
	else
		fprintf(stderr, "usage: fsbench [-i IMAGE] write PATH MIB | "
		    "read PATH | stat PATH N\n");
	if (h != NULL)
		ukfs_release(h);
	return r;
}
