/*
 * impair_spec.c — parsing and printing impairment settings (see
 * lab/impair_spec.h).  Units: TIME is N[.N](us|ms|s); PCT is N[.N][%]
 * (a percentage either way, 0 to 100); RATE is N[.N](bit|kbit|mbit|gbit)
 * or a plain number of bit/s.  Percentages keep six digits (parts per
 * million), times microseconds.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/impair_spec.h"

#define MAX_TIME_US	60000000.0	/* 60 s, the node's own limit */
#define MAX_LIMIT	100000
#define SET_MTU		0x10000	/* not an impairment field */

__attribute__((format(printf, 3, 4)))
static int
fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A plain decimal number (digits, at most one point: no sign, exponent
 * or hex, which strtod would take) and what follows it. */
static int
number(const char *s, double *v, const char **unit)
{
	char buf[32];
	size_t n = 0;
	int dots = 0;

	while ((s[n] >= '0' && s[n] <= '9') || (s[n] == '.' && !dots++))
		n++;
	if (n == 0 || s[0] == '.' || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*v = strtod(buf, NULL);
	if (!isfinite(*v))
		return -1;
	*unit = s + n;
	return 0;
}

static int
p_time(const char *key, const char *s, uint32_t *us, char *why, size_t len)
{
	const char *u;
	double v, m;

	if (number(s, &v, &u) != 0)
		return fail(why, len, "%s '%s' is not a time: write it like "
		    "20ms, 500us or 1s", key, s);
	if (strcmp(u, "us") == 0)
		m = 1;
	else if (strcmp(u, "ms") == 0)
		m = 1e3;
	else if (strcmp(u, "s") == 0)
		m = 1e6;
	else if (*u == '\0' && v == 0)
		m = 0;
	else
		return fail(why, len, "%s '%s' needs a unit: us, ms or s "
		    "(like 20ms)", key, s);
	if (v * m > MAX_TIME_US)
		return fail(why, len, "%s '%s' is over 60 s", key, s);
	*us = (uint32_t)llround(v * m);
	if (*us == 0 && v > 0)
		return fail(why, len, "%s '%s' is under a microsecond", key, s);
	return 0;
}

static int
p_pct(const char *key, const char *s, uint32_t *ppm, char *why, size_t len)
{
	const char *u;
	double v;

	if (number(s, &v, &u) != 0 || (*u != '\0' && strcmp(u, "%") != 0))
		return fail(why, len, "%s '%s' is not a percentage: write it "
		    "like 5%% or 0.5", key, s);
	if (v > 100)
		return fail(why, len, "%s '%s' is over 100%%", key, s);
	*ppm = (uint32_t)llround(v * 1e4);
	if (*ppm == 0 && v > 0)
		return fail(why, len, "%s '%s' is under 0.0001%% (one in a "
		    "million)", key, s);
	return 0;
}

static int
p_rate(const char *s, uint64_t *bps, char *why, size_t len)
{
	static const struct { const char *u; double m; } units[] = {
		{ "", 1 }, { "bit", 1 }, { "kbit", 1e3 }, { "mbit", 1e6 },
		{ "gbit", 1e9 }, { "Kbit", 1e3 }, { "Mbit", 1e6 },
		{ "Gbit", 1e9 },
	};
	const char *u;
	double v;
	size_t i;

	if (number(s, &v, &u) == 0)
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strcmp(u, units[i].u) == 0) {
				if (v * units[i].m > 1e12)
					return fail(why, len, "rate '%s' is "
					    "over 1000gbit", s);
				if (v > 0 && v * units[i].m < 8000)
					return fail(why, len, "rate '%s' is "
					    "under 8kbit", s);
				*bps = (uint64_t)llround(v * units[i].m);
				return 0;
			}
	return fail(why, len, "rate '%s' is not a rate: write it like "
	    "10mbit, 64kbit or 1gbit (bits per second)", s);
}

static int
p_uint(const char *key, const char *s, uint32_t lo, uint32_t hi,
    uint32_t *out, char *why, size_t len)
{
	char *end;
	unsigned long v;

	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || v < lo || v > hi)
		return fail(why, len, "%s '%s' must be a whole number from "
		    "%u to %u", key, s, lo, hi);
	*out = (uint32_t)v;
	return 0;
}

static const char *
dist_name(uint32_t d)
{
	return d == RUMP_DIST_NORMAL ? "normal" : d == RUMP_DIST_PARETO ?
	    "pareto" : "uniform";
}

