/*
 * labctl.c — finding labs and cleaning up after them (lab/labctl.h).
 *
 * Cleaning up without a supervisor must not kill strangers.  The state
 * file's pids are not trusted (after a supervisor was killed with -9 a
 * pid may have been reused by any program of the user); the processes
 * are found in /proc, and each is checked before any signal: ours (same
 * uid), and the lab's supervisor (the rumplab executable running
 * `rumplab supervise DIR`), one of its node kernels (the rump_server
 * executable with a socket under DIR in its arguments), or a client of
 * one of its nodes (RUMP_SERVER=unix://DIR/... in its environment: run:
 * commands, `rumplab exec`).  A pidfd taken before the check carries the
 * signal, so a pid reused in between is never signalled.
 */
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/ctlproto.h"
#include "lab/labctl.h"
#include "lab/launch.h"
#include "lab/plan.h"

struct names {
	char	list[512];
	char	first[80];
	int	n;
};

static void
add_name(const char *name, void *arg)
{
	struct names *nm = arg;
	size_t len = strlen(nm->list);

	if (nm->n++ == 0)
		snprintf(nm->first, sizeof(nm->first), "%s", name);
	snprintf(nm->list + len, sizeof(nm->list) - len, "%s%s",
	    len ? ", " : "", name);
}

int
labctl_find(const char *name, char *dir, size_t dirlen, char *why,
    size_t whylen)
{
	struct names nm;
	struct stat st;
	int r;

	/* A command run in a lab (rumplab exec, a check) means that lab. */
	if (name == NULL && getenv("RUMPLAB_LAB") != NULL &&
	    getenv("RUMPLAB_LAB")[0] != '\0')
		name = getenv("RUMPLAB_LAB");
	memset(&nm, 0, sizeof(nm));
	if ((r = statedir_list(add_name, &nm)) < 0) {
		snprintf(why, whylen, "cannot read the labs' directory: %s",
		    strerror(-r));
		return r;
	}
	if (name != NULL) {
		if ((r = statedir_path(name, dir, dirlen)) != 0) {
			snprintf(why, whylen, "'%s' is not a lab name: %s",
			    name, strerror(-r));
			return -EINVAL;
		}
		if (stat(dir, &st) != 0) {
			snprintf(why, whylen, "no lab '%s' is running%s%s%s",
			    name, nm.n ? " (running: " : "", nm.list,
			    nm.n ? ")" : "");
			return -ENOENT;
		}
		return 0;
	}
	if (nm.n == 0) {
		snprintf(why, whylen, "no lab is running");
		return -ENOENT;
	}
	if (nm.n > 1) {
		snprintf(why, whylen, "%d labs are running (%s): name one",
		    nm.n, nm.list);
		return -EEXIST;
	}
	return statedir_path(nm.first, dir, dirlen);
}

bool
labctl_answers(const char *dir)
{
	struct ctl_reply fin;

	return ctl_call(dir, CTL_HELLO, 0, NULL, 5000, NULL, NULL, &fin) == 0;
}

