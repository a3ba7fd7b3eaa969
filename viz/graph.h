/*
 * graph.h — `rumplab graph`: a lab drawn with Graphviz (libcgraph,
 * libgvc), from its topology file or, for a running lab, with its live
 * state.  Four parts, one file each:
 *
 *	graph_live.c	what a running lab looks like now: node states
 *			(the supervisor's status), link and bus states and
 *			impairments (its "link show"), bytes per bus (the
 *			nodes' interface counters, through librumpclient)
 *	graph_build.c	the lab model plus live state -> a cgraph graph:
 *			routers, hosts and buses drawn distinctly, a bus of
 *			two interfaces as one edge, clusters, a legend
 *	graph_render.c	layout and output (dot, svg, png, pdf) through
 *			libgvc; Graphviz's messages collected, not printed
 *	graph_verb.c	the verb: options, FILE or LAB, --watch
 *
 * Contract: functions return 0 or -errno and, where the user must be
 * told why, write one line into a caller's buffer; nothing here prints
 * except the verb.  Not thread-safe (librumpclient has one connection
 * per process; Graphviz has global state).
 */
#ifndef RUMPLAB_VIZ_GRAPH_H
#define RUMPLAB_VIZ_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lab/lab.h"

/* --- live state (graph_live.c) ------------------------------------------ */

enum graph_link {
	GLINK_UNKNOWN,		/* no "link show" (an older supervisor) */
	GLINK_UP,
	GLINK_DOWN,		/* set down */
	GLINK_CUT,		/* its bus is cut */
	GLINK_OFF,		/* its node is not up */
};

#define GRAPH_SETTINGS	1024	/* "out.delay=20ms in.loss=5%": all of them */

struct graph_iface_live {
	enum graph_link	 link;
	char		 settings[GRAPH_SETTINGS];
	uint64_t	 obytes;	/* counter, when traffic_known */
	bool		 counted;	/* obytes was read */
};

struct graph_bus_live {
	bool		 cut;
	char		 settings[GRAPH_SETTINGS];
	double		 bytes;		/* sent onto the bus, sum of members */
	double		 rate;		/* bytes/s between two readings */
};

struct graph_live {
	bool		 nodes_known;	/* the supervisor (or state file) */
	bool		 links_known;	/* the supervisor answered link show */
	bool		 traffic_known;	/* some counters were read */
	bool		 rates_known;	/* rate is from two readings */
	char		 (*state)[16];	/* per node: up, stopped, dead, ... */
	int		*ifbase;	/* per node: its first entry in ifaces */
	struct graph_iface_live *ifaces;
	struct graph_bus_live *buses;
	double		 when;		/* CLOCK_MONOTONIC seconds of reading */
};

/*
 * Reads the live state of the lab in state directory `dir` (its planned
 * model `lab`).  A supervisor that does not know "link show" leaves
 * links_known false; nodes that do not answer are left uncounted.
 * 0, or -ENOMEM.  graph_live_free() frees it (also after a failure).
 */
int	graph_live_fetch(const char *dir, const struct lab *lab,
	    struct graph_live *l);
/* Fills now's rates from the counters of an earlier reading. */
void	graph_live_rates(const struct lab *lab, struct graph_live *now,
	    const struct graph_live *before);
void	graph_live_free(struct graph_live *l);

/* --- drawing (graph_build.c) -------------------------------------------- */

enum graph_cluster {
	GCLUSTER_AUTO,		/* group when a node has one, else subnet */
	GCLUSTER_NONE,
	GCLUSTER_GROUP,		/* the nodes' group: keys */
	GCLUSTER_SUBNET,	/* a LAN with the hosts only on it */
};

enum graph_labels {
	GLABELS_AUTO,		/* all when drawn by dot, up to GRAPH_LARGE */
	GLABELS_ALL,		/* interface names and addresses on edges */
	GLABELS_BRIEF,		/* names only; the rest in tooltips */
};

/* Above this many drawn nodes (lab nodes and LAN buses) a lab is large. */
#define GRAPH_LARGE	120

struct graph_opts {
	const char		*layout;	/* NULL: graph_layout_for() */
	enum graph_cluster	 cluster;
	enum graph_labels	 labels;
	const char		*title;		/* NULL: the lab's name */
};

/* Opaque to callers: a cgraph graph (Agraph_t). */
struct graph;

/* The layout chosen by size (and clusters): dot, fdp, neato or sfdp. */
const char *graph_layout_for(const struct lab *lab,
	    const struct graph_opts *o);
/* Is `name` a layout rumplab offers? */
bool	graph_layout_ok(const char *name);
/* How many nodes the drawing has (lab nodes and LAN buses). */
int	graph_size(const struct lab *lab);

/* Builds the drawing; live NULL draws the topology alone. */
int	graph_build(const struct lab *lab, const struct graph_live *live,
	    const struct graph_opts *o, struct graph **gp);
void	graph_free(struct graph *g);

/* --- output (graph_render.c) -------------------------------------------- */

/* Is `fmt` an output format (dot, svg, png, pdf)? */
bool	graph_format_ok(const char *fmt);
/* The format an output file's name implies, or NULL. */
const char *graph_format_of(const char *path);

/*
 * Lays g out with `layout` and writes it in `fmt` to `path` ("-":
 * stdout; otherwise through a temporary file renamed over path, so a
 * viewer never sees half a picture).  On failure why says what failed and
 * how to fix it (a missing Graphviz plugin, an unwritable file).
 */
int	graph_render(struct graph *g, const char *layout, const char *fmt,
	    const char *path, char *why, size_t whylen);
/* The graph as dot text before layout (malloc'ed; for --watch). */
int	graph_text(struct graph *g, char **text, size_t *len);
/* Frees Graphviz's context (the plugins) at exit. */
void	graph_render_done(void);

#endif
