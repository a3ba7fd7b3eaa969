/*
 * verb_check.c — `rumplab check [LAB] [--json]`: run the lab's checks:
 * against the live nodes, from each check's `from` node through the node
 * stacks.
 *
 *  - reach (the default): rump.ping / rump.ping6 from the node gets an
 *    answer (a few tries: IPv6 addresses are tentative for a moment after
 *    up);
 *  - reach: false: no answer to any of a few requests;
 *  - via: the path, hop by hop, with rump.traceroute -I or
 *    rump.traceroute6 -I (ICMP echo probes: a router that is the
 *    destination answers those), each answering address mapped to the
 *    node that holds it.  Only when the traceroute command is missing is
 *    the path checked by hop limit instead: len(via) must not reach, one
 *    more must, which proves the number of hops but not which nodes.
 *
 * A check whose source, destination or planned path holds a node that
 * is not up (dead, stopped, ...) is not tried: it fails at once naming
 * the node and why (a reach: false check holds).
 *
 * Command checks, steps (link set, node kill, ...), retries until a
 * check's `within:` time and the report (a table, or --json, with what
 * was expected, seen and hinted for each failure) are lab/checkrun.c's;
 * this file runs the checks in order (grade_one()), pings and traces.
 * Exit status: 0 every check passed, 1 some failed, 2 the checks could
 * not be run (no lab, or a step refused).
 * The commands come from beside rumplab, else from $PATH.
 */
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json/json.h"
#include "kernel/rumpclient.h"
#include "lab/child.h"
#include "lab/checkrun.h"
#include "lab/labctl.h"
#include "lab/labview.h"
#include "lab/launch.h"
#include "lab/plan.h"
#include "lab/verbs.h"

static char bindir[PATH_MAX];

static void
find_bindir(void)
{
	char *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", bindir, sizeof(bindir) - 1);
	bindir[n > 0 ? n : 0] = '\0';
	if ((slash = strrchr(bindir, '/')) != NULL)
		*slash = '\0';
}

/* Runs a rump.* command against url; its output into out. */
static int
run_cmd(const char *url, char *const argv[], char *out, size_t outlen)
{
	char path[PATH_MAX + 64], var[STATEDIR_PATHMAX + 32];
	const char *set[] = { var, NULL };
	struct child_text t = { out, outlen, 0 };
	struct child_spec s = { .path = path, .argv = argv };
	struct child c;
	char **env;
	int r;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", bindir, argv[0]);
	if (access(path, X_OK) != 0)
		s.path = argv[0];
	snprintf(var, sizeof(var), "RUMP_SERVER=%s", url);
	if ((s.envp = env = child_environ(set)) == NULL)
		return -ENOMEM;
	r = child_run(&c, &s, child_text_line, &t);
	free(env);
	if (r < 0) {
		snprintf(out, outlen, "%s: %s\n", argv[0], strerror(-r));
		return 127;
	}
	return WIFEXITED(r) ? WEXITSTATUS(r) : 128;
}

static bool
have_cmd(const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", bindir, name);
	return access(path, X_OK) == 0;
}

/* Pings: 0 answered, 1 not; hoplimit 0: the default. */
static int
ping(const char *url, const struct lab_ip *dst, int count, int hoplimit,
    char *out, size_t outlen)
{
	char a[IP_STRLEN], c[16], h[16];
	char *argv[16];
	int n = 0;
	bool six = dst->family != 2;	/* AF_INET */

	snprintf(c, sizeof(c), "%d", count);
	snprintf(h, sizeof(h), "%d", hoplimit);
	argv[n++] = six ? "rump.ping6" : "rump.ping";
	argv[n++] = "-n";
	argv[n++] = "-c";
	argv[n++] = c;
	argv[n++] = "-i";
	argv[n++] = "0.2";
	argv[n++] = "-W";
	argv[n++] = "1";
	argv[n++] = "-w";
	argv[n++] = "1";
	if (hoplimit > 0) {
		argv[n++] = six ? "-h" : "-T";
		argv[n++] = h;
	}
	argv[n++] = (char *)ip_addr_str(dst, a);
	argv[n] = NULL;
	return run_cmd(url, argv, out, outlen) == 0 ? 0 : 1;
}

/* The node holding address `text`, or -1. */
static int
owner(const struct lab *lab, const char *text)
{
	struct lab_addr_iter it = LAB_ADDR_ITER_INIT;
	struct lab_ip ip;

	if (ip_parse(text, IP_LEN_OPTIONAL, &ip, NULL) != 0)
		return -1;
	while (lab_addr_next(lab, &it))
		if (ip_same_addr(&lab_addr_at(lab, &it)->ip, &ip))
			return it.node;
	return -1;
}

static char *
trace_cmd(const struct lab_ip *dst)
{
	return dst->family == 2 ? "rump.traceroute" : "rump.traceroute6";
}

