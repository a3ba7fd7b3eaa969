/*
 * control.c — the control socket's transport (lab/control.h): a unix
 * stream socket carrying newline-terminated text lines.  What the lines
 * say is in lab/CONTROL.txt and lab/ctlproto.h.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lab/control.h"
#include "lab/statedir.h"

static int
ctl_addr(const char *dir, struct sockaddr_un *sun)
{
	char path[STATEDIR_PATHMAX];

	statedir_file(dir, "control", path);
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return -ENAMETOOLONG;
	strcpy(sun->sun_path, path);
	return 0;
}

int
ctl_connect(const char *dir, struct ctl_conn *c)
{
	struct sockaddr_un sun;
	int r;

	c->fd = -1;
	c->len = 0;
	if ((r = ctl_addr(dir, &sun)) != 0)
		return r;
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		r = -errno;
		close(c->fd);
		c->fd = -1;
		return r;
	}
	return 0;
}

void
ctl_close(struct ctl_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int
ctl_send(struct ctl_conn *c, const char *fmt, ...)
{
	char line[CTL_LINEMAX];
	va_list ap;
	size_t off = 0;
	ssize_t n;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(line) - 1)
		return -EMSGSIZE;
	line[len++] = '\n';
	while (off < (size_t)len) {
		n = send(c->fd, line + off, (size_t)len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += (size_t)n;
	}
	return 0;
}

int
ctl_takeline(struct ctl_conn *c, char *line, size_t len, size_t *linelen)
{
	char *nl = memchr(c->buf, '\n', c->len);
	size_t n, whole;

	if (nl == NULL)
		return 0;
	whole = (size_t)(nl - c->buf);
	n = whole < len ? whole : len - 1;
	memcpy(line, c->buf, n);
	line[n] = '\0';
	memmove(c->buf, nl + 1, c->len - whole - 1);
	c->len -= whole + 1;
	if (linelen != NULL)
		*linelen = n;
	return whole < len ? 1 : -EMSGSIZE;
}

int
ctl_readline(struct ctl_conn *c, char *line, size_t len, int timeout_ms)
{
	struct pollfd pfd;
	ssize_t n;
	int r;

	for (;;) {
		if ((r = ctl_takeline(c, line, len, NULL)) != 0)
			return r == 1 ? 1 : -EPROTO;
		if (c->len >= sizeof(c->buf))
			return -EPROTO;
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		if ((r = poll(&pfd, 1, timeout_ms)) < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n < 0 && errno == EINTR)
			return -EINTR;
		if (n < 0)
			return errno == ECONNRESET ? 0 : -errno;
		if (n == 0)
			return 0;
		c->len += (size_t)n;
	}
}

int
ctl_listen(const char *dir)
{
	struct sockaddr_un sun;
	int fd, r;

	if ((r = ctl_addr(dir, &sun)) != 0)
		return r;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) < 0)
		return -errno;
	unlink(sun.sun_path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    listen(fd, 64) != 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}
