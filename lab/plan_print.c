/*
 * plan_print.c — the plan for people (`rumplab plan`: the hosts of a lab
 * across machines and the buses that span them, per node the rump.*
 * commands the launcher will run) and for programs (`--json`: one object
 * with hosts, buses, nodes — interfaces, routes, sysctls, run, the
 * command lines — and checks with their planned paths).
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
	case ROUTE_RIP:
		return "rip";
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
	const struct lab_bus *dom = &lab->buses[b->domain];
	char s1[IP_STRLEN], sz[32];
	int i;

	fprintf(f, "%s %s", b->tapseg ? "tap" : "bus", b->name);
	for (i = 0; i < dom->nsubnets; i++)
		fprintf(f, "%s%s", i ? " " : " subnets ",
		    ip_str(&dom->subnets[i].net, s1));
	size_text(b->size, sz, sizeof(sz));
	if (b->tapseg)
		fprintf(f, ", mtu %u, a host tap\n", b->mtu);
	else
		fprintf(f, ", mtu %u, size %s%s\n", b->mtu, sz,
		    compatible(b) ? " (NetBSD-compatible)" : ", jumbo frames");
	if (b->tap.name != NULL) {
		fprintf(f, "    host tap %s, addresses", b->tap.name);
		for (i = 0; i < b->tap.naddrs; i++)
			fprintf(f, " %s", ip_str(&b->tap.addrs[i].ip, s1));
		fprintf(f, "%s\n", b->tap.naddrs ? "" : " none (the host's "
		    "to give)");
	}
	if (b->domain != b - lab->buses || b->domain_next >= 0) {
		fprintf(f, "    bridged with");
		for (i = b->domain; i >= 0; i = lab->buses[i].domain_next)
			if (i != b - lab->buses)
				fprintf(f, " %s", lab->buses[i].name);
		fprintf(f, " (one broadcast domain)\n");
	}
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

		const struct lab_iface *ifp = &n->ifaces[b->members[i].iface];

		fprintf(f, "%s %s %s", i ? "," : "", n->name, ifp->name);
		if (ifp->alias != NULL)
			fprintf(f, " (%s)", ifp->alias);
	}
	fprintf(f, "%s\n", b->nmembers ? "" : " none");
}

/* --- hosts --------------------------------------------------------------- */

/* The URLs host h joins bus b's part with, or NULL for -ENOMEM. */
static char (*uplink_urls(const struct lab *lab, int b, int h, int *n))
    [LAB_URL_MAX]
{
	char (*urls)[LAB_URL_MAX];

	if ((urls = malloc((size_t)lab->nhosts * LAB_URL_MAX)) == NULL)
		return NULL;
	*n = lab_uplink_urls(lab, b, h, urls, lab->nhosts);
	return urls;
}

/* Each host and where it is, then each bus that spans hosts: its hosts
 * and each one's uplink URLs. */
static int
text_hosts(const struct lab *lab, FILE *f)
{
	const struct lab_host *h;
	const struct lab_bus *b;
	char (*urls)[LAB_URL_MAX];
	int i, j, k, n, span = lab_count_spanning(lab);

	fprintf(f, "# %d hosts; %d of %d buses span%s hosts (uplink %s)\n",
	    lab->nhosts, span, lab->nbuses, span == 1 ? "s" : "", lab->uplink);
	for (i = 0; i < lab->nhosts; i++) {
		h = &lab->hosts[i];
		fprintf(f, "host %s: %s", h->name, h->ssh ? h->ssh :
		    "this machine");
		if (h->port)
			fprintf(f, " port %u", h->port);
		fprintf(f, ", %d node%s, capacity %u\n", h->nnodes,
		    h->nnodes == 1 ? "" : "s", h->capacity ? h->capacity : 1);
	}
	for (i = 0; i < lab->nbuses; i++) {
		if ((b = &lab->buses[i])->nhosts < 2)
			continue;
		fprintf(f, "span %s:", b->name);
		for (j = 0; j < b->nhosts; j++)
			fprintf(f, "%s %s", j ? "," : "",
			    lab->hosts[b->hosts[j]].name);
		fputc('\n', f);
		for (j = 0; j < b->nhosts; j++) {
			if ((urls = uplink_urls(lab, i, b->hosts[j], &n)) ==
			    NULL)
				return -ENOMEM;
			for (k = 0; k < n; k++)
				fprintf(f, "    %s: %s\n",
				    lab->hosts[b->hosts[j]].name, urls[k]);
			free(urls);
		}
	}
	return 0;
}

