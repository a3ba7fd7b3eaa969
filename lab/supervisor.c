/*
 * supervisor.c — the lab's daemon (lab/supervisor.h): its setup and its
 * one poll() loop; the parts are in lab/sup.h.
 *
 * One thread, one poll() loop over: the listening control socket, its
 * clients (requests are lines, lab/CONTROL.txt), a signalfd (SIGCHLD,
 * SIGTERM, SIGINT, SIGHUP) and the read end of the workers' pipe.
 *
 * Starting nodes is the slow part (a node kernel's start-up, then one
 * sysproxy call per configuration step), and librumpclient holds one
 * connection per process, so the supervisor forks up to `jobs` workers
 * (lab/sup_worker.c).  The node kernels are the workers' children; when
 * a worker exits they are adopted by the supervisor
 * (PR_SET_CHILD_SUBREAPER), which then reaps them (lab/sup_reap.c).
 */
#include <sys/prctl.h>
#include <sys/signalfd.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/linkstate.h"
#include "lab/plan.h"
#include "lab/statedir.h"
#include "lab/sup.h"
#include "lab/supervisor.h"

struct sup sv;

const char *const nstate_name[] = { "down", "starting", "up", "dead",
	"stopping", "stopped", "failed" };

void
sv_write_state(void)
{
	struct labstate st;
	int i;

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
setup(const char *dir, int jobs, char *why, size_t whylen)
{
	char path[STATEDIR_PATHMAX];
	const char *slash;
	struct diag d;
	sigset_t set;
	int i, r;

	memset(&sv, 0, sizeof(sv));
	sv.dir = dir;
	sv.jobs = jobs > 0 ? jobs : 1;
	sv.up_client = -1;
	sv.lfd = sv.sfd = sv.wpipe[0] = sv.wpipe[1] = -1;
	for (i = 0; i < MAXCLIENTS; i++)
		sv.clients[i].c.fd = -1;
	slash = strrchr(dir, '/');
	snprintf(sv.name, sizeof(sv.name), "%s", slash ? slash + 1 : dir);
	statedir_file(dir, "topology.yaml", path);
	diag_init(&d);
	if ((r = lab_open(path, &sv.lab, &d)) != 0) {
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
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		snprintf(why, whylen, "PR_SET_CHILD_SUBREAPER: %s",
		    strerror(errno));
		return -errno;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((sv.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0 ||
	    pipe2(sv.wpipe, O_CLOEXEC) != 0) {
		snprintf(why, whylen, "signalfd/pipe: %s", strerror(errno));
		return -errno;
	}
	fcntl(sv.wpipe[0], F_SETFL, O_NONBLOCK);
	if ((sv.lfd = ctl_listen(dir)) < 0) {
		snprintf(why, whylen, "control socket in %.200s: %s", dir,
		    strerror(-sv.lfd));
		return sv.lfd;
	}
	sv_write_state();
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

int
supervisor_main(const char *dir, int ready_fd, int jobs)
{
	struct pollfd pfd[3 + MAXCLIENTS];
	int map[3 + MAXCLIENTS];
	char why[512] = "";
	int i, n, r;

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
		pfd[0].fd = sv.lfd;
		pfd[1].fd = sv.sfd;
		pfd[2].fd = sv.wpipe[0];
		for (i = 0; i < 3; i++) {
			pfd[i].events = POLLIN;
			map[i] = -1;
		}
		for (n = 3, i = 0; i < MAXCLIENTS; i++)
			if (sv.clients[i].c.fd >= 0) {
				pfd[n].fd = sv.clients[i].c.fd;
				pfd[n].events = POLLIN;
				map[n++] = i;
			}
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			sv_shutdown_and_exit(-1, 1);
		}
		if (pfd[2].revents & POLLIN)
			sv_read_workers();
		if (pfd[1].revents & POLLIN)
			on_signals();
		if (pfd[0].revents & POLLIN)
			sv_accept();
		for (i = 3; i < n; i++)
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				sv_client_input(map[i]);
	}
}
