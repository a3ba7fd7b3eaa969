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
 *
 * Libraries: a component may also be a library of its own, as all of
 * NetBSD's are (rump_server -l rumpfs_ext2fs opens librumpfs_ext2fs.so),
 * in the component directory: RUMPLAB_COMPONENT_DIR, or lib/rumplab
 * beside the program's bin/ (kernel/module.mk builds and installs them
 * there).  Its file names its table once more with COMPONENT_LIBRARY(var,
 * name), and the loader finds it by that name, with the COMPONENT_ABI it
 * was built for: a library of another build is refused, saying so.
 * rump_server links in what nodes almost always load and keeps as
 * libraries the components that bring large libraries of their own
 * (components.c says why).
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

/* What a library and the program that opens it must agree on: the
 * table's layout, and this number, raised when its meaning changes. */
#define COMPONENT_ABI	((unsigned)sizeof(struct component) << 8 | 1u)
#define COMPONENT_LIBRARY(var, name)					\
	extern const struct component *const rumplab_component_##name;	\
	extern const unsigned rumplab_component_abi_##name;		\
	const struct component *const rumplab_component_##name = &(var); \
	const unsigned rumplab_component_abi_##name = COMPONENT_ABI
/* The component named, built in or from a library opened before; NULL
 * if neither (component_open() tries the library). */
const struct component *component_find(const char *name);
/*
 * The component named, built in, opened before, or from its library,
 * which this opens: 0, -ENOENT (no such component: err lists the known
 * ones) or -errno with the reason in err (a library that does not open,
 * or is not a component).  Main thread.
 */
int  component_open(const char *name, char *err, size_t errlen);
/* Every component built in, then every library in the component directory
 * (opened, those that open: rump_allserver loads them all). */
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
/*
 * The main thread's loop.  A server whose main thread has nothing left to
 * do once booted but wait (rump_server) offers it, before it loads
 * components; a component whose work is a loop on a thread of its own
 * (the network stack's: netcomp/netloop.c) may then take it instead of
 * starting that thread, and the server runs the loop on its main thread
 * with a hook for its own events.  So an idle node is one thread: a
 * second one cost a 10,000-node `down` more than half of its time on a
 * 2-core guest (netloop.c says what was measured).
 *
 *  run        runs the loop on the calling thread until hook() returns
 *             nonzero, and returns that; hook runs on this thread, with
 *             no lock of the component held, after each interrupt()
 *  interrupt  has the loop call its hook soon; async-signal-safe
 *  detach     after run() returned: the loop goes on, on a thread of its
 *             own, for a halt that still needs it; 0 or -errno
 */
struct component_loop {
	int  (*run)(int (*hook)(void *), void *arg);
	void (*interrupt)(void);
	int  (*detach)(void);
};

/* Main thread, before component_load(). */
void component_loop_offer(void);
/* Was it offered?  Then component_loop_take() takes it (once). */
int  component_loop_offered(void);
void component_loop_take(const struct component_loop *loop);
/* The loop taken, or NULL (none was, or nobody took it). */
const struct component_loop *component_loop(void);

/* ", "-separated names, sorted: every known one (built in, and the
 * libraries of the component directory), or the loaded ones. */
size_t component_names(char *buf, size_t len, int loaded_only);

#endif
