# shmif/: the bus library and its tools.
LIBSHMIF_SRCS := shmif/bus.c shmif/watch.c
$(LIB)/libshmif.a: $(call objs,$(LIBSHMIF_SRCS))
LIBS += $(LIB)/libshmif.a
INSTALL_HEADERS += shmif/shmif.h

-include shmif/tools.mk
