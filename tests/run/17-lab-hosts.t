#!/bin/bash
# 17-lab-hosts.t — a lab across machines, planned (nothing starts; no
# ssh): proves `rumplab validate` takes hosts:, host: and the uplink keys
# (examples/two-hosts.yaml); that `rumplab plan` shows each host (where
# it is, its nodes, its capacity), each bus that spans hosts with its
# hosts and each host's uplink URLs (udp pairs, vxvde), and each node's
# host, and that `plan --json` says the same; that mistakes are
# reported at their line and column, placement's too; that a lab
# without hosts: plans as before (no host anywhere); and that a line of
# 1500 routers with their hosts over three hosts is cut twice.
. "$(dirname "$0")/../lib/common.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -x "$B/rumplab" ]; then echo "1..0 # SKIP rumplab not built in $O"; exit 0; fi
command -v jq >/dev/null || skip_all "jq is not installed"
cd "$T" || exit 1
plan 13

EX=$ROOT/examples/two-hosts.yaml
cp "$EX" two.yaml
# --- validate and plan ----------------------------------------------------------
as_user rumplab validate two.yaml >out 2>err
ok $([ $? = 0 ] && [ "$(cat out)" = "two.yaml: ok (8 nodes, 5 buses, 2 checks)" ] && [ ! -s err ]; echo $?) \
    "validate: examples/two-hosts.yaml is a good lab ($(cat out err))"

as_user rumplab plan two.yaml >plan.txt 2>err
sed -n '2,/^bus /p' plan.txt | sed '$d' >hosts.txt
cat >want <<'EOF'
# 2 hosts; 1 of 5 buses spans hosts (uplink udp)
host a: this machine, 4 nodes, capacity 1
host b: rl@127.0.0.1 port 2222, 4 nodes, capacity 1
span core: a, b
    a: udp://127.0.0.1:47100->127.0.0.1:47101
    b: udp://127.0.0.1:47101->127.0.0.1:47100
EOF
cmp -s want hosts.txt; ok $? "plan: a line a host, the spanning bus and each host's uplink URL" ||
    diff want hosts.txt | sed 's/^/# /'
grep '^node ' plan.txt >nodes.txt
cat >want <<'EOF'
node r1 (router, forwarding, host a)
node r2 (router, forwarding, host a)
node r3 (router, forwarding, host b)
node r4 (router, forwarding, host b)
node h1 (host, host a)
node h2 (host, host a)
node h3 (host, host b)
node h4 (host, host b)
EOF
cmp -s want nodes.txt; ok $? "plan: each node's host (r2 and the LANs of r1, r2 here; r3 and theirs on b)" ||
    diff want nodes.txt | sed 's/^/# /'
as_user rumplab plan two.yaml --node r3 | head -1 >node.txt
ok $([ "$(cat node.txt)" = "node r3 (router, forwarding, host b)" ]; echo $?) "plan --node: $(cat node.txt)"

as_user rumplab plan --json two.yaml >plan.json
jq -c '[.hosts[] | [.name, .local, .ssh, .port, .rumplab, .addr, .capacity, .nodes]], .uplink' plan.json >j.txt
cat >want <<'EOF'
[["a",true,null,null,null,"127.0.0.1",1,4],["b",false,"rl@127.0.0.1",2222,"rumplab","127.0.0.1",1,4]]
{"kind":"udp","port":47100,"group":null,"switch":null,"spanning_buses":1}
EOF
cmp -s want j.txt; ok $? "plan --json: the hosts (where, program, addr, capacity, nodes) and the uplink" ||
    diff want j.txt | sed 's/^/# /'
# Every URL and host the text shows, the JSON shows, and no more.
jq -r '.buses[] | select((.hosts | length) > 1) | "span \(.name): \(.hosts | join(", "))",
    (.uplinks | to_entries[] | "    \(.key): \(.value[])")' plan.json >jspan.txt
jq -r '.nodes[] | "\(.name) \(.host)"' plan.json >jnodes.txt
grep -E '^(span |    [a-z]+: )' hosts.txt >tspan.txt
sed 's/^node \([^ ]*\) .*host \([^)]*\))$/\1 \2/' nodes.txt >tnodes.txt
ok $(cmp -s tspan.txt jspan.txt && cmp -s tnodes.txt jnodes.txt &&
    [ "$(jq -c '[.buses[] | .hosts]' plan.json)" = '[["a","b"],["a"],["a"],["b"],["b"]]' ]; echo $?) \
    "plan --json: the same spanning bus, URLs and node hosts as the text; each bus's hosts"

# Three hosts, vxvde: one URL, the same on every host of the bus.
cat >three.yaml <<'EOF'
hosts:
  a: { addr: 10.9.0.1 }
  b: { ssh: lab@10.9.0.2 }
  c: { ssh: lab@10.9.0.3, rumplab: /opt/rumplab/bin/rumplab }
uplink: vxvde
nodes:
  r1: { kind: router, host: a, interfaces: [lan, l1] }
  r2: { kind: router, host: b, interfaces: [lan, l2] }
  r3: { kind: router, host: c, interfaces: [lan, l3] }
  h1: { interfaces: [l1] }
  h2: { interfaces: [l2] }
  h3: { interfaces: [l3] }
