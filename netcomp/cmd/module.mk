# netcomp/cmd/: the node's network commands (rump.ifconfig, rump.ping,
# rump.ping6, rump.sysctl, rump.halt, rump.dmesg) and rumpperf.  They are
# clients of a node: each links librumpclient and includes only
# kernel/rumpclient.h, never lwIP or the kernel's insides.
NETCMD_COMMON := $(call objs,netcomp/cmd/node.c netcomp/cmd/inaddr.c \
    netcomp/cmd/hosts.c)
# --json (ifconfig, netstat, arp, ndp, sysctl; route for rtprint.c).
NETCMD_JSON   := $(LIB)/libjson.a
NETCMD_PING   := $(call objs,netcomp/cmd/pingloop.c)

$(BIN)/rump.ifconfig: $(call objs,netcomp/cmd/ifconfig.c \
    netcomp/cmd/ifprint.c) $(NETCMD_COMMON) $(LIB)/librumpclient.a $(NETCMD_JSON)
$(BIN)/rump.ping: $(call objs,netcomp/cmd/ping.c) $(NETCMD_PING) \
    $(NETCMD_COMMON) $(LIB)/librumpclient.a
$(BIN)/rump.ping6: $(call objs,netcomp/cmd/ping6.c) $(NETCMD_PING) \
    $(NETCMD_COMMON) $(LIB)/librumpclient.a
NETCMD_RT     := $(call objs,netcomp/cmd/rtprint.c)
$(BIN)/rump.route: $(call objs,netcomp/cmd/route.c) $(NETCMD_RT) \
    $(NETCMD_COMMON) $(LIB)/librumpclient.a $(NETCMD_JSON)
$(BIN)/rump.netstat: $(call objs,netcomp/cmd/netstat.c) $(NETCMD_RT) \
    $(NETCMD_COMMON) $(LIB)/librumpclient.a $(NETCMD_JSON)
NETCMD_TRACE  := $(call objs,netcomp/cmd/traceloop.c)
$(BIN)/rump.traceroute: $(call objs,netcomp/cmd/traceroute.c) \
    $(NETCMD_TRACE) $(NETCMD_COMMON) $(LIB)/librumpclient.a
$(BIN)/rump.traceroute6: $(call objs,netcomp/cmd/traceroute6.c) \
    $(NETCMD_TRACE) $(NETCMD_COMMON) $(LIB)/librumpclient.a
$(BIN)/rump.arp: $(call objs,netcomp/cmd/arp.c) $(NETCMD_COMMON) \
    $(LIB)/librumpclient.a $(NETCMD_JSON)
$(BIN)/rump.ndp: $(call objs,netcomp/cmd/ndp.c) $(NETCMD_COMMON) \
    $(LIB)/librumpclient.a $(NETCMD_JSON)
$(BIN)/rump.ifmcstat: $(call objs,netcomp/cmd/ifmcstat.c) $(NETCMD_COMMON) \
    $(LIB)/librumpclient.a
# NetBSD's tests call it by its NetBSD name.
$(BIN)/ifmcstat: $(BIN)/rump.ifmcstat
	$(Q)ln -sf rump.ifmcstat $@
$(BIN)/rump.brconfig: $(call objs,netcomp/cmd/brconfig.c) $(NETCMD_COMMON) \
    $(LIB)/librumpclient.a
LDLIBS_rump.route      = -lm
LDLIBS_rump.netstat    = -lm
LDLIBS_rump.traceroute = -lm
LDLIBS_rump.traceroute6 = -lm
$(BIN)/rump.routed: $(call objs,netcomp/cmd/routed.c \
    netcomp/cmd/routed_rip.c netcomp/cmd/routed_show.c) $(NETCMD_COMMON) \
    $(LIB)/librumpclient.a
LDLIBS_rump.routed     = -lm
$(BIN)/rump.rtadvd: $(call objs,netcomp/cmd/rtadvd.c) $(NETCMD_COMMON) \
    $(LIB)/librumpclient.a
LDLIBS_rump.rtadvd     = -lm
LDLIBS_rump.arp        = -lm
LDLIBS_rump.ndp        = -lm
LDLIBS_rump.ifmcstat   = -lm
LDLIBS_rump.brconfig   = -lm
PROGS += $(BIN)/rump.route $(BIN)/rump.netstat $(BIN)/rump.traceroute \
    $(BIN)/rump.traceroute6 $(BIN)/rump.arp $(BIN)/rump.ndp \
    $(BIN)/rump.ifmcstat $(BIN)/ifmcstat $(BIN)/rump.routed $(BIN)/rump.rtadvd \
    $(BIN)/rump.brconfig
MANS  += netcomp/cmd/rump.route.8 netcomp/cmd/rump.netstat.8 \
    netcomp/cmd/rump.traceroute.8 netcomp/cmd/rump.traceroute6.8 \
    netcomp/cmd/rump.arp.8 netcomp/cmd/rump.ndp.8 \
    netcomp/cmd/rump.ifmcstat.8 netcomp/cmd/rump.routed.8 \
    netcomp/cmd/rump.rtadvd.8 netcomp/cmd/rump.brconfig.8
$(BIN)/rump.sysctl: $(call objs,netcomp/cmd/sysctl.c) $(NETCMD_COMMON) \
    $(LIB)/librumpclient.a $(NETCMD_JSON)
$(BIN)/rump.halt: $(call objs,netcomp/cmd/halt.c) $(NETCMD_COMMON) \
    $(LIB)/librumpclient.a
$(BIN)/rump.dmesg: $(call objs,netcomp/cmd/dmesg.c) $(NETCMD_COMMON) \
    $(LIB)/librumpclient.a
$(BIN)/rumpperf: $(call objs,netcomp/cmd/rumpperf.c netcomp/cmd/perfsock.c \
    netcomp/cmd/perftcp.c netcomp/cmd/perfudp.c netcomp/cmd/perfdata.c) \
    $(NETCMD_COMMON) $(LIB)/librumpclient.a
LDLIBS_rump.ifconfig = -lm
LDLIBS_rump.ping     = -lm
LDLIBS_rump.ping6    = -lm
LDLIBS_rump.sysctl   = -lm
LDLIBS_rump.halt     = -lm
LDLIBS_rump.dmesg    = -lm
LDLIBS_rumpperf      = -lm

PROGS += $(BIN)/rump.ifconfig $(BIN)/rump.ping $(BIN)/rump.ping6 \
    $(BIN)/rump.sysctl $(BIN)/rump.halt $(BIN)/rump.dmesg $(BIN)/rumpperf
MANS  += netcomp/cmd/rump.ifconfig.8 netcomp/cmd/rump.ping.8 \
    netcomp/cmd/rump.ping6.8 netcomp/cmd/rump.sysctl.8 \
    netcomp/cmd/rump.halt.8 netcomp/cmd/rump.dmesg.8 netcomp/cmd/rumpperf.1
-include kernel/cmd/module.mk
