/*
 * remote.c — a host of the lab on another machine, through one OpenSSH
 * master connection (lab/remote.h).
 *
 * The master is `ssh -o ControlMaster=yes -N`, a child of ours whose
 * standard error goes to a log: it is ready once its control socket
 * answers `ssh -O check` (ssh creates the socket only after logging in),
 * and if it exits first the log's last line is ssh's own reason.  Every
 * later ssh runs with ControlMaster=no: a client of the master, never a
 * second master.  `ssh -O forward` takes any number of -L and adds them
 * one mux message each, in one process: forwards go in batches.  The
 * master does not remove the sockets it listened on when it exits, so
 * we keep their paths and remove them at stop.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/remote.h"
#include "version.h"

#define OP_MS		5000	/* an `ssh -O` call */
#define FORWARD_MS	30000	/* a batch of forwards */
#define STOP_GRACE_MS	2000	/* to leave after `ssh -O exit` */
#define POLL_MIN_MS	5
#define POLL_MAX_MS	100
#define LINE_MAX_	256	/* a line of ssh's quoted in a reason */

static int
fail(const struct remote *r, int err, char *why, size_t len,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* why: "host b (rl@127.0.0.1): " and the message; returns err. */
static int
fail(const struct remote *r, int err, char *why, size_t len,
    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (why == NULL || len == 0)
		return err;
	n = snprintf(why, len, "host %s (%s): ", r->host->name,
	    r->host->ssh != NULL ? r->host->ssh : "this machine");
	if (n < 0 || (size_t)n >= len)
		return err;
	va_start(ap, fmt);
	vsnprintf(why + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	return err;
}

/* The last line of text that is not empty, into buf. */
static void
last_line(const char *text, char *buf, size_t len)
{
	const char *end = text + strlen(text), *p;

	while (end > text && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' '))
		end--;
	for (p = end; p > text && p[-1] != '\n'; p--)
		;
	snprintf(buf, len, "%.*s", (int)(end - p), p);
}

/* The master log's last line, or `dflt` when it has none. */
static void
log_line(const struct remote *r, const char *dflt, char *buf, size_t len)
{
	char tail[1024];

	if (file_tail(r->log, 3, tail, sizeof(tail)) <= 0)
		tail[0] = '\0';
	last_line(tail, buf, len);
	if (buf[0] == '\0')
		snprintf(buf, len, "%s", dflt);
}

/* FNV-1a: a short name for a long path, the same in every process. */
static uint64_t
path_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * An ssh option's value is split at white space and quotes are taken
 * from it (ssh_config(5)), and ControlPath expands %: a path with the
 * first cannot be said, the second is doubled.
 */
static bool
ssh_safe(const char *p)
{
	return strpbrk(p, " \t\n\"'\\") == NULL;
}

/* The control socket: DIR/host/NAME/ssh, else a short one (1). */
static int
ctl_path(struct remote *r, const char *dir, char *why, size_t len)
{
	char want[STATEDIR_PATHMAX];
	size_t n;
	int w;

	w = snprintf(want, sizeof(want), "%s/host/%s/ssh", dir,
	    r->host->name);
	if (w > 0 && (size_t)w <= REMOTE_CTLMAX && ssh_safe(want)) {
		memcpy(r->ctl, want, (size_t)w + 1);
		return 0;
	}
	snprintf(r->ctl, sizeof(r->ctl), "/tmp/rumplab-ssh-%u/%016llx",
	    (unsigned)getuid(), (unsigned long long)path_hash(want));
	n = strlen(want);
	if (n > REMOTE_CTLMAX)
		return fail(r, 1, why, len, "ssh's control socket is %s: %s "
		    "is %zu bytes, more than the %d ssh binds a control "
		    "socket at", r->ctl, want, n, REMOTE_CTLMAX);
	return fail(r, 1, why, len, "ssh's control socket is %s: %s holds "
	    "characters an ssh option cannot carry", r->ctl, want);
}

int
remote_init(struct remote *r, const struct lab_host *h, const char *dir,
    char *why, size_t len)
{
	const char *s;
	size_t o = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	r->host = h;
	r->master.pid = -1;
	r->master.fd = -1;
	if (h->ssh == NULL || h->ssh[0] == '\0')
		return fail(r, -EINVAL, why, len, "no ssh destination");
	if (h->ssh[0] == '-')
		return fail(r, -EINVAL, why, len, "a destination cannot begin "
		    "with '-'");
	if (!statedir_name_ok(h->name))
		return fail(r, -EINVAL, why, len, "'%s' cannot name a "
		    "directory", h->name);
	if (snprintf(r->log, sizeof(r->log), "%s/host/%s/ssh.log", dir,
	    h->name) >= (int)sizeof(r->log))
		return fail(r, -ENAMETOOLONG, why, len, "%s: name too long",
		    dir);
	snprintf(r->port, sizeof(r->port), "%u", h->port);
	rc = ctl_path(r, dir, why, len);
	o = (size_t)snprintf(r->ctlopt, sizeof(r->ctlopt), "ControlPath=");
	for (s = r->ctl; *s != '\0' && o + 3 < sizeof(r->ctlopt); s++) {
		if (*s == '%')
			r->ctlopt[o++] = '%';
		r->ctlopt[o++] = *s;
	}
	r->ctlopt[o] = '\0';
	return rc;
}

/* Appends n bytes of s at *off, keeping room for the NUL. */
static bool
put(char *buf, size_t len, size_t *off, const char *s, size_t n)
{
	if (*off + n >= len)
		return false;
	memcpy(buf + *off, s, n);
	*off += n;
	return true;
}

int
remote_quote(char *const *words, char *buf, size_t len)
{
	const char *p;
	size_t off = 0;
	bool fits = len > 0;
	int i;

	for (i = 0; fits && words[i] != NULL; i++) {
		if (i > 0)
			fits = put(buf, len, &off, " ", 1);
		fits = fits && put(buf, len, &off, "'", 1);
		for (p = words[i]; fits && *p != '\0'; p++)
			fits = *p == '\'' ? put(buf, len, &off, "'\\''", 4) :
			    put(buf, len, &off, p, 1);
		fits = fits && put(buf, len, &off, "'", 1);
	}
	if (!fits)
		return -E2BIG;
	buf[off] = '\0';
	return (int)off;
}

/* remote_quote() into a string of its own (free it), or NULL. */
static char *
quoted(char *const *words)
{
	size_t need = 1;
	char *s;
	int i;

	for (i = 0; words[i] != NULL; i++)
		need += 4 * strlen(words[i]) + 3;
	if ((s = malloc(need)) != NULL && remote_quote(words, s, need) < 0) {
		free(s);
		s = NULL;
	}
	return s;
}

int
remote_argv(const struct remote *r, const char *const *opts,
    const char *cmd, const char **argv, int max)
{
	const struct lab_host *h = r->host;
	const char *base[16];
	int nb = 0, no = 0, n = 0, i;

	base[nb++] = "ssh";
	if (h->ssh_config != NULL) {
		base[nb++] = "-F";
		base[nb++] = h->ssh_config;
	}
	if (h->port != 0) {
		base[nb++] = "-p";
		base[nb++] = r->port;
	}
	base[nb++] = "-o";
	base[nb++] = "BatchMode=yes";
	base[nb++] = "-o";
	base[nb++] = r->ctlopt;
	base[nb++] = "-o";
	base[nb++] = "ServerAliveInterval=5";
	base[nb++] = "-o";
	base[nb++] = "ServerAliveCountMax=3";
	while (opts != NULL && opts[no] != NULL)
		no++;
	if (nb + no + 2 + (cmd != NULL) + 1 > max)
		return -E2BIG;
	for (i = 0; i < nb; i++)
		argv[n++] = base[i];
	for (i = 0; i < no; i++)
		argv[n++] = opts[i];
	argv[n++] = "--";
	argv[n++] = h->ssh;
	if (cmd != NULL)
		argv[n++] = cmd;
	argv[n] = NULL;
	return n;
}

/*
 * Runs argv to its end, standard input on /dev/null, its output into
 * out: the exit status, -ETIMEDOUT, -EINTR (killed by a signal) or
 * -errno.
 */
static int
run_text(const char **argv, char *out, size_t outlen, int timeout_ms)
{
	struct child_spec s = { .argv = (char *const *)argv,
	    .timeout_ms = timeout_ms, .flags = CHILD_GROUP };
	struct child_text t = { out, outlen, 0 };
	struct child c;
	int st;

	if (outlen > 0)
		out[0] = '\0';
	if ((st = child_run(&c, &s, child_text_line, &t)) < 0)
		return st;
	if (c.timedout)
		return -ETIMEDOUT;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -EINTR;
}

/* `ssh -O op` to the master: ssh's exit status, or -errno. */
static int
ctl_op(const struct remote *r, const char *op, char *out, size_t outlen)
{
	const char *opts[] = { "-o", "ControlMaster=no", "-O", op, NULL };
	const char *argv[REMOTE_ARGMAX];

	if (remote_argv(r, opts, NULL, argv, REMOTE_ARGMAX) < 0)
		return -E2BIG;
	return run_text(argv, out, outlen, OP_MS);
}

int
remote_check(const struct remote *r)
{
	return ctl_op(r, "check", NULL, 0) == 0 ? 0 : -ENOTCONN;
}

/* DIR/host/NAME (the log's) and the control socket's directory. */
static int
make_dirs(struct remote *r, char *why, size_t len)
{
	char d[STATEDIR_PATHMAX], *slash;
	int rc;

	snprintf(d, sizeof(d), "%s", r->log);
	*strrchr(d, '/') = '\0';		/* DIR/host/NAME */
	slash = strrchr(d, '/');
	*slash = '\0';				/* DIR/host */
	if ((rc = statedir_mkdir(d)) != 0)
		return fail(r, rc, why, len, "%s: %s", d, strerror(-rc));
	*slash = '/';
	if ((rc = statedir_mkdir(d)) != 0)
		return fail(r, rc, why, len, "%s: %s", d, strerror(-rc));
	snprintf(d, sizeof(d), "%s", r->ctl);
	*strrchr(d, '/') = '\0';
	if ((rc = statedir_mkdir(d)) != 0)
		return fail(r, rc, why, len, "%s: %s", d, strerror(-rc));
	return 0;
}

/*
 * Waits for the master to answer: 0; -EHOSTUNREACH once it has exited
 * (it could not connect or log in), -ETIMEDOUT, -EINTR.  ssh creates the
 * control socket after logging in; until it is there nothing is asked.
 */
static int
wait_ready(struct remote *r, int timeout_ms)
{
	uint64_t deadline = child_now() + (uint64_t)timeout_ms;
	struct stat st;
	int ms = POLL_MIN_MS, rc;

	for (;;) {
		if ((rc = child_reap(&r->master, false)) != 0)
			return rc < 0 ? rc : -EHOSTUNREACH;
		if (stat(r->ctl, &st) == 0 && S_ISSOCK(st.st_mode) &&
		    remote_check(r) == 0)
			return 0;
		if (child_now() >= deadline)
			return -ETIMEDOUT;
		if (poll(NULL, 0, ms) < 0 && errno == EINTR)
			return -EINTR;
		ms = ms * 2 > POLL_MAX_MS ? POLL_MAX_MS : ms * 2;
	}
}

/*
 * Reaps the master, killing it after grace_ms: 0 once it exited by
 * itself, -ETIMEDOUT when it was killed.  A pid its caller reaped
 * already (ECHILD) counts as exited.  What it started goes with it.
 */
static int
reap_master(struct remote *r, int grace_ms)
{
	uint64_t deadline = child_now() + (uint64_t)grace_ms;
	int rc, ms = POLL_MIN_MS;

	while ((rc = child_reap(&r->master, false)) == 0 &&
	    child_now() < deadline) {
		(void)poll(NULL, 0, ms);
		ms = ms * 2 > POLL_MAX_MS ? POLL_MAX_MS : ms * 2;
	}
	if (rc == 0) {
		child_signal(&r->master, SIGKILL);
		(void)child_reap(&r->master, true);
	}
	if (child_group_alive(&r->master))
		child_signal(&r->master, SIGKILL);
	r->started = false;
	return rc == 0 ? -ETIMEDOUT : 0;
}

/* Why the master did not come up, into why. */
static int
start_failed(struct remote *r, int rc, int timeout_ms, char *why,
    size_t len)
{
	char last[LINE_MAX_];

	(void)reap_master(r, 0);	/* at once, if it has not exited */
	(void)unlink(r->ctl);
	log_line(r, "", last, sizeof(last));
	if (rc == -ETIMEDOUT)
		return fail(r, rc, why, len, "ssh did not log in within %d "
		    "ms%s%s", timeout_ms, last[0] ? ": " : "", last);
	if (rc == -EHOSTUNREACH && last[0] != '\0')
		return fail(r, rc, why, len, "%s", last);
	if (rc == -EHOSTUNREACH)
		return fail(r, rc, why, len, "ssh exited with status %d, "
		    "saying nothing (%s)", WIFEXITED(r->master.status) ?
		    WEXITSTATUS(r->master.status) : -1, r->log);
	return fail(r, rc, why, len, "waiting for ssh: %s", strerror(-rc));
}

int
remote_start(struct remote *r, int timeout_ms, char *why, size_t len)
{
	char tmo[32];
	const char *opts[] = { "-o", "ControlMaster=yes", "-o",
	    "ControlPersist=no", "-o", "ExitOnForwardFailure=yes", "-o",
	    "StreamLocalBindUnlink=yes", "-o", tmo, "-N", NULL };
	const char *argv[REMOTE_ARGMAX];
	struct child_spec s = { .argv = (char *const *)argv, .pipe_fd = 3,
	    .flags = CHILD_GROUP };
	int rc;

	if (r->started)
		return fail(r, -EALREADY, why, len, "its ssh master runs");
	if ((rc = make_dirs(r, why, len)) != 0)
		return rc;
	if (remote_check(r) == 0)
		return fail(r, -EEXIST, why, len, "an ssh master answers at "
		    "%s already (is the lab up?)", r->ctl);
	(void)unlink(r->ctl);			/* a dead master's */
	snprintf(tmo, sizeof(tmo), "ConnectTimeout=%d",
	    timeout_ms < 2000 ? 1 : timeout_ms / 1000);
	(void)remote_argv(r, opts, NULL, argv, REMOTE_ARGMAX);
	if ((s.out_fd = open(r->log, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0600)) < 0)
		return fail(r, -errno, why, len, "%s: %s", r->log,
		    strerror(errno));
	rc = child_start(&r->master, &s);
	close(s.out_fd);
	if (rc != 0)
		return fail(r, rc, why, len, "cannot run ssh: %s",
		    strerror(-rc));
	child_close(&r->master);	/* its output goes to the log */
	r->started = true;
	if ((rc = wait_ready(r, timeout_ms)) != 0)
		return start_failed(r, rc, timeout_ms, why, len);
	return 0;
}

int
remote_stop(struct remote *r, char *why, size_t len)
{
	struct stat st;
	int rc = 0, i;

	/* One a process before us left (its supervisor killed) is asked
	 * to leave too; only ours can be waited for. */
	if (r->started || (lstat(r->ctl, &st) == 0 && S_ISSOCK(st.st_mode)))
		(void)ctl_op(r, "exit", NULL, 0);
	if (r->started)
		rc = reap_master(r, STOP_GRACE_MS);
	(void)unlink(r->ctl);
	for (i = 0; i < r->nfwd; i++) {
		(void)unlink(r->fwd[i]);
		free(r->fwd[i]);
	}
	free(r->fwd);
	r->fwd = NULL;
	r->nfwd = r->capfwd = 0;
	if (rc != 0)
		return fail(r, rc, why, len, "ssh did not leave within %d ms "
		    "of -O exit, and was killed", STOP_GRACE_MS);
	return 0;
}

/* Is p a socket path both ends of a -L can hold?  0, or -errno. */
static int
fwd_path_ok(const struct remote *r, const char *p, char *why, size_t len)
{
	if (p[0] != '/')
		return fail(r, -EINVAL, why, len, "socket %s: not an absolute "
		    "path", p);
	if (strlen(p) > REMOTE_SOCKMAX)
		return fail(r, -ENAMETOOLONG, why, len, "socket %s: longer "
		    "than a socket's path may be (%d bytes)", p,
		    REMOTE_SOCKMAX);
	if (strchr(p, ':') != NULL)
		return fail(r, -EINVAL, why, len, "socket %s: ssh -L cannot "
		    "forward a path with ':'", p);
	return 0;
}

/* Keeps the local socket's path, for remote_stop() to remove. */
static int
keep_fwd(struct remote *r, const char *p)
{
	char **n;
	int cap;

	if (r->nfwd == r->capfwd) {
		cap = r->capfwd ? 2 * r->capfwd : 64;
		if ((n = realloc(r->fwd, (size_t)cap * sizeof(*n))) == NULL)
			return -ENOMEM;
		r->fwd = n;
		r->capfwd = cap;
	}
	if ((r->fwd[r->nfwd] = strdup(p)) == NULL)
		return -ENOMEM;
	r->nfwd++;
	return 0;
}

/* One `ssh -O forward -L L:R ...` of n forwards (n <= the batch). */
static int
forward_batch(struct remote *r, const char *const *local,
    const char *const *remote, int n, char *why, size_t len)
{
	const char *opts[2 * REMOTE_FWD_BATCH + 8];
	const char *argv[REMOTE_ARGMAX + 2 * REMOTE_FWD_BATCH];
	char (*spec)[2 * REMOTE_SOCKMAX + 2], out[1024], last[LINE_MAX_];
	int i, no = 0, rc;

	if ((spec = calloc((size_t)n, sizeof(*spec))) == NULL)
		return fail(r, -ENOMEM, why, len, "%s", strerror(ENOMEM));
	opts[no++] = "-o";
	opts[no++] = "ControlMaster=no";
	opts[no++] = "-O";
	opts[no++] = "forward";
	for (i = 0; i < n; i++) {
		snprintf(spec[i], sizeof(spec[i]), "%s:%s", local[i],
		    remote[i]);
		opts[no++] = "-L";
		opts[no++] = spec[i];
		if ((rc = keep_fwd(r, local[i])) != 0) {
			free(spec);
			return fail(r, rc, why, len, "%s", strerror(-rc));
		}
	}
	opts[no] = NULL;
	(void)remote_argv(r, opts, NULL, argv, REMOTE_ARGMAX + no);
	rc = run_text(argv, out, sizeof(out), FORWARD_MS);
	free(spec);
	if (rc == 0)
		return 0;
	last_line(out, last, sizeof(last));
	if (rc > 0)
		return fail(r, -EIO, why, len, "forwarding %d sockets (%s, "
		    "...): %s", n, local[0], last[0] ? last : "ssh failed");
	return fail(r, rc, why, len, "forwarding %d sockets (%s, ...): %s",
	    n, local[0], strerror(-rc));
}

void
remote_adopt(struct remote *r, pid_t master)
{
	memset(&r->master, 0, sizeof(r->master));
	r->master.pid = master;
	r->master.fd = -1;
	r->started = master > 0;
}

int
remote_forward(struct remote *r, const char *const *local,
    const char *const *remote, int n, char *why, size_t len)
{
	int i, k, rc;

	if (!r->started)
		return fail(r, -ENOTCONN, why, len, "its ssh master is not "
		    "running");
	for (i = 0; i < n; i++)
		if ((rc = fwd_path_ok(r, local[i], why, len)) != 0 ||
		    (rc = fwd_path_ok(r, remote[i], why, len)) != 0)
			return rc;
	for (i = 0; i < n; i += k) {
		k = n - i < REMOTE_FWD_BATCH ? n - i : REMOTE_FWD_BATCH;
		if ((rc = forward_batch(r, local + i, remote + i, k, why,
		    len)) != 0)
			return rc;
	}
	return 0;
}

/* The ssh command line running words there through the master, its
 * command string in *cmd (free it).  argc, or -errno. */
static int
run_argv(const struct remote *r, char *const *words, const char **argv,
    char **cmd)
{
	static const char *const opts[] = { "-o", "ControlMaster=no", "-T",
	    NULL };
	int n;

	if ((*cmd = quoted(words)) == NULL)
		return -ENOMEM;
	if ((n = remote_argv(r, opts, *cmd, argv, REMOTE_ARGMAX)) < 0) {
		free(*cmd);
		*cmd = NULL;
	}
	return n;
}

/* fd as a descriptor past 2 of its own (-1: /dev/null), or -errno. */
static int
high_fd(int fd, int flags)
{
	int d;

	if (fd < 0)
		d = open("/dev/null", flags | O_CLOEXEC);
	else
		d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (d >= 0 && d < 3) {		/* 0-2 were closed */
		fd = fcntl(d, F_DUPFD_CLOEXEC, 3);
		close(d);
		d = fd;
	}
	return d < 0 ? -errno : d;
}

int
remote_run(const struct remote *r, char *const *words, int in, int out,
    int err)
{
	const char *argv[REMOTE_ARGMAX];
	struct child_fd fds[3] = { { -1, 0 }, { -1, 1 }, { -1, 2 } };
	struct child_spec s = { .argv = (char *const *)argv, .fds = fds,
	    .nfds = 3 };
	struct child c;
	char *cmd;
	int rc, i;

	if ((rc = run_argv(r, words, argv, &cmd)) < 0)
		return rc;
	fds[0].from = high_fd(in, O_RDONLY);
	fds[1].from = high_fd(out, O_WRONLY);
	fds[2].from = high_fd(err, O_WRONLY);
	rc = 0;
	for (i = 0; i < 3; i++)
		if (fds[i].from < 0)
			rc = fds[i].from;
	/* Its 0-2 are the fds: it holds no end of the pipe. */
	if (rc == 0 && (rc = child_start(&c, &s)) == 0) {
		child_close(&c);
		rc = child_reap(&c, true);
	}
	for (i = 0; i < 3; i++)
		if (fds[i].from >= 0)
			close(fds[i].from);
	free(cmd);
	if (rc < 0)
		return rc;
	return WIFEXITED(c.status) ? WEXITSTATUS(c.status) : -EINTR;
}

int
remote_capture(const struct remote *r, char *const *words, char *out,
    size_t outlen, int timeout_ms)
{
	const char *argv[REMOTE_ARGMAX];
	char *cmd;
	int rc;

	if ((rc = run_argv(r, words, argv, &cmd)) < 0)
		return rc;
	rc = run_text(argv, out, outlen, timeout_ms);
	free(cmd);
	return rc;
}

/* Why `PROG ARG` there ended with st (not 0): -errno and why. */
static int
run_failed(struct remote *r, int st, const char *prog, const char *arg,
    const char *out, char *why, size_t len)
{
	char last[LINE_MAX_];

	last_line(out, last, sizeof(last));
	if (st == -ETIMEDOUT)
		return fail(r, st, why, len, "%s %s: no answer", prog, arg);
	if (st < 0)
		return fail(r, st, why, len, "%s %s: %s", prog, arg,
		    strerror(-st));
	if (st == 127)
		return fail(r, -ENOENT, why, len, "%s: not found there: set "
		    "hosts.%s.rumplab to its path there", prog,
		    r->host->name);
	if (st == 126)
		return fail(r, -EACCES, why, len, "%s: cannot be run there "
		    "(%s)", prog, last);
	if (st == 255)
		return fail(r, -EHOSTUNREACH, why, len, "%s", last[0] ? last :
		    "ssh failed");
	return fail(r, -EPROTO, why, len, "%s %s failed (exit %d)%s%s", prog,
	    arg, st, last[0] ? ": " : "", last);
}

/* `PROG --version` is "rumplab (rumplab) VERSION", and ours. */
static int
check_version(struct remote *r, const char *prog, int timeout_ms,
    char *why, size_t len)
{
	char *words[] = { (char *)prog, "--version", NULL };
	char out[1024], ver[64], last[LINE_MAX_];
	int st;

	st = remote_capture(r, words, out, sizeof(out), timeout_ms);
	if (st != 0)
		return run_failed(r, st, prog, "--version", out, why, len);
	if (sscanf(out, "rumplab (rumplab) %63s", ver) != 1) {
		last_line(out, last, sizeof(last));
		return fail(r, -EPROTO, why, len, "%s --version says '%s': "
		    "not rumplab: set hosts.%s.rumplab to rumplab's path "
		    "there", prog, last, r->host->name);
	}
	if (strcmp(ver, RUMPLAB_VERSION) != 0)
		return fail(r, -EPROTO, why, len, "%s is rumplab %s, this is "
		    "rumplab %s: every host needs the same version", prog,
		    ver, RUMPLAB_VERSION);
	return 0;
}

int
remote_down_part(const struct remote *r, const char *lab, int timeout_ms,
    char *why, size_t len)
{
	char name[2 * LAB_NAME_MAX + 2], said[512];
	char *words[] = { (char *)r->host->rumplab, "down", name, NULL };
	int st;

	snprintf(name, sizeof(name), "%s@%s", lab, r->host->name);
	if ((st = remote_capture(r, words, said, sizeof(said),
	    timeout_ms)) == 0)
		return 0;
	said[strcspn(said, "\n")] = '\0';
	snprintf(why, len, "%s", st < 0 ? strerror(-st) : said);
	return -EHOSTUNREACH;
}

int
remote_preflight(struct remote *r, int timeout_ms, char *why, size_t len)
{
	const char *prog = r->host->rumplab;	/* the loader's default */
	char *words[] = { (char *)prog, "rundir", "--check", NULL };
	char out[1024], last[LINE_MAX_];
	int st;

	if (!r->started)
		return fail(r, -ENOTCONN, why, len, "its ssh master is not "
		    "running");
	if ((st = check_version(r, prog, timeout_ms, why, len)) != 0)
		return st;
	st = remote_capture(r, words, out, sizeof(out), timeout_ms);
	if (st == 1) {
		last_line(out, last, sizeof(last));
		return fail(r, -EACCES, why, len, "%s", last);
	}
	if (st != 0)
		return run_failed(r, st, prog, "rundir --check", out, why,
		    len);
	out[strcspn(out, "\n")] = '\0';
	if (out[0] != '/' || strlen(out) >= sizeof(r->root))
		return fail(r, -EPROTO, why, len, "%s rundir says '%.*s', "
		    "not a directory", prog, LINE_MAX_, out);
	memcpy(r->root, out, strlen(out) + 1);
	return 0;
}
