#!/bin/sh
# 65-fuzz-topology.t — runs the topology fuzz target (YAML parser, loader,
# validator, planner, printers on arbitrary bytes) for a bounded time,
# seeded with the ready-made and the broken topologies: it must find no
# crash, hang, leak, out-of-bounds access or error outside the input.
. "$(dirname "$0")/../lib/common.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
F=${FUZZ_O:-$O/../fuzz}/fuzz_topology
plan 1
if [ ! -x "$F" ]; then echo "ok 1 # SKIP $F not built"; exit 0; fi
mkdir -p "$T/corpus"
for f in "$ROOT"/topologies/*.yaml "$ROOT"/tests/lab/bad/*.yaml; do
	[ "$(wc -c <"$f")" -le 4096 ] && cp "$f" "$T/corpus/"
done
check "fuzz_topology: ${FUZZ_SECONDS:-20} s over arbitrary topologies, no finding" \
    sh -c "cd '$T' && '$F' -max_total_time=${FUZZ_SECONDS:-20} -timeout=10 -rss_limit_mb=1024 -max_len=4096 -print_final_stats=1 '$T/corpus'"
tail -5 "$T/.out" | sed 's/^/# /'
done_testing
