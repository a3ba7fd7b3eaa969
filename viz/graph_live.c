/*
 * graph_live.c — what a running lab looks like now (viz/graph.h).
 *
 * Three sources, each optional, so that a picture is drawn with whatever
 * answers:
 *  - node states: the supervisor's `status` (lab/labview.h; the state
 *    file when the supervisor does not answer);
 *  - link and bus states and impairments: the supervisor's `link show`
 *    (lab/CONTROL.txt); without a whole answer links are drawn without
 *    state;
 *  - traffic: each node that is up is asked, through librumpclient (in a
 *    child process, killed if a node stalls it), for its interfaces'
 *    counters; a bus carries what its members sent onto
 *    it (each frame is sent by exactly one member), so its volume is the
 *    sum of their output bytes.  Two readings give bytes per second.
 *    A node that restarted counts from zero again: a counter that went
 *    down adds nothing to the rate.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "lab/child.h"
#include "lab/ctlproto.h"
#include "lab/launch.h"
#include "lab/labview.h"
#include "lab/statedir.h"
#include "viz/graph.h"

#define STALL_MS	3000	/* a node this silent is stuck */
#define STALLS_MAX	3	/* stuck nodes skipped before giving up */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
alloc_live(const struct lab *lab, struct graph_live *l)
{
	int i, n = 0;

	memset(l, 0, sizeof(*l));
	if ((l->ifbase = calloc((size_t)lab->nnodes + 1,
	    sizeof(*l->ifbase))) == NULL)
		return -ENOMEM;
	for (i = 0; i < lab->nnodes; i++) {
		l->ifbase[i] = n;
		n += lab->nodes[i].nifaces;
	}
	l->ifbase[lab->nnodes] = n;
	l->state = calloc((size_t)lab->nnodes + 1, sizeof(*l->state));
	l->ifaces = calloc((size_t)n + 1, sizeof(*l->ifaces));
	l->buses = calloc((size_t)lab->nbuses + 1, sizeof(*l->buses));
	if (l->state == NULL || l->ifaces == NULL || l->buses == NULL)
		return -ENOMEM;
	for (i = 0; i < lab->nbuses; i++)
		l->buses[i].bytes = l->buses[i].rate = -1;
	return 0;
}

void
graph_live_free(struct graph_live *l)
{
	free(l->state);
	free(l->ifbase);
	free(l->ifaces);
	free(l->buses);
	memset(l, 0, sizeof(*l));
}

static int
node_states(const char *dir, const struct lab *lab, struct graph_live *l)
{
	struct labview v;
	int i, r;

	if ((r = labview_fetch(dir, lab, &v)) != 0)
		return r;
	for (i = 0; i < lab->nnodes; i++)
		snprintf(l->state[i], sizeof(l->state[i]), "%s",
		    v.nodes[i].state);
	l->nodes_known = true;
	labview_free(&v);
	return 0;
}

