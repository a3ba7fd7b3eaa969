/*
 * verb_up.c — `rumplab up [FILE] [--name NAME] [--jobs N]`: start a lab
 * (-l LAB is --name LAB).
 *
 * The command makes the lab's state directory, copies the topology into
 * it, starts the lab's supervisor (`rumplab supervise DIR FD JOBS`, in a
 * session of its own so that a terminal's Ctrl-C reaches only us; it
 * says it listens on its standard output, FD 1), and
 * asks it to bring the lab up, showing its progress.  On a failure the
 * supervisor has already stopped everything; we print which node failed,
 * why, and its last log lines.  A service (run: command) that ended
 * within the supervisor's settle time is printed the same way and makes
 * the exit status 1, the lab left up to be looked at.  On Ctrl-C
 * (SIGINT, SIGTERM, SIGHUP) we tell the supervisor to abort and wait
 * until its directory is gone, so nothing is left behind when we return.
 *
 * Also `rumplab supervise`, the supervisor's entry point (not for users).
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/child.h"
#include "lab/ctlproto.h"
#include "lab/labctl.h"
#include "lab/labview.h"
#include "lab/launch.h"
#include "lab/plan.h"
#include "lab/preflight.h"
#include "lab/statedir.h"
#include "lab/supervisor.h"
#include "lab/taps.h"
#include "lab/verbs.h"
#include "shmif/shmif.h"

static volatile sig_atomic_t interrupted;

static void
on_interrupt(int sig)
{
	interrupted = sig;
}

static void
catch_interrupts(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;	/* no SA_RESTART: reads return EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Node starts at once: four a processor.  A start waits on other
 * processes (the zygote's fork, the node's verdict) as well as it
 * computes.  On a busy 2-core guest 10,000 nodes came up in 66 s with 4
 * at once, 54 s with 8 and 49 s with 16; on a quiet one, once `up` did
 * no work per node that grows with the lab, in 5.0 s with each of 4, 8
 * and 16.
 */
static int
default_jobs(void)
{
	const char *env = getenv("RUMPLAB_JOBS");
	long n = env ? strtol(env, NULL, 10) : 0;

	if (n > 0)
		return (int)n;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)(4 * n) : 4;
}

/*
 * The directory relative file system images of the topology are found
 * from (its own, or the current one for the built-in topology and
 * standard input), for whoever opens the copy in the state directory.
 */
static int
save_basedir(const char *file, const char *dir)
{
	char path[STATEDIR_PATHMAX], base[PATH_MAX], *slash;
	int fd, r = 0;

	if (file == NULL || strcmp(file, "-") == 0 ||
	    realpath(file, base) == NULL) {
		if (getcwd(base, sizeof(base)) == NULL)
			return -errno;
	} else if ((slash = strrchr(base, '/')) != NULL)
		*(slash == base ? slash + 1 : slash) = '\0';
	statedir_file(dir, "topology.base", path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0)
		return -errno;
	if (write(fd, base, strlen(base)) != (ssize_t)strlen(base))
		r = -EIO;
	if (close(fd) != 0 && r == 0)
		r = -EIO;
	return r;
}

/* A part's topology, as its coordinator sent it, and the coordinator's
 * directory for relative images (lab/HOSTS.txt), with the part's host
 * in DIR/part. */
static int
save_part(const char *text, size_t len, const char *base, const char *host,
    const char *dir)
{
	static const char *const rel[3] = { "topology.yaml", "topology.base",
	    "part" };
	const char *what[3] = { text, base, host };
	size_t n[3] = { len, strlen(base), strlen(host) };
	char path[STATEDIR_PATHMAX];
	int k, fd, r = 0;

	for (k = 0; k < 3 && r == 0; k++) {
		statedir_file(dir, rel[k], path);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600)) < 0)
			return -errno;
		if (write(fd, what[k], n[k]) != (ssize_t)n[k])
			r = -EIO;
		if (close(fd) != 0 && r == 0)
			r = -EIO;
	}
	return r;
}

/* Standard input, whole (a part's topology). */
static char *
read_stdin(size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap), *nb;
	ssize_t k;

	while (buf != NULL && (k = read(0, buf + n, cap - n)) > 0) {
		n += (size_t)k;
		if (n == cap) {
			cap *= 2;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
	}
	*len = n;
	return buf;
}

