#!/bin/bash
# 72-lab-two.t — proves labs do not clash: two labs of one user run at once
# (names from the file and from --name), a name already running is
# refused, `list` shows both, verbs without a lab name refuse to guess,
# exec --lab picks one, check shows a direct path, and each goes down
# alone.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
plan 14
check "up default" R up -q
R up -q >/dev/null 2>&1; ok $((! $?)) "a second 'default' is refused"
check "up the same topology as 'second'" R up -q --name second
check "up two-nodes" R up -q "$ROOT/topologies/two-nodes.yaml"
R list >"$T/l"; [ "$(grep -c running "$T/l")" = 3 ]; ok $? "list shows three labs"
R status >/dev/null 2>&1; [ $? = 2 ]; ok $? "status without a name refuses to guess"
check "exec --lab second h1 pings h2" R exec --lab second h1 -- rump.ping -c 1 10.0.2.10
check "check second" R check second
R check two-nodes >"$T/ck" 2>&1
ok $(grep -q '^ok .* answered; direct (no router between)$' "$T/ck"; echo $?) \
    "check of a direct path (via: []) says so"
sed 's/^/# /' "$T/ck"
check "down default" R down default
check "check second still passes" R check second
check "down second" R down second
check "down two-nodes (the only one: no name)" R down
check_nothing_left
done_testing
