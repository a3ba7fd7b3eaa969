/*
 * child.c — child processes read as lines (lab/child.h).
 *
 * A program is started with posix_spawn: glibc's clones with CLONE_VFORK
 * and copies no page tables, which is what made `up` of a 1000-node lab
 * twice as fast on a guest where page-table updates are hypercalls (see
 * lab/launch.c).  A function of ours can only run in a fork.  Either way
 * the child's side is set up the same: stdin on /dev/null, the pipe as
 * its output (or at a descriptor number it is told), no signal blocked,
 * child_sigs[] at their defaults, and its own session or process group
 * when asked.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/child.h"

#define READ_MAX	(64 * 1024)	/* read at most this a child_read() */

extern char **environ;

/* What our processes handle, ignore or get from a terminal: a child gets
 * them back at their defaults. */
static const int child_sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGPIPE,
	SIGCHLD, SIGWINCH, SIGALRM };
#define NSIGS	(sizeof(child_sigs) / sizeof(child_sigs[0]))

uint64_t
child_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
spawn(struct child *c, const struct child_spec *s, int w)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	short fl = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
	size_t i;
	int r;

	sigemptyset(&none);
	sigemptyset(&dfl);
	for (i = 0; i < NSIGS; i++)
		sigaddset(&dfl, child_sigs[i]);
	posix_spawnattr_init(&at);
	if (s->flags & CHILD_SESSION)
		fl |= POSIX_SPAWN_SETSID;
	else if (s->flags & CHILD_GROUP) {
		fl |= POSIX_SPAWN_SETPGROUP;
		posix_spawnattr_setpgroup(&at, 0);
	}
	posix_spawnattr_setflags(&at, fl);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (s->pipe_fd == 0) {
		posix_spawn_file_actions_adddup2(&fa, w, 1);
		posix_spawn_file_actions_adddup2(&fa, w, 2);
	} else {
		if (s->out_fd >= 0) {
			posix_spawn_file_actions_adddup2(&fa, s->out_fd, 1);
			posix_spawn_file_actions_adddup2(&fa, s->out_fd, 2);
		}
		/* Onto itself, this clears close-on-exec in the child. */
		posix_spawn_file_actions_adddup2(&fa, w, s->pipe_fd);
	}
	for (i = 0; i < (size_t)s->nfds; i++)
		posix_spawn_file_actions_adddup2(&fa, s->fds[i].from,
		    s->fds[i].to);
	r = posix_spawnp(&c->pid, s->path ? s->path : s->argv[0], &fa, &at,
	    s->argv, s->envp ? s->envp : environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return -r;
}

static int
int_cmp(const void *a, const void *b)
{
	return (*(const int *)a > *(const int *)b) -
	    (*(const int *)a < *(const int *)b);
}

/* Closes every descriptor past 2 but pipe_fd and the fds kept. */
static void
close_others(const struct child_spec *s)
{
	int keep[64], n = 0, i, lo = 3;

	if (s->pipe_fd >= 3)
		keep[n++] = s->pipe_fd;
	for (i = 0; i < s->nfds && n < 64; i++)
		keep[n++] = s->fds[i].from;
	qsort(keep, (size_t)n, sizeof(int), int_cmp);
	for (i = 0; i < n; i++) {
		if (keep[i] > lo)
			(void)close_range((unsigned)lo, (unsigned)keep[i] - 1,
			    0);
		if (keep[i] >= lo)
			lo = keep[i] + 1;
	}
	(void)close_range((unsigned)lo, ~0U, 0);
}

