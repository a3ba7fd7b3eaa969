#!/bin/bash
# 61-lab-errors.t — proves `rumplab validate` reports each class of broken
# topology with the exact FILE:LINE:COL: message (tests/lab/bad/NAME.yaml,
# expected output in NAME.expect), sorted, all of them, and exits 1; that
# a good and a bad file together give "ok" for one, errors for the other
# and exit 1; that a missing or unreadable file is reported with its
# reason; that fs: images are found beside the topology and that up
# refuses a topology whose fs: entries are wrong.
. "$(dirname "$0")/../lib/common.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BAD=$ROOT/tests/lab/bad
if [ ! -x "$B/rumplab" ]; then echo "1..0 # SKIP rumplab not built in $O"; exit 0; fi
cd "$BAD" || exit 1

files=(*.yaml)
plan $(( ${#files[@]} + 6 ))

for f in "${files[@]}"; do
	b=${f%.yaml}
	as_user rumplab validate "$f" >"$T/out" 2>"$T/err"; r=$?
	sed "s|^|$f:|" "$b.expect" >"$T/want"
	if [ $r = 1 ] && [ ! -s "$T/out" ] && cmp -s "$T/want" "$T/err"; then
		ok 0 "$b: $(head -1 "$b.expect" | cut -c1-90)"
	else
		ok 1 "$b: exit $r, expected exit 1 and the messages in $b.expect"
		diff "$T/want" "$T/err" | sed 's/^/# /'
	fi
done

as_user rumplab validate "$ROOT/topologies/line.yaml" overlap.yaml >"$T/out" 2>"$T/err"; r=$?
ok $([ $r = 1 ] && grep -q "line.yaml: ok (6 nodes" "$T/out" && grep -q "^overlap.yaml:7:42: " "$T/err"; echo $?) \
    "a good and a bad file: ok for one, errors for the other, exit 1"
as_user rumplab validate "$T/nonexistent.yaml" >"$T/out" 2>"$T/err"; r=$?
ok $([ $r = 1 ] && grep -qx "$T/nonexistent.yaml: cannot read: No such file or directory" "$T/err"; echo $?) \
    "a missing file is reported with its reason, without a line and column"
sed 's/^/# /' "$T/err"
cp "$ROOT/topologies/line.yaml" "$T/secret.yaml" && chmod 000 "$T/secret.yaml"
as_user rumplab validate "$T/secret.yaml" >"$T/out" 2>"$T/err"; r=$?
ok $([ $r = 1 ] && grep -qx "$T/secret.yaml: cannot read: Permission denied" "$T/err"; echo $?) \
    "an unreadable file: permission denied"
# fs: images are found from the topology's directory, whatever the
# current one; every problem of the entries is said at once.
(cd "$T" && as_user rumplab validate "$BAD/fs.yaml") >"$T/out" 2>"$T/err"; r=$?
ok $([ $r = 1 ] && grep -q "^$BAD/fs.yaml:7:30: $BAD/fs.yaml of node 'h1' is not an ext2 image" "$T/err" &&
    grep -q "^$BAD/fs.yaml:8:30: ext2 image $BAD/missing.img " "$T/err"; echo $?) \
    "fs: a relative image is found beside the topology, and must be ext2"
mkdir -m 0700 "$T/xdg" && { [ "$(id -u)" != 0 ] || chown 65534:65534 "$T/xdg"; }
as_user env XDG_RUNTIME_DIR="$T/xdg" rumplab up fs.yaml >"$T/out" 2>&1; r=$?
ok $([ $r != 0 ] && grep -q "not an ext2 image" "$T/out" &&
    [ -z "$(ls -A "$T/xdg/rumplab" 2>/dev/null)" ]; echo $?) "up refuses it and starts nothing"
sed 's/^/# /' "$T/out" | head -3
# Errors are reported in file order, whatever order they are found in.
as_user rumplab validate many.yaml 2>&1 >/dev/null | cut -d: -f2 >"$T/lines"
ok $(sort -n -c "$T/lines"; echo $?) "errors come sorted by line"
done_testing
