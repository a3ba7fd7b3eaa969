/*
 * rumpperf.c — rumpperf: TCP and UDP transfers between nodes, through the
 * nodes' own stacks, with throughput figures and, on request, a check of
 * every byte.  The tool the tests and benchmarks move data with.
 *
 *   rumpperf -s [-u] [-C] [-p port] [-B addr] [-m conns] [-o file] [-w secs]
 *   rumpperf -c addr [-u] [-p port] [-B addr] [-n bytes | -t secs]
 *            [-l len] [-b rate] [-f file] [-w secs]
 *
 * The sender sends the deterministic stream of perfdata.c (or a file, or
 * its standard input, with -f); the receiver checks it with -C and can
 * write what it receives to a file or its standard output with -o.  A TCP
 * server handles each connection on its own thread while its main thread
 * waits in accept() for the next one (-m: how many; 0 for ever).  A UDP
 * datagram carries a 16-byte header (magic, session, flags, seq) and
 * stream bytes at offset seq * 2^20, so loss, reordering and duplicates
 * are counted and every payload can be checked; the sender ends a session
 * with a few END datagrams.
 *
 * Report lines (stdout, or stderr when -o - puts the data on stdout):
 *   listening on [::]:5001 tcp
 *   sent 10485760 bytes to 10.0.0.2 port 5001 in 0.512 s: 163.840 Mbit/s
 *   received 10485760 bytes from 10.0.0.1 port 49152 in 0.510 s:
 *       164.482 Mbit/s, checked: ok             (one line)
 *
 * This file is the command line; perf.h says where the rest is.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/node.h"
#include "netcomp/cmd/perf.h"
#include "version.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " -s [-uC] [-p port] [-B addr] [-m conns] "
	    "[-o file] [-w secs]\n"
	    "       " PROG " -c addr [-u] [-p port] [-B addr] [-n bytes | "
	    "-t secs] [-l len]\n"
	    "                [-b rate] [-f file] [-w secs]\n"
	    "The node is $RUMP_SERVER.  Sizes take k/m/g (1024s); rates "
	    "k/m/g bit/s (1000s).\n");
}

/* ---- the command line ---- */

static int
parse_rate(const char *s, uint64_t *bps)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0 || v <= 0)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': v *= 1e3; end++; break;
	case 'm': case 'M': v *= 1e6; end++; break;
	case 'g': case 'G': v *= 1e9; end++; break;
	default: break;
	}
	if (*end != '\0' || v < 1000 || v > 1e12)
		return -EINVAL;
	*bps = (uint64_t)v;
	return 0;
}

static int
bad(const char *opt, const char *val)
{
	fprintf(stderr, PROG ": %s: bad value '%s'\n", opt, val);
	return 1;
}

static int
parse_args(struct perf *p, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long v;
	int c;

	while ((c = getopt_long(argc, argv, "b:B:c:Cf:hl:m:n:o:p:st:uw:",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (parse_rate(optarg, &p->rate) != 0)
				return bad("-b", optarg);
			break;
		case 'B': p->bindaddr = optarg; break;
		case 'c': p->peer = optarg; break;
		case 'C': p->check = 1; break;
		case 'f': p->infile = optarg; break;
		case 'l':
			if (parse_size(optarg, 1u << 20, &p->len) != 0 ||
			    p->len == 0)
				return bad("-l", optarg);
			break;
		case 'm':
			if (parse_long(optarg, 0, 1000000, &p->conns) != 0)
				return bad("-m", optarg);
			break;
		case 'n':
			if (parse_size(optarg, UINT64_MAX / 2, &p->nbytes) !=
			    0 || p->nbytes == 0)
				return bad("-n", optarg);
			break;
		case 'o': p->outfile = optarg; break;
		case 'p':
			if (parse_long(optarg, 1, 65535, &v) != 0)
				return bad("-p", optarg);
			p->port = (uint16_t)v;
			break;
		case 's': p->server = 1; break;
		case 't':
			if (parse_duration(optarg, 1e6, &p->duration_ns) != 0 ||
			    p->duration_ns == 0)
				return bad("-t", optarg);
			break;
		case 'u': p->udp = 1; break;
		case 'w':
			if (parse_duration(optarg, 1e6, &p->wait_ns) != 0)
				return bad("-w", optarg);
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc || p->server == (p->peer != NULL)) {
		usage(stderr);
		return 1;
	}
	return 0;
}

/* Defaults, and the options that do not go together. */
static int
settle(struct perf *p)
{
	if (p->len == 0)
		p->len = p->udp ? 1400 : TCP_CHUNK;
	if (p->udp && (p->len < UDP_HDR + 1 || p->len > 65507)) {
		fprintf(stderr, PROG ": -l: a datagram holds %d to 65507 "
		    "bytes\n", UDP_HDR + 1);
		return 1;
	}
	if (p->rate == 0)
		p->rate = 100000000;
	if (!p->server && p->nbytes == 0 && p->duration_ns == 0 &&
	    p->infile == NULL)
		p->nbytes = 10u << 20;
	if (p->server && p->conns < 0)
		p->conns = 1;
	if (!p->server && p->wait_ns == 0)
		p->wait_ns = 10000000000ull;
	if ((p->server && p->infile) || (!p->server && (p->outfile ||
	    p->check))) {
		fprintf(stderr, PROG ": -f is for clients, -o and -C for "
		    "servers\n");
		return 1;
	}
	if (p->udp && p->infile) {
		fprintf(stderr, PROG ": -f: UDP sends the pattern only\n");
		return 1;
	}
	if (p->outfile && p->conns != 1) {
		fprintf(stderr, PROG ": -o needs -m 1\n");
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct perf p;
	struct perr e = { "" };
	int infd = -1, error;

	if (version_asked(argc, argv, "rumpperf"))
		return 0;
	memset(&p, 0, sizeof(p));
	p.port = 5001;
	p.conns = -1;
	p.outfd = -1;
	p.report = stdout;
	if (parse_args(&p, argc, argv) != 0)
		return 1;
	if (settle(&p) != 0)
		return 1;
	if (p.infile != NULL && strcmp(p.infile, "-") == 0)
		infd = 0;
	else if (p.infile != NULL && (infd = open(p.infile, O_RDONLY)) < 0) {
		fprintf(stderr, PROG ": %s: %s\n", p.infile, strerror(errno));
		return 1;
	}
	if (p.outfile != NULL && strcmp(p.outfile, "-") == 0) {
		p.outfd = 1;
		p.report = stderr;
	} else if (p.outfile != NULL && (p.outfd = open(p.outfile,
	    O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		fprintf(stderr, PROG ": %s: %s\n", p.outfile, strerror(errno));
		return 1;
	}
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	if (p.server && p.udp)
		error = perf_udp_server(&p, &e);
	else if (p.server)
		error = perf_tcp_server(&p, &e);
	else if (p.udp)
		error = perf_udp_client(&p, &e);
	else
		error = perf_tcp_client(&p, infd, &e);
	if (p.outfd > 1 && close(p.outfd) != 0 && error == 0) {
		fprintf(stderr, PROG ": %s: %s\n", p.outfile, strerror(errno));
		return 1;
	}
	if (error != 0 && e.msg[0] != '\0')
		fprintf(stderr, PROG ": %s\n", e.msg);
	return error != 0 ? 1 : 0;
}
