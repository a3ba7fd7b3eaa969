/*
 * graph_verb.c — `rumplab graph [FILE|LAB] [-T FMT] [-o OUT] [--layout L]
 * [--cluster HOW] [--labels all|brief] [--watch [--interval SECS]]`.
 *
 * What is drawn: a FILE (a topology) as planned; a LAB (a running lab's
 * name) with its live state; with neither, the only running lab, else the
 * built-in default topology.  An argument is a FILE when it names an
 * existing file, holds a '/', ends in .yaml or .yml, or is "-" (the
 * standard input).
 *
 * --watch redraws a running lab every interval until it goes down or the
 * command is interrupted; the picture is rewritten only when what it
 * shows changed (its dot text differs), through a temporary file, so that
 * a viewer reloading OUT never reads half of it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/labctl.h"
#include "lab/plan.h"
#include "lab/verbs.h"
#include "viz/graph.h"

struct graph_args {
	const char		*what;		/* FILE or LAB, or NULL */
	bool			 labnamed;	/* what is a lab (-l) */
	const char		*format, *out;
	bool			 watch;
	double			 interval;
	struct graph_opts	 opts;
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "rumplab graph: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	verb_usage("graph", stderr);
	return -1;
}

static int
parse_enum(const char *opt, const char *val, const char *const *names,
    int *out)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(val, names[i]) == 0) {
			*out = i;
			return 0;
		}
	fprintf(stderr, "rumplab graph: %s '%s': not one of", opt, val);
	for (i = 0; names[i] != NULL; i++)
		fprintf(stderr, "%s %s", i ? "," : "", names[i]);
	fputc('\n', stderr);
	return -1;
}

static int
parse_value(struct graph_args *a, const char *opt, const char *val)
{
	static const char *const clusters[] = { "auto", "none", "group",
	    "subnet", NULL };
	static const char *const labels[] = { "auto", "all", "brief", NULL };
	char *end;
	int k;

	if (strcmp(opt, "-T") == 0) {
		if (!graph_format_ok(val))
			return usage_error("-T %s: not a format (dot, svg, "
			    "png, pdf)", val);
		a->format = val;
	} else if (strcmp(opt, "-o") == 0)
		a->out = val;
	else if (strcmp(opt, "--layout") == 0) {
		if (!graph_layout_ok(val))
			return usage_error("--layout %s: not a layout (dot, "
			    "neato, fdp, sfdp, circo, twopi)", val);
		a->opts.layout = val;
	} else if (strcmp(opt, "--cluster") == 0) {
		if (parse_enum(opt, val, clusters, &k) != 0)
			return -1;
		a->opts.cluster = (enum graph_cluster)k;
	} else if (strcmp(opt, "--labels") == 0) {
		if (parse_enum(opt, val, labels, &k) != 0)
			return -1;
		a->opts.labels = (enum graph_labels)k;
	} else if (strcmp(opt, "--interval") == 0) {
		a->interval = strtod(val, &end);
		if (*end != '\0' || end == val || !(a->interval >= 0.1 &&
		    a->interval <= 3600))
			return usage_error("--interval %s: give seconds, 0.1 "
			    "to 3600", val);
	} else
		return 1;
	return 0;
}

static int
parse(int argc, char **argv, struct graph_args *a)
{
	int i, r;

	memset(a, 0, sizeof(*a));
	a->interval = 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--watch") == 0)
			a->watch = true;
		else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			if (i + 1 >= argc)
				return usage_error("%s needs a value", argv[i]);
			if ((r = parse_value(a, argv[i], argv[i + 1])) < 0)
				return -1;
			if (r > 0)
				return usage_error("unknown option '%s'",
				    argv[i]);
			i++;
		} else if (a->what == NULL)
			a->what = argv[i];
		else
			return usage_error("unexpected '%s' (one FILE or LAB)",
			    argv[i]);
	}
	if (a->out == NULL)
		a->out = "-";
	if (a->format == NULL && strcmp(a->out, "-") != 0 &&
	    (a->format = graph_format_of(a->out)) == NULL)
		return usage_error("-o %s: the name does not tell the format; "
		    "give -T dot, svg, png or pdf", a->out);
	if (a->format == NULL)
		a->format = "dot";
	if (verb_lab("graph", a->labnamed ? NULL : a->what, &a->what) != 0)
		return -1;
	a->labnamed = verb_opts.lab != NULL;
	if (a->watch && strcmp(a->out, "-") == 0)
		return usage_error("--watch rewrites a picture: give -o %s",
		    "FILE");
	if (strcmp(a->out, "-") == 0 && isatty(STDOUT_FILENO) &&
	    (strcmp(a->format, "png") == 0 || strcmp(a->format, "pdf") == 0))
		return usage_error("-T %s to a terminal: give -o FILE",
		    a->format);
	return 0;
}

static bool
is_file(const char *what)
{
	size_t len = strlen(what);
	struct stat st;

	return strcmp(what, "-") == 0 || strchr(what, '/') != NULL ||
	    stat(what, &st) == 0 ||
	    (len > 5 && strcmp(what + len - 5, ".yaml") == 0) ||
	    (len > 4 && strcmp(what + len - 4, ".yml") == 0);
}

