/*
 * plan_print.c — the plan for people (`rumplab plan`: per node the rump.*
 * commands the launcher will run) and for programs (`--json`: one object
 * with buses, nodes — interfaces, routes, sysctls, run, the command lines
 * — and checks with their planned paths).
 */
#include <sys/socket.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "lab/plan.h"

static const char *
origin_name(enum lab_origin o)
{
	switch (o) {
	case ROUTE_USER:
		return "static";
	case ROUTE_GATEWAY:
		return "gateway";
	case ROUTE_DEFAULT:
		return "default";
	default:
		return "computed";
	}
}

static void
size_text(uint32_t size, char *buf, size_t len)
{
	if (size % (1024 * 1024) == 0)
		snprintf(buf, len, "%uM", size / (1024 * 1024));
	else if (size % 1024 == 0)
		snprintf(buf, len, "%uK", size / 1024);
	else
		snprintf(buf, len, "%u", size);
}

static bool
compatible(const struct lab_bus *b)
{
	return !b->jumbo && b->size == LAB_BUS_SIZE;
}

/* --- text ---------------------------------------------------------------- */

static void
text_bus(const struct lab *lab, const struct lab_bus *b, FILE *f)
{
	char s1[IP_STRLEN], sz[32];
	int i;

	fprintf(f, "bus %s", b->name);
	for (i = 0; i < b->nsubnets; i++)
		fprintf(f, "%s%s", i ? " " : " subnets ",
		    ip_str(&b->subnets[i].net, s1));
	size_text(b->size, sz, sizeof(sz));
	fprintf(f, ", mtu %u, size %s%s\n", b->mtu, sz,
	    compatible(b) ? " (NetBSD-compatible)" : ", jumbo frames");
	if (b->delay_us || b->jitter_us || b->loss_pct > 0 || b->rate_bps) {
		fprintf(f, "    impairments:");
		if (b->delay_us)
			fprintf(f, " delay %gms", (double)b->delay_us / 1000);
		if (b->jitter_us)
			fprintf(f, " jitter %gms", (double)b->jitter_us / 1000);
		if (b->loss_pct > 0)
			fprintf(f, " loss %g%%", b->loss_pct);
		if (b->rate_bps)
			fprintf(f, " rate %gmbit", (double)b->rate_bps / 1e6);
		fprintf(f, " (every frame sent on the bus)\n");
	}
	fprintf(f, "    members:");
	for (i = 0; i < b->nmembers; i++) {
		const struct lab_node *n = &lab->nodes[b->members[i].node];

		fprintf(f, "%s %s %s", i ? "," : "", n->name,
		    n->ifaces[b->members[i].iface].name);
	}
	fprintf(f, "%s\n", b->nmembers ? "" : " none");
}

static int
text_step(const struct plan_step *s, void *arg)
{
	FILE *f = arg;
	int i;

	if (s->kind == STEP_RUN) {
		fprintf(f, "    run: %s\n", s->run);
		return 0;
	}
	/* Millions of lines for a big lab: no printf here. */
	fputs("   ", f);
	for (i = 0; i < s->argc; i++) {
		fputc(' ', f);
		fputs(s->argv[i], f);
	}
	if (s->kind == STEP_ROUTE && s->route->origin != ROUTE_COMPUTED) {
		fputs("    # ", f);
		fputs(origin_name(s->route->origin), f);
	}
	fputc('\n', f);
	return 0;
}

static int
text_node(const struct lab *lab, int i, const char *busdir, FILE *f)
{
	const struct lab_node *n = &lab->nodes[i];

	fprintf(f, "node %s (%s%s%s%s)\n", n->name, n->kind,
	    n->forwarding ? ", forwarding" : "", n->group ? ", group " : "",
	    n->group ? n->group : "");
	return plan_node_steps(lab, i, busdir, text_step, f);
}

static void
text_check(const struct lab *lab, const struct lab_check *c, FILE *f)
{
	char s1[IP_STRLEN];
	int i;

	fprintf(f, "check %s -> %s (%s): ", c->from_name, c->to_name,
	    ip_addr_str(&c->to, s1));
	if (!c->reached) {
		fprintf(f, "no reach (%s)%s\n", c->why ? c->why : "?",
		    c->reach ? " -- EXPECTED TO REACH" : ", as expected");
		return;
	}
	fprintf(f, "reaches, path ");
	if (c->npath == 0)
		fprintf(f, "direct");
	for (i = 0; i < c->npath; i++)
		fprintf(f, "%s%s", i ? ", " : "", lab->nodes[c->path[i]].name);
	fprintf(f, "%s\n", c->reach ? "" : " -- EXPECTED NO REACH");
}

