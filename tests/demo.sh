#!/bin/sh
# make demo: show rumplab working on this machine.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-$top/build/default}
SHARED=${SHARED:-$top/../shared}
export O SHARED
sh "$top/tests/demo-bus.sh"
