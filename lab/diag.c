/*
 * diag.c — collecting, de-duplicating, sorting and printing the errors of
 * one topology file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/diag.h"

void
diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

void
diag_free(struct diag *d)
{
	int i;

	for (i = 0; i < d->n; i++)
		free(d->msgs[i].text);
	free(d->msgs);
	memset(d, 0, sizeof(*d));
}

static int
already_have(const struct diag *d, struct lab_pos pos, const char *text)
{
	int i;

	/* Duplicates come from kinds and links used many times: they are
	 * reported close together, so look at the recent messages only. */
	for (i = d->n - 1; i >= 0 && i >= d->n - 64; i--)
		if (d->msgs[i].pos.line == pos.line &&
		    d->msgs[i].pos.col == pos.col &&
		    strcmp(d->msgs[i].text, text) == 0)
			return 1;
	return 0;
}

void
diag_add(struct diag *d, struct lab_pos pos, const char *fmt, ...)
{
	struct diag_msg *m;
	va_list ap;
	char *text;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0) {
		d->dropped++;
		return;
	}
	if (already_have(d, pos, text)) {
		free(text);
		return;
	}
	if (d->n >= DIAG_MAX) {
		free(text);
		d->dropped++;
		return;
	}
	if (d->n == d->cap) {
		int ncap = d->cap ? d->cap * 2 : 16;

		if ((m = realloc(d->msgs, (size_t)ncap * sizeof(*m))) == NULL) {
			free(text);
			d->dropped++;
			return;
		}
		d->msgs = m;
		d->cap = ncap;
	}
	m = &d->msgs[d->n];
	m->pos = pos;
	m->seq = d->n;
	m->text = text;
	d->n++;
}

int
diag_count(const struct diag *d)
{
	return d->n + d->dropped;
}

static int
msg_cmp(const void *a, const void *b)
{
	const struct diag_msg *x = a, *y = b;

	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.col != y->pos.col)
		return x->pos.col < y->pos.col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
diag_print(struct diag *d, const char *file, FILE *out)
{
	int i;

	if (d->n > 1)
		qsort(d->msgs, (size_t)d->n, sizeof(d->msgs[0]), msg_cmp);
	for (i = 0; i < d->n; i++)
		if (d->msgs[i].pos.line == 0)	/* the whole file */
			fprintf(out, "%s: %s\n", file, d->msgs[i].text);
		else
			fprintf(out, "%s:%d:%d: %s\n", file,
			    d->msgs[i].pos.line, d->msgs[i].pos.col,
			    d->msgs[i].text);
	if (d->dropped > 0)
		fprintf(out, "%s: %d more errors not shown\n", file, d->dropped);
}
