/*
 * test_sysproxy_wire.c — proves the sysproxy codec produces and accepts the
 * bytes kernel/SYSPROXY.txt specifies.  The expected frames below are
 * written by hand from the spec's section 9 (and each is also looked up in
 * the spec text given as argv[1], so the two cannot drift apart); then the
 * decoder's refusals of section 6, the caps of section 2, URL parsing and
 * option value layouts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/un.h>

#include "kernel/sysproxy_url.h"
#include "kernel/sysproxy_wire.h"
#include "tests/lib/tap.h"

static char *spec;      /* the spec's text, hex lines only, normalised */

static const uint8_t ex_banner[] = {
	0x52, 0x55, 0x4d, 0x50, 0x4c, 0x41, 0x42, 0x2d, 0x53, 0x59, 0x53, 0x50,
	0x52, 0x4f, 0x58, 0x59, 0x20, 0x31, 0x0a,
};
static const uint8_t ex_socket[] = {
	0x1c, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
	2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
};
static const uint8_t ex_socket_rep[] = {
	0x10, 0, 0, 0, 7, 0, 0, 0, 1, 0, 1, 0, 3, 0, 0, 0,
};
static const uint8_t ex_socket_emfile[] = {
	0x10, 0, 0, 0, 7, 0, 0, 0, 1, 0, 1, 0, 0xe8, 0xff, 0xff, 0xff,
};
static const uint8_t ex_connect[] = {
	0x1c, 0, 0, 0, 9, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0,
	3, 0, 0, 0, 2, 0, 7, 0, 0x7f, 0, 0, 1,
};
static const uint8_t ex_sendto[] = {
	0x20, 0, 0, 0, 0x0a, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0,
	3, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 2, 0, 0, 0, 0x68, 0x69,
};
static const uint8_t ex_recvfrom_rep[] = {
	0x32, 0, 0, 0, 0x0b, 0, 0, 0, 7, 0, 1, 0, 2, 0, 0, 0,
	0x0a, 0, 0x90, 0x1f, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
	2, 0, 0, 0, 0x6f, 0x6b,
};
static const uint8_t ex_poll[] = {
	0x24, 0, 0, 0, 0x0c, 0, 0, 0, 0x0e, 0, 0, 0, 0, 0, 0, 0,
	0xe8, 3, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 4, 0, 0, 0, 4, 0,
};
static const uint8_t ex_linkstr[] = {
	0x1e, 0, 0, 0, 0x0d, 0, 0, 0, 0x24, 0, 0, 0, 0, 0, 0, 0,
	6, 0, 's', 'h', 'm', 'i', 'f', '0', 4, 0, 'b', 'u', 's', '1',
};
static const uint8_t ex_addaddr[] = {
	0x2c, 0, 0, 0, 0x0e, 0, 0, 0, 0x27, 0, 0, 0, 0, 0, 0, 0,
	6, 0, 's', 'h', 'm', 'i', 'f', '0',
	2, 0x18, 0, 0, 0x0a, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
static const uint8_t ex_setmac[] = {
	0x1e, 0, 0, 0, 0x0f, 0, 0, 0, 0x29, 0, 0, 0, 0, 0, 0, 0,
	6, 0, 's', 'h', 'm', 'i', 'f', '0', 0xb2, 0xa0, 0, 0, 1, 2,
};
static int decode_patched(const uint8_t *frame, size_t len, size_t off,
    uint8_t v, int reply);

static const uint8_t ex_setimpair[140] = {
	0x8c, 0, 0, 0, 0x10, 0, 0, 0, 0x2a, 0, 0, 0, 0, 0, 0, 0,
	6, 0, 's', 'h', 'm', 'i', 'f', '0', 2, 0, 0, 0,
	0x20, 0x4e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0xc3, 0, 0,
	/* 96 zero bytes */
};
static const uint8_t ex_ifget_rep[] = {
	0x96, 0, 0, 0, 0x10, 0, 0, 0, 0x23, 0, 1, 0, 0, 0, 0, 0,
	'l', 'o', '0', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x49, 0x80, 0, 0, 0x58, 0x83, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	1, 0, 0, 0,
	2, 8, 0, 0, 0x7f, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
	3, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0,
	5, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0,
	7, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0,
	1, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,
};
static const uint8_t ex_lladdr[] = {
	0x22, 0, 0, 0, 0x11, 0, 0, 0, 0x35, 0, 0, 0, 0, 0, 0, 0,
	6, 0, 's', 'h', 'm', 'i', 'f', '0', 0xb2, 0xa1, 0, 0, 0, 2,
	2, 0, 0, 0,
};
static const uint8_t ex_ebusy[] = {
	0x14, 0, 0, 0, 0x0d, 0, 0, 0, 0x24, 0, 1, 0, 0xf0, 0xff, 0xff, 0xff,
	2, 0, 'u', 'p',
};
static const uint8_t ex_cancel[] = {
	0x14, 0, 0, 0, 0x0d, 0, 0, 0, 0x13, 0, 0, 0, 0, 0, 0, 0,
	0x0c, 0, 0, 0,
};
static const uint8_t ex_ioctl[] = {
	0x1c, 0, 0, 0, 0x0e, 0, 0, 0, 0x14, 0, 0, 0, 0, 0, 0, 0,
	3, 0, 0, 0, 0x1b, 0x54, 0, 0, 0, 0, 0, 0,
};
static const uint8_t ex_ioctl_rep[] = {
	0x10, 0, 0, 0, 0x0e, 0, 0, 0, 0x14, 0, 1, 0, 5, 0, 0, 0,
};
static const uint8_t ex_fork_rep[] = {
	0x20, 0, 0, 0, 0x0f, 0, 0, 0, 0x15, 0, 1, 0, 0, 0, 0, 0,
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
};
static const uint8_t ex_open[] = {
	0x24, 0, 0, 0, 0x14, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0,
	0x9c, 0xff, 0xff, 0xff, 6, 0, '/', 't', 'm', 'p', '/', 'a',
	0x41, 0, 0, 0, 0xa4, 0x01, 0, 0,
};
static const uint8_t ex_fstat_rep[] = {
	0x68, 0, 0, 0, 0x15, 0, 0, 0, 0x42, 0, 1, 0, 0, 0, 0, 0,
	1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
	0xa4, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	5, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0,
	1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0,
	4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
static const uint8_t ex_hello[] = {
	0x23, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 0, 0, 0, 0xe8, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 't',
};

/* Load the spec's section 9 as one line of lowercase hex pairs separated
 * by single spaces, so an example can be found with strstr(). */
static void
load_spec(const char *path)
{
	char line[512], *sec, *p, *out;
	FILE *f;
	size_t cap = 1 << 16, n = 0;
	int in9 = 0;

	if ((f = fopen(path, "r")) == NULL) {
		diag("cannot open %s", path);
		return;
	}
	spec = calloc(1, cap);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "9. Examples", 11) == 0)
			in9 = 1;
		if (!in9 || strspn(line, " 0123456789abcdef\n") != strlen(line))
			continue;
		for (p = strtok_r(line, " \n", &sec); p != NULL;
		    p = strtok_r(NULL, " \n", &sec)) {
			out = spec + n;
			n += (size_t)snprintf(out, cap - n, "%s ", p);
		}
	}
	fclose(f);
}

