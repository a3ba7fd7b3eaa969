/*
 * netnode.c — the node side of the netcomp tests (see netnode.h).  One
 * command per line, one answer line each:
 *
 *   boot COMP...              component_load() each (and dependencies)
 *   create IF | destroy IF    netcfg if_create / if_destroy
 *   link IF PATH|-            if_set_linkstr ("-": detach); err has detail
 *   up IF | down IF | mtu IF N
 *   addr IF A/PLEN | deladdr IF A/PLEN
 *   info IF                   flags, mtu, mac, addresses, counters
 *   index IF                  the stack's interface index (scope id)
 *   waitdad IF MS             until no address of IF is tentative
 *   sysctl NAME [VALUE]
 *   route DEST/PLEN GW        a static route through a gateway
 *   ping ADDR COUNT [GAP_US [SCOPE [TIMEOUT_MS]]]  raw ICMP/ICMPv6
 *                             echoes (SCOPE: sin6_scope_id); RTT stats
 *   udpecho PORT | udpping ADDR PORT COUNT [SIZE [SCOPE]]  datagrams of
 *                             SIZE bytes (600; up to 16384) echoed intact
 *   tcpsink PORT | tcpsinkresult MS | tcpsend ADDR PORT BYTES
 *   refused ADDR PORT         connect (blocking, non-blocking) to a closed
 *                             port: ECONNREFUSED both ways
 *   duplex BYTES              loopback TCP echo: one thread sends while
 *                             another receives on the same socket
 *   churn DIR ROUNDS          create, link, up and destroy 8 interfaces
 *   aborttest                 abort() wakes accept, recv and poll
 *   tid                       this thread's id (not counted as idle work)
 *   dmesg                     the kernel log, lines joined by " | "
 *   quit
 *
 * Test code: it prints only to its answer pipe and exits on quit or EOF.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kernel/component.h"
#include "kernel/klog.h"
#include "kernel/ksock.h"
#include "kernel/netcfg.h"
#include "kernel/sysctl.h"
#include "netcomp/ifnet.h"
#include "tests/netcomp/netnode.h"

#define ANSWER_MAX 4096
#define PATTERN(i) ((uint8_t)((i) * 7 + ((i) >> 11) + 13))

static FILE *ans;

__attribute__((format(printf, 1, 2)))
static void
reply(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(ans, fmt, ap);
	va_end(ap);
	fputc('\n', ans);
	fflush(ans);
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

/* ---- addresses ---- */

static int
parse_sa(const char *s, int port, struct sockaddr_storage *ss,
    socklen_t *len, uint32_t scope)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*len = sizeof(*sin);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, s, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		sin6->sin6_scope_id = scope;
		*len = sizeof(*sin6);
		return AF_INET6;
	}
	return -1;
}

static int
parse_ifaddr(const char *s, struct rump_ifaddr *a)
{
	char buf[64], *slash;

	memset(a, 0, sizeof(*a));
	snprintf(buf, sizeof(buf), "%s", s);
	if ((slash = strchr(buf, '/')) == NULL)
		return -1;
	*slash = '\0';
	a->plen = (uint8_t)atoi(slash + 1);
	if (inet_pton(AF_INET, buf, a->addr) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, a->addr) == 1)
		a->family = AF_INET6;
	else
		return -1;
	return 0;
}

/* ---- configuration commands ---- */

static void
cmd_boot(char **av, int ac)
{
	char err[256];
	int i, e;

	for (i = 1; i < ac; i++)
		if ((e = component_load(av[i], err, sizeof(err))) != 0) {
			reply("err %d %s", e, err);
			return;
		}
	reply("ok");
}

static void
result(int e)
{
	if (e < 0)
		reply("err %d %s", e, strerror(-e));
	else
		reply("ok %d", e);
}

static void
cmd_link(char **av)
{
	char detail[256] = "";
	int e;

	e = netcfg()->if_set_linkstr(av[1], strcmp(av[2], "-") ? av[2] : "",
	    detail, sizeof(detail));
	if (e < 0)
		reply("err %d %s", e, detail);
	else
		reply("ok");
}

static void
cmd_addr(char **av, int del)
{
	struct rump_ifaddr a;

	if (parse_ifaddr(av[2], &a) != 0) {
		reply("err bad address %s", av[2]);
		return;
	}
	result(del ? netcfg()->if_del_addr(av[1], &a) :
	    netcfg()->if_add_addr(av[1], &a));
}