int
plan_print_text(const struct lab *lab, const char *busdir, int node, FILE *f)
{
	int i, r;

	if (node >= 0) {
		if ((r = text_node(lab, node, busdir, f)) != 0)
			return r;
		return ferror(f) ? -EIO : 0;
	}
	fprintf(f, "# lab %s: %d nodes, %d buses, %d checks, %ld interfaces, "
	    "routing %s\n", lab->name, lab->nnodes, lab->nbuses, lab->nchecks,
	    lab_count_ifaces(lab), lab->routing == ROUTING_STATIC ? "static" :
	    "none");
	for (i = 0; i < lab->nbuses; i++)
		text_bus(lab, &lab->buses[i], f);
	for (i = 0; i < lab->nnodes; i++)
		if ((r = text_node(lab, i, busdir, f)) != 0)
			return r;
	for (i = 0; i < lab->nchecks; i++)
		text_check(lab, &lab->checks[i], f);
	return ferror(f) ? -EIO : 0;
}

/* --- JSON ---------------------------------------------------------------- */

static void
jip(struct jw *w, const char *key, const struct lab_ip *ip, bool withlen)
{
	char s1[IP_STRLEN];

	jw_str(w, key, withlen ? ip_str(ip, s1) : ip_addr_str(ip, s1));
}

static void
json_bus(const struct lab *lab, const struct lab_bus *b, struct jw *w)
{
	int i;

	jw_object(w, NULL);
	jw_str(w, "name", b->name);
	jw_uint(w, "mtu", b->mtu);
	jw_uint(w, "max_frame", b->max_frame);
	jw_uint(w, "size", b->size);
	jw_bool(w, "jumbo", b->jumbo);
	jw_bool(w, "netbsd_compatible", compatible(b));
	jw_bool(w, "link", b->link >= 0);
	jw_bool(w, "implicit", b->implicit);
	jw_array(w, "subnets");
	for (i = 0; i < b->nsubnets; i++)
		jip(w, NULL, &b->subnets[i].net, true);
	jw_close(w);
	jw_uint(w, "delay_us", b->delay_us);
	jw_uint(w, "jitter_us", b->jitter_us);
	jw_double(w, "loss_pct", b->loss_pct);
	jw_uint(w, "rate_bps", b->rate_bps);
	jw_array(w, "members");
	for (i = 0; i < b->nmembers; i++) {
		const struct lab_member *m = &b->members[i];

		jw_object(w, NULL);
		jw_str(w, "node", lab->nodes[m->node].name);
		jw_str(w, "interface", lab->nodes[m->node].ifaces[m->iface].name);
		jw_close(w);
	}
	jw_close(w);
	jw_close(w);
}

static void
json_iface(const struct lab *lab, const struct lab_iface *ifp, struct jw *w)
{
	char mac[32];
	int k;

	jw_object(w, NULL);
	jw_str(w, "name", ifp->name);
	jw_str(w, "bus", lab->buses[ifp->bus].name);
	jw_uint(w, "mtu", ifp->mtu);
	if (ifp->macmode == MAC_KERNEL)
		jw_null(w, "mac");
	else {
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		    ifp->mac[0], ifp->mac[1], ifp->mac[2], ifp->mac[3],
		    ifp->mac[4], ifp->mac[5]);
		jw_str(w, "mac", mac);
	}
	jw_array(w, "addrs");
	for (k = 0; k < ifp->naddrs; k++)
		jip(w, NULL, &ifp->addrs[k].ip, true);
	jw_close(w);
	jw_close(w);
}

static void
json_route(const struct lab_node *n, const struct lab_route *r, struct jw *w)
{
	char s1[IP_STRLEN];

	jw_object(w, NULL);
	jw_str(w, "dst", r->dst.plen == 0 ? "default" : ip_str(&r->dst, s1));
	jip(w, "via", &r->via, false);
	jw_str(w, "interface", r->iface >= 0 ? n->ifaces[r->iface].name : "");
	jw_str(w, "origin", origin_name(r->origin));
	jw_close(w);
}

