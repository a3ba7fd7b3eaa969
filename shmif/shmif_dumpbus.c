/*
 * shmif_dumpbus — show what a shmif bus holds.
 *
 * Prints the bus header the way NetBSD's shmif_dumpbus does, then one line
 * per frame still in the ring, and with -p writes those frames as a classic
 * pcap file (or a pcap stream on standard output with "-p -").  With -f it
 * goes on after the ring is dumped and streams every new frame until it is
 * told to stop (SIGINT, SIGTERM, or its reader going away), so that
 * "shmif_dumpbus -f -p - bus | tshark -r -" watches a bus live.
 *
 * The ring walk itself (oldest record to newest, lap detection, bounds
 * checks on every untrusted field) is the bus library's: this file attaches
 * with SHMIF_SEEALL|SHMIF_REWIND and calls shmif_recv() until it returns 0;
 * NetBSD's "offset" column is the ring offset the library reports for each
 * frame (struct shmif_rxframe's off).  No bus byte is read here directly.
 *
 * Parts: options and usage; the output (pcap dumper and text lines); the
 * dump loop; follow mode with its watcher thread; main().
 */
#include <sys/signalfd.h>
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shmif/shmif.h"
#include "version.h"

#define PROG		"shmif_dumpbus"
#define BATCH		64	/* frames per shmif_recv() call */
#define SNAP_COMPAT	1518	/* NetBSD's snapshot length (1514 + FCS room) */
#define SNAP_JUMBO	65535

struct options {
	bool		 header_only;	/* -h */
	bool		 follow;	/* -f */
	const char	*pcap_path;	/* -p, NULL if none; "-" is stdout */
	uint32_t	 snaplen;	/* -s, 0: by bus size */
	const char	*bus_path;
};

struct output {
	pcap_t		*dead;
	pcap_dumper_t	*dumper;
	FILE		*pcapf;		/* the dumper's stream */
	bool		 lines;		/* print a text line per frame */
	bool		 to_stdout;	/* the pcap goes to standard output */
	bool		 broken;	/* our reader went away (EPIPE) */
	bool		 failed;	/* a write failed */
	int		 werrno;	/* errno of the first failed write */
	int		 npkt;		/* frames written so far */
	uint32_t	 snaplen;
	int		 truncated;	/* frames cut to snaplen */
};

static atomic_int stop_sig;	/* why -f ends (a signal number); 0: running */

static void
usage(FILE *f)
{
	fprintf(f, "usage: %s [-h] [-f] [-p pcapfile|-] [-s snaplen] busfile\n"
	    "  -h       print the bus header only\n"
	    "  -f       follow: after the ring, stream new frames until "
	    "interrupted\n"
	    "  -p FILE  also write the frames as a pcap file (\"-\": stdout, "
	    "nothing else)\n"
	    "  -s N     pcap snapshot length (default %u on 1 MiB buses, "
	    "%u otherwise)\n", PROG, SNAP_COMPAT, SNAP_JUMBO);
}

/* Returns 0, 1 for --help, or -EINVAL for a usage error. */
static int
parse_args(int argc, char **argv, struct options *o)
{
	unsigned long v;
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	if (argc > 1 && strcmp(argv[1], "--help") == 0)
		return 1;
	while ((c = getopt(argc, argv, "hfp:s:")) != -1) {
		switch (c) {
		case 'h':
			o->header_only = true;
			break;
		case 'f':
			o->follow = true;
			break;
		case 'p':
			o->pcap_path = optarg;
			break;
		case 's':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    v < 64 || v > SNAP_JUMBO)
				return -EINVAL;
			o->snaplen = (uint32_t)v;
			break;
		default:
			return -EINVAL;
		}
	}
	if (optind != argc - 1)
		return -EINVAL;
	o->bus_path = argv[optind];
	return 0;
}

static void
print_header(FILE *f, struct shmif_bus *bus)
{
	struct shmif_header h;

	shmif_get_header(bus, &h);
	fprintf(f, "bus version %d, lock: %d, generation: %" PRIu64
	    ", firstoff: 0x%04x, lastoff: 0x%04x\n", (int)h.version,
	    (int)h.lock, h.gen, h.first, h.last);
}

/* Opens the pcap output; returns 0 or -errno with a reason in err. */
static int
output_open(struct output *out, const struct options *o,
    struct shmif_bus *bus, char *err, size_t errlen)
{
	struct shmif_header h;

	memset(out, 0, sizeof(*out));
	out->to_stdout = o->pcap_path != NULL && strcmp(o->pcap_path, "-") == 0;
	out->lines = !out->to_stdout;
	if (o->pcap_path == NULL)
		return 0;
	/* NetBSD's snapshot length on NetBSD-sized buses, room otherwise. */
	shmif_get_header(bus, &h);
	out->snaplen = h.ring_size + SHMIF_HDR_SIZE == SHMIF_BUS_SIZE ?
	    SNAP_COMPAT : SNAP_JUMBO;
	if (o->snaplen != 0)
		out->snaplen = o->snaplen;
	out->dead = pcap_open_dead(DLT_EN10MB, (int)out->snaplen);
	if (out->dead == NULL) {
		snprintf(err, errlen, "pcap_open_dead failed");
		return -ENOMEM;
	}
	if (out->to_stdout)
		out->dumper = pcap_dump_fopen(out->dead, stdout);
	else
		out->dumper = pcap_dump_open(out->dead, o->pcap_path);
	if (out->dumper == NULL) {
		snprintf(err, errlen, "%s: %s", o->pcap_path,
		    pcap_geterr(out->dead));
		pcap_close(out->dead);
		out->dead = NULL;
		return -EIO;
	}
	out->pcapf = pcap_dump_file(out->dumper);
	return 0;
}

