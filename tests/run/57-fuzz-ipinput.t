#!/bin/sh
# Runs the router receive-path fuzz target (fuzz_ipinput: one Ethernet
# frame per input into a node forwarding IPv4 and IPv6) for a bounded
# time, from seeds that reach each path (forwarding, TTL/hop limit 1, no
# route, reject, blackhole, too big, fragments, packet too big, ND): it
# must find no crash, hang, leak or out-of-bounds access.
. "$(dirname "$0")/../lib/common.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/fuzz/targets.sh"
F=${FUZZ_O:-$O/../fuzz}/fuzz_ipinput
plan 2
if [ ! -x "$F" ]; then echo "ok 1 # SKIP $F not built"; echo "ok 2 # SKIP"; exit 0; fi
# Fragments of datagrams left incomplete when the process ends: lwIP's
# reassembly, which once took them, chained them by pointers written into
# their packet data where LeakSanitizer does not look, and it reported
# the frames leaked (ipfwd6.c, ip6_reass): frag6-mcast-* replay that
# (frag6-dstopt-*, fragments after a Destination Options header, did
# not, but take that path of ip6_reass).  Leak detection on.
check "fuzz_ipinput: fragments pending at exit are no leak" \
    env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1" \
    sh -c "cd '$T' && '$F' '$ROOT'/tests/fuzz/regress/ipinput/frag6-*"
why=$(fuzz_seeds ipinput "$T/corpus") || { echo "ok 2 # SKIP $why"; exit 0; }
check "fuzz_ipinput: ${FUZZ_SECONDS:-30} s over frames into a router, no crash or leak" \
    env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1" \
    sh -c "cd '$T' && '$F' -max_total_time=${FUZZ_SECONDS:-30} $(fuzz_flags ipinput) -print_final_stats=1 '$T/corpus'"
tail -5 "$T/.out" | sed 's/^/# /'
done_testing
