/*
 * console_lab.c — the running lab as the console sees it (viz/console.h).
 *
 * Three sources, none of which may stall the screen:
 *  - the supervisor's "status" (lab/CONTROL.txt), asked once a second by
 *    a job: node states, pids and reasons, the nodes' services, and the
 *    buses cut or impaired at run time (the rest are as the topology
 *    sets them);
 *  - each visible node's interfaces and counters, from the node itself
 *    (rump_sys_iflist/ifget, as rump.ifconfig asks) in a job per node
 *    with a deadline: a node that misses it is "not answering";
 *  - each visible bus, read in place by a read-only shmif observer that
 *    counts frames and bytes (rates once a second) and frames lost to
 *    lapping.  Observers attach when a bus is shown and detach when it
 *    has not been for a while, so a lab of thousands of buses does not
 *    hold thousands of descriptors and mappings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "lab/ctlproto.h"
#include "lab/impair_spec.h"
#include "lab/labctl.h"
#include "lab/launch.h"
#include "lab/plan.h"
#include "shmif/shmif.h"
#include "viz/console.h"

#define STATUS_TIMEOUT_MS	3000
#define FETCH_TIMEOUT_MS	3000
#define FETCH_EVERY_MS		1000
#define BUS_IDLE_MS		10000	/* detach a bus unseen this long */
#define BUS_ATTACH_MAX		256

struct console con;

/* Is a bus cut or impaired by the topology itself (its impairment keys
 * and `impair:`)?  Status lines tell only what changed since. */
static void
bus_planned(const struct lab_bus *b, struct cbus *cb)
{
	struct impset s;
	char why[256];

	cb->plan_impaired = b->delay_us != 0 || b->jitter_us != 0 ||
	    b->loss_pct != 0 || b->rate_bps != 0;
	if (b->impair != NULL && impspec_parse_str(b->impair, IMP_DIR_OUT,
	    IMP_DIR_OUT, &s, why, sizeof(why)) == 0) {
		cb->plan_cut = s.carrier == 0;
		cb->plan_impaired |= !rump_impair_none(&s.v[IMP_DIR_OUT - 1]);
	}
	cb->cut = cb->plan_cut;
	cb->impaired = cb->plan_impaired;
}

int
lab_start(const char *dir)
{
	int i, r;

	snprintf(con.dir, sizeof(con.dir), "%s", dir);
	con.labname = labctl_name(con.dir);
	if ((r = labctl_open_lab(con.dir, &con.lab)) != 0)
		return r;
	con.nodes = calloc((size_t)con.lab->nnodes + 1, sizeof(*con.nodes));
	con.buses = calloc((size_t)con.lab->nbuses + 1, sizeof(*con.buses));
	if (con.nodes == NULL || con.buses == NULL)
		return -ENOMEM;
	for (i = 0; i < con.lab->nnodes; i++) {
		con.nodes[i].index = i;
		snprintf(con.nodes[i].state, sizeof(con.nodes[i].state), "?");
		if (con.lab->nodes[i].nrun > 0 && (con.nodes[i].svcs =
		    calloc((size_t)con.lab->nodes[i].nrun,
		    sizeof(*con.nodes[i].svcs))) == NULL)
			return -ENOMEM;
	}
	for (i = 0; i < con.lab->nbuses; i++) {
		con.buses[i].index = i;
		bus_planned(&con.lab->buses[i], &con.buses[i]);
	}
	snprintf(con.supstate, sizeof(con.supstate), "?");
	return 0;
}

void
lab_stop(void)
{
	int i;

	for (i = 0; con.buses != NULL && i < con.lab->nbuses; i++)
		if (con.buses[i].obs != NULL)
			shmif_detach(con.buses[i].obs);
	for (i = 0; con.nodes != NULL && i < con.lab->nnodes; i++) {
		free(con.nodes[i].ifs);
		free(con.nodes[i].svcs);
	}
	free(con.nodes);
	free(con.buses);
	if (con.lab != NULL)
		lab_close(con.lab);
}

void
lab_node_url(int n, char *buf, size_t len)
{
	launch_url(con.dir, n, buf, len);
}

/*
 * The supervisor's status.
 */
