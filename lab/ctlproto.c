/*
 * ctlproto.c — the control protocol's tables, its request and reply
 * parsers, and the client's request path (lab/ctlproto.h).  The words
 * and shapes below are the ones lab/CONTROL.txt shows; a test holds the
 * two together.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "lab/ctlproto.h"

#define STATUS_LINES	"lab node log service service-log link tap host uplink"
#define UP_LINES	"progress fail log service service-log host"

const struct ctl_reqdef ctl_reqs[CTL_NREQ] = {
	{ CTL_HELLO, "hello", "", 0, 0, "" },
	{ CTL_UP, "up", "", 0, 0, UP_LINES },
	{ CTL_STATUS, "status", "", 0, 0, STATUS_LINES },
	{ CTL_NODE_STOP, "node stop", "NAME", 1, 1, "log" },
	{ CTL_NODE_START, "node start", "NAME", 1, 1, "log" },
	{ CTL_NODE_RESTART, "node restart", "NAME", 1, 1, "log" },
	{ CTL_NODE_KILL, "node kill", "NAME", 1, 1, "log" },
	{ CTL_LINK_SHOW, "link show", "[TARGET]", 0, 1, "iface bus" },
	{ CTL_LINK_SET, "link set", "TARGET [in|out|both] SETTING...", 2,
	    CTL_MAXWORDS - 2, "" },
	{ CTL_BUS_CUT, "bus cut", "BUS", 1, 1, "" },
	{ CTL_BUS_JOIN, "bus join", "BUS", 1, 1, "" },
	{ CTL_DOWN, "down", "", 0, 0, "" },
	{ CTL_ABORT, "abort", "", 0, 0, "" },
	{ CTL_LOCAL, "local", "", 0, 0, "" },
};

const struct ctl_linedef ctl_lines[CK_NKINDS] = {
	{ CK_OK, "ok", "[TEXT]", "", true },
	{ CK_ERROR, "error", "TEXT", "", true },
	{ CK_PROGRESS, "progress", "DONE TOTAL", "dt", false },
	{ CK_FAIL, "fail", "NODE REASON", "n", true },
	{ CK_LOG, "log", "NODE TEXT", "n", true },
	{ CK_LAB, "lab", "LAB PID STATE", "nps", false },
	{ CK_NODE, "node", "NODE PID NSTATE [REASON]", "nps", true },
	{ CK_SERVICE, "service", "NODE SVC PID SSTATE [N]", "nvps", true },
	{ CK_SERVICE_LOG, "service-log", "NODE SVC TEXT", "nv", true },
	{ CK_LINK, "link", "TEXT", "", true },
	{ CK_TAP, "tap", "TAP bus|iface BUS|NODE:IF NS STATE", "njoms",
	    false },
	{ CK_IFACE, "iface", "NODE:IF BUS LINK [SETTING...]", "nbs", true },
	{ CK_BUS, "bus", "BUS STATE [SETTING...]", "ns", true },
	{ CK_HOST, "host", "HOST STATE [TEXT]", "ns", true },
	{ CK_UPLINK, "uplink", "BUS HOST URL STATE TEXT", "bnos", true },
};

/* Does `words` ("node stop") consist of w1 and w2 (w2 NULL: w1 alone)? */
static bool
words_are(const char *words, const char *w1, const char *w2)
{
	size_t n = strlen(w1);

	if (strncmp(words, w1, n) != 0)
		return false;
	if (w2 == NULL)
		return words[n] == '\0';
	return words[n] == ' ' && strcmp(words + n + 1, w2) == 0;
}

const struct ctl_reqdef *
ctl_req_find(const char *w1, const char *w2)
{
	int i;

	for (i = 0; i < CTL_NREQ; i++)
		if (words_are(ctl_reqs[i].words, w1, w2))
			return &ctl_reqs[i];
	return NULL;
}

int
ctl_req_seconds(const char *w1, const char *sep, char *buf, size_t len)
{
	size_t n = strlen(w1), off = 0;
	int i, k = 0;

	buf[0] = '\0';
	for (i = 0; i < CTL_NREQ; i++) {
		if (strncmp(ctl_reqs[i].words, w1, n) != 0 ||
		    ctl_reqs[i].words[n] != ' ')
			continue;
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
			    k ? sep : "", ctl_reqs[i].words + n + 1);
		k++;
	}
	return k;
}

static bool
is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* The request line's words, split in place at single spaces. */
static int
split(char *line, char **w, int max, char *why, size_t whylen)
{
	int n = 0;
	char *p = line, *sp;

	for (;;) {
		if (*p == '\0' || *p == ' ') {
			snprintf(why, whylen, "%s (words are separated by "
			    "single spaces; see lab/CONTROL.txt)", n == 0 &&
			    *p == '\0' ? "empty request" : "a request has an "
			    "empty word");
			return -EINVAL;
		}
		if (n == max) {
			snprintf(why, whylen, "more than %d words in one "
			    "request", max);
			return -EINVAL;
		}
		w[n++] = p;
		if ((sp = strchr(p, ' ')) == NULL)
			return n;
		*sp = '\0';
		p = sp + 1;
	}
}

