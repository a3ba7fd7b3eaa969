/*
 * shmif_stat — summarise shmif buses.
 *
 * For each bus file: the header fields, the ring size, how many records the
 * ring holds now and how many bytes they take, the time span they cover,
 * and whether the bus lock is held and by whom.  rumplab writers keep the
 * lock holder's pid in the header's spare word while they hold the lock;
 * NetBSD's writers do not, so a lock held with a zero spare word has an
 * unknown holder.  Output is a table, or one JSON object per line with -j.
 *
 * It only ever reads: the attachment is SHMIF_RDONLY, never takes the lock,
 * and the counts come from the bus library's own ring walk
 * (SHMIF_SEEALL|SHMIF_REWIND, shmif_recv() until it returns 0).  On a bus
 * being written the counts are a snapshot that may already be stale.
 *
 * Parts: gathering one bus's summary; the table and JSON printers; main().
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "shmif/shmif.h"
#include "version.h"

#define PROG	"shmif_stat"
#define BATCH	64

enum holder {
	LOCK_FREE,
	LOCK_UNKNOWN,		/* held, no pid recorded (NetBSD writer) */
	LOCK_ALIVE,
	LOCK_DEAD,		/* held by a process that no longer exists */
};

struct summary {
	struct shmif_header	 h;
	uint64_t		 frames;
	uint64_t		 frame_bytes;	/* Ethernet bytes */
	uint64_t		 record_bytes;	/* with the 24-byte headers */
	uint64_t		 malformed;
	uint64_t		 lost;
	uint32_t		 oldest_sec, oldest_usec;
	uint32_t		 newest_sec, newest_usec;
	enum holder		 holder;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: %s [-j | --json] busfile...\n"
	    "  -j, --json  one JSON object per bus instead of a table\n",
	    PROG);
}

static enum holder
lock_holder(const struct shmif_header *h)
{
	if (h->lock == 0)
		return LOCK_FREE;
	if (h->spare == 0 || h->spare > INT32_MAX)
		return LOCK_UNKNOWN;
	if (kill((pid_t)h->spare, 0) == 0 || errno == EPERM)
		return LOCK_ALIVE;
	return LOCK_DEAD;
}

/* Walks the ring of an attached bus and fills in *s. */
static int
summarise(struct shmif_bus *bus, struct summary *s)
{
	struct shmif_rxframe rx[BATCH];
	struct shmif_stats st;
	int n, i;

	memset(s, 0, sizeof(*s));
	shmif_get_header(bus, &s->h);
	s->holder = lock_holder(&s->h);
	while ((n = shmif_recv(bus, rx, BATCH)) > 0) {
		for (i = 0; i < n; i++) {
			if (s->frames == 0) {
				s->oldest_sec = rx[i].sec;
				s->oldest_usec = rx[i].usec;
			}
			s->newest_sec = rx[i].sec;
			s->newest_usec = rx[i].usec;
			s->frames++;
			s->frame_bytes += rx[i].len;
			s->record_bytes += SHMIF_PKTHDR_SIZE + rx[i].len;
		}
	}
	if (n < 0)
		return n;
	shmif_get_stats(bus, &st);
	s->malformed = st.rx_malformed;
	s->lost = st.rx_lost;
	return 0;
}

static int
stat_bus(const char *path, struct summary *s, char *err, size_t errlen)
{
	struct shmif_opts so;
	struct shmif_bus *bus;
	int rc;

	/* Count frames up to the jumbo cap (which the library lowers to
	 * what the ring can hold). */
	memset(&so, 0, sizeof(so));
	so.flags = SHMIF_RDONLY | SHMIF_SEEALL | SHMIF_REWIND;
	so.max_frame = SHMIF_JUMBO_MAX;
	err[0] = '\0';
	if ((rc = shmif_attach(path, &so, &bus, err, errlen)) < 0) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	rc = summarise(bus, s);
	if (rc < 0)
		snprintf(err, errlen, "%s: reading the ring: %s", path,
		    strerror(-rc));
	shmif_detach(bus);
	return rc;
}

static const char *
holder_text(const struct summary *s, char *buf, size_t len)
{
	switch (s->holder) {
	case LOCK_FREE:
		return "free";
	case LOCK_UNKNOWN:
		return "held";
	case LOCK_ALIVE:
		snprintf(buf, len, "pid %u", s->h.spare);
		return buf;
	case LOCK_DEAD:
		snprintf(buf, len, "pid %u (dead)", s->h.spare);
		return buf;
	}
	return "?";
}

