#!/bin/bash
# 45-linklocal.t — proves how a node treats an IPv6 link-local address
# given without its zone, and a socket's next hop, as NetBSD does
# (t_ipv6address, t_ping6_opts), on rump_server nodes joined by shmif
# buses, unprivileged:
#  - without a zone no interface's fe80::/64 and none of the node's own
#    link-local addresses match: rump.route get says "not in table" and
#    rump.ping6 "No route to host", until a default route covers the
#    address, which then gives it its interface (a ping answered);
#  - with a zone, route get finds the interface's fe80::/64 and the
#    node's own address;
#  - a link-local source does not leave by another interface;
#  - rump.ping6 -g: the socket's IPV6_NEXTHOP sends the requests to a
#    second router on the link instead of the default one (which then
#    gets it from the second, forwarded); a next hop that is no
#    neighbour is "No route to host".
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/nodes.sh"

for p in rump_server rump.ifconfig rump.ping6 rump.sysctl rump.halt \
    rump.route rump.netstat; do
	if [ ! -x "$B/$p" ]; then
		echo "1..0 # SKIP $p not built in $O"
		exit 0
	fi
done
cd "$T" || exit 1

fwd6() {        # fwd6 NODE: the node's count of forwarded IPv6 packets
	N "$1" rump.netstat -s | awk '/^ip6:$/ { p = 1 }
	    p && /packets forwarded/ { print $1; exit }'
}
lladdr() {      # lladdr NODE IF: the interface's link-local address
	N "$1" rump.ifconfig "$2" |
	    sed -n 's/^	inet6 \(fe80::[0-9a-f:]*\)%.*/\1/p'
}

# a and two routers r, g on the link fd01::/64; r and g on fd02::/64 too.
for n in a r g; do check "node $n starts" start_node $n; done
for n in a r g; do N $n rump.sysctl -w net.inet6.ip6.dad_count=0 >/dev/null; done
check "a, r, g: fd01::/64 (a r g), fd02::/64 (r g)" eval '
    ifc a shmif0 l1 - fd01::2/64 && ifc r shmif0 l1 - fd01::1/64 &&
    ifc g shmif0 l1 - fd01::3/64 && ifc r shmif1 l2 - fd02::1/64 &&
    ifc g shmif1 l2 - fd02::3/64 && router g'
for n in a r g; do N $n rump.ifconfig -w 10 >/dev/null; done
lla=$(lladdr a shmif0); llr=$(lladdr r shmif0)
ok $([ -n "$lla" ] && [ -n "$llr" ]; echo $?) "link-local addresses: a $lla, r $llr"

# --- a link-local address without its zone ------------------------------------
fails_with "route get of a's own link-local without a zone: not in table" \
    "rump.route: get: $lla: not in table" N a rump.route get -inet6 "$lla"
N a rump.route get -inet6 "$lla%shmif0" >rg.txt 2>&1; r=$?
ok $([ $r = 0 ] && grep -qx "   route to: $lla%shmif0" rg.txt &&
    grep -qx '  interface: lo0' rg.txt; echo $?) \
    "route get $lla%shmif0: the node's own address (exit $r)"
sed 's/^/#   /' rg.txt
N a rump.route get -inet6 "$llr%shmif0" >rg.txt 2>&1; r=$?
ok $([ $r = 0 ] && grep -qx 'destination: fe80::' rg.txt &&
    grep -qx '  interface: shmif0' rg.txt && ! grep -q gateway: rg.txt; echo $?) \
    "route get $llr%shmif0: shmif0's fe80::/64 (exit $r)"
sed 's/^/#   /' rg.txt
fails_with "route get of r's link-local without a zone: not in table" \
    "not in table" N a rump.route get -inet6 "$llr"
fails_with "ping6 to a link-local without a zone and no default route" \
    "rump.ping6: $llr: No route to host" N a rump.ping6 -c 1 -X 1 "$llr"

check "a: default route through r" N a rump.route -q add -inet6 default fd01::1
N a rump.ping6 -c 1 -X 2 "$llr" >p6.txt 2>&1; r=$?
ok $([ $r = 0 ] &&
    head -1 p6.txt | grep -qx "PING6(56=40+8+8 bytes) $lla%shmif0 --> $llr" &&
    grep -q "^16 bytes from $llr%shmif0, icmp_seq=0" p6.txt; echo $?) \
    "ping6 $llr without a zone leaves by the default route's shmif0 (exit $r)"
sed 's/^/#   /' p6.txt
N a rump.route get -inet6 "$llr" >rg.txt 2>&1; r=$?
ok $([ $r = 0 ] && grep -qx '    gateway: fd01::1' rg.txt; echo $?) \
    "route get $llr without a zone: the default route (exit $r)"

# A link-local source stays on its link: from r's shmif1 address to a
# destination on shmif0 nothing leaves ("packets violated scope rules").
N r rump.ping6 -c 1 -X 1 -S "$(lladdr r shmif1)%shmif1" "$lla%shmif0" >p6.txt 2>&1; r=$?
ok $([ $r != 0 ] && grep -q 'sendto: No route to host' p6.txt &&
    N r rump.netstat -s | grep -qE '^	+[1-9][0-9]* packets violated scope rules'; echo $?) \
    "ping6 -S of shmif1's link-local to shmif0's link: refused (exit $r)"
sed 's/^/#   /' p6.txt

# --- ping6 -g: IPV6_NEXTHOP ----------------------------------------------------
# r's far address fd02::1: straight to r by the default route, or through
# g, which forwards it on fd02::/64.
g0=$(fwd6 g)
check "a -> fd02::1 by the default route" N a rump.ping6 -q -c 1 -X 2 fd02::1
g1=$(fwd6 g)
ok $([ "$g1" = "$g0" ]; echo $?) "without -g g forwards nothing ($g0 -> $g1)"
check "a -> fd02::1 with -g fd01::3" N a rump.ping6 -q -c 1 -X 2 -g fd01::3 fd02::1
g2=$(fwd6 g)
ok $([ $((g2 - g1)) = 1 ]; echo $?) "with -g fd01::3 g forwards the request ($g1 -> $g2)"
check "a -> fd02::1 with -g of g's link-local and its zone" \
    N a rump.ping6 -q -c 1 -X 2 -g "$(lladdr g shmif0)%shmif0" fd02::1
g3=$(fwd6 g)
ok $([ $((g3 - g2)) = 1 ]; echo $?) "so does g then ($g2 -> $g3)"
fails_with "-g of no neighbour: No route to host" "sendto: No route to host" \
    N a rump.ping6 -c 1 -X 1 -g fd02::3 fd02::1
fails_with "-g of a bad address" "rump.ping6: -g: bad gateway 'fd01::zz'" \
    N a rump.ping6 -c 1 -g fd01::zz fd02::1

plan $_n
done_testing
