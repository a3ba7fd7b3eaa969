/*
 * checkrun.c — command checks, steps, retries and the report of
 * `rumplab check` (lab/checkrun.h).
 *
 * A command runs as `sh -c CMD` in a process group of its own, its
 * standard output and error in one pipe, read until it closes or the
 * command's time is over (then the whole group is killed): the check's
 * remaining `within:` time, at least CMD_MIN_S, or CMD_DEFAULT_S for a
 * check tried once.  The output kept is its first OUT_MAX bytes.
 */
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/checkrun.h"
#include "lab/child.h"
#include "lab/ctlproto.h"
#include "lab/jsonpath.h"
#include "lab/labctl.h"
#include "lab/launch.h"

#define OUT_MAX		65536
#define CMD_DEFAULT_S	60
#define CMD_MIN_S	5
#define RETRY_MS	500
#define STEP_TIMEOUT_MS	120000

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* --- retries ---------------------------------------------------------------- */

void
checkrun_retry(const struct lab_check *c, checkrun_try_fn fn, void *arg,
    struct check_outcome *o)
{
	double t0 = now_s(), end = t0 + (double)c->within_us / 1e6, left;
	int r;

	o->tries = 0;
	for (;;) {
		r = fn(arg, o->result, sizeof(o->result));
		o->tries++;
		if (r == 0 || (left = end - now_s()) <= 0)
			break;
		sleep_s(left < RETRY_MS / 1000.0 ? left : RETRY_MS / 1000.0);
	}
	o->secs = now_s() - t0;
	o->status = r == 0 ? CR_OK : CR_FAIL;
}

void
checkrun_expect_reach(const struct lab *lab, const struct lab_check *c,
    char *buf, size_t len)
{
	char a[IP_STRLEN];
	size_t off;
	int i;

	if (c->to_node >= 0)
		off = (size_t)snprintf(buf, len, "%s from %s (%s)", c->reach ?
		    "an answer" : "no answer", c->to_name, ip_addr_str(&c->to,
		    a));
	else
		off = (size_t)snprintf(buf, len, "%s from %s", c->reach ?
		    "an answer" : "no answer", ip_addr_str(&c->to, a));
	if (c->has_via && c->nvia == 0 && off < len)
		off += (size_t)snprintf(buf + off, len - off, ", directly");
	for (i = 0; c->has_via && i < c->nvia && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ?
		    "," : " through ", lab->nodes[c->via[i]].name);
	if (c->within_us && off < len)
		snprintf(buf + off, len - off, " within %gs",
		    (double)c->within_us / 1e6);
}

/* --- running a command ------------------------------------------------------ */

struct cmdres {
	char	*out;		/* OUT_MAX + 1 bytes */
	size_t	 len;
	int	 status;	/* exit status, 128 + signal */
	bool	 timedout;
};

/* What the command's shell is started with (in the fork lab/child.c makes,
 * standard input on /dev/null, the pipe as its output, in its own group). */
struct shcmd {
	const char	*url, *lab, *node, *cmd;
};

static int
sh_child(void *arg)
{
	const struct shcmd *a = arg;

	labctl_path_add_bindir();
	setenv("RUMPLAB_LAB", a->lab, 1);
	if (a->url != NULL) {
		setenv("RUMP_SERVER", a->url, 1);
		setenv("RUMPLAB_NODE", a->node, 1);
	} else {
		unsetenv("RUMP_SERVER");
		unsetenv("RUMPLAB_NODE");
	}
	execl("/bin/sh", "sh", "-c", a->cmd, (char *)NULL);
	return 127;
}

/* Keeps the first OUT_MAX bytes of the output as it was written. */
struct collect {
	struct child	*c;
	struct cmdres	*r;
};

static void
collect_line(void *arg, char *line)
{
	struct collect *k = arg;
	struct cmdres *r = k->r;
	size_t n = k->c->linelen;

	if (n > OUT_MAX - r->len)
		n = OUT_MAX - r->len;
	memcpy(r->out + r->len, line, n);
	r->len += n;
	if (k->c->nl && r->len < OUT_MAX)
		r->out[r->len++] = '\n';
}

/* Runs the command until it ends or `limit` seconds pass (then its whole
 * group is killed). */
