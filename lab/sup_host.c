/*
 * sup_host.c — a lab across machines in its supervisors (lab/sup.h,
 * lab/HOSTS.txt).
 *
 * Every host of a lab runs a supervisor of the same binary: the one
 * `up` started on this machine coordinates, and one started over ssh on
 * each other host runs that host's part (`up --part`).  A supervisor's
 * own nodes are those its host has; the others are NS_REMOTE to it.
 *
 * The coordinator, per other host (struct rhost):
 *	- a starter, a forked child that starts the host's ssh master
 *	  (lab/remote.h: every later command and forward to the host goes
 *	  through it; once the starter exits the master is the
 *	  supervisor's, a subreaper's, and its end says the host is
 *	  unreachable), checks the host, has the part started there, forwards the part's control
 *	  socket to DIR/host/NAME/control and the part's node sockets to
 *	  DIR/sock/I (so exec, check, console and the rump.* commands reach
 *	  a remote node as a local one), then asks the part for "up" and
 *	  writes what it hears as lines (below);
 *	- once the part is up, a connection to its supervisor that is only
 *	  read: its end means the part is lost.
 * Requests about other hosts' nodes and buses are relayed by a forked
 * child each (struct relay) that asks the parts (and this supervisor,
 * "local", when it has a share) and writes their reply lines.
 *
 * Every host with a share in a bus that spans hosts runs an uplink for
 * it (lab/uplink.h): its part of the bus joined to the others' over VDE.
 *
 * Lines a starter writes:	Lines a relay writes:
 *	master PID			line RAW	(to the client)
 *	stage starting
 *	progress DONE TOTAL		fin RAW		(a final line)
 *	relay RAW	(to up's client)
 *	ok TEXT | error TEXT
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/ctlproto.h"
#include "lab/labctl.h"
#include "lab/linkstate.h"
#include "lab/remote.h"
#include "lab/statedir.h"
#include "lab/sup.h"
#include "lab/uplink.h"

#define STARTER_SILENCE_S	120	/* a part's up says nothing that long */
#define RELAY_TIMEOUT_MS	60000	/* a part's reply to one request */
#define DOWN_TIMEOUT_MS		30000	/* a part's down */
#define MASTER_WAIT_MS		20000	/* ssh connecting and logging in */

const char *const hstate_name[] = { "connecting", "starting", "up", "lost",
	"unreachable", "failed", "down" };

bool
sv_mine(int i)
{
	return sv.lab->nhosts == 0 || sv.lab->nodes[i].host == sv.host;
}

/* Does this host emit bus b's own lines (the first of its hosts)? */
static bool
bus_mine(int b)
{
	const struct lab_bus *bus = &sv.lab->buses[b];

	if (sv.lab->nhosts == 0 || bus->nhosts == 0)
		return true;
	return bus->hosts[0] == sv.host;
}

/*
 * A link show or status "link" line about another host's interface or
 * a bus another host speaks for is that host's to say: false for it.
 * ("iface NODE:IF ...", "bus BUS ...")
 */
bool
sv_line_mine(const char *line)
{
	char name[LAB_NAME_MAX + 1];
	const char *p;
	size_t n;
	int i;

	if (sv.lab->nhosts == 0)
		return true;
	if (strncmp(line, "iface ", 6) == 0) {
		p = line + 6;
		n = strcspn(p, ": ");
		if (n == 0 || n > LAB_NAME_MAX)
			return true;
		memcpy(name, p, n);
		name[n] = '\0';
		return (i = lab_node_find(sv.lab, name)) < 0 || sv_mine(i);
	}
	if (strncmp(line, "bus ", 4) == 0) {
		p = line + 4;
		n = strcspn(p, " ");
		if (n == 0 || n > LAB_NAME_MAX)
			return true;
		memcpy(name, p, n);
		name[n] = '\0';
		return (i = lab_bus_find(sv.lab, name)) < 0 || bus_mine(i);
	}
	return true;
}

static void
host_dir(int host, char *buf)
{
	char rel[16 + LAB_NAME_MAX];

	snprintf(rel, sizeof(rel), "host/%s", sv.lab->hosts[host].name);
	statedir_file(sv.dir, rel, buf);
}

/* --- setup --------------------------------------------------------------- */

