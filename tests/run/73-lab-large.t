#!/bin/bash
# 73-lab-large.t — proves a 300-node generated lab (a line of routers)
# comes up, passes its check end to end (299 hops) and goes down leaving
# nothing; prints the times.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/lab.sh"
plan 5
as_user rumplab generate line 300 -o "$T/line300.yaml"
s=$(secs); check "up line-300" R up -q "$T/line300.yaml"; diag "up: $(elapsed "$s") s"
s=$(secs); check "check line-300" R check; diag "check: $(elapsed "$s") s"
sed 's/^/# /' "$T/.out" | cut -c1-120
s=$(secs); check "status" R status; diag "status: $(elapsed "$s") s"
s=$(secs); check "down line-300" R down; diag "down: $(elapsed "$s") s"
check_nothing_left
done_testing