/* In the forked child: what posix_spawn's attributes do for a program. */
static void
fork_setup(const struct child_spec *s, int r, int w)
{
	sigset_t none;
	size_t i;
	int null;

	close(r);
	if (s->flags & CHILD_SESSION)
		setsid();
	else if (s->flags & CHILD_GROUP)
		setpgid(0, 0);
	for (i = 0; i < NSIGS; i++)
		signal(child_sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((null = open("/dev/null", O_RDONLY)) >= 0 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	if (s->pipe_fd == 0) {
		dup2(w, 1);
		dup2(w, 2);
	} else {
		if (s->out_fd >= 0) {
			dup2(s->out_fd, 1);
			dup2(s->out_fd, 2);
		}
		dup2(w, s->pipe_fd);
	}
	if (w != 1 && w != 2 && w != s->pipe_fd)
		close(w);
	if (s->flags & CHILD_CLOSEFDS)
		close_others(s);
}

static int
fork_fn(struct child *c, const struct child_spec *s, int r, int w)
{
	pid_t pid;

	fflush(NULL);	/* or the child writes our buffered output again */
	if ((pid = fork()) < 0)
		return -errno;
	if (pid == 0) {
		fork_setup(s, r, w);
		r = s->fn(s->arg);
		fflush(NULL);
		_exit(r);
	}
	/* Both sides, so that a kill(-pid) right away finds the group. */
	if (s->flags & CHILD_GROUP)
		setpgid(pid, pid);
	c->pid = pid;
	return 0;
}

int
child_start(struct child *c, const struct child_spec *s)
{
	int p[2], r;

	c->pid = 0;
	c->fd = -1;
	c->flags = s->flags;
	c->timeout_ms = s->timeout_ms;
	c->deadline = 0;
	c->timedout = c->exited = false;
	c->status = 0;
	c->len = c->linelen = 0;
	c->nl = false;
	if (pipe2(p, O_CLOEXEC) != 0)
		return -errno;
	r = s->argv != NULL ? spawn(c, s, p[1]) : fork_fn(c, s, p[0], p[1]);
	close(p[1]);
	if (r != 0) {
		close(p[0]);
		return r;
	}
	c->fd = p[0];
	fcntl(c->fd, F_SETFL, O_NONBLOCK);
	if (s->timeout_ms > 0)
		c->deadline = child_now() + (uint64_t)s->timeout_ms;
	return 0;
}

/* Hands over the complete lines in buf; keeps a partial one. */
static void
split_lines(struct child *c, child_line_fn *line, void *arg)
{
	char *p = c->buf, *end = c->buf + c->len, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		*nl = '\0';
		c->linelen = (size_t)(nl - p);
		c->nl = true;
		if (line != NULL)
			line(arg, p);
		p = nl + 1;
	}
	c->len = (size_t)(end - p);
	memmove(c->buf, p, c->len);
	if (c->len == sizeof(c->buf) - 1) {	/* a piece of a long line */
		c->buf[c->len] = '\0';
		c->linelen = c->len;
		c->nl = false;
		if (line != NULL)
			line(arg, c->buf);
		c->len = 0;
	}
}

int
child_read(struct child *c, child_line_fn *line, void *arg)
{
	size_t got = 0;
	ssize_t n;

	while (c->fd >= 0 && got < READ_MAX) {
		n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 1;
		if (n <= 0) {
			if (c->len > 0 && line != NULL) {
				c->buf[c->len] = '\0';
				c->linelen = c->len;
				c->nl = false;
				line(arg, c->buf);
			}
			c->len = 0;
			child_close(c);
			return 0;
		}
		got += (size_t)n;
		c->len += (size_t)n;
		if ((c->flags & CHILD_QUIET) && c->timeout_ms > 0 &&
		    !c->timedout)
			c->deadline = child_now() + (uint64_t)c->timeout_ms;
		split_lines(c, line, arg);
	}
	return c->fd >= 0;
}

int
child_drain(struct child *c, child_line_fn *line, void *arg)
{
	struct pollfd pfd;
	int ms, n;

	while (c->fd >= 0) {
		ms = child_tick(c, child_now());
		if (c->timedout) {
			/* What it wrote before; not what a process it left
			 * behind may hold the pipe open for. */
			(void)child_read(c, line, arg);
			child_close(c);
			break;
		}
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		if ((n = poll(&pfd, 1, ms)) < 0) {
			if (errno != EINTR)
				return -errno;
			child_signal(c, SIGKILL);
			child_close(c);
			return -EINTR;
		}
		if (n > 0)
			(void)child_read(c, line, arg);
	}
	return 0;
}

int
child_tick(struct child *c, uint64_t now)
{
	if (c->deadline == 0)
		return -1;
	if (now < c->deadline)
		return c->deadline - now > INT_MAX ? INT_MAX :
		    (int)(c->deadline - now);
	c->deadline = 0;
	c->timedout = true;
	child_signal(c, SIGKILL);
	return 0;
}

void
child_signal(struct child *c, int sig)
{
	if (c->pid <= 0)
		return;
	if (c->flags & (CHILD_GROUP | CHILD_SESSION))
		kill(-c->pid, sig);
	else if (!c->exited)
		kill(c->pid, sig);
}

void
child_stop(struct child *c, int grace_ms)
{
	child_signal(c, SIGTERM);
	c->deadline = child_now() + (uint64_t)grace_ms;
}

void
child_exited(struct child *c, int status)
{
	c->exited = true;
	c->status = status;
	(void)child_group_alive(c);
}

bool
child_group_alive(struct child *c)
{
	if (!(c->flags & (CHILD_GROUP | CHILD_SESSION)))
		return false;
	if (!c->exited || kill(-c->pid, 0) == 0)
		return true;
	c->flags &= ~(unsigned)(CHILD_GROUP | CHILD_SESSION);
	return false;
}

int
child_reap(struct child *c, bool block)
{
	pid_t r;
	int st;

	if (c->exited)
		return 1;
	while ((r = waitpid(c->pid, &st, block ? 0 : WNOHANG)) < 0 &&
	    errno == EINTR)
		;
	if (r < 0)
		return -errno;
	if (r == 0)
		return 0;
	child_exited(c, st);
	return 1;
}

void
child_close(struct child *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int
child_run(struct child *c, const struct child_spec *s, child_line_fn *line,
    void *arg)
{
	int r, d;

	if ((r = child_start(c, s)) != 0)
		return r;
	d = child_drain(c, line, arg);
	child_close(c);
	if ((r = child_reap(c, true)) < 0)
		return r;
	return d < 0 ? d : c->status;
}

void
child_text_line(void *arg, char *line)
{
	struct child_text *t = arg;
	int n;

	if (t->len == 0 || t->off >= t->len - 1)
		return;
	n = snprintf(t->buf + t->off, t->len - t->off, "%s\n", line);
	t->off += (size_t)n < t->len - t->off ? (size_t)n :
	    t->len - t->off - 1;
}

/* Is `e` ("NAME=VALUE") the variable that `s` ("NAME=..." or "NAME")
 * names? */
static bool
same_name(const char *e, const char *s)
{
	size_t n = strcspn(s, "=");

	return strncmp(e, s, n) == 0 && e[n] == '=';
}

char **
child_environ(const char *const *set)
{
	char **env;
	size_t n = 0, m = 0, i, k, out = 0;

	while (environ != NULL && environ[n] != NULL)
		n++;
	while (set[m] != NULL)
		m++;
	if ((env = calloc(n + m + 1, sizeof(*env))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		for (k = 0; k < m && !same_name(environ[i], set[k]); k++)
			;
		if (k == m)
			env[out++] = environ[i];
	}
	for (k = 0; k < m; k++)
		if (strchr(set[k], '=') != NULL)
			env[out++] = (char *)set[k];
	env[out] = NULL;
	return env;
}
