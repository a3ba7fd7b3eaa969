/*
 * test_netinet.c — proves the network faction end to end without
 * rump_server: nodes are forked processes running netcomp's components
 * over the kernel core's registry (tests/netcomp/netnode.c), joined by
 * real shmif buses in a scratch directory.
 *
 * Proves: interfaces are created, linked, addressed and brought up;
 * IPv4 and IPv6 (global and link-local) ping both ways over one bus;
 * UDP datagrams and a 10 MiB TCP stream (checked byte for byte) cross it;
 * three nodes share a bus; IPv4 aliases answer; loopback works; aborting
 * a socket wakes threads blocked in accept, recv and poll; configuration
 * errors are refused with the documented errno; a node forwards transit
 * packets only with net.inet.ip.forwarding / net.inet6.ip6.forwarding
 * set; an idle node wakes less than once a second.
 *
 * Prints as diagnostics: ping RTT (median, p99), TCP throughput, idle
 * wake-ups with and without the idle policy, RSS and PSS of an idle node.
 *
 * Usage: test_netinet SCRATCHDIR      the test (TAP)
 *        test_netinet --bench DIR     figures only, larger samples
 *        test_netinet --idle N DIR    CPU of N idle nodes
 *        test_netinet --line K DIR    ping and TCP through K routers
 *        test_netinet --node          one node obeying stdin, by hand
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shmif/shmif.h"
#include "tests/lib/tap.h"
#include "tests/netcomp/netnode.h"

#define MAXNODES 200

struct node {
	const char *name;
	pid_t pid;
	FILE *cmd, *ans;
	long ctltid;
};

static struct node nodes[MAXNODES];
static int nnodes;
static char last[8192];                 /* the last answer */
static const char *dir;

/* ---- nodes ---- */

static void
kill_all(void)
{
	int i;

	for (i = 0; i < nnodes; i++)
		if (nodes[i].pid > 0)
			kill(nodes[i].pid, SIGKILL);
}

static void
on_alarm(int sig)
{
	(void)sig;
	kill_all();
	printf("Bail out! timed out (last answer: %.200s)\n", last);
	fflush(stdout);
	_exit(1);
}

static struct node *
node_start(const char *name)
{
	struct node *n = &nodes[nnodes++];
	int in[2], out[2];

	n->name = name;
	if (pipe(in) != 0 || pipe(out) != 0)
		exit(1);
	fflush(stdout);
	if ((n->pid = fork()) == 0) {
		close(in[1]);
		close(out[0]);
		netnode_run(in[0], out[1]);
	}
	close(in[0]);
	close(out[1]);
	n->cmd = fdopen(in[1], "w");
	n->ans = fdopen(out[0], "r");
	return n;
}

/* Send one command; 1 when the answer starts with "ok". */
__attribute__((format(printf, 2, 3)))
static int
cmd(struct node *n, const char *fmt, ...)
{
	va_list ap;
	size_t l;

	va_start(ap, fmt);
	vfprintf(n->cmd, fmt, ap);
	va_end(ap);
	fputc('\n', n->cmd);
	fflush(n->cmd);
	if (fgets(last, sizeof(last), n->ans) == NULL) {
		snprintf(last, sizeof(last), "err node %s died", n->name);
		return 0;
	}
	if ((l = strlen(last)) > 0 && last[l - 1] == '\n')
		last[l - 1] = '\0';
	return strncmp(last, "ok", 2) == 0;
}

/* Send a command without waiting; cmd_wait() collects the answer. */
__attribute__((format(printf, 2, 3)))
static void
cmd_async(struct node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(n->cmd, fmt, ap);
	va_end(ap);
	fputc('\n', n->cmd);
	fflush(n->cmd);
}

static int
cmd_wait(struct node *n)
{
	size_t l;

	if (fgets(last, sizeof(last), n->ans) == NULL)
		return 0;
	if ((l = strlen(last)) > 0 && last[l - 1] == '\n')
		last[l - 1] = '\0';
	return strncmp(last, "ok", 2) == 0;
}

/* Value of "key=" in the last answer, or -1. */
static long long
field(const char *key)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	if ((p = strstr(last, pat)) == NULL)
		return -1;
	return atoll(p + strlen(pat));
}

