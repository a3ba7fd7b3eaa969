/*
 * test_remote.c — lab/remote.c without a network: a remote command's
 * words reach a POSIX shell as they were (spaces, quotes, $, ;, \, an
 * empty word, a newline), or the quoting says it does not fit; the ssh
 * command line is the one the design gives, option for option; the
 * control socket is DIR/host/NAME/ssh when ssh can bind it there and a
 * short path of the same name in every process when it cannot (too
 * long, or a character an ssh option cannot carry), with % doubled in
 * the option; destinations and socket paths ssh would misread are
 * refused with the host named.
 */
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/remote.h"
#include "tests/lib/tap.h"

/* What `sh -c "printf '<%s>\n' CMD"` prints for cmd, into out. */
static int
through_sh(const char *cmd, char *out, size_t len)
{
	char line[8192];
	FILE *f;
	size_t n;
	int p[2], st;
	pid_t pid;

	snprintf(line, sizeof(line), "printf '<%%s>\\n' %s", cmd);
	if (pipe(p) != 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		execl("/bin/sh", "sh", "-c", line, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
test_quote(void)
{
	char *words[] = { "rumplab", "a b", "it's", "$HOME", "a;b", "",
	    "x\"y", "back\\slash", "`id`", "two\nlines", "*", NULL };
	char *small[] = { "abc", NULL };
	char cmd[1024], out[2048], want[2048];
	int i, n;
	size_t off = 0;

	n = remote_quote(words, cmd, sizeof(cmd));
	ok(n > 0 && strcmp(cmd, "'rumplab' 'a b' 'it'\\''s' '$HOME' "
	    "'a;b' '' 'x\"y' 'back\\slash' '`id`' 'two\nlines' '*'") == 0,
	    "quoting: each word in single quotes, a ' as '\\''");
	for (i = 0; words[i] != NULL; i++)
		off += (size_t)snprintf(want + off, sizeof(want) - off,
		    "<%s>\n", words[i]);
	ok(through_sh(cmd, out, sizeof(out)) == 0 && strcmp(out, want) == 0,
	    "sh sees every word as it was given");
	ok(remote_quote(small, cmd, 6) == 5 && strcmp(cmd, "'abc'") == 0 &&
	    remote_quote(small, cmd, 5) == -E2BIG,
	    "a quoting that fits its buffer exactly; one byte less: -E2BIG");
}

static int
argv_is(const char **argv, const char *const *want)
{
	int i;

	for (i = 0; want[i] != NULL; i++)
		if (argv[i] == NULL || strcmp(argv[i], want[i]) != 0) {
			diag("word %d: '%s', not '%s'", i,
			    argv[i] ? argv[i] : "(end)", want[i]);
			return 0;
		}
	return argv[i] == NULL;
}

static void
test_argv(void)
{
	struct lab_host h = { .name = "b", .ssh = "rl@127.0.0.1",
	    .ssh_config = "/etc/lab-ssh.conf", .port = 2222,
	    .rumplab = "rumplab" };
	struct lab_host bare = { .name = "c", .ssh = "example.org" };
	const char *opts[] = { "-O", "check", NULL };
	const char *full[] = { "ssh", "-F", "/etc/lab-ssh.conf", "-p", "2222",
	    "-o", "BatchMode=yes", "-o", "ControlPath=/run/l/host/b/ssh",
	    "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3",
	    "-O", "check", "--", "rl@127.0.0.1", NULL };
	const char *plain[] = { "ssh", "-o", "BatchMode=yes", "-o",
	    "ControlPath=/run/l/host/c/ssh", "-o", "ServerAliveInterval=5",
	    "-o", "ServerAliveCountMax=3", "--", "example.org",
	    "'rumplab' 'status'", NULL };
	const char *argv[REMOTE_ARGMAX];
	char why[REMOTE_WHYMAX];
	struct remote r;

	ok(remote_init(&r, &h, "/run/l", why, sizeof(why)) == 0 &&
	    strcmp(r.ctl, "/run/l/host/b/ssh") == 0 &&
	    strcmp(r.log, "/run/l/host/b/ssh.log") == 0,
	    "the control socket and the master's log are in DIR/host/NAME");
	ok(remote_argv(&r, opts, NULL, argv, REMOTE_ARGMAX) == 17 &&
	    argv_is(argv, full), "ssh's words: -F, -p, the options, ours, "
	    "--, the destination");
	ok(remote_argv(&r, opts, NULL, argv, 17) == -E2BIG &&
	    remote_argv(&r, opts, NULL, argv, 18) == 17,
	    "an argv one word short: -E2BIG");
	remote_init(&r, &bare, "/run/l", why, sizeof(why));
	ok(remote_argv(&r, NULL, "'rumplab' 'status'", argv,
	    REMOTE_ARGMAX) == 12 && argv_is(argv, plain),
	    "without ssh_config and port: neither -F nor -p; the remote "
	    "command last, one word");
}

static void
test_ctl(void)
{
	struct lab_host h = { .name = "b", .ssh = "rl@127.0.0.1" };
	char dir[256], why[REMOTE_WHYMAX], first[STATEDIR_PATHMAX],
	    prefix[64];
	struct remote r;
	int rc;

	/* DIR/host/b/ssh is 90 bytes: the longest ssh binds. */
	memset(dir, 'd', 79);
	dir[0] = '/';
	dir[79] = '\0';
	ok(remote_init(&r, &h, dir, why, sizeof(why)) == 0 &&
	    strlen(r.ctl) == REMOTE_CTLMAX,
	    "a control path of %d bytes stays in DIR", REMOTE_CTLMAX);
	strcat(dir, "d");
	snprintf(prefix, sizeof(prefix), "/tmp/rumplab-ssh-%u/",
	    (unsigned)getuid());
	rc = remote_init(&r, &h, dir, why, sizeof(why));
	snprintf(first, sizeof(first), "%s", r.ctl);
	ok(rc == 1 && strncmp(r.ctl, prefix, strlen(prefix)) == 0 &&
	    strlen(r.ctl) <= REMOTE_CTLMAX &&
	    strstr(why, "host b (rl@127.0.0.1): ssh's control socket is "
	    "/tmp/rumplab-ssh-") == why && strstr(why, "is 91 bytes") != NULL,
	    "one byte longer: a short path, and why says where and why: %s",
	    why);
	remote_init(&r, &h, dir, why, sizeof(why));
	ok(strcmp(r.ctl, first) == 0 && strcmp(r.log + strlen(dir),
	    "/host/b/ssh.log") == 0,
	    "the same short path again; the log stays in DIR");
	ok(remote_init(&r, &h, "/run/my labs", why, sizeof(why)) == 1 &&
	    strncmp(r.ctl, prefix, strlen(prefix)) == 0 &&
	    strstr(why, "cannot carry") != NULL,
	    "a space, which ssh's option would split at: a short path (%s)",
	    why);
	ok(remote_init(&r, &h, "/run/100%", why, sizeof(why)) == 0 &&
	    strcmp(r.ctlopt, "ControlPath=/run/100%%/host/b/ssh") == 0,
	    "a %% is doubled in the option, which ssh expands");
}

static void
test_refused(void)
{
	struct lab_host h = { .name = "b", .ssh = "-oProxyCommand=sh" };
	struct lab_host none = { .name = "a" };
	struct lab_host ok_h = { .name = "b", .ssh = "rl@127.0.0.1" };
	const char *l1[] = { "/run/l/sock/0" }, *bad[] = { "/run/a:b" },
	    *rel[] = { "sock/0" };
	char why[REMOTE_WHYMAX];
	struct remote r;

	ok(remote_init(&r, &h, "/run/l", why, sizeof(why)) == -EINVAL &&
	    strcmp(why, "host b (-oProxyCommand=sh): a destination cannot "
	    "begin with '-'") == 0, "a destination ssh would take for an "
	    "option is refused: %s", why);
	ok(remote_init(&r, &none, "/run/l", why, sizeof(why)) == -EINVAL &&
	    strcmp(why, "host a (this machine): no ssh destination") == 0,
	    "a host without ssh is refused: %s", why);
	remote_init(&r, &ok_h, "/run/l", why, sizeof(why));
	ok(remote_forward(&r, l1, l1, 1, why, sizeof(why)) == -ENOTCONN &&
	    strstr(why, "not running") != NULL,
	    "forwarding without a master: -ENOTCONN");
	r.started = true;	/* the paths are refused before ssh runs */
	ok(remote_forward(&r, l1, bad, 1, why, sizeof(why)) == -EINVAL &&
	    strcmp(why, "host b (rl@127.0.0.1): socket /run/a:b: ssh -L "
	    "cannot forward a path with ':'") == 0, "%s", why);
	ok(remote_forward(&r, rel, l1, 1, why, sizeof(why)) == -EINVAL &&
	    strstr(why, "not an absolute path") != NULL, "%s", why);
	r.started = false;
	ok(r.nfwd == 0, "nothing refused was kept as forwarded");
}

int
main(void)
{
	tap_plan(18);
	test_quote();
	test_argv();
	test_ctl();
	test_refused();
	return tap_done();
}
