/*
 * sysctl.c — the sysctl tree: a table of knobs registered by name, looked
 * up by exact name, listed in name order.  Knobs are never removed, so a
 * looked-up pointer stays valid after sysctl_mtx is dropped; the callbacks
 * run without it and do their own locking.  Also the core's kern.* knobs.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/hyper.h"
#include "kernel/klog.h"
#include "kernel/sysctl.h"

#define SYSCTL_MAXKNOBS 1024

static hyp_mtx_t sysctl_mtx = HYP_MTX_INITIALIZER;
static const struct sysctl_knob *sysctl_knobs[SYSCTL_MAXKNOBS]; /* sysctl_mtx */
static int sysctl_nknobs;                                        /* sysctl_mtx */

static int
name_valid(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n > SYSCTL_NAMEMAX || name[0] == '.' || name[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    (c == '.' && name[i + 1] != '.')))
			return 0;
	}
	return 1;
}

static const struct sysctl_knob *
find_locked(const char *name)
{
	int i;

	for (i = 0; i < sysctl_nknobs; i++)
		if (strcmp(sysctl_knobs[i]->name, name) == 0)
			return sysctl_knobs[i];
	return NULL;
}

static const struct sysctl_knob *
find(const char *name)
{
	const struct sysctl_knob *k;

	hyp_mtx_enter(&sysctl_mtx);
	k = find_locked(name);
	hyp_mtx_exit(&sysctl_mtx);
	return k;
}

int
sysctl_register(const struct sysctl_knob *k)
{
	int error = 0;

	if (k == NULL || k->name == NULL || k->get == NULL ||
	    !name_valid(k->name))
		return -EINVAL;
	hyp_mtx_enter(&sysctl_mtx);
	if (find_locked(k->name) != NULL)
		error = -EEXIST;
	else if (sysctl_nknobs == SYSCTL_MAXKNOBS)
		error = -ENOSPC;
	else
		sysctl_knobs[sysctl_nknobs++] = k;
	hyp_mtx_exit(&sysctl_mtx);
	return error;
}

int
sysctl_int_get(const struct sysctl_knob *k, char *buf, size_t len)
{
	int v = __atomic_load_n((int *)k->arg, __ATOMIC_RELAXED);

	return (size_t)snprintf(buf, len, "%d", v) < len ? 0 : -ENOMEM;
}

int
sysctl_int_set(const struct sysctl_knob *k, const char *val)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 0);
	if (errno != 0 || end == val || *end != '\0' || v < k->min ||
	    v > k->max || v < INT_MIN || v > INT_MAX)
		return -EINVAL;
	__atomic_store_n((int *)k->arg, (int)v, __ATOMIC_RELAXED);
	return 0;
}

int
sysctl_str_get(const struct sysctl_knob *k, char *buf, size_t len)
{
	return (size_t)snprintf(buf, len, "%s", (const char *)k->arg) < len ?
	    0 : -ENOMEM;
}

int
sysctl_get(const char *name, char *buf, size_t len)
{
	const struct sysctl_knob *k;

	if ((k = find(name)) == NULL)
		return -ENOENT;
	if (len == 0)
		return -ENOMEM;
	return k->get(k, buf, len);
}

int
sysctl_set(const char *name, const char *val)
{
	const struct sysctl_knob *k;
	int error;

	if ((k = find(name)) == NULL)
		return -ENOENT;
	if (k->set == NULL)
		return -EPERM;
	if (strlen(val) > SYSCTL_VALMAX)
		return -EINVAL;
	if ((error = k->set(k, val)) == 0)
		klog(KLOG_INFO, "sysctl: %s = %s", name, val);
	return error;
}

static int
knob_cmp(const void *a, const void *b)
{
	const struct sysctl_knob *const *ka = a, *const *kb = b;

	return strcmp((*ka)->name, (*kb)->name);
}

