/*
 * load_check.c — checks: what the lab asserts once it runs, and the steps
 * that change it between them.
 *
 *   - { from: h1, to: h2 }                   h1 reaches h2's first address
 *   - { from: h1, to: 10.0.2.10 }            ... or an address
 *   - { from: h1, to: h2, family: 6 }        ... h2's first IPv6 address
 *   - { from: h1, to: h2, via: [r1, r2] }    ... through r1 then r2
 *   - { from: h1, to: h2, reach: false }     h1 must not reach h2
 *   - { on: r1, run: "rump.netstat -rn", match: "UG2" }
 *                                            a command's output matches
 *   - { on: r1, run: CMD, json: .a[0].b, equals: 3 }   ... as JSON
 *   - { on: r1, run: CMD, fails: true }      the command must fail
 *   - { do: "link set r1:shmif1 down" }      a step: rumplab link set,
 *                                            bus cut|join, node stop|...
 *   - { wait: 2s }                           a pause
 * Every check may have a name, a hint (printed when it fails) and
 * `within: 30s` (tried again until it passes or that much time passed).
 *
 * Node names are resolved here (nodes are loaded first); a step's bus
 * and interface once every bus and interface is named (checks_resolve(),
 * from the resolve phase); whether the computed routes satisfy a
 * reachability check is the planner's (lab/trace.c).
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/arena.h"
#include "lab/ctlproto.h"
#include "lab/impair_spec.h"
#include "lab/jsonpath.h"
#include "lab/load.h"

/* The node `v` names, or -1 (reported as `role`). */
static int
check_node(struct loader *L, const struct ynode *v, const char *role)
{
	const char *list, *near, *name;
	int n;

	if (v_name(L, v, role, &name) != 0)
		return -1;
	if ((n = lab_node_find(L->lab, name)) >= 0)
		return n;
	list = lab_node_names(L->lab, name, &near);
	if (near != NULL)
		lerr(L, v->pos, "%s: no node '%s' (did you mean '%s'? defined "
		    "nodes: %s)", role, name, near, list);
	else
		lerr(L, v->pos, "%s: no node '%s' (defined nodes: %s)", role,
		    name, list);
	return -1;
}

static int
k_from(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_check *c = obj;

	c->frompos = v ? v->pos : k->pos;
	if ((c->from = check_node(L, v, "check 'from'")) < 0)
		return -EINVAL;
	c->from_name = v->str;
	return 0;
}

static int
k_to(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_check *c = obj;
	bool had_len;

	c->topos = v ? v->pos : k->pos;
	c->to_node = -1;
	if (v != NULL && v->kind == Y_SCALAR &&
	    ip_parse(v->str, IP_LEN_OPTIONAL, &c->to, &had_len) == 0) {
		if (had_len)
			return lerr(L, v->pos, "check 'to' is an address without "
			    "a prefix length (got %s)", v->str);
		c->to_name = v->str;
		return 0;
	}
	memset(&c->to, 0, sizeof(c->to));
	if ((c->to_node = check_node(L, v, "check 'to'")) < 0)
		return -EINVAL;
	c->to_name = v->str;
	return 0;
}

static int
k_cvia(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_check *c = obj;
	int i, cnt, rv = 0;

	c->viapos = v ? v->pos : k->pos;
	c->has_via = true;
	if ((cnt = v_list(L, v, "via")) < 0)
		return cnt;
	if ((c->via = arena_alloc(L->a, sizeof(int) * (size_t)(cnt + 1))) ==
	    NULL || (c->via_names = arena_alloc(L->a, sizeof(char *) *
	    (size_t)(cnt + 1))) == NULL || (c->via_pos = arena_alloc(L->a,
	    sizeof(struct lab_pos) * (size_t)(cnt + 1))) == NULL)
		return lnomem(L);
	for (i = 0; i < cnt; i++) {
		const struct ynode *it = v_item(v, i);

		c->via_pos[i] = it->pos;
		if ((c->via[i] = check_node(L, it, "check 'via'")) < 0)
			rv = -EINVAL;
		else
			c->via_names[i] = it->str;
	}
	c->nvia = cnt;
	return rv;
}