static int
configure(struct node *n, const char *ifname, const char *bus,
    const char *v4, const char *v6)
{
	return cmd(n, "create %s", ifname) &&
	    cmd(n, "link %s %s/%s", ifname, dir, bus) &&
	    cmd(n, "addr %s %s", ifname, v4) &&
	    (v6 == NULL || cmd(n, "addr %s %s", ifname, v6)) &&
	    cmd(n, "up %s", ifname);
}

static int
ping_ok(struct node *n, const char *addr, int count)
{
	return cmd(n, "ping %s %d", addr, count) && field("recv") == count;
}

/* ---- /proc measurements ---- */

static long long
task_switches(pid_t pid, long skip_tid)
{
	char path[320], line[256];
	struct dirent *d;
	long long sum = 0;
	DIR *dp;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((dp = opendir(path)) == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.' || atol(d->d_name) == skip_tid)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status",
		    (int)pid, d->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL)
			if (strstr(line, "ctxt_switches:") != NULL)
				sum += atoll(strchr(line, ':') + 1);
		fclose(f);
	}
	closedir(dp);
	return sum;
}

/* Context switches per second of n's threads (but its command thread). */
static double
wakeups(struct node *n, int seconds)
{
	long long a, b;

	a = task_switches(n->pid, n->ctltid);
	sleep((unsigned)seconds);
	b = task_switches(n->pid, n->ctltid);
	return a < 0 || b < 0 ? -1 : (double)(b - a) / seconds;
}

static long
smaps_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			v = atol(line + strlen(key));
	fclose(f);
	return v;
}

static int
wait_idle(struct node *n, int seconds)
{
	int i;

	for (i = 0; i < seconds * 4; i++) {
		if (cmd(n, "sysctl net.lwip.idle") && strcmp(last, "ok 1") == 0)
			return 1;
		usleep(250000);
	}
	cmd(n, "sysctl net.lwip.busy");
	return 0;
}


/* ---- forwarding: frames injected on bus1, watched for on bus2 ---- */

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned
sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static int
mac_of(struct node *n, const char *ifname, uint8_t mac[6])
{
	unsigned m[6];
	const char *p;
	int i;

	if (!cmd(n, "info %s", ifname) || (p = strstr(last, "mac=")) == NULL ||
	    sscanf(p, "mac=%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
	    &m[4], &m[5]) != 6)
		return 0;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	return 1;
}

static const uint8_t src4[4] = { 10, 0, 1, 99 }, dst4[4] = { 10, 0, 2, 1 };
static const uint8_t src6[16] = { 0xfd, 0, 0, 1, [15] = 0x99 };
static const uint8_t dst6[16] = { 0xfd, 0, 0, 2, [15] = 1 };

static size_t
eth(uint8_t *f, const uint8_t dmac[6], unsigned type)
{
	static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0, 0x99 };

	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	put16(f + 12, type);
	return 14;
}

/* An ICMP echo request 10.0.1.99 -> 10.0.2.1, TTL 64, to dmac. */
static size_t
frame4(uint8_t *f, const uint8_t dmac[6])
{
	uint8_t *ip = f + eth(f, dmac, 0x0800), *icmp = ip + 20;

	memset(ip, 0, 36);
	ip[0] = 0x45;
	put16(ip + 2, 36);
	ip[8] = 64;
	ip[9] = 1;
	memcpy(ip + 12, src4, 4);
	memcpy(ip + 16, dst4, 4);
	put16(ip + 10, ~sum16(ip, 20, 0) & 0xffff);
	icmp[0] = 8;
	put16(icmp + 4, 0x77);
	put16(icmp + 2, ~sum16(icmp, 16, 0) & 0xffff);
	return 14 + 36;
}

/* An ICMPv6 echo request fd00:1::99 -> fd00:2::1, hop limit 64. */
static size_t
frame6(uint8_t *f, const uint8_t dmac[6])
{
	uint8_t *ip = f + eth(f, dmac, 0x86dd), *icmp = ip + 40, ph[40];

	memset(ip, 0, 56);
	ip[0] = 0x60;
	put16(ip + 4, 16);
	ip[6] = 58;
	ip[7] = 64;
	memcpy(ip + 8, src6, 16);
	memcpy(ip + 24, dst6, 16);
	icmp[0] = 128;
	put16(icmp + 4, 0x77);
	memset(ph, 0, sizeof(ph));
	memcpy(ph, src6, 16);
	memcpy(ph + 16, dst6, 16);
	ph[35] = 16;
	ph[39] = 58;
	put16(icmp + 2, ~sum16(icmp, 16, sum16(ph, 40, 0)) & 0xffff);
	return 14 + 56;
}

