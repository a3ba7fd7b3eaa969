/*
 * labctl.c — finding labs and cleaning up after them (lab/labctl.h).
 *
 * Cleaning up without a supervisor must not kill strangers: a process is
 * the lab's when it is ours (same uid) and either is one of its node
 * kernels or its supervisor (argv names the lab's directory: `rump_server
 * ... unix://DIR/sock/N`, `rumplab supervise DIR ...`), or runs against
 * one of its nodes (RUMP_SERVER=unix://DIR/... in its environment: run:
 * commands, `rumplab exec`).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/control.h"
#include "lab/labctl.h"
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
	struct ctl_conn c;
	char line[256];
	bool ok = false;

	if (ctl_connect(dir, &c) != 0)
		return false;
	if (ctl_send(&c, "hello") == 0 &&
	    ctl_readline(&c, line, sizeof(line), 5000) == 1)
		ok = strncmp(line, "ok ", 3) == 0;
	ctl_close(&c);
	return ok;
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
read_proc(const char *pid, const char *name, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

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

static bool
contains(const char *buf, ssize_t n, const char *s)
{
	const char *p;

	for (p = buf; p < buf + n; p += strlen(p) + 1)
		if (strstr(p, s) != NULL)
			return true;
	return false;
}

/* Is process `pid` (ours) part of the lab in dir? */
static bool
is_labs(const char *pid, const char *dir)
{
	static char buf[65536];
	char want[STATEDIR_PATHMAX + 32];
	const char *base;
	ssize_t n;

	if ((n = read_proc(pid, "cmdline", buf, sizeof(buf))) > 0) {
		base = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
		if ((strcmp(base, "rump_server") == 0 ||
		    (strcmp(base, "rumplab") == 0 && has_word(buf, n,
		    "supervise"))) && contains(buf, n, dir))
			return true;
	}
	snprintf(want, sizeof(want), "RUMP_SERVER=unix://%s/", dir);
	if ((n = read_proc(pid, "environ", buf, sizeof(buf))) > 0)
		return has_word(buf, n, want);
	return false;
}

/* Signals the lab's processes; returns how many were alive. */
static int
signal_lab(const char *dir, const struct labstate *st, int sig)
{
	struct dirent *e;
	DIR *d;
	pid_t pid, me = getpid();
	int i, n = 0;

	for (i = 0; i < st->nnodes; i++)
		if (labctl_pid_alive(st->nodes[i].pid) &&
		    kill(st->nodes[i].pid, sig) == 0)
			n++;
	if ((d = opendir("/proc")) == NULL)
		return n;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		pid = (pid_t)atoi(e->d_name);
		if (pid == me || !labctl_pid_alive(pid) ||
		    !is_labs(e->d_name, dir))
			continue;
		if (kill(pid, sig) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int
labctl_cleanup(const char *dir)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	struct labstate st;
	int i, n = 0, killed;

	if (statefile_read(dir, &st) != 0)
		memset(&st, 0, sizeof(st));
	/* First the supervisor, so that it restarts nothing. */
	if (st.supervisor > 0 && labctl_pid_alive(st.supervisor)) {
		char pid[16], buf[4096];
		ssize_t len;

		snprintf(pid, sizeof(pid), "%d", (int)st.supervisor);
		len = read_proc(pid, "cmdline", buf, sizeof(buf));
		if (len > 0 && contains(buf, len, dir))
			kill(st.supervisor, SIGKILL);
	}
	killed = signal_lab(dir, &st, SIGTERM);
	for (i = 0; i < 100 && (n = signal_lab(dir, &st, 0)) > 0; i++)
		nanosleep(&ts, NULL);
	if (n > 0) {
		signal_lab(dir, &st, SIGKILL);
		for (i = 0; i < 250 && signal_lab(dir, &st, 0) > 0; i++)
			nanosleep(&ts, NULL);
	}
	free(st.nodes);
	(void)statedir_remove(dir);
	return killed;
}

int
labctl_open_lab(const char *dir, struct lab **labp)
{
	char path[STATEDIR_PATHMAX];
	struct diag d;
	int r;

	statedir_file(dir, "topology.yaml", path);
	diag_init(&d);
	r = lab_open(path, labp, &d);
	diag_free(&d);
	return r;
}

const char *
labctl_name(const char *dir)
{
	const char *slash = strrchr(dir, '/');

	return slash ? slash + 1 : dir;
}
