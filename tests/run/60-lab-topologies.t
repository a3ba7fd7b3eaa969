#!/bin/bash
# 60-lab-topologies.t — proves every ready-made topology in topologies/
# validates and plans (text and JSON, the JSON well-formed), that the
# plan of each lists every node, and that `rumplab plan` without a file
# plans the built-in default, which is topologies/default.yaml; and that
# the examples in rumplab(5) and DESIGN.md validate (DESIGN.md's but
# for its file system, which this build refuses).
. "$(dirname "$0")/../lib/common.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -x "$B/rumplab" ]; then echo "1..0 # SKIP rumplab not built in $O"; exit 0; fi
cd "$T" || exit 1

files=("$ROOT"/topologies/*.yaml)
plan $(( ${#files[@]} * 3 + 5 ))

for f in "${files[@]}"; do
	n=${f##*/}
	check "$n validates" as_user rumplab validate "$f"
	grep -q ": ok (" "$T/.out" || ok 1 "$n: validate says ok"
	as_user rumplab plan "$f" >"$T/plan.txt" 2>"$T/err"; r=$?
	nodes=$(sed -n 's/.*ok (\([0-9]*\) node.*/\1/p' "$T/.out")
	got=$(grep -c '^node ' "$T/plan.txt")
	ok $([ $r = 0 ] && [ "$got" = "$nodes" ]; echo $?) "$n plans ($got of $nodes nodes)"
	[ $r = 0 ] || sed 's/^/# /' "$T/err"
	as_user rumplab plan --json "$f" >"$T/plan.json" 2>"$T/err"; r=$?
	if command -v jq >/dev/null; then
		jn=$(jq '.nodes | length' "$T/plan.json" 2>>"$T/err")
		ok $([ $r = 0 ] && [ "$jn" = "$nodes" ]; echo $?) "$n plans as JSON ($jn nodes)"
	else
		ok $r "$n plans as JSON # jq not installed: not parsed"
	fi
done

as_user rumplab plan >"$T/default.txt" 2>&1
as_user rumplab plan "$ROOT/topologies/default.yaml" >"$T/file.txt" 2>&1
ok $(cmp -s "$T/default.txt" "$T/file.txt"; echo $?) "plan without FILE is the plan of topologies/default.yaml"
ok $(grep -q '^check h1 -> h2 (10.0.2.10): reaches, path r1, r2$' "$T/default.txt"; echo $?) \
    "the default lab's check goes h1, r1, r2, h2"
# The EXAMPLES of rumplab(5): each indented block is a whole topology.
awk -v d="$T" '/^\.SH EXAMPLES/ { e = 1 }
    e && /^\.RS 4/ { n++; f = d "/example" n ".yaml"; next }
    e && /^\.RE/ { f = "" }
    f { gsub(/\\-/, "-"); print > f }' "$ROOT/lab/rumplab.5"
n=$(ls "$T"/example*.yaml 2>/dev/null | wc -l)
check "the $n examples in rumplab(5) validate" as_user rumplab validate "$T"/example*.yaml
if [ -r "$SHARED/DESIGN.md" ]; then
	# Its h2 mounts an ext2 image, web.img: an empty file is not one
	# (that must be its only problem), one mke2fs made is.
	awk '/^```yaml/ { f = 1; next } /^```/ { f = 0 } f' "$SHARED/DESIGN.md" >"$T/design.yaml"
	: >"$T/web.img"
	as_user rumplab validate "$T/design.yaml" >"$T/out" 2>&1; r=$?
	ok $([ $r = 1 ] && [ "$(wc -l <"$T/out")" = 1 ] &&
	    grep -q "design.yaml:[0-9]*:[0-9]*: .*web.img of node 'h2' is not an ext2 image" "$T/out"; echo $?) \
	    "the example topology in DESIGN.md validates but for its empty web.img"
	sed 's/^/# /' "$T/out"
	if command -v mke2fs >/dev/null || [ -x /sbin/mke2fs ]; then
		rm -f "$T/web.img"
		PATH=$PATH:/sbin mke2fs -q -t ext2 "$T/web.img" 1M >/dev/null 2>&1
		chmod 0644 "$T/web.img"
		check "and validates whole with an ext2 web.img" as_user rumplab validate "$T/design.yaml"
	else
		ok 0 "DESIGN.md example with an image # SKIP no mke2fs"
	fi
else
	ok 0 "DESIGN.md example # SKIP $SHARED/DESIGN.md not found"
	ok 0 "DESIGN.md example with an image # SKIP $SHARED/DESIGN.md not found"
fi
done_testing