/* DIR/part names the host of a part; else this is the coordinator. */
static int
find_host(char *why, size_t len)
{
	char path[STATEDIR_PATHMAX], name[LAB_NAME_MAX + 2];
	ssize_t n;
	int fd;

	sv.host = -1;
	sv.coord = false;
	if (sv.lab->nhosts == 0)
		return 0;
	if (sv.lab->nhosts > LAB_HOSTS_MAX) {	/* the loader refuses it */
		snprintf(why, len, "a lab spans at most %d hosts (it has %d)",
		    LAB_HOSTS_MAX, sv.lab->nhosts);
		return -E2BIG;
	}
	statedir_file(sv.dir, "part", path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		sv.host = lab_host_local(sv.lab);
		sv.coord = true;
		return 0;
	}
	n = read(fd, name, sizeof(name) - 1);
	close(fd);
	name[n > 0 ? n : 0] = '\0';
	name[strcspn(name, "\n")] = '\0';
	if ((sv.host = lab_host_find(sv.lab, name)) < 0) {
		snprintf(why, len, "%s: no host '%s' in the topology", path,
		    name);
		return -ENOENT;
	}
	return 0;
}

static int
start_uplink(int b)
{
	static char urls[16][LAB_URL_MAX];
	char busdir[STATEDIR_PATHMAX], path[STATEDIR_PATHMAX + LAB_NAME_MAX + 2];
	char stats[STATEDIR_PATHMAX + LAB_NAME_MAX + 2];
	struct uplink_spec u;
	struct child_spec s = { .fn = uplink_run, .arg = &u,
	    .flags = CHILD_CLOSEFDS };
	struct upview *v = &sv.ups[sv.nups];
	int n, r;

	n = lab_uplink_urls(sv.lab, b, sv.host, urls, 16);
	if (n <= 0)
		return 0;
	statedir_file(sv.dir, "bus", busdir);
	snprintf(path, sizeof(path), "%s/%s", busdir, sv.lab->buses[b].name);
	statedir_file(sv.dir, "uplink", busdir);
	(void)mkdir(busdir, 0700);
	snprintf(stats, sizeof(stats), "%s/%s", busdir, sv.lab->buses[b].name);
	memset(&u, 0, sizeof(u));
	u.bus = path;
	u.urls = urls;
	u.nurls = n;
	u.stats = stats;
	u.max_frame = sv.lab->buses[b].max_frame;
	u.with_parent = true;
	v->bus = b;
	v->ended = false;
	if ((r = child_start(&v->c, &s)) != 0)
		return r;
	sv.nups++;
	return 0;
}

int
sv_hosts_setup(char *why, size_t len)
{
	char dir[STATEDIR_PATHMAX];
	int i, r;

	if ((r = find_host(why, len)) != 0)
		return r;
	sv.nown = 0;
	for (i = 0; i < sv.nnodes; i++) {
		if (sv_mine(i))
			sv.nown++;
		else
			sv.nodes[i].st = NS_REMOTE;
	}
	if (sv.lab->nhosts == 0)
		return 0;
	if ((sv.ups = calloc((size_t)sv.lab->nbuses + 1, sizeof(*sv.ups))) ==
	    NULL || (sv.rh = calloc((size_t)sv.lab->nhosts,
	    sizeof(*sv.rh))) == NULL)
		return -ENOMEM;
	for (i = 0; i < sv.lab->nbuses; i++)
		if (labctl_bus_here(sv.lab, sv.host, i) &&
		    (r = start_uplink(i)) != 0) {
			snprintf(why, len, "bus %s: cannot start its uplink: "
			    "%s", sv.lab->buses[i].name, strerror(-r));
			return r;
		}
	if (!sv.coord)
		return 0;
	statedir_file(sv.dir, "host", dir);
	(void)mkdir(dir, 0700);
	for (i = 0; i < sv.lab->nhosts; i++) {
		if (i == sv.host)
			continue;
		sv.rh[sv.nrh].host = i;
		sv.rh[sv.nrh].watch = -1;
		sv.rh[sv.nrh].total = sv.lab->hosts[i].nnodes;
		sv.rh[sv.nrh].st = HS_CONNECTING;
		host_dir(i, dir);
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			snprintf(why, len, "%s: %s", dir, strerror(errno));
			return -errno;
		}
		sv.nrh++;
	}
	return 0;
}

/* --- the starter: one host's part, from ssh to up ------------------------ */

