#!/bin/bash
# 43-linkstate.t — proves an Ethernet interface's link layer as NetBSD's
# ifconfig shows and sets it (netcomp/iflink.c), on two rump_server
# nodes on one bus, unprivileged:
#  - link state: unknown without a bus, up with one (down or up), down
#    with media none, up again with media autoselect, unknown after
#    -linkstr ("ifconfig -v": linkstate:, media:);
#  - media none takes the link down: a ping gets no answer (and no
#    error: routes and neighbours stay, as NetBSD's), and one gets it
#    again after media autoselect;
#  - "link ADDR" adds an inactive link address (listed as "link ADDR",
#    the MAC unchanged), "link ADDR active" on an up interface makes it
#    the MAC at once, the old one listed as inactive, and the peer's ARP
#    and NDP caches hold the new MAC without the node sending anything
#    else (gratuitous ARP, unsolicited neighbour advertisement);
#  - the active address cannot be deleted (NetBSD's "SIOCDLIFADDR: Device
#    busy"), an inactive one can, an unknown one is refused;
#  - -arp (NOARP) resolves no new neighbour, arp does again.
. "$(dirname "$0")/../lib/common.sh"

for p in rump_server rump.ifconfig rump.ping rump.arp rump.ndp rump.sysctl \
    rump.halt; do
	[ -x "$B/$p" ] || skip_all "$p not built in $O"
done
cd "$T" || exit 1
plan 18

urls=""
on_exit 'for u in $urls; do RUMP_SERVER=$u as_user rump.halt -w 1; done'
N() {           # N NODE CMD...: run CMD as a client of node NODE
	local n=$1; shift
	RUMP_SERVER=unix://$n as_user timeout 20 "$@"
}
start_node() {
	as_user rump_server -l rumpnet_netinet -l rumpnet_netinet6 \
	    -l rumpnet_shmif "unix://$1" && urls="$urls unix://$1"
}
show() {        # show NODE RE...: "ifconfig -v shmif0" has a line matching each RE
	local n=$1 re; shift
	N "$n" rump.ifconfig -v shmif0 >"$T/if.txt" 2>&1
	for re; do
		grep -qx -- "$re" "$T/if.txt" && continue
		sed 's/^/#   /' "$T/if.txt"; return 1
	done
}

check "two nodes start" eval 'start_node n1 && start_node n2'
check "n1: shmif0 without a bus" N n1 rump.ifconfig shmif0 create
ok $(show n1 '	linkstate: unknown' '	media: Ethernet autoselect'; echo $?) \
    "no bus: linkstate unknown, media autoselect"
check "both configured (DAD off)" eval '
    N n1 rump.sysctl -w net.inet6.ip6.dad_count=0 >/dev/null &&
    N n2 rump.sysctl -w net.inet6.ip6.dad_count=0 >/dev/null &&
    N n1 rump.ifconfig shmif0 linkstr bus down &&
    N n2 rump.ifconfig shmif0 create linkstr bus inet 10.0.0.2/24 inet6 fc00::2/64'
ok $(show n1 '	linkstate: up'; echo $?) "a bus: linkstate up while the interface is down"
check "n1 configured, pings n2" eval '
    N n1 rump.ifconfig shmif0 inet 10.0.0.1/24 inet6 fc00::1/64 &&
    N n1 rump.ping -c 1 -w 2 10.0.0.2'

# --- media none and autoselect ------------------------------------------------------
N n1 rump.ifconfig shmif0 media none
ok $(show n1 '	linkstate: down' '	media: Ethernet none' '	status: no carrier'
    echo $?) "media none: linkstate down, no carrier"
N n1 rump.ping -c 1 -w 1 10.0.0.2 >/dev/null 2>err.txt; r=$?
ok $([ $r = 2 ] && [ ! -s err.txt ]; echo $?) \
    "media none: the ping meets silence, not an error (exit $r)"
sed 's/^/#   /' err.txt
N n1 rump.ifconfig shmif0 media autoselect
ok $(show n1 '	linkstate: up' && N n1 rump.ping6 -c 1 -w 2 fc00::2 >/dev/null
    echo $?) "media autoselect: linkstate up, a ping6 is answered"

# --- link addresses ---------------------------------------------------------------
old=$(awk '/address:/ { print $2 }' "$T/if.txt")
N n1 rump.ifconfig shmif0 link b2:a1:00:00:00:01
ok $(show n1 "	address: $old" '	link b2:a1:00:00:00:01'; echo $?) \
    "link ADDR: an inactive address, the MAC unchanged"
check "link ADDR active on an up interface" \
    N n1 rump.ifconfig shmif0 link b2:a1:00:00:00:02 active
ok $(show n1 '	address: b2:a1:00:00:00:02' "	link $old" \
    '	link b2:a1:00:00:00:01'; echo $?) \
    "the new MAC is active, the old one and the first inactive are listed"
# n2 learnt n1's new MAC from the announcements alone: n1 sent no
# other packet since.
N n2 rump.arp -n 10.0.0.1 >arp.txt 2>&1
N n2 rump.ndp -n fc00::1 >ndp.txt 2>&1
ok $(grep -q 'b2:a1:00:00:00:02' arp.txt && grep -q 'b2:a1:00:00:00:02' ndp.txt
    echo $?) "the peer's ARP and NDP entries hold the new MAC"
sed 's/^/#   /' arp.txt ndp.txt
N n1 rump.ifconfig shmif0 link b2:a1:00:00:00:02 delete >err.txt 2>&1; r=$?
ok $([ $r != 0 ] && grep -q 'SIOCDLIFADDR: Device busy' err.txt; echo $?) \
    "the active address cannot be deleted (exit $r)"
sed 's/^/#   /' err.txt

# --- -arp: no resolution -----------------------------------------------------------
N n2 rump.sysctl -q -w net.inet.ip.dad_count=0   # usable at once (42-arp-dad tests DAD)
N n2 rump.ifconfig shmif0 inet 10.0.0.3/24 alias
N n1 rump.ifconfig shmif0 -arp
N n1 rump.ping -c 1 -w 1 10.0.0.3 >/dev/null 2>&1; r=$?
ok $([ $r != 0 ] && show n1 'shmif0: flags=0x[0-9a-f]*<.*NOARP.*> mtu 1500'
    echo $?) "-arp: NOARP, a neighbour it has no entry for is not resolved (exit $r)"
ok $(N n1 rump.ifconfig shmif0 arp && N n1 rump.ping -c 1 -w 2 10.0.0.3 >/dev/null
    echo $?) "arp: it is resolved again"

# --- deleting link addresses; no bus again ---------------------------------------
N n1 rump.ifconfig shmif0 link b2:a1:00:00:00:09 delete >err.txt 2>&1; r=$?
ok $([ $r != 0 ] && grep -q 'shmif0 has no such link address' err.txt &&
    N n1 rump.ifconfig shmif0 link b2:a1:00:00:00:01 delete down -linkstr
    echo $?) "an unknown address is refused, an inactive one deleted"
ok $(show n1 '	linkstate: unknown' && ! grep -q b2:a1:00:00:00:01 if.txt
    echo $?) "-linkstr: linkstate unknown; the deleted address is not listed"
done_testing