/* Copies the SETTING words of a link show line, without mtu=. */
static void
settings(const char *words, char *out, size_t len)
{
	char buf[CTL_LINEMAX], *w, *save = NULL;
	size_t off = 0;

	out[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", words);
	for (w = strtok_r(buf, " ", &save); w != NULL && off < len;
	    w = strtok_r(NULL, " ", &save)) {
		if (strncmp(w, "mtu=", 4) == 0)
			continue;
		off += (size_t)snprintf(out + off, len - off, "%s%s",
		    off ? " " : "", w);
	}
}

static int
iface_find(const struct lab *lab, int node, const char *name)
{
	int i;

	for (i = 0; i < lab->nodes[node].nifaces; i++)
		if (strcmp(lab->nodes[node].ifaces[i].name, name) == 0)
			return i;
	return -1;
}

/* "iface NODE:IF BUS LINK [SETTING...]" */
static void
iface_line(const struct lab *lab, const struct ctl_reply *r,
    struct graph_live *l)
{
	static const char *const names[] = { "?", "up", "down", "cut", "off" };
	char target[160], *colon;
	struct graph_iface_live *fl;
	int node, iface, k;

	snprintf(target, sizeof(target), "%s", r->name);
	if ((colon = strrchr(target, ':')) == NULL)
		return;
	*colon = '\0';
	if ((node = lab_node_find(lab, target)) < 0 ||
	    (iface = iface_find(lab, node, colon + 1)) < 0)
		return;
	fl = &l->ifaces[l->ifbase[node] + iface];
	for (k = 1; k < 5; k++)
		if (strcmp(r->state, names[k]) == 0)
			fl->link = (enum graph_link)k;
	settings(r->text, fl->settings, sizeof(fl->settings));
}

/* "bus BUS STATE [SETTING...]" */
static void
bus_line(const struct lab *lab, const struct ctl_reply *r,
    struct graph_live *l)
{
	int bus;

	if ((bus = lab_bus_find(lab, r->name)) < 0)
		return;
	l->buses[bus].cut = strcmp(r->state, "cut") == 0;
	settings(r->text, l->buses[bus].settings,
	    sizeof(l->buses[bus].settings));
}

struct showctx {
	const struct lab	*lab;
	struct graph_live	*l;
};

static int
show_line(const struct ctl_reply *r, void *arg)
{
	struct showctx *sc = arg;

	if (r->kind == CK_IFACE)
		iface_line(sc->lab, r, sc->l);
	else if (r->kind == CK_BUS)
		bus_line(sc->lab, r, sc->l);
	return 0;
}

/* Drops from s the words that are also in `bus` (said once, on the bus). */
static void
minus_bus(char *s, size_t len, const char *bus)
{
	char in[GRAPH_SETTINGS], *w, *save = NULL, key[GRAPH_SETTINGS + 2];
	char hay[GRAPH_SETTINGS + 2];
	size_t off = 0;

	if (bus[0] == '\0')
		return;
	snprintf(in, sizeof(in), "%s", s);
	snprintf(hay, sizeof(hay), " %s ", bus);
	s[0] = '\0';
	for (w = strtok_r(in, " ", &save); w != NULL && off < len;
	    w = strtok_r(NULL, " ", &save)) {
		snprintf(key, sizeof(key), " %s ", w);
		if (strstr(hay, key) == NULL)
			off += (size_t)snprintf(s + off, len - off, "%s%s",
			    off ? " " : "", w);
	}
}

static void
link_show(const char *dir, const struct lab *lab, struct graph_live *l)
{
	struct showctx sc = { lab, l };
	struct graph_iface_live *fl;
	struct ctl_reply fin;
	int i, k;

	l->links_known = ctl_call(dir, CTL_LINK_SHOW, 0, NULL, 10000,
	    show_line, &sc, &fin) == 0;
	if (l->links_known) {
		for (i = 0; i < lab->nnodes; i++)
			for (k = 0; k < lab->nodes[i].nifaces; k++) {
				fl = &l->ifaces[l->ifbase[i] + k];
				minus_bus(fl->settings, sizeof(fl->settings),
				    l->buses[lab->nodes[i].ifaces[k].bus].
				    settings);
			}
		return;
	}
	/* Half an answer is no answer: draw without link state. */
	memset(l->ifaces, 0, sizeof(*l->ifaces) *
	    (size_t)l->ifbase[lab->nnodes]);
	for (i = 0; i < lab->nbuses; i++) {
		l->buses[i].cut = false;
		l->buses[i].settings[0] = '\0';
	}
}

/*
 * The child's half: from node `from` on, for every node that is up, a
 * line "node I" before asking it, then "I K OBYTES" for each interface K
 * it answers for.
 */
static void
ask_nodes(const char *dir, const struct lab *lab, const struct graph_live *l,
    int from, int fd)
{
	char url[STATEDIR_PATHMAX + 16];
	struct rump_ifinfo ifi;
	int i, k;

	for (i = from; i < lab->nnodes; i++) {
		if (strcmp(l->state[i], "up") != 0)
			continue;
		if (dprintf(fd, "node %d\n", i) < 0)
			return;
		launch_url(dir, i, url, sizeof(url));
		if (rumpclient_init_url(url) != 0)
			continue;
		for (k = 0; k < lab->nodes[i].nifaces; k++)
			if (rump_sys_ifget(lab->nodes[i].ifaces[k].name,
			    &ifi) == 0 && dprintf(fd, "%d %d %llu\n", i, k,
			    (unsigned long long)ifi.obytes) < 0)
				return;
		rumpclient_fini();
	}
}

/* One line from the child; *asking is the node it is asking now. */
static void
take_line(const struct lab *lab, const char *line, struct graph_live *l,
    int *asking)
{
	struct graph_iface_live *fl;
	unsigned long long bytes;
	int i, k;

	if (sscanf(line, "node %d", &i) == 1) {
		*asking = i;
		return;
	}
	if (sscanf(line, "%d %d %llu", &i, &k, &bytes) != 3 || i < 0 ||
	    i >= lab->nnodes || k < 0 || k >= lab->nodes[i].nifaces)
		return;
	fl = &l->ifaces[l->ifbase[i] + k];
	fl->obytes = bytes;
	fl->counted = true;
	l->traffic_known = true;
}

struct ask {
	const char		*dir;
	const struct lab	*lab;
	struct graph_live	*l;
	int			 from;
	int			 asking;	/* the node being asked */
};

static int
ask_child(void *arg)
{
	struct ask *a = arg;

	ask_nodes(a->dir, a->lab, a->l, a->from, 1);
	return 0;
}

static void
ask_line(void *arg, char *line)
{
	struct ask *a = arg;

	take_line(a->lab, line, a->l, &a->asking);
}

/*
 * Asks the nodes from `from` on in a child process (lab/child.h);
 * returns the node it was stuck at when nothing came for STALL_MS (the
 * child killed), or -1 when it finished or a signal (--watch's Ctrl-C)
 * ended the reading.
 */
static int
ask_from(const char *dir, const struct lab *lab, struct graph_live *l,
    int from)
{
	struct ask a = { dir, lab, l, from, -1 };
	struct child_spec s = { .fn = ask_child, .arg = &a,
	    .flags = CHILD_QUIET, .timeout_ms = STALL_MS };
	struct child c;

	if (child_run(&c, &s, ask_line, &a) < 0 || !c.timedout)
		return -1;
	return a.asking >= 0 ? a.asking : from;
}

/*
 * Counters are read in a child process: librumpclient waits for a node
 * without a timeout once connected, and a node that hangs (stopped with
 * SIGSTOP, wedged) must not stall the picture.  When one does, the child
 * is killed and a new one goes on from the next node; after STALLS_MAX
 * such nodes the rest are left uncounted.
 */
static void
counters(const char *dir, const struct lab *lab, struct graph_live *l)
{
	int from = 0, stalls = 0;

	while ((from = ask_from(dir, lab, l, from)) >= 0 &&
	    ++stalls < STALLS_MAX)
		from++;
}

static void
bus_volumes(const struct lab *lab, struct graph_live *l)
{
	const struct lab_member *m;
	const struct graph_iface_live *fl;
	int i, k;

	for (i = 0; i < lab->nbuses; i++)
		for (k = 0; k < lab->buses[i].nmembers; k++) {
			m = &lab->buses[i].members[k];
			fl = &l->ifaces[l->ifbase[m->node] + m->iface];
			if (!fl->counted)
				continue;
			if (l->buses[i].bytes < 0)
				l->buses[i].bytes = 0;
			l->buses[i].bytes += (double)fl->obytes;
		}
}

int
graph_live_fetch(const char *dir, const struct lab *lab,
    struct graph_live *l)
{
	int r;

	if ((r = alloc_live(lab, l)) != 0)
		return r;
	if ((r = node_states(dir, lab, l)) != 0)
		return r;
	link_show(dir, lab, l);
	counters(dir, lab, l);
	bus_volumes(lab, l);
	l->when = now();
	return 0;
}

void
graph_live_rates(const struct lab *lab, struct graph_live *l,
    const struct graph_live *before)
{
	const struct lab_member *m;
	const struct graph_iface_live *f0, *f1;
	double dt = l->when - before->when;
	int i, k;

	if (dt <= 0 || before->ifaces == NULL || !l->traffic_known)
		return;
	for (i = 0; i < lab->nbuses; i++) {
		l->buses[i].rate = -1;
		for (k = 0; k < lab->buses[i].nmembers; k++) {
			m = &lab->buses[i].members[k];
			f1 = &l->ifaces[l->ifbase[m->node] + m->iface];
			f0 = &before->ifaces[before->ifbase[m->node] +
			    m->iface];
			if (!f1->counted)
				continue;
			if (l->buses[i].rate < 0)
				l->buses[i].rate = 0;
			if (f0->counted && f1->obytes >= f0->obytes)
				l->buses[i].rate +=
				    (double)(f1->obytes - f0->obytes) / dt;
		}
	}
	l->rates_known = true;
}
