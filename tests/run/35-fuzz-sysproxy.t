#!/bin/bash
# 35-fuzz-sysproxy.t — fuzzes the sysproxy frame decoder (server-side request
# decoding and client-side reply decoding of arbitrary bytes) for a bounded
# time with libFuzzer; any crash or sanitizer report fails.
. "$(dirname "$0")/../lib/common.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/fuzz/targets.sh"
FZ=${FUZZ_O:-$(cd "$(dirname "$0")/../.." && pwd)/build/fuzz}/fuzz_sysproxy
if [ ! -x "$FZ" ]; then
	echo "1..0 # SKIP fuzz_sysproxy not built (make check builds it)"
	exit 0
fi
plan 1
mkdir -p "$T/corpus"
fuzz_seeds sysproxy "$T/corpus"
chown -R 65534:65534 "$T/corpus" 2>/dev/null
as_user "$FZ" -max_total_time="${FUZZ_TIME:-20}" $(fuzz_flags sysproxy) \
    -artifact_prefix="$T/" "$T/corpus" >"$T/fuzz.log" 2>&1
r=$?
tail -5 "$T/fuzz.log" | sed 's/^/# /'
ok $r "fuzz_sysproxy ran ${FUZZ_TIME:-20} s without a finding"
done_testing
