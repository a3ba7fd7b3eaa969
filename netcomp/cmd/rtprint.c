/*
 * rtprint.c — NetBSD's route listing formats (rtprint.h).  Addresses are
 * always numeric: the commands have no resolver.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "json/json.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/rtprint.h"

/* In the order of NetBSD's letters (sbin/route's bits[], which netstat
 * -r prints from): a static blackhole route is UGHBS, not UGHSB.  Names
 * (route get's <...>) go in bit order, as NetBSD's printb() prints. */
static const struct {
	uint32_t bit;
	char letter;
	const char *name;
} rtbits[] = {
	{ RUMP_RTF_UP,        'U', "UP" },
	{ RUMP_RTF_GATEWAY,   'G', "GATEWAY" },
	{ RUMP_RTF_HOST,      'H', "HOST" },
	{ RUMP_RTF_REJECT,    'R', "REJECT" },
	{ RUMP_RTF_BLACKHOLE, 'B', "BLACKHOLE" },
	{ RUMP_RTF_DYNAMIC,   'D', "DYNAMIC" },
	{ RUMP_RTF_MODIFIED,  'M', "MODIFIED" },
	{ RUMP_RTF_DONE,      'd', "DONE" },
	{ RUMP_RTF_CONNECTED, 'C', "CONNECTED" },
	{ RUMP_RTF_LLINFO,    'L', "LLINFO" },
	{ RUMP_RTF_STATIC,    'S', "STATIC" },
	{ RUMP_RTF_PROTO2,    '2', "PROTO2" },
	{ RUMP_RTF_ANNOUNCE,  'p', "ANNOUNCE" },
	{ RUMP_RTF_LOCAL,     'l', "LOCAL" },
};
#define NBITS (sizeof(rtbits) / sizeof(rtbits[0]))

void
rtprint_flags(uint32_t flags, char *buf, size_t len)
{
	size_t i, k = 0;

	for (i = 0; i < NBITS && k + 1 < len; i++)
		if ((flags & rtbits[i].bit) && rtbits[i].bit != RUMP_RTF_DONE)
			buf[k++] = rtbits[i].letter;
	buf[k] = '\0';
}

void
rtprint_flagnames(uint32_t flags, char *buf, size_t len)
{
	size_t i, k;

	snprintf(buf, len, "<");
	for (uint32_t bit = 1; bit != 0; bit <<= 1) {
		if (!(flags & bit))
			continue;
		for (i = 0; i < NBITS && rtbits[i].bit != bit; i++)
			continue;
		if (i == NBITS)
			continue;
		k = strlen(buf);
		snprintf(buf + k, len - k, "%s%s", k > 1 ? "," : "",
		    rtbits[i].name);
	}
	k = strlen(buf);
	snprintf(buf + k, len - k, ">");
}

/* NetBSD's netname(): a net's trailing zero octets left out. */
static void
net4(const uint8_t *a, int plen, char *buf, size_t len)
{
	int n = 4;

	if (plen == 32) {
		snprintf(buf, len, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return;
	}
	while (n > 1 && a[n - 1] == 0 && (n - 1) * 8 >= plen)
		n--;
	switch (n) {
	case 1: snprintf(buf, len, "%u/%d", a[0], plen); break;
	case 2: snprintf(buf, len, "%u.%u/%d", a[0], a[1], plen); break;
	case 3: snprintf(buf, len, "%u.%u.%u/%d", a[0], a[1], a[2], plen);
		break;
	default: snprintf(buf, len, "%u.%u.%u.%u/%d", a[0], a[1], a[2], a[3],
		    plen);
	}
}

void
rtprint_dst(const struct rump_rtentry *rt, char *buf, size_t len)
{
	char a[INADDR_TEXTLEN];
	int full = rt->family == AF_INET6 ? 128 : 32;

	if (rt->plen == 0) {
		snprintf(buf, len, "default");
		return;
	}
	if (rt->family == AF_INET) {
		net4(rt->dst, rt->plen, buf, len);
		return;
	}
	inaddr_ntop(AF_INET6, rt->dst, a, sizeof(a));
	if (inaddr_linklocal6(rt->dst) && rt->ifname[0] != '\0')
		snprintf(buf, len, "%s%%%s%s%.0d", a, rt->ifname,
		    rt->plen == full ? "" : "/", rt->plen == full ? 0 :
		    rt->plen);
	else if (rt->plen == full)
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%d", a, rt->plen);
}

int
rtprint_fetch(int family, struct rump_rtentry **rts, int *n)
{
	struct rump_rtentry *v = NULL;
	int want = 64, got;

	for (;;) {
		free(v);
		if ((v = calloc((size_t)want, sizeof(*v))) == NULL)
			return -ENOMEM;
		if ((got = rump_sys_route_list(family, v, want)) < 0) {
			free(v);
			return -errno;
		}
		if (got <= want)
			break;
		want = got + 16;
	}
	*rts = v;
	*n = got;
	return 0;
}

/* The gateway column: the gateway, or the link (NetBSD's "link#N"). */
static void
gateway(const struct rump_rtentry *rt, char (*names)[RUMP_IFNAMSIZ],
    int nif, char *buf, size_t len)
{
	static const uint8_t zero[16];
	const uint8_t *m = rt->gateway;
	int i;

	if (rt->flags & RUMP_RTF_LLINFO) {
		snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
		    m[2], m[3], m[4], m[5]);
		return;
	}
	if (memcmp(rt->gateway, zero, 16) != 0) {
		inaddr_ntop(rt->family, rt->gateway, buf, len);
		return;
	}
	if (rt->flags & (RUMP_RTF_BLACKHOLE | RUMP_RTF_REJECT)) {
		snprintf(buf, len, rt->family == AF_INET ? "127.0.0.1" : "::1");
		return;
	}
	for (i = 0; i < nif; i++)
		if (strcmp(names[i], rt->ifname) == 0) {
			snprintf(buf, len, "link#%d", i + 1);
			return;
		}
	snprintf(buf, len, "%s", rt->ifname);
}

