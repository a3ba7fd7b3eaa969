/*
 * verb_import.c — `rumplab import kathara DIR [-o FILE]` and `rumplab
 * import clab FILE [-o FILE]`: a Kathará lab or a containerlab topology
 * as a rumplab topology (lab/import.h), written to FILE or the standard
 * output.  Each line that could not be translated is listed on the
 * standard error as FILE:LINE: why; then the topology is validated as
 * `rumplab validate` would, and its problems listed the same way.
 * Exit 0 when the topology validates (lines left out or not), 1 when
 * nothing could be read or it does not validate (it is written anyway,
 * to be fixed by hand), 2 for a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/import.h"
#include "lab/plan.h"
#include "lab/verbs.h"

/* File by file (in the order first seen), line by line. */
static int
problem_cmp(const void *a, const void *b)
{
	const struct imp_problem *x = a, *y = b;
	int r = strcmp(x->file, y->file);

	if (r == 0)
		r = (x->line > y->line) - (x->line < y->line);
	return r ? r : strcmp(x->why, y->why);
}

/* The problems, as FILE:LINE: why, with the lab's own files under dir. */
static void
print_problems(struct imp_lab *il, const char *dir)
{
	const struct imp_problem *p;
	int i;

	qsort(il->problems, (size_t)il->nproblems, sizeof(*il->problems),
	    problem_cmp);
	for (i = 0; i < il->nproblems; i++) {
		p = &il->problems[i];
		fprintf(stderr, "%s%s%s", dir && p->file[0] != '/' ? dir : "",
		    dir && p->file[0] != '/' ? "/" : "", p->file);
		if (p->line > 0)
			fprintf(stderr, ":%d", p->line);
		fprintf(stderr, ": %s\n", p->why);
	}
}

static int
write_out(const char *out, const char *text, size_t len)
{
	FILE *f = stdout;

	if (out != NULL && strcmp(out, "-") != 0 &&
	    (f = fopen(out, "w")) == NULL) {
		fprintf(stderr, "rumplab import: %s: %s\n", out, strerror(errno));
		return 1;
	}
	if (fwrite(text, 1, len, f) != len || (f != stdout ? fclose(f) :
	    fflush(f)) != 0) {
		fprintf(stderr, "rumplab import: %s: %s\n", out ? out :
		    "standard output", strerror(errno));
		return 1;
	}
	return 0;
}

/* Validates the topology text as `rumplab validate` would. */
static int
validate(const char *shown, const char *text, size_t len)
{
	struct lab *lab;
	struct diag d;
	int r;

	diag_init(&d);
	if ((r = lab_open_buffer(shown, text, len, &lab, &d)) == 0) {
		fprintf(stderr, "rumplab import: %s: ok (%d nodes, %d buses)\n",
		    shown, lab->nnodes, lab->nbuses);
		lab_close(lab);
	} else
		diag_print(&d, shown, stderr);
	diag_free(&d);
	return r == 0 ? 0 : 1;
}

int
verb_import(int argc, char **argv)
{
	const char *out = NULL, *what, *src;
	struct imp_lab il;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int r, status;

	if (argc == 5 && strcmp(argv[3], "-o") == 0)
		out = argv[4];
	if ((argc != 3 && out == NULL) || (strcmp(argv[1], "kathara") != 0 &&
	    strcmp(argv[1], "clab") != 0)) {
		verb_usage("import", stderr);
		return EXIT_USAGE;
	}
	what = argv[1];
	src = argv[2];
	if (imp_init(&il) != 0) {
		fprintf(stderr, "rumplab import: out of memory\n");
		return 1;
	}
	r = what[0] == 'k' ? import_kathara(&il, src) : import_clab(&il, src);
	print_problems(&il, what[0] == 'k' ? src : NULL);
	if (r != 0) {
		imp_free(&il);
		return 1;
	}
	if ((mem = open_memstream(&text, &len)) == NULL ||
	    import_write(&il, mem) != 0 || fclose(mem) != 0) {
		fprintf(stderr, "rumplab import: out of memory\n");
		imp_free(&il);
		free(text);
		return 1;
	}
	fprintf(stderr, "rumplab import: %d nodes, %d buses; %d line%s "
	    "translated, %d not (listed above)\n", il.nnodes, il.nbuses,
	    il.nlines, il.nlines == 1 ? "" : "s", il.nproblems);
	status = validate(out && strcmp(out, "-") ? out : "<stdout>", text,
	    len);
	if (write_out(out, text, len) != 0)
		status = 1;
	imp_free(&il);
	free(text);
	return status;
}
