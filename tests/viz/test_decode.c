/*
 * test_decode.c — the console's frame decoder (viz/decode.h) on known
 * frames.  Proves that each protocol's line says what the bytes say,
 * that every truncation of every frame still gives a line and reads
 * nothing past the frame (ASan), and that a line cut to any buffer size
 * stays NUL-terminated.
 *
 *	test_decode			TAP checks of built-in frames
 *	test_decode -w OUT.pcap		also write those frames to a pcap
 *	test_decode -r IN.pcap		print one line per frame of a pcap
 *
 * tests/run/81-console.t compares the -r lines with what tcpdump -n -S
 * -t prints for the same frames (NetBSD's fixture buses and -w's pcap).
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lib/tap.h"
#include "viz/decode.h"

static uint8_t frame[1600];
static size_t flen;

static const uint8_t mac_a[6] = { 0xb2, 0xa0, 0, 0, 0, 1 };
static const uint8_t mac_b[6] = { 0xb2, 0xa0, 0, 0, 0, 2 };

static void
eth(const uint8_t *dst, const uint8_t *src, unsigned type)
{
	memset(frame, 0, sizeof(frame));
	memcpy(frame, dst, 6);
	memcpy(frame + 6, src, 6);
	frame[12] = (uint8_t)(type >> 8);
	frame[13] = (uint8_t)type;
	flen = 14;
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* IPv4 header for proto with plen bytes of payload; returns payload. */
static uint8_t *
ip4(unsigned proto, size_t plen)
{
	uint8_t *p = frame + flen;

	p[0] = 0x45;
	put16(p + 2, (unsigned)(20 + plen));
	p[8] = 64;
	p[9] = (uint8_t)proto;
	memcpy(p + 12, "\x0a\x00\x01\x0a", 4);
	memcpy(p + 16, "\x0a\x00\x02\x0a", 4);
	flen += 20 + plen;
	return p + 20;
}

static uint8_t *
ip6(unsigned nh, size_t plen, const char *src, const char *dst)
{
	uint8_t *p = frame + flen;

	p[0] = 0x60;
	put16(p + 4, (unsigned)plen);
	p[6] = (uint8_t)nh;
	p[7] = 64;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	flen += 40 + plen;
	return p + 40;
}

#define FD1 "\xfd\x00\0\0\0\0\0\0\0\0\0\0\0\0\0\x01"
#define FD2 "\xfd\x00\0\0\0\0\0\0\0\0\0\0\0\0\0\x02"
#define LL1 "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x01"
#define MLD "\xff\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\x16"
#define SNM "\xff\x02\0\0\0\0\0\0\0\0\0\x01\xff\0\0\x02"

/* Builds known frame i into frame/flen; returns its expected line. */
static const char *
build(int i)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t *p;

	switch (i) {
	case 0:
		eth(bcast, mac_a, 0x0806);
		p = frame + 14;
		put16(p, 1); put16(p + 2, 0x0800); p[4] = 6; p[5] = 4;
		put16(p + 6, 1);
		memcpy(p + 8, mac_a, 6);
		memcpy(p + 14, "\x0a\x00\x01\x0a", 4);
		memcpy(p + 24, "\x0a\x00\x01\x01", 4);
		flen = 42;
		return "ARP, Request who-has 10.0.1.1 tell 10.0.1.10, length 28";
	case 1:
		eth(mac_a, mac_b, 0x0806);
		p = frame + 14;
		put16(p, 1); put16(p + 2, 0x0800); p[4] = 6; p[5] = 4;
		put16(p + 6, 2);
		memcpy(p + 8, mac_b, 6);
		memcpy(p + 14, "\x0a\x00\x01\x01", 4);
		memcpy(p + 18, mac_a, 6);
		memcpy(p + 24, "\x0a\x00\x01\x0a", 4);
		flen = 60;	/* padded to the Ethernet minimum */
		return "ARP, Reply 10.0.1.1 is-at b2:a0:00:00:00:02, length 46";
	case 2:
		eth(mac_b, mac_a, 0x0800);
		p = ip4(1, 64);
		p[0] = 8; put16(p + 4, 4242); put16(p + 6, 3);
		return "IP 10.0.1.10 > 10.0.2.10: ICMP echo request, id 4242, "
		    "seq 3, length 64";
	case 3:
		eth(mac_b, mac_a, 0x0800);
		p = ip4(6, 20);
		put16(p, 40000); put16(p + 2, 80); put32(p + 4, 1000);
		p[12] = 0x50; p[13] = 0x02; put16(p + 14, 65535);
		return "IP 10.0.1.10.40000 > 10.0.2.10.80: Flags [S], seq 1000, "
		    "win 65535, length 0";
	case 4:
		eth(mac_b, mac_a, 0x0800);
		p = ip4(6, 30);
		put16(p, 45000); put16(p + 2, 40000); put32(p + 4, 5000);
		put32(p + 8, 1001);
		p[12] = 0x50; p[13] = 0x18; put16(p + 14, 512);
		return "IP 10.0.1.10.45000 > 10.0.2.10.40000: Flags [P.], seq "
		    "5000:5010, ack 1001, win 512, length 10";
	case 5:
		eth(mac_b, mac_a, 0x0800);
		p = ip4(6, 20);
		put16(p, 80); put16(p + 2, 40000); put32(p + 4, 7);
		put32(p + 8, 9);
		p[12] = 0x50; p[13] = 0x11; put16(p + 14, 100);
		return "IP 10.0.1.10.80 > 10.0.2.10.40000: Flags [F.], seq 7, "
		    "ack 9, win 100, length 0";
	case 6:
		eth(mac_b, mac_a, 0x0800);
		p = ip4(17, 20);
		put16(p, 40000); put16(p + 2, 40001); put16(p + 4, 20);
		return "IP 10.0.1.10.40000 > 10.0.2.10.40001: UDP, length 12";
	case 7:
		eth(mac_b, mac_a, 0x86dd);
		p = ip6(58, 16, FD1, FD2);
		p[0] = 128; put16(p + 4, 1); put16(p + 6, 2);
		return "IP6 fd00::1 > fd00::2: ICMP6, echo request, id 1, seq 2, "
		    "length 16";
	case 8:
		eth(mac_b, mac_a, 0x86dd);
		p = ip6(58, 24, LL1, SNM);
		p[0] = 135;
		memcpy(p + 8, FD2, 16);
		return "IP6 fe80::1 > ff02::1:ff00:2: ICMP6, neighbor "
		    "solicitation, who has fd00::2, length 24";
	case 9:
		eth(mac_b, mac_a, 0x86dd);
		p = ip6(6, 20, FD1, FD2);
		put16(p, 22); put16(p + 2, 50000); put32(p + 4, 1);
		put32(p + 8, 2);
		p[12] = 0x50; p[13] = 0x12; put16(p + 14, 1000);
		return "IP6 fd00::1.22 > fd00::2.50000: Flags [S.], seq 1, ack 2, "
		    "win 1000, length 0";
	case 10:
		eth(mac_b, mac_a, 0x86dd);
		p = ip6(17, 9, FD1, FD2);
		put16(p, 40000); put16(p + 2, 40001); put16(p + 4, 9);
		return "IP6 fd00::1.40000 > fd00::2.40001: UDP, length 1";
	case 11:
		eth(mac_b, mac_a, 0x0800);
		p = ip4(1, 36);
		p[0] = 11;
		return "IP 10.0.1.10 > 10.0.2.10: ICMP time exceeded in-transit, "
		    "length 36";
	case 12:	/* MLDv2 report behind a hop-by-hop router alert */
		eth(mac_b, mac_a, 0x86dd);
		p = ip6(0, 36, LL1, MLD);
		memcpy(p, "\x3a\x00\x05\x02\x00\x00\x01\x00", 8);
		p[8] = 143;
		put16(p + 8 + 6, 1);
		p[16] = 4;
		memcpy(p + 20, SNM, 16);
		return "IP6 fe80::1 > ff02::16: HBH ICMP6, multicast listener "
		    "report v2, 1 group record(s), length 28";
	}
	return NULL;
}

