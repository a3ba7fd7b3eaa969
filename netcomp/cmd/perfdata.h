/*
 * perfdata.h — the deterministic byte stream rumpperf sends and checks:
 * byte k of a stream depends only on k (an 8-byte word per 8 bytes, from
 * a 64-bit mix of the word's index), so a receiver can verify every byte
 * it gets without knowing anything but its offset, and a lost, repeated
 * or shifted segment shows as a mismatch at a known place.
 */
#ifndef RUMPLAB_NETCOMP_CMD_PERFDATA_H
#define RUMPLAB_NETCOMP_CMD_PERFDATA_H

#include <stddef.h>
#include <stdint.h>

/* Bytes [off, off + len) of the stream into buf. */
void perfdata_fill(uint8_t *buf, size_t len, uint64_t off);
/* -1 when buf holds bytes [off, off + len) of the stream, else the index
 * in buf of the first wrong byte, with the expected value in *want. */
long perfdata_check(const uint8_t *buf, size_t len, uint64_t off,
         uint8_t *want);

#endif
