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
 *
 * Libraries (component.h): every node of a lab is forked from one zygote
 * (zygote.h), and every library the zygote maps is five mappings more in
 * each node, which the fork copies, exit() unmaps and the kernel's
 * reverse map walks over, in every node at once, whenever it samples a
 * page of that library (this guest's DAMON does so every 500 ms).
 * rumpfs_ext2fs linked in made each node map libext2fs and libcom_err
 * that almost none uses, 10 of its 55 mappings.  As a library of its own,
 * opened by the nodes that load it (and libm opened by impair.c when a
 * jitter needs it, 5 more), `up` of 10,000 nodes on the 2-core guest took
 * 40.2 s against 43.7 s (medians of ten runs each, alternated with the
 * build before; faster in 9 of the 10 pairs), and the scale bench's
 * 34.5 s against 40.8 s, the kernel's DAMON thread using 4.6 s of CPU
 * during it against 8.3 s.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/component.h"
#include "kernel/klog.h"
#include "kernel/sysctl.h"

#define MAXLOADED 32
#define MAXLIBRARIES 8
#define NAMEMAX 64

extern const struct component *const __start_rumplab_components[];
extern const struct component *const __stop_rumplab_components[];

static const struct component *loaded[MAXLOADED];  /* main thread, then ro */
static int nloaded;
static char loaded_names[512];                     /* kern.components */
static const struct component *libcomp[MAXLIBRARIES]; /* opened, main thr. */
static int nlibcomp;

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

static const struct component *
builtin(const char *name)
{
	const struct component *const *c;

	for (c = __start_rumplab_components; c < __stop_rumplab_components; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

const struct component *
component_find(const char *name)
{
	const struct component *c;
	int i;

	if ((c = builtin(name)) != NULL)
		return c;
	for (i = 0; i < nlibcomp; i++)
		if (strcmp(libcomp[i]->name, name) == 0)
			return libcomp[i];
	return NULL;
}

/* The component directory (component.h). */
static void
component_dir(char *buf, size_t len)
{
	const char *env = getenv("RUMPLAB_COMPONENT_DIR");
	char exe[PATH_MAX - 32], *slash;
	ssize_t n;

	if (env != NULL && env[0] != '\0') {
		snprintf(buf, len, "%s", env);
		return;
	}
	/* Not knowing where the program is, no directory (not one
	 * relative to wherever the node was started). */
	buf[0] = '\0';
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	n = (ssize_t)strlen(exe);
	if (n >= 4 && strcmp(exe + n - 4, "/bin") == 0) {
		exe[n - 4] = '\0';
		snprintf(buf, len, "%s/lib/rumplab", exe);
	} else
		snprintf(buf, len, "%s/../lib/rumplab", exe);
}

/* A name a library file may carry: letters, digits and '_'. */
static int
valid_name(const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0'; i++)
		if (!(name[i] >= 'a' && name[i] <= 'z') &&
		    !(name[i] >= 'A' && name[i] <= 'Z') &&
		    !(name[i] >= '0' && name[i] <= '9') && name[i] != '_')
			return 0;
	return i > 0 && i <= NAMEMAX;
}

/* The component name of a library's file name (libNAME.so), or 0. */
static int
library_name(const char *file, char *name, size_t len)
{
	size_t n = strlen(file);

	if (n <= 6 || strncmp(file, "lib", 3) != 0 ||
	    strcmp(file + n - 3, ".so") != 0 || n - 6 >= len)
		return 0;
	memcpy(name, file + 3, n - 6);
	name[n - 6] = '\0';
	return valid_name(name);
}

/* The names of the component directory's libraries (not opened), but a
 * file by a built-in's name: the built-in is the component by that name.
 * At most max; their number. */
static int
dir_libraries(char (*names)[NAMEMAX + 1], int max)
{
	char dir[PATH_MAX];
	struct dirent *e;
	int n = 0;
	DIR *d;

	component_dir(dir, sizeof(dir));
	if (dir[0] == '\0' || (d = opendir(dir)) == NULL)
		return 0;
	while (n < max && (e = readdir(d)) != NULL)
		if (library_name(e->d_name, names[n], sizeof(names[n])) &&
		    builtin(names[n]) == NULL)
			n++;
	closedir(d);
	return n;
}

int
component_open(const char *name, char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX + NAMEMAX + 8], known[512];
	char sym[NAMEMAX + 24];
	const struct component *const *cp;
	const unsigned *abi;
	void *h;

	if (component_find(name) != NULL)
		return 0;
	component_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/lib%s.so", dir, name);
	if (!valid_name(name) || dir[0] == '\0' ||
	    (access(path, F_OK) != 0 && errno == ENOENT)) {
		component_names(known, sizeof(known), 0);
		snprintf(err, errlen, "unknown component '%s' (known: %s; "
		    "components as libraries are looked for in %s)", name,
		    known, dir[0] != '\0' ? dir : "no directory: "
		    "/proc/self/exe unreadable");
		return -ENOENT;
	}
	if (nlibcomp == MAXLIBRARIES) {
		snprintf(err, errlen, "component '%s': more than %d "
		    "libraries", name, MAXLIBRARIES);
		return -ENOSPC;
	}
	/* Its handle is kept: the component stays until the node ends. */
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(err, errlen, "component '%s': %s", name, dlerror());
		return -ENOEXEC;
	}
	snprintf(sym, sizeof(sym), "rumplab_component_%s", name);
	if ((cp = dlsym(h, sym)) == NULL || *cp == NULL) {
		snprintf(err, errlen, "component '%s': %s is not its library "
		    "(it has no %s)", name, path, sym);
		dlclose(h);
		return -ENOEXEC;
	}
	snprintf(sym, sizeof(sym), "rumplab_component_abi_%s", name);
	if ((abi = dlsym(h, sym)) == NULL || *abi != COMPONENT_ABI ||
	    strcmp((*cp)->name, name) != 0) {
		snprintf(err, errlen, "component '%s': %s was built for "
		    "another rump_server (component ABI %#x, this one's %#x): "
		    "install the two together", name, path,
		    abi != NULL ? *abi : 0, COMPONENT_ABI);
		dlclose(h);
		return -ENOEXEC;
	}
	libcomp[nlibcomp++] = *cp;
	return 0;
}

void
component_foreach(void (*fn)(const struct component *, void *), void *arg)
{
	const struct component *const *c;
	char names[MAXLIBRARIES][NAMEMAX + 1], err[256];
	int i, n;

	for (c = __start_rumplab_components; c < __stop_rumplab_components; c++)
		fn(*c, arg);
	n = dir_libraries(names, MAXLIBRARIES);
	for (i = 0; i < n; i++) {
		if (component_open(names[i], err, sizeof(err)) != 0)
			klog(KLOG_WARN, "%s", err);
		else
			fn(component_find(names[i]), arg);
	}
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
	int i, error;

	if (component_loaded(name))
		return 0;
	if ((error = component_open(name, err, errlen)) != 0)
		return error;
	c = component_find(name);
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
	char libs[MAXLIBRARIES][NAMEMAX + 1];
	size_t n = 0, i, off = 0, nlib;

	if (loaded_only) {
		for (i = 0; i < (size_t)nloaded && n < 64; i++)
			names[n++] = loaded[i]->name;
	} else {
		for (c = __start_rumplab_components;
		    c < __stop_rumplab_components && n < 64; c++)
			names[n++] = (*c)->name;
		/* The libraries by their files' names (those opened are
		 * among them). */
		nlib = (size_t)dir_libraries(libs, MAXLIBRARIES);
		for (i = 0; i < nlib && n < 64; i++)
			names[n++] = libs[i];
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
