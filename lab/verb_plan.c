/*
 * verb_plan.c — `rumplab plan [FILE] [--json] [--busdir DIR] [--node N]`:
 * the configuration the launcher will apply, node by node, as rump.*
 * command lines (or one JSON object).  Without FILE, the built-in default
 * topology; with -l LAB, the running lab's, its buses in its directory.
 * Exit 1 when the topology has errors (printed as validate prints them).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lab/labctl.h"
#include "lab/plan.h"
#include "lab/verbs.h"

struct plan_args {
	const char	*file, *busdir, *node;
};

static int
parse(int argc, char **argv, struct plan_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--busdir") == 0 && i + 1 < argc)
			a->busdir = argv[++i];
		else if (strcmp(argv[i], "--node") == 0 && i + 1 < argc)
			a->node = argv[++i];
		else if ((argv[i][0] != '-' || argv[i][1] == '\0') &&
		    a->file == NULL)
			a->file = argv[i];
		else {
			fprintf(stderr, "rumplab plan: unexpected '%s'\n",
			    argv[i]);
			verb_usage("plan", stderr);
			return -1;
		}
	}
	if (verb_opts.lab != NULL && a->file != NULL) {
		fprintf(stderr, "rumplab plan: a FILE or -l LAB, not both\n");
		return -1;
	}
	return 0;
}

/* -l LAB: the running lab's topology, and its bus directory. */
static int
open_running(struct plan_args *a, char *busdir, size_t len,
    struct lab **labp)
{
	char dir[STATEDIR_PATHMAX], why[600];
	int r;

	if ((r = labctl_find(verb_opts.lab, dir, sizeof(dir), why,
	    sizeof(why))) != 0 || (r = labctl_open_lab(dir, labp)) != 0) {
		fprintf(stderr, "rumplab plan: %s\n", r == -ENOENT ||
		    r == -EINVAL ? why : strerror(-r));
		return 1;
	}
	if (a->busdir == NULL) {
		snprintf(busdir, len, "%s/bus", dir);
		a->busdir = busdir;
	}
	return 0;
}

/* Prints the plan (of node a->node only, if given) and closes lab. */
static int
print_plan(const struct plan_args *a, struct lab *lab)
{
	int r, node = -1;

	if (a->node != NULL && (node = lab_node_find(lab, a->node)) < 0) {
		fprintf(stderr, "rumplab plan: no node '%s' in lab %s\n",
		    a->node, lab->name);
		lab_close(lab);
		return 1;
	}
	r = verb_opts.json ? plan_print_json(lab, a->busdir, node, stdout) :
	    plan_print_text(lab, a->busdir, node, stdout);
	lab_close(lab);
	if (fflush(stdout) != 0 && r == 0)
		r = -EIO;
	if (r != 0) {
		fprintf(stderr, "rumplab plan: %s%s\n", strerror(-r),
		    r == -ENAMETOOLONG ? " (a shorter --busdir?)" : "");
		return 1;
	}
	return 0;
}

int
verb_plan(int argc, char **argv)
{
	char busdir[STATEDIR_PATHMAX + 8];
	struct plan_args a;
	struct lab *lab;
	struct diag d;
	int r;

	if (parse(argc, argv, &a) != 0)
		return EXIT_USAGE;
	if (verb_opts.lab != NULL) {
		if (open_running(&a, busdir, sizeof(busdir), &lab) != 0)
			return 1;
		return print_plan(&a, lab);
	}
	diag_init(&d);
	r = a.file ? lab_open(a.file, &lab, &d) : lab_open_default(&lab, &d);
	if (r != 0) {
		diag_print(&d, a.file ? a.file : "<default>", stderr);
		diag_free(&d);
		return 1;
	}
	diag_free(&d);
	return print_plan(&a, lab);
}
