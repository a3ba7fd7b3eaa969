#!/bin/bash
# 56-routing6.t — proves IPv6 routing the way NetBSD's tests/net
# (t_forwarding, t_ipv6address, icmp) check it, on rump_server nodes
# joined by shmif buses, unprivileged:
#  - one router: forwarding off drops, on forwards, pings of 1452 to
#    65000 bytes cross it (fragmentation, reassembly); the router's ICMPv6
#    errors: time exceeded (hop limit 1), no route, administratively
#    prohibited (a reject route), silence (a blackhole), port unreachable
#    from its own far address, all from the address facing the sender,
#    rate-limited to 100 a second;
#  - packet too big with the next hop's MTU from a router before a
#    1280-MTU link, after which pings and a TCP transfer to a host beyond
#    it get through (path MTU: the sender fragments to fit);
#  - rump.ndp -s: a static entry is used with no neighbour solicitation
#    on the bus, and deleting it brings ND back;
#  - a chain h1 - r1 - r2 - r3 - h2: rump.traceroute6 (UDP and -I)
#    shows every hop in order;
#  - rumplab check verifies an IPv6 via path node by node: the
#    ipv6-only lab passes, and fails naming the nodes once a router's
#    route is changed to go round the triangle.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/nodes.sh"
. "$(dirname "$0")/../lib/lab.sh"

for p in rump_server rump.ifconfig rump.ping6 rump.sysctl rump.halt \
    rump.route rump.netstat rump.traceroute6 rump.ndp rumpperf \
    shmif_dumpbus; do
	if [ ! -x "$B/$p" ]; then
		echo "1..0 # SKIP $p not built in $O"
		exit 0
	fi
done
command -v tcpdump >/dev/null || { echo "1..0 # SKIP no tcpdump"; exit 0; }
cd "$T" || exit 1

stat6() {       # stat6 NODE NAME: a counter of rump.netstat -s under ip6/icmp6
	N "$1" rump.netstat -s | awk -v k="$2" '
	    /^[a-z0-9]+:$/ { p = $1 } p == "ip6:" || p == "icmp6:" {
	    if (index($0, k)) { print $1; exit } }'
}

# --- one router: a - r - b ----------------------------------------------------
for n in a r b; do check "node $n starts" start_node $n; done
check "a, r, b: IPv6 only, fd01::/64 and fd02::/64" eval '
    ifc a shmif0 ab1 - fd01::2/64 && ifc r shmif0 ab1 - fd01::1/64 &&
    ifc r shmif1 ab2 - fd02::1/64 && ifc b shmif0 ab2 - fd02::2/64 &&
    N b rump.ifconfig shmif0 inet6 fd02::3/64 alias'
check "default routes through r" eval '
    N a rump.route -q add -inet6 default fd01::1 &&
    N b rump.route -q add -inet6 default fd02::1'
for n in a r b; do N $n rump.ifconfig -w 10 >/dev/null; done
N a rump.ping6 -q -c 1 -w 1 fd02::2 >/dev/null 2>&1; r=$?
ok $([ $r = 2 ]; echo $?) "forwarding off (the default): a -> b fails (exit $r)"
check "r: net.inet6.ip6.forwarding=1" N r rump.sysctl -w net.inet6.ip6.forwarding=1
check "a -> b through r" N a rump.ping6 -q -c 3 -i 0.05 fd02::2
check "b -> a through r" N b rump.ping6 -q -c 2 -i 0.05 fd01::2
# Sizes through r: fragmented by a, reassembled by b (beyond lwIP's own
# ten-fragment limit up to 65000 bytes).
for s in 1452 1453 8000 20000 65000; do
	check "ping6 -s $s a -> b through r" N a rump.ping6 -q -c 2 -i 0.1 -s $s fd02::2
done

N a rump.ping6 -c 1 -w 1 -h 1 fd02::2 >p.txt 2>&1
ok $(grep -qx '[0-9]* bytes from fd01::1: Time to live exceeded' p.txt; echo $?) \
    "hop limit 1 through r: time exceeded from fd01::1"
