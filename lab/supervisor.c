/*
 * supervisor.c — the lab's daemon (lab/supervisor.h): its setup and its
 * one poll() loop; the parts are in lab/sup.h.
 *
 * The loop sleeps on the listening control socket, its clients (requests
 * are lines, lab/CONTROL.txt), a signalfd (SIGCHLD, SIGTERM, SIGINT,
 * SIGHUP), and the pipes of its children (lab/child.h): workers that
 * start nodes, children that push link state, the nodes' services,
 * whose output it copies into the nodes' logs, and the pumps of buses
 * joined to host taps (lab/sup_tap.c).  Its timeout is the
 * nearest deadline — a worker that went quiet, a service that was told
 * to stop and has not, the end of `up`'s settle time — so no timer
 * wakes it while the lab is idle.
 *
 * Starting nodes is the slow part (a node kernel's start-up, its
 * recorded configuration run in it), so the supervisor forks up to
 * `jobs` workers (lab/sup_worker.c), which wait on the nodes in
 * parallel.  The node kernels are forked by zygotes the workers share,
 * one a processor (lab/launch.h), or by a worker itself without one;
 * when the zygote or the worker exits they are adopted by the supervisor
 * (PR_SET_CHILD_SUBREAPER), which then reaps them (lab/sup_reap.c).
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/labctl.h"
#include "lab/linkstate.h"
#include "lab/plan.h"
#include "lab/statedir.h"
#include "lab/sup.h"
#include "lab/supervisor.h"

struct sup sv;

const char *const nstate_name[] = { "down", "starting", "up", "dead",
	"stopping", "stopped", "failed", "remote" };

/*
 * The state file is written once per round of the event loop, and before
 * any reply (so a client that reads it after its answer sees what led to
 * that answer): 4000 nodes killed at once were 4000 writes of a
 * 4000-entry file, one a reaped node.
 */
void
sv_flush_state(void)
{
	struct labstate st;
	int i;

	if (!sv.state_dirty)
		return;
	sv.state_dirty = false;

	memset(&st, 0, sizeof(st));
	snprintf(st.name, sizeof(st.name), "%s", sv.name);
	st.supervisor = getpid();
	if ((st.nodes = calloc((size_t)sv.nnodes, sizeof(*st.nodes))) == NULL)
		return;
	st.nnodes = sv.nnodes;
	for (i = 0; i < sv.nnodes; i++) {
		snprintf(st.nodes[i].name, sizeof(st.nodes[i].name), "%s",
		    sv.lab->nodes[i].name);
		st.nodes[i].pid = sv.nodes[i].pid;
		snprintf(st.nodes[i].state, sizeof(st.nodes[i].state), "%s",
		    nstate_name[sv.nodes[i].st]);
	}
	(void)statefile_write(sv.dir, &st);
	free(st.nodes);
}

static int
load(const char *dir, char *why, size_t whylen)
{
	char path[STATEDIR_PATHMAX], base[PATH_MAX];
	const char *slash;
	struct diag d;
	int i, r;

	slash = strrchr(dir, '/');
	snprintf(sv.name, sizeof(sv.name), "%s", slash ? slash + 1 : dir);
	statedir_file(dir, "topology.yaml", path);
	diag_init(&d);
	if ((r = lab_open_at(path, labctl_basedir(dir, base, sizeof(base)),
	    &sv.lab, &d)) != 0) {
		snprintf(why, whylen, "%.200s: the topology does not load any "
		    "more (%d problems)", path, diag_count(&d));
		diag_free(&d);
		return r;
	}
	diag_free(&d);
	if ((r = linkstate_init(sv.lab, why, whylen)) != 0)
		return r;
	launch_init(&sv.lc, sv.lab, dir);
	sv.nnodes = sv.lab->nnodes;
	if ((sv.nodes = calloc((size_t)sv.nnodes + 1, sizeof(*sv.nodes))) ==
	    NULL)
		return -ENOMEM;
	for (i = 0; i < sv.nnodes; i++)
		sv.nodes[i].waiter = -1;
	return sv_services_init();
}

