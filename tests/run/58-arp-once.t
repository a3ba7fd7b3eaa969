#!/bin/bash
# 58-arp-once.t — proves that a node resolves a neighbour with one
# request (issue #15: "a capture after rump.arp -d -a shows each ARP
# request and reply twice, 97 us apart").  In the default lab, with h1
# idle for a while (its tcpip thread asleep past its timers), rump.arp -d
# -a and a ping put exactly one ARP request for the gateway and one reply
# on lan1, and rump.ndp -c and a ping6 one neighbour solicitation and one
# advertisement.  With lwIP's ARP the waking thread ran its overdue ARP
# timer at once, which repeated the request of the entry the ping had
# just made pending: two requests, and two replies.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
command -v tcpdump >/dev/null || { echo "1..0 # SKIP no tcpdump"; exit 0; }
cd "$T" || exit 1
plan 5
check "the default lab comes up" R up -q
bus=$(find "$XDG_RUNTIME_DIR/rumplab" -name 'lan1*' -type f | head -1)
frames() {      # frames RE: how many frames on lan1 match RE
	as_user shmif_dumpbus -p - "$bus" 2>/dev/null |
	    as_user tcpdump -n -r - 2>/dev/null | grep -c "$1"
}
check "h1 reaches h2 (both families)" eval \
    'R exec h1 -- rump.ping -q -c 1 10.0.2.10 && R exec h1 -- rump.ping6 -q -c 1 fd00:0:0:2::10'
sleep 3         # h1 idles: its thread sleeps past the 1 s ARP timer
# One shell on h1 clears and pings: a neighbour that speaks first (the
# router's own ARP refresh, its unicast NUD probe of h1 or an RA, with
# its link-layer address in it) would otherwise fill h1's cleared cache
# in the second between two execs, as RFC 4861 7.2.3 and 6.3.4 say it
# should, and no solicitation is needed.  It can still land between the
# clear and the ping (seen on CI under load: 0 and 0), so a round with
# none is tried again, up to three rounds; a round with two (the bug)
# fails at once.
count() {
	echo "$(frames 'Request who-has 10.0.1.1 tell 10.0.1.10')" \
	    "$(frames 'Reply 10.0.1.1 is-at')" \
	    "$(frames 'neighbor solicitation, who has fd00:0:0:1::1,')" \
	    "$(frames 'neighbor advertisement, tgt is fd00:0:0:1::1,')"
}
arp_ok=1 nd_ok=1 arp_seen="" nd_seen="" ran=0
for round in 1 2 3; do
	set -- $(count)
	q0=$1 r0=$2 n0=$3 a0=$4
	R exec h1 -- sh -c '
	    rump.arp -d -a && rump.ndp -c >/dev/null &&
	    rump.ping -q -c 1 10.0.2.10 >/dev/null &&
	    rump.ping6 -q -c 1 fd00:0:0:2::10 >/dev/null' || continue
	ran=1
	set -- $(count)
	dq=$(($1 - q0)) dr=$(($2 - r0)) dn=$(($3 - n0)) da=$(($4 - a0))
	arp_seen="$arp_seen ${dq}/${dr}" nd_seen="$nd_seen ${dn}/${da}"
	[ $dq -gt 1 ] || [ $dr -gt 1 ] && { arp_ok=2; }
	[ $dn -gt 1 ] || [ $da -gt 1 ] && { nd_ok=2; }
	[ $arp_ok = 1 ] && [ $dq = 1 ] && [ $dr = 1 ] && arp_ok=0
	[ $nd_ok = 1 ] && [ $dn = 1 ] && [ $da = 1 ] && nd_ok=0
	[ $arp_ok != 1 ] && [ $nd_ok != 1 ] && break
	sleep 1
done
ok $([ $ran = 1 ]; echo $?) "arp -d -a, ndp -c and a ping of each family"
ok $([ $arp_ok = 0 ]; echo $?) \
    "one ARP request and one reply (request/reply a round:$arp_seen)"
ok $([ $nd_ok = 0 ]; echo $?) \
    "one solicitation and one advertisement (a round:$nd_seen)"
R down >/dev/null 2>&1
done_testing