/* Copies the topology text into DIR/topology.yaml. */
static int
save_topology(const char *file, const char *dir)
{
	char path[STATEDIR_PATHMAX], buf[65536];
	const char *text;
	size_t len;
	ssize_t n;
	int in = -1, out, r = 0;

	statedir_file(dir, "topology.yaml", path);
	if ((out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0)
		return -errno;
	if (file == NULL) {
		text = lab_default_text(&len);
		if (write(out, text, len) != (ssize_t)len)
			r = -EIO;
	} else if ((in = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		r = -errno;
	else
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, (size_t)n) != n) {
				r = -EIO;
				break;
			}
	if (in >= 0)
		close(in);
	if (close(out) != 0 && r == 0)
		r = -EIO;
	return r == 0 ? save_basedir(file, dir) : r;
}

/*
 * Starts the supervisor in a session of its own and waits until it
 * listens: it says "OK" on its standard output (lab/child.h's pipe),
 * then puts its output into DIR/supervisor.log and lives on.
 */
static int
start_supervisor(const char *dir, int jobs, char *why, size_t whylen)
{
	char self[PATH_MAX], jobsarg[16], msg[512] = "";
	char *argv[] = { "rumplab", "supervise", (char *)dir, "1", jobsarg,
	    NULL };
	struct child_spec s = { .path = self, .argv = argv,
	    .flags = CHILD_SESSION };
	struct child_text t = { msg, sizeof(msg), 0 };
	struct child c;
	ssize_t n;
	int r;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0)
		return -errno;
	self[n] = '\0';
	snprintf(jobsarg, sizeof(jobsarg), "%d", jobs);
	if ((r = child_start(&c, &s)) != 0)
		return r;
	/* An interrupt kills it: the caller cleans up. */
	if ((r = child_drain(&c, child_text_line, &t)) != 0) {
		(void)child_reap(&c, true);
		return r;
	}
	if (strcmp(msg, "OK\n") == 0)
		return 0;	/* it lives on; nobody waits for it */
	(void)child_reap(&c, true);
	if (t.off > 0 && msg[t.off - 1] == '\n')
		msg[--t.off] = '\0';
	snprintf(why, whylen, "the lab's supervisor did not start: %s",
	    t.off ? msg : "it exited (see its log)");
	return -ECHILD;
}

/* Progress: a line redrawn in place on a terminal, a line a second else. */
static void
progress(int done, int total, int tty)
{
	static time_t last;
	time_t now = time(NULL);

	if (total < 10)
		return;
	if (tty) {
		fprintf(stderr, "\r  %d/%d nodes up", done, total);
		if (done == total)
			fprintf(stderr, "\n");
	} else if (now != last || done == total) {
		fprintf(stderr, "  %d/%d nodes up\n", done, total);
		last = now;
	}
	fflush(stderr);
}

/* Waits until the supervisor has removed the state directory. */
static void
wait_gone(const char *dir)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	struct stat st;
	int i;

	for (i = 0; i < 500 && stat(dir, &st) == 0; i++)
		nanosleep(&ts, NULL);
	if (stat(dir, &st) == 0)
		labctl_cleanup(dir);
}

/* A service up reports: one that ended within the settle time. */
struct upsvc {
	const struct lab	*lab;
	const char		*name;	/* the lab's */
	int			 node, k;
	struct svcview		 s;
	int			 ended;
	bool			 show;	/* its log lines, which follow */
};

static struct svcview *
up_svc(int node, int k, void *arg)
{
	struct upsvc *u = arg;

	u->node = node;
	u->k = k;
	return &u->s;
}

/* A "service" line and its "service-log" lines, as they come. */
static bool
service_line(struct upsvc *u, const struct ctl_reply *r)
{
	const struct lab_node *n;
	size_t old = u->s.taillen;
	char st[48];

	if (!labview_service_reply(u->lab, r, up_svc, u))
		return false;
	if (r->kind == CK_SERVICE_LOG) {
		if (u->show && u->s.taillen > old) {
			fprintf(stderr, "    | ");
			fwrite(u->s.tail + old, 1, u->s.taillen - old, stderr);
		}
		return true;
	}
	if (!(u->show = svcview_ended(&u->s)))
		return true;	/* a one-shot command that did its work */
	n = &u->lab->nodes[u->node];
	svcview_state(&u->s, st, sizeof(st));
	fprintf(stderr, "rumplab up: lab %s: node %s: service run%d %s: %s\n",
	    u->name, n->name, u->k, st, n->run[u->k]);
	u->ended++;
	return true;
}

