#!/bin/sh
# Network faction figures: ping RTT and TCP throughput between two nodes
# on one shmif bus, and the CPU of 100 idle nodes.  $1: scratch directory.
d=$1/netinet
mkdir -p "$d/pair" "$d/idle" || exit 1
"$O/tests/test_netinet" --bench "$d/pair" || exit 1
"$O/tests/test_netinet" --idle "${BENCH_IDLE_NODES:-100}" "$d/idle"
