/*
 * control.h — the supervisor's control socket, both ends: the supervisor
 * listens on DIR/control; the rumplab verbs connect, send one request
 * line and read reply lines until `ok` or `error` (lab/CONTROL.txt).
 *
 * Contract: 0 / a count, or -errno; nothing prints.  One struct ctl_conn
 * per connection, owned by its caller; not thread-safe.
 */
#ifndef RUMPLAB_CONTROL_H
#define RUMPLAB_CONTROL_H

#include <stddef.h>

#define CTL_LINEMAX	4096	/* longest line either way */

struct ctl_conn {
	int	fd;
	size_t	len;		/* bytes buffered */
	char	buf[2 * CTL_LINEMAX];
};

/* Connects to the lab in `dir`: -ENOENT / -ECONNREFUSED when none runs. */
int	ctl_connect(const char *dir, struct ctl_conn *c);
void	ctl_close(struct ctl_conn *c);
__attribute__((format(printf, 2, 3)))
int	ctl_send(struct ctl_conn *c, const char *fmt, ...);
/*
 * The next line without its newline: 1, 0 at end of stream, -ETIMEDOUT
 * after timeout_ms (-1: none), -EINTR when a signal came (so a caller can
 * look at its flags), -EPROTO for a line longer than len - 1 (taken)
 * or one over the buffer.
 */
int	ctl_readline(struct ctl_conn *c, char *line, size_t len,
	    int timeout_ms);
/*
 * Takes a buffered line out of c->buf, if one is complete: 1, or 0 when
 * none is.  *linelen (if not NULL) is its length, which may hold NULs;
 * a line longer than len - 1 is taken, cut there, and is -EMSGSIZE.
 */
int	ctl_takeline(struct ctl_conn *c, char *line, size_t len,
	    size_t *linelen);

/* The listening socket (close-on-exec, non-blocking). */
int	ctl_listen(const char *dir);

#endif
