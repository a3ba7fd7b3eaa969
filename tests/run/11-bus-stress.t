#!/bin/sh
# Proves the bus carries 1,000,000 mixed-size frames between processes
# without loss or corruption, counts a lapped reader's loss exactly, serves
# many writers and readers in order, and survives SIGKILLed lock holders.
. "$(dirname "$0")/../lib/common.sh"
as_user "$O/tests/test_bus_stress" "$T" "${STRESS_FRAMES:-1000000}"
