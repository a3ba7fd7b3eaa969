/*
 * sysproxy_wire.c — the sysproxy codec: frames to and from struct sp_msg
 * (kernel/SYSPROXY.txt).
 *
 * Each call's request and reply body is a layout string, one letter per
 * field, in wire order:
 *
 *   i  i32 -> i[]            u  u32 -> u[]         m  u32 <= MAXDATA -> u[]
 *   b  u8 0 or 1 -> u[]      a  sockaddr -> sa     d  bytes<MAXDATA> -> data
 *   o  optval, bytes<256>    n  ifname -> name     l  str<255> -> str
 *   k  str<127>, nonempty    v  str<1023> -> val   c  str<63> -> str
 *   e  str<255> (detail)     P  pollfds            R  revents
 *   L  ifnames               A  ifaddr -> ifa      I  ifinfo -> ifi
 *   T  route -> rt           X  routes             N  neighbour -> nb
 *   Y  neighbours            M  6 bytes MAC -> mac
 *   G  routing messages (rtms, n)
 *   Q  impairments -> imp    K  16 bytes cookie -> cookie
 *   q  i64 -> q[]            f  path, str<4095> -> path
 *   g  path, str<4095> -> path2                   S  stat -> st
 *   W  statvfs -> sv
 *   B  bridge request -> br          Z  bridge status, members and
 *                                       table -> brst, arr/n, arr2/n2
 *
 * One decoder and one encoder walk these strings, so the table below is
 * the whole per-call knowledge and matches section 5 of the spec line by
 * line.  The reader keeps a sticky error (why): after the first bad field
 * every read yields zero and the frame is reported malformed.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/time.h>
#include <sys/un.h>

#include "kernel/sysproxy_wire.h"

static const struct sp_calldesc sp_calls[] = {
	{ SP_HELLO,        "HELLO",        "uuuuc", "uuuc", 0 },
	{ SP_SOCKET,       "SOCKET",       "iii",   "",     0 },
	{ SP_BIND,         "BIND",         "ia",    "",     0 },
	{ SP_CONNECT,      "CONNECT",      "ia",    "",     1 },
	{ SP_LISTEN,       "LISTEN",       "ii",    "",     0 },
	{ SP_ACCEPT,       "ACCEPT",       "ii",    "a",    1 },
	{ SP_SENDTO,       "SENDTO",       "iiad",  "",     1 },
	{ SP_RECVFROM,     "RECVFROM",     "iimb",  "ad",   1 },
	{ SP_GETSOCKOPT,   "GETSOCKOPT",   "iiim",  "o",    0 },
	{ SP_SETSOCKOPT,   "SETSOCKOPT",   "iiio",  "",     0 },
	{ SP_GETSOCKNAME,  "GETSOCKNAME",  "i",     "a",    0 },
	{ SP_GETPEERNAME,  "GETPEERNAME",  "i",     "a",    0 },
	{ SP_SHUTDOWN,     "SHUTDOWN",     "ii",    "",     0 },
	{ SP_CLOSE,        "CLOSE",        "i",     "",     0 },
	{ SP_POLL,         "POLL",         "iP",    "R",    1 },
	{ SP_FCNTL,        "FCNTL",        "iii",   "",     0 },
	{ SP_DUP,          "DUP",          "i",     "",     0 },
	{ SP_READ,         "READ",         "im",    "d",    1 },
	{ SP_WRITE,        "WRITE",        "id",    "",     1 },
	{ SP_CANCEL,       "CANCEL",       "u",     "",     0 }, /* no reply */
	{ SP_IOCTL,        "IOCTL",        "iui",   "",     0 },
	{ SP_FORK,         "FORK",         "",      "K",    0 },
	{ SP_JOIN,         "JOIN",         "K",     "",     0 },
	{ SP_OPEN,         "OPEN",         "ifiu",  "",     0 },
	{ SP_STAT,         "STAT",         "ifi",   "S",    0 },
	{ SP_FSTAT,        "FSTAT",        "i",     "S",    0 },
	{ SP_LSEEK,        "LSEEK",        "iqi",   "q",    0 },
	{ SP_GETDENTS,     "GETDENTS",     "im",    "d",    0 },
	{ SP_MKDIR,        "MKDIR",        "ifu",   "",     0 },
	{ SP_RMDIR,        "RMDIR",        "if",    "",     0 },
	{ SP_UNLINK,       "UNLINK",       "if",    "",     0 },
	{ SP_RENAME,       "RENAME",       "ifig",  "",     0 },
	{ SP_CHDIR,        "CHDIR",        "if",    "",     0 },
	{ SP_GETCWD,       "GETCWD",       "",      "f",    0 },
	{ SP_FSYNC,        "FSYNC",        "i",     "",     0 },
	{ SP_FTRUNCATE,    "FTRUNCATE",    "iq",    "",     0 },
	{ SP_MOUNT,        "MOUNT",        "nfgl",  "",     0 },
	{ SP_UNMOUNT,      "UNMOUNT",      "fi",    "",     0 },
	{ SP_SYMLINK,      "SYMLINK",      "gif",   "",     0 },
	{ SP_READLINK,     "READLINK",     "ifm",   "d",    0 },
	{ SP_CHMOD,        "CHMOD",        "ifui",  "",     0 },
	{ SP_CHOWN,        "CHOWN",        "ifiii", "",     0 },
	{ SP_UTIMES,       "UTIMES",       "ifqqqqi", "",   0 },
	{ SP_TRUNCATE,     "TRUNCATE",     "ifq",   "",     0 },
	{ SP_STATVFS,      "STATVFS",      "if",    "W",    0 },
	{ SP_PREAD,        "PREAD",        "imq",   "d",    0 },
	{ SP_PWRITE,       "PWRITE",       "iqd",   "",     0 },
	{ SP_MOUNTLIST,    "MOUNTLIST",    "m",     "d",    0 },
	{ SP_ACCESS,       "ACCESS",       "ifii",  "",     0 },
	{ SP_IFCREATE,     "IFCREATE",     "n",     "",     0 },
	{ SP_IFDESTROY,    "IFDESTROY",    "n",     "",     0 },
	{ SP_IFLIST,       "IFLIST",       "m",     "L",    0 },
	{ SP_IFGET,        "IFGET",        "n",     "I",    0 },
	{ SP_IFSETLINKSTR, "IFSETLINKSTR", "nl",    "",     0 },
	{ SP_IFSETFLAGS,   "IFSETFLAGS",   "nuu",   "",     0 },
	{ SP_IFSETMTU,     "IFSETMTU",     "nu",    "",     0 },
	{ SP_IFADDADDR,    "IFADDADDR",    "nA",    "",     0 },
	{ SP_IFDELADDR,    "IFDELADDR",    "nA",    "",     0 },
	{ SP_IFSETMAC,     "IFSETMAC",     "nM",    "",     0 },
	{ SP_IFSETIMPAIR,  "IFSETIMPAIR",  "nuQ",   "",     0 },
	{ SP_IFGETIMPAIR,  "IFGETIMPAIR",  "nu",    "Q",    0 },
	{ SP_IFSETCARRIER, "IFSETCARRIER", "nb",    "",     0 },
	{ SP_IFTAP,        "IFTAP",        "nlb",   "",     0 },
	{ SP_BRIDGE_SET,   "BRIDGE_SET",   "nB",    "",     0 },
	{ SP_BRIDGE_GET,   "BRIDGE_GET",   "nm",    "Z",    0 },
	{ SP_SYSCTL_GET,   "SYSCTL_GET",   "km",    "v",    0 },
	{ SP_SYSCTL_SET,   "SYSCTL_SET",   "kv",    "",     0 },
	{ SP_SYSCTL_LIST,  "SYSCTL_LIST",  "m",     "d",    0 },
	{ SP_DMESG,        "DMESG",        "m",     "d",    0 },
	{ SP_REBOOT,       "REBOOT",       "",      "",     0 },
	{ SP_IFLLADDR,     "IFLLADDR",     "nMu",   "",     0 },
	{ SP_IFSETMEDIA,   "IFSETMEDIA",   "nu",    "",     0 },
	{ SP_IFCLONERS,    "IFCLONERS",    "m",     "L",    0 },
	{ SP_IFZERO,       "IFZERO",       "n",     "I",    0 },
	{ SP_IFADDLIFE,    "IFADDLIFE",    "nAuu",  "",     0 },
	{ SP_IFGETLIFE,    "IFGETLIFE",    "nA",    "uu",   0 },
	{ SP_ROUTE_ADD,    "ROUTE_ADD",    "T",     "",     0 },
	{ SP_ROUTE_DELETE, "ROUTE_DELETE", "T",     "",     0 },
	{ SP_ROUTE_LIST,   "ROUTE_LIST",   "um",    "X",    0 },
	{ SP_ROUTE_GET,    "ROUTE_GET",    "T",     "T",    0 },
	{ SP_ROUTE_CHANGE, "ROUTE_CHANGE", "T",     "",     0 },
	{ SP_ROUTE_FLUSH,  "ROUTE_FLUSH",  "u",     "",     0 },
	{ SP_NEIGH_LIST,   "NEIGH_LIST",   "um",    "Y",    0 },
	{ SP_NEIGH_SET,    "NEIGH_SET",    "N",     "",     0 },
	{ SP_NEIGH_DELETE, "NEIGH_DELETE", "N",     "",     0 },
	{ SP_NEIGH_FLUSH,  "NEIGH_FLUSH",  "u",     "",     0 },
	{ SP_RTMSG_READ,   "RTMSG_READ",   "uu",    "G",    1 },
	{ SP_NETSTAT,      "NETSTAT",      "um",    "d",    0 },
};

