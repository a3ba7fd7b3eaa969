#!/bin/bash
# 55-routing.t — proves the routing table and forwarding (netcomp/route.c,
# ipfwd.c, neigh.c) and the commands rump.route, rump.netstat,
# rump.traceroute, rump.arp and rump.ndp on rump_server nodes joined by
# shmif buses, unprivileged:
#  - one router: IPv4 and IPv6 forwarding work with forwarding on and
#    fail with it off;
#  - IPv4 options through it: ping -R prints the route recorded on the
#    way out and back ("(same route)" the second time), ping -g goes
#    through it by a loose source route (even with forwarding off),
#    net.inet.ip.allowsrcrt=0 answers "net prohibited" and forwsrcrt=0
#    "source route failed", counted as bad options; an unmodified
#    program's UDP socket sends IP_OPTIONS (python3, librumphijack);
#  - a chain h1 - r1 - r2 - r3 - h2 with static routes: end-to-end ping,
#    traceroute lists every hop in order (UDP and -I), route get names
#    the gateway and interface, netstat -rn has NetBSD's table;
#  - TTL 1 through a router: "Time To Live exceeded", at most 100 a
#    second; a reject route: unreachable (!H); a blackhole: silence;
#  - pings of 1472, 1473, 8000 and 65000 bytes through a router; a
#    1280-MTU link in the middle carries a TCP transfer (fragmentation);
#    ping -D (DF) gets "frag needed" with the MTU from the router before
#    it, and "Message too long" when it does not fit the sender's link;
#  - rump.route monitor prints the routing messages of route add,
#    change, delete and of neighbour entries made and deleted;
#  - route change -ifa gives a route its own source address (route get,
#    the echo requests on the bus);
#  - interface routes (-iface by name or address) reach neighbours by
#    ARP; route flush takes the static routes of one or both families
#    and leaves the connected ones;
#  - a static ARP entry is used with no ARP request on the bus, and
#    deleting it brings ARP back; deleting a dynamic entry drops that one
#    alone; ndp lists and deletes;
#  - 50 routers in a line: end-to-end ping and TCP.
# Only bus files and unix sockets in $T carry traffic.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/nodes.sh"

for p in rump_server rump.ifconfig rump.ping rump.ping6 rump.sysctl \
    rump.halt rump.route rump.netstat rump.traceroute rump.arp rump.ndp \
    rumpperf shmif_dumpbus; do
	if [ ! -x "$B/$p" ]; then
		echo "1..0 # SKIP $p not built in $O"
		exit 0
	fi
done
cd "$T" || exit 1

# --- one router: a - ra - b -----------------------------------------------------
for n in a ra b; do check "node $n starts" start_node $n; done
check "a: 10.1.1.2/24 fd01::2/64 on ab1" ifc a shmif0 ab1 10.1.1.2/24 fd01::2/64
check "ra: two interfaces" eval 'ifc ra shmif0 ab1 10.1.1.1/24 fd01::1/64 &&
    ifc ra shmif1 ab2 10.1.2.1/24 fd02::1/64'
check "b: 10.1.2.2/24 fd02::2/64 on ab2" ifc b shmif0 ab2 10.1.2.2/24 fd02::2/64
check "a: default routes" eval 'N a rump.route -q add default 10.1.1.1 &&
    N a rump.route -q add -inet6 default fd01::1'
check "b: default routes" eval 'N b rump.route -q add default 10.1.2.1 &&
    N b rump.route -q add -inet6 default fd02::1'
for n in a ra b; do N $n rump.ifconfig -w 10 >/dev/null; done
d=$(N ra rump.sysctl -n net.inet.ip.forwarding net.inet6.ip6.forwarding | tr '\n' ' ')
ok $([ "$d" = "1 0 " ]; echo $?) "forwarding defaults: IPv4 on (NetBSD's rump kernel), IPv6 off (got: $d)"
N ra rump.sysctl -q -w net.inet.ip.forwarding=0
N a rump.ping -q -c 1 -w 1 10.1.2.2 >/dev/null 2>&1; r=$?
ok $([ $r = 2 ]; echo $?) "forwarding off: IPv4 a -> b fails (exit $r)"
N a rump.ping6 -q -c 1 -w 1 fd02::2 >/dev/null 2>&1; r=$?
ok $([ $r != 0 ]; echo $?) "forwarding off: IPv6 a -> b fails (exit $r)"
check "ra: forwarding on" router ra
check "IPv4 a -> b through ra" N a rump.ping -q -c 3 -i 0.05 10.1.2.2
check "IPv6 a -> b through ra" N a rump.ping6 -q -c 3 -i 0.05 fd02::2
check "IPv4 b -> a through ra" N b rump.ping -q -c 2 -i 0.05 10.1.1.2
N a rump.ping -c 1 10.1.2.2 >p.txt 2>&1
ok $(grep -q 'ttl=254' p.txt; echo $?) "one router took one from the TTL (ttl=254)"

# IPv4 options through ra (netcomp/ipopt.c): record route, loose source
# route, the two knobs, IP_OPTIONS of an unmodified program's UDP socket.
d=$(N ra rump.sysctl -n net.inet.ip.allowsrcrt net.inet.ip.forwsrcrt | tr '\n' ' ')
ok $([ "$d" = "1 1 " ]; echo $?) "allowsrcrt and forwsrcrt default to 1 (got: $d)"
N a rump.ping -n -c 2 -i 0.1 -w 2 -R 10.1.2.2 >p.txt 2>&1; r=$?
printf 'RR: \t10.1.2.1\n\t10.1.2.2\n\t10.1.1.1\n\t10.1.1.2\n' >rr.txt
grep -A 3 '^RR: ' p.txt >got.txt
ok $([ $r = 0 ] && cmp -s rr.txt got.txt; echo $?) \
    "ping -R: out through ra (10.1.2.1) to b, back through ra (10.1.1.1) to a"
