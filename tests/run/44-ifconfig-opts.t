#!/bin/bash
# 44-ifconfig-opts.t — proves rump.ifconfig's listing options and the
# node's interface kinds and address lifetimes, unprivileged, on one
# rump_server node: cloned loopbacks (lo1 created down and bare, given
# addresses, destroyed; lo0 stays).
. "$(dirname "$0")/../lib/common.sh"

for p in rump_server rump.ifconfig rump.halt rump.sysctl; do
	if [ ! -x "$B/$p" ]; then
		echo "1..0 # SKIP $p not built in $O"
		exit 0
	fi
done
cd "$T" || exit 1

pid=""
on_exit 'RUMP_SERVER=unix://n1 as_user rump.halt -w 1; [ -z "$pid" ] || kill -9 $pid; wait'

N() {           # N CMD...: run CMD as a client of the node
	RUMP_SERVER=unix://n1 as_user timeout 60 "$@"
}

plan 4

as_user rump_server -l rumpnet_netinet -l rumpnet_netinet6 \
    -l rumpnet_shmif unix://n1
pid=$(N rump.sysctl -n kern.pid)

# Cloned loopbacks.
N rump.ifconfig lo1 create >"$T/out" 2>&1
check "lo1 is created" test $? = 0
N rump.ifconfig lo1 >"$T/lo1"
check "lo1 starts down and bare" grep -qx \
    'lo1: flags=0x8048<LOOPBACK,RUNNING,MULTICAST> mtu 33624' "$T/lo1"
N rump.ifconfig lo1 inet 10.9.0.1/24 && N rump.ifconfig lo1 inet6 fc00:9::1 &&
    N rump.ifconfig lo1 >"$T/lo1"
check "lo1 takes addresses and is up" grep -qx \
    '	inet 10.9.0.1/24 flags 0x0' "$T/lo1" &&
    grep -q '^lo1: flags=0x8049<UP,' "$T/lo1"
N rump.ifconfig lo1 destroy && N rump.ifconfig -l >"$T/names"
check "lo1 is destroyed, lo0 stays" grep -qx 'lo0' "$T/names"
done_testing
