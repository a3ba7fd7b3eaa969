#!/bin/bash
# 62-lab-planner.t — runs the lab library's unit test (tests/lab/test_lab.c):
# computed routes are shortest paths in a chain, ring, tree, grid and a
# small campus; automatic addresses are unique and in their subnets; hosts
# get default routes to the nearest router; checks are evaluated; stable
# MACs; the exact steps of a node; a 1000-router lab opens quickly.
. "$(dirname "$0")/../lib/common.sh"
if [ ! -x "$O/tests/test_lab" ]; then
	echo "1..0 # SKIP test_lab not built in $O"
	exit 0
fi
as_user "$O/tests/test_lab"
