# netcomp/: the network faction — the lwIP glue (netinet, netinet6), the
# interface layer and the shmif interface kind.  Its objects are linked
# into rump_server as objects (components register through a linker
# section, see kernel/component.h), with libshmif, lwIP and libdl.
NETCOMP_SRCS := netcomp/stack.c netcomp/idle.c netcomp/ifnet.c \
    netcomp/iflink.c netcomp/ifaddr.c netcomp/ether.c netcomp/sockets.c \
    netcomp/socktab.c \
    netcomp/if_shmif.c netcomp/route.c netcomp/ipfwd.c netcomp/ipfwd6.c \
    netcomp/icmp6err.c netcomp/hoplimit.c netcomp/reass.c netcomp/neigh.c \
    netcomp/arp.c netcomp/nd6.c netcomp/pcblist.c netcomp/mcast.c \
    netcomp/tcp_input.c netcomp/udp_input.c netcomp/impair.c \
    netcomp/iftap.c netcomp/netloop.c netcomp/if_virtif.c netcomp/virtif_user.c \
    netcomp/if_tap.c \
    netcomp/bridge.c netcomp/override.c netcomp/ipopt.c
NETCOMP_OBJS := $(call objs,$(NETCOMP_SRCS))

# lwIP's headers as system headers: our warnings, not theirs.
LWIP_CPPFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags lwip 2>/dev/null))
LWIP_LIBS     := $(or $(shell pkg-config --libs lwip 2>/dev/null),-llwip)
$(NETCOMP_OBJS): CPPFLAGS += $(LWIP_CPPFLAGS)

KERNEL_COMPONENT_OBJS += $(NETCOMP_OBJS) $(LIB)/libshmif.a
KERNEL_COMPONENT_LIBS += $(LWIP_LIBS) -ldl
-include netcomp/cmd/module.mk