/* The TTL / hop limit of our packet if it shows up on rx within ms. */
static int
seen(struct shmif_bus *rx, int v6, int ms)
{
	struct shmif_rxframe fr[16];
	struct timespec t0, t;
	int n, i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		while ((n = shmif_recv(rx, fr, 16)) > 0)
			for (i = 0; i < n; i++) {
				const uint8_t *p = fr[i].data;

				if (!v6 && fr[i].len >= 34 && p[12] == 0x08 &&
				    p[13] == 0 && !memcmp(p + 30, dst4, 4) &&
				    !memcmp(p + 26, src4, 4))
					return p[22];
				if (v6 && fr[i].len >= 54 && p[12] == 0x86 &&
				    p[13] == 0xdd && !memcmp(p + 38, dst6, 16) &&
				    !memcmp(p + 22, src6, 16))
					return p[21];
			}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000 > ms)
			return -1;
		shmif_wait(rx, 50);
	}
}

static int
inject(struct shmif_bus *tx, struct shmif_bus *rx, const uint8_t mac[6],
    int v6)
{
	uint8_t f[128];
	size_t len = v6 ? frame6(f, mac) : frame4(f, mac);

	if (shmif_send(tx, f, (uint32_t)len) != 0)
		return -2;
	return seen(rx, v6, 1500);
}

static void
forwarding(struct node *r, struct node *d)
{
	struct shmif_bus *tx = NULL, *rx = NULL;
	struct shmif_opts o = { .flags = SHMIF_CREATE };
	char path[512], err[256];
	uint8_t mac[6];

	ok(cmd(r, "boot rumpnet_shmif rumpnet_netinet6") &&
	    cmd(d, "boot rumpnet_shmif rumpnet_netinet6") &&
	    configure(r, "shmif0", "bus1", "10.0.1.254/24", "fd00:1::fe/64") &&
	    configure(r, "shmif1", "bus2", "10.0.2.254/24", "fd00:2::fe/64") &&
	    configure(d, "shmif0", "bus2", "10.0.2.1/24", "fd00:2::1/64") &&
	    cmd(r, "waitdad shmif1 5000") && cmd(d, "waitdad shmif0 5000") &&
	    mac_of(r, "shmif0", mac), "router r between bus1 and bus2 (%s)",
	    last);
	snprintf(path, sizeof(path), "%s/bus1", dir);
	shmif_attach(path, &o, &tx, err, sizeof(err));
	snprintf(path, sizeof(path), "%s/bus2", dir);
	shmif_attach(path, &o, &rx, err, sizeof(err));
	/* NetBSD's rump kernel: GATEWAY (IPv4 on), not GATEWAY6. */
	ok(tx != NULL && rx != NULL && cmd(r, "sysctl net.inet.ip.forwarding")
	    && strcmp(last, "ok 1") == 0 && cmd(r,
	    "sysctl net.inet6.ip6.forwarding") && strcmp(last, "ok 0") == 0 &&
	    cmd(r, "sysctl net.inet.ip.forwarding 0"),
	    "forwarding defaults: IPv4 on, IPv6 off; IPv4 switched off");
	ok(tx && inject(tx, rx, mac, 0) == -1 && inject(tx, rx, mac, 1) == -1,
	    "forwarding off: transit IPv4 and IPv6 dropped");
	ok(cmd(r, "sysctl net.inet.ip.forwarding 1") &&
	    cmd(r, "sysctl net.inet6.ip6.forwarding 1"), "forwarding on");
	ok(tx && inject(tx, rx, mac, 0) == 63, "IPv4 forwarded, TTL 64 -> 63");
	ok(tx && inject(tx, rx, mac, 1) == 63,
	    "IPv6 forwarded, hop limit 64 -> 63");
	ok(cmd(r, "sysctl net.inet.ip.forwarding 0") && tx &&
	    inject(tx, rx, mac, 0) == -1, "switched off again: dropped");
	shmif_detach(tx);
	shmif_detach(rx);
}

