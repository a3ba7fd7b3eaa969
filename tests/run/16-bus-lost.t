#!/bin/sh
# A bus file cut under its attachments: the process lives and is told
# (-ENXIO, shmif_lost), waits sleep, a bus made afresh works, and a SIGBUS
# outside the bus mappings still kills; as the unprivileged user.
. "$(dirname "$0")/../lib/common.sh"
as_user "$O/tests/test_bus_lost" "$T"
