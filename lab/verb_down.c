/*
 * verb_down.c — `rumplab down [LAB]`: stop a lab; nothing is left behind.
 * Idempotent: no lab running is not an error.  The supervisor stops
 * everything when asked; when it does not answer (killed with -9) we
 * clean up ourselves from the state file and /proc (lab/labctl.c).
 * Interrupting signals are held off while we work: stopping half-way
 * would leave what Ctrl-C is meant to remove.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lab/ctlproto.h"
#include "lab/labctl.h"
#include "lab/verbs.h"

static int
down_one(const char *dir)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	struct ctl_reply rp;
	struct ctl_conn c;
	struct stat st;
	char why[256];
	int i, killed;

	if (ctl_open(dir, &c, CTL_DOWN, 0, NULL, why, sizeof(why)) == 0) {
		while (ctl_next(&c, &rp, 30000) == 1 && !ctl_reply_final(&rp))
			;
		ctl_close(&c);
		for (i = 0; i < 500 && stat(dir, &st) == 0; i++)
			nanosleep(&ts, NULL);
		if (stat(dir, &st) != 0) {
			printf("lab %s is down\n", labctl_name(dir));
			return 0;
		}
	}
	killed = labctl_cleanup(dir);
	if (stat(dir, &st) == 0) {
		fprintf(stderr, "rumplab down: %s: cannot remove it: %s\n",
		    dir, strerror(errno));
		return 1;
	}
	printf("lab %s is down (its supervisor did not answer; %d "
	    "processes stopped by hand)\n", labctl_name(dir), killed);
	return 0;
}

int
verb_down(int argc, char **argv)
{
	char dir[STATEDIR_PATHMAX], why[600];
	const char *name;
	sigset_t set;
	int r;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		verb_usage("down", stderr);
		return EXIT_USAGE;
	}
	if (verb_lab("down", argc == 2 ? argv[1] : NULL, &name) != 0)
		return EXIT_USAGE;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	r = labctl_find(name, dir, sizeof(dir), why, sizeof(why));
	if (r == -ENOENT) {
		printf("%s\n", why);
		return 0;
	}
	if (r != 0) {
		fprintf(stderr, "rumplab down: %s\n", why);
		return r == -EEXIST ? EXIT_USAGE : 1;
	}
	return down_one(dir);
}
