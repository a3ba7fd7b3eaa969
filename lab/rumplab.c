/*
 * rumplab.c — the rumplab command: global options, then a verb looked up
 * in one table (iproute2 style).  Adding a verb is one line in `verbs`
 * and a function `int verb_X(int argc, char **argv)` (lab/verbs.h) that
 * prints its own output and returns the exit status.  Unambiguous
 * prefixes of verbs work (`rumplab val` is validate); an ambiguous one
 * is refused with the verbs it begins.
 *
 * The options every verb shares are taken here, wherever they stand
 * before a "--": -l LAB (--lab LAB, --lab=LAB), the lab a verb works on,
 * and --json, for the verbs that show something.  The table says which
 * verbs take which; the verbs find them in verb_opts.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lab/verbs.h"
#include "version.h"

struct verb_opts verb_opts;

const struct verb verbs[] = {
	{ "validate", verb_validate, "FILE... | -l LAB",
	    "check topology files without starting anything",
	    VL_TOPOLOGY, false, "FILE...", 0 },
	{ "plan", verb_plan, "[FILE] [--json] [--busdir DIR] [--node NODE]",
	    "print each node's planned configuration (the default topology "
	    "without FILE; a running lab's with -l LAB)",
	    VL_TOPOLOGY, true, "FILE", 0 },
	{ "generate", verb_generate,
	    "line|ring|star|tree|grid N [--hosts] [--ipv6|--dual] [-o FILE]",
	    "write a topology of N routers in a standard shape",
	    VL_NONE, false, "line|ring|star|tree|grid", 0 },
	{ "import", verb_import, "kathara DIR | clab FILE [-o FILE]",
	    "make a rumplab topology of a Kathará lab or a containerlab "
	    "file", VL_NONE, false, "kathara|clab DIR|FILE", 0 },
	{ "up", verb_up, "[FILE] [--name NAME] [--jobs N] [-q]",
	    "start a lab and its services (the default topology without "
	    "FILE; -l LAB names it as --name does)", VL_NAME, false, "FILE", 0 },
	{ "down", verb_down, "[LAB]",
	    "stop a lab and remove everything it made", VL_RUNNING, false,
	    "LAB", 0 },
	{ "status", verb_status, "[LAB] [--json]",
	    "a running lab's nodes (pid, state, interfaces), services and "
	    "buses", VL_RUNNING, true, "LAB", 0 },
	{ "list", verb_list, "[--json]", "the labs running under this user",
	    VL_RUNNING, true, "", 0 },
	{ "exec", verb_exec, "[--lab LAB] [--host] NODE [-- CMD [ARG...]]",
	    "run CMD on NODE (its sockets and /rump files the node's), or a "
	    "shell whose programs all run there; --host: on the host's own "
	    "network", VL_RUNNING, false, "NODE", 1 },
	{ "check", verb_check, "[LAB] [--json]",
	    "grade the lab: its checks (reachability, paths, commands' output) "
	    "and steps", VL_RUNNING, true, "LAB", 0 },
	{ "node", verb_node, "stop|start|restart|kill NODE [--lab LAB] "
	    "[--json]",
	    "stop, start, restart or kill (as a crash would) one node",
	    VL_RUNNING, true, "@node NODE", 0 },
	{ "link", verb_link, "show [NODE:IF|BUS] | set NODE:IF|BUS "
	    "[in|out|both] SETTING... [--lab LAB] [--json]",
	    "show or change links: down, up, delay, jitter, loss, dup, "
	    "reorder, corrupt, rate, limit, mtu, clear", VL_RUNNING, true,
	    "@link TARGET SETTING...", 0 },
	{ "bus", verb_bus, "cut|join BUS [--lab LAB] [--json]",
	    "partition a segment (every interface on it loses carrier) or "
	    "join it again", VL_RUNNING, true, "@bus BUS", 0 },
	{ "capture", verb_capture, "BUS|NODE:IF [-w FILE|-] [--rewind] "
	    "[-c COUNT] [--lab LAB] [--json]",
	    "live pcap of a bus or of what an interface sends and receives",
	    VL_RUNNING, true, "TARGET", 0 },
	{ "graph", verb_graph, "[FILE|LAB] [-T dot|svg|png|pdf] [-o OUT] "
	    "[--layout dot|neato|fdp|sfdp|circo|twopi] "
	    "[--cluster auto|group|subnet|none] [--labels auto|all|brief] "
	    "[--watch [--interval SECS]]",
	    "draw a topology, or a running lab with its live state "
	    "(Graphviz)", VL_RUNNING, false, "LAB|FILE", 0 },
	{ "console", verb_console, "[LAB]",
	    "the ncurses console: nodes, buses, frames, actions, live",
	    VL_RUNNING, false, "LAB", 0 },
	{ "uplink", verb_uplink, "BUSFILE URL... [--stats FILE]",
	    "join a bus file to VDE networks (udp://, vxvde://, vde://): "
	    "frames cross both ways until Ctrl-C", VL_NONE, false,
	    "FILE URL...", 0 },
	{ "completion", verb_completion, "bash|zsh",
	    "print a shell completion script (verbs, options, labs, nodes, "
	    "interfaces)", VL_NONE, false, "bash|zsh", 0 },
	{ "supervise", verb_supervise, "DIR FD JOBS",
	    "the lab's supervisor (started by up; not for direct use)",
	    VL_NONE, false, "", 0 },
	{ NULL, NULL, NULL, NULL, VL_NONE, false, NULL, 0 },
};

/* The supervisor is started by up: no prefix of a user's reaches it. */
static bool
internal(const struct verb *v)
{
	return v->fn == verb_supervise;
}

