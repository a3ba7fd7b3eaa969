#!/bin/sh
# The commands a student types: one ping to make h1 resolve h2, and a
# static entry for the router.
set -e
rumplab exec h1 -- rump.ping -c 1 10.1.0.12
rumplab exec h1 -- rump.arp -s 10.1.0.1 02:00:00:00:01:01
