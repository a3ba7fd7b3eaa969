/*
 * load.h — internal to the loader (load*.c): the document tree of a
 * topology becomes the lab model, with every schema error reported.
 *
 * The loader walks the tree once, key by key, through tables of the keys
 * each mapping accepts (struct keyspec); unknown keys are reported with
 * the closest known key.  It records positions in the model so that the
 * later phases (resolve, validate, plan) can report at the right place.
 * Values that fail to parse are reported and left out; loading goes on so
 * that one run reports every problem.
 *
 * Functions return 0, -EINVAL (reported in the diag) or -ENOMEM.
 */
#ifndef RUMPLAB_LOAD_H
#define RUMPLAB_LOAD_H

#include <stdbool.h>

#include "lab/diag.h"
#include "lab/lab.h"
#include "lab/ydoc.h"

struct loader {
	struct lab		*lab;
	struct arena		*a;
	struct diag		*d;
	const struct ynode	*kinds;		/* kinds: mapping, or NULL */
	const char		*default_kind;
	unsigned		 default_auto;	/* defaults: addr */
	bool			 quiet;		/* re-applying a kind: its
						 * errors are reported once */
	bool			 in_kind;	/* loading a kind definition */
	bool			 nomem;
};

/*
 * One accepted key of a mapping and what loads its value into obj.  A
 * table ends with a NULL key whose `more` may continue it in another
 * table (links accept their own keys and then every bus option).
 */
struct keyspec {
	const char		*key;
	int			(*load)(struct loader *L, void *obj,
				    const struct ynode *key,
				    const struct ynode *val);
	const struct keyspec	*more;
};

/* load_value.c: reporting and scalar values. */
__attribute__((format(printf, 3, 4)))
int	lerr(struct loader *L, struct lab_pos pos, const char *fmt, ...);
int	lnomem(struct loader *L);
int	load_keys(struct loader *L, const struct ynode *map, const char *what,
	    const struct keyspec *keys, void *obj);
int	v_str(struct loader *L, const struct ynode *v, const char *key,
	    const char **out);
int	v_name(struct loader *L, const struct ynode *v, const char *what,
	    const char **out);
int	v_bool(struct loader *L, const struct ynode *v, const char *key,
	    bool *out);
int	v_uint(struct loader *L, const struct ynode *v, const char *key,
	    unsigned long min, unsigned long max, unsigned long *out);
int	v_size(struct loader *L, const struct ynode *v, const char *key,
	    uint32_t *out);
int	v_duration(struct loader *L, const struct ynode *v, const char *key,
	    uint64_t *us);
int	v_percent(struct loader *L, const struct ynode *v, const char *key,
	    double *pct);
int	v_rate(struct loader *L, const struct ynode *v, const char *key,
	    uint64_t *bps);
int	v_prefix(struct loader *L, const struct ynode *v, const char *key,
	    int family, struct lab_ip *out);
int	v_host(struct loader *L, const struct ynode *v, const char *key,
	    int family, struct lab_ip *out);
int	v_mac(struct loader *L, const struct ynode *v, uint8_t mac[6]);
/* routing: static | none | rip */
int	v_routing(struct loader *L, const struct ynode *k,
	    const struct ynode *v, enum lab_routing *out);
/* `link set` words (lab/impair_spec.h), checked for the directions in
 * dirs. */
int	v_impair(struct loader *L, const struct ynode *v, int dirs,
	    const char **out);
/* A value or a list of values seen as a list: its length (0 for null),
 * or -EINVAL (reported) for a mapping; v_item() is item i of it. */
int	v_list(struct loader *L, const struct ynode *v, const char *key);
const struct ynode *v_item(const struct ynode *v, int i);

/* names.c: close matches and lists of names for messages. */
const char *closest_name(const char *word, const char *const *names, int n);
const char *name_list(struct arena *a, const char *const *names, int n);
/* "node 'x' is not defined (defined nodes: ...)" helpers on the model. */
const char *lab_node_names(const struct lab *lab, const char *word,
	    const char **suggest);
const char *lab_bus_names(const struct lab *lab, const char *word,
	    const char **suggest);
const char *lab_host_names(const struct lab *lab, const char *word,
	    const char **suggest);

/* load_node.c */
int	load_nodes(struct loader *L, const struct ynode *nodes);
int	node_apply_kind(struct loader *L, struct lab_node *n,
	    const char *kind, struct lab_pos pos, int depth);
int	node_add_iface(struct loader *L, struct lab_node *n,
	    struct lab_iface **out);
int	load_kind_definition(struct loader *L, const struct ynode *spec);
/* load_bus.c */
int	load_buses(struct loader *L, const struct ynode *buses);
int	bus_add(struct loader *L, const char *name, struct lab_pos pos,
	    int *index);
int	bus_add_subnet(struct loader *L, struct lab_bus *b,
	    const struct lab_ip *net, bool declared, struct lab_pos pos);
extern const struct keyspec bus_option_keys[];
/* `tap: NAME` or `tap: { name: NAME, addr: [...] }` into *t. */
int	v_tap(struct loader *L, const struct ynode *v, struct lab_tap *t);
/* load_link.c */
int	load_links(struct loader *L, const struct ynode *links);
/* load_check.c */
int	load_checks(struct loader *L, const struct ynode *checks);
/* The buses and interfaces of steps (do:), once all are named. */
int	checks_resolve(struct lab *lab, struct diag *d);
/* load_host.c: hosts:, and the uplink keys once all are read (their
 * value nodes, NULL when not given). */
struct uplink_keys {
	const struct ynode	*kind, *port, *group, *sw;
};
int	load_hosts(struct loader *L, const struct ynode *hosts);
int	load_uplink(struct loader *L, const struct uplink_keys *u);
/* A node's (or a kind's) host: NAME, looked up in the hosts. */
int	load_node_host(struct loader *L, struct lab_node *n,
	    const struct ynode *v);
/* model.c: the names defined twice, reported; -ENOMEM or 0. */
int	lab_report_twice(struct lab *lab, struct diag *d);
/* model.c: node or bus i, just made, into the lab's table of their names,
 * unless its name is there already (the first definition is the one
 * found); -ENOMEM or 0. */
int	lab_node_named(struct lab *lab, int i);
int	lab_bus_named(struct lab *lab, int i);
/* model.c: FNV-1a of s and its NUL, from h (LAB_FNV_BASIS to start): the
 * name tables' hash and, chained over lab, node and interface names, a
 * stable MAC's (plan_addr.c). */
#define LAB_FNV_BASIS	2166136261u
uint32_t lab_fnv1a(uint32_t h, const char *s);

#endif
