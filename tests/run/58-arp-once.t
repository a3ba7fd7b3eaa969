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
q0=$(frames 'Request who-has 10.0.1.1 tell 10.0.1.10')
r0=$(frames 'Reply 10.0.1.1 is-at')
n0=$(frames 'neighbor solicitation, who has fd00:0:0:1::1,')
a0=$(frames 'neighbor advertisement, tgt is fd00:0:0:1::1,')
# One shell on h1 clears and pings: a neighbour that speaks first (the
# router's own ARP refresh or unicast NUD probe of h1, with its address
# in it) would otherwise fill h1's cleared cache in the second between
# two execs, as RFC 4861 7.2.3 says it should, and no solicitation is
# needed.  Seen on CI (0 and 0), under load.
check "arp -d -a, ndp -c and a ping of each family" R exec h1 -- sh -c '
    rump.arp -d -a && rump.ndp -c >/dev/null &&
    rump.ping -q -c 1 10.0.2.10 >/dev/null &&
    rump.ping6 -q -c 1 fd00:0:0:2::10 >/dev/null'
q1=$(frames 'Request who-has 10.0.1.1 tell 10.0.1.10')
r1=$(frames 'Reply 10.0.1.1 is-at')
n1=$(frames 'neighbor solicitation, who has fd00:0:0:1::1,')
a1=$(frames 'neighbor advertisement, tgt is fd00:0:0:1::1,')
ok $([ $((q1 - q0)) = 1 ] && [ $((r1 - r0)) = 1 ]; echo $?) \
    "one ARP request and one reply ($((q1 - q0)) and $((r1 - r0)))"
ok $([ $((n1 - n0)) = 1 ] && [ $((a1 - a0)) = 1 ]; echo $?) \
    "one solicitation and one advertisement ($((n1 - n0)) and $((a1 - a0)))"
R down >/dev/null 2>&1
done_testing
