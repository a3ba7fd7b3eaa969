/*
 * ifprint.c — the interface listing of rump.ifconfig, line for line in
 * NetBSD's format (see ifprint.h).  Address flags are shown with NetBSD's
 * IN_IFF_* and IN6_IFF_* values, so "flags 0x2<TENTATIVE>" reads as it
 * does there.
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "json/json.h"
#include "netcomp/cmd/hosts.h"
#include "netcomp/cmd/ifprint.h"
#include "netcomp/cmd/inaddr.h"

/* NetBSD's IFFBITS, IN_IFFBITS and IN6_IFFBITS (net/if.h,
 * netinet/in_var.h, netinet6/in6_var.h). */
static const char iffbits[] =
    "\020\1UP\2BROADCAST\3DEBUG\4LOOPBACK\5POINTOPOINT\6NOTRAILERS"
    "\7RUNNING\10NOARP\11PROMISC\12ALLMULTI\13OACTIVE\14SIMPLEX"
    "\15LINK0\16LINK1\17LINK2\20MULTICAST";
static const char iniffbits[] = "\020\1TENTATIVE\2DUPLICATED\3DETACHED";
static const char in6iffbits[] =
    "\020\1ANYCAST\2TENTATIVE\3DUPLICATED\4DETACHED\5DEPRECATED\6NODAD"
    "\7AUTOCONF\10TEMPORARY";

#define N4_TENTATIVE   0x01
#define N4_DUPLICATED  0x02
#define N4_DETACHED    0x04
#define N6_TENTATIVE   0x02
#define N6_DUPLICATED  0x04
#define N6_DEPRECATED  0x10
#define N6_AUTOCONF    0x40

void
ifprint_bits(char *buf, size_t len, const char *bits, uint32_t v)
{
	size_t off;
	int any = 0, bit;
	const char *p = bits + 1;       /* skip the base byte */

	off = (size_t)snprintf(buf, len, "0x%x", v);
	while (*p != '\0' && off < len) {
		bit = *p++;
		if (v & (1u << (bit - 1))) {
			off += (size_t)snprintf(buf + off, len - off, "%c",
			    any ? ',' : '<');
			any = 1;
			while (*p > ' ' && off < len)
				off += (size_t)snprintf(buf + off, len - off,
				    "%c", *p++);
		} else
			while (*p > ' ')
				p++;
	}
	if (any && off < len)
		snprintf(buf + off, len - off, ">");
}

static uint32_t
netbsd_in_flags(uint8_t f)
{
	uint32_t n = 0;

	if (f & RUMP_IFA_TENTATIVE)
		n |= N4_TENTATIVE;
	if (f & RUMP_IFA_DUPLICATED)
		n |= N4_DUPLICATED;
	if (f & RUMP_IFA_DETACHED)
		n |= N4_DETACHED;
	return n;
}

static uint32_t
netbsd_in6_flags(uint8_t f)
{
	uint32_t n = 0;

	if (f & RUMP_IFA_TENTATIVE)
		n |= N6_TENTATIVE;
	if (f & RUMP_IFA_DUPLICATED)
		n |= N6_DUPLICATED;
	if (f & RUMP_IFA_DEPRECATED)
		n |= N6_DEPRECATED;
	if (f & RUMP_IFA_AUTOCONF)
		n |= N6_AUTOCONF;
	return n;
}

/* The address as the listing shows it: its number, or -N's name from
 * the host's hosts file (NetBSD's getnameinfo() without NI_NUMERICHOST;
 * a number where the file has no name). */
static const char *
addr_text(const struct ifprint_opts *o, int family, const uint8_t *addr,
    char *buf, size_t len)
{
	if (o->names && hosts_name(family, addr, buf, len) == 0)
		return buf;
	return inaddr_ntop(family, addr, buf, len);
}

/* -L: " pltime N vltime M", NetBSD's, for an address that has any. */
static void
print_life(FILE *f, const uint32_t life[2])
{
	int k;

	if (life[0] == RUMP_LIFE_INFINITE && life[1] == RUMP_LIFE_INFINITE)
		return;
	for (k = 0; k < 2; k++) {
		fprintf(f, k == 0 ? " pltime " : " vltime ");
		if (life[k] == RUMP_LIFE_INFINITE)
			fprintf(f, "infty");
		else
			fprintf(f, "%lu", (unsigned long)life[k]);
	}
}

