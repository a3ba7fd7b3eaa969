# tests/json: the JSON writer's unit test (and its quoting tool for
# tests/run/05-json.t).
$(TBIN)/test_json: $(call objs,tests/json/test_json.c) $(LIB)/libjson.a
LDLIBS_test_json := -lm
TESTS += $(TBIN)/test_json
