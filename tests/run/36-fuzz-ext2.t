#!/bin/sh
# 36-fuzz-ext2.t — runs the ext2 fuzz target (rumpfs_ext2fs through the
# node's own VFS: mount read-only and walk, mount read-write and change,
# unmount) for a bounded time over arbitrary images, seeded with small
# ext2 and ext4 images mke2fs makes here: it must find no crash, hang,
# leak, out-of-bounds access or error outside the input.
. "$(dirname "$0")/../lib/common.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/fuzz/targets.sh"
F=${FUZZ_O:-$O/../fuzz}/fuzz_ext2
plan 1
if [ ! -x "$F" ]; then echo "ok 1 # SKIP $F not built"; exit 0; fi
why=$(fuzz_seeds ext2 "$T/corpus") || { echo "ok 1 # SKIP $why"; exit 0; }
check "fuzz_ext2: ${FUZZ_SECONDS:-20} s over arbitrary images, no finding" \
    sh -c "cd '$T' && '$F' -max_total_time=${FUZZ_SECONDS:-20} $(fuzz_flags ext2) -print_final_stats=1 '$T/corpus'"
tail -5 "$T/.out" | sed 's/^/# /'
done_testing
