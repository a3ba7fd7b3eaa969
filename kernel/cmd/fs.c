/*
 * fs.c — rump.fs: the files of a node, without the hijack: list, read,
 * copy in and out, make directories and links, remove, rename, stat,
 * truncate, and the space of its file systems.  The verbs are fstool's
 * (kernel/cmd/fstool.c), run on the node's VFS through librumpclient;
 * ukfs runs the same verbs on an image in its own process.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/cmd/fstool.h"
#include "kernel/rumpclient.h"
#include "netcomp/cmd/node.h"
#include "version.h"

#define PROG "rump.fs"

static void
usage(FILE *f)
{
	fprintf(f, "usage: " PROG " VERB [ARGS]\n");
	fstool_usage(f);
	fprintf(f, "The files of the node at $RUMP_SERVER (its VFS: rump_server "
	    "-l rumpvfs).\n");
}

int
main(int argc, char **argv)
{
	int r;

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
	if ((r = fstool_run(&fsops_rumpclient, NULL, PROG, argc - 1,
	    argv + 1)) == 2)
		usage(stderr);
	return r;
}
