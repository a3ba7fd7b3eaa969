/*
 * test_uplink.c — the uplink's formats (lab/uplink_fmt.c) against their
 * text, lab/UPLINK.txt (argv[1]): the heartbeat's bytes at the offsets
 * and with the values the text gives (destination, type, magic,
 * sequence, zeros, length); what the receiver makes of a heartbeat, of
 * one cut short or altered, of a frame for the bus; the text's example
 * stats line, a stats file written and read back (a URL with spaces
 * included, no temp file left), and lines that are not one; the URLs the
 * uplink refuses before libvdeplug sees them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/uplink.h"
#include "tests/lib/tap.h"

/* The heartbeat table's rows in UPLINK.txt: "  off  size  field ...". */
struct row {
	unsigned off, size;
	char field[32], rest[160];
};

static struct row rows[16];
static int nrows;
static char example[512];	/* the stats line of the text's example */

static void
read_text(const char *path)
{
	char line[512];
	bool table = false, ex = false;
	struct row r;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strstr(line, "off  size  field") != NULL)
			table = true;
		else if (table && (r.rest[0] = '\0', sscanf(line,
		    " %u %u %31s %159[^\n]", &r.off, &r.size, r.field,
		    r.rest) >= 3) && nrows < 16)
			rows[nrows++] = r;
		else if (table && line[0] != ' ' && line[0] != '\0')
			table = false;
		if (strncmp(line, "Example:", 8) == 0)
			ex = true;
		else if (ex && strncmp(line, "  uplink ", 9) == 0)
			snprintf(example, sizeof(example), "%s", line + 2);
	}
	fclose(f);
}

static const struct row *
row(const char *field)
{
	int i;

	for (i = 0; i < nrows; i++)
		if (strcmp(rows[i].field, field) == 0)
			return &rows[i];
	return NULL;
}

static void
heartbeat_bytes(void)
{
	const struct row *dst = row("destination"), *type = row("type"),
	    *magic = row("magic"), *seq = row("sequence"), *zero = row("zero");
	uint8_t f[UPLINK_HB_LEN], mac[6];
	unsigned t, total = 0;
	char word[64];
	int i, good;

	ok(dst && type && magic && seq && zero, "UPLINK.txt has the "
	    "heartbeat's table (%d rows)", nrows);
	if (!(dst && type && magic && seq && zero))
		return;
	for (i = 0; i < nrows; i++)
		total += rows[i].size;
	ok(total == UPLINK_HB_LEN, "its rows make %u bytes, UPLINK_HB_LEN "
	    "%d", total, UPLINK_HB_LEN);
	uplink_hb_make(f, 0x1122334455667788ull, 0x0102030405060708ull);
	good = sscanf(dst->rest, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0],
	    &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]) == 6 &&
	    dst->size == 6 && memcmp(f + dst->off, mac, 6) == 0;
	ok(good, "destination at %u: %.17s", dst->off, dst->rest);
	good = sscanf(type->rest, "0x%x", &t) == 1 && type->size == 2 &&
	    f[type->off] == t >> 8 && f[type->off + 1] == (t & 0xff);
	ok(good, "type at %u: 0x%04x, big-endian", type->off, t);
	good = sscanf(magic->rest, "\"%63[^\"]\"", word) == 1 &&
	    strlen(word) == magic->size &&
	    memcmp(f + magic->off, word, magic->size) == 0;
	ok(good, "magic at %u: \"%s\"", magic->off, word);
	good = seq->size == 8;
	for (i = 0; i < 8 && good; i++)
		good = f[seq->off + i] == i + 1;
	ok(good, "sequence at %u, big-endian", seq->off);
	good = 1;
	for (i = 0; i < (int)zero->size && good; i++)
		good = f[zero->off + i] == 0;
	ok(good && zero->off + zero->size == UPLINK_HB_LEN, "zero from %u "
	    "to the end", zero->off);
	ok(f[6] == 0x02 && f[7] == 0x72 && f[8] == 0x6c && f[9] == 0x66 &&
	    f[10] == 0x77 && f[11] == 0x88, "source: 02:72:6c and the "
	    "sender id's low 3 bytes");
}

static void
heartbeat_parse(void)
{
	uint8_t f[UPLINK_HB_LEN + 40], g[UPLINK_HB_LEN];
	uint64_t seq = 0;

	uplink_hb_make(g, 7, 41);
	memset(f, 0xee, sizeof(f));
	memcpy(f, g, sizeof(g));
	ok(uplink_hb_parse(g, sizeof(g), &seq) == 1 && seq == 41,
	    "a heartbeat parses, its sequence 41");
	ok(uplink_hb_parse(f, sizeof(f), &seq) == 1,
	    "bytes past the 36th are ignored");
	ok(uplink_hb_parse(g, UPLINK_HB_MIN, &seq) == 1 &&
	    uplink_hb_parse(g, UPLINK_HB_MIN - 1, &seq) == -EBADMSG,
	    "36 bytes are one; 35 are the uplinks' but none (dropped)");
	ok(uplink_hb_parse(g, 13, NULL) == -EBADMSG && uplink_hb_parse(g, 0,
	    NULL) == -EBADMSG, "a frame under 14 bytes is dropped");
	memcpy(f, g, sizeof(g));
	f[20] ^= 1;
	ok(uplink_hb_parse(f, sizeof(g), NULL) == -EBADMSG,
	    "a wrong magic: the uplinks' frame, no heartbeat (dropped)");
	memcpy(f, g, sizeof(g));
	f[13] ^= 1;
	ok(uplink_hb_parse(f, sizeof(g), NULL) == 0,
	    "another type to the same address: a frame for the bus");
	memcpy(f, g, sizeof(g));
	f[0] = 0xff;
	ok(uplink_hb_parse(f, sizeof(g), NULL) == 0,
	    "the type to another address: a frame for the bus");
}

