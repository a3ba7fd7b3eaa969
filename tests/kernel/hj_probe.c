/*
 * hj_probe.c — an ordinary program, built against libc alone, that
 * tests/run/52-hijack.t runs under librumphijack.so on a node to prove the
 * descriptor semantics the library promises (librumphijack(3)): a node
 * socket behaves as a host socket would under dup, fcntl, fork, exec,
 * poll, select, epoll (level, edge, one-shot, another thread's epoll_ctl)
 * and signals.  It uses the node's loopback (127.0.0.1), so one node is
 * enough.
 *
 *   hj_probe SCENARIO     prints "ok - ..." / "not ok - ..." lines;
 *                         exits 0 when every check passed
 *
 * Scenarios: basic fork exec epoll select signal thread names raw.
 * "exec" runs this program again as "exec-child FD CLOSED" (internal).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int failed;

static void
check(int cond, const char *what)
{
	printf("%sok - %s\n", cond ? "" : "not ", what);
	if (!cond) {
		printf("#   errno %d (%s)\n", errno, strerror(errno));
		failed = 1;
	}
	fflush(stdout);
}

/* A listener on the node's 127.0.0.1, any port; its port in *port. */
static int
listener(uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int s, one = 1;

	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(s, 8) != 0 ||
	    getsockname(s, (struct sockaddr *)&sin, &len) != 0) {
		perror("listener");
		exit(2);
	}
	*port = ntohs(sin.sin_port);
	return s;
}

static int
dial(uint16_t port)
{
	struct sockaddr_in sin;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || connect(s, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		perror("dial");
		exit(2);
	}
	return s;
}

/* A connected pair over the node's loopback: *a dialled, *b accepted. */
static void
pair(int *a, int *b, int acceptflags)
{
	uint16_t port;
	int l = listener(&port);

	*a = dial(port);
	*b = accept4(l, NULL, NULL, acceptflags);
	if (*b < 0) {
		perror("accept4");
		exit(2);
	}
	close(l);
}

static int
readable(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static void
scenario_basic(void)
{
	struct stat st;
	struct iovec iov[2];
	struct msghdr m;
	char buf[64], x[4], y[8];
	int a, b, d, d2, n = 0;

	pair(&a, &b, SOCK_CLOEXEC | SOCK_NONBLOCK);
	check(a > 2 && b > 2 && a != b, "node sockets are host descriptors");
	check(fstat(a, &st) == 0 && S_ISSOCK(st.st_mode),
	    "fstat says a socket");
	check((fcntl(b, F_GETFD) & FD_CLOEXEC) != 0,
	    "accept4 SOCK_CLOEXEC sets FD_CLOEXEC");
	check((fcntl(b, F_GETFL) & O_NONBLOCK) != 0,
	    "accept4 SOCK_NONBLOCK sets O_NONBLOCK");
	check(recv(b, buf, sizeof(buf), 0) < 0 && errno == EAGAIN,
	    "a non-blocking recv with nothing says EAGAIN");
	check(write(a, "hello", 5) == 5 && readable(b, 2000),
	    "write, then the peer is readable");
	check(ioctl(b, FIONREAD, &n) == 0 && n == 5, "FIONREAD counts 5");
	check(read(b, buf, sizeof(buf)) == 5 && memcmp(buf, "hello", 5) == 0,
	    "read gets the bytes");
	iov[0].iov_base = "ab";
	iov[0].iov_len = 2;
	iov[1].iov_base = "cdefgh";
	iov[1].iov_len = 6;
	check(writev(a, iov, 2) == 8, "writev of two pieces");
	iov[0].iov_base = x;
	iov[0].iov_len = 4;
	iov[1].iov_base = y;
	iov[1].iov_len = 8;
	memset(&m, 0, sizeof(m));
	m.msg_iov = iov;
	m.msg_iovlen = 2;
	check(readable(b, 2000) && recvmsg(b, &m, 0) == 8 &&
	    memcmp(x, "abcd", 4) == 0 && memcmp(y, "efgh", 4) == 0,
	    "recvmsg scatters into two pieces");
	d = dup(a);
	check(d > 2 && d != a && write(d, "D", 1) == 1 && readable(b, 2000) &&
	    read(b, buf, 1) == 1 && buf[0] == 'D', "dup writes to the peer");
	check(close(a) == 0 && write(d, "E", 1) == 1 && readable(b, 2000) &&
	    read(b, buf, 1) == 1, "the dup works after the original closed");
	d2 = fcntl(d, F_DUPFD_CLOEXEC, 50);
	check(d2 >= 50 && (fcntl(d2, F_GETFD) & FD_CLOEXEC),
	    "F_DUPFD_CLOEXEC at 50 or above");
	check(dup2(d, 40) == 40 && write(40, "F", 1) == 1 && readable(b, 2000)
	    && read(b, buf, 1) == 1 && buf[0] == 'F', "dup2 to 40 writes");
	check(close_range(40, 40, 0) == 0 && fcntl(40, F_GETFD) < 0 &&
	    errno == EBADF, "close_range closes a node descriptor");
	close(d2);
	close(d);
	check(readable(b, 2000) && read(b, buf, 1) == 0,
	    "the last close ends the connection: EOF");
	close(b);
}

static void
scenario_fork(void)
{
	uint16_t port;
	int l = listener(&port), c, s, status;
	char buf[16];
	pid_t pid;

	if ((pid = fork()) == 0) {
		/* The child accepts on the inherited listener and echoes. */
		s = accept(l, NULL, NULL);
		if (s < 0 || read(s, buf, 4) != 4 || write(s, buf, 4) != 4)
			_exit(1);
		_exit(0);
	}
	close(l);
	c = dial(port);
	check(write(c, "ping", 4) == 4 && readable(c, 5000) &&
	    read(c, buf, sizeof(buf)) == 4 && memcmp(buf, "ping", 4) == 0,
	    "a forked child accepts on the inherited listener and echoes");
	check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0, "the child exits 0");
	close(c);
}

