/*
 * ctlproto.h — the control protocol's vocabulary (lab/CONTROL.txt), in
 * one table both ends use: the supervisor parses requests with it and
 * dispatches on their id; the verbs and viewers build requests from it
 * and read replies through its typed parser.  The transport (a unix
 * socket carrying lines) is lab/control.h.
 *
 * The protocol text (CONTROL.txt) and these tables are checked against
 * each other by tests/lab/test_ctlproto.c: every request's synopsis and
 * every reply line's shape appears there as the tables say.
 *
 * Free text in replies (log lines, reasons, settings) is escaped so that
 * any bytes fit a line: the supervisor writes a backslash as "\\" and a
 * byte below 0x20 or 0x7f as "\xHH"; ctl_reply_parse() undoes it.
 *
 * Contract: pure functions over caller-owned buffers, except ctl_open(),
 * ctl_next() and ctl_call(), which talk to a supervisor and may block for
 * their timeout.  Errors are -errno with a reason in `why` where one is
 * taken; nothing prints.
 */
#ifndef RUMPLAB_CTLPROTO_H
#define RUMPLAB_CTLPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lab/control.h"

#define CTL_MAXWORDS	64	/* words in one request */

enum ctl_req {
	CTL_HELLO, CTL_UP, CTL_STATUS,
	CTL_NODE_STOP, CTL_NODE_START, CTL_NODE_RESTART, CTL_NODE_KILL,
	CTL_LINK_SHOW, CTL_LINK_SET, CTL_BUS_CUT, CTL_BUS_JOIN,
	CTL_DOWN, CTL_ABORT, CTL_LOCAL,
	CTL_NREQ
};

/* The lines a reply is made of, by their first word. */
enum ctl_kind {
	CK_OK, CK_ERROR,			/* final lines */
	CK_PROGRESS, CK_FAIL, CK_LOG, CK_LAB, CK_NODE, CK_SERVICE,
	CK_SERVICE_LOG, CK_LINK, CK_TAP, CK_IFACE, CK_BUS, CK_HOST,
	CK_UPLINK,
	CK_NKINDS
};

struct ctl_reqdef {
	enum ctl_req	 id;
	const char	*words;		/* "node stop": the request's first
					 * words, one or two */
	const char	*args;		/* "NAME", "[TARGET]", "" */
	int		 minargs, maxargs;	/* words after `words` */
	const char	*replies;	/* kinds of its lines before the
					 * final one: "lab node log ..." */
};

struct ctl_linedef {
	enum ctl_kind	 kind;
	const char	*word;		/* "node" */
	const char	*shape;		/* "NODE PID NSTATE [REASON]" */
	const char	*fields;	/* the fixed words after `word`, a
					 * letter each (ctl_reply below):
					 * n name, p pid, s state, v svc,
					 * b bus, d n, t total, j joins,
					 * o on, m netns */
	bool		 text;		/* free text follows them */
};

extern const struct ctl_reqdef ctl_reqs[CTL_NREQ];	/* by id */
extern const struct ctl_linedef ctl_lines[CK_NKINDS];	/* by kind */

/* A request line, split: argv points into the line it was parsed from. */
struct ctl_request {
	const struct ctl_reqdef	*def;
	int			 argc;	/* after def->words */
	char			*argv[CTL_MAXWORDS];
};

/*
 * One reply line, parsed: the fields its kind has (ctl_lines[].fields)
 * are set, the others are NULL or 0.  Strings point into buf.
 *	name	lab: LAB; node, fail, log, service, service-log: the node;
 *		iface: NODE:IF; bus: BUS; tap: TAP
 *	svc	service, service-log: "run0"
 *	bus	iface: its bus
 *	joins	tap: "bus" or "iface", what it joins
 *	on	tap: that BUS or NODE:IF
 *	netns	tap: the namespace it is in, "here" or "lab:PID"
 *	state	lab STATE, node NSTATE, service SSTATE, iface LINK, bus STATE,
 *		tap STATE
 *	pid	lab, node, service
 *	n	progress DONE; service N (exit status or signal), -1 if none
 *	total	progress TOTAL
 *	text	the free text, unescaped (textlen bytes, NULs possible,
 *		and a NUL after them); "" when there is none
 */
struct ctl_reply {
	enum ctl_kind	 kind;
	const char	*name, *svc, *bus, *state;
	const char	*joins, *on, *netns;
	pid_t		 pid;
	int		 n, total;
	const char	*text;
	size_t		 textlen;
	char		 buf[CTL_LINEMAX];
};

/* The request whose words are w1 [w2] (w2 NULL: one word), or NULL. */
const struct ctl_reqdef *ctl_req_find(const char *w1, const char *w2);
/*
 * The second words of the requests that begin with w1, as "stop, start,
 * restart, kill" into buf (sep between them); the count (0: none).
 */
int	ctl_req_seconds(const char *w1, const char *sep, char *buf,
	    size_t len);

/*
 * Splits a request line (len bytes, as read: it may hold NULs) in place;
 * line[len] must be there to be written.  -EINVAL with why: a control
 * character, bytes that are not UTF-8, an empty word (two spaces), an
 * unknown request, a wrong number of arguments, too many words.
 */
int	ctl_request_parse(char *line, size_t len, struct ctl_request *rq,
	    char *why, size_t whylen);
/*
 * The line for request id with its arguments, into buf.  -EINVAL with
 * why when an argument is empty or holds a space or control character,
 * or their number is wrong; -EMSGSIZE when it is too long.
 */
int	ctl_request_format(enum ctl_req id, int argc, char *const argv[],
	    char *buf, size_t len, char *why, size_t whylen);

/* Parses a reply line: 0, or -EPROTO for a line the protocol does not
 * have (unknown word, missing or malformed field). */
int	ctl_reply_parse(const char *line, struct ctl_reply *r);
/* Is it the last line of a reply? */
bool	ctl_reply_final(const struct ctl_reply *r);
/*
 * Escapes n bytes of free text for a reply line, into out (always
 * terminated, cut short at a whole escape when it does not fit); the
 * length written.
 */
size_t	ctl_escape(const char *s, size_t n, char *out, size_t outlen);

/*
 * A client: connects to the supervisor in dir and sends the request.
 * 0, or -errno (-ENOENT, -ECONNREFUSED: no supervisor; -EINVAL with why
 * for a malformed request).
 */
int	ctl_open(const char *dir, struct ctl_conn *c, enum ctl_req id,
	    int argc, char *const argv[], char *why, size_t whylen);
/* The next reply line, parsed: 1; 0 when the supervisor closed; -errno
 * (-ETIMEDOUT after timeout_ms, -EINTR, -EPROTO). */
int	ctl_next(struct ctl_conn *c, struct ctl_reply *r, int timeout_ms);
/*
 * One whole request: each line before the final one to fn (which may
 * return nonzero to stop reading: that value is returned), the final
 * line into *fin.  0 when the reply ended "ok", 1 when "error"; -errno
 * when no supervisor answered, or it closed or fell silent for
 * timeout_ms before the final line.
 */
int	ctl_call(const char *dir, enum ctl_req id, int argc,
	    char *const argv[], int timeout_ms,
	    int (*fn)(const struct ctl_reply *r, void *arg), void *arg,
	    struct ctl_reply *fin);

#endif
