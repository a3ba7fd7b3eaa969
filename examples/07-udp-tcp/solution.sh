#!/bin/sh
# Make the bus a WAN: 25 ms each way, 5% of the frames lost.
set -e
rumplab link set wan delay 25ms loss 5%
