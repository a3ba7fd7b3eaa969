# rumplab — top-level GNU Makefile (non-recursive).
#
#   make            build everything into $(O) (default build/default)
#   make check      build the test variant (ASan+UBSan, -Werror) into build/test
#                   and run every test under prove (CHECK_TESTS=tests/run/40*
#                   runs those only)
#   make bench      build optimised and run the benchmarks (never fails on speed)
#   make soak       a 300-node lab through 30 minutes of mixed work
#   make fuzz-long  every fuzz target to FUZZ_RUNS (10 million) executions
#   make demo       install missing packages, build, show rumplab working
#                   (DEMO_LAB=no: the bus part only, no lab)
#   make deps       install missing Debian packages (root) or print the command
#   make install    PREFIX=/usr/local DESTDIR=
#   V=1             show full commands
#
# Each directory contributes a module.mk that appends to LIBS/PROGS/TESTS and
# declares its own link lines; objects go to $(O)/obj mirroring the tree.

O        ?= build/default
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
SAN      ?=
PKGS     := lwip libpcap yaml-0.1 libcgraph libgvc ncursesw

ifeq ($(V),1)
Q :=
else
Q := @
endif

CSTD     := -std=gnu11
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
OPT      ?= -O2 -g
CPPFLAGS += -I. -D_GNU_SOURCE -MMD -MP
CFLAGS   += $(CSTD) $(OPT) $(WARN) -fPIC -pthread
LDFLAGS  += -pthread
ifeq ($(SAN),1)
CFLAGS   += -Werror -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
endif
ifeq ($(WERROR),1)
CFLAGS   += -Werror
endif

BIN   := $(O)/bin
LIB   := $(O)/lib
OBJ   := $(O)/obj
TBIN  := $(O)/tests

LIBS  :=
PROGS :=
TESTS :=
FUZZ  :=
MANS  :=
COMPONENTS :=

objs = $(patsubst %.c,$(OBJ)/%.o,$(1))

all:

include mk/deps.mk
include json/module.mk
include shmif/module.mk
-include kernel/module.mk
-include netcomp/module.mk
-include viz/module.mk
-include lab/module.mk
include tests/module.mk

all: $(LIBS) $(COMPONENTS) $(PROGS) $(TESTS)

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB)/%.a:
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

# Programs: each module sets the prerequisites and LDLIBS_<name>.
$(BIN)/% $(TBIN)/%:
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LDLIBS_$(notdir $@)) $(LDLIBS)

# deps may install the packages whose pkg-config flags the build needs, and
# this make read those flags when it parsed the Makefiles, before deps ran:
# the builds of check and demo run in a make started after deps, which
# reads them afresh (and never beside deps under -j).
TEST_O := build/test
# The longest first: with prove -j2 a long test started last leaves one
# core idle at the end.
CHECK_SLOW  := 00-setup 55-routing 70-lab-up-down 66-lab-plan-run \
               69-examples 54-neighbours
CHECK_TESTS := $(foreach t,$(CHECK_SLOW),tests/run/$(t).t) \
               $(filter-out $(foreach t,$(CHECK_SLOW),tests/run/$(t).t), \
                 $(sort $(wildcard tests/run/*.t)))

# `make check` alone (as CI runs it) builds on every core; a -j given
# on the command line is kept.
CHECK_JOBS := $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc 2>/dev/null || echo 2))
check: deps
	$(Q)$(MAKE) --no-print-directory $(CHECK_JOBS) O=$(TEST_O) SAN=1 OPT="-O1 -g" all
	$(Q)$(MAKE) --no-print-directory $(CHECK_JOBS) O=build/fuzz fuzz-build
	$(Q)O=$(abspath $(TEST_O)) FUZZ_O=$(abspath build/fuzz) SHARED=$(abspath ../shared) \
	    prove -j2 --timer --failures --comments $(CHECK_TESTS)

bench: all
	$(Q)O=$(abspath $(O)) SHARED=$(abspath ../shared) sh tests/bench/run-all.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)O=$(abspath $(O)) sh tests/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/rumplab
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(filter %.a,$(LIBS)) $(DESTDIR)$(PREFIX)/lib/
	$(if $(filter %.so,$(LIBS)),install -m 755 $(filter %.so,$(LIBS)) $(DESTDIR)$(PREFIX)/lib/)
	$(if $(COMPONENTS),install -d $(DESTDIR)$(PREFIX)/lib/rumplab)
	$(if $(COMPONENTS),install -m 755 $(COMPONENTS) $(DESTDIR)$(PREFIX)/lib/rumplab/)
	install -m 644 $(INSTALL_HEADERS) $(DESTDIR)$(PREFIX)/include/rumplab/
	for m in $(MANS); do s=$${m##*.}; install -d $(DESTDIR)$(PREFIX)/share/man/man$$s && \
	    install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/ || exit 1; done

clean:
	rm -rf build

# A lab through a long day (tests/soak.sh): SOAK_MINUTES (30) of mixed
# traffic, captures, cuts and restarts on SOAK_NODES (300) nodes; fails
# on growth of memory or descriptors, a lost node or a failed check.
SOAK_MINUTES ?= 30
SOAK_NODES ?= 300
soak: all
	$(Q)O=$(abspath $(O)) sh tests/soak.sh $(SOAK_MINUTES) $(SOAK_NODES)

# The fuzz targets at length (tests/fuzz-long.sh): each to FUZZ_RUNS
# executions from its seeds and the corpus earlier runs grew
# (build/fuzz/corpus); prints executions, exec/s, coverage and any
# finding per target, and fails on a finding.  FUZZ_TARGETS picks some,
# FUZZ_TIME (seconds) bounds each, FUZZ_JOBS=N runs N processes a target.
FUZZ_RUNS ?= 10000000
FUZZ_TARGETS ?=
fuzz-long: deps
	$(Q)$(MAKE) --no-print-directory O=build/fuzz fuzz-build
	$(Q)FUZZ_O=$(abspath build/fuzz) sh tests/fuzz-long.sh $(FUZZ_RUNS) \
	    $(FUZZ_TARGETS)

.PHONY: all check bench demo install clean deps fuzz-build soak fuzz-long
.DELETE_ON_ERROR:
SHELL := /bin/bash

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)