static int
json_step(const struct plan_step *s, void *arg)
{
	struct jw *w = arg;
	int i;

	jw_array(w, NULL);
	for (i = 0; i < s->argc; i++)
		jw_str(w, NULL, s->argv[i]);
	jw_close(w);
	return 0;
}

static void
json_node_config(const struct lab_node *n, struct jw *w)
{
	int i;

	jw_object(w, "sysctl");
	for (i = 0; i < n->nsysctls; i++)
		jw_str(w, n->sysctls[i].name, n->sysctls[i].value);
	jw_close(w);
	jw_array(w, "run");
	for (i = 0; i < n->nrun; i++)
		jw_str(w, NULL, n->run[i]);
	jw_close(w);
	jw_array(w, "fs");
	for (i = 0; i < n->nfs; i++) {
		jw_object(w, NULL);
		jw_str(w, "type", n->fs[i].type);
		jw_str(w, "image", n->fs[i].image ? n->fs[i].image : "");
		jw_str(w, "mount", n->fs[i].mount);
		jw_close(w);
	}
	jw_close(w);
}

static int
json_node(const struct lab *lab, int idx, const char *busdir, struct jw *w)
{
	const struct lab_node *n = &lab->nodes[idx];
	struct lab_route *routes;
	int i, nroutes, r;

	if ((r = lab_node_routes(lab, idx, &routes, &nroutes)) != 0)
		return r;
	jw_object(w, NULL);
	jw_str(w, "name", n->name);
	jw_str(w, "kind", n->kind);
	jw_str(w, "group", n->group);
	jw_bool(w, "forwarding", n->forwarding);
	jw_array(w, "interfaces");
	for (i = 0; i < n->nifaces; i++)
		json_iface(lab, &n->ifaces[i], w);
	jw_close(w);
	jw_array(w, "routes");
	for (i = 0; i < nroutes; i++)
		json_route(n, &routes[i], w);
	jw_close(w);
	free(routes);
	json_node_config(n, w);
	jw_array(w, "commands");
	r = plan_node_steps(lab, idx, busdir, json_step, w);
	jw_close(w);
	jw_close(w);
	return r;
}

static void
json_check(const struct lab *lab, const struct lab_check *c, struct jw *w)
{
	int i;

	jw_object(w, NULL);
	jw_str(w, "from", c->from_name);
	jw_str(w, "to", c->to_name);
	jip(w, "addr", &c->to, false);
	jw_bool(w, "reach", c->reach);
	jw_bool(w, "reached", c->reached);
	if (!c->has_via)
		jw_null(w, "via");
	else {
		jw_array(w, "via");
		for (i = 0; i < c->nvia; i++)
			jw_str(w, NULL, lab->nodes[c->via[i]].name);
		jw_close(w);
	}
	jw_array(w, "path");
	for (i = 0; i < c->npath; i++)
		jw_str(w, NULL, lab->nodes[c->path[i]].name);
	jw_close(w);
	jw_close(w);
}

int
plan_print_json(const struct lab *lab, const char *busdir, int node, FILE *f)
{
	struct jw w;
	int i, r = 0;

	jw_init(&w, f);
	if (node >= 0) {
		r = json_node(lab, node, busdir, &w);
		return jw_end(&w) ? -EIO : r;
	}
	jw_object(&w, NULL);
	jw_str(&w, "name", lab->name);
	jw_str(&w, "file", lab->file);
	jw_str(&w, "routing", lab->routing == ROUTING_STATIC ? "static" :
	    "none");
	jw_array(&w, "buses");
	for (i = 0; i < lab->nbuses; i++)
		json_bus(lab, &lab->buses[i], &w);
	jw_close(&w);
	jw_array(&w, "nodes");
	for (i = 0; i < lab->nnodes && r == 0; i++)
		r = json_node(lab, i, busdir, &w);
	jw_close(&w);
	jw_array(&w, "checks");
	for (i = 0; i < lab->nchecks; i++)
		json_check(lab, &lab->checks[i], &w);
	jw_close(&w);
	jw_close(&w);
	if (jw_end(&w) != 0)
		return -EIO;
	return r;
}
