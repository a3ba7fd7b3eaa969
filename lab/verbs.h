/*
 * verbs.h — the rumplab verbs.  Each is `int verb_NAME(int argc, char
 * **argv)` with argv[0] the verb itself; it parses its own options, prints
 * its own output and errors, and returns the exit status (0 ok, 1 the
 * thing checked failed, 2 usage).  The table of verbs is in lab/rumplab.c.
 */
#ifndef RUMPLAB_VERBS_H
#define RUMPLAB_VERBS_H

#include <stdbool.h>
#include <stdio.h>

#define EXIT_USAGE	2

/*
 * The options every verb shares, taken out of argv by lab/rumplab.c
 * before the verb runs (the verb never sees them): -l LAB, --lab LAB or
 * --lab=LAB, and --json, each given only to the verbs whose table entry
 * takes it.
 */
struct verb_opts {
	const char	*lab;		/* NULL: none named */
	bool		 json;
};
extern struct verb_opts verb_opts;

/* What -l LAB means to a verb. */
enum verb_lab {
	VL_NONE,		/* nothing: refused */
	VL_RUNNING,		/* the running lab it works on */
	VL_NAME,		/* the name of the lab it starts (up) */
	VL_TOPOLOGY,		/* the running lab's topology (plan, validate) */
};

/*
 * The table of verbs (lab/rumplab.c), ended by a NULL name.  complete
 * is what its positional arguments are, for completion
 * (lab/verb_completion.c): words separated by spaces, one per place, the
 * last repeated when it ends in "...": FILE, LAB, NODE, BUS, TARGET
 * (NODE:IF or BUS), SETTING (link set's words), a|b|c (those words),
 * @WORD (the second words of the control requests that begin with WORD:
 * "node stop", "node start", ... give stop, start, ...), X|Y (both).
 */
struct verb {
	const char	*name;
	int		(*fn)(int argc, char **argv);
	const char	*args;		/* usage after the verb */
	const char	*help;		/* one line */
	enum verb_lab	 lab;
	bool		 json;		/* takes --json */
	const char	*complete;
	int		 cmdafter;	/* > 0: after this many positional
					 * words a command begins (exec's
					 * NODE), where no shared option is
					 * looked for */
};
extern const struct verb verbs[];

int	verb_validate(int argc, char **argv);
int	verb_plan(int argc, char **argv);
int	verb_generate(int argc, char **argv);
int	verb_import(int argc, char **argv);
int	verb_up(int argc, char **argv);
int	verb_down(int argc, char **argv);
int	verb_status(int argc, char **argv);
int	verb_list(int argc, char **argv);
int	verb_exec(int argc, char **argv);
int	verb_check(int argc, char **argv);
int	verb_node(int argc, char **argv);	/* lab/verb_link.c */
int	verb_link(int argc, char **argv);
int	verb_bus(int argc, char **argv);
int	verb_capture(int argc, char **argv);
int	verb_supervise(int argc, char **argv);
int	verb_graph(int argc, char **argv);	/* viz/graph_verb.c */
int	verb_console(int argc, char **argv);	/* viz/console.c */
int	verb_completion(int argc, char **argv);
int	verb_uplink(int argc, char **argv);

/* lab/rumplab.c: is argv[1..] asking for help ("-h", "--help")? */
int	verb_wants_help(int argc, char **argv);
/* Prints a verb's usage (from the table) to f. */
void	verb_usage(const char *verb, FILE *f);
/*
 * The lab a verb works on, into *lab: -l's, else its positional LAB
 * (either may be NULL: the only lab running).  -1 when both are given and
 * differ (said on stderr; a usage error).
 */
int	verb_lab(const char *verb, const char *positional, const char **lab);

#endif