static void
usage(FILE *f)
{
	const struct verb *v;

	fprintf(f, "usage: rumplab [-l LAB] [--json] VERB [ARGS...]\n"
	    "       rumplab VERB --help\n\nverbs:\n");
	for (v = verbs; v->name != NULL; v++)
		if (!internal(v))
			fprintf(f, "  %-10s %s\n", v->name, v->help);
	fprintf(f, "\n-l LAB (--lab LAB) names the running lab a verb works on "
	    "and --json asks a\nverb that shows something for JSON; both "
	    "may stand anywhere before \"--\".\n"
	    "Topologies are described in rumplab(5); the command in "
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

/* Is argv[*i] a shared option?  Takes it (and its value) into
 * verb_opts: 1; 0 when it is not one; -1 after saying what is wrong. */
static int
take_one(int argc, char **argv, int *i)
{
	const char *lab;

	if (strcmp(argv[*i], "--json") == 0) {
		verb_opts.json = true;
		return 1;
	}
	if (strcmp(argv[*i], "-l") == 0 || strcmp(argv[*i], "--lab") == 0) {
		if (*i + 1 == argc) {
			fprintf(stderr, "rumplab: %s needs a lab's name\n",
			    argv[*i]);
			return -1;
		}
		lab = argv[++*i];
	} else if (strncmp(argv[*i], "--lab=", 6) == 0)
		lab = argv[*i] + 6;
	else
		return 0;
	if (verb_opts.lab != NULL && strcmp(verb_opts.lab, lab) != 0) {
		fprintf(stderr, "rumplab: two labs named: '%s' and '%s'\n",
		    verb_opts.lab, lab);
		return -1;
	}
	verb_opts.lab = lab;
	return 1;
}

/*
 * Takes the shared options out of argv[1..] into verb_opts, up to a
 * "--" or, for a verb that runs a command (exec), the command's first
 * word; the new argc, or -1 after saying what is wrong.
 */
static int
take_shared(int argc, char **argv)
{
	const struct verb *v = NULL;
	bool ambiguous;
	int i, n = 1, npos = 0, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0 || (v != NULL &&
		    v->cmdafter > 0 && npos == v->cmdafter &&
		    argv[i][0] != '-')) {
			while (i < argc)
				argv[n++] = argv[i++];
			break;
		}
		if ((r = take_one(argc, argv, &i)) < 0)
			return -1;
		if (r > 0)
			continue;
		argv[n++] = argv[i];
		if (argv[i][0] == '-')
			continue;
		if (n == 2)
			v = find_verb(argv[i], &ambiguous);
		else
			npos++;
	}
	argv[n] = NULL;
	return n;
}

/* The verbs that take v's flag, "list, status, ..." for a message. */
static void
verbs_with(bool json, char *buf, size_t len)
{
	const struct verb *v;
	size_t off = 0;

	buf[0] = '\0';
	for (v = verbs; v->name != NULL && off < len; v++)
		if (json ? v->json : v->lab != VL_NONE)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
			    off ? ", " : "", v->name);
}

/* Does v take the shared options it was given?  Says why not. */
static bool
takes_shared(const struct verb *v)
{
	char list[512];

	if (verb_opts.json && !v->json) {
		verbs_with(true, list, sizeof(list));
		fprintf(stderr, "rumplab %s: --json: %s has no JSON output "
		    "(verbs with it: %s)\n", v->name, v->name, list);
		return false;
	}
	if (verb_opts.lab != NULL && v->lab == VL_NONE) {
		verbs_with(false, list, sizeof(list));
		fprintf(stderr, "rumplab %s: -l %s: %s works on no lab "
		    "(verbs that take one: %s)\n", v->name, verb_opts.lab,
		    v->name, list);
		return false;
	}
	return true;
}

int
verb_lab(const char *verb, const char *positional, const char **lab)
{
	*lab = verb_opts.lab != NULL ? verb_opts.lab : positional;
	if (verb_opts.lab != NULL && positional != NULL &&
	    strcmp(verb_opts.lab, positional) != 0) {
		fprintf(stderr, "rumplab %s: two labs named: '%s' (-l) and "
		    "'%s'\n", verb, verb_opts.lab, positional);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const struct verb *v;
	bool ambiguous;

	if (version_asked(argc, argv, "rumplab"))
		return 0;
	if ((argc = take_shared(argc, argv)) < 0)
		return EXIT_USAGE;
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
	if (!takes_shared(v))
		return EXIT_USAGE;
	return v->fn(argc - 1, argv + 1);
}
