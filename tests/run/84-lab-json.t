#!/bin/bash
# 84-lab-json.t — proves one control plane on a running lab: malformed
# requests to the supervisor each get an error reply and it keeps
# serving; every --json view (list, status, link show, node, bus, check,
# plan, capture's summary) parses with jq and Python's json and says what
# the table view says, field for field; a node log line with quotes,
# backslashes, a NUL and bytes that are not UTF-8 comes through status
# --json whole; -l LAB works for every verb in any place, the positional
# LAB too; and the completion script completes verbs, options, labs,
# nodes and interfaces of the running lab.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
command -v jq >/dev/null || skip_all "jq is not installed"
command -v python3 >/dev/null || skip_all "python3 is not installed"
plan 34
cd "$T" || exit 1
# jsonok FILE: jq and Python's json both read it
jsonok() { jq -e . "$1" >/dev/null 2>&1 && python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$1"; }
# cmp_py DESC SCRIPT ARGS...: a Python comparison that prints why it fails
cmp_py() { d=$1; shift; python3 - "$@" >"$T/.py" 2>&1; r=$?; ok $r "$d"; [ $r = 0 ] || sed 's/^/# /' "$T/.py" | head -20; }

check "up the default lab as j82" R up -q --name j82

# --- the control socket --------------------------------------------------
python3 - "$XDG_RUNTIME_DIR/rumplab/j82/control" >"$T/ctl" 2>&1 <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rb")
def ask(b):
    s.sendall(b)
    out = []
    while True:
        l = f.readline()
        if not l:
            return out + [b"<closed>"]
        out.append(l.rstrip(b"\n"))
        if l.startswith(b"ok") or l.startswith(b"error"):
            return out
bad = [b"frob\n", b"\n", b"node\n", b"node stop\n", b"node stop a b\n",
       b"node  stop h1\n", b"hello x\n", b"stat\x00us\n", b"bus cut \xff\xfe\n",
       b"node start \x1b[31m\n", b"x" * 5000 + b"\n", b"y" * 20000 + b"\n",
       b"link set\n", b"link show nope\n"]
fails = 0
for b in bad:
    r = ask(b)
    if len(r) != 1 or not r[0].startswith(b"error "):
        print("not an error:", b[:20], r); fails += 1
r = ask(b"hello\n")
if not r[-1].startswith(b"ok rumplab-supervisor 1 j82 "):
    print("hello after them:", r); fails += 1
r = ask(b"status\n")
if r[0].split(b" ")[:2] != [b"lab", b"j82"] or r[-1] != b"ok":
    print("status after them:", r); fails += 1
print(len(bad), "malformed requests answered") if not fails else None
sys.exit(fails)
PY
ok $? "$(tail -1 "$T/ctl"), each with an error; the supervisor answers hello and status after them on the same connection" ||
    sed 's/^/# /' "$T/ctl"

# --- status ----------------------------------------------------------------
R status >st.txt; R status --json >st.json
jsonok st.json; ok $? "status --json parses with jq and Python"
cmp_py "status --json says what the table says: lab, supervisor, each node's pid, state and interfaces, each bus" st.txt st.json <<'PY'
import json, re, sys
t = open(sys.argv[1]).read().splitlines(); j = json.load(open(sys.argv[2]))
up = sum(n["state"] == "up" for n in j["nodes"])
want = "lab %s: %d/%d nodes up, supervisor pid %d" % (j["lab"], up, len(j["nodes"]), j["supervisor"])
assert t[0] == want, (t[0], want)
for n in j["nodes"]:
    ifs = ", ".join("%s(%s)%s" % (i["name"], i["bus"], "".join(" " + a for a in i["addrs"])) for i in n["interfaces"])
    row = "%-12s %-8d %-8s %s" % (n["name"], n["pid"], n["state"], ifs)
    assert row in t, ("no row", row)
for b in j["buses"]:
    row = "%-12s %-8d %s" % (b["name"], b["members"], b["file"])
    assert row in t, ("no bus row", row)
PY

# --- check -------------------------------------------------------------------
R check >ck.txt; r1=$?; R check --json >ck.json; r2=$?
cmp_py "check --json parses and has the table's rows (exit $r1 and $r2)" ck.txt ck.json $r1 $r2 <<'PY'
import json, sys
t = open(sys.argv[1]).read().splitlines(); j = json.load(open(sys.argv[2]))
assert sys.argv[3] == sys.argv[4] == "0" and j["failed"] == 0 and j["total"] == len(j["checks"]) == 3, (t, j)
assert j["status"] == 0 and j["passed"] == 3 and [c["index"] for c in j["checks"]] == [1, 2, 3], j
for c in j["checks"]:
    to = c["to"] if c["to"] == c["address"] else "%s (%s)" % (c["to"], c["address"])
    row = "%-4s %-10s %-28s %-6s %s" % ("ok" if c["ok"] else "FAIL", c["from"], to, c["expect"], c["result"])
    assert row in t, ("no row", row, t)
PY

# --- list --------------------------------------------------------------------
R list >ls.txt; R list --json >ls.json
cmp_py "list --json parses and has the table's rows" ls.txt ls.json <<'PY'
import json, sys
t = open(sys.argv[1]).read().split("\n")[1:-1]; j = json.load(open(sys.argv[2]))
assert len(t) == len(j) == 1, (t, j)
assert t[0].split() == [j[0]["lab"], str(j[0]["nodes"]), str(j[0]["up"]), j[0]["state"], j[0]["directory"]], (t, j)
PY

# --- link show, link set, bus, node ----------------------------------------
R link set r1:shmif1 delay 20ms loss 1% >/dev/null
R link show >lk.txt; R link show --json >lk.json
cmp_py "link show --json parses and has the tables' rows" lk.txt lk.json <<'PY'
import json, sys
t = open(sys.argv[1]).read().splitlines(); j = json.load(open(sys.argv[2]))
assert j["ok"] and j["lab"] == "j82" and j["request"] == "link show"
for i in j["interfaces"]:
    row = "%-24s %-16s %-5s %s" % (i["interface"], i["bus"], i["link"], " ".join(i["impairments"]) or "-")
    assert row in t, ("no row", row)
for b in j["buses"]:
    row = "%-24s %-6s %s" % (b["bus"], b["state"], " ".join(b["impairments"]) or "-")
    assert row in t, ("no row", row)
assert sum(len(j[k]) for k in ("interfaces", "buses")) == sum(1 for l in t if l and not l.startswith(("INTERFACE", "BUS"))), t
r1 = [i for i in j["interfaces"] if i["interface"] == "r1:shmif1"][0]
assert "out.delay=20ms" in r1["impairments"] and "in.loss=1%" in r1["impairments"], r1
PY
R bus cut lan2 >cut.txt 2>&1; R bus cut lan2 --json >cut.json
ok $(jsonok cut.json && [ "$(jq -r .message cut.json)" = "$(cat cut.txt)" ] && [ "$(jq -r .ok cut.json)" = true ] &&
    [ "$(jq -r .request cut.json)" = "bus cut lan2" ]; echo $?) "bus cut --json: the message the text says ($(cat cut.txt))"
R node stop h2 >stop.txt 2>&1; R node stop h2 --json >stop.json
ok $(jsonok stop.json && [ "$(jq -r .message stop.json)" = "$(cat stop.txt)" ]; echo $?) \
    "node stop --json: the message the text says ($(cat stop.txt))"
R node frob h2 >/dev/null 2>&1; r1=$?; R node stop nope --json >nope.json 2>&1; r2=$?
ok $([ $r1 = 2 ] && [ $r2 = 1 ] && [ "$(jq -r .ok nope.json)" = false ] &&
    grep -q "no node 'nope' in lab j82" nope.json; echo $?) "an unknown action: usage, exit 2; an unknown node: ok false, exit 1"
R node start h2 >/dev/null && R bus join lan2 >/dev/null; ok $? "h2 and lan2 back"

# --- plan of the running lab ---------------------------------------------------
R plan -l j82 >pl.txt; R plan --json -l j82 >pl.json
cmp_py "plan -l LAB --json: each node's commands, as the text's, with the lab's bus files" pl.txt pl.json "$XDG_RUNTIME_DIR/rumplab/j82/bus" <<'PY'
import json, sys
t = [l.split("#")[0].strip() for l in open(sys.argv[1])]; j = json.load(open(sys.argv[2]))
for n in j["nodes"]:
    for c in n["commands"]:
        assert " ".join(c) in t, ("not in the text", c)
assert any(l.endswith(sys.argv[3] + "/lan1") for l in t), "no bus file in the lab's directory"
PY

# --- capture's summary -------------------------------------------------------
# From the oldest frames in the ring: check's pings left some there.
R capture lan1 --rewind -c 3 -w cap1.pcap 2>cap.txt; r1=$?
R capture lan1 --rewind -c 3 -w cap2.pcap --json 2>cap.json; r2=$?
ok $([ $r1 = 0 ] && [ $r2 = 0 ] && jsonok cap.json &&
    grep -q "^rumplab capture: $(jq -r .frames cap.json) frames written, $(jq -r .lost cap.json) lost before they were read$" cap.txt &&
    [ "$(jq -c '[.target, .kind, .to, .rewind, .end]' cap.json)" = '["lan1","bus","cap2.pcap",true,"count"]' ]; echo $?) \
    "capture --json: its summary as one object on stderr ($(cat cap.json))"

# --- a hostile log line --------------------------------------------------------
R node kill h2 >/dev/null
printf 'quote " back \\ nul \000 bad \377\376 cut \342\202 end\n' >>"$XDG_RUNTIME_DIR/rumplab/j82/log/h2.log"
R status --json >bad.json; r=$?
cmp_py "a log line with quotes, a backslash, a NUL and bytes that are not UTF-8 comes through status --json (exit $r)" bad.json <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read(); raw.decode("utf-8")
j = json.loads(raw)
log = [n["log"] for n in j["nodes"] if n["name"] == "h2"][0]
want = 'quote " back \\ nul \x00 bad \ufffd\ufffd cut \ufffd end\n'
assert log.endswith(want), repr(log)
PY
jq -e '.nodes[] | select(.name == "h2") | .log | contains("nul \u0000 bad")' bad.json >/dev/null
ok $? "jq reads the same line, its NUL included"
R status >bad.txt 2>&1
grep -aq 'quote " back \\ nul' bad.txt; ok $? "the table shows the line too"
R node start h2 >/dev/null

# --- the rump.* commands' --json ------------------------------------------------
X() { R exec r1 -- "$@"; }
X rump.ping6 -c 1 -w 5 fd00:0:0:1::10 >/dev/null 2>&1
X rump.ifconfig -a >if.txt; X rump.ifconfig -a --json >if.json
cmp_py "rump.ifconfig -a --json parses and says what the listing says, line for line" if.txt if.json <<'PY'
import json, sys
t = open(sys.argv[1]).read().splitlines(); j = json.load(open(sys.argv[2]))
def fl(v, names): return "0x%x" % v + ("<%s>" % ",".join(names) if names else "")
out = []
for i in j["interfaces"]:
    out.append("%s: flags=%s mtu %d" % (i["name"], fl(i["flags"], i["flag_names"]), i["mtu"]))
    if i["linkstr"]: out.append("\tlinkstr: " + i["linkstr"])
    if i["address"]:
        out.append("\taddress: " + i["address"])
        if i["media"]: out.append("\tmedia: Ethernet " + i["media"])
        out.append("\tstatus: " + i["status"])
    out += ["\tlink " + a for a in i["link_addresses"]]
    for a in i["inet"]:
        out.append("\tinet %s/%d%s flags %s" % (a["addr"], a["plen"], " broadcast " + a["broadcast"] if a["broadcast"] else "",
            fl(a["flags"], a["flag_names"])))
    for a in i["inet6"]:
        sc = "%" + a["scope"] if a["scope"] else ""
        out.append("\tinet6 %s%s/%d flags %s%s" % (a["addr"], sc, a["plen"], fl(a["flags"], a["flag_names"]),
            " scopeid 0x%x" % a["scopeid"] if a["scopeid"] is not None else ""))
assert out == t, "\n".join(x + "  |  " + y for x, y in zip(out, t))
PY
X rump.ifconfig shmif0 inet6 >if6.txt; X rump.ifconfig --json shmif0 inet6 >if6.json
cmp_py "rump.ifconfig --json IF inet6 lists that family's addresses only, as the text does" if6.txt if6.json <<'PY'
import json, sys
t = open(sys.argv[1]).read(); i = json.load(open(sys.argv[2]))["interfaces"]
assert len(i) == 1 and i[0]["inet"] == [] and i[0]["inet6"] and "\tinet " not in t, (t, i)
assert all(a["addr"] in t for a in i[0]["inet6"]), (t, i)
PY
X rump.netstat -rn >rt.txt; X rump.netstat -rn --json >rt.json
cmp_py "rump.netstat -rn --json parses and has the tables' rows" rt.txt rt.json <<'PY'
import json, sys
t = [l.split() for l in open(sys.argv[1]).read().splitlines()]; j = json.load(open(sys.argv[2]))
rows = [r for r in t if len(r) == 7 and r[0] != "Destination"]
want = [[r["destination"], r["gateway"], r["flags"], "-", "-", str(r["mtu"]) if r["mtu"] else "-", r["interface"]]
        for f in j["route_tables"] for r in f["routes"]]
assert rows == want and [f["family"] for f in j["route_tables"]] == ["inet", "inet6"], (rows, want)
PY
X rump.arp -an >arp.txt; X rump.arp -an --json >arp.json
X rump.ndp -an >ndp.txt; X rump.ndp -an --json >ndp.json
cmp_py "rump.arp -an and rump.ndp -an --json parse and have the tables' rows" arp.txt arp.json ndp.txt ndp.json <<'PY'
import json, sys
t = open(sys.argv[1]).read().splitlines(); j = json.load(open(sys.argv[2]))["arp"]
assert len(j) >= 1 and t == ["%s (%s) at %s on %s%s%s" % (e["host"], e["ip"], e["mac"] or "(incomplete)", e["interface"],
    " permanent" if e["permanent"] else "", " published (proxy only)" if e["published"] else "") for e in j], (t, j)
t = [l.split() for l in open(sys.argv[3]).read().splitlines()[1:]]; j = json.load(open(sys.argv[4]))["ndp"]
assert len(j) >= 1 and len(t) == len(j), (t, j)
for row, e in zip(t, j):
    exp = "permanent" if e["permanent"] else "expired" if e["expire"] == 0 else "%ds" % e["expire"]
    fl = ("R" if e["router"] else "") + ("p" if e["proxy"] else "")
    want = [e["neighbor"], e["linklayer_address"] or "(incomplete)", e["netif"], exp, e["state"]] + ([fl] if fl else [])
    # the expiry counts down between the two runs
    assert row[:3] + row[4:] == want[:3] + want[4:] and (row[3] == want[3] or row[3].endswith("s")), (row, want)
PY
X rump.netstat -s >ns.txt; X rump.netstat -s --json >ns.json
cmp_py "rump.netstat -s --json parses and has the counters the text has" ns.txt ns.json <<'PY'
import json, sys
t = open(sys.argv[1]).read().splitlines(); j = json.load(open(sys.argv[2]))
got = {}
for l in t:
    if not l.startswith("\t"): proto = l.rstrip(":"); got[proto] = []
    else: got[proto].append(int(l.split()[0]))
assert got == {p: list(c.values()) for p, c in j.items()} and "ip6" in j, (got, j)
PY
X rump.sysctl -a >sy.txt; X rump.sysctl --json -a >sy.json; X rump.sysctl --json net.inet.ip >sy1.json
cmp_py "rump.sysctl --json parses and has every name = value line, -a or below a name" sy.txt sy.json sy1.json <<'PY'
import json, sys
t = [l.split(" = ", 1) for l in open(sys.argv[1]).read().splitlines()]; j = json.load(open(sys.argv[2]))
assert [[k, v] for k, v in j.items() if k != "kern.boottime"] == [r for r in t if r[0] != "kern.boottime"], (t, j)
one = json.load(open(sys.argv[3]))
assert one and all(k.startswith("net.inet.ip.") for k in one) and one["net.inet.ip.forwarding"] == "1", one
PY
X rump.arp --json -d 10.0.1.10 >/dev/null 2>&1; r1=$?; X rump.netstat --json >/dev/null 2>&1; r2=$?
ok $([ $r1 = 1 ] && [ $r2 = 1 ]; echo $?) "--json where a command shows nothing (arp -d, netstat's sockets): a usage error"

# --- -l LAB, everywhere ----------------------------------------------------------
R -l j82 status >l1.txt; R status -l j82 >l2.txt; R status --lab=j82 >l3.txt; R status j82 >l4.txt
ok $(cmp -s l1.txt l2.txt && cmp -s l2.txt l3.txt && cmp -s l3.txt l4.txt && grep -q "^lab j82: 4/4" l1.txt; echo $?) \
    "status: -l before the verb, after it, --lab=, and the positional LAB say the same"
R status j82 -l other >/dev/null 2>err1; r1=$?
R generate line 2 -l j82 >/dev/null 2>err2; r2=$?
R exec h1 --json -- true >/dev/null 2>err3; r3=$?
ok $([ $r1 = 2 ] && grep -q "two labs named: 'other' (-l) and 'j82'" err1 && [ $r2 = 2 ] &&
    grep -q "generate works on no lab" err2 && [ $r3 = 2 ] && grep -q "exec has no JSON output" err3; echo $?) \
    "two labs named, -l where no lab fits and --json where no JSON is: usage errors, exit 2"
R exec -l j82 h1 -- sh -c 'echo "$RUMPLAB_LAB $*"' x -l --json >ex.txt 2>&1
ok $([ "$(cat ex.txt)" = "j82 -l --json" ]; echo $?) "exec -l LAB: the command's own -l and --json are left to it ($(cat ex.txt))"
R validate -l j82 >va.txt 2>&1; ok $? "validate -l LAB validates the running lab's topology ($(cat va.txt))"

# --- completion --------------------------------------------------------------------
R completion bash >comp.bash
bash -n comp.bash; ok $? "completion bash is a bash script"
# comp LINE: what the script offers at the end of LINE, as bash splits it
comp() { as_user env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" PATH="$PATH" bash -c '
	eval "$(cat '"$T"'/comp.bash)"
	COMP_LINE=$1; COMP_POINT=${#1}
	read -ra COMP_WORDS <<<"${1//:/ : }"
	[ "${1: -1}" = " " ] && COMP_WORDS+=("")
	COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
	_rumplab; printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$1"; }
ok $([ "$(comp 'rumplab st')" = "status " ] && [ "$(comp 'rumplab node ')" = "kill restart start stop " ] &&
    [ "$(comp 'rumplab node stop ')" = "h1 h2 r1 r2 " ] && [ "$(comp 'rumplab -l ')" = "j82 " ]; echo $?) \
    "completes verbs, the node actions, node names and lab names ($(comp 'rumplab node stop '))"
ok $([ "$(comp 'rumplab link set r1:')" = "shmif0 shmif1 " ] && [ "$(comp 'rumplab link set lan')" = "lan1 lan2 " ] &&
    [ "$(comp 'rumplab link set r1:shmif0 de')" = "delay " ]; echo $?) \
    "completes interfaces after NODE: (bash splits at the colon), buses and link set's words ($(comp 'rumplab link set r1:'))"
ok $([ "$(comp 'rumplab status --')" = "--help --json --lab " ] && [ "$(comp 'rumplab graph -T p')" = "pdf png " ] &&
    [ "$(comp 'rumplab plan --node h')" = "h1 h2 " ]; echo $?) \
    "completes a verb's options and their values ($(comp 'rumplab graph -T p'))"
# zcomp WORD...: what the zsh script offers for the last word, with
# compadd and _files standing in for zsh's completion system
zcomp() { as_user env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" PATH="$PATH" zsh -f -c '
	compdef() { : }
	compadd() { print -rl -- "${(@P)2}" }
	_files() { print -r -- "(files)" }
	source '"$T"'/comp.zsh
	words=("$@"); CURRENT=$#
	_rumplab | sort | tr "\n" " "' _ "$@"; }
if command -v zsh >/dev/null; then
	R completion zsh >comp.zsh
	ok $(zsh -n comp.zsh && [ "$(zcomp rumplab node stop '')" = "h1 h2 r1 r2 " ] &&
	    [ "$(zcomp rumplab link set r1:s)" = "r1:shmif0 r1:shmif1 " ] && [ "$(zcomp rumplab up '')" = "(files) " ]; echo $?) \
	    "completion zsh: a zsh script that completes the same ($(zcomp rumplab link set r1:s))"
else
	ok 0 "completion zsh # SKIP zsh is not installed"
fi

check "down" R down j82
check_nothing_left
