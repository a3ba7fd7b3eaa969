/*
 * halt.c — rump.halt: shut a node down (NetBSD's rump.halt), and by
 * default wait until it has stopped serving, so that a script can start
 * a new node on the same socket right after.
 *
 *   rump.halt [-n] [-w secs]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/node.h"
#include "version.h"

#define PROG "rump.halt"

static void
usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [-n] [-w secs]\n"
	    "Shuts down the node at $RUMP_SERVER and waits (-w, default 10 s, "
	    "0: no wait)\nuntil it has closed the connection.\n");
}

/* The node closes every connection as it goes; a call then fails. */
static int
wait_gone(uint64_t limit_ns)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	uint64_t end = now_ns() + limit_ns;
	char v[32];

	while (rump_sys_sysctl_get("kern.pid", v, sizeof(v)) >= 0) {
		if (now_ns() >= end)
			return -ETIMEDOUT;
		nanosleep(&ts, NULL);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t wait = 10000000000ull;
	char buf[256];
	int c;

	if (version_asked(argc, argv, PROG))
		return 0;
	while ((c = getopt_long(argc, argv, "dhnw:", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': break;        /* nothing to sync */
		case 'd':
			fprintf(stderr, PROG ": -d: a node does not dump "
			    "core on request\n");
			return 1;
		case 'w':
			if (parse_duration(optarg, 3600, &wait) != 0) {
				fprintf(stderr, PROG ": -w: bad value '%s'\n",
				    optarg);
				return 1;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	if (rump_sys_reboot() != 0) {
		fprintf(stderr, PROG ": reboot: %s\n",
		    node_strerror(-errno, buf, sizeof(buf)));
		return 1;
	}
	if (wait > 0 && wait_gone(wait) != 0) {
		fprintf(stderr, PROG ": the node still answers after the "
		    "halt\n");
		return 1;
	}
	return 0;
}