static void
fmt_addrs(const struct rump_ifinfo *in, char *buf, size_t len)
{
	char a[64];
	size_t off = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < in->naddrs && off < len; i++) {
		inet_ntop(in->addrs[i].family == AF_INET ? AF_INET : AF_INET6,
		    in->addrs[i].addr, a, sizeof(a));
		off += (size_t)snprintf(buf + off, len - off, "%s%s/%u%s%s",
		    i ? "," : "", a, in->addrs[i].plen,
		    in->addrs[i].flags & RUMP_IFA_TENTATIVE ? "[tent]" : "",
		    in->addrs[i].flags & RUMP_IFA_DUPLICATED ? "[dup]" : "");
	}
}

static void
cmd_info(char **av)
{
	struct rump_ifinfo in;
	char addrs[1024];
	int e;

	if ((e = netcfg()->if_get(av[1], &in)) < 0) {
		result(e);
		return;
	}
	fmt_addrs(&in, addrs, sizeof(addrs));
	reply("ok flags=0x%x mtu=%u mac=%02x:%02x:%02x:%02x:%02x:%02x "
	    "link=%u linkstr=%s addrs=%s ipk=%llu opk=%llu ib=%llu ob=%llu "
	    "ierr=%llu oerr=%llu iq=%llu", in.flags, in.mtu, in.mac[0],
	    in.mac[1], in.mac[2], in.mac[3], in.mac[4], in.mac[5],
	    in.link_up, in.linkstr[0] ? in.linkstr : "-", addrs,
	    (unsigned long long)in.ipackets, (unsigned long long)in.opackets,
	    (unsigned long long)in.ibytes, (unsigned long long)in.obytes,
	    (unsigned long long)in.ierrors, (unsigned long long)in.oerrors,
	    (unsigned long long)in.iqdrops);
}

static int
tentative(const char *ifname)
{
	struct rump_ifinfo in;
	uint32_t i;

	if (netcfg()->if_get(ifname, &in) < 0)
		return -1;
	for (i = 0; i < in.naddrs; i++)
		if (in.addrs[i].flags & RUMP_IFA_TENTATIVE)
			return 1;
	return 0;
}

static void
cmd_waitdad(char **av)
{
	uint64_t end = now_us() + (uint64_t)atoi(av[2]) * 1000;
	int t;

	while ((t = tentative(av[1])) == 1 && now_us() < end)
		usleep(20000);
	if (t == 0)
		reply("ok");
	else
		reply("err still tentative");
}

static void
cmd_sysctl(char **av, int ac)
{
	char val[256];
	int e;

	if (ac > 2 && (e = sysctl_set(av[1], av[2])) != 0) {
		result(e);
		return;
	}
	if ((e = sysctl_get(av[1], val, sizeof(val))) != 0)
		result(e);
	else
		reply("ok %s", val);
}

static void
cmd_route(char **av)
{
	const struct rtcfg_ops *rc = rtcfg();
	struct rump_rtentry rt;
	struct rump_ifaddr d;

	memset(&rt, 0, sizeof(rt));
	if (parse_ifaddr(av[1], &d) != 0 ||
	    inet_pton(d.family, av[2], rt.gateway) != 1) {
		reply("err usage: route DEST/PLEN GW");
		return;
	}
	if (rc == NULL) {
		reply("err no routing table (boot rumpnet_netinet)");
		return;
	}
	rt.family = d.family;
	rt.plen = d.plen;
	memcpy(rt.dst, d.addr, sizeof(rt.dst));
	rt.flags = RUMP_RTF_UP | RUMP_RTF_GATEWAY | RUMP_RTF_STATIC;
	result(rc->rt_add(&rt));
}

static void
cmd_dmesg(void)
{
	static char buf[KLOG_RINGSIZE + 1];
	char *p;

	klog_read(buf, sizeof(buf));
	for (p = buf; *p; p++)
		if (*p == '\n')
			*p = '|';
	reply("ok %s", buf);
}

/* ---- ping ---- */

