# tests/: C test programs (TAP) built into $(TBIN); the scripts that prove
# runs are tests/run/*.t.  Each module may add its own tests/*/module.mk.
-include tests/json/module.mk
-include tests/shmif/module.mk
-include tests/kernel/module.mk
-include tests/netcomp/module.mk
-include tests/lab/module.mk

# Fuzz targets: built with clang's libFuzzer into build/fuzz by `make check`.
FUZZ_CC    := clang
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -I. -D_GNU_SOURCE -pthread
# tests/fuzz/asan_options.c goes into every target: the rules that name
# their sources name it, those that link $^ have it as a prerequisite.
FUZZ_COMMON := tests/fuzz/asan_options.c
$(FUZZ): $(FUZZ_COMMON)
fuzz-build: $(FUZZ)