static int
in_spec(const uint8_t *b, size_t n)
{
	char *hex = calloc(1, n * 3 + 1);
	size_t i;
	int found;

	for (i = 0; i < n; i++)
		sprintf(hex + 3 * i, "%02x ", b[i]);
	found = spec != NULL && strstr(spec, hex) != NULL;
	free(hex);
	return found;
}

/* Encode m and compare with the expected frame, which must be in the spec. */
static void
check_bytes(const char *what, const struct sp_msg *m, int reply,
    const uint8_t *want, size_t wantlen)
{
	uint8_t buf[256];
	long n;

	n = sp_encode(m, reply, buf, sizeof(buf));
	ok(n == (long)wantlen && memcmp(buf, want, wantlen) == 0,
	    "%s: encoded bytes match the spec", what);
	ok(sp_encode(m, reply, NULL, 0) == (long)wantlen,
	    "%s: size without a buffer", what);
	ok(in_spec(want, wantlen), "%s: the expected bytes are in SYSPROXY.txt",
	    what);
}

/* The calls an LD_PRELOAD client needs: CANCEL, IOCTL, FORK and JOIN. */
static void
test_examples_hijack(void)
{
	struct sp_msg m, d;
	int k;

	memset(&m, 0, sizeof(m));
	m.h.call = SP_CANCEL;
	m.h.id = 13;
	m.u[0] = 12;
	check_bytes("CANCEL", &m, 0, ex_cancel, sizeof(ex_cancel));
	ok(sp_decode(ex_cancel, sizeof(ex_cancel), 0, &d) == 0 &&
	    d.h.call == SP_CANCEL && d.u[0] == 12, "CANCEL decodes: id 12");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_IOCTL;
	m.h.id = 14;
	m.i[0] = 3;
	m.u[0] = 0x541b;
	check_bytes("IOCTL", &m, 0, ex_ioctl, sizeof(ex_ioctl));
	ok(sp_decode(ex_ioctl, sizeof(ex_ioctl), 0, &d) == 0 &&
	    d.i[0] == 3 && d.u[0] == 0x541b && d.i[1] == 0, "IOCTL decodes");
	m.h.ret = 5;
	check_bytes("IOCTL reply", &m, 1, ex_ioctl_rep, sizeof(ex_ioctl_rep));

	memset(&m, 0, sizeof(m));
	m.h.call = SP_FORK;
	m.h.id = 15;
	for (k = 0; k < SP_COOKIELEN; k++)
		m.cookie[k] = (uint8_t)k;
	check_bytes("FORK reply", &m, 1, ex_fork_rep, sizeof(ex_fork_rep));
	ok(sp_decode(ex_fork_rep, sizeof(ex_fork_rep), 1, &d) == 0 &&
	    memcmp(d.cookie, m.cookie, SP_COOKIELEN) == 0,
	    "FORK reply decodes to its cookie");
	m.h.call = SP_JOIN;
	ok(sp_encode(&m, 0, NULL, 0) == SP_HDRLEN + SP_COOKIELEN,
	    "JOIN carries the 16-byte cookie");
	ok(decode_patched(ex_cancel, sizeof(ex_cancel) - 1, 0, 0x13, 0) ==
	    -EBADMSG, "CANCEL cut short is malformed");
}

