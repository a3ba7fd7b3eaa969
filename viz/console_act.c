/*
 * console_act.c — what the keyboard can do to a lab (viz/console.h):
 * ping from a node, set one of its links down or up, impair it (any
 * `rumplab link set` words), restart it.
 *
 * Each action first asks on the bottom line (an address, an interface,
 * or y to confirm), then runs as a job — rump.ping with RUMP_SERVER set
 * to the node, or one control request to the supervisor
 * (lab/CONTROL.txt: "link set NODE:IF down|up", "node restart NODE") —
 * and the action pane shows its output as it comes and its result when
 * it ends, whatever the supervisor answered (an "error ..." line
 * included), so every action is confirmed on screen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "lab/control.h"
#include "viz/console.h"

#define PING_COUNT	"3"
#define PING_TIMEOUT_MS	20000
#define CTL_TIMEOUT_MS	130000	/* a restart may take a while */

struct action {
	char		 title[256];
	int		 node;		/* the node it acts on */
	struct job	*job;		/* running, or NULL */
	char		*out;		/* output once ended */
	char		 result[256];
};

static struct action act;	/* the newest one */
static bool hidden;
static int pending;		/* the node the prompt is about */
static bool pending_up;

static void
act_clear(void)
{
	if (act.job != NULL) {
		act.job->done = NULL;	/* it runs on, unwatched */
		act.job = NULL;
	}
	free(act.out);
	act.out = NULL;
	memset(&act, 0, sizeof(act));
}

/* The last non-empty line of text, into buf. */
static void
last_line(const char *text, char *buf, size_t len)
{
	const char *end = text + strlen(text), *p;

	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	for (p = end; p > text && p[-1] != '\n'; p--)
		;
	snprintf(buf, len, "%.*s", (int)(end - p), p);
}

static void
act_done(struct job *j, void *arg)
{
	char res[64], last[200];

	(void)arg;
	act.job = NULL;
	act.out = strdup(j->out);
	job_result(j, res, sizeof(res));
	last_line(j->out, last, sizeof(last));
	snprintf(act.result, sizeof(act.result), "%s", res);
	ui_message("%s: %s", act.title, last[0] ? last : res);
	snprintf(con.nodes[act.node].myevent,
	    sizeof(con.nodes[act.node].myevent), "console: %.80s: %.100s",
	    act.title, last[0] ? last : res);
}

static void
act_start_job(const char *title, struct job *j)
{
	snprintf(act.title, sizeof(act.title), "%s", title);
	act.job = j;
	hidden = false;
	if (j == NULL) {
		snprintf(act.result, sizeof(act.result), "could not start "
		    "(fork failed)");
		ui_message("%s: could not start (fork failed)", title);
		return;
	}
	j->done = act_done;
	ui_message("%s: started", title);
}

void
act_run(const char *title, int (*fn)(void *), void *arg, char *const argv[],
    const char *url, int timeout_ms)
{
	struct job *j;

	act_clear();
	act.node = pending;
	if (fn != NULL)
		j = job_fork(fn, arg, timeout_ms, act_done, NULL);
	else
		j = job_exec(argv, url, timeout_ms, act_done, NULL);
	act_start_job(title, j);
}

int
act_pane(char *title, size_t tlen, const char **text)
{
	if (hidden || act.title[0] == '\0')
		return 0;
	if (act.job != NULL) {
		snprintf(title, tlen, " %s: running...", act.title);
		*text = act.job->out ? act.job->out : "";
	} else {
		snprintf(title, tlen, " %s: %s  (x hides)", act.title,
		    act.result);
		*text = act.out ? act.out : "";
	}
	return 1;
}

void
act_dismiss(void)
{
	hidden = true;
}

/*
 * Control requests.
 */
static char ctl_request[512];

static int
ctl_child(void *arg)
{
	char line[CTL_LINEMAX];
	struct ctl_conn c;
	int r;

	(void)arg;
	if ((r = ctl_connect(con.dir, &c)) != 0 ||
	    (r = ctl_send(&c, "%s", ctl_request)) != 0) {
		printf("error lab %s: the supervisor does not answer (%s)\n",
		    con.labname, strerror(-r));
		return 1;
	}
	while ((r = ctl_readline(&c, line, sizeof(line),
	    CTL_TIMEOUT_MS - 5000)) == 1) {
		printf("%s\n", line);
		fflush(stdout);
		if (strncmp(line, "ok", 2) == 0)
			return 0;
		if (strncmp(line, "error", 5) == 0)
			return 1;
	}
	printf("error no answer from the supervisor\n");
	return 1;
}

static void
control(const char *title, const char *request)
{
	snprintf(ctl_request, sizeof(ctl_request), "%s", request);
	act_run(title, ctl_child, NULL, NULL, NULL, CTL_TIMEOUT_MS);
}

