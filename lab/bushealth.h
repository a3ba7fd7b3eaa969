/*
 * bushealth.h — what is wrong with a running lab's bus files, for
 * `status`: a file gone, cut short, replaced or holding no shmif header,
 * and the state directory's file system full.  Every process on a bus
 * maps its file, and anyone who may write it may also truncate, replace
 * or scribble on it: the nodes live through each of these (shmif/bus.c
 * guards its mappings, rings are checked and rebuilt) but cannot repair
 * them, so `status` looks and says.
 */
#ifndef RUMPLAB_BUSHEALTH_H
#define RUMPLAB_BUSHEALTH_H

#include <stdbool.h>
#include <stddef.h>

#include "lab/lab.h"
#include "lab/labview.h"

/*
 * For bus i of the lab in dir, with its nodes' pids from v: a sentence
 * naming the trouble and its remedy into buf and true, or false when its
 * file is whole.
 */
bool	bushealth_bus(const char *dir, const struct lab *lab,
	    const struct labview *v, int i, char *buf, size_t len);
/* The same for the file system of dir's buses: full or not. */
bool	bushealth_room(const char *dir, char *buf, size_t len);

#endif
