# tests/lab: unit tests of the lab library (addresses, planner, routes,
# checks, configuration steps, placement across hosts) and the topology
# fuzz target (YAML loader, validator and planner on arbitrary bytes).
$(TBIN)/test_lab: $(call objs,tests/lab/test_lab.c) $(LIB)/liblab.a \
    $(LIB)/libjson.a
LDLIBS_test_lab := $(LAB_YAML_LIBS)
TESTS += $(TBIN)/test_lab

# Labs across machines: hosts, placement, uplink URLs.
$(TBIN)/test_place: $(call objs,tests/lab/test_place.c) $(LIB)/liblab.a \
    $(LIB)/libjson.a
LDLIBS_test_place := $(LAB_YAML_LIBS)
TESTS += $(TBIN)/test_place

# The control protocol's table against lab/CONTROL.txt, and its parsers.
$(TBIN)/test_ctlproto: $(call objs,tests/lab/test_ctlproto.c lab/ctlproto.c \
    lab/control.c lab/statedir.c) $(LIB)/libjson.a
TESTS += $(TBIN)/test_ctlproto

# The child helper as `rumplab check` reads a command's output.
$(TBIN)/test_child: $(call objs,tests/lab/test_child.c lab/child.c)
TESTS += $(TBIN)/test_child

# The uplink's formats (heartbeat, stats file, URLs) against
# lab/UPLINK.txt, and their fuzz target: the heartbeat parser reads the
# network's bytes.
$(TBIN)/test_uplink: $(call objs,tests/lab/test_uplink.c lab/uplink_fmt.c)
TESTS += $(TBIN)/test_uplink
FUZZ += build/fuzz/fuzz_uplink
build/fuzz/fuzz_uplink: tests/fuzz/fuzz_uplink.c lab/uplink_fmt.c \
    lab/uplink.h lab/lab.h
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_uplink.c \
	    $(FUZZ_COMMON) lab/uplink_fmt.c

FUZZ += build/fuzz/fuzz_topology
build/fuzz/fuzz_topology: tests/fuzz/fuzz_topology.c $(LIBLAB_FUZZ_SRCS) \
    $(wildcard lab/*.h)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_topology.c \
	    $(FUZZ_COMMON) $(LIBLAB_FUZZ_SRCS) $(LAB_YAML_LIBS) -Wl,--wrap=regcomp \
	    -Wl,--wrap=regexec

# lab/remote.c: its quoting, ssh command lines and control paths
# (test_remote), and a driver of each of its steps that
# tests/run/24-remote-ssh.t runs against an sshd of its own.
REMOTE_TEST_OBJS := $(call objs,lab/remote.c lab/child.c lab/statedir.c)
$(TBIN)/test_remote: $(call objs,tests/lab/test_remote.c) $(REMOTE_TEST_OBJS)
$(TBIN)/remote_try: $(call objs,tests/lab/remote_try.c) $(REMOTE_TEST_OBJS)
TESTS += $(TBIN)/test_remote $(TBIN)/remote_try