static int
p_dist(const char *s)
{
	if (strcmp(s, "uniform") == 0)
		return RUMP_DIST_UNIFORM;
	if (strcmp(s, "normal") == 0)
		return RUMP_DIST_NORMAL;
	if (strcmp(s, "pareto") == 0)
		return RUMP_DIST_PARETO;
	return -1;
}

/* The settings that take a value. */
static const struct { const char *word; unsigned f; } valued[] = {
	{ "mtu", SET_MTU }, { "delay", IMPF_DELAY },
	{ "jitter", IMPF_JITTER }, { "loss", IMPF_LOSS },
	{ "dup", IMPF_DUP }, { "duplicate", IMPF_DUP },
	{ "reorder", IMPF_REORDER }, { "corrupt", IMPF_CORRUPT },
	{ "rate", IMPF_RATE }, { "limit", IMPF_LIMIT },
};
/* The words that stand alone: directions, then settings. */
static const char *const alone[] = { "in", "out", "both", "down", "up",
	"clear" };

const char *
impspec_word(int i)
{
	int na = (int)(sizeof(alone) / sizeof(alone[0]));

	if (i < 0)
		return NULL;
	if (i < na)
		return alone[i];
	if (i - na < (int)(sizeof(valued) / sizeof(valued[0])))
		return valued[i - na].word;
	return NULL;
}

/* One setting starting at argv[*i] for the directions in dirs. */
static int
setting(int argc, char **argv, int *i, int dirs, struct impset *s,
    char *why, size_t len)
{
	const char *w = argv[*i], *arg;
	struct rump_impair v;
	unsigned f;
	size_t k;
	int d, e = 0, dist;

	memset(&v, 0, sizeof(v));
	if (strcmp(w, "down") == 0 || strcmp(w, "up") == 0) {
		s->carrier = w[0] == 'u';
		return 0;
	}
	if (strcmp(w, "clear") == 0) {
		for (d = 0; d < 2; d++)
			if (dirs & (1 << d)) {
				s->clear[d] = true;
				s->set[d] = 0;
				memset(&s->v[d], 0, sizeof(s->v[d]));
			}
		return 0;
	}
	for (k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
		if (strcmp(w, valued[k].word) == 0)
			break;
	if (k == sizeof(valued) / sizeof(valued[0]))
		return fail(why, len, "unknown setting '%s': use down, up, "
		    "clear, mtu, delay, jitter, loss, dup, reorder, corrupt, "
		    "rate or limit", w);
	if (*i + 1 >= argc)
		return fail(why, len, "'%s' needs a value (see rumplab link "
		    "--help)", w);
	arg = argv[++*i];
	switch (f = valued[k].f) {
	case SET_MTU:
		return p_uint("mtu", arg, 576, 9000, &s->mtu, why, len);
	case IMPF_DELAY:
		e = p_time("delay", arg, &v.delay_us, why, len);
		break;
	case IMPF_JITTER:
		e = p_time("jitter", arg, &v.jitter_us, why, len);
		if (e == 0 && *i + 1 < argc &&
		    (dist = p_dist(argv[*i + 1])) >= 0) {
			v.dist = (uint32_t)dist;
			f |= IMPF_DIST;
			++*i;
		}
		break;
	case IMPF_LOSS:
		if (strcmp(arg, "gemodel") != 0) {
			e = p_pct("loss", arg, &v.loss_ppm, why, len);
			break;
		}
		if (*i + 2 >= argc)
			return fail(why, len, "loss gemodel needs P and R: "
			    "loss gemodel 1%% 30%% [H [K]]");
		if ((e = p_pct("gemodel P", argv[++*i], &v.ge_p, why, len)) ||
		    (e = p_pct("gemodel R", argv[++*i], &v.ge_r, why, len)))
			return e;
		v.ge_h = RUMP_PPM;
		if (*i + 1 < argc && argv[*i + 1][0] >= '0' &&
		    argv[*i + 1][0] <= '9' &&
		    (e = p_pct("gemodel H", argv[++*i], &v.ge_h, why, len)))
			return e;
		if (*i + 1 < argc && argv[*i + 1][0] >= '0' &&
		    argv[*i + 1][0] <= '9' &&
		    (e = p_pct("gemodel K", argv[++*i], &v.ge_k, why, len)))
			return e;
		if (v.ge_p == 0)
			return fail(why, len, "gemodel P must be above 0 "
			    "(the chance to enter the bad state)");
		break;
	case IMPF_DUP:
		e = p_pct("dup", arg, &v.dup_ppm, why, len);
		break;
	case IMPF_REORDER:
		e = p_pct("reorder", arg, &v.reorder_ppm, why, len);
		break;
	case IMPF_CORRUPT:
		e = p_pct("corrupt", arg, &v.corrupt_ppm, why, len);
		break;
	case IMPF_RATE:
		e = p_rate(arg, &v.rate_bps, why, len);
		break;
	default:                        /* IMPF_LIMIT */
		e = p_uint("limit", arg, 1, MAX_LIMIT, &v.limit, why, len);
		break;
	}
	if (e != 0)
		return e;
	for (d = 0; d < 2; d++)
		if (dirs & (1 << d)) {
			s->set[d] |= f;
			impspec_merge(&s->v[d], &(struct impset){ .v = { v, v },
			    .set = { f, f }, .carrier = -1 }, d + 1);
		}
	return 0;
}

int
impspec_parse(int argc, char **argv, int dirs_ok, int defdir,
    struct impset *s, char *why, size_t whylen)
{
	int i, dirs = defdir, e;

	memset(s, 0, sizeof(*s));
	s->carrier = -1;
	if (argc == 0)
		return fail(why, whylen, "no settings: give down, up, clear "
		    "or impairments like 'delay 20ms loss 1%%'");
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "in") == 0 || strcmp(argv[i], "out") == 0 ||
		    strcmp(argv[i], "both") == 0) {
			dirs = argv[i][0] == 'i' ? IMP_DIR_IN :
			    argv[i][0] == 'o' ? IMP_DIR_OUT : IMP_DIR_BOTH;
			if ((dirs & ~dirs_ok) != 0)
				return fail(why, whylen, "'%s' does not apply "
				    "here: a bus's impairments act once per "
				    "frame, on the sending side (out)",
				    argv[i]);
			continue;
		}
		if ((e = setting(argc, argv, &i, dirs, s, why, whylen)) != 0)
			return e;
	}
	return 0;
}

