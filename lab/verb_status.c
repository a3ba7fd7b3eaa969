/*
 * verb_status.c — `rumplab status [LAB] [--json]` (the lab's nodes with
 * pid, state and interfaces, its services, and its buses) and `rumplab
 * list` (the labs running under this user).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/control.h"
#include "lab/labctl.h"
#include "lab/labview.h"
#include "lab/plan.h"
#include "lab/verbs.h"

int
verb_status(int argc, char **argv)
{
	char dir[STATEDIR_PATHMAX], why[600];
	const char *name = NULL;
	struct labview v;
	struct lab *lab;
	int i, json = 0, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (argv[i][0] != '-' && name == NULL)
			name = argv[i];
		else {
			verb_usage("status", stderr);
			return EXIT_USAGE;
		}
	}
	if ((r = labctl_find(name, dir, sizeof(dir), why, sizeof(why))) != 0) {
		fprintf(stderr, "rumplab status: %s\n", why);
		return r == -EEXIST ? EXIT_USAGE : 1;
	}
	if ((r = labctl_open_lab(dir, &lab)) != 0) {
		fprintf(stderr, "rumplab status: lab %s: its topology in %s "
		    "does not load (%s); `rumplab down %s` cleans up\n",
		    labctl_name(dir), dir, strerror(-r), labctl_name(dir));
		return 1;
	}
	if ((r = labview_fetch(dir, lab, &v)) != 0) {
		fprintf(stderr, "rumplab status: %s\n", strerror(-r));
		lab_close(lab);
		return 1;
	}
	if (json)
		labview_json(dir, lab, &v, stdout);
	else
		labview_print(dir, lab, &v, 0, true, stdout);
	r = v.answers && labview_services_ended(lab, &v) == 0 ? 0 : 1;
	for (i = 0; i < lab->nnodes; i++)
		if (strcmp(v.nodes[i].state, "up") != 0)
			r = 1;
	labview_free(&v);
	lab_close(lab);
	return r;
}

static void
list_one(const char *name, void *arg)
{
	char dir[STATEDIR_PATHMAX];
	struct labstate st;
	int up = 0, i;

	(void)arg;
	if (statedir_path(name, dir, sizeof(dir)) != 0)
		return;
	if (statefile_read(dir, &st) != 0)
		memset(&st, 0, sizeof(st));
	for (i = 0; i < st.nnodes; i++)
		up += strcmp(st.nodes[i].state, "up") == 0;
	printf("%-20s %-6d %-5d %-12s %s\n", name, st.nnodes, up,
	    labctl_answers(dir) ? "running" : "no-supervisor", dir);
	free(st.nodes);
}

int
verb_list(int argc, char **argv)
{
	int r;

	(void)argv;
	if (argc > 1) {
		verb_usage("list", stderr);
		return EXIT_USAGE;
	}
	printf("%-20s %-6s %-5s %-12s %s\n", "LAB", "NODES", "UP", "STATE",
	    "DIRECTORY");
	if ((r = statedir_list(list_one, NULL)) < 0) {
		fprintf(stderr, "rumplab list: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
