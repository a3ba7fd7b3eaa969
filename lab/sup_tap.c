/*
 * sup_tap.c — the lab's host taps in the supervisor (lab/sup.h,
 * lab/taps.h): made at its start, before anything else runs (a user's
 * lab first gets its own user and network namespace, so every node
 * lives there); the pumps of the buses joined to taps; the descriptors
 * workers hand to nodes; the "tap" lines of status; and closing them all
 * at the end, which removes the taps.
 */
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/statedir.h"
#include "lab/sup.h"
#include "lab/taps.h"

/* One line of a pump's into the supervisor's log. */
static void
pump_line(void *arg, char *line)
{
	(void)arg;
	fprintf(stderr, "%s\n", line);
}

static int
start_pump(int b, struct pumpview *pv)
{
	char path[STATEDIR_PATHMAX + LAB_NAME_MAX + 2], busdir[STATEDIR_PATHMAX];
	struct taps_pump a;
	struct child_fd keep = { sv.tapfd[b], sv.tapfd[b] };
	struct child_spec s = { .fn = taps_pump, .arg = &a,
	    .flags = CHILD_CLOSEFDS, .fds = &keep, .nfds = 1 };

	statedir_file(sv.dir, "bus", busdir);
	snprintf(path, sizeof(path), "%s/%s", busdir, sv.lab->buses[b].name);
	a.bus = path;
	a.fd = sv.tapfd[b];
	a.tap = sv.lab->buses[b].tap.name;
	pv->bus = b;
	pv->ended = false;
	return child_start(&pv->c, &s);
}

int
sv_taps_setup(char *why, size_t len)
{
	int i, r;

	if ((sv.tapfd = calloc((size_t)sv.lab->nbuses + 1, sizeof(int))) ==
	    NULL || (sv.pumps = calloc((size_t)sv.lab->nbuses + 1,
	    sizeof(*sv.pumps))) == NULL)
		return -ENOMEM;
	if ((r = taps_open(sv.lab, sv.tapfd, &sv.ownns, why, len)) != 0)
		return r;
	sv.lc.tapfd = sv.tapfd;
	for (i = 0; i < sv.lab->nbuses; i++) {
		if (sv.tapfd[i] < 0 || sv.lab->buses[i].tapseg)
			continue;
		if ((r = start_pump(i, &sv.pumps[sv.npumps])) != 0) {
			snprintf(why, len, "tap %s: cannot fork its pump: %s",
			    sv.lab->buses[i].tap.name, strerror(-r));
			return r;
		}
		sv.npumps++;
	}
	return 0;
}

/* The taps go once the last descriptor to them closes. */
void
sv_taps_close(void)
{
	if (sv.tapfd != NULL)
		taps_close(sv.lab, sv.tapfd);
}

int
sv_taps_keep(struct child_fd *fds, int max)
{
	int i, n = 0;

	for (i = 0; sv.tapfd != NULL && i < sv.lab->nbuses && n < max; i++)
		if (sv.tapfd[i] >= 0 && sv.lab->buses[i].tapseg) {
			fds[n].from = fds[n].to = sv.tapfd[i];
			n++;
		}
	return n;
}

void
sv_pump_input(int k)
{
	(void)child_read(&sv.pumps[k].c, pump_line, NULL);
}

bool
sv_pump_reaped(pid_t pid, int status)
{
	struct pumpview *pv;
	int k;

	for (k = 0; k < sv.npumps; k++) {
		pv = &sv.pumps[k];
		if (pv->c.pid != pid || pv->ended)
			continue;
		(void)child_read(&pv->c, pump_line, NULL);
		child_exited(&pv->c, status);
		pv->ended = true;
		fprintf(stderr, "tap %s: its pump (pid %d) %s %d: bus %s is cut "
		    "off the tap\n", sv.lab->buses[pv->bus].tap.name, (int)pid,
		    WIFSIGNALED(status) ? "was killed by signal" :
		    "exited with status", WIFSIGNALED(status) ?
		    WTERMSIG(status) : WEXITSTATUS(status),
		    sv.lab->buses[pv->bus].name);
		return true;
	}
	return false;
}

/*
 * "tap TAP bus BUS NS STATE" or "tap TAP iface NODE:IF NS STATE"
 * (lab/CONTROL.txt): NS "here" or "lab:PID", STATE "up", "pump:PID", or
 * how a pump ended ("exited:N", "killed:N").
 */
void
sv_taps_report(int ci)
{
	const struct lab_bus *b;
	const struct lab_node *n;
	const struct pumpview *pv = NULL;
	char ns[32], st[48];
	int i, k;

	if (sv.tapfd == NULL)
		return;
	snprintf(ns, sizeof(ns), sv.ownns ? "lab:%d" : "here", (int)getpid());
	for (i = 0; i < sv.lab->nbuses; i++) {
		b = &sv.lab->buses[i];
		if (b->tap.name == NULL)
			continue;
		for (k = 0; k < sv.npumps && sv.pumps[k].bus != i; k++)
			continue;
		pv = k < sv.npumps ? &sv.pumps[k] : NULL;
		if (pv == NULL)
			snprintf(st, sizeof(st), "up");
		else if (!pv->ended)
			snprintf(st, sizeof(st), "pump:%d", (int)pv->c.pid);
		else
			snprintf(st, sizeof(st), "%s:%d",
			    WIFSIGNALED(pv->c.status) ? "killed" : "exited",
			    WIFSIGNALED(pv->c.status) ?
			    WTERMSIG(pv->c.status) : WEXITSTATUS(pv->c.status));
		if (!b->tapseg) {
			sv_reply(ci, "tap %s bus %s %s %s", b->tap.name,
			    b->name, ns, st);
			continue;
		}
		n = &sv.lab->nodes[b->members[0].node];
		sv_reply(ci, "tap %s iface %s:%s %s %s", b->tap.name, n->name,
		    n->ifaces[b->members[0].iface].name, ns, st);
	}
}
