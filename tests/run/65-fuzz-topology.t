#!/bin/sh
# 65-fuzz-topology.t — runs the topology fuzz target (YAML parser, loader,
# validator, planner, printers on arbitrary bytes) for a bounded time,
# seeded with the ready-made and the broken topologies: it must find no
# crash, hang, leak, out-of-bounds access or error outside the input.
. "$(dirname "$0")/../lib/common.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/fuzz/targets.sh"
F=${FUZZ_O:-$O/../fuzz}/fuzz_topology
plan 1
if [ ! -x "$F" ]; then echo "ok 1 # SKIP $F not built"; exit 0; fi
fuzz_seeds topology "$T/corpus"
check "fuzz_topology: ${FUZZ_SECONDS:-20} s over arbitrary topologies, no finding" \
    sh -c "cd '$T' && '$F' -max_total_time=${FUZZ_SECONDS:-20} $(fuzz_flags topology) -print_final_stats=1 '$T/corpus'"
tail -5 "$T/.out" | sed 's/^/# /'
done_testing
