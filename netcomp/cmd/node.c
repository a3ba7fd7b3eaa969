/*
 * node.c — shared by the rump.* network commands: the node connection,
 * error text, the clock and command-line number parsing (see node.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/node.h"

int
node_attach(void)
{
	if (rumpclient_init() != 0)
		return -errno;
	return 0;
}

int
node_neigh_fetch(int family, struct rump_neigh **v, int *n)
{
	struct rump_neigh *b = NULL;
	int max = 0, k;

	/* The table may grow between the calls: ask until it fits. */
	for (;;) {
		if ((k = rump_sys_neigh_list(family, b, max)) < 0) {
			k = -errno;
			free(b);
			return k;
		}
		if (k <= max)
			break;
		free(b);
		max = k + 64;
		if ((b = calloc((size_t)max, sizeof(*b))) == NULL)
			return -ENOMEM;
	}
	*v = b;
	*n = k;
	return 0;
}

const char *
node_strerror(int err, char *buf, size_t len)
{
	const char *d = rumpclient_lastdetail();
	const char *s = strerror(err < 0 ? -err : err);

	if (d != NULL && d[0] != '\0' && strcmp(d, s) != 0)
		snprintf(buf, len, "%s", d);
	else
		snprintf(buf, len, "%s", s);
	return buf;
}

int
node_detach(const char *logfile)
{
	uint8_t cookie[RUMPCLIENT_COOKIELEN];
	int nul, log;
	pid_t pid;

	if ((nul = open("/dev/null", O_RDWR)) < 0)
		return -errno;
	log = logfile ? open(logfile, O_WRONLY | O_APPEND | O_CREAT, 0644) :
	    dup(nul);
	if (log < 0 || rumpclient_prefork(cookie) != 0 || (pid = fork()) < 0) {
		int e = errno;

		close(nul);
		if (log >= 0)
			close(log);
		return -e;
	}
	if (pid > 0)
		_exit(0);
	rumpclient_fork_child(cookie);
	(void)setsid();
	dup2(nul, 0);
	dup2(nul, 1);
	dup2(log, 2);
	close(nul);
	close(log);
	return 0;
}

void
node_logf(const char *prog, const char *fmt, ...)
{
	char ts[32];
	struct timespec now;
	struct tm tm;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &now);
	localtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %s: ", ts, now.tv_nsec / 1000000, prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int
parse_duration(const char *s, double max_s, uint64_t *ns)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0 || !isfinite(v) || v < 0)
		return -EINVAL;
	if (strcmp(end, "ms") == 0)
		v /= 1000;
	else if (strcmp(end, "us") == 0)
		v /= 1e6;
	else if (strcmp(end, "s") != 0 && *end != '\0')
		return -EINVAL;
	if (v > max_s)
		return -ERANGE;
	*ns = (uint64_t)llround(v * 1e9);
	return 0;
}

int
parse_long(const char *s, long min, long max, long *v)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0)
		return -EINVAL;
	if (n < min || n > max)
		return -ERANGE;
	*v = n;
	return 0;
}

int
parse_size(const char *s, uint64_t max, uint64_t *v)
{
	unsigned long long n;
	uint64_t mul = 1;
	char *end;

	if (*s == '-' || *s == '\0')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (end == s || errno != 0)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': mul = 1ull << 10; end++; break;
	case 'm': case 'M': mul = 1ull << 20; end++; break;
	case 'g': case 'G': mul = 1ull << 30; end++; break;
	default: break;
	}
	if (*end != '\0')
		return -EINVAL;
	if (n > max / mul)
		return -ERANGE;
	*v = (uint64_t)n * mul;
	return 0;
}
