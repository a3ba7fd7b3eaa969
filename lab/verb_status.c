/*
 * verb_status.c — `rumplab status [LAB] [--json]` (the lab's nodes with
 * pid, state and interfaces, its services, and its buses) and `rumplab
 * list [--json]` (the labs running under this user; with -l LAB, that
 * one).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
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
	int i, r, trouble;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' && name == NULL)
			name = argv[i];
		else {
			verb_usage("status", stderr);
			return EXIT_USAGE;
		}
	}
	if (verb_lab("status", name, &name) != 0)
		return EXIT_USAGE;
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
	/* each bus file looked at once: for the view and the exit status */
	if (verb_opts.json)
		r = labview_json(dir, lab, &v, &trouble, stdout);
	else
		trouble = labview_print(dir, lab, &v, 0, true, stdout);
	r = r == 0 && v.answers && labview_services_ended(lab, &v) == 0 &&
	    trouble == 0 ? 0 : 1;
	for (i = 0; i < lab->nnodes; i++)
		if (strcmp(v.nodes[i].state, "up") != 0)
			r = 1;
	labview_free(&v);
	lab_close(lab);
	return r;
}

/* One row of `rumplab list`. */
struct listrow {
	char	name[65];
	char	dir[STATEDIR_PATHMAX];
	int	nodes, up;
	bool	answers;
};

struct listing {
	struct listrow	*rows;
	int		 n, cap;
	int		 err;		/* -errno of the first failure */
	const char	*only;		/* -l LAB: this one alone */
};

static void
list_one(const char *name, void *arg)
{
	struct listing *ls = arg;
	struct listrow *row;
	struct labstate st;
	int i;

	if (ls->only != NULL && strcmp(ls->only, name) != 0)
		return;
	if (ls->n == ls->cap) {
		int ncap = ls->cap ? 2 * ls->cap : 8;

		if ((row = realloc(ls->rows, (size_t)ncap * sizeof(*row))) ==
		    NULL) {
			ls->err = -ENOMEM;
			return;
		}
		ls->rows = row;
		ls->cap = ncap;
	}
	row = &ls->rows[ls->n];
	memset(row, 0, sizeof(*row));
	snprintf(row->name, sizeof(row->name), "%s", name);
	if (statedir_path(name, row->dir, sizeof(row->dir)) != 0)
		return;
	if (statefile_read(row->dir, &st) != 0)
		memset(&st, 0, sizeof(st));
	row->nodes = st.nnodes;
	for (i = 0; i < st.nnodes; i++)
		row->up += strcmp(st.nodes[i].state, "up") == 0;
	row->answers = labctl_answers(row->dir);
	free(st.nodes);
	ls->n++;
}

static int
list_json(const struct listing *ls)
{
	static const char *state[] = { "no-supervisor", "running" };
	struct jw w;
	int i;

	jw_init(&w, stdout);
	jw_array(&w, NULL);
	for (i = 0; i < ls->n; i++) {
		jw_object(&w, NULL);
		jw_str(&w, "lab", ls->rows[i].name);
		jw_int(&w, "nodes", ls->rows[i].nodes);
		jw_int(&w, "up", ls->rows[i].up);
		jw_str(&w, "state", state[ls->rows[i].answers]);
		jw_str(&w, "directory", ls->rows[i].dir);
		jw_close(&w);
	}
	jw_close(&w);
	return jw_end(&w);
}

/* Columns as wide as their widest cell: lab names run to 64 letters. */
static void
list_table(const struct listing *ls)
{
	static const char *state[] = { "no-supervisor", "running" };
	int i, w = 3;

	for (i = 0; i < ls->n; i++)
		if ((int)strlen(ls->rows[i].name) > w)
			w = (int)strlen(ls->rows[i].name);
	printf("%-*s %5s %5s %-13s %s\n", w, "LAB", "NODES", "UP", "STATE",
	    "DIRECTORY");
	for (i = 0; i < ls->n; i++)
		printf("%-*s %5d %5d %-13s %s\n", w, ls->rows[i].name,
		    ls->rows[i].nodes, ls->rows[i].up,
		    state[ls->rows[i].answers], ls->rows[i].dir);
}

int
verb_list(int argc, char **argv)
{
	struct listing ls = { NULL, 0, 0, 0, verb_opts.lab };
	char dir[STATEDIR_PATHMAX];
	int r;

	(void)argv;
	if (argc > 1) {
		verb_usage("list", stderr);
		return EXIT_USAGE;
	}
	if (ls.only != NULL && (r = statedir_path(ls.only, dir,
	    sizeof(dir))) != 0) {
		fprintf(stderr, "rumplab list: '%s' is not a lab name: %s\n",
		    ls.only, strerror(-r));
		return EXIT_USAGE;
	}
	if ((r = statedir_list(list_one, &ls)) < 0 || (r = ls.err) < 0) {
		fprintf(stderr, "rumplab list: %s\n", strerror(-r));
		free(ls.rows);
		return 1;
	}
	r = 0;
	if (verb_opts.json)
		r = list_json(&ls);
	else
		list_table(&ls);
	free(ls.rows);
	return r == 0 ? 0 : 1;
}
