# kernel/cmd/: the file commands (rump.fs, rump.mount and its second name
# rump.umount, ukfs, rump_fuse), the first two clients like the rump.* network
# commands and sharing their node helpers (netcomp/cmd/node.c); included
# from netcomp/cmd/module.mk, after NETCMD_COMMON is known.  rump.fs and
# ukfs share their verbs (fstool.c) over the fsops table of a node
# (kernel/fsops_rumpclient.c) or of an image in the process (kernel/ukfs.c).
FSTOOL_OBJS := $(call objs,kernel/cmd/fstool.c)
FSOPS_RUMPCLIENT := $(call objs,kernel/fsops_rumpclient.c)
$(BIN)/rump.fs: $(call objs,kernel/cmd/fs.c) $(FSTOOL_OBJS) \
    $(FSOPS_RUMPCLIENT) $(NETCMD_COMMON) $(LIB)/librumpclient.a
$(BIN)/rump.mount: $(call objs,kernel/cmd/mount.c) $(NETCMD_COMMON) \
    $(LIB)/librumpclient.a
$(BIN)/rump.umount: $(BIN)/rump.mount
	$(Q)ln -sf rump.mount $@
$(BIN)/ukfs: $(call objs,kernel/cmd/ukfs.c $(UKFS_SRCS)) $(FSTOOL_OBJS)
# rump_fuse: a node's tree or an image as a host mount point (libfuse3).
FUSE_CPPFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags fuse3 2>/dev/null))
FUSE_LIBS     := $(or $(shell pkg-config --libs fuse3 2>/dev/null),-lfuse3)
$(call objs,kernel/cmd/rump_fuse.c): CPPFLAGS += $(FUSE_CPPFLAGS)
$(BIN)/rump_fuse: $(call objs,kernel/cmd/rump_fuse.c $(UKFS_SRCS)) \
    $(FSOPS_RUMPCLIENT) $(LIB)/librumpclient.a
LDLIBS_rump_fuse  = $(FUSE_LIBS) $(EXT2FS_LIBS)
LDLIBS_rump.fs    = -lm
LDLIBS_rump.mount = -lm
LDLIBS_ukfs       = $(EXT2FS_LIBS)
PROGS += $(BIN)/rump.fs $(BIN)/rump.mount $(BIN)/rump.umount $(BIN)/ukfs \
    $(BIN)/rump_fuse
MANS += kernel/cmd/rump.fs.8 kernel/cmd/rump.mount.8 kernel/cmd/rump.umount.8 \
    kernel/cmd/ukfs.1 kernel/cmd/rump_fuse.1