/* The file calls: a path, and a stat. */
static void
test_examples_fs(void)
{
	struct sp_msg m, d;

	memset(&m, 0, sizeof(m));
	m.h.call = SP_OPEN;
	m.h.id = 20;
	m.i[0] = -100;
	strcpy(m.path, "/tmp/a");
	m.i[1] = 0x41;
	m.u[0] = 0644;
	check_bytes("OPEN", &m, 0, ex_open, sizeof(ex_open));
	ok(sp_decode(ex_open, sizeof(ex_open), 0, &d) == 0 &&
	    d.i[0] == -100 && strcmp(d.path, "/tmp/a") == 0 &&
	    d.i[1] == 0x41 && d.u[0] == 0644, "OPEN decodes");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_FSTAT;
	m.h.id = 21;
	m.st.dev = 1;
	m.st.ino = 2;
	m.st.mode = 0100644;
	m.st.nlink = 1;
	m.st.size = 5;
	m.st.blocks = 8;
	m.st.blksize = 4096;
	m.st.tsec[0] = 1;
	m.st.tsec[1] = 2;
	m.st.tnsec[1] = 3;
	m.st.tsec[2] = 4;
	check_bytes("FSTAT reply", &m, 1, ex_fstat_rep, sizeof(ex_fstat_rep));
	ok(sp_decode(ex_fstat_rep, sizeof(ex_fstat_rep), 1, &d) == 0 &&
	    memcmp(&d.st, &m.st, sizeof(d.st)) == 0, "FSTAT reply decodes");
	{
		uint8_t bad[sizeof(ex_fstat_rep)];

		memcpy(bad, ex_fstat_rep, sizeof(bad));
		bad[sizeof(bad) - 13] = 0xff;   /* mtime's ns: 0xff000003 */
		ok(sp_decode(bad, sizeof(bad), 1, &d) == -EBADMSG,
		    "a stat with nanoseconds over 999999999 is malformed");
	}
}

