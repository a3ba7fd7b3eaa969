/*
 * open.c — lab_open(): read a topology, parse it (lab/ydoc.c), then run
 * the phases (lab/phases.h) until one reports problems.  The lab owns one
 * arena holding the document tree and the model.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/arena.h"
#include "lab/phases.h"
#include "lab/plan.h"

/*
 * Loading, resolving and validating all run, whatever they find, so that
 * one run reports every problem of the file (they skip what failed to
 * load).  Planning needs a sound model: it starts only if nothing was
 * found.
 */
static int
run_phases(struct lab *lab, const struct ynode *root, struct diag *d)
{
	int r;

	if ((r = lab_load(lab, root, d)) == -ENOMEM ||
	    (r = lab_resolve(lab, d)) == -ENOMEM ||
	    (r = lab_validate(lab, d)) == -ENOMEM)
		return -ENOMEM;
	if (diag_count(d) > 0)
		return -EINVAL;
	if ((r = lab_place(lab, d)) != 0 ||
	    (r = plan_addresses(lab, d)) != 0 ||
	    (r = plan_routes(lab, d)) != 0 ||
	    (r = plan_checks(lab, d)) != 0)
		return r;
	return 0;
}

static int
open_buffer(const char *file, const char *basedir, const char *text,
    size_t len, struct lab **labp, struct diag *d)
{
	struct ydoc_error err;
	struct ynode *root;
	struct arena *a;
	struct lab *lab;
	int r;

	*labp = NULL;
	if ((a = arena_new()) == NULL || (lab = arena_alloc(a, sizeof(*lab))) ==
	    NULL || (lab->file = arena_strdup(a, file)) == NULL ||
	    (basedir != NULL && (lab->basedir = arena_strdup(a, basedir)) ==
	    NULL)) {
		arena_free(a);
		return -ENOMEM;
	}
	lab->arena = a;
	if ((r = ydoc_parse(a, text, len, &root, &err)) != 0) {
		if (r == -EINVAL)
			diag_add(d, err.pos, "%s", err.msg);
		arena_free(a);
		return r;
	}
	if ((r = run_phases(lab, root, d)) != 0) {
		if (r == -ENOMEM)
			diag_add(d, (struct lab_pos){ 0, 0 }, "out of memory");
		arena_free(a);
		return r;
	}
	*labp = lab;
	return 0;
}

int
lab_open_buffer(const char *file, const char *text, size_t len,
    struct lab **labp, struct diag *d)
{
	return open_buffer(file, NULL, text, len, labp, d);
}

/* Reads a whole file (at most YDOC_MAX_INPUT bytes) into *buf. */
static int
read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *p = NULL, *q;
	ssize_t k;
	int fd, r = 0;

	if (strcmp(path, "-") == 0)
		fd = dup(0);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (n + 1 >= cap || p == NULL) {
			if (p != NULL)
				cap *= 2;
			if (cap > (size_t)YDOC_MAX_INPUT + 2) {
				r = -EFBIG;
				break;
			}
			if ((q = realloc(p, cap)) == NULL) {
				r = -ENOMEM;
				break;
			}
			p = q;
		}
		if ((k = read(fd, p + n, cap - n - 1)) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	if (r != 0) {
		free(p);
		return r;
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

int
lab_open(const char *path, struct lab **labp, struct diag *d)
{
	return lab_open_at(path, NULL, labp, d);
}

int
lab_open_at(const char *path, const char *basedir, struct lab **labp,
    struct diag *d)
{
	struct lab_pos none = { 0, 0 };
	size_t len = 0;
	char *buf = NULL;
	int r;

	*labp = NULL;
	if ((r = read_file(path, &buf, &len)) != 0) {
		diag_add(d, none, "cannot read: %s%s", strerror(-r),
		    r == -EFBIG ? " (topologies are at most 64 MiB)" : "");
		return r;
	}
	r = open_buffer(path, basedir, buf, len, labp, d);
	free(buf);
	return r;
}

void
lab_close(struct lab *lab)
{
	if (lab != NULL)
		arena_free(lab->arena);
}
