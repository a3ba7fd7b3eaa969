/*
 * hijack_name.c — name resolution for programs on a node: getaddrinfo,
 * getnameinfo, freeaddrinfo and the gethostby* family.
 *
 * A program on a node must resolve the lab's names, and must not ask the
 * host's resolver: that would send DNS queries out of the host's own
 * stack, off the lab.  So names resolve here from numeric addresses,
 * "localhost", and a hosts(5) file (RUMPHIJACK hosts=FILE, or
 * RUMPHIJACK_HOSTS; rumplab writes one with every node's addresses and
 * sets it for the programs it runs).  Any other name fails with
 * EAI_NONAME (HOST_NOT_FOUND), said once on stderr.  With no family
 * hijacked (RUMPHIJACK socket=none) the host's resolver answers, since
 * the program's sockets are the host's then.
 *
 * The file is read once, at the first lookup.  Results are malloc'd as
 * glibc's are (an addrinfo and its address in one block, the canonical
 * name apart), and freeaddrinfo frees them.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "kernel/hijack.h"
#include "kernel/rumpclient.h"

struct hostent_rec {
	int      family;
	uint8_t  addr[16];
	uint32_t scope;
	char   **names;             /* canonical first, then aliases */
	int      nnames;
};

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const char *hosts_path;
static struct hostent_rec *recs;
static int nrecs;

void
hj_hosts_init(const char *path)
{
	hosts_path = path;
}

static void
add_rec(const struct hostent_rec *r)
{
	struct hostent_rec *n;

	if ((n = realloc(recs, (size_t)(nrecs + 1) * sizeof(*n))) == NULL)
		return;
	recs = n;
	recs[nrecs++] = *r;
}

