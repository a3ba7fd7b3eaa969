/*
 * builtin.c — the default topology compiled into the binary: the build
 * turns topologies/default.yaml into a C array (lab/module.mk), so that
 * `rumplab up` and `rumplab plan` work with no file at all.
 */
#include "lab/plan.h"

/* Generated at build time from topologies/default.yaml. */
extern const char lab_default_topology[];
extern const size_t lab_default_topology_len;

const char *
lab_default_text(size_t *len)
{
	*len = lab_default_topology_len;
	return lab_default_topology;
}

int
lab_open_default(struct lab **labp, struct diag *d)
{
	return lab_open_buffer("<default>", lab_default_topology,
	    lab_default_topology_len, labp, d);
}
