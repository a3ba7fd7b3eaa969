/*
 * impair_spec.h — the words of `rumplab link set` (lab/CONTROL.txt),
 * also accepted by a topology's `impair:` keys: parsed into per-direction
 * impairment settings (struct rump_impair, kernel/rumpclient.h), merged
 * into what a link already has, and printed back as `link show` prints
 * them (out.delay=20ms in.loss=5%).
 *
 *   [in|out|both] SETTING... [in|out|both SETTING...]...
 *   SETTING: down | up | clear | mtu N | delay TIME | jitter TIME
 *            [uniform|normal|pareto] | loss PCT | loss gemodel P R [H [K]]
 *            | dup PCT | reorder PCT | corrupt PCT | rate RATE | limit N
 *
 * A direction word applies to the settings after it; before any, the
 * caller's default.  A value of 0 removes that impairment.
 *
 * Contract: pure functions, no I/O; errors are one line in `why`
 * naming the word, the problem and the fix; 0 or -EINVAL.
 */
#ifndef RUMPLAB_IMPAIR_SPEC_H
#define RUMPLAB_IMPAIR_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/rumpclient.h"

#define IMP_DIR_IN	1	/* RUMP_IMPAIR_IN */
#define IMP_DIR_OUT	2	/* RUMP_IMPAIR_OUT */
#define IMP_DIR_BOTH	3

/* Fields given (bit per field of struct rump_impair). */
#define IMPF_DELAY	0x001
#define IMPF_JITTER	0x002
#define IMPF_DIST	0x004
#define IMPF_LOSS	0x008	/* loss_ppm and the gemodel fields */
#define IMPF_DUP	0x010
#define IMPF_REORDER	0x020
#define IMPF_CORRUPT	0x040
#define IMPF_RATE	0x080
#define IMPF_LIMIT	0x100
#define IMPF_ALL	0x1ff

struct impset {
	struct rump_impair v[2];	/* [dir - 1]: the values given */
	unsigned	 set[2];	/* IMPF_* given, per direction */
	bool		 clear[2];	/* `clear` (before the values) */
	int		 carrier;	/* -1 not given, 0 down, 1 up */
	uint32_t	 mtu;		/* 0 not given */
};

/*
 * Parses argv[0..argc).  dirs_ok: the directions allowed (IMP_DIR_OUT
 * alone for a bus); defdir: the direction before any direction word.
 */
int	impspec_parse(int argc, char **argv, int dirs_ok, int defdir,
	    struct impset *s, char *why, size_t whylen);
/* The same from one string of words (a topology's `impair:`). */
int	impspec_parse_str(const char *str, int dirs_ok, int defdir,
	    struct impset *s, char *why, size_t whylen);
/* dst (one direction's settings) updated with what s gives for dir. */
void	impspec_merge(struct rump_impair *dst, const struct impset *s,
	    int dir);
/* What a link's settings amount to: a over b field by field (a field
 * that a leaves at 0 comes from b). */
void	impspec_stack(struct rump_impair *out, const struct rump_impair *a,
	    const struct rump_impair *b);
/* " DIR.KEY=VALUE..." appended for each setting (prefix "out", "in");
 * returns the length written. */
size_t	impspec_format(const struct rump_impair *imp, const char *prefix,
	    char *buf, size_t len);
/* The i-th word `link set` takes (directions, settings), NULL past the
 * last: for completion. */
const char *impspec_word(int i);

#endif
