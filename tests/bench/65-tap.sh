#!/bin/sh
# 65-tap.sh — a lab node and the host's stack through a tap (virtif),
# beside two network namespaces over a veth pair in the same run: ping
# RTT and TCP throughput (iperf3, hijacked on the node); and the frames
# a second one bridge node forwards between two buses (bench_fwd).  Taps
# need root: as a user this prints why and measures only the bridge.
# Everything runs in network namespaces this script makes: no frame
# leaves them.  Figures only; never fails because the machine is slow.
#
#   O=build/default sh tests/bench/65-tap.sh [SCRATCH]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build/default}
PATH=$O/bin:$PATH
x=$(mktemp -d "${1:-/dev/shm}/rumplab-bench-tap.XXXXXX" 2>/dev/null || mktemp -d)
XDG_RUNTIME_DIR=$x
export PATH XDG_RUNTIME_DIR
trap 'rumplab down tapb >/dev/null 2>&1; rumplab down brb >/dev/null 2>&1
    rm -rf "$x"' EXIT
trap 'exit 130' INT TERM

rtt() { sed -n 's/^rtt min\/avg\/max\/mdev = \([^ ]*\) ms.*/\1/p;s/^round-trip .* = \([^ ]*\) ms.*/\1/p'; }
mbit() { sed -n 's/.* \([0-9.]*\) Mbits\/sec .*receiver$/\1/p' | tail -1; }

# --- a node on a tap, and a veth pair, each inside a namespace of its own
if [ "$(id -u)" = 0 ] && command -v iperf3 >/dev/null && [ -c /dev/net/tun ]; then
	cat >"$x/tap.yaml" <<-EOF
	name: tapb
	nodes:
	  h1: { interfaces: [ { tap: { name: rlb0, addr: 10.77.0.1/24 }, addr: 10.77.0.2/24 } ] }
	EOF
	cat >"$x/tap.sh" <<-EOF
	rumplab up -q "$x/tap.yaml" || exit 1
	ping -q -c 5 -i 0.01 10.77.0.2 >/dev/null
	echo "tap: ping RTT min/avg/max/mdev \$(ping -q -c 200 -i 0.005 10.77.0.2 | sed -n 's/^rtt .* = //p')"
	iperf3 -s -1 -B 10.77.0.1 >/dev/null 2>&1 & sleep 0.5
	echo "tap: TCP node -> host \$(rumplab exec --lab tapb h1 -- iperf3 -c 10.77.0.1 -t 3 -f m 2>/dev/null | sed -n 's/.* \([0-9.]* Mbits\/sec\) .*receiver\$/\1/p')"
	rumplab down tapb >/dev/null
	EOF
	unshare -n sh "$x/tap.sh" 2>&1
	cat >"$x/veth.sh" <<-EOF
	ip link set lo up
	unshare -n sleep 30 & p=\$!
	sleep 0.2
	ip link add va type veth peer name vb netns /proc/\$p/ns/net 2>/dev/null ||
	    { ip link add va type veth peer name vb && ip link set vb netns \$p; }
	ip addr add 10.78.0.1/24 dev va && ip link set va up
	nsenter -t \$p -n sh -c 'ip addr add 10.78.0.2/24 dev vb; ip link set vb up; ip link set lo up'
	ping -q -c 5 -i 0.01 10.78.0.2 >/dev/null
	echo "veth: ping RTT min/avg/max/mdev \$(ping -q -c 200 -i 0.005 10.78.0.2 | sed -n 's/^rtt .* = //p')"
	iperf3 -s -1 -B 10.78.0.1 >/dev/null 2>&1 & sleep 0.5
	echo "veth: TCP ns -> ns \$(nsenter -t \$p -n iperf3 -c 10.78.0.1 -t 3 -f m 2>/dev/null | sed -n 's/.* \([0-9.]* Mbits\/sec\) .*receiver\$/\1/p')"
	kill \$p
	EOF
	unshare -n sh "$x/veth.sh" 2>&1
else
	echo "tap: not measured (needs root, iperf3 and /dev/net/tun)"
fi

# --- frames through one bridge
cat >"$x/br.yaml" <<EOF
name: brb
buses:
  lan1: { subnet: 10.79.0.0/24 }
  lan2: {}
nodes:
  sw: { kind: bridge, interfaces: [ { bus: lan1 }, { bus: lan2 } ] }
  h1: { interfaces: [ { bus: lan1, addr: 10.79.0.1/24 } ] }
  h2: { interfaces: [ { bus: lan2, addr: 10.79.0.2/24 } ] }
EOF
rumplab up -q "$x/br.yaml" || exit 1
rumplab exec --lab brb h1 -- rump.ping -q -c 3 -i 0.01 10.79.0.2 >/dev/null 2>&1
echo "bridge: ping RTT min/avg/max/stddev $(rumplab exec --lab brb h1 -- rump.ping -q -c 200 -i 0.005 10.79.0.2 | sed -n 's/^round-trip .* = //p')"
# Frames written on lan1 for h2's MAC (learned on lan2's port by the
# ping), counted as they appear on lan2: the bridge's own rate, not the
# clients' (tests/shmif/bench_fwd, as for a router in 2x-routing.sh).
mac=$(rumplab exec --lab brb h2 -- rump.ifconfig shmif0 | sed -n 's/.*address: //p')
b=$x/rumplab/brb/bus
"$O/tests/bench_fwd" -r 3 -l 18 "$b/lan1" "$b/lan2" "$mac" 10.79.0.1 10.79.0.2 |
    sed 's/^one router, 18-byte UDP: /bridge: 60-byte frames (18-byte UDP) through one bridge: /'
rumplab down brb >/dev/null