static int
status_child(void *arg)
{
	struct ctl_reply r;
	struct ctl_conn c;
	char why[256];
	int n;

	(void)arg;
	if (ctl_open(con.dir, &c, CTL_STATUS, 0, NULL, why, sizeof(why)) !=
	    0) {
		printf("error %s\n", why);
		return 1;
	}
	/* The lines as they came (escaped), for the parent to parse. */
	while ((n = ctl_readline(&c, r.buf, sizeof(r.buf),
	    STATUS_TIMEOUT_MS)) == 1) {
		printf("%s\n", r.buf);
		if (ctl_reply_parse(r.buf, &r) == 0 && ctl_reply_final(&r))
			return 0;
	}
	printf("error the supervisor stopped answering (%s)\n",
	    n == 0 ? "closed" : strerror(-n));
	return 1;
}

/* The lab's directory went away (rumplab down): nothing runs now. */
static void
lab_gone(void)
{
	int i;

	snprintf(con.supwhy, sizeof(con.supwhy), "the lab is down (its "
	    "directory is gone); q quits");
	for (i = 0; i < con.lab->nnodes; i++) {
		snprintf(con.nodes[i].state, sizeof(con.nodes[i].state),
		    "down");
		snprintf(con.nodes[i].why, sizeof(con.nodes[i].why), "the lab "
		    "is down");
		con.nodes[i].answers = ANS_UNKNOWN;
		con.nodes[i].pid = 0;
	}
}

static struct svcview *
con_svc(int node, int k, void *arg)
{
	(void)arg;
	return &con.nodes[node].svcs[k];
}

static void
status_line(const char *line)
{
	char now[CTL_LINEMAX], *p, *q;
	struct ctl_reply r;
	struct cnode *n;
	int k;

	if (ctl_reply_parse(line, &r) != 0 ||
	    labview_service_reply(con.lab, &r, con_svc, NULL))
		return;
	if (r.kind == CK_LAB) {
		con.suppid = r.pid;
		con.supanswers = true;
		snprintf(con.supstate, sizeof(con.supstate), "%s", r.state);
	} else if (r.kind == CK_NODE &&
	    (k = lab_node_find(con.lab, r.name)) >= 0) {
		n = &con.nodes[k];
		n->pid = r.pid;
		snprintf(n->state, sizeof(n->state), "%s", r.state);
		snprintf(n->why, sizeof(n->why), "%s", r.text);
		if (strcmp(r.state, "up") != 0 && n->answers != ANS_UNKNOWN) {
			n->answers = ANS_UNKNOWN;
			n->ipk = n->opk = 0;
		}
	} else if (r.kind == CK_HOST) {
		k = (int)strlen(con.hosts);
		snprintf(con.hosts + k, sizeof(con.hosts) - (size_t)k, "%s%s %s",
		    k ? ", " : "", r.name, r.state);
	} else if (r.kind == CK_LINK && strncmp(r.text, "bus ", 4) == 0) {
		/* "link bus NAME [cut] SETTING... [(planned: ...)]" */
		snprintf(now, sizeof(now), "%s", r.text + 4);
		if ((p = strchr(now, ' ')) == NULL)
			return;
		*p++ = '\0';
		if ((k = lab_bus_find(con.lab, now)) < 0)
			return;
		if ((q = strstr(p, "(planned:")) != NULL)
			*q = '\0';
		con.buses[k].cut = strncmp(p, "cut", 3) == 0;
		con.buses[k].impaired = strstr(p, "out.") != NULL;
	} else if (r.kind == CK_ERROR) {
		con.supanswers = false;
		snprintf(con.supwhy, sizeof(con.supwhy), "%s", r.text);
		if (access(con.dir, F_OK) != 0)
			lab_gone();
	}
}

