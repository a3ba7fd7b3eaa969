#!/bin/bash
# 48-proxy-arp.t — proves tap interfaces (netcomp/if_tap.c, rumpnet_tap),
# proxy ARP for a host behind a node and route -proxy, on two rump_server
# nodes on one shmif bus, unprivileged:
#  - `ifconfig tap1 create` makes an interface that is up and running
#    with no link string (one is refused), sends into nothing and
#    receives nothing;
#  - with tap1 holding 10.4.1.3 on the subnet of its shmif0, the node
#    does not answer ARP for 10.4.1.3 on the bus until `arp -s 10.4.1.3
#    MAC pub`: the entry goes on shmif0 (the subnet's route), not on the
#    tap, the peer's request is answered, and the peer's ping of 10.4.1.3
#    is answered by the shmif0 the request came in by;
#  - `route add -net ... -proxy` shows the route as UGSp (route get:
#    ANNOUNCE), also through a gateway on a subnet whose connected route
#    was deleted, as NetBSD takes it.
# Only a bus file and unix sockets in $T carry traffic.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/nodes.sh"

for p in rump_server rump.ifconfig rump.ping rump.sysctl rump.halt \
    rump.route rump.netstat rump.arp shmif_dumpbus; do
	[ -x "$B/$p" ] || skip_all "$p not built in $O"
done
command -v tcpdump >/dev/null || skip_all "no tcpdump"
cd "$T" || exit 1

start_tap_node() {
	as_user rump_server -l rumpnet_netinet -l rumpnet_shmif \
	    -l rumpnet_tap "unix://$1" || return 1
	urls="$urls unix://$1"
	nodes="$nodes $(N "$1" rump.sysctl -n kern.pid)"
}

# --- tap interfaces ----------------------------------------------------------
check "node g starts with rumpnet_tap" start_tap_node g
check "node p starts" start_node p
check "g: 10.4.1.2/24 on lan" ifc g shmif0 lan 10.4.1.2/24
check "p: 10.4.1.1/24 on lan" ifc p shmif0 lan 10.4.1.1/24
check "g: tap1 create, 10.4.1.3/24 up" eval \
    'N g rump.ifconfig tap1 create && N g rump.ifconfig tap1 10.4.1.3/24 up'
N g rump.ifconfig tap1 >if.txt 2>&1
ok $(grep -q '^tap1: flags=.*<UP,BROADCAST,RUNNING' if.txt &&
    grep -q 'status: active' if.txt; echo $?) \
    "tap1 is up and running, its link active without a linkstr"
N g rump.ifconfig tap1 down
fails_with "tap1 refuses a linkstr" "tap1 has no link to attach" \
    N g rump.ifconfig tap1 linkstr "$T/x"
N g rump.ifconfig tap1 up

# --- proxy ARP for the tap's address -------------------------------------------
N p rump.ping -n -c 1 -w 1 10.4.1.3 >/dev/null 2>&1; r=$?
ok $([ $r != 0 ]; echo $?) "unpublished, p's ping of 10.4.1.3 on tap1 fails (exit $r)"
mac=$(N g rump.ifconfig shmif0 | awk '/address:/ { print $2 }')
check "g: arp -s 10.4.1.3 $mac pub" N g rump.arp -s 10.4.1.3 "$mac" pub
N g rump.arp -n 10.4.1.3 >a.txt 2>&1
ok $(grep -q "^? (10\.4\.1\.3) at $mac on shmif0 permanent published (proxy only)$" \
    a.txt; echo $?) "the published entry is on shmif0, the subnet's route" ||
    sed 's/^/#   /' a.txt
N p rump.ping -n -c 1 -w 3 10.4.1.3 >p.txt 2>&1; r=$?
ok $([ $r = 0 ] && grep -q '^64 bytes from 10\.4\.1\.3' p.txt; echo $?) \
    "published, p's ping of 10.4.1.3 is answered (exit $r)" ||
    sed 's/^/#   /' p.txt
as_user shmif_dumpbus -p - lan 2>/dev/null |
    as_user tcpdump -n -e -r - 2>/dev/null >bus.txt
ok $(grep -q "^[0-9:.]* $mac > .* Reply 10\.4\.1\.3 is-at $mac" bus.txt &&
    grep -q "^[0-9:.]* $mac > .* 10\.4\.1\.3 > 10\.4\.1\.1: ICMP echo reply" \
    bus.txt; echo $?) "g answered ARP for 10.4.1.3 and the echo from shmif0's MAC"
N g rump.netstat -in >i.txt 2>&1
ok $(awk '$1 == "tap1" && $3 == "<Link>" { f = $5 == 0 && $7 > 0 }
    END { exit !f }' i.txt; echo $?) "tap1 counts what it sends and receives nothing" ||
    sed 's/^/#   /' i.txt

# --- route -proxy --------------------------------------------------------------
check "p: route add -net 10.4.9.0/24 10.4.1.2 -proxy" \
    N p rump.route -q add -net 10.4.9.0/24 10.4.1.2 -proxy
N p rump.netstat -rn -f inet >r.txt 2>&1
ok $(grep -q '^10\.4\.9/24  *10\.4\.1\.2  *UGSp ' r.txt; echo $?) \
    "netstat -rn: 10.4.9/24 is UGSp" || sed 's/^/#   /' r.txt
N p rump.route -n get 10.4.9.1 >g.txt 2>&1
ok $(grep -q 'flags: .*<UP,GATEWAY,DONE,STATIC,ANNOUNCE>' g.txt; echo $?) \
    "route get names ANNOUNCE" || sed 's/^/#   /' g.txt
check "p: the connected 10.4.1.0/24 deleted" \
    N p rump.route -q delete -net 10.4.1.0/24
check "p: route add -net 10.4.1.0/24 10.4.1.2 -proxy, gateway on its subnet" \
    N p rump.route -q add -net 10.4.1.0/24 10.4.1.2 -proxy
N p rump.netstat -rn -f inet >r.txt 2>&1
ok $(grep -q '^10\.4\.1/24  *10\.4\.1\.2  *UGSp .* shmif0$' r.txt; echo $?) \
    "netstat -rn: 10.4.1/24 via 10.4.1.2 is UGSp on shmif0" ||
    sed 's/^/#   /' r.txt

plan $_n
done_testing
