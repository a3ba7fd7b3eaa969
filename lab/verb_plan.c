/*
 * verb_plan.c — `rumplab plan [FILE] [--json] [--busdir DIR] [--node N]`:
 * the configuration the launcher will apply, node by node, as rump.*
 * command lines (or one JSON object).  Without FILE, the built-in default
 * topology.  Exit 1 when the topology has errors (printed as validate
 * prints them).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lab/plan.h"
#include "lab/verbs.h"

struct plan_args {
	const char	*file, *busdir, *node;
	int		 json;
};

static int
parse(int argc, char **argv, struct plan_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			a->json = 1;
		else if (strcmp(argv[i], "--busdir") == 0 && i + 1 < argc)
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
	return 0;
}

int
verb_plan(int argc, char **argv)
{
	struct plan_args a;
	struct lab *lab;
	struct diag d;
	int r, node = -1;

	if (parse(argc, argv, &a) != 0)
		return EXIT_USAGE;
	diag_init(&d);
	r = a.file ? lab_open(a.file, &lab, &d) : lab_open_default(&lab, &d);
	if (r != 0) {
		diag_print(&d, a.file ? a.file : "<default>", stderr);
		diag_free(&d);
		return 1;
	}
	diag_free(&d);
	if (a.node != NULL && (node = lab_node_find(lab, a.node)) < 0) {
		fprintf(stderr, "rumplab plan: no node '%s' in lab %s\n",
		    a.node, lab->name);
		lab_close(lab);
		return 1;
	}
	r = a.json ? plan_print_json(lab, a.busdir, node, stdout) :
	    plan_print_text(lab, a.busdir, node, stdout);
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
