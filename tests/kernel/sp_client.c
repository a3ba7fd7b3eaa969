/*
 * sp_client.c — a test client of a node (rump_server -l rumpnet_sockin)
 * used by tests/run/31-rump-server.t.  Each subcommand proves one thing
 * and exits 0 when it holds, 1 (with a reason on stderr) when it does not.
 * Only loopback addresses and unix sockets are used.
 *
 *   echo            TCP echo through the node, node-to-node and host-to-node
 *   concurrent      a thread blocked in accept stalls neither another
 *                   thread of this client nor another client
 *   fds             descriptor semantics: lowest free, dup, close, fcntl,
 *                   poll (POLLNVAL), EBADF, sockopts, names
 *   udp             datagrams with addresses, sendmsg/recvmsg
 *   big             a 3 MiB transfer in both directions
 *   nbfill          a non-blocking writer fills a connection: the reader
 *                   gets exactly the bytes the writes reported, in order
 *   stress          16 threads of mixed calls on the one connection
 *   hostile PATH    garbage, truncated, oversized and unknown frames on raw
 *                   connections to unix socket PATH; each is closed while
 *                   this client's own connection keeps working
 *   abort PORTFILE  block in accept and recv, write the listening port and
 *                   our pid to PORTFILE, then wait to be killed
 *   noserver        calls fail with EHOSTDOWN and a reason
 *   sysctl get NAME | sysctl set NAME VALUE | sysctl list | dmesg | reboot
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/rumpclient.h"

#define FAIL(...) do { fprintf(stderr, "sp_client: " __VA_ARGS__); \
	fprintf(stderr, " (%s:%d)\n", __func__, __LINE__); exit(1); } while (0)
#define CHECK(c) do { if (!(c)) FAIL("check failed: %s: %s", #c, \
	strerror(errno)); } while (0)

static struct sockaddr_in
loopback(uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

/* A node socket listening on 127.0.0.1, any port; *port gets it. */
static int
node_listener(uint16_t *port)
{
	struct sockaddr_in sin = loopback(0);
	socklen_t len = sizeof(sin);
	int s;

	CHECK((s = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	CHECK(rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CHECK(rump_sys_listen(s, 16) == 0);
	CHECK(rump_sys_getsockname(s, (struct sockaddr *)&sin, &len) == 0);
	CHECK(len == sizeof(sin) && sin.sin_family == AF_INET);
	*port = ntohs(sin.sin_port);
	return s;
}

static int
node_connect(uint16_t port)
{
	struct sockaddr_in sin = loopback(port);
	int s;

	CHECK((s = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	CHECK(rump_sys_connect(s, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	return s;
}

static void
node_send_all(int s, const char *buf, size_t n)
{
	ssize_t r;

	while (n > 0) {
		CHECK((r = rump_sys_send(s, buf, n, 0)) > 0);
		buf += r;
		n -= (size_t)r;
	}
}

static void
node_recv_all(int s, char *buf, size_t n)
{
	ssize_t r;

	while (n > 0) {
		CHECK((r = rump_sys_recv(s, buf, n, 0)) > 0);
		buf += r;
		n -= (size_t)r;
	}
}

/* Echo msg over a fresh node-to-node TCP connection. */
static void
echo_once(const char *msg)
{
	char buf[256];
	uint16_t port;
	size_t n = strlen(msg);
	int l, c, a;

	l = node_listener(&port);
	c = node_connect(port);
	CHECK((a = rump_sys_accept(l, NULL, NULL)) >= 0);
	node_send_all(c, msg, n);
	node_recv_all(a, buf, n);
	node_send_all(a, buf, n);
	memset(buf, 0, sizeof(buf));
	node_recv_all(c, buf, n);
	if (memcmp(buf, msg, n) != 0)
		FAIL("echo mismatch: '%.*s'", (int)n, buf);
	CHECK(rump_sys_close(a) == 0 && rump_sys_close(c) == 0 &&
	    rump_sys_close(l) == 0);
}

static int
cmd_echo(void)
{
	struct sockaddr_in peer = loopback(0), sin;
	socklen_t len = sizeof(peer);
	char buf[64];
	uint16_t port;
	int l, a, h;

	echo_once("hello through the node");
	/* A host socket reaches a node socket: sockin is the host's stack. */
	l = node_listener(&port);
	CHECK((h = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	sin = loopback(port);
	CHECK(connect(h, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CHECK((a = rump_sys_accept(l, (struct sockaddr *)&peer, &len)) >= 0);
	CHECK(len == sizeof(peer) && peer.sin_family == AF_INET &&
	    peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	CHECK(write(h, "ping", 4) == 4);
	node_recv_all(a, buf, 4);
	CHECK(rump_sys_write(a, "pong", 4) == 4);
	CHECK(read(h, buf, 4) == 4 && memcmp(buf, "pong", 4) == 0);
	CHECK(rump_sys_shutdown(a, SHUT_WR) == 0);
	CHECK(read(h, buf, 4) == 0);
	close(h);
	CHECK(rump_sys_read(a, buf, sizeof(buf)) == 0);
	CHECK(rump_sys_close(a) == 0 && rump_sys_close(l) == 0);
	return 0;
}

/*
 * concurrent: thread A blocks in accept; meanwhile this thread and a
 * second client process each complete echoes.  An alarm turns a stall
 * into a failure.
 */
struct acceptor {
	int l, fd;
};

static void *
acceptor_main(void *arg)
{
	struct acceptor *a = arg;

	a->fd = rump_sys_accept(a->l, NULL, NULL);
	return NULL;
}

static int
cmd_concurrent(void)
{
	struct acceptor a;
	pthread_t t;
	uint16_t port;
	pid_t pid;
	int i, status, c;

	alarm(20);
	a.l = node_listener(&port);
	a.fd = -2;
	CHECK(pthread_create(&t, NULL, acceptor_main, &a) == 0);
	usleep(100 * 1000);     /* let it block in the node */
	if ((pid = fork()) == 0) {
		/* A new client (a new process in the node). */
		alarm(20);
		for (i = 0; i < 20; i++)
			echo_once("from the other client");
		_exit(0);
	}
	CHECK(pid > 0);
	for (i = 0; i < 20; i++)
		echo_once("from another thread");
	CHECK(waitpid(pid, &status, 0) == pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		FAIL("the other client failed");
	if (a.fd != -2)
		FAIL("accept returned early: %d", a.fd);
	c = node_connect(port);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(a.fd >= 0);
	CHECK(rump_sys_close(c) == 0 && rump_sys_close(a.fd) == 0 &&
	    rump_sys_close(a.l) == 0);
	return 0;
}

static int
cmd_fds(void)
{
	struct pollfd pfd[3];
	struct timeval tv = { 2, 500000 };
	struct linger lg = { 1, 7 };
	socklen_t len;
	int s1, s2, s3, d, v;

	CHECK((s1 = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) == 3);
	CHECK((s2 = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) == 4);
	CHECK((s3 = rump_sys_socket(AF_INET6, SOCK_STREAM, 0)) == 5);
	CHECK(rump_sys_close(s2) == 0);
	CHECK(rump_sys_close(s2) == -1 && errno == EBADF);
	CHECK((d = rump_sys_dup(s1)) == 4);             /* lowest free */
	CHECK(rump_sys_close(s1) == 0);
	/* The dup keeps the socket open. */
	v = 1;
	CHECK(rump_sys_setsockopt(d, SOL_SOCKET, SO_REUSEADDR, &v,
	    sizeof(v)) == 0);
	v = 0;
	len = sizeof(v);
	CHECK(rump_sys_getsockopt(d, SOL_SOCKET, SO_REUSEADDR, &v, &len) == 0);
	CHECK(v == 1 && len == sizeof(v));
	len = sizeof(v);
	CHECK(rump_sys_getsockopt(d, SOL_SOCKET, SO_TYPE, &v, &len) == 0 &&
	    v == SOCK_STREAM);
	CHECK(rump_sys_setsockopt(d, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) == 0);
	memset(&tv, 0, sizeof(tv));
	len = sizeof(tv);
	CHECK(rump_sys_getsockopt(d, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) == 0);
	CHECK(tv.tv_sec == 2 && tv.tv_usec == 500000);
	CHECK(rump_sys_setsockopt(d, SOL_SOCKET, SO_LINGER, &lg,
	    sizeof(lg)) == 0);
	memset(&lg, 0, sizeof(lg));
	len = sizeof(lg);
	CHECK(rump_sys_getsockopt(d, SOL_SOCKET, SO_LINGER, &lg, &len) == 0);
	CHECK(lg.l_onoff != 0 && lg.l_linger == 7);
	/* fcntl */
	CHECK(rump_sys_fcntl(d, F_GETFL) == O_RDWR);
	CHECK(rump_sys_fcntl(d, F_SETFL, O_NONBLOCK) == 0);
	CHECK(rump_sys_fcntl(d, F_GETFL) == (O_RDWR | O_NONBLOCK));
	CHECK(rump_sys_fcntl(d, F_GETFD) == 0);
	CHECK(rump_sys_fcntl(d, F_SETFD, FD_CLOEXEC) == 0);
	CHECK(rump_sys_fcntl(d, F_GETFD) == FD_CLOEXEC);
	CHECK(rump_sys_fcntl(d, 12345) == -1 && errno == EINVAL);
	CHECK(rump_sys_accept(d, NULL, NULL) == -1 && errno == EINVAL);
	/* poll: POLLNVAL for a closed fd, ignored negative fd, POLLOUT. */
	pfd[0].fd = 3;  pfd[0].events = POLLIN;         /* closed */
	pfd[1].fd = -1; pfd[1].events = POLLIN;
	pfd[2].fd = s3; pfd[2].events = POLLOUT;
	CHECK(rump_sys_poll(pfd, 3, 1000) == 2);
	CHECK(pfd[0].revents == POLLNVAL && pfd[1].revents == 0 &&
	    pfd[2].revents != 0);
	CHECK(rump_sys_poll(NULL, 0, 50) == 0);         /* a plain sleep */
	/* errors */
	CHECK(rump_sys_close(99) == -1 && errno == EBADF);
	CHECK(rump_sys_listen(1000, 1) == -1 && errno == EBADF);
	CHECK(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0) == -1 &&
	    errno == EAFNOSUPPORT);
	CHECK(rump_sys_getpeername(s3, NULL, NULL) == -1 && errno == ENOTCONN);
	CHECK(rump_sys_ifcreate("shmif0") == -1 && errno == EOPNOTSUPP);
	CHECK(rump_sys_close(d) == 0 && rump_sys_close(s3) == 0);
	CHECK((s1 = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) == 3);
	CHECK(rump_sys_close(s1) == 0);
	return 0;
}

static int
cmd_udp(void)
{
	struct sockaddr_in a = loopback(0), b = loopback(0), from;
	socklen_t len = sizeof(a);
	struct iovec iov[2];
	struct msghdr mh;
	char p1[3], p2[8], buf[32];
	int sa, sb;

	CHECK((sa = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	CHECK((sb = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	CHECK(rump_sys_bind(sa, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(rump_sys_bind(sb, (struct sockaddr *)&b, sizeof(b)) == 0);
	CHECK(rump_sys_getsockname(sa, (struct sockaddr *)&a, &len) == 0);
	len = sizeof(b);
	CHECK(rump_sys_getsockname(sb, (struct sockaddr *)&b, &len) == 0);
	CHECK(rump_sys_sendto(sa, "datagram", 8, 0, (struct sockaddr *)&b,
	    sizeof(b)) == 8);
	len = sizeof(from);
	CHECK(rump_sys_recvfrom(sb, buf, sizeof(buf), 0,
	    (struct sockaddr *)&from, &len) == 8);
	CHECK(memcmp(buf, "datagram", 8) == 0 && len == sizeof(from) &&
	    from.sin_port == a.sin_port);
	/* gather and scatter */
	iov[0].iov_base = "scat";
	iov[0].iov_len = 4;
	iov[1].iov_base = "tered";
	iov[1].iov_len = 5;
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &b;
	mh.msg_namelen = sizeof(b);
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	CHECK(rump_sys_sendmsg(sa, &mh, 0) == 9);
	iov[0].iov_base = p1;
	iov[0].iov_len = sizeof(p1);
	iov[1].iov_base = p2;
	iov[1].iov_len = sizeof(p2);
	memset(&from, 0, sizeof(from));
	mh.msg_name = &from;
	mh.msg_namelen = sizeof(from);
	CHECK(rump_sys_recvmsg(sb, &mh, 0) == 9);
	CHECK(memcmp(p1, "sca", 3) == 0 && memcmp(p2, "ttered", 6) == 0);
	CHECK(mh.msg_namelen == sizeof(from) && from.sin_port == a.sin_port);
	/* connected UDP and MSG_DONTWAIT on an empty queue */
	CHECK(rump_sys_connect(sa, (struct sockaddr *)&b, sizeof(b)) == 0);
	CHECK(rump_sys_send(sa, "c", 1, 0) == 1);
	CHECK(rump_sys_recv(sb, buf, sizeof(buf), 0) == 1);
	CHECK(rump_sys_recv(sb, buf, sizeof(buf), MSG_DONTWAIT) == -1 &&
	    errno == EAGAIN);
	CHECK(rump_sys_close(sa) == 0 && rump_sys_close(sb) == 0);
	return 0;
}

/* big: 3 MiB each way, more than one frame's worth per call. */
struct bigarg {
	int s;
	size_t n;
};

static void *
big_sender(void *arg)
{
	struct bigarg *b = arg;
	char *buf = malloc(b->n);
	size_t i;

	for (i = 0; i < b->n; i++)
		buf[i] = (char)(i * 7 + i / 4096);
	node_send_all(b->s, buf, b->n);
	free(buf);
	return NULL;
}

static int
cmd_big(void)
{
	struct bigarg ba;
	pthread_t t;
	uint16_t port;
	size_t n = 3u << 20, i;
	char *buf;
	int l, c, a;

	l = node_listener(&port);
	c = node_connect(port);
	CHECK((a = rump_sys_accept(l, NULL, NULL)) >= 0);
	ba.s = c;
	ba.n = n;
	CHECK(pthread_create(&t, NULL, big_sender, &ba) == 0);
	CHECK((buf = malloc(n)) != NULL);
	node_recv_all(a, buf, n);
	CHECK(pthread_join(t, NULL) == 0);
	for (i = 0; i < n; i++)
		if (buf[i] != (char)(i * 7 + i / 4096))
			FAIL("byte %zu differs", i);
	free(buf);
	CHECK(rump_sys_close(a) == 0 && rump_sys_close(c) == 0 &&
	    rump_sys_close(l) == 0);
	return 0;
}

/*
 * nbfill: a non-blocking sender fills the connection: each write reports
 * what the node took (short writes and then EAGAIN, no more and no less),
 * and the reader gets exactly those bytes in order.  The node tries such
 * sends at once on its reader thread; a part it took must not be lost or
 * sent twice.
 */
static int
cmd_nbfill(void)
{
	size_t chunk = 256u << 10, total = 0, got = 0, i, limit = 64u << 20;
	uint16_t port;
	int l, c, a, shorts = 0, eagain = 0;
	char *buf, *in;
	ssize_t n;

	l = node_listener(&port);
	c = node_connect(port);
	CHECK((a = rump_sys_accept(l, NULL, NULL)) >= 0);
	CHECK((buf = malloc(limit)) != NULL && (in = malloc(limit)) != NULL);
	for (i = 0; i < limit; i++)
		buf[i] = (char)(i * 13 + i / 65536);
	CHECK(rump_sys_fcntl(c, F_SETFL, O_NONBLOCK) == 0);
	while (total < limit) {
		n = rump_sys_write(c, buf + total, chunk < limit - total ?
		    chunk : limit - total);
		if (n < 0) {
			CHECK(errno == EAGAIN || errno == EWOULDBLOCK);
			eagain = 1;
			break;
		}
		if ((size_t)n < chunk)
			shorts++;
		total += (size_t)n;
	}
	if (!eagain)
		FAIL("%zu bytes taken and no EAGAIN", total);
	while (got < total) {
		n = rump_sys_read(a, in + got, total - got);
		CHECK(n > 0);
		got += (size_t)n;
	}
	if (memcmp(in, buf, total) != 0)
		FAIL("the %zu bytes read differ from those written", total);
	CHECK(rump_sys_fcntl(a, F_SETFL, O_NONBLOCK) == 0);
	n = rump_sys_read(a, in, 1);
	if (n != -1 || (errno != EAGAIN && errno != EWOULDBLOCK))
		FAIL("a byte more than the writes reported (read %zd)", n);
	printf("%zu bytes in %zu KiB writes until EAGAIN (%d short), read "
	    "back in order\n", total, chunk >> 10, shorts);
	free(buf);
	free(in);
	CHECK(rump_sys_close(a) == 0 && rump_sys_close(c) == 0 &&
	    rump_sys_close(l) == 0);
	return 0;
}

/*
 * stress: many threads share the connection; replies come back out of
 * order (polls that time out interleave with quick calls) and each must
 * reach its own caller.
 */
static void *
stress_main(void *arg)
{
	struct pollfd pfd;
	char val[64];
	socklen_t len;
	int i, s, v, k = (int)(intptr_t)arg;

	for (i = 0; i < 200; i++) {
		CHECK((s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) >= 3);
		v = 0;
		len = sizeof(v);
		CHECK(rump_sys_getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) == 0);
		CHECK(v == SOCK_DGRAM);
		CHECK(rump_sys_sysctl_get("kern.ostype", val, sizeof(val)) == 0);
		CHECK(strcmp(val, "rumplab") == 0);
		if (k % 4 == 0 && i % 20 == 0) {
			pfd.fd = s;
			pfd.events = POLLIN;
			CHECK(rump_sys_poll(&pfd, 1, 30) == 0);
		}
		CHECK(rump_sys_close(s) == 0);
		if (i % 50 == 0)
			echo_once("stress");
	}
	return NULL;
}

static int
cmd_stress(void)
{
	pthread_t t[16];
	intptr_t k;

	alarm(60);
	for (k = 0; k < 16; k++)
		CHECK(pthread_create(&t[k], NULL, stress_main, (void *)k) == 0);
	for (k = 0; k < 16; k++)
		CHECK(pthread_join(t[k], NULL) == 0);
	return 0;
}

/*
 * hostile: raw connections speaking bad sysproxy.
 */
static int
raw_connect(const char *path, int hello)
{
	static const uint8_t hello_frame[] = {
		0x23, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		1, 0, 0, 0, 0xe8, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 't',
	};
	struct sockaddr_un sun;
	uint8_t buf[64];
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	CHECK((fd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	CHECK(connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	CHECK(read(fd, buf, 19) == 19 &&
	    memcmp(buf, "RUMPLAB-SYSPROXY 1\n", 19) == 0);
	if (hello) {
		CHECK(write(fd, hello_frame, sizeof(hello_frame)) ==
		    (ssize_t)sizeof(hello_frame));
		/* reply: header + u32 u32 u32 + str */
		CHECK(read(fd, buf, 16) == 16 && buf[8] == 0 && buf[10] == 1);
		CHECK(buf[0] > 16 && read(fd, buf + 16, buf[0] - 16u) ==
		    buf[0] - 16);
	}
	return fd;
}

/* The server must close fd: read sees the end (after any reply). */
static void
expect_closed(int fd, const char *what)
{
	uint8_t buf[256];
	ssize_t r;

	/* A reset (our unread bytes were discarded) is a close too. */
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		;
	if (r != 0 && errno != ECONNRESET)
		FAIL("%s: read: %s", what, strerror(errno));
	close(fd);
}

static void
send_bytes(int fd, const void *p, size_t n)
{
	CHECK(write(fd, p, n) == (ssize_t)n);
}

static int
cmd_hostile(const char *path)
{
	static const uint8_t oversized[16] = { 0xff, 0xff, 0xff, 0xff };
	static const uint8_t undersized[16] = { 8, 0, 0, 0 };
	static const uint8_t badcall[16] = { 16, 0, 0, 0, 1, 0, 0, 0,
	    0x0f, 0x27 };
	static const uint8_t truncated[20] = { 100, 0, 0, 0, 2, 0, 0, 0, 1, 0 };
	static const uint8_t leftover[24] = { 24, 0, 0, 0, 3, 0, 0, 0, 13, 0,
	    0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 9, 9, 9, 9 };
	static const uint8_t badfam[24] = { 24, 0, 0, 0, 3, 0, 0, 0, 2, 0,
	    0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0x99, 0, 0, 0 };
	static const uint8_t reserved[20] = { 20, 0, 0, 0, 9, 0, 0, 0, 90, 0,
	    0, 0, 0, 0, 0, 0, 1, 2, 3, 4 };
	static const uint8_t reqflags[16] = { 16, 0, 0, 0, 1, 0, 0, 0, 52, 0,
	    1, 0 };
	uint8_t garbage[512], buf[32];
	int keep, fd, i;

	/* Our own connection, with an open socket, must survive it all. */
	CHECK((keep = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	for (i = 0; i < (int)sizeof(garbage); i++)
		garbage[i] = (uint8_t)(i * 131 + 17);
	fd = raw_connect(path, 0);
	send_bytes(fd, garbage, sizeof(garbage));
	expect_closed(fd, "garbage instead of HELLO");
	fd = raw_connect(path, 0);
	send_bytes(fd, badcall, sizeof(badcall));
	expect_closed(fd, "first frame not HELLO");
	fd = raw_connect(path, 1);
	send_bytes(fd, oversized, sizeof(oversized));
	expect_closed(fd, "oversized frame");
	fd = raw_connect(path, 1);
	send_bytes(fd, undersized, sizeof(undersized));
	expect_closed(fd, "undersized frame");
	fd = raw_connect(path, 1);
	send_bytes(fd, badcall, sizeof(badcall));
	expect_closed(fd, "unknown call");
	fd = raw_connect(path, 1);
	send_bytes(fd, truncated, sizeof(truncated));
	shutdown(fd, SHUT_WR);
	expect_closed(fd, "truncated frame");
	fd = raw_connect(path, 1);
	send_bytes(fd, leftover, sizeof(leftover));
	expect_closed(fd, "bytes left over");
	fd = raw_connect(path, 1);
	send_bytes(fd, badfam, sizeof(badfam));
	expect_closed(fd, "unknown address family");
	fd = raw_connect(path, 1);
	send_bytes(fd, reqflags, sizeof(reqflags));
	expect_closed(fd, "reply flag in a request");
	fd = raw_connect(path, 1);
	send_bytes(fd, garbage, sizeof(garbage));
	expect_closed(fd, "garbage after HELLO");
	/* A reserved call: -ENOSYS, and the connection stays. */
	fd = raw_connect(path, 1);
	send_bytes(fd, reserved, sizeof(reserved));
	CHECK(read(fd, buf, 16) == 16);
	CHECK(buf[0] == 16 && buf[4] == 9 && buf[8] == 90 && buf[10] == 1);
	CHECK(buf[12] == (uint8_t)-ENOSYS && buf[13] == 0xff);
	send_bytes(fd, badcall, sizeof(badcall));
	expect_closed(fd, "unknown call after a reserved one");
	/* Dying mid-frame with a call in flight. */
	fd = raw_connect(path, 1);
	send_bytes(fd, truncated, 10);
	close(fd);
	/* Still serving: our connection and a fresh socket. */
	CHECK(rump_sys_fcntl(keep, F_GETFL) == O_RDWR);
	CHECK(rump_sys_close(keep) == 0);
	echo_once("still serving");
	return 0;
}

/* abort: block in accept and in recv, then be killed by the test. */
static void *
blocked_recv(void *arg)
{
	char buf[16];

	rump_sys_recv(*(int *)arg, buf, sizeof(buf), 0);
	return NULL;
}

static int
cmd_abort(const char *portfile)
{
	pthread_t t1, t2;
	struct acceptor a;
	uint16_t port, port2;
	FILE *f;
	int l2, c, s;

	a.l = node_listener(&port);
	l2 = node_listener(&port2);
	c = node_connect(port2);
	CHECK(c >= 0 && (s = rump_sys_accept(l2, NULL, NULL)) >= 0);
	CHECK(pthread_create(&t1, NULL, acceptor_main, &a) == 0);
	CHECK(pthread_create(&t2, NULL, blocked_recv, &s) == 0);
	usleep(100 * 1000);
	CHECK((f = fopen(portfile, "w")) != NULL);
	fprintf(f, "%u %d\n", port, (int)getpid());
	fclose(f);
	pause();
	return 1;
}

static int
cmd_noserver(void)
{
	const char *why;

	if (rump_sys_socket(AF_INET, SOCK_STREAM, 0) != -1 || errno != EHOSTDOWN)
		FAIL("socket without a server: want EHOSTDOWN, got %s",
		    strerror(errno));
	why = rumpclient_lasterror();
	printf("%s\n", why);
	return 0;
}

static int
cmd_sysctl(int argc, char **argv)
{
	char val[1024], *buf;
	ssize_t n;

	if (argc == 3 && strcmp(argv[1], "get") == 0) {
		if (rump_sys_sysctl_get(argv[2], val, sizeof(val)) != 0)
			FAIL("sysctl get %s: %s", argv[2], strerror(errno));
		printf("%s\n", val);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "set") == 0) {
		if (rump_sys_sysctl_set(argv[2], argv[3]) != 0)
			FAIL("sysctl set %s: %s", argv[2], strerror(errno));
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		CHECK((n = rump_sys_sysctl_list(val, 8)) > 8);
		CHECK(strlen(val) == 7);
		CHECK((buf = malloc((size_t)n + 1)) != NULL);
		CHECK(rump_sys_sysctl_list(buf, (size_t)n + 1) == n);
		fputs(buf, stdout);
		free(buf);
		return 0;
	}
	FAIL("usage: sysctl get NAME | set NAME VALUE | list");
}

static int
cmd_dmesg(void)
{
	ssize_t n;
	char *buf;

	CHECK((n = rump_sys_dmesg(NULL, 0)) > 0);
	CHECK((buf = malloc((size_t)n + 1)) != NULL);
	CHECK(rump_sys_dmesg(buf, (size_t)n + 1) >= n);
	fputs(buf, stdout);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		FAIL("usage: sp_client command ...");
	if (strcmp(argv[1], "noserver") == 0)
		return cmd_noserver();
	if (rumpclient_init() != 0)
		FAIL("%s", rumpclient_lasterror());
	if (strcmp(argv[1], "echo") == 0)
		return cmd_echo();
	if (strcmp(argv[1], "concurrent") == 0)
		return cmd_concurrent();
	if (strcmp(argv[1], "fds") == 0)
		return cmd_fds();
	if (strcmp(argv[1], "udp") == 0)
		return cmd_udp();
	if (strcmp(argv[1], "big") == 0)
		return cmd_big();
	if (strcmp(argv[1], "nbfill") == 0)
		return cmd_nbfill();
	if (strcmp(argv[1], "stress") == 0)
		return cmd_stress();
	if (strcmp(argv[1], "hostile") == 0 && argc == 3)
		return cmd_hostile(argv[2]);
	if (strcmp(argv[1], "abort") == 0 && argc == 3)
		return cmd_abort(argv[2]);
	if (strcmp(argv[1], "sysctl") == 0)
		return cmd_sysctl(argc - 1, argv + 1);
	if (strcmp(argv[1], "dmesg") == 0)
		return cmd_dmesg();
	if (strcmp(argv[1], "reboot") == 0) {
		CHECK(rump_sys_reboot() == 0);
		return 0;
	}
	FAIL("unknown command '%s'", argv[1]);
}
