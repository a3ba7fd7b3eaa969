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
fuzz-build: $(FUZZ)
