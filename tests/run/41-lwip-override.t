#!/bin/sh
# Proves the one table of lwIP functions the network glue overrides
# (netcomp/override.h): with liblwip each entry is found and each wrapped
# one is liblwip's own; a function liblwip lacks is refused by name, with
# the library and the remedy; without liblwip the netinet component would
# refuse to start, naming the missing function.
. "$(dirname "$0")/../lib/common.sh"
plan 2
as_user "$O/tests/test_override" >"$T/with" 2>&1
ok $([ $? = 0 ] && grep -q "^ok" "$T/with" && ! grep -q "^not ok" "$T/with"; echo $?) \
    "with liblwip: $(grep -c '^ok' "$T/with") checks pass" ||
    sed 's/^/# /' "$T/with"
as_user "$O/tests/test_override_nolwip" nolwip >"$T/without" 2>&1
ok $([ $? = 0 ] && grep -q "^ok" "$T/without" && ! grep -q "^not ok" "$T/without"; echo $?) \
    "without liblwip: $(grep -c '^ok' "$T/without") checks pass" ||
    sed 's/^/# /' "$T/without"
done_testing
