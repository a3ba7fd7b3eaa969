#!/bin/sh
# Writers that wake only by pwrite(), as NetBSD's shmif (shmif/FORMAT.txt):
# rumplab readers wake for them with a wake map and without, rumplab
# writers pwrite() only once one was seen, and the directory's watcher
# role passes on when its process is killed; as the unprivileged user.
. "$(dirname "$0")/../lib/common.sh"
as_user "$O/tests/test_bus_foreign" "$T" "$O/tests/nbpeer"
