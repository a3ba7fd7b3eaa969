#!/bin/bash
# 68-import.t — rumplab import, as the unprivileged user: a Kathará lab
# (lab.conf, .startup files with ifconfig, ip addr/link/route, route add,
# sysctl and /proc lines, a fixed MAC in lab.conf and in the lines) and a
# containerlab file (nodes with exec: lines, point-to-point links and a
# bridge as the shared LAN, a MAC on an endpoint), each with static
# routing between hosts, routers and a shared LAN, written here.  Proves:
# every line that cannot be translated is listed as FILE:LINE with why
# (daemons, files under /etc, unknown commands, options, links to the
# host) and the import still succeeds; the topology validates, says
# routing: none and keeps the interface names; the imported labs come up
# with their routes, gateways, MACs and forwarding as the files say;
# eth1 works as a name in link set; a directory without lab.conf and a
# usage error are refused.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
plan 24

K=$T/kat
mkdir -p "$K/r1/etc/frr"
cat >"$K/lab.conf" <<'X'
LAB_DESCRIPTION="two LANs, two routers"
pc1[0]="lan1"
pc2[0]="lan1/02:42:0a:00:01:0b"
r1[0]="lan1"
r1[1]="core"
r1[image]="kathara/frr"
r2[0]="core"
r2[1]="lan2"
pc3[0]="lan2"
X
cat >"$K/pc1.startup" <<'X'
ifconfig eth0 10.1.1.10 netmask 255.255.255.0 up
route add default gw 10.1.1.1
X
cat >"$K/pc2.startup" <<'X'
ip addr add 10.1.1.11/24 dev eth0
ip link set eth0 up
ip route add default via 10.1.1.1
X
cat >"$K/r1.startup" <<'X'
# the first router
ifconfig eth0 10.1.1.1/24 up
ifconfig eth0 hw ether 02:42:0a:00:01:01
ifconfig eth1 10.1.0.1 netmask 255.255.255.252 up
route add -net 10.1.2.0 netmask 255.255.255.0 gw 10.1.0.2 dev eth1
sysctl -w net.ipv4.ip_forward=1
/etc/init.d/frr start
echo "hostname r1" > /etc/frr/frr.conf
X
cat >"$K/r2.startup" <<'X'
ip addr add 10.1.0.2/30 dev eth0
ip link set dev eth0 address 02:42:0a:00:00:02
ip addr add 10.1.2.1/24 dev eth1 ; ip link set eth1 up
ip route add 10.1.1.0/24 via 10.1.0.1
echo 1 > /proc/sys/net/ipv4/ip_forward
tcpdump -i eth0 -w /shared/r2.pcap &
X
cat >"$K/pc3.startup" <<'X'
ip addr add 10.1.2.10/24 dev eth0 && ip route add default via 10.1.2.1
X

C=$T/lab.clab.yml
cat >"$C" <<'X'
name: clab-static
topology:
  nodes:
    r1:
      kind: linux
      image: frrouting/frr:v8.4.1
      binds: [ "r1/daemons:/etc/frr/daemons" ]
      exec:
        - ip addr add 10.2.0.1/30 dev eth1
        - ip addr add 10.2.1.1/24 dev eth2
        - ip link set eth1 address 02:00:00:00:01:01
        - sysctl -w net.ipv4.ip_forward=1
        - ip route add 10.2.2.0/24 via 10.2.0.2
    r2:
      kind: linux
      exec:
        - ip addr add 10.2.0.2/30 dev eth1
        - ip addr add 10.2.2.1/24 dev eth2
        - sysctl -w net.ipv4.ip_forward=1
        - ip route add 10.2.1.0/24 via 10.2.0.1
        - touch /tmp/ready
    sw1: { kind: bridge }
    h1: { kind: linux, exec: [ "ip addr add 10.2.1.10/24 dev eth1", "ip route add default via 10.2.1.1" ] }
    h2: { kind: linux, exec: [ "ip addr add 10.2.1.11/24 dev eth1", "ip route add default via 10.2.1.1" ] }
    h3: { kind: linux, exec: [ "ip addr add 10.2.2.10/24 dev eth1", "ip route replace default via 10.2.2.1" ] }
  links:
    - endpoints: ["r1:eth1", "r2:eth1"]
    - endpoints: ["r1:eth2", "sw1:eth1"]
    - endpoints: ["h1:eth1", "sw1:eth2"]
    - endpoints: ["h2:eth1", "sw1:eth3"]
    - endpoints: [ { node: r2, interface: eth2 }, { node: h3, interface: eth1, mac: "02:00:00:00:03:01" } ]
    - endpoints: ["r1:eth3", "host:r1-eth3"]
X

