/*
 * rumplab.c — the rumplab command: global options, then a verb looked up
 * in one table (iproute2 style).  Adding a verb is one line in `verbs`
 * and a function `int verb_X(int argc, char **argv)` (lab/verbs.h) that
 * prints its own output and returns the exit status.  Unambiguous
 * prefixes of verbs work (`rumplab val` is validate); an ambiguous one
 * is refused with the verbs it begins.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lab/verbs.h"
#include "version.h"

struct verb {
	const char	*name;
	int		(*fn)(int argc, char **argv);
	const char	*args;		/* usage after the verb */
	const char	*help;		/* one line */
};

static const struct verb verbs[] = {
	{ "validate", verb_validate, "FILE...",
	    "check topology files without starting anything" },
	{ "plan", verb_plan, "[FILE] [--json] [--busdir DIR] [--node NODE]",
	    "print each node's planned configuration (the default topology "
	    "without FILE)" },
	{ "generate", verb_generate,
	    "line|ring|star|tree|grid N [--hosts] [--ipv6|--dual] [-o FILE]",
	    "write a topology of N routers in a standard shape" },
	{ "import", verb_import, "kathara DIR | clab FILE [-o FILE]",
	    "make a rumplab topology of a Kathará lab or a containerlab "
	    "file" },
	{ "up", verb_up, "[FILE] [--name NAME] [--jobs N] [-q]",
	    "start a lab and its services (the default topology without "
	    "FILE)" },
	{ "down", verb_down, "[LAB]",
	    "stop a lab and remove everything it made" },
	{ "status", verb_status, "[LAB] [--json]",
	    "a running lab's nodes (pid, state, interfaces), services and "
	    "buses" },
	{ "list", verb_list, "", "the labs running under this user" },
	{ "exec", verb_exec, "[--lab LAB] [--host] NODE [-- CMD [ARG...]]",
	    "run CMD on NODE (its sockets and /rump files the node's), or a "
	    "shell whose programs all run there; --host: on the host's own "
	    "network" },
	{ "check", verb_check, "[LAB] [--json]",
	    "grade the lab: its checks (reachability, paths, commands' output) "
	    "and steps" },
	{ "node", verb_node, "stop|start|restart|kill NODE [--lab LAB]",
	    "stop, start, restart or kill (as a crash would) one node" },
	{ "link", verb_link, "show [NODE:IF|BUS] | set NODE:IF|BUS "
	    "[in|out|both] SETTING... [--lab LAB]",
	    "show or change links: down, up, delay, jitter, loss, dup, "
	    "reorder, corrupt, rate, limit, mtu, clear" },
	{ "bus", verb_bus, "cut|join BUS [--lab LAB]",
	    "partition a segment (every interface on it loses carrier) or "
	    "join it again" },
	{ "capture", verb_capture, "BUS|NODE:IF [-w FILE|-] [--rewind] "
	    "[-c COUNT] [--lab LAB]",
	    "live pcap of a bus or of what an interface sends and receives" },
	{ "graph", verb_graph, "[FILE|LAB] [-T dot|svg|png|pdf] [-o OUT] "
	    "[--layout dot|neato|fdp|sfdp|circo|twopi] "
	    "[--cluster auto|group|subnet|none] [--labels auto|all|brief] "
	    "[--watch [--interval SECS]]",
	    "draw a topology, or a running lab with its live state "
	    "(Graphviz)" },
	{ "console", verb_console, "[LAB]",
	    "the ncurses console: nodes, buses, frames, actions, live" },
	{ "supervise", verb_supervise, "DIR FD JOBS",
	    "the lab's supervisor (started by up; not for direct use)" },
	{ NULL, NULL, NULL, NULL },
};

static void
usage(FILE *f)
{
	const struct verb *v;

	fprintf(f, "usage: rumplab VERB [ARGS...]\n"
	    "       rumplab VERB --help\n\nverbs:\n");
	for (v = verbs; v->name != NULL; v++)
		fprintf(f, "  %-10s %s\n", v->name, v->help);
	fprintf(f, "\nTopologies are described in rumplab(5); the command in "
	    "rumplab(1).\n");
}

void
verb_usage(const char *verb, FILE *f)
{
	const struct verb *v;

	for (v = verbs; v->name != NULL; v++)
		if (strcmp(v->name, verb) == 0) {
			fprintf(f, "usage: rumplab %s %s\n  %s\n", v->name,
			    v->args, v->help);
			return;
		}
}

int
verb_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

/* The supervisor is started by up: no prefix of a user's reaches it. */
static bool
internal(const struct verb *v)
{
	return v->fn == verb_supervise;
}

/*
 * The verb `name` names exactly, or as the only verb it begins.  An
 * internal verb (supervise) answers to its full name only.  NULL when no
 * verb matches; *ambiguous is set when several do.
 */
static const struct verb *
find_verb(const char *name, bool *ambiguous)
{
	const struct verb *v, *match = NULL;
	size_t len = strlen(name);

	*ambiguous = false;
	for (v = verbs; v->name != NULL; v++) {
		if (strcmp(v->name, name) == 0)
			return v;
		if (len > 0 && !internal(v) &&
		    strncmp(v->name, name, len) == 0) {
			if (match != NULL)
				*ambiguous = true;
			match = v;
		}
	}
	return *ambiguous ? NULL : match;
}

/* "verb 'c' is ambiguous (check, capture, console)" */
static void
unknown_verb(const char *name, bool ambiguous)
{
	const struct verb *v;
	const char *sep = "";

	if (!ambiguous) {
		fprintf(stderr, "rumplab: unknown verb '%s' (try rumplab "
		    "--help)\n", name);
		return;
	}
	fprintf(stderr, "rumplab: verb '%s' is ambiguous (", name);
	for (v = verbs; v->name != NULL; v++)
		if (!internal(v) && strncmp(v->name, name, strlen(name)) == 0) {
			fprintf(stderr, "%s%s", sep, v->name);
			sep = ", ";
		}
	fprintf(stderr, "); give more letters\n");
}

int
main(int argc, char **argv)
{
	const struct verb *v;
	bool ambiguous;

	if (version_asked(argc, argv, "rumplab"))
		return 0;
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2 && (v = find_verb(argv[2], &ambiguous)) != NULL)
			verb_usage(v->name, stdout);
		else
			usage(stdout);
		return 0;
	}
	if ((v = find_verb(argv[1], &ambiguous)) == NULL) {
		unknown_verb(argv[1], ambiguous);
		return EXIT_USAGE;
	}
	if (verb_wants_help(argc - 1, argv + 1)) {
		verb_usage(v->name, stdout);
		return 0;
	}
	return v->fn(argc - 1, argv + 1);
}
