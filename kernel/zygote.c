/*
 * zygote.c — rump_server -Z: fork a node a request (kernel/zygote.h).
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/zygote.h"

#define HIGHFD	64	/* above every target (< ZYGOTE_FDMAX) */

struct request {
	char	body[ZYGOTE_MSGMAX + 1];
	size_t	len;
	int	fd[ZYGOTE_FDMAX];
	int	nfd;
};

static void
answer(struct request *q, int value)
{
	if (q->nfd > 0)
		(void)!write(q->fd[0], &value, sizeof(value));
}

static void
close_all(struct request *q)
{
	int i;

	for (i = 0; i < q->nfd; i++)
		close(q->fd[i]);
	q->nfd = 0;
}

/* 2: a request in q; 1: a malformed one, answered and dropped; 0: the
 * end of sock; or -errno. */
static int
receive(int sock, struct request *q)
{
	union {
		struct cmsghdr	h;
		char		buf[CMSG_SPACE(ZYGOTE_FDMAX * sizeof(int))];
	} cm;
	struct iovec iov = { q->body, ZYGOTE_MSGMAX };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = cm.buf, .msg_controllen = sizeof(cm.buf) };
	struct cmsghdr *c;
	ssize_t n;

	q->nfd = 0;
	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n == 0 ? 0 : -errno;
	q->len = (size_t)n;
	for (c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    q->nfd == 0) {
			q->nfd = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(q->fd, CMSG_DATA(c), (size_t)q->nfd * sizeof(int));
		}
	if ((m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || q->nfd < 3 ||
	    q->body[q->len - 1] != '\0') {
		answer(q, -EINVAL);
		close_all(q);
		return 1;
	}
	return 2;
}

/*
 * What ps and /proc/PID/cmdline show of the child: its own vector, in
 * the room the zygote's took (its last argument is spaces for that),
 * cut to fit, the rest NULs.
 */
static void
show(char *room, size_t len, const struct request *q)
{
	size_t n = q->len < len ? q->len : len;

	memcpy(room, q->body, n);
	memset(room + n, 0, len - n);
	if (n > 0)
		room[n - 1] = '\0';
}

/* In the child: descriptors to their places, the vector built. */
static char **
become(int sock, struct request *q, char *room, size_t roomlen, int *argcp)
{
	int high[ZYGOTE_FDMAX], i, n = 0, null;
	char **argv, *p;

	close(sock);
	close(q->fd[1]);	/* the go pipe; the answer's went before */
	for (i = 2; i < q->nfd; i++) {
		high[i] = fcntl(q->fd[i], F_DUPFD_CLOEXEC, HIGHFD);
		close(q->fd[i]);
	}
	if ((null = open("/dev/null", O_RDONLY)) >= 0 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	dup2(high[2], 1);
	dup2(high[2], 2);
	for (i = 3; i < q->nfd; i++)
		dup2(high[i], i);
	for (i = 2; i < q->nfd; i++)
		close(high[i]);
	(void)setsid();
	show(room, roomlen, q);
	for (p = q->body; p < q->body + q->len; p += strlen(p) + 1)
		n++;
	if ((argv = calloc((size_t)n + 1, sizeof(*argv))) == NULL)
		_exit(1);
	for (i = 0, p = q->body; i < n; i++, p += strlen(p) + 1)
		argv[i] = p;
	*argcp = n;
	return argv;
}

char **
zygote_serve(int sock, char **argv, int argc, int *argcp)
{
	static struct request q;
	char *room = argv[0];
	size_t roomlen = (size_t)(argv[argc - 1] - argv[0]) +
	    strlen(argv[argc - 1]) + 1;
	pid_t pid;
	int r;

	/* A launcher gone before our answer is not our end. */
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		if ((r = receive(sock, &q)) <= 0) {
			*argcp = r;
			return NULL;
		}
		if (r == 1)
			continue;
		if ((pid = fork()) == 0) {
			/* Not a node until the launcher has its pid: a
			 * zygote killed before answering would leave one
			 * nobody knows, beside the one the launcher starts
			 * instead.  The launcher alone holds the other end
			 * of the go pipe, so either it says go or the pipe
			 * ends; the answer pipe is let go of first, for the
			 * launcher to see its end if the zygote dies. */
			close(q.fd[0]);
			q.fd[0] = -1;
			do
				r = (int)read(q.fd[1], &r, 1);
			while (r < 0 && errno == EINTR);
			if (r != 1)
				_exit(1);
			return become(sock, &q, room, roomlen, argcp);
		}
		answer(&q, pid > 0 ? (int)pid : -errno);
		close_all(&q);
	}
}
