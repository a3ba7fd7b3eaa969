/*
 * klog.c — the kernel message log: one ring of text lines, each stamped
 * with the seconds since the node booted, read by rump.dmesg through
 * klog_read().  The ring and its indices belong to klog_mtx; the mirror
 * write to stderr happens after the lock is dropped.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kernel/hyper.h"
#include "kernel/klog.h"

#define KLOG_LINEMAX 256

static hyp_mtx_t klog_mtx = HYP_MTX_INITIALIZER;
static char      klog_ring[KLOG_RINGSIZE];  /* klog_mtx */
static size_t    klog_start, klog_used;     /* klog_mtx */
static uint64_t  klog_t0;                   /* klog_mtx; 0 until first line */
static int       klog_level = KLOG_INFO;    /* klog_mtx */
static int       klog_mirror_fd = -1;       /* klog_mtx */
static int       klog_mirror_level;         /* klog_mtx */

/* Drop the oldest line; the ring always holds whole lines. */
static void
ring_drop_line(void)
{
	while (klog_used > 0) {
		char c = klog_ring[klog_start];

		klog_start = (klog_start + 1) % KLOG_RINGSIZE;
		klog_used--;
		if (c == '\n')
			break;
	}
}

static void
ring_append(const char *s, size_t n)
{
	size_t end, first;

	while (klog_used + n > KLOG_RINGSIZE)
		ring_drop_line();
	end = (klog_start + klog_used) % KLOG_RINGSIZE;
	first = KLOG_RINGSIZE - end < n ? KLOG_RINGSIZE - end : n;
	memcpy(klog_ring + end, s, first);
	memcpy(klog_ring, s + first, n - first);
	klog_used += n;
}

void
klog(int level, const char *fmt, ...)
{
	char line[KLOG_LINEMAX + 32];
	uint64_t now, t;
	va_list ap;
	int n, m, mirror = -1;

	now = hyp_clock_mono_ns();
	hyp_mtx_enter(&klog_mtx);
	if (klog_t0 == 0)
		klog_t0 = now;
	t = now - klog_t0;
	if (level > klog_level && (klog_mirror_fd < 0 ||
	    level > klog_mirror_level)) {
		hyp_mtx_exit(&klog_mtx);
		return;
	}
	n = snprintf(line, sizeof(line), "[%4llu.%06llu] ",
	    (unsigned long long)(t / 1000000000u),
	    (unsigned long long)(t % 1000000000u / 1000u));
	va_start(ap, fmt);
	m = vsnprintf(line + n, KLOG_LINEMAX + 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	if (m > KLOG_LINEMAX)
		m = KLOG_LINEMAX;
	n += m;
	line[n++] = '\n';
	if (level <= klog_level)
		ring_append(line, (size_t)n);
	if (klog_mirror_fd >= 0 && level <= klog_mirror_level)
		mirror = klog_mirror_fd;
	hyp_mtx_exit(&klog_mtx);
	if (mirror >= 0)
		(void)!write(mirror, line, (size_t)n);
}

void
klog_set_mirror(int fd, int maxlevel)
{
	hyp_mtx_enter(&klog_mtx);
	klog_mirror_fd = fd;
	klog_mirror_level = maxlevel;
	hyp_mtx_exit(&klog_mtx);
}

size_t
klog_read(char *buf, size_t len)
{
	size_t n, first, used;

	hyp_mtx_enter(&klog_mtx);
	used = klog_used;
	if (len > 0) {
		n = used < len - 1 ? used : len - 1;
		first = KLOG_RINGSIZE - klog_start < n ?
		    KLOG_RINGSIZE - klog_start : n;
		memcpy(buf, klog_ring + klog_start, first);
		memcpy(buf + first, klog_ring, n - first);
		buf[n] = '\0';
	}
	hyp_mtx_exit(&klog_mtx);
	return used;
}

int
klog_getlevel(void)
{
	int level;

	hyp_mtx_enter(&klog_mtx);
	level = klog_level;
	hyp_mtx_exit(&klog_mtx);
	return level;
}

void
klog_setlevel(int level)
{
	if (level < KLOG_ERR)
		level = KLOG_ERR;
	if (level > KLOG_DEBUG)
		level = KLOG_DEBUG;
	hyp_mtx_enter(&klog_mtx);
	klog_level = level;
	hyp_mtx_exit(&klog_mtx);
}
