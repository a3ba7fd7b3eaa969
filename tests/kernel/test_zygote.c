/*
 * test_zygote.c — rump_server -Z against its protocol (kernel/zygote.h),
 * spoken here by hand: a child made for a request goes on only when its
 * launcher writes go, even if the zygote was killed after answering; it
 * exits when the go pipe ends unwritten; malformed requests are answered
 * -EINVAL; the zygote exits when its socket ends.
 *
 * The child is asked to run `rump_server -Q` (no such option): it then
 * says so on its output and exits 2, which shows it ran as a node would,
 * without starting one.  The test is a subreaper, so the zygote's
 * children come to it once their zygote is gone.
 *
 * Usage: test_zygote RUMP_SERVER
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "kernel/zygote.h"
#include "tests/lib/tap.h"

static const char *server;

/* A zygote on a new socket: its pid, our end in *sock. */
static pid_t
zygote(int *sock)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		dup2(sv[1], 3);
		execl(server, "rump_server", "-Z", "3", (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	*sock = sv[0];
	return pid;
}

struct req {
	int	answer[2], go[2], out[2];
};

/* Sends a request for `rump_server ARG` with nfd of its descriptors
 * (3 for a good one); the pipes stay ours to use. */
static int
ask(int sock, const char *arg, struct req *q, int nfd)
{
	union {
		struct cmsghdr	h;
		char		buf[CMSG_SPACE(3 * sizeof(int))];
	} cm;
	char body[64];
	int give[3];
	size_t len;
	struct iovec iov = { body, 0 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = cm.buf };

	if (pipe2(q->answer, O_CLOEXEC) != 0 || pipe2(q->go, O_CLOEXEC) != 0 ||
	    pipe2(q->out, O_CLOEXEC) != 0)
		return -1;
	len = (size_t)snprintf(body, sizeof(body), "rump_server%c%s", 0, arg);
	iov.iov_len = len + 1;
	give[0] = q->answer[1];
	give[1] = q->go[0];
	give[2] = q->out[1];
	m.msg_controllen = CMSG_SPACE((size_t)nfd * sizeof(int));
	CMSG_FIRSTHDR(&m)->cmsg_level = SOL_SOCKET;
	CMSG_FIRSTHDR(&m)->cmsg_type = SCM_RIGHTS;
	CMSG_FIRSTHDR(&m)->cmsg_len = CMSG_LEN((size_t)nfd * sizeof(int));
	memcpy(CMSG_DATA(CMSG_FIRSTHDR(&m)), give, (size_t)nfd * sizeof(int));
	if (sendmsg(sock, &m, 0) != (ssize_t)iov.iov_len)
		return -1;
	close(q->answer[1]);
	close(q->go[0]);
	close(q->out[1]);
	return 0;
}

/* The answer, or -1000 when the pipe ended without one. */
static int
answer_of(struct req *q)
{
	int a;

	if (read(q->answer[0], &a, sizeof(a)) != sizeof(a))
		a = -1000;
	close(q->answer[0]);
	return a;
}

/* What the child wrote before its output ended (5 s at most). */
static ssize_t
output_of(struct req *q, char *buf, size_t len)
{
	struct pollfd p = { q->out[0], POLLIN, 0 };
	size_t off = 0;
	ssize_t n = 0;

	while (off < len - 1 && poll(&p, 1, 5000) == 1 &&
	    (n = read(q->out[0], buf + off, len - 1 - off)) > 0)
		off += (size_t)n;
	buf[off] = '\0';
	close(q->out[0]);
	return n < 0 ? -1 : (ssize_t)off;
}

/* Waits for pid (ours, or given to us as subreaper): its status. */
static int
reap(pid_t pid)
{
	int st = -1;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

int
main(int argc, char **argv)
{
	struct req q;
	char out[4096];
	pid_t z, child;
	int sock, st, a;

	if (argc != 2)
		tap_skip_all("usage: test_zygote RUMP_SERVER");
	server = argv[1];
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	tap_plan(12);

	/* 1. Answered, zygote killed, then go: the child runs. */
	z = zygote(&sock);
	ok(z > 0 && ask(sock, "-Q", &q, 3) == 0,
	    "a zygote takes a request");
	child = answer_of(&q);
	ok(child > 0, "and answers with its child's pid (%d)", (int)child);
	kill(z, SIGKILL);
	st = reap(z);
	close(sock);
	ok(WIFSIGNALED(st), "the zygote is killed -9 after answering");
	ok(write(q.go[1], "", 1) == 1, "go is written after it died");
	close(q.go[1]);
	ok(output_of(&q, out, sizeof(out)) > 0 &&
	    strstr(out, "option") != NULL,
	    "and the child runs its own argument vector all the same");
	if (out[0] != '\0')
		diag("it said: %.*s", (int)strcspn(out, "\n"), out);
	st = child > 0 ? reap(child) : -1;
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 2,
	    "and exits 2 as rump_server does on a bad option (status %#x)",
	    st);

	/* 2. Answered, go never written: the child exits, silent.  (It is
	 * the zygote's until the zygote ends: reaped after 4.) */
	z = zygote(&sock);
	a = ask(sock, "-Q", &q, 3);
	child = a == 0 ? answer_of(&q) : -1;
	close(q.go[1]);
	ok(child > 0 && output_of(&q, out, sizeof(out)) == 0,
	    "a child whose go pipe ends unwritten says nothing");

	/* 3. Too few descriptors: -EINVAL, and the zygote serves on. */
	a = ask(sock, "-Q", &q, 2) == 0 ? answer_of(&q) : -1;
	close(q.go[1]);
	close(q.out[0]);
	ok(a == -EINVAL, "a request with two descriptors is answered "
	    "-EINVAL (%d)", a);
	a = ask(sock, "-Q", &q, 3) == 0 ? answer_of(&q) : -1;
	if (a > 0)
		(void)!write(q.go[1], "", 1);
	close(q.go[1]);
	ok(a > 0 && output_of(&q, out, sizeof(out)) > 0,
	    "and the next good one is served");

	/* 4. The end of its socket ends it; its children come to us. */
	close(sock);
	st = reap(z);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "the zygote exits 0 when its socket ends (status %#x)", st);
	st = child > 0 ? reap(child) : -1;
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 1,
	    "the child never told to go exited 1 (status %#x)", st);
	st = a > 0 ? reap(a) : -1;
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 2,
	    "the one told to go exited 2 on its bad option (status %#x)", st);
	return tap_done();
}