static void
out(const char *fmt, ...)
{
	char line[CHILD_LINEMAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	(void)!write(1, line, (size_t)n);
}

/* A raw (escaped) reply line cut to what a child's line holds, never
 * inside an escape. */
static void
out_raw(const char *head, const char *raw)
{
	char cut[CHILD_LINEMAX - 80];
	size_t n = strlen(raw), k;

	if (n >= sizeof(cut)) {
		n = sizeof(cut) - 1;
		for (k = n > 4 ? n - 4 : 0; k < n; k++)
			if (raw[k] == '\\') {
				n = k;
				break;
			}
	}
	memcpy(cut, raw, n);
	cut[n] = '\0';
	out("%s %s", head, cut);
}

/* The part's `up --part` there: the topology on its input, "part RDIR"
 * from it. */
static int
start_part(const struct rhost *h, struct remote *rm, char *rdir,
    size_t rlen, char *why, size_t len)
{
	const struct lab_host *lh = &sv.lab->hosts[h->host];
	char topo[STATEDIR_PATHMAX], base[STATEDIR_PATHMAX], name[160];
	char jobs[16], buf[4096], *p;
	int in, pfd[2], status;
	ssize_t n;
	size_t have = 0;
	char *words[16];
	int k = 0;

	statedir_file(sv.dir, "topology.yaml", topo);
	(void)labctl_basedir(sv.dir, base, sizeof(base));
	snprintf(name, sizeof(name), "%s@%s", sv.name, lh->name);
	snprintf(jobs, sizeof(jobs), "%d", sv.jobs);
	words[k++] = (char *)lh->rumplab;	/* the loader's default */
	words[k++] = "up";
	words[k++] = "--part";
	words[k++] = (char *)lh->name;
	words[k++] = "--name";
	words[k++] = name;
	words[k++] = "--base";
	words[k++] = base;
	words[k++] = "--jobs";
	words[k++] = jobs;
	words[k++] = "-";
	words[k] = NULL;
	if ((in = open(topo, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(why, len, "%.400s: %s", topo, strerror(errno));
		return -errno;
	}
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		close(in);
		return -errno;
	}
	/* Its output is a few lines: the pipe holds them until it ends. */
	status = remote_run(rm, words, in, pfd[1], pfd[1]);
	close(in);
	close(pfd[1]);
	while (have < sizeof(buf) - 1 && (n = read(pfd[0], buf + have,
	    sizeof(buf) - 1 - have)) > 0)
		have += (size_t)n;
	close(pfd[0]);
	buf[have] = '\0';
	if (status < 0) {
		snprintf(why, len, "ssh: %s", strerror(-status));
		return status;
	}
	if ((p = strstr(buf, "part /")) == NULL || status != 0) {
		/* Its own words: the last line it wrote. */
		while (have > 0 && buf[have - 1] == '\n')
			buf[--have] = '\0';
		p = strrchr(buf, '\n');
		snprintf(why, len, "%.500s", p ? p + 1 : buf[0] ? buf :
		    "its rumplab said nothing");
		return -EPROTO;
	}
	p += 5;
	p[strcspn(p, "\n")] = '\0';
	snprintf(rdir, rlen, "%s", p);
	return 0;
}

/* Its control socket and its nodes' sockets, here. */
static int
forward_part(const struct rhost *h, struct remote *rm, const char *rdir,
    char *why, size_t len)
{
	char hdir[STATEDIR_PATHMAX], (*loc)[STATEDIR_PATHMAX] = NULL;
	char (*rem)[STATEDIR_PATHMAX] = NULL;
	const char **lp = NULL, **rp = NULL;
	int i, n = 0, r = -ENOMEM;

	if ((loc = calloc((size_t)sv.nnodes + 1, sizeof(*loc))) == NULL ||
	    (rem = calloc((size_t)sv.nnodes + 1, sizeof(*rem))) == NULL ||
	    (lp = calloc((size_t)sv.nnodes + 1, sizeof(*lp))) == NULL ||
	    (rp = calloc((size_t)sv.nnodes + 1, sizeof(*rp))) == NULL)
		goto out;
	host_dir(h->host, hdir);
	statedir_file(hdir, "control", loc[n]);
	statedir_file(rdir, "control", rem[n++]);
	for (i = 0; i < sv.nnodes; i++) {
		if (sv.lab->nodes[i].host != h->host)
			continue;
		statedir_sock(sv.dir, i, loc[n]);
		statedir_sock(rdir, i, rem[n++]);
	}
	for (i = 0; i < n; i++) {
		lp[i] = loc[i];
		rp[i] = rem[i];
	}
	r = remote_forward(rm, lp, rp, n, why, len);
out:
	free(loc);
	free(rem);
	free(lp);
	free(rp);
	return r;
}

/* Asks the part for up and writes what it says. */
static int
drive_part(const struct rhost *h)
{
	char hdir[STATEDIR_PATHMAX], line[CTL_LINEMAX];
	struct ctl_conn c;
	struct ctl_reply rp;
	int r;

	host_dir(h->host, hdir);
	if ((r = ctl_connect(hdir, &c)) != 0 || (r = ctl_send(&c, "up")) != 0) {
		ctl_close(&c);
		out("error its supervisor does not answer through ssh (%s)",
		    strerror(-r));
		return 1;
	}
	while ((r = ctl_readline(&c, line, sizeof(line),
	    STARTER_SILENCE_S * 1000)) == 1) {
		if (ctl_reply_parse(line, &rp) != 0)
			continue;
		if (rp.kind == CK_PROGRESS)
			out("progress %d %d", rp.n, rp.total);
		else if (ctl_reply_final(&rp)) {
			out_raw(rp.kind == CK_OK ? "ok" : "error",
			    line + (rp.kind == CK_OK ? 2 : 5) +
			    (line[rp.kind == CK_OK ? 2 : 5] == ' '));
			ctl_close(&c);
			return rp.kind == CK_OK ? 0 : 1;
		} else
			out_raw("relay", line);
	}
	ctl_close(&c);
	out("error its supervisor %s", r == 0 ? "closed the connection" :
	    r == -ETIMEDOUT ? "said nothing for 120 s" : strerror(-r));
	return 1;
}

/*
 * Phase 0, the check: the master first (once it runs it outlives this
 * child: the supervisor, a subreaper, inherits it), then what the host
 * must have.  Phase 1, once every host passed: the part.
 */
static int
starter_run(void *arg)
{
	const struct rhost *h = arg;
	char why[REMOTE_WHYMAX], rdir[STATEDIR_PATHMAX];
	struct remote rm;
	int r;

	if ((r = remote_init(&rm, &sv.lab->hosts[h->host], sv.dir, why,
	    sizeof(why))) < 0) {
		out("error %s", why);
		return 1;
	}
	if (h->phase == 1) {
		remote_adopt(&rm, h->master);
		goto part;
	}
	if (r == 1)	/* the control socket is elsewhere: say where */
		out("note %s", why);
	if (remote_start(&rm, MASTER_WAIT_MS, why, sizeof(why)) != 0) {
		out("error %s", why);
		return 1;
	}
	out("master %d", (int)rm.master.pid);
	if (remote_preflight(&rm, MASTER_WAIT_MS, why, sizeof(why)) != 0) {
		(void)remote_stop(&rm, NULL, 0);
		out("error %s", why);
		return 1;
	}
	return 0;
part:
	out("stage starting");
	if (start_part(h, &rm, rdir, sizeof(rdir), why, sizeof(why)) != 0) {
		out("error cannot start its part: %s", why);
		return 1;
	}
	if (forward_part(h, &rm, rdir, why, sizeof(why)) != 0) {
		out("error cannot forward its sockets: %s", why);
		return 1;
	}
	return drive_part(h);
}

static void
spawn_starters(int phase)
{
	struct child_spec s = { .fn = starter_run,
	    .flags = CHILD_CLOSEFDS };
	struct rhost *h;
	int k, r;

	for (k = 0; k < sv.nrh; k++) {
		h = &sv.rh[k];
		h->phase = phase;
		if (phase == 1)
			h->st = HS_STARTING;
		s.arg = h;
		if ((r = child_start(&h->starter, &s)) != 0) {
			h->st = HS_FAILED;
			snprintf(h->why, sizeof(h->why), "cannot fork: %s",
			    strerror(-r));
		}
	}
}

int
sv_hosts_up(int *list, int n)
{
	sv.upnodes = list;
	sv.nupnodes = n;
	spawn_starters(0);
	return 0;
}

/*
 * Every host's check has ended: all passed, and our nodes and the parts
 * start; else nothing does, and up is judged (it fails, naming them).
 */
static void
checks_done(void)
{
	int k, r = 0;

	for (k = 0; k < sv.nrh; k++)
		if (sv.rh[k].st == HS_FAILED || sv.rh[k].starter.pid > 0)
			break;
	if (k < sv.nrh) {
		free(sv.upnodes);
		sv.upnodes = NULL;
		sv.up_judge = true;
		return;
	}
	if (sv.nupnodes > 0)
		r = sv_start_nodes(sv.upnodes, sv.nupnodes);
	free(sv.upnodes);
	sv.upnodes = NULL;
	if (r != 0) {
		sv_reply(sv.up_client, "error cannot start workers: %s",
		    strerror(-r));
		sv_shutdown_and_exit(-1, 1);
	}
	spawn_starters(1);
}

bool
sv_hosts_starting(void)
{
	int k;

	for (k = 0; k < sv.nrh; k++)
		if (sv.rh[k].starter.pid > 0)
			return true;
	return false;
}

void
sv_hosts_progress(int *done, int *total)
{
	int k;

	*done = sv.ndone;
	*total = sv.nown;
	for (k = 0; k < sv.nrh; k++) {
		*done += sv.rh[k].done;
		*total += sv.rh[k].total;
	}
}

bool
sv_hosts_unchecked(void)
{
	int k;

	for (k = 0; k < sv.nrh; k++)
		if (sv.rh[k].phase != 0)
			return false;
	return sv.nrh > 0;
}

int
sv_hosts_failed(int ci)
{
	const struct rhost *h;
	int k, n = 0;

	for (k = 0; k < sv.nrh; k++) {
		h = &sv.rh[k];
		if (h->st == HS_UP)
			continue;
		sv_reply(ci, "host %s %s %s", sv.lab->hosts[h->host].name,
		    hstate_name[h->st], h->why);
		n += h->total > 0 ? h->total : 1;
	}
	return n;
}

static void
starter_line(void *arg, char *line)
{
	struct rhost *h = arg;
	int d, t;

	if (strcmp(line, "stage starting") == 0)
		h->st = HS_STARTING;
	else if (sscanf(line, "master %d", &d) == 1)
		h->master = (pid_t)d;
	else if (strncmp(line, "note ", 5) == 0)
		fprintf(stderr, "%s\n", line + 5);
	else if (sscanf(line, "progress %d %d", &d, &t) == 2) {
		h->done = d;
		if (sv.up_client >= 0) {
			sv_hosts_progress(&d, &t);
			sv_reply(sv.up_client, "progress %d %d", d, t);
		}
	} else if (strncmp(line, "relay ", 6) == 0)
		sv_reply_raw(sv.up_client, line + 6);
	else if (strncmp(line, "error ", 6) == 0)
		snprintf(h->why, sizeof(h->why), "%s", line + 6);
	else if (strncmp(line, "ok", 2) == 0)
		h->why[0] = '\0';
}

/* The part is up: a connection only read from, whose end says it is
 * lost. */
static void
watch(struct rhost *h)
{
	char hdir[STATEDIR_PATHMAX];
	struct ctl_conn c;

	host_dir(h->host, hdir);
	if (ctl_connect(hdir, &c) != 0 || ctl_send(&c, "hello") != 0) {
		ctl_close(&c);
		h->st = HS_LOST;
		snprintf(h->why, sizeof(h->why), "its supervisor does not "
		    "answer");
		return;
	}
	h->watch = c.fd;
}

static void
starter_done(struct rhost *h, int status)
{
	(void)child_read(&h->starter, starter_line, h);
	child_close(&h->starter);
	h->starter.pid = 0;
	if (h->phase == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (!sv_hosts_starting())
			checks_done();
		return;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		h->st = HS_UP;
		h->done = h->total;
		watch(h);
	} else {
		h->st = HS_FAILED;
		if (h->why[0] == '\0')
			snprintf(h->why, sizeof(h->why), "its starter %s %d",
			    WIFSIGNALED(status) ? "was killed by signal" :
			    "exited with status", WIFSIGNALED(status) ?
			    WTERMSIG(status) : WEXITSTATUS(status));
	}
	sv.state_dirty = true;
	if (h->phase == 0) {
		if (!sv_hosts_starting())
			checks_done();
		return;
	}
	if (!sv.up_done && sv.up_asked && sv.nworkers == 0 &&
	    !sv_hosts_starting())
		sv.up_judge = true;
}

void
sv_host_input(int k, bool is_watch)
{
	struct rhost *h = &sv.rh[k];
	char buf[512];
	ssize_t n;

	if (!is_watch) {
		if (h->starter.pid > 0 && h->starter.fd >= 0)
			(void)child_read(&h->starter, starter_line, h);
		return;
	}
	n = read(h->watch, buf, sizeof(buf));
	if (n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN)))
		return;
	close(h->watch);
	h->watch = -1;
	if (h->st == HS_UP) {
		h->st = HS_LOST;
		snprintf(h->why, sizeof(h->why), "its supervisor stopped "
		    "answering");
	}
	sv.state_dirty = true;
}

