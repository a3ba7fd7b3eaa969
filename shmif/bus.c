/*
 * bus.c — the shmif bus library (contract in shmif.h, bytes in FORMAT.txt).
 *
 * The file is NetBSD's shmif v3: a 32-byte header and a ring of records
 * (24-byte header + Ethernet frame) that wrap at the end of the file.  The
 * ring discipline is NetBSD's so that NetBSD kernels and tools share buses
 * with us: a writer appends after the newest record (`last`), pushing
 * `first` (the oldest intact record) ahead of what it overwrites, and bumps
 * `gen` whenever a write reaches or crosses the end of the ring.  A reader
 * remembers (offset, generation) and knows it was lapped when that pair no
 * longer lies between `first` and the end of `last`.
 *
 * What rumplab adds without changing the bytes NetBSD reads:
 *  - wake-ups: every write batch changes `last`, so readers sleep on a futex
 *    on `last` and writers FUTEX_WAKE it; NetBSD's own wake-up (a pwrite of
 *    the version word, seen by inotify/kqueue) is done as well;
 *  - the lock holder's pid in `spare` while the lock is held, so a holder
 *    that died is noticed and its lock taken over (its half-written record is
 *    never published: `last` moves only after a record is complete);
 *  - a bus-wide sequence number in each record's padding, so a lapped reader
 *    knows exactly how many frames it lost (NetBSD leaves garbage there, so
 *    the count is exact only among rumplab writers);
 *  - every value read from the file is checked; a corrupt ring is skipped
 *    and counted by readers and re-initialised by writers;
 *  - writers that wake only by pwrite() (NetBSD's) are heard through one
 *    inotify watch per bus directory (watch.c), and rumplab writers on a
 *    bus with a wake map pwrite() only once such a writer has been seen;
 *  - a bus file cut under its mapping (truncated by anyone who may write
 *    it, or a page its full file system cannot give) raises SIGBUS on the
 *    next touch, which would kill every process on the bus: the mappings
 *    are guarded (guard_add), and a SIGBUS inside one puts zeroed private
 *    memory in its place, so the access completes and the attachment
 *    reports the bus lost (-ENXIO, shmif_lost()) instead.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <linux/futex.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "shmif/shmif.h"
#include "shmif/wakemap.h"

#define DEFAULT_SPIN_NS   (50 * 1000)
#define LOCK_SPINS        1000
#define LOCK_ORPHAN_NS    (50ull * 1000 * 1000)  /* owner unknown this long */
#define LOCK_STUCK_NS     (500ull * 1000 * 1000) /* live owner, this long */
#define RXBUF_SIZE        (128 * 1024)   /* at most; see rxbuf_size() */
#define RXBUF_FRAMES      32             /* frames of max_frame it holds */

struct shmif_bus {
	int       fd;
	uint8_t  *mem;          /* whole file, mapped */
	uint8_t  *ring;         /* mem + SHMIF_HDR_SIZE */
	uint32_t  size;         /* mapped bytes */
	uint32_t  rsize;        /* ring bytes */
	uint32_t  maxrec;       /* structural cap on a record's length */
	uint32_t  max_frame;
	uint32_t  flags;
	uint64_t  spin_ns;
	uint64_t  sender;
	uint32_t  pid;

	/* Reader position: offset of the next record and its generation. */
	uint32_t  rpos;
	uint64_t  rgen;
	uint32_t  rseq_next;    /* sequence number expected next */
	int       rseq_valid;
	unsigned  rseq_trust;   /* in-order records seen since a discontinuity */
	int       lapped;       /* resynchronised; count loss at next frame */
	int       active;       /* frames arrived since the last quiet spin */
	int       more;         /* last shmif_recv() stopped before the end */
	uint32_t  seen_last;    /* header values at the end of last recv */
	uint64_t  seen_gen;

	struct wakemap *wm;     /* the bus's wake map, if it has one */
	int       wbit;         /* our slot there, or -1 */

	volatile int kicked;    /* shmif_kick() pending */
	volatile int in_wait;   /* a thread sleeps in shmif_wait() */

	uint8_t  *rxbuf;
	uint32_t  rxsize;       /* of rxbuf */
	struct shmif_stats st;
	struct shmif_guard guard;       /* of mem */
	struct shmif_guard wguard;      /* of wm */
	const struct shmif_guard *lost; /* &guard, or the owner's */
	struct shmif_bus *owner;        /* a twin: whose mappings these are */
	char      path[PATH_MAX];
};

/* Record header as stored (host byte order, like NetBSD). */
struct rec {
	uint32_t len, sec, usec, seq;
	uint64_t sender;
};

static inline uint32_t *
hdr32(const struct shmif_bus *b, unsigned off)
{
	return (uint32_t *)(void *)(b->mem + off);
}

static inline uint64_t *
hdr64(const struct shmif_bus *b, unsigned off)
{
	return (uint64_t *)(void *)(b->mem + off);
}

#define LOAD(p)     __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

static inline void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static long
futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

__attribute__((format(printf, 3, 4)))
static void
seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* ---- ring arithmetic (offsets are into the ring, 0 <= off <= rsize) ---- */

static inline uint32_t
ring_advance(const struct shmif_bus *b, uint32_t off, uint32_t delta)
{
	uint64_t n = (uint64_t)off + delta;

	while (n >= b->rsize)
		n -= b->rsize;
	return (uint32_t)n;
}

/* Copy len bytes out of the ring at off, wrapping; *wrap set if the read
 * reached or crossed the end.  Caller guarantees off <= rsize, len < rsize. */
static uint32_t
ring_read(const struct shmif_bus *b, uint32_t off, void *dst, uint32_t len,
    int *wrap)
{
	uint32_t chunk = b->rsize - off;

	if (chunk > len)
		chunk = len;
	memcpy(dst, b->ring + off, chunk);
	if (off + chunk == b->rsize)
		*wrap = 1;
	if (chunk == len)
		return (off + chunk) % b->rsize;
	*wrap = 1;
	memcpy((uint8_t *)dst + chunk, b->ring, len - chunk);
	return len - chunk;
}

static void
rec_decode(const uint8_t raw[SHMIF_PKTHDR_SIZE], struct rec *r)
{
	memcpy(&r->len, raw + 0, 4);
	memcpy(&r->sec, raw + 4, 4);
	memcpy(&r->usec, raw + 8, 4);
	memcpy(&r->seq, raw + 12, 4);
	memcpy(&r->sender, raw + 16, 8);
}