static int
run_shell(const char *url, const char *lab, const char *node,
    const char *cmd, double limit, struct cmdres *r)
{
	struct shcmd a = { url, lab, node, cmd };
	struct child_spec s = { .fn = sh_child, .arg = &a,
	    .flags = CHILD_GROUP, .timeout_ms = limit * 1000 < INT_MAX - 1 ?
	    (int)(limit * 1000) + 1 : INT_MAX };
	struct child c;
	struct collect k = { &c, r };
	int st;

	r->len = 0;
	r->timedout = false;
	r->status = 127;
	st = child_run(&c, &s, collect_line, &k);
	r->out[r->len] = '\0';
	if (st < 0)
		return st;
	/* Whatever it left behind in its group goes with it. */
	child_signal(&c, SIGKILL);
	r->timedout = c.timedout;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

/* --- judging its output ----------------------------------------------------- */

/* The last `lines` lines of text (at most max bytes), on one line. */
static void
tail_text(const char *text, int lines, size_t max, char *buf, size_t len)
{
	const char *p = text + strlen(text);
	size_t k = 0;
	int n = 0;

	while (p > text && (p[-1] == '\n' || p[-1] == ' '))
		p--;
	while (p > text && (size_t)(text + strlen(text) - p) < max) {
		if (p[-1] == '\n' && ++n >= lines)
			break;
		p--;
	}
	while (*p == '\n' || *p == ' ')
		p++;
	for (; *p != '\0' && k + 1 < len; p++)
		if (*p != '\n' || (k > 0 && buf[k - 1] != '|'))
			buf[k++] = *p == '\n' ? '|' : *p;
	while (k > 0 && (buf[k - 1] == '|' || buf[k - 1] == ' '))
		k--;
	buf[k] = '\0';
	if (k == 0)
		snprintf(buf, len, "no output");
}

/* Where re first matches text: the whole line it is on, or false. */
static bool
match_line(const char *re, const char *text, char *line, size_t len)
{
	regmatch_t m;
	regex_t rx;
	const char *b, *e;
	bool hit;

	if (regcomp(&rx, re, LAB_CHECK_REFLAGS) != 0)
		return false;
	hit = regexec(&rx, text, 1, &m, 0) == 0;
	regfree(&rx);
	if (hit && line != NULL) {
		for (b = text + m.rm_so; b > text && b[-1] != '\n'; b--)
			;
		for (e = text + m.rm_eo; *e != '\0' && *e != '\n'; e++)
			;
		snprintf(line, len, "%.*s", (int)(e - b), b);
	}
	return hit;
}

static void
trim(char *s)
{
	size_t n = strlen(s);
	char *p = s;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' ||
	    s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	memmove(s, p, strlen(p) + 1);
}

/* The text a check's patterns apply to: the output, or its JSON value.
 * 0, or 1 with the failure in res. */
static int
value_of(const struct lab_check *c, const struct cmdres *r, char *val,
    size_t vlen, char *res, size_t len)
{
	char why[256];
	int e;

	if (c->json == NULL) {
		snprintf(val, vlen, "%s", r->out);
		return 0;
	}
	if ((e = jpath_eval(r->out, r->len, c->json, val, vlen, why,
	    sizeof(why))) != 0) {
		snprintf(res, len, "%s", why);
		return 1;
	}
	trim(val);
	if (c->equals != NULL && strcmp(val, c->equals) != 0) {
		snprintf(res, len, "JSON %s is %.200s, not %.200s", c->json, val,
		    c->equals);
		return 1;
	}
	return 0;
}

static int
judge(const struct lab_check *c, const struct cmdres *r, char *res,
    size_t len)
{
	char *val, line[300], tail[400];
	int bad = 0;

	tail_text(r->out, 3, 300, tail, sizeof(tail));
	if (r->timedout)
		return snprintf(res, len, "still running when its time was "
		    "over (killed); output: %s", tail), 1;
	if (c->fails)
		return r->status != 0 ? (snprintf(res, len, "failed, as "
		    "expected (exit status %d)", r->status), 0) :
		    (snprintf(res, len, "succeeded, but must fail; output: %s",
		    tail), 1);
	if (r->status != 0)
		return snprintf(res, len, "exit status %d; output: %s",
		    r->status, tail), 1;
	if ((val = malloc(OUT_MAX + 1)) == NULL)
		return snprintf(res, len, "out of memory"), 1;
	if (value_of(c, r, val, OUT_MAX + 1, res, len) != 0)
		bad = 1;
	else if (c->match != NULL && !match_line(c->match, val, NULL, 0))
		bad = snprintf(res, len, "%s does not match /%s/: %s", c->json ?
		    "the value" : "the output", c->match, c->json ? val : tail);
	else if (c->nomatch != NULL && match_line(c->nomatch, val, line,
	    sizeof(line)))
		bad = snprintf(res, len, "%s matches /%s/: %s", c->json ?
		    "the value" : "the output", c->nomatch, line);
	else if (c->match != NULL && match_line(c->match, val, line,
	    sizeof(line)))
		snprintf(res, len, "matched: %s", line);
	else if (c->json != NULL)
		snprintf(res, len, "JSON %s is %.300s", c->json, val);
	else
		snprintf(res, len, "exit status 0");
	free(val);
	return bad != 0;
}

struct cmdtry {
	const struct lab	*lab;
	const char		*dir;
	const struct lab_check	*c;
	struct cmdres		 r;
	double			 end;	/* the check's deadline */
};

static int
command_try(void *arg, char *res, size_t len)
{
	struct cmdtry *t = arg;
	char url[STATEDIR_PATHMAX + 16];
	double limit = t->c->within_us ? t->end - now_s() : CMD_DEFAULT_S;
	int e;

	if (limit < CMD_MIN_S)
		limit = CMD_MIN_S;
	if (t->c->on >= 0)
		launch_url(t->dir, t->c->on, url, sizeof(url));
	if ((e = run_shell(t->c->on >= 0 ? url : NULL, labctl_name(t->dir),
	    t->c->on_name, t->c->run, limit, &t->r)) != 0) {
		snprintf(res, len, "cannot run it: %s", strerror(-e));
		return 1;
	}
	return judge(t->c, &t->r, res, len);
}

static void
expect_command(const struct lab_check *c, char *buf, size_t len)
{
	size_t off;

	off = (size_t)snprintf(buf, len, "%s", c->fails ? "a failure (exit "
	    "status not 0)" : "exit status 0");
	if (c->json && off < len)
		off += (size_t)snprintf(buf + off, len - off, "; JSON %s %s%s",
		    c->json, c->equals ? "= " : "present",
		    c->equals ? c->equals : "");
	if (c->match && off < len)
		off += (size_t)snprintf(buf + off, len - off, "; %s matching "
		    "/%s/", c->json ? "a value" : "output", c->match);
	if (c->nomatch && off < len)
		off += (size_t)snprintf(buf + off, len - off, "; %s not "
		    "matching /%s/", c->json ? "a value" : "output", c->nomatch);
	if (c->within_us && off < len)
		snprintf(buf + off, len - off, " within %gs",
		    (double)c->within_us / 1e6);
}

void
checkrun_command(const struct lab *lab, const char *dir,
    const struct lab_check *c, struct check_outcome *o)
{
	struct cmdtry t = { lab, dir, c, { NULL, 0, 0, false }, 0 };

	expect_command(c, o->expected, sizeof(o->expected));
	if ((t.r.out = malloc(OUT_MAX + 1)) == NULL) {
		o->status = CR_ERROR;
		snprintf(o->result, sizeof(o->result), "out of memory");
		return;
	}
	t.end = now_s() + (double)c->within_us / 1e6;
	checkrun_retry(c, command_try, &t, o);
	snprintf(o->seen, sizeof(o->seen), "%s", o->result);
	free(t.r.out);
}

/* --- steps ------------------------------------------------------------------ */

/* A "log" line of a step's reply, into what was seen. */
static int
step_log(const struct ctl_reply *r, void *arg)
{
	struct check_outcome *o = arg;
	size_t off = strlen(o->seen);

	if (r->kind == CK_LOG && off < sizeof(o->seen) - 1)
		snprintf(o->seen + off, sizeof(o->seen) - off, "%s%s %.*s",
		    off ? " | " : "", r->name, (int)r->textlen, r->text);
	return 0;
}

void
checkrun_step(const char *dir, const struct lab_check *c,
    struct check_outcome *o)
{
	char line[CTL_LINEMAX], why[256];
	struct ctl_request rq;
	struct ctl_reply fin;
	double t0 = now_s();
	int r;

	o->tries = 1;
	o->status = CR_ERROR;
	if (c->kind == CHECK_WAIT) {
		sleep_s((double)c->wait_us / 1e6);
		o->status = CR_OK;
		snprintf(o->result, sizeof(o->result), "waited %gs",
		    (double)c->wait_us / 1e6);
		o->secs = now_s() - t0;
		return;
	}
	snprintf(o->expected, sizeof(o->expected), "the lab's supervisor "
	    "to do: %s", c->request);
	/* The request as the protocol's table has it (lab/ctlproto.h). */
	snprintf(line, sizeof(line), "%s", c->request);
	if (ctl_request_parse(line, strlen(line), &rq, why, sizeof(why)) != 0) {
		snprintf(o->result, sizeof(o->result), "refused: %s", why);
		return;
	}
	r = ctl_call(dir, rq.def->id, rq.argc, rq.argv, STEP_TIMEOUT_MS,
	    step_log, o, &fin);
	if (r == 0) {
		o->status = CR_OK;
		snprintf(o->result, sizeof(o->result), "%.1000s",
		    fin.textlen > 0 ? fin.text : "done");
	} else if (r == 1)
		snprintf(o->result, sizeof(o->result), "refused: %.1000s",
		    fin.text);
	else if (r == -ETIMEDOUT || r == -ECONNRESET || r == -EPROTO)
		snprintf(o->result, sizeof(o->result), "no answer from the "
		    "lab's supervisor");
	else
		snprintf(o->result, sizeof(o->result), "the lab's supervisor "
		    "does not answer (%s)", strerror(-r));
	o->secs = now_s() - t0;
}

/* --- the report ------------------------------------------------------------- */

#define ROW	"%-4s %-10s %-28s %-6s %s\n"

void
checkrun_report_begin(struct checkrun_report *r, FILE *f, bool json,
    const char *labname, int nchecks)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
	r->json = json;
	r->lab = labname;
	if (json) {
		jw_init(&r->w, f);
		jw_object(&r->w, NULL);
		jw_str(&r->w, "lab", labname);
		jw_array(&r->w, "checks");
	} else if (nchecks == 0)
		fprintf(f, "lab %s has no checks\n", labname);
	else
		fprintf(f, ROW, "", "FROM", "TO", "EXPECT", "RESULT");
}