static int
k_reach(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_bool(L, v, "reach", &((struct lab_check *)obj)->reach);
}

static int
k_family(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	unsigned long f;

	if (v_uint(L, v, "family", 4, 6, &f) != 0 || (f != 4 && f != 6))
		return lerr(L, v ? v->pos : k->pos, "check 'family' must be "
		    "4 or 6");
	((struct lab_check *)obj)->family = (int)f;
	return 0;
}

/* --- the keys of every kind ----------------------------------------------- */

static int
k_name(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_str(L, v, "name", &((struct lab_check *)obj)->name);
}

static int
k_hint(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_str(L, v, "hint", &((struct lab_check *)obj)->hint);
}

static int
k_within(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_duration(L, v, "within", &((struct lab_check *)obj)->within_us);
}

static const struct keyspec common_keys[] = {
	{ "name", k_name, NULL },
	{ "hint", k_hint, NULL },
	{ "within", k_within, NULL },
	{ NULL, NULL, NULL },
};

static const struct keyspec check_keys[] = {
	{ "from", k_from, NULL },
	{ "to", k_to, NULL },
	{ "via", k_cvia, NULL },
	{ "reach", k_reach, NULL },
	{ "family", k_family, NULL },
	{ NULL, NULL, common_keys },
};

/* --- commands -------------------------------------------------------------- */

static int
k_on(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_check *c = obj;

	if ((c->on = check_node(L, v, "check 'on'")) < 0)
		return -EINVAL;
	c->on_name = v->str;
	return 0;
}

static int
k_run(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_check *c = obj;

	if (v_str(L, v, "run", &c->run) != 0)
		return -EINVAL;
	if (c->run[0] == '\0')
		return lerr(L, v->pos, "check 'run' is empty: give the command "
		    "to run, like rump.netstat -rn");
	return 0;
}

/*
 * What glibc's regcomp() would make of the ERE S, roughly, in two
 * counts that each blow up on their own:
 *
 * - nodes: it copies what a repetition applies to (a+ is aa*, a{3} is
 *   aaa, and (a+)+ copies the copy), so stacked or nested repetitions
 *   grow it exponentially: a 36-byte `match:` with 23 `+` in a row took
 *   regcomp 1.6 GB and 4.9 s (found by fuzz_topology), and a{1,m} costs
 *   m squared.  Bracket expressions and escapes count as one node.
 * - empty ways: branches of an alternation that can match the empty
 *   string (an empty one, a?, a*, an anchor), copied the same way.
 *   regcomp computes every node's epsilon closure, and these make the
 *   closures large and nested: ((((||||||||||||||||)+)+)+)+ took 0.5-1.7
 *   s, with 32 bars over a minute (found by fuzz_topology, in 1 MB),
 *   ((((^|$|^|$|...16...)+)+)+)+ over a minute.  At 128 the slowest
 *   shape measured took 65 ms; at 256, 0.5-2.5 s.  A repetition that
 *   may match nothing (a*, a?) is one such way too, copied by a + after
 *   it: `^ *++++` took 7 ms, `^ *+++++` over a minute (fuzz_topology;
 *   without the anchor, `a*+++++++` 7 ms).  Past RX_JUDGE_EMPTY such
 *   ways a pattern is compiled under rx_judge()'s limit.
 *
 * Counting stops past either bound.
 */
#define RX_NODES_MAX	20000
#define RX_EMPTY_MAX	128
#define RX_DEPTH_MAX	64

struct rx_level {
	double	cur, last;	/* nodes so far; of the last atom */
	double	eps, leps;	/* empty ways so far; of the last atom */
	bool	bnull;		/* the branch so far matches empty */
	bool	pnull;		/* ... before its last atom */
	bool	gnull;		/* a branch of the group matches empty */
};

