/*
 * wakemap.h — private to libshmif: the wake map's layout (FORMAT.txt,
 * "Wake map"), the bus directory watcher (watch.c) that hears writers
 * who wake only through pwrite() (FORMAT.txt, "Writers that only
 * pwrite()"), and the guard of the file mappings against SIGBUS (bus.c).
 * Not installed; nothing outside shmif/ includes it.
 */
#ifndef RUMPLAB_SHMIF_WAKEMAP_H
#define RUMPLAB_SHMIF_WAKEMAP_H

#include <stddef.h>
#include <stdint.h>

#define WM_MAGIC  0x6b77726cu           /* "lrwk" */
#define WM_SLOTS  31                    /* bit 31: readers without a slot */
#define WM_SIZE   4096

struct wm_slot {
	uint64_t sender;                /* 0: free */
	uint32_t pid;                   /* 0: being claimed */
	uint32_t refs;                  /* attachments of this process */
	uint8_t  pad[16];
};

struct wakemap {
	uint32_t magic, version;
	uint32_t published;             /* `last` + 1 of the newest record a
	                                 * rumplab writer woke for; 0: none */
	uint32_t foreign;               /* 1: a writer that only pwrite()s
	                                 * has written here */
	uint8_t  pad[16];
	struct wm_slot slot[WM_SLOTS];
};

struct shmif_guard;

/* Map PATH.wake read-write if it is a wake map of ours (claiming a fresh
 * all-zero one), guarded by g (below); NULL otherwise.  Unmap with
 * guard_del(g) and munmap(m, WM_SIZE). */
struct wakemap *wm_open(const char *buspath, struct shmif_guard *g);

/* Take part in watching the directory of the bus at PATH for writes that
 * wake only by pwrite() (watch.c).  Never fails: without a watcher such a
 * writer is heard with the next rumplab frame, as before. */
void watch_join(const char *buspath);

/*
 * A shared mapping of a file that others may truncate (any process that
 * may write a bus file may) or whose file system may run out of room:
 * touching a page past the file's end, or one tmpfs cannot allocate,
 * raises SIGBUS.  While guarded, such a SIGBUS inside [base, base + len)
 * replaces the whole mapping with zeroed private memory and sets `lost`;
 * the faulting access then completes on the zeros, so the process lives
 * and its attachment can say the bus is lost.  A SIGBUS elsewhere goes
 * to the handler that was there before (the default: the process dies).
 * guard_add installs the handler on first use (0 or -errno); guard_del
 * returns once no handler can still be looking at g.
 */
struct shmif_guard {
	struct shmif_guard *next;
	uint8_t *base;
	size_t len;
	int lost;                       /* atomic */
};

int  guard_add(struct shmif_guard *g, void *base, size_t len);
void guard_del(struct shmif_guard *g);

#endif
