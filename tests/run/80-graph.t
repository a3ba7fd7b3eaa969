#!/bin/bash
# 80-graph.t — proves `rumplab graph` draws through Graphviz's libraries:
# every topology in topologies/ renders to dot, svg, png and pdf (file(1)
# agrees on the format); the SVG is valid XML with one node element per
# lab node and per LAN, and every interface address and bus name in it;
# layouts and clusters work; errors say what to fix; a 1000-node lab
# renders in seconds; a running lab is drawn with its live state (a
# stopped node grey and dashed, its links dotted, a crashed one pink, links
# down or cut red, impairments, traffic); --watch
# rewrites the picture as the lab changes and ends when the lab goes down.
# Leaves a PNG of the default lab in $O/graph/ to look at.  Unprivileged.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
topos=$(cd "$ROOT/topologies" && ls *.yaml | sed 's/\.yaml$//')
n=$(echo $topos | wc -w)
plan $((n * 3 + 32))

# svgcheck SVG PLAN.json [python expression over root/text]: the SVG
# parses, has one node element per lab node and per LAN (a bus of other
# than two interfaces), and every address and bus name is in it.
cat >"$T/svgcheck.py" <<'EOF'
import html, json, sys, xml.etree.ElementTree as ET
svg, plan = sys.argv[1], json.load(open(sys.argv[2]))
raw = open(svg).read()
root = ET.fromstring(raw)
text = html.unescape(raw)
ns = '{http://www.w3.org/2000/svg}'
gs = [g for g in root.iter(ns + 'g') if g.get('class') == 'node']
ids = sorted(g.get('id') for g in gs)
want = ['node-' + x['name'] for x in plan['nodes']]
want += ['bus:' + b['name'] for b in plan['buses'] if len(b['members']) != 2]
bad = []
if ids != sorted(want):
    bad.append('node elements %d, want %d: extra %s missing %s' % (len(ids),
        len(want), sorted(set(ids) - set(want))[:5],
        sorted(set(want) - set(ids))[:5]))
for x in plan['nodes']:
    for i in x['interfaces']:
        for a in i['addrs']:
            if a not in text:
                bad.append('address %s of %s missing' % (a, x['name']))
for b in plan['buses']:
    if b['name'] not in text:
        bad.append('bus %s missing' % b['name'])
edges = {g.get('id'): g for g in root.iter(ns + 'g') if g.get('class') == 'edge'}
nodes = {g.get('id'): g for g in gs}
def edge_dash(eid):
    return [p.get('stroke-dasharray') for p in edges[eid].iter(ns + 'path')]
def node_text(nid):
    return ' '.join(t.text or '' for t in nodes[nid].iter(ns + 'text'))
for expr in sys.argv[3:]:
    if not eval(expr):
        bad.append('not true: ' + expr)
for b in bad[:10]:
    print(b)
sys.exit(1 if bad else 0)
EOF
svgcheck() { python3 "$T/svgcheck.py" "$@"; }

mkdir -p "$T/out"
[ "$(id -u)" = 0 ] && chown 65534:65534 "$T/out"
for t in $topos; do
	f=$ROOT/topologies/$t.yaml
	as_user rumplab plan --json "$f" >"$T/$t.json"
	s=$(secs)
	r=0
	for fmt in dot svg png pdf; do
		as_user rumplab graph "$f" -T $fmt -o "$T/out/$t.$fmt" \
		    2>"$T/out/$t.$fmt.err" || { r=1; cat "$T/out/$t.$fmt.err"; }
	done
	ok $r "$t: renders to dot, svg, png and pdf ($(elapsed "$s")s)"
	file -b "$T/out/$t.png" "$T/out/$t.pdf" "$T/out/$t.svg" \
	    >"$T/out/$t.file"
	head -c 20 "$T/out/$t.dot" >>"$T/out/$t.file"
	grep -q '^PNG image data' "$T/out/$t.file" &&
	    grep -q '^PDF document' "$T/out/$t.file" &&
	    grep -q '^SVG Scalable Vector Graphics' "$T/out/$t.file" &&
	    grep -q "^graph \"*$t" "$T/out/$t.file"
	ok $? "$t: file(1) sees PNG, PDF, SVG; the dot text is a graph"
	[ $? = 0 ] || sed 's/^/# /' "$T/out/$t.file"
	check "$t: SVG is XML with one node element per node and LAN, every address and bus" \
	    svgcheck "$T/out/$t.svg" "$T/$t.json"
done

# The picture to look at, and the one the README shows.
mkdir -p "$O/graph"
check "a PNG of the default lab for people to look at" \
    as_user rumplab graph -o "$T/out/default-lab.png"
cp "$T/out/default-lab.png" "$O/graph/default-lab.png"
diag "look at $O/graph/default-lab.png"

as_user rumplab graph -T dot >"$T/out/nofile.dot" 2>&1
check "without FILE and without a running lab: the default topology" \
    grep -q 'r1 -- r2' "$T/out/nofile.dot"
