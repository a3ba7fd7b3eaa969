/*
 * fuzz_uplink.c — libFuzzer target for what an uplink parses
 * (lab/uplink_fmt.c): arbitrary bytes as a frame from a VDE connection
 * (the heartbeat parser: the network's bytes), as a line of a stats file
 * and as a URL.  None may read past its input; a heartbeat is only ever
 * found in a frame of 36 bytes or more; a stats line that parses is
 * written back as one that parses to the same counters.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lab/uplink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
stats_line(const char *s)
{
	struct uplink_stats a, b;
	char line[UPLINK_STATS_LINE];
	int n;

	if (uplink_stats_parse(s, &a) != 0)
		return;
	if ((n = uplink_stats_line(&a, line, sizeof(line))) <= 0 ||
	    line[n - 1] != '\n')
		abort();
	line[n - 1] = '\0';
	if (uplink_stats_parse(line, &b) != 0 || memcmp(&a, &b, sizeof(a)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[512] = "";
	uint64_t seq;
	uint8_t *copy;
	char *s;
	int r;

	/* Heap copies of exactly the input, so ASan sees any over-read. */
	if ((copy = malloc(size ? size : 1)) == NULL ||
	    (s = malloc(size + 1)) == NULL) {
		free(copy);
		return 0;
	}
	memcpy(copy, data, size);
	r = uplink_hb_parse(copy, size, &seq);
	if ((r != 1 && r != 0 && r != -EBADMSG) ||
	    (r == 1 && size < UPLINK_HB_MIN))
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	stats_line(s);
	r = uplink_url_check(s, why, sizeof(why));
	if ((r != 0 && r != -EINVAL) || memchr(why, '\0', sizeof(why)) == NULL)
		abort();
	free(s);
	free(copy);
	return 0;
}