cmp -s rr.txt got.txt || sed 's/^/#   /' p.txt | head -12
ok $(grep -q 'icmp_seq=1 .*	(same route)$' p.txt; echo $?) \
    "ping -R: the second reply came the same route"
N a rump.ping -n -c 1 -w 2 -R -g 10.1.1.1 10.1.2.2 >p.txt 2>&1; r=$?
grep -A 3 '^RR: ' p.txt >got.txt
ok $([ $r = 0 ] && cmp -s rr.txt got.txt; echo $?) \
    "ping -g ra -R: source-routed through ra, the same route recorded"
HJ=$O/lib/librumphijack.so
if [ -r "$HJ" ] && command -v python3 >/dev/null &&
    as_user unshare -rn true 2>/dev/null; then
	chmod 0777 "$T"
	RUMP_SERVER=unix://$T/a LD_PRELOAD=$HJ as_user unshare -rn timeout 20 \
	    python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, b"\x07\x0b\x04" + bytes(9))
print(s.getsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, 40).hex())
s.sendto(b"hello", ("10.1.2.2", 9))' >u.txt 2>&1
	ok $(grep -qx '070b04000000000000000000' u.txt; echo $?) \
	    "IP_OPTIONS of a hijacked UDP socket: getsockopt gives them back"
	sleep 0.2
	as_user shmif_dumpbus -p - ab2 2>/dev/null | as_user tcpdump -nv -r - 2>/dev/null >u2.txt
	ok $(grep -q 'proto UDP.*options (RR 10.1.2.1, 0.0.0.0' u2.txt; echo $?) \
	    "IP_OPTIONS: the datagram reached ab2 with ra's address recorded"
	grep -q 'proto UDP.*options (RR' u2.txt || sed 's/^/#   /' u.txt | tail -3
fi
check "ra: forwarding off" N ra rump.sysctl -w net.inet.ip.forwarding=0
check "ping -g ra: ra forwards a source-routed packet with forwarding off" \
    N a rump.ping -n -q -c 1 -w 2 -g 10.1.1.1 10.1.2.2
check "ra: forwarding on, allowsrcrt=0" N ra rump.sysctl -w \
    net.inet.ip.forwarding=1 net.inet.ip.allowsrcrt=0
N a rump.ping -n -c 1 -w 0.3 -g 10.1.1.1 10.1.2.2 >p.txt 2>&1; r=$?
ok $([ $r = 2 ] && grep -q 'from 10.1.1.1: Destination Net Prohibited' p.txt; echo $?) \
    "allowsrcrt=0: ra answers net prohibited (exit $r)"
check "ra: allowsrcrt=1 forwsrcrt=0" N ra rump.sysctl -w net.inet.ip.allowsrcrt=1 \
    net.inet.ip.forwsrcrt=0
N a rump.ping -n -c 1 -w 0.3 -g 10.1.1.1 10.1.2.2 >p.txt 2>&1; r=$?
ok $([ $r = 2 ] && grep -q 'from 10.1.1.1: Source Route Failed' p.txt; echo $?) \
    "forwsrcrt=0: ra answers source route failed (exit $r)"
n=$(N ra rump.netstat -s | sed -n 's/^	\([0-9]*\) packets with bad options$/\1/p')
ok $([ "${n:-0}" = 2 ]; echo $?) "ra counted 2 packets with bad options (got ${n:-none})"
N ra rump.sysctl -w net.inet.ip.forwsrcrt=1 >/dev/null

# Routing messages: rump.route monitor on a prints NetBSD's RTM_ADD,
# RTM_CHANGE, RTM_DELETE for a's routes (its flags, the asking client's
# pid, destination, gateway, mask) and for its neighbour entries (made:
# UP,HOST,DONE,LLINFO,CLONED on link#2 from the node itself, pid 0;
# deleted: with the neighbour's MAC).  The monitor reads what is made
# after it asked: a route added until it shows proves it listens.
N a rump.route -n monitor >mon.txt 2>mon.err &
bg="$bg $!"
for i in $(seq 100); do
	N a rump.route -q add -host 10.9.9.9 10.1.1.1 && sleep 0.05
	grep -q '^ 10\.9\.9\.9 10\.1\.1\.1$' mon.txt && break
	N a rump.route -q delete -host 10.9.9.9
done
ok $(grep -q '^ 10\.9\.9\.9 10\.1\.1\.1$' mon.txt; echo $?) "route monitor listens (a host route's RTM_ADD)"
check "a: route add, change, delete -net 10.77.0.0/16" eval '
    N a rump.route -q delete -host 10.9.9.9 &&
    N a rump.route -q add -net 10.77.0.0/16 10.1.1.1 &&
    N a rump.route -q change -net 10.77.0.0/16 10.1.1.9 &&
    N a rump.route -q delete -net 10.77.0.0/16'