bool
sv_host_reaped(pid_t pid, int status)
{
	struct rhost *h;
	int k;

	for (k = 0; k < sv.nrh; k++) {
		h = &sv.rh[k];
		if (h->starter.pid == pid) {
			starter_done(h, status);
			return true;
		}
		if (h->master != pid)
			continue;
		h->master = 0;
		if (h->st == HS_UP || h->st == HS_LOST) {
			h->st = HS_UNREACHABLE;
			snprintf(h->why, sizeof(h->why), "its ssh connection %s "
			    "%d (DIR/host/%s/ssh.log says why)",
			    WIFSIGNALED(status) ? "was killed by signal" :
			    "ended with status", WIFSIGNALED(status) ?
			    WTERMSIG(status) : WEXITSTATUS(status),
			    sv.lab->hosts[h->host].name);
		}
		sv.state_dirty = true;
		return true;
	}
	for (k = 0; k < sv.nups; k++)
		if (sv.ups[k].c.pid == pid) {
			(void)child_read(&sv.ups[k].c, NULL, NULL);
			child_close(&sv.ups[k].c);
			sv.ups[k].ended = true;
			return true;
		}
	return false;
}

/* An uplink's output: its messages go to the supervisor's log. */
static void
uplink_line(void *arg, char *line)
{
	const struct upview *v = arg;

	fprintf(stderr, "uplink %s: %s\n", sv.lab->buses[v->bus].name, line);
}