for l in dot neato fdp sfdp circo; do
	as_user rumplab graph "$ROOT/topologies/campus.yaml" --layout $l \
	    -o "$T/out/campus-$l.svg" 2>&1 || echo "layout $l failed"
done >"$T/layouts.out"
ok "$([ -s "$T/layouts.out" ] && echo 1 || echo 0)" "layouts dot, neato, fdp, sfdp, circo all draw"
sed 's/^/# /' "$T/layouts.out"
as_user rumplab plan --json "$ROOT/topologies/campus.yaml" >"$T/campus.json"
check "campus: --cluster group draws the group: keys as clusters" \
    python3 -c 'import re, sys; s = open(sys.argv[1]).read(); sys.exit(0 if re.search(r"<title>cluster_g[0-9]+</title>\s*<path[^>]*/>\s*<text[^>]*>users</text>", s) else 1)' "$T/out/campus-dot.svg"
as_user rumplab graph "$ROOT/topologies/campus.yaml" --cluster subnet \
    -o "$T/out/campus-subnet.svg" 2>&1
check "campus: --cluster subnet puts a LAN with its hosts in a cluster" \
    grep -q '<title>cluster_s&#45;servers</title>' "$T/out/campus-subnet.svg"

# Taps and bridges are drawn as such (issue #20): a host tap as a tab
# with its addresses, joined to its LAN; a bridge as an octagon.
printf '%s\n' 'name: tapbr' 'buses:' \
    '  lan1: { subnet: 10.0.9.0/24, tap: { name: rl-lan1, addr: 10.0.9.1/24 } }' \
    '  lan2: {}' 'nodes:' \
    '  sw: { kind: bridge, interfaces: [ { bus: lan1 }, { bus: lan2 } ] }' \
    '  h1: { interfaces: [ { bus: lan1, addr: 10.0.9.2/24 } ] }' \
    '  h2: { interfaces: [ { bus: lan2, addr: 10.0.9.3/24 } ] }' >"$T/tapbr.yaml"
chmod 644 "$T/tapbr.yaml"
as_user rumplab graph "$T/tapbr.yaml" -T dot >"$T/out/tapbr.dot" 2>&1
tr -d '\n' <"$T/out/tapbr.dot" | sed 's/;/;\n/g' >"$T/out/tapbr.lines"
ok $(grep -q '"tap:rl-lan1".*label="host tap rl-lan1.*shape=tab' "$T/out/tapbr.lines" &&
    grep -q -- '-- "tap:rl-lan1"' "$T/out/tapbr.lines"; echo $?) \
    "a host tap is a tab with its name, joined to its LAN"
ok $(grep -q '[[:space:]}]sw[[:space:]]*\[.*shape=octagon' "$T/out/tapbr.lines"; echo $?) \
    "a bridge node is an octagon"

# Errors: what, where, how to fix; usage errors exit 2.
as_user rumplab graph -T jpg >"$T/e1" 2>&1
ok "$([ $? = 2 ] && grep -q 'not a format (dot, svg, png, pdf)' "$T/e1" && echo 0 || echo 1)" \
    "-T jpg: exit 2, names the formats"
as_user rumplab graph nosuchlab >"$T/e2" 2>&1
ok "$([ $? = 1 ] && grep -q "no lab 'nosuchlab'" "$T/e2" && echo 0 || echo 1)" \
    "an unknown LAB: exit 1, says no such lab or file"
as_user rumplab graph --watch >"$T/e3" 2>&1
ok "$([ $? = 2 ] && grep -q 'give -o FILE' "$T/e3" && echo 0 || echo 1)" \
    "--watch without -o: exit 2"
mkdir -p "$T/noplugins"
GVBINDIR=$T/noplugins as_user env GVBINDIR="$T/noplugins" rumplab graph \
    -o "$T/out/x.svg" >"$T/e4" 2>&1
ok "$([ $? = 1 ] && grep -q 'libgvc6-config-update -c' "$T/e4" && echo 0 || echo 1)" \
    "Graphviz without its plugins: exit 1, says how to fix it"
sed 's/^/# /' "$T/e4"

# A 1000-node lab renders in seconds (sfdp, names only; the rest in
# tooltips).
as_user rumplab generate ring 1000 -o "$T/ring-1000.yaml"
as_user rumplab plan --json "$T/ring-1000.yaml" >"$T/ring-1000.json"
s=$(secs)
check "ring of 1000 routers renders to SVG" \
    as_user rumplab graph "$T/ring-1000.yaml" -o "$T/out/ring-1000.svg"
e=$(elapsed "$s")
diag "1000-node ring: ${e}s to SVG (this build: sanitizers)"
ok "$(awk -v e="$e" 'BEGIN { print (e < 60) ? 0 : 1 }')" "... in under 60s on a loaded machine (${e}s)"
check "... with 1000 node elements and every address" \
    svgcheck "$T/out/ring-1000.svg" "$T/ring-1000.json"

