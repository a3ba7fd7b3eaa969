/*
 * test_ctlproto.c — proves the control protocol's table (lab/ctlproto.h)
 * and its text (lab/CONTROL.txt, argv[1]) say the same: every request's
 * synopsis and every reply line's shape in the table stands in the text,
 * and every one in the text is in the table.  Then the parsers: requests
 * good and malformed (the supervisor answers each of those with an
 * error), requests built for clients, reply lines of every kind, and the
 * escaping of free text over every byte.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/ctlproto.h"
#include "tests/lib/tap.h"

#define MAXSYN	64

/* The synopses of one section of CONTROL.txt: lines of two spaces and
 * a lowercase word, up to two spaces; the section ends at a line that
 * starts at its first column. */
struct section {
	char	syn[MAXSYN][160];
	int	n;
	int	used[MAXSYN];
};

static struct section finals, replies, requests;

static void
load(const char *path)
{
	char line[512], *end;
	struct section *cur = NULL;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "Final lines") == 0)
			cur = &finals;
		else if (strncmp(line, "Reply lines", 11) == 0)
			cur = &replies;
		else if (strcmp(line, "Requests") == 0)
			cur = &requests;
		else if (line[0] != ' ' && line[0] != '\0')
			cur = NULL;
		else if (cur != NULL && line[0] == ' ' && line[1] == ' ' &&
		    line[2] >= 'a' && line[2] <= 'z' && cur->n < MAXSYN) {
			if ((end = strstr(line + 2, "  ")) != NULL)
				*end = '\0';
			snprintf(cur->syn[cur->n++], sizeof(cur->syn[0]),
			    "%.150s", line + 2);
		}
	}
	fclose(f);
}

static bool
in_section(struct section *s, const char *want)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->syn[i], want) == 0) {
			s->used[i]++;
			return true;
		}
	return false;
}

static void
all_used(struct section *s, const char *what)
{
	int i, unused = 0;

	for (i = 0; i < s->n; i++)
		if (s->used[i] != 1) {
			diag("%s in CONTROL.txt: '%s' is in the table %d "
			    "times", what, s->syn[i], s->used[i]);
			unused++;
		}
	ok(s->n > 0 && unused == 0, "every one of the %d %s in CONTROL.txt "
	    "is in the table once", s->n, what);
}

