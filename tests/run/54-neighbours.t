#!/bin/bash
# 54-neighbours.t — proves the node's own neighbour table (netcomp/neigh.c,
# arp.c, nd6.c) on a LAN of 250 hosts and a router, one shmif bus, in a
# lab run unprivileged:
#  - the router pings all 250 hosts over IPv4 and IPv6, then again: the
#    second round sends no ARP request and no multicast neighbour
#    solicitation (unicast NUD probes of stale entries are NetBSD's too)
#    (every neighbour is still known; lwIP alone kept ten);
#  - rump.arp -an lists all 250, rump.ndp -an all 250 (plus those that
#    resolved the router);
#  - rump.arp -d / rump.ndp -d of one host delete that one alone, and
#    the next ping resolves it again;
#  - entries carry NetBSD's timers: a resolved ARP entry lives
#    net.inet.arp.keep seconds (10 here) and then has no entry, an IPv6 one
#    shows its expiry as NetBSD's ndp does ("28s", "23h59m5s"), and
#    rump.netstat -rn lists the
#    neighbours as UHL host routes with their MAC.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
[ -x "$O/tests/pingsweep" ] || { echo "1..0 # SKIP pingsweep not built in $O"; exit 0; }
command -v tcpdump >/dev/null || { echo "1..0 # SKIP no tcpdump"; exit 0; }
cd "$T" || exit 1
plan 12
N=250

{
	echo "name: lan250"
	echo "buses:"
	echo "  lan: { subnet: 10.9.0.0/16, subnet6: fd09::/64 }"
	echo "nodes:"
	echo "  r:"
	echo "    interfaces:"
	echo "      - { bus: lan, addr: [10.9.0.1/16, fd09::1/64] }"
	for i in $(seq $N); do
		echo "  h$i:"
		echo "    interfaces:"
		echo "      - { bus: lan, addr: [10.9.1.$i/16, fd09::1:$(printf %x $i)/64] }"
	done
} >lan250.yaml
chmod 644 lan250.yaml
s=$(secs)
check "a lab of $N hosts and a router on one bus comes up" R up -q lan250.yaml
diag "up: $(elapsed "$s") s"
bus=$(find "$XDG_RUNTIME_DIR/rumplab/lan250" -name lan -type f | head -1)
count() {       # count RE: frames on the bus matching RE
	as_user shmif_dumpbus -p - "$bus" 2>/dev/null |
	    as_user tcpdump -n -r - 2>/dev/null | grep -c "$1"
}
round() {       # every host once, v4 and v6 (pingsweep: one process each)
	local a b
	a=$(R exec r -- "$O/tests/pingsweep" 10.9.1. 1 $N 30)
	b=$(R exec r -- "$O/tests/pingsweep" -6 fd09::1: 1 $N 30)
	echo $((a + b))
}
s=$(secs)
n1=$(round)
diag "round 1: $(elapsed "$s") s"
ok $([ "$n1" = $((2 * N)) ]; echo $?) "round 1: $n1 of $((2 * N)) pings answered"
# Solicitations to a solicited-node group resolve an address; the unicast
# ones are NUD probes of a stale entry (NetBSD's too: reachable 15-45 s,
# then stale, delay 5 s and probe), not a forgotten neighbour.
ns='> ff02::1:ff[0-9a-f:]*: ICMP6, neighbor solicitation, who has fd09::1:'
a1=$(count 'ARP, Request who-has 10\.9\.1\.'); s1=$(count "$ns")
n2=$(round)
a2=$(count 'ARP, Request who-has 10\.9\.1\.'); s2=$(count "$ns")
ok $([ "$n2" = $((2 * N)) ] && [ "$a2" = "$a1" ]; echo $?) \
    "round 2: $n2 answered, no ARP request ($a1 before, $a2 after)"
ok $([ "$s2" = "$s1" ]; echo $?) \
    "round 2: no multicast neighbour solicitation for a host ($s1 before, $s2 after)"
R exec r -- rump.arp -an >arp.txt 2>&1
ok $([ "$(grep -c '^? (10\.9\.1\.[0-9]*) at b2:' arp.txt)" = $N ]; echo $?) \
    "arp -an lists all $N hosts ($(grep -c 'at b2:' arp.txt))"
R exec r -- rump.ndp -an >ndp.txt 2>&1
ok $([ "$(grep -c '^fd09::1:[0-9a-f]* ' ndp.txt)" = $N ]; echo $?) \
    "ndp -an lists all $N hosts ($(grep -c '^fd09::1:' ndp.txt))"
check "arp -d 10.9.1.7 and ndp -d fd09::1:7" eval \
    'R exec r -- rump.arp -d 10.9.1.7 && R exec r -- rump.ndp -d fd09::1:7 >/dev/null'
R exec r -- rump.arp -an >arp.txt 2>&1
R exec r -- rump.ndp -an >ndp.txt 2>&1
ok $([ "$(grep -c 'at b2:' arp.txt)" = $((N - 1)) ] &&
    ! grep -q '(10\.9\.1\.7)' arp.txt && ! grep -q '^fd09::1:7 ' ndp.txt &&
    [ "$(grep -c '^fd09::1:[0-9a-f]* ' ndp.txt)" = $((N - 1)) ]; echo $?) \
    "each deleted exactly one entry ($(grep -c 'at b2:' arp.txt) ARP left)"
R exec r -- rump.ping -q -c 1 -w 5 10.9.1.7 >/dev/null 2>&1
ok $([ "$(count 'Request who-has 10\.9\.1\.7 ')" -gt 1 ]; echo $?) \
    "the next ping to 10.9.1.7 asks ARP again"
sed -n 's/^\(fd09::1:1 .*\)$/#   \1/p' ndp.txt
ok $(grep -E '^fd09::1:1 +b2:[0-9a-f:]+ +shmif0 +[0-9dhm]+s +[RSDP] ' ndp.txt \
    >/dev/null; echo $?) "ndp shows an expiry in seconds and a state"
R exec r -- rump.netstat -rn -f inet >rt.txt 2>&1
ok $(grep -qE '^10\.9\.1\.9 +b2:[0-9a-f:]+ +UHL +- +- +- +shmif0' rt.txt
    echo $?) "netstat -rn lists a neighbour as a UHL route with its MAC"
R exec r -- rump.sysctl -w net.inet.arp.keep=10 >/dev/null
R exec r -- rump.arp -d 10.9.1.9
R exec r -- rump.ping -q -c 1 -w 5 10.9.1.9 >/dev/null 2>&1
R exec r -- rump.arp -n 10.9.1.9 >k1.txt 2>&1; k1=$?
sed 's/^/#   /' k1.txt
sleep 12
R exec r -- rump.arp -n 10.9.1.9 >k2.txt 2>&1; k2=$?
ok $([ $k1 = 0 ] && [ $k2 = 1 ] && grep -q 'no entry' k2.txt; echo $?) \
    "an entry lives net.inet.arp.keep seconds (10), then: $(cat k2.txt)"
R down lan250 >/dev/null 2>&1
done_testing
