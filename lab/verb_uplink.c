/*
 * verb_uplink.c — `rumplab uplink BUSFILE URL... [--stats FILE]`: a bus
 * file joined to VDE networks in the foreground (lab/uplink.h), by hand:
 * to another machine's bus with udp://, to a vde_switch and whatever is
 * plugged into it (QEMU), to a vxvde:// group.  It runs until Ctrl-C,
 * SIGTERM or SIGHUP (exit 0); a bus or URL it cannot take ends it with
 * a message (exit 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/uplink.h"
#include "lab/verbs.h"

static int
usage_error(const char *what)
{
	fprintf(stderr, "rumplab uplink: %s\n", what);
	verb_usage("uplink", stderr);
	return EXIT_USAGE;
}

int
verb_uplink(int argc, char **argv)
{
	struct uplink_spec spec = { 0 };
	char (*urls)[LAB_URL_MAX];
	bool opts = true;
	int i, r;

	if ((urls = calloc((size_t)argc, sizeof(*urls))) == NULL) {
		perror("rumplab uplink");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (opts && strcmp(argv[i], "--") == 0) {
			opts = false;
		} else if (opts && strcmp(argv[i], "--stats") == 0) {
			if (++i == argc) {
				free(urls);
				return usage_error("--stats needs a file");
			}
			spec.stats = argv[i];
		} else if (opts && strncmp(argv[i], "--stats=", 8) == 0) {
			spec.stats = argv[i] + 8;
		} else if (opts && argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "rumplab uplink: unknown option '%s'\n",
			    argv[i]);
			free(urls);
			return usage_error("(its only option is --stats)");
		} else if (spec.bus == NULL) {
			spec.bus = argv[i];
		} else if (strlen(argv[i]) >= LAB_URL_MAX) {
			fprintf(stderr, "rumplab uplink: %.40s...: a URL of %zu "
			    "bytes (at most %d)\n", argv[i], strlen(argv[i]),
			    LAB_URL_MAX - 1);
			free(urls);
			return 1;
		} else {
			snprintf(urls[spec.nurls++], LAB_URL_MAX, "%s",
			    argv[i]);
		}
	}
	if (spec.bus == NULL || spec.nurls == 0) {
		free(urls);
		return usage_error(spec.bus == NULL ? "no bus file" :
		    "no URL to join the bus to");
	}
	spec.urls = urls;
	r = uplink_run(&spec);
	free(urls);
	return r;
}