static void
rec_encode(uint8_t raw[SHMIF_PKTHDR_SIZE], const struct rec *r)
{
	memcpy(raw + 0, &r->len, 4);
	memcpy(raw + 4, &r->sec, 4);
	memcpy(raw + 8, &r->usec, 4);
	memcpy(raw + 12, &r->seq, 4);
	memcpy(raw + 16, &r->sender, 8);
}

/* Read the record header at off; -1 if off or the length is impossible. */
static int
rec_at(const struct shmif_bus *b, uint32_t off, struct rec *r)
{
	uint8_t raw[SHMIF_PKTHDR_SIZE];
	int wrap = 0;

	if (off > b->rsize)
		return -1;
	ring_read(b, off, raw, sizeof(raw), &wrap);
	rec_decode(raw, r);
	return r->len > b->maxrec ? -1 : 0;
}

/* Offset just past the record at off, or UINT32_MAX if it is corrupt. */
static uint32_t
rec_next(const struct shmif_bus *b, uint32_t off)
{
	struct rec r;

	if (rec_at(b, off, &r) < 0)
		return UINT32_MAX;
	return ring_advance(b, ring_advance(b, off, SHMIF_PKTHDR_SIZE), r.len);
}

/* ---- header validation ---- */

struct snap {
	uint64_t gen;
	uint32_t first, last, end;
};

/* Take the header values a reader or writer works from; -1 if corrupt. */
static int
snap_take(const struct shmif_bus *b, struct snap *s)
{
	if (LOAD(hdr32(b, SHMIF_OFF_MAGIC)) != SHMIF_MAGIC)
		return -1;
	s->gen = LOAD(hdr64(b, SHMIF_OFF_GEN));
	s->first = LOAD(hdr32(b, SHMIF_OFF_FIRST));
	s->last = LOAD(hdr32(b, SHMIF_OFF_LAST));
	if (s->first > b->rsize || s->last >= b->rsize)
		return -1;
	s->end = rec_next(b, s->last);
	return s->end == UINT32_MAX ? -1 : 0;
}

/*
 * Is a reader at (pos, gen) still looking at live data?  Live data runs from
 * `first` to the end of `last`; when first lies at or past that end the live
 * region wraps and the part before the ring's end belongs to gen - 1.
 */
static int
pos_valid(const struct snap *s, uint32_t pos, uint64_t gen)
{
	uint64_t gendiff = s->gen - gen;

	if (gen > s->gen || gendiff > 1)
		return 0;
	if (s->first >= s->end) {
		if (gendiff == 0)
			return pos <= s->end;
		return pos >= s->first;
	}
	return gendiff == 0 && pos >= s->first && pos <= s->end;
}

/* ---- the mapping guard (wakemap.h) ---- */

static pthread_mutex_t guard_lk = PTHREAD_MUTEX_INITIALIZER;
static struct shmif_guard *guards;      /* guard_lk to change; read by
                                         * the handler without it */
static unsigned guard_busy;             /* handlers looking at the list */
static struct sigaction guard_prev;
static int guard_installed;             /* guard_lk */

/* The SIGBUS that was not ours: as the handler before us would have. */
static void
guard_chain(int sig, siginfo_t *si, void *ctx)
{
	struct sigaction dfl;

	if (guard_prev.sa_flags & SA_SIGINFO) {
		if (guard_prev.sa_sigaction != NULL) {
			guard_prev.sa_sigaction(sig, si, ctx);
			return;
		}
	} else if (guard_prev.sa_handler != SIG_DFL &&
	    guard_prev.sa_handler != SIG_IGN) {
		guard_prev.sa_handler(sig);
		return;
	}
	/* Default: return to the faulting access, which faults again and
	 * dies of SIGBUS as it would have without us (a SIGBUS sent by
	 * kill(2) is raised again, to be delivered on return). */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGBUS, &dfl, NULL);
	if (si->si_code <= 0)
		raise(sig);
}

static void
guard_sigbus(int sig, siginfo_t *si, void *ctx)
{
	uint8_t *a = si->si_addr;
	struct shmif_guard *g;
	int saved = errno, ours = 0;

	__atomic_add_fetch(&guard_busy, 1, __ATOMIC_SEQ_CST);
	for (g = __atomic_load_n(&guards, __ATOMIC_SEQ_CST); g != NULL;
	    g = __atomic_load_n(&g->next, __ATOMIC_SEQ_CST)) {
		if (a < g->base || a >= g->base + g->len)
			continue;
		if (mmap(g->base, g->len, PROT_READ | PROT_WRITE, MAP_FIXED |
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED) {
			__atomic_store_n(&g->lost, 1, __ATOMIC_SEQ_CST);
			ours = 1;
		}
		break;
	}
	__atomic_sub_fetch(&guard_busy, 1, __ATOMIC_SEQ_CST);
	errno = saved;
	if (!ours)
		guard_chain(sig, si, ctx);
}

int
guard_add(struct shmif_guard *g, void *base, size_t len)
{
	struct sigaction sa;
	int r = 0;

	g->base = base;
	g->len = len;
	g->lost = 0;
	pthread_mutex_lock(&guard_lk);
	if (!guard_installed) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = guard_sigbus;
		sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGBUS, &sa, &guard_prev) < 0)
			r = -errno;
		else
			guard_installed = 1;
	}
	if (r == 0) {
		g->next = guards;
		__atomic_store_n(&guards, g, __ATOMIC_SEQ_CST);
	}
	pthread_mutex_unlock(&guard_lk);
	return r;
}

void
guard_del(struct shmif_guard *g)
{
	struct shmif_guard **pp;

	pthread_mutex_lock(&guard_lk);
	for (pp = &guards; *pp != NULL; pp = &(*pp)->next)
		if (*pp == g) {
			__atomic_store_n(pp, g->next, __ATOMIC_SEQ_CST);
			break;
		}
	pthread_mutex_unlock(&guard_lk);
	/* A handler that found g before it was unlinked may still read it. */
	while (__atomic_load_n(&guard_busy, __ATOMIC_SEQ_CST) != 0)
		sched_yield();
}

/* ---- the lock ---- */

static int
pid_alive(uint32_t pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	if (pid == 0 || pid > INT_MAX)
		return 0;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return 0;
	/* A killed process stays a zombie until reaped: dead to us. */
	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return 1;
	return !(p[2] == 'Z' || p[2] == 'X');
}

/*
 * Take the bus lock: CAS 0 -> 1 exactly as NetBSD (whose lock loop treats any
 * other value as "acquired"), then publish our pid in `spare`.  Returns 1 if
 * the lock was taken over from a dead holder (the caller re-validates the
 * ring), 0 otherwise.
 */