static void
section(FILE *f, int family, const struct rump_rtentry *rts, int n,
    char (*names)[RUMP_IFNAMSIZ], int nif)
{
	char dst[96], gw[64], fl[16], mtu[16];
	int i, wd = family == AF_INET6 ? 33 : 18;
	int wg = family == AF_INET6 ? 29 : 18;

	fprintf(f, "\n%s:\n", family == AF_INET ? "Internet" : "Internet6");
	fprintf(f, "%-*s %-*s %-6s %6s %8s %6s %s\n", wd, "Destination", wg,
	    "Gateway", "Flags", "Refs", "Use", "Mtu", "Interface");
	for (i = 0; i < n; i++) {
		const struct rump_rtentry *rt = &rts[i];

		if (rt->family != family)
			continue;
		rtprint_dst(rt, dst, sizeof(dst));
		gateway(rt, names, nif, gw, sizeof(gw));
		rtprint_flags(rt->flags, fl, sizeof(fl));
		snprintf(mtu, sizeof(mtu), rt->mtu ? "%u" : "-", rt->mtu);
		/* Refs and Use: NetBSD's netstat prints "-" for both. */
		fprintf(f, "%-*s %-*s %-6s %6s %8s %6s  %s\n", wd, dst, wg, gw,
		    fl, "-", "-", mtu, rt->flags & RUMP_RTF_LOCAL ? "lo0" :
		    rt->ifname);
	}
}

void
rtprint_table(FILE *f, int family, const struct rump_rtentry *rts, int n)
{
	char names[64][RUMP_IFNAMSIZ];
	int nif, have4 = 0, have6 = 0, i;

	if ((nif = rump_sys_iflist(names, 64)) < 0)
		nif = 0;
	if (nif > 64)
		nif = 64;
	for (i = 0; i < n; i++) {
		have4 |= rts[i].family == AF_INET;
		have6 |= rts[i].family == AF_INET6;
	}
	fprintf(f, "Routing tables\n");
	if (family != AF_INET6 && (have4 || family == AF_INET))
		section(f, AF_INET, rts, n, names, nif);
	if (family != AF_INET && (have6 || family == AF_INET6))
		section(f, AF_INET6, rts, n, names, nif);
}

/* --json: a section's routes, the columns of its table. */
static void
section_json(struct jw *w, int family, const struct rump_rtentry *rts,
    int n, char (*names)[RUMP_IFNAMSIZ], int nif)
{
	char dst[96], gw[64], fl[16];
	int i;

	jw_object(w, NULL);
	jw_str(w, "family", family == AF_INET ? "inet" : "inet6");
	jw_array(w, "routes");
	for (i = 0; i < n; i++) {
		const struct rump_rtentry *rt = &rts[i];

		if (rt->family != family)
			continue;
		rtprint_dst(rt, dst, sizeof(dst));
		gateway(rt, names, nif, gw, sizeof(gw));
		rtprint_flags(rt->flags, fl, sizeof(fl));
		jw_object(w, NULL);
		jw_str(w, "destination", dst);
		jw_str(w, "gateway", gw);
		jw_str(w, "flags", fl);
		jw_null(w, "refs");
		jw_null(w, "use");
		if (rt->mtu)
			jw_uint(w, "mtu", rt->mtu);
		else
			jw_null(w, "mtu");
		jw_str(w, "interface", rt->flags & RUMP_RTF_LOCAL ? "lo0" :
		    rt->ifname);
		jw_close(w);
	}
	jw_close(w);
	jw_close(w);
}

int
rtprint_json(FILE *f, int family, const struct rump_rtentry *rts, int n)
{
	char names[64][RUMP_IFNAMSIZ];
	int nif, have4 = 0, have6 = 0, i;
	struct jw w;

	if ((nif = rump_sys_iflist(names, 64)) < 0)
		nif = 0;
	if (nif > 64)
		nif = 64;
	for (i = 0; i < n; i++) {
		have4 |= rts[i].family == AF_INET;
		have6 |= rts[i].family == AF_INET6;
	}
	jw_init(&w, f);
	jw_object(&w, NULL);
	jw_array(&w, "route_tables");
	if (family != AF_INET6 && (have4 || family == AF_INET))
		section_json(&w, AF_INET, rts, n, names, nif);
	if (family != AF_INET && (have6 || family == AF_INET6))
		section_json(&w, AF_INET6, rts, n, names, nif);
	jw_close(&w);
	jw_close(&w);
	return jw_end(&w);
}