/* An atom ends: NODES nodes, EPS empty ways, matching empty or not. */
static void
rx_atom(struct rx_level *l, double nodes, double eps, bool null)
{
	l->cur += nodes;
	l->last = nodes;
	l->eps += eps;
	l->leps = eps;
	l->pnull = l->bnull;
	l->bnull = l->bnull && null;
}

/* A branch ends (at | or the group's end). */
static void
rx_branch(struct rx_level *l)
{
	if (l->bnull) {
		l->eps += 1;
		l->gnull = true;
	}
	l->bnull = true;
	l->last = l->leps = 0;
}

/* A count of {n,m}, at most RE_DUP_MAX + 1: glibc refuses any over
 * RE_DUP_MAX, and strtol() gives LONG_MAX for more digits than a long
 * holds (a{99999999999999999999,} made n + 1 overflow; fuzz_topology). */
static long
rx_count(const char *q, char **e)
{
	long v = strtol(q, e, 10);

	return v > RE_DUP_MAX ? RE_DUP_MAX + 1 : v;
}

static void
rx_cost(const char *s, double *nodesp, double *epsp)
{
	struct rx_level lv[RX_DEPTH_MAX + 1], *l = lv;
	const char *p = s, *q;
	double g;
	char *e;
	long n, m;
	char c;

	*nodesp = *epsp = RX_NODES_MAX + 1;
	memset(l, 0, sizeof(*l));
	l->bnull = true;
	for (; *p != '\0' && l->cur <= RX_NODES_MAX && l->eps <= RX_EMPTY_MAX;
	    p++) {
		switch (*p) {
		case '\\':
			if (p[1] == '\0')
				goto literal;
			p++;
			/* \b \B \< \> \` \' are anchors, matching empty,
			 * and an empty way each: glibc copies the closure of
			 * every node with a condition */
			if (strchr("bB<>`'", *p) != NULL)
				rx_atom(l, 1, 1, true);
			else
				rx_atom(l, 1, 0, false);
			break;
		case '^':
		case '$':
			rx_atom(l, 1, 1, true);
			break;
		case '[':
			q = p + 1;
			if (*q == '^')
				q++;
			if (*q == ']')
				q++;
			for (; *q != '\0' && *q != ']'; q++)
				if (*q == '[' && (q[1] == ':' || q[1] == '.' ||
				    q[1] == '=')) {
					c = q[1];
					for (q += 2; *q != '\0' && !(*q == c &&
					    q[1] == ']'); q++)
						;
					if (*q == '\0')
						break;
					q++;
				}
			if (*q == '\0') {	/* unterminated: regcomp says so */
				*nodesp = l->cur + 1;
				*epsp = l->eps;
				return;
			}
			p = q;
			goto literal;
		case '(':
			if (l == lv + RX_DEPTH_MAX)
				return;
			l++;
			memset(l, 0, sizeof(*l));
			l->bnull = true;
			break;
		case ')':
			if (l == lv)
				goto literal;	/* glibc: a ')' alone is one */
			rx_branch(l);
			l--;
			rx_atom(l, l[1].cur + 1, l[1].eps, l[1].gnull);
			break;
		case '|':
			rx_branch(l);
			break;
		case '*':
		case '?':
			l->cur += 1;
			l->bnull = l->pnull;	/* the atom may be absent */
			l->eps += 1;		/* an empty way, which a + */
			l->leps += 1;		/* after it copies */
			break;
		case '+':
			l->cur += l->last + 1;
			l->last = 2 * l->last + 1;
			l->eps += l->leps;
			l->leps *= 2;
			break;
		case '{':
			/* {n}, {n,}, {n,m}, and glibc's {,m} (n = 0) */
			q = p + 1;
			n = 0;
			if (*q >= '0' && *q <= '9') {
				n = rx_count(q, &e);
				q = e;
			} else if (*q != ',')
				goto literal;
			m = n;
			if (*q == ',') {
				q++;
				if (*q >= '0' && *q <= '9') {
					m = rx_count(q, &e);
					q = e;
				} else
					m = n + 1;	/* a{n,} is a{n}a* */
			}
			if (*q != '}')
				goto literal;
			p = q;
			/* n copies, and m - n optional ones nested in each
			 * other: those cost their square (x{1,2000} took
			 * regcomp 33 MB, x{1,19000} 2.8 GB) */
			g = (double)(n > 1 ? n : 1) + (m > n ? (double)(m - n) *
			    (double)(m - n) / 200 : 0);
			l->cur += l->last * (g - 1) + 1;
			l->last = l->last * g + 1;
			l->eps += l->leps * (g - 1);
			l->leps *= g;
			if (n == 0)
				l->bnull = l->pnull;
			break;
		default:
		literal:
			rx_atom(l, 1, 0, false);
			break;
		}
	}
	for (; l > lv; l--) {		/* unclosed: regcomp says so */
		l[-1].cur += l->cur;
		l[-1].eps += l->eps;
	}
	*nodesp = l->cur;
	*epsp = l->eps;
}