/* The transit nodes traceroute shows into seen (names).  The header
 * lines (traceroute6 writes its own on stderr) do not start with a hop
 * number and are skipped. */
static int
trace_path(const struct lab *lab, const char *url, const struct lab_check *c,
    char *seen, size_t seenlen)
{
	char out[8192], a[IP_STRLEN], m[16], word[64], *line, *save;
	char *argv[] = { trace_cmd(&c->to), "-I", "-n", "-q", "1", "-w", "1",
	    "-m", m, (char *)ip_addr_str(&c->to, a), NULL };
	int hop, k, ok = 1, n = 0, off = 0;

	snprintf(m, sizeof(m), "%d", c->nvia + 3);
	(void)run_cmd(url, argv, out, sizeof(out));
	seen[0] = '\0';
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%d %63s", &hop, word) != 2)
			continue;
		if (ip_same_addr(&c->to, &(struct lab_ip){ 0 }) ||
		    (k = owner(lab, word)) == c->to_node ||
		    strcmp(word, a) == 0)
			break;
		off += snprintf(seen + off, seenlen - (size_t)off, "%s%s",
		    n ? "," : "", k >= 0 ? lab->nodes[k].name : word);
		if (n >= c->nvia || k != c->via[n])
			ok = 0;
		n++;
		if (off >= (int)seenlen - 1)
			break;
	}
	return ok && n == c->nvia ? 0 : 1;
}

static void
names(const struct lab *lab, const int *v, int n, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    i ? "," : "", lab->nodes[v[i]].name);
}

/*
 * A check whose source, destination or planned transit node is not up
 * cannot pass (static routes do not go around a node), and its pings
 * would only time out, seconds each: say which node and why instead.
 * Returns the node, or -1 when all are up.
 */
static int
node_down_on_path(const struct lab *lab, const struct labview *v,
    const struct lab_check *c, char *text, size_t len)
{
	char a[IP_STRLEN];
	int i, to;

	if (labview_node_down(lab, v, c->from, ", the source,", text, len))
		return c->from;
	for (i = 0; i < c->npath; i++)
		if (labview_node_down(lab, v, c->path[i], " on the path", text,
		    len))
			return c->path[i];
	to = c->to_node >= 0 ? c->to_node : owner(lab, ip_addr_str(&c->to, a));
	if (to >= 0 && labview_node_down(lab, v, to, ", the destination,",
	    text, len))
		return to;
	return -1;
}

static int
run_check(const struct lab *lab, const char *dir, const struct labview *v,
    const struct lab_check *c, char *res, size_t reslen)
{
	char url[STATEDIR_PATHMAX + 16], out[4096], seen[512], want[512];
	char down[600];
	int tries, r = 1;

	if (node_down_on_path(lab, v, c, down, sizeof(down)) >= 0) {
		snprintf(res, reslen, "%s%s", c->reach ? "not tried: " :
		    "no answer, as expected: ", down);
		return c->reach ? 1 : 0;
	}
	launch_url(dir, c->from, url, sizeof(url));
	if (!c->reach) {
		if (ping(url, &c->to, 3, 0, out, sizeof(out)) == 0) {
			snprintf(res, reslen, "answered, but must not");
			return 1;
		}
		snprintf(res, reslen, "no answer, as expected");
		return 0;
	}
	for (tries = 0; tries < 5 && r != 0; tries++)
		r = ping(url, &c->to, 1, 0, out, sizeof(out));
	if (r != 0) {
		snprintf(res, reslen, "no answer");
		return 1;
	}
	if (!c->has_via) {
		snprintf(res, reslen, "answered");
		return 0;
	}
	names(lab, c->via, c->nvia, want, sizeof(want));
	if (have_cmd(trace_cmd(&c->to))) {
		if (trace_path(lab, url, c, seen, sizeof(seen)) == 0) {
			snprintf(res, reslen, "answered; %s%s", seen[0] ?
			    "path " : "direct (no router between)", seen);
			return 0;
		}
		snprintf(res, reslen, "answered, but traceroute shows [%.200s], "
		    "not [%.200s]", seen[0] ? seen : "direct",
		    want[0] ? want : "direct");
		return 1;
	}
	if (c->nvia > 0 && ping(url, &c->to, 2, c->nvia, out,
	    sizeof(out)) == 0) {
		snprintf(res, reslen, "answered within %d hops: fewer than "
		    "via [%s]", c->nvia, want);
		return 1;
	}
	if (ping(url, &c->to, 2, c->nvia + 1, out, sizeof(out)) != 0) {
		snprintf(res, reslen, "not within %d hops: more than via [%s]",
		    c->nvia + 1, want);
		return 1;
	}
	snprintf(res, reslen, "answered; %d hops as via [%s] (by hop limit)",
	    c->nvia + 1, want);
	return 0;
}