sed 's/^/#   /' p.txt | head -3
N a rump.ping6 -c 1 -w 1 fd09::1 >p.txt 2>&1; r=$?
ok $([ $r = 2 ] && grep -qx '[0-9]* bytes from fd01::1: No Route to Destination' p.txt; echo $?) \
    "no route at r: No Route to Destination (exit $r)"
check "r: a reject route and a blackhole route" eval '
    N r rump.route -q add -inet6 fd07::/64 -reject &&
    N r rump.route -q add -inet6 -host fd08::1 -blackhole ::1'
N a rump.ping6 -c 1 -w 1 fd07::1 >p.txt 2>&1; r=$?
ok $([ $r = 2 ] && grep -qx '[0-9]* bytes from fd01::1: Destination Administratively Unreachable' p.txt; echo $?) \
    "a reject route: administratively prohibited (exit $r)"
N a rump.traceroute6 -q 1 -w 1 fd07::1 >tr.txt 2>&1
ok $(grep -qE '^ 2  fd01::1  [0-9.]+ ms !P$' tr.txt; echo $?) "traceroute6 into the reject route ends with !P"
sed 's/^/#   /' tr.txt
before=$(stat6 r "blackhole")
N a rump.ping6 -c 2 -i 0.1 -w 1 fd08::1 >p.txt 2>&1; r=$?
after=$(stat6 r "blackhole")
ok $([ $r = 2 ] && ! grep -qi 'unreachable\|exceeded' p.txt && [ "$after" -ge $((before + 2)) ]; echo $?) \
    "a blackhole route drops silently (r counted $before -> $after)"
N a rump.traceroute6 -w 2 fd02::1 >tr.txt 2>&1; r=$?
ok $([ $r = 0 ] && [ "$(grep -c '^ ' tr.txt)" = 1 ] &&
    grep -qE '^ 1  fd02::1  [0-9.]+ ms  [0-9.]+ ms  [0-9.]+ ms$' tr.txt; echo $?) \
    "UDP to r's far address: port unreachable from it, one hop"
sed 's/^/#   /' tr.txt

# Rate limit: 400 requests in under a second, each worth a time exceeded.
rl0=$(stat6 r "not generated")
t0=$(date +%s%N)
N a rump.ping6 -c 400 -i 0.001 -h 1 -w 1 fd02::2 >p.txt 2>&1
# at most 100 in each second the flood touched (a loaded machine stretches it)
max=$(( ( ($(date +%s%N) - t0) / 1000000000 + 2) * 100 ))
n=$(grep -c 'Time to live exceeded' p.txt)
rl=$(stat6 r "not generated")
ok $([ "$n" -ge 50 ] && [ "$n" -le "$max" ] && [ "$rl" -gt "$rl0" ]; echo $?) \
    "time exceeded limited to 100 a second ($n of 400 answered, r held back $((rl - rl0)))"

# --- packet too big and path MTU ------------------------------------------------
# Only r's side of ab2 narrows: b keeps 1500 and offers a full TCP MSS,
# so it is the router's packet too big that makes a's segments fit.
check "r: shmif1 (ab2) at MTU 1280" N r rump.ifconfig shmif1 mtu 1280
sleep 1         # the rate limit's second is over
N a rump.ping6 -c 3 -i 0.2 -w 2 -s 1400 fd02::2 >p.txt 2>&1; r=$?
ok $(grep -qx '1240 bytes from fd01::1: Packet too big mtu = 1280' p.txt; echo $?) \
    "1448 bytes onto the 1280 link: packet too big, mtu 1280, from r"
ok $([ $r = 0 ] && [ "$(grep -c '^1408 bytes from fd02::2' p.txt)" -ge 2 ]; echo $?) \
    "the later pings get through, fragmented by a (exit $r)"