wait_grep mon.txt '^RTM_DELETE: Delete Route: .*<GATEWAY,DONE,STATIC>$'
ok $(grep -A3 '^RTM_ADD: Add Route: len 76, pid [1-9][0-9]*, seq [0-9]*, errno 0, flags: <UP,GATEWAY,DONE,STATIC>$' mon.txt |
    grep -qx ' 10\.77\.0\.0 10\.1\.1\.1 255\.255\.0\.0' &&
    grep -A3 '^RTM_CHANGE: Change Metrics, Flags or Gateway: .* flags: <UP,GATEWAY,DONE,STATIC>$' mon.txt |
    grep -qx ' 10\.77\.0\.0 10\.1\.1\.9 255\.255\.0\.0' &&
    grep -A3 '^RTM_DELETE: Delete Route: .* flags: <GATEWAY,DONE,STATIC>$' mon.txt |
    grep -qx 'sockaddrs: <DST,GATEWAY,NETMASK>' &&
    grep -qE '^got message of size 76 on [A-Z][a-z]{2} ' mon.txt; echo $?) \
    "monitor: RTM_ADD, RTM_CHANGE, RTM_DELETE of 10.77/16 with NetBSD's flags and addresses"
macra=$(N ra rump.ifconfig shmif0 | sed -n 's/^	address: //p')
N a rump.arp -d 10.1.1.1 >/dev/null 2>&1; N a rump.ndp -d fd01::1 >/dev/null 2>&1
check "a pings ra anew (IPv4, IPv6)" eval 'N a rump.ping -q -c 1 -w 2 10.1.1.1 &&
    N a rump.ping6 -q -c 1 -X 2 fd01::1'
wait_grep mon.txt '^ fd01::1 link#2$'
ok $(grep -B3 -x ' 10\.1\.1\.1 link#2' mon.txt |
    grep -q '^RTM_ADD: Add Route: len 76, pid 0, seq 0, errno 0, flags: <UP,HOST,DONE,LLINFO,CLONED>$' &&
    grep -B1 -x ' fd01::1 link#2' mon.txt | grep -qx 'sockaddrs: <DST,GATEWAY>'; echo $?) \
    "monitor: the neighbour entries made, 10.1.1.1 and fd01::1 on link#2"
check "a: arp -d 10.1.1.1, ndp -d fd01::1" eval 'N a rump.arp -d 10.1.1.1 >/dev/null &&
    N a rump.ndp -d fd01::1 >/dev/null'
wait_grep mon.txt "^ fd01::1 $macra\$"
sed -n '/^ 10\.1\.1\.1 link#2$/,$p' mon.txt >mon2.txt
ok $(grep -B3 -x " 10\\.1\\.1\\.1 $macra" mon2.txt |
    grep -q '^RTM_DELETE: Delete Route: .* flags: <HOST,DONE,LLINFO,CLONED>$' &&
    grep -qx " fd01::1 $macra" mon2.txt; echo $?) \
    "monitor: arp -d, ndp -d make RTM_DELETE <HOST,DONE,LLINFO,CLONED> with ra's MAC"
sed 's/^/#   /' mon.err
check "a knows ra again (ping, ping6)" eval 'N a rump.ping -q -c 1 -w 2 10.1.1.1 &&
    N a rump.ping6 -q -c 1 -X 2 fd01::1'
N a rump.route -n monitor -c 1 >one.txt 2>&1 &
p=$!
for i in $(seq 100); do
	N a rump.route -q add -host 10.9.9.8 10.1.1.1 &&
	    N a rump.route -q delete -host 10.9.9.8
	kill -0 $p 2>/dev/null || break
done
wait $p; r=$?
ok $([ $r = 0 ] && [ "$(grep -c '^got message' one.txt)" = 1 ]; echo $?) \
    "route monitor -c 1 ends after one message (exit $r)"

# TTL 1, reject and blackhole.
N a rump.ping -c 1 -w 1 -T 1 10.1.2.2 >p.txt 2>&1
ok $(grep -q '^36 bytes from 10\.1\.1\.1: Time To Live exceeded' p.txt; echo $?) \
    "TTL 1 through ra: Time To Live exceeded from 10.1.1.1 (NetBSD ping's capitals)"
sed 's/^/#   /' p.txt | head -3
# NetBSD's errppslimit: 100 errors a second.
t0=$(date +%s%N)
N a rump.ping -c 400 -i 0.001 -T 1 -w 1 10.1.2.2 >p.txt 2>&1
# at most 100 in each second the flood touched (a loaded machine stretches it)
max=$(( ( ($(date +%s%N) - t0) / 1000000000 + 2) * 100 ))
n=$(grep -c 'Time To Live exceeded' p.txt)
rl=$(N ra rump.netstat -s | sed -n '/^icmp:/,/^[a-z]/s/^	\([0-9]*\) errors not generated.*/\1/p')
ok $([ "$n" -ge 50 ] && [ "$n" -le "$max" ] && [ "${rl:-0}" -gt 0 ]; echo $?) \
    "time exceeded limited to 100 a second ($n of 400 answered, ra held back $rl)"
sleep 1         # a fresh second for the errors below
check "ra: a reject route and a blackhole route" eval '
    N ra rump.route -q add -net 10.9.0.0/16 -reject &&
    N ra rump.route -q add -net 10.7.0.0/16 -reject 127.0.0.1 &&
    N ra rump.route -q add -host 10.8.0.1 -blackhole 127.0.0.1'
