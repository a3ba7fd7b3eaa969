#!/bin/sh
# h2 starts its packets with a TTL of 3: they die two routers away.
set -e
rumplab exec h2 -- rump.sysctl -w net.inet.ip.ttl=64