static void
print_pcap(const char *path)
{
	char err[PCAP_ERRBUF_SIZE], line[512];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *pc;

	if ((pc = pcap_open_offline(path, err)) == NULL) {
		fprintf(stderr, "test_decode: %s\n", err);
		exit(1);
	}
	while (pcap_next_ex(pc, &h, &d) == 1) {
		decode_frame(d, h->caplen, 0, line, sizeof(line));
		printf("%s\n", line);
	}
	pcap_close(pc);
}

int
main(int argc, char **argv)
{
	char line[512], small[40];
	const char *want;
	pcap_dumper_t *dump = NULL;
	struct pcap_pkthdr ph;
	pcap_t *dead = NULL;
	size_t n, k;
	int i, bad;

	if (argc == 3 && strcmp(argv[1], "-r") == 0) {
		print_pcap(argv[2]);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "-w") == 0) {
		dead = pcap_open_dead(DLT_EN10MB, 65535);
		if ((dump = pcap_dump_open(dead, argv[2])) == NULL) {
			fprintf(stderr, "test_decode: %s\n", pcap_geterr(dead));
			return 1;
		}
	}
	for (i = 0; (want = build(i)) != NULL; i++) {
		decode_frame(frame, flen, 0, line, sizeof(line));
		ok(strcmp(line, want) == 0, "frame %d: %s", i, want);
		if (strcmp(line, want) != 0)
			diag("got: %s", line);
		if (dump != NULL) {
			memset(&ph, 0, sizeof(ph));
			ph.caplen = ph.len = (bpf_u_int32)flen;
			pcap_dump((u_char *)dump, &ph, frame);
		}
		/* Every truncation decodes to some line within the frame. */
		bad = 0;
		for (n = 0; n < flen; n++) {
			uint8_t cut[1600];

			memcpy(cut, frame, n);
			decode_frame(cut, n, DECODE_LINK, line, sizeof(line));
			bad += line[0] == '\0' || strlen(line) >= sizeof(line);
		}
		ok(bad == 0, "frame %d: all %zu truncations give a line",
		    i, flen);
		/* Any buffer size: NUL-terminated, never overrun. */
		bad = 0;
		for (k = 1; k < sizeof(small); k++) {
			memset(small, 'x', sizeof(small));
			decode_frame(frame, flen, DECODE_LINK, small, k);
			bad += memchr(small, '\0', k) == NULL ||
			    small[k] != 'x';
		}
		ok(bad == 0, "frame %d: cut to 1..%zu bytes safely", i,
		    sizeof(small) - 1);
	}
	eth(mac_a, mac_b, 0x0800);
	decode_frame(frame, flen, DECODE_LINK, line, sizeof(line));
	ok(strncmp(line, "b2:a0:00:00:00:02 > b2:a0:00:00:00:01, IP ",
	    42) == 0, "DECODE_LINK puts source > destination MAC first");
	if (dump != NULL) {
		pcap_dump_close(dump);
		pcap_close(dead);
	}
	printf("1..%d\n", tap_n);
	return tap_done();
}
