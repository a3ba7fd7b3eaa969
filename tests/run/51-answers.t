#!/bin/bash
# 51-answers.t — proves that what a node sends on its own carries the TTL
# or hop limit NetBSD gives it, that its errors come from the address
# NetBSD answers from, and that rump.ifconfig lists one family as
# NetBSD's ifconfig does, on rump_server nodes joined by shmif buses,
# unprivileged (netcomp/hoplimit.c, ipfwd.c, icmp6err.c, cmd/ifconfig.c):
#  - an ICMPv6 echo reply carries hop limit 64 (icmp6_reflect: the
#    interface's current hop limit), whatever net.inet6.ip6.hlim says;
#  - a TCP connection accepted from a listening socket, and a reset for
#    a port nobody listens on, carry net.inet.ip.ttl / net.inet6.ip6.hlim;
#  - IPv4 ICMP echo replies still carry 255 (icmp_reflect: MAXTTL);
#  - a UDP traceroute to a router's far address ends at that address
#    (the port unreachable comes from the address probed), as does
#    traceroute6;
#  - rump.ifconfig IF inet / inet6 lists that family's addresses only,
#    and an address family the node has no protocol for is refused.
# Only bus files and unix sockets in $T carry traffic.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/nodes.sh"

for p in rump_server rump.ifconfig rump.ping rump.ping6 rump.sysctl \
    rump.halt rump.route rump.traceroute rump.traceroute6 rumpperf \
    shmif_dumpbus; do
	if [ ! -x "$B/$p" ]; then
		echo "1..0 # SKIP $p not built in $O"
		exit 0
	fi
done
command -v tcpdump >/dev/null || { echo "1..0 # SKIP no tcpdump"; exit 0; }
cd "$T" || exit 1

plan 19
dump() {        # dump BUS: the bus as tcpdump -v lines (one a packet)
	as_user shmif_dumpbus -p - "$1" 2>/dev/null |
	    as_user tcpdump -v -n -r - 2>/dev/null | sed -e :a \
	    -e '$!N;s/\n    / /;ta' -e 'P;D'
}

# a - r - b: 10.0.1.0/24 fd01::/64 on ab1, 10.0.2.0/24 fd02::/64 on ab2.
for n in a r b; do start_node $n || exit 1; done
check "a, r, b configured, r forwards" eval '
    ifc a shmif0 ab1 10.0.1.2/24 fd01::2/64 &&
    ifc r shmif0 ab1 10.0.1.1/24 fd01::1/64 &&
    ifc r shmif1 ab2 10.0.2.1/24 fd02::1/64 &&
    ifc b shmif0 ab2 10.0.2.2/24 fd02::2/64 && router r &&
    N a rump.route -q add default 10.0.1.1 &&
    N a rump.route -q add -inet6 default fd01::1 &&
    N b rump.route -q add default 10.0.2.1 &&
    N b rump.route -q add -inet6 default fd02::1 &&
    N r rump.sysctl -w net.inet.ip.ttl=77 &&
    N r rump.sysctl -w net.inet6.ip6.hlim=66'
for n in a r b; do N $n rump.ifconfig -w 10 >/dev/null; done

# --- hop limits ---------------------------------------------------------------
N a rump.ping6 -n -c 1 fd01::1 >/dev/null 2>&1
N a rump.ping -n -c 1 10.0.1.1 >/dev/null 2>&1
dump ab1 >d.txt
grep 'fd01::1 > fd01::2: .*echo reply' d.txt | head -1 | sed 's/^/#   /'
ok $(grep 'fd01::1 > fd01::2: .*echo reply' d.txt | grep -q 'hlim 64,'
    echo $?) "ICMPv6 echo reply: hop limit 64 (not the sysctl's 66, not 255)"
ok $(grep -B0 '10.0.1.1 > 10.0.1.2: ICMP echo reply' d.txt | grep -q 'ttl 255,'
    echo $?) "IPv4 echo reply: TTL 255 (NetBSD's icmp_reflect)"

