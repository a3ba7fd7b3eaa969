#!/bin/sh
# Proves the bus library's bytes match shmif/FORMAT.txt and NetBSD's own
# buses, and that bad or hostile bus files are refused or survived.
. "$(dirname "$0")/../lib/common.sh"
as_user "$O/tests/test_bus_format" "$T" "$SHARED/fixtures/netbsd-shmif"
