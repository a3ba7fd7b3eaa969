# tests/kernel/: unit tests of the kernel core and the sysproxy test client.
$(TBIN)/test_sysproxy_wire: $(call objs,tests/kernel/test_sysproxy_wire.c \
    kernel/sysproxy_wire.c kernel/sysproxy_url.c)
$(TBIN)/sp_client: $(call objs,tests/kernel/sp_client.c) $(LIB)/librumpclient.a
TESTS += $(TBIN)/test_sysproxy_wire $(TBIN)/sp_client

# fs_probe: file system semantics through a node or ukfs (fsops).
$(TBIN)/fs_probe: $(call objs,tests/kernel/fs_probe.c $(UKFS_SRCS)) \
    $(FSOPS_RUMPCLIENT) $(LIB)/librumpclient.a
LDLIBS_fs_probe = $(EXT2FS_LIBS)
TESTS += $(TBIN)/fs_probe

# rumpfs_ext2fs on arbitrary images, through the node's own VFS.
FUZZ += build/fuzz/fuzz_ext2
build/fuzz/fuzz_ext2: tests/fuzz/fuzz_ext2.c $(VFS_SRCS) \
    kernel/vfs_ext2fs.h kernel/vfs.h
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) $(EXT2FS_CPPFLAGS) -o $@ \
	    tests/fuzz/fuzz_ext2.c $(FUZZ_COMMON) $(VFS_SRCS) $(EXT2FS_LIBS)

FUZZ += build/fuzz/fuzz_sysproxy
build/fuzz/fuzz_sysproxy: tests/fuzz/fuzz_sysproxy.c kernel/sysproxy_wire.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $^

# hj_probe: an ordinary program (libc alone, no sanitizer runtime that
# would have to come before librumphijack.so) run under the hijack.
$(TBIN)/hj_probe: $(call preload_objs,tests/kernel/hj_probe.c)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) -pthread $(PRELOAD_SAN) -o $@ $^
TESTS += $(TBIN)/hj_probe

# rr and rr_rump: one request/response loop (tests/bench/rr.c) over the C
# library's sockets (run under the hijack) and over librumpclient.
$(TBIN)/rr: $(call preload_objs,tests/bench/rr.c)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) -pthread $(PRELOAD_SAN) -o $@ $^
$(OBJ)/tests/bench/rr_rump.o: tests/bench/rr.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $< (rumpclient)")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -DRR_RUMPCLIENT -c -o $@ $<
$(TBIN)/rr_rump: $(OBJ)/tests/bench/rr_rump.o $(LIB)/librumpclient.a
TESTS += $(TBIN)/rr $(TBIN)/rr_rump

# sockprobe: a program asking the host for an Internet socket, built
# dynamic, static, and carrying Go's .go.buildinfo section.
$(TBIN)/sockprobe_static: tests/kernel/sockprobe.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@ (static)")
	$(Q)$(CC) -static -O1 -o $@ $<
$(TBIN)/sockprobe_go: tests/kernel/sockprobe.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@ (Go's section)")
	$(Q)$(CC) -DFAKE_GO -O1 -o $@ $<
TESTS += $(TBIN)/sockprobe_static $(TBIN)/sockprobe_go
# fsbench: sequential MB/s and stat latency through a node or ukfs.
$(TBIN)/fsbench: $(call objs,tests/bench/fsbench.c $(UKFS_SRCS)) \
    $(FSOPS_RUMPCLIENT) $(LIB)/librumpclient.a
LDLIBS_fsbench = $(EXT2FS_LIBS)
TESTS += $(TBIN)/fsbench
# test_zygote: rump_server -Z spoken to by hand (kernel/zygote.h).
$(TBIN)/test_zygote: $(call objs,tests/kernel/test_zygote.c)
TESTS += $(TBIN)/test_zygote