static void
stats(const char *dir)
{
	struct uplink_stats w[2], r[3];
	char path[512], tmp[520], line[UPLINK_STATS_LINE];
	const char *bad[] = {
		"uplink", "uplink up 1 2 3 4 5", "uplink u up 1 2 3 4",
		"uplink u sleeping 1 2 3 4 5", "uplink u up 1 2 3 4 -5",
		"uplink u up 1 2 3 4 18446744073709551616",
		"uplink u up 1 2 3 4 5 ", "uplink u up 1 2  3 4 5",
		"uplink u\tx up 1 2 3 4 5", "link u up 1 2 3 4 5",
		"uplink u up 1 2 3 4 0x5",
	};
	unsigned i, nbad = 0;
	FILE *f;
	int n;

	ok(example[0] != '\0' && uplink_stats_parse(example, &r[0]) == 0 &&
	    strcmp(r[0].url, "udp://127.0.0.1:47100->127.0.0.1:47101") == 0 &&
	    r[0].state == UPLINK_UP && r[0].out_frames == 12 &&
	    r[0].out_bytes == 1176 && r[0].in_frames == 12 &&
	    r[0].in_bytes == 1176 && r[0].lost == 0,
	    "the text's example line reads as it says: '%s'", example);
	ok(uplink_stats_line(&r[0], line, sizeof(line)) > 0 &&
	    strncmp(line, example, strlen(example)) == 0 &&
	    strcmp(line + strlen(example), "\n") == 0,
	    "and is written back the same");
	memset(w, 0, sizeof(w));
	snprintf(w[0].url, sizeof(w[0].url), "vde:///run/my switch[lan1]");
	w[0].state = UPLINK_LOST;
	w[0].out_frames = UINT64_MAX;
	w[0].lost = 3;
	snprintf(w[1].url, sizeof(w[1].url), "udp://1->127.0.0.1:2");
	w[1].in_bytes = 9;
	snprintf(path, sizeof(path), "%s/stats", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ok(uplink_stats_write(path, w, 2) == 0 && access(tmp, F_OK) != 0,
	    "a stats file is written, no temp file left");
	n = uplink_stats_read(path, r, 3);
	ok(n == 2 && memcmp(&r[0], &w[0], sizeof(w[0])) == 0 &&
	    memcmp(&r[1], &w[1], sizeof(w[1])) == 0, "and read back the "
	    "same (a URL with spaces, 2^64-1, every state word)");
	ok(uplink_stats_read(path, r, 1) == 2, "a short array: the count "
	    "of them all");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (uplink_stats_parse(bad[i], &r[0]) != -EBADMSG) {
			diag("'%s' was taken", bad[i]);
			nbad++;
		}
	ok(nbad == 0, "%zu malformed lines refused", sizeof(bad) /
	    sizeof(bad[0]));
	if ((f = fopen(path, "a")) != NULL) {
		fputs("uplink x up 1 2", f);
		fclose(f);
	}
	ok(uplink_stats_read(path, r, 3) == -EBADMSG, "a file with a line "
	    "cut short: -EBADMSG");
	unlink(path);
	ok(uplink_stats_read(path, r, 3) == -ENOENT, "no file: -ENOENT");
}

static void
urls(void)
{
	const char *good[] = {
		"udp://47100->127.0.0.1:47101",
		"udp://127.0.0.1:47100->127.0.0.1:47101",
		"udp://::1:5->::1:6", "udp://:5->h.example:6",
		"vxvde://239.255.0.1/vni=3", "vde:///run/vde.ctl[lan1]",
	};
	const char *bad[] = {
		"", "udp://garbage", "udp://0->1.2.3.4:5",
		"udp://5->1.2.3.4:65536", "udp://5->:6", "udp://5->host",
		"udp://x->1.2.3.4:5", "udp://5->1.2.3.4:", "vde://a\nb",
	};
	char why[300], lng[LAB_URL_MAX + 1];
	unsigned i, n = 0;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (uplink_url_check(good[i], why, sizeof(why)) != 0) {
			diag("%s: refused: %s", good[i], why);
			n++;
		}
	ok(n == 0, "%zu good URLs taken", sizeof(good) / sizeof(good[0]));
	for (n = 0, i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (uplink_url_check(bad[i], why, sizeof(why)) != -EINVAL ||
		    why[0] == '\0') {
			diag("'%s': taken", bad[i]);
			n++;
		}
	}
	ok(n == 0, "%zu bad URLs refused, saying why", sizeof(bad) /
	    sizeof(bad[0]));
	uplink_url_check("udp://garbage", why, sizeof(why));
	ok(strstr(why, "udp://[ADDR:]PORT->ADDR:PORT") != NULL,
	    "a udp:// URL without its arrow: the syntax is shown (%s)", why);
	memset(lng, 'a', sizeof(lng) - 1);
	lng[sizeof(lng) - 1] = '\0';
	ok(uplink_url_check(lng, why, sizeof(why)) == -EINVAL,
	    "a URL of %d bytes refused", LAB_URL_MAX);
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/test_uplink.XXXXXX";

	if (argc != 2) {
		fprintf(stderr, "usage: test_uplink lab/UPLINK.txt\n");
		return 2;
	}
	read_text(argv[1]);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	tap_plan(30);
	heartbeat_bytes();
	heartbeat_parse();
	stats(dir);
	urls();
	rmdir(dir);
	return tap_done();
}
