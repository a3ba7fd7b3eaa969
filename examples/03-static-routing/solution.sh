#!/bin/sh
# The routes a student adds, router by router.
set -e
x() { rumplab exec "$@"; }
# r1: everything beyond its own subnets is behind r2.
x r1 -- rump.route add default 10.3.12.2
# r2: lan1 behind r1, lan3 behind r3.
x r2 -- rump.route add -net 10.3.1.0/24 10.3.12.1
x r2 -- rump.route add -net 10.3.3.0/24 10.3.23.2
# r3: lan1 and lan2 behind r2.
x r3 -- rump.route add -net 10.3.1.0/24 10.3.23.1
x r3 -- rump.route add -net 10.3.2.0/24 10.3.23.1
