# kernel/cmd/: the file commands of a node (rump.fs, rump.mount and its
# second name rump.umount), clients like the rump.* network commands and
# sharing their node helpers (netcomp/cmd/node.c); included from
# netcomp/cmd/module.mk, after NETCMD_COMMON is known.
$(BIN)/rump.fs: $(call objs,kernel/cmd/fs.c) $(NETCMD_COMMON) \
    $(LIB)/librumpclient.a
$(BIN)/rump.mount: $(call objs,kernel/cmd/mount.c) $(NETCMD_COMMON) \
    $(LIB)/librumpclient.a
$(BIN)/rump.umount: $(BIN)/rump.mount
	$(Q)ln -sf rump.mount $@
LDLIBS_rump.fs    = -lm
LDLIBS_rump.mount = -lm
PROGS += $(BIN)/rump.fs $(BIN)/rump.mount $(BIN)/rump.umount
MANS += kernel/cmd/rump.fs.8 kernel/cmd/rump.mount.8 kernel/cmd/rump.umount.8
