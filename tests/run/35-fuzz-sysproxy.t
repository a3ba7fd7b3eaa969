#!/bin/bash
# 35-fuzz-sysproxy.t — fuzzes the sysproxy frame decoder (server-side request
# decoding and client-side reply decoding of arbitrary bytes) for a bounded
# time with libFuzzer; any crash or sanitizer report fails.
. "$(dirname "$0")/../lib/common.sh"
FZ=${FUZZ_O:-$(cd "$(dirname "$0")/../.." && pwd)/build/fuzz}/fuzz_sysproxy
if [ ! -x "$FZ" ]; then
	echo "1..0 # SKIP fuzz_sysproxy not built (make check builds it)"
	exit 0
fi
plan 1
mkdir -p "$T/corpus"
# Seeds: the spec's example frames, so the fuzzer starts from valid calls.
printf '\x1c\0\0\0\x07\0\0\0\x01\0\0\0\0\0\0\0\x02\0\0\0\x01\0\0\0\0\0\0\0' >"$T/corpus/socket"
printf '\x1c\0\0\0\x09\0\0\0\x03\0\0\0\0\0\0\0\x03\0\0\0\x02\0\x07\0\x7f\0\0\x01' >"$T/corpus/connect"
printf '\x24\0\0\0\x0c\0\0\0\x0e\0\0\0\0\0\0\0\xe8\x03\0\0\x02\0\0\0\x03\0\0\0\x01\0\x04\0\0\0\x04\0' >"$T/corpus/poll"
printf '\x14\0\0\0\x0d\0\0\0\x24\0\x01\0\xf0\xff\xff\xff\x02\0up' >"$T/corpus/ebusy"
chown -R 65534:65534 "$T/corpus" 2>/dev/null
as_user "$FZ" -max_total_time="${FUZZ_TIME:-20}" -max_len=4096 \
    -rss_limit_mb=1024 -artifact_prefix="$T/" "$T/corpus" >"$T/fuzz.log" 2>&1
r=$?
tail -5 "$T/fuzz.log" | sed 's/^/# /'
ok $r "fuzz_sysproxy ran ${FUZZ_TIME:-20} s without a finding"
done_testing