static void
print_addr(FILE *f, const struct rump_ifinfo *info, uint32_t i,
    const struct ifprint_opts *o)
{
	const struct rump_ifaddr *a = &info->addrs[i];
	char buf[NI_MAXHOST], fl[128];
	uint8_t bc[4];

	addr_text(o, a->family, a->addr, buf, sizeof(buf));
	if (a->family == AF_INET) {
		fprintf(f, "\tinet %s/%u", buf, a->plen);
		if ((info->flags & RUMP_IFF_BROADCAST) && a->plen < 31) {
			inaddr_broadcast(a->addr, a->plen, bc);
			fprintf(f, " broadcast %s", addr_text(o, AF_INET, bc,
			    buf, sizeof(buf)));
		}
		ifprint_bits(fl, sizeof(fl), iniffbits,
		    netbsd_in_flags(a->flags));
		fprintf(f, " flags %s\n", fl);
		return;
	}
	ifprint_bits(fl, sizeof(fl), in6iffbits, netbsd_in6_flags(a->flags));
	if (inaddr_linklocal6(a->addr))
		fprintf(f, "\tinet6 %s%%%s/%u flags %s", buf, info->name,
		    a->plen, fl);
	else
		fprintf(f, "\tinet6 %s/%u flags %s", buf, a->plen, fl);
	if (inaddr_linklocal6(a->addr) && info->index != 0)
		fprintf(f, " scopeid 0x%x", (unsigned)info->index);
	if (o->life != NULL)
		print_life(f, o->life[i]);
	fprintf(f, "\n");
}

/* -h: NetBSD's humanize_number() of a byte count in four columns:
 * 999, then 1.0K ... 9.9K, 10K ... 999K, 1.0M ... (powers of 1024). */
static void
print_bytes(FILE *f, uint64_t n, int human)
{
	static const char prefix[] = "KMGTPE";
	double v = (double)n;
	int k = -1;

	if (!human || n < 1000) {
		fprintf(f, ", %llu byte%s", (unsigned long long)n,
		    n == 1 ? "" : "s");
		return;
	}
	while (v >= 999.5 && k < 5) {
		v /= 1024;
		k++;
	}
	if (v < 9.95)
		fprintf(f, ", %.1f%c bytes", v, prefix[k]);
	else
		fprintf(f, ", %.0f%c bytes", v, prefix[k]);
}

static void
print_counters(FILE *f, const struct rump_ifinfo *info, int human)
{
	fprintf(f, "\tinput: %llu packets", (unsigned long long)info->ipackets);
	print_bytes(f, info->ibytes, human);
	if (info->ierrors)
		fprintf(f, ", %llu errors",
		    (unsigned long long)info->ierrors);
	if (info->iqdrops)
		fprintf(f, ", %llu queue drops",
		    (unsigned long long)info->iqdrops);
	fprintf(f, "\n\toutput: %llu packets",
	    (unsigned long long)info->opackets);
	print_bytes(f, info->obytes, human);
	if (info->oerrors)
		fprintf(f, ", %llu errors",
		    (unsigned long long)info->oerrors);
	if (info->collisions)
		fprintf(f, ", %llu collisions",
		    (unsigned long long)info->collisions);
	fprintf(f, "\n");
}

static const char *
media_name(uint8_t media)
{
	return media == RUMP_MEDIA_NONE ? "none" : "autoselect";
}

static const char *
link_state_name(uint8_t st)
{
	return st == RUMP_LINK_STATE_UP ? "up" :
	    st == RUMP_LINK_STATE_DOWN ? "down" : "unknown";
}

static void
print_mac(FILE *f, const char *what, const uint8_t *m)
{
	fprintf(f, "\t%s %02x:%02x:%02x:%02x:%02x:%02x\n", what, m[0], m[1],
	    m[2], m[3], m[4], m[5]);
}

void
ifprint(FILE *f, const struct rump_ifinfo *info, const struct ifprint_opts *o)
{
	char fl[160];
	uint32_t i, pass;
	int fam;

	ifprint_bits(fl, sizeof(fl), iffbits, info->flags);
	fprintf(f, "%.*s: flags=%s mtu %u\n", RUMP_IFNAMSIZ, info->name, fl,
	    info->mtu);
	if (info->linkstr[0] != '\0')
		fprintf(f, "\tlinkstr: %.*s\n", RUMP_LINKSTRLEN,
		    info->linkstr);
	if (!(info->flags & RUMP_IFF_LOOPBACK)) {
		print_mac(f, "address:", info->mac);
		if (info->media != 0)
			fprintf(f, "\tmedia: Ethernet %s\n",
			    media_name(info->media));
		fprintf(f, "\tstatus: %s\n", info->link_up ? "active" :
		    "no carrier");
	}
	if (o->family == AF_UNSPEC || o->family == IFPRINT_LINK)
		for (i = 0; i < info->nlladdrs && i < RUMP_MAXLLADDRS; i++)
			print_mac(f, "link", info->lladdrs[i]);
	if (o->verbose) {
		print_counters(f, info, o->human);
		fprintf(f, "\tlinkstate: %s\n",
		    link_state_name(info->link_state));
	}
	/* NetBSD lists inet before inet6. */
	for (pass = 0; pass < 2; pass++) {
		fam = pass == 0 ? AF_INET : AF_INET6;
		if (o->family != AF_UNSPEC && o->family != fam)
			continue;
		for (i = 0; i < info->naddrs && i < RUMP_MAXADDRS; i++)
			if (info->addrs[i].family == fam)
				print_addr(f, info, i, o);
	}
}

