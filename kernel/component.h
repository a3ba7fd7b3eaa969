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
 *
 * Registration: a component file defines its table and names it once with
 * COMPONENT_REGISTER(var); the linker gathers every registered table into
 * one section, so adding a component is adding its object to rump_server's
 * link (KERNEL_COMPONENT_OBJS in kernel/module.mk), nothing else.  The
 * object must be linked as an object, not pulled from an archive (an
 * archive member nobody references is left out).
 */
#ifndef RUMPLAB_COMPONENT_H
#define RUMPLAB_COMPONENT_H

#include <stddef.h>

struct component {
	const char *name;          /* "rumpnet_netinet" */
	const char *deps[4];       /* loaded first; NULL-terminated */
	int  (*init)(char *err, size_t errlen);
	void (*fini)(void);
	/* Its threads ended at once, its state left to exit() (a quick
	 * halt); NULL: it has none. */
	void (*halt)(void);
};

#define COMPONENT_REGISTER(var)						\
	static const struct component *const component_ptr_##var	\
	    __attribute__((used, section("rumplab_components"),		\
	    aligned(sizeof(void *)))) = &(var)

/* The table of every component built in (kernel/components.c). */
const struct component *component_find(const char *name);
void component_foreach(void (*fn)(const struct component *, void *), void *arg);
/* Is the named component loaded in this node? */
int  component_loaded(const char *name);

/* Load name and, first, its dependencies; 0 or -errno with a reason in err
 * (-ENOENT: no such component).  Main thread, before serving. */
int  component_load(const char *name, char *err, size_t errlen);
/* fini() every loaded component, last loaded first. */
void component_fini_all(void);
/* halt() every loaded component, last loaded first. */
void component_halt_all(void);
/* ", "-separated names, sorted: every built-in one, or the loaded ones. */
size_t component_names(char *buf, size_t len, int loaded_only);

#endif