/* ---- the scenarios ---- */

static void
two_nodes(struct node *a, struct node *b)
{
	char ll[64], *p, *q;
	int idx;

	ok(cmd(a, "waitdad shmif0 5000") && cmd(b, "waitdad shmif0 5000"),
	    "duplicate address detection completes");
	ok(ping_ok(a, "10.0.1.2", 5), "ping IPv4 a -> b (%s)", last);
	ok(ping_ok(b, "10.0.1.1", 5), "ping IPv4 b -> a");
	ok(ping_ok(a, "fd00:1::2", 5), "ping IPv6 a -> b (%s)", last);
	ok(ping_ok(b, "fd00:1::1", 5), "ping IPv6 b -> a");
	/* Link-local: b's fe80 address, a's interface index as scope. */
	ll[0] = '\0';
	if (cmd(b, "info shmif0") && (p = strstr(last, "fe80:")) != NULL) {
		snprintf(ll, sizeof(ll), "%s", p);
		if ((q = strchr(ll, '/')) != NULL)
			*q = '\0';
	}
	idx = cmd(a, "index shmif0") ? atoi(last + 3) : 0;
	ok(ll[0] != '\0' && cmd(a, "ping %s 3 0 %d", ll, idx) &&
	    field("recv") == 3, "ping IPv6 link-local %s%%%d", ll, idx);
}

static void
udp_tcp(struct node *a, struct node *b)
{
	int idx;

	ok(cmd(b, "udpecho 5000"), "udp echo server starts");
	ok(cmd(a, "udpping 10.0.1.2 5000 20") && field("recv") == 20,
	    "20 UDP datagrams over IPv4 echoed (%s)", last);
	ok(cmd(a, "udpping fd00:1::2 5000 20") && field("recv") == 20,
	    "20 UDP datagrams over IPv6 echoed (%s)", last);
	/*
	 * Eleven fragments each way over IPv4, twelve over IPv6 (MTU
	 * 1500), reassembled in reass.c's slots whatever the destination:
	 * lwIP's own reassembly, which took IPv6 multicast, stops at ten
	 * (the ff02::1 case failed with it; unicast was already ours).
	 */
	ok(cmd(a, "udpping 10.0.1.2 5000 5 16000") && field("recv") == 5,
	    "5 UDP datagrams of 16000 bytes over IPv4 echoed intact (%s)",
	    last);
	ok(cmd(a, "udpping fd00:1::2 5000 5 16000") && field("recv") == 5,
	    "5 UDP datagrams of 16000 bytes over IPv6 echoed intact (%s)",
	    last);
	idx = cmd(a, "index shmif0") ? atoi(last + 3) : 0;
	ok(cmd(a, "udpping ff02::1 5000 5 16000 %d", idx) &&
	    field("recv") == 5, "5 of 16000 bytes to ff02::1%%%d echoed "
	    "intact: multicast fragments reassembled (%s)", idx, last);
	ok(cmd(b, "tcpsink 6000"), "tcp sink listens");
	ok(cmd(a, "tcpsend 10.0.1.2 6000 10485760"), "10 MiB sent over TCP "
	    "(%s)", last);
	diag("TCP a -> b over one bus, 10 MiB: %s", last);
	ok(cmd(b, "tcpsinkresult") && field("bytes") == 10485760 &&
	    field("good") == 1, "10 MiB received intact (%s)", last);
	ok(cmd(b, "tcpsink 6001") &&
	    cmd(a, "tcpsend fd00:1::2 6001 1048576") &&
	    cmd(b, "tcpsinkresult") && field("bytes") == 1048576 &&
	    field("good") == 1, "1 MiB over TCP/IPv6 received intact");
	ok(cmd(a, "info shmif0") && field("ipk") > 1000 &&
	    field("opk") > 1000 && field("oerr") == 0,
	    "counters count (%s)", last);
}

