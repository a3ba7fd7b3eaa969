/*
 * preflight.c — a lab's needs against this machine's limits (see
 * preflight.h).  Every reading comes from /proc, getrlimit and statvfs at
 * the moment of asking; nothing is cached, for other labs come and go.
 */
#include <sys/resource.h>
#include <sys/statvfs.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/preflight.h"

#define BASE_TASKS	8	/* the supervisor, `up` itself, a margin */
#define BASE_FDS	64
#define WAKEMAP_BYTES	4096	/* a bus's .wake file (shmif/FORMAT.txt) */

void
lab_needs(const struct lab *lab, int jobs, struct lab_needs *n)
{
	long svcs = 0;
	int i;

	memset(n, 0, sizeof(*n));
	for (i = 0; i < lab->nnodes; i++)
		svcs += lab->nodes[i].nrun;
	/* a service, and its connection's thread in its node */
	n->tasks = (long)lab->nnodes * PREFLIGHT_NODE_TASKS + 2 * svcs +
	    2L * jobs + BASE_TASKS;
	n->fds = 2 * svcs + 2L * jobs + BASE_FDS;
	n->mem = (uint64_t)lab->nnodes * PREFLIGHT_NODE_MEM;
	for (i = 0; i < lab->nbuses; i++)
		if (!lab->buses[i].tapseg)
			n->disk += lab->buses[i].size + WAKEMAP_BYTES;
}

/* The first number in a file (a sysctl), or -1. */
static long
read_long(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Tasks (threads) on the machine: /proc/loadavg's "running/total". */
static long
tasks_in_use(void)
{
	FILE *f = fopen("/proc/loadavg", "re");
	long run, total = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%*s %*s %*s %ld/%ld", &run, &total) != 2)
		total = -1;
	fclose(f);
	return total;
}

/* Tasks whose real user is ours: what RLIMIT_NPROC counts. */
static long
user_tasks(void)
{
	char path[300], line[128];
	struct dirent *e;
	long n = 0, uid, threads;
	DIR *d;
	FILE *f;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;       /* gone meanwhile */
		uid = threads = -1;
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "Uid: %ld", &uid) == 1)
				continue;
			else if (sscanf(line, "Threads: %ld", &threads) == 1)
				break;
		fclose(f);
		if (uid == (long)getuid() && threads > 0)
			n += threads;
	}
	closedir(d);
	return n;
}

static uint64_t
mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	unsigned long long kb = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb * 1024;
}

/*
 * need more tasks against a limit of which used are taken: 0, or the
 * message (how many nodes would fit) and -EAGAIN.
 */
static int
tasks_fit(const struct lab *lab, long need, long limit, long used,
    const char *what, const char *fix, char *why, size_t whylen)
{
	long spare = limit - used, nodes;

	if (limit <= 0 || used < 0 || need <= spare)
		return 0;
	nodes = spare - (need - (long)lab->nnodes * PREFLIGHT_NODE_TASKS);
	nodes = nodes > 0 ? nodes / PREFLIGHT_NODE_TASKS : 0;
	snprintf(why, whylen, "the lab needs about %ld tasks (%d a node, 1 a "
	    "service) and %s is %ld with %ld in use: about %ld nodes would "
	    "fit; %s", need, PREFLIGHT_NODE_TASKS, what, limit, used, nodes,
	    fix);
	return -EAGAIN;
}

static int
check_tasks(const struct lab *lab, const struct lab_needs *n, char *why,
    size_t whylen)
{
	struct rlimit rl;
	long used = tasks_in_use();
	int r;

	if ((r = tasks_fit(lab, n->tasks, read_long("/proc/sys/kernel/pid_max"),
	    used, "kernel.pid_max", "stop other labs, or ask root to raise "
	    "kernel.pid_max", why, whylen)) != 0 ||
	    (r = tasks_fit(lab, n->tasks,
	    read_long("/proc/sys/kernel/threads-max"), used,
	    "kernel.threads-max", "stop other labs, or ask root to raise "
	    "kernel.threads-max", why, whylen)) != 0)
		return r;
	/* RLIMIT_NPROC binds neither root nor an unlimited user. */
	if (getuid() == 0 || getrlimit(RLIMIT_NPROC, &rl) != 0 ||
	    rl.rlim_cur == RLIM_INFINITY)
		return 0;
	return tasks_fit(lab, n->tasks, (long)rl.rlim_cur, user_tasks(),
	    "this user's task limit (ulimit -u)", "stop other labs, or raise "
	    "ulimit -u (up to its hard limit)", why, whylen);
}

int
lab_preflight(const struct lab *lab, int jobs, const char *statedir,
    char *why, size_t whylen)
{
	struct lab_needs n;
	struct statvfs vfs;
	struct rlimit rl;
	uint64_t avail, spare;
	int r;

	lab_needs(lab, jobs, &n);
	if ((r = check_tasks(lab, &n, why, whylen)) != 0)
		return r;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max !=
	    RLIM_INFINITY && (rlim_t)n.fds > rl.rlim_max) {
		snprintf(why, whylen, "the lab's supervisor needs about %ld "
		    "descriptors (2 a service) and this user's hard limit "
		    "(ulimit -Hn) is %llu: ask root to raise it, or run fewer "
		    "services", n.fds, (unsigned long long)rl.rlim_max);
		return -EMFILE;
	}
	if ((avail = mem_available()) > 0 && n.mem > avail) {
		snprintf(why, whylen, "the lab needs about %llu MiB of memory "
		    "(%u KiB a node) and %llu MiB are available: about %llu "
		    "nodes would fit",
		    (unsigned long long)(n.mem >> 20), PREFLIGHT_NODE_MEM >> 10,
		    (unsigned long long)(avail >> 20),
		    (unsigned long long)(avail / PREFLIGHT_NODE_MEM));
		return -ENOMEM;
	}
	if (statvfs(statedir, &vfs) == 0 && (spare = (uint64_t)vfs.f_bavail *
	    vfs.f_frsize) < n.disk) {
		snprintf(why, whylen, "its bus files take %llu MiB and %s has "
		    "%llu MiB free (a bus past the room would stop its nodes "
		    "with SIGBUS): give buses a smaller size:, or make room",
		    (unsigned long long)(n.disk >> 20), statedir,
		    (unsigned long long)(spare >> 20));
		return -ENOSPC;
	}
	return 0;
}

void
preflight_task_limit(char *buf, size_t len)
{
	static const char *const sysctls[] = { "kernel.pid_max",
		"kernel.threads-max" };
	static const char *const files[] = { "/proc/sys/kernel/pid_max",
		"/proc/sys/kernel/threads-max" };
	struct rlimit rl;
	long used = tasks_in_use(), limit, mine;
	int i;

	buf[0] = '\0';
	/* Full is within a few tasks: the kernel keeps some pids back. */
	for (i = 0; i < 2; i++)
		if ((limit = read_long(files[i])) > 0 && used >= limit - 512) {
			snprintf(buf, len, "%s is %ld and %ld tasks are in use",
			    sysctls[i], limit, used);
			return;
		}
	if (getuid() != 0 && getrlimit(RLIMIT_NPROC, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY &&
	    (mine = user_tasks()) >= (long)rl.rlim_cur - 8)
		snprintf(buf, len, "this user's task limit (ulimit -u) is %llu "
		    "and its processes have %ld tasks",
		    (unsigned long long)rl.rlim_cur, mine);
}
