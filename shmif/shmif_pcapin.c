/*
 * shmif_pcapin — put the frames of a capture file onto a shmif bus.
 *
 * Reads a pcap (or pcapng) file of Ethernet frames with libpcap ("-" reads
 * standard input) and writes every frame, byte for byte, onto the bus,
 * creating the bus file if it does not exist.  Frames go out in batches of
 * up to BATCH frames under one lock acquisition (shmif_sendv()), or sooner
 * when a streamed capture has nothing more to read for now; with -r they go
 * out one at a time, spaced as the capture's timestamps say.  The
 * bus library stamps each record with the time it writes it; the capture's
 * timestamps only matter for -r.
 *
 * Frames the bus cannot carry (longer than its maximum frame, shorter than
 * an Ethernet header, or cut short when captured) are reported, counted and
 * skipped; the exit status is 1 if any were.
 *
 * Parts: options and usage; the batch of frames waiting to be sent; the
 * per-frame checks; the inject loop; main().
 */
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shmif/shmif.h"
#include "version.h"

#define PROG		"shmif_pcapin"
#define BATCH		64	/* frames per shmif_sendv() */
#define ETHER_HDR	14

struct options {
	bool		 replay;	/* -r: keep the capture's pacing */
	bool		 verbose;	/* -v: say what was done */
	unsigned long	 count;		/* -c: read at most this many; 0: all */
	uint32_t	 max_frame;	/* -m: 0 is the library's default */
	const char	*pcap_path;
	const char	*bus_path;
};

/* Frames read from the capture and not yet sent, copied (libpcap reuses
 * its buffer on every read). */
struct batch {
	struct shmif_txframe	 f[BATCH];
	uint8_t			*buf;
	size_t			 cap;	/* bytes in buf */
	size_t			 used;
	unsigned		 n;
};

struct totals {
	unsigned long	 read;		/* frames read from the capture */
	unsigned long	 sent;
	unsigned long	 skipped;
	uint64_t	 bytes;		/* frame bytes sent */
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: %s [-rv] [-c count] [-m maxframe] pcapfile|- "
	    "busfile\n"
	    "  -c N  read only the first N frames of the capture\n"
	    "  -m N  largest frame to send (default %u; up to %u on "
	    "rumplab-only buses)\n"
	    "  -r    replay: space the frames as their capture timestamps\n"
	    "  -v    report what was sent\n",
	    PROG, SHMIF_FRAME_MAX, SHMIF_JUMBO_MAX);
}

static int
parse_number(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *v > max || s[0] == '-')
		return -EINVAL;
	return 0;
}

/* Returns 0, 1 for --help, or -EINVAL for a usage error. */
static int
parse_args(int argc, char **argv, struct options *o)
{
	unsigned long v;
	int c;

	memset(o, 0, sizeof(*o));
	if (argc > 1 && strcmp(argv[1], "--help") == 0)
		return 1;
	while ((c = getopt(argc, argv, "c:m:rv")) != -1) {
		switch (c) {
		case 'c':
			if (parse_number(optarg, ~0UL, &o->count) != 0 ||
			    o->count == 0)
				return -EINVAL;
			break;
		case 'm':
			if (parse_number(optarg, SHMIF_JUMBO_MAX, &v) != 0 ||
			    v < ETHER_HDR)
				return -EINVAL;
			o->max_frame = (uint32_t)v;
			break;
		case 'r':
			o->replay = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		default:
			return -EINVAL;
		}
	}
	if (optind != argc - 2)
		return -EINVAL;
	o->pcap_path = argv[optind];
	o->bus_path = argv[optind + 1];
	return 0;
}

static int
batch_init(struct batch *b, uint32_t max_frame, unsigned nframes)
{
	memset(b, 0, sizeof(*b));
	b->cap = (size_t)max_frame * nframes;
	b->buf = malloc(b->cap);
	return b->buf == NULL ? -ENOMEM : 0;
}

static void
batch_add(struct batch *b, const uint8_t *data, uint32_t len)
{
	memcpy(b->buf + b->used, data, len);
	b->f[b->n].data = b->buf + b->used;
	b->f[b->n].len = len;
	b->used += len;
	b->n++;
}

/* Sends what the batch holds; returns 0 or -errno. */
static int
batch_send(struct shmif_bus *bus, struct batch *b, struct totals *t)
{
	unsigned done;
	int rc;

	for (done = 0; done < b->n; done += (unsigned)rc) {
		rc = shmif_sendv(bus, b->f + done, b->n - done);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return -EIO;
	}
	for (done = 0; done < b->n; done++)
		t->bytes += b->f[done].len;
	t->sent += b->n;
	b->n = 0;
	b->used = 0;
	return 0;
}

/* Why a captured frame cannot go onto the bus, or NULL if it can. */
static const char *
frame_problem(const struct pcap_pkthdr *ph, uint32_t max_frame, char *why,
    size_t len)
{
	if (ph->caplen < ph->len)
		snprintf(why, len, "only %u of its %u bytes were captured",
		    ph->caplen, ph->len);
	else if (ph->len < ETHER_HDR)
		snprintf(why, len, "%u bytes is shorter than an Ethernet "
		    "header", ph->len);
	else if (ph->len > max_frame)
		snprintf(why, len, "%u bytes, over the bus's %u-byte maximum "
		    "(see -m)", ph->len, max_frame);
	else
		return NULL;
	return why;
}

