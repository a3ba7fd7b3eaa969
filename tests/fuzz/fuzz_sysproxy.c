/*
 * fuzz_sysproxy.c — libFuzzer target over the sysproxy decoder: arbitrary
 * bytes decoded as a client's request (what the server does with every
 * frame) and as a server's reply (what librumpclient does).  A frame that
 * decodes is encoded again and must decode to the same header; the
 * accessors are walked over every decoded array.  Crashes, sanitizer
 * reports and failed re-encodings are bugs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/sysproxy_wire.h"

static void
walk(const struct sp_msg *m)
{
	char names[SP_MAXIFS][RUMP_IFNAMSIZ];
	volatile uint32_t sink = 0;
	uint16_t ev;
	int32_t fd;
	uint32_t k;

	if (m->arr == NULL)
		return;
	if (m->h.call == SP_POLL && !(m->h.flags & SP_F_REPLY))
		for (k = 0; k < m->n; k++) {
			sp_pollfd_at(m, k, &fd, &ev);
			sink += (uint32_t)fd + ev;
		}
	else if (m->h.call == SP_POLL)
		for (k = 0; k < m->n; k++)
			sink += sp_revents_at(m, k);
	else if (m->h.call == SP_IFLIST)
		sink += (uint32_t)sp_ifnames_copy(m, names, SP_MAXIFS);
	(void)sink;
}

/* Decoded messages carry arrays raw; to re-encode, point the encoder's
 * array members at the same contents. */
static void
reencode(const uint8_t *data, size_t size, int reply, struct sp_msg *m)
{
	static char names[SP_MAXIFS][RUMP_IFNAMSIZ];
	static struct pollfd pfds[SP_MAXPOLL];
	static uint16_t revents[SP_MAXPOLL];
	struct sp_msg again;
	uint8_t *buf;
	uint32_t k;
	int32_t fd;
	uint16_t ev;
	long n;

	if (m->arr != NULL) {
		for (k = 0; k < m->n; k++) {
			if (m->h.call == SP_POLL && !reply) {
				sp_pollfd_at(m, k, &fd, &ev);
				pfds[k].fd = fd;
				pfds[k].events = (short)ev;
			} else if (m->h.call == SP_POLL)
				revents[k] = sp_revents_at(m, k);
		}
		if (m->h.call == SP_IFLIST)
			sp_ifnames_copy(m, names, SP_MAXIFS);
		m->pfds = pfds;
		m->revents = revents;
		m->names = (const char (*)[RUMP_IFNAMSIZ])names;
	}
	n = sp_encode(m, reply, NULL, 0);
	if (n < 0)
		return;         /* e.g. an AF_UNIX path with a NUL in it */
	if ((buf = malloc((size_t)n)) == NULL)
		return;
	if (sp_encode(m, reply, buf, (size_t)n) != n)
		abort();
	if (sp_decode(buf, (size_t)n, reply, &again) != 0)
		abort();
	if (again.h.call != m->h.call || again.h.id != m->h.id ||
	    again.h.ret != m->h.ret)
		abort();
	free(buf);
	(void)data;
	(void)size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sp_msg m;
	struct sp_hdr h;
	int reply;

	if (size >= SP_HDRLEN)
		(void)sp_hdr_decode(data, &h);
	for (reply = 0; reply <= 1; reply++) {
		if (sp_decode(data, size, reply, &m) != 0)
			continue;
		walk(&m);
		reencode(data, size, reply, &m);
	}
	return 0;
}
