#!/bin/bash
# 49-ipopts.t — proves IPv4 options (netcomp/ipopt.c, the IP_OPTIONS of
# sockets.c) and rump.ping -R and -g on rump_server nodes a - r - b joined
# by shmif buses, unprivileged:
#  - ping -R: the request records r's far address and b's, the reply r's
#    near address and a's, printed as NetBSD's ping does; a second reply
#    along the same route is "(same route)";
#  - ping -g r: a loose source route through r, which forwards it even
#    with forwarding off; net.inet.ip.allowsrcrt=0 refuses it with "net
#    prohibited", net.inet.ip.forwsrcrt=0 with "source route failed", and
#    netstat -s counts them;
#  - IP_OPTIONS on the UDP socket of an unmodified program (python3 under
#    librumphijack): the datagram carries the record route, which r fills
#    in, and getsockopt gives the options back.
# Only bus files and unix sockets in $T carry traffic.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/nodes.sh"

for p in rump_server rump.ifconfig rump.ping rump.sysctl rump.halt \
    rump.route rump.netstat; do
	if [ ! -x "$B/$p" ]; then
		echo "1..0 # SKIP $p not built in $O"
		exit 0
	fi
done
cd "$T" || exit 1

for n in a r b; do check "node $n starts" start_node $n; done
check "a: 10.4.1.2/24 on io1, default via r" eval 'ifc a shmif0 io1 10.4.1.2/24 &&
    N a rump.route -q add default 10.4.1.1'
check "r: 10.4.1.1 on io1, 10.4.2.1 on io2" eval 'ifc r shmif0 io1 10.4.1.1/24 &&
    ifc r shmif1 io2 10.4.2.1/24'
check "b: 10.4.2.2/24 on io2, default via r" eval 'ifc b shmif0 io2 10.4.2.2/24 &&
    N b rump.route -q add default 10.4.2.1'
check "r: forwarding on" N r rump.sysctl -w net.inet.ip.forwarding=1
for n in a r b; do N $n rump.ifconfig -w 10 >/dev/null; done

d=$(N r rump.sysctl -n net.inet.ip.allowsrcrt net.inet.ip.forwsrcrt | tr '\n' ' ')
ok $([ "$d" = "1 1 " ]; echo $?) "allowsrcrt and forwsrcrt default to 1 (got: $d)"

N a rump.ping -n -c 2 -i 0.1 -w 2 -R 10.4.2.2 >p.txt 2>&1; r=$?
printf 'RR: \t10.4.2.1\n\t10.4.2.2\n\t10.4.1.1\n\t10.4.1.2\n' >want.txt
grep -A 3 '^RR: ' p.txt >got.txt
ok $([ $r = 0 ] && cmp -s want.txt got.txt; echo $?) \
    "ping -R: out through r (10.4.2.1) to b, back through r (10.4.1.1) to a"
cmp -s want.txt got.txt || sed 's/^/#   /' p.txt | head -12
ok $(grep -q 'icmp_seq=1 .*	(same route)$' p.txt; echo $?) \
    "ping -R: the second reply came the same route"

N a rump.ping -n -c 1 -w 2 -R -g 10.4.1.1 10.4.2.2 >p.txt 2>&1; r=$?
grep -A 3 '^RR: ' p.txt >got.txt
ok $([ $r = 0 ] && cmp -s want.txt got.txt; echo $?) \
    "ping -g r -R: source-routed through r, the same route recorded"
# An unmodified program's UDP socket, when user namespaces allow it.
HJ=$O/lib/librumphijack.so
if [ -r "$HJ" ] && command -v python3 >/dev/null && command -v tcpdump >/dev/null &&
    as_user unshare -rn true 2>/dev/null; then
	chmod 0777 "$T"
	RUMP_SERVER=unix://$T/a LD_PRELOAD=$HJ as_user unshare -rn timeout 20 \
	    python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, b"\x07\x0b\x04" + bytes(9))
print(s.getsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, 40).hex())
s.sendto(b"hello", ("10.4.2.2", 9))' >u.txt 2>&1
	ok $(grep -qx '070b04000000000000000000' u.txt; echo $?) \
	    "IP_OPTIONS of a hijacked UDP socket: getsockopt gives them back"
	sleep 0.2
	as_user shmif_dumpbus -p - io2 2>/dev/null | as_user tcpdump -nv -r - 2>/dev/null >u2.txt
	ok $(grep -q 'proto UDP.*options (RR 10.4.2.1, 0.0.0.0' u2.txt; echo $?) \
	    "IP_OPTIONS: the datagram reached io2 with r's address recorded"
	grep -q 'proto UDP.*options (RR' u2.txt || sed 's/^/#   /' u.txt u2.txt | tail -6
fi

check "r: forwarding off" N r rump.sysctl -w net.inet.ip.forwarding=0
check "ping -g r: r forwards a source-routed packet with forwarding off" \
    N a rump.ping -n -q -c 1 -w 2 -g 10.4.1.1 10.4.2.2
check "r: allowsrcrt=0" N r rump.sysctl -w net.inet.ip.allowsrcrt=0
N a rump.ping -n -c 1 -w 0.5 -g 10.4.1.1 10.4.2.2 >p.txt 2>&1; r=$?
ok $([ $r = 2 ] && grep -q 'from 10.4.1.1: Destination Net Prohibited' p.txt; echo $?) \
    "allowsrcrt=0: r answers net prohibited (exit $r)"
check "r: allowsrcrt=1 forwsrcrt=0" N r rump.sysctl -w net.inet.ip.allowsrcrt=1 \
    net.inet.ip.forwsrcrt=0
N a rump.ping -n -c 1 -w 0.5 -g 10.4.1.1 10.4.2.2 >p.txt 2>&1; r=$?
ok $([ $r = 2 ] && grep -q 'from 10.4.1.1: Source Route Failed' p.txt; echo $?) \
    "forwsrcrt=0: r answers source route failed (exit $r)"
n=$(N r rump.netstat -s | sed -n 's/^	\([0-9]*\) packets with bad options$/\1/p')
ok $([ "${n:-0}" = 2 ]; echo $?) "r counted 2 packets with bad options (got ${n:-none})"
plan $_n
done_testing
