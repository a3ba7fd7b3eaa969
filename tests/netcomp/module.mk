# tests/netcomp: the network faction's end-to-end test (nodes as forked
# processes on real shmif buses), linked with the kernel core pieces the
# components need and the component objects themselves.
NETCOMP_TEST_CORE := kernel/components.c kernel/hyper.c kernel/klog.c \
    kernel/sysctl.c kernel/ksock.c kernel/netcfg.c
$(TBIN)/test_netinet: $(call objs,tests/netcomp/test_netinet.c \
    tests/netcomp/netnode.c $(NETCOMP_TEST_CORE)) $(NETCOMP_OBJS) \
    $(LIB)/libshmif.a
LDLIBS_test_netinet = $(LWIP_LIBS) -ldl -lm
TESTS += $(TBIN)/test_netinet
