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

	fprintf(f, "node %s (%s%s%s%s%s%s)\n", n->name, n->kind,
	    n->forwarding ? ", forwarding" : "", n->group ? ", group " : "",
	    n->group ? n->group : "", rt != lab->routing ? ", routing " : "",
	    rt != lab->routing ? lab_routing_name(rt) : "");
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
jstr(FILE *f, const char *s)
{
	size_t run;

	fputc('"', f);
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		/* Copy what needs no escape in one go. */
		run = strcspn(s, "\"\\\n\t\x01\x02\x03\x04\x05\x06\x07\x08"
		    "\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
		    "\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f");
		if (run > 0) {
			fwrite(s, 1, run, f);
			s += run - 1;
			continue;
		}
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
jip(FILE *f, const struct lab_ip *ip, bool withlen)
{
	char s1[IP_STRLEN];

	jstr(f, withlen ? ip_str(ip, s1) : ip_addr_str(ip, s1));
}

static void
json_bus(const struct lab *lab, const struct lab_bus *b, FILE *f)
{
	int i;

	const struct lab_bus *dom = &lab->buses[b->domain];

	fprintf(f, "{\"name\":");
	jstr(f, b->name);
	fprintf(f, ",\"mtu\":%u,\"max_frame\":%u,\"size\":%u,\"jumbo\":%s,"
	    "\"netbsd_compatible\":%s,\"link\":%s,\"implicit\":%s,"
	    "\"tap\":",
	    b->mtu, b->max_frame, b->size, b->jumbo ? "true" : "false",
	    compatible(b) ? "true" : "false", b->link >= 0 ? "true" : "false",
	    b->implicit ? "true" : "false");
	if (b->tap.name == NULL)
		fputs("null", f);
	else {
		fputs("{\"name\":", f);
		jstr(f, b->tap.name);
		fprintf(f, ",\"node_interface\":%s,\"addrs\":[",
		    b->tapseg ? "true" : "false");
		for (i = 0; i < b->tap.naddrs; i++) {
			fputs(i ? "," : "", f);
			jip(f, &b->tap.addrs[i].ip, true);
		}
		fputs("]}", f);
	}
	fputs(",\"domain\":", f);
	jstr(f, dom->name);
	fputs(",\"subnets\":[", f);
	for (i = 0; i < dom->nsubnets; i++) {
		fputs(i ? "," : "", f);
		jip(f, &dom->subnets[i].net, true);
	}
	fprintf(f, "],\"delay_us\":%" PRIu64 ",\"jitter_us\":%" PRIu64
	    ",\"loss_pct\":%g,\"rate_bps\":%" PRIu64 ",\"members\":[",
	    b->delay_us, b->jitter_us, b->loss_pct, b->rate_bps);
	for (i = 0; i < b->nmembers; i++) {
		const struct lab_member *m = &b->members[i];

		fprintf(f, "%s{\"node\":", i ? "," : "");
		jstr(f, lab->nodes[m->node].name);
		fprintf(f, ",\"interface\":");
		jstr(f, lab->nodes[m->node].ifaces[m->iface].name);
		fputc('}', f);
	}
	fputs("]}", f);
}

static void
json_iface(const struct lab *lab, const struct lab_iface *ifp, FILE *f)
{
	char mac[32];
	int k;

	fprintf(f, "{\"name\":");
	jstr(f, ifp->name);
	fprintf(f, ",\"alias\":");
	if (ifp->alias != NULL)
		jstr(f, ifp->alias);
	else
		fputs("null", f);
	fprintf(f, ",\"bus\":");
	jstr(f, lab->buses[ifp->bus].name);
	fprintf(f, ",\"mtu\":%u,\"mac\":", ifp->mtu);
	if (ifp->macmode == MAC_KERNEL)
		fputs("null", f);
	else {
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		    ifp->mac[0], ifp->mac[1], ifp->mac[2], ifp->mac[3],
		    ifp->mac[4], ifp->mac[5]);
		jstr(f, mac);
	}
	fputs(",\"addrs\":[", f);
	for (k = 0; k < ifp->naddrs; k++) {
		fputs(k ? "," : "", f);
		jip(f, &ifp->addrs[k].ip, true);
	}
	fputs("]}", f);
}