static void
table_head(int w)
{
	printf("%-*s %3s %4s %8s %8s %8s %7s %9s %5s  %s\n", w, "BUS", "VER",
	    "GEN", "FIRST", "LAST", "RING", "FRAMES", "BYTES", "USED",
	    "LOCK");
}

static void
table_row(int w, const char *path, const struct summary *s)
{
	char first[16], last[16], buf[48];

	snprintf(first, sizeof(first), "0x%x", s->h.first);
	snprintf(last, sizeof(last), "0x%x", s->h.last);
	printf("%-*s %3u %4" PRIu64 " %8s %8s %8u %7" PRIu64 " %9" PRIu64
	    " %4" PRIu64 "%%  %s", w, path, s->h.version, s->h.gen, first, last,
	    s->h.ring_size, s->frames, s->frame_bytes,
	    s->h.ring_size ? s->record_bytes * 100 / s->h.ring_size : 0,
	    holder_text(s, buf, sizeof(buf)));
	if (s->malformed > 0)
		printf(", %" PRIu64 " malformed", s->malformed);
	printf("\n");
}

static int
json_bus(const char *path, const struct summary *s)
{
	static const char *const holder[] = { "free", "unknown", "alive",
	    "dead" };
	struct jw w;

	jw_init(&w, stdout);
	jw_object(&w, NULL);
	jw_str(&w, "bus", path);
	jw_uint(&w, "magic", s->h.magic);
	jw_uint(&w, "version", s->h.version);
	jw_uint(&w, "generation", s->h.gen);
	jw_uint(&w, "first", s->h.first);
	jw_uint(&w, "last", s->h.last);
	jw_uint(&w, "lock", s->h.lock);
	jw_uint(&w, "spare", s->h.spare);
	jw_uint(&w, "ring_size", s->h.ring_size);
	jw_bool(&w, "netbsd_size", s->h.ring_size + SHMIF_HDR_SIZE ==
	    SHMIF_BUS_SIZE);
	jw_uint(&w, "frames", s->frames);
	jw_uint(&w, "frame_bytes", s->frame_bytes);
	jw_uint(&w, "record_bytes", s->record_bytes);
	jw_uint(&w, "malformed", s->malformed);
	jw_uint(&w, "lost", s->lost);
	if (s->frames > 0) {
		jw_numf(&w, "oldest", "%u.%06u", s->oldest_sec, s->oldest_usec);
		jw_numf(&w, "newest", "%u.%06u", s->newest_sec, s->newest_usec);
	} else {
		jw_null(&w, "oldest");
		jw_null(&w, "newest");
	}
	jw_bool(&w, "lock_held", s->holder != LOCK_FREE);
	jw_str(&w, "lock_holder", holder[s->holder]);
	if (s->holder == LOCK_ALIVE || s->holder == LOCK_DEAD)
		jw_uint(&w, "lock_pid", s->h.spare);
	else
		jw_null(&w, "lock_pid");
	jw_close(&w);
	return jw_end(&w);
}

int
main(int argc, char **argv)
{
	struct summary s;
	char err[512];
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, head = false;
	int c, i, w, failed = 0;

	if (version_asked(argc, argv, PROG))
		return 0;
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	while ((c = getopt_long(argc, argv, "j", longopts, NULL)) != -1) {
		if (c != 'j') {
			usage(stderr);
			return 2;
		}
		json = true;
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	for (w = 3, i = optind; i < argc; i++)
		if ((int)strlen(argv[i]) > w)
			w = strlen(argv[i]) > 40 ? 40 : (int)strlen(argv[i]);
	for (i = optind; i < argc; i++) {
		if (stat_bus(argv[i], &s, err, sizeof(err)) < 0) {
			fflush(stdout);
			fprintf(stderr, "%s: %s\n", PROG, err);
			failed++;
			continue;
		}
		if (json) {
			if (json_bus(argv[i], &s) != 0)
				failed++;
			continue;
		}
		if (!head)
			table_head(w);
		head = true;
		table_row(w, argv[i], &s);
	}
	if (fflush(stdout) != 0) {
		perror(PROG ": stdout");
		return 1;
	}
	return failed ? 1 : 0;
}
