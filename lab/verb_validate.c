/*
 * verb_validate.c — `rumplab validate FILE...`: load, validate and plan
 * each file (`-` reads standard input) and say "FILE: ok (N nodes, M
 * buses, K checks)", or print its errors as FILE:LINE:COL: MESSAGE.
 * With -l LAB, the topology the running lab was started from.  Exit 0
 * when every file is fine, 1 otherwise.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "lab/labctl.h"
#include "lab/plan.h"
#include "lab/verbs.h"

/* basedir: where its relative paths are from (NULL: the file's). */
static int
validate_one(const char *path, const char *basedir)
{
	struct lab *lab;
	struct diag d;
	int r;

	diag_init(&d);
	r = lab_open_at(path, basedir, &lab, &d);
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

/* -l LAB: DIR/topology.yaml, from where the lab found its files. */
static int
validate_running(void)
{
	char dir[STATEDIR_PATHMAX], why[600], path[STATEDIR_PATHMAX];
	char base[PATH_MAX];

	if (labctl_find(verb_opts.lab, dir, sizeof(dir), why,
	    sizeof(why)) != 0) {
		fprintf(stderr, "rumplab validate: %s\n", why);
		return 1;
	}
	statedir_file(dir, "topology.yaml", path);
	return validate_one(path, labctl_basedir(dir, base, sizeof(base)));
}

int
verb_validate(int argc, char **argv)
{
	int i, bad = 0, files = 0;

	if (verb_opts.lab != NULL && argc > 1) {
		fprintf(stderr, "rumplab validate: FILE... or -l LAB, not "
		    "both\n");
		return EXIT_USAGE;
	}
	if (verb_opts.lab != NULL)
		return validate_running();

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "rumplab validate: unknown option '%s'\n",
			    argv[i]);
			verb_usage("validate", stderr);
			return EXIT_USAGE;
		}
		files++;
		bad |= validate_one(argv[i], NULL);
	}
	if (files == 0) {
		verb_usage("validate", stderr);
		return EXIT_USAGE;
	}
	return bad;
}
