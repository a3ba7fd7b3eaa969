/*
 * diag.h — the errors found in one topology file.
 *
 * The loader, the validator and the planner add every problem they find
 * with its position (1-based line and column of the offending key or
 * value); the command prints them sorted as FILE:LINE:COL: MESSAGE.
 * Messages name the object, the problem and, where possible, the fix.
 *
 * Contract: a struct diag is owned by the caller (diag_init/diag_free) and
 * outlives the lab it describes.  diag_add() never fails: when memory runs
 * out it counts the message as dropped.  Identical messages at the same
 * position are kept once (a kind used by many nodes reports its problem
 * once).  Not thread-safe.
 */
#ifndef RUMPLAB_DIAG_H
#define RUMPLAB_DIAG_H

#include <stdio.h>

#define DIAG_MAX	1000	/* messages kept; the rest are counted */

struct lab_pos {
	int	line, col;	/* 1-based; 0 when unknown */
};

struct diag_msg {
	struct lab_pos	 pos;
	int		 seq;		/* order found, for a stable sort */
	char		*text;
};

struct diag {
	struct diag_msg	*msgs;
	int		 n, cap;
	int		 dropped;	/* beyond DIAG_MAX or out of memory */
};

void	diag_init(struct diag *d);
void	diag_free(struct diag *d);
__attribute__((format(printf, 3, 4)))
void	diag_add(struct diag *d, struct lab_pos pos, const char *fmt, ...);
int	diag_count(const struct diag *d);
/* Sorts by position (then discovery order) and prints FILE:LINE:COL: MSG,
 * or FILE: MSG for a message about the whole file (line 0). */
void	diag_print(struct diag *d, const char *file, FILE *out);

#endif
