/*
 * labtest.h — what the lab unit tests share: opening a topology written
 * in the test (the planned lab, or NULL with its problems printed on
 * stdout as test:LINE:COL: MESSAGE, where the TAP output shows them) or
 * generated, and a clock for the tests that time the planner.
 */
#ifndef RUMPLAB_TESTS_LABTEST_H
#define RUMPLAB_TESTS_LABTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lab/generate.h"
#include "lab/plan.h"

static inline struct lab *
open_text(const char *text)
{
	struct lab *lab;
	struct diag d;

	diag_init(&d);
	if (lab_open_buffer("test", text, strlen(text), &lab, &d) != 0) {
		diag_print(&d, "test", stdout);
		lab = NULL;
	}
	diag_free(&d);
	return lab;
}

/* A generated shape (lab/generate.h) after the text `head`. */
static inline struct lab *
open_shape(const struct gen_opts *o, const char *head)
{
	struct lab *lab;
	size_t len;
	char *buf;
	FILE *f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	fputs(head, f);
	gen_write(o, f);
	fclose(f);
	lab = open_text(buf);
	free(buf);
	return lab;
}

/* Seconds on the monotonic clock. */
static inline double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
