/*
 * klog.h — the node's kernel message log: a fixed ring of text lines with
 * timestamps (what rump.dmesg shows), mirrored to stderr when the server
 * runs in the foreground with -v.
 *
 * Contract: klog() is safe from any thread and never blocks on I/O other
 * than the optional mirror; lines longer than 256 bytes are cut.
 */
#ifndef RUMPLAB_KLOG_H
#define RUMPLAB_KLOG_H

#include <stddef.h>

enum { KLOG_ERR = 3, KLOG_WARN = 4, KLOG_INFO = 6, KLOG_DEBUG = 7 };

__attribute__((format(printf, 2, 3)))
void klog(int level, const char *fmt, ...);
void klog_set_mirror(int fd, int maxlevel);   /* -1: off */
/* Copy the ring as text ("[   1.234567] msg\n" lines) into buf; returns
 * the bytes needed for all of it (may exceed len). */
size_t klog_read(char *buf, size_t len);

#endif