sed 's/^/#   /' p.txt | head -5
perf_server b pmtu.log -C
N a rumpperf -c fd02::3 -n 2m -w 20 >cli.log 2>&1; r=$?
wait_grep pmtu.log "^received"
ok $([ $r = 0 ] && grep -qE '^received 2097152 bytes .*checked: ok$' pmtu.log; echo $?) \
    "2 MiB of TCP to a fresh address beyond the 1280 link, checked"
diag "$(grep -v listening pmtu.log)"
n=$(stat6 a "path MTUs")
ok $([ "${n:-0}" -ge 2 ]; echo $?) "a learnt the path MTU of both destinations ($n)"

# --- static ND entries ----------------------------------------------------------
mac=$(N r rump.ifconfig shmif0 | sed -n 's/^	address: //p')
solicits() {    # a's solicitations for fd01::1 on the bus (not DAD's, from ::)
	as_user shmif_dumpbus -p - ab1 2>/dev/null | as_user tcpdump -n -r - 2>/dev/null |
	    grep 'neighbor solicitation, who has fd01::1,' | grep -vc ' IP6 :: >'
}
check "a: ndp -c, then a static entry for fd01::1 at $mac" eval "N a rump.ndp -c >/dev/null &&
    N a rump.ndp -s fd01::1 $mac"
N a rump.ndp -an >ndp.txt 2>&1
ok $(grep -qE "^fd01::1 +$mac +shmif0 permanent " ndp.txt; echo $?) "ndp -an lists it permanent"
sed 's/^/#   /' ndp.txt
n0=$(solicits)
check "a -> b over the static entry" N a rump.ping6 -q -c 3 -i 0.05 fd02::2
n1=$(solicits)
ok $([ "$n1" = "$n0" ]; echo $?) "no solicitation for fd01::1 on the bus ($n0 -> $n1)"
check "ndp -d fd01::1" N a rump.ndp -d fd01::1
check "a -> b again" N a rump.ping6 -q -c 1 -w 2 fd02::2
n2=$(solicits)
ok $([ "$n2" -gt "$n1" ]; echo $?) "with it deleted, ND solicits fd01::1 again ($n1 -> $n2)"
fails_with "ndp -s off every subnet" "on no subnet" N a rump.ndp -s fd55::1 $mac
fails_with "ndp -s with a bad MAC" "bad ethernet address" N a rump.ndp -s fd01::1 b2:a0:zz
fails_with "ndp -d of an entry not there" "cannot locate fd01::77" \
    N a rump.ndp -d fd01::77

# --- a chain: h1 - r1 - r2 - r3 - h2 --------------------------------------------------
for n in h1 r1 r2 r3 h2; do check "node $n starts" start_node $n; done
ifc h1 shmif0 c0 - fd10::2/64 && ifc r1 shmif0 c0 - fd10::1/64 &&
ifc r1 shmif1 c1 - fd11::1/64 && ifc r2 shmif0 c1 - fd11::2/64 &&
ifc r2 shmif1 c2 - fd12::1/64 && ifc r3 shmif0 c2 - fd12::2/64 &&
ifc r3 shmif1 c3 - fd13::1/64 && ifc h2 shmif0 c3 - fd13::2/64
ok $? "the chain's interfaces"
for n in r1 r2 r3; do router $n; done
N h1 rump.route -q add -inet6 default fd10::1 &&
N r1 rump.route -q add -inet6 fd12::/64 fd11::2 && N r1 rump.route -q add -inet6 fd13::/64 fd11::2 &&
N r2 rump.route -q add -inet6 fd10::/64 fd11::1 && N r2 rump.route -q add -inet6 fd13::/64 fd12::2 &&
N r3 rump.route -q add -inet6 default fd12::1 && N h2 rump.route -q add -inet6 default fd13::1
ok $? "the chain's static routes"
for n in h1 r1 r2 r3 h2; do N $n rump.ifconfig -w 10 >/dev/null; done
check "h1 -> h2 across three routers" N h1 rump.ping6 -q -c 3 -i 0.05 fd13::2
N h1 rump.traceroute6 -w 2 fd13::2 >tr.txt 2>&1; r=$?
ok $([ $r = 0 ] &&
    grep -qx 'traceroute6 to fd13::2 (fd13::2) from fd10::2, 64 hops max, 20 byte packets' tr.txt &&
    grep '^ ' tr.txt >hops.txt &&
    sed -n 1p hops.txt | grep -qE '^ 1  fd10::1  [0-9.]+ ms  [0-9.]+ ms  [0-9.]+ ms$' &&
    sed -n 2p hops.txt | grep -qE '^ 2  fd11::2  [0-9.]+ ms  [0-9.]+ ms  [0-9.]+ ms$' &&
    sed -n 3p hops.txt | grep -qE '^ 3  fd12::2  [0-9.]+ ms  [0-9.]+ ms  [0-9.]+ ms$' &&
    sed -n 4p hops.txt | grep -qE '^ 4  fd13::2  [0-9.]+ ms  [0-9.]+ ms  [0-9.]+ ms$' &&
    [ "$(wc -l <hops.txt)" = 4 ]; echo $?) "traceroute6: every hop in order, from the incoming interface"