const struct sp_calldesc *
sp_call_desc(uint16_t call)
{
	size_t i;

	for (i = 0; i < sizeof(sp_calls) / sizeof(sp_calls[0]); i++)
		if (sp_calls[i].call == call)
			return &sp_calls[i];
	return NULL;
}

int
sp_call_reserved(uint16_t call)
{
	return (call >= 23 && call <= 31) || call == 55 ||
	    (call >= 60 && call <= 63) ||
	    (call >= 90 && call <= 95) || (call >= 107 && call <= 127) ||
	    (call >= 129 && call <= 159);
}

/* Little-endian loads and stores. */
static uint16_t
ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
ld64(const uint8_t *p)
{
	return (uint64_t)ld32(p) | (uint64_t)ld32(p + 4) << 32;
}

static void
st16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
st32(uint8_t *p, uint32_t v)
{
	st16(p, (uint16_t)v);
	st16(p + 2, (uint16_t)(v >> 16));
}

static void
st64(uint8_t *p, uint64_t v)
{
	st32(p, (uint32_t)v);
	st32(p + 4, (uint32_t)(v >> 32));
}

/*
 * Reader.
 */
struct rd {
	const uint8_t *p;
	size_t         len, off;
	const char    *why;
};

static const uint8_t *
rd_take(struct rd *r, size_t n)
{
	const uint8_t *q;

	if (r->why != NULL)
		return NULL;
	if (r->len - r->off < n) {
		r->why = "truncated body";
		return NULL;
	}
	q = r->p + r->off;
	r->off += n;
	return q;
}

static void
rd_fail(struct rd *r, const char *why)
{
	if (r->why == NULL)
		r->why = why;
}

static uint8_t
rd_u8(struct rd *r)
{
	const uint8_t *q = rd_take(r, 1);

	return q != NULL ? q[0] : 0;
}

static uint16_t
rd_u16(struct rd *r)
{
	const uint8_t *q = rd_take(r, 2);

	return q != NULL ? ld16(q) : 0;
}

static uint32_t
rd_u32(struct rd *r)
{
	const uint8_t *q = rd_take(r, 4);

	return q != NULL ? ld32(q) : 0;
}

static uint64_t
rd_u64(struct rd *r)
{
	const uint8_t *q = rd_take(r, 8);

	return q != NULL ? ld64(q) : 0;
}

/* str<cap> into out (cap + 1 bytes), NUL-terminated. */
static void
rd_str(struct rd *r, size_t cap, int nonempty, char *out)
{
	const uint8_t *q;
	uint16_t n;

	out[0] = '\0';
	n = rd_u16(r);
	if (n > cap)
		rd_fail(r, "string over its cap");
	else if (nonempty && n == 0)
		rd_fail(r, "empty name");
	if ((q = rd_take(r, n)) == NULL)
		return;
	if (memchr(q, '\0', n) != NULL) {
		rd_fail(r, "NUL inside a string");
		return;
	}
	memcpy(out, q, n);
	out[n] = '\0';
}

static void
rd_bytes(struct rd *r, uint32_t cap, struct sp_msg *m)
{
	uint32_t n = rd_u32(r);

	if (n > cap) {
		rd_fail(r, "byte string over its cap");
		return;
	}
	m->data = rd_take(r, n);
	m->datalen = m->data != NULL ? n : 0;
}

static void
rd_addr(struct rd *r, struct sp_msg *m)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&m->sa;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&m->sa;
	struct sockaddr_un *sun = (struct sockaddr_un *)&m->sa;
	const uint8_t *q;
	uint16_t fam, n;

	memset(&m->sa, 0, sizeof(m->sa));
	m->salen = 0;
	fam = rd_u16(r);
	switch (fam) {
	case SP_AF_NONE:
		return;
	case AF_UNSPEC:
		m->salen = sizeof(sa_family_t);
		return;
	case AF_INET:
		sin->sin_family = AF_INET;
		sin->sin_port = htons(rd_u16(r));
		if ((q = rd_take(r, 4)) != NULL)
			memcpy(&sin->sin_addr, q, 4);
		m->salen = sizeof(*sin);
		return;
	case AF_INET6:
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(rd_u16(r));
		sin6->sin6_flowinfo = htonl(rd_u32(r));
		if ((q = rd_take(r, 16)) != NULL)
			memcpy(&sin6->sin6_addr, q, 16);
		sin6->sin6_scope_id = rd_u32(r);
		m->salen = sizeof(*sin6);
		return;
	case AF_UNIX:
		sun->sun_family = AF_UNIX;
		n = rd_u16(r);
		if (n > SP_UNIXPATHMAX) {
			rd_fail(r, "unix path over its cap");
			return;
		}
		if ((q = rd_take(r, n)) == NULL)
			return;
		memcpy(sun->sun_path, q, n);
		m->salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    n + (n > 0 && n < SP_UNIXPATHMAX && q[0] != '\0'));
		return;
	default:
		rd_fail(r, "unknown address family");
	}
}

