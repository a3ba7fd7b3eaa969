# viz/: the viewers, `rumplab graph` (Graphviz) and `rumplab console`
# (ncurses).  They are verbs of rumplab, so their sources join
# RUMPLAB_SRCS: this file is included before lab/module.mk and each viewer
# appends to VIZ_SRCS, VIZ_LDLIBS (and TESTS, FUZZ, MANS) from a .mk file
# of its own, so the two never edit one file.
VIZ_SRCS   :=
VIZ_LDLIBS :=
-include viz/graph.mk
-include viz/console.mk
