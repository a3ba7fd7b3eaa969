#!/bin/sh
# Runs the bus fuzz target (arbitrary bus bytes) for a bounded time: it must
# find no crash, hang, leak or out-of-bounds access.
. "$(dirname "$0")/../lib/common.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/fuzz/targets.sh"
F=${FUZZ_O:-$O/../fuzz}/fuzz_shmif
plan 1
if [ ! -x "$F" ]; then echo "ok 1 # SKIP $F not built"; exit 0; fi
fuzz_seeds shmif "$T/corpus"
check "fuzz_shmif: ${FUZZ_SECONDS:-30} s over arbitrary bus bytes, no finding" \
    sh -c "cd '$T' && '$F' -max_total_time=${FUZZ_SECONDS:-30} $(fuzz_flags shmif) -print_final_stats=1 '$T/corpus'"
tail -5 "$T/.out" | sed 's/^/# /'
done_testing
