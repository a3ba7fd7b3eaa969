/*
 * dmesg.c — rump.dmesg: print a node's kernel message log (its ring of
 * recent messages), as dmesg(8) prints a kernel's.
 *
 *   rump.dmesg
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/node.h"
#include "version.h"

#define PROG "rump.dmesg"

static void
usage(FILE *f)
{
	fprintf(f, "usage: " PROG "\nPrints the kernel message log of the "
	    "node at $RUMP_SERVER.\n");
}

/* The whole log, NUL-terminated; the ring may grow between calls. */
static int
fetch(char **text, size_t *len)
{
	size_t cap = 0;
	ssize_t got;
	char *buf = NULL;

	for (;;) {
		if ((got = rump_sys_dmesg(buf, cap)) < 0) {
			free(buf);
			return -errno;
		}
		if ((size_t)got < cap)
			break;
		free(buf);
		cap = (size_t)got + 4096;
		if ((buf = malloc(cap)) == NULL)
			return -ENOMEM;
	}
	*text = buf;
	*len = (size_t)got;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *text = NULL, buf[256];
	size_t len = 0;
	int c, error;

	if (version_asked(argc, argv, PROG))
		return 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
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
	if ((error = fetch(&text, &len)) != 0) {
		fprintf(stderr, PROG ": %s\n", node_strerror(error, buf,
		    sizeof(buf)));
		return 1;
	}
	fwrite(text, 1, len, stdout);
	if (len > 0 && text[len - 1] != '\n')
		putchar('\n');
	free(text);
	return fflush(stdout) == 0 ? 0 : 1;
}
