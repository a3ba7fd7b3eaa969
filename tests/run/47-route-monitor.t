#!/bin/bash
# 47-route-monitor.t — proves the node's routing messages (kernel/rtmsg.c,
# sysproxy RTMSG_READ) and rump.route monitor, which prints them as
# NetBSD's route monitor does, on two nodes a and b on one shmif bus:
#  - route add, change and delete on a: RTM_ADD, RTM_CHANGE, RTM_DELETE
#    with the route's flags and DONE (a deleted route is not UP), the
#    pid of the rump.route that asked, and destination, gateway, mask;
#  - a ping to b makes a neighbour entry: RTM_ADD <UP,HOST,DONE,LLINFO,
#    CLONED> for the address on "link#2" (its MAC not known yet), from
#    the node itself (pid 0), for IPv4 and IPv6; arp -d and ndp -d:
#    RTM_DELETE <HOST,DONE,LLINFO,CLONED> with b's MAC;
#  - monitor -c 1 ends after one message.
# Only a bus file and unix sockets in $T carry traffic.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/nodes.sh"

for p in rump_server rump.ifconfig rump.ping rump.ping6 rump.route \
    rump.arp rump.ndp rump.sysctl rump.halt; do
	if [ ! -x "$B/$p" ]; then
		echo "1..0 # SKIP $p not built in $O"
		exit 0
	fi
done
cd "$T" || exit 1

for n in a b; do check "node $n starts" start_node $n; done
check "a: 10.1.1.1/24 fd01::1/64; b: 10.1.1.2/24 fd01::2/64" eval '
    ifc a shmif0 bus 10.1.1.1/24 fd01::1/64 &&
    ifc b shmif0 bus 10.1.1.2/24 fd01::2/64 &&
    N a rump.ifconfig -w 10 && N b rump.ifconfig -w 10'
macb=$(N b rump.ifconfig shmif0 | sed -n 's/^	address: //p')

# The monitor reads the messages made after it asked: a route added until
# it shows one proves it listens.
N a rump.route -n monitor >mon.txt 2>mon.err &
bg="$bg $!"
for i in $(seq 100); do
	N a rump.route -q add -host 10.9.9.9 10.1.1.2 && sleep 0.05
	grep -q '^ 10\.9\.9\.9 10\.1\.1\.2$' mon.txt && break
	N a rump.route -q delete -host 10.9.9.9
done
ok $(grep -q '^ 10\.9\.9\.9 10\.1\.1\.2$' mon.txt; echo $?) "the monitor listens (a host route's RTM_ADD)"
check "a: route add, change, delete -net 10.77.0.0/16" eval '
    N a rump.route -q add -net 10.77.0.0/16 10.1.1.2 &&
    N a rump.route -q change -net 10.77.0.0/16 10.1.1.1 &&
    N a rump.route -q delete -net 10.77.0.0/16'
wait_grep mon.txt '^RTM_DELETE: Delete Route: .*<GATEWAY,DONE,STATIC>$'
ok $(grep -A3 '^RTM_ADD: Add Route: len 76, pid [1-9][0-9]*, seq [0-9]*, errno 0, flags: <UP,GATEWAY,DONE,STATIC>$' mon.txt |
    grep -qx ' 10\.77\.0\.0 10\.1\.1\.2 255\.255\.0\.0' &&
    grep -A3 '^RTM_CHANGE: Change Metrics, Flags or Gateway: .* flags: <UP,GATEWAY,DONE,STATIC>$' mon.txt |
    grep -qx ' 10\.77\.0\.0 10\.1\.1\.1 255\.255\.0\.0' &&
    grep -A3 '^RTM_DELETE: Delete Route: .* flags: <GATEWAY,DONE,STATIC>$' mon.txt |
    grep -qx 'sockaddrs: <DST,GATEWAY,NETMASK>' &&
    grep -qE '^got message of size 76 on [A-Z][a-z]{2} ' mon.txt; echo $?) \
    "RTM_ADD, RTM_CHANGE, RTM_DELETE of 10.77/16 with NetBSD's flags and addresses"

check "a pings b (IPv4, IPv6)" eval 'N a rump.ping -q -c 1 -w 2 10.1.1.2 &&
    N a rump.ping6 -q -c 1 -X 2 fd01::2'
wait_grep mon.txt '^ fd01::2 link#2$'
ok $(grep -B3 -x ' 10\.1\.1\.2 link#2' mon.txt |
    grep -q '^RTM_ADD: Add Route: len 76, pid 0, seq 0, errno 0, flags: <UP,HOST,DONE,LLINFO,CLONED>$' &&
    grep -B1 -x ' fd01::2 link#2' mon.txt | grep -qx 'sockaddrs: <DST,GATEWAY>'; echo $?) \
    "the neighbour entries made: RTM_ADD <UP,HOST,DONE,LLINFO,CLONED>, 10.1.1.2 and fd01::2 on link#2"
check "a: arp -d 10.1.1.2, ndp -d fd01::2" eval 'N a rump.arp -d 10.1.1.2 >/dev/null &&
    N a rump.ndp -d fd01::2 >/dev/null'
wait_grep mon.txt "^ fd01::2 $macb\$"
ok $(grep -B3 -x " 10\\.1\\.1\\.2 $macb" mon.txt |
    grep -q '^RTM_DELETE: Delete Route: .* flags: <HOST,DONE,LLINFO,CLONED>$' &&
    grep -qx " fd01::2 $macb" mon.txt; echo $?) \
    "arp -d, ndp -d: RTM_DELETE <HOST,DONE,LLINFO,CLONED> with b's MAC"
sed 's/^/#   /' mon.err

N a rump.route -n monitor -c 1 >one.txt 2>&1 &
p=$!
for i in $(seq 100); do
	N a rump.route -q add -host 10.9.9.8 10.1.1.2 &&
	    N a rump.route -q delete -host 10.9.9.8
	kill -0 $p 2>/dev/null || break
done
wait $p; r=$?
ok $([ $r = 0 ] && [ "$(grep -c '^got message' one.txt)" = 1 ]; echo $?) \
    "monitor -c 1 ends after one message (exit $r)"
plan $_n
