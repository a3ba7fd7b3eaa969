#!/bin/bash
# 87-lab-ctlproto.t — runs the control protocol's unit test, which checks
# the table both ends use (lab/ctlproto.h) against lab/CONTROL.txt and the
# request and reply parsers against good and malformed lines.
. "$(dirname "$0")/../lib/common.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -x "$O/tests/test_ctlproto" ]; then
	echo "1..0 # SKIP test_ctlproto not built in $O"
	exit 0
fi
as_user "$O/tests/test_ctlproto" "$ROOT/lab/CONTROL.txt"