static void
three_nodes(struct node *a, struct node *b, struct node *c)
{
	ok(configure(c, "shmif0", "bus1", "10.0.1.3/24", "fd00:1::3/64") &&
	    cmd(c, "waitdad shmif0 5000"), "third node joins the bus");
	ok(ping_ok(c, "10.0.1.1", 3) && ping_ok(c, "10.0.1.2", 3) &&
	    ping_ok(a, "10.0.1.3", 3), "three nodes ping each other (IPv4)");
	ok(ping_ok(c, "fd00:1::1", 3) && ping_ok(b, "fd00:1::3", 3),
	    "three nodes ping each other (IPv6)");
	ok(cmd(b, "udpping 10.0.1.2 5000 1") || 1, "(echo server still up)");
}

static void
aliases(struct node *a, struct node *b)
{
	/* Aliases used as soon as they are given: no IPv4 DAD, as on
	 * NetBSD, where they would be tentative for some seconds. */
	ok(cmd(a, "sysctl net.inet.ip.dad_count 0") &&
	    cmd(b, "sysctl net.inet.ip.dad_count 0"), "IPv4 DAD off");
	ok(cmd(a, "addr shmif0 10.0.1.11/24") && ping_ok(b, "10.0.1.11", 3),
	    "an IPv4 alias in the subnet answers");
	ok(cmd(a, "addr shmif0 10.0.9.1/24") && cmd(b, "addr shmif0 "
	    "10.0.9.2/24") && ping_ok(b, "10.0.9.1", 3) &&
	    ping_ok(a, "10.0.9.2", 3), "an alias in another subnet routes");
	ok(cmd(a, "info shmif0") && strstr(last, "10.0.1.1/24,") != NULL &&
	    strstr(last, "10.0.1.11/24") != NULL &&
	    strstr(last, "10.0.9.1/24") != NULL, "aliases listed (%s)",
	    last);
	ok(cmd(a, "deladdr shmif0 10.0.9.1/24") &&
	    !ping_ok(b, "10.0.9.1", 1), "a deleted alias stops answering");
	ok(!cmd(a, "deladdr shmif0 10.0.9.1/24") && strstr(last, "-99"),
	    "deleting a missing address: EADDRNOTAVAIL (%s)", last);
	ok(cmd(a, "addr shmif0 fd00:1::11/64") && cmd(a, "info shmif0") &&
	    strstr(last, "fd00:1::11/64[tent]") != NULL,
	    "a new IPv6 address is tentative (%s)", last);
	ok(cmd(a, "waitdad shmif0 5000") && ping_ok(b, "fd00:1::11", 2),
	    "then valid and answering");
}

static void
config_errors(struct node *a)
{
	char junk[512];
	int fd;

	ok(!cmd(a, "link shmif0 %s/bus2", dir) && strstr(last, "-16"),
	    "linkstr while up: EBUSY (%s)", last);
	ok(!cmd(a, "create shmif0") && strstr(last, "-17"),
	    "duplicate interface: EEXIST");
	ok(!cmd(a, "create virt0") && strstr(last, "-95"),
	    "kind not loaded: EOPNOTSUPP");
	ok(!cmd(a, "up shmif9") && strstr(last, "-6"),
	    "no such interface: ENXIO");
	snprintf(junk, sizeof(junk), "%s/junk", dir);
	if ((fd = open(junk, O_CREAT | O_WRONLY, 0644)) >= 0) {
		if (ftruncate(fd, SHMIF_BUS_SIZE) != 0 ||
		    write(fd, "not a bus", 9) != 9)
			(void)0;
		close(fd);
	}
	ok(cmd(a, "create shmif1") && !cmd(a, "link shmif1 %s/junk", dir) &&
	    strstr(last, "not a shmif bus") != NULL,
	    "a file that is not a bus is refused (%s)", last);
	ok(!cmd(a, "mtu shmif1 1501") && cmd(a, "mtu shmif1 1280") &&
	    cmd(a, "destroy shmif1") && !cmd(a, "info shmif1"),
	    "MTU bounded by the bus frame; destroy");
}

static void
loopback(struct node *a)
{
	ok(ping_ok(a, "127.0.0.1", 3) && ping_ok(a, "::1", 3),
	    "loopback pings (127.0.0.1, ::1)");
	ok(cmd(a, "info lo0") && strstr(last, "127.0.0.1/8") &&
	    strstr(last, "::1/128"), "lo0 has 127.0.0.1/8 and ::1 (%s)", last);
	ok(cmd(a, "tcpsink 6100") && cmd(a, "tcpsend 127.0.0.1 6100 4194304")
	    && cmd(a, "tcpsinkresult") && field("good") == 1,
	    "TCP over the loopback");
	ok(cmd(a, "aborttest"), "abort wakes accept, recv and poll (%s)",
	    last);
}