/* A routing message (RTMSG_READ's reply): the spec's bytes, and back. */
static void
test_example_rtmsg(void)
{
	static const uint8_t ex[] = {
	    0x60, 0, 0, 0, 0x11, 0, 0, 0, 0x6a, 0, 1, 0, 0, 0, 0, 0,
	    1, 0, 0, 0,
	    7, 0, 0, 0, 1, 2, 0x20, 0x11, 3, 0, 0, 0, 0x45, 0x24, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0,
	    10, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0,
	    's', 'h', 'm', 'i', 'f', '0', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct rump_rtmsg rm, back;
	struct sp_msg m, d;

	memset(&rm, 0, sizeof(rm));
	rm.seq = 7;
	rm.type = RUMP_RTM_ADD;
	rm.family = AF_INET;
	rm.plen = 32;
	rm.gwfamily = RUMP_GW_LINK;
	rm.addrs = RUMP_RTA_DST | RUMP_RTA_GATEWAY;
	rm.flags = RUMP_RTF_UP | RUMP_RTF_HOST | RUMP_RTF_DONE |
	    RUMP_RTF_LLINFO | RUMP_RTF_CLONED;
	memcpy(rm.dst, "\x0a\x00\x01\x02", 4);
	strcpy(rm.ifname, "shmif0");
	memset(&m, 0, sizeof(m));
	m.h.call = SP_RTMSG_READ;
	m.h.id = 17;
	m.rtms = &rm;
	m.n = 1;
	check_bytes("RTMSG_READ reply", &m, 1, ex, sizeof(ex));
	ok(sp_decode(ex, sizeof(ex), 1, &d) == 0 && d.n == 1 &&
	    sp_rtmsg_at(&d, 0, &back) == 0 &&
	    memcmp(&back, &rm, sizeof(rm)) == 0, "RTMSG_READ reply decodes");
}

static void
test_examples(void)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 *sin6;
	struct pollfd pfd[2] = { { 3, POLLIN, 0 }, { 4, POLLOUT, 0 } };
	struct sp_msg m, d;
	int32_t fd;
	uint16_t ev;

	ok(strlen(SP_BANNER) == sizeof(ex_banner) &&
	    memcmp(SP_BANNER, ex_banner, sizeof(ex_banner)) == 0 &&
	    in_spec(ex_banner, sizeof(ex_banner)), "banner bytes in the spec");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_SOCKET;
	m.h.id = 7;
	m.i[0] = AF_INET;
	m.i[1] = SOCK_STREAM;
	check_bytes("SOCKET", &m, 0, ex_socket, sizeof(ex_socket));
	ok(sp_decode(ex_socket, sizeof(ex_socket), 0, &d) == 0 &&
	    d.h.id == 7 && d.h.call == SP_SOCKET && d.i[0] == 2 &&
	    d.i[1] == 1 && d.i[2] == 0, "SOCKET decodes");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_SOCKET;
	m.h.id = 7;
	m.h.ret = 3;
	check_bytes("SOCKET reply", &m, 1, ex_socket_rep, sizeof(ex_socket_rep));
	m.h.ret = -EMFILE;
	check_bytes("EMFILE reply", &m, 1, ex_socket_emfile,
	    sizeof(ex_socket_emfile));
	ok(sp_decode(ex_socket_emfile, sizeof(ex_socket_emfile), 1, &d) == 0 &&
	    d.h.ret == -EMFILE && d.str[0] == '\0', "EMFILE reply decodes");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_CONNECT;
	m.h.id = 9;
	m.i[0] = 3;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(7);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok(sp_addr_set(&m, (struct sockaddr *)&sin, sizeof(sin)) == 0,
	    "sp_addr_set AF_INET");
	check_bytes("CONNECT", &m, 0, ex_connect, sizeof(ex_connect));
	ok(sp_decode(ex_connect, sizeof(ex_connect), 0, &d) == 0 &&
	    d.salen == sizeof(sin) && memcmp(&d.sa, &sin, sizeof(sin)) == 0,
	    "CONNECT decodes to the same sockaddr_in");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_SENDTO;
	m.h.id = 10;
	m.i[0] = 3;
	m.data = (const uint8_t *)"hi";
	m.datalen = 2;
	check_bytes("SENDTO", &m, 0, ex_sendto, sizeof(ex_sendto));
	ok(sp_decode(ex_sendto, sizeof(ex_sendto), 0, &d) == 0 &&
	    d.salen == 0 && d.datalen == 2 && memcmp(d.data, "hi", 2) == 0,
	    "SENDTO decodes: no address, 2 bytes");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_RECVFROM;
	m.h.id = 11;
	m.h.ret = 2;
	sin6 = (struct sockaddr_in6 *)&m.sa;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(8080);
	sin6->sin6_addr = in6addr_loopback;
	m.salen = sizeof(*sin6);
	m.data = (const uint8_t *)"ok";
	m.datalen = 2;
	check_bytes("RECVFROM reply", &m, 1, ex_recvfrom_rep,
	    sizeof(ex_recvfrom_rep));
	ok(sp_decode(ex_recvfrom_rep, sizeof(ex_recvfrom_rep), 1, &d) == 0 &&
	    d.salen == sizeof(*sin6) && memcmp(&d.sa, &m.sa, sizeof(*sin6)) == 0 &&
	    d.h.ret == 2, "RECVFROM reply decodes to [::1]:8080");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_POLL;
	m.h.id = 12;
	m.i[0] = 1000;
	m.pfds = pfd;
	m.n = 2;
	check_bytes("POLL", &m, 0, ex_poll, sizeof(ex_poll));
	ok(sp_decode(ex_poll, sizeof(ex_poll), 0, &d) == 0 && d.n == 2 &&
	    d.i[0] == 1000, "POLL decodes");
	sp_pollfd_at(&d, 1, &fd, &ev);
	ok(fd == 4 && ev == POLLOUT, "POLL entry 1 is fd 4 POLLOUT");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_IFSETLINKSTR;
	m.h.id = 13;
	strcpy(m.name, "shmif0");
	strcpy(m.str, "bus1");
	check_bytes("IFSETLINKSTR", &m, 0, ex_linkstr, sizeof(ex_linkstr));
	ok(sp_decode(ex_linkstr, sizeof(ex_linkstr), 0, &d) == 0 &&
	    strcmp(d.name, "shmif0") == 0 && strcmp(d.str, "bus1") == 0,
	    "IFSETLINKSTR decodes");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_IFADDADDR;
	m.h.id = 14;
	strcpy(m.name, "shmif0");
	m.ifa.family = AF_INET;
	m.ifa.plen = 24;
	m.ifa.addr[0] = 10;
	m.ifa.addr[2] = 1;
	m.ifa.addr[3] = 1;
	check_bytes("IFADDADDR", &m, 0, ex_addaddr, sizeof(ex_addaddr));
	ok(sp_decode(ex_addaddr, sizeof(ex_addaddr), 0, &d) == 0 &&
	    memcmp(&d.ifa, &m.ifa, sizeof(m.ifa)) == 0, "IFADDADDR decodes");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_IFGET;
	m.h.id = 16;
	strcpy(m.ifi.name, "lo0");
	m.ifi.flags = RUMP_IFF_UP | RUMP_IFF_LOOPBACK | RUMP_IFF_RUNNING |
	    RUMP_IFF_MULTICAST;
	m.ifi.mtu = 33624;
	m.ifi.link_up = 1;
	m.ifi.naddrs = 1;
	m.ifi.addrs[0].family = AF_INET;
	m.ifi.addrs[0].plen = 8;
	m.ifi.addrs[0].addr[0] = 127;
	m.ifi.addrs[0].addr[3] = 1;
	m.ifi.ipackets = 1; m.ifi.ierrors = 2; m.ifi.opackets = 3;
	m.ifi.oerrors = 4; m.ifi.ibytes = 5; m.ifi.obytes = 6;
	m.ifi.iqdrops = 7; m.ifi.collisions = 8;
	m.ifi.index = 1;
	check_bytes("IFGET reply", &m, 1, ex_ifget_rep, sizeof(ex_ifget_rep));
	ok(sp_decode(ex_ifget_rep, sizeof(ex_ifget_rep), 1, &d) == 0 &&
	    memcmp(&d.ifi, &m.ifi, sizeof(m.ifi)) == 0,
	    "IFGET reply decodes, index 1");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_IFSETMAC;
	m.h.id = 15;
	strcpy(m.name, "shmif0");
	memcpy(m.mac, "\xb2\xa0\x00\x00\x01\x02", 6);
	check_bytes("IFSETMAC", &m, 0, ex_setmac, sizeof(ex_setmac));
	ok(sp_decode(ex_setmac, sizeof(ex_setmac), 0, &d) == 0 &&
	    strcmp(d.name, "shmif0") == 0 && memcmp(d.mac, m.mac, 6) == 0,
	    "IFSETMAC decodes");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_IFLLADDR;
	m.h.id = 17;
	strcpy(m.name, "shmif0");
	memcpy(m.mac, "\xb2\xa1\x00\x00\x00\x02", 6);
	m.u[0] = RUMP_LLADDR_ACTIVATE;
	check_bytes("IFLLADDR", &m, 0, ex_lladdr, sizeof(ex_lladdr));
	ok(sp_decode(ex_lladdr, sizeof(ex_lladdr), 0, &d) == 0 &&
	    strcmp(d.name, "shmif0") == 0 && memcmp(d.mac, m.mac, 6) == 0 &&
	    d.u[0] == RUMP_LLADDR_ACTIVATE, "IFLLADDR decodes");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_IFSETIMPAIR;
	m.h.id = 16;
	strcpy(m.name, "shmif0");
	m.u[0] = RUMP_IMPAIR_OUT;
	m.imp.delay_us = 20000;
	m.imp.loss_ppm = 50000;
	check_bytes("IFSETIMPAIR", &m, 0, ex_setimpair, sizeof(ex_setimpair));
	ok(sp_decode(ex_setimpair, sizeof(ex_setimpair), 0, &d) == 0 &&
	    strcmp(d.name, "shmif0") == 0 && d.u[0] == RUMP_IMPAIR_OUT &&
	    memcmp(&d.imp, &m.imp, sizeof(m.imp)) == 0,
	    "IFSETIMPAIR decodes");
	ok(decode_patched(ex_setimpair, sizeof(ex_setimpair),
	    sizeof(ex_setimpair) - 1, 1, 0) == -EBADMSG,
	    "IFSETIMPAIR with a nonzero pad is malformed");
	ok(decode_patched(ex_setimpair, sizeof(ex_setimpair) - 4, 0,
	    sizeof(ex_setimpair) - 4, 0) == -EBADMSG,
	    "IFSETIMPAIR cut short is malformed");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_IFSETLINKSTR;
	m.h.id = 13;
	m.h.ret = -EBUSY;
	strcpy(m.str, "up");
	check_bytes("EBUSY reply with detail", &m, 1, ex_ebusy, sizeof(ex_ebusy));
	ok(sp_decode(ex_ebusy, sizeof(ex_ebusy), 1, &d) == 0 &&
	    strcmp(d.str, "up") == 0 && d.h.ret == -EBUSY,
	    "error detail decodes");

	memset(&m, 0, sizeof(m));
	m.h.call = SP_HELLO;
	m.u[0] = 1;
	m.u[1] = 1000;
	strcpy(m.str, "t");
	check_bytes("HELLO", &m, 0, ex_hello, sizeof(ex_hello));

	test_examples_hijack();
	test_examples_fs();
}

