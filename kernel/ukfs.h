/*
 * ukfs.h — an ext2 image opened in this process, without a node (NetBSD's
 * ukfs, "user kernel file system"): the node kernel's own VFS and
 * rumpfs_ext2fs, linked into the program, with the image as the root of
 * their tree.  Its files are reached through the fsops table ukfs_fsops
 * (kernel/fsops.h), with the struct ukfs as the handle.
 *
 * Contract: one image per process at a time (ukfs_mount fails with EBUSY
 * while another is mounted).  Calls may come from several threads; the
 * VFS's lock orders them.  ukfs_release() must be called for the image to
 * be left clean (e2fsck -f finds nothing to fix): it flushes and closes
 * it; a process that dies before leaves it as a killed node does.  The
 * image is flock()ed, so a node cannot mount it meanwhile.  Errors are
 * -errno; ukfs_mount's reason is in err (libext2fs's included).
 */
#ifndef RUMPLAB_UKFS_H
#define RUMPLAB_UKFS_H

#include <stddef.h>

#include "kernel/fsops.h"

#define UKFS_RDONLY 0x1

struct ukfs;

struct ukfs *ukfs_mount(const char *image, int flags, char *err,
                size_t errlen);
int ukfs_release(struct ukfs *u);

extern const struct fsops ukfs_fsops;

#endif
