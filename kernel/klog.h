/*
 * klog.h — the node's kernel message log: a fixed ring of text lines with
 * timestamps (what rump.dmesg shows), mirrored to stderr when the server
 * runs in the foreground with -v.
 *
 * Contract: klog() is safe from any thread and never blocks on I/O other
 * than the optional mirror; lines longer than 256 bytes are cut.  When the
 * ring is full the oldest whole lines are dropped.  Messages above the
 * ring's level (klog_setlevel, sysctl kern.loglevel; default KLOG_INFO) are
 * not kept.
 */
#ifndef RUMPLAB_KLOG_H
#define RUMPLAB_KLOG_H

#include <stddef.h>

enum { KLOG_ERR = 3, KLOG_WARN = 4, KLOG_INFO = 6, KLOG_DEBUG = 7 };

#define KLOG_RINGSIZE (64 * 1024)

__attribute__((format(printf, 2, 3)))
void klog(int level, const char *fmt, ...);
void klog_set_mirror(int fd, int maxlevel);   /* -1: off */
/* Copy the ring as text ("[   1.234567] msg\n" lines, oldest first) into
 * buf, NUL-terminated when len > 0; returns the bytes needed for all of it
 * without the NUL (may exceed len). */
size_t klog_read(char *buf, size_t len);
/* The most verbose level kept in the ring (KLOG_ERR..KLOG_DEBUG). */
int  klog_getlevel(void);
void klog_setlevel(int level);

#endif
