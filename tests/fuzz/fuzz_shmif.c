/*
 * fuzz_shmif.c — libFuzzer target over arbitrary bus bytes: the input is a
 * bus file (header + ring).  Readers (locked and read-only) walk it and a
 * writer appends to it; none may crash, hang or read out of bounds.  The
 * lock word is cleared first: lock takeover is timed (unit-tested
 * elsewhere) and would only slow the fuzzer down.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shmif/shmif.h"

#define FILESZ 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
walk(const char *path, uint32_t flags)
{
	struct shmif_opts o = { .flags = flags, .max_frame = 256 };
	struct shmif_rxframe rx[32];
	struct shmif_bus *b;
	uint8_t frame[100];
	char err[256];
	int n, rounds = 0;

	if (shmif_attach(path, &o, &b, err, sizeof(err)) < 0)
		return;
	while ((n = shmif_recv(b, rx, 32)) > 0 && ++rounds < 10000)
		for (int i = 0; i < n; i++)
			if (rx[i].len > 256 || rx[i].len == 0)
				__builtin_trap();
	if (!(flags & SHMIF_RDONLY)) {
		memset(frame, 0xab, sizeof(frame));
		for (int i = 0; i < 3; i++)
			shmif_send(b, frame, sizeof(frame));
		while (shmif_recv(b, rx, 32) > 0 && ++rounds < 20000)
			;
	}
	shmif_detach(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	uint8_t buf[FILESZ];

	if (fd < 0) {
		fd = memfd_create("fuzzbus", 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	memset(buf, 0, sizeof(buf));
	memcpy(buf, data, size < FILESZ ? size : FILESZ);
	/* mostly keep magic/version right so the fuzzer reaches the ring */
	if (size > 0 && (data[0] & 1) == 0) {
		uint32_t m = SHMIF_MAGIC, v = SHMIF_VERSION;
		memcpy(buf, &m, 4);
		memcpy(buf + 4, &v, 4);
	}
	memset(buf + SHMIF_OFF_LOCK, 0, 8);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, FILESZ, 0) != FILESZ)
		return 0;
	walk(path, SHMIF_RDONLY | SHMIF_SEEALL | SHMIF_REWIND);
	walk(path, SHMIF_SEEALL | SHMIF_REWIND);
	walk(path, 0);
	return 0;
}