/*
 * Every service holds a pipe here: a lab of a thousand of them needs
 * more descriptors than the usual soft limit of 1024.
 */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int
setup(const char *dir, int jobs, char *why, size_t whylen)
{
	sigset_t set;
	int i, r;

	memset(&sv, 0, sizeof(sv));
	sv.dir = dir;
	sv.jobs = jobs > 0 ? jobs : 1;
	sv.up_client = -1;
	sv.lfd = sv.sfd = -1;
	for (i = 0; i < MAXCLIENTS; i++)
		sv.clients[i].c.fd = -1;
	if ((r = load(dir, why, whylen)) != 0)
		return r;
	/* Before anything runs: a user's taps need a namespace of their
	 * own, which every child then shares. */
	if ((r = sv_taps_setup(why, whylen)) != 0)
		return r;
	/* The other hosts are reached from the network up runs in. */
	if (sv.ownns && sv.lab->nhosts > 0) {
		snprintf(why, whylen, "a lab across machines (hosts:) cannot "
		    "have host taps of a user's own namespace: run its taps "
		    "as root, or leave them out");
		return -EPERM;
	}
	if ((r = sv_hosts_setup(why, whylen)) != 0)
		return r;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		snprintf(why, whylen, "PR_SET_CHILD_SUBREAPER: %s",
		    strerror(errno));
		return -errno;
	}
	raise_fd_limit();
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((sv.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		snprintf(why, whylen, "signalfd: %s", strerror(errno));
		return -errno;
	}
	if ((sv.lfd = ctl_listen(dir)) < 0) {
		snprintf(why, whylen, "control socket in %.200s: %s", dir,
		    strerror(-sv.lfd));
		return sv.lfd;
	}
	sv.state_dirty = true;
	sv_flush_state();
	return 0;
}

static void
on_signals(void)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(sv.sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo != SIGCHLD)
			stop = true;
	if (stop)
		sv_shutdown_and_exit(-1, 0);
	sv_reap();
}

