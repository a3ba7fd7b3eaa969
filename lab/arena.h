/*
 * arena.h — region allocation for a loaded lab.
 *
 * Everything a lab owns (the YAML document tree, names, arrays of nodes,
 * interfaces, addresses and routes) comes from one arena and goes away with
 * arena_free(): the lab has a single owner and no per-object frees.
 *
 * Contract: allocations are zeroed and 16-byte aligned; they return NULL
 * when memory runs out (callers turn that into -ENOMEM).  An arena is not
 * thread-safe; it belongs to whoever created it.
 */
#ifndef RUMPLAB_ARENA_H
#define RUMPLAB_ARENA_H

#include <stddef.h>

struct arena;

struct arena	*arena_new(void);
void		 arena_free(struct arena *a);
void		*arena_alloc(struct arena *a, size_t size);
char		*arena_strndup(struct arena *a, const char *s, size_t n);
char		*arena_strdup(struct arena *a, const char *s);
__attribute__((format(printf, 2, 3)))
char		*arena_printf(struct arena *a, const char *fmt, ...);

/*
 * Makes room for element n of an array of `elsize`-byte elements that has
 * *cap slots: returns the array (moved and grown when full, *cap updated)
 * or NULL when out of memory (the old array stays valid).
 */
void		*arena_grow(struct arena *a, void *array, int n, int *cap,
		    size_t elsize);

/* Bytes handed out so far (for the tests' memory budget checks). */
size_t		 arena_used(const struct arena *a);

#endif
