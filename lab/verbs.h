/*
 * verbs.h — the rumplab verbs.  Each is `int verb_NAME(int argc, char
 * **argv)` with argv[0] the verb itself; it parses its own options, prints
 * its own output and errors, and returns the exit status (0 ok, 1 the
 * thing checked failed, 2 usage).  The table of verbs is in lab/rumplab.c.
 */
#ifndef RUMPLAB_VERBS_H
#define RUMPLAB_VERBS_H

#include <stdio.h>

#define EXIT_USAGE	2

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

/* lab/rumplab.c: is argv[1..] asking for help ("-h", "--help")? */
int	verb_wants_help(int argc, char **argv);
/* Prints a verb's usage (from the table) to f. */
void	verb_usage(const char *verb, FILE *f);

#endif
