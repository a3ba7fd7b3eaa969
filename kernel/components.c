/*
 * components.c — the component registry and loader.  Component files
 * register their tables with COMPONENT_REGISTER (component.h); the linker
 * puts the pointers in the "rumplab_components" section, which this file
 * walks.  Loading happens on the main thread before the node serves, so
 * the loaded list needs no lock while it is written; afterwards it is only
 * read (component_loaded() from any thread).
 *
 * Also the pure-core components: rumpnet and rumpnet_net, empty bases the
 * network components depend on, as in NetBSD, and rumpdev (see below).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/component.h"
#include "kernel/klog.h"
#include "kernel/sysctl.h"

#define MAXLOADED 32

extern const struct component *const __start_rumplab_components[];
extern const struct component *const __stop_rumplab_components[];

static const struct component *loaded[MAXLOADED];  /* main thread, then ro */
static int nloaded;
static char loaded_names[512];                     /* kern.components */

static const struct component comp_rumpnet = {
	.name = "rumpnet",
};
COMPONENT_REGISTER(comp_rumpnet);

static const struct component comp_rumpnet_net = {
	.name = "rumpnet_net",
	.deps = { "rumpnet", NULL },
};
COMPONENT_REGISTER(comp_rumpnet_net);

/*
 * NetBSD's device faction (-lrumpdev), which its network tests load
 * beside the network components.  rumplab's device layer, the interface
 * layer the interface kinds plug into (netcomp/ifnet.c), comes with the
 * network components; this base holds nothing of its own, so that the
 * command lines written for NetBSD start a node here too.
 */
static const struct component comp_rumpdev = {
	.name = "rumpdev",
};
COMPONENT_REGISTER(comp_rumpdev);

const struct component *
component_find(const char *name)
{
	const struct component *const *c;

	for (c = __start_rumplab_components; c < __stop_rumplab_components; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

void
component_foreach(void (*fn)(const struct component *, void *), void *arg)
{
	const struct component *const *c;

	for (c = __start_rumplab_components; c < __stop_rumplab_components; c++)
		fn(*c, arg);
}

int
component_loaded(const char *name)
{
	int i;

	for (i = 0; i < nloaded; i++)
		if (strcmp(loaded[i]->name, name) == 0)
			return 1;
	return 0;
}

/* depth bounds a dependency cycle in a broken table. */
static int
load(const char *name, int depth, char *err, size_t errlen)
{
	const struct component *c;
	char known[512];
	int i, error;

	if (component_loaded(name))
		return 0;
	if ((c = component_find(name)) == NULL) {
		component_names(known, sizeof(known), 0);
		snprintf(err, errlen, "unknown component '%s' (known: %s)",
		    name, known);
		return -ENOENT;
	}
	if (depth > 8) {
		snprintf(err, errlen, "component '%s': dependency cycle", name);
		return -ELOOP;
	}
	for (i = 0; i < 4 && c->deps[i] != NULL; i++)
		if ((error = load(c->deps[i], depth + 1, err, errlen)) != 0)
			return error;
	if (nloaded == MAXLOADED) {
		snprintf(err, errlen, "too many components");
		return -ENOSPC;
	}
	err[0] = '\0';
	if (c->init != NULL && (error = c->init(err, errlen)) != 0) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s", strerror(-error));
		/* Prefix the component so the message names its object. */
		{
			char why[256];

			snprintf(why, sizeof(why), "%s", err);
			snprintf(err, errlen, "component '%s': %s", name, why);
		}
		return error;
	}
	loaded[nloaded++] = c;
	klog(KLOG_INFO, "component %s loaded", name);
	return 0;
}

static const struct sysctl_knob components_knob = {
	"kern.components", "components loaded in this node",
	sysctl_str_get, NULL, loaded_names, 0, 0,
};

int
component_load(const char *name, char *err, size_t errlen)
{
	static int knob_done;
	int error;

	if (!knob_done) {
		sysctl_register(&components_knob);
		knob_done = 1;
	}
	error = load(name, 0, err, errlen);
	component_names(loaded_names, sizeof(loaded_names), 1);
	return error;
}

void
component_fini_all(void)
{
	while (nloaded > 0) {
		const struct component *c = loaded[--nloaded];

		if (c->fini != NULL)
			c->fini();
		klog(KLOG_INFO, "component %s stopped", c->name);
	}
}

static int loop_offered;			/* main thread, at boot */
static const struct component_loop *loop_taken;

void
component_loop_offer(void)
{
	loop_offered = 1;
}

int
component_loop_offered(void)
{
	return loop_offered && loop_taken == NULL;
}

void
component_loop_take(const struct component_loop *loop)
{
	loop_taken = loop;
}

const struct component_loop *
component_loop(void)
{
	return loop_taken;
}

void
component_halt_all(void)
{
	int i;

	for (i = nloaded - 1; i >= 0; i--)
		if (loaded[i]->halt != NULL)
			loaded[i]->halt();
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t
component_names(char *buf, size_t len, int loaded_only)
{
	const struct component *const *c;
	const char *names[64];
	size_t n = 0, i, off = 0;

	if (loaded_only) {
		for (i = 0; i < (size_t)nloaded && n < 64; i++)
			names[n++] = loaded[i]->name;
	} else {
		for (c = __start_rumplab_components;
		    c < __stop_rumplab_components && n < 64; c++)
			names[n++] = (*c)->name;
	}
	qsort(names, n, sizeof(names[0]), name_cmp);
	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < n; i++) {
		int w = snprintf(off < len ? buf + off : NULL,
		    off < len ? len - off : 0, "%s%s",
		    i > 0 ? ", " : "", names[i]);

		off += (size_t)w;
	}
	return off;
}