long
sysctl_list(char *buf, size_t len)
{
	const struct sysctl_knob **sorted;
	char val[SYSCTL_VALMAX + 1], line[SYSCTL_NAMEMAX + SYSCTL_VALMAX + 8];
	size_t need = 0, w, n;
	int i, nknobs;

	hyp_mtx_enter(&sysctl_mtx);
	nknobs = sysctl_nknobs;
	sorted = hyp_calloc((size_t)nknobs + 1, sizeof(*sorted));
	if (sorted != NULL)
		memcpy(sorted, sysctl_knobs, (size_t)nknobs * sizeof(*sorted));
	hyp_mtx_exit(&sysctl_mtx);
	if (sorted == NULL)
		return -ENOMEM;
	qsort(sorted, (size_t)nknobs, sizeof(*sorted), knob_cmp);
	for (i = 0; i < nknobs; i++) {
		if (sorted[i]->get(sorted[i], val, sizeof(val)) != 0)
			snprintf(val, sizeof(val), "?");
		w = (size_t)snprintf(line, sizeof(line), "%s = %s\n",
		    sorted[i]->name, val);
		if (w >= sizeof(line))
			w = sizeof(line) - 1;
		/* Whatever fits of the text goes out: a prefix of all of it. */
		if (need + 1 < len) {
			n = len - 1 - need < w ? len - 1 - need : w;
			memcpy(buf + need, line, n);
		}
		need += w;
	}
	if (len > 0)
		buf[need < len - 1 ? need : len - 1] = '\0';
	hyp_free(sorted);
	return (long)need;
}

/*
 * kern.*: what the node says about itself.  The hostname is the one
 * writable string; kern_mtx guards it.
 */
static hyp_mtx_t kern_mtx = HYP_MTX_INITIALIZER;
static char kern_hostname[64] = "rumplab";       /* kern_mtx */
static char kern_boottime[24];                   /* set once at init */
static int  kern_pid;                            /* set once at init */

static int
hostname_get(const struct sysctl_knob *k, char *buf, size_t len)
{
	int error;

	hyp_mtx_enter(&kern_mtx);
	error = (size_t)snprintf(buf, len, "%s", kern_hostname) < len ?
	    0 : -ENOMEM;
	hyp_mtx_exit(&kern_mtx);
	return error;
}

static int
hostname_set(const struct sysctl_knob *k, const char *val)
{
	size_t n = strlen(val), i;

	if (n == 0 || n >= sizeof(kern_hostname))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (val[i] <= ' ' || val[i] == 0x7f)
			return -EINVAL;
	hyp_mtx_enter(&kern_mtx);
	memcpy(kern_hostname, val, n + 1);
	hyp_mtx_exit(&kern_mtx);
	return 0;
}

static int
loglevel_get(const struct sysctl_knob *k, char *buf, size_t len)
{
	return (size_t)snprintf(buf, len, "%d", klog_getlevel()) < len ?
	    0 : -ENOMEM;
}

static int
loglevel_set(const struct sysctl_knob *k, const char *val)
{
	int level, error;

	if ((error = sysctl_int_set(k, val)) != 0)
		return error;
	level = __atomic_load_n((int *)k->arg, __ATOMIC_RELAXED);
	klog_setlevel(level);
	return 0;
}

static int kern_loglevel_shadow;

static const struct sysctl_knob kern_knobs[] = {
	{ "kern.ostype", "operating system type", sysctl_str_get, NULL,
	    (void *)"rumplab", 0, 0 },
	{ "kern.osrelease", "release of the node kernel", sysctl_str_get, NULL,
	    (void *)"0.1", 0, 0 },
	{ "kern.hostname", "name of this node", hostname_get, hostname_set,
	    NULL, 0, 0 },
	{ "kern.boottime", "boot time, seconds since the epoch",
	    sysctl_str_get, NULL, kern_boottime, 0, 0 },
	{ "kern.pid", "host process id of this node", sysctl_int_get, NULL,
	    &kern_pid, 0, 0 },
	{ "kern.loglevel", "most verbose kernel log level kept (3-7)",
	    loglevel_get, loglevel_set, &kern_loglevel_shadow, KLOG_ERR,
	    KLOG_DEBUG },
};

int
sysctl_kern_init(void)
{
	size_t i;
	int error;

	kern_pid = hyp_getpid();
	snprintf(kern_boottime, sizeof(kern_boottime), "%llu",
	    (unsigned long long)(hyp_clock_wall_ns() / 1000000000u));
	for (i = 0; i < sizeof(kern_knobs) / sizeof(kern_knobs[0]); i++)
		if ((error = sysctl_register(&kern_knobs[i])) != 0)
			return error;
	return 0;
}
