/*
 * component.h — kernel components, named as NetBSD names its libraries
 * (rumpnet, rumpnet_net, rumpnet_netinet, rumpnet_netinet6, rumpnet_shmif,
 * rumpnet_sockin, ...).  Each registers one ops table; rump_server loads the
 * ones named with -l (and their dependencies) in dependency order.
 *
 * Contract: init() runs once, on the main thread, before the server accepts
 * clients; it returns 0 or -errno and may write a reason into err.  fini()
 * runs at shutdown in reverse order.  A component carries only what it was
 * asked for: e.g. shmif interfaces exist only when rumpnet_shmif is loaded.
 */
#ifndef RUMPLAB_COMPONENT_H
#define RUMPLAB_COMPONENT_H

#include <stddef.h>

struct component {
	const char *name;          /* "rumpnet_netinet" */
	const char *deps[4];       /* loaded first; NULL-terminated */
	int  (*init)(char *err, size_t errlen);
	void (*fini)(void);
};

/* The table of every component built in (kernel/components.c). */
const struct component *component_find(const char *name);
void component_foreach(void (*fn)(const struct component *, void *), void *arg);
/* Is the named component loaded in this node? */
int  component_loaded(const char *name);

#endif