void
sv_uplink_input(int k)
{
	(void)child_read(&sv.ups[k].c, uplink_line, &sv.ups[k]);
}

/* --- status -------------------------------------------------------------- */

static void
report_uplinks(int ci)
{
	char stats[STATEDIR_PATHMAX + LAB_NAME_MAX + 8];
	struct uplink_stats st[16];
	const char *bus;
	int k, j, n;

	for (k = 0; k < sv.nups; k++) {
		bus = sv.lab->buses[sv.ups[k].bus].name;
		snprintf(stats, sizeof(stats), "%s/uplink/%s", sv.dir, bus);
		n = uplink_stats_read(stats, st, 16);
		for (j = 0; j < n; j++)
			sv_reply(ci, "uplink %s %s %s %s out %llu %llu in %llu "
			    "%llu lost %llu", bus, sv.lab->hosts[sv.host].name,
			    st[j].url, sv.ups[k].ended ?
			    "ended" : uplink_state_name(st[j].state),
			    (unsigned long long)st[j].out_frames,
			    (unsigned long long)st[j].out_bytes,
			    (unsigned long long)st[j].in_frames,
			    (unsigned long long)st[j].in_bytes,
			    (unsigned long long)st[j].lost);
	}
}

void
sv_hosts_report(int ci)
{
	const struct lab_host *lh;
	const struct rhost *h;
	int k;

	if (sv.lab->nhosts == 0)
		return;
	if (sv.host >= 0)
		sv_reply(ci, "host %s here this machine, %d nodes",
		    sv.lab->hosts[sv.host].name, sv.nown);
	for (k = 0; k < sv.nrh; k++) {
		h = &sv.rh[k];
		lh = &sv.lab->hosts[h->host];
		sv_reply(ci, "host %s %s %s, %d nodes%s%s", lh->name,
		    hstate_name[h->st], lh->ssh, h->total,
		    h->why[0] ? ": " : "", h->why);
	}
	report_uplinks(ci);
}

