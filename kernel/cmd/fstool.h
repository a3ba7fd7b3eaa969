/*
 * fstool.h — the verbs of rump.fs and ukfs (kernel/cmd/fstool.c): list,
 * read, copy in and out, make directories and links, remove, rename,
 * stat, truncate and the space of a file system, on any tree of files
 * (kernel/fsops.h): a node's through librumpclient, or an image's in this
 * process.
 *
 * Contract: fstool_run() takes the verb and its arguments (argv[0] is the
 * verb), prints what the verb shows on stdout and its failures on stderr
 * prefixed with prog, and returns the exit status: 0, 1 (a failure), 2
 * (a usage error, the usage printed).
 */
#ifndef RUMPLAB_FSTOOL_H
#define RUMPLAB_FSTOOL_H

#include <stdio.h>

#include "kernel/fsops.h"

int  fstool_run(const struct fsops *ops, void *h, const char *prog,
         int argc, char **argv);
/* The verbs, one line each, for a command's usage. */
void fstool_usage(FILE *f);

#endif
