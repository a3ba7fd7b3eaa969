/*
 * import_clab.c — a containerlab topology file into the import's model.
 *
 *   name: LAB
 *   topology:
 *     nodes:
 *       r1: { kind: linux, image: ..., exec: [ "ip addr add ..." ] }
 *       sw: { kind: bridge }
 *     links:
 *       - endpoints: ["r1:eth1", "r2:eth1"]
 *       - endpoints: [ { node: r1, interface: eth2, mac: ... }, ... ]
 *
 * A link between two nodes is a bus of its own (r1-r2, r1-r2-2, ...); a
 * node of kind bridge or ovs-bridge is a bus that every link to it joins.
 * exec: lines are translated as Kathará's startup lines (import_sh.c),
 * at the file's line of each.  eth0, containerlab's management
 * interface, is on no link; it and the management addresses, images,
 * binds, ports and other node keys are reported.  The file is parsed by
 * lab/ydoc.c, the one YAML reader.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/import.h"
#include "lab/ydoc.h"

#define CLAB_MAX	(16 * 1024 * 1024)

struct clab {
	struct imp_lab	*il;
	const char	*file;
	const struct ynode *nodes;	/* topology.nodes */
};

static bool
is_bridge(const struct clab *c, const char *node)
{
	const struct ynode *spec = ymap_get(c->nodes, node);
	const struct ynode *k = ymap_get(spec, "kind");

	return k != NULL && k->kind == Y_SCALAR && (strcmp(k->str, "bridge") ==
	    0 || strcmp(k->str, "ovs-bridge") == 0);
}

static const char *
str(const struct ynode *v)
{
	return v != NULL && v->kind == Y_SCALAR && !yis_null(v) ? v->str : NULL;
}

/* --- nodes ------------------------------------------------------------------ */

static void
node_key(struct clab *c, struct imp_node *n, const struct ynode *k,
    const struct ynode *v)
{
	struct imp_lab *il = c->il;
	int i;

	if (strcmp(k->str, "kind") == 0) {
		if (str(v) != NULL && strcmp(v->str, "linux") != 0)
			imp_problem(il, c->file, k->pos.line, "%s: kind %s is not "
			    "translated: the node is a host unless its exec: "
			    "lines turn forwarding on", n->name, v->str);
	} else if (strcmp(k->str, "image") == 0) {
		n->note = arena_printf(il->a, "containerlab image %s",
		    str(v) ? v->str : "?");
		imp_problem(il, c->file, k->pos.line, "%s: image %s is not used: "
		    "a node is a rump kernel (lwIP) with the settings translated "
		    "from its exec: lines", n->name, str(v) ? v->str : "?");
	} else if (strcmp(k->str, "exec") == 0) {
		if (v == NULL || v->kind != Y_SEQ) {
			imp_problem(il, c->file, k->pos.line, "%s: exec must be "
			    "a list of commands", n->name);
			return;
		}
		for (i = 0; i < v->n; i++)
			if (str(v->kids[i]) != NULL)
				imp_shell_line(il, n, c->file,
				    v->kids[i]->pos.line, v->kids[i]->str);
	} else
		imp_problem(il, c->file, k->pos.line, "%s: the node key '%s' is "
		    "not translated", n->name, k->str);
}

/* Pass 0 makes the nodes (in file order), pass 1 reads their keys, once
 * the links gave them their interfaces. */
static int
read_nodes(struct clab *c, int pass)
{
	const struct ynode *key, *spec;
	struct imp_node *n;
	int i, k;

	if (c->nodes == NULL || c->nodes->kind != Y_MAP) {
		imp_problem(c->il, c->file, 0, "no topology: nodes: mapping");
		return -EINVAL;
	}
	for (i = 0; 2 * i < c->nodes->n; i++) {
		key = ymap_key(c->nodes, i);
		spec = ymap_value(c->nodes, i);
		if (is_bridge(c, key->str))
			continue;
		if ((n = imp_node(c->il, key->str)) == NULL) {
			if (pass == 0)
				imp_problem(c->il, c->file, key->pos.line, "'%s' "
				    "is not a usable node name", key->str);
			continue;
		}
		for (k = 0; pass == 1 && spec != NULL && spec->kind == Y_MAP &&
		    2 * k < spec->n; k++)
			node_key(c, n, ymap_key(spec, k), ymap_value(spec, k));
	}
	return 0;
}

/* --- links ------------------------------------------------------------------ */

struct end {
	const char	*node, *ifname, *mac;
};

/* "r1:eth1" or { node: r1, interface: eth1, mac: ... } */
static int
endpoint(const struct ynode *v, struct end *e, char *buf, size_t len)
{
	char *colon;

	memset(e, 0, sizeof(*e));
	if (str(v) != NULL) {
		snprintf(buf, len, "%s", v->str);
		if ((colon = strchr(buf, ':')) == NULL)
			return -EINVAL;
		*colon = '\0';
		e->node = buf;
		e->ifname = colon + 1;
		return 0;
	}
	if (v == NULL || v->kind != Y_MAP)
		return -EINVAL;
	e->node = str(ymap_get(v, "node"));
	e->ifname = str(ymap_get(v, "interface"));
	e->mac = str(ymap_get(v, "mac"));
	return e->node != NULL && e->ifname != NULL ? 0 : -EINVAL;
}