int
impspec_parse_str(const char *str, int dirs_ok, int defdir,
    struct impset *s, char *why, size_t whylen)
{
	char buf[1024], *words[128], *p, *save = NULL;
	int n = 0;

	if (strlen(str) >= sizeof(buf))
		return fail(why, whylen, "impairments longer than %zu bytes",
		    sizeof(buf) - 1);
	strcpy(buf, str);
	for (p = strtok_r(buf, " \t", &save); p != NULL;
	    p = strtok_r(NULL, " \t", &save)) {
		if (n == 128)
			return fail(why, whylen, "more than 128 words");
		words[n++] = p;
	}
	return impspec_parse(n, words, dirs_ok, defdir, s, why, whylen);
}

void
impspec_merge(struct rump_impair *dst, const struct impset *s, int dir)
{
	const struct rump_impair *v = &s->v[dir - 1];
	unsigned f = s->set[dir - 1];

	if (s->clear[dir - 1]) {
		memset(dst, 0, sizeof(*dst));
	}
	if (f & IMPF_DELAY)
		dst->delay_us = v->delay_us;
	if (f & IMPF_JITTER)
		dst->jitter_us = v->jitter_us;
	if (f & IMPF_DIST)
		dst->dist = v->dist;
	if (f & IMPF_LOSS) {
		dst->loss_ppm = v->loss_ppm;
		dst->ge_p = v->ge_p;
		dst->ge_r = v->ge_r;
		dst->ge_h = v->ge_h;
		dst->ge_k = v->ge_k;
	}
	if (f & IMPF_DUP)
		dst->dup_ppm = v->dup_ppm;
	if (f & IMPF_REORDER)
		dst->reorder_ppm = v->reorder_ppm;
	if (f & IMPF_CORRUPT)
		dst->corrupt_ppm = v->corrupt_ppm;
	if (f & IMPF_RATE)
		dst->rate_bps = v->rate_bps;
	if (f & IMPF_LIMIT)
		dst->limit = v->limit;
}

#define PICK(field) out->field = a->field != 0 ? a->field : b->field

