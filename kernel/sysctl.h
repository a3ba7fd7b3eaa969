/*
 * sysctl.h — the node's sysctl tree, by dotted name (net.inet.ip.forwarding).
 * Components register knobs at init; clients read and write them as text.
 *
 * Contract: register before the server accepts clients.  get/set callbacks
 * may be called from any thread and must do their own locking; set returns
 * 0 or -errno (-EINVAL bad value, -EPERM read-only).
 */
#ifndef RUMPLAB_SYSCTL_H
#define RUMPLAB_SYSCTL_H

#include <stddef.h>

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

int  sysctl_get(const char *name, char *buf, size_t len);
int  sysctl_set(const char *name, const char *val);
/* "name = value\n" for every knob; returns bytes needed (may exceed len). */
long sysctl_list(char *buf, size_t len);

#endif