static void
status_done(struct job *j, void *arg)
{
	char *line, *save = NULL;
	int i;

	(void)arg;
	con.status = NULL;
	if (j->c.timedout) {
		con.supanswers = false;
		snprintf(con.supwhy, sizeof(con.supwhy), "the supervisor does "
		    "not answer (no reply in %d s)", STATUS_TIMEOUT_MS / 1000);
		return;
	}
	for (i = 0; i < con.lab->nbuses; i++) {
		con.buses[i].cut = con.buses[i].plan_cut;
		con.buses[i].impaired = con.buses[i].plan_impaired;
	}
	con.hosts[0] = '\0';
	for (line = strtok_r(j->out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		status_line(line);
}

/*
 * One node's interfaces and counters.
 */
static int
counters_child(void *arg)
{
	char url[STATEDIR_PATHMAX + 16], names[CIF_MAX][RUMP_IFNAMSIZ];
	struct rump_ifinfo ifi;
	int n = (int)(intptr_t)arg, i, k;

	lab_node_url(n, url, sizeof(url));
	if (rumpclient_init_url(url) != 0) {
		printf("error %s\n", rumpclient_lasterror());
		return 1;
	}
	if ((k = rump_sys_iflist(names, CIF_MAX)) < 0) {
		printf("error interface list: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < k && i < CIF_MAX; i++) {
		if (rump_sys_ifget(names[i], &ifi) != 0)
			continue;
		printf("if %.15s %u %u %u %llu %llu %llu %llu %llu %llu\n",
		    ifi.name, ifi.flags, ifi.mtu, ifi.link_up,
		    (unsigned long long)ifi.ipackets,
		    (unsigned long long)ifi.opackets,
		    (unsigned long long)ifi.ibytes,
		    (unsigned long long)ifi.obytes,
		    (unsigned long long)ifi.ierrors,
		    (unsigned long long)ifi.oerrors);
	}
	rumpclient_fini();
	return 0;
}

static void
counters_parse(struct cnode *n, char *out)
{
	struct cif f, ifs[CIF_MAX];
	unsigned long long v[6];
	unsigned link;
	char *line, *save = NULL;
	int k = 0;

	n->ipk = n->opk = 0;
	for (line = strtok_r(out, "\n", &save); line != NULL && k < CIF_MAX;
	    line = strtok_r(NULL, "\n", &save)) {
		memset(&f, 0, sizeof(f));
		if (sscanf(line, "if %15s %u %u %u %llu %llu %llu %llu %llu "
		    "%llu", f.name, &f.flags, &f.mtu, &link, &v[0], &v[1],
		    &v[2], &v[3], &v[4], &v[5]) != 10)
			continue;
		f.link = link != 0;
		f.ipk = v[0], f.opk = v[1], f.ibytes = v[2], f.obytes = v[3];
		f.ierr = v[4], f.oerr = v[5];
		if (strncmp(f.name, "lo", 2) != 0) {
			n->ipk += f.ipk;
			n->opk += f.opk;
		}
		ifs[k++] = f;
	}
	free(n->ifs);
	n->ifs = NULL;
	n->nifs = 0;
	if (k > 0 && (n->ifs = malloc((size_t)k * sizeof(*n->ifs))) != NULL) {
		memcpy(n->ifs, ifs, (size_t)k * sizeof(*n->ifs));
		n->nifs = k;
	}
}

static void
counters_done(struct job *j, void *arg)
{
	struct cnode *n = arg;
	char *nl;

	n->fetch = NULL;
	if (j->c.timedout) {
		n->answers = ANS_NO;
		snprintf(n->noanswer, sizeof(n->noanswer), "not answering (no "
		    "reply in %d s)", FETCH_TIMEOUT_MS / 1000);
		return;
	}
	if (strncmp(j->out, "error ", 6) == 0) {
		if ((nl = strchr(j->out, '\n')) != NULL)
			*nl = '\0';
		n->answers = ANS_NO;
		snprintf(n->noanswer, sizeof(n->noanswer), "not answering: %s",
		    j->out + 6);
		return;
	}
	n->answers = ANS_YES;
	counters_parse(n, j->out);
}

void
lab_fetch_node(int k)
{
	struct cnode *n = &con.nodes[k];

	if (n->fetch != NULL)
		return;
	n->fetched = console_now();
	n->fetch = job_fork(counters_child, (void *)(intptr_t)k,
	    FETCH_TIMEOUT_MS, counters_done, n);
}

/* A service of the node that ended, as "service run1 exited 3"; 0 when
 * none did. */
static int
ended_service(const struct cnode *n, char *buf, size_t len)
{
	char st[48];
	int k;

	for (k = 0; k < con.lab->nodes[n->index].nrun; k++)
		if (svcview_ended(&n->svcs[k])) {
			svcview_state(&n->svcs[k], st, sizeof(st));
			snprintf(buf, len, "service run%d %s", k, st);
			return 1;
		}
	return 0;
}

/*
 * The node's last event: why it does not answer or is not up, else a
 * service of its that ended, else the console's own last action on it
 * until the node's log has a newer line, else the log's last line.
 */
static void
node_event(struct cnode *n)
{
	char path[STATEDIR_PATHMAX], buf[512], svc[80], *p = buf;
	size_t len;

	statedir_log(con.dir, con.lab->nodes[n->index].name, path);
	if (file_tail(path, 1, buf, sizeof(buf)) > 0) {
		len = strlen(buf);
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		/* The launcher's lines say "rumplab: ": no news in a column. */
		if (strncmp(p, "rumplab: ", 9) == 0)
			p += 9;
		if (strncmp(p, n->lastlog, sizeof(n->lastlog) - 1) != 0) {
			if (n->lastlog[0] != '\0')
				n->myevent[0] = '\0';
			snprintf(n->lastlog, sizeof(n->lastlog), "%.*s",
			    (int)sizeof(n->lastlog) - 1, p);
		}
	}
	if (n->answers == ANS_NO && strcmp(n->state, "up") == 0)
		snprintf(n->event, sizeof(n->event), "%s", n->noanswer);
	else if (n->why[0] != '\0')
		snprintf(n->event, sizeof(n->event), "%s", n->why);
	else if (ended_service(n, svc, sizeof(svc)))
		snprintf(n->event, sizeof(n->event), "%s", svc);
	else
		snprintf(n->event, sizeof(n->event), "%s", n->myevent[0] ?
		    n->myevent : n->lastlog);
}

/*
 * Buses.
 */
bool
lab_bus_elsewhere(int b, char *err, size_t len)
{
	const struct lab_bus *bus = &con.lab->buses[b];

	if (con.lab->nhosts == 0 || labctl_bus_here(con.lab,
	    labctl_host(con.dir, con.lab), b))
		return false;
	snprintf(err, len, "on host %s: rumplab capture %s shows its frames",
	    con.lab->hosts[bus->hosts[0]].name, bus->name);
	return true;
}

struct shmif_bus *
lab_bus_attach(int b)
{
	struct cbus *cb = &con.buses[b];
	struct shmif_opts o;
	char path[STATEDIR_PATHMAX + 80], rel[LAB_NAME_MAX + 8];
	int r;

	cb->seen = console_now();
	if (cb->obs != NULL || con.nattached >= BUS_ATTACH_MAX ||
	    lab_bus_elsewhere(b, cb->err, sizeof(cb->err)))
		return cb->obs;
	snprintf(rel, sizeof(rel), "bus/%s", con.lab->buses[b].name);
	statedir_file(con.dir, rel, path);
	memset(&o, 0, sizeof(o));
	o.flags = SHMIF_RDONLY | SHMIF_SEEALL;
	o.max_frame = con.lab->buses[b].max_frame;
	if ((r = shmif_attach(path, &o, &cb->obs, cb->err,
	    sizeof(cb->err))) != 0) {
		cb->obs = NULL;
		return NULL;
	}
	cb->err[0] = '\0';
	con.nattached++;
	return cb->obs;
}

void
lab_read_buses(void)
{
	struct shmif_rxframe rx[64];
	struct shmif_stats st;
	struct cbus *cb;
	int b, i, n;

	for (b = 0; b < con.lab->nbuses; b++) {
		cb = &con.buses[b];
		if (cb->obs == NULL)
			continue;
		while ((n = shmif_recv(cb->obs, rx, 64)) > 0)
			for (i = 0; i < n; i++) {
				cb->frames++;
				cb->bytes += rx[i].len;
			}
		shmif_get_stats(cb->obs, &st);
		cb->lost = st.rx_lost;
	}
}

static void
bus_tick(struct cbus *cb, uint64_t now, double secs)
{
	if (cb->visible)
		lab_bus_attach(cb->index);
	else if (cb->obs != NULL && now - cb->seen > BUS_IDLE_MS &&
	    !(ui.screen == SCR_BUS && ui.bus == cb->index)) {
		shmif_detach(cb->obs);
		cb->obs = NULL;
		con.nattached--;
		cb->frames = cb->bytes = cb->pframes = cb->pbytes = 0;
		cb->fps = cb->bps = 0;
		return;
	}
	if (cb->obs == NULL || secs <= 0)
		return;
	cb->fps = (double)(cb->frames - cb->pframes) / secs;
	cb->bps = (double)(cb->bytes - cb->pbytes) / secs;
	cb->pframes = cb->frames;
	cb->pbytes = cb->bytes;
}

void
lab_tick(void)
{
	uint64_t now = console_now();
	double secs = con.lasttick ? (double)(now - con.lasttick) / 1000 : 0;
	struct cnode *n;
	int i;

	con.lasttick = now;
	if (con.status == NULL)
		con.status = job_fork(status_child, NULL, STATUS_TIMEOUT_MS +
		    1000, status_done, NULL);
	for (i = 0; i < con.lab->nnodes; i++) {
		n = &con.nodes[i];
		if (!n->visible && !(ui.screen == SCR_NODE && ui.node == i))
			continue;
		if (strcmp(n->state, "up") == 0 &&
		    now - n->fetched >= FETCH_EVERY_MS)
			lab_fetch_node(i);
		node_event(n);
	}
	lab_read_buses();
	for (i = 0; i < con.lab->nbuses; i++)
		bus_tick(&con.buses[i], now, secs);
}