# --- Kathará -------------------------------------------------------------------
as_user rumplab import kathara "$K" -o "$T/kat.yaml" >"$T/out" 2>"$T/err"; r=$?
sed 's/^/# /' "$T/err"
ok $r "import kathara: exit 0 with lines left out"
grep -qx "$K/lab.conf:6: r1\[image\]=kathara/frr: the image is not used: .*" "$T/err" &&
grep -qx "$K/r1.startup:7: '/etc/init.d/frr start': starts frr, a daemon that is not translated .*" "$T/err" &&
grep -qx "$K/r1.startup:8: 'echo \"hostname r1\" > /etc/frr/frr.conf': writes a file under /etc.*" "$T/err" &&
grep -qx "$K/r2.startup:6: 'tcpdump -i eth0 -w /shared/r2.pcap': the command 'tcpdump' is not known to rumplab import" "$T/err" &&
grep -qx "$K/r1/: files for r1's file system .*" "$T/err"
ok $? "each line left out is listed as FILE:LINE with why (image, daemon, /etc, unknown command, files)"
[ "$(grep -c "^$K/" "$T/err")" = 5 ]; ok $? "and nothing else is (5 lines)"
grep -q "kat.yaml: ok (5 nodes, 3 buses)" "$T/err"; ok $? "the topology validates"
grep -q '^defaults: { routing: none }$' "$T/kat.yaml" &&
grep -q '{ bus: lan1, name: eth0, addr: \[10.1.1.11/24\], mac: "02:42:0a:00:01:0b" }' "$T/kat.yaml" &&
grep -q '{ dest: 10.1.2.0/24, via: 10.1.0.2 }' "$T/kat.yaml"
ok $? "routing: none, interface names, lab.conf's MAC and the routes are in it"

# --- containerlab ----------------------------------------------------------------
as_user rumplab import clab "$C" -o "$T/clab.yaml" >"$T/out" 2>"$T/err"; r=$?
sed 's/^/# /' "$T/err"
ok $r "import clab: exit 0 with lines left out"
grep -qx "$C:6: r1: image frrouting/frr:v8.4.1 is not used: .*" "$T/err" &&
grep -qx "$C:7: r1: the node key 'binds' is not translated" "$T/err" &&
grep -qx "$C:21: 'touch /tmp/ready': the command 'touch' is not known to rumplab import" "$T/err" &&
grep -qx "$C:32: a link to host:r1-eth3 is not translated: .*" "$T/err"
ok $? "each line left out is listed as FILE:LINE with why (image, key, command, host link)"
grep -q "clab.yaml: ok (5 nodes, 3 buses)" "$T/err"; ok $? "the topology validates"
grep -q '^  sw1: {}$' "$T/clab.yaml" && grep -q '^  r1-r2: {}$' "$T/clab.yaml"
ok $? "a bridge is a bus, a link a bus of its own"

as_user rumplab import kathara "$T" >"$T/out" 2>&1; r=$?
ok $([ $r = 1 ] && grep -q "lab.conf: cannot read it (No such file or directory): a Kathará lab directory has a lab.conf" "$T/out"; echo $?) \
    "a directory without lab.conf is refused with why"
as_user rumplab import docker x >"$T/out" 2>&1; [ $? = 2 ]; ok $? "an unknown source is a usage error"

# --- both labs up at once ------------------------------------------------------
R up -q "$T/kat.yaml" >"$T/up1" 2>&1 & p1=$!
R up -q "$T/clab.yaml" >"$T/up2" 2>&1 & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
ok $([ $r1 = 0 ] && [ $r2 = 0 ]; echo $?) "both imported labs come up" || cat "$T/up1" "$T/up2" | sed 's/^/# /'
X() { R exec --lab "$1" "$2" -- "${@:3}"; }
check "kathara: pc1 pings pc3 across both routers" X kat pc1 rump.ping -c 1 -w 2 10.1.2.10
check "clab: h1 pings h3 across both routers" X clab-static h1 rump.ping -c 1 -w 2 10.2.2.10
X kat r1 rump.netstat -rn -f inet >"$T/rt" 2>&1
grep -Eq '^10\.1\.2/24 +10\.1\.0\.2 +UGS .* shmif1$' "$T/rt"; ok $? "r1's route is as r1.startup says" || sed 's/^/# /' "$T/rt"
X kat pc2 rump.netstat -rn -f inet >"$T/rt" 2>&1
grep -Eq '^default +10\.1\.1\.1 +UGS' "$T/rt"; ok $? "pc2's default route is as ip route add says"
X kat r2 rump.sysctl net.inet.ip.forwarding >"$T/fw" 2>&1
grep -q '= 1' "$T/fw"; ok $? "echo 1 > /proc/sys/net/ipv4/ip_forward: r2 forwards"
X kat pc2 rump.ifconfig shmif0 >"$T/if" 2>&1
grep -q 'address: 02:42:0a:00:01:0b' "$T/if"; ok $? "pc2's MAC from lab.conf"
X kat r1 rump.ifconfig shmif0 >"$T/if" 2>&1
grep -q 'address: 02:42:0a:00:01:01' "$T/if"; ok $? "r1's MAC from ifconfig hw ether"
X kat r2 rump.ifconfig shmif0 >"$T/if" 2>&1
grep -q 'address: 02:42:0a:00:00:02' "$T/if"; ok $? "r2's MAC from ip link set address"
X clab-static h3 rump.ifconfig shmif0 >"$T/if" 2>&1
grep -q 'address: 02:00:00:00:03:01' "$T/if"; ok $? "h3's MAC from its link's endpoint"
check "link set r1:eth1 down: eth1 names the interface" R link set --lab clab-static r1:eth1 down
X clab-static h1 rump.ping -c 1 -w 1 10.2.2.10 >/dev/null 2>&1
ok $([ $? != 0 ]; echo $?) "and h1 no longer reaches h3"
R down kat >/dev/null 2>&1; R down clab-static >/dev/null 2>&1
check_nothing_left
done_testing
