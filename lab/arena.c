/*
 * arena.c — a chain of blocks carved front to back, the first small (most
 * labs are a page of YAML: a quarter megabyte zeroed for each load was
 * most of the topology fuzzer's time in page faults), each next twice the
 * last up to ARENA_BLOCK.  Requests larger than a quarter of ARENA_BLOCK
 * get a block of their own so that big arrays (routes of a thousand-node
 * lab) do not waste the tail of a shared block.
 * Growing an array copies it; the old copy stays in the arena until
 * arena_free(), which doubles at most the memory of any array.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/arena.h"

#define ARENA_FIRST	(4 * 1024)
#define ARENA_BLOCK	(256 * 1024)
#define ARENA_ALIGN	16

struct block {
	struct block	*next;
	size_t		 size, used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct block	*head;		/* block being carved */
	struct block	*big;		/* blocks of single large requests */
	size_t		 total;
};

struct arena *
arena_new(void)
{
	return calloc(1, sizeof(struct arena));
}

static void
free_chain(struct block *b)
{
	struct block *next;

	for (; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
}

void
arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	free_chain(a->head);
	free_chain(a->big);
	free(a);
}

static struct block *
block_new(size_t size)
{
	struct block *b;

	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	if ((b = calloc(1, sizeof(*b) + size)) == NULL)
		return NULL;
	b->size = size;
	return b;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	struct block *b;
	size_t bs;

	if (size == 0)
		size = 1;
	if (size > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	a->total += size;
	if (size > ARENA_BLOCK / 4) {
		if ((b = block_new(size)) == NULL)
			return NULL;
		b->next = a->big;
		a->big = b;
		return b->data;
	}
	b = a->head;
	if (b == NULL || b->size - b->used < size) {
		bs = b == NULL ? ARENA_FIRST : b->size * 2;
		if (bs > ARENA_BLOCK)
			bs = ARENA_BLOCK;
		while (bs < size)	/* size <= ARENA_BLOCK / 4 */
			bs *= 2;
		if ((b = block_new(bs)) == NULL)
			return NULL;
		b->next = a->head;
		a->head = b;
	}
	b->used += size;
	return b->data + b->used - size;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX || (p = arena_alloc(a, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (p = arena_alloc(a, (size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void *
arena_grow(struct arena *a, void *array, int n, int *cap, size_t elsize)
{
	void *p;
	int ncap;

	if (n < *cap)
		return array;
	if (*cap > INT32_MAX / 2)
		return NULL;
	ncap = *cap < 4 ? 4 : *cap * 2;
	if ((size_t)ncap > SIZE_MAX / elsize)
		return NULL;
	if ((p = arena_alloc(a, (size_t)ncap * elsize)) == NULL)
		return NULL;
	if (array != NULL && n > 0)
		memcpy(p, array, (size_t)n * elsize);
	*cap = ncap;
	return p;
}

size_t
arena_used(const struct arena *a)
{
	return a->total;
}
