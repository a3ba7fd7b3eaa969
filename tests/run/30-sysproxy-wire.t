#!/bin/bash
# 30-sysproxy-wire.t — runs the sysproxy codec's unit test, which checks the
# bytes it produces and accepts against kernel/SYSPROXY.txt.
. "$(dirname "$0")/../lib/common.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -x "$O/tests/test_sysproxy_wire" ]; then
	echo "1..0 # SKIP test_sysproxy_wire not built in $O"
	exit 0
fi
as_user "$O/tests/test_sysproxy_wire" "$ROOT/kernel/SYSPROXY.txt"