static const char *
status_word(enum check_status s)
{
	return s == CR_OK ? "ok" : s == CR_FAIL ? "failed" : s == CR_ERROR ?
	    "error" : "not run";
}

/* The FROM, TO and EXPECT columns of a check. */
static void
columns(const struct lab_check *c, char *from, char *to, const char **expect,
    size_t len)
{
	char a[IP_STRLEN];

	switch (c->kind) {
	case CHECK_REACH:
		snprintf(from, len, "%s", c->from_name);
		if (c->to_node >= 0)
			snprintf(to, len, "%s (%s)", c->to_name,
			    ip_addr_str(&c->to, a));
		else
			snprintf(to, len, "%s", c->to_name);
		*expect = c->reach ? "reach" : "none";
		break;
	case CHECK_RUN:
		snprintf(from, len, "%s", c->on >= 0 ? c->on_name : "host");
		snprintf(to, len, "%.28s", c->name ? c->name : c->run);
		*expect = c->fails ? "fails" : c->json ? "json" : c->match ||
		    c->nomatch ? "match" : "exit 0";
		break;
	default:
		snprintf(from, len, "step");
		snprintf(to, len, "%.28s", c->name ? c->name : c->kind ==
		    CHECK_DO ? c->request : "wait");
		*expect = c->kind == CHECK_DO ? "do" : "wait";
		break;
	}
}

