/*
 * fuzz_decode.c — libFuzzer target for the console's frame decoder
 * (viz/decode.h): arbitrary bytes as an Ethernet frame, with and without
 * the MAC prefix, into a roomy buffer and a tiny one.  The decoder must
 * never read past the frame, write past the buffer or leave it
 * unterminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "viz/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[512], tiny[9];
	uint8_t *copy;

	/* A heap copy of exactly size bytes, so ASan sees any over-read. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	decode_frame(copy, size, DECODE_LINK, line, sizeof(line));
	if (memchr(line, '\0', sizeof(line)) == NULL)
		abort();
	decode_frame(copy, size, 0, tiny, sizeof(tiny));
	if (memchr(tiny, '\0', sizeof(tiny)) == NULL)
		abort();
	free(copy);
	return 0;
}