static void
rd_ifaddr(struct rd *r, struct rump_ifaddr *a)
{
	const uint8_t *q = rd_take(r, 20);

	memset(a, 0, sizeof(*a));
	if (q == NULL)
		return;
	if ((q[0] != AF_INET && q[0] != AF_INET6) || q[3] != 0) {
		rd_fail(r, "bad ifaddr");
		return;
	}
	a->family = q[0];
	a->plen = q[1];
	a->flags = q[2];
	memcpy(a->addr, q + 4, 16);
}

/* n fixed bytes (a MAC, a cookie). */
static void
rd_mem(struct rd *r, uint8_t *out, size_t n)
{
	const uint8_t *q = rd_take(r, n);

	memset(out, 0, n);
	if (q != NULL)
		memcpy(out, q, n);
}

/* ifinfo's link state, media and inactive link addresses. */
static void
rd_linkinfo(struct rd *r, struct rump_ifinfo *ifi)
{
	const uint8_t *q;
	uint32_t i;

	ifi->link_state = rd_u8(r);
	ifi->media = rd_u8(r);
	if (ifi->link_state > RUMP_LINK_STATE_UP ||
	    ifi->media > RUMP_MEDIA_NONE)
		rd_fail(r, "bad link state or media");
	if (rd_u16(r) != 0)
		rd_fail(r, "nonzero pad");
	ifi->nlladdrs = rd_u32(r);
	if (ifi->nlladdrs > RUMP_MAXLLADDRS) {
		rd_fail(r, "too many link addresses");
		ifi->nlladdrs = 0;
	}
	for (i = 0; i < ifi->nlladdrs; i++)
		if ((q = rd_take(r, 6)) != NULL)
			memcpy(ifi->lladdrs[i], q, 6);
}

static void
rd_ifinfo(struct rd *r, struct rump_ifinfo *ifi)
{
	const uint8_t *q;
	uint64_t *ctr[8];
	uint32_t i;

	memset(ifi, 0, sizeof(*ifi));
	if ((q = rd_take(r, RUMP_IFNAMSIZ)) != NULL) {
		if (q[RUMP_IFNAMSIZ - 1] != '\0')
			rd_fail(r, "unterminated interface name");
		memcpy(ifi->name, q, RUMP_IFNAMSIZ);
	}
	ifi->flags = rd_u32(r);
	ifi->mtu = rd_u32(r);
	if ((q = rd_take(r, 6)) != NULL)
		memcpy(ifi->mac, q, 6);
	ifi->link_up = rd_u8(r);
	if (rd_u8(r) != 0)
		rd_fail(r, "nonzero pad");
	rd_str(r, SP_LINKSTRMAX, 0, ifi->linkstr);
	ifi->naddrs = rd_u32(r);
	if (ifi->naddrs > RUMP_MAXADDRS) {
		rd_fail(r, "too many addresses");
		ifi->naddrs = 0;
	}
	for (i = 0; i < ifi->naddrs; i++)
		rd_ifaddr(r, &ifi->addrs[i]);
	ctr[0] = &ifi->ipackets; ctr[1] = &ifi->ierrors;
	ctr[2] = &ifi->opackets; ctr[3] = &ifi->oerrors;
	ctr[4] = &ifi->ibytes;   ctr[5] = &ifi->obytes;
	ctr[6] = &ifi->iqdrops;  ctr[7] = &ifi->collisions;
	for (i = 0; i < 8; i++)
		*ctr[i] = rd_u64(r);
	/* The index came later, and the link state, media and inactive
	 * link addresses after it; a reply from a server without them ends
	 * before them (ifinfo is always the last field of a body). */
	if (r->why == NULL && r->len - r->off >= 4)
		ifi->index = rd_u32(r);
	if (r->why == NULL && r->len - r->off > 0)
		rd_linkinfo(r, ifi);
	else
		ifi->link_state = ifi->link_up ? RUMP_LINK_STATE_UP :
		    RUMP_LINK_STATE_UNKNOWN;
}

/* An array of count entries of size bytes each, count <= cap. */
static void
rd_array(struct rd *r, uint32_t cap, size_t size, struct sp_msg *m)
{
	uint32_t n = rd_u32(r);

	if (n > cap) {
		rd_fail(r, "array over its cap");
		return;
	}
	m->arr = rd_take(r, (size_t)n * size);
	m->n = m->arr != NULL ? n : 0;
}

/* A fixed-size interface name: NUL-padded, byte 15 NUL. */
static void
rd_fixname(struct rd *r, char *out)
{
	const uint8_t *q = rd_take(r, RUMP_IFNAMSIZ);

	memset(out, 0, RUMP_IFNAMSIZ);
	if (q == NULL)
		return;
	if (q[RUMP_IFNAMSIZ - 1] != '\0')
		rd_fail(r, "unterminated interface name");
	else
		memcpy(out, q, RUMP_IFNAMSIZ);
}

static void
rd_family(struct rd *r, uint8_t fam, uint8_t plen)
{
	if (fam != AF_INET && fam != AF_INET6)
		rd_fail(r, "bad address family");
	else if (plen > (fam == AF_INET ? 32 : 128))
		rd_fail(r, "bad prefix length");
}

static void
rd_route(struct rd *r, struct rump_rtentry *rt)
{
	const uint8_t *q;

	memset(rt, 0, sizeof(*rt));
	rt->family = rd_u8(r);
	rt->plen = rd_u8(r);
	if (rd_u16(r) != 0)
		rd_fail(r, "nonzero pad");
	rd_family(r, rt->family, rt->plen);
	rt->flags = rd_u32(r);
	if ((q = rd_take(r, 16)) != NULL)
		memcpy(rt->dst, q, 16);
	if ((q = rd_take(r, 16)) != NULL)
		memcpy(rt->gateway, q, 16);
	rd_fixname(r, rt->ifname);
	if ((q = rd_take(r, 16)) != NULL)
		memcpy(rt->ifa, q, 16);
	rt->mtu = rd_u32(r);
	rt->use = rd_u64(r);
}

static void
rd_neigh(struct rd *r, struct rump_neigh *nb)
{
	const uint8_t *q;

	memset(nb, 0, sizeof(*nb));
	nb->family = rd_u8(r);
	nb->state = rd_u8(r);
	nb->flags = rd_u16(r);
	rd_family(r, nb->family, 0);
	if ((q = rd_take(r, 16)) != NULL)
		memcpy(nb->addr, q, 16);
	if ((q = rd_take(r, 6)) != NULL)
		memcpy(nb->mac, q, 6);
	if (rd_u16(r) != 0)
		rd_fail(r, "nonzero pad");
	rd_fixname(r, nb->ifname);
	nb->expire = (int32_t)rd_u32(r);
}

/* A routing message: its number, type, family, prefix length, gateway
 * family, addresses present, flags, pid, request id, destination,
 * gateway, link address length, three zero bytes, interface name. */