static void
usage_of(const struct ctl_reqdef *d, char *why, size_t whylen)
{
	if (d->maxargs == 0)
		snprintf(why, whylen, "%s takes no arguments", d->words);
	else
		snprintf(why, whylen, "usage: %s %s", d->words, d->args);
}

int
ctl_request_parse(char *line, size_t len, struct ctl_request *rq, char *why,
    size_t whylen)
{
	char *w[CTL_MAXWORDS], list[128];
	const struct ctl_reqdef *d;
	const unsigned char *u;
	size_t i, k;
	int n, skip;

	memset(rq, 0, sizeof(*rq));
	for (i = 0; i < len; i += k) {
		u = (const unsigned char *)line + i;
		if ((k = utf8_seqlen(u, len - i)) == 0 || is_control(*u)) {
			snprintf(why, whylen, "a request has %s (byte 0x%02x "
			    "at %zu)", k ? "a control character" : "bytes that "
			    "are not UTF-8", *u, i);
			return -EINVAL;
		}
	}
	line[len] = '\0';
	if ((n = split(line, w, CTL_MAXWORDS, why, whylen)) < 0)
		return n;
	skip = 2;
	if ((d = ctl_req_find(w[0], n > 1 ? w[1] : "")) == NULL) {
		skip = 1;
		d = ctl_req_find(w[0], NULL);
	}
	if (d == NULL) {
		if (ctl_req_seconds(w[0], ", ", list, sizeof(list)) > 0)
			snprintf(why, whylen, "unknown request '%.40s%s%.40s' "
			    "(%s takes %s)", w[0], n > 1 ? " " : "",
			    n > 1 ? w[1] : "", w[0], list);
		else
			snprintf(why, whylen, "unknown request '%.60s' (see "
			    "lab/CONTROL.txt)", w[0]);
		return -EINVAL;
	}
	if (n - skip < d->minargs || n - skip > d->maxargs) {
		usage_of(d, why, whylen);
		return -EINVAL;
	}
	rq->def = d;
	rq->argc = n - skip;
	memcpy(rq->argv, w + skip, (size_t)rq->argc * sizeof(*w));
	return 0;
}

int
ctl_request_format(enum ctl_req id, int argc, char *const argv[], char *buf,
    size_t len, char *why, size_t whylen)
{
	const struct ctl_reqdef *d = &ctl_reqs[id];
	size_t off;
	int i, k;
	const char *p;

	if (argc < d->minargs || argc > d->maxargs) {
		usage_of(d, why, whylen);
		return -EINVAL;
	}
	if ((off = (size_t)snprintf(buf, len, "%s", d->words)) >= len)
		return -EMSGSIZE;
	for (i = 0; i < argc; i++) {
		for (p = argv[i]; *p != '\0' && *p != ' ' &&
		    !is_control((unsigned char)*p); p++)
			;
		if (argv[i][0] == '\0' || *p != '\0') {
			snprintf(why, whylen, "%s: '%.60s' is empty or has a "
			    "space or control character in it", d->words,
			    argv[i]);
			return -EINVAL;
		}
		k = snprintf(buf + off, len - off, " %s", argv[i]);
		if (k < 0 || (size_t)k >= len - off) {
			snprintf(why, whylen, "%s: the request is longer than "
			    "%zu bytes", d->words, len - 1);
			return -EMSGSIZE;
		}
		off += (size_t)k;
	}
	return 0;
}

