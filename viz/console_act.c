/*
 * console_act.c — what the keyboard can do to a lab (viz/console.h):
 * ping from a node, set one of its links down or up, impair it (any
 * `rumplab link set` words), restart it; cut, join or impair a bus.
 *
 * Each action first asks on the bottom line (an address, an interface,
 * or y to confirm), then runs as a job — rump.ping with RUMP_SERVER set
 * to the node, or one control request to the supervisor
 * (lab/CONTROL.txt: "link set NODE:IF down|up", "node restart NODE",
 * "bus cut BUS") —
 * and the action pane shows its output as it comes and its result when
 * it ends, whatever the supervisor answered (an "error ..." line
 * included), so every action is confirmed on screen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "lab/ctlproto.h"
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
static int pending;		/* the node the prompt is about; -1: a bus */
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
	if (act.node >= 0)	/* not a bus's */
		snprintf(con.nodes[act.node].myevent,
		    sizeof(con.nodes[act.node].myevent), "console: %.80s: "
		    "%.100s", act.title, last[0] ? last : res);
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
 * Control requests: one of the protocol's (lab/ctlproto.h) with its
 * arguments, words of what was typed; the reply's lines are the job's
 * output, as the supervisor sent them.
 */
static enum ctl_req ctl_id;
static char ctl_args[512];

static int
ctl_child(void *arg)
{
	char *argv[CTL_MAXWORDS], *w, *save = NULL, why[512];
	struct ctl_reply r;
	struct ctl_conn c;
	int argc = 0, n;

	(void)arg;
	for (w = strtok_r(ctl_args, " ", &save); w != NULL &&
	    argc < CTL_MAXWORDS; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	if (ctl_open(con.dir, &c, ctl_id, argc, argv, why, sizeof(why)) !=
	    0) {
		printf("error lab %s: %s\n", con.labname, why);
		return 1;
	}
	while ((n = ctl_readline(&c, r.buf, sizeof(r.buf),
	    CTL_TIMEOUT_MS - 5000)) == 1) {
		printf("%s\n", r.buf);
		fflush(stdout);
		if (ctl_reply_parse(r.buf, &r) == 0 && ctl_reply_final(&r))
			return r.kind == CK_OK ? 0 : 1;
	}
	printf("error no answer from the supervisor\n");
	return 1;
}

/* Request id with the words of args; the title says both. */
static void
control(enum ctl_req id, const char *args)
{
	char title[600];

	ctl_id = id;
	snprintf(ctl_args, sizeof(ctl_args), "%s", args);
	snprintf(title, sizeof(title), "%s %s", ctl_reqs[id].words, args);
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

/* Node `pending`'s interface named `word` (its name, its alias, or its
 * bus's), -1. */
static int
iface_of(const char *word)
{
	return lab_iface_find(con.lab, pending, word);
}

/* "shmif0 shmif1" — a node's interfaces for a prompt. */
static void
iface_list(const struct lab_node *ln, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < ln->nifaces && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    i ? " " : "", ln->ifaces[i].name);
}

/* The answer names the interface; empty takes the first. */
static void
link_to(const char *answer)
{
	const struct lab_node *ln = &con.lab->nodes[pending];
	char args[256];
	int i = answer[0] == '\0' ? 0 : iface_of(answer);

	if (i < 0) {
		ui_message("link: %s has no interface '%s'", ln->name, answer);
		return;
	}
	snprintf(args, sizeof(args), "%s:%s %s", ln->name, ln->ifaces[i].name,
	    pending_up ? "up" : "down");
	control(CTL_LINK_SET, args);
}

/*
 * The prompts start empty and show their default in brackets: a
 * default typed into the line would be appended to ("shmif0shmif1").
 */
void
act_link(int n, bool up)
{
	const struct lab_node *ln = &con.lab->nodes[n];
	char label[256], list[128];

	if (ln->nifaces == 0) {
		ui_message("link: %s has no interfaces", ln->name);
		return;
	}
	iface_list(ln, list, sizeof(list));
	pending = n;
	pending_up = up;
	snprintf(label, sizeof(label), "link %s: interface of %s (%s) [%s]: ",
	    up ? "up" : "down", ln->name, list, ln->ifaces[0].name);
	ui_prompt(label, "", link_to);
}

/* "[IF] delay 20ms loss 1%": `link set` words, on the interface named
 * first, else on the first one. */
static void
impair_to(const char *answer)
{
	const struct lab_node *ln = &con.lab->nodes[pending];
	char word[64], args[512];
	int off = 0, i;

	if (sscanf(answer, "%63s %n", word, &off) < 1) {
		ui_message("impair: give settings, like '%s delay 20ms loss "
		    "1%%' or 'delay 20ms'", ln->ifaces[0].name);
		return;
	}
	if ((i = iface_of(word)) < 0) {
		i = 0;
		off = 0;
	} else if (answer[off] == '\0') {
		ui_message("impair: give settings after %s, like 'delay "
		    "20ms'", word);
		return;
	}
	snprintf(args, sizeof(args), "%s:%s %s", ln->name, ln->ifaces[i].name,
	    answer + off);
	control(CTL_LINK_SET, args);
}

void
act_impair(int n)
{
	const struct lab_node *ln = &con.lab->nodes[n];
	char label[256], list[128];

	if (ln->nifaces == 0) {
		ui_message("impair: %s has no interfaces", ln->name);
		return;
	}
	iface_list(ln, list, sizeof(list));
	pending = n;
	snprintf(label, sizeof(label), "impair a link of %s ([IF] link set's "
	    "words; IF: %s) [%s]: ", ln->name, list, ln->ifaces[0].name);
	ui_prompt(label, "", impair_to);
}

/*
 * Buses: cut and join act at once (join undoes a cut); impairments are
 * the sending side's, as `rumplab link set BUS` takes them.
 */
static int pending_bus;

void
act_bus_link(int b, bool up)
{
	pending = -1;
	control(up ? CTL_BUS_JOIN : CTL_BUS_CUT, con.lab->buses[b].name);
}

static void
bus_impair_to(const char *answer)
{
	char args[512];

	if (answer[0] == '\0') {
		ui_message("impair: give settings, like 'delay 20ms loss 1%%'");
		return;
	}
	pending = -1;
	snprintf(args, sizeof(args), "%s %s", con.lab->buses[pending_bus].name,
	    answer);
	control(CTL_LINK_SET, args);
}

void
act_bus_impair(int b)
{
	char label[256];

	pending_bus = b;
	snprintf(label, sizeof(label), "impair bus %s (link set's words, "
	    "for what each interface sends): ", con.lab->buses[b].name);
	ui_prompt(label, "", bus_impair_to);
}

static void
restart_yes(const char *answer)
{
	if (strcmp(answer, "y") != 0 && strcmp(answer, "yes") != 0) {
		ui_message("restart of %s cancelled",
		    con.lab->nodes[pending].name);
		return;
	}
	control(CTL_NODE_RESTART, con.lab->nodes[pending].name);
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
