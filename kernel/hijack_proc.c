/*
 * hijack_proc.c — librumphijack across fork and exec.
 *
 * fork: the child inherits the placeholders (the host does that) and must
 * inherit the node descriptors behind them and the node's working
 * directory: before forking, the node copies this process's descriptor
 * table and directory under a cookie (FORK), and the child's first call
 * to the node JOINs that copy, so its node descriptors are its parent's,
 * with the same numbers.  vfork is a fork
 * here (the child may call this library, which a vfork child must not).
 *
 * exec: the new image loads this library again (LD_PRELOAD is in its
 * environment) but knows nothing of the old one's table.  The exec
 * wrappers put in the environment they pass a variable,
 *     RUMPHIJACK__INHERIT=COOKIE keep=H:N,... drop=N,... [cwd=PATH]
 * naming a copy of the table (a FORK cookie, or "-" when no node
 * descriptor survives), the placeholders that survive the exec (H, not
 * close-on-exec) with their node descriptors, the node descriptors whose
 * placeholders do not (close-on-exec: the new process closes them in the
 * node), and the working directory when it is the node's (to the end of
 * the string: a path may hold spaces).  The new image takes it at
 * start (hj_inherit) and removes it from its environment.  posix_spawn
 * gets the same variable in the environment it passes.  glibc's own
 * system() and popen() spawn without these wrappers: their children run
 * hijacked (LD_PRELOAD) but without the parent's node descriptors.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/hijack.h"
#include "kernel/rumpclient.h"

#define INHERIT_VAR "RUMPHIJACK__INHERIT"

extern char **environ;

pid_t
fork(void)
{
	uint8_t cookie[RUMPCLIENT_COOKIELEN];
	int have;
	pid_t pid;

	HJ_INIT();
	/* The child needs the node's copy for its descriptors, and for the
	 * working directory when that is the node's. */
	have = (hj_count() > 0 || hj_cwd_node(NULL, 0)) &&
	    rumpclient_prefork(cookie) == 0;
	pid = hj_real.fork();
	if (pid == 0 && have)
		rumpclient_fork_child(cookie);
	return pid;
}

pid_t
vfork(void)
{
	return fork();
}

/*
 * The exec variable.
 */
struct buf {
	char  *s;
	size_t len, cap;
};

