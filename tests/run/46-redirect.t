#!/bin/bash
# 46-redirect.t — proves ICMP redirects and the broadcast knobs
# (netcomp/ipfwd.c, route.c) on rump_server nodes, unprivileged:
#  - the knobs' NetBSD defaults: net.inet.ip.redirect 1,
#    net.inet.icmp.redirtimeout 600, net.inet.icmp.bmcastecho 0,
#    net.inet.ip.directed-broadcast 0;
#  - a router that forwards a packet back onto the sender's subnet sends
#    a redirect only while net.inet.ip.redirect is on; the host makes a
#    dynamic host route (UGHD) through the better gateway, or changes
#    the gateway of its own host route (UGHMS);
#  - the dynamic route goes net.inet.icmp.redirtimeout seconds after the
#    redirect (the timeout in force, as changed since), the changed
#    static one stays;
#  - a directed broadcast is refused by a router (host unreachable)
#    until net.inet.ip.directed-broadcast is on; the hosts behind it
#    answer it only while net.inet.icmp.bmcastecho is on.
# Topology: h, r1 and r2 on bus lan; r2 and d (two addresses) on bus far;
# h's default router is r1, which reaches far through r2.
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

# rt NODE DST: NODE's IPv4 table line for DST, "DST GATEWAY FLAGS".
rt() {
	N "$1" rump.netstat -rn -f inet | awk -v d="$2" '$1 == d { print $1, $2, $3 }'
}

for n in h r1 r2 d; do check "node $n starts" start_node $n; done
# up NODE IF BUS ADDR: an interface up on a bus with an address.
up() {
	N "$1" rump.ifconfig "$2" create && N "$1" rump.ifconfig "$2" linkstr "$3" &&
	N "$1" rump.ifconfig "$2" inet "$4" up
}
check "h: 10.3.0.2/24 on lan" up h shmif0 lan 10.3.0.2/24
check "r1: 10.3.0.1/24 on lan" up r1 shmif0 lan 10.3.0.1/24
check "r2: 10.3.0.254/24 on lan, 10.3.2.1/24 on far" eval '
    up r2 shmif0 lan 10.3.0.254/24 && up r2 shmif1 far 10.3.2.1/24'
check "d: 10.3.2.2/24 and 10.3.2.3/24 on far" eval '
    up d shmif0 far 10.3.2.2/24 &&
    N d rump.sysctl -q -w net.inet.ip.dad_count=0 &&
    N d rump.ifconfig shmif0 alias 10.3.2.3/24'
check "routes: h via r1, r1 via r2, d via r2" eval '
    N h rump.route -q add default 10.3.0.1 &&
    N r1 rump.route -q add -net 10.3.2.0/24 10.3.0.254 &&
    N d rump.route -q add default 10.3.2.1'
check "r1 and r2 forward" eval '
    N r1 rump.sysctl -qw net.inet.ip.forwarding=1 &&
    N r2 rump.sysctl -qw net.inet.ip.forwarding=1'

v=$(N h rump.sysctl -n net.inet.ip.redirect net.inet.icmp.redirtimeout \
    net.inet.icmp.bmcastecho net.inet.ip.directed-broadcast | tr '\n' ' ')
ok $([ "$v" = "1 600 0 0 " ]; echo $?) \
    "defaults: redirect 1, redirtimeout 600, bmcastecho 0, directed-broadcast 0 ($v)"

# --- redirects -------------------------------------------------------------
check "r1: redirects off" N r1 rump.sysctl -qw net.inet.ip.redirect=0
check "h -> d through r1 and r2" N h rump.ping -q -c 1 -w 2 10.3.2.2
ok $([ -z "$(rt h 10.3.2.2)" ]; echo $?) "redirects off: no route to 10.3.2.2 made"
check "r1: redirects on" N r1 rump.sysctl -qw net.inet.ip.redirect=1
check "h -> d again" N h rump.ping -q -c 1 -w 2 10.3.2.2
l=$(rt h 10.3.2.2)
ok $([ "$l" = "10.3.2.2 10.3.0.254 UGHD" ]; echo $?) \
    "redirect: dynamic host route through r2 ($l)"
N h rump.route -n get 10.3.2.2 >g.txt 2>&1
ok $(grep -q 'flags: 0x[0-9a-f]*<UP,GATEWAY,HOST,DYNAMIC,DONE>' g.txt; echo $?) \
    "route get names the flag DYNAMIC"
n=$(N r1 rump.netstat -s | sed -n 's/^	\([0-9]*\) redirects sent$/\1/p')
ok $([ "${n:-0}" = 1 ]; echo $?) "r1 counted the redirect it sent (${n:-none})"
check "h: a host route to 10.3.2.3 through r1" \
    N h rump.route -q add 10.3.2.3 10.3.0.1
check "h -> 10.3.2.3" N h rump.ping -q -c 1 -w 2 10.3.2.3
l=$(rt h 10.3.2.3)
ok $([ "$l" = "10.3.2.3 10.3.0.254 UGHMS" ]; echo $?) \
    "redirect: the static route's gateway changed, flagged M ($l)"
# A new timeout applies to the routes already made, as NetBSD's.
check "h: redirtimeout 1 s" N h rump.sysctl -qw net.inet.icmp.redirtimeout=1
sleep 1.1
ok $([ -z "$(rt h 10.3.2.2)" ]; echo $?) "the dynamic route is gone 1 s later"
l=$(rt h 10.3.2.3)
ok $([ "$l" = "10.3.2.3 10.3.0.254 UGHMS" ]; echo $?) \
    "the changed static route stays ($l)"

# --- directed broadcast ----------------------------------------------------
# Through r2 straight: r1 would add redirects to the picture.
check "h: far's broadcast through r2" \
    N h rump.route -q add 10.3.2.255 10.3.0.254
N h rump.ping -c 1 -w 0.5 10.3.2.255 >p.txt 2>&1; r=$?
ok $([ $r != 0 ] && grep -q 'Destination Host Unreachable' p.txt; echo $?) \
    "directed-broadcast off: r2 answers host unreachable (exit $r)"
[ $r != 0 ] && grep -q 'Destination Host Unreachable' p.txt ||
    sed 's/^/#   /' p.txt | head -3
check "r2: directed-broadcast on" \
    N r2 rump.sysctl -qw net.inet.ip.directed-broadcast=1
N h rump.ping -q -c 1 -w 0.5 10.3.2.255 >/dev/null 2>&1; r=$?
n=$(N d rump.netstat -s | sed -n 's/^	\([0-9]*\) broadcast.multicast echo requests ignored$/\1/p')
ok $([ $r != 0 ] && [ "${n:-0}" = 1 ]; echo $?) \
    "bmcastecho off: d ignores the broadcast echo (exit $r, ignored ${n:-none})"
check "d: bmcastecho on" N d rump.sysctl -qw net.inet.icmp.bmcastecho=1
N h rump.ping -c 1 -w 2 10.3.2.255 >p.txt 2>&1; r=$?
ok $([ $r = 0 ] && grep -q '^64 bytes from 10\.3\.2\.2: icmp_seq=0 ttl=254' p.txt; echo $?) \
    "bmcastecho on: d answers from its address, TTL 255 less r2's hop (exit $r)"
[ $r = 0 ] || sed 's/^/#   /' p.txt | head -3

plan $_n
done_testing