/* Opens a topology file, or the default one (file NULL). */
static int
open_file(const char *file, struct lab **labp)
{
	struct diag d;
	int r;

	diag_init(&d);
	r = file ? lab_open(file, labp, &d) : lab_open_default(labp, &d);
	if (r != 0)
		diag_print(&d, file ? file : "<default>", stderr);
	diag_free(&d);
	return r;
}

/*
 * Which lab to draw: *dir set (a running lab) or empty (a file, or the
 * default topology).  0, or -1 after printing why.
 */
static int
resolve(const struct graph_args *a, char *dir, size_t dirlen,
    struct lab **labp)
{
	char why[600];
	int r;

	dir[0] = '\0';
	if (a->what != NULL && !a->labnamed && is_file(a->what)) {
		if (a->watch) {
			fprintf(stderr, "rumplab graph: --watch draws a running "
			    "lab: give its name, not the file %s (start it "
			    "with `rumplab up %s`)\n", a->what, a->what);
			return -1;
		}
		return open_file(a->what, labp) == 0 ? 0 : -1;
	}
	r = labctl_find(a->what, dir, dirlen, why, sizeof(why));
	if (r == -ENOENT && a->what == NULL && !a->watch) {
		dir[0] = '\0';
		return open_file(NULL, labp) == 0 ? 0 : -1;
	}
	if (r != 0) {
		fprintf(stderr, "rumplab graph: %s%s%s\n", why,
		    a->what ? ", and there is no file of that name" : "",
		    r == -EEXIST ? ": rumplab graph LAB" : "");
		return -1;
	}
	if ((r = labctl_open_lab(dir, labp)) != 0) {
		fprintf(stderr, "rumplab graph: lab %s: its topology in %s "
		    "does not load (%s); `rumplab down %s` cleans up\n",
		    labctl_name(dir), dir, strerror(-r), labctl_name(dir));
		return -1;
	}
	return 0;
}

/* Draws once; *last (the previous dot text) skips an unchanged picture. */
static int
draw(const struct graph_args *a, const struct lab *lab,
    const struct graph_live *live, char **last)
{
	struct graph *g;
	char why[1024], *text = NULL;
	const char *layout;
	size_t len;
	int r;

	if ((r = graph_build(lab, live, &a->opts, &g)) != 0) {
		fprintf(stderr, "rumplab graph: %s\n", strerror(-r));
		return r;
	}
	if (last != NULL && graph_text(g, &text, &len) == 0 &&
	    *last != NULL && strcmp(text, *last) == 0) {
		free(text);
		graph_free(g);
		return 0;
	}
	layout = a->opts.layout ? a->opts.layout : graph_layout_for(lab,
	    &a->opts);
	r = graph_render(g, layout, a->format, a->out, why, sizeof(why));
	graph_free(g);
	if (r != 0) {
		fprintf(stderr, "rumplab graph: %s\n", why);
		free(text);
		return r;
	}
	if (last != NULL) {
		free(*last);
		*last = text;
	}
	return 0;
}

static void
pause_for(double secs)
{
	struct timespec ts;

	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);	/* a signal ends it early */
}

static int
watch(const struct graph_args *a, const char *dir, const struct lab *lab)
{
	struct graph_live now, before;
	struct sigaction sa;
	struct stat st;
	char *last = NULL;
	int r = 0, n = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	memset(&before, 0, sizeof(before));
	while (!stop) {
		if (stat(dir, &st) != 0) {
			fprintf(stderr, "rumplab graph: lab %s is down; %s "
			    "shows it as last seen\n", labctl_name(dir),
			    a->out);
			break;
		}
		if ((r = graph_live_fetch(dir, lab, &now)) != 0) {
			fprintf(stderr, "rumplab graph: %s\n", strerror(-r));
			graph_live_free(&now);
			break;
		}
		if (before.ifaces != NULL)
			graph_live_rates(lab, &now, &before);
		if ((r = draw(a, lab, &now, &last)) != 0) {
			graph_live_free(&now);
			break;
		}
		if (n++ == 0)
			fprintf(stderr, "rumplab graph: drawing lab %s into %s "
			    "every %gs; Ctrl-C stops\n", labctl_name(dir),
			    a->out, a->interval);
		graph_live_free(&before);
		before = now;
		pause_for(a->interval);
	}
	graph_live_free(&before);
	free(last);
	return r == 0 ? 0 : 1;
}

int
verb_graph(int argc, char **argv)
{
	char dir[STATEDIR_PATHMAX];
	struct graph_args a;
	struct graph_live live;
	struct lab *lab;
	int r;

	if (parse(argc, argv, &a) != 0)
		return EXIT_USAGE;
	if (resolve(&a, dir, sizeof(dir), &lab) != 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	if (a.watch)
		r = watch(&a, dir, lab);
	else if (dir[0] != '\0') {
		if ((r = graph_live_fetch(dir, lab, &live)) == 0)
			r = draw(&a, lab, &live, NULL);
		else
			fprintf(stderr, "rumplab graph: %s\n", strerror(-r));
		graph_live_free(&live);
	} else
		r = draw(&a, lab, NULL, NULL);
	graph_render_done();
	lab_close(lab);
	return r == 0 ? 0 : 1;
}
