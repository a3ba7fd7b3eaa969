#!/bin/bash
# 82-lab-bridge.t — proves a bridge node (kind: bridge, rumpnet_bridge)
# joins three buses of two hosts each into one broadcast domain, as the
# unprivileged user: the planner gives the three buses one subnet and the
# bridge no address; every host reaches every other (30 checks); the
# bridge's table (rump.brconfig) holds each host's MAC on the port of its
# bus; a frame for an unknown MAC put on one bus appears once on each
# other bus and never a second time on its own; a frame for a known MAC
# leaves by its port only; one for a MAC behind its own port is filtered;
# the per-port counters say so; a loop of two bridges is refused by
# validate and by up, which starts nothing.  All traffic stays on the
# lab's buses (files in the test's directory).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
for t in python3 tcpdump; do
	command -v $t >/dev/null || { echo "1..0 # SKIP no $t"; exit 0; }
done
plan 15

cat >"$T/br3.yaml" <<EOF
name: br3
defaults: { addr: auto, mac: stable }
buses: [lan1, lan2, lan3]
nodes:
  sw: { kind: bridge, interfaces: [lan1, lan2, lan3] }
  h1: { interfaces: [lan1] }
  h2: { interfaces: [lan1] }
  h3: { interfaces: [lan2] }
  h4: { interfaces: [lan2] }
  h5: { interfaces: [lan3] }
  h6: { interfaces: [lan3] }
checks:
$(for i in 1 2 3 4 5 6; do for j in 1 2 3 4 5 6; do [ $i = $j ] ||
    echo "  - { from: h$i, to: h$j }"; done; done)
EOF
chmod 644 "$T/br3.yaml"
BUS=$XDG_RUNTIME_DIR/rumplab/br3/bus

# --- the plan ---------------------------------------------------------------
R plan --json "$T/br3.yaml" >"$T/plan.json" 2>&1
python3 - "$T/plan.json" >"$T/p.out" 2>&1 <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
subs = {b["name"]: b["subnets"] for b in p["buses"]}
assert subs["lan1"] == subs["lan2"] == subs["lan3"] == ["10.0.0.0/24"], subs
addrs = {n["name"]: [a for i in n["interfaces"] for a in i["addrs"]]
         for n in p["nodes"]}
assert addrs["sw"] == [], addrs["sw"]
hosts = sorted(a for n, v in addrs.items() if n != "sw" for a in v)
assert hosts == ["10.0.0.%d/24" % i for i in range(1, 7)], hosts
EOF
ok $? "plan: the bridged buses share one subnet, six hosts numbered in it, none for the bridge" ||
    sed 's/^/# /' "$T/p.out" | tail -5
R plan "$T/br3.yaml" | grep -A4 'rump.ifconfig bridge0 create' >"$T/steps"
ok $([ "$(grep -c 'rump.brconfig bridge0 add shmif' "$T/steps")" = 3 ] &&
    grep -q 'rump.brconfig bridge0 up' "$T/steps"; echo $?) \
    "plan: the bridge node makes bridge0 of its three interfaces"

# --- every host reaches every other ------------------------------------------
check "up the bridged lab" R up -q "$T/br3.yaml"
R check >"$T/ck" 2>&1; r=$?
ok $([ $r = 0 ] && [ "$(grep -c '^ok ' "$T/ck")" = 30 ]; echo $?) \
    "every host reaches every other: 30 checks answered"
grep -v '^ok ' "$T/ck" | sed 's/^/# /' | head -5

# --- the learned table ----------------------------------------------------------
# The hosts' MACs are stable ones, planned.
python3 -c 'import json,sys
for n in json.load(open(sys.argv[1]))["nodes"]:
    print(n["name"], n["interfaces"][0]["mac"])' "$T/plan.json" >"$T/macs"
mac_of() { sed -n "s/^$1 //p" "$T/macs"; }
R exec sw -- rump.brconfig bridge0 >"$T/br" 2>&1
bad=""
for h in 1 2 3 4 5 6; do
	port=shmif$(( (h - 1) / 2 ))
	grep -Eq "^		$(mac_of h$h) $port [0-9]+ flags=0<>$" "$T/br" ||
	    bad="$bad h$h"
done
ok $([ -z "$bad" ]; echo $?) "brconfig shows each host's MAC on its bus's port${bad:+ (not:$bad)}"
sed 's/^/# /' "$T/br"