static void
output_frame(struct output *out, const struct shmif_rxframe *f)
{
	struct pcap_pkthdr ph;

	if (out->lines)
		printf("packet %d, offset 0x%04x, length 0x%04x, ts %d/%06d\n",
		    out->npkt, f->off, f->len, (int)f->sec, (int)f->usec);
	out->npkt++;
	if (out->dumper == NULL)
		return;
	memset(&ph, 0, sizeof(ph));
	ph.ts.tv_sec = f->sec;
	ph.ts.tv_usec = f->usec;
	ph.len = f->len;
	ph.caplen = f->len;
	if (ph.caplen > out->snaplen) {
		ph.caplen = out->snaplen;
		out->truncated++;
	}
	pcap_dump((u_char *)out->dumper, &ph, f->data);
	/* pcap_dump() returns nothing: catch a failed write's errno now. */
	if (out->werrno == 0 && ferror(out->pcapf))
		out->werrno = errno ? errno : EIO;
}

/* Pushes everything written so far to the reader; -errno on write error. */
static int
output_flush(struct output *out)
{
	int rc = 0;

	if (out->broken)
		return -EPIPE;
	errno = 0;
	if (out->werrno != 0)
		rc = -out->werrno;
	else if (out->dumper != NULL && pcap_dump_flush(out->dumper) != 0)
		rc = errno ? -errno : -EIO;
	else if (fflush(stdout) != 0 || ferror(stdout))
		rc = errno ? -errno : -EIO;
	if (rc == -EPIPE)
		out->broken = true;
	if (rc != 0)
		out->failed = true;
	return rc;
}

/* Flushes and closes; returns 0 or -errno if any write failed. */
static int
output_close(struct output *out)
{
	int rc;

	rc = output_flush(out);
	if (out->broken)
		rc = 0;		/* only follow mode gets here: a clean end */
	if (out->dumper != NULL) {
		if (!out->broken && ferror(out->pcapf) && rc == 0) {
			rc = -EIO;
			out->failed = true;
		}
		if (!out->to_stdout)
			pcap_dump_close(out->dumper);
		out->dumper = NULL;
	}
	if (out->dead != NULL)
		pcap_close(out->dead);
	out->dead = NULL;
	return rc;
}

/*
 * Reads and writes every frame there is now; returns how many, or -errno.
 * A follower (live) flushes after every batch, so that its reader sees
 * frames at once even on a bus too busy ever to be caught up with, and
 * stops early when told to.
 */
static int
dump_available(struct shmif_bus *bus, struct output *out, bool live)
{
	struct shmif_rxframe rx[BATCH];
	int n, i, rc, total;

	total = 0;
	for (;;) {
		if (live && atomic_load(&stop_sig) != 0)
			break;
		n = shmif_recv(bus, rx, BATCH);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			output_frame(out, &rx[i]);
		total += n;
		if (live && (rc = output_flush(out)) != 0)
			return rc;
	}
	return total;
}

/*
 * Follow mode's stop conditions are watched by one thread, so the main loop
 * can sleep in shmif_wait() without polling: SIGINT and SIGTERM are blocked
 * in every thread and read here from a signalfd, and when standard output
 * is a pipe or socket its reader going away shows as POLLERR/POLLHUP here
 * (a quiet bus would otherwise never write, never get EPIPE, and never
 * end).  Either way the thread records why and kicks the bus; a kick that
 * lands while the main thread is not in shmif_wait() stays pending and
 * makes its next wait return at once.
 */
struct watch {
	int			 sigfd;
	bool			 watch_stdout;
	struct shmif_bus	*bus;
};

static void *
watch_thread(void *arg)
{
	struct watch *w = arg;
	struct signalfd_siginfo si;
	struct pollfd pfd[2];
	int why = 0;

	pfd[0].fd = w->sigfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = w->watch_stdout ? STDOUT_FILENO : -1;
	pfd[1].events = 0;	/* only POLLERR and POLLHUP */
	while (why == 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			why = SIGTERM;
		} else if (pfd[0].revents & POLLIN)
			why = read(w->sigfd, &si, sizeof(si)) == sizeof(si) ?
			    (int)si.ssi_signo : SIGTERM;
		else if (pfd[1].revents & (POLLERR | POLLHUP))
			why = SIGPIPE;
	}
	atomic_store(&stop_sig, why);
	shmif_kick(w->bus);
	return NULL;
}

