#!/bin/sh
# Let the hosts take router advertisements; the next one configures them.
set -e
rumplab exec h1 -- rump.sysctl -w net.inet6.ip6.accept_rtadv=1
rumplab exec h2 -- rump.sysctl -w net.inet6.ip6.accept_rtadv=1