struct textctx {
	FILE			*f;
	const struct lab	*lab;
};

static int
text_step(const struct plan_step *s, void *arg)
{
	const struct textctx *t = arg;
	const struct lab_node *n = &t->lab->nodes[s->node];
	FILE *f = t->f;
	int i;

	if (s->kind == STEP_RUN) {
		fprintf(f, "    run: %s%s\n", s->run, s->run == n->routing_cmd ?
		    "    # routing: rip" : "");
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
	if (s->kind == STEP_IF_CREATE && n->ifaces[s->iface].alias != NULL) {
		fputs("    # name: ", f);
		fputs(n->ifaces[s->iface].alias, f);
	}
	fputc('\n', f);
	return 0;
}

/* What RIP is to learn (never configured: rump.routed learns it). */
static int
text_rip_routes(const struct lab *lab, int node, FILE *f)
{
	char dst[IP_STRLEN], via[IP_STRLEN];
	struct lab_route *rt;
	int i, n, r;

	if ((r = lab_node_routes(lab, node, &rt, &n)) != 0)
		return r;
	for (i = 0; i < n; i++)
		if (rt[i].origin == ROUTE_RIP)
			fprintf(f, "    # rip learns %s via %s\n",
			    rt[i].dst.plen == 0 ? "default" : ip_str(&rt[i].dst,
			    dst), ip_addr_str(&rt[i].via, via));
	free(rt);
	return 0;
}

static int
text_node(const struct lab *lab, int i, const char *busdir, FILE *f)
{
	const struct lab_node *n = &lab->nodes[i];
	struct textctx t = { f, lab };
	enum lab_routing rt = lab_node_routing(lab, i);
	int r;

	fprintf(f, "node %s (%s%s%s%s%s%s%s%s)\n", n->name, n->kind,
	    n->forwarding ? ", forwarding" : "", n->group ? ", group " : "",
	    n->group ? n->group : "", rt != lab->routing ? ", routing " : "",
	    rt != lab->routing ? lab_routing_name(rt) : "",
	    n->host >= 0 ? ", host " : "",
	    n->host >= 0 ? lab->hosts[n->host].name : "");
	if ((r = plan_node_steps(lab, i, busdir, text_step, &t)) != 0)
		return r;
	return rt == ROUTING_RIP ? text_rip_routes(lab, i, f) : 0;
}

/* A command check or a step, as one line. */
static void
text_other(const struct lab_check *c, FILE *f)
{
	if (c->kind == CHECK_DO) {
		fprintf(f, "step: %s\n", c->request);
		return;
	}
	if (c->kind == CHECK_WAIT) {
		fprintf(f, "step: wait %gs\n", (double)c->wait_us / 1e6);
		return;
	}
	fprintf(f, "check on %s: %s", c->on >= 0 ? c->on_name : "the host",
	    c->run);
	if (c->fails)
		fprintf(f, " -- must fail");
	if (c->match)
		fprintf(f, " -- output matches /%s/", c->match);
	if (c->nomatch)
		fprintf(f, " -- output does not match /%s/", c->nomatch);
	if (c->json)
		fprintf(f, " -- JSON %s%s%s", c->json, c->equals ? " = " : "",
		    c->equals ? c->equals : " present");
	if (c->within_us)
		fprintf(f, " (within %gs)", (double)c->within_us / 1e6);
	fputc('\n', f);
}

static void
text_check(const struct lab *lab, const struct lab_check *c, FILE *f)
{
	char s1[IP_STRLEN];
	const char *judge;
	int i;

	if (c->kind != CHECK_REACH) {
		text_other(c, f);
		return;
	}
	/* Unjudged plans say what the routes do, without blame. */
	judge = c->after_step ? " (after a step: judged on the running lab)" :
	    lab->exercise ? " (exercise: judged on the running lab)" : NULL;
	fprintf(f, "check %s -> %s (%s): ", c->from_name, c->to_name,
	    ip_addr_str(&c->to, s1));
	if (!c->reached) {
		fprintf(f, "no reach (%s)%s\n", c->why ? c->why : "?",
		    judge ? judge : c->reach ? " -- EXPECTED TO REACH" :
		    ", as expected");
		return;
	}
	fprintf(f, "reaches, path ");
	if (c->npath == 0)
		fprintf(f, "direct");
	for (i = 0; i < c->npath; i++)
		fprintf(f, "%s%s", i ? ", " : "", lab->nodes[c->path[i]].name);
	fprintf(f, "%s\n", judge ? judge : c->reach ? "" :
	    " -- EXPECTED NO REACH");
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
	    "routing %s%s\n", lab->name, lab->nnodes, lab->nbuses, lab->nchecks,
	    lab_count_ifaces(lab), lab_routing_name(lab->routing),
	    lab->exercise ? ", an exercise" : "");
	if (lab->nhosts > 0 && (r = text_hosts(lab, f)) != 0)
		return r;
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

/* A bus's hosts and, when it spans them, each one's uplink URLs. */
static int
json_bus_hosts(const struct lab *lab, const struct lab_bus *b, struct jw *w)
{
	char (*urls)[LAB_URL_MAX];
	int i, j, n;

	jw_array(w, "hosts");
	for (i = 0; i < b->nhosts; i++)
		jw_str(w, NULL, lab->hosts[b->hosts[i]].name);
	jw_close(w);
	jw_object(w, "uplinks");
	for (i = 0; b->nhosts > 1 && i < b->nhosts; i++) {
		if ((urls = uplink_urls(lab, (int)(b - lab->buses),
		    b->hosts[i], &n)) == NULL)
			return -ENOMEM;
		jw_array(w, lab->hosts[b->hosts[i]].name);
		for (j = 0; j < n; j++)
			jw_str(w, NULL, urls[j]);
		jw_close(w);
		free(urls);
	}
	jw_close(w);
	return 0;
}

static void
json_hosts(const struct lab *lab, struct jw *w)
{
	const struct lab_host *h;
	int i;

	jw_array(w, "hosts");
	for (i = 0; i < lab->nhosts; i++) {
		h = &lab->hosts[i];
		jw_object(w, NULL);
		jw_str(w, "name", h->name);
		jw_bool(w, "local", h->ssh == NULL);
		jw_str(w, "ssh", h->ssh);
		if (h->port)
			jw_uint(w, "port", h->port);
		else
			jw_null(w, "port");
		jw_str(w, "ssh_config", h->ssh_config);
		jw_str(w, "rumplab", h->rumplab);
		jw_str(w, "addr", h->addr);
		jw_uint(w, "capacity", h->capacity ? h->capacity : 1);
		jw_int(w, "nodes", h->nnodes);
		jw_close(w);
	}
	jw_close(w);
	if (lab->nhosts == 0) {
		jw_null(w, "uplink");
		return;
	}
	jw_object(w, "uplink");
	jw_str(w, "kind", lab->uplink);
	if (lab->uplink_port)
		jw_uint(w, "port", lab->uplink_port);
	else
		jw_null(w, "port");
	jw_str(w, "group", lab->uplink_group);
	jw_str(w, "switch", lab->uplink_switch);
	jw_int(w, "spanning_buses", lab_count_spanning(lab));
	jw_close(w);
}

static int
json_bus(const struct lab *lab, const struct lab_bus *b, struct jw *w)
{
	int i, r;

	const struct lab_bus *dom = &lab->buses[b->domain];

	jw_object(w, NULL);
	jw_str(w, "name", b->name);
	jw_uint(w, "mtu", b->mtu);
	jw_uint(w, "max_frame", b->max_frame);
	jw_uint(w, "size", b->size);
	jw_bool(w, "jumbo", b->jumbo);
	jw_bool(w, "netbsd_compatible", compatible(b));
	jw_bool(w, "link", b->link >= 0);
	jw_bool(w, "implicit", b->implicit);
	if (b->tap.name == NULL)
		jw_null(w, "tap");
	else {
		jw_object(w, "tap");
		jw_str(w, "name", b->tap.name);
		jw_bool(w, "node_interface", b->tapseg);
		jw_array(w, "addrs");
		for (i = 0; i < b->tap.naddrs; i++)
			jip(w, NULL, &b->tap.addrs[i].ip, true);
		jw_close(w);
		jw_close(w);
	}
	/* A bridge's buses are one broadcast domain: its subnets. */
	jw_str(w, "domain", dom->name);
	jw_array(w, "subnets");
	for (i = 0; i < dom->nsubnets; i++)
		jip(w, NULL, &dom->subnets[i].net, true);
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
	r = json_bus_hosts(lab, b, w);
	jw_close(w);
	return r;
}

static void
json_iface(const struct lab *lab, const struct lab_iface *ifp, struct jw *w)
{
	char mac[32];
	int k;

	jw_object(w, NULL);
	jw_str(w, "name", ifp->name);
	jw_str(w, "alias", ifp->alias);
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
	jw_str(w, "routing", lab_routing_name(lab_node_routing(lab, idx)));
	jw_str(w, "host", n->host >= 0 ? lab->hosts[n->host].name : NULL);
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

static const char *
check_kind_name(enum lab_check_kind k)
{
	return k == CHECK_REACH ? "reach" : k == CHECK_RUN ? "run" :
	    k == CHECK_DO ? "do" : "wait";
}

/* The keys every check has, and those of command checks and steps. */
static void
json_check_common(const struct lab_check *c, struct jw *w)
{
	jw_str(w, "kind", check_kind_name(c->kind));
	jw_str(w, "name", c->name);
	jw_str(w, "hint", c->hint);
	jw_double(w, "within_s", (double)c->within_us / 1e6);
	jw_bool(w, "after_step", c->after_step);
	if (c->kind == CHECK_DO)
		jw_str(w, "do", c->request);
	else if (c->kind == CHECK_WAIT)
		jw_double(w, "wait_s", (double)c->wait_us / 1e6);
	else if (c->kind == CHECK_RUN) {
		jw_str(w, "on", c->on >= 0 ? c->on_name : NULL);
		jw_str(w, "run", c->run);
		jw_str(w, "match", c->match);
		jw_str(w, "nomatch", c->nomatch);
		jw_str(w, "json", c->json);
		jw_str(w, "equals", c->equals);
		jw_bool(w, "fails", c->fails);
	}
}

static void
json_check(const struct lab *lab, const struct lab_check *c, struct jw *w)
{
	int i;

	jw_object(w, NULL);
	json_check_common(c, w);
	if (c->kind != CHECK_REACH) {
		jw_close(w);
		return;
	}
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
	jw_str(&w, "routing", lab_routing_name(lab->routing));
	jw_bool(&w, "exercise", lab->exercise);
	json_hosts(lab, &w);
	jw_array(&w, "buses");
	for (i = 0; i < lab->nbuses && r == 0; i++)
		r = json_bus(lab, &lab->buses[i], &w);
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
