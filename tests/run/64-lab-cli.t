#!/bin/bash
# 64-lab-cli.t — proves the rumplab command line: help at every level,
# usage errors exit 2, verbs by unambiguous prefix (an ambiguous one
# names the verbs it could be), validate reading
# standard input, plan of one node, --busdir in linkstr, JSON plans with
# the structures the launcher reads, the options every verb shares (-l,
# --json) and the completion's words that need no lab.
. "$(dirname "$0")/../lib/common.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -x "$B/rumplab" ]; then echo "1..0 # SKIP rumplab not built in $O"; exit 0; fi
cd "$T" || exit 1
plan 20

as_user rumplab --help >"$T/out" 2>&1; r=$?
ok $([ $r = 0 ] && grep -q "^  validate " "$T/out" && grep -q "^  plan " "$T/out" && grep -q "^  generate " "$T/out"; echo $?) \
    "rumplab --help lists the verbs"
for v in validate plan generate; do
	as_user rumplab $v --help >"$T/out" 2>&1; r=$?
	ok $([ $r = 0 ] && grep -q "^usage: rumplab $v " "$T/out"; echo $?) "rumplab $v --help"
done
as_user rumplab >/dev/null 2>&1; ok $([ $? = 2 ]; echo $?) "no verb: exit 2"
as_user rumplab frobnicate >/dev/null 2>"$T/err"; r=$?
ok $([ $r = 2 ] && grep -q "unknown verb 'frobnicate'" "$T/err"; echo $?) "unknown verb: exit 2"
as_user rumplab c >/dev/null 2>"$T/err"; r=$?
ok $([ $r = 2 ] && grep -qx "rumplab: verb 'c' is ambiguous (check, capture, console, completion); give more letters" "$T/err"; echo $?) \
    "an ambiguous prefix: the verbs it could be, exit 2"
as_user env XDG_RUNTIME_DIR="$T" rumplab s >/dev/null 2>"$T/err"; r=$?
ok $([ $r = 1 ] && grep -q "^rumplab status: no lab is running" "$T/err"; echo $?) \
    "s is status: the internal supervise is not abbreviated"
as_user rumplab validate >/dev/null 2>&1; ok $([ $? = 2 ]; echo $?) "validate without files: exit 2"
as_user rumplab val "$ROOT/topologies/ring.yaml" >"$T/out" 2>&1
ok $(grep -q "ring.yaml: ok (8 nodes, 8 buses, 3 checks)" "$T/out"; echo $?) "a verb by prefix (val)"
as_user rumplab validate - <"$ROOT/topologies/star.yaml" >"$T/out" 2>&1
ok $(grep -q "^-: ok (17 nodes" "$T/out"; echo $?) "validate - reads standard input"
printf 'nodes:\n  a: { mtu: 1 }\n' | as_user rumplab validate - >/dev/null 2>"$T/err"; r=$?
ok $([ $r = 1 ] && grep -q "^-:2:8: unknown key 'mtu' in node 'a'" "$T/err"; echo $?) \
    "errors from standard input are named -"
as_user rumplab plan --node r1 --busdir /lab/b >"$T/out" 2>&1
ok $([ "$(grep -c '^node ' "$T/out")" = 1 ] && grep -q "linkstr /lab/b/lan1" "$T/out"; echo $?) \
    "plan --node r1 --busdir: one node, bus paths in the directory"
as_user rumplab plan --node nope >/dev/null 2>"$T/err"; r=$?
ok $([ $r = 1 ] && grep -q "no node 'nope'" "$T/err"; echo $?) "plan --node of an unknown node: exit 1"
as_user rumplab plan --bogus >/dev/null 2>&1; ok $([ $? = 2 ]; echo $?) "plan --bogus: exit 2"
if command -v jq >/dev/null; then
	as_user rumplab plan --json "$ROOT/topologies/campus.yaml" >"$T/p.json"
	q='.nodes[] | select(.name=="bld-a") | [.forwarding, .interfaces[1].mtu, (.routes|length), .sysctl["net.inet.ip.forwarding"], (.interfaces[0].mac|test("^b2:a0:"))]'
	ok $([ "$(jq -c "$q" "$T/p.json")" = '[true,1400,15,"1",true]' ]; echo $?) \
	    "JSON: a node's forwarding, MTU, routes, sysctls and stable MAC ($(jq -c "$q" "$T/p.json"))"
	q='[.checks[] | select(.reach == false) | .reached] + [.buses[] | select(.name=="core") | .subnets[0]]'
	ok $([ "$(jq -c "$q" "$T/p.json")" = '[false,"10.40.0.0/29"]' ]; echo $?) "JSON: checks and buses"
else
	ok 0 "JSON node # SKIP jq not installed"
	ok 0 "JSON checks # SKIP jq not installed"
fi
as_user rumplab validate --json "$ROOT/topologies/ring.yaml" >/dev/null 2>"$T/err"; r1=$?
as_user rumplab generate line 2 --lab x >/dev/null 2>"$T/err2"; r2=$?
as_user rumplab -l >/dev/null 2>"$T/err3"; r3=$?
ok $([ $r1 = 2 ] && grep -q "validate has no JSON output (verbs with it: plan, status, list, check, node, link, bus, capture)" "$T/err" &&
    [ $r2 = 2 ] && grep -q "generate works on no lab" "$T/err2" && [ $r3 = 2 ] && grep -q -- "-l needs a lab's name" "$T/err3"; echo $?) \
    "the shared options: --json and -l refused where they mean nothing, -l without a name"
as_user rumplab --json plan --node r1 | jq -e '.name == "r1"' >/dev/null 2>&1
ok $? "--json before the verb is the verb's"
ok $([ "$(as_user rumplab completion words 'rumplab va')" = validate ] &&
    [ "$(as_user rumplab completion words 'rumplab generate ' | tr '\n' ' ')" = "line ring star tree grid " ] &&
    [ "$(as_user rumplab completion words 'rumplab up ')" = "@files" ]; echo $?) \
    "completion words: verbs, a verb's words, files where a FILE goes"
done_testing