# A running lab, drawn live.
as_user rumplab plan --json "$ROOT/topologies/default.yaml" >"$T/default.json"
check "default lab up" R up -q
R exec h1 -- rump.ping -c 3 -i 0.2 10.0.2.10 >/dev/null 2>&1
check "graph LAB draws the running lab" R graph default -o "$T/out/live.svg"
check "... live: every node up, traffic since start on lan1" \
    svgcheck "$T/out/live.svg" "$T/default.json" \
    "'live' in text" "'>stopped<' not in raw" "'B sent' in text"
# Link state and impairments (the supervisor's link show), when it has it.
if R link show >/dev/null 2>&1; then
	R link set r1:shmif1 down >/dev/null 2>&1
	R link set lan2 delay 20ms >/dev/null 2>&1
	R bus cut lan1 >/dev/null 2>&1
	check "graph with a link set down, a bus cut, a bus impaired" \
	    R graph default -o "$T/out/links.svg"
	check "... core and lan1 red dashed, lan2 orange with its delay" \
	    svgcheck "$T/out/links.svg" "$T/default.json" \
	    "'5,2' in edge_dash('bus:core')" "'5,2' in edge_dash('bus:lan1')" \
	    "edge_dash('bus:lan2') == [None]" \
	    "'#e69138' in ET.tostring(edges['bus:lan2']).decode()" \
	    "'delay=20ms' in text" "'set down' in text" "'cut' in text"
	R link set r1:shmif1 up >/dev/null 2>&1
	R link set lan2 clear >/dev/null 2>&1
	R bus join lan1 >/dev/null 2>&1
else
	ok 0 "link state drawn # SKIP the supervisor has no link show"
	ok 0 "link state drawn # SKIP the supervisor has no link show"
fi
check "stop r2" R node stop r2
check "graph of the lab with r2 stopped" R graph default -o "$T/out/stopped.svg"
check "... r2 grey and marked stopped, its links dotted, the others not" \
    svgcheck "$T/out/stopped.svg" "$T/default.json" \
    "'stopped' in node_text('node-r2')" "'#d9d9d9' in ET.tostring(nodes['node-r2']).decode()" \
    "'1,5' in edge_dash('bus:core')" "'1,5' in edge_dash('bus:lan2')" \
    "edge_dash('bus:lan1') == [None]"
check "kill r1 (a crash)" R node kill r1
R graph default -o "$T/out/dead.svg" >/dev/null 2>&1
check "... r1 drawn dead: pink, red border" \
    svgcheck "$T/out/dead.svg" "$T/default.json" \
    "'dead' in node_text('node-r1')" \
    "'#f4cccc' in ET.tostring(nodes['node-r1']).decode()"
R node start r1 >/dev/null 2>&1
# A node that hangs (SIGSTOP) costs the picture its counters, not the wait.
pid=$(R status --json | jq '.nodes[] | select(.name == "h2") | .pid')
kill -STOP "$pid"
s=$(secs)
check "a hung node (SIGSTOP) does not stall graph" R graph default -o "$T/out/hung.svg"
e=$(elapsed "$s")
kill -CONT "$pid"
ok "$(awk -v e="$e" 'BEGIN { print (e < 30) ? 0 : 1 }')" "... it gives up on it after seconds (${e}s)"
R graph default -o "$T/out/default-lab-live.png" >/dev/null 2>&1 &&
    cp "$T/out/default-lab-live.png" "$O/graph/"

# --watch: the picture follows the lab and the command ends with it.
as_user env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" rumplab graph default \
    --watch --interval 0.3 -o "$T/out/watch.svg" 2>"$T/watch.err" &
W=$!
on_exit "kill $W"
for i in $(seq 100); do grep -q '>stopped<' "$T/out/watch.svg" 2>/dev/null && break; sleep 0.1; done
check "--watch draws r2 stopped" grep -q '>stopped<' "$T/out/watch.svg"
R node start r2 >/dev/null 2>&1
for i in $(seq 150); do grep -q '>stopped<' "$T/out/watch.svg" || break; sleep 0.1; done
ok "$([ -s "$T/out/watch.svg" ] && ! grep -q '>stopped<' "$T/out/watch.svg" &&
    echo 0 || echo 1)" "--watch redraws r2 up once it restarts"
R exec h1 -- rump.ping -c 15 -i 0.2 10.0.2.10 >/dev/null 2>&1 &
P=$!
rate=1
for i in $(seq 50); do
	grep -Eq '>[1-9][0-9.]* [kM]?B/s<' "$T/out/watch.svg" && { rate=0; break; }
	sleep 0.1
done
wait $P
ok $rate "--watch shows the ping's traffic in bytes per second"
check "down" R down
for i in $(seq 100); do kill -0 $W 2>/dev/null || break; sleep 0.1; done
wait $W
ok "$([ $? = 0 ] && grep -q 'is down' "$T/watch.err" && echo 0 || echo 1)" \
    "--watch ends (exit 0) when the lab goes down, and says so"
sed 's/^/# /' "$T/watch.err"
check_nothing_left
done_testing