check "a: a route to them through ra" N a rump.route -q add -net 10.0.0.0/8 10.1.1.1
N a rump.ping -c 1 -w 1 10.9.1.1 >p.txt 2>&1; r=$?
ok $([ $r != 0 ] && grep -qi 'Destination Host Unreachable' p.txt; echo $?) "a reject route: Destination Host Unreachable (exit $r)"
N a rump.traceroute -q 1 -w 1 10.9.1.1 >tr.txt 2>&1
ok $(grep -qE '^ 2  10\.1\.1\.1  [0-9.]+ ms !H$' tr.txt; echo $?) "traceroute into the reject route ends with !H"
sed 's/^/#   /' tr.txt
before=$(N ra rump.netstat -s | sed -n 's/^	\([0-9]*\) packets dropped by blackhole.*/\1/p' | head -1)
N a rump.ping -c 2 -i 0.1 -w 1 10.8.0.1 >p.txt 2>&1; r=$?
after=$(N ra rump.netstat -s | sed -n 's/^	\([0-9]*\) packets dropped by blackhole.*/\1/p' | head -1)
ok $([ $r = 2 ] && ! grep -qi unreachable p.txt && [ "$after" -gt "$before" ]; echo $?) \
    "a blackhole route drops silently (no reply, no error; ra counted $before -> $after)"
N ra rump.netstat -rn -f inet >rt.txt 2>&1
ok $(grep -qx 'Destination        Gateway            Flags    Refs      Use    Mtu Interface' rt.txt &&
    grep -qE '^10\.9/16 +127\.0\.0\.1 +URS +- +- +- +lo0$' rt.txt &&
    grep -qE '^10\.7/16 +127\.0\.0\.1 +UGRS +- +- +- +lo0$' rt.txt &&
    grep -qE '^10\.8\.0\.1 +127\.0\.0\.1 +UGHBS +- +- +- +lo0$' rt.txt &&
    grep -qE '^10\.1\.1/24 +link#2 +UC ' rt.txt && grep -qE '^10\.1\.1\.1 +link#2 +UHl .* lo0$' rt.txt; echo $?) \
    "netstat -rn: NetBSD's header, UC, UHl, URS, UGRS, UGHBS rows (NetBSD's letter order, Refs and Use '-', lo0)"
sed 's/^/#   /' rt.txt
# What the sender of a packet into a reject route is told, as NetBSD's:
# through the loopback (gateway 127.0.0.1) looutput's ENETUNREACH for a
# network, EHOSTUNREACH for a host; -host ADDR/LEN is the host ADDR.
N ra rump.ping -c 1 -w 1 10.7.1.1 >p.txt 2>&1; r=$?
ok $([ $r != 0 ] && grep -q 'Network is unreachable' p.txt; echo $?) \
    "ra into its own net reject route through 127.0.0.1: Network is unreachable (exit $r)"
sed 's/^/#   /' p.txt | tail -1
N ra rump.route add -host 10.6.0.1/24 127.0.0.1 -iface -reject >p.txt 2>&1
N ra rump.netstat -rn -f inet >rt.txt 2>&1
ok $(grep -qx 'add host 10.6.0.1: gateway 127.0.0.1' p.txt &&
    grep -qE '^10\.6\.0\.1 +127\.0\.0\.1 +UHRS ' rt.txt &&
    ! grep -q '^10\.6/24' rt.txt; echo $?) \
    "route add -host 10.6.0.1/24: a host route (UHRS), echoed without the /24"
sed 's/^/#   /' p.txt
N ra rump.ping -c 1 -w 1 10.6.0.1 >p.txt 2>&1; r=$?
ok $([ $r != 0 ] && grep -q 'No route to host' p.txt; echo $?) \
    "ra into a host reject route through 127.0.0.1: No route to host (exit $r)"
# A send into an IPv6 blackhole route succeeds and the packet is dropped
# (NetBSD takes the source address from any interface).
N ra rump.route -q add -inet6 -net fd0e::/64 ::1 -blackhole
N ra rump.ping6 -n -c 1 -X 1 fd0e::1 >p.txt 2>p.err; r=$?
ok $([ $r = 2 ] && [ ! -s p.err ] && grep -q '100.0% packet loss' p.txt; echo $?) \
    "ping6 into a blackhole route: no error, 100% loss (exit $r)"
sed 's/^/#   /' p.err
# DAD as NetBSD's: only for an address added while the interface is up.
N ra rump.ifconfig shmif2 create && N ra rump.ifconfig shmif2 linkstr dd1 &&
    N ra rump.ifconfig shmif2 inet6 fd0d::1 && N ra rump.ifconfig shmif2 inet6 fd0d::2
N ra rump.ifconfig shmif2 >if.txt 2>&1
ok $(grep -q 'inet6 fd0d::1/64 ' if.txt && ! grep -q 'fd0d::1/64 .*TENTATIVE' if.txt &&
    grep -q 'inet6 fd0d::2/64 .*TENTATIVE' if.txt; echo $?) \
    "an inet6 address given to a down interface is valid at once, one given once it is up is tentative"
sed 's/^/#   /' if.txt
check "ra: shmif2 destroyed" N ra rump.ifconfig shmif2 destroy

# Sizes through a router (fragmentation by the sender, reassembly at b).
for s in 1472 1473 8000 65000; do
	check "ping -s $s a -> b through ra" N a rump.ping -q -c 2 -i 0.1 -s $s 10.1.2.2
done

# Static ARP: a reaches ra's MAC from a static entry, asking nobody.
mac=$(N ra rump.ifconfig shmif0 | sed -n 's/^	address: //p')
check "a: flush ARP, static entry for 10.1.1.1 at $mac" eval "N a rump.arp -d -a &&
    N a rump.arp -s 10.1.1.1 $mac"