void
impspec_stack(struct rump_impair *out, const struct rump_impair *a,
    const struct rump_impair *b)
{
	memset(out, 0, sizeof(*out));
	PICK(delay_us);
	PICK(jitter_us);
	out->dist = a->jitter_us != 0 ? a->dist : b->dist;
	if (a->loss_ppm != 0 || a->ge_p != 0) {
		out->loss_ppm = a->loss_ppm;
		out->ge_p = a->ge_p;
		out->ge_r = a->ge_r;
		out->ge_h = a->ge_h;
		out->ge_k = a->ge_k;
	} else {
		out->loss_ppm = b->loss_ppm;
		out->ge_p = b->ge_p;
		out->ge_r = b->ge_r;
		out->ge_h = b->ge_h;
		out->ge_k = b->ge_k;
	}
	PICK(dup_ppm);
	PICK(reorder_ppm);
	PICK(corrupt_ppm);
	PICK(rate_bps);
	PICK(limit);
}

static void
fmt_time(uint32_t us, char *b, size_t n)
{
	if (us % 1000000 == 0 && us != 0)
		snprintf(b, n, "%us", us / 1000000);
	else if (us % 1000 == 0)
		snprintf(b, n, "%ums", us / 1000);
	else
		snprintf(b, n, "%uus", us);
}

static void
fmt_pct(uint32_t ppm, char *b, size_t n)
{
	char *e;

	snprintf(b, n, "%u.%04u", ppm / 10000, ppm % 10000);
	for (e = b + strlen(b) - 1; *e == '0'; e--)
		*e = '\0';
	if (*e == '.')
		*e = '\0';
	strncat(b, "%", n - strlen(b) - 1);
}

static void
fmt_rate(uint64_t bps, char *b, size_t n)
{
	if (bps % 1000000000 == 0)
		snprintf(b, n, "%llugbit", (unsigned long long)(bps / 1000000000));
	else if (bps % 1000000 == 0)
		snprintf(b, n, "%llumbit", (unsigned long long)(bps / 1000000));
	else if (bps % 1000 == 0)
		snprintf(b, n, "%llukbit", (unsigned long long)(bps / 1000));
	else
		snprintf(b, n, "%llubit", (unsigned long long)bps);
}

size_t
impspec_format(const struct rump_impair *c, const char *pfx, char *buf,
    size_t len)
{
	char v[4][24];
	size_t o = 0;

#define OUT(...) do {							\
	int k_ = snprintf(buf + o, o < len ? len - o : 0, __VA_ARGS__);	\
	if (k_ > 0) o += (size_t)k_;					\
} while (0)
	if (len > 0)
		buf[0] = '\0';
	if (c->delay_us) {
		fmt_time(c->delay_us, v[0], sizeof(v[0]));
		OUT(" %s.delay=%s", pfx, v[0]);
	}
	if (c->jitter_us) {
		fmt_time(c->jitter_us, v[0], sizeof(v[0]));
		OUT(" %s.jitter=%s %s.dist=%s", pfx, v[0], pfx,
		    dist_name(c->dist));
	}
	if (c->ge_p) {
		fmt_pct(c->ge_p, v[0], sizeof(v[0]));
		fmt_pct(c->ge_r, v[1], sizeof(v[1]));
		fmt_pct(c->ge_h, v[2], sizeof(v[2]));
		fmt_pct(c->ge_k, v[3], sizeof(v[3]));
		OUT(" %s.gemodel=%s,%s,%s,%s", pfx, v[0], v[1], v[2], v[3]);
	} else if (c->loss_ppm) {
		fmt_pct(c->loss_ppm, v[0], sizeof(v[0]));
		OUT(" %s.loss=%s", pfx, v[0]);
	}
	if (c->dup_ppm) {
		fmt_pct(c->dup_ppm, v[0], sizeof(v[0]));
		OUT(" %s.dup=%s", pfx, v[0]);
	}
	if (c->reorder_ppm) {
		fmt_pct(c->reorder_ppm, v[0], sizeof(v[0]));
		OUT(" %s.reorder=%s", pfx, v[0]);
	}
	if (c->corrupt_ppm) {
		fmt_pct(c->corrupt_ppm, v[0], sizeof(v[0]));
		OUT(" %s.corrupt=%s", pfx, v[0]);
	}
	if (c->rate_bps) {
		fmt_rate(c->rate_bps, v[0], sizeof(v[0]));
		OUT(" %s.rate=%s", pfx, v[0]);
		if (c->limit)
			OUT(" %s.limit=%u", pfx, c->limit);
	}
#undef OUT
	return o < len ? o : (len > 0 ? len - 1 : 0);
}
