#!/bin/sh
# 88-lab-child.t — runs the child helper's unit test (lab/child.h): a
# command's output comes back byte for byte, long lines, NULs and an
# unterminated last line included, as `rumplab check` judges it; a child
# past its deadline is killed.
. "$(dirname "$0")/../lib/common.sh"
as_user "$O/tests/test_child"