ok $(N a rump.arp -an | grep -qx "? (10.1.1.1) at $mac on shmif0 permanent"; echo $?) "arp -an lists it permanent"
whohas() {      # how many ARP requests for 10.1.1.1 from a the bus holds
	as_user shmif_dumpbus -p - ab1 2>/dev/null | as_user tcpdump -n -r - 2>/dev/null |
	    grep -c 'ARP, Request who-has 10\.1\.1\.1 tell 10\.1\.1\.2'
}
n0=$(whohas)
check "a -> b pinged over the static entry" N a rump.ping -q -c 2 -i 0.05 10.1.2.2
as_user shmif_dumpbus -p - ab1 2>/dev/null | as_user tcpdump -n -r - 2>/dev/null >arp.txt
n1=$(whohas)
ok $([ "$n1" = "$n0" ] && grep -q 'IP 10\.1\.1\.2 > 10\.1\.2\.2: ICMP echo request' arp.txt; echo $?) \
    "the bus shows the echo requests and no new ARP request for 10.1.1.1 ($n0 -> $n1)"
check "arp -d 10.1.1.1" N a rump.arp -d 10.1.1.1
check "a -> b again" N a rump.ping -q -c 1 10.1.2.2
n2=$(whohas)
ok $([ "$n2" -gt "$n1" ]; echo $?) "with it deleted ARP asks for 10.1.1.1 again ($n1 -> $n2)"
N a rump.arp -d 10.1.1.77 >d.txt 2>&1; r=$?
ok $([ $r = 0 ] && [ ! -s d.txt ]; echo $?) \
    "arp -d of an entry that is not there: nothing to do, as NetBSD (exit $r)"
# ra knows a and b dynamically: deleting a's entry leaves b's.
N ra rump.ping -q -c 1 10.1.1.2 >/dev/null 2>&1; N ra rump.ping -q -c 1 10.1.2.2 >/dev/null 2>&1
check "ra: arp -d 10.1.1.2 (a dynamic entry)" N ra rump.arp -d 10.1.1.2
N ra rump.arp -an >arp.txt 2>&1
ok $(grep -q '^? (10\.1\.2\.2) at b2:a0:.* on shmif1$' arp.txt && ! grep -q '(10\.1\.1\.2)' arp.txt; echo $?) \
    "only that entry went: ra still has b's (10.1.2.2)"
sed 's/^/#   /' arp.txt
N a rump.ndp -an >ndp.txt 2>&1
ok $(grep -q '^Neighbor' ndp.txt && grep -qE '^fd01::1 +b2:a0' ndp.txt; echo $?) "ndp -an lists the router fd01::1"
check "ndp -d fd01::1" N a rump.ndp -d fd01::1
check "IPv6 a -> b after the neighbour went" N a rump.ping6 -q -c 1 -w 2 fd02::2

# route errors
fails_with "a gateway on no subnet" "add net 10.77.0.0: gateway 10.5.5.5: Network is unreachable" \
    N a rump.route add -net 10.77.0.0/16 10.5.5.5
fails_with "a duplicate route" "File exists" N a rump.route add -net 10.0.0.0/8 10.1.1.1
fails_with "deleting a route not there" "not in table" N a rump.route delete -net 10.66.0.0/16
fails_with "a bad destination" "bad destination '10.0.0.300'" N a rump.route add 10.0.0.300 10.1.1.1
fails_with "an unknown command" "unknown command 'frob'" N a rump.route frob
# NetBSD's route modifiers: -connected (C), -link, -ifa; a gateway on an
# interface route is a neighbour, one behind a gateway is not; change
# with flags alone keeps the gateway.
check "route add -net 10.50.0.0/24 -connected -link -iface shmif0" \
    N a rump.route -q add -net 10.50.0.0/24 -connected -link -iface shmif0
check "a gateway reached by that interface route (10.50.0.1) is taken" \
    N a rump.route -q add -net 10.51.0.0/16 10.50.0.1
fails_with "a gateway behind a gateway route is refused" "Network is unreachable" \
    N a rump.route add -net 10.52.0.0/16 10.9.9.9
check "route add -ifa 10.1.1.2 (an address of a)" N a rump.route -q add -net 10.53.0.0/16 10.1.1.1 -ifa 10.1.1.2
fails_with "-ifa an address a does not have" "assign requested address" \
    N a rump.route add -net 10.54.0.0/16 10.1.1.1 -ifa 10.1.9.9
N a rump.netstat -rn -f inet >rt.txt 2>&1
ok $(grep -qE '^10\.50\.0/24 +.* UCS ' rt.txt && grep -qE '^10\.51/16 +10\.50\.0\.1 +UGS .* shmif0$' rt.txt &&
    grep -qE '^10\.53/16 +10\.1\.1\.1 +UGS .* shmif0$' rt.txt; echo $?) \
    "netstat -rn: UCS for -connected, the gateway's interface for the others"
sed 's/^/#   /' rt.txt | grep ' 10\.5[0-3]'
N a rump.route change default -reject >p.txt 2>&1; r1=$?
N a rump.netstat -rn -f inet >rt.txt 2>&1
N a rump.route change default -noreject >>p.txt 2>&1; r2=$?
N a rump.netstat -rn -f inet >>rt.txt 2>&1
ok $([ $r1 = 0 ] && [ $r2 = 0 ] && grep -qE '^default +10\.1\.1\.1 +UGRS ' rt.txt &&
    grep -qE '^default +10\.1\.1\.1 +UGS ' rt.txt && grep -qx 'change net default' p.txt; echo $?) \
    "route change default -reject, then -noreject: no gateway needed, the gateway kept (UGRS, UGS)"
sed 's/^/#   /' p.txt
check "those routes deleted" eval 'N a rump.route -q delete -net 10.53.0.0/16 &&
    N a rump.route -q delete -net 10.51.0.0/16 && N a rump.route -q delete -net 10.50.0.0/24'
check "route change and delete" eval 'N a rump.route -q change -net 10.0.0.0/8 10.1.1.1 &&
    N a rump.route -q delete -net 10.0.0.0/8'

