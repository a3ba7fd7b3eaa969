#!/bin/sh
# 36-fuzz-ext2.t — runs the ext2 fuzz target (rumpfs_ext2fs through the
# node's own VFS: mount read-only and walk, mount read-write and change,
# unmount) for a bounded time over arbitrary images, seeded with small
# ext2 and ext4 images mke2fs makes here: it must find no crash, hang,
# leak, out-of-bounds access or error outside the input.
. "$(dirname "$0")/../lib/common.sh"
F=${FUZZ_O:-$O/../fuzz}/fuzz_ext2
plan 1
if [ ! -x "$F" ]; then echo "ok 1 # SKIP $F not built"; exit 0; fi
if ! command -v mke2fs >/dev/null; then echo "ok 1 # SKIP no mke2fs"; exit 0; fi
mkdir -p "$T/src/d" "$T/corpus"
echo hi >"$T/src/d/f"
head -c 3000 /dev/urandom >"$T/src/r"
ln -s f "$T/src/d/fast"
ln -s "$(printf '%080d' 0)" "$T/src/slow"
i=0
for o in "-t ext2" "-t ext4 -O ^has_journal" "-t ext2 -O ^filetype"; do
	i=$((i + 1))
	truncate -s 64k "$T/corpus/seed$i"
	mke2fs -q -F $o -b 1024 -N 16 -m 0 -d "$T/src" "$T/corpus/seed$i" \
	    >/dev/null 2>&1 || rm -f "$T/corpus/seed$i"
done
check "fuzz_ext2: ${FUZZ_SECONDS:-20} s over arbitrary images, no finding" \
    sh -c "cd '$T' && '$F' -max_total_time=${FUZZ_SECONDS:-20} -timeout=10 -rss_limit_mb=1024 -max_len=65536 -print_final_stats=1 '$T/corpus'"
tail -5 "$T/.out" | sed 's/^/# /'
done_testing