/*
 * The actions.
 */
static void
ping_to(const char *addr)
{
	char url[STATEDIR_PATHMAX + 16], cmd[4096], title[256];
	char *argv[5];

	if (addr[0] == '\0' || strpbrk(addr, " \t") != NULL) {
		ui_message("ping: give one address, like 10.0.2.10 or fd00::1");
		return;
	}
	job_command(strchr(addr, ':') ? "rump.ping6" : "rump.ping", cmd,
	    sizeof(cmd));
	argv[0] = cmd;
	argv[1] = "-c";
	argv[2] = PING_COUNT;
	argv[3] = (char *)addr;
	argv[4] = NULL;
	lab_node_url(pending, url, sizeof(url));
	snprintf(title, sizeof(title), "ping from %s to %s",
	    con.lab->nodes[pending].name, addr);
	act_run(title, NULL, NULL, argv, url, PING_TIMEOUT_MS);
}

void
act_ping(int n)
{
	char label[128];

	pending = n;
	snprintf(label, sizeof(label), "ping from %s to: ",
	    con.lab->nodes[n].name);
	ui_prompt(label, "", ping_to);
}

static void
link_to(const char *ifname)
{
	const struct lab_node *ln = &con.lab->nodes[pending];
	char req[256], title[256];
	int i;

	for (i = 0; i < ln->nifaces; i++)
		if (strcmp(ln->ifaces[i].name, ifname) == 0)
			break;
	if (i == ln->nifaces) {
		ui_message("link: %s has no interface '%s'", ln->name, ifname);
		return;
	}
	snprintf(req, sizeof(req), "link set %s:%s %s", ln->name, ifname,
	    pending_up ? "up" : "down");
	snprintf(title, sizeof(title), "%s", req);
	control(title, req);
}

void
act_link(int n, bool up)
{
	const struct lab_node *ln = &con.lab->nodes[n];
	char label[256], list[128];
	size_t off = 0;
	int i;

	if (ln->nifaces == 0) {
		ui_message("link: %s has no interfaces", ln->name);
		return;
	}
	list[0] = '\0';
	for (i = 0; i < ln->nifaces && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
		    i ? " " : "", ln->ifaces[i].name);
	pending = n;
	pending_up = up;
	snprintf(label, sizeof(label), "link %s: interface of %s (%s): ",
	    up ? "up" : "down", ln->name, list);
	ui_prompt(label, ln->ifaces[0].name, link_to);
}

/* "shmif0 delay 20ms loss 1%": the interface, then `link set` words. */
static void
impair_to(const char *answer)
{
	const struct lab_node *ln = &con.lab->nodes[pending];
	char ifname[64], req[512];
	int off = 0, i;

	if (sscanf(answer, "%63s %n", ifname, &off) < 1 || off == 0 ||
	    answer[off] == '\0') {
		ui_message("impair: give an interface and settings, like "
		    "'%s delay 20ms loss 1%%'", ln->nifaces > 0 ?
		    ln->ifaces[0].name : "shmif0");
		return;
	}
	for (i = 0; i < ln->nifaces; i++)
		if (strcmp(ln->ifaces[i].name, ifname) == 0)
			break;
	if (i == ln->nifaces) {
		ui_message("impair: %s has no interface '%s'", ln->name,
		    ifname);
		return;
	}
	snprintf(req, sizeof(req), "link set %s:%s %s", ln->name, ifname,
	    answer + off);
	control(req, req);
}

void
act_impair(int n)
{
	const struct lab_node *ln = &con.lab->nodes[n];
	char label[256], def[80];

	if (ln->nifaces == 0) {
		ui_message("impair: %s has no interfaces", ln->name);
		return;
	}
	pending = n;
	snprintf(label, sizeof(label), "impair a link of %s (IF SETTINGS, "
	    "rumplab link set's words): ", ln->name);
	snprintf(def, sizeof(def), "%s ", ln->ifaces[0].name);
	ui_prompt(label, def, impair_to);
}

static void
restart_yes(const char *answer)
{
	char req[256];

	if (strcmp(answer, "y") != 0 && strcmp(answer, "yes") != 0) {
		ui_message("restart of %s cancelled",
		    con.lab->nodes[pending].name);
		return;
	}
	snprintf(req, sizeof(req), "node restart %s",
	    con.lab->nodes[pending].name);
	control(req, req);
}

void
act_restart(int n)
{
	char label[256];

	pending = n;
	snprintf(label, sizeof(label), "restart node %s? (y to confirm): ",
	    con.lab->nodes[n].name);
	ui_prompt(label, "", restart_yes);
}
