/*
 * version.h — rumplab's version, the one place it is written.  Every
 * command answers `NAME --version` with one line on stdout,
 * "NAME (rumplab) VERSION", through version_asked() at the top of its
 * main; tests/run/01-commands.t reads the number from here.
 */
#ifndef RUMPLAB_VERSION_H
#define RUMPLAB_VERSION_H

#include <stdio.h>
#include <string.h>

#define RUMPLAB_VERSION "1.0"

/* True, once the version line is printed, when the command line is
 * exactly NAME --version: main then returns 0. */
static inline int
version_asked(int argc, char **argv, const char *name)
{
	if (argc != 2 || strcmp(argv[1], "--version") != 0)
		return 0;
	printf("%s (rumplab) %s\n", name, RUMPLAB_VERSION);
	return 1;
}

#endif
