/*
 * override.c — lwIP's own functions behind the glue's overrides, found by
 * name from the one table in netcomp/override.h.
 *
 * dlsym(RTLD_NEXT) from here searches the objects loaded after
 * rump_server itself, that is liblwip.so (the glue's definitions are in
 * rump_server, so RTLD_DEFAULT would find them instead).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netcomp/override.h"

struct lwip_real lwip_real;
static int resolved;   /* main thread, component init */

#define OVERRIDE_WRAP(f)	{ #f, offsetof(struct lwip_real, f), 1 },
#define OVERRIDE_REPLACE(f)	{ #f, 0, 0 },

_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
    "dlsym's pointers fit a function pointer");

static const struct override table[] = {
	LWIP_OVERRIDES(OVERRIDE_WRAP, OVERRIDE_REPLACE)
};

/* Which liblwip the lookups searched, for the message. */
static void
lwip_library(char *buf, size_t len)
{
	Dl_info di;
	void *p;

	if ((p = dlsym(RTLD_NEXT, "tcpip_init")) != NULL &&
	    dladdr(p, &di) != 0 && di.dli_fname != NULL)
		snprintf(buf, len, "%s", di.dli_fname);
	else
		snprintf(buf, len, "liblwip (none is loaded in this process)");
}

int
override_resolve_table(const struct override *t, size_t n,
    struct lwip_real *real, char *err, size_t errlen)
{
	struct lwip_real found = *real;
	char lib[256];
	size_t i;
	void *sym;

	for (i = 0; i < n; i++) {
		if ((sym = dlsym(RTLD_NEXT, t[i].name)) == NULL) {
			lwip_library(lib, sizeof(lib));
			snprintf(err, errlen, "%s has no %s, which the network "
			    "glue %s (netcomp/override.h): rump_server needs "
			    "Debian's lwIP 2.1 (apt-get install liblwip0 "
			    "liblwip-dev, then rebuild)", lib, t[i].name,
			    t[i].wrap ? "wraps" : "replaces");
			return -ENOENT;
		}
		/* A data pointer into a function pointer, as dlsym(3) has
		 * it done. */
		if (t[i].wrap)
			memcpy((char *)&found + t[i].off, &sym, sizeof(sym));
	}
	*real = found;
	return 0;
}

int
override_resolve(char *err, size_t errlen)
{
	int error;

	/* Once: the stack's threads read lwip_real without a lock. */
	if (resolved)
		return 0;
	if ((error = override_resolve_table(table, sizeof(table) /
	    sizeof(table[0]), &lwip_real, err, errlen)) == 0)
		resolved = 1;
	return error;
}