static int
bus_lock(struct shmif_bus *b)
{
	uint32_t *lk = hdr32(b, SHMIF_OFF_LOCK), *sp = hdr32(b, SHMIF_OFF_SPARE);
	uint64_t orphan_since = 0, since = 0;
	unsigned spins = 0, rounds = 0;
	uint32_t expect, owner;

	for (;;) {
		expect = 0;
		if (__atomic_compare_exchange_n(lk, &expect, 1, 0,
		    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
			__atomic_store_n(sp, b->pid, __ATOMIC_RELEASE);
			return 0;
		}
		if (++spins < LOCK_SPINS) {
			cpu_relax();
			continue;
		}
		spins = 0;
		if (since == 0)
			since = now_ns();
		owner = LOAD(sp);
		if (owner != 0 && owner != b->pid && !pid_alive(owner)) {
			if (__atomic_compare_exchange_n(sp, &owner, b->pid, 0,
			    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
				__atomic_add_fetch(&b->st.lock_takeovers, 1, __ATOMIC_RELAXED);
				return 1;
			}
			continue;
		}
		if (owner != 0 && now_ns() - since > LOCK_STUCK_NS &&
		    __atomic_compare_exchange_n(sp, &owner, b->pid, 0,
		    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			/* No critical section lasts half a second: the holder is
			 * stopped, wedged or hostile.  Its bus is ours now. */
			__atomic_add_fetch(&b->st.lock_takeovers, 1, __ATOMIC_RELAXED);
			return 1;
		}
		if (owner == 0) {
			/* Held by someone who never said who (a NetBSD kernel, or
			 * a process that died between the two stores). */
			if (orphan_since == 0)
				orphan_since = now_ns();
			else if (now_ns() - orphan_since > LOCK_ORPHAN_NS &&
			    __atomic_compare_exchange_n(sp, &owner, b->pid, 0,
			    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
				__atomic_add_fetch(&b->st.lock_takeovers, 1, __ATOMIC_RELAXED);
				return 1;
			}
		} else
			orphan_since = 0;
		if (++rounds < 20)
			sched_yield();
		else {
			struct timespec ts = { 0, 200 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
}

static void
bus_unlock(struct shmif_bus *b)
{
	uint32_t me = b->pid;

	/* If our pid is no longer in spare, somebody decided we were dead and
	 * took the lock over: it is theirs to release now. */
	if (!__atomic_compare_exchange_n(hdr32(b, SHMIF_OFF_SPARE), &me, 0, 0,
	    __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(hdr32(b, SHMIF_OFF_LOCK), 0, __ATOMIC_RELEASE);
}

/* ---- writing ---- */

/* Lock held.  Start the ring afresh (new or corrupt bus). */
static void
ring_init(struct shmif_bus *b)
{
	memset(b->ring, 0, SHMIF_PKTHDR_SIZE);     /* the zero-length dummy */
	STORE(hdr32(b, SHMIF_OFF_VERSION), SHMIF_VERSION);
	STORE(hdr32(b, SHMIF_OFF_FIRST), b->rsize);
	STORE(hdr32(b, SHMIF_OFF_LAST), 0);
	STORE(hdr32(b, SHMIF_OFF_MAGIC), SHMIF_MAGIC);
}

/* Lock held.  Move `first` past every record that a write of len bytes at
 * off will overwrite (NetBSD's rule, including its +1 at the ring's end). */
static int
advance_first(struct shmif_bus *b, uint32_t off, uint32_t len)
{
	uint32_t first = LOAD(hdr32(b, SHMIF_OFF_FIRST));
	unsigned guard = b->rsize / SHMIF_PKTHDR_SIZE + 2;

	while ((uint64_t)off <= (uint64_t)first + SHMIF_PKTHDR_SIZE &&
	    (uint64_t)off + len > first) {
		first = rec_next(b, first);
		if (first == UINT32_MAX || --guard == 0)
			return -1;
	}
	STORE(hdr32(b, SHMIF_OFF_FIRST), first);
	return 0;
}

/* Lock held.  Copy into the ring at off, wrapping; NetBSD's buswrite. */
static int
ring_write(struct shmif_bus *b, uint32_t *off, const void *src, uint32_t len,
    int *wrap)
{
	uint32_t chunk = b->rsize - *off, rest;

	if (chunk > len)
		chunk = len;
	rest = len - chunk;
	/* NetBSD adds 1 only when the copy continues past the end; a copy that
	 * ends exactly there must push `first` off offset 0 too, or `first`
	 * stays at the never-wrapped marker while offset 0 is overwritten and a
	 * later advance walks into frame bytes. */
	if (advance_first(b, *off, chunk + (*off + chunk == b->rsize ? 1 : 0)) < 0)
		return -1;
	memcpy(b->ring + *off, src, chunk);
	if (*off + chunk == b->rsize)
		*wrap = 1;
	if (rest == 0) {
		*off = (*off + chunk) % b->rsize;
		return 0;
	}
	*wrap = 1;
	if (advance_first(b, 0, rest) < 0)
		return -1;
	memcpy(b->ring, (const uint8_t *)src + chunk, rest);
	*off = rest;
	return 0;
}

/* Lock held.  Append one record; `last` moves only once it is complete. */
static int
put_record(struct shmif_bus *b, const void *data, uint32_t len,
    uint32_t sec, uint32_t usec)
{
	uint8_t raw[SHMIF_PKTHDR_SIZE];
	struct rec prev, r;
	uint32_t last, off, recoff;
	int wrap = 0;

	last = LOAD(hdr32(b, SHMIF_OFF_LAST));
	if (LOAD(hdr32(b, SHMIF_OFF_MAGIC)) != SHMIF_MAGIC ||
	    LOAD(hdr32(b, SHMIF_OFF_FIRST)) > b->rsize || last >= b->rsize ||
	    rec_at(b, last, &prev) < 0)
		return -1;
	recoff = off = ring_advance(b,
	    ring_advance(b, last, SHMIF_PKTHDR_SIZE), prev.len);
	r.len = len;
	r.sec = sec;
	r.usec = usec;
	r.seq = prev.seq + 1;
	r.sender = b->sender;
	rec_encode(raw, &r);
	if (ring_write(b, &off, raw, sizeof(raw), &wrap) < 0 ||
	    ring_write(b, &off, data, len, &wrap) < 0)
		return -1;
	STORE(hdr32(b, SHMIF_OFF_LAST), recoff);
	if (wrap)
		STORE(hdr64(b, SHMIF_OFF_GEN), LOAD(hdr64(b, SHMIF_OFF_GEN)) + 1);
	return 0;
}

/*
 * The wake map (FORMAT.txt, "Wake map"): a file PATH.wake beside the bus
 * in which each interface claims a slot, and so a futex bit of its own.
 * Its receiving attachment sleeps on that bit alone and its sending one
 * wakes every bit but that one, so that a send no longer wakes the
 * sender's own receive thread to skip its own frame (measured: one
 * router's forwarding time from 42 to 24 us, the receive thread of the
 * outgoing interface had woken once per packet forwarded).  Readers
 * without a slot sleep on every bit and are always woken.  A bit belongs
 * to one sender id at a time, so the only sleeper a send can skip is its
 * own interface's.
 */
static int
pid_gone(uint32_t pid)
{
	return pid != 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

static int
wm_claim(struct wakemap *wm, uint64_t sender, uint32_t pid)
{
	struct wm_slot *sl;
	uint64_t cur;
	int i;

	for (i = 0; i < WM_SLOTS; i++) {
		sl = &wm->slot[i];
		if (LOAD(&sl->sender) == sender && LOAD(&sl->pid) == pid) {
			__atomic_add_fetch(&sl->refs, 1, __ATOMIC_ACQ_REL);
			return i;
		}
	}
	/* A free slot, else one whose process is gone. */
	for (int pass = 0; pass < 2; pass++) {
		for (i = 0; i < WM_SLOTS; i++) {
			sl = &wm->slot[i];
			cur = LOAD(&sl->sender);
			if (pass == 0 ? cur != 0 : cur == 0 ||
			    !pid_gone(LOAD(&sl->pid)))
				continue;
			if (!__atomic_compare_exchange_n(&sl->sender, &cur,
			    sender, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				continue;
			STORE(&sl->refs, 1);
			STORE(&sl->pid, pid);
			return i;
		}
	}
	return -1;
}

/* Set once the process is about to exit (shmif_exiting()). */
static int exiting;

void
shmif_exiting(void)
{
	__atomic_store_n(&exiting, 1, __ATOMIC_RELEASE);
}

static void
wm_release(struct shmif_bus *b)
{
	struct wm_slot *sl;
	uint64_t me = b->sender;

	if (b->wm == NULL || b->owner != NULL)
		return;
	if (b->wbit >= 0) {
		sl = &b->wm->slot[b->wbit];
		if (LOAD(&sl->sender) == me && LOAD(&sl->pid) == b->pid &&
		    __atomic_sub_fetch(&sl->refs, 1, __ATOMIC_ACQ_REL) == 0) {
			STORE(&sl->pid, 0);
			__atomic_compare_exchange_n(&sl->sender, &me, 0, 0,
			    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
		}
	}
	guard_del(&b->wguard);
	if (!LOAD(&exiting))
		munmap(b->wm, WM_SIZE);
	b->wm = NULL;
	b->wbit = -1;
}

struct wakemap *
wm_open(const char *path, struct shmif_guard *g)
{
	char wpath[PATH_MAX + 8];
	uint32_t zero = 0;
	struct stat sb;
	void *m;
	int fd;

	if (snprintf(wpath, sizeof(wpath), "%s.wake", path) >= (int)sizeof(wpath) ||
	    (fd = open(wpath, O_RDWR | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return NULL;
	/* Exactly WM_SIZE bytes, made so by its creator: no bus file is that
	 * small, not even one still being created (size 0). */
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size != WM_SIZE) {
		close(fd);
		return NULL;
	}
	m = mmap(NULL, WM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return NULL;
	if (guard_add(g, m, WM_SIZE) < 0) {
		munmap(m, WM_SIZE);
		return NULL;
	}
	/* A new map is all zeros; anything else but ours is not used. */
	__atomic_compare_exchange_n(&((struct wakemap *)m)->magic, &zero,
	    WM_MAGIC, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	if (LOAD(&((struct wakemap *)m)->magic) != WM_MAGIC ||
	    LOAD(&g->lost)) {
		guard_del(g);
		munmap(m, WM_SIZE);
		return NULL;
	}
	return m;
}

/* Open PATH.wake if the bus has one and take a slot; no map is no error.
 * (shmif_wakemap_create() makes one.) */
static void
wm_attach(struct shmif_bus *b, const char *path)
{
	b->wbit = -1;
	if ((b->flags & SHMIF_RDONLY) ||
	    (b->wm = wm_open(path, &b->wguard)) == NULL)
		return;
	b->wbit = wm_claim(b->wm, b->sender, b->pid);
}

/* Our bit, if the slot is still ours (a map is shared, so untrusted). */
static int
wm_bit(const struct shmif_bus *b)
{
	if (b->wbit < 0 || LOAD(&b->wm->slot[b->wbit].sender) != b->sender)
		return -1;
	return b->wbit;
}

int
shmif_wakemap_create(const char *path)
{
	char wpath[PATH_MAX + 8];
	int fd, r = 0;

	if (snprintf(wpath, sizeof(wpath), "%s.wake", path) >= (int)sizeof(wpath))
		return -ENAMETOOLONG;
	if ((fd = open(wpath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return errno == EEXIST ? 0 : -errno;
	if (ftruncate(fd, WM_SIZE) < 0) {
		r = -errno;
		unlink(wpath);
	}
	close(fd);
	return r;
}

/*
 * Lock held, after a batch.  A map remembers the newest record a rumplab
 * writer woke for (`published`, as `last` + 1).  Finding `last` elsewhere
 * means a writer that wakes only by pwrite() wrote since: its readers
 * sleep on the file, not on the futex, so from now on every batch here
 * pwrite()s too (FORMAT.txt, "Writers that only pwrite()").
 */
static void
wm_publish(struct shmif_bus *b, uint32_t last_before)
{
	uint32_t pub;

	if (b->wm == NULL)
		return;
	pub = LOAD(&b->wm->published);
	if (pub != 0 && pub != last_before + 1 && !LOAD(&b->wm->foreign))
		STORE(&b->wm->foreign, 1);
	STORE(&b->wm->published, LOAD(hdr32(b, SHMIF_OFF_LAST)) + 1);
}

/* Does a NetBSD-style reader (asleep on the file) need the pwrite()?
 * Always on a bus without our map; with one, once a writer that only
 * pwrite()s was seen (such a writer's readers are the only sleepers the
 * futex does not reach). */
static int
wake_by_pwrite(const struct shmif_bus *b)
{
	if (b->flags & SHMIF_NOWAKE_NETBSD)
		return 0;
	return b->wm == NULL || LOAD(&b->wm->foreign) != 0;
}

static void
wake_readers(struct shmif_bus *b)
{
	uint32_t v = SHMIF_VERSION;
	int bit = wm_bit(b);

	if (bit >= 0)
		syscall(SYS_futex, hdr32(b, SHMIF_OFF_LAST), FUTEX_WAKE_BITSET,
		    INT_MAX, NULL, NULL, ~(1u << bit));
	else
		futex(hdr32(b, SHMIF_OFF_LAST), FUTEX_WAKE, INT_MAX, NULL);
	/*
	 * Not to a lost bus; and a pwrite() that lands past the end of a
	 * file cut since this batch's ring write (which would have lost the
	 * bus) makes it 8 bytes long, neither empty (which the next node to
	 * attach makes afresh) nor a bus: seen on CI, a bus file cut to 0
	 * while its nodes sent, left at 8 bytes, and no node could attach to
	 * it again.  That file goes back to empty.
	 */
	if (wake_by_pwrite(b) && !LOAD(&b->lost->lost)) {
		struct stat sb;

		if (pwrite(b->fd, &v, sizeof(v), SHMIF_OFF_VERSION) < 0)
			return;     /* only a wake-up hint for NetBSD peers */
		if (fstat(b->fd, &sb) == 0 &&
		    sb.st_size == SHMIF_OFF_VERSION + (off_t)sizeof(v))
			(void)ftruncate(b->fd, 0);
	}
}

int
shmif_sendv(struct shmif_bus *b, const struct shmif_txframe *f, unsigned n)
{
	struct timespec ts;
	uint32_t last0;
	unsigned i;

	if (b->flags & SHMIF_RDONLY)
		return -EROFS;
	for (i = 0; i < n; i++) {
		if (f[i].len > b->max_frame)
			return -EMSGSIZE;
		if (f[i].len == 0 || f[i].data == NULL)
			return -EINVAL;
	}
	if (n == 0)
		return 0;
	if (LOAD(&b->lost->lost))
		return -ENXIO;
	clock_gettime(CLOCK_REALTIME, &ts);
	bus_lock(b);
	last0 = LOAD(hdr32(b, SHMIF_OFF_LAST));
	for (i = 0; i < n; i++) {
		if (put_record(b, f[i].data, f[i].len, (uint32_t)ts.tv_sec,
		    (uint32_t)(ts.tv_nsec / 1000)) == 0)
			continue;
		/* Corrupt ring: start it afresh and retry once. */
		__atomic_add_fetch(&b->st.ring_resets, 1, __ATOMIC_RELAXED);
		STORE(hdr64(b, SHMIF_OFF_GEN), LOAD(hdr64(b, SHMIF_OFF_GEN)) + 1);
		ring_init(b);
		if (put_record(b, f[i].data, f[i].len, (uint32_t)ts.tv_sec,
		    (uint32_t)(ts.tv_nsec / 1000)) < 0)
			break;
	}
	wm_publish(b, last0);
	bus_unlock(b);
	if (LOAD(&b->lost->lost))
		return -ENXIO;
	wake_readers(b);
	for (unsigned j = 0; j < i; j++) {
		b->st.tx_frames++;
		b->st.tx_bytes += f[j].len;
	}
	return i > 0 ? (int)i : -EIO;
}

int
shmif_send(struct shmif_bus *b, const void *frame, uint32_t len)
{
	struct shmif_txframe f = { frame, len };
	int r = shmif_sendv(b, &f, 1);

	return r < 0 ? r : 0;
}

/* ---- reading ---- */

static void
resync(struct shmif_bus *b, const struct snap *s)
{
	if (s->first == b->rsize) {        /* never wrapped */
		b->rpos = 0;
		b->rgen = s->gen;
	} else {
		b->rpos = s->first;
		b->rgen = s->first > s->last && s->gen > 0 ? s->gen - 1 : s->gen;
	}
}

/* Bytes of live data from the reader's position to the end of `last`. */
static uint64_t
bytes_ahead(const struct shmif_bus *b, const struct snap *s)
{
	if (b->rgen == s->gen)
		return s->end >= b->rpos ? s->end - b->rpos : 0;
	return (uint64_t)(b->rsize - b->rpos) + s->end;
}

static void
count_loss(struct shmif_bus *b, uint32_t seq)
{
	uint32_t gap = seq - b->rseq_next;

	if (!b->lapped) {
		/* Sequence numbers are only as good as the writers: NetBSD
		 * leaves garbage in the padding.  Trust them after a run. */
		if (gap == 0) {
			if (b->rseq_trust < 64)
				b->rseq_trust++;
		} else
			b->rseq_trust = 0;
		return;
	}
	b->lapped = 0;
	if (b->rseq_valid && b->rseq_trust >= 8 && gap > 0 && gap < (1u << 31))
		b->st.rx_lost += gap;
	else
		b->st.rx_lost += 1;         /* at least one, exact count unknown */
}

/* A batch of RXBUF_FRAMES frames, at most RXBUF_SIZE (never less than
 * one frame): an attachment that takes small frames (a fuzzer's, a
 * test's) does not pay for a 128 KiB buffer it cannot fill. */
static uint32_t
rxbuf_size(uint32_t max_frame)
{
	uint32_t mf = max_frame ? max_frame : SHMIF_FRAME_MAX;

	if (mf >= RXBUF_SIZE / RXBUF_FRAMES)
		return mf > RXBUF_SIZE ? mf : RXBUF_SIZE;
	return mf * RXBUF_FRAMES;
}

/*
 * Copy records from the reader's position into rxbuf and describe them in
 * rx[].  Called with the lock held (or lock-free for read-only observers,
 * who validate afterwards).  Returns the number of frames.
 */
static int
collect(struct shmif_bus *b, const struct snap *s, struct shmif_rxframe *rx,
    unsigned n)
{
	uint8_t raw[SHMIF_PKTHDR_SIZE];
	unsigned guard = b->rsize / SHMIF_PKTHDR_SIZE + 2, cnt = 0;
	uint32_t used = 0, pos, fstart;
	struct rec r;
	int wrap;

	b->more = 0;
	while (!(b->rgen == s->gen && b->rpos == s->end)) {
		if (cnt == n || --guard == 0) {
			b->more = 1;
			break;
		}
		wrap = 0;
		pos = ring_read(b, b->rpos, raw, sizeof(raw), &wrap);
		fstart = pos;
		rec_decode(raw, &r);
		if (r.len > b->maxrec ||
		    (uint64_t)r.len + SHMIF_PKTHDR_SIZE > bytes_ahead(b, s)) {
			/* Cannot find the next record: skip to the end. */
			b->st.rx_malformed++;
			b->rpos = s->end;
			b->rgen = s->gen;
			break;
		}
		if (r.len > 0 && r.len <= b->max_frame &&
		    used + r.len > b->rxsize) {
			b->more = 1;
			break;
		}
		if (r.len > b->max_frame) {
			/* Structurally sound but longer than we accept. */
			b->st.rx_malformed++;
			if ((uint64_t)pos + r.len >= b->rsize)
				wrap = 1;
			pos = ring_advance(b, pos, r.len);
		} else if (r.len > 0)
			pos = ring_read(b, pos, b->rxbuf + used, r.len, &wrap);
		b->rpos = pos;
		if (wrap)
			b->rgen++;
		if (r.len == 0 || r.len > b->max_frame)
			continue;
		count_loss(b, r.seq);
		b->rseq_next = r.seq + 1;
		b->rseq_valid = 1;
		if (r.sender == b->sender && !(b->flags & SHMIF_SEEALL)) {
			b->st.rx_own++;
			continue;
		}
		rx[cnt].data = b->rxbuf + used;
		rx[cnt].off = fstart;
		rx[cnt].len = r.len;
		rx[cnt].sec = r.sec;
		rx[cnt].usec = r.usec;
		rx[cnt].sender = r.sender;
		used += r.len;
		cnt++;
	}
	return (int)cnt;
}

/* The bus file was lost under the mapping (the guard put zeros in its
 * place): nothing more arrives, and shmif_wait() sleeps till kicked. */
static int
bus_gone(struct shmif_bus *b)
{
	b->more = 0;
	b->active = 0;
	b->seen_last = LOAD(hdr32(b, SHMIF_OFF_LAST));
	b->seen_gen = LOAD(hdr64(b, SHMIF_OFF_GEN));
	return -ENXIO;
}

int
shmif_lost(const struct shmif_bus *b, char *why, size_t len)
{
	struct statvfs vfs;
	struct stat sb;

	if (!LOAD(&b->lost->lost))
		return 0;
	if (fstat(b->fd, &sb) == 0 && (uint64_t)sb.st_size < b->size)
		seterr(why, len, "%s: the bus file was cut to %lld bytes under "
		    "its %u-byte mapping (truncated): this attachment no longer "
		    "sends or receives", b->path, (long long)sb.st_size,
		    b->size);
	else if (fstatvfs(b->fd, &vfs) == 0 && vfs.f_bavail == 0)
		seterr(why, len, "%s: its file system is full and had no page "
		    "for the bus file: this attachment no longer sends or "
		    "receives", b->path);
	else
		seterr(why, len, "%s: a page of the bus file could not be had "
		    "(SIGBUS): this attachment no longer sends or receives",
		    b->path);
	return -ENXIO;
}

int
shmif_recv(struct shmif_bus *b, struct shmif_rxframe *rx, unsigned n)
{
	struct snap s, after;
	uint32_t pos0;
	uint64_t gen0;
	int locked = !(b->flags & SHMIF_RDONLY), cnt = 0, tries = 0;

	if (LOAD(&b->lost->lost))
		return bus_gone(b);
	if (locked)
		bus_lock(b);
retry:
	if (snap_take(b, &s) < 0) {
		b->st.rx_malformed++;
		goto out;
	}
	if (!pos_valid(&s, b->rpos, b->rgen)) {
		b->st.rx_laps++;
		b->lapped = 1;
		resync(b, &s);
	}
	pos0 = b->rpos;
	gen0 = b->rgen;
	cnt = collect(b, &s, rx, n);
	if (!locked) {
		/* Observer without the lock: what we copied is good only if a
		 * writer did not overwrite it meanwhile (first moved past it). */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (snap_take(b, &after) < 0 || !pos_valid(&after, pos0, gen0)) {
			b->st.rx_laps++;
			b->lapped = 1;
			cnt = 0;
			if (snap_take(b, &after) == 0) {
				resync(b, &after);
				if (++tries < 8)
					goto retry;
			}
		}
	}
	b->seen_last = s.last;
	b->seen_gen = s.gen;
out:
	if (locked)
		bus_unlock(b);
	for (int i = 0; i < cnt; i++) {
		b->st.rx_frames++;
		b->st.rx_bytes += rx[i].len;
	}
	if (LOAD(&b->lost->lost))
		return bus_gone(b);     /* what it read may be zeros */
	/* Traffic makes the next shmif_wait() spin; a quiet spin clears it. */
	if (cnt > 0)
		b->active = 1;
	return cnt;
}

static int
has_news(const struct shmif_bus *b)
{
	return b->more || b->kicked ||
	    LOAD(hdr32(b, SHMIF_OFF_LAST)) != b->seen_last ||
	    LOAD(hdr64(b, SHMIF_OFF_GEN)) != b->seen_gen;
}

int
shmif_wait(struct shmif_bus *b, int timeout_ms)
{
	struct timespec ts, *tsp = NULL;
	uint64_t deadline;
	uint32_t v;
	int r = 1, bit;

	b->in_wait = 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (has_news(b))
		goto done;
	/* A reader that just saw traffic spins a little: a sleeping process
	 * takes tens of microseconds to wake, a spinning one well under one.
	 * It yields between polls: the thread it just woke (the next hop, the
	 * peer that answers) may be queued on this very CPU, and a spinner
	 * that does not yield makes it wait out the spin.  Measured on the
	 * 2-vCPU machines (whose scheduler packs tasks onto one vCPU): two
	 * crossings of a bus with 1 ms between frames took 41 us at a 10 us
	 * spin and 122 us at 50 us without the yield, 21 us at either with it;
	 * a cold wake-up went from 32 to 13-18 us. */
	if (b->active && b->spin_ns > 0 && timeout_ms != 0) {
		deadline = now_ns() + b->spin_ns;
		do {
			for (int i = 0; i < 64; i++) {
				if (has_news(b))
					goto done;
				cpu_relax();
			}
			sched_yield();
		} while (now_ns() < deadline);
	}
	b->active = 0;
	if (timeout_ms == 0) {
		r = 0;
		goto done;
	}
	/* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline. */
	if (timeout_ms > 0) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += timeout_ms / 1000;
		ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		tsp = &ts;
	}
	bit = wm_bit(b);
	v = LOAD(hdr32(b, SHMIF_OFF_LAST));
	if (v != b->seen_last || has_news(b))
		goto done;
	if (syscall(SYS_futex, hdr32(b, SHMIF_OFF_LAST), FUTEX_WAIT_BITSET, v,
	    tsp, NULL, bit >= 0 ? 1u << bit : FUTEX_BITSET_MATCH_ANY) < 0 &&
	    errno == ETIMEDOUT && !has_news(b))
		r = 0;
	else
		b->st.wakeups++;
done:
	if (b->kicked) {
		b->kicked = 0;
		r = -EINTR;
	}
	__atomic_store_n(&b->in_wait, 0, __ATOMIC_RELEASE);
	return r;
}

int
shmif_wait_prepare(struct shmif_bus *b, uint32_t **word, uint32_t *val)
{
	if (has_news(b))
		return 1;
	*word = hdr32(b, SHMIF_OFF_LAST);
	*val = LOAD(*word);
	return *val != b->seen_last || has_news(b);
}

void
shmif_note_wakeup(struct shmif_bus *b)
{
	b->st.wakeups++;
}

void
shmif_kick(struct shmif_bus *b)
{
	struct timespec ts = { 0, 100 * 1000 };

	b->kicked = 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* The waiter may be between its last check and the futex call: wake
	 * until it has left shmif_wait() (bounded: 100 ms). */
	for (int i = 0; i < 1000; i++) {
		futex(hdr32(b, SHMIF_OFF_LAST), FUTEX_WAKE, INT_MAX, NULL);
		if (!__atomic_load_n(&b->in_wait, __ATOMIC_ACQUIRE))
			break;
		nanosleep(&ts, NULL);
	}
}

void
shmif_rewind(struct shmif_bus *b)
{
	struct snap s;

	struct rec r;

	if (snap_take(b, &s) < 0)
		return;
	resync(b, &s);
	b->rseq_valid = rec_at(b, b->rpos, &r) == 0;
	b->rseq_trust = 8;      /* optimistic until a gap shows otherwise */
	b->rseq_next = r.seq;
	b->lapped = 0;
	b->more = 1;
}

/* ---- attach/detach ---- */

static int
open_bus_file(const char *path, const struct shmif_opts *o, struct stat *sb,
    char *err, size_t errlen)
{
	int rdonly = o->flags & SHMIF_RDONLY, fd;
	uint32_t want = o->bus_size ? o->bus_size : SHMIF_BUS_SIZE;

	fd = open(path, (rdonly ? O_RDONLY : O_RDWR) | O_CLOEXEC |
	    (o->flags & SHMIF_CREATE && !rdonly ? O_CREAT : 0), 0644);
	if (fd < 0) {
		int e = errno;
		seterr(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	if (fstat(fd, sb) < 0 || !S_ISREG(sb->st_mode)) {
		seterr(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	if (sb->st_size == 0 && !rdonly && (o->flags & SHMIF_CREATE)) {
		if (ftruncate(fd, want) < 0 || fstat(fd, sb) < 0) {
			int e = errno;
			seterr(err, errlen, "%s: cannot size bus: %s", path,
			    strerror(e));
			close(fd);
			return -e;
		}
	}
	return fd;
}

static int
check_size(const struct stat *sb, uint32_t max_frame, char *err, size_t errlen,
    const char *path)
{
	uint64_t min = SHMIF_HDR_SIZE + 4ull * (SHMIF_PKTHDR_SIZE + max_frame);

	if (sb->st_size == 0) {
		seterr(err, errlen, "%s: not a shmif bus: empty file", path);
		return -EINVAL;
	}
	if ((uint64_t)sb->st_size < SHMIF_HDR_SIZE) {
		seterr(err, errlen, "%s: not a shmif bus: truncated (%lld bytes)",
		    path, (long long)sb->st_size);
		return -EINVAL;
	}
	if ((uint64_t)sb->st_size < min ||
	    (uint64_t)sb->st_size > SHMIF_HDR_SIZE + (uint64_t)SHMIF_RING_MAX) {
		seterr(err, errlen, "%s: bus file of %lld bytes: need %llu to "
		    "%u bytes for %u-byte frames", path,
		    (long long)sb->st_size, (unsigned long long)min,
		    SHMIF_HDR_SIZE + SHMIF_RING_MAX, max_frame);
		return -EINVAL;
	}
	return 0;
}

static int
check_header(struct shmif_bus *b, char *err, size_t errlen)
{
	uint32_t magic = LOAD(hdr32(b, SHMIF_OFF_MAGIC));
	uint32_t version = LOAD(hdr32(b, SHMIF_OFF_VERSION));

	if (magic == 0 && (b->flags & SHMIF_CREATE) &&
	    !(b->flags & SHMIF_RDONLY)) {
		int made = 0;

		bus_lock(b);
		if (LOAD(hdr32(b, SHMIF_OFF_MAGIC)) == 0) {
			ring_init(b);
			made = 1;
		}
		bus_unlock(b);
		return made;
	}
	if (magic == 0) {
		seterr(err, errlen, "%s: not a shmif bus: no magic (an empty "
		    "bus is initialised only when created)", b->path);
		return -EPROTO;
	}
	if (magic != SHMIF_MAGIC) {
		seterr(err, errlen, "%s: not a shmif bus: bad magic 0x%08x "
		    "(expected 0x%08x)", b->path, magic, SHMIF_MAGIC);
		return -EPROTO;
	}
	if (version != SHMIF_VERSION) {
		seterr(err, errlen, "%s: shmif bus version %u, rumplab speaks "
		    "version %u", b->path, version, SHMIF_VERSION);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

/* The reader's position: the oldest record with SHMIF_REWIND, else the
 * end of the newest. */
static void
reader_start(struct shmif_bus *b)
{
	struct snap s;
	struct rec lr;

	shmif_rewind(b);
	b->more = 0;
	if (b->flags & SHMIF_REWIND) {
		b->more = 1;
		return;
	}
	if (snap_take(b, &s) == 0) {
		b->rpos = s.end;
		b->rgen = s.gen;
		b->seen_last = s.last;
		b->seen_gen = s.gen;
		/* so that a lap before our first read is counted too */
		b->rseq_valid = rec_at(b, s.last, &lr) == 0;
		b->rseq_trust = 8;
		b->rseq_next = lr.seq + 1;
	}
}

static struct shmif_bus *
bus_new(const struct shmif_opts *o, char *err, size_t errlen)
{
	struct shmif_bus *b;

	if ((b = calloc(1, sizeof(*b))) == NULL ||
	    (b->rxbuf = malloc(b->rxsize = rxbuf_size(o->max_frame))) == NULL) {
		free(b);
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	b->flags = o->flags;
	b->max_frame = o->max_frame ? o->max_frame : SHMIF_FRAME_MAX;
	b->spin_ns = o->spin_us ? (uint64_t)o->spin_us * 1000 : DEFAULT_SPIN_NS;
	b->pid = (uint32_t)getpid();
	return b;
}

int
shmif_attach_twin(struct shmif_bus *of, const struct shmif_opts *opts,
    struct shmif_bus **busp, char *err, size_t errlen)
{
	static const struct shmif_opts defaults;
	struct shmif_opts o = opts ? *opts : defaults;
	struct shmif_bus *b;

	*busp = NULL;
	o.flags = (o.flags & (SHMIF_REWIND | SHMIF_SEEALL)) |
	    (of->flags & SHMIF_RDONLY);
	o.max_frame = of->max_frame;
	if ((b = bus_new(&o, err, errlen)) == NULL)
		return -ENOMEM;
	if (LOAD(&of->lost->lost)) {
		int r = shmif_lost(of, err, errlen);

		free(b->rxbuf);
		free(b);
		return r;
	}
	b->owner = of->owner != NULL ? of->owner : of;	/* a twin's twin */
	snprintf(b->path, sizeof(b->path), "%s", of->path);
	b->sender = of->sender;
	b->fd = of->fd;
	b->mem = of->mem;
	b->ring = of->ring;
	b->size = of->size;
	b->rsize = of->rsize;
	b->maxrec = of->maxrec;
	b->lost = of->lost;
	b->wm = of->wm;
	b->wbit = of->wbit;
	reader_start(b);
	*busp = b;
	return 0;
}

int
shmif_attach(const char *path, const struct shmif_opts *opts,
    struct shmif_bus **busp, char *err, size_t errlen)
{
	static const struct shmif_opts defaults;
	const struct shmif_opts *o = opts ? opts : &defaults;
	struct shmif_bus *b;
	struct stat sb;
	int r, prot;

	*busp = NULL;
	if (o->max_frame > SHMIF_JUMBO_MAX) {
		seterr(err, errlen, "max frame %u exceeds %u", o->max_frame,
		    SHMIF_JUMBO_MAX);
		return -EINVAL;
	}
	if ((b = bus_new(o, err, errlen)) == NULL)
		return -ENOMEM;
	snprintf(b->path, sizeof(b->path), "%s", path);
	b->sender = o->sender;
	while (b->sender == 0)
		if (getrandom(&b->sender, sizeof(b->sender), 0) < 0)
			b->sender = now_ns() ^ ((uint64_t)b->pid << 32);
	if ((r = open_bus_file(path, o, &sb, err, errlen)) < 0)
		goto fail;
	b->fd = r;
	if ((b->flags & SHMIF_RDONLY) && sb.st_size > SHMIF_HDR_SIZE) {
		/* An observer takes whatever frames the ring can hold. */
		uint64_t fit = ((uint64_t)sb.st_size - SHMIF_HDR_SIZE) / 4;
		if (fit > SHMIF_PKTHDR_SIZE &&
		    b->max_frame > fit - SHMIF_PKTHDR_SIZE)
			b->max_frame = (uint32_t)(fit - SHMIF_PKTHDR_SIZE);
	}
	if ((r = check_size(&sb, b->max_frame, err, errlen, path)) < 0)
		goto fail_fd;
	b->size = (uint32_t)sb.st_size;
	b->rsize = b->size - SHMIF_HDR_SIZE;
	b->maxrec = b->rsize / 4 < SHMIF_JUMBO_MAX ? b->rsize / 4 :
	    SHMIF_JUMBO_MAX;
	prot = PROT_READ | (b->flags & SHMIF_RDONLY ? 0 : PROT_WRITE);
	/* Not populated: a page of the ring exists once a frame reaches
	 * it.  MAP_POPULATE gave every bus of a lab its whole 1 MiB at the
	 * first attach (1 GiB of tmpfs for 1000 nodes, 10 GiB for 10,000)
	 * and cost every attach its 256 page-table entries. */
	b->mem = mmap(NULL, b->size, prot, MAP_SHARED, b->fd, 0);
	if (b->mem == MAP_FAILED) {
		r = -errno;
		seterr(err, errlen, "%s: mmap: %s", path, strerror(-r));
		goto fail_fd;
	}
	b->ring = b->mem + SHMIF_HDR_SIZE;
	b->lost = &b->guard;
	if ((r = guard_add(&b->guard, b->mem, b->size)) < 0) {
		seterr(err, errlen, "%s: cannot guard the mapping: %s", path,
		    strerror(-r));
		goto fail_map;
	}
	if ((r = check_header(b, err, errlen)) < 0)
		goto fail_guard;
	if (LOAD(&b->lost->lost)) {     /* cut, or no room, already */
		r = shmif_lost(b, err, errlen);
		goto fail_guard;
	}
	if (r == 1 && (b->flags & SHMIF_WAKEMAP))
		(void)shmif_wakemap_create(path);   /* the bus works without */
	reader_start(b);
	wm_attach(b, path);
	if (!(b->flags & (SHMIF_RDONLY | SHMIF_NOWATCH)))
		watch_join(path);
	*busp = b;
	return 0;
fail_guard:
	guard_del(&b->guard);
fail_map:
	munmap(b->mem, b->size);
fail_fd:
	close(b->fd);
fail:
	free(b->rxbuf);
	free(b);
	return r;
}

void
shmif_detach(struct shmif_bus *b)
{
	if (b == NULL)
		return;
	if (b->owner != NULL) {		/* its mappings are the owner's */
		free(b->rxbuf);
		free(b);
		return;
	}
	wm_release(b);
	guard_del(&b->guard);
	/* At exit the mappings go with the process, all at once, where a
	 * munmap() of each, with the stack's thread still about, cost a
	 * TLB shootdown on every other CPU (15% of a 4000-node lab's down,
	 * perf).  Nobody touches them after the detach. */
	if (!LOAD(&exiting)) {
		munmap(b->mem, b->size);
		close(b->fd);
	}
	free(b->rxbuf);
	free(b);
}

void
shmif_get_stats(const struct shmif_bus *b, struct shmif_stats *st)
{
	*st = b->st;
}

void
shmif_get_header(const struct shmif_bus *b, struct shmif_header *h)
{
	h->magic = LOAD(hdr32(b, SHMIF_OFF_MAGIC));
	h->version = LOAD(hdr32(b, SHMIF_OFF_VERSION));
	h->gen = LOAD(hdr64(b, SHMIF_OFF_GEN));
	h->first = LOAD(hdr32(b, SHMIF_OFF_FIRST));
	h->last = LOAD(hdr32(b, SHMIF_OFF_LAST));
	h->lock = LOAD(hdr32(b, SHMIF_OFF_LOCK));
	h->spare = LOAD(hdr32(b, SHMIF_OFF_SPARE));
	h->ring_size = b->rsize;
}

uint64_t
shmif_sender(const struct shmif_bus *b)
{
	return b->sender;
}

const char *
shmif_path(const struct shmif_bus *b)
{
	return b->path;
}

uint32_t
shmif_max_frame(const struct shmif_bus *b)
{
	return b->max_frame;
}

int
shmif_fd(const struct shmif_bus *b)
{
	return b->fd;
}
