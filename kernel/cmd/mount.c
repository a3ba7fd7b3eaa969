/*
 * mount.c — rump.mount and rump.umount: mount a file system in a node,
 * list its mounts, unmount one.  One program; its name says which.
 *
 *   rump.mount                                 list, as mount(8) does
 *   rump.mount -t TYPE [-o OPTS] SOURCE DIR    tmpfs, hostfs, ext2fs
 *   rump.umount [-f] DIR
 *
 * SOURCE is an etfs key for hostfs and ext2fs (what rump_server -d gave
 * the node) and any name for tmpfs.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/node.h"
#include "version.h"

static const char *prog = "rump.mount";

static void
usage(FILE *f)
{
	if (strcmp(prog, "rump.umount") == 0)
		fprintf(f, "usage: rump.umount [-f] DIR\n"
		    "Unmounts the file system at DIR in the node at "
		    "$RUMP_SERVER (-f: even while in use).\n");
	else
		fprintf(f, "usage: rump.mount [-t TYPE [-o OPTS] SOURCE DIR]\n"
		    "Lists the mounts of the node at $RUMP_SERVER, or mounts "
		    "SOURCE on DIR:\n"
		    "  -t tmpfs   memory (-o size=64m)\n"
		    "  -t hostfs  a host directory given with rump_server -d "
		    "key=SOURCE,...,type=dir\n"
		    "  -t ext2fs  an image given with rump_server -d "
		    "key=SOURCE,hostpath=IMAGE\n"
		    "  -o ro      read-only\n");
}

static int
fail(const char *what)
{
	char buf[300];

	fprintf(stderr, "%s: %s: %s\n", prog, what,
	    node_strerror(-errno, buf, sizeof(buf)));
	return 1;
}

/* The node's "source target type opts" lines as mount(8) prints them. */
static int
list(void)
{
	char *buf, *line, *save, src[4096], dir[4096], type[64], opts[256];
	ssize_t n;

	if ((n = rump_sys_mountlist(NULL, 0)) < 0)
		return fail("list");
	if ((buf = malloc((size_t)n + 1)) == NULL ||
	    rump_sys_mountlist(buf, (size_t)n + 1) < 0)
		return fail("list");
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%4095s %4095s %63s %255s", src, dir, type,
		    opts) == 4)
			printf("%s on %s type %s (%s)\n", src, dir, type, opts);
	free(buf);
	return 0;
}

static int
do_umount(int argc, char **argv)
{
	int c, flags = 0;

	while ((c = getopt(argc, argv, "fh")) != -1)
		switch (c) {
		case 'f':
			flags |= MNT_FORCE;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	if (argc - optind != 1) {
		usage(stderr);
		return 2;
	}
	if (rump_sys_unmount(argv[optind], flags) != 0)
		return fail(argv[optind]);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *type = NULL, *opts = "", *slash = strrchr(argv[0], '/');
	int c;

	prog = slash != NULL ? slash + 1 : argv[0];
	if (strcmp(prog, "rump.umount") != 0)
		prog = "rump.mount";
	if (version_asked(argc, argv, prog))
		return 0;
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (node_attach() != 0) {
		fprintf(stderr, "%s: %s\n", prog, rumpclient_lasterror());
		return 1;
	}
	if (strcmp(prog, "rump.umount") == 0)
		return do_umount(argc, argv);
	while ((c = getopt_long(argc, argv, "ht:o:", longopts, NULL)) != -1)
		switch (c) {
		case 't':
			type = optarg;
			break;
		case 'o':
			opts = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	if (argc == optind && type == NULL)
		return list();
	if (argc - optind != 2 || type == NULL) {
		usage(stderr);
		return 2;
	}
	if (rump_sys_mount(type, argv[optind], argv[optind + 1], opts) != 0)
		return fail(argv[optind + 1]);
	return 0;
}