size_t
ctl_escape(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i, o = 0;
	unsigned char c;

	if (outlen == 0)
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '\\') {
			if (o + 2 >= outlen)
				break;
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (is_control(c)) {
			if (o + 4 >= outlen)
				break;
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x",
			    c);
		} else {
			if (o + 1 >= outlen)
				break;
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return o;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undoes ctl_escape() in place: "\\" and "\xHH"; any other backslash
 * stays as it is.  The new length. */
static size_t
unescape(char *s)
{
	char *in = s, *out = s;
	int hi, lo;

	while (*in != '\0') {
		if (in[0] == '\\' && in[1] == '\\') {
			*out++ = '\\';
			in += 2;
		} else if (in[0] == '\\' && in[1] == 'x' &&
		    (hi = hexval(in[2])) >= 0 && (lo = hexval(in[3])) >= 0) {
			*out++ = (char)(hi << 4 | lo);
			in += 4;
		} else
			*out++ = *in++;
	}
	*out = '\0';
	return (size_t)(out - s);
}

/* A whole decimal number in [min, INT_MAX]. */
static int
number(const char *w, int min, int *v)
{
	char *end;
	long x;

	if (*w == '\0' || *w == '+' || *w == ' ')
		return -EPROTO;
	x = strtol(w, &end, 10);
	if (*end != '\0' || x < min || x > INT_MAX)
		return -EPROTO;
	*v = (int)x;
	return 0;
}

static int
field(struct ctl_reply *r, char letter, char *w)
{
	int v;

	switch (letter) {
	case 'n':
		r->name = w;
		return 0;
	case 'v':
		r->svc = w;
		return 0;
	case 'b':
		r->bus = w;
		return 0;
	case 'j':
		if (strcmp(w, "bus") != 0 && strcmp(w, "iface") != 0)
			return -EPROTO;
		r->joins = w;
		return 0;
	case 'o':
		r->on = w;
		return 0;
	case 'm':
		r->netns = w;
		return 0;
	case 's':
		r->state = w;
		return 0;
	case 'p':
		if (number(w, 0, &v) != 0)
			return -EPROTO;
		r->pid = (pid_t)v;
		return 0;
	case 'd':
		return number(w, 0, &r->n);
	case 't':
		return number(w, 0, &r->total);
	}
	return -EPROTO;
}

int
ctl_reply_parse(const char *line, struct ctl_reply *r)
{
	const struct ctl_linedef *d = NULL;
	char *p, *sp;
	size_t n;
	int k;

	memset(r, 0, offsetof(struct ctl_reply, buf));
	r->n = -1;
	/* A line read into r->buf itself is parsed in place (a copy onto
	 * itself is undefined: glibc's snprintf left it empty). */
	if (line != r->buf)
		snprintf(r->buf, sizeof(r->buf), "%s", line);
	n = strcspn(r->buf, " ");
	for (k = 0; k < CK_NKINDS; k++)
		if (strlen(ctl_lines[k].word) == n &&
		    strncmp(ctl_lines[k].word, r->buf, n) == 0)
			d = &ctl_lines[k];
	if (d == NULL)
		return -EPROTO;
	r->kind = d->kind;
	p = r->buf + n + (r->buf[n] == ' ');
	for (k = 0; d->fields[k] != '\0'; k++) {
		if (*p == '\0' || *p == ' ')
			return -EPROTO;
		if ((sp = strchr(p, ' ')) != NULL)
			*sp = '\0';
		if (field(r, d->fields[k], p) != 0)
			return -EPROTO;
		p = sp != NULL ? sp + 1 : p + strlen(p);
	}
	if (!d->text && *p != '\0')
		return -EPROTO;
	r->text = p;
	r->textlen = unescape(p);
	if (r->kind == CK_SERVICE && r->textlen > 0 &&
	    number(r->text, 0, &r->n) != 0)
		return -EPROTO;
	return 0;
}

bool
ctl_reply_final(const struct ctl_reply *r)
{
	return r->kind == CK_OK || r->kind == CK_ERROR;
}

int
ctl_open(const char *dir, struct ctl_conn *c, enum ctl_req id, int argc,
    char *const argv[], char *why, size_t whylen)
{
	char line[CTL_LINEMAX];
	int r;

	c->fd = -1;
	if ((r = ctl_request_format(id, argc, argv, line, sizeof(line), why,
	    whylen)) != 0)
		return r;
	if ((r = ctl_connect(dir, c)) != 0 ||
	    (r = ctl_send(c, "%s", line)) != 0) {
		ctl_close(c);
		snprintf(why, whylen, "its supervisor does not answer (%s)",
		    strerror(-r));
		return r;
	}
	return 0;
}

int
ctl_next(struct ctl_conn *c, struct ctl_reply *r, int timeout_ms)
{
	char line[CTL_LINEMAX];
	int n;

	if ((n = ctl_readline(c, line, sizeof(line), timeout_ms)) != 1)
		return n;
	return ctl_reply_parse(line, r) == 0 ? 1 : -EPROTO;
}

int
ctl_call(const char *dir, enum ctl_req id, int argc, char *const argv[],
    int timeout_ms, int (*fn)(const struct ctl_reply *r, void *arg),
    void *arg, struct ctl_reply *fin)
{
	struct ctl_conn c;
	int r, stop = 0;

	memset(fin, 0, offsetof(struct ctl_reply, buf));
	fin->kind = CK_ERROR;
	fin->text = fin->buf;
	fin->buf[0] = '\0';
	if ((r = ctl_open(dir, &c, id, argc, argv, fin->buf,
	    sizeof(fin->buf))) != 0) {
		fin->textlen = strlen(fin->buf);
		return r;
	}
	while ((r = ctl_next(&c, fin, timeout_ms)) == 1 &&
	    !ctl_reply_final(fin))
		if (fn != NULL && (stop = fn(fin, arg)) != 0)
			break;
	ctl_close(&c);
	if (stop != 0)
		return stop;
	if (r == 1)
		return fin->kind == CK_OK ? 0 : 1;
	/* Closed, silent or garbled before the final line. */
	fin->kind = CK_ERROR;
	fin->text = fin->buf;
	fin->textlen = (size_t)snprintf(fin->buf, sizeof(fin->buf), "its "
	    "supervisor stopped answering (%s)", r == 0 ? "it closed the "
	    "connection" : strerror(-r));
	return r == 0 ? -ECONNRESET : r;
}
