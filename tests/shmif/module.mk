# tests/shmif: unit and stress tests of the bus library, its fuzz target and
# benchmark.
$(TBIN)/test_bus_format: $(call objs,tests/shmif/test_bus_format.c) $(LIB)/libshmif.a
LDLIBS_test_bus_format := -lpcap
$(TBIN)/test_bus_stress: $(call objs,tests/shmif/test_bus_stress.c) $(LIB)/libshmif.a
$(TBIN)/bench_bus: $(call objs,tests/shmif/bench_bus.c) $(LIB)/libshmif.a
$(TBIN)/bench_fwd: $(call objs,tests/shmif/bench_fwd.c) $(LIB)/libshmif.a
$(TBIN)/test_bus_wake: $(call objs,tests/shmif/test_bus_wake.c) $(LIB)/libshmif.a
$(TBIN)/test_bus_lost: $(call objs,tests/shmif/test_bus_lost.c) $(LIB)/libshmif.a
TESTS += $(TBIN)/test_bus_format $(TBIN)/test_bus_stress $(TBIN)/bench_bus \
    $(TBIN)/bench_fwd $(TBIN)/test_bus_wake $(TBIN)/test_bus_lost

FUZZ += build/fuzz/fuzz_shmif
build/fuzz/fuzz_shmif: tests/fuzz/fuzz_shmif.c shmif/bus.c shmif/watch.c \
    shmif/shmif.h
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_shmif.c \
	    $(FUZZ_COMMON) shmif/bus.c shmif/watch.c
$(TBIN)/test_bus_foreign: $(call objs,tests/shmif/test_bus_foreign.c) $(LIB)/libshmif.a
TESTS += $(TBIN)/test_bus_foreign
# A host that uses a bus exactly as NetBSD's shmif does (14-netbsd-peer.t).
$(TBIN)/nbpeer: $(call objs,tests/shmif/nbpeer.c) $(LIB)/libshmif.a
TESTS += $(TBIN)/nbpeer
