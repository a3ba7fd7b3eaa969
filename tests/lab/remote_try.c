/*
 * remote_try.c — drives lab/remote.c step by step for
 * tests/run/24-remote-ssh.t, against the test's own sshd:
 *
 *	remote_try [-F SSH_CONFIG] [-p PORT] [-r RUMPLAB] [-t MS]
 *	    DIR NAME DEST STEP [:: STEP]...
 *
 * host NAME at DEST, the lab's state directory DIR.  Steps:
 *	start			remote_start() (timeout -t, 10 s)
 *	check			remote_check()
 *	preflight		remote_preflight(); says "root DIR"
 *	forward L R [L R]...	remote_forward() of those pairs
 *	forward-many N LD RD	LD/0..N-1 to RD/0..N-1; says the time
 *	run WORD...		remote_run(): input /dev/null, our 1 and 2
 *	runin FILE WORD...	the same with FILE as its input
 *	local CMD...		CMD here (while the master runs)
 *	stop			remote_stop()
 * Each says "STEP: ok" or "STEP: error NAME: REASON" on stdout; the
 * first error ends the run (the master is stopped) with exit 1.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/remote.h"

extern char **environ;

static int timeout_ms = 10000;

/* The words of one step: argv[*i] up to "::" (made NULL). */
static char **
step_words(int argc, char **argv, int *i, int *n)
{
	char **w = argv + *i;

	for (*n = 0; *i < argc && strcmp(argv[*i], "::") != 0; (*i)++)
		(*n)++;
	if (*i < argc)
		argv[(*i)++] = NULL;
	return w;
}

static int
forward_many(struct remote *r, char **w, int n, char *why, size_t len)
{
	char (*paths)[STATEDIR_PATHMAX];
	const char **l, **rm;
	uint64_t t0;
	int k, i, rc;

	if (n != 4 || (k = atoi(w[1])) <= 0)
		return -EINVAL;
	paths = calloc(2 * (size_t)k, sizeof(*paths));
	l = calloc((size_t)k, sizeof(*l));
	rm = calloc((size_t)k, sizeof(*rm));
	if (paths == NULL || l == NULL || rm == NULL)
		return -ENOMEM;
	for (i = 0; i < k; i++) {
		snprintf(paths[2 * i], sizeof(paths[0]), "%s/%d", w[2], i);
		snprintf(paths[2 * i + 1], sizeof(paths[0]), "%s/%d", w[3], i);
		l[i] = paths[2 * i];
		rm[i] = paths[2 * i + 1];
	}
	t0 = child_now();
	rc = remote_forward(r, l, rm, k, why, len);
	if (rc == 0)
		printf("forwarded %d sockets in %llu ms\n", k,
		    (unsigned long long)(child_now() - t0));
	free(paths);
	free(l);
	free(rm);
	return rc;
}

/* forward L R [L R]...: pairs as they are given (at most 64). */
static int
forward(struct remote *r, char **w, int n, char *why, size_t len)
{
	const char *l[64], *rm[64];
	int k = 0, i;

	if (n < 3 || n % 2 == 0 || n > 129)
		return -EINVAL;
	for (i = 1; i < n; i += 2, k++) {
		l[k] = w[i];
		rm[k] = w[i + 1];
	}
	return remote_forward(r, l, rm, k, why, len);
}

static int
local(char **w)
{
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, w[1], NULL, NULL, w + 1, environ) != 0)
		return -errno;
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	printf("local exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}

static int
run(struct remote *r, int in, char **words)
{
	int rc;

	if ((rc = remote_run(r, words, in, 1, 2)) >= 0)
		printf("exit %d\n", rc);
	return rc < 0 ? rc : 0;
}

static int
step(struct remote *r, char **w, int n, char *why, size_t len)
{
	int rc, fd;

	why[0] = '\0';
	fflush(stdout);
	if (strcmp(w[0], "start") == 0)
		return remote_start(r, timeout_ms, why, len);
	if (strcmp(w[0], "check") == 0)
		return remote_check(r);
	if (strcmp(w[0], "preflight") == 0) {
		if ((rc = remote_preflight(r, timeout_ms, why, len)) == 0)
			printf("root %s\n", r->root);
		return rc;
	}
	if (strcmp(w[0], "forward") == 0)
		return forward(r, w, n, why, len);
	if (strcmp(w[0], "forward-many") == 0)
		return forward_many(r, w, n, why, len);
	if (strcmp(w[0], "run") == 0 && n > 1)
		return run(r, -1, w + 1);
	if (strcmp(w[0], "runin") == 0 && n > 2) {
		if ((fd = open(w[1], O_RDONLY | O_CLOEXEC)) < 0)
			return -errno;
		rc = run(r, fd, w + 2);
		close(fd);
		return rc;
	}
	if (strcmp(w[0], "local") == 0 && n > 1)
		return local(w);
	if (strcmp(w[0], "stop") == 0)
		return remote_stop(r, why, len);
	return -EINVAL;
}

int
main(int argc, char **argv)
{
	struct lab_host h = { .rumplab = "rumplab" };
	char why[REMOTE_WHYMAX], **w;
	struct remote r;
	int c, i, n, rc;

	while ((c = getopt(argc, argv, "+F:p:r:t:")) != -1)
		switch (c) {
		case 'F': h.ssh_config = optarg; break;
		case 'p': h.port = (unsigned)atoi(optarg); break;
		case 'r': h.rumplab = optarg; break;
		case 't': timeout_ms = atoi(optarg); break;
		default: return 2;
		}
	if (argc - optind < 4) {
		fprintf(stderr, "usage: remote_try [-F CONFIG] [-p PORT] "
		    "[-r RUMPLAB] [-t MS] DIR NAME DEST STEP [:: STEP]...\n");
		return 2;
	}
	h.name = argv[optind + 1];
	h.ssh = argv[optind + 2];
	rc = remote_init(&r, &h, argv[optind], why, sizeof(why));
	printf("init: %s%s\n", rc == 0 ? "ok" : rc > 0 ? "note: " :
	    "error: ", rc == 0 ? "" : why);
	if (rc < 0)
		return 1;
	for (i = optind + 3; i < argc; ) {
		w = step_words(argc, argv, &i, &n);
		if (n == 0)
			continue;
		rc = step(&r, w, n, why, sizeof(why));
		if (rc != 0) {
			printf("%s: error %s: %s\n", w[0], strerrorname_np(-rc),
			    why);
			(void)remote_stop(&r, why, sizeof(why));
			return 1;
		}
		printf("%s: ok\n", w[0]);
	}
	(void)remote_stop(&r, why, sizeof(why));
	return 0;
}
