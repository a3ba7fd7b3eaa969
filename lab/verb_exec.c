/*
 * verb_exec.c — `rumplab exec [--lab LAB] NODE -- CMD [ARG...]`: run a
 * host program as a client of one node, in the environment launch_env()
 * makes (lab/launch.h: RUMP_SERVER for the rump.* commands and
 * librumpclient programs, the hijack library preloaded when it is
 * installed, RUMPLAB_LAB and RUMPLAB_NODE, the rump.* commands on the
 * path).  The program replaces rumplab (exec), so its exit status is
 * ours.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/labctl.h"
#include "lab/launch.h"
#include "lab/verbs.h"

/* The node's index: its line in the state file. */
static int
node_index(const char *dir, const char *node)
{
	struct labstate st;
	int i, k = -1;

	if (statefile_read(dir, &st) != 0)
		return -1;
	for (i = 0; i < st.nnodes; i++)
		if (strcmp(st.nodes[i].name, node) == 0)
			k = i;
	free(st.nodes);
	return k;
}

int
verb_exec(int argc, char **argv)
{
	char dir[STATEDIR_PATHMAX], why[600];
	const char *lab = NULL, *node = NULL;
	struct launch_env env;
	int i, k, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--lab") == 0 && i + 1 < argc)
			lab = argv[++i];
		else if (argv[i][0] != '-' && node == NULL)
			node = argv[i];
		else if (node != NULL)
			break;		/* CMD without `--` */
		else {
			verb_usage("exec", stderr);
			return EXIT_USAGE;
		}
	}
	if (node == NULL || i >= argc) {
		verb_usage("exec", stderr);
		return EXIT_USAGE;
	}
	if ((r = labctl_find(lab, dir, sizeof(dir), why, sizeof(why))) != 0) {
		fprintf(stderr, "rumplab exec: %s%s\n", why,
		    r == -EEXIST ? " with --lab" : "");
		return r == -EEXIST ? EXIT_USAGE : 1;
	}
	if ((k = node_index(dir, node)) < 0) {
		fprintf(stderr, "rumplab exec: no node '%s' in lab %s (see "
		    "rumplab status %s)\n", node, labctl_name(dir),
		    labctl_name(dir));
		return 1;
	}
	if ((r = launch_env(&env, dir, k, node)) != 0) {
		fprintf(stderr, "rumplab exec: %s\n", strerror(-r));
		return 1;
	}
	environ = env.envp;	/* execvp() searches its PATH */
	execvp(argv[i], argv + i);
	fprintf(stderr, "rumplab exec: %s: %s\n", argv[i], strerror(errno));
	return 127;
}
