/*
 * sup_request.c — the supervisor's control clients and their requests
 * (lab/sup.h; the protocol is lab/CONTROL.txt): one line in, reply lines
 * out until "ok" or "error".  A request that takes time (up, node stop
 * and start, link changes) keeps the client's slot and is answered when
 * what it started has ended.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/ctlproto.h"
#include "lab/impair_spec.h"
#include "lab/linkstate.h"
#include "lab/plan.h"
#include "lab/statedir.h"
#include "lab/sup.h"

struct emitctx {
	int		 ci;
	const char	*pfx;
};

static void forget_client(int ci);

/* A reply line, escaped already, to client ci (a client that cannot
 * take it is dropped). */
static void
send_line(int ci, const char *line)
{
	sv_flush_state();       /* what led to this answer is on disk */
	if (ci < 0 || sv.clients[ci].c.fd < 0)
		return;
	if (ctl_send(&sv.clients[ci].c, "%s", line) != 0) {
		ctl_close(&sv.clients[ci].c);
		forget_client(ci);
	}
}

void
sv_reply_raw(int ci, const char *line)
{
	send_line(ci, line);
}

void
sv_reply(int ci, const char *fmt, ...)
{
	char raw[CTL_LINEMAX], line[CTL_LINEMAX - 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	ctl_escape(raw, strlen(raw), line, sizeof(line));
	send_line(ci, line);
}

void
sv_reply_text(int ci, const char *head, const char *text, size_t n)
{
	char line[CTL_LINEMAX - 1];
	size_t off;

	off = ctl_escape(head, strlen(head), line, sizeof(line) - 1);
	line[off++] = ' ';
	ctl_escape(text, n, line + off, sizeof(line) - off);
	send_line(ci, line);
}

/* A client is gone: nothing waits to answer it any more (its slot may
 * be taken by another). */
static void
forget_client(int ci)
{
	int i;

	for (i = 0; i < sv.nnodes; i++)
		if (sv.nodes[i].waiter == ci)
			sv.nodes[i].waiter = -1;
	for (i = 0; i < MAXAJOBS; i++)
		if (sv.ajobs[i].c.pid > 0 && sv.ajobs[i].ci == ci)
			sv.ajobs[i].ci = -1;
	sv_relay_forget(ci);
}

/* The node's last log lines, one `log NAME TEXT` line each (NULs and
 * all: the text is escaped). */
void
sv_reply_tail(int ci, int node)
{
	char path[STATEDIR_PATHMAX], buf[4096], head[128];
	const char *p, *end, *nl;
	ssize_t n;

	statedir_log(sv.dir, sv.lab->nodes[node].name, path);
	if ((n = file_tail(path, TAIL_LINES, buf, sizeof(buf))) <= 0)
		return;
	snprintf(head, sizeof(head), "log %s", sv.lab->nodes[node].name);
	for (p = buf, end = buf + n; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		sv_reply_text(ci, head, p, (size_t)(nl - p));
	}
}

/*
 * Every node of `up` has been reported and reaped: a failed one fails
 * the lab; else the services start, and up is answered once they had
 * SETTLE_MS to fail (sv_up_settled()).
 */
void
sv_up_finish(void)
{
	int i, nfail, total, done;

	nfail = sv_hosts_failed(sv.up_client);
	/* A host failed its checks: nothing started anywhere. */
	if (nfail > 0 && sv.ndone == 0 && sv.nworkers == 0 &&
	    sv_hosts_unchecked()) {
		sv_reply(sv.up_client, "error a host failed its checks, so "
		    "nothing was started; lab %s stopped", sv.name);
		sv_shutdown_and_exit(-1, 1);
	}
	for (i = 0; i < sv.nnodes; i++)
		if (sv.nodes[i].st != NS_UP && sv.nodes[i].st != NS_REMOTE) {
			nfail++;
			sv_reply(sv.up_client, "fail %s %s",
			    sv.lab->nodes[i].name, sv.nodes[i].why[0] ?
			    sv.nodes[i].why : nstate_name[sv.nodes[i].st]);
			sv_reply_tail(sv.up_client, i);
		}
	if (nfail > 0) {
		sv_hosts_progress(&done, &total);
		sv_reply(sv.up_client, "error %d of %d nodes failed; lab %s "
		    "stopped", nfail, total, sv.name);
		sv_shutdown_and_exit(-1, 1);
	}
	for (i = 0; i < sv.nnodes; i++)
		if (sv_mine(i))
			(void)sv_services_start(i);
	if (sv_services_count() > 0)
		sv.settle = child_now() + SETTLE_MS;
	else
		sv_up_settled();
}

/* up's last word: the services that have ended already, with their last
 * lines, then ok. */
void
sv_up_settled(void)
{
	int i, n = sv_services_count(), ended = 0, done, total;

	sv.up_done = true;
	sv.state_dirty = true;
	for (i = 0; i < sv.nnodes; i++)
		if (sv_mine(i))
			ended += sv_services_report(sv.up_client, i, true);
	sv_hosts_progress(&done, &total);
	if (n == 0)
		sv_reply(sv.up_client, "ok lab %s is up: %d nodes", sv.name,
		    total);
	else
		sv_reply(sv.up_client, "ok lab %s is up: %d nodes, %d services "
		    "(%d ended)", sv.name, total, n, ended);
	sv.up_client = -1;
}

static void
req_up(int ci)
{
	int *list, i, n = 0, r, done, total;

	if (sv.up_asked) {
		sv_reply(ci, "error lab %s was started already", sv.name);
		return;
	}
	sv.up_asked = true;
	sv.up_client = ci;
	if ((list = malloc((size_t)sv.nnodes * sizeof(int))) == NULL) {
		sv_reply(ci, "error out of memory");
		sv_shutdown_and_exit(-1, 1);
	}
	for (i = 0; i < sv.nnodes; i++)
		if (sv_mine(i))
			list[n++] = i;
	/* Across machines every host is checked before anything starts;
	 * then the other hosts' parts start beside ours. */
	if (sv.nrh > 0) {
		r = sv_hosts_up(list, n);
		n = 0;
	} else {
		r = n > 0 ? sv_start_nodes(list, n) : 0;
		free(list);
	}
	if (r != 0) {
		sv_reply(ci, "error cannot start workers: %s", strerror(-r));
		sv_shutdown_and_exit(-1, 1);
	}
	sv_hosts_progress(&done, &total);
	sv_reply(ci, "progress 0 %d", total);
	if (n == 0 && !sv_hosts_starting())
		sv_up_finish();
	else if (n == 0)
		sv.up_judge = true;	/* once the last part has started */
}

static void
emit_line(void *arg, const char *line)
{
	struct emitctx *e = arg;

	if (sv_line_mine(line))
		sv_reply(e->ci, "%s%s", e->pfx, line);
}

/* The last line shown: what a `link set` reply says is now in effect
 * ("iface r1:shmif1 core down", "bus lan1 joined out.delay=20ms"). */
static void
keep_last(void *arg, const char *line)
{
	snprintf(arg, 512, "%s", line);
}

static void
req_link_show(int ci, int argc, char **argv)
{
	struct lstarget t;
	struct emitctx e = { ci, "" };
	char why[512];

	if (argc == 1 && linkstate_target(argv[0], &t, why, sizeof(why)) != 0) {
		sv_reply(ci, "error %s", why);
		return;
	}
	linkstate_show(argc == 1 ? &t : NULL, sv_node_is_up, emit_line, &e);
	sv_reply(ci, "ok");
}

static void
req_link_set(int ci, int argc, char **argv)
{
	struct lstarget t;
	struct impset set;
	char why[512], ok[512];

	if (!sv.up_done) {
		sv_reply(ci, "error lab %s is not up yet", sv.name);
		return;
	}
	if (linkstate_target(argv[0], &t, why, sizeof(why)) != 0 ||
	    impspec_parse(argc - 1, argv + 1, t.bus >= 0 ? IMP_DIR_OUT :
	    IMP_DIR_BOTH, t.bus >= 0 ? IMP_DIR_OUT : IMP_DIR_BOTH, &set, why,
	    sizeof(why)) != 0 ||
	    linkstate_set(&t, &set, why, sizeof(why)) != 0) {
		sv_reply(ci, "error %s", why);
		return;
	}
	linkstate_show(&t, sv_node_is_up, keep_last, ok);
	sv_push_links(ci, ok);
}

static void
req_bus(int ci, bool cut, const char *name)
{
	char ok[256];
	int b;

	if (!sv.up_done) {
		sv_reply(ci, "error lab %s is not up yet", sv.name);
		return;
	}
	if ((b = lab_bus_find(sv.lab, name)) < 0) {
		sv_reply(ci, "error no bus '%s' in lab %s", name, sv.name);
		return;
	}
	linkstate_cut(b, cut);
	snprintf(ok, sizeof(ok), "bus %s %s", name, cut ?
	    "cut: its interfaces have no carrier" : "joined again");
	sv_push_links(ci, ok);
}

static void
req_status(int ci)
{
	struct snode *sn;
	int i;

	sv_reply(ci, "lab %s %d %s", sv.name, (int)getpid(),
	    sv.up_done ? "up" : sv.up_asked ? "starting" : "idle");
	sv_hosts_report(ci);
	for (i = 0; i < sv.nnodes; i++) {
		sn = &sv.nodes[i];
		if (sn->st == NS_REMOTE)
			continue;	/* its part says */
		sv_reply(ci, "node %s %d %s%s%s", sv.lab->nodes[i].name,
		    (int)sn->pid, nstate_name[sn->st], sn->why[0] ? " " : "",
		    sn->why);
		if (sn->st == NS_DEAD || sn->st == NS_FAILED)
			sv_reply_tail(ci, i);
		(void)sv_services_report(ci, i, false);
	}
	linkstate_summary(emit_line, &(struct emitctx){ ci, "link " });
	sv_taps_report(ci);
}

static void
req_node(int ci, enum ctl_req op, const char *name)
{
	struct snode *sn;
	int i;

	if (!sv.up_done) {
		sv_reply(ci, "error lab %s is not up yet", sv.name);
		return;
	}
	if ((i = lab_node_find(sv.lab, name)) < 0) {
		sv_reply(ci, "error no node '%s' in lab %s", name, sv.name);
		return;
	}
	sn = &sv.nodes[i];
	if (sn->st == NS_REMOTE) {
		sv_reply(ci, "error node %s is on host %s, not on this one "
		    "(%s)", name, sv.lab->hosts[sv.lab->nodes[i].host].name,
		    sv.lab->hosts[sv.host].name);
		return;
	}
	if (sn->waiter >= 0 || sn->st == NS_STARTING ||
	    sn->st == NS_STOPPING) {
		sv_reply(ci, "error node %s is busy (%s)", name,
		    nstate_name[sn->st]);
		return;
	}
	if (op == CTL_NODE_START && sn->st == NS_UP) {
		sv_reply(ci, "error node %s is already up (pid %d)", name,
		    (int)sn->pid);
		return;
	}
	if (op == CTL_NODE_KILL) {
		if (sn->st != NS_UP) {
			sv_reply(ci, "error node %s is not running (%s)", name,
			    nstate_name[sn->st]);
			return;
		}
		kill(sn->pid, SIGKILL);
		sn->waiter = ci;	/* answered once it is reaped */
		return;
	}
	sn->waiter = ci;
	if (sn->st == NS_UP && op != CTL_NODE_START) {
		sn->st = NS_STOPPING;
		sn->restart = op == CTL_NODE_RESTART;
		sv_services_stop(i);
		kill(sn->pid, SIGTERM);
		sv.state_dirty = true;
		return;
	}
	if (op == CTL_NODE_STOP) {
		sn->st = NS_STOPPED;
		sn->waiter = -1;
		sv.state_dirty = true;
		sv_reply(ci, "ok node %s stopped", name);
		return;
	}
	if (sv_start_nodes(&i, 1) != 0) {
		sn->st = NS_FAILED;
		snprintf(sn->why, sizeof(sn->why), "cannot fork a worker");
		sv_node_started(i);
	}
	sv.state_dirty = true;
}

/* One request line (len bytes, NULs possible), dispatched on its id in
 * the protocol's table (lab/ctlproto.h). */
static void
request(int ci, char *line, size_t len)
{
	struct ctl_request rq;
	char why[256], copy[CTL_LINEMAX];
	unsigned long long mask;
	bool here;
	int r;

	snprintf(copy, sizeof(copy), "%.*s", (int)len, line);
	if (ctl_request_parse(line, len, &rq, why, sizeof(why)) != 0) {
		sv_reply(ci, "error %s", why);
		return;
	}
	/* Other hosts' nodes and buses: their parts answer (lab/HOSTS.txt). */
	if (sv.clients[ci].local)
		mask = 0;
	else
		sv_request_hosts(rq.def->id, rq.argc, rq.argv, &mask, &here);
	if (mask != 0) {
		if (rq.def->id == CTL_STATUS) {
			req_status(ci);
			here = false;
		} else if (!sv.up_done) {
			sv_reply(ci, "error lab %s is not up yet", sv.name);
			return;
		}
		if ((r = sv_relay(ci, copy, mask, here, rq.def->id ==
		    CTL_STATUS)) != 0)
			sv_reply(ci, "error cannot relay the request to the "
			    "other hosts: %s", strerror(-r));
		return;
	}
	switch (rq.def->id) {
	case CTL_HELLO:
		sv_reply(ci, "ok rumplab-supervisor 1 %s %d", sv.name,
		    (int)getpid());
		break;
	case CTL_UP:
		req_up(ci);
		break;
	case CTL_STATUS:
		req_status(ci);
		sv_reply(ci, "ok");
		break;
	case CTL_LOCAL:
		sv.clients[ci].local = true;
		sv_reply(ci, "ok this connection's requests are for host %s "
		    "only", sv.host >= 0 ? sv.lab->hosts[sv.host].name :
		    "(none)");
		break;
	case CTL_NODE_STOP:
	case CTL_NODE_START:
	case CTL_NODE_RESTART:
	case CTL_NODE_KILL:
		req_node(ci, rq.def->id, rq.argv[0]);
		break;
	case CTL_LINK_SHOW:
		req_link_show(ci, rq.argc, rq.argv);
		break;
	case CTL_LINK_SET:
		req_link_set(ci, rq.argc, rq.argv);
		break;
	case CTL_BUS_CUT:
	case CTL_BUS_JOIN:
		req_bus(ci, rq.def->id == CTL_BUS_CUT, rq.argv[0]);
		break;
	case CTL_DOWN:
	case CTL_ABORT:
		sv_shutdown_and_exit(ci, 0);
		break;
	case CTL_NREQ:
		break;
	}
}

static void
client_gone(int ci)
{
	ctl_close(&sv.clients[ci].c);
	forget_client(ci);
	/* The one who asked for `up` left before it finished: Ctrl-C. */
	if (ci == sv.up_client && !sv.up_done)
		sv_shutdown_and_exit(-1, 1);
}

/*
 * A client's bytes: each whole line is a request.  A line over the
 * buffer is answered with an error and skipped to its newline, so that
 * the client can go on.
 */
void
sv_client_input(int ci)
{
	struct client *cl = &sv.clients[ci];
	struct ctl_conn *c = &cl->c;
	char line[CTL_LINEMAX];
	size_t len;
	ssize_t n;
	int r;

	n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
	if (n <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		client_gone(ci);
		return;
	}
	c->len += (size_t)n;
	while (c->fd >= 0 && (r = ctl_takeline(c, line, sizeof(line) - 1,
	    &len)) != 0) {
		if (cl->skipping)
			cl->skipping = false;	/* the rest of a long one */
		else if (r < 0)
			sv_reply(ci, "error a request is longer than %d bytes",
			    CTL_LINEMAX - 2);
		else
			request(ci, line, len);
	}
	if (c->fd >= 0 && c->len == sizeof(c->buf)) {
		if (!cl->skipping)
			sv_reply(ci, "error a request is longer than %d bytes",
			    CTL_LINEMAX - 2);
		cl->skipping = true;
		c->len = 0;
	}
}

void
sv_accept(void)
{
	struct timeval tv = { 5, 0 };
	int fd, i;

	if ((fd = accept4(sv.lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return;
	for (i = 0; i < MAXCLIENTS; i++)
		if (sv.clients[i].c.fd < 0)
			break;
	if (i == MAXCLIENTS) {
		close(fd);
		return;
	}
	/* A client that stops reading must not wedge the lab. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	sv.clients[i].c.fd = fd;
	sv.clients[i].c.len = 0;
	sv.clients[i].skipping = false;
	sv.clients[i].local = false;
}

