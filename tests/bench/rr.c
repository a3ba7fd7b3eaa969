/*
 * rr.c — a TCP request/response loop for `make bench`, one source built
 * twice: rr (the C library's sockets: run it under librumphijack.so, as
 * any unmodified program) and rr_rump (the same calls as librumpclient's
 * rump_sys_*: the project's own clients).  The two figures side by side
 * are what the hijack adds to a round trip.
 *
 *   rr -s PORT           accept one connection, echo until it ends
 *   rr -c ADDR PORT N    N round trips of 64 bytes: min, median, p99 (us)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifdef RR_RUMPCLIENT
#include "kernel/rumpclient.h"
#define socket rump_sys_socket
#define bind rump_sys_bind
#define listen rump_sys_listen
#define accept rump_sys_accept
#define connect rump_sys_connect
#define read rump_sys_read
#define write rump_sys_write
#define close rump_sys_close
#define setsockopt rump_sys_setsockopt
#endif

#define LEN 64

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static int
full(int fd, char *buf, int n, int rd)
{
	int off = 0, r;

	while (off < n) {
		r = rd ? (int)read(fd, buf + off, (size_t)(n - off)) :
		    (int)write(fd, buf + off, (size_t)(n - off));
		if (r <= 0)
			return -1;
		off += r;
	}
	return 0;
}

static int
server(int port)
{
	struct sockaddr_in sin;
	char buf[LEN];
	int l, c, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if ((l = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(l, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(l, 1) != 0) {
		perror("rr: listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	if ((c = accept(l, NULL, NULL)) < 0)
		return 1;
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	while (full(c, buf, LEN, 1) == 0 && full(c, buf, LEN, 0) == 0)
		;
	close(c);
	close(l);
	return 0;
}

static int
client(const char *addr, int port, int n)
{
	struct sockaddr_in sin;
	long long *t, t0;
	char buf[LEN];
	int s, i, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	if ((t = calloc((size_t)n, sizeof(*t))) == NULL ||
	    (s = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(s, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		perror("rr: connect");
		return 1;
	}
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	memset(buf, 'r', sizeof(buf));
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		if (full(s, buf, LEN, 0) != 0 || full(s, buf, LEN, 1) != 0) {
			perror("rr: round trip");
			return 1;
		}
		t[i] = now_ns() - t0;
	}
	close(s);
	qsort(t, (size_t)n, sizeof(*t), cmp);
	printf("%d round trips of %d bytes: min %lld us, median %lld us, "
	    "p99 %lld us\n", n, LEN, t[0] / 1000, t[n / 2] / 1000,
	    t[n * 99 / 100] / 1000);
	free(t);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "-s") == 0)
		return server(atoi(argv[2]));
	if (argc == 5 && strcmp(argv[1], "-c") == 0)
		return client(argv[2], atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr, "usage: rr -s PORT | rr -c ADDR PORT N\n");
	return 2;
}