/* Does node `url` still have a tentative (IPv6 DAD) address? */
static bool
tentative(const struct lab_node *n)
{
	struct rump_ifinfo ifi;
	int i;
	uint32_t k;

	for (i = 0; i < n->nifaces; i++) {
		if (rump_sys_ifget(n->ifaces[i].name, &ifi) != 0)
			continue;
		for (k = 0; k < ifi.naddrs && k < RUMP_MAXADDRS; k++)
			if (ifi.addrs[k].flags & RUMP_IFA_TENTATIVE)
				return true;
	}
	return false;
}

/*
 * IPv6 addresses are tentative for a moment after a node starts
 * (duplicate address detection): wait, up to 10 s in all, until no node
 * has one, so that checks test routes, not timing.
 */
static void
wait_dad(const struct lab *lab, const char *dir, const struct labview *v)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	char url[STATEDIR_PATHMAX + 16];
	time_t deadline = time(NULL) + 10;
	int i;

	for (i = 0; i < lab->nnodes; i++) {
		if (lab_node_addr(lab, i, 6) == NULL ||
		    strcmp(v->nodes[i].state, "up") != 0)
			continue;
		launch_url(dir, i, url, sizeof(url));
		if (rumpclient_init_url(url) != 0)
			continue;
		while (tentative(&lab->nodes[i]) && time(NULL) < deadline)
			nanosleep(&ts, NULL);
		rumpclient_fini();
	}
}

/* --- grading, check by check --------------------------------------------- */

struct reachtry {
	const struct lab	*lab;
	const char		*dir;
	const struct labview	*v;
	const struct lab_check	*c;
};

static int
reach_try(void *arg, char *res, size_t len)
{
	const struct reachtry *t = arg;

	return run_check(t->lab, t->dir, t->v, t->c, res, len);
}

/* One check or step; a step that changes nodes refreshes the view. */
static void
grade_one(const struct lab *lab, const char *dir, struct labview *v,
    const struct lab_check *c, struct check_outcome *o)
{
	struct reachtry t = { lab, dir, v, c };

	memset(o, 0, sizeof(*o));
	switch (c->kind) {
	case CHECK_REACH:
		checkrun_expect_reach(lab, c, o->expected, sizeof(o->expected));
		checkrun_retry(c, reach_try, &t, o);
		break;
	case CHECK_RUN:
		checkrun_command(lab, dir, c, o);
		break;
	default:
		checkrun_step(dir, c, o);
		if (c->kind == CHECK_DO) {
			labview_free(v);
			if (labview_fetch(dir, lab, v) != 0)
				memset(v, 0, sizeof(*v));
			else
				wait_dad(lab, dir, v);
		}
		break;
	}
}

/* Every check in order; after a step that could not be done, the rest
 * are not run.  Returns the exit status. */
static int
grade_all(const struct lab *lab, const char *dir, struct labview *v,
    bool json)
{
	struct checkrun_report rep;
	struct check_outcome o;
	bool stopped = false;
	int i;

	checkrun_report_begin(&rep, stdout, json, labctl_name(dir),
	    lab->nchecks);
	for (i = 0; i < lab->nchecks; i++) {
		if (stopped || v->nodes == NULL) {
			memset(&o, 0, sizeof(o));
			o.status = CR_SKIP;
		} else
			grade_one(lab, dir, v, &lab->checks[i], &o);
		checkrun_report_check(&rep, lab, i, &lab->checks[i], &o);
		stopped |= o.status == CR_ERROR;
	}
	return checkrun_report_end(&rep);
}

int
verb_check(int argc, char **argv)
{
	char dir[STATEDIR_PATHMAX], why[600];
	const char *name;
	struct labview v;
	struct lab *lab;
	int r;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		verb_usage("check", stderr);
		return EXIT_USAGE;
	}
	if (verb_lab("check", argc == 2 ? argv[1] : NULL, &name) != 0)
		return EXIT_USAGE;
	if ((r = labctl_find(name, dir, sizeof(dir), why,
	    sizeof(why))) != 0) {
		fprintf(stderr, "rumplab check: %s\n", why);
		return EXIT_USAGE;
	}
	if ((r = labctl_open_lab(dir, &lab)) != 0) {
		fprintf(stderr, "rumplab check: lab %s: its topology does not "
		    "load (%s)\n", labctl_name(dir), strerror(-r));
		return EXIT_USAGE;
	}
	if ((r = labview_fetch(dir, lab, &v)) != 0) {
		fprintf(stderr, "rumplab check: %s\n", strerror(-r));
		lab_close(lab);
		return EXIT_USAGE;
	}
	find_bindir();
	signal(SIGPIPE, SIG_IGN);
	wait_dad(lab, dir, &v);
	r = grade_all(lab, dir, &v, verb_opts.json);
	labview_free(&v);
	lab_close(lab);
	return r;
}