static void
scenario_exec(const char *self)
{
	char fd[16], cl[16], buf[32];
	int a, b, t, status;
	pid_t pid;

	pair(&a, &b, 0);
	t = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(fd, sizeof(fd), "%d", b);
	snprintf(cl, sizeof(cl), "%d", t);
	if ((pid = fork()) == 0) {
		execl(self, self, "exec-child", fd, cl, (char *)NULL);
		_exit(127);
	}
	close(b);
	close(t);
	check(readable(a, 5000) && read(a, buf, sizeof(buf)) == 7 &&
	    memcmp(buf, "execed!", 7) == 0,
	    "a new program writes on the socket it inherited");
	check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0,
	    "in it the close-on-exec socket is gone (child exits 0)");
	close(a);
}

static int
exec_child(int fd, int closed)
{
	if (fcntl(closed, F_GETFD) >= 0 || errno != EBADF)
		return 3;
	return write(fd, "execed!", 7) == 7 ? 0 : 4;
}

static int
epoll_has(int ep, uint32_t data, uint32_t ev, int ms)
{
	struct epoll_event e[8];
	int n = epoll_wait(ep, e, 8, ms), i;

	for (i = 0; i < n; i++)
		if (e[i].data.u32 == data && (e[i].events & ev))
			return 1;
	return 0;
}

