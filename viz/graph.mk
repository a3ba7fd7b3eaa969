# viz/graph.mk — `rumplab graph` (viz/graph.h): Graphviz drawings of a
# lab.  Its sources join rumplab through VIZ_SRCS (viz/module.mk); it
# links libgvc and libcgraph (libgraphviz-dev, whose libgvc6 writes the
# plugin configuration Graphviz needs for svg, png and pdf).
VIZ_SRCS   += viz/graph_build.c viz/graph_live.c viz/graph_render.c \
    viz/graph_lsan.c \
    viz/graph_verb.c
VIZ_LDLIBS += $(or $(shell pkg-config --libs libgvc libcgraph 2>/dev/null),-lgvc -lcgraph -lcdt) -lm
