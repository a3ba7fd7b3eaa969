/*
 * verb_generate.c — `rumplab generate SHAPE N [--hosts] [--ipv6|--dual]
 * [-o FILE]`: write a topology in a standard shape (lab/generate.h) to
 * FILE or standard output.  The output is checked by loading it before it
 * is written, so a generated file always validates.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/generate.h"
#include "lab/plan.h"
#include "lab/verbs.h"

static int
parse(int argc, char **argv, struct gen_opts *o, const char **out)
{
	const char *shape = NULL, *num = NULL;
	char *end;
	long n;
	int i;

	memset(o, 0, sizeof(*o));
	o->v4 = true;
	*out = NULL;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--hosts") == 0)
			o->hosts = true;
		else if (strcmp(argv[i], "--ipv6") == 0) {
			o->v4 = false;
			o->v6 = true;
		} else if (strcmp(argv[i], "--dual") == 0)
			o->v4 = o->v6 = true;
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			*out = argv[++i];
		else if (argv[i][0] == '-') {
			fprintf(stderr, "rumplab generate: unknown option '%s'\n",
			    argv[i]);
			return -1;
		} else if (shape == NULL)
			shape = argv[i];
		else if (num == NULL)
			num = argv[i];
		else {
			fprintf(stderr, "rumplab generate: unexpected '%s'\n",
			    argv[i]);
			return -1;
		}
	}
	if (shape == NULL || num == NULL)
		return -1;
	if (gen_shape_parse(shape, &o->shape) != 0) {
		fprintf(stderr, "rumplab generate: unknown shape '%s' (shapes: "
		    "line, ring, star, tree, grid)\n", shape);
		return -1;
	}
	n = strtol(num, &end, 10);
	if (*end != '\0' || n < gen_min_n(o->shape) || n > GEN_MAX_N) {
		fprintf(stderr, "rumplab generate: N must be a number from %d "
		    "to %d for a %s (got '%s')\n", gen_min_n(o->shape),
		    GEN_MAX_N, shape, num);
		return -1;
	}
	o->n = (int)n;
	return 0;
}

/* Writes the topology into memory and proves it loads. */
static int
render(const struct gen_opts *o, char **buf, size_t *len)
{
	struct lab *lab;
	struct diag d;
	FILE *m;
	int r;

	if ((m = open_memstream(buf, len)) == NULL)
		return -errno;
	r = gen_write(o, m);
	if (fclose(m) != 0 && r == 0)
		r = -EIO;
	if (r != 0)
		return r;
	diag_init(&d);
	if ((r = lab_open_buffer("<generated>", *buf, *len, &lab, &d)) != 0) {
		diag_print(&d, "rumplab generate: internal error", stderr);
		diag_free(&d);
		return r;
	}
	lab_close(lab);
	diag_free(&d);
	return 0;
}

int
verb_generate(int argc, char **argv)
{
	struct gen_opts o;
	const char *out;
	size_t len;
	char *buf = NULL;
	FILE *f;
	int r;

	if (parse(argc, argv, &o, &out) != 0) {
		verb_usage("generate", stderr);
		return EXIT_USAGE;
	}
	if ((r = render(&o, &buf, &len)) != 0) {
		free(buf);
		return 1;
	}
	f = out ? fopen(out, "w") : stdout;
	if (f == NULL || fwrite(buf, 1, len, f) != len ||
	    (out ? fclose(f) : fflush(f)) != 0) {
		fprintf(stderr, "rumplab generate: %s: %s\n", out ? out :
		    "stdout", strerror(errno));
		free(buf);
		return 1;
	}
	free(buf);
	return 0;
}