EOF
as_user rumplab plan three.yaml 2>err | sed -n '2,/^bus /p' | sed '$d' >hosts3.txt
cat >want <<'EOF'
# 3 hosts; 1 of 4 buses spans hosts (uplink vxvde)
host a: this machine, 2 nodes, capacity 1
host b: lab@10.9.0.2, 2 nodes, capacity 1
host c: lab@10.9.0.3, 2 nodes, capacity 1
span lan: a, b, c
    a: vxvde://239.255.0.1/vni=1
    b: vxvde://239.255.0.1/vni=1
    c: vxvde://239.255.0.1/vni=1
EOF
cmp -s want hosts3.txt; ok $? "vxvde over three hosts: its group (ttl 1), a vni per bus; a LAN stays with its router" ||
    { diff want hosts3.txt; cat err; } | sed 's/^/# /'

# --- mistakes --------------------------------------------------------------------
cat >bad.yaml <<'EOF'
hosts:
  a: {}
  b: { ssh: rl@127.0.0.1, port: 70000, capasity: 2 }
  c: { addr: 10.0.0.3 }
uplink: vxlan
nodes:
  r1: { host: bb, interfaces: [lan] }
  r2: { host: b, interfaces: [lan] }
EOF
as_user rumplab validate bad.yaml >out 2>err; r=$?
cat >want <<'EOF'
bad.yaml:3:33: 'port' must be a whole number from 1 to 65535 (got 70000)
bad.yaml:3:40: unknown key 'capasity' in host 'b' (did you mean 'capacity'?)
bad.yaml:4:3: host 'c' has no 'ssh', so it would be this machine, which host 'a' is (line 2); give 'c' its ssh destination
bad.yaml:5:9: 'uplink' must be udp (a UDP pair per host pair), vxvde (a multicast group) or vde (a vde_switch) (got vxlan)
bad.yaml:7:15: host 'bb' is not defined (did you mean 'b'? defined hosts: a, b, c)
EOF
ok $([ $r = 1 ] && [ ! -s out ] && cmp -s want err; echo $?) \
    "validate: a bad port, an unknown key, two hosts that are this machine, a bad uplink, an undefined host; exit 1" ||
    diff want err | sed 's/^/# /'
cat >noaddr.yaml <<'EOF'
hosts:
  a: {}
  b: { ssh: lab.example.org }
uplink_port: 40000
nodes:
  r1: { host: a, interfaces: [lan] }
  r2: { host: b, interfaces: [lan] }
EOF
as_user rumplab plan noaddr.yaml >out 2>err; r=$?
echo "noaddr.yaml:2:3: host 'a' needs 'addr' (this machine has no ssh destination to take it from): the address where host 'b' reaches its udp uplinks (bus 'lan' spans both), like 192.0.2.10" >want
ok $([ $r = 1 ] && [ ! -s out ] && cmp -s want err; echo $?) "plan: this machine needs an addr when its udp peers are not on loopback" ||
    diff want err | sed 's/^/# /'
sed -i 's/^uplink_port.*/uplink: vde\nuplink_switch: \/run\/vde.ctl/' noaddr.yaml
as_user rumplab plan noaddr.yaml 2>err | grep -A2 '^span' >out
printf 'span lan: a, b\n    a: vde:///run/vde.ctl[lan]\n    b: vde:///run/vde.ctl[lan]\n' >want
cmp -s want out; ok $? "vde needs none: a port group of the switch per bus" || cat out err | sed 's/^/# /'

# --- one machine, as before -------------------------------------------------------
as_user rumplab plan "$ROOT/topologies/campus.yaml" >one.txt
as_user rumplab plan --json "$ROOT/topologies/campus.yaml" >one.json
ok $(! grep -qE '^(host|span) |^# .*hosts;|, host [^)]*\)$' one.txt &&
    [ "$(jq -c '[.hosts, .uplink, ([.nodes[].host] | unique), ([.buses[].hosts] | unique)]' one.json)" = '[[],null,[null],[[]]]' ]; echo $?) \
    "without hosts: no host in the plan, hosts [] and uplink null in the JSON"

# --- a long line over three hosts --------------------------------------------------
as_user rumplab generate line 1500 --hosts -o line.yaml
{ printf 'hosts:\n  a: {}\n  b: { ssh: u@127.0.0.1 }\n  c: { ssh: u@127.0.0.1 }\n'; cat line.yaml; } >line3.yaml
t0=$(date +%s.%N)
as_user rumplab plan --json line3.yaml >line.json 2>err; r=$?
t=$(printf %.2f "$(echo "$(date +%s.%N) - $t0" | bc)")
ok $([ $r = 0 ] && [ "$(jq -c '[.uplink.spanning_buses, [.hosts[].nodes]]' line.json)" = '[2,[1000,1000,1000]]' ]; echo $?) \
    "a line of 1500 routers and their hosts on three hosts: cut twice, 1000 nodes each (plan --json in ${t}s)" ||
    { jq -c '[.uplink.spanning_buses, [.hosts[].nodes]]' line.json; head -3 err; } | sed 's/^/# /'
as_user rumplab validate line3.yaml >out 2>&1
ok $? "and validate takes it: $(cat out)"
done_testing