static void
rd_rtmsg(struct rd *r, struct rump_rtmsg *rm)
{
	const uint8_t *q;

	memset(rm, 0, sizeof(*rm));
	rm->seq = rd_u32(r);
	rm->type = rd_u8(r);
	rm->family = rd_u8(r);
	rm->plen = rd_u8(r);
	rm->gwfamily = rd_u8(r);
	rd_family(r, rm->family, rm->plen);
	if (rm->gwfamily != 0 && rm->gwfamily != AF_INET &&
	    rm->gwfamily != AF_INET6 && rm->gwfamily != RUMP_GW_LINK)
		rd_fail(r, "bad gateway family");
	rm->addrs = rd_u32(r);
	rm->flags = rd_u32(r);
	rm->pid = rd_u32(r);
	rm->reqid = rd_u32(r);
	if ((q = rd_take(r, 16)) != NULL)
		memcpy(rm->dst, q, 16);
	if ((q = rd_take(r, 16)) != NULL)
		memcpy(rm->gateway, q, 16);
	rm->alen = rd_u8(r);
	if (rm->alen > 16)
		rd_fail(r, "bad link address length");
	if (rd_u8(r) != 0 || rd_u16(r) != 0)
		rd_fail(r, "nonzero pad");
	rd_fixname(r, rm->ifname);
}

/* Impairments: twelve u32 settings, the rate, six u64 counters, the
 * queue length and a zero pad (SP_IMPLEN bytes). */
static void
rd_impair(struct rd *r, struct rump_impair *q)
{
	uint32_t *u[12] = { &q->delay_us, &q->jitter_us, &q->dist,
	    &q->loss_ppm, &q->ge_p, &q->ge_r, &q->ge_h, &q->ge_k,
	    &q->dup_ppm, &q->reorder_ppm, &q->corrupt_ppm, &q->limit };
	uint64_t *c[6] = { &q->st_frames, &q->st_lost, &q->st_dup,
	    &q->st_corrupt, &q->st_reorder, &q->st_qdrop };
	int i;

	memset(q, 0, sizeof(*q));
	for (i = 0; i < 12; i++)
		*u[i] = rd_u32(r);
	q->rate_bps = rd_u64(r);
	for (i = 0; i < 6; i++)
		*c[i] = rd_u64(r);
	q->st_queued = rd_u32(r);
	if (rd_u32(r) != 0)
		rd_fail(r, "nonzero pad");
}

/* A list of fixed-size records: validated whole now, read with the _at
 * accessors later. */
static void
rd_records(struct rd *r, size_t size, struct sp_msg *m, char f)
{
	struct rump_rtentry rt;
	struct rump_neigh nb;
	struct rump_rtmsg rm;
	struct rd sub;
	uint32_t k;

	rd_array(r, f == 'G' ? SP_MAXRTMSGS : SP_MAXROUTES, size, m);
	if (r->why != NULL || m->arr == NULL)
		return;
	sub.p = m->arr;
	sub.len = (size_t)m->n * size;
	sub.off = 0;
	sub.why = NULL;
	for (k = 0; k < m->n && sub.why == NULL; k++) {
		if (f == 'X')
			rd_route(&sub, &rt);
		else if (f == 'Y')
			rd_neigh(&sub, &nb);
		else
			rd_rtmsg(&sub, &rm);
	}
	if (sub.why != NULL)
		rd_fail(r, sub.why);
}

/* A bridge request: u32 op, u32 value, member name (fixed), MAC, u16 0. */
static void
rd_brreq(struct rd *r, struct rump_brreq *q)
{
	memset(q, 0, sizeof(*q));
	q->op = rd_u32(r);
	q->value = rd_u32(r);
	rd_fixname(r, q->member);
	rd_mem(r, q->mac, 6);
	if (rd_u16(r) != 0)
		rd_fail(r, "nonzero pad");
}

static void
rd_brport(struct rd *r, struct rump_brport *p)
{
	memset(p, 0, sizeof(*p));
	rd_fixname(r, p->ifname);
	p->flags = rd_u32(r);
	p->portno = rd_u32(r);
	p->rx = rd_u64(r);
	p->forwarded = rd_u64(r);
	p->flooded = rd_u64(r);
	p->filtered = rd_u64(r);
}

static void
rd_braddr(struct rd *r, struct rump_braddr *a)
{
	memset(a, 0, sizeof(*a));
	rd_mem(r, a->mac, 6);
	a->flags = rd_u16(r);
	rd_fixname(r, a->ifname);
	a->expire = (int32_t)rd_u32(r);
	if (rd_u32(r) != 0)
		rd_fail(r, "nonzero pad");
}

/* One list of records checked whole: count (<= cap), then the records. */
static const uint8_t *
rd_brlist(struct rd *r, uint32_t cap, size_t size, int ports, uint32_t *n)
{
	struct rump_brport p;
	struct rump_braddr a;
	const uint8_t *arr;
	struct rd sub;
	uint32_t k, cnt = rd_u32(r);

	*n = 0;
	if (cnt > cap) {
		rd_fail(r, "array over its cap");
		return NULL;
	}
	if ((arr = rd_take(r, (size_t)cnt * size)) == NULL)
		return NULL;
	sub = (struct rd){ arr, (size_t)cnt * size, 0, NULL };
	for (k = 0; k < cnt && sub.why == NULL; k++) {
		if (ports)
			rd_brport(&sub, &p);
		else
			rd_braddr(&sub, &a);
	}
	if (sub.why != NULL) {
		rd_fail(r, sub.why);
		return NULL;
	}
	*n = cnt;
	return arr;
}

/* A bridge's status: four u32, its members, its table. */
static void
rd_brstatus(struct rd *r, struct sp_msg *m)
{
	m->brst.timeout = rd_u32(r);
	m->brst.maxaddr = rd_u32(r);
	m->brst.nports = rd_u32(r);
	m->brst.naddrs = rd_u32(r);
	m->arr = rd_brlist(r, RUMP_BRIDGE_MAXPORTS, SP_BRPORTLEN, 1, &m->n);
	m->arr2 = rd_brlist(r, SP_MAXROUTES, SP_BRADDRLEN, 0, &m->n2);
}

static void
rd_ifnames(struct rd *r, struct sp_msg *m)
{
	char name[RUMP_IFNAMSIZ];
	uint32_t n, k;

	n = rd_u32(r);
	if (n > SP_MAXIFS) {
		rd_fail(r, "array over its cap");
		return;
	}
	m->arr = r->p + r->off;
	for (k = 0; k < n && r->why == NULL; k++)
		rd_str(r, RUMP_IFNAMSIZ - 1, 1, name);
	m->n = r->why == NULL ? n : 0;
}

static void
rd_stat(struct rd *r, struct sp_stat *st)
{
	int k;

	st->dev = rd_u64(r);
	st->ino = rd_u64(r);
	st->mode = rd_u32(r);
	st->nlink = rd_u32(r);
	st->uid = rd_u32(r);
	st->gid = rd_u32(r);
	st->size = rd_u64(r);
	st->blocks = rd_u64(r);
	st->blksize = rd_u32(r);
	for (k = 0; k < 3; k++) {
		st->tsec[k] = (int64_t)rd_u64(r);
		if ((st->tnsec[k] = rd_u32(r)) >= 1000000000u)
			rd_fail(r, "nanoseconds over 999999999");
	}
}

static void
rd_statvfs(struct rd *r, struct sp_statvfs *sv)
{
	uint64_t *v = &sv->bsize;
	int k;

	for (k = 0; k < SP_STATVFS_WORDS; k++)
		v[k] = rd_u64(r);
}

