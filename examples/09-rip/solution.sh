#!/bin/sh
# r5 runs no routing daemon: start one with the lab's timers.
set -e
rumplab exec r5 -- rump.routed -P update=1s,timeout=6s,garbage=4s -T r5-rip.log
