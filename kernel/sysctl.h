/*
 * sysctl.h — the node's sysctl tree, by dotted name (net.inet.ip.forwarding).
 * Components register knobs at init; clients read and write them as text.
 *
 * Contract: register before the server accepts clients.  get/set callbacks
 * may be called from any thread and must do their own locking; set returns
 * 0 or -errno (-EINVAL bad value, -EPERM read-only).  get writes a
 * NUL-terminated value and returns 0 or -errno (-ENOMEM: buf too small).
 * sysctl_get/sysctl_set return -ENOENT for an unknown name.
 */
#ifndef RUMPLAB_SYSCTL_H
#define RUMPLAB_SYSCTL_H

#include <stddef.h>

#define SYSCTL_NAMEMAX  127        /* longest name, without NUL */
#define SYSCTL_VALMAX   1023       /* longest value text, without NUL */

struct sysctl_knob {
	const char *name;
	const char *descr;
	int  (*get)(const struct sysctl_knob *k, char *buf, size_t len);
	int  (*set)(const struct sysctl_knob *k, const char *val); /* NULL: read-only */
	void *arg;
	long  min, max;            /* for sysctl_int_get/set */
};

int  sysctl_register(const struct sysctl_knob *k);  /* k must outlive the node */
/* Ready-made callbacks for an int at k->arg within [min, max]. */
int  sysctl_int_get(const struct sysctl_knob *k, char *buf, size_t len);
int  sysctl_int_set(const struct sysctl_knob *k, const char *val);
/* Read-only string at k->arg (a const char *). */
int  sysctl_str_get(const struct sysctl_knob *k, char *buf, size_t len);

int  sysctl_get(const char *name, char *buf, size_t len);
int  sysctl_set(const char *name, const char *val);
/* "name = value\n" for every knob, sorted by name, NUL-terminated when
 * len > 0; returns bytes needed without the NUL (may exceed len). */
long sysctl_list(char *buf, size_t len);

/* The kernel core's own knobs (kern.ostype, kern.hostname, ...). */
int  sysctl_kern_init(void);

#endif
