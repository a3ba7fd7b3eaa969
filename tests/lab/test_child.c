/*
 * test_child.c — the child helper (lab/child.h) as `rumplab check` uses
 * it for a command's output: what a child writes comes back byte for
 * byte through the line callback, a line longer than CHILD_LINEMAX, a
 * NUL and an unterminated last line included (c->linelen, c->nl); a
 * child still running at its deadline is killed, with timedout set; a
 * program given descriptors for 0, 1 and 2 reads and writes those, not
 * /dev/null and the pipe (lab/remote.c runs ssh so).
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lab/child.h"
#include "tests/lib/tap.h"

#define LONG	(3 * CHILD_LINEMAX + 17)

static char want[LONG + 64], got[LONG + 64];
static size_t wantlen, gotlen;

static int
writer(void *arg)
{
	(void)arg;
	return write(1, want, wantlen) == (ssize_t)wantlen ? 0 : 1;
}

static int
sleeper(void *arg)
{
	(void)arg;
	sleep(30);
	return 0;
}

struct keep {
	struct child	*c;
};

static void
keep_line(void *arg, char *line)
{
	struct child *c = ((struct keep *)arg)->c;

	if (gotlen + c->linelen + 1 > sizeof(got))
		return;
	memcpy(got + gotlen, line, c->linelen);
	gotlen += c->linelen;
	if (c->nl)
		got[gotlen++] = '\n';
}

/* A program's 0, 1 and 2 from fds (to 0-2) instead of /dev/null and the
 * pipe: what it reads and writes, and that the pipe saw none of it. */
static void
test_std_fds(void)
{
	char *argv[] = { "sh", "-c", "read x; echo \"out $x\"; echo err >&2",
	    NULL };
	char in[] = "/tmp/test_child.XXXXXX", out[] = "/tmp/test_child.XXXXXX",
	    buf[64];
	struct child_fd fds[3];
	struct child_spec s = { .argv = argv, .fds = fds, .nfds = 3 };
	struct child c;
	int fi, fo, st;
	ssize_t n;

	gotlen = 0;
	fi = mkstemp(in);
	fo = mkstemp(out);
	unlink(in);
	unlink(out);
	if (write(fi, "hello\n", 6) != 6 || lseek(fi, 0, SEEK_SET) != 0)
		fi = -1;
	fds[0] = (struct child_fd){ fcntl(fi, F_DUPFD_CLOEXEC, 3), 0 };
	fds[1] = (struct child_fd){ fcntl(fo, F_DUPFD_CLOEXEC, 3), 1 };
	fds[2] = (struct child_fd){ fcntl(fo, F_DUPFD_CLOEXEC, 3), 2 };
	st = child_run(&c, &s, keep_line, &(struct keep){ &c });
	n = pread(fo, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	ok(st == 0 && strcmp(buf, "out hello\nerr\n") == 0 && gotlen == 0,
	    "a program's 0, 1 and 2 given as fds: it reads and writes those, "
	    "and nothing comes through the pipe (%zd and %zu bytes)", n,
	    gotlen);
	close(fds[0].from);
	close(fds[1].from);
	close(fds[2].from);
	close(fi);
	close(fo);
}

int
main(void)
{
	struct child_spec s = { .fn = writer, .flags = CHILD_GROUP };
	struct child c;
	struct keep k = { &c };
	uint64_t t0;
	int st;

	memset(want, 'a', LONG);
	want[LONG] = '\n';
	memcpy(want + LONG + 1, "x\0y\nlast, no newline", 21);
	wantlen = LONG + 1 + 21;
	st = child_run(&c, &s, keep_line, &k);
	ok(st == 0, "the writer exits 0 (%d)", st);
	ok(gotlen == wantlen && memcmp(got, want, wantlen) == 0,
	    "its output comes back byte for byte: a %d-byte line, a NUL, an "
	    "unterminated last line (%zu of %zu bytes)", LONG, gotlen,
	    wantlen);

	s.fn = sleeper;
	s.timeout_ms = 200;
	t0 = child_now();
	st = child_run(&c, &s, NULL, NULL);
	ok(c.timedout && st > 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	    "a child past its deadline is killed (timedout %d, status %d)",
	    c.timedout, st);
	ok(child_now() - t0 < 5000, "at the deadline, not when it ends "
	    "(%llu ms)", (unsigned long long)(child_now() - t0));
	test_std_fds();
	tap_plan(tap_n);
	return tap_done();
}