# route change -ifa: the route's own source address, in route get and on
# the wire (an alias of a, for IPv4 and IPv6); -ifp and -ifa without a
# gateway keep the gateway.
check "a: aliases 10.1.1.3, fd01::3; routes to b's nets with -ifa" eval '
    N a rump.sysctl -q -w net.inet.ip.dad_count=0 &&
    N a rump.ifconfig shmif0 inet 10.1.1.3/24 alias &&
    N a rump.ifconfig shmif0 inet6 fd01::3/64 alias &&
    N a rump.ifconfig -w 10 &&
    N a rump.route -q add -net 10.1.2.0/24 10.1.1.1 &&
    N a rump.route -q change -net 10.1.2.0/24 10.1.1.1 -ifa 10.1.1.3 &&
    N a rump.route -q add -inet6 -net fd02::/64 fd01::1 &&
    N a rump.route -q change -inet6 -net fd02::/64 -ifa fd01::3 -ifp shmif0'
N a rump.route -n get 10.1.2.2 >get.txt 2>&1
N a rump.route -n get -inet6 fd02::2 >>get.txt 2>&1
ok $(grep -qx ' local addr: 10.1.1.3' get.txt && grep -qx ' local addr: fd01::3' get.txt &&
    grep -qx '    gateway: fd01::1' get.txt; echo $?) \
    "route get: local addr 10.1.1.3 and fd01::3, the IPv6 gateway kept"
check "a -> b by those routes" eval 'N a rump.ping -q -c 1 -w 2 10.1.2.2 &&
    N a rump.ping6 -q -c 1 -X 2 fd02::2'
as_user shmif_dumpbus -p - ab1 2>/dev/null | as_user tcpdump -n -r - 2>/dev/null >ifa.txt
ok $(grep -q 'IP 10\.1\.1\.3 > 10\.1\.2\.2: ICMP echo request' ifa.txt &&
    grep -q 'IP6 fd01::3 > fd02::2: ICMP6, echo request' ifa.txt; echo $?) \
    "the echo requests left from 10.1.1.3 and fd01::3"
check "those routes and aliases deleted" eval '
    N a rump.route -q delete -net 10.1.2.0/24 &&
    N a rump.route -q delete -inet6 -net fd02::/64 &&
    N a rump.ifconfig shmif0 inet 10.1.1.3 -alias &&
    N a rump.ifconfig shmif0 inet6 fd01::3 -alias'

# Interface routes: the destination is on the link, asked for by ARP.
check "ra: 10.5.5.5/32 and 10.6.6.6/32 also on shmif0" eval '
    N ra rump.sysctl -q -w net.inet.ip.dad_count=0 &&
    N ra rump.ifconfig shmif0 inet 10.5.5.5/32 alias &&
    N ra rump.ifconfig shmif0 inet 10.6.6.6/32 alias'
check "a: route add -host 10.5.5.5 -iface shmif0, -net 10.6/16 -iface 10.1.1.2" eval '
    N a rump.route -q add -host 10.5.5.5 -iface shmif0 &&
    N a rump.route -q add -net 10.6.0.0/16 -iface 10.1.1.2 &&
    N a rump.route -q add -inet6 fd66::/64 -iface shmif0'
N a rump.netstat -rn >rt.txt 2>&1
ok $(grep -qE '^10\.5\.5\.5 +link#2 +UHS .* shmif0$' rt.txt &&
    grep -qE '^10\.6/16 +link#2 +US .* shmif0$' rt.txt &&
    grep -qE '^fd66::/64 +link#2 +US .* shmif0$' rt.txt; echo $?) \
    "netstat -rn: interface routes on link#2 without G"
N a rump.route get 10.6.6.6 >get.txt 2>&1
ok $(grep -qx '  interface: shmif0' get.txt && grep -qx '      flags: 0x841<UP,DONE,STATIC>' get.txt; echo $?) \
    "route get 10.6.6.6: shmif0, no gateway flag"
check "a -> 10.5.5.5 and 10.6.6.6 over the interface routes" eval '
    N a rump.ping -q -c 1 -w 2 10.5.5.5 && N a rump.ping -q -c 1 -w 2 10.6.6.6'
N a rump.arp -an >arp.txt 2>&1
ok $(grep -q '^? (10\.5\.5\.5) at b2:a0:.* on shmif0$' arp.txt &&
    grep -q '^? (10\.6\.6\.6) at b2:a0:.* on shmif0$' arp.txt; echo $?) \
    "a asked ARP for them itself: both in its cache"
# flush: every static route of the family goes, the connected ones stay.
N a rump.route flush -inet >fl.txt 2>&1; r=$?
ok $([ $r = 0 ] && grep -qE '^default +10\.1\.1\.1 +done$' fl.txt &&
    grep -qE '^10\.6/16 +shmif0 +done$' fl.txt && ! grep -q fd66 fl.txt; echo $?) \
    "route flush -inet: default and interface routes done, IPv6 untouched"
sed 's/^/#   /' fl.txt
N a rump.netstat -rn -f inet >rt.txt 2>&1
N a rump.netstat -rn -f inet6 >rt6.txt 2>&1
ok $(! grep -qE '^(default|10\.5\.5\.5|10\.6/16) ' rt.txt && grep -qE '^10\.1\.1/24 +link#2 +UC ' rt.txt &&
    grep -qE '^default +fd01::1 +UGS ' rt6.txt && grep -qE '^fd66::/64 ' rt6.txt; echo $?) \
    "after it: IPv4 static routes gone, connected and IPv6 kept"
