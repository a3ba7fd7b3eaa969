# lab/: the orchestrator's front half — the topology loader and validator,
# the lab model, the planner and the generator (liblab.a), the rumplab
# command and its manual pages.  The default topology is compiled in from
# topologies/default.yaml (a C array generated into $(OBJ), never
# committed).
#
# Adding a verb: one entry in the table in lab/rumplab.c, a function
# declared in lab/verbs.h, its file added to RUMPLAB_SRCS below.

LIBLAB_SRCS := lab/arena.c lab/diag.c lab/ydoc.c lab/ipaddr.c lab/names.c \
    lab/model.c lab/load.c lab/load_value.c lab/load_node.c lab/load_bus.c \
    lab/load_link.c lab/load_check.c lab/resolve.c lab/domain.c \
    lab/validate.c \
    lab/plan_addr.c lab/plan_routes.c lab/plan_tree.c lab/trace.c lab/open.c \
    lab/plan_steps.c lab/plan_print.c lab/generate.c lab/impair_spec.c \
    lab/jsonpath.c lab/import.c lab/import_sh.c lab/import_kathara.c \
    lab/import_clab.c
# The control protocol's table, which a check's steps are judged by, and
# the transport its client half uses.
LIBLAB_SRCS += lab/ctlproto.c lab/control.c lab/statedir.c
# What the fuzz target compiles (everything but the compiled-in topology).
LIBLAB_FUZZ_SRCS := $(LIBLAB_SRCS) $(LIBJSON_SRCS)
LAB_YAML_LIBS := $(or $(shell pkg-config --libs yaml-0.1 2>/dev/null),-lyaml) -lm

$(OBJ)/lab/default_topology.c: topologies/default.yaml
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  GEN     $@")
	$(Q){ echo '/* Generated from topologies/default.yaml by lab/module.mk. */'; \
	  echo '#include <stddef.h>'; \
	  echo 'extern const char lab_default_topology[];'; \
	  echo 'extern const size_t lab_default_topology_len;'; \
	  echo 'const char lab_default_topology[] = {'; \
	  od -An -v -tx1 $< | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0x00 };'; \
	  echo 'const size_t lab_default_topology_len = sizeof(lab_default_topology) - 1;'; \
	} > $@.tmp && mv $@.tmp $@

$(OBJ)/lab/default_topology.o: $(OBJ)/lab/default_topology.c
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB)/liblab.a: $(call objs,$(LIBLAB_SRCS) lab/builtin.c) \
    $(OBJ)/lab/default_topology.o

RUMPLAB_SRCS := lab/rumplab.c lab/verb_validate.c lab/verb_plan.c \
    lab/verb_generate.c lab/verb_import.c
# The running lab: state directory, control socket, launcher, supervisor
# and the verbs that use them (control protocol: lab/CONTROL.txt).
RUMPLAB_SRCS += lab/child.c \
    lab/launch.c \
    lab/supervisor.c lab/sup_request.c lab/sup_worker.c \
    lab/sup_reap.c lab/sup_service.c lab/linkstate.c lab/labctl.c lab/labview.c lab/bushealth.c lab/verb_up.c \
    lab/verb_down.c lab/verb_status.c lab/verb_exec.c lab/verb_link.c lab/verb_capture.c lab/capture.c \
    lab/verb_check.c lab/verb_completion.c lab/hostnet.c lab/checkrun.c \
    lab/taps.c lab/sup_tap.c lab/preflight.c
# The bus end of a pump (taps, uplinks) and the uplink: a bus joined to
# VDE connections (libvdeplug, which has no pkg-config file).
RUMPLAB_SRCS += lab/buspump.c lab/uplink.c lab/uplink_fmt.c \
    lab/verb_uplink.c
# ASan refuses the RTLD_DEEPBIND libvdeplug opens its modules with.
ifeq ($(SAN),1)
RUMPLAB_SRCS += lab/san_dlopen.c
endif
# The viewers (viz/module.mk, included before this file).
RUMPLAB_SRCS += $(VIZ_SRCS)
$(BIN)/rumplab: $(call objs,$(RUMPLAB_SRCS)) $(LIB)/liblab.a \
    $(LIB)/librumpclient.a $(LIB)/libshmif.a $(LIB)/libjson.a
# libshmif again after every object (capture, the console's bus page).
LDLIBS_rumplab := $(LIB)/libshmif.a $(LAB_YAML_LIBS) $(VIZ_LDLIBS) \
    $(SHMIF_PCAP_LIBS) -lvdeplug

LIBS  += $(LIB)/liblab.a
PROGS += $(BIN)/rumplab
MANS  += lab/rumplab.1 lab/rumplab.5
