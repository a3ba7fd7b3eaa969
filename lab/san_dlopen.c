/*
 * san_dlopen.c — linked into rumplab in sanitizer builds only (SAN=1,
 * lab/module.mk).  libvdeplug opens its transport modules (udp://,
 * vxvde://, ...) with dlopen(RTLD_DEEPBIND), and AddressSanitizer ends
 * a process that asks for that flag (a deep-bound library would call
 * libc's malloc past ASan's).  This dlopen, which the dynamic linker
 * finds in the program before ASan's and libc's, drops the flag and
 * calls on.  A module works the same without it: libvdeplug finds the
 * module's table through the handle (dlsym), and the module's own calls
 * go to the same libc either way.
 */
#include <dlfcn.h>
#include <stddef.h>

void	*dlopen(const char *file, int flags);

void *
dlopen(const char *file, int flags)
{
	static void *(*next)(const char *, int);

	if (next == NULL)
		next = (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
	return next != NULL ? next(file, flags & ~RTLD_DEEPBIND) : NULL;
}
