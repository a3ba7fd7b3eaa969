/*
 * verb_rundir.c — `rumplab rundir [--check]`: the state root this
 * user's labs live under (lab/statedir.h), created as any lab verb
 * would; --check also writes a file there and removes it.  A lab that
 * spans machines asks each host this over ssh before it starts
 * anything there (lab/remote.c), so that a root that cannot be written
 * is said before any node is.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/statedir.h"
#include "lab/verbs.h"

/* Creates and removes a file in root: 0, or -errno. */
static int
try_write(const char *root)
{
	char path[STATEDIR_PATHMAX + 32];
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/.check.XXXXXX", root);
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0)
		return -errno;
	if (write(fd, "rumplab\n", 8) != 8)
		r = errno ? -errno : -ENOSPC;
	if (close(fd) != 0 && r == 0)
		r = -errno;
	(void)unlink(path);
	return r;
}

int
verb_rundir(int argc, char **argv)
{
	char root[STATEDIR_PATHMAX];
	int check = 0, r;

	if (argc == 2 && strcmp(argv[1], "--check") == 0)
		check = 1;
	else if (argc != 1) {
		verb_usage("rundir", stderr);
		return EXIT_USAGE;
	}
	root[0] = '\0';
	r = statedir_root(root, sizeof(root));
	if (r == -EPERM) {
		fprintf(stderr, "rumplab rundir: %s: not a private directory "
		    "of this user (it must be ours, mode 0700, not a "
		    "symlink): remove it, or set XDG_RUNTIME_DIR\n", root);
		return 1;
	}
	if (r == 0 && check)
		r = try_write(root);
	if (r != 0) {
		fprintf(stderr, "rumplab rundir: %s: %s\n", root[0] ? root :
		    "the state root", strerror(-r));
		return 1;
	}
	printf("%s\n", root);
	return 0;
}
