#!/bin/sh
# The bus's wake map (shmif/FORMAT.txt): a send skips only the sender's
# own receiver, nobody misses a wake-up without a slot, dead processes'
# slots are taken over; as the unprivileged user.
. "$(dirname "$0")/../lib/common.sh"
as_user "$O/tests/test_bus_wake" "$T"