static void
text_check(struct checkrun_report *r, const struct lab_check *c,
    const struct check_outcome *o)
{
	static const char *mark[] = { "ok", "FAIL", "ERR", "SKIP" };
	char from[128], to[128], tries[64] = "";
	const char *expect;
	bool step = c->kind == CHECK_DO || c->kind == CHECK_WAIT;

	columns(c, from, to, &expect, sizeof(from));
	if (o->tries > 1)
		snprintf(tries, sizeof(tries), " (%d tries in %.1fs)", o->tries,
		    o->secs);
	fprintf(r->f, ROW, step && o->status == CR_OK ? "--" :
	    mark[o->status], from, to, expect, o->status == CR_SKIP ?
	    "not run: a step before it could not be done" : o->result);
	if (o->status != CR_FAIL && o->status != CR_ERROR)
		return;
	if (c->name != NULL)
		fprintf(r->f, "       check:    %s\n", c->name);
	if (c->kind == CHECK_RUN)
		fprintf(r->f, "       command:  %s%s%s\n", c->run, c->on >= 0 ?
		    " on " : " on the host", c->on >= 0 ? c->on_name : "");
	fprintf(r->f, "       expected: %s\n", o->expected);
	fprintf(r->f, "       seen:     %s%s\n", o->seen[0] ? o->seen :
	    o->result, tries);
	if (c->hint != NULL)
		fprintf(r->f, "       hint:     %s\n", c->hint);
}

