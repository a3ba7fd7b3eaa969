/*
 * fuzz_topology.c — libFuzzer target over arbitrary topology bytes: the
 * YAML parser, the loader and validator, the planner, and for a lab that
 * opens, the route tables, configuration steps and both printers of its
 * first nodes.  None may crash, leak, hang or read out of bounds; errors
 * must come with positions inside the input.  The same bytes are also a
 * command's output to the JSON paths of checks (lab/jsonpath.c), which
 * must read only inside them (the buffer is not NUL-terminated).
 */
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/jsonpath.h"
#include "lab/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The loader compiles each check's pattern with glibc's regcomp() to
 * judge it (lab/load_check.c): three quarters of this target's time to
 * load its corpus, a third of its mutations'.  Most mutations keep an
 * input's patterns (4 calls of 5 repeat one), and glibc, not
 * instrumented, shows the fuzzer nothing new the second time.  So the
 * link wraps regcomp (-Wl,--wrap=regcomp) with a memory of its verdicts,
 * a pure function of pattern and flags but for running out of memory: a
 * pattern this process compiled before is not compiled again, and one
 * that compiled is handed a trivial regex_t, for regfree() (nothing here
 * calls regexec(), which it would let match anything).  Only the fuzzer's
 * own process remembers: the loader's judge, a child with a second of
 * CPU, must not skip its test because its parent once compiled the
 * pattern unguarded.  Everything of ours still runs at every input.
 */
int __real_regcomp(regex_t *, const char *, int);
int __wrap_regcomp(regex_t *, const char *, int);
int __wrap_regexec(const regex_t *, const char *, size_t, regmatch_t *, int);

#define RX_MEMO	4096
static struct { char *s; int flags, r; } rx_memo[RX_MEMO];
static pid_t rx_pid;

int
__wrap_regcomp(regex_t *re, const char *s, int flags)
{
	unsigned h = 2166136261u;
	const char *p;
	int r;

	if (rx_pid == 0)
		rx_pid = getpid();
	if (getpid() != rx_pid)
		return __real_regcomp(re, s, flags);
	for (p = s; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h %= RX_MEMO;
	if (rx_memo[h].s != NULL && rx_memo[h].flags == flags &&
	    strcmp(rx_memo[h].s, s) == 0) {
		if (rx_memo[h].r == 0)
			return __real_regcomp(re, "", flags);
		memset(re, 0, sizeof(*re));	/* regerror() reads the code */
		return rx_memo[h].r;
	}
	if ((r = __real_regcomp(re, s, flags)) == REG_ESPACE)
		return r;
	free(rx_memo[h].s);
	if ((rx_memo[h].s = strdup(s)) != NULL) {
		rx_memo[h].flags = flags;
		rx_memo[h].r = r;
	}
	return r;
}

/* The stand-in above matches anything: no code here may match with it. */
int
__wrap_regexec(const regex_t *re, const char *s, size_t n, regmatch_t *m,
    int flags)
{
	(void)re, (void)s, (void)n, (void)m, (void)flags;
	abort();
}

static int
count_step(const struct plan_step *s, void *arg)
{
	(*(long *)arg) += s->argc;
	return 0;
}

static void
exercise(const struct lab *lab)
{
	struct lab_route *routes;
	struct lab_trace t;
	FILE *f;
	long words = 0;
	int i, n;

	for (i = 0; i < lab->nnodes && i < 4; i++) {
		if (lab_node_routes(lab, i, &routes, &n) == 0)
			free(routes);
		plan_node_steps(lab, i, "/tmp/buses", count_step, &words);
		if (lab->nchecks > 0)
			lab_trace(lab, i, &lab->checks[0].to, &t);
	}
	if ((f = fopen("/dev/null", "w")) == NULL)
		return;
	if (lab->nnodes <= 64) {
		plan_print_text(lab, NULL, -1, f);
		plan_print_json(lab, "b", -1, f);
	}
	fclose(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { ".", ".nodes[0].name", "[1][0]",
	    ".a.b.c", "$.checks[2]" };
	char out[256], why[256], *copy;
	struct lab *lab;
	struct diag d;
	int i, lines = 1;

	if ((copy = malloc(size ? size : 1)) != NULL) {
		memcpy(copy, data, size);
		for (i = 0; i < 5; i++)
			jpath_eval(copy, size, paths[i], out, sizeof(out), why,
			    sizeof(why));
		free(copy);
	}

	/* YAML breaks lines at CR, LF, NEL and LS/PS (which start with
	 * 0xe2): count every candidate for an upper bound. */
	for (i = 0; i < (int)size; i++)
		lines += data[i] == '\n' || data[i] == '\r' || data[i] == 0x85 ||
		    data[i] == 0xe2;
	diag_init(&d);
	if (lab_open_buffer("fuzz", (const char *)data, size, &lab, &d) == 0) {
		exercise(lab);
		lab_close(lab);
	}
	for (i = 0; i < d.n; i++)
		if (d.msgs[i].pos.line > lines + 1)
			abort();	/* a position outside the input */
	diag_free(&d);
	return 0;
}