/*
 * Streams new frames until told to stop or until the reader of our output
 * goes away (EPIPE, which ends follow mode as quietly as a signal would).
 * Returns 0 or -errno.
 */
static int
follow(struct shmif_bus *bus, struct output *out)
{
	int rc;

	for (;;) {
		if (atomic_load(&stop_sig) != 0)
			break;
		rc = shmif_wait(bus, -1);
		if (rc < 0 && rc != -EINTR)
			return rc;
		rc = dump_available(bus, out, true);
		if (rc < 0)
			return rc == -EPIPE ? 0 : rc;
	}
	return 0;
}

static bool
stdout_is_stream(void)
{
	struct stat sb;

	return fstat(STDOUT_FILENO, &sb) == 0 &&
	    (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode));
}

/* Runs follow mode with its watcher thread; returns 0 or -errno. */
static int
run_follow(struct shmif_bus *bus, struct output *out)
{
	struct watch w;
	sigset_t set;
	pthread_t tid;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if ((rc = pthread_sigmask(SIG_BLOCK, &set, NULL)) != 0)
		return -rc;
	if ((w.sigfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
		return -errno;
	w.watch_stdout = stdout_is_stream();
	w.bus = bus;
	if ((rc = pthread_create(&tid, NULL, watch_thread, &w)) != 0) {
		close(w.sigfd);
		return -rc;
	}
	rc = follow(bus, out);
	if (atomic_load(&stop_sig) == 0)
		pthread_cancel(tid);	/* still in poll() */
	pthread_join(tid, NULL);
	close(w.sigfd);
	return rc;
}

/*
 * Attaches the way the mode needs: a plain dump never writes, a follower
 * attaches read-write when it may (so it can take the bus lock like any
 * peer) and read-only otherwise.  A reader accepts frames up to the jumbo
 * cap so that it shows whatever the bus holds.  A read-only attachment
 * lowers that cap itself to what the ring can hold; a read-write one is
 * refused it on rings too small for it, and then uses the default maximum.
 */
static int
attach(const struct options *o, struct shmif_bus **bus, char *err,
    size_t errlen)
{
	struct shmif_opts so;
	int rc;

	memset(&so, 0, sizeof(so));
	so.flags = SHMIF_SEEALL | SHMIF_REWIND;
	if (o->follow) {
		so.max_frame = SHMIF_JUMBO_MAX;
		rc = shmif_attach(o->bus_path, &so, bus, err, errlen);
		if (rc == -EINVAL) {
			so.max_frame = 0;
			rc = shmif_attach(o->bus_path, &so, bus, err, errlen);
		}
		if (rc != -EACCES && rc != -EROFS && rc != -EPERM)
			return rc;
	}
	so.flags |= SHMIF_RDONLY;
	so.max_frame = SHMIF_JUMBO_MAX;
	return shmif_attach(o->bus_path, &so, bus, err, errlen);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct shmif_bus *bus;
	struct shmif_stats st;
	struct output out;
	char err[256];
	int rc;

	if (version_asked(argc, argv, PROG))
		return 0;
	if ((rc = parse_args(argc, argv, &o)) != 0) {
		usage(rc > 0 ? stdout : stderr);
		return rc > 0 ? 0 : 2;
	}
	err[0] = '\0';
	if ((rc = attach(&o, &bus, err, sizeof(err))) < 0) {
		fprintf(stderr, "%s: %s\n", PROG,
		    err[0] ? err : strerror(-rc));
		return 1;
	}
	/* With "-p -" standard output carries the pcap and nothing else. */
	print_header(o.pcap_path && strcmp(o.pcap_path, "-") == 0 ?
	    stderr : stdout, bus);
	if (o.header_only) {
		shmif_detach(bus);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if ((rc = output_open(&out, &o, bus, err, sizeof(err))) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		shmif_detach(bus);
		return 1;
	}
	/* A follower ends quietly when its reader goes away (EPIPE). */
	if (o.follow)
		signal(SIGPIPE, SIG_IGN);
	rc = dump_available(bus, &out, o.follow);
	if (rc >= 0)
		rc = output_flush(&out);
	if (rc >= 0 && o.follow)
		rc = run_follow(bus, &out);
	if (o.follow && out.broken)
		rc = 0;
	if (rc >= 0)
		rc = output_close(&out);
	else
		(void)output_close(&out);
	shmif_get_stats(bus, &st);
	shmif_detach(bus);
	if (rc < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROG,
		    !out.failed ? o.bus_path :
		    o.pcap_path != NULL ? o.pcap_path : "stdout",
		    strerror(-rc));
		return 1;
	}
	if (st.rx_lost > 0 || st.rx_malformed > 0)
		fprintf(stderr, "%s: %s: %" PRIu64 " frames lost to lapping, %"
		    PRIu64 " malformed records skipped\n", PROG, o.bus_path,
		    st.rx_lost, st.rx_malformed);
	if (out.truncated > 0)
		fprintf(stderr, "%s: %d frames cut to the pcap snapshot "
		    "length %u (see -s)\n", PROG, out.truncated, out.snaplen);
	return 0;
}
