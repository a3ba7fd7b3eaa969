#!/bin/sh
# make bench: every benchmark, figures printed.  Never fails because the
# machine is slow; fails only if a benchmark cannot run at all.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build/default}
d=$(mktemp -d /dev/shm/rumplab-bench.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$d"' EXIT INT TERM
echo "== shmif bus (bus files on $(df --output=fstype "$d" | tail -1))"
"$O/tests/bench_bus" "$d" "${BENCH_SECONDS:-1}"
for b in "$top"/tests/bench/[0-9]*.sh; do
	[ -e "$b" ] || continue
	echo "== $(basename "$b" .sh)"
	# Each under the shell its first line names (sh unless bash).
	if head -1 "$b" | grep -q bash; then
		O=$O bash "$b" "$d"
	else
		O=$O sh "$b" "$d"
	fi
done
