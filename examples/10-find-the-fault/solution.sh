#!/bin/sh
# The three faults: a link down, a missing route, a wrong mask.
set -e
rumplab link set r2:core up
rumplab exec r2 -- rump.route add -net 10.10.1.0/24 10.10.0.1
rumplab exec h2 -- rump.ifconfig shmif0 inet 10.10.2.100/24