static int
earlier(int a, int b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

/* Acts on the deadlines that have passed; the time to the next one in
 * ms, -1 when there is none. */
static int
deadlines(void)
{
	uint64_t now = child_now();
	int ms = -1, w;

	for (w = 0; w < sv.nworkers; w++)
		ms = earlier(ms, child_tick(&sv.workers[w], now));
	ms = earlier(ms, sv_services_tick(now));
	if (sv.settle != 0 && now >= sv.settle) {
		sv.settle = 0;
		sv_up_settled();
	} else if (sv.settle != 0)
		ms = earlier(ms, (int)(sv.settle - now));
	return ms;
}

/* What a pollfd is for. */
enum pkind { P_LISTEN, P_SIGNAL, P_CLIENT, P_WORKER, P_AJOB, P_SERVICE,
	P_PUMP, P_HOST, P_WATCH, P_RELAY, P_UPLINK };
struct pwho {
	enum pkind	 kind;
	int		 a, b;
};

struct pollset {
	struct pollfd	*pfd;
	struct pwho	*who;
	int		 n, cap;
};

static void
add(struct pollset *ps, int fd, enum pkind kind, int a, int b)
{
	struct pollfd *np;
	struct pwho *nw;
	int cap;

	if (fd < 0)
		return;
	if (ps->n == ps->cap) {
		cap = ps->cap ? 2 * ps->cap : 64;
		if ((np = realloc(ps->pfd, (size_t)cap * sizeof(*np))) == NULL)
			return;
		ps->pfd = np;
		if ((nw = realloc(ps->who, (size_t)cap * sizeof(*nw))) == NULL)
			return;
		ps->who = nw;
		ps->cap = cap;
	}
	ps->pfd[ps->n].fd = fd;
	ps->pfd[ps->n].events = POLLIN;
	ps->pfd[ps->n].revents = 0;
	ps->who[ps->n++] = (struct pwho){ kind, a, b };
}

static void
gather(struct pollset *ps)
{
	int i, j, k;

	ps->n = 0;
	add(ps, sv.lfd, P_LISTEN, 0, 0);
	add(ps, sv.sfd, P_SIGNAL, 0, 0);
	for (i = 0; i < MAXCLIENTS; i++)
		add(ps, sv.clients[i].c.fd, P_CLIENT, i, 0);
	for (i = 0; i < sv.nworkers; i++)
		add(ps, sv.workers[i].fd, P_WORKER, i, 0);
	for (i = 0; i < MAXAJOBS; i++)
		if (sv.ajobs[i].c.pid > 0)
			add(ps, sv.ajobs[i].c.fd, P_AJOB, i, 0);
	for (j = 0; j < sv.nsvnodes; j++) {
		i = sv.svnodes[j];
		for (k = 0; k < sv.lab->nodes[i].nrun; k++)
			add(ps, sv.nodes[i].svcs[k].c.fd, P_SERVICE, i, k);
	}
	for (i = 0; i < sv.npumps; i++)
		add(ps, sv.pumps[i].c.fd, P_PUMP, i, 0);
	for (i = 0; i < sv.nrh; i++) {
		if (sv.rh[i].starter.pid > 0)
			add(ps, sv.rh[i].starter.fd, P_HOST, i, 0);
		add(ps, sv.rh[i].watch, P_WATCH, i, 0);
	}
	for (i = 0; i < MAXRELAYS; i++)
		if (sv.relays[i].c.pid > 0)
			add(ps, sv.relays[i].c.fd, P_RELAY, i, 0);
	for (i = 0; i < sv.nups; i++)
		if (!sv.ups[i].ended)
			add(ps, sv.ups[i].c.fd, P_UPLINK, i, 0);
}

/*
 * Children's output first, then requests, then deaths: a worker's last
 * lines are read before its exit is handled, and reaping (which may
 * drop a worker and so renumber the others) comes last.
 */
static void
dispatch(struct pollset *ps)
{
	bool signals = false;
	struct pwho *w;
	int i;

	for (i = 0; i < ps->n; i++) {
		if (!(ps->pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		w = &ps->who[i];
		if (w->kind == P_WORKER)
			sv_worker_input(w->a);
		else if (w->kind == P_AJOB)
			sv_ajob_input(&sv.ajobs[w->a]);
		else if (w->kind == P_SERVICE)
			sv_service_input(w->a, w->b);
		else if (w->kind == P_PUMP)
			sv_pump_input(w->a);
		else if (w->kind == P_HOST)
			sv_host_input(w->a, false);
		else if (w->kind == P_WATCH)
			sv_host_input(w->a, true);
		else if (w->kind == P_RELAY)
			sv_relay_input(w->a);
		else if (w->kind == P_UPLINK)
			sv_uplink_input(w->a);
	}
	for (i = 0; i < ps->n; i++) {
		if (!(ps->pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		w = &ps->who[i];
		if (w->kind == P_LISTEN)
			sv_accept();
		else if (w->kind == P_CLIENT)
			sv_client_input(w->a);
		else if (w->kind == P_SIGNAL)
			signals = true;
	}
	if (signals)
		on_signals();
}

int
supervisor_main(const char *dir, int ready_fd, int jobs)
{
	struct pollset ps = { NULL, NULL, 0, 0 };
	char why[512] = "";
	int r, ms;

	if ((r = setup(dir, jobs, why, sizeof(why))) != 0) {
		if (why[0] == '\0')
			snprintf(why, sizeof(why), "%s", strerror(-r));
		(void)!write(ready_fd, why, strlen(why));
		close(ready_fd);
		(void)statedir_remove(dir);
		return 1;
	}
	(void)!write(ready_fd, "OK\n", 3);
	close(ready_fd);
	for (;;) {
		ms = deadlines();
		gather(&ps);
		if (poll(ps.pfd, (nfds_t)ps.n, ms) < 0) {
			if (errno == EINTR)
				continue;
			sv_shutdown_and_exit(-1, 1);
		}
		dispatch(&ps);
		sv_flush_state();
	}
}
