/*
 * sysproxy_fs.h — the file calls of sysproxy (kernel/sysproxy_fs.c),
 * dispatched from sysproxy_calls.c.
 *
 * Contract: as sp_calls_run() (kernel/sysproxy_calls.h).  Every call
 * fails with -EOPNOTSUPP in a node without the rumpvfs component.
 */
#ifndef RUMPLAB_SYSPROXY_FS_H
#define RUMPLAB_SYSPROXY_FS_H

#include "kernel/proc.h"
#include "kernel/sysproxy_calls.h"

int sp_fs_run(struct proc *p, const struct sp_msg *req, struct sp_msg *rep,
        struct sp_out *out);

#endif
