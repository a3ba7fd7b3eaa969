/*
 * names.c — helping people with names in messages: the closest known name
 * to a misspelt one ("did you mean 'addr'?") and short lists of the names
 * that are defined ("defined buses: lan1, lan2, core").
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lab/arena.h"
#include "lab/load.h"

#define NAME_CMP_MAX	64	/* longer words are never close */
#define LIST_MAX	12	/* names listed before "... (N more)" */

/*
 * Edit distance between a and b, case-insensitive, a swap of two
 * neighbouring letters counting as one edit (`lna1` is one from `lan1`:
 * the commonest typo); big if too long.
 */
static int
distance(const char *a, const char *b)
{
	int rows[3][NAME_CMP_MAX + 1], *pp, *prev, *cur, *t;
	int la = (int)strlen(a), lb = (int)strlen(b), i, j;

	if (la > NAME_CMP_MAX || lb > NAME_CMP_MAX)
		return 1000;
	pp = rows[0];
	prev = rows[1];
	cur = rows[2];
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			int sub = prev[j - 1] + (ca != cb);
			int del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) :
			    (del < ins ? del : ins);
			if (i > 1 && j > 1 &&
			    ca == tolower((unsigned char)b[j - 2]) &&
			    cb == tolower((unsigned char)a[i - 2]) &&
			    pp[j - 2] + 1 < cur[j])
				cur[j] = pp[j - 2] + 1;
		}
		/* Rotate: the row before last is overwritten next. */
		t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

const char *
closest_name(const char *word, const char *const *names, int n)
{
	int i, d, best = 1000, limit = (int)strlen(word) / 3;
	const char *pick = NULL;

	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	for (i = 0; i < n; i++) {
		d = distance(word, names[i]);
		if (d < best && d <= limit) {
			best = d;
			pick = names[i];
		}
	}
	return pick;
}

const char *
name_list(struct arena *a, const char *const *names, int n)
{
	size_t len = 1;
	char *s, *p;
	int i, shown = n < LIST_MAX ? n : LIST_MAX;

	if (n == 0)
		return "none";
	for (i = 0; i < shown; i++)
		len += strlen(names[i]) + 2;
	len += 32;
	if ((s = arena_alloc(a, len)) == NULL)
		return "...";
	p = s;
	for (i = 0; i < shown; i++)
		p += snprintf(p, len - (size_t)(p - s), "%s%s", i ? ", " : "",
		    names[i]);
	if (n > shown)
		snprintf(p, len - (size_t)(p - s), ", ... (%d more)", n - shown);
	return s;
}

/* Names of the lab's nodes or buses in definition order (hosts: below). */
static const char **
names_of(const struct lab *lab, bool nodes, int *n)
{
	const char **v;
	int i;

	*n = nodes ? lab->nnodes : lab->nbuses;
	if ((v = arena_alloc(lab->arena, sizeof(*v) * (size_t)(*n + 1))) ==
	    NULL) {
		*n = 0;
		return NULL;
	}
	for (i = 0; i < *n; i++)
		v[i] = nodes ? lab->nodes[i].name : lab->buses[i].name;
	return v;
}

const char *
lab_node_names(const struct lab *lab, const char *word, const char **suggest)
{
	const char **v;
	int n;

	v = names_of(lab, true, &n);
	*suggest = v ? closest_name(word, v, n) : NULL;
	return v ? name_list(lab->arena, v, n) : "...";
}

const char *
lab_bus_names(const struct lab *lab, const char *word, const char **suggest)
{
	const char **v;
	int n;

	v = names_of(lab, false, &n);
	*suggest = v ? closest_name(word, v, n) : NULL;
	return v ? name_list(lab->arena, v, n) : "...";
}

const char *
lab_host_names(const struct lab *lab, const char *word, const char **suggest)
{
	const char **v;
	int i;

	if ((v = arena_alloc(lab->arena, sizeof(*v) * (size_t)(lab->nhosts +
	    1))) == NULL) {
		*suggest = NULL;
		return "...";
	}
	for (i = 0; i < lab->nhosts; i++)
		v[i] = lab->hosts[i].name;
	*suggest = closest_name(word, v, lab->nhosts);
	return name_list(lab->arena, v, lab->nhosts);
}