/* Where the next i, u and q field of a message goes. */
struct fieldpos {
	int i, u, q;
};

static void
rd_field(struct rd *r, char f, struct sp_msg *m, struct fieldpos *fp)
{
	uint32_t v;

	switch (f) {
	case 'i':
		m->i[fp->i++] = (int32_t)rd_u32(r);
		break;
	case 'q':
		m->q[fp->q++] = (int64_t)rd_u64(r);
		break;
	case 'u':
	case 'm':
		v = rd_u32(r);
		if (f == 'm' && v > SP_MAXDATA)
			rd_fail(r, "length over MAXDATA");
		m->u[fp->u++] = v;
		break;
	case 'b':
		v = rd_u8(r);
		if (v > 1)
			rd_fail(r, "flag byte not 0 or 1");
		m->u[fp->u++] = v;
		break;
	case 'f': rd_str(r, SP_PATHMAX, 0, m->path); break;
	case 'g': rd_str(r, SP_PATHMAX, 0, m->path2); break;
	case 'S': rd_stat(r, &m->st); break;
	case 'W': rd_statvfs(r, &m->sv); break;
	case 'a': rd_addr(r, m); break;
	case 'd': rd_bytes(r, SP_MAXDATA, m); break;
	case 'o': rd_bytes(r, SP_MAXOPT, m); break;
	case 'n': rd_str(r, RUMP_IFNAMSIZ - 1, 1, m->name); break;
	case 'l':
	case 'e': rd_str(r, SP_LINKSTRMAX, 0, m->str); break;
	case 'k': rd_str(r, SP_SYSCTL_NAMEMAX, 1, m->str); break;
	case 'v': rd_str(r, SP_SYSCTL_VALMAX, 0, m->val); break;
	case 'c': rd_str(r, SP_NAMEMAX, 0, m->str); break;
	case 'P': rd_array(r, SP_MAXPOLL, 6, m); break;
	case 'R': rd_array(r, SP_MAXPOLL, 2, m); break;
	case 'L': rd_ifnames(r, m); break;
	case 'A': rd_ifaddr(r, &m->ifa); break;
	case 'I': rd_ifinfo(r, &m->ifi); break;
	case 'M': rd_mem(r, m->mac, 6); break;
	case 'T': rd_route(r, &m->rt); break;
	case 'N': rd_neigh(r, &m->nb); break;
	case 'Q': rd_impair(r, &m->imp); break;
	case 'K': rd_mem(r, m->cookie, SP_COOKIELEN); break;
	case 'X': rd_records(r, SP_RTLEN, m, f); break;
	case 'Y': rd_records(r, SP_NBLEN, m, f); break;
	case 'G': rd_records(r, SP_RTMSGLEN, m, f); break;
	case 'B': rd_brreq(r, &m->br); break;
	case 'Z': rd_brstatus(r, m); break;
	default:  rd_fail(r, "codec table error");
	}
}

int
sp_hdr_decode(const uint8_t *p, struct sp_hdr *h)
{
	h->len = ld32(p);
	h->id = ld32(p + 4);
	h->call = ld16(p + 8);
	h->flags = ld16(p + 10);
	h->ret = (int32_t)ld32(p + 12);
	if (h->len < SP_HDRLEN || h->len > SP_MAXFRAME)
		return -EMSGSIZE;
	return 0;
}

/* Header checks and the layout that applies; NULL with *error set. */
static const char *
frame_layout(struct sp_msg *m, int reply, int *error)
{
	const struct sp_calldesc *d;

	*error = -EBADMSG;
	if (reply ? m->h.flags != SP_F_REPLY : m->h.flags != 0) {
		m->why = "bad flags";
		return NULL;
	}
	if (!reply && m->h.ret != 0) {
		m->why = "nonzero ret in a request";
		return NULL;
	}
	if (reply && m->h.ret < 0)
		return "e";
	if ((d = sp_call_desc(m->h.call)) == NULL) {
		*error = sp_call_reserved(m->h.call) && !reply ? -ENOSYS :
		    -EPROTO;
		m->why = *error == -ENOSYS ? "reserved call" : "unknown call";
		return NULL;
	}
	return reply ? d->rep : d->req;
}

int
sp_decode(const uint8_t *frame, size_t len, int reply, struct sp_msg *m)
{
	struct rd r;
	const char *layout;
	struct fieldpos fp = { 0, 0, 0 };
	int error;

	memset(m, 0, sizeof(*m));
	if (len < SP_HDRLEN || sp_hdr_decode(frame, &m->h) != 0 ||
	    m->h.len != len) {
		m->why = "bad frame length";
		return -EMSGSIZE;
	}
	if ((layout = frame_layout(m, reply, &error)) == NULL)
		return error;
	r.p = frame + SP_HDRLEN;
	r.len = len - SP_HDRLEN;
	r.off = 0;
	r.why = NULL;
	/* An error reply's detail is optional. */
	if (layout[0] == 'e' && r.len == 0)
		return 0;
	for (; *layout != '\0' && r.why == NULL; layout++)
		rd_field(&r, *layout, m, &fp);
	if (r.why == NULL && r.off != r.len)
		r.why = "bytes left over";
	if (r.why != NULL) {
		m->why = r.why;
		return -EBADMSG;
	}
	return 0;
}

void
sp_pollfd_at(const struct sp_msg *m, uint32_t k, int32_t *fd,
    uint16_t *events)
{
	*fd = (int32_t)ld32(m->arr + 6 * (size_t)k);
	*events = ld16(m->arr + 6 * (size_t)k + 4);
}

uint16_t
sp_revents_at(const struct sp_msg *m, uint32_t k)
{
	return ld16(m->arr + 2 * (size_t)k);
}

int
sp_ifnames_copy(const struct sp_msg *m, char (*names)[RUMP_IFNAMSIZ],
    int max)
{
	const uint8_t *p = m->arr;
	uint32_t k;
	uint16_t n;

	for (k = 0; k < m->n && (int)k < max; k++) {
		n = ld16(p);
		memcpy(names[k], p + 2, n);
		names[k][n] = '\0';
		p += 2 + n;
	}
	return (int)k;
}

static int
record_at(const struct sp_msg *m, uint32_t k, size_t size, struct rd *r)
{
	if (m->arr == NULL || k >= m->n)
		return -EINVAL;
	r->p = m->arr + (size_t)k * size;
	r->len = size;
	r->off = 0;
	r->why = NULL;
	return 0;
}

int
sp_route_at(const struct sp_msg *m, uint32_t k, struct rump_rtentry *rt)
{
	struct rd r;

	if (record_at(m, k, SP_RTLEN, &r) != 0)
		return -EINVAL;
	rd_route(&r, rt);
	return r.why == NULL ? 0 : -EBADMSG;
}

int
sp_neigh_at(const struct sp_msg *m, uint32_t k, struct rump_neigh *nb)
{
	struct rd r;

	if (record_at(m, k, SP_NBLEN, &r) != 0)
		return -EINVAL;
	rd_neigh(&r, nb);
	return r.why == NULL ? 0 : -EBADMSG;
}

int
sp_rtmsg_at(const struct sp_msg *m, uint32_t k, struct rump_rtmsg *rm)
{
	struct rd r;

	if (record_at(m, k, SP_RTMSGLEN, &r) != 0)
		return -EINVAL;
	rd_rtmsg(&r, rm);
	return r.why == NULL ? 0 : -EBADMSG;
}