/*
 * Talks to the supervisor until the lab is up or has failed; *ended:
 * how many services it reported ended.
 */
static int
drive_up(const char *dir, const char *name, const struct lab *lab,
    int quiet, int *ended)
{
	struct upsvc u = { .lab = lab, .name = name };
	struct ctl_reply rp;
	struct ctl_conn c;
	char why[256];
	int r, tty = isatty(2), aborted = 0, inprogress = 0;

	if ((r = ctl_open(dir, &c, CTL_UP, 0, NULL, why, sizeof(why))) != 0) {
		fprintf(stderr, "rumplab up: lab %s: %s\n", name, why);
		labctl_cleanup(dir);
		return 1;
	}
	for (;;) {
		if (interrupted && !aborted) {
			if (inprogress && tty)
				fprintf(stderr, "\n");
			fprintf(stderr, "rumplab up: interrupted; stopping lab "
			    "%s\n", name);
			(void)ctl_send(&c, "%s", ctl_reqs[CTL_ABORT].words);
			aborted = 1;
		}
		r = ctl_next(&c, &rp, -1);
		if (r == -EINTR || r == -EPROTO)
			continue;
		if (r <= 0)
			break;
		if (aborted)
			continue;
		if (service_line(&u, &rp))
			continue;
		if (rp.kind == CK_PROGRESS) {
			if (!quiet)
				progress(rp.n, rp.total, tty);
			inprogress = 1;
		} else if (rp.kind == CK_FAIL) {
			fprintf(stderr, "rumplab up: lab %s: node %s %s\n", name,
			    rp.name, rp.text);
		} else if (rp.kind == CK_HOST) {
			/* A host whose part did not start (lab/HOSTS.txt). */
			fprintf(stderr, "rumplab up: lab %s: host %s %s: ", name,
			    rp.name, rp.state);
			fwrite(rp.text, 1, rp.textlen, stderr);
			fputc('\n', stderr);
		} else if (rp.kind == CK_LOG) {
			fprintf(stderr, "    | %s ", rp.name);
			fwrite(rp.text, 1, rp.textlen, stderr);
			fputc('\n', stderr);
		} else if (rp.kind == CK_ERROR) {
			fprintf(stderr, "rumplab up: %s\n", rp.text);
			break;
		} else if (rp.kind == CK_OK) {
			ctl_close(&c);
			if (interrupted)	/* came just as we finished */
				goto stop;
			*ended = u.ended;
			return 0;
		}
	}
	ctl_close(&c);
	if (!aborted && !interrupted) {
		wait_gone(dir);
		if (r <= 0)
			fprintf(stderr, "rumplab up: lab %s: the supervisor "
			    "went away (log: %s/supervisor.log)\n", name, dir);
		return 1;
	}
stop:
	wait_gone(dir);
	if (interrupted && aborted == 0) {
		struct ctl_conn d;

		if (ctl_open(dir, &d, CTL_DOWN, 0, NULL, why,
		    sizeof(why)) == 0) {
			while ((r = ctl_next(&d, &rp, -1)) > 0 ||
			    r == -EINTR || r == -EPROTO)
				;
			ctl_close(&d);
		}
		wait_gone(dir);
	}
	return 130;
}

struct up_args {
	const char	*file, *name;
	int		 jobs, quiet;
	const char	*part, *base;	/* --part HOST --base DIR */
};

static int
parse(int argc, char **argv, struct up_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->jobs = default_jobs();
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			a->name = argv[++i];
		else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc)
			a->jobs = atoi(argv[++i]);
		else if (strcmp(argv[i], "-q") == 0)
			a->quiet = 1;
		else if (strcmp(argv[i], "--part") == 0 && i + 1 < argc)
			a->part = argv[++i];
		else if (strcmp(argv[i], "--base") == 0 && i + 1 < argc)
			a->base = argv[++i];
		else if (strcmp(argv[i], "-") == 0 && a->file == NULL)
			a->file = argv[i];
		else if (argv[i][0] != '-' && a->file == NULL)
			a->file = argv[i];
		else {
			fprintf(stderr, "rumplab up: unexpected '%s'\n",
			    argv[i]);
			verb_usage("up", stderr);
			return -1;
		}
	}
	if (a->jobs < 1)
		a->jobs = 1;
	if (a->part != NULL && (a->name == NULL || a->file == NULL ||
	    strcmp(a->file, "-") != 0)) {
		fprintf(stderr, "rumplab up: --part HOST is how a lab across "
		    "machines starts its part on another host: it takes "
		    "--name LAB@HOST and the topology on standard input (-)\n");
		return -1;
	}
	/* -l LAB names the lab as --name does. */
	if (verb_opts.lab != NULL && a->name != NULL &&
	    strcmp(verb_opts.lab, a->name) != 0) {
		fprintf(stderr, "rumplab up: two names: '%s' (--name) and "
		    "'%s' (-l)\n", a->name, verb_opts.lab);
		return -1;
	}
	if (verb_opts.lab != NULL)
		a->name = verb_opts.lab;
	return 0;
}

