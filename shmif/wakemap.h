/*
 * wakemap.h — private to libshmif: the wake map's layout (FORMAT.txt,
 * "Wake map") and the bus directory watcher (watch.c) that hears writers
 * who wake only through pwrite() (FORMAT.txt, "Writers that only
 * pwrite()").  Not installed; nothing outside shmif/ includes it.
 */
#ifndef RUMPLAB_SHMIF_WAKEMAP_H
#define RUMPLAB_SHMIF_WAKEMAP_H

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

/* Map PATH.wake read-write if it is a wake map of ours (claiming a fresh
 * all-zero one); NULL otherwise.  Unmap with munmap(m, WM_SIZE). */
struct wakemap *wm_open(const char *buspath);

/* Take part in watching the directory of the bus at PATH for writes that
 * wake only by pwrite() (watch.c).  Never fails: without a watcher such a
 * writer is heard with the next rumplab frame, as before. */
void watch_join(const char *buspath);

#endif
