/*
 * test_override.c — proves the one table of lwIP functions the glue
 * overrides (netcomp/override.h) and its resolver.
 *
 * Linked with liblwip (test_override): every entry of the table is found,
 * each WRAP pointer is liblwip's own function of that name; a table
 * naming a function liblwip lacks is refused, the message names that
 * function, the library searched and the remedy, and the pointers are
 * left as they were (all or nothing).  Linked without it
 * (test_override_nolwip, run with the argument "nolwip"): the netinet
 * component's resolver refuses, naming the table's first entry, as
 * rump_server would when started with the wrong liblwip.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netcomp/override.h"
#include "tests/lib/tap.h"

/* Each WRAP pointer is the one liblwip exports (this program defines
 * none of them, so RTLD_DEFAULT finds liblwip's). */
static int
wraps_are_lwips(const struct lwip_real *r, char *bad, size_t len)
{
	int n = 0;

#define CHECK_WRAP(f)							\
	if ((void *)r->f == NULL || (void *)r->f != dlsym(RTLD_DEFAULT, #f))\
		n++, snprintf(bad, len, "%s", #f);
#define CHECK_NONE(f)
	LWIP_OVERRIDES(CHECK_WRAP, CHECK_NONE)
	return n;
}

static void
with_lwip(void)
{
	static const struct override bogus[] = {
		{ "tcp_input", offsetof(struct lwip_real, tcp_input), 1 },
		{ "rumplab_no_such_lwip_function", 0, 0 },
		{ "udp_input", offsetof(struct lwip_real, udp_input), 1 },
	};
	struct lwip_real r, before;
	char err[512] = "", bad[64] = "none";
	int e;

	e = override_resolve(err, sizeof(err));
	ok(e == 0, "the table resolves against liblwip (%s)", e ? err : "ok");
	ok(wraps_are_lwips(&lwip_real, bad, sizeof(bad)) == 0,
	    "each WRAP pointer is liblwip's own (wrong: %s)", bad);

	memset(&r, 0xa5, sizeof(r));
	before = r;
	e = override_resolve_table(bogus, sizeof(bogus) / sizeof(bogus[0]),
	    &r, err, sizeof(err));
	ok(e == -ENOENT, "a table naming a function liblwip lacks is refused "
	    "(%d)", e);
	ok(strstr(err, " has no rumplab_no_such_lwip_function, which the "
	    "network glue replaces") != NULL, "the refusal names it: %s", err);
	ok(strstr(err, "liblwip.so") != NULL && strstr(err, "apt-get "
	    "install liblwip0") != NULL, "and the library searched and the "
	    "remedy");
	ok(memcmp(&r, &before, sizeof(r)) == 0,
	    "and sets no pointer (all or nothing)");
}

static void
without_lwip(void)
{
	char err[512] = "";
	int e;

	e = override_resolve(err, sizeof(err));
	ok(e == -ENOENT && strstr(err, "liblwip (none is loaded in this "
	    "process) has no sys_unlock_tcpip_core, which the network glue "
	    "wraps") != NULL, "without liblwip the netinet component would "
	    "refuse to start: %s", err);
	ok(lwip_real.tcp_input == NULL && lwip_real.sys_unlock_tcpip_core ==
	    NULL, "and no pointer is set");
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "nolwip") == 0)
		without_lwip();
	else
		with_lwip();
	tap_plan(tap_n);
	return tap_done();
}
