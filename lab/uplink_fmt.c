/*
 * uplink_fmt.c — the uplink's formats (lab/UPLINK.txt): its heartbeat
 * frame, which comes from the network and is parsed here only; its
 * stats file, written by the uplink and read by whoever shows it; and
 * the check of the URLs it is given.  No libvdeplug here: the unit test
 * and the fuzz target take this file alone.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/uplink.h"

#define HB_MAGIC	"rumplab uplink"
#define HB_MAGIC_LEN	14
#define HB_MAGIC_OFF	14
#define HB_SEQ_OFF	28
#define STATS_FIELDS	6	/* after the URL */

const uint8_t uplink_hb_dst[6] = { 0x03, 0x72, 0x6c, 0x75, 0x70, 0x6c };

static const char *const state_names[] = {
	[UPLINK_WAITING] = "waiting",
	[UPLINK_UP] = "up",
	[UPLINK_LOST] = "lost",
};

const char *
uplink_state_name(enum uplink_state s)
{
	return (unsigned)s < 3 ? state_names[s] : "?";
}

/* --- the heartbeat --------------------------------------------------- */

void
uplink_hb_make(uint8_t f[UPLINK_HB_LEN], uint64_t sender, uint64_t seq)
{
	int i;

	memset(f, 0, UPLINK_HB_LEN);
	memcpy(f, uplink_hb_dst, 6);
	f[6] = 0x02;
	f[7] = 0x72;
	f[8] = 0x6c;
	f[9] = (uint8_t)(sender >> 16);
	f[10] = (uint8_t)(sender >> 8);
	f[11] = (uint8_t)sender;
	f[12] = UPLINK_HB_TYPE >> 8;
	f[13] = UPLINK_HB_TYPE & 0xff;
	memcpy(f + HB_MAGIC_OFF, HB_MAGIC, HB_MAGIC_LEN);
	for (i = 0; i < 8; i++)
		f[HB_SEQ_OFF + i] = (uint8_t)(seq >> (56 - 8 * i));
}

int
uplink_hb_parse(const void *frame, size_t len, uint64_t *seq)
{
	const uint8_t *f = frame;
	uint64_t v = 0;
	int i;

	if (len < 14)
		return -EBADMSG;
	if (memcmp(f, uplink_hb_dst, 6) != 0 ||
	    f[12] != UPLINK_HB_TYPE >> 8 || f[13] != (UPLINK_HB_TYPE & 0xff))
		return 0;
	if (len < UPLINK_HB_MIN ||
	    memcmp(f + HB_MAGIC_OFF, HB_MAGIC, HB_MAGIC_LEN) != 0)
		return -EBADMSG;
	for (i = 0; i < 8; i++)
		v = v << 8 | f[HB_SEQ_OFF + i];
	if (seq != NULL)
		*seq = v;
	return 1;
}

/* --- the stats file -------------------------------------------------- */

static bool
has_control(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

/* A whole word of decimal digits that fits 64 bits. */
static int
parse_u64(const char *s, size_t n, uint64_t *v)
{
	size_t i;

	*v = 0;
	if (n == 0 || n > 20)
		return -EBADMSG;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    *v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -EBADMSG;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return 0;
}

static int
parse_state(const char *s, size_t n, enum uplink_state *st)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strlen(state_names[i]) == n &&
		    memcmp(s, state_names[i], n) == 0) {
			*st = (enum uplink_state)i;
			return 0;
		}
	return -EBADMSG;
}

/* The line's last six words, from the right: the URL may hold spaces. */
int
uplink_stats_parse(const char *line, struct uplink_stats *st)
{
	const char *w[STATS_FIELDS], *end = line + strlen(line), *p = end;
	size_t wl[STATS_FIELDS], ulen;
	uint64_t *nums[5] = { &st->out_frames, &st->out_bytes,
	    &st->in_frames, &st->in_bytes, &st->lost };
	int k;

	memset(st, 0, sizeof(*st));
	if (strncmp(line, "uplink ", 7) != 0 || has_control(line, strlen(line)))
		return -EBADMSG;
	for (k = STATS_FIELDS - 1; k >= 0; k--) {
		const char *we = p;

		while (p > line + 7 && p[-1] != ' ')
			p--;
		if (p <= line + 7 || p == we)
			return -EBADMSG;	/* no URL before, or empty */
		w[k] = p;
		wl[k] = (size_t)(we - p);
		p--;				/* the space */
	}
	ulen = (size_t)(p - (line + 7));
	if (ulen == 0 || ulen >= LAB_URL_MAX)
		return -EBADMSG;
	memcpy(st->url, line + 7, ulen);
	st->url[ulen] = '\0';
	if (parse_state(w[0], wl[0], &st->state) != 0)
		return -EBADMSG;
	for (k = 0; k < 5; k++)
		if (parse_u64(w[k + 1], wl[k + 1], nums[k]) != 0)
			return -EBADMSG;
	return 0;
}