int
sp_brport_at(const struct sp_msg *m, uint32_t k, struct rump_brport *p)
{
	struct rd r;

	if (record_at(m, k, SP_BRPORTLEN, &r) != 0)
		return -EINVAL;
	rd_brport(&r, p);
	return r.why == NULL ? 0 : -EBADMSG;
}

int
sp_braddr_at(const struct sp_msg *m, uint32_t k, struct rump_braddr *a)
{
	struct rd r;

	if (m->arr2 == NULL || k >= m->n2)
		return -EINVAL;
	r = (struct rd){ m->arr2 + (size_t)k * SP_BRADDRLEN, SP_BRADDRLEN,
	    0, NULL };
	rd_braddr(&r, a);
	return r.why == NULL ? 0 : -EBADMSG;
}

/*
 * Writer: counts always, stores when it has a buffer with room.
 */
struct wr {
	uint8_t *p;
	size_t   cap, off;
	int      error;
};

static uint8_t *
wr_take(struct wr *w, size_t n)
{
	uint8_t *q = NULL;

	if (w->p != NULL && w->error == 0) {
		if (w->off <= w->cap && w->cap - w->off >= n)
			q = w->p + w->off;
		else
			w->error = -ENOSPC;
	}
	w->off += n;
	return q;
}

static void
wr_fail(struct wr *w, int error)
{
	if (w->error == 0)
		w->error = error;
}

static void
wr_u8(struct wr *w, uint8_t v)
{
	uint8_t *q = wr_take(w, 1);

	if (q != NULL)
		q[0] = v;
}

static void
wr_u16(struct wr *w, uint16_t v)
{
	uint8_t *q = wr_take(w, 2);

	if (q != NULL)
		st16(q, v);
}

static void
wr_u32(struct wr *w, uint32_t v)
{
	uint8_t *q = wr_take(w, 4);

	if (q != NULL)
		st32(q, v);
}

static void
wr_u64(struct wr *w, uint64_t v)
{
	uint8_t *q = wr_take(w, 8);

	if (q != NULL)
		st64(q, v);
}

static void
wr_mem(struct wr *w, const void *src, size_t n)
{
	uint8_t *q = wr_take(w, n);

	if (q != NULL && n > 0)
		memcpy(q, src, n);
}

/* s is a C string in a buffer of cap + 1 bytes or more. */
static void
wr_str(struct wr *w, const char *s, size_t cap, int nonempty)
{
	size_t n = strnlen(s, cap + 1);

	if (n > cap || (nonempty && n == 0)) {
		wr_fail(w, -EINVAL);
		return;
	}
	wr_u16(w, (uint16_t)n);
	wr_mem(w, s, n);
}

static void
wr_bytes(struct wr *w, const uint8_t *data, uint32_t n, uint32_t cap)
{
	if (n > cap || (n > 0 && data == NULL)) {
		wr_fail(w, -EINVAL);
		return;
	}
	wr_u32(w, n);
	wr_mem(w, data, n);
}

static void
wr_addr(struct wr *w, const struct sp_msg *m)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&m->sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&m->sa;
	const struct sockaddr_un *sun = (const struct sockaddr_un *)&m->sa;
	size_t n;

	if (m->salen == 0) {
		wr_u16(w, SP_AF_NONE);
		return;
	}
	switch (m->sa.ss_family) {
	case AF_UNSPEC:
		wr_u16(w, AF_UNSPEC);
		return;
	case AF_INET:
		wr_u16(w, AF_INET);
		wr_u16(w, ntohs(sin->sin_port));
		wr_mem(w, &sin->sin_addr, 4);
		return;
	case AF_INET6:
		wr_u16(w, AF_INET6);
		wr_u16(w, ntohs(sin6->sin6_port));
		wr_u32(w, ntohl(sin6->sin6_flowinfo));
		wr_mem(w, &sin6->sin6_addr, 16);
		wr_u32(w, sin6->sin6_scope_id);
		return;
	case AF_UNIX:
		if (m->salen < offsetof(struct sockaddr_un, sun_path) ||
		    m->salen > sizeof(*sun)) {
			wr_fail(w, -EINVAL);
			return;
		}
		n = m->salen - offsetof(struct sockaddr_un, sun_path);
		if (n > 0 && sun->sun_path[0] != '\0')
			n = strnlen(sun->sun_path, n);
		wr_u16(w, AF_UNIX);
		wr_u16(w, (uint16_t)n);
		wr_mem(w, sun->sun_path, n);
		return;
	default:
		wr_fail(w, -EAFNOSUPPORT);
	}
}

static void
wr_ifaddr(struct wr *w, const struct rump_ifaddr *a)
{
	if (a->family != AF_INET && a->family != AF_INET6) {
		wr_fail(w, -EINVAL);
		return;
	}
	wr_u8(w, a->family);
	wr_u8(w, a->plen);
	wr_u8(w, a->flags);
	wr_u8(w, 0);
	wr_mem(w, a->addr, 16);
}

static void
wr_ifinfo(struct wr *w, const struct rump_ifinfo *ifi)
{
	char name[RUMP_IFNAMSIZ];
	uint32_t i;

	if (strnlen(ifi->name, RUMP_IFNAMSIZ) == RUMP_IFNAMSIZ ||
	    ifi->naddrs > RUMP_MAXADDRS || ifi->nlladdrs > RUMP_MAXLLADDRS) {
		wr_fail(w, -EINVAL);
		return;
	}
	memset(name, 0, sizeof(name));
	memcpy(name, ifi->name, strlen(ifi->name));
	wr_mem(w, name, sizeof(name));
	wr_u32(w, ifi->flags);
	wr_u32(w, ifi->mtu);
	wr_mem(w, ifi->mac, 6);
	wr_u8(w, ifi->link_up);
	wr_u8(w, 0);
	wr_str(w, ifi->linkstr, SP_LINKSTRMAX, 0);
	wr_u32(w, ifi->naddrs);
	for (i = 0; i < ifi->naddrs; i++)
		wr_ifaddr(w, &ifi->addrs[i]);
	wr_u64(w, ifi->ipackets);
	wr_u64(w, ifi->ierrors);
	wr_u64(w, ifi->opackets);
	wr_u64(w, ifi->oerrors);
	wr_u64(w, ifi->ibytes);
	wr_u64(w, ifi->obytes);
	wr_u64(w, ifi->iqdrops);
	wr_u64(w, ifi->collisions);
	wr_u32(w, ifi->index);
	wr_u8(w, ifi->link_state);
	wr_u8(w, ifi->media);
	wr_u16(w, 0);
	wr_u32(w, ifi->nlladdrs);
	for (i = 0; i < ifi->nlladdrs; i++)
		wr_mem(w, ifi->lladdrs[i], 6);
}

static void
wr_fixname(struct wr *w, const char *name)
{
	char buf[RUMP_IFNAMSIZ];
	size_t n = strnlen(name, RUMP_IFNAMSIZ);

	if (n == RUMP_IFNAMSIZ) {
		wr_fail(w, -EINVAL);
		return;
	}
	memset(buf, 0, sizeof(buf));
	memcpy(buf, name, n);
	wr_mem(w, buf, sizeof(buf));
}