static uint16_t
cksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
echo_build(uint8_t *pkt, size_t len, int v6, uint16_t id, uint16_t seq)
{
	uint16_t c;
	size_t i;

	memset(pkt, 0, len);
	pkt[0] = v6 ? 128 : 8;
	pkt[4] = (uint8_t)(id >> 8);
	pkt[5] = (uint8_t)id;
	pkt[6] = (uint8_t)(seq >> 8);
	pkt[7] = (uint8_t)seq;
	for (i = 8; i < len; i++)
		pkt[i] = (uint8_t)i;
	if (!v6) {          /* lwIP computes ICMPv6 checksums itself */
		c = cksum(pkt, len);
		pkt[2] = (uint8_t)(c >> 8);
		pkt[3] = (uint8_t)c;
	}
}

/* Offset of the ICMP header in what a raw socket returned, or -1. */
static int
icmp_off(const uint8_t *b, ssize_t n, int v6)
{
	if (!v6)
		return n >= 20 && (b[0] >> 4) == 4 ? (b[0] & 15) * 4 : -1;
	return 0;
}

static int
echo_match(const uint8_t *b, ssize_t n, int v6, uint16_t id, uint16_t seq)
{
	int off = icmp_off(b, n, v6);

	if (off < 0 || n < off + 8)
		return 0;
	b += off;
	return b[0] == (v6 ? 129 : 0) && (b[4] << 8 | b[5]) == id &&
	    (b[6] << 8 | b[7]) == seq;
}

