/*
 * console_job.c — the console's child processes (viz/console.h, "Jobs").
 *
 * Why processes and not threads: librumpclient holds one connection per
 * process, and a node that stops answering leaves its caller blocked in
 * a read with no timeout.  A child per question gives each node its own
 * connection and lets the console kill whatever overstays, so the screen
 * never waits on a node.  Each child is its own process group (the
 * terminal's Ctrl-C reaches only the console, which then kills the
 * groups) with stdin on /dev/null and the curses state left alone: it
 * leaves with _exit(), so no atexit handler touches the terminal.
 */
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

#include "viz/console.h"

static struct job *jobs;

uint64_t
console_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The child's side: its own group, the pipe as stdout and stderr. */
static void
child_setup(int wfd)
{
	sigset_t none;
	int null;

	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGWINCH, SIG_DFL);
	if ((null = open("/dev/null", O_RDONLY)) >= 0) {
		dup2(null, 0);
		close(null);
	}
	dup2(wfd, 1);
	dup2(wfd, 2);
	close(wfd);
}

static struct job *
job_new(int timeout_ms, job_done_fn done, void *arg, int *wfd)
{
	struct job *j;
	int p[2];

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	if (pipe2(p, O_CLOEXEC) != 0) {
		free(j);
		return NULL;
	}
	j->fd = p[0];
	*wfd = p[1];
	fcntl(j->fd, F_SETFL, O_NONBLOCK);
	j->deadline = timeout_ms > 0 ? console_now() + (uint64_t)timeout_ms :
	    0;
	j->done = done;
	j->arg = arg;
	return j;
}

static struct job *
job_started(struct job *j, pid_t pid, int wfd)
{
	close(wfd);
	if (pid < 0) {
		close(j->fd);
		free(j);
		return NULL;
	}
	setpgid(pid, pid);	/* both sides, so kill(-pid) works at once */
	j->pid = pid;
	j->next = jobs;
	jobs = j;
	return j;
}

struct job *
job_fork(int (*fn)(void *), void *arg, int timeout_ms, job_done_fn done,
    void *donearg)
{
	struct job *j;
	pid_t pid;
	int wfd, r;

	if ((j = job_new(timeout_ms, done, donearg, &wfd)) == NULL)
		return NULL;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		child_setup(wfd);
		r = fn(arg);
		fflush(NULL);
		_exit(r);
	}
	return job_started(j, pid, wfd);
}

struct job *
job_exec(char *const argv[], const char *url, int timeout_ms,
    job_done_fn done, void *donearg)
{
	struct job *j;
	pid_t pid;
	int wfd;

	if ((j = job_new(timeout_ms, done, donearg, &wfd)) == NULL)
		return NULL;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		child_setup(wfd);
		if (url != NULL)
			setenv("RUMP_SERVER", url, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return job_started(j, pid, wfd);
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
	if (j != NULL && !j->exited)
		kill(-j->pid, SIGTERM);
}

int
jobs_pollfds(struct pollfd *pfd, int max)
{
	struct job *j;
	int n = 0;

	for (j = jobs; j != NULL && n < max; j = j->next)
		if (j->fd >= 0) {
			pfd[n].fd = j->fd;
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
job_read(struct job *j)
{
	char buf[8192];
	ssize_t r;

	while (j->fd >= 0) {
		r = read(j->fd, buf, sizeof(buf));
		if (r > 0) {
			job_append(j, buf, (size_t)r);
			continue;
		}
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		close(j->fd);
		j->fd = -1;
	}
}

static void
job_finish(struct job *j)
{
	if (j->out == NULL)
		job_append(j, "", 0);
	if (j->done != NULL)
		j->done(j, j->arg);
	if (j->fd >= 0)
		close(j->fd);
	free(j->out);
	free(j);
}

void
jobs_service(void)
{
	struct job **pp, *j;
	uint64_t now = console_now();
	pid_t r;

	for (pp = &jobs; (j = *pp) != NULL;) {
		job_read(j);
		if (!j->exited && j->deadline != 0 && now >= j->deadline &&
		    !j->timedout) {
			j->timedout = true;
			kill(-j->pid, SIGKILL);
		}
		if (!j->exited && (r = waitpid(j->pid, &j->status,
		    WNOHANG)) == j->pid)
			j->exited = true;
		/* Done once it exited and its pipe is drained, or killed
		 * (a grandchild may hold the pipe open). */
		if (j->exited && (j->fd < 0 || j->timedout)) {
			job_read(j);
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
		if (!j->exited)
			kill(-j->pid, SIGKILL);
	while ((j = jobs) != NULL) {
		jobs = j->next;
		if (!j->exited)
			waitpid(j->pid, &j->status, 0);
		j->exited = true;
		j->done = NULL;
		job_finish(j);
	}
}

void
job_result(const struct job *j, char *buf, size_t len)
{
	if (j->timedout)
		snprintf(buf, len, "no reply in time, stopped");
	else if (WIFEXITED(j->status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(j->status));
	else if (WIFSIGNALED(j->status))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(j->status));
	else
		snprintf(buf, len, "ended");
}