sed 's/^/#   /' tr.txt
N h1 rump.traceroute6 -I -n -q 1 -w 2 fd13::2 >tr.txt 2>&1
ok $(grep -qE '^ 1  fd10::1  ' tr.txt && grep -qE '^ 3  fd12::2  ' tr.txt &&
    grep -qE '^ 4  fd13::2  [0-9.]+ ms$' tr.txt; echo $?) "traceroute6 -I (ICMPv6 echo probes)"
N h1 rump.traceroute6 -I -q 1 -w 2 fd12::1 >tr.txt 2>&1
ok $(grep -qE '^ 2  fd12::1  [0-9.]+ ms$' tr.txt && ! grep -q '^ 3' tr.txt; echo $?) \
    "traceroute6 -I to r2's far address ends at r2 (hop 2)"
N h1 rump.traceroute6 -f 2 -m 3 -q 1 -w 1 fd13::2 >tr.txt 2>&1
ok $(grep -qE '^ 2  fd11::2  ' tr.txt && grep -qE '^ 3  fd12::2  ' tr.txt && ! grep -q '^ 1 \|^ 4 ' tr.txt; echo $?) \
    "traceroute6 -f 2 -m 3: hops 2 and 3 only"

# --- rumplab check: IPv6 via, hop by hop ------------------------------------------------
check "ipv6-only lab up" R up -q "$ROOT/topologies/ipv6-only.yaml"
R check >chk.txt 2>&1; r=$?
ok $([ $r = 0 ] && grep -qE '^ok +h1 +h2 \(fd00:6::2\) +reach +answered; path r1,r2$' chk.txt; echo $?) \
    "rumplab check: h1 -> h2 via [r1, r2] seen by traceroute6"
sed 's/^/#   /' chk.txt
check "r1: lan2 through r3 instead of r2" R exec r1 -- rump.route -q change -inet6 -net fd00:6::/64 fd00:6:0:4::1
R check >chk.txt 2>&1; r=$?
ok $([ $r = 1 ] && grep -qE '^FAIL +h1 +h2 .*traceroute shows \[r1,r3,r2\], not \[r1,r2\]' chk.txt; echo $?) \
    "the detour is caught: traceroute shows [r1,r3,r2], not [r1,r2] (exit $r)"
sed 's/^/#   /' chk.txt
check "ipv6-only lab down" R down

# --- usage ---------------------------------------------------------------------------
as_user rump.traceroute6 --help >h.txt 2>&1; r=$?
ok $([ $r = 0 ] && grep -q '^usage: rump.traceroute6' h.txt; echo $?) "rump.traceroute6 --help"
fails_with "traceroute6 of an IPv4 address" "bad address '10.0.0.1'" N h1 rump.traceroute6 10.0.0.1
fails_with "traceroute6 -q 0" "bad value for -q" N h1 rump.traceroute6 -q 0 fd13::2
fails_with "traceroute6 -f above -m" "may not be greater" N h1 rump.traceroute6 -f 9 -m 3 fd13::2

plan $_n
done_testing