N a rump.arp -an >arp.txt 2>&1
ok $(! grep -q '10\.[56]\.[56]\.[56]' arp.txt && grep -q '10\.[56]\.[56]\.[56] .*done$' fl.txt; echo $?) \
    "route flush took the ARP entries too (NetBSD flushes RTF_LLINFO): none left for 10.5.5.5, 10.6.6.6"
fails_with "a -> b with no route" "No route to host\|unreachable" N a rump.ping -c 1 -w 1 10.1.2.2
check "route flush (both families)" N a rump.route -q flush
N a rump.netstat -rn -f inet6 >rt.txt 2>&1
ok $(! grep -qE '^(default|fd66::/64) ' rt.txt && grep -qE '^fd01::/64 +link#2 +UC ' rt.txt &&
    ! grep -q '^Internet:' rt.txt; echo $?) "netstat -rn -f inet6 after it: only IPv6, connected routes"
check "a: default routes back" eval 'N a rump.route -q add default 10.1.1.1 &&
    N a rump.route -q add -inet6 default fd01::1 && N a rump.ping -q -c 1 -w 2 10.1.2.2'

# --- a chain: h1 - r1 - r2 - r3 - h2 ------------------------------------------------
for n in h1 r1 r2 r3 h2; do check "node $n starts" start_node $n; done
ifc h1 shmif0 c0 10.2.0.2/24 fd10::2/64 && ifc r1 shmif0 c0 10.2.0.1/24 fd10::1/64 &&
ifc r1 shmif1 c1 10.2.1.1/24 fd11::1/64 && ifc r2 shmif0 c1 10.2.1.2/24 fd11::2/64 &&
ifc r2 shmif1 c2 10.2.2.1/24 fd12::1/64 && ifc r3 shmif0 c2 10.2.2.2/24 fd12::2/64 &&
ifc r3 shmif1 c3 10.2.3.1/24 fd13::1/64 && ifc h2 shmif0 c3 10.2.3.2/24 fd13::2/64
ok $? "the chain's interfaces"
for n in r1 r2 r3; do router $n; done
N h1 rump.route -q add default 10.2.0.1 && N h1 rump.route -q add -inet6 default fd10::1 &&
N r1 rump.route -q add -net 10.2.2.0/24 10.2.1.2 && N r1 rump.route -q add -net 10.2.3.0/24 10.2.1.2 &&
N r1 rump.route -q add -inet6 fd12::/64 fd11::2 && N r1 rump.route -q add -inet6 fd13::/64 fd11::2 &&
N r2 rump.route -q add -net 10.2.0.0/24 10.2.1.1 && N r2 rump.route -q add -net 10.2.3.0/24 10.2.2.2 &&
N r2 rump.route -q add -inet6 fd10::/64 fd11::1 && N r2 rump.route -q add -inet6 fd13::/64 fd12::2 &&
N r3 rump.route -q add default 10.2.2.1 && N r3 rump.route -q add -inet6 default fd12::1 &&
N h2 rump.route -q add default 10.2.3.1 && N h2 rump.route -q add -inet6 default fd13::1
ok $? "the chain's static routes"
for n in h1 r1 r2 r3 h2; do N $n rump.ifconfig -w 10 >/dev/null; done
check "h1 -> h2 across three routers (IPv4)" N h1 rump.ping -q -c 3 -i 0.05 10.2.3.2
check "h1 -> h2 across three routers (IPv6)" N h1 rump.ping6 -q -c 3 -i 0.05 fd13::2
N h1 rump.traceroute -w 2 10.2.3.2 >tr.txt 2>tr.err; r=$?
ok $([ $r = 0 ] && grep -qx 'traceroute to 10.2.3.2 (10.2.3.2), 64 hops max, 40 byte packets' tr.err &&
    sed -n 1p tr.txt | grep -qE '^ 1  10\.2\.0\.1  [0-9.]+ ms  [0-9.]+ ms  [0-9.]+ ms$' &&
    sed -n 2p tr.txt | grep -qE '^ 2  10\.2\.1\.2  [0-9.]+ ms  [0-9.]+ ms  [0-9.]+ ms$' &&
    sed -n 3p tr.txt | grep -qE '^ 3  10\.2\.2\.2  ' && sed -n 4p tr.txt | grep -qE '^ 4  10\.2\.3\.2  ' &&
    [ "$(wc -l <tr.txt)" = 4 ]; echo $?) "traceroute: the header on stderr (NetBSD's), every hop in order on stdout, from the incoming interface"
sed 's/^/#   /' tr.err tr.txt
N h1 rump.traceroute -I -q 1 -w 2 10.2.3.2 >tr.txt 2>&1
ok $(grep -qE '^ 3  10\.2\.2\.2  ' tr.txt && grep -qE '^ 4  10\.2\.3\.2  ' tr.txt; echo $?) "traceroute -I (ICMP echo probes)"
N r1 rump.route get 10.2.3.2 >get.txt 2>&1
ok $(grep -qx '   route to: 10.2.3.2' get.txt && grep -qx 'destination: 10.2.3.0' get.txt &&
    grep -qx '       mask: 255.255.255.0' get.txt && grep -qx '    gateway: 10.2.1.2' get.txt &&
    grep -qx '  interface: shmif1' get.txt && grep -qx ' local addr: 10.2.1.1' get.txt &&
    grep -qx '      flags: 0x843<UP,GATEWAY,DONE,STATIC>' get.txt; echo $?) "route get on r1: gateway 10.2.1.2 on shmif1"
