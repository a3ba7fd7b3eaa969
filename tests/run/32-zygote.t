#!/bin/bash
# 32-zygote.t — rump_server -Z against its protocol (kernel/zygote.h): a
# child goes on only when its launcher says go, even when the zygote was
# killed -9 right after answering (the race that once made `up` report a
# node "ended at its start without saying why"), and exits when told
# nothing; malformed requests; the zygote's end with its socket.
. "$(dirname "$0")/../lib/common.sh"
if [ ! -x "$O/tests/test_zygote" ] || [ ! -x "$B/rump_server" ]; then
	echo "1..0 # SKIP test_zygote or rump_server not built in $O"
	exit 0
fi
as_user "$O/tests/test_zygote" "$B/rump_server"