static void
scenario_epoll(void)
{
	struct epoll_event ev;
	char buf[16];
	int a, b, ep, p[2];

	pair(&a, &b, SOCK_NONBLOCK);
	if (pipe(p) != 0 || (ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		exit(2);
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = 1;
	check(epoll_ctl(ep, EPOLL_CTL_ADD, b, &ev) == 0,
	    "epoll_ctl adds a node socket");
	ev.data.u32 = 2;
	check(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0,
	    "epoll_ctl adds a host pipe to the same set");
	check(epoll_ctl(ep, EPOLL_CTL_ADD, b, &ev) < 0 && errno == EEXIST,
	    "adding it twice: EEXIST");
	check(epoll_wait(ep, &ev, 1, 100) == 0, "nothing ready: times out");
	(void)!write(p[1], "h", 1);
	check(epoll_has(ep, 2, EPOLLIN, 2000), "the host pipe is reported");
	(void)!read(p[0], buf, 1);
	(void)!write(a, "n", 1);
	check(epoll_has(ep, 1, EPOLLIN, 2000), "the node socket is reported");
	check(epoll_has(ep, 1, EPOLLIN, 0),
	    "level-triggered: reported again while unread");
	(void)!read(b, buf, sizeof(buf));
	check(!epoll_has(ep, 1, EPOLLIN, 100), "not after it was read");
	ev.events = EPOLLIN | EPOLLET;
	ev.data.u32 = 1;
	check(epoll_ctl(ep, EPOLL_CTL_MOD, b, &ev) == 0, "EPOLL_CTL_MOD to ET");
	(void)!write(a, "e", 1);
	check(epoll_has(ep, 1, EPOLLIN, 2000), "edge: the arrival is reported");
	check(!epoll_has(ep, 1, EPOLLIN, 100),
	    "edge: not again without I/O, although unread");
	while (read(b, buf, sizeof(buf)) > 0)
		;
	(void)!write(a, "f", 1);
	check(epoll_has(ep, 1, EPOLLIN, 2000),
	    "edge: a new arrival after reading to EAGAIN is reported");
	while (read(b, buf, sizeof(buf)) > 0)
		;
	ev.events = EPOLLIN | EPOLLONESHOT;
	check(epoll_ctl(ep, EPOLL_CTL_MOD, b, &ev) == 0, "MOD to ONESHOT");
	(void)!write(a, "o", 1);
	check(epoll_has(ep, 1, EPOLLIN, 2000) && !epoll_has(ep, 1, EPOLLIN, 100),
	    "one-shot: reported once");
	check(epoll_ctl(ep, EPOLL_CTL_DEL, b, NULL) == 0 &&
	    epoll_ctl(ep, EPOLL_CTL_DEL, b, NULL) < 0 && errno == ENOENT,
	    "EPOLL_CTL_DEL, and again: ENOENT");
	close(ep);
	close(a);
	close(b);
}

static void
scenario_select(void)
{
	struct timeval tv = { 2, 0 };
	fd_set rd;
	char c;
	int a, b, p[2];

	pair(&a, &b, 0);
	if (pipe(p) != 0)
		exit(2);
	(void)!write(a, "s", 1);
	FD_ZERO(&rd);
	FD_SET(b, &rd);
	FD_SET(p[0], &rd);
	check(select((b > p[0] ? b : p[0]) + 1, &rd, NULL, NULL, &tv) == 1 &&
	    FD_ISSET(b, &rd) && !FD_ISSET(p[0], &rd),
	    "select: the node socket readable, the host pipe not");
	(void)!read(b, &c, 1);
	(void)!write(p[1], "p", 1);
	FD_ZERO(&rd);
	FD_SET(b, &rd);
	FD_SET(p[0], &rd);
	tv.tv_sec = 2;
	check(select((b > p[0] ? b : p[0]) + 1, &rd, NULL, NULL, &tv) == 1 &&
	    FD_ISSET(p[0], &rd) && !FD_ISSET(b, &rd),
	    "select: the host pipe readable ends the node's wait");
	close(a);
	close(b);
}

static void
on_alarm(int sig)
{
	(void)sig;
}

static void *
dial_later(void *arg)
{
	usleep(1500000);
	close(dial(*(uint16_t *)arg));
	return NULL;
}

static void
scenario_signal(void)
{
	struct sigaction sa;
	pthread_t t;
	uint16_t port;
	int l = listener(&port), s;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);          /* no SA_RESTART */
	alarm(1);
	s = accept(l, NULL, NULL);
	check(s < 0 && errno == EINTR,
	    "a handler without SA_RESTART interrupts accept: EINTR");
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	pthread_create(&t, NULL, dial_later, &port);
	alarm(1);
	s = accept(l, NULL, NULL);
	check(s >= 0, "with SA_RESTART accept goes on and gets the connection");
	pthread_join(t, NULL);
	close(s);
	close(l);
}

struct later_add {
	int ep, fd;
};

static void *
add_later(void *arg)
{
	struct later_add *la = arg;
	struct epoll_event ev;

	usleep(300000);
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = 7;
	epoll_ctl(la->ep, EPOLL_CTL_ADD, la->fd, &ev);
	return NULL;
}

static void
scenario_thread(void)
{
	struct later_add la;
	struct epoll_event ev;
	pthread_t t;
	int a, b, n;

	pair(&a, &b, 0);
	(void)!write(a, "t", 1);        /* b is readable before it is added */
	la.ep = epoll_create1(0);
	la.fd = b;
	pthread_create(&t, NULL, add_later, &la);
	n = epoll_wait(la.ep, &ev, 1, 5000);
	check(n == 1 && ev.data.u32 == 7,
	    "a node socket another thread adds wakes an empty epoll_wait");
	pthread_join(t, NULL);
	close(la.ep);
	close(a);
	close(b);
}

static void
scenario_names(void)
{
	struct addrinfo hints, *res = NULL;
	char host[256];

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	check(getaddrinfo("probe-peer", "80", &hints, &res) == 0 &&
	    res != NULL && res->ai_family == AF_INET &&
	    ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr ==
	    inet_addr("10.77.0.2") &&
	    ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port) == 80,
	    "a name of the hosts file resolves");
	if (res != NULL)
		freeaddrinfo(res);
	check(getaddrinfo("www.example.com", "80", &hints, &res) == EAI_NONAME,
	    "a name outside the lab does not resolve");
	check(gethostname(host, sizeof(host)) == 0 &&
	    strcmp(host, getenv("PROBE_HOSTNAME")) == 0,
	    "gethostname is the node's");
}

static void
scenario_raw(void)
{
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);

	check(s < 0 && errno == EPERM, "a raw socket is refused: EPERM");
}

int
main(int argc, char **argv)
{
	const char *sc = argc > 1 ? argv[1] : "";

	signal(SIGPIPE, SIG_IGN);
	if (strcmp(sc, "exec-child") == 0 && argc == 4)
		return exec_child(atoi(argv[2]), atoi(argv[3]));
	if (strcmp(sc, "basic") == 0)
		scenario_basic();
	else if (strcmp(sc, "fork") == 0)
		scenario_fork();
	else if (strcmp(sc, "exec") == 0)
		scenario_exec(argv[0]);
	else if (strcmp(sc, "epoll") == 0)
		scenario_epoll();
	else if (strcmp(sc, "select") == 0)
		scenario_select();
	else if (strcmp(sc, "signal") == 0)
		scenario_signal();
	else if (strcmp(sc, "thread") == 0)
		scenario_thread();
	else if (strcmp(sc, "names") == 0)
		scenario_names();
	else if (strcmp(sc, "raw") == 0)
		scenario_raw();
	else {
		fprintf(stderr, "usage: hj_probe basic|fork|exec|epoll|select|"
		    "signal|thread|names|raw\n");
		return 2;
	}
	return failed;
}