static void
buf_add(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *ns;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->s == NULL && b->cap == (size_t)-1)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->len + (size_t)n + 1) * 2;

		if ((ns = realloc(b->s, cap)) == NULL) {
			free(b->s);
			b->s = NULL;
			b->cap = (size_t)-1;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

struct sort {
	struct buf keep, drop;
	int nkeep;
};

static void
sort_one(int fd, int nodefd, void *arg)
{
	struct sort *so = arg;
	int fl = hj_real.fcntl(fd, F_GETFD);

	if (fl >= 0 && !(fl & FD_CLOEXEC)) {
		buf_add(&so->keep, "%s%d:%d", so->nkeep ? "," : "", fd, nodefd);
		so->nkeep++;
	} else
		buf_add(&so->drop, "%s%d", so->drop.len ? "," : "", nodefd);
}

/* "RUMPHIJACK__INHERIT=..." for a new image, or NULL when it keeps no
 * node descriptor and its working directory is the host's (then nothing
 * is copied: the node closes this process's descriptors when its
 * connection goes at exec). */
static char *
inherit_var(void)
{
	uint8_t cookie[RUMPCLIENT_COOKIELEN];
	char cwd[PATH_MAX];
	struct sort so;
	struct buf out = { NULL, 0, 0 };
	int i, incwd;

	memset(&so, 0, sizeof(so));
	incwd = hj_cwd_node(cwd, sizeof(cwd));
	if (hj_count() > 0)
		hj_each(0, INT_MAX, sort_one, &so);
	if (so.nkeep > 0 && rumpclient_prefork(cookie) != 0)
		so.nkeep = 0;           /* the node says no: none kept */
	if (so.nkeep == 0 && !incwd) {
		free(so.keep.s);
		free(so.drop.s);
		return NULL;
	}
	buf_add(&out, INHERIT_VAR "=");
	for (i = 0; i < RUMPCLIENT_COOKIELEN && so.nkeep > 0; i++)
		buf_add(&out, "%02x", cookie[i]);
	buf_add(&out, "%s keep=%s drop=%s", so.nkeep > 0 ? "" : "-",
	    so.nkeep > 0 ? so.keep.s : "", so.nkeep > 0 && so.drop.s ?
	    so.drop.s : "");
	if (incwd)
		buf_add(&out, " cwd=%s", cwd);
	free(so.keep.s);
	free(so.drop.s);
	return out.s;
}

char **
hj_exec_env(char *const envp[])
{
	char **env, *var = inherit_var();
	size_t n = 0, k = 0, i;

	while (envp != NULL && envp[n] != NULL)
		n++;
	if ((env = calloc(n + 2, sizeof(*env))) == NULL) {
		free(var);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (strncmp(envp[i], INHERIT_VAR "=", strlen(INHERIT_VAR) + 1))
			env[k++] = envp[i];
	if (var != NULL)
		env[k++] = var;         /* freed by hj_env_free */
	env[k] = NULL;
	return env;
}

void
hj_env_free(char **env)
{
	size_t i;

	if (env == NULL)
		return;
	for (i = 0; env[i] != NULL; i++)
		if (strncmp(env[i], INHERIT_VAR "=", strlen(INHERIT_VAR) + 1)
		    == 0)
			free(env[i]);
	free(env);
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : -1;
}

/* The placeholder survived the exec: an O_PATH descriptor still. */
static int
placeholder(int fd)
{
	int fl = hj_real.fcntl(fd, F_GETFL);

	return fl >= 0 && (fl & O_PATH);
}

/*
 * At start: the node descriptors the program that exec'ed us kept.  The
 * first node call JOINs the copy; descriptors that did not survive are
 * closed in the node at once (which makes that call now).
 */
void
hj_inherit(void)
{
	uint8_t cookie[RUMPCLIENT_COOKIELEN];
	const char *v = getenv(INHERIT_VAR), *p;
	char *end;
	long h, n;
	int i;

	if (v == NULL)
		return;
	for (i = 0; v[0] != '-' && i < RUMPCLIENT_COOKIELEN; i++) {
		if (hexval(v[2 * i]) < 0 || hexval(v[2 * i + 1]) < 0)
			goto bad;
		cookie[i] = (uint8_t)(hexval(v[2 * i]) << 4 |
		    hexval(v[2 * i + 1]));
	}
	if ((p = strstr(v, " keep=")) == NULL)
		goto bad;
	if (v[0] != '-')
		rumpclient_fork_child(cookie);
	for (p += 6; *p != '\0' && *p != ' '; p = *end == ',' ? end + 1 : end) {
		h = strtol(p, &end, 10);
		if (*end != ':')
			goto bad;
		n = strtol(end + 1, &end, 10);
		if (h >= 0 && h < INT_MAX && n >= 0 && placeholder((int)h))
			hj_map((int)h, (int)n);
		else if (n >= 0)
			rump_sys_close((int)n);
	}
	if ((p = strstr(p, " drop=")) != NULL)
		for (p += 6; *p >= '0' && *p <= '9';
		    p = *end == ',' ? end + 1 : end) {
			n = strtol(p, &end, 10);
			rump_sys_close((int)n);
		}
	if ((p = strstr(v, " cwd=")) != NULL)
		hj_cwd_inherit(p + 5);
	unsetenv(INHERIT_VAR);
	for (i = 0; i <= 2; i++)
		hj_stdio_sync(i);
	return;
bad:
	hj_say_once(HJ_SAY_NODE, INHERIT_VAR " is malformed; the node "
	    "descriptors of the program that started this one are lost");
	unsetenv(INHERIT_VAR);
}

/*
 * exec.
 */
int
execve(const char *path, char *const argv[], char *const envp[])
{
	char **env;
	int r, error;

	HJ_INIT();
	if (hj_count() == 0 && !hj_cwd_node(NULL, 0))
		return hj_real.execve(path, argv, envp);
	/* Not even a file to run: no copy of the table for nothing. */
	if (access(path, X_OK) != 0)
		return -1;
	if ((env = hj_exec_env(envp)) == NULL)
		return -1;
	r = hj_real.execve(path, argv, env);
	error = errno;
	hj_env_free(env);
	errno = error;
	return r;
}

int
execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

/* PATH search as execvp(3) does it, each candidate through execve. */
int
execvpe(const char *file, char *const argv[], char *const envp[])
{
	const char *path, *p, *colon;
	char full[PATH_MAX];
	int got_eacces = 0;
	size_t len;

	if (*file == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (strchr(file, '/') != NULL)
		return execve(file, argv, envp);
	if ((path = getenv("PATH")) == NULL)
		path = "/bin:/usr/bin";
	for (p = path; ; p = colon + 1) {
		colon = strchr(p, ':');
		len = colon != NULL ? (size_t)(colon - p) : strlen(p);
		if (snprintf(full, sizeof(full), "%.*s%s%s", (int)len, p,
		    len > 0 ? "/" : "", file) < (int)sizeof(full)) {
			execve(full, argv, envp);
			if (errno == EACCES)
				got_eacces = 1;
			else if (errno != ENOENT && errno != ENOTDIR &&
			    errno != ESTALE && errno != ENODEV &&
			    errno != ETIMEDOUT)
				return -1;
		}
		if (colon == NULL)
			break;
	}
	errno = got_eacces ? EACCES : ENOENT;
	return -1;
}

int
execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

/* The variadic forms: their arguments as an argv (and envp after it). */
static char **
va_argv(const char *arg0, va_list ap, char ***envp)
{
	va_list aq;
	char **argv;
	size_t n = 1, i;

	va_copy(aq, ap);
	while (va_arg(aq, char *) != NULL)
		n++;
	va_end(aq);
	if ((argv = calloc(n + 1, sizeof(*argv))) == NULL)
		return NULL;
	argv[0] = (char *)arg0;
	for (i = 1; i < n; i++)
		argv[i] = va_arg(ap, char *);
	(void)va_arg(ap, char *);
	if (envp != NULL)
		*envp = va_arg(ap, char **);
	return argv;
}

int
execl(const char *path, const char *arg0, ...)
{
	va_list ap;
	char **argv;
	int r;

	va_start(ap, arg0);
	argv = va_argv(arg0, ap, NULL);
	va_end(ap);
	if (argv == NULL)
		return -1;
	r = execve(path, argv, environ);
	free(argv);
	return r;
}

int
execlp(const char *file, const char *arg0, ...)
{
	va_list ap;
	char **argv;
	int r;

	va_start(ap, arg0);
	argv = va_argv(arg0, ap, NULL);
	va_end(ap);
	if (argv == NULL)
		return -1;
	r = execvpe(file, argv, environ);
	free(argv);
	return r;
}

int
execle(const char *path, const char *arg0, ...)
{
	va_list ap;
	char **argv, **envp = NULL;
	int r;

	va_start(ap, arg0);
	argv = va_argv(arg0, ap, &envp);
	va_end(ap);
	if (argv == NULL)
		return -1;
	r = execve(path, argv, envp);
	free(argv);
	return r;
}

/*
 * posix_spawn: the same variable in the environment passed.
 */
static int
spawn(int p, pid_t *pid, const char *path,
    const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
    char *const argv[], char *const envp[])
{
	char **env;
	int r;

	HJ_INIT();
	if (hj_count() == 0 && !hj_cwd_node(NULL, 0))
		return (p ? hj_real.posix_spawnp : hj_real.posix_spawn)(pid,
		    path, fa, attr, argv, envp);
	if ((env = hj_exec_env(envp)) == NULL)
		return errno;
	r = (p ? hj_real.posix_spawnp : hj_real.posix_spawn)(pid, path, fa,
	    attr, argv, env);
	hj_env_free(env);
	return r;
}

int
posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
    const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	return spawn(0, pid, path, fa, attr, argv, envp);
}

int
posix_spawnp(pid_t *pid, const char *file,
    const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
    char *const argv[], char *const envp[])
{
	return spawn(1, pid, file, fa, attr, argv, envp);
}
