#!/bin/sh
# r1's interface on the core link was given an MTU of 576, far below
# what the link carries (1500): set it back.
set -e
rumplab link set r1:core mtu 1500