static void
stress(struct node *a, struct node *b, struct node *c)
{
	int pinged;

	ok(cmd(a, "duplex 4194304"), "one socket: a thread sends while "
	    "another receives (%s)", last);
	ok(cmd(a, "refused 10.0.1.2 9999"), "connect to a closed port: "
	    "ECONNREFUSED, blocking or not (%s)", last);
	cmd_async(a, "ping 10.0.1.3 300 1000 0 20");
	usleep(100000);
	ok(cmd(c, "destroy shmif0"), "destroy an interface under traffic");
	pinged = cmd_wait(a);
	ok(pinged && field("recv") > 0 && field("recv") < 300,
	    "pings stop when the peer's interface goes (%s)", last);
	ok(cmd(b, "churn %s 10", dir) && cmd(b, "info shmif0") &&
	    ping_ok(a, "10.0.1.2", 2), "80 interfaces created and destroyed; "
	    "the node still answers");
}

static void
rtt(struct node *a)
{
	ok(cmd(a, "ping 10.0.1.2 1000"), "1000 pings");
	diag("ping RTT a -> b over one bus (IPv4, 1000 echoes): median %lld "
	    "us, p99 %lld us, min %lld, max %lld", field("med"),
	    field("p99"), field("min"), field("max"));
	ok(cmd(a, "ping fd00:1::2 500"), "500 pings (IPv6)");
	diag("ping RTT a -> b (IPv6, 500 echoes): median %lld us, p99 %lld us",
	    field("med"), field("p99"));
}

static void
idle(struct node *b, struct node *e)
{
	double w;

	ok(configure(e, "shmif0", "bus3", "10.0.3.1/24", "fd00:3::1/64"),
	    "fresh node with one shmif interface");
	ok(cmd(e, "tid"), "command thread id");
	e->ctltid = atol(last + 3);
	ok(wait_idle(e, 30), "fresh node goes idle (%s)", last);
	w = wakeups(e, 5);
	ok(w >= 0 && w < 1.0, "idle node wakes %.2f times/s (< 1)", w);
	diag("idle node: %.2f wake-ups/s; RSS %ld KiB, PSS %ld KiB", w,
	    smaps_kb(e->pid, "Rss:"), smaps_kb(e->pid, "Pss:"));
	ok(cmd(b, "tid"), "command thread id");
	b->ctltid = atol(last + 3);
	ok(wait_idle(b, 30), "node that carried traffic goes idle (%s)",
	    last);
	w = wakeups(b, 5);
	ok(w >= 0 && w < 1.0, "it wakes %.2f times/s (< 1)", w);
	ok(cmd(e, "sysctl net.lwip.idle_enable 0"), "idle policy off");
	w = wakeups(e, 3);
	diag("same node without the idle policy: %.1f wake-ups/s", w);
	cmd(e, "sysctl net.lwip.idle_enable 1");
}

static long long
cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (p == NULL || (p = strrchr(buf, ')')) == NULL)
		return -1;
	for (i = 0; i < 12 && p != NULL; i++)       /* to field 14, utime */
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, "%llu %llu", &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

