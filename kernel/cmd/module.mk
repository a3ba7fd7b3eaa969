# kernel/cmd/: the file commands (rump.fs, rump.mount and its second name
# rump.umount, ukfs), the first two clients like the rump.* network
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
LDLIBS_rump.fs    = -lm
LDLIBS_rump.mount = -lm
LDLIBS_ukfs       = $(EXT2FS_LIBS)
PROGS += $(BIN)/rump.fs $(BIN)/rump.mount $(BIN)/rump.umount $(BIN)/ukfs
MANS  += kernel/cmd/ukfs.1