/*
 * S compiled as the check will compile it, in a child given a second of
 * CPU: the estimate above keeps missing shapes (a reviewer found
 * (\b\b\b\b\b\b\b\b\b)+, 21 bytes: 16.7 s; and (\b|\B){22}: 11.5 s and
 * 2 GB with the groups tracked, 1 ms without), and regcomp() cannot be
 * stopped in the middle.  0; 1 when the child ran out of time (or was
 * killed); else regcomp's error, in why.  No memory limit: the
 * sanitizers' reservations would not fit one, and a second of CPU makes
 * a few hundred megabytes at most.
 */
#define RX_CPU_S	1
/* Below these the estimate is trusted, and S compiled here: a fork per
 * pattern would cost the topology fuzzer nine tenths of its speed. */
#define RX_JUDGE_NODES	2000
#define RX_JUDGE_EMPTY	8

/* 0, or -EINVAL with regcomp's reason in why. */
static int
rx_compile(const char *s, char *why, size_t whylen)
{
	regex_t re;
	int r;

	if ((r = regcomp(&re, s, LAB_CHECK_REFLAGS)) != 0) {
		regerror(r, &re, why, whylen);
		return -EINVAL;
	}
	regfree(&re);
	return 0;
}

static int
rx_judge(const char *s, char *why, size_t whylen)
{
	struct rlimit cpu = { RX_CPU_S, RX_CPU_S + 1 }, core = { 0, 0 };
	char buf[128];
	int fd[2], r = 0, st;
	regex_t re;
	ssize_t n;
	pid_t pid;

	why[0] = '\0';
	if (pipe2(fd, O_CLOEXEC) != 0)
		goto here;
	if ((pid = fork()) < 0) {
		close(fd[0]);
		close(fd[1]);
		goto here;
	}
	if (pid == 0) {
		close(fd[0]);
		(void)setrlimit(RLIMIT_CPU, &cpu);
		(void)setrlimit(RLIMIT_CORE, &core);	/* SIGXCPU dumps */
		signal(SIGXCPU, SIG_DFL);
		if ((r = regcomp(&re, s, LAB_CHECK_REFLAGS)) != 0) {
			regerror(r, &re, buf, sizeof(buf));
			(void)!write(fd[1], buf, strlen(buf));
		}
		_exit(r != 0 ? 2 : 0);
	}
	close(fd[1]);
	while ((n = read(fd[0], buf, sizeof(buf) - 1)) < 0 && errno == EINTR)
		;
	close(fd[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 0;	/* reaped elsewhere: its word stands */
	if (WIFSIGNALED(st))
		return 1;
	if (n > 0) {
		buf[n] = '\0';
		snprintf(why, whylen, "%s", buf);
		return -EINVAL;
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
here:	/* no child to be had: compiled here, unguarded */
	return rx_compile(s, why, whylen);
}

/* An extended regular expression, judged once here. */
static int
k_regex(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_check *c = obj;
	const char *s;
	char why[128];
	double nodes, eps;
	int r;

	if (v_str(L, v, k->str, &s) != 0)
		return -EINVAL;
	rx_cost(s, &nodes, &eps);
	if (nodes > RX_NODES_MAX)
		return lerr(L, v->pos, "check '%s' repeats too much: its "
		    "repetitions (+, {n,m}) copy what they repeat, and "
		    "stacked, nested or large ones would make a matcher of "
		    "over %d parts; repeat each part once, with small counts "
		    "(got %s)", k->str, RX_NODES_MAX, s);
	if (eps > RX_EMPTY_MAX)
		return lerr(L, v->pos, "check '%s' has too many ways to match "
		    "nothing: alternatives that can be empty (a|, a?|b*, "
		    "^|$) inside repetitions, which copy them, would make a "
		    "matcher that takes minutes to build (over %d such ways); "
		    "drop the empty alternatives or the repetition around "
		    "them (got %s)", k->str, RX_EMPTY_MAX, s);
	if (nodes <= RX_JUDGE_NODES && eps <= RX_JUDGE_EMPTY)
		r = rx_compile(s, why, sizeof(why));
	else if ((r = rx_judge(s, why, sizeof(why))) == 1)
		return lerr(L, v->pos, "check '%s' takes the C library over "
		    "%d s of CPU to compile (its repetitions, or parts that "
		    "match nothing, like \\b, copied by them); make it "
		    "simpler (got %s)", k->str, RX_CPU_S, s);
	if (r != 0)
		return lerr(L, v->pos, "check '%s' is not an extended regular "
		    "expression: %s (got %s)", k->str, why, s);
	*(strcmp(k->str, "match") == 0 ? &c->match : &c->nomatch) = s;
	return 0;
}

static int
k_json(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_check *c = obj;
	char why[160];

	if (v_str(L, v, "json", &c->json) != 0)
		return -EINVAL;
	if (jpath_check(c->json, why, sizeof(why)) != 0)
		return lerr(L, v->pos, "check 'json': %s", why);
	return 0;
}

static int
k_equals(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_str(L, v, "equals", &((struct lab_check *)obj)->equals);
}

static int
k_fails(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_bool(L, v, "fails", &((struct lab_check *)obj)->fails);
}

static const struct keyspec run_keys[] = {
	{ "on", k_on, NULL },
	{ "run", k_run, NULL },
	{ "match", k_regex, NULL },
	{ "nomatch", k_regex, NULL },
	{ "json", k_json, NULL },
	{ "equals", k_equals, NULL },
	{ "fails", k_fails, NULL },
	{ NULL, NULL, common_keys },
};

/* --- steps ----------------------------------------------------------------- */

static int
k_do(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_check *c = obj;

	if (v_str(L, v, "do", &c->request_words) != 0)
		return -EINVAL;
	c->request = c->request_words;
	return 0;
}

static int
k_wait(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_duration(L, v, "wait", &((struct lab_check *)obj)->wait_us);
}

static const struct keyspec do_keys[] = {
	{ "do", k_do, NULL },
	{ "name", k_name, NULL },
	{ NULL, NULL, NULL },
};

static const struct keyspec wait_keys[] = {
	{ "wait", k_wait, NULL },
	{ "name", k_name, NULL },
	{ NULL, NULL, NULL },
};

/* A command check's keys that only make sense together. */
static int
run_consistent(struct loader *L, const struct ynode *item,
    const struct lab_check *c)
{
	const struct ynode *eq = ymap_get(item, "equals");

	if (eq != NULL && c->json == NULL)
		return lerr(L, eq->pos, "check 'equals' compares the value at "
		    "a 'json' path: give one, like json: .nodes[0].state");
	if (c->fails && (c->match || c->nomatch || c->json))
		return lerr(L, ymap_get(item, "fails")->pos, "a check with "
		    "'fails: true' judges the exit status only: drop 'match', "
		    "'nomatch' and 'json', or make a second check");
	return 0;
}

/* The kind of check item is, by its keys. */
static enum lab_check_kind
item_kind(const struct ynode *item)
{
	if (ymap_get(item, "do") != NULL)
		return CHECK_DO;
	if (ymap_get(item, "wait") != NULL)
		return CHECK_WAIT;
	if (ymap_get(item, "run") != NULL || ymap_get(item, "on") != NULL)
		return CHECK_RUN;
	return CHECK_REACH;
}

static int
load_reach(struct loader *L, const struct ynode *item, struct lab_check *c)
{
	int r;

	if ((r = load_keys(L, item, "check", check_keys, c)) == -ENOMEM)
		return r;
	if (ymap_get(item, "from") == NULL || ymap_get(item, "to") == NULL)
		return lerr(L, item->pos, "a check needs 'from' (a node) and "
		    "'to' (a node or an address), like { from: h1, to: h2 }, "
		    "or 'run' (a command), 'do' (a step) or 'wait'");
	if (r != 0)
		return -EINVAL;
	if (c->has_via && !c->reach)
		return lerr(L, c->viapos, "check with 'reach: false' cannot "
		    "have a 'via' path");
	return 0;
}

static int
load_item(struct loader *L, const struct ynode *item, struct lab_check *c)
{
	int r;

	switch (c->kind = item_kind(item)) {
	case CHECK_REACH:
		return load_reach(L, item, c);
	case CHECK_RUN:
		if ((r = load_keys(L, item, "command check", run_keys, c)) != 0)
			return r;
		if (c->run == NULL)
			return lerr(L, item->pos, "a check with 'on' needs 'run': "
			    "the command to run on the node, like { on: r1, run: "
			    "rump.netstat -rn, match: UG }");
		return run_consistent(L, item, c);
	case CHECK_DO:
		return load_keys(L, item, "step", do_keys, c);
	default:
		return load_keys(L, item, "wait step", wait_keys, c);
	}
}

static int
load_check(struct loader *L, const struct ynode *item, bool *after_step)
{
	struct lab *lab = L->lab;
	struct lab_check c, *v;
	int r;

	memset(&c, 0, sizeof(c));
	c.from = c.to_node = c.on = -1;
	c.reach = true;
	c.pos = item->pos;
	if (item->kind != Y_MAP)
		return lerr(L, item->pos, "a check must be a mapping like { from: "
		    "h1, to: h2 }, not %s", ykind_name(item));
	if ((r = load_item(L, item, &c)) != 0)
		return r;
	c.after_step = *after_step;
	if (c.kind == CHECK_DO || c.kind == CHECK_WAIT)
		*after_step = true;
	if ((v = arena_grow(L->a, lab->checks, lab->nchecks, &lab->capchecks,
	    sizeof(*v))) == NULL)
		return lnomem(L);
	lab->checks = v;
	lab->checks[lab->nchecks++] = c;
	return 0;
}

int
load_checks(struct loader *L, const struct ynode *checks)
{
	bool after = false;
	int i, r;

	if (yis_null(checks))
		return 0;
	if (checks->kind != Y_SEQ)
		return lerr(L, checks->pos, "'checks' must be a list like "
		    "[ { from: h1, to: h2 } ]");
	for (i = 0; i < checks->n; i++)
		if ((r = load_check(L, checks->kids[i], &after)) == -ENOMEM)
			return r;
	return 0;
}

/* --- steps, once buses and interfaces have their names ---------------------- */

#define STEP_WORDS	64
#define STEP_LEN	1000

/* A link step's target: NODE:IF or BUS.  *dirs: the directions allowed. */
static int
step_target(const struct lab *lab, const char *t, int *dirs, char *why,
    size_t whylen)
{
	char node[LAB_NAME_MAX + 1];
	const char *colon = strchr(t, ':');
	int n;

	*dirs = IMP_DIR_BOTH;
	if (colon == NULL) {
		*dirs = IMP_DIR_OUT;
		if (lab_bus_find(lab, t) >= 0)
			return 0;
		snprintf(why, whylen, "no bus '%s' (name a bus, or an interface "
		    "as NODE:IF)", t);
		return -EINVAL;
	}
	snprintf(node, sizeof(node), "%.*s", (int)(colon - t), t);
	if ((n = lab_node_find(lab, node)) < 0) {
		snprintf(why, whylen, "no node '%s'", node);
		return -EINVAL;
	}
	if (lab_iface_find(lab, n, colon + 1) < 0) {
		snprintf(why, whylen, "node %s has no interface '%s' (by name, "
		    "its 'name:' or its bus's name)", node, colon + 1);
		return -EINVAL;
	}
	return 0;
}

/* What a step may be, the words as the protocol's table has them. */
static void
step_forms(char *why, size_t whylen)
{
	char bus[64], node[64];

	ctl_req_seconds("bus", "|", bus, sizeof(bus));
	ctl_req_seconds("node", "|", node, sizeof(node));
	snprintf(why, whylen, "a step is '%s NODE:IF|BUS SETTING...', 'bus %s "
	    "BUS' or 'node %s NODE'", ctl_reqs[CTL_LINK_SET].words, bus, node);
}

/*
 * The words of one step, judged as the supervisor will take them: a
 * request of the control protocol's table (lab/ctlproto.h) that changes
 * the lab, naming what the lab has.
 */
static int
step_words(const struct lab *lab, int argc, char **argv, char *why,
    size_t whylen)
{
	const struct ctl_reqdef *d;
	struct impset set;
	int n = argc - 2, dirs;

	d = argc >= 2 ? ctl_req_find(argv[0], argv[1]) : NULL;
	switch (d == NULL || n < 1 || n > d->maxargs ? CTL_NREQ : d->id) {
	case CTL_LINK_SET:
		if (step_target(lab, argv[2], &dirs, why, whylen) != 0)
			return -EINVAL;
		if (n < d->minargs) {
			snprintf(why, whylen, "%s %s: say what to set, like "
			    "down or delay 20ms", d->words, argv[2]);
			return -EINVAL;
		}
		return impspec_parse(n - 1, argv + 3, dirs, dirs, &set, why,
		    whylen);
	case CTL_BUS_CUT:
	case CTL_BUS_JOIN:
		if (lab_bus_find(lab, argv[2]) >= 0)
			return 0;
		snprintf(why, whylen, "no bus '%s'", argv[2]);
		return -EINVAL;
	case CTL_NODE_STOP:
	case CTL_NODE_START:
	case CTL_NODE_RESTART:
	case CTL_NODE_KILL:
		if (lab_node_find(lab, argv[2]) >= 0)
			return 0;
		snprintf(why, whylen, "no node '%s'", argv[2]);
		return -EINVAL;
	default:
		step_forms(why, whylen);
		return -EINVAL;
	}
}

/* Splits, judges and joins a step's words with single spaces. */
static int
resolve_step(struct lab *lab, struct lab_check *c, struct diag *d)
{
	char buf[STEP_LEN + 1], out[STEP_LEN + 1], why[256], *argv[STEP_WORDS];
	char *save, *w;
	size_t off = 0;
	int argc = 0, i;

	if (strlen(c->request_words) > STEP_LEN) {
		diag_add(d, c->pos, "check step 'do' is longer than %d "
		    "characters", STEP_LEN);
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", c->request_words);
	for (w = strtok_r(buf, " \t\n", &save); w != NULL && argc < STEP_WORDS;
	    w = strtok_r(NULL, " \t\n", &save))
		argv[argc++] = w;
	if (step_words(lab, argc, argv, why, sizeof(why)) != 0) {
		diag_add(d, c->pos, "check step 'do: %s': %s", c->request_words,
		    why);
		return -EINVAL;
	}
	out[0] = '\0';
	for (i = 0; i < argc; i++)
		off += (size_t)snprintf(out + off, sizeof(out) - off, "%s%s",
		    i ? " " : "", argv[i]);
	if ((c->request = arena_strdup(lab->arena, out)) == NULL)
		return -ENOMEM;
	return 0;
}

int
checks_resolve(struct lab *lab, struct diag *d)
{
	int i;

	for (i = 0; i < lab->nchecks; i++)
		if (lab->checks[i].kind == CHECK_DO &&
		    resolve_step(lab, &lab->checks[i], d) == -ENOMEM)
			return -ENOMEM;
	return 0;
}