static void
wr_route(struct wr *w, const struct rump_rtentry *rt)
{
	if ((rt->family != AF_INET && rt->family != AF_INET6) ||
	    rt->plen > (rt->family == AF_INET ? 32 : 128)) {
		wr_fail(w, -EINVAL);
		return;
	}
	wr_u8(w, rt->family);
	wr_u8(w, rt->plen);
	wr_u16(w, 0);
	wr_u32(w, rt->flags);
	wr_mem(w, rt->dst, 16);
	wr_mem(w, rt->gateway, 16);
	wr_fixname(w, rt->ifname);
	wr_mem(w, rt->ifa, 16);
	wr_u32(w, rt->mtu);
	wr_u64(w, rt->use);
}

static void
wr_neigh(struct wr *w, const struct rump_neigh *nb)
{
	if (nb->family != AF_INET && nb->family != AF_INET6) {
		wr_fail(w, -EINVAL);
		return;
	}
	wr_u8(w, nb->family);
	wr_u8(w, nb->state);
	wr_u16(w, nb->flags);
	wr_mem(w, nb->addr, 16);
	wr_mem(w, nb->mac, 6);
	wr_u16(w, 0);
	wr_fixname(w, nb->ifname);
	wr_u32(w, (uint32_t)nb->expire);
}

static void
wr_rtmsg(struct wr *w, const struct rump_rtmsg *rm)
{
	if ((rm->family != AF_INET && rm->family != AF_INET6) ||
	    rm->plen > (rm->family == AF_INET ? 32 : 128) || rm->alen > 16) {
		wr_fail(w, -EINVAL);
		return;
	}
	wr_u32(w, rm->seq);
	wr_u8(w, rm->type);
	wr_u8(w, rm->family);
	wr_u8(w, rm->plen);
	wr_u8(w, rm->gwfamily);
	wr_u32(w, rm->addrs);
	wr_u32(w, rm->flags);
	wr_u32(w, rm->pid);
	wr_u32(w, rm->reqid);
	wr_mem(w, rm->dst, 16);
	wr_mem(w, rm->gateway, 16);
	wr_u8(w, rm->alen);
	wr_u8(w, 0);
	wr_u16(w, 0);
	wr_fixname(w, rm->ifname);
}

static void
wr_impair(struct wr *w, const struct rump_impair *q)
{
	const uint32_t u[12] = { q->delay_us, q->jitter_us, q->dist,
	    q->loss_ppm, q->ge_p, q->ge_r, q->ge_h, q->ge_k, q->dup_ppm,
	    q->reorder_ppm, q->corrupt_ppm, q->limit };
	const uint64_t c[6] = { q->st_frames, q->st_lost, q->st_dup,
	    q->st_corrupt, q->st_reorder, q->st_qdrop };
	int i;

	for (i = 0; i < 12; i++)
		wr_u32(w, u[i]);
	wr_u64(w, q->rate_bps);
	for (i = 0; i < 6; i++)
		wr_u64(w, c[i]);
	wr_u32(w, q->st_queued);
	wr_u32(w, 0);
}

static void
wr_records(struct wr *w, char f, const struct sp_msg *m)
{
	uint32_t k;

	if (m->n > (f == 'G' ? SP_MAXRTMSGS : SP_MAXROUTES) || (m->n > 0 &&
	    (f == 'X' ? m->rts == NULL : f == 'Y' ? m->nbs == NULL :
	    m->rtms == NULL))) {
		wr_fail(w, -EINVAL);
		return;
	}
	wr_u32(w, m->n);
	for (k = 0; k < m->n; k++) {
		if (f == 'X')
			wr_route(w, &m->rts[k]);
		else if (f == 'Y')
			wr_neigh(w, &m->nbs[k]);
		else
			wr_rtmsg(w, &m->rtms[k]);
	}
}

static void
wr_brreq(struct wr *w, const struct rump_brreq *q)
{
	wr_u32(w, q->op);
	wr_u32(w, q->value);
	wr_fixname(w, q->member);
	wr_mem(w, q->mac, 6);
	wr_u16(w, 0);
}

static void
wr_brstatus(struct wr *w, const struct sp_msg *m)
{
	uint32_t k;

	if (m->n > RUMP_BRIDGE_MAXPORTS || m->n2 > SP_MAXROUTES ||
	    (m->n > 0 && m->brports == NULL) ||
	    (m->n2 > 0 && m->braddrs == NULL)) {
		wr_fail(w, -EINVAL);
		return;
	}
	wr_u32(w, m->brst.timeout);
	wr_u32(w, m->brst.maxaddr);
	wr_u32(w, m->brst.nports);
	wr_u32(w, m->brst.naddrs);
	wr_u32(w, m->n);
	for (k = 0; k < m->n; k++) {
		const struct rump_brport *p = &m->brports[k];

		wr_fixname(w, p->ifname);
		wr_u32(w, p->flags);
		wr_u32(w, p->portno);
		wr_u64(w, p->rx);
		wr_u64(w, p->forwarded);
		wr_u64(w, p->flooded);
		wr_u64(w, p->filtered);
	}
	wr_u32(w, m->n2);
	for (k = 0; k < m->n2; k++) {
		const struct rump_braddr *a = &m->braddrs[k];

		wr_mem(w, a->mac, 6);
		wr_u16(w, a->flags);
		wr_fixname(w, a->ifname);
		wr_u32(w, (uint32_t)a->expire);
		wr_u32(w, 0);
	}
}

static void
wr_arrays(struct wr *w, char f, const struct sp_msg *m)
{
	uint32_t k;

	if (m->n > (f == 'L' ? SP_MAXIFS : SP_MAXPOLL) || (m->n > 0 &&
	    (f == 'P' ? m->pfds == NULL : f == 'R' ? m->revents == NULL :
	    m->names == NULL))) {
		wr_fail(w, -EINVAL);
		return;
	}
	wr_u32(w, m->n);
	for (k = 0; k < m->n; k++) {
		if (f == 'P') {
			wr_u32(w, (uint32_t)m->pfds[k].fd);
			wr_u16(w, (uint16_t)m->pfds[k].events);
		} else if (f == 'R') {
			wr_u16(w, m->revents[k]);
		} else {
			wr_str(w, m->names[k], RUMP_IFNAMSIZ - 1, 1);
		}
	}
}

static void
wr_stat(struct wr *w, const struct sp_stat *st)
{
	int k;

	wr_u64(w, st->dev);
	wr_u64(w, st->ino);
	wr_u32(w, st->mode);
	wr_u32(w, st->nlink);
	wr_u32(w, st->uid);
	wr_u32(w, st->gid);
	wr_u64(w, st->size);
	wr_u64(w, st->blocks);
	wr_u32(w, st->blksize);
	for (k = 0; k < 3; k++) {
		if (st->tnsec[k] >= 1000000000u)
			wr_fail(w, -EINVAL);
		wr_u64(w, (uint64_t)st->tsec[k]);
		wr_u32(w, st->tnsec[k]);
	}
}

static void
wr_statvfs(struct wr *w, const struct sp_statvfs *sv)
{
	const uint64_t *v = &sv->bsize;
	int k;

	for (k = 0; k < SP_STATVFS_WORDS; k++)
		wr_u64(w, v[k]);
}

