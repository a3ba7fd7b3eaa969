# json/: the one JSON writer (libjson.a), below every layer: rumplab's
# views, the rump.* commands and shmif_stat write their JSON with it.
LIBJSON_SRCS := json/json.c
$(LIB)/libjson.a: $(call objs,$(LIBJSON_SRCS))
LIBS += $(LIB)/libjson.a