bool
labctl_pid_alive(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	bool alive = false;

	if (pid <= 0 || kill(pid, 0) != 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	if (fgets(buf, sizeof(buf), f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL)
		alive = p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
	fclose(f);
	return alive;
}

/* Reads /proc/PID/NAME (NUL-separated) into buf; bytes or -1. */
static ssize_t
read_proc(pid_t pid, const char *name, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Does a word of buf (NUL-separated, n bytes) start with `word`? */
static bool
has_word(const char *buf, ssize_t n, const char *word)
{
	const char *p;
	size_t wl = strlen(word);

	for (p = buf; p < buf + n; p += strlen(p) + 1)
		if (strncmp(p, word, wl) == 0)
			return true;
	return false;
}

/*
 * Does a word of buf name the lab's directory: DIR itself, or a path
 * under it (DIR/...)?  Lab "two" must not take lab "two-b"'s processes.
 */
static bool
names_dir(const char *buf, ssize_t n, const char *dir)
{
	const char *p, *at;
	size_t dl = strlen(dir);

	for (p = buf; p < buf + n; p += strlen(p) + 1) {
		if (strcmp(p, dir) == 0)
			return true;
		for (at = strstr(p, dir); at != NULL; at = strstr(at + 1, dir))
			if (at[dl] == '/')
				return true;
	}
	return false;
}

/* The base name of /proc/PID/exe into buf ("" when unreadable). */
static void
exe_name(pid_t pid, char *buf, size_t len)
{
	char path[64], exe[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	buf[0] = '\0';
	if ((n = readlink(path, exe, sizeof(exe) - 1)) <= 0)
		return;
	exe[n] = '\0';
	base = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
	snprintf(buf, len, "%s", base);
}

/* Is pid's real uid ours (/proc/PID/status "Uid: REAL EFFECTIVE ...")?
 * Not the owner of /proc/PID: that is root for a process that is not
 * dumpable. */
static bool
runs_as_us(pid_t pid)
{
	char buf[2048], *p;
	unsigned long uid;

	if (read_proc(pid, "status", buf, sizeof(buf)) <= 0 ||
	    (p = strstr(buf, "\nUid:")) == NULL)
		return false;
	uid = strtoul(p + 5, NULL, 10);
	return uid == (unsigned long)getuid();
}

enum role { NOT_OURS, SUPERVISOR, MEMBER };

/*
 * Is process pid part of the lab in dir?  It must run as us and be the
 * lab's supervisor (the rumplab executable, `rumplab supervise DIR`), one
 * of its node kernels (the rump_server executable, with the lab's
 * socket in its arguments), or a client of one of its nodes
 * (RUMP_SERVER=unix://DIR/... in its environment: run: commands,
 * `rumplab exec`).  A pid from the state file may since belong to
 * anything else of the user's; this is what tells them apart.
 */
static enum role
lab_role(pid_t pid, const char *dir)
{
	static char buf[65536];
	char want[STATEDIR_PATHMAX + 32], exe[PATH_MAX];
	ssize_t n;

	if (!runs_as_us(pid))
		return NOT_OURS;
	exe_name(pid, exe, sizeof(exe));
	if ((n = read_proc(pid, "cmdline", buf, sizeof(buf))) > 0 &&
	    names_dir(buf, n, dir)) {
		if (strcmp(exe, "rumplab") == 0 && has_word(buf, n,
		    "supervise"))
			return SUPERVISOR;
		if (strcmp(exe, "rump_server") == 0)
			return MEMBER;
		/* The ssh master of a host of a lab across machines
		 * (ControlPath=DIR/host/NAME/ssh, lab/remote.h). */
		if (strcmp(exe, "ssh") == 0)
			return MEMBER;
	}
	snprintf(want, sizeof(want), "RUMP_SERVER=unix://%s/", dir);
	if ((n = read_proc(pid, "environ", buf, sizeof(buf))) > 0 &&
	    has_word(buf, n, want))
		return MEMBER;
	return NOT_OURS;
}

/*
 * The lab's processes, each held by a pidfd taken before its identity
 * is read: when the pidfd still reaches a live process after the check,
 * that process had the pid all along, so the check was of it and the
 * signal goes to it, never to a process that got the pid since.
 */
struct labproc {
	pid_t		pid;
	int		fd;
	enum role	role;
};

struct labprocs {
	struct labproc	*p;
	int		 n, cap;
};

static int
add_proc(struct labprocs *lp, pid_t pid, int fd, enum role role)
{
	struct labproc *np;

	if (lp->n == lp->cap) {
		int ncap = lp->cap ? 2 * lp->cap : 64;

		if ((np = realloc(lp->p, (size_t)ncap * sizeof(*np))) == NULL)
			return -ENOMEM;
		lp->p = np;
		lp->cap = ncap;
	}
	lp->p[lp->n++] = (struct labproc){ pid, fd, role };
	return 0;
}

static void
find_procs(const char *dir, struct labprocs *lp)
{
	struct dirent *e;
	enum role role;
	pid_t pid, me = getpid();
	DIR *d;
	int fd;

	lp->n = 0;
	if ((d = opendir("/proc")) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		pid = (pid_t)atoi(e->d_name);
		if (pid == me || (fd = pidfd_open(pid, 0)) < 0)
			continue;
		role = labctl_pid_alive(pid) ? lab_role(pid, dir) : NOT_OURS;
		if (role == NOT_OURS || pidfd_send_signal(fd, 0, NULL, 0) != 0 ||
		    add_proc(lp, pid, fd, role) != 0)
			close(fd);
	}
	closedir(d);
}

/* Is pid in the first n of lp (the ones signalled before)? */
static bool
seen(const struct labprocs *lp, int n, pid_t pid)
{
	int i;

	for (i = 0; i < n; i++)
		if (lp->p[i].pid == pid)
			return true;
	return false;
}

/*
 * One round: the supervisor gets SIGKILL first, so that it restarts
 * nothing; the others `sig`.  Returns how many were found; the pids
 * signalled are added to `done` once each (fd -1).
 */
static int
signal_round(const char *dir, int sig, struct labprocs *done)
{
	struct labprocs lp = { NULL, 0, 0 };
	int i, k, n;

	find_procs(dir, &lp);
	for (k = 0; k < 2; k++)
		for (i = 0; i < lp.n; i++) {
			if ((lp.p[i].role == SUPERVISOR) != (k == 0))
				continue;
			if (pidfd_send_signal(lp.p[i].fd, k == 0 ? SIGKILL :
			    sig, NULL, 0) == 0 && (sig != 0 || k == 0) &&
			    !seen(done, done->n, lp.p[i].pid))
				(void)add_proc(done, lp.p[i].pid, -1,
				    lp.p[i].role);
		}
	for (i = 0; i < lp.n; i++)
		close(lp.p[i].fd);
	n = lp.n;
	free(lp.p);
	return n;
}

int
labctl_cleanup(const char *dir)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	struct labprocs done = { NULL, 0, 0 };
	int i, n;

	n = signal_round(dir, SIGTERM, &done);
	for (i = 0; n > 0 && i < 100; i++) {
		nanosleep(&ts, NULL);
		n = signal_round(dir, 0, &done);
	}
	for (i = 0; n > 0 && i < 250; i++) {
		n = signal_round(dir, SIGKILL, &done);
		nanosleep(&ts, NULL);
	}
	(void)statedir_remove(dir);
	free(done.p);
	return done.n;
}

int
labctl_open_lab(const char *dir, struct lab **labp)
{
	char path[STATEDIR_PATHMAX], base[PATH_MAX];
	struct diag d;
	int r;

	statedir_file(dir, "topology.yaml", path);
	diag_init(&d);
	r = lab_open_at(path, labctl_basedir(dir, base, sizeof(base)), labp,
	    &d);
	diag_free(&d);
	return r;
}

const char *
labctl_basedir(const char *dir, char *buf, size_t len)
{
	char path[STATEDIR_PATHMAX];
	ssize_t n;
	int fd;

	statedir_file(dir, "topology.base", path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

int
labctl_host(const char *dir, const struct lab *lab)
{
	char path[STATEDIR_PATHMAX], name[LAB_NAME_MAX + 2];
	ssize_t n;
	int fd;

	if (lab->nhosts == 0)
		return -1;
	statedir_file(dir, "part", path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return lab_host_local(lab);
	n = read(fd, name, sizeof(name) - 1);
	close(fd);
	name[n > 0 ? n : 0] = '\0';
	name[strcspn(name, "\n")] = '\0';
	return lab_host_find(lab, name);
}

bool
labctl_bus_here(const struct lab *lab, int host, int bus)
{
	int k;

	if (lab->nhosts == 0)
		return true;
	for (k = 0; k < lab->buses[bus].nhosts; k++)
		if (lab->buses[bus].hosts[k] == host)
			return true;
	return false;
}

const char *
labctl_name(const char *dir)
{
	const char *slash = strrchr(dir, '/');

	return slash ? slash + 1 : dir;
}

void
labctl_path_add_bindir(void)
{
	char bindir[PATH_MAX], *np;
	const char *path = getenv("PATH");

	launch_bindir(bindir, sizeof(bindir));
	if (bindir[0] == '\0' || asprintf(&np, "%s%s%s", path ? path : "",
	    path ? ":" : "", bindir) < 0)
		return;
	setenv("PATH", np, 1);
	free(np);
}