/* An address as text into family, bytes and scope; 0 or -1. */
static int
parse_addr(const char *s, int *family, uint8_t addr[16], uint32_t *scope)
{
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2], *pct;

	*scope = 0;
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	if ((pct = strchr(buf, '%')) != NULL) {
		*pct++ = '\0';
		*scope = (uint32_t)strtoul(pct, NULL, 10);
	}
	if (inet_pton(AF_INET6, buf, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

static void
load_line(char *line)
{
	struct hostent_rec r;
	char *tok, *save, *hash;

	if ((hash = strchr(line, '#')) != NULL)
		*hash = '\0';
	memset(&r, 0, sizeof(r));
	if ((tok = strtok_r(line, " \t\r\n", &save)) == NULL ||
	    parse_addr(tok, &r.family, r.addr, &r.scope) != 0)
		return;
	while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
		char **n = realloc(r.names, (size_t)(r.nnames + 1) *
		    sizeof(*n));

		if (n == NULL || (n[r.nnames] = strdup(tok)) == NULL) {
			free(n);
			return;
		}
		r.names = n;
		r.nnames++;
	}
	if (r.nnames > 0)
		add_rec(&r);
}

static void
load(void)
{
	char line[1024];
	FILE *f;

	if (hosts_path == NULL || (f = fopen(hosts_path, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		load_line(line);
	fclose(f);
}

static int node_hostname(char *buf, size_t len);

/* The node's own name: loopback when the hosts file does not have it, as
 * Debian's /etc/hosts gives a host's own name 127.0.1.1. */
static int
own_name(const char *name)
{
	char me[256];

	return node_hostname(me, sizeof(me)) == 0 && strcasecmp(me, name) == 0;
}

/* Records for name (family 0: both), in file order; "localhost" and the
 * node's own name too. */
static int
lookup(const char *name, int family, struct hostent_rec *out, int max)
{
	static const uint8_t lo6[16] = { [15] = 1 };
	int i, j, k = 0;

	pthread_once(&load_once, load);
	for (i = 0; i < nrecs && k < max; i++) {
		if (family != 0 && recs[i].family != family)
			continue;
		for (j = 0; j < recs[i].nnames; j++)
			if (strcasecmp(recs[i].names[j], name) == 0) {
				out[k++] = recs[i];
				break;
			}
	}
	if (k == 0 && (strcasecmp(name, "localhost") == 0 || own_name(name))) {
		memset(out, 0, 2 * sizeof(*out));
		if (family != AF_INET6 && k < max) {
			out[k].family = AF_INET;
			out[k].addr[0] = 127;
			out[k++].addr[3] = 1;
		}
		if (family != AF_INET && k < max) {
			out[k].family = AF_INET6;
			memcpy(out[k++].addr, lo6, 16);
		}
	}
	return k;
}

static const char *
reverse(int family, const void *addr)
{
	int i;

	pthread_once(&load_once, load);
	for (i = 0; i < nrecs; i++)
		if (recs[i].family == family && memcmp(recs[i].addr, addr,
		    family == AF_INET ? 4 : 16) == 0)
			return recs[i].names[0];
	return NULL;
}

static void
not_found(const char *name)
{
	hj_say_once(HJ_SAY_NAME, "'%s' is not a name of this lab (%s); names outside "
	    "the lab are not resolved on a node", name, hosts_path != NULL ?
	    hosts_path : "no hosts file: RUMPHIJACK_HOSTS is not set");
}

/* Are names the node's to resolve, or the host's (socket=none)? */
static int
ours(void)
{
	HJ_INIT();
	return hj_family(AF_INET) || hj_family(AF_INET6);
}

/*
 * getaddrinfo.
 */
#define MAXADDRS 16

static int
port_of(const char *serv, const struct addrinfo *h, uint16_t *port)
{
	struct servent se, *sp;
	char buf[1024], *end;
	long v;

	*port = 0;
	if (serv == NULL)
		return 0;
	v = strtol(serv, &end, 10);
	if (*serv != '\0' && *end == '\0') {
		if (v < 0 || v > 65535)
			return EAI_SERVICE;
		*port = htons((uint16_t)v);
		return 0;
	}
	if (h != NULL && (h->ai_flags & AI_NUMERICSERV))
		return EAI_NONAME;
	if (getservbyname_r(serv, h != NULL && h->ai_socktype == SOCK_DGRAM ?
	    "udp" : "tcp", &se, buf, sizeof(buf), &sp) != 0 || sp == NULL)
		return EAI_SERVICE;
	*port = (uint16_t)sp->s_port;
	return 0;
}

static struct addrinfo *
ai_new(const struct hostent_rec *r, uint16_t port, int type, int proto)
{
	struct addrinfo *ai;
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;

	if ((ai = calloc(1, sizeof(*ai) + sizeof(*sin6))) == NULL)
		return NULL;
	ai->ai_family = r->family;
	ai->ai_socktype = type;
	ai->ai_protocol = proto;
	ai->ai_addr = (struct sockaddr *)(ai + 1);
	if (r->family == AF_INET) {
		sin = (struct sockaddr_in *)ai->ai_addr;
		sin->sin_family = AF_INET;
		sin->sin_port = port;
		memcpy(&sin->sin_addr, r->addr, 4);
		ai->ai_addrlen = sizeof(*sin);
	} else {
		sin6 = (struct sockaddr_in6 *)ai->ai_addr;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = port;
		sin6->sin6_scope_id = r->scope;
		memcpy(&sin6->sin6_addr, r->addr, 16);
		ai->ai_addrlen = sizeof(*sin6);
	}
	return ai;
}

/* The addresses node names, as the hints ask: how many, or 0 and *err
 * (an EAI_ code: glibc's are negative). */
static int
addresses(const char *node, const struct addrinfo *h, int family,
    struct hostent_rec *r, int *err)
{
	int flags = h != NULL ? h->ai_flags : 0, n, i;

	memset(r, 0, MAXADDRS * sizeof(*r));
	if (node == NULL) {
		n = 0;
		if (family != AF_INET6) {
			r[n].family = AF_INET;
			if (!(flags & AI_PASSIVE))
				r[n].addr[0] = 127, r[n].addr[3] = 1;
			n++;
		}
		if (family != AF_INET) {
			r[n].family = AF_INET6;
			if (!(flags & AI_PASSIVE))
				r[n].addr[15] = 1;
			n++;
		}
		return n;
	}
	if (parse_addr(node, &r[0].family, r[0].addr, &r[0].scope) == 0) {
		if (family == AF_INET6 && r[0].family == AF_INET &&
		    (flags & AI_V4MAPPED)) {
			memmove(r[0].addr + 12, r[0].addr, 4);
			memset(r[0].addr, 0, 10);
			r[0].addr[10] = r[0].addr[11] = 0xff;
			r[0].family = AF_INET6;
		}
		if (family == 0 || r[0].family == family)
			return 1;
		*err = EAI_ADDRFAMILY;
		return 0;
	}
	if (flags & AI_NUMERICHOST) {
		*err = EAI_NONAME;
		return 0;
	}
	n = lookup(node, family == AF_INET6 && (flags & AI_V4MAPPED) ? 0 :
	    family, r, MAXADDRS);
	for (i = 0; i < n && family == AF_INET6; i++)
		if (r[i].family == AF_INET) {   /* AI_V4MAPPED */
			memmove(r[i].addr + 12, r[i].addr, 4);
			memset(r[i].addr, 0, 10);
			r[i].addr[10] = r[i].addr[11] = 0xff;
			r[i].family = AF_INET6;
		}
	if (n == 0) {
		not_found(node);
		*err = EAI_NONAME;
	}
	return n;
}

static int
node_getaddrinfo(const char *node, const char *serv, const struct addrinfo *h,
    struct addrinfo **res)
{
	static const int types[][2] = { { SOCK_STREAM, IPPROTO_TCP },
	    { SOCK_DGRAM, IPPROTO_UDP }, { SOCK_RAW, 0 } };
	struct hostent_rec r[MAXADDRS];
	struct addrinfo *head = NULL, **tail = &head, *ai;
	int family = h != NULL ? h->ai_family : AF_UNSPEC, n, i, t, error;
	uint16_t port;

	if (node == NULL && serv == NULL)
		return EAI_NONAME;
	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
		return EAI_FAMILY;
	if ((error = port_of(serv, h, &port)) != 0)
		return error;
	if ((n = addresses(node, h, family, r, &error)) == 0)
		return error;
	for (i = 0; i < n; i++)
		for (t = 0; t < 3; t++) {
			if (h != NULL && h->ai_socktype != 0 &&
			    h->ai_socktype != types[t][0])
				continue;
			if (h != NULL && h->ai_protocol != 0 &&
			    h->ai_protocol != types[t][1])
				continue;
			if (types[t][0] == SOCK_RAW && serv != NULL &&
			    (h == NULL || h->ai_socktype == 0))
				continue;       /* a service is not a raw's */
			if ((ai = ai_new(&r[i], port, types[t][0],
			    types[t][1])) == NULL) {
				freeaddrinfo(head);
				return EAI_MEMORY;
			}
			*tail = ai;
			tail = &ai->ai_next;
		}
	if (head == NULL)
		return EAI_SOCKTYPE;
	if (h != NULL && (h->ai_flags & AI_CANONNAME) &&
	    (head->ai_canonname = strdup(node != NULL ? node : "")) == NULL) {
		freeaddrinfo(head);
		return EAI_MEMORY;
	}
	*res = head;
	return 0;
}

int
getaddrinfo(const char *node, const char *serv, const struct addrinfo *h,
    struct addrinfo **res)
{
	static int (*real)(const char *, const char *,
	    const struct addrinfo *, struct addrinfo **);

	if (!ours()) {
		if (real == NULL)
			*(void **)&real = dlsym(RTLD_NEXT, "getaddrinfo");
		return real != NULL ? real(node, serv, h, res) : EAI_SYSTEM;
	}
	return node_getaddrinfo(node, serv, h, res);
}

void
freeaddrinfo(struct addrinfo *ai)
{
	struct addrinfo *next;

	for (; ai != NULL; ai = next) {
		next = ai->ai_next;
		free(ai->ai_canonname);
		free(ai);
	}
}

/*
 * getnameinfo.
 */
int
getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host,
    socklen_t hostlen, char *serv, socklen_t servlen, int flags)
{
	static int (*real)(const struct sockaddr *, socklen_t, char *,
	    socklen_t, char *, socklen_t, int);
	const void *addr;
	const char *name = NULL;
	char num[INET6_ADDRSTRLEN];
	struct servent se, *sp;
	char buf[1024];
	uint16_t port;

	if (!ours()) {
		if (real == NULL)
			*(void **)&real = dlsym(RTLD_NEXT, "getnameinfo");
		return real != NULL ? real(sa, salen, host, hostlen, serv,
		    servlen, flags) : EAI_SYSTEM;
	}
	if (sa == NULL || (sa->sa_family == AF_INET &&
	    salen < sizeof(struct sockaddr_in)) || (sa->sa_family == AF_INET6 &&
	    salen < sizeof(struct sockaddr_in6)))
		return EAI_FAMILY;
	if (sa->sa_family == AF_INET) {
		addr = &((const struct sockaddr_in *)sa)->sin_addr;
		port = ((const struct sockaddr_in *)sa)->sin_port;
	} else if (sa->sa_family == AF_INET6) {
		addr = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		port = ((const struct sockaddr_in6 *)sa)->sin6_port;
	} else
		return EAI_FAMILY;
	if (host != NULL && hostlen > 0) {
		if (!(flags & NI_NUMERICHOST))
			name = reverse(sa->sa_family, addr);
		if (name == NULL && (flags & NI_NAMEREQD))
			return EAI_NONAME;
		if (name == NULL) {
			inet_ntop(sa->sa_family, addr, num, sizeof(num));
			name = num;
		}
		if (strlen(name) >= hostlen)
			return EAI_OVERFLOW;
		strcpy(host, name);
	}
	if (serv != NULL && servlen > 0) {
		if (!(flags & NI_NUMERICSERV) && getservbyport_r(port,
		    (flags & NI_DGRAM) ? "udp" : "tcp", &se, buf, sizeof(buf),
		    &sp) == 0 && sp != NULL)
			name = sp->s_name;
		else {
			snprintf(num, sizeof(num), "%u", ntohs(port));
			name = num;
		}
		if (strlen(name) >= servlen)
			return EAI_OVERFLOW;
		strcpy(serv, name);
	}
	return 0;
}

/*
 * gethostbyname and friends, for programs older than getaddrinfo.
 */
struct hbuf {
	struct hostent he;
	char *aliases[1];
	char *addrs[MAXADDRS + 1];
	uint8_t bytes[MAXADDRS][16];
	char name[256];
};

/* Fill he from the records for name; 0, or an h_errno value. */
static int
hostent_fill(const char *name, int family, struct hbuf *b)
{
	struct hostent_rec r[MAXADDRS];
	int n, i, len = family == AF_INET ? 4 : 16, f;
	uint32_t scope;

	memset(b, 0, sizeof(*b));
	if (parse_addr(name, &f, r[0].addr, &scope) == 0) {
		if (f != family)
			return HOST_NOT_FOUND;
		r[0].family = f;
		n = 1;
	} else if ((n = lookup(name, family, r, MAXADDRS)) == 0) {
		not_found(name);
		return HOST_NOT_FOUND;
	}
	snprintf(b->name, sizeof(b->name), "%s", n > 0 && r[0].nnames > 0 ?
	    r[0].names[0] : name);
	b->he.h_name = b->name;
	b->he.h_aliases = b->aliases;
	b->he.h_addrtype = family;
	b->he.h_length = len;
	for (i = 0; i < n; i++) {
		memcpy(b->bytes[i], r[i].addr, (size_t)len);
		b->addrs[i] = (char *)b->bytes[i];
	}
	b->he.h_addr_list = b->addrs;
	return 0;
}

struct hostent *
gethostbyname2(const char *name, int family)
{
	static __thread struct hbuf b;
	int e;

	if (!ours()) {
		static struct hostent *(*real)(const char *, int);

		if (real == NULL)
			*(void **)&real = dlsym(RTLD_NEXT, "gethostbyname2");
		return real != NULL ? real(name, family) : NULL;
	}
	if (family != AF_INET && family != AF_INET6) {
		h_errno = NO_RECOVERY;
		return NULL;
	}
	if ((e = hostent_fill(name, family, &b)) != 0) {
		h_errno = e;
		return NULL;
	}
	return &b.he;
}

struct hostent *
gethostbyname(const char *name)
{
	return gethostbyname2(name, AF_INET);
}

int
gethostbyname2_r(const char *name, int family, struct hostent *ret,
    char *buf, size_t buflen, struct hostent **result, int *herr)
{
	struct hbuf *b;
	uintptr_t a = ((uintptr_t)buf + 15) & ~(uintptr_t)15;

	*result = NULL;
	if (!ours()) {
		static int (*real)(const char *, int, struct hostent *, char *,
		    size_t, struct hostent **, int *);

		if (real == NULL)
			*(void **)&real = dlsym(RTLD_NEXT, "gethostbyname2_r");
		return real != NULL ? real(name, family, ret, buf, buflen,
		    result, herr) : ENOSYS;
	}
	if (buflen < sizeof(*b) + (a - (uintptr_t)buf))
		return ERANGE;
	b = (struct hbuf *)a;
	if ((*herr = hostent_fill(name, family, b)) != 0)
		return *herr == HOST_NOT_FOUND ? 0 : EINVAL;
	*ret = b->he;
	*result = ret;
	return 0;
}

int
gethostbyname_r(const char *name, struct hostent *ret, char *buf,
    size_t buflen, struct hostent **result, int *herr)
{
	return gethostbyname2_r(name, AF_INET, ret, buf, buflen, result, herr);
}

struct hostent *
gethostbyaddr(const void *addr, socklen_t len, int family)
{
	static __thread struct hbuf b;
	const char *name;

	if (!ours()) {
		static struct hostent *(*real)(const void *, socklen_t, int);

		if (real == NULL)
			*(void **)&real = dlsym(RTLD_NEXT, "gethostbyaddr");
		return real != NULL ? real(addr, len, family) : NULL;
	}
	if ((family != AF_INET || len != 4) &&
	    (family != AF_INET6 || len != 16)) {
		h_errno = NO_RECOVERY;
		return NULL;
	}
	if ((name = reverse(family, addr)) == NULL) {
		h_errno = HOST_NOT_FOUND;
		return NULL;
	}
	memset(&b, 0, sizeof(b));
	snprintf(b.name, sizeof(b.name), "%s", name);
	memcpy(b.bytes[0], addr, len);
	b.addrs[0] = (char *)b.bytes[0];
	b.he.h_name = b.name;
	b.he.h_aliases = b.aliases;
	b.he.h_addrtype = family;
	b.he.h_length = (int)len;
	b.he.h_addr_list = b.addrs;
	return &b.he;
}

/*
 * The node's name: gethostname() and uname()'s nodename are the node's
 * kern.hostname (rumplab sets it to the node's name), so that a program
 * naming itself ("Serving on h2", a shell's prompt) names the node, and
 * the name resolves in the lab's hosts file.  A node that cannot be
 * asked leaves the host's.
 */
static int
node_hostname(char *buf, size_t len)
{
	static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
	static char name[256];
	static int have;
	int r = 0;

	pthread_mutex_lock(&mtx);
	if (!have && rump_sys_sysctl_get("kern.hostname", name,
	    sizeof(name)) >= 0 && name[0] != '\0')
		have = 1;
	if (!have || strlen(name) >= len)
		r = -1;
	else
		strcpy(buf, name);
	pthread_mutex_unlock(&mtx);
	return r;
}

int
gethostname(char *buf, size_t len)
{
	static int (*real)(char *, size_t);

	if (ours() && node_hostname(buf, len) == 0)
		return 0;
	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "gethostname");
	return real(buf, len);
}

int
uname(struct utsname *u)
{
	static int (*real)(struct utsname *);
	int r;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "uname");
	if ((r = real(u)) == 0 && ours())
		node_hostname(u->nodename, sizeof(u->nodename));
	return r;
}
