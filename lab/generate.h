/*
 * generate.h — topologies of any size in a few standard shapes, written as
 * YAML that lab_open() accepts: `rumplab generate SHAPE N`.
 *
 * N routers r1..rN joined by links in the shape; with `hosts`, each router
 * also gets a LAN (lanK) with one host hK on it (2N nodes).  Addresses come
 * from the pools (IPv4, IPv6 or both), routes are computed
 * (routing: static), and checks assert reachability across the shape,
 * with the expected path where it is unique.
 *
 * Contract: gen_write() returns 0, -EINVAL (bad N for the shape) or -EIO.
 */
#ifndef RUMPLAB_GENERATE_H
#define RUMPLAB_GENERATE_H

#include <stdbool.h>
#include <stdio.h>

#define GEN_MAX_N	20000

enum gen_shape {
	GEN_LINE,
	GEN_RING,
	GEN_STAR,
	GEN_TREE,
	GEN_GRID,
};

struct gen_opts {
	enum gen_shape	shape;
	int		n;
	bool		hosts;
	bool		v4, v6;
};

int	gen_shape_parse(const char *name, enum gen_shape *shape);
const char *gen_shape_name(enum gen_shape shape);
/* The smallest N the shape takes. */
int	gen_min_n(enum gen_shape shape);
int	gen_write(const struct gen_opts *o, FILE *f);

#endif
