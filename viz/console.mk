# viz/console.mk: `rumplab console`, the ncurses console (viz/console*.c),
# its frame decoder (viz/decode.c), the decoder's unit test and fuzz
# target.  Included from viz/module.mk.
VIZ_SRCS += viz/console.c viz/console_job.c viz/console_lab.c \
    viz/console_draw.c viz/console_node.c viz/console_bus.c \
    viz/console_act.c viz/decode.c
VIZ_LDLIBS += $(LIB)/libshmif.a \
    $(or $(shell pkg-config --libs ncursesw 2>/dev/null),-lncursesw) \
    $(SHMIF_PCAP_LIBS)

$(TBIN)/test_decode: $(call objs,tests/viz/test_decode.c viz/decode.c)
LDLIBS_test_decode := $(SHMIF_PCAP_LIBS)
TESTS += $(TBIN)/test_decode

# Built into $(O) like everything else: `make O=build/fuzz fuzz-build`
# (what `make check` runs) puts it where tests/run/81-console.t looks.
FUZZ += $(O)/fuzz_decode
$(O)/fuzz_decode: tests/fuzz/fuzz_decode.c viz/decode.c viz/decode.h
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_decode.c \
	    $(FUZZ_COMMON) viz/decode.c
# libshmif.a is linked through VIZ_LDLIBS (after the objects); this makes
# rumplab relink when it changes.
$(BIN)/rumplab: $(LIB)/libshmif.a