/* --- relaying requests to the parts -------------------------------------- */

static int
rh_of(int host)
{
	int k;

	for (k = 0; k < sv.nrh; k++)
		if (sv.rh[k].host == host)
			return k;
	return -1;
}

static void
add_bus(int b, unsigned long long *mask, bool *here)
{
	const struct lab_bus *bus = &sv.lab->buses[b];
	int k, j;

	for (k = 0; k < bus->nhosts; k++) {
		if (bus->hosts[k] == sv.host)
			*here = true;
		else if ((j = rh_of(bus->hosts[k])) >= 0)
			*mask |= 1ull << j;
	}
}

static void
add_node(int i, unsigned long long *mask, bool *here)
{
	int j;

	if (sv_mine(i))
		*here = true;
	else if ((j = rh_of(sv.lab->nodes[i].host)) >= 0)
		*mask |= 1ull << j;
}

/* A link or bus target: NODE:IF, or BUS. */
static void
add_target(const char *w, unsigned long long *mask, bool *here)
{
	struct lstarget t;
	char why[256];

	if (linkstate_target(w, &t, why, sizeof(why)) != 0) {
		*here = true;		/* it says what is wrong */
		return;
	}
	if (t.node >= 0)
		add_node(t.node, mask, here);
	else
		add_bus(t.bus, mask, here);
}

