/*
 * verb_exec.c — `rumplab exec [--lab LAB] NODE -- CMD [ARG...]`: run a
 * host program as a client of one node: RUMP_SERVER points at the node
 * (the rump.* commands and librumpclient programs use it; the hijack
 * library will come with a later change), RUMPLAB_LAB and RUMPLAB_NODE
 * say where it runs.  The program replaces rumplab (exec), so its exit
 * status is ours.  A node that is not up is refused with its state and
 * the remedy, instead of the client's "Connection refused".
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/labctl.h"
#include "lab/labview.h"
#include "lab/launch.h"
#include "lab/plan.h"
#include "lab/verbs.h"

/* The node's index (its line in the state file) and that line. */
static int
node_index(const char *dir, const char *node, struct state_node *sn)
{
	struct labstate st;
	int i, k = -1;

	if (statefile_read(dir, &st) != 0)
		return -1;
	for (i = 0; i < st.nnodes; i++)
		if (strcmp(st.nodes[i].name, node) == 0) {
			k = i;
			*sn = st.nodes[i];
		}
	free(st.nodes);
	return k;
}

/*
 * A node that is not up has no server at its socket, and the client
 * would only say "Connection refused".  Say which state it is in, why
 * (from the supervisor) and what brings it back.  0 when it is up: the
 * state file says so and its process lives.
 */
static int
node_not_up(const char *dir, int k, const struct state_node *sn,
    const char *lab)
{
	char text[700], state[16];
	struct labview v;
	struct lab *model;
	bool down = true;

	if (strcmp(sn->state, "up") == 0 && labctl_pid_alive(sn->pid))
		return 0;
	snprintf(state, sizeof(state), "%s", strcmp(sn->state, "up") == 0 ?
	    "dead" : sn->state);
	snprintf(text, sizeof(text), "node %s is %s", sn->name, state);
	if (labctl_open_lab(dir, &model) == 0) {
		if (labview_fetch(dir, model, &v) == 0) {
			down = labview_node_down(model, &v, k, "", text,
			    sizeof(text));
			snprintf(state, sizeof(state), "%s", v.nodes[k].state);
			labview_free(&v);
		}
		lab_close(model);
	}
	if (!down)	/* it came up meanwhile */
		return 0;
	if (strcmp(state, "starting") == 0 || strcmp(state, "down") == 0)
		fprintf(stderr, "rumplab exec: %s; try again once `rumplab "
		    "status` shows it up\n", text);
	else
		fprintf(stderr, "rumplab exec: %s; `rumplab node start %s%s%s` "
		    "starts it\n", text, sn->name, lab ? " --lab " : "",
		    lab ? lab : "");
	return 1;
}

int
verb_exec(int argc, char **argv)
{
	char dir[STATEDIR_PATHMAX], why[600], url[STATEDIR_PATHMAX + 16];
	const char *lab = NULL, *node = NULL;
	struct state_node sn;
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
	if ((k = node_index(dir, node, &sn)) < 0) {
		fprintf(stderr, "rumplab exec: no node '%s' in lab %s (see "
		    "rumplab status %s)\n", node, labctl_name(dir),
		    labctl_name(dir));
		return 1;
	}
	if (node_not_up(dir, k, &sn, lab) != 0)
		return 1;
	launch_url(dir, k, url, sizeof(url));
	labctl_path_add_bindir();
	setenv("RUMP_SERVER", url, 1);
	setenv("RUMPLAB_LAB", labctl_name(dir), 1);
	setenv("RUMPLAB_NODE", node, 1);
	execvp(argv[i], argv + i);
	fprintf(stderr, "rumplab exec: %s: %s\n", argv[i], strerror(errno));
	return 127;
}
