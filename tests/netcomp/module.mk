# tests/netcomp: the network faction's end-to-end test (nodes as forked
# processes on real shmif buses), linked with the kernel core pieces the
# components need and the component objects themselves.
NETCOMP_TEST_CORE := kernel/components.c kernel/hyper.c kernel/klog.c \
    kernel/sysctl.c kernel/ksock.c kernel/netcfg.c kernel/kcall.c \
    kernel/rtmsg.c
$(TBIN)/test_netinet: $(call objs,tests/netcomp/test_netinet.c \
    tests/netcomp/netnode.c $(NETCOMP_TEST_CORE)) $(NETCOMP_OBJS) \
    $(LIB)/libshmif.a
LDLIBS_test_netinet = $(LWIP_LIBS) -ldl -lm
TESTS += $(TBIN)/test_netinet

# The table of lwIP functions the glue overrides and its resolver, with
# liblwip (loaded though nothing here calls it) and without.
$(TBIN)/test_override: $(call objs,tests/netcomp/test_override.c \
    netcomp/override.c)
LDLIBS_test_override = -Wl,--no-as-needed $(LWIP_LIBS) -ldl
$(TBIN)/test_override_nolwip: $(call objs,tests/netcomp/test_override.c \
    netcomp/override.c)
LDLIBS_test_override_nolwip = -ldl
$(OBJ)/tests/netcomp/test_override.o: CPPFLAGS += $(LWIP_CPPFLAGS)
TESTS += $(TBIN)/test_override $(TBIN)/test_override_nolwip

# rump.routed's protocol, without nodes.
$(TBIN)/test_rip: $(call objs,tests/netcomp/test_rip.c \
    netcomp/cmd/routed_rip.c)
TESTS += $(TBIN)/test_rip

# A fuzz target over the receive and forwarding paths of a router node.
FUZZ += build/fuzz/fuzz_ipinput
build/fuzz/fuzz_ipinput: tests/fuzz/fuzz_ipinput.c $(NETCOMP_SRCS) \
    $(NETCOMP_TEST_CORE) shmif/bus.c shmif/watch.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) $(LWIP_CPPFLAGS) -o $@ $^ $(LWIP_LIBS) \
	    -ldl -lm

# pingsweep: echo requests to a range of addresses from one node, in one
# process (tests/run/54-neighbours.t).
$(TBIN)/pingsweep: $(call objs,tests/netcomp/pingsweep.c) \
    $(LIB)/librumpclient.a
LDLIBS_pingsweep = -lm
TESTS += $(TBIN)/pingsweep