# --- flooding and forwarding, frame by frame -----------------------------------
# frame DST SRC: a pcap of one 60-byte Ethernet frame of type 0x88b5
# (local experimental); each frame below has a source of its own, by
# which it is counted.
frame() {
	local hex="d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000
	    00000000 00000000 3c000000 3c000000 ${1//:/} ${2//:/} 88b5
	    $(printf '00%.0s' $(seq 46))"
	printf "$(echo $hex | tr -d ' ' | sed 's/../\\x&/g')"
}
# count BUS SRC: the frames from SRC on the bus's ring
count() {
	shmif_dumpbus -p - "$BUS/$1" 2>/dev/null |
	    tcpdump -n -r - "ether src $2 and ether proto 0x88b5" 2>/dev/null |
	    grep -c '^[0-9]'
}
# put BUS DST SRC: the frame onto the bus, as a station on it
put() { frame "$2" "$3" >"$T/f.pcap"; as_user shmif_pcapin "$T/f.pcap" "$BUS/$1" >/dev/null; sleep 0.3; }
counts() { echo "$(count lan1 "$1") $(count lan2 "$1") $(count lan3 "$1")"; }

put lan1 02:00:00:00:00:99 02:00:00:00:0a:01
c=$(counts 02:00:00:00:0a:01)
ok $([ "$c" = "1 1 1" ]; echo $?) \
    "unknown unicast from lan1: once on lan2 and lan3, never back on lan1 (lan1 lan2 lan3: $c)"
R exec sw -- rump.brconfig bridge0 addr >"$T/addr"
grep -Eq '^	02:00:00:00:0a:01 shmif0 [0-9]+ flags=0<>$' "$T/addr"
ok $? "the bridge learned the frame's source on lan1's port"
put lan1 "$(mac_of h3)" 02:00:00:00:0b:01
c=$(counts 02:00:00:00:0b:01)
ok $([ "$c" = "1 1 0" ]; echo $?) \
    "a frame for h3's MAC leaves by lan2's port only (lan1 lan2 lan3: $c)"
R exec sw -- rump.brconfig -v bridge0 >"$T/v0"
put lan1 "$(mac_of h2)" 02:00:00:00:0c:01
c=$(counts 02:00:00:00:0c:01)
R exec sw -- rump.brconfig -v bridge0 >"$T/v1"
filt() { sed -n '/shmif0 flags/,/filtered/s/.*filtered \([0-9]*\)$/\1/p' "$1"; }
ok $([ "$c" = "1 0 0" ] && [ $(( $(filt "$T/v1") - $(filt "$T/v0") )) = 1 ]; echo $?) \
    "a frame for h2's MAC, behind its own port, is filtered and counted (lan1 lan2 lan3: $c)"
sed 's/^/# /' "$T/v1" | sed -n '2,13p'
put lan2 ff:ff:ff:ff:ff:ff 02:00:00:00:0d:02
c=$(counts 02:00:00:00:0d:02)
ok $([ "$c" = "1 1 1" ]; echo $?) "a broadcast from lan2 reaches lan1 and lan3 once each (lan1 lan2 lan3: $c)"
R exec sw -- rump.brconfig bridge0 addr >"$T/addr"
grep -Eq '^	02:00:00:00:0d:02 shmif1 ' "$T/addr"; ok $? "and its source is learned on lan2's port"
check "down" R down br3

# --- loops -------------------------------------------------------------------------
cat >"$T/loop.yaml" <<EOF
name: loop
buses: [lan1, lan2]
nodes:
  br1: { kind: bridge, interfaces: [lan1, lan2] }
  br2: { kind: bridge, interfaces: [lan2, lan1] }
  h1: { interfaces: [ { bus: lan1, addr: 10.0.5.1/24 } ] }
EOF
chmod 644 "$T/loop.yaml"
R validate "$T/loop.yaml" >"$T/lv" 2>&1; r=$?
ok $([ $r = 1 ] && grep -q "loop.yaml:5:43: bridge 'br2' on bus 'lan1' closes a loop of bridges (br1, br2 over lan1, lan2)" "$T/lv"; echo $?) \
    "validate refuses a loop of two bridges, naming them and the buses"
sed 's/^/# /' "$T/lv"
R up "$T/loop.yaml" >"$T/lu" 2>&1; r=$?
ok $([ $r = 1 ] && [ ! -e "$XDG_RUNTIME_DIR/rumplab/loop" ]; echo $?) "up refuses it too and starts nothing"
check_nothing_left
done_testing
