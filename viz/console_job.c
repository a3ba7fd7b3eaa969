/*
 * console_job.c — the console's child processes (viz/console.h, "Jobs").
 *
 * Why processes and not threads: librumpclient holds one connection per
 * process, and a node that stops answering leaves its caller blocked in
 * a read with no timeout.  A child per question gives each node its own
 * connection and lets the console kill whatever overstays, so the screen
 * never waits on a node.  Each child (lab/child.h) is its own process
 * group (the terminal's Ctrl-C reaches only the console, which then
 * kills the groups) with stdin on /dev/null and the curses state left
 * alone: a function's child leaves with _exit(), so no atexit handler
 * touches the terminal.
 */
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "viz/console.h"

static struct job *jobs;

uint64_t
console_now(void)
{
	return child_now();
}

/* A new job at the head of the list; NULL: no memory. */
static struct job *
job_new(job_done_fn done, void *arg)
{
	struct job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->c.fd = -1;
	j->done = done;
	j->arg = arg;
	j->next = jobs;
	jobs = j;
	return j;
}

/* NULL when it did not start: *err says why (0: no memory). */
static struct job *
job_start(const struct child_spec *s, job_done_fn done, void *arg, int *err)
{
	struct job *j;

	*err = 0;
	if ((j = job_new(done, arg)) == NULL)
		return NULL;
	if ((*err = child_start(&j->c, s)) != 0) {
		jobs = j->next;
		free(j);
		return NULL;
	}
	return j;
}

struct job *
job_fork(int (*fn)(void *), void *arg, int timeout_ms, job_done_fn done,
    void *donearg)
{
	struct child_spec s = { .fn = fn, .arg = arg, .flags = CHILD_GROUP,
	    .timeout_ms = timeout_ms };
	int err;

	return job_start(&s, done, donearg, &err);
}

static void job_append(struct job *j, const char *buf, size_t n);

/* A program that could not be run ends as a shell's would, exit 127
 * and why, and is done at the next jobs_service(). */
static struct job *
job_failed(const char *prog, int err, job_done_fn done, void *arg)
{
	char msg[512];
	struct job *j;
	int n;

	if ((j = job_new(done, arg)) == NULL)
		return NULL;
	j->c.exited = true;
	j->c.status = 127 << 8;
	n = snprintf(msg, sizeof(msg), "%s: %s\n", prog, strerror(err));
	job_append(j, msg, (size_t)n < sizeof(msg) ? (size_t)n :
	    sizeof(msg) - 1);
	return j;
}

struct job *
job_exec(char *const argv[], const char *url, int timeout_ms,
    job_done_fn done, void *donearg)
{
	char var[STATEDIR_PATHMAX + 32];
	const char *set[] = { var, NULL };
	struct child_spec s = { .argv = argv, .flags = CHILD_GROUP,
	    .timeout_ms = timeout_ms };
	struct job *j;
	char **env = NULL;
	int r;

	snprintf(var, sizeof(var), "RUMP_SERVER=%s", url ? url : "");
	if (url != NULL && (s.envp = env = child_environ(set)) == NULL)
		return NULL;
	j = job_start(&s, done, donearg, &r);
	free(env);
	if (j == NULL && r != 0)
		return job_failed(argv[0], -r, done, donearg);
	return j;
}

void
job_command(const char *name, char *buf, size_t len)
{
	char self[PATH_MAX], *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(buf, len, "%s/%s", self, name);
			if (access(buf, X_OK) == 0)
				return;
		}
	}
	snprintf(buf, len, "%s", name);
}

void
job_stop(struct job *j)
{
	if (j != NULL && !j->c.exited)
		child_signal(&j->c, SIGTERM);
}

int
jobs_pollfds(struct pollfd *pfd, int max)
{
	struct job *j;
	int n = 0;

	for (j = jobs; j != NULL && n < max; j = j->next)
		if (j->c.fd >= 0) {
			pfd[n].fd = j->c.fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			n++;
		}
	return n;
}

/* Keeps the last JOB_OUTMAX bytes of the output. */
static void
job_append(struct job *j, const char *buf, size_t n)
{
	size_t cap;
	char *p;

	if (j->len + n + 1 > j->cap) {
		cap = j->cap ? j->cap * 2 : 4096;
		while (cap < j->len + n + 1 && cap < JOB_OUTMAX + 1)
			cap *= 2;
		if (cap > JOB_OUTMAX + 1)
			cap = JOB_OUTMAX + 1;
		if (cap != j->cap && (p = realloc(j->out, cap)) != NULL) {
			j->out = p;
			j->cap = cap;
		}
	}
	if (j->out == NULL)
		return;
	if (n > j->cap - 1) {
		buf += n - (j->cap - 1);
		n = j->cap - 1;
	}
	if (j->len + n > j->cap - 1) {
		memmove(j->out, j->out + (j->len + n - (j->cap - 1)),
		    j->cap - 1 - n);
		j->len = j->cap - 1 - n;
	}
	memcpy(j->out + j->len, buf, n);
	j->len += n;
	j->out[j->len] = '\0';
}

static void
job_line(void *arg, char *line)
{
	struct job *j = arg;

	job_append(j, line, strlen(line));
	job_append(j, "\n", 1);
}

static void
job_finish(struct job *j)
{
	if (j->out == NULL)
		job_append(j, "", 0);
	if (j->done != NULL)
		j->done(j, j->arg);
	child_close(&j->c);
	free(j->out);
	free(j);
}

void
jobs_service(void)
{
	struct job **pp, *j;
	uint64_t now = console_now();

	for (pp = &jobs; (j = *pp) != NULL;) {
		(void)child_read(&j->c, job_line, j);
		(void)child_tick(&j->c, now);
		if (!j->c.exited)
			(void)child_reap(&j->c, false);
		/* Done once it exited and its pipe is drained, or killed
		 * (a grandchild may hold the pipe open). */
		if (j->c.exited && (j->c.fd < 0 || j->c.timedout)) {
			(void)child_read(&j->c, job_line, j);
			*pp = j->next;
			job_finish(j);
			continue;
		}
		pp = &j->next;
	}
}

void
jobs_kill_all(void)
{
	struct job *j;

	for (j = jobs; j != NULL; j = j->next)
		if (!j->c.exited)
			child_signal(&j->c, SIGKILL);
	while ((j = jobs) != NULL) {
		jobs = j->next;
		(void)child_reap(&j->c, true);
		j->done = NULL;
		job_finish(j);
	}
}

void
job_result(const struct job *j, char *buf, size_t len)
{
	if (j->c.timedout)
		snprintf(buf, len, "no reply in time, stopped");
	else if (WIFEXITED(j->c.status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(j->c.status));
	else if (WIFSIGNALED(j->c.status))
		snprintf(buf, len, "killed by signal %d",
		    WTERMSIG(j->c.status));
	else
		snprintf(buf, len, "ended");
}
