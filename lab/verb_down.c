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
#include "lab/plan.h"
#include "lab/remote.h"
#include "lab/verbs.h"

/*
 * A lab across machines whose coordinator does not answer: its parts on
 * the other hosts are stopped over ssh (`rumplab down LAB@HOST` there).
 * How many could not be; each is named on stderr.
 */
static int
down_parts(const char *dir)
{
	char why[REMOTE_WHYMAX], path[STATEDIR_PATHMAX];
	struct remote rm;
	struct lab *lab;
	struct stat st;
	int h, here, failed = 0;

	statedir_file(dir, "part", path);
	if (stat(path, &st) == 0 || labctl_open_lab(dir, &lab) != 0)
		return 0;
	here = labctl_host(dir, lab);
	for (h = 0; h < lab->nhosts; h++) {
		if (h == here || lab->hosts[h].ssh == NULL ||
		    remote_init(&rm, &lab->hosts[h], dir, why, sizeof(why)) < 0)
			continue;
		if (remote_down_part(&rm, labctl_name(dir), 30000, why,
		    sizeof(why)) != 0) {
			fprintf(stderr, "rumplab down: host %s (%s): its part "
			    "%s@%s is not known to be down: %s\n",
			    lab->hosts[h].name, lab->hosts[h].ssh,
			    labctl_name(dir), lab->hosts[h].name, why);
			failed++;
		}
		(void)remote_stop(&rm, NULL, 0);
	}
	lab_close(lab);
	return failed;
}

static int
down_one(const char *dir)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	struct ctl_reply rp;
	struct ctl_conn c;
	struct stat st;
	char why[256];
	int i, killed;

	int unreached;

	if (ctl_open(dir, &c, CTL_DOWN, 0, NULL, why, sizeof(why)) == 0) {
		while ((i = ctl_next(&c, &rp, 120000)) == 1 &&
		    !ctl_reply_final(&rp))
			;
		ctl_close(&c);
		for (i = 0; i < 500 && stat(dir, &st) == 0; i++)
			nanosleep(&ts, NULL);
		if (stat(dir, &st) != 0) {
			/* Its word: a lab across machines says which
			 * hosts it could not reach. */
			if (rp.kind == CK_OK && rp.textlen > 0)
				printf("%s\n", rp.text);
			else
				printf("lab %s is down\n", labctl_name(dir));
			return 0;
		}
	}
	unreached = down_parts(dir);
	killed = labctl_cleanup(dir);
	if (stat(dir, &st) == 0) {
		fprintf(stderr, "rumplab down: %s: cannot remove it: %s\n",
		    dir, strerror(errno));
		return 1;
	}
	printf("lab %s is down%s (its supervisor did not answer; %d "
	    "processes stopped by hand)\n", labctl_name(dir), unreached ?
	    " here, but not on every host" : "", killed);
	return unreached ? 1 : 0;
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