/* Decode a copy of frame with byte off set to v; return the result. */
static int
decode_patched(const uint8_t *frame, size_t len, size_t off, uint8_t v,
    int reply)
{
	struct sp_msg d;
	uint8_t buf[256];

	memcpy(buf, frame, len);
	if (off < len)
		buf[off] = v;
	return sp_decode(buf, len, reply, &d);
}

static void
test_refusals(void)
{
	static const uint8_t reserved[] = { 20, 0, 0, 0, 1, 0, 0, 0, 90, 0,
	    0, 0, 0, 0, 0, 0, 9, 9, 9, 9 };
	static const uint8_t unknown[] = { 16, 0, 0, 0, 1, 0, 0, 0, 0xa0, 0,
	    0, 0, 0, 0, 0, 0 };
	static const uint8_t badfam[] = { 24, 0, 0, 0, 3, 0, 0, 0, 2, 0,
	    0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0x99, 0, 0, 0 };
	static const uint8_t bigpoll[] = { 24, 0, 0, 0, 1, 0, 0, 0, 14, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x10, 0, 0 };
	static const uint8_t bigrecv[] = { 29, 0, 0, 0, 1, 0, 0, 0, 7, 0,
	    0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0x10, 0, 0 };
	static const uint8_t emptyname[] = { 18, 0, 0, 0, 1, 0, 0, 0, 32, 0,
	    0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t longname[] = { 34, 0, 0, 0, 1, 0, 0, 0, 32, 0,
	    0, 0, 0, 0, 0, 0, 16, 0, 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a',
	    'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a' };
	static const uint8_t nulname[] = { 20, 0, 0, 0, 1, 0, 0, 0, 32, 0,
	    0, 0, 0, 0, 0, 0, 2, 0, 'a', 0 };
	static const uint8_t bigdata[] = { 28, 0, 0, 0, 1, 0, 0, 0, 18, 0,
	    0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0x10, 0, 0, 0, 0, 0 };
	static const uint8_t bigopt[] = { 32, 0, 0, 0, 1, 0, 0, 0, 9, 0,
	    0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 1, 0, 0 };
	uint8_t hdr[16] = { 0 };
	struct sp_hdr h;
	struct sp_msg d;

	ok(sp_decode(ex_socket, 15, 0, &d) == -EMSGSIZE, "under 16 bytes");
	ok(decode_patched(ex_socket, sizeof(ex_socket), 0, 0x1d, 0) == -EMSGSIZE,
	    "len field disagrees with the frame");
	hdr[0] = 15;
	ok(sp_hdr_decode(hdr, &h) == -EMSGSIZE, "header len 15 refused");
	hdr[0] = 0x10; hdr[1] = 0x00; hdr[2] = 0x11; hdr[3] = 0x00;
	ok(sp_hdr_decode(hdr, &h) == 0 && h.len == SP_MAXFRAME,
	    "header len MAXFRAME (1114128) accepted");
	hdr[0] = 0x11;
	ok(sp_hdr_decode(hdr, &h) == -EMSGSIZE, "header len MAXFRAME+1 refused");
	ok(SP_MAXFRAME == 1114128 && SP_MAXDATA == 1048576,
	    "caps are the spec's");
	ok(decode_patched(ex_socket, sizeof(ex_socket), 10, 1, 0) == -EBADMSG,
	    "request with the REPLY flag");
	ok(decode_patched(ex_socket, sizeof(ex_socket), 11, 0x80, 0) == -EBADMSG,
	    "request with an unknown flag bit");
	ok(decode_patched(ex_socket, sizeof(ex_socket), 12, 1, 0) == -EBADMSG,
	    "request with ret != 0");
	ok(decode_patched(ex_socket_rep, sizeof(ex_socket_rep), 10, 0, 1) ==
	    -EBADMSG, "reply without the REPLY flag");
	ok(decode_patched(ex_ifget_rep, sizeof(ex_ifget_rep) - 12, 0,
	    sizeof(ex_ifget_rep) - 12, 1) == 0,
	    "IFGET reply without the index (an older server) decodes");
	ok(decode_patched(ex_ifget_rep, sizeof(ex_ifget_rep) - 10, 0,
	    sizeof(ex_ifget_rep) - 10, 1) == -EBADMSG,
	    "IFGET reply with half an index is malformed");
	ok(decode_patched(ex_ifget_rep, sizeof(ex_ifget_rep) - 8, 0,
	    sizeof(ex_ifget_rep) - 8, 1) == 0,
	    "IFGET reply without the link state (an older server) decodes");
	ok(decode_patched(ex_ifget_rep, sizeof(ex_ifget_rep) - 4, 0,
	    sizeof(ex_ifget_rep) - 4, 1) == -EBADMSG,
	    "IFGET reply cut inside the link state's fields is malformed");
	ok(decode_patched(ex_ifget_rep, sizeof(ex_ifget_rep), 142, 3, 1) ==
	    -EBADMSG, "IFGET reply with link state 3 is malformed");
	ok(decode_patched(ex_setmac, sizeof(ex_setmac) - 1, 0,
	    sizeof(ex_setmac) - 1, 0) == -EBADMSG,
	    "IFSETMAC with a 5-byte MAC is malformed");
	ok(sp_decode(unknown, sizeof(unknown), 0, &d) == -EPROTO,
	    "unknown call 160 is a protocol violation");
	ok(sp_decode(reserved, sizeof(reserved), 0, &d) == -ENOSYS,
	    "reserved call 90 gets ENOSYS, body unexamined");
	ok(sp_decode(ex_socket, sizeof(ex_socket) - 1, 0, &d) == -EMSGSIZE,
	    "frame shorter than its len");
	ok(decode_patched(ex_socket, sizeof(ex_socket), 0, 0x1b, 0) == -EMSGSIZE,
	    "len shorter than the frame");
	{
		uint8_t t[sizeof(ex_socket) - 4];

		memcpy(t, ex_socket, sizeof(t));
		t[0] = sizeof(t);
		ok(sp_decode(t, sizeof(t), 0, &d) == -EBADMSG &&
		    strcmp(d.why, "truncated body") == 0, "truncated body");
	}
	{
		uint8_t t[sizeof(ex_socket) + 1];

		memcpy(t, ex_socket, sizeof(ex_socket));
		t[0] = sizeof(t);
		t[sizeof(ex_socket)] = 0;
		ok(sp_decode(t, sizeof(t), 0, &d) == -EBADMSG &&
		    strcmp(d.why, "bytes left over") == 0, "bytes left over");
	}
	ok(sp_decode(badfam, sizeof(badfam), 0, &d) == -EBADMSG,
	    "unknown address family 0x99");
	ok(sp_decode(bigpoll, sizeof(bigpoll), 0, &d) == -EBADMSG,
	    "4097 pollfds refused before reading them");
	ok(sp_decode(bigrecv, sizeof(bigrecv), 0, &d) == -EBADMSG,
	    "RECVFROM maxlen over MAXDATA");
	{
		uint8_t t[sizeof(bigrecv)];

		memcpy(t, bigrecv, sizeof(t));
		t[26] = 0;      /* maxlen 1 */
		t[28] = 2;      /* want_addr 2 */
		ok(sp_decode(t, sizeof(t), 0, &d) == -EBADMSG,
		    "want_addr 2 refused");
		t[28] = 1;
		ok(sp_decode(t, sizeof(t), 0, &d) == 0 && d.u[1] == 1,
		    "want_addr 1 accepted");
	}
	ok(sp_decode(emptyname, sizeof(emptyname), 0, &d) == -EBADMSG,
	    "empty interface name");
	ok(sp_decode(longname, sizeof(longname), 0, &d) == -EBADMSG,
	    "16-byte interface name");
	ok(sp_decode(nulname, sizeof(nulname), 0, &d) == -EBADMSG,
	    "NUL inside a string");
	ok(sp_decode(bigdata, sizeof(bigdata), 0, &d) == -EBADMSG,
	    "WRITE data length over MAXDATA, before reading it");
	ok(sp_decode(bigopt, sizeof(bigopt), 0, &d) == -EBADMSG,
	    "optval over 256");
	ok(decode_patched(ex_addaddr, sizeof(ex_addaddr), 24, 7, 0) == -EBADMSG,
	    "ifaddr family 7");
	ok(decode_patched(ex_addaddr, sizeof(ex_addaddr), 27, 1, 0) == -EBADMSG,
	    "ifaddr pad byte not zero");
	ok(decode_patched(ex_ebusy, sizeof(ex_ebusy), 16, 3, 1) == -EBADMSG,
	    "error detail longer than its frame");
}

static void
test_encode_errors(void)
{
	struct sp_msg m;
	uint8_t buf[32];

	memset(&m, 0, sizeof(m));
	m.h.call = SP_IFCREATE;
	memset(m.name, 'x', sizeof(m.name));
	ok(sp_encode(&m, 0, NULL, 0) == -EINVAL, "16-char ifname not encoded");
	m.name[0] = '\0';
	ok(sp_encode(&m, 0, NULL, 0) == -EINVAL, "empty ifname not encoded");
	strcpy(m.name, "lo0");
	ok(sp_encode(&m, 0, buf, 20) == -ENOSPC, "buffer too small: ENOSPC");
	ok(sp_encode(&m, 0, buf, 21) == 21, "exact buffer");
	m.h.call = 160;
	ok(sp_encode(&m, 0, NULL, 0) == -EPROTO, "unknown call not encoded");
	memset(&m, 0, sizeof(m));
	m.h.call = SP_WRITE;
	m.data = buf;
	m.datalen = SP_MAXDATA + 1;
	ok(sp_encode(&m, 0, NULL, 0) == -EINVAL, "data over MAXDATA");
	m.datalen = SP_MAXDATA;
	ok(sp_encode(&m, 0, NULL, 0) == SP_HDRLEN + 8 + SP_MAXDATA,
	    "1 MiB of data fits a frame");
}

static void
test_addrs(void)
{
	struct sockaddr_un sun;
	struct sockaddr_in6 sin6;
	struct sp_msg m, d;
	uint8_t buf[256];
	long n;

	memset(&m, 0, sizeof(m));
	m.h.call = SP_BIND;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "/tmp/s");
	ok(sp_addr_set(&m, (struct sockaddr *)&sun, sizeof(sun)) == 0,
	    "AF_UNIX address set");
	n = sp_encode(&m, 0, buf, sizeof(buf));
	ok(n == 16 + 4 + 2 + 2 + 6 && buf[20] == 1 && buf[22] == 6 &&
	    memcmp(buf + 24, "/tmp/s", 6) == 0,
	    "AF_UNIX: family 1, length 6, path without NUL");
	ok(sp_decode(buf, (size_t)n, 0, &d) == 0 &&
	    d.salen == offsetof(struct sockaddr_un, sun_path) + 7 &&
	    strcmp(((struct sockaddr_un *)&d.sa)->sun_path, "/tmp/s") == 0,
	    "AF_UNIX decodes with a NUL-terminated path");
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	ok(sp_addr_set(&m, (struct sockaddr *)&sin6, 23) == -EINVAL,
	    "short sockaddr_in6 refused");
	ok(sp_addr_set(&m, (struct sockaddr *)&sin6, 24) == 0 &&
	    m.salen == sizeof(sin6), "RFC 2133 sockaddr_in6 (24 bytes) taken");
	sin6.sin6_family = AF_PACKET;
	ok(sp_addr_set(&m, (struct sockaddr *)&sin6, sizeof(sin6)) ==
	    -EAFNOSUPPORT, "AF_PACKET not carried");
	ok(sp_addr_set(&m, (struct sockaddr *)&sin6, 1) == -EINVAL,
	    "1-byte sockaddr refused");
}