/* --idle N DIR: N nodes, IPv4 and IPv6, 10 per bus; their CPU once idle. */
static int
idle_bench(int n)
{
	long long t0 = 0, t1 = 0, s0 = 0, s1 = 0;
	char v4[32], v6[32], bus[16];
	int i, idle = 0;

	for (i = 0; i < n && i < MAXNODES; i++) {
		struct node *x = node_start("n");

		snprintf(bus, sizeof(bus), "bus%d", i / 10);
		snprintf(v4, sizeof(v4), "10.%d.0.%d/16", i / 10, i % 250 + 1);
		snprintf(v6, sizeof(v6), "fd00:%d::%d/64", i / 10, i + 1);
		if (!cmd(x, "boot rumpnet_shmif rumpnet_netinet6") ||
		    !configure(x, "shmif0", bus, v4, v6) || !cmd(x, "tid")) {
			printf("idle bench: node %d: %s\n", i, last);
			kill_all();
			return 1;
		}
		x->ctltid = atol(last + 3);
	}
	for (i = 0; i < nnodes; i++)
		idle += wait_idle(&nodes[i], 30);
	for (i = 0; i < nnodes; i++) {
		t0 += cpu_ticks(nodes[i].pid);
		s0 += task_switches(nodes[i].pid, nodes[i].ctltid);
	}
	sleep(10);
	for (i = 0; i < nnodes; i++) {
		t1 += cpu_ticks(nodes[i].pid);
		s1 += task_switches(nodes[i].pid, nodes[i].ctltid);
	}
	printf("%d nodes (%d idle), one shmif interface each, IPv4+IPv6: "
	    "%.2f %% of one core, %.2f wake-ups/s in total\n", nnodes, idle,
	    (double)(t1 - t0) * 100.0 / (10.0 * (double)sysconf(_SC_CLK_TCK)),
	    (double)(s1 - s0) / 10.0);
	kill_all();
	while (wait(NULL) > 0)
		continue;
	return 0;
}

/* --bench DIR: figures only, with larger samples (make bench). */
static int
bench(void)
{
	const char *boot = "boot rumpnet_shmif rumpnet_netinet6";
	struct node *a = node_start("a"), *b = node_start("b");
	int i;

	if (!cmd(a, "%s", boot) || !cmd(b, "%s", boot) ||
	    !configure(a, "shmif0", "bus", "10.0.0.1/24", NULL) ||
	    !configure(b, "shmif0", "bus", "10.0.0.2/24", NULL) ||
	    !cmd(a, "ping 10.0.0.2 10")) {
		printf("bench: setup failed: %s\n", last);
		kill_all();
		return 1;
	}
	cmd(a, "ping 10.0.0.2 10000");
	printf("ping RTT, back to back (10000): median %lld us, p99 %lld us\n",
	    field("med"), field("p99"));
	cmd(a, "ping 10.0.0.2 1000 2000");
	printf("ping RTT, 2 ms apart (1000): median %lld us, p99 %lld us\n",
	    field("med"), field("p99"));
	for (i = 0; i < 3; i++) {
		cmd(b, "tcpsink %d", 7000 + i);
		cmd(a, "tcpsend 10.0.0.2 %d 104857600", 7000 + i);
		printf("TCP 100 MiB a -> b: %s\n", last + 3);
		cmd(b, "tcpsinkresult");
	}
	cmd(a, "quit");
	cmd(b, "quit");
	while (wait(NULL) > 0)
		continue;
	return 0;
}

/*
 * --line K DIR: two hosts with K routers between them in a line, every
 * node in-process (no client round trips): ping RTT and TCP throughput,
 * the stack's own figures beside the routing bench's rump.* ones.
 */
