/*
 * verb_validate.c — `rumplab validate FILE...`: load, validate and plan
 * each file (`-` reads standard input) and say "FILE: ok (N nodes, M
 * buses, K checks)", or print its errors as FILE:LINE:COL: MESSAGE.
 * Exit 0 when every file is fine, 1 otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "lab/plan.h"
#include "lab/verbs.h"

static int
validate_one(const char *path)
{
	struct lab *lab;
	struct diag d;
	int r;

	diag_init(&d);
	r = lab_open(path, &lab, &d);
	if (r == 0) {
		printf("%s: ok (%d node%s, %d bus%s, %d check%s)\n", path,
		    lab->nnodes, lab->nnodes == 1 ? "" : "s", lab->nbuses,
		    lab->nbuses == 1 ? "" : "es", lab->nchecks,
		    lab->nchecks == 1 ? "" : "s");
		lab_close(lab);
	} else
		diag_print(&d, path, stderr);
	diag_free(&d);
	return r == 0 ? 0 : 1;
}

int
verb_validate(int argc, char **argv)
{
	int i, bad = 0, files = 0;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "rumplab validate: unknown option '%s'\n",
			    argv[i]);
			verb_usage("validate", stderr);
			return EXIT_USAGE;
		}
		files++;
		bad |= validate_one(argv[i]);
	}
	if (files == 0) {
		verb_usage("validate", stderr);
		return EXIT_USAGE;
	}
	return bad;
}