static void
test_optvals(void)
{
	struct timeval tv = { 3, 250000 }, tv2;
	struct linger lg = { 1, 9 };
	uint8_t w[32];
	int v = -2;
	static const uint8_t want_tv[16] = { 3, 0, 0, 0, 0, 0, 0, 0,
	    0x90, 0xd0, 3, 0, 0, 0, 0, 0 };
	static const uint8_t want_lg[8] = { 1, 0, 0, 0, 9, 0, 0, 0 };
	static const uint8_t want_int[4] = { 0xfe, 0xff, 0xff, 0xff };

	ok(sp_optval_to_wire(SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv), w,
	    sizeof(w)) == 16 && memcmp(w, want_tv, 16) == 0,
	    "timeval is i64 sec, i64 usec");
	ok(sp_optval_from_wire(SOL_SOCKET, SO_RCVTIMEO, want_tv, 16, &tv2,
	    sizeof(tv2)) == 16 && tv2.tv_sec == 3 && tv2.tv_usec == 250000,
	    "timeval back");
	ok(sp_optval_to_wire(SOL_SOCKET, SO_LINGER, &lg, sizeof(lg), w,
	    sizeof(w)) == 8 && memcmp(w, want_lg, 8) == 0,
	    "linger is i32 onoff, i32 linger");
	ok(sp_optval_to_wire(SOL_SOCKET, SO_SNDBUF, &v, sizeof(v), w,
	    sizeof(w)) == 4 && memcmp(w, want_int, 4) == 0, "int is i32");
	ok(sp_optval_to_wire(SOL_SOCKET, SO_SNDBUF, w, 300, w, sizeof(w)) ==
	    -EINVAL, "over 256 bytes refused");
}

