#!/bin/bash
# 42-arp-dad.t — proves IPv4 duplicate address detection and gratuitous
# ARP as NetBSD does them (RFC 5227; netcomp/arp.c, ifaddr.c), on two
# rump_server nodes a (10.0.0.1) and b (10.0.0.2) on one bus, unprivileged:
#  - an address given while the interface is down is valid at once and
#    announced ("who-has A tell A") when ifconfig brings it up, unprobed;
#  - an alias added while it is up is listed "flags 0x1<TENTATIVE>", is
#    probed ("who-has A tell 0.0.0.0"), is not answered for meanwhile,
#    and after DAD is valid, announced, and reachable from b;
#  - an alias b already has (10.0.0.9) turns "flags 0x2<DUPLICATED>",
#    with NetBSD's message in a's log;
#  - with net.inet.ip.dad_count 0 an alias is valid and announced at
#    once; a node that hears its valid address claimed defends it;
#  - down detaches every address ("flags 0x4<DETACHED>"), up checks
#    them again (tentative).
# dad_count is 1 here (one probe, the address valid 2 to 3 s after it is
# given), not NetBSD's 3, to keep the test short.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/nodes.sh"
for p in rump_server rump.ifconfig rump.ping rump.sysctl rump.dmesg \
    shmif_dumpbus; do
	[ -x "$B/$p" ] || { echo "1..0 # SKIP $p not built in $O"; exit 0; }
done
command -v tcpdump >/dev/null || { echo "1..0 # SKIP no tcpdump"; exit 0; }
cd "$T" || exit 1
plan 13

start4() {      # start4 NODE: a node with netinet and shmif
	as_user rump_server -l rumpnet_netinet -l rumpnet_shmif "unix://$1" ||
	    return 1
	urls="$urls unix://$1"
	nodes="$nodes $(N "$1" rump.sysctl -n kern.pid)"
}
frames() {      # frames: the bus as tcpdump -e lines
	as_user shmif_dumpbus -p - bus1 2>/dev/null |
	    as_user tcpdump -n -e -r - 2>/dev/null
}
flags() {       # flags FILE ADDR: the flags of ADDR in the listing FILE
	sed -n "s|^	inet $2/.* flags ||p" "$1"
}
at() {          # at FILE RE: the number of the first line of FILE with RE
	grep -m1 -n -- "$2" "$1" | cut -d: -f1
}
req() { echo "Request who-has $1 tell $2,"; }

check "a (dad_count 1) and b (dad_count 0) on bus1, addresses given down" \
    eval 'start4 a && start4 b &&
    N a rump.sysctl -w net.inet.ip.dad_count=1 >/dev/null &&
    N b rump.sysctl -w net.inet.ip.dad_count=0 >/dev/null &&
    N a rump.ifconfig shmif0 create linkstr bus1 10.0.0.1/24 &&
    N b rump.ifconfig shmif0 create linkstr bus1 10.0.0.2/24 &&
    N b rump.ifconfig shmif0 10.0.0.9/24 alias'
# Two aliases on a's up interface: a new one and one b has.
N a sh -c 'rump.ifconfig shmif0 10.0.0.3/24 alias &&
    rump.ifconfig shmif0 10.0.0.9/24 alias && rump.ifconfig shmif0' >l1.txt
N b rump.ping -q -c 1 -w 1 10.0.0.3 >/dev/null 2>&1    # asks for it
check "rump.ifconfig -w waits for DAD to finish" N a rump.ifconfig -w 5
N a rump.ifconfig shmif0 >l2.txt
frames >bus.txt
f=$(flags l1.txt 10.0.0.1)
ok $([ "$f" = 0x0 ] && [ -n "$(at bus.txt "$(req 10.0.0.1 10.0.0.1)")" ] &&
    [ -z "$(at bus.txt "$(req 10.0.0.1 0.0.0.0)")" ]; echo $?) \
    "given while down: valid ($f), announced when up, not probed"
f=$(flags l1.txt 10.0.0.3)
ok $([ "$f" = "0x1<TENTATIVE>" ]; echo $?) "an alias added while up is tentative ($f)"
f=$(flags l2.txt 10.0.0.3)
ok $([ "$f" = 0x0 ]; echo $?) "after DAD it is valid ($f)"
probe=$(at bus.txt "$(req 10.0.0.3 0.0.0.0)")
ann=$(at bus.txt "$(req 10.0.0.3 10.0.0.3)")
asked=$(at bus.txt "$(req 10.0.0.3 10.0.0.2)")
reply=$(at bus.txt "Reply 10.0.0.3 is-at")
ok $([ -n "$probe" ] && [ -n "$ann" ] && [ "$probe" -lt "$ann" ]; echo $?) \
    "probed (who-has A tell 0.0.0.0), then announced (who-has A tell A)" ||
    grep "10.0.0.3" bus.txt | sed 's/^/#   /'
ok $([ -n "$asked" ] && [ -n "$ann" ] && [ "$asked" -lt "$ann" ] &&
    { [ -z "$reply" ] || [ "$reply" -gt "$ann" ]; }; echo $?) \
    "b's requests for it go unanswered while it is tentative"
mac_b=$(sed -n "s/ > .*$(req 10.0.0.2 10.0.0.2).*//p" bus.txt | sed -n 's/.* //p' | head -1)
f=$(flags l2.txt 10.0.0.9)
ok $([ "$f" = "0x2<DUPLICATED>" ] && N a rump.dmesg |
    grep -q "shmif0: DAD duplicate address 10.0.0.9 from $mac_b"; echo $?) \
    "b's address is duplicated ($f), and logged as NetBSD does"
check "b reaches the alias once it is announced" \
    N b rump.ping -q -c 1 -w 2 10.0.0.3

N a sh -c 'rump.sysctl -w net.inet.ip.dad_count=0 >/dev/null &&
    rump.ifconfig shmif0 10.0.0.4/24 alias && rump.ifconfig shmif0' >l3.txt
frames >bus.txt
f=$(flags l3.txt 10.0.0.4)
ok $([ "$f" = 0x0 ] && [ -n "$(at bus.txt "$(req 10.0.0.4 10.0.0.4)")" ] &&
    [ -z "$(at bus.txt "$(req 10.0.0.4 0.0.0.0)")" ]; echo $?) \
    "dad_count 0: an alias is valid ($f) and announced at once, unprobed"

N b rump.ifconfig shmif0 10.0.0.1/24 alias
defended() {
	local i
	for i in $(seq 40); do
		N a rump.dmesg | grep -q "$1" && return 0
		sleep 0.05
	done
	return 1
}
ok $(defended "shmif0: DAD defended address 10.0.0.1 from $mac_b"; echo $?) \
    "a valid address another node claims is defended"

N a sh -c 'rump.sysctl -w net.inet.ip.dad_count=1 >/dev/null &&
    rump.ifconfig shmif0 down && rump.ifconfig shmif0 >l4.txt &&
    rump.ifconfig shmif0 up && rump.ifconfig shmif0 >l5.txt'
f=$(flags l4.txt 10.0.0.3)
ok $([ "$f" = "0x4<DETACHED>" ]; echo $?) "down detaches the addresses ($f)"
f=$(flags l5.txt 10.0.0.3)
ok $([ "$f" = "0x1<TENTATIVE>" ]; echo $?) "up checks them again ($f)"
done_testing