/* One echo; RTT in us, or -1 on timeout. */
static long
ping_once(int s, const struct sockaddr *sa, socklen_t salen, int v6,
    uint16_t id, uint16_t seq, int timeout_ms)
{
	const struct ksock_ops *k = ksock();
	uint8_t pkt[64], buf[2048];
	struct pollfd pfd;
	uint64_t t0 = now_us(), deadline = t0 + (uint64_t)timeout_ms * 1000;
	ssize_t n;

	echo_build(pkt, sizeof(pkt), v6, id, seq);
	if (k->sendto(s, pkt, sizeof(pkt), 0, sa, salen) < 0)
		return -1;
	while (now_us() < deadline) {
		pfd.fd = s;
		pfd.events = POLLIN;
		if (k->poll(&pfd, 1, (int)((deadline - now_us()) / 1000) + 1)
		    <= 0)
			continue;
		n = k->recvfrom(s, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL);
		if (n > 0 && echo_match(buf, n, v6, id, seq))
			return (long)(now_us() - t0);
	}
	return -1;
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static void
cmd_ping(char **av, int ac)
{
	const struct ksock_ops *k = ksock();
	struct sockaddr_storage ss;
	socklen_t len;
	int count = atoi(av[2]), gap = ac > 3 ? atoi(av[3]) : 0;
	uint32_t scope = ac > 4 ? (uint32_t)atoi(av[4]) : 0;
	int timeout = ac > 5 ? atoi(av[5]) : 1000;
	int fam, s, i, got = 0;
	long *rtt;

	if ((fam = parse_sa(av[1], 0, &ss, &len, scope)) < 0 || count < 1) {
		reply("err bad arguments");
		return;
	}
	s = k->socket(fam, SOCK_RAW, fam == AF_INET ? IPPROTO_ICMP :
	    IPPROTO_ICMPV6);
	if (s < 0 || (rtt = calloc((size_t)count, sizeof(long))) == NULL) {
		result(s < 0 ? s : -ENOMEM);
		return;
	}
	for (i = 0; i < count; i++) {
		long r = ping_once(s, (struct sockaddr *)&ss, len,
		    fam == AF_INET6, 0x4242, (uint16_t)i, timeout);

		if (r >= 0)
			rtt[got++] = r;
		if (gap > 0)
			usleep((useconds_t)gap);
	}
	k->close(s);
	qsort(rtt, (size_t)got, sizeof(long), cmp_long);
	if (got == 0)
		reply("ok sent=%d recv=0", count);
	else
		reply("ok sent=%d recv=%d min=%ld med=%ld p99=%ld max=%ld",
		    count, got, rtt[0], rtt[got / 2], rtt[(got * 99) / 100],
		    rtt[got - 1]);
	free(rtt);
}

/* ---- UDP ---- */

#define UDP_MAX 16384

static void *
udpecho_thread(void *arg)
{
	const struct ksock_ops *k = ksock();
	int s = (int)(intptr_t)arg;
	struct sockaddr_storage from;
	socklen_t fl;
	char *buf;
	ssize_t n;

	if ((buf = malloc(UDP_MAX)) == NULL)
		return NULL;
	for (;;) {
		fl = sizeof(from);
		n = k->recvfrom(s, buf, UDP_MAX, 0, (struct sockaddr *)&from,
		    &fl);
		if (n <= 0)
			break;
		k->sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
	}
	free(buf);
	return NULL;
}

static int
bound_socket(int type, int port)
{
	const struct ksock_ops *k = ksock();
	struct sockaddr_in6 sin6;
	int s, zero = 0, one = 1;

	if ((s = k->socket(AF_INET6, type, 0)) < 0)
		return s;
	k->setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	k->setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons((uint16_t)port);
	if (k->bind(s, (struct sockaddr *)&sin6, sizeof(sin6)) < 0) {
		k->close(s);
		return -EADDRINUSE;
	}
	return s;
}

static void
cmd_udpecho(char **av)
{
	pthread_t t;
	int s;

	if ((s = bound_socket(SOCK_DGRAM, atoi(av[1]))) < 0) {
		result(s);
		return;
	}
	pthread_create(&t, NULL, udpecho_thread, (void *)(intptr_t)s);
	pthread_detach(t);
	reply("ok");
}

static void
cmd_udpping(char **av)
{
	const struct ksock_ops *k = ksock();
	struct sockaddr_storage ss;
	struct pollfd pfd;
	socklen_t len;
	static char buf[UDP_MAX], in[UDP_MAX + 1];
	int count = atoi(av[3]), fam, s, i, got = 0, left;
	uint64_t t0;
	size_t size = av[4] != NULL ? (size_t)atoi(av[4]) : 600;
	uint32_t scope = av[4] != NULL && av[5] != NULL ?
	    (uint32_t)atoi(av[5]) : 0;
	ssize_t n;

	if (size < 16 || size > UDP_MAX) {
		reply("err size %zu: 16 to %d", size, UDP_MAX);
		return;
	}
	if ((fam = parse_sa(av[1], atoi(av[2]), &ss, &len, scope)) < 0) {
		reply("err bad address");
		return;
	}
	if ((s = k->socket(fam, SOCK_DGRAM, 0)) < 0) {
		result(s);
		return;
	}
	for (i = 0; i < count; i++) {
		memset(buf, 'a' + i % 26, size);
		snprintf(buf, size, "dgram %d", i);
		k->sendto(s, buf, size, 0, (struct sockaddr *)&ss, len);
		/* Its echo within a second; a late one of an earlier
		 * datagram is passed over. */
		t0 = now_us();
		pfd.fd = s;
		pfd.events = POLLIN;
		while ((left = 1000 - (int)((now_us() - t0) / 1000)) > 0 &&
		    k->poll(&pfd, 1, left) > 0 &&
		    (n = k->recvfrom(s, in, sizeof(in), 0, NULL, NULL)) >= 0)
			if (n == (ssize_t)size && memcmp(in, buf, size) == 0) {
				got++;
				break;
			}
	}
	k->close(s);
	reply("ok sent=%d recv=%d", count, got);
}

/* ---- TCP ---- */

static struct {
	pthread_t t;
	int listener, running;
	long long bytes;
	int good;
} sink;

static long long
sink_conn(int c, int *good)
{
	const struct ksock_ops *k = ksock();
	static uint8_t buf[65536];
	long long off = 0;
	ssize_t n, i;

	*good = 1;
	while ((n = k->recvfrom(c, buf, sizeof(buf), 0, NULL, NULL)) > 0) {
		for (i = 0; i < n; i++)
			if (buf[i] != PATTERN(off + i))
				*good = 0;
		off += n;
	}
	if (n < 0)
		*good = 0;
	return off;
}

static void *
sink_thread(void *arg)
{
	const struct ksock_ops *k = ksock();
	int c;

	(void)arg;
	c = k->accept(sink.listener, NULL, NULL);
	if (c >= 0) {
		sink.bytes = sink_conn(c, &sink.good);
		k->close(c);
	}
	k->close(sink.listener);
	return NULL;
}

static void
cmd_tcpsink(char **av)
{
	int s;

	if ((s = bound_socket(SOCK_STREAM, atoi(av[1]))) < 0 ||
	    (s = ksock()->listen(s, 4) < 0 ? -EIO : s) < 0) {
		result(s);
		return;
	}
	sink.listener = s;
	sink.bytes = 0;
	sink.good = 0;
	sink.running = 1;
	pthread_create(&sink.t, NULL, sink_thread, NULL);
	reply("ok");
}

static void
cmd_tcpsinkresult(void)
{
	if (!sink.running) {
		reply("err no sink");
		return;
	}
	pthread_join(sink.t, NULL);
	sink.running = 0;
	reply("ok bytes=%lld good=%d", sink.bytes, sink.good);
}

static int
send_pattern(int s, long long total)
{
	const struct ksock_ops *k = ksock();
	static uint8_t buf[65536];
	long long off = 0;
	size_t chunk, i;
	ssize_t n;

	while (off < total) {
		chunk = total - off < (long long)sizeof(buf) ?
		    (size_t)(total - off) : sizeof(buf);
		for (i = 0; i < chunk; i++)
			buf[i] = PATTERN(off + (long long)i);
		if ((n = k->sendto(s, buf, chunk, 0, NULL, 0)) <= 0)
			return n < 0 ? (int)n : -EIO;
		off += n;
	}
	return 0;
}

static void
cmd_tcpsend(char **av)
{
	const struct ksock_ops *k = ksock();
	struct sockaddr_storage ss;
	long long total = atoll(av[3]);
	socklen_t len;
	uint64_t t0;
	char b;
	int fam, s, e;

	if ((fam = parse_sa(av[1], atoi(av[2]), &ss, &len, 0)) < 0 ||
	    (s = k->socket(fam, SOCK_STREAM, 0)) < 0) {
		reply("err socket");
		return;
	}
	t0 = now_us();
	if ((e = k->connect(s, (struct sockaddr *)&ss, len)) < 0 ||
	    (e = send_pattern(s, total)) < 0) {
		k->close(s);
		result(e);
		return;
	}
	k->shutdown(s, SHUT_WR);
	k->recvfrom(s, &b, 1, 0, NULL, NULL);       /* the sink's close */
	t0 = now_us() - t0;
	k->close(s);
	reply("ok bytes=%lld us=%llu mbit=%.1f", total, (unsigned long long)t0,
	    (double)total * 8 / (double)t0);
}

/* ---- connect to a closed port, blocking and not ---- */

static void
cmd_refused(char **av)
{
	const struct ksock_ops *k = ksock();
	struct sockaddr_storage ss;
	struct pollfd pfd;
	socklen_t len, el = sizeof(int);
	int s, fam, eb, enb = 0, soerr = -1;

	if ((fam = parse_sa(av[1], atoi(av[2]), &ss, &len, 0)) < 0) {
		reply("err bad address");
		return;
	}
	s = k->socket(fam, SOCK_STREAM, 0);
	eb = k->connect(s, (struct sockaddr *)&ss, len);
	k->close(s);
	s = k->socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	enb = k->connect(s, (struct sockaddr *)&ss, len);
	pfd.fd = s;
	pfd.events = POLLOUT;
	if (enb == -EINPROGRESS && k->poll(&pfd, 1, 3000) == 1)
		k->getsockopt(s, SOL_SOCKET, SO_ERROR, &soerr, &el);
	k->close(s);
	reply("%s blocking=%d nonblocking=%d so_error=%d",
	    eb == -ECONNREFUSED && enb == -EINPROGRESS &&
	    soerr == ECONNREFUSED ? "ok" : "err", eb, enb, soerr);
}

/* ---- one socket, two threads: duplex ---- */

static void *
echo_thread(void *arg)
{
	const struct ksock_ops *k = ksock();
	int l = (int)(intptr_t)arg, c;
	static char buf[32768];
	ssize_t n, m, off;

	if ((c = k->accept(l, NULL, NULL)) < 0)
		return NULL;
	while ((n = k->recvfrom(c, buf, sizeof(buf), 0, NULL, NULL)) > 0)
		for (off = 0; off < n; off += m)
			if ((m = k->sendto(c, buf + off, (size_t)(n - off), 0,
			    NULL, 0)) <= 0)
				goto out;
out:
	k->close(c);
	return NULL;
}

struct reader {
	int s;
	long long want, got;
	int good;
};

static void *
reader_thread(void *arg)
{
	struct reader *r = arg;

	r->good = 1;
	r->got = 0;
	{
		static uint8_t buf[65536];
		ssize_t n, i;

		while (r->got < r->want && (n = ksock()->recvfrom(r->s, buf,
		    sizeof(buf), 0, NULL, NULL)) > 0) {
			for (i = 0; i < n; i++)
				if (buf[i] != PATTERN(r->got + i))
					r->good = 0;
			r->got += n;
		}
	}
	return NULL;
}

/* A TCP echo over the loopback; this thread sends while another thread
 * receives on the same socket. */
static void
cmd_duplex(char **av)
{
	const struct ksock_ops *k = ksock();
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct reader r = { .want = atoll(av[1]) };
	pthread_t te, tr;
	int l, e;

	l = bound_socket(SOCK_STREAM, 7100);
	if (l < 0 || k->listen(l, 1) < 0) {
		reply("err listen");
		return;
	}
	pthread_create(&te, NULL, echo_thread, (void *)(intptr_t)l);
	sin.sin_port = htons(7100);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r.s = k->socket(AF_INET, SOCK_STREAM, 0);
	if ((e = k->connect(r.s, (struct sockaddr *)&sin, sizeof(sin))) < 0) {
		result(e);
		return;
	}
	pthread_create(&tr, NULL, reader_thread, &r);
	e = send_pattern(r.s, r.want);
	pthread_join(tr, NULL);
	k->close(r.s);
	pthread_join(te, NULL);
	k->close(l);
	reply("%s sent=%d got=%lld good=%d", e == 0 && r.got == r.want &&
	    r.good ? "ok" : "err", e, r.got, r.good);
}

/* ---- churn: interfaces created and destroyed ---- */

static void
cmd_churn(char **av)
{
	const struct netcfg_ops *nc = netcfg();
	char name[32], path[300], detail[256];
	int rounds = atoi(av[2]), i, j, e = 0;

	for (i = 0; i < rounds && e == 0; i++) {
		for (j = 0; j < 8 && e == 0; j++) {
			snprintf(name, sizeof(name), "shmif%d", 10 + j);
			snprintf(path, sizeof(path), "%s/churn%d", av[1], j);
			if ((e = nc->if_create(name)) == 0 &&
			    (e = nc->if_set_linkstr(name, path, detail,
			    sizeof(detail))) == 0)
				e = nc->if_set_flags(name, RUMP_IFF_UP, 0);
		}
		for (j = 0; j < 8; j++) {
			snprintf(name, sizeof(name), "shmif%d", 10 + j);
			nc->if_destroy(name);
		}
	}
	if (e != 0)
		reply("err %d round %d", e, i);
	else
		reply("ok rounds=%d", rounds);
}

/* ---- abort ---- */

struct blocked {
	int s, op;              /* 0 accept, 1 recv, 2 poll */
	long r;
	uint64_t done;
};

static void *
blocked_thread(void *arg)
{
	const struct ksock_ops *k = ksock();
	struct blocked *b = arg;
	struct pollfd pfd = { .fd = b->s, .events = POLLIN };
	char c;

	if (b->op == 0)
		b->r = k->accept(b->s, NULL, NULL);
	else if (b->op == 1)
		b->r = k->recvfrom(b->s, &c, 1, 0, NULL, NULL);
	else
		b->r = k->poll(&pfd, 1, -1) > 0 ? pfd.revents : -1;
	__atomic_store_n(&b->done, now_us(), __ATOMIC_RELEASE);
	return NULL;
}

/* Block a thread in op on s, abort s, return the ms it took to wake. */
static long
abort_one(int s, int op, long *ret)
{
	struct blocked b = { .s = s, .op = op };
	pthread_t t;
	uint64_t t0;

	pthread_create(&t, NULL, blocked_thread, &b);
	usleep(100000);
	if (__atomic_load_n(&b.done, __ATOMIC_ACQUIRE) != 0) {
		pthread_join(t, NULL);
		*ret = b.r;
		return -1;              /* did not block */
	}
	t0 = now_us();
	ksock()->abort(s);
	pthread_join(t, NULL);
	*ret = b.r;
	return (long)((b.done - t0) / 1000);
}

static void
cmd_aborttest(void)
{
	const struct ksock_ops *k = ksock();
	long ms[3], r[3];
	int s[3], i;

	s[0] = bound_socket(SOCK_STREAM, 7001);
	k->listen(s[0], 1);
	s[1] = bound_socket(SOCK_DGRAM, 7002);
	s[2] = bound_socket(SOCK_DGRAM, 7003);
	for (i = 0; i < 3; i++) {
		ms[i] = abort_one(s[i], i, &r[i]);
		k->close(s[i]);
	}
	reply("%s accept=%ldms/%ld recv=%ldms/%ld poll=%ldms/0x%lx",
	    ms[0] >= 0 && ms[0] < 500 && r[0] == -ECONNABORTED &&
	    ms[1] >= 0 && ms[1] < 500 && r[1] == 0 &&
	    ms[2] >= 0 && ms[2] < 500 && (r[2] & POLLHUP) ? "ok" : "err",
	    ms[0], r[0], ms[1], r[1], ms[2], r[2]);
}

/* ---- the loop ---- */

static void
dispatch(char **av, int ac)
{
	const char *c = av[0];

	if (!strcmp(c, "boot"))
		cmd_boot(av, ac);
	else if (!strcmp(c, "create") && ac == 2)
		result(netcfg()->if_create(av[1]));
	else if (!strcmp(c, "destroy") && ac == 2)
		result(netcfg()->if_destroy(av[1]));
	else if (!strcmp(c, "link") && ac == 3)
		cmd_link(av);
	else if (!strcmp(c, "up") && ac == 2)
		result(netcfg()->if_set_flags(av[1], RUMP_IFF_UP, 0));
	else if (!strcmp(c, "down") && ac == 2)
		result(netcfg()->if_set_flags(av[1], 0, RUMP_IFF_UP));
	else if (!strcmp(c, "mtu") && ac == 3)
		result(netcfg()->if_set_mtu(av[1], (uint32_t)atoi(av[2])));
	else if ((!strcmp(c, "addr") || !strcmp(c, "deladdr")) && ac == 3)
		cmd_addr(av, c[0] == 'd');
	else if (!strcmp(c, "info") && ac == 2)
		cmd_info(av);
	else if (!strcmp(c, "waitdad") && ac == 3)
		cmd_waitdad(av);
	else if (!strcmp(c, "sysctl") && ac >= 2)
		cmd_sysctl(av, ac);
	else if (!strcmp(c, "route") && ac == 3)
		cmd_route(av);
	else if (!strcmp(c, "ping") && ac >= 3)
		cmd_ping(av, ac);
	else if (!strcmp(c, "udpecho") && ac == 2)
		cmd_udpecho(av);
	else if (!strcmp(c, "udpping") && ac >= 4 && ac <= 6)
		cmd_udpping(av);
	else if (!strcmp(c, "tcpsink") && ac == 2)
		cmd_tcpsink(av);
	else if (!strcmp(c, "tcpsinkresult"))
		cmd_tcpsinkresult();
	else if (!strcmp(c, "tcpsend") && ac == 4)
		cmd_tcpsend(av);
	else if (!strcmp(c, "refused") && ac == 3)
		cmd_refused(av);
	else if (!strcmp(c, "duplex") && ac == 2)
		cmd_duplex(av);
	else if (!strcmp(c, "churn") && ac == 3)
		cmd_churn(av);
	else if (!strcmp(c, "aborttest"))
		cmd_aborttest();
	else if (!strcmp(c, "index") && ac == 2)
		result(ifnet_index(av[1]));
	else if (!strcmp(c, "tid"))
		reply("ok %ld", (long)syscall(SYS_gettid));
	else if (!strcmp(c, "dmesg"))
		cmd_dmesg();
	else
		reply("err unknown command %s", c);
}

void
netnode_run(int in, int out)
{
	FILE *cmds = fdopen(in, "r");
	char line[1024], *av[17], *p;
	int ac;

	ans = fdopen(out, "w");
	if (cmds == NULL || ans == NULL)
		_exit(1);
	if (getenv("NETNODE_VERBOSE") != NULL)
		klog_set_mirror(2, KLOG_DEBUG);
	while (fgets(line, sizeof(line), cmds) != NULL) {
		ac = 0;
		for (p = strtok(line, " \t\n"); p != NULL && ac < 16;
		    p = strtok(NULL, " \t\n"))
			av[ac++] = p;
		av[ac] = NULL;
		if (ac == 0)
			continue;
		if (!strcmp(av[0], "quit"))
			break;
		dispatch(av, ac);
	}
	reply("ok bye");
	component_fini_all();
	if (getenv("NETNODE_LEAKCHECK") != NULL)
		exit(0);
	_exit(0);
}