static void
json_route(const struct lab_node *n, const struct lab_route *r, FILE *f)
{
	char s1[IP_STRLEN];

	fputs("{\"dst\":", f);
	jstr(f, r->dst.plen == 0 ? "default" : ip_str(&r->dst, s1));
	fputs(",\"via\":", f);
	jip(f, &r->via, false);
	fputs(",\"interface\":", f);
	jstr(f, r->iface >= 0 ? n->ifaces[r->iface].name : "");
	fputs(",\"origin\":", f);
	jstr(f, origin_name(r->origin));
	fputc('}', f);
}

struct jsteps {
	FILE	*f;
	int	 n;
};

static int
json_step(const struct plan_step *s, void *arg)
{
	struct jsteps *j = arg;
	int i;

	fputs(j->n++ ? ",[" : "[", j->f);
	for (i = 0; i < s->argc; i++) {
		fputs(i ? "," : "", j->f);
		jstr(j->f, s->argv[i]);
	}
	fputc(']', j->f);
	return 0;
}

static int
json_node(const struct lab *lab, int idx, const char *busdir, FILE *f)
{
	const struct lab_node *n = &lab->nodes[idx];
	struct jsteps js = { f, 0 };
	struct lab_route *routes;
	int i, nroutes, r;

	fputs("{\"name\":", f);
	jstr(f, n->name);
	fputs(",\"kind\":", f);
	jstr(f, n->kind);
	fputs(",\"group\":", f);
	if (n->group)
		jstr(f, n->group);
	else
		fputs("null", f);
	fprintf(f, ",\"forwarding\":%s,\"routing\":\"%s\",\"interfaces\":[",
	    n->forwarding ? "true" : "false",
	    lab_routing_name(lab_node_routing(lab, idx)));
	for (i = 0; i < n->nifaces; i++) {
		fputs(i ? "," : "", f);
		json_iface(lab, &n->ifaces[i], f);
	}
	fputs("],\"routes\":[", f);
	if ((r = lab_node_routes(lab, idx, &routes, &nroutes)) != 0)
		return r;
	for (i = 0; i < nroutes; i++) {
		fputs(i ? "," : "", f);
		json_route(n, &routes[i], f);
	}
	free(routes);
	fputs("],\"sysctl\":{", f);
	for (i = 0; i < n->nsysctls; i++) {
		fputs(i ? "," : "", f);
		jstr(f, n->sysctls[i].name);
		fputc(':', f);
		jstr(f, n->sysctls[i].value);
	}
	fputs("},\"run\":[", f);
	for (i = 0; i < n->nrun; i++) {
		fputs(i ? "," : "", f);
		jstr(f, n->run[i]);
	}
	fputs("],\"fs\":[", f);
	for (i = 0; i < n->nfs; i++) {
		fputs(i ? ",{\"type\":" : "{\"type\":", f);
		jstr(f, n->fs[i].type);
		fputs(",\"image\":", f);
		jstr(f, n->fs[i].image ? n->fs[i].image : "");
		fputs(",\"mount\":", f);
		jstr(f, n->fs[i].mount);
		fputc('}', f);
	}
	fputs("],\"commands\":[", f);
	r = plan_node_steps(lab, idx, busdir, json_step, &js);
	fputs("]}", f);
	return r;
}

static void
jstr_or_null(FILE *f, const char *s)
{
	if (s != NULL)
		jstr(f, s);
	else
		fputs("null", f);
}

