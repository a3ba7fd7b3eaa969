/*
 * graph_ag.h — what graph_build.c and graph_render.c share behind
 * viz/graph.h's opaque struct graph: the cgraph graph itself.  Only
 * these two files include Graphviz's headers.
 */
#ifndef RUMPLAB_VIZ_GRAPH_AG_H
#define RUMPLAB_VIZ_GRAPH_AG_H

#include <graphviz/cgraph.h>

struct graph {
	Agraph_t	*ag;
};

#endif
