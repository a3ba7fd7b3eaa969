/*
 * verb_link.c — the verbs that change a running lab's links and nodes
 * through its supervisor (lab/CONTROL.txt), and their shared request
 * path:
 *   rumplab link show [TARGET] [--lab LAB]
 *   rumplab link set TARGET [in|out|both] SETTING... [--lab LAB]
 *   rumplab bus cut|join BUS [--lab LAB]
 *   rumplab node stop|start|restart|kill NODE [--lab LAB]
 * TARGET is NODE:IF (an interface, by name or by its bus's name) or BUS.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lab/control.h"
#include "lab/labctl.h"
#include "lab/verbs.h"

/* Prints `link show` lines as two tables. */
static void
show_line(const char *line, int *hdr)
{
	char what[8], target[160], bus[80], state[16];
	int off = 0;

	if (sscanf(line, "%7s %159s", what, target) < 2)
		return;
	if (strcmp(what, "iface") == 0 &&
	    sscanf(line, "%*s %*s %79s %15s %n", bus, state, &off) >= 2) {
		if (*hdr != 1)
			printf("%s%-24s %-16s %-5s %s\n", *hdr ? "\n" : "",
			    "INTERFACE", "BUS", "LINK", "IMPAIRMENTS");
		*hdr = 1;
		printf("%-24s %-16s %-5s %s\n", target, bus, state,
		    line[off] ? line + off : "-");
	} else if (strcmp(what, "bus") == 0 &&
	    sscanf(line, "%*s %*s %15s %n", state, &off) >= 1) {
		if (*hdr != 2)
			printf("%s%-24s %-6s %s\n", *hdr ? "\n" : "", "BUS",
			    "STATE", "IMPAIRMENTS (every member's out)");
		*hdr = 2;
		printf("%-24s %-6s %s\n", target, state,
		    line[off] ? line + off : "-");
	}
}

/*
 * Sends one request to lab's supervisor and reports the answer: `ok
 * TEXT` printed, `error TEXT` on stderr, `log` lines on stderr; other
 * lines through show_line when table is set.  Exit status.
 */
static int
ctl_request(const char *verb, const char *lab, const char *req, bool table)
{
	char dir[STATEDIR_PATHMAX], why[600], line[CTL_LINEMAX];
	struct ctl_conn c;
	int r, status = 1, hdr = 0;

	if ((r = labctl_find(lab, dir, sizeof(dir), why, sizeof(why))) != 0) {
		fprintf(stderr, "rumplab %s: %s%s\n", verb, why,
		    r == -EEXIST ? " with --lab" : "");
		return r == -EEXIST ? EXIT_USAGE : 1;
	}
	if ((r = ctl_connect(dir, &c)) != 0 || (r = ctl_send(&c, "%s", req))
	    != 0) {
		ctl_close(&c);
		fprintf(stderr, "rumplab %s: lab %s: its supervisor does not "
		    "answer (%s); `rumplab down %s` cleans up\n", verb,
		    labctl_name(dir), strerror(-r), labctl_name(dir));
		return 1;
	}
	while ((r = ctl_readline(&c, line, sizeof(line), 120000)) == 1) {
		if (strncmp(line, "log ", 4) == 0)
			fprintf(stderr, "    | %s\n", line + 4);
		else if (strcmp(line, "ok") == 0 ||
		    strncmp(line, "ok ", 3) == 0) {
			if (line[2] != '\0')
				printf("%s\n", line + 3);
			status = 0;
			break;
		} else if (strncmp(line, "error ", 6) == 0) {
			fprintf(stderr, "rumplab %s: %s\n", verb, line + 6);
			break;
		} else if (table)
			show_line(line, &hdr);
	}
	if (r != 1)
		fprintf(stderr, "rumplab %s: lab %s: no answer from its "
		    "supervisor\n", verb, labctl_name(dir));
	ctl_close(&c);
	return status;
}

/* argv without `--lab LAB` (which goes to *lab); returns the new argc. */
static int
take_lab(int argc, char **argv, const char **lab)
{
	int i, n = 0;

	*lab = NULL;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--lab") == 0 && i + 1 < argc)
			*lab = argv[++i];
		else
			argv[n++] = argv[i];
	}
	return n;
}

/* The request: words joined by spaces; -1 when too long or a word has a
 * space in it (the protocol splits on spaces). */
static int
join(char *buf, size_t len, int argc, char **argv)
{
	size_t o = 0;
	int i, k;

	buf[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (argv[i][0] == '\0' || strpbrk(argv[i], " \t\n") != NULL)
			return -1;
		k = snprintf(buf + o, len - o, "%s%s", i ? " " : "", argv[i]);
		if (k < 0 || (size_t)k >= len - o)
			return -1;
		o += (size_t)k;
	}
	return 0;
}

int
verb_link(int argc, char **argv)
{
	char req[CTL_LINEMAX];
	const char *lab;

	argc = take_lab(argc, argv, &lab);
	if (argc < 2 || (strcmp(argv[1], "show") == 0 && argc > 3) ||
	    (strcmp(argv[1], "set") == 0 && argc < 4) ||
	    (strcmp(argv[1], "show") != 0 && strcmp(argv[1], "set") != 0)) {
		verb_usage("link", stderr);
		return EXIT_USAGE;
	}
	if (join(req, sizeof(req), argc, argv) != 0) {
		fprintf(stderr, "rumplab link: a setting is empty, has a "
		    "space in it or the whole is too long\n");
		return EXIT_USAGE;
	}
	return ctl_request("link", lab, req, strcmp(argv[1], "show") == 0);
}

int
verb_bus(int argc, char **argv)
{
	char req[CTL_LINEMAX];
	const char *lab;

	argc = take_lab(argc, argv, &lab);
	if (argc != 3 || (strcmp(argv[1], "cut") != 0 &&
	    strcmp(argv[1], "join") != 0) || join(req, sizeof(req), argc,
	    argv) != 0) {
		verb_usage("bus", stderr);
		return EXIT_USAGE;
	}
	return ctl_request("bus", lab, req, false);
}

int
verb_node(int argc, char **argv)
{
	char req[CTL_LINEMAX];
	const char *lab;

	argc = take_lab(argc, argv, &lab);
	if (argc != 3 || (strcmp(argv[1], "stop") != 0 &&
	    strcmp(argv[1], "start") != 0 && strcmp(argv[1], "restart") != 0 &&
	    strcmp(argv[1], "kill") != 0) ||
	    join(req, sizeof(req), argc, argv) != 0) {
		verb_usage("node", stderr);
		return EXIT_USAGE;
	}
	return ctl_request("node", lab, req, false);
}