/* Makes the state directory; a left-over one of a dead lab is cleared. */
static int
make_dir(const char *name, char *dir, size_t len)
{
	int r;

	if ((r = statedir_path(name, dir, len)) != 0) {
		fprintf(stderr, "rumplab up: lab '%s': no state directory: "
		    "%s%s\n", name, strerror(-r), r == -ENAMETOOLONG ?
		    " (set XDG_RUNTIME_DIR to a shorter directory)" : "");
		return r;
	}
	if ((r = statedir_create(dir)) == -EEXIST) {
		if (labctl_answers(dir)) {
			fprintf(stderr, "rumplab up: lab '%s' is already "
			    "running (stop it with `rumplab down %s`, or "
			    "choose another name with --name)\n", name, name);
			return r;
		}
		labctl_cleanup(dir);
		r = statedir_create(dir);
	}
	if (r != 0)
		fprintf(stderr, "rumplab up: %s: %s\n", dir, strerror(-r));
	return r;
}

/*
 * Every bus file is made here, empty at the lab's size for it (the first
 * node to attach lays the ring out in it: shmif/FORMAT.txt), and gets its
 * wake map before any node attaches (a send then no longer wakes the
 * sender's own receive loop; without one the bus works as well, only
 * slower, so a failure there is just noted).  A node would make a
 * missing bus file itself, at shmif's default size, whatever the lab
 * said.
 */
static int
make_buses(const char *dir, const struct lab *lab, int host, char *why,
    size_t whylen)
{
	char busdir[STATEDIR_PATHMAX], path[STATEDIR_PATHMAX + LAB_NAME_MAX + 2];
	bool wake = true;
	int i, fd, r;

	statedir_file(dir, "bus", busdir);
	for (i = 0; i < lab->nbuses; i++) {
		if (lab->buses[i].tapseg || !labctl_bus_here(lab, host, i))
			continue;       /* a tap, no file; another host's */
		snprintf(path, sizeof(path), "%s/%s", busdir, lab->buses[i].name);
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0 ||
		    ftruncate(fd, lab->buses[i].size) != 0) {
			r = errno;
			snprintf(why, whylen, "bus %s: %s: %s",
			    lab->buses[i].name, path, strerror(r));
			if (fd >= 0)
				close(fd);
			return -r;
		}
		close(fd);
		if (wake && (r = shmif_wakemap_create(path)) != 0) {
			fprintf(stderr, "rumplab up: %s.wake: %s (the bus works "
			    "without it, with more wake-ups)\n", path,
			    strerror(-r));
			wake = false;
		}
	}
	return 0;
}