static uint64_t
ts_usec(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000u + (uint64_t)tv->tv_usec;
}

/*
 * For -r: sleeps until the frame stamped `ts` is due, the first frame
 * (stamped ts0) having gone out at `start`.  Timestamps that go backwards
 * are due at once.
 */
static void
replay_wait(const struct timespec *start, uint64_t ts0, uint64_t ts)
{
	struct timespec due;
	uint64_t d;

	if (ts <= ts0)
		return;
	d = ts - ts0;
	due.tv_sec = start->tv_sec + (time_t)(d / 1000000u);
	due.tv_nsec = start->tv_nsec + (long)(d % 1000000u) * 1000;
	if (due.tv_nsec >= 1000000000L) {
		due.tv_sec++;
		due.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) ==
	    EINTR)
		;
}

/*
 * When the capture comes from a pipe, socket or terminal that has nothing
 * more to read right now (input_idle), what is batched goes out instead of
 * waiting for more, so that shmif_pcapin can end a live pipeline.  (Frames
 * libpcap has already buffered may make a batch smaller than it could be;
 * that costs nothing but a lock acquisition.)
 */
static bool
input_is_stream(pcap_t *p)
{
	struct stat sb;
	FILE *f;

	return (f = pcap_file(p)) != NULL && fstat(fileno(f), &sb) == 0 &&
	    !S_ISREG(sb.st_mode);
}

static bool
input_idle(pcap_t *p)
{
	struct pollfd pfd;

	pfd.fd = fileno(pcap_file(p));
	pfd.events = POLLIN;
	return poll(&pfd, 1, 0) == 0;
}

/*
 * Reads the capture and sends its frames.  Returns 0 or -errno; reports
 * skipped frames and sets *what to the object a failure concerns.
 */
static int
inject(pcap_t *p, struct shmif_bus *bus, const struct options *o,
    struct totals *t, const char **what)
{
	struct pcap_pkthdr *ph;
	const u_char *data;
	struct batch b;
	struct timespec start;
	uint64_t ts0 = 0;
	uint32_t maxf = shmif_max_frame(bus);
	char why[128];
	bool streamed = input_is_stream(p);
	int rc;

	if ((rc = batch_init(&b, maxf, o->replay ? 1 : BATCH)) != 0)
		return rc;
	*what = o->bus_path;
	while (o->count == 0 || t->read < o->count) {
		rc = pcap_next_ex(p, &ph, &data);
		if (rc != 1)
			break;
		t->read++;
		if (frame_problem(ph, maxf, why, sizeof(why)) != NULL) {
			fprintf(stderr, "%s: %s: frame %lu: %s; skipped\n",
			    PROG, o->pcap_path, t->read, why);
			t->skipped++;
			continue;
		}
		if (o->replay) {
			if (t->sent == 0) {
				clock_gettime(CLOCK_MONOTONIC, &start);
				ts0 = ts_usec(&ph->ts);
			}
			replay_wait(&start, ts0, ts_usec(&ph->ts));
		}
		batch_add(&b, data, ph->len);
		if (!o->replay && b.n < BATCH && !(streamed && input_idle(p)))
			continue;
		if ((rc = batch_send(bus, &b, t)) != 0)
			goto out;
	}
	if (rc == PCAP_ERROR) {
		*what = o->pcap_path;
		rc = -EIO;
		goto out;
	}
	rc = batch_send(bus, &b, t);
out:
	free(b.buf);
	return rc;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct shmif_opts so;
	struct shmif_bus *bus;
	struct totals t;
	const char *what = NULL;
	char err[PCAP_ERRBUF_SIZE + 256];
	pcap_t *p;
	int rc;

	if (version_asked(argc, argv, PROG))
		return 0;
	if ((rc = parse_args(argc, argv, &o)) != 0) {
		usage(rc > 0 ? stdout : stderr);
		return rc > 0 ? 0 : 2;
	}
	if ((p = pcap_open_offline(o.pcap_path, err)) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", PROG, o.pcap_path, err);
		return 1;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		fprintf(stderr, "%s: %s: link type %s: a shmif bus carries "
		    "Ethernet only\n", PROG, o.pcap_path,
		    pcap_datalink_val_to_name(pcap_datalink(p)) ?
		    pcap_datalink_val_to_name(pcap_datalink(p)) : "unknown");
		pcap_close(p);
		return 1;
	}
	memset(&so, 0, sizeof(so));
	so.flags = SHMIF_CREATE;
	so.max_frame = o.max_frame;
	err[0] = '\0';
	if ((rc = shmif_attach(o.bus_path, &so, &bus, err, sizeof(err))) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, err[0] ? err : strerror(-rc));
		pcap_close(p);
		return 1;
	}
	memset(&t, 0, sizeof(t));
	rc = inject(p, bus, &o, &t, &what);
	if (rc == -EIO && what == o.pcap_path)
		fprintf(stderr, "%s: %s: %s\n", PROG, o.pcap_path,
		    pcap_geterr(p));
	else if (rc < 0)
		fprintf(stderr, "%s: %s: %s\n", PROG, what, strerror(-rc));
	shmif_detach(bus);
	pcap_close(p);
	if (o.verbose || t.skipped > 0)
		fprintf(stderr, "%s: %s: %lu frames (%" PRIu64 " bytes) sent, "
		    "%lu skipped\n", PROG, o.bus_path, t.sent, t.bytes,
		    t.skipped);
	return rc < 0 || t.skipped > 0 ? 1 : 0;
}