static const char *
check_kind_name(enum lab_check_kind k)
{
	return k == CHECK_REACH ? "reach" : k == CHECK_RUN ? "run" :
	    k == CHECK_DO ? "do" : "wait";
}

/* The keys every check has, and those of command checks and steps. */
static void
json_check_common(const struct lab_check *c, FILE *f)
{
	fprintf(f, "{\"kind\":\"%s\",\"name\":", check_kind_name(c->kind));
	jstr_or_null(f, c->name);
	fputs(",\"hint\":", f);
	jstr_or_null(f, c->hint);
	fprintf(f, ",\"within_s\":%g,\"after_step\":%s", (double)c->within_us /
	    1e6, c->after_step ? "true" : "false");
	if (c->kind == CHECK_DO) {
		fputs(",\"do\":", f);
		jstr(f, c->request);
	} else if (c->kind == CHECK_WAIT)
		fprintf(f, ",\"wait_s\":%g", (double)c->wait_us / 1e6);
	else if (c->kind == CHECK_RUN) {
		fputs(",\"on\":", f);
		jstr_or_null(f, c->on >= 0 ? c->on_name : NULL);
		fputs(",\"run\":", f);
		jstr(f, c->run);
		fputs(",\"match\":", f);
		jstr_or_null(f, c->match);
		fputs(",\"nomatch\":", f);
		jstr_or_null(f, c->nomatch);
		fputs(",\"json\":", f);
		jstr_or_null(f, c->json);
		fputs(",\"equals\":", f);
		jstr_or_null(f, c->equals);
		fprintf(f, ",\"fails\":%s", c->fails ? "true" : "false");
	}
}

static void
json_check(const struct lab *lab, const struct lab_check *c, FILE *f)
{
	int i;

	json_check_common(c, f);
	if (c->kind != CHECK_REACH) {
		fputc('}', f);
		return;
	}
	fputs(",\"from\":", f);
	jstr(f, c->from_name);
	fputs(",\"to\":", f);
	jstr(f, c->to_name);
	fputs(",\"addr\":", f);
	jip(f, &c->to, false);
	fprintf(f, ",\"reach\":%s,\"reached\":%s,\"via\":",
	    c->reach ? "true" : "false", c->reached ? "true" : "false");
	if (!c->has_via)
		fputs("null", f);
	else {
		fputc('[', f);
		for (i = 0; i < c->nvia; i++) {
			fputs(i ? "," : "", f);
			jstr(f, lab->nodes[c->via[i]].name);
		}
		fputc(']', f);
	}
	fputs(",\"path\":[", f);
	for (i = 0; i < c->npath; i++) {
		fputs(i ? "," : "", f);
		jstr(f, lab->nodes[c->path[i]].name);
	}
	fputs("]}", f);
}

int
plan_print_json(const struct lab *lab, const char *busdir, int node, FILE *f)
{
	int i, r;

	if (node >= 0) {
		if ((r = json_node(lab, node, busdir, f)) != 0)
			return r;
		fputc('\n', f);
		return ferror(f) ? -EIO : 0;
	}
	fputs("{\"name\":", f);
	jstr(f, lab->name);
	fputs(",\"file\":", f);
	jstr(f, lab->file);
	fprintf(f, ",\"routing\":\"%s\",\"exercise\":%s,\"buses\":[",
	    lab_routing_name(lab->routing), lab->exercise ? "true" : "false");
	for (i = 0; i < lab->nbuses; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_bus(lab, &lab->buses[i], f);
	}
	fputs("],\"nodes\":[", f);
	for (i = 0; i < lab->nnodes; i++) {
		fputs(i ? ",\n" : "\n", f);
		if ((r = json_node(lab, i, busdir, f)) != 0)
			return r;
	}
	fputs("],\"checks\":[", f);
	for (i = 0; i < lab->nchecks; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_check(lab, &lab->checks[i], f);
	}
	fputs("]}\n", f);
	return ferror(f) ? -EIO : 0;
}