int
verb_up(int argc, char **argv)
{
	char dir[STATEDIR_PATHMAX], why[600];
	struct up_args a;
	struct lab *lab;
	struct diag d;
	struct timespec t0, t1;
	const char *name;
	char *text = NULL;
	size_t tlen = 0;
	int r, i, ended = 0, nsvc = 0, host;

	if (parse(argc, argv, &a) != 0)
		return EXIT_USAGE;
	catch_interrupts();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	diag_init(&d);
	if (a.part != NULL) {
		if ((text = read_stdin(&tlen)) == NULL) {
			fprintf(stderr, "rumplab up: standard input: %s\n",
			    strerror(errno ? errno : ENOMEM));
			return 1;
		}
		r = lab_open_buffer("-", text, tlen, &lab, &d);
	} else
		r = a.file ? lab_open(a.file, &lab, &d) :
		    lab_open_default(&lab, &d);
	if (r != 0) {
		diag_print(&d, a.file ? a.file : "<default>", stderr);
		diag_free(&d);
		free(text);
		return 1;
	}
	diag_free(&d);
	name = a.name ? a.name : lab->name;
	if (!statedir_name_ok(name) || (a.part == NULL && strchr(name, '@'))) {
		fprintf(stderr, "rumplab up: '%s' is not a usable lab name "
		    "(letters, digits, '.', '_', '-'; use --name)\n", name);
		lab_close(lab);
		free(text);
		return 1;
	}
	host = a.part ? lab_host_find(lab, a.part) : lab_host_local(lab);
	if (a.part != NULL && host < 0) {
		fprintf(stderr, "rumplab up: --part %s: the topology has no "
		    "such host\n", a.part);
		lab_close(lab);
		free(text);
		return 1;
	}
	/* Host taps need what some machines keep from users: say what is
	 * missing before anything starts. */
	if ((r = taps_preflight(lab, why, sizeof(why))) != 0) {
		fprintf(stderr, "rumplab up: lab %s: %s; nothing was started\n",
		    name, why);
		lab_close(lab);
		return 1;
	}
	/* What it needs of this machine, before anything starts. */
	if ((r = statedir_root(dir, sizeof(dir))) != 0 ||
	    (r = lab_preflight(lab, a.jobs, dir, why, sizeof(why))) != 0) {
		fprintf(stderr, "rumplab up: lab %s: %s; nothing was started\n",
		    name, r == -EPERM || why[0] == '\0' ? strerror(-r) : why);
		lab_close(lab);
		return 1;
	}
	if (make_dir(name, dir, sizeof(dir)) != 0) {
		lab_close(lab);
		return 1;
	}
	if ((r = make_buses(dir, lab, host, why, sizeof(why))) != 0) {
		fprintf(stderr, "rumplab up: lab %s: %s\n", name, why);
		labctl_cleanup(dir);
		lab_close(lab);
		return 1;
	}
	if ((r = launch_hosts(dir, lab)) != 0)
		fprintf(stderr, "rumplab up: %s/hosts: %s (programs on the "
		    "nodes will not resolve the lab's names)\n", dir,
		    strerror(-r));
	if (interrupted || (r = a.part ? save_part(text, tlen, a.base ?
	    a.base : "/", a.part, dir) : save_topology(a.file, dir)) != 0 ||
	    (r = start_supervisor(dir, a.jobs, why, sizeof(why))) != 0) {
		if (!interrupted)
			fprintf(stderr, "rumplab up: lab %s: %s\n", name,
			    r == -ECHILD ? why : strerror(-r));
		labctl_cleanup(dir);
		lab_close(lab);
		free(text);
		return interrupted ? 130 : 1;
	}
	free(text);
	/* A part is started; its coordinator asks it for up. */
	if (a.part != NULL) {
		printf("part %s\n", dir);
		lab_close(lab);
		return 0;
	}
	if ((r = drive_up(dir, name, lab, a.quiet, &ended)) != 0) {
		lab_close(lab);
		return r;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!a.quiet) {
		printf("lab %s is up: %d nodes, %d buses in %.2f s (%s)\n",
		    name, lab->nnodes, lab->nbuses,
		    (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, dir);
		labview_table(dir, lab, 20, stdout);
	}
	for (i = 0; i < lab->nnodes; i++)
		nsvc += lab->nodes[i].nrun;
	if (ended > 0)
		fprintf(stderr, "rumplab up: lab %s is up, but %d of its %d "
		    "services ended (rumplab status %s shows them; rumplab "
		    "down %s stops the lab)\n", name, ended, nsvc, name, name);
	lab_close(lab);
	return ended > 0;
}

int
verb_supervise(int argc, char **argv)
{
	int fd;

	if (argc != 4) {
		fprintf(stderr, "rumplab supervise: started by `rumplab up`, "
		    "not by hand\n");
		return EXIT_USAGE;
	}
	/* Its own descriptor: the one given may be our output, about to go
	 * to the log. */
	fd = fcntl(atoi(argv[2]), F_DUPFD_CLOEXEC, 3);
	{
		char log[STATEDIR_PATHMAX];
		int lfd, null;

		statedir_file(argv[1], "supervisor.log", log);
		if ((lfd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600)) >= 0) {
			dup2(lfd, 1);
			dup2(lfd, 2);
			close(lfd);
		}
		if ((null = open("/dev/null", O_RDONLY)) >= 0) {
			dup2(null, 0);
			close(null);
		}
	}
	if (atoi(argv[2]) > 2)
		close(atoi(argv[2]));
	return supervisor_main(argv[1], fd, atoi(argv[3]));
}