/* --json ------------------------------------------------------------------ */

/* "flags":N and "flag_names":[...], what the listing shows as 0xN<...>. */
static void
json_flags(struct jw *w, const char *bits, uint32_t v)
{
	char buf[256], *p, *save = NULL;

	jw_uint(w, "flags", v);
	ifprint_bits(buf, sizeof(buf), bits, v);
	jw_array(w, "flag_names");
	if ((p = strchr(buf, '<')) != NULL) {
		p[strcspn(p, ">")] = '\0';
		for (p = strtok_r(p + 1, ",", &save); p != NULL;
		    p = strtok_r(NULL, ",", &save))
			jw_str(w, NULL, p);
	}
	jw_close(w);
}

static void
json_addr(struct jw *w, const struct rump_ifinfo *info,
    const struct rump_ifaddr *a)
{
	char buf[INADDR_TEXTLEN];
	uint8_t bc[4];

	jw_object(w, NULL);
	jw_str(w, "addr", inaddr_ntop(a->family, a->addr, buf, sizeof(buf)));
	jw_uint(w, "plen", a->plen);
	if (a->family == AF_INET) {
		if ((info->flags & RUMP_IFF_BROADCAST) && a->plen < 31) {
			inaddr_broadcast(a->addr, a->plen, bc);
			jw_str(w, "broadcast", inaddr_ntop(AF_INET, bc, buf,
			    sizeof(buf)));
		} else
			jw_null(w, "broadcast");
		json_flags(w, iniffbits, netbsd_in_flags(a->flags));
	} else {
		jw_str(w, "scope", inaddr_linklocal6(a->addr) ? info->name :
		    NULL);
		if (inaddr_linklocal6(a->addr) && info->index != 0)
			jw_uint(w, "scopeid", info->index);
		else
			jw_null(w, "scopeid");
		json_flags(w, in6iffbits, netbsd_in6_flags(a->flags));
	}
	jw_close(w);
}

void
ifprint_json(struct jw *w, const struct rump_ifinfo *info,
    const struct ifprint_opts *o)
{
	const uint8_t *m = info->mac;
	char mac[24];
	uint32_t i;
	int pass, fam;

	jw_object(w, NULL);
	jw_strn(w, "name", info->name, strnlen(info->name, RUMP_IFNAMSIZ));
	json_flags(w, iffbits, info->flags);
	jw_uint(w, "mtu", info->mtu);
	if (info->linkstr[0] != '\0')
		jw_strn(w, "linkstr", info->linkstr, strnlen(info->linkstr,
		    RUMP_LINKSTRLEN));
	else
		jw_null(w, "linkstr");
	if (!(info->flags & RUMP_IFF_LOOPBACK)) {
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		    m[0], m[1], m[2], m[3], m[4], m[5]);
		jw_str(w, "address", mac);
		jw_str(w, "status", info->link_up ? "active" : "no carrier");
	} else {
		jw_null(w, "address");
		jw_null(w, "status");
	}
	jw_str(w, "link_state", link_state_name(info->link_state));
	if (info->media != 0)
		jw_str(w, "media", media_name(info->media));
	else
		jw_null(w, "media");
	jw_array(w, "link_addresses");
	for (i = 0; i < info->nlladdrs && i < RUMP_MAXLLADDRS; i++) {
		m = info->lladdrs[i];
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		    m[0], m[1], m[2], m[3], m[4], m[5]);
		jw_str(w, NULL, mac);
	}
	jw_close(w);
	/* Both arrays always, each empty when o's family leaves it out. */
	for (pass = 0; pass < 2; pass++) {
		fam = pass == 0 ? AF_INET : AF_INET6;
		jw_array(w, pass == 0 ? "inet" : "inet6");
		for (i = 0; i < info->naddrs && i < RUMP_MAXADDRS; i++)
			if (info->addrs[i].family == fam &&
			    (o->family == AF_UNSPEC || o->family == fam))
				json_addr(w, info, &info->addrs[i]);
		jw_close(w);
	}
	jw_object(w, "input");
	jw_uint(w, "packets", info->ipackets);
	jw_uint(w, "bytes", info->ibytes);
	jw_uint(w, "errors", info->ierrors);
	jw_uint(w, "queue_drops", info->iqdrops);
	jw_close(w);
	jw_object(w, "output");
	jw_uint(w, "packets", info->opackets);
	jw_uint(w, "bytes", info->obytes);
	jw_uint(w, "errors", info->oerrors);
	jw_uint(w, "collisions", info->collisions);
	jw_close(w);
	jw_close(w);
}