/* A shape's fixed words (before free text) and whether text follows. */
static void
shape_of(const char *shape, int *fixed, bool *text)
{
	char buf[160], *w, *save = NULL;

	*fixed = 0;
	*text = false;
	snprintf(buf, sizeof(buf), "%s", shape);
	for (w = strtok_r(buf, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		if (w[0] == '[' || strcmp(w, "TEXT") == 0 ||
		    strcmp(w, "REASON") == 0)
			*text = true;
		else if (!*text)
			(*fixed)++;
	}
}

static void
test_text(void)
{
	const struct ctl_linedef *l;
	const struct ctl_reqdef *d;
	char syn[160], kinds[128], *w, *save;
	int i, k, fixed, bad;
	bool text, found;

	for (i = 0, bad = 0; i < CTL_NREQ; i++) {
		d = &ctl_reqs[i];
		snprintf(syn, sizeof(syn), "%s%s%s", d->words,
		    d->args[0] ? " " : "", d->args);
		if ((int)d->id != i || !in_section(&requests, syn)) {
			diag("request '%s' (id %d) is not in CONTROL.txt",
			    syn, (int)d->id);
			bad++;
		}
	}
	ok(bad == 0, "each of the %d requests stands in CONTROL.txt",
	    CTL_NREQ);
	all_used(&requests, "requests");
	for (i = 0, bad = 0; i < CK_NKINDS; i++) {
		l = &ctl_lines[i];
		snprintf(syn, sizeof(syn), "%s %s", l->word, l->shape);
		shape_of(l->shape, &fixed, &text);
		if ((int)l->kind != i || !in_section(l->kind <= CK_ERROR ? &finals :
		    &replies, syn) || fixed != (int)strlen(l->fields) ||
		    text != l->text) {
			diag("line '%s': not in CONTROL.txt, or %d fixed words "
			    "where the table has '%s'", syn, fixed, l->fields);
			bad++;
		}
	}
	ok(bad == 0, "each of the %d reply lines stands in CONTROL.txt, its "
	    "fields as its shape says", CK_NKINDS);
	all_used(&finals, "final lines");
	all_used(&replies, "reply lines");
	for (i = 0, bad = 0; i < CTL_NREQ; i++) {
		snprintf(kinds, sizeof(kinds), "%s", ctl_reqs[i].replies);
		save = NULL;
		for (w = strtok_r(kinds, " ", &save); w != NULL;
		    w = strtok_r(NULL, " ", &save)) {
			for (k = 0, found = false; k < CK_NKINDS; k++)
				found |= strcmp(ctl_lines[k].word, w) == 0;
			bad += !found;
		}
	}
	ok(bad == 0, "the lines each request replies with are reply lines");
}

static void
good(const char *line, enum ctl_req id, int argc, const char *arg0)
{
	struct ctl_request rq;
	char buf[CTL_LINEMAX], why[256];
	size_t n = strlen(line);

	memcpy(buf, line, n + 1);
	ok(ctl_request_parse(buf, n, &rq, why, sizeof(why)) == 0 &&
	    rq.def->id == id && rq.argc == argc && (arg0 == NULL ||
	    strcmp(rq.argv[0], arg0) == 0), "request '%s'", line);
}

static void
bad(const char *line, size_t n, const char *want, const char *what)
{
	struct ctl_request rq;
	char buf[CTL_LINEMAX], why[256] = "";

	memcpy(buf, line, n);
	buf[n] = '\0';
	ok(ctl_request_parse(buf, n, &rq, why, sizeof(why)) == -EINVAL &&
	    strstr(why, want) != NULL, "%s: %s", what, why);
}

static void
test_requests(void)
{
	char buf[CTL_LINEMAX], why[256], big[CTL_LINEMAX + 8], seconds[64];
	char *argv[] = { "r1:shmif1", "delay", "20ms" };
	char *spaced[] = { "h1 h2" };
	char *nul[] = { "" };
	int i;

	good("hello", CTL_HELLO, 0, NULL);
	good("status", CTL_STATUS, 0, NULL);
	good("node kill h2", CTL_NODE_KILL, 1, "h2");
	good("link show", CTL_LINK_SHOW, 0, NULL);
	good("link show lan1", CTL_LINK_SHOW, 1, "lan1");
	good("link set r1:shmif1 out delay 20ms", CTL_LINK_SET, 4,
	    "r1:shmif1");
	good("bus join core", CTL_BUS_JOIN, 1, "core");
	good("abort", CTL_ABORT, 0, NULL);
	bad("frob", 4, "unknown request 'frob'", "an unknown word");
	bad("node frob h1", 12, "node takes stop, start, restart, kill",
	    "an unknown second word");
	bad("node stop", 9, "usage: node stop NAME", "an argument missing");
	bad("node stop a b", 13, "usage: node stop NAME", "one too many");
	bad("hello x", 7, "hello takes no arguments", "hello with one");
	bad("", 0, "empty request", "an empty line");
	bad("node  stop h1", 13, "empty word", "two spaces");
	bad("status ", 7, "empty word", "a space at the end");
	bad("stat\0us", 7, "control character (byte 0x00 at 4)", "a NUL");
	bad("node stop \x1b[1m", 14, "control character (byte 0x1b",
	    "an escape sequence");
	bad("bus cut \xff\xfe", 10, "not UTF-8 (byte 0xff at 8)",
	    "bytes that are not UTF-8");
	memset(big, 0, sizeof(big));
	strcpy(big, "link set lan1");
	for (i = 0; i < CTL_MAXWORDS; i++)
		strcat(big, " up");
	bad(big, strlen(big), "more than 64 words", "too many words");
	ok(ctl_request_format(CTL_LINK_SET, 3, argv, buf, sizeof(buf), why,
	    sizeof(why)) == 0 && strcmp(buf, "link set r1:shmif1 delay "
	    "20ms") == 0, "a request built: %s", buf);
	ok(ctl_request_format(CTL_NODE_STOP, 1, spaced, buf, sizeof(buf), why,
	    sizeof(why)) == -EINVAL && ctl_request_format(CTL_NODE_STOP, 1,
	    nul, buf, sizeof(buf), why, sizeof(why)) == -EINVAL &&
	    ctl_request_format(CTL_NODE_STOP, 0, NULL, buf, sizeof(buf), why,
	    sizeof(why)) == -EINVAL, "no request of a word with a space, an "
	    "empty word or a missing one");
	ok(ctl_req_seconds("node", ", ", seconds, sizeof(seconds)) == 4 &&
	    strcmp(seconds, "stop, start, restart, kill") == 0 &&
	    ctl_req_find("bus", "cut")->id == CTL_BUS_CUT &&
	    ctl_req_find("down", NULL)->id == CTL_DOWN &&
	    ctl_req_find("node", NULL) == NULL,
	    "requests found by their words: node takes %s", seconds);
}

static void
test_replies(void)
{
	struct ctl_reply r;

	ok(ctl_reply_parse("lab t1 123 up", &r) == 0 && r.kind == CK_LAB &&
	    strcmp(r.name, "t1") == 0 && r.pid == 123 &&
	    strcmp(r.state, "up") == 0, "lab line");
	ok(ctl_reply_parse("node r1 77 dead killed by signal 9", &r) == 0 &&
	    r.kind == CK_NODE && strcmp(r.name, "r1") == 0 && r.pid == 77 &&
	    strcmp(r.state, "dead") == 0 &&
	    strcmp(r.text, "killed by signal 9") == 0, "node line, a reason");
	ok(ctl_reply_parse("node h1 0 stopped", &r) == 0 &&
	    r.textlen == 0 && r.text[0] == '\0', "node line, no reason");
	ok(ctl_reply_parse("service h1 run0 42 exited 3", &r) == 0 &&
	    r.kind == CK_SERVICE && strcmp(r.svc, "run0") == 0 &&
	    r.pid == 42 && strcmp(r.state, "exited") == 0 && r.n == 3,
	    "service line that ended");
	ok(ctl_reply_parse("service h1 run1 43 running", &r) == 0 &&
	    r.n == -1, "service line that runs");
	ok(ctl_reply_parse("service-log h1 run0 run0: it said \\x00 \\\\", &r)
	    == 0 && r.kind == CK_SERVICE_LOG && r.textlen == 17 &&
	    memcmp(r.text, "run0: it said \0 \\", 17) == 0,
	    "service-log line, escapes undone");
	ok(ctl_reply_parse("progress 3 10", &r) == 0 && r.n == 3 &&
	    r.total == 10, "progress line");
	ok(ctl_reply_parse("fail h2 the node kernel exited 1", &r) == 0 &&
	    strcmp(r.name, "h2") == 0 &&
	    strcmp(r.text, "the node kernel exited 1") == 0, "fail line");
	ok(ctl_reply_parse("iface r1:shmif1 core down out.delay=20ms", &r) ==
	    0 && strcmp(r.name, "r1:shmif1") == 0 &&
	    strcmp(r.bus, "core") == 0 && strcmp(r.state, "down") == 0 &&
	    strcmp(r.text, "out.delay=20ms") == 0, "iface line");
	ok(ctl_reply_parse("bus core cut", &r) == 0 && r.kind == CK_BUS &&
	    strcmp(r.state, "cut") == 0, "bus line");
	ok(ctl_reply_parse("tap tap0 iface h1:virt0 lab:4242 up", &r) == 0 &&
	    r.kind == CK_TAP && strcmp(r.name, "tap0") == 0 &&
	    strcmp(r.joins, "iface") == 0 && strcmp(r.on, "h1:virt0") == 0 &&
	    strcmp(r.netns, "lab:4242") == 0 && strcmp(r.state, "up") == 0 &&
	    ctl_reply_parse("tap t1 bus lan here exited:1", &r) == 0 &&
	    strcmp(r.joins, "bus") == 0 && strcmp(r.state, "exited:1") == 0,
	    "tap lines");
	ok(ctl_reply_parse("tap t1 wire lan here up", &r) == -EPROTO &&
	    ctl_reply_parse("tap t1 bus lan here", &r) == -EPROTO &&
	    ctl_reply_parse("tap t1 bus lan here up more", &r) == -EPROTO,
	    "a tap line joins a bus or an interface and has five fields");
	ok(ctl_reply_parse("link bus core cut", &r) == 0 &&
	    r.kind == CK_LINK && strcmp(r.text, "bus core cut") == 0,
	    "link line");
	ok(ctl_reply_parse("ok", &r) == 0 && ctl_reply_final(&r) &&
	    r.textlen == 0 && ctl_reply_parse("error no node 'x'", &r) == 0 &&
	    r.kind == CK_ERROR && ctl_reply_final(&r), "final lines");
	ok(ctl_reply_parse("okay", &r) == -EPROTO &&
	    ctl_reply_parse("lab t1 x up", &r) == -EPROTO &&
	    ctl_reply_parse("lab t1 1 up extra", &r) == -EPROTO &&
	    ctl_reply_parse("progress 3", &r) == -EPROTO &&
	    ctl_reply_parse("node h1 -5 up", &r) == -EPROTO &&
	    ctl_reply_parse("service h1 run0 1 exited x", &r) == -EPROTO &&
	    ctl_reply_parse("", &r) == -EPROTO,
	    "lines the protocol does not have are refused");
}

/* Every byte, escaped into a line and read back. */
static void
test_escape(void)
{
	char all[256], line[CTL_LINEMAX], small[8];
	struct ctl_reply r;
	size_t n, i;
	bool clean = true;

	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	n = (size_t)snprintf(line, sizeof(line), "log h1 ");
	n += ctl_escape(all, sizeof(all), line + n, sizeof(line) - n);
	for (i = 0; i < n; i++)
		clean &= (unsigned char)line[i] >= 0x20 &&
		    (unsigned char)line[i] != 0x7f;
	ok(clean && ctl_reply_parse(line, &r) == 0 && r.textlen == 256 &&
	    memcmp(r.text, all, 256) == 0,
	    "every byte escaped into a clean line and read back whole");
	ok(ctl_escape("ab\\c", 4, small, 4) == 2 && strcmp(small, "ab") == 0,
	    "an escape that does not fit is left out whole: %s", small);
	ok(ctl_reply_parse("log h1 C:\\dir \\q \\x4", &r) == 0 &&
	    strcmp(r.text, "C:\\dir \\q \\x4") == 0,
	    "a backslash that begins no escape stands for itself");
}

int
main(int argc, char **argv)
{
	load(argc > 1 ? argv[1] : "lab/CONTROL.txt");
	test_text();
	test_requests();
	test_replies();
	test_escape();
	tap_plan(tap_n);
	return tap_done();
}