static void
test_urls(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
	char longurl[200];
	socklen_t len;

	ok(sp_url_parse("unix://node1", &ss, &len) == 0 &&
	    sun->sun_family == AF_UNIX && strcmp(sun->sun_path, "node1") == 0,
	    "unix://node1 is relative");
	ok(sp_url_parse("unix:///tmp/n", &ss, &len) == 0 &&
	    strcmp(sun->sun_path, "/tmp/n") == 0, "unix:///tmp/n is absolute");
	ok(sp_url_parse("tcp://127.0.0.1:9000", &ss, &len) == 0 &&
	    sin->sin_family == AF_INET && ntohs(sin->sin_port) == 9000 &&
	    len == sizeof(*sin), "tcp://127.0.0.1:9000");
	ok(sp_url_parse("tcp://[::1]:80", &ss, &len) == 0 &&
	    sin6->sin6_family == AF_INET6 && ntohs(sin6->sin6_port) == 80,
	    "tcp://[::1]:80");
	ok(sp_url_parse("tcp://localhost:7", &ss, &len) == 0 &&
	    sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK), "tcp://localhost:7");
	ok(sp_url_parse("unix://", &ss, &len) == -EINVAL, "empty path");
	ok(sp_url_parse("http://x", &ss, &len) == -EINVAL, "other scheme");
	ok(sp_url_parse("tcp://127.0.0.1", &ss, &len) == -EINVAL, "no port");
	ok(sp_url_parse("tcp://127.0.0.1:0", &ss, &len) == -EINVAL, "port 0");
	ok(sp_url_parse("tcp://127.0.0.1:65536", &ss, &len) == -EINVAL,
	    "port 65536");
	ok(sp_url_parse("tcp://example.org:80", &ss, &len) == -EINVAL,
	    "no name lookups");
	memset(longurl, 0, sizeof(longurl));
	strcpy(longurl, "unix://");
	memset(longurl + 7, 'a', 120);
	ok(sp_url_parse(longurl, &ss, &len) == -ENAMETOOLONG, "path too long");
}

int
main(int argc, char **argv)
{
	load_spec(argc > 1 ? argv[1] : "kernel/SYSPROXY.txt");
	ok(spec != NULL && strlen(spec) > 100, "spec examples loaded");
	test_examples();
	test_example_rtmsg();
	test_refusals();
	test_encode_errors();
	test_addrs();
	test_optvals();
	test_urls();
	free(spec);
	tap_plan(tap_n);        /* a trailing plan */
	return tap_done();
}