/* One check as the table's row has it (expect: its EXPECT column), and
 * what a failure's lines under it say. */
static void
json_check(struct checkrun_report *r, int index, const struct lab_check *c,
    const struct check_outcome *o)
{
	static const char *kinds[] = { "reach", "run", "do", "wait" };
	char from[128], to[128], a[IP_STRLEN];
	const char *expect;
	struct jw *w = &r->w;

	columns(c, from, to, &expect, sizeof(from));
	jw_object(w, NULL);
	jw_int(w, "index", index + 1);
	jw_str(w, "kind", kinds[c->kind]);
	jw_str(w, "status", status_word(o->status));
	jw_bool(w, "ok", o->status == CR_OK);
	jw_str(w, "name", c->name);
	if (c->kind == CHECK_REACH) {
		jw_str(w, "from", c->from_name);
		jw_str(w, "to", c->to_name);
		jw_str(w, "address", ip_addr_str(&c->to, a));
	} else if (c->kind == CHECK_RUN) {
		jw_str(w, "on", c->on >= 0 ? c->on_name : NULL);
		jw_str(w, "run", c->run);
	} else if (c->kind == CHECK_DO)
		jw_str(w, "do", c->request);
	jw_str(w, "expect", expect);
	jw_str(w, "result", o->status == CR_SKIP ? "not run" : o->result);
	jw_str(w, "expected", o->expected[0] ? o->expected : NULL);
	jw_str(w, "seen", o->status == CR_FAIL || o->status == CR_ERROR ?
	    (o->seen[0] ? o->seen : o->result) : NULL);
	jw_str(w, "hint", c->hint);
	jw_int(w, "tries", o->tries);
	jw_numf(w, "seconds", "%.3f", o->secs);
	jw_close(w);
}

void
checkrun_report_check(struct checkrun_report *r, const struct lab *lab,
    int index, const struct lab_check *c, const struct check_outcome *o)
{
	bool step = c->kind == CHECK_DO || c->kind == CHECK_WAIT;

	r->n++;
	if (o->status == CR_OK && !step)
		r->passed++;
	else if (o->status == CR_FAIL)
		r->failed++;
	else if (o->status == CR_ERROR)
		r->errors++;
	else if (o->status == CR_SKIP)
		r->skipped++;
	if (r->json)
		json_check(r, index, c, o);
	else
		text_check(r, c, o);
	fflush(r->f);
	(void)lab;
}

int
checkrun_report_end(struct checkrun_report *r)
{
	int status = r->errors ? 2 : r->failed ? 1 : 0;

	if (r->json) {
		jw_close(&r->w);
		jw_int(&r->w, "total", r->n);
		jw_int(&r->w, "passed", r->passed);
		jw_int(&r->w, "failed", r->failed);
		jw_int(&r->w, "errors", r->errors);
		jw_int(&r->w, "not_run", r->skipped);
		jw_int(&r->w, "status", status);
		jw_close(&r->w);
		/* A report that could not be written is no grade. */
		return jw_end(&r->w) != 0 ? 2 : status;
	}
	if (r->errors)
		fprintf(r->f, "a step could not be done: %d check%s not run\n",
		    r->skipped, r->skipped == 1 ? "" : "s");
	if (r->failed)
		fprintf(r->f, "%d of %d checks failed\n", r->failed,
		    r->passed + r->failed + r->skipped);
	return status;
}
