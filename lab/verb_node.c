/*
 * verb_node.c — `rumplab node stop|start|restart NODE [--lab LAB]`: the
 * supervisor stops the node's kernel and run: commands, or starts and
 * configures it again from the plan (its buses and addresses are the
 * same, so its neighbours see it come back).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lab/control.h"
#include "lab/labctl.h"
#include "lab/verbs.h"

int
verb_node(int argc, char **argv)
{
	char dir[STATEDIR_PATHMAX], why[600], line[CTL_LINEMAX];
	const char *lab = NULL, *op = NULL, *node = NULL;
	struct ctl_conn c;
	int i, r, status = 1;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lab") == 0 && i + 1 < argc)
			lab = argv[++i];
		else if (op == NULL)
			op = argv[i];
		else if (node == NULL)
			node = argv[i];
		else
			op = NULL, i = argc;
	}
	if (op == NULL || node == NULL || (strcmp(op, "stop") != 0 &&
	    strcmp(op, "start") != 0 && strcmp(op, "restart") != 0)) {
		verb_usage("node", stderr);
		return EXIT_USAGE;
	}
	if ((r = labctl_find(lab, dir, sizeof(dir), why, sizeof(why))) != 0) {
		fprintf(stderr, "rumplab node: %s%s\n", why,
		    r == -EEXIST ? " with --lab" : "");
		return r == -EEXIST ? EXIT_USAGE : 1;
	}
	if ((r = ctl_connect(dir, &c)) != 0 ||
	    (r = ctl_send(&c, "node %s %s", op, node)) != 0) {
		ctl_close(&c);
		fprintf(stderr, "rumplab node: lab %s: its supervisor does not "
		    "answer (%s); `rumplab down %s` cleans up\n",
		    labctl_name(dir), strerror(-r), labctl_name(dir));
		return 1;
	}
	while ((r = ctl_readline(&c, line, sizeof(line), 120000)) == 1) {
		if (strncmp(line, "log ", 4) == 0)
			fprintf(stderr, "    | %s\n", line + 4);
		else if (strncmp(line, "ok ", 3) == 0) {
			printf("%s\n", line + 3);
			status = 0;
			break;
		} else if (strncmp(line, "error ", 6) == 0) {
			fprintf(stderr, "rumplab node: %s\n", line + 6);
			break;
		}
	}
	if (r != 1)
		fprintf(stderr, "rumplab node: lab %s: no answer from its "
		    "supervisor\n", labctl_name(dir));
	ctl_close(&c);
	return status;
}
