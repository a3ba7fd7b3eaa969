/*
 * perfdata.c — rumpperf's stream pattern (see perfdata.h): word w is
 * splitmix64(w), stored little-endian, so the stream is the same on every
 * host and cheap enough to make and check at several Gbit/s.
 */
#include <string.h>

#include "netcomp/cmd/perfdata.h"

static uint64_t
mix(uint64_t w)
{
	uint64_t z = w * 0x9e3779b97f4a7c15ull + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void
word_bytes(uint64_t w, uint8_t out[8])
{
	uint64_t v = mix(w);
	int i;

	for (i = 0; i < 8; i++)
		out[i] = (uint8_t)(v >> (8 * i));
}

void
perfdata_fill(uint8_t *buf, size_t len, uint64_t off)
{
	uint8_t word[8];
	size_t i = 0, k, n;

	while (i < len) {
		k = (size_t)((off + i) % 8);
		word_bytes((off + i) / 8, word);
		n = 8 - k < len - i ? 8 - k : len - i;
		memcpy(buf + i, word + k, n);
		i += n;
	}
}

long
perfdata_check(const uint8_t *buf, size_t len, uint64_t off, uint8_t *want)
{
	uint8_t word[8];
	size_t i = 0, k, n, j;

	while (i < len) {
		k = (size_t)((off + i) % 8);
		word_bytes((off + i) / 8, word);
		n = 8 - k < len - i ? 8 - k : len - i;
		if (memcmp(buf + i, word + k, n) != 0) {
			for (j = 0; buf[i + j] == word[k + j]; j++)
				continue;
			*want = word[k + j];
			return (long)(i + j);
		}
		i += n;
	}
	return -1;
}