void
sv_request_hosts(enum ctl_req id, int argc, char **argv,
    unsigned long long *mask, bool *here)
{
	int i;

	*mask = 0;
	*here = false;
	if (!sv.coord || sv.nrh == 0) {
		*here = true;
		return;
	}
	switch (id) {
	case CTL_NODE_STOP:
	case CTL_NODE_START:
	case CTL_NODE_RESTART:
	case CTL_NODE_KILL:
		if ((i = lab_node_find(sv.lab, argv[0])) < 0)
			*here = true;
		else
			add_node(i, mask, here);
		break;
	case CTL_LINK_SET:
	case CTL_BUS_CUT:
	case CTL_BUS_JOIN:
		add_target(argv[0], mask, here);
		break;
	case CTL_LINK_SHOW:
		if (argc == 1)
			add_target(argv[0], mask, here);
		else {
			*mask = sv.nrh >= 64 ? ~0ull : (1ull << sv.nrh) - 1;
			*here = true;
		}
		break;
	case CTL_STATUS:
		*mask = sv.nrh >= 64 ? ~0ull : (1ull << sv.nrh) - 1;
		*here = true;
		break;
	default:
		*here = true;
		break;
	}
}

struct relay_arg {
	const char		*line;
	unsigned long long	 mask;
	bool			 here, status;
};

/* One part's (or our own) reply to the request. */
static void
relay_one(const char *dir, int host, const struct relay_arg *a)
{
	char line[CTL_LINEMAX], esc[CTL_LINEMAX];
	struct ctl_conn c;
	struct ctl_reply rp;
	const char *why;
	int r, i;

	if ((r = ctl_connect(dir, &c)) != 0 || (host < 0 &&
	    ((r = ctl_send(&c, "local")) != 0 || (r = ctl_readline(&c, line,
	    sizeof(line), RELAY_TIMEOUT_MS)) != 1)) ||
	    (r = ctl_send(&c, "%s", a->line)) != 0)
		goto gone;
	while ((r = ctl_readline(&c, line, sizeof(line), RELAY_TIMEOUT_MS)) ==
	    1) {
		if (ctl_reply_parse(line, &rp) != 0)
			continue;
		if (ctl_reply_final(&rp)) {
			if (!a->status)
				out_raw("fin", line);
			ctl_close(&c);
			return;
		}
		/* A part's own "lab" and "host" lines: the coordinator has
		 * said them. */
		if (rp.kind != CK_LAB && rp.kind != CK_HOST)
			out_raw("line", line);
	}
gone:
	ctl_close(&c);
	why = r == 0 ? "it closed the connection" : r == -ETIMEDOUT ?
	    "it did not answer in time" : strerror(r < 0 ? -r : EIO);
	if (host < 0) {
		out("fin error this host's own supervisor: %s", why);
		return;
	}
	if (!a->status) {
		ctl_escape(why, strlen(why), esc, sizeof(esc));
		out("fin error host %s does not answer: %s",
		    sv.lab->hosts[host].name, esc);
		return;
	}
	for (i = 0; i < sv.nnodes; i++)
		if (sv.lab->nodes[i].host == host) {
			snprintf(line, sizeof(line), "node %s 0 unknown host "
			    "%s does not answer: %s", sv.lab->nodes[i].name,
			    sv.lab->hosts[host].name, why);
			ctl_escape(line, strlen(line), esc, sizeof(esc));
			out_raw("line", esc);
		}
}

static int
relay_run(void *arg)
{
	const struct relay_arg *a = arg;
	char hdir[STATEDIR_PATHMAX];
	int k;

	if (a->here)
		relay_one(sv.dir, -1, a);
	for (k = 0; k < sv.nrh && k < 64; k++) {
		if (!(a->mask & (1ull << k)))
			continue;
		host_dir(sv.rh[k].host, hdir);
		relay_one(hdir, sv.rh[k].host, a);
	}
	return 0;
}

int
sv_relay(int ci, const char *line, unsigned long long mask, bool here,
    bool status)
{
	struct relay_arg a = { line, mask, here, status };
	struct child_spec s = { .fn = relay_run, .arg = &a,
	    .flags = CHILD_CLOSEFDS };
	struct relay *rl;
	int k, r;

	for (k = 0; k < MAXRELAYS; k++)
		if (sv.relays[k].c.pid == 0)
			break;
	if (k == MAXRELAYS)
		return -EBUSY;
	rl = &sv.relays[k];
	rl->ci = ci;
	rl->status = status;
	rl->fin[0] = '\0';
	if ((r = child_start(&rl->c, &s)) != 0) {
		rl->c.pid = 0;
		return r;
	}
	return 0;
}

