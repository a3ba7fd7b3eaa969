/*
 * ukfs.c — ukfs: the files of an ext2 image, in this process, without a
 * node (NetBSD's ukfs): the node kernel's VFS and rumpfs_ext2fs linked in
 * (kernel/ukfs.c), the verbs of rump.fs (kernel/cmd/fstool.c).
 *
 *   ukfs [-r] IMAGE VERB [ARGS]
 *
 * The image is flushed and left clean when the verb is done, whatever it
 * did; it is locked meanwhile, so a node cannot mount it.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kernel/cmd/fstool.h"
#include "kernel/klog.h"
#include "kernel/ukfs.h"
#include "version.h"

#define PROG "ukfs"

static void
usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [-r] IMAGE VERB [ARGS]\n");
	fstool_usage(f);
	fprintf(f, "The files of the ext2 image IMAGE, in this process "
	    "(-r: read-only).\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ukfs *u;
	char err[1024];
	int c, flags = 0, r;

	if (version_asked(argc, argv, "ukfs"))
		return 0;
	while ((c = getopt_long(argc, argv, "+hr", longopts, NULL)) != -1)
		switch (c) {
		case 'r':
			flags |= UKFS_RDONLY;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	if (argc - optind < 2) {
		usage(stderr);
		return 2;
	}
	/* What the file system logs (a corrupt block met) is said here. */
	klog_set_mirror(2, KLOG_WARN);
	if ((u = ukfs_mount(argv[optind], flags, err, sizeof(err))) == NULL) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}
	r = fstool_run(&ukfs_fsops, u, PROG, argc - optind - 1,
	    argv + optind + 1);
	if (ukfs_release(u) != 0 && r == 0)
		r = 1;
	if (r == 2)
		usage(stderr);
	return r;
}