static void
wr_field(struct wr *w, char f, const struct sp_msg *m, struct fieldpos *fp)
{
	uint32_t v;

	switch (f) {
	case 'i':
		wr_u32(w, (uint32_t)m->i[fp->i++]);
		break;
	case 'q':
		wr_u64(w, (uint64_t)m->q[fp->q++]);
		break;
	case 'f': wr_str(w, m->path, SP_PATHMAX, 0); break;
	case 'g': wr_str(w, m->path2, SP_PATHMAX, 0); break;
	case 'S': wr_stat(w, &m->st); break;
	case 'W': wr_statvfs(w, &m->sv); break;
	case 'u':
	case 'm':
	case 'b':
		v = m->u[fp->u++];
		if ((f == 'm' && v > SP_MAXDATA) || (f == 'b' && v > 1))
			wr_fail(w, -EINVAL);
		if (f == 'b')
			wr_u8(w, (uint8_t)v);
		else
			wr_u32(w, v);
		break;
	case 'a': wr_addr(w, m); break;
	case 'd': wr_bytes(w, m->data, m->datalen, SP_MAXDATA); break;
	case 'o': wr_bytes(w, m->data, m->datalen, SP_MAXOPT); break;
	case 'n': wr_str(w, m->name, RUMP_IFNAMSIZ - 1, 1); break;
	case 'l':
	case 'e': wr_str(w, m->str, SP_LINKSTRMAX, 0); break;
	case 'k': wr_str(w, m->str, SP_SYSCTL_NAMEMAX, 1); break;
	case 'v': wr_str(w, m->val, SP_SYSCTL_VALMAX, 0); break;
	case 'c': wr_str(w, m->str, SP_NAMEMAX, 0); break;
	case 'P':
	case 'R':
	case 'L': wr_arrays(w, f, m); break;
	case 'A': wr_ifaddr(w, &m->ifa); break;
	case 'I': wr_ifinfo(w, &m->ifi); break;
	case 'M': wr_mem(w, m->mac, 6); break;
	case 'T': wr_route(w, &m->rt); break;
	case 'N': wr_neigh(w, &m->nb); break;
	case 'Q': wr_impair(w, &m->imp); break;
	case 'K': wr_mem(w, m->cookie, SP_COOKIELEN); break;
	case 'X':
	case 'Y':
	case 'G': wr_records(w, f, m); break;
	case 'B': wr_brreq(w, &m->br); break;
	case 'Z': wr_brstatus(w, m); break;
	default:  wr_fail(w, -EINVAL);
	}
}

long
sp_encode(const struct sp_msg *m, int reply, uint8_t *buf, size_t cap)
{
	const struct sp_calldesc *d;
	const char *layout;
	struct wr w = { buf, cap, 0, 0 };
	struct fieldpos fp = { 0, 0, 0 };
	uint8_t *h;

	d = sp_call_desc(m->h.call);
	if (reply && m->h.ret < 0)
		layout = m->str[0] != '\0' ? "e" : "";
	else if (d == NULL)
		return -EPROTO;
	else
		layout = reply ? d->rep : d->req;
	h = wr_take(&w, SP_HDRLEN);
	for (; *layout != '\0'; layout++)
		wr_field(&w, *layout, m, &fp);
	if (w.error != 0)
		return w.error;
	if (w.off > SP_MAXFRAME)
		return -EMSGSIZE;
	if (h != NULL) {
		st32(h, (uint32_t)w.off);
		st32(h + 4, m->h.id);
		st16(h + 8, m->h.call);
		st16(h + 10, reply ? SP_F_REPLY : 0);
		st32(h + 12, reply ? (uint32_t)m->h.ret : 0);
	}
	return (long)w.off;
}

int
sp_addr_set(struct sp_msg *m, const struct sockaddr *sa, socklen_t len)
{
	size_t n;

	memset(&m->sa, 0, sizeof(m->sa));
	m->salen = 0;
	if (sa == NULL)
		return 0;
	if (len < sizeof(sa_family_t))
		return -EINVAL;
	switch (sa->sa_family) {
	case AF_UNSPEC:
		n = sizeof(sa_family_t);
		break;
	case AF_INET:
		if (len < sizeof(struct sockaddr_in))
			return -EINVAL;
		n = sizeof(struct sockaddr_in);
		break;
	case AF_INET6:
		/* RFC 2133's sockaddr_in6 had no scope id: 24 bytes. */
		if (len < 24)
			return -EINVAL;
		n = len < sizeof(struct sockaddr_in6) ? len :
		    sizeof(struct sockaddr_in6);
		break;
	case AF_UNIX:
		if (len > sizeof(struct sockaddr_un))
			return -EINVAL;
		n = len;
		break;
	default:
		return -EAFNOSUPPORT;
	}
	memcpy(&m->sa, sa, n);
	m->salen = sa->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : (socklen_t)n;
	return 0;
}

/* Which host layout an option value has (see optval in the spec). */
enum { OPT_RAW, OPT_INT, OPT_LINGER, OPT_TIMEVAL };

static int
optval_kind(int level, int name, size_t len)
{
	if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO) &&
	    len == sizeof(struct timeval))
		return OPT_TIMEVAL;
	if (level == SOL_SOCKET && name == SO_LINGER &&
	    len == sizeof(struct linger))
		return OPT_LINGER;
	return len == sizeof(int) ? OPT_INT : OPT_RAW;
}

int
sp_optval_to_wire(int level, int name, const void *val, size_t len,
    uint8_t *out, size_t cap)
{
	struct timeval tv;
	struct linger lg;
	int v;

	if (len > SP_MAXOPT || len > cap)
		return -EINVAL;
	switch (optval_kind(level, name, len)) {
	case OPT_TIMEVAL:
		memcpy(&tv, val, sizeof(tv));
		st64(out, (uint64_t)tv.tv_sec);
		st64(out + 8, (uint64_t)tv.tv_usec);
		return 16;
	case OPT_LINGER:
		memcpy(&lg, val, sizeof(lg));
		st32(out, (uint32_t)lg.l_onoff);
		st32(out + 4, (uint32_t)lg.l_linger);
		return 8;
	case OPT_INT:
		memcpy(&v, val, sizeof(v));
		st32(out, (uint32_t)v);
		return 4;
	default:
		if (len > 0)
			memcpy(out, val, len);
		return (int)len;
	}
}

int
sp_optval_from_wire(int level, int name, const uint8_t *in, size_t len,
    void *val, size_t cap)
{
	union {
		struct timeval tv;
		struct linger  lg;
		int            v;
		uint8_t        raw[SP_MAXOPT];
	} u;
	size_t n = len;

	if (len > SP_MAXOPT)
		return -EINVAL;
	switch (optval_kind(level, name, len)) {
	case OPT_TIMEVAL:
		u.tv.tv_sec = (time_t)ld64(in);
		u.tv.tv_usec = (suseconds_t)ld64(in + 8);
		break;
	case OPT_LINGER:
		u.lg.l_onoff = (int)ld32(in);
		u.lg.l_linger = (int)ld32(in + 4);
		break;
	case OPT_INT:
		u.v = (int)ld32(in);
		break;
	default:
		if (len > 0)
			memcpy(u.raw, in, len);
	}
	if (n > cap)
		n = cap;
	if (n > 0)
		memcpy(val, &u, n);
	return (int)n;
}