/* A bus of its own for a link of two nodes: a-b, a-b-2, ... */
static const char *
link_bus(struct imp_lab *il, const char *a, const char *b)
{
	const char *name;
	int k, i;

	for (k = 1; k < 1000; k++) {
		name = k == 1 ? arena_printf(il->a, "%s-%s", a, b) :
		    arena_printf(il->a, "%s-%s-%d", a, b, k);
		if (name == NULL)
			return NULL;
		for (i = 0; i < il->nbuses && strcmp(il->buses[i], name) != 0;
		    i++)
			;
		if (i == il->nbuses)
			return imp_bus(il, name);
	}
	return NULL;
}

static void
attach(struct clab *c, const struct end *e, const char *bus, int line)
{
	struct imp_node *n = imp_node(c->il, e->node);
	struct imp_iface *f;

	if (n == NULL || (f = imp_iface(c->il, n, e->ifname)) == NULL) {
		imp_problem(c->il, c->file, line, "%s:%s: no interface made",
		    e->node, e->ifname);
		return;
	}
	f->bus = bus;
	if (e->mac != NULL && strlen(e->mac) == 17)
		snprintf(f->mac, sizeof(f->mac), "%s", e->mac);
}

static void
read_link(struct clab *c, const struct ynode *item)
{
	const struct ynode *eps = ymap_get(item, "endpoints");
	char b0[256], b1[256];
	struct end e[2];
	const char *bus;
	int line = item->pos.line, i;

	if (eps == NULL || eps->kind != Y_SEQ || eps->n != 2 ||
	    endpoint(eps->kids[0], &e[0], b0, sizeof(b0)) != 0 ||
	    endpoint(eps->kids[1], &e[1], b1, sizeof(b1)) != 0) {
		imp_problem(c->il, c->file, line, "a link needs two endpoints "
		    "like [\"r1:eth1\", \"r2:eth1\"]");
		return;
	}
	for (i = 0; i < 2; i++) {
		if (strcmp(e[i].node, "host") == 0 || strcmp(e[i].node,
		    "mgmt-net") == 0 || strcmp(e[i].node, "macvlan") == 0) {
			imp_problem(c->il, c->file, line, "a link to %s:%s is "
			    "not translated: a lab has no link to the host's "
			    "network", e[i].node, e[i].ifname);
			return;
		}
		if (ymap_get(c->nodes, e[i].node) == NULL) {
			imp_problem(c->il, c->file, line, "the link's node '%s' "
			    "is not under topology: nodes:", e[i].node);
			return;
		}
	}
	if (is_bridge(c, e[0].node) && is_bridge(c, e[1].node)) {
		imp_problem(c->il, c->file, line, "a link between two bridges is "
		    "not translated");
		return;
	}
	for (i = 0; i < 2; i++)
		if (is_bridge(c, e[i].node)) {
			bus = imp_bus(c->il, e[i].node);
			attach(c, &e[1 - i], bus, line);
			c->il->nlines++;
			return;
		}
	bus = link_bus(c->il, e[0].node, e[1].node);
	attach(c, &e[0], bus, line);
	attach(c, &e[1], bus, line);
	c->il->nlines++;
}

/* --- the file --------------------------------------------------------------- */

static int
read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return -errno;
	if ((*buf = malloc(CLAB_MAX + 1)) == NULL) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(*buf, 1, CLAB_MAX + 1, f);
	fclose(f);
	if (n > CLAB_MAX) {
		free(*buf);
		return -EFBIG;
	}
	*len = n;
	return 0;
}

int
import_clab(struct imp_lab *il, const char *file)
{
	struct clab c = { il, file, NULL };
	const struct ynode *root, *topo, *links;
	struct ydoc_error err;
	struct ynode *r;
	char *buf;
	size_t len;
	int e, i;

	if ((e = read_file(file, &buf, &len)) != 0) {
		imp_problem(il, file, 0, "cannot read it (%s)", strerror(-e));
		return e;
	}
	e = ydoc_parse(il->a, buf, len, &r, &err);
	free(buf);
	if (e != 0) {
		imp_problem(il, file, err.pos.line, "%s", e == -EINVAL ?
		    err.msg : strerror(-e));
		return e;
	}
	root = r;
	il->name = str(ymap_get(root, "name")) ? imp_name(il,
	    ymap_get(root, "name")->str) : NULL;
	if (il->name == NULL)
		il->name = "imported";
	il->source = arena_printf(il->a, "the containerlab topology %s", file);
	topo = ymap_get(root, "topology");
	c.nodes = ymap_get(topo, "nodes");
	if ((e = read_nodes(&c, 0)) != 0)
		return e;
	links = ymap_get(topo, "links");
	for (i = 0; links != NULL && links->kind == Y_SEQ && i < links->n; i++)
		read_link(&c, links->kids[i]);
	return read_nodes(&c, 1);
}
