# kernel/: the node kernel (rump_server) and the client library.
#
# rump_server links the kernel core, the core components (rumpnet,
# rumpnet_net, rumpnet_sockin) and whatever other directories append:
#
#   KERNEL_COMPONENT_OBJS += $(call objs,netcomp/netinet.c ...)
#   KERNEL_COMPONENT_LIBS += -llwip
#
# Component objects register themselves (COMPONENT_REGISTER in
# kernel/component.h) and must be linked as objects, not from an archive.
# Both variables are expanded when rump_server is linked, so modules
# included after this one can append to them.

# The VFS and its file systems, with what they need of the core: nothing
# here knows sysproxy, so ukfs (kernel/ukfs.c) links them into a program
# of its own.  rumpfs_ext2fs needs Debian's libext2fs: the programs of
# one image link it in, rump_server opens it as a library, in $(COMPDIR)
# (kernel/component.h, kernel/components.c say why).
VFS_CORE_SRCS := kernel/hyper.c kernel/klog.c kernel/sysctl.c \
    kernel/components.c kernel/vfs_mount.c kernel/vfs_file.c \
    kernel/vfs_dead.c kernel/vfs_tmpfs.c kernel/vfs_etfs.c \
    kernel/vfs_hostfs.c
EXT2FS_SRCS := kernel/vfs_ext2fs.c kernel/vfs_ext2fs_inode.c \
    kernel/vfs_ext2fs_vfs.c
VFS_SRCS := $(VFS_CORE_SRCS) $(EXT2FS_SRCS)
EXT2FS_CPPFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags ext2fs com_err 2>/dev/null))
EXT2FS_LIBS     := $(or $(shell pkg-config --libs ext2fs com_err 2>/dev/null),-lext2fs -lcom_err)
$(call objs,$(EXT2FS_SRCS)): CPPFLAGS += $(EXT2FS_CPPFLAGS)

# Components as libraries: lib/rumplab/ beside bin/, built and installed.
COMPDIR := $(LIB)/rumplab
$(COMPDIR)/librumpfs_ext2fs.so: $(call objs,$(EXT2FS_SRCS))
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,-soname,librumpfs_ext2fs.so -Wl,-z,now \
	    -o $@ $^ $(EXT2FS_LIBS)
COMPONENTS += $(COMPDIR)/librumpfs_ext2fs.so

# ukfs: an image in a program's own process (kernel/ukfs.h).
UKFS_SRCS := $(VFS_SRCS) kernel/ukfs.c

KERNEL_CORE_SRCS := $(VFS_CORE_SRCS) kernel/ksock.c kernel/netcfg.c \
    kernel/proc.c kernel/kcall.c kernel/rtmsg.c kernel/sysproxy_fs.c \
    kernel/sysproxy_wire.c kernel/sysproxy_url.c kernel/sysproxy_calls.c \
    kernel/sysproxy_server.c kernel/sysproxy_io.c kernel/sockin.c
RUMP_SERVER_SRCS := $(KERNEL_CORE_SRCS) kernel/rump_server.c kernel/zygote.c
RUMPCLIENT_SRCS  := kernel/rumpclient.c kernel/rumpclient_sys.c \
    kernel/rumpclient_fs.c \
    kernel/sysproxy_wire.c kernel/sysproxy_url.c kernel/sysproxy_io.c

KERNEL_COMPONENT_OBJS ?=
KERNEL_COMPONENT_LIBS ?=

.SECONDEXPANSION:
$(BIN)/rump_server: $(call objs,$(RUMP_SERVER_SRCS)) $$(KERNEL_COMPONENT_OBJS)
# -z now: every symbol bound once, in the zygote (kernel/zygote.h), not
# lazily again in each node it forks (ld.so's _dl_fixup was 5 % of `up`).
# --export-dynamic: the component libraries call the core.
LDLIBS_rump_server = $(KERNEL_COMPONENT_LIBS) -Wl,-z,now -Wl,--export-dynamic

$(LIB)/librumpclient.a: $(call objs,$(RUMPCLIENT_SRCS))
$(LIB)/librumpclient.so: $(call objs,$(RUMPCLIENT_SRCS))
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,-soname,librumpclient.so -o $@ $^

# NetBSD's server with every component: the same program by that name.
$(BIN)/rump_allserver: $(BIN)/rump_server
	$(Q)ln -sf rump_server $@
PROGS += $(BIN)/rump_server $(BIN)/rump_allserver
LIBS  += $(LIB)/librumpclient.a $(LIB)/librumpclient.so
MANS  += kernel/rump_server.1
INSTALL_HEADERS += kernel/rumpclient.h

# librumphijack.so: LD_PRELOAD library, the hijack wrappers over a copy
# of librumpclient's objects, all local but the libc functions it wraps
# (kernel/hijack.map).  It is loaded into programs built without
# sanitizers, where AddressSanitizer's runtime cannot come first, so its
# objects are built apart ($(OBJ)/preload) with UndefinedBehaviorSanitizer
# alone in the test build.  -ldl for dlsym(RTLD_NEXT).
HIJACK_SRCS := kernel/hijack_init.c kernel/hijack_fd.c kernel/hijack_sock.c \
    kernel/hijack_poll.c kernel/hijack_epoll.c kernel/hijack_proc.c \
    kernel/hijack_name.c kernel/hijack_path.c kernel/hijack_stdio.c
PRELOAD_SAN := $(if $(filter 1,$(SAN)),-fsanitize=undefined \
    -fno-sanitize-recover=undefined)
PRELOAD_CFLAGS = $(filter-out -fsanitize=% -fno-sanitize-recover=%,$(CFLAGS)) \
    $(PRELOAD_SAN)
preload_objs = $(patsubst %.c,$(OBJ)/preload/%.o,$(1))

$(OBJ)/preload/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $< (preload)")
	$(Q)$(CC) $(CPPFLAGS) $(PRELOAD_CFLAGS) -c -o $@ $<

$(LIB)/librumphijack.so: $(call preload_objs,$(HIJACK_SRCS) \
    $(RUMPCLIENT_SRCS)) kernel/hijack.map
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) -pthread $(PRELOAD_SAN) -shared \
	    -Wl,-soname,librumphijack.so -Wl,-z,nodelete \
	    -Wl,--version-script=kernel/hijack.map -o $@ \
	    $(filter %.o,$^) -ldl
LIBS += $(LIB)/librumphijack.so
MANS += kernel/librumphijack.3