static void
relay_line(void *arg, char *line)
{
	struct relay *rl = arg;

	if (strncmp(line, "line ", 5) == 0)
		sv_reply_raw(rl->ci, line + 5);
	else if (strncmp(line, "fin ", 4) == 0 && (rl->fin[0] == '\0' ||
	    (strncmp(rl->fin, "error", 5) != 0 &&
	    strncmp(line + 4, "error", 5) == 0)))
		snprintf(rl->fin, sizeof(rl->fin), "%s", line + 4);
}

void
sv_relay_input(int k)
{
	(void)child_read(&sv.relays[k].c, relay_line, &sv.relays[k]);
}

bool
sv_relay_reaped(pid_t pid, int status)
{
	struct relay *rl;
	int k;

	for (k = 0; k < MAXRELAYS; k++)
		if (sv.relays[k].c.pid == pid)
			break;
	if (k == MAXRELAYS)
		return false;
	rl = &sv.relays[k];
	(void)child_read(&rl->c, relay_line, rl);
	child_close(&rl->c);
	rl->c.pid = 0;
	if (rl->status)
		sv_reply(rl->ci, "ok");
	else if (rl->fin[0] != '\0')
		sv_reply_raw(rl->ci, rl->fin);
	else
		sv_reply(rl->ci, "error the relay to the other hosts %s %d",
		    WIFSIGNALED(status) ? "was killed by signal" :
		    "exited with status", WIFSIGNALED(status) ?
		    WTERMSIG(status) : WEXITSTATUS(status));
	return true;
}

void
sv_relay_forget(int ci)
{
	int k;

	for (k = 0; k < MAXRELAYS; k++)
		if (sv.relays[k].c.pid > 0 && sv.relays[k].ci == ci)
			sv.relays[k].ci = -1;
}

/* --- down ---------------------------------------------------------------- */

/* One part down: through its forwarded control socket, else with
 * `rumplab down` over ssh. */
static int
down_part(struct rhost *h, struct remote *rm, char *why, size_t len)
{
	char hdir[STATEDIR_PATHMAX];
	struct ctl_reply fin;

	if (h->starter.pid > 0) {
		child_signal(&h->starter, SIGTERM);
		(void)child_reap(&h->starter, true);
		child_close(&h->starter);
		h->starter.pid = 0;
	}
	host_dir(h->host, hdir);
	if (ctl_call(hdir, CTL_DOWN, 0, NULL, DOWN_TIMEOUT_MS, NULL, NULL,
	    &fin) == 0)
		return 0;
	/* Through the master if it runs, else over a new connection. */
	return remote_down_part(rm, sv.name, DOWN_TIMEOUT_MS, why, len);
}

void
sv_hosts_down(char *unreached, size_t len)
{
	char why[REMOTE_WHYMAX];
	struct remote rm;
	struct rhost *h;
	size_t o = 0;
	int k;

	unreached[0] = '\0';
	for (k = 0; k < sv.nrh; k++) {
		h = &sv.rh[k];
		/* A starter's last lines first: they say how far it got. */
		if (h->starter.pid > 0) {
			(void)child_read(&h->starter, starter_line, h);
			if (h->st == HS_CONNECTING)
				h->st = HS_STARTING;
		}
		if (h->watch >= 0) {
			close(h->watch);
			h->watch = -1;
		}
		if (remote_init(&rm, &sv.lab->hosts[h->host], sv.dir, why,
		    sizeof(why)) < 0)
			continue;
		/* The master, if it still runs, is ours to stop. */
		remote_adopt(&rm, h->master);
		if (h->st == HS_CONNECTING || h->phase == 0) {
			/* Nothing was started there. */
		} else if (down_part(h, &rm, why, sizeof(why)) != 0 && o < len)
			o += (size_t)snprintf(unreached + o, len - o, "%shost "
			    "%s (%s): %s; `rumplab down %s@%s` there stops "
			    "its part", o ? "; " : "",
			    sv.lab->hosts[h->host].name,
			    sv.lab->hosts[h->host].ssh, why, sv.name,
			    sv.lab->hosts[h->host].name);
		h->st = HS_DOWN;
		(void)remote_stop(&rm, NULL, 0);
		h->master = 0;
	}
}