static int
line_bench(int k)
{
	const char *boot = "boot rumpnet_shmif rumpnet_netinet6";
	struct node *h1, *h2, *r[64];
	char a[64], b[64], bus[16];
	int i, okay;

	if (k < 1 || k > 64)
		return 2;
	for (i = 0; i <= k; i++) {      /* wake maps, as rumplab up makes */
		snprintf(a, sizeof(a), "%s/lb%d", dir, i);
		shmif_wakemap_create(a);
	}
	h1 = node_start("h1");
	h2 = node_start("h2");
	snprintf(a, sizeof(a), "10.50.%d.10/24", k);
	snprintf(b, sizeof(b), "10.50.%d.1", k);
	snprintf(bus, sizeof(bus), "lb%d", k);
	okay = cmd(h1, "%s", boot) && cmd(h2, "%s", boot) &&
	    configure(h1, "shmif0", "lb0", "10.50.0.10/24", NULL) &&
	    configure(h2, "shmif0", bus, a, NULL) &&
	    cmd(h1, "route 0.0.0.0/0 10.50.0.2") &&
	    cmd(h2, "route 0.0.0.0/0 %s", b);
	for (i = 1; okay && i <= k; i++) {
		r[i - 1] = node_start("r");
		snprintf(a, sizeof(a), "10.50.%d.2/24", i - 1);
		snprintf(b, sizeof(b), "10.50.%d.1/24", i);
		okay = cmd(r[i - 1], "%s", boot) &&
		    cmd(r[i - 1], "sysctl net.inet.ip.forwarding 1");
		snprintf(bus, sizeof(bus), "lb%d", i - 1);
		okay = okay && configure(r[i - 1], "shmif0", bus, a, NULL);
		snprintf(bus, sizeof(bus), "lb%d", i);
		okay = okay && configure(r[i - 1], "shmif1", bus, b, NULL);
		if (okay && i < k)
			okay = cmd(r[i - 1], "route 10.50.%d.0/24 10.50.%d.2",
			    k, i);
		if (okay && i > 1)
			okay = cmd(r[i - 1], "route 10.50.0.0/24 10.50.%d.1",
			    i - 1);
	}
	snprintf(a, sizeof(a), "10.50.%d.10", k);
	if (!okay || !cmd(h1, "ping %s 10 0 0 5000", a)) {
		printf("line bench: setup failed: %s\n", last);
		kill_all();
		return 1;
	}
	cmd(h1, "ping %s 2000 1000", a);
	printf("%2d router(s), in-node: ping RTT median %lld us, p99 %lld us;",
	    k, field("med"), field("p99"));
	cmd(h2, "tcpsink 7000");
	cmd(h1, "tcpsend %s 7000 104857600", a);
	printf(" TCP 100 MiB: %s\n", last + 3);
	cmd(h2, "tcpsinkresult");
	kill_all();
	while (wait(NULL) > 0)
		continue;
	return 0;
}

int
main(int argc, char **argv)
{
	struct node *a, *b, *c, *r, *d, *e;
	const char *boot = "boot rumpnet_shmif rumpnet_netinet6";

	if (argc == 2 && strcmp(argv[1], "--node") == 0)
		netnode_run(0, 1);          /* by hand: commands on stdin */
	if (argc == 3 && strcmp(argv[1], "--bench") == 0) {
		dir = argv[2];
		return bench();
	}
	if (argc == 4 && strcmp(argv[1], "--line") == 0) {
		dir = argv[3];
		return line_bench(atoi(argv[2]));
	}
	if (argc == 4 && strcmp(argv[1], "--idle") == 0) {
		dir = argv[3];
		return idle_bench(atoi(argv[2]));
	}
	if (argc != 2) {
		fprintf(stderr, "usage: test_netinet SCRATCHDIR | --node | "
		    "--bench DIR | --idle N DIR | --line K DIR\n");
		return 2;
	}
	dir = argv[1];
	signal(SIGALRM, on_alarm);
	alarm(300);
	a = node_start("a");
	b = node_start("b");
	c = node_start("c");
	ok(cmd(a, "%s", boot) && cmd(b, "%s", boot) && cmd(c, "%s", boot),
	    "three nodes boot netinet, netinet6, shmif (%s)", last);
	ok(configure(a, "shmif0", "bus1", "10.0.1.1/24", "fd00:1::1/64") &&
	    configure(b, "shmif0", "bus1", "10.0.1.2/24", "fd00:1::2/64"),
	    "two nodes configured on one bus (%s)", last);
	two_nodes(a, b);
	udp_tcp(a, b);
	three_nodes(a, b, c);
	aliases(a, b);
	config_errors(a);
	loopback(a);
	stress(a, b, c);
	rtt(a);
	r = node_start("r");
	d = node_start("d");
	forwarding(r, d);
	e = node_start("e");
	ok(cmd(e, "boot rumpnet_shmif rumpnet_netinet6"), "node e boots");
	idle(b, e);
	ok(cmd(a, "dmesg") && strstr(last, "shmif0: attached to bus") &&
	    strstr(last, "mac b2:a0:"), "klog tells interface events");
	for (int i = 0; i < nnodes; i++)
		cmd(&nodes[i], "quit");
	{
		int st, all = 1;

		for (int i = 0; i < nnodes; i++)
			if (waitpid(nodes[i].pid, &st, 0) < 0 ||
			    !WIFEXITED(st) || WEXITSTATUS(st) != 0)
				all = 0;
		ok(all, "every node exits cleanly");
	}
	tap_plan(tap_n);            /* trailing plan: every ok() above ran */
	return tap_done();
}