sed 's/^/#   /' get.txt
N r2 rump.route get -inet6 fd10::2 >get.txt 2>&1
ok $(grep -qx '    gateway: fd11::1' get.txt && grep -qx '  interface: shmif0' get.txt; echo $?) "route get -inet6 on r2"
fails_with "route get with no route" "not in table" N r1 rump.route get 192.168.77.1

# MTU 1280 on the middle link (r1 - r2): TCP across it.
check "c1 at MTU 1280 on both ends" eval 'N r1 rump.ifconfig shmif1 mtu 1280 && N r2 rump.ifconfig shmif0 mtu 1280'
check "ping -s 1400 across the 1280 link" N h1 rump.ping -q -c 2 -i 0.05 -s 1400 10.2.3.2
N h1 rump.ping -c 2 -i 0.1 -w 1 -D -s 1400 10.2.3.2 >p.txt 2>&1; r=$?
ok $([ $r = 2 ] && [ "$(grep -cx '36 bytes from 10\.2\.0\.1: frag needed and DF set (mtu = 1280)' p.txt)" = 2 ]; echo $?) \
    "ping -D -s 1400: r1 answers frag needed and DF set (mtu = 1280) (exit $r)"
sed 's/^/#   /' p.txt | head -3
check "ping -D -s 1252 (1280 bytes) crosses the 1280 link" N h1 rump.ping -q -c 1 -D -s 1252 10.2.3.2
N h1 rump.ping -c 1 -w 1 -D -s 1473 10.2.3.2 >p.txt 2>&1; r=$?
ok $([ $r != 0 ] && grep -q '^rump.ping: sendto: Message too long' p.txt; echo $?) \
    "ping -D -s 1473 does not fit h1's own 1500 MTU: Message too long (exit $r)"
perf_server h2 mtu.log -C
# the server may still be starting: give it a moment to listen
for i in $(seq 50); do
	N h2 rump.netstat -an >ns.txt 2>&1
	grep -qE '^tcp +0 +0  \*\.5001 +\*\.\* +LISTEN$' ns.txt && break
	sleep 0.1
done
ok $(grep -q '^Proto  Recv-Q Send-Q  Local Address          Foreign Address        State$' ns.txt &&
    grep -qE '^tcp +0 +0  \*\.5001 +\*\.\* +LISTEN$' ns.txt; echo $?) "netstat -an lists the listening socket"
N h1 rumpperf -c 10.2.3.2 -n 2m >cli.log 2>&1; r=$?
wait_grep mtu.log "^received"
ok $([ $r = 0 ] && grep -qE '^received 2097152 bytes .*checked: ok$' mtu.log; echo $?) \
    "2 MiB of TCP across the 1280-MTU link, checked"
diag "$(grep -v listening mtu.log)"
frag=$(N r1 rump.netstat -s | sed -n 's/^	\([0-9]*\) output datagrams fragmented/\1/p')
ok $([ "${frag:-0}" -gt 0 ]; echo $?) "r1 fragmented for the narrow link ($frag datagrams)"

# --- 50 routers in a line -----------------------------------------------------------
L=50
ok_all=0
start_node lh1 && start_node lh2 || ok_all=1
for i in $(seq 1 $L); do start_node l$i || ok_all=1; done
ok $ok_all "$L routers and two hosts start"
# Bus k joins l(k) and l(k+1); 10.3.k.0/24 (.1 left, .2 right).  lh1 on
# bus 0 (10.3.0.0/24), lh2 on bus L (10.3.L.0/24).
cfg_line() {
	ifc lh1 shmif0 lb0 10.3.0.10/24 || return 1
	ifc lh2 shmif0 lb$L 10.3.$L.10/24 || return 1
	N lh1 rump.route -q add default 10.3.0.2 || return 1
	N lh2 rump.route -q add default 10.3.$L.1 || return 1
	for i in $(seq 1 $L); do
		ifc l$i shmif0 lb$((i-1)) 10.3.$((i-1)).2/24 &&
		ifc l$i shmif1 lb$i 10.3.$i.1/24 &&
		N l$i rump.sysctl -w net.inet.ip.forwarding=1 >/dev/null || return 1
		# lh2's subnet to the right, lh1's to the left.
		[ $i = $L ] || N l$i rump.route -q add -net 10.3.$L.0/24 10.3.$i.2 || return 1
		[ $i = 1 ] || N l$i rump.route -q add -net 10.3.0.0/24 10.3.$((i-1)).1 || return 1
	done
}
t0=$(date +%s.%N)
check "$L routers configured with static routes" cfg_line
diag "configured in $(echo "$(date +%s.%N) - $t0" | bc) s"
N lh1 rump.ping -c 3 -i 0.1 -w 10 10.3.$L.10 >p.txt 2>&1; r=$?
ok $([ $r = 0 ] && grep -q "ttl=$((255 - L))\|ttl=$((64 - L))" p.txt; echo $?) "lh1 -> lh2 across $L routers (TTL down by $L)"
grep 'round-trip' p.txt | sed 's/^/#   /'
perf_server lh2 line.log -C
N lh1 rumpperf -c 10.3.$L.10 -n 1m >cli.log 2>&1; r=$?
wait_grep line.log "^received"
ok $([ $r = 0 ] && grep -qE '^received 1048576 bytes .*checked: ok$' line.log; echo $?) "1 MiB of TCP across $L routers, checked"
diag "$(grep -v listening line.log)"

# --- help ----------------------------------------------------------------------------
for p in rump.route rump.netstat rump.traceroute rump.arp rump.ndp; do
	as_user "$p" --help >h.txt 2>&1; r=$?
	ok $([ $r = 0 ] && grep -q "^usage: $p" h.txt; echo $?) "$p --help"
done

plan $_n
done_testing
