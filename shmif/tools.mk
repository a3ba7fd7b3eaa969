# shmif/tools.mk: the bus tools (shmif_dumpbus, shmif_pcapin, shmif_stat)
# and their manual pages.  Included from shmif/module.mk.
SHMIF_PCAP_LIBS := $(shell pkg-config --libs libpcap 2>/dev/null || echo -lpcap)

$(BIN)/shmif_dumpbus: $(call objs,shmif/shmif_dumpbus.c) $(LIB)/libshmif.a
LDLIBS_shmif_dumpbus := $(SHMIF_PCAP_LIBS)

$(BIN)/shmif_pcapin: $(call objs,shmif/shmif_pcapin.c) $(LIB)/libshmif.a
LDLIBS_shmif_pcapin := $(SHMIF_PCAP_LIBS)

$(BIN)/shmif_stat: $(call objs,shmif/shmif_stat.c) $(LIB)/libshmif.a \
    $(LIB)/libjson.a
LDLIBS_shmif_stat := -lm

PROGS += $(BIN)/shmif_dumpbus $(BIN)/shmif_pcapin $(BIN)/shmif_stat
MANS  += shmif/shmif_dumpbus.1 shmif/shmif_pcapin.1 shmif/shmif_stat.1