int
uplink_stats_read(const char *path, struct uplink_stats *st, int max)
{
	char line[UPLINK_STATS_LINE];
	struct uplink_stats one;
	size_t len;
	FILE *f;
	int n = 0, r = 0;

	if ((f = fopen(path, "re")) == NULL)
		return -errno;
	while (fgets(line, sizeof(line), f) != NULL) {
		len = strlen(line);
		if (len == 0 || line[len - 1] != '\n') {
			r = -EBADMSG;		/* too long, or cut short */
			break;
		}
		line[len - 1] = '\0';
		if ((r = uplink_stats_parse(line, &one)) != 0)
			break;
		if (n < max)
			st[n] = one;
		n++;
	}
	if (r == 0 && ferror(f))
		r = -EIO;
	fclose(f);
	return r != 0 ? r : n;
}

int
uplink_stats_line(const struct uplink_stats *st, char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len, "uplink %s %s %llu %llu %llu %llu %llu\n",
	    st->url, uplink_state_name(st->state),
	    (unsigned long long)st->out_frames,
	    (unsigned long long)st->out_bytes,
	    (unsigned long long)st->in_frames,
	    (unsigned long long)st->in_bytes, (unsigned long long)st->lost);
	return n >= 0 && (size_t)n < len ? n : -ENOSPC;
}

int
uplink_stats_write(const char *path, const struct uplink_stats *st, int n)
{
	char tmp[PATH_MAX], line[UPLINK_STATS_LINE];
	FILE *f;
	int i, k, r = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	if ((f = fopen(tmp, "we")) == NULL)
		return -errno;
	for (i = 0; i < n && r == 0; i++)
		if ((k = uplink_stats_line(&st[i], line, sizeof(line))) < 0)
			r = k;
		else
			fputs(line, f);
	if (r == 0 && ferror(f))
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) != 0)
		r = -errno;
	if (r != 0)
		(void)unlink(tmp);
	return r;
}

/* --- URLs ------------------------------------------------------------ */

/* "[ADDR:]PORT" (src) or "ADDR:PORT" (dst), s[0..n). */
static int
udp_end(const char *s, size_t n, bool need_addr, const char *url,
    const char *what, char *why, size_t len)
{
	const char *colon = NULL;
	uint64_t port;
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ':')
			colon = s + i;
	if (need_addr && (colon == NULL || colon == s)) {
		snprintf(why, len, "%s: the %s needs an address and a port "
		    "(udp://[ADDR:]PORT->ADDR:PORT)", url, what);
		return -EINVAL;
	}
	i = colon != NULL ? (size_t)(colon + 1 - s) : 0;
	if (parse_u64(s + i, n - i, &port) != 0 || port == 0 ||
	    port > 65535) {
		snprintf(why, len, "%s: the %s port '%.*s' is not a number "
		    "from 1 to 65535 (udp://[ADDR:]PORT->ADDR:PORT)", url, what,
		    (int)(n - i), s + i);
		return -EINVAL;
	}
	return 0;
}

static int
udp_check(const char *url, char *why, size_t len)
{
	const char *s = url + 6, *arrow = strstr(s, "->");

	if (arrow == NULL) {
		snprintf(why, len, "%s: a udp:// URL is udp://[ADDR:]PORT->"
		    "ADDR:PORT (local end, then the peer's)", url);
		return -EINVAL;
	}
	if (udp_end(s, (size_t)(arrow - s), false, url, "local", why,
	    len) != 0)
		return -EINVAL;
	return udp_end(arrow + 2, strlen(arrow + 2), true, url, "peer's",
	    why, len);
}

int
uplink_url_check(const char *url, char *why, size_t len)
{
	size_t n = strlen(url);

	if (n == 0) {
		snprintf(why, len, "an empty URL (a VDE URL: udp://, vxvde://, "
		    "vde://...)");
		return -EINVAL;
	}
	if (n >= LAB_URL_MAX) {
		snprintf(why, len, "%.40s...: a URL of %zu bytes (at most %d)",
		    url, n, LAB_URL_MAX - 1);
		return -EINVAL;
	}
	if (has_control(url, n)) {
		snprintf(why, len, "a URL with a control character");
		return -EINVAL;
	}
	if (strncmp(url, "udp://", 6) == 0)
		return udp_check(url, why, len);
	return 0;
}