perf_server r srv.log -p 5001 -m 2 -w 10 || diag "rumpperf -s did not start"
N a rumpperf -c 10.0.1.1 -p 5001 -n 4k >/dev/null 2>&1
N a rumpperf -c fd01::1 -p 5001 -n 4k >/dev/null 2>&1
N a rumpperf -c 10.0.1.1 -p 5009 -n 1 >/dev/null 2>&1
N a rumpperf -c fd01::1 -p 5009 -n 1 >/dev/null 2>&1
dump ab1 >d.txt
synack() { grep "$1.5001 > .*Flags \[S\.\]" d.txt | head -1; }
rst() { grep "$1.5009 > .*Flags \[R" d.txt | head -1; }
ok $(synack 10.0.1.1 | grep -q 'ttl 77,'; echo $?) \
    "an accepted IPv4 connection: net.inet.ip.ttl (77)"
synack 10.0.1.1 | sed 's/^/#   /'
ok $(synack fd01::1 | grep -q 'hlim 66,'; echo $?) \
    "an accepted IPv6 connection: net.inet6.ip6.hlim (66)"
ok $(rst 10.0.1.1 | grep -q 'ttl 77,'; echo $?) \
    "a reset for a closed IPv4 port: net.inet.ip.ttl (77)"
rst 10.0.1.1 | sed 's/^/#   /'
ok $(rst fd01::1 | grep -q 'hlim 66,'; echo $?) \
    "a reset for a closed IPv6 port: net.inet6.ip6.hlim (66)"

# --- errors from the address probed -------------------------------------------
N a rump.traceroute -n -w 1 -q 1 10.0.2.1 >tr.txt 2>&1
sed 's/^/#   /' tr.txt
ok $(grep -q '^ 1  10\.0\.2\.1 ' tr.txt && ! grep -q '10\.0\.1\.1' tr.txt
    echo $?) "UDP traceroute to r's far address ends there (1  10.0.2.1)"
N a rump.traceroute6 -n -w 1 -q 1 fd02::1 >tr.txt 2>&1
ok $(grep -q '^ 1  fd02::1 ' tr.txt; echo $?) \
    "traceroute6 to r's far address ends there (1  fd02::1)"
N a rump.traceroute -n -w 1 -q 1 10.0.2.2 >tr.txt 2>&1
ok $(grep -q '^ 1  10\.0\.1\.1 ' tr.txt && grep -q '^ 2  10\.0\.2\.2 ' tr.txt
    echo $?) "a transit hop is still shown by the address facing the sender"

# --- ifconfig IF FAMILY -------------------------------------------------------
N a rump.ifconfig shmif0 inet6 >if.txt 2>&1; r=$?
ok $([ $r = 0 ] && grep -q 'inet6 fd01::2/64' if.txt &&
    grep -q 'inet6 fe80::' if.txt && ! grep -q 'inet ' if.txt
    echo $?) "ifconfig shmif0 inet6: the inet6 addresses only"
N a rump.ifconfig shmif0 inet >if.txt 2>&1; r=$?
ok $([ $r = 0 ] && grep -q 'inet 10.0.1.2/24' if.txt &&
    ! grep -q 'inet6' if.txt; echo $?) "ifconfig shmif0 inet: the inet ones"
ok $(head -1 if.txt | grep -q '^shmif0: flags='; echo $?) \
    "... after the interface's own lines"
fails_with "ifconfig lo0 atalk: not supported" 'address family not supported' \
    N a rump.ifconfig lo0 atalk
check "ifconfig lo0 link" N a rump.ifconfig lo0 link

# --- ifconfig IF alias ADDR (NetBSD's keyword first) ---------------------------
check "ifconfig shmif0 alias 10.0.1.77/24, inet6 alias fd01::77" eval '
    N a rump.ifconfig shmif0 alias 10.0.1.77/24 &&
    N a rump.ifconfig shmif0 inet6 alias fd01::77'
N a rump.ifconfig shmif0 >if.txt 2>&1
ok $(grep -q 'inet 10.0.1.77/24' if.txt && grep -q 'inet 10.0.1.2/24' if.txt &&
    grep -q 'inet6 fd01::77/64' if.txt; echo $?) "both added beside the first addresses"
check "ifconfig shmif0 delete 10.0.1.77, inet6 -alias fd01::77" eval '
    N a rump.ifconfig shmif0 delete 10.0.1.77 &&
    N a rump.ifconfig shmif0 inet6 -alias fd01::77'
N a rump.ifconfig shmif0 >if.txt 2>&1
ok $(! grep -q '10.0.1.77\|fd01::77' if.txt && grep -q 'inet 10.0.1.2/24' if.txt; echo $?) \
    "both gone, the first address kept"
done_testing
