/*
 * import.c — the model `rumplab import` fills (lab/import.h) and the
 * topology it writes: a header saying where it came from and what was
 * left out, `routing: none`, the buses, then each node with its kind,
 * interfaces (bus, name:, addresses, MAC), gateways and routes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lab/import.h"

int
imp_init(struct imp_lab *il)
{
	memset(il, 0, sizeof(*il));
	return (il->a = arena_new()) == NULL ? -ENOMEM : 0;
}

void
imp_free(struct imp_lab *il)
{
	arena_free(il->a);
	il->a = NULL;
}

void
imp_problem(struct imp_lab *il, const char *file, int line, const char *fmt,
    ...)
{
	struct imp_problem *v;
	char why[512];
	va_list ap;

	int i;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	/* A line every device reads (shared.startup) is reported once. */
	for (i = 0; i < il->nproblems; i++)
		if (il->problems[i].line == line && strcmp(il->problems[i].file,
		    file) == 0 && strcmp(il->problems[i].why, why) == 0)
			return;
	if ((v = arena_grow(il->a, il->problems, il->nproblems,
	    &il->capproblems, sizeof(*v))) == NULL)
		return;
	il->problems = v;
	v[il->nproblems].file = file;
	v[il->nproblems].line = line;
	v[il->nproblems++].why = arena_strdup(il->a, why);
}

const char *
imp_name(struct imp_lab *il, const char *text)
{
	char buf[IMP_NAME_MAX];
	size_t i, n = 0;

	for (i = 0; text[i] != '\0' && n + 1 < sizeof(buf); i++) {
		char c = text[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    (c == '.' && n > 0))
			buf[n++] = c;
		else if (n > 0)
			buf[n++] = '_';
	}
	buf[n] = '\0';
	return n == 0 ? NULL : arena_strdup(il->a, buf);
}

struct imp_node *
imp_node(struct imp_lab *il, const char *name)
{
	struct imp_node **v, *n;
	const char *nm;
	int i;

	if ((nm = imp_name(il, name)) == NULL)
		return NULL;
	for (i = 0; i < il->nnodes; i++)
		if (strcmp(il->nodes[i]->name, nm) == 0)
			return il->nodes[i];
	if ((v = arena_grow(il->a, il->nodes, il->nnodes, &il->capnodes,
	    sizeof(*v))) == NULL || (n = arena_alloc(il->a, sizeof(*n))) ==
	    NULL)
		return NULL;
	il->nodes = v;
	n->name = nm;
	v[il->nnodes++] = n;
	return n;
}

/* "eth3" -> 3, else -1. */
static int
if_number(const char *name)
{
	const char *p = name + strlen(name);
	int v = 0, mul = 1;

	while (p > name && p[-1] >= '0' && p[-1] <= '9' && mul < 100000) {
		p--;
		v += (*p - '0') * mul;
		mul *= 10;
	}
	return p == name + strlen(name) ? -1 : v;
}

struct imp_iface *
imp_iface(struct imp_lab *il, struct imp_node *n, const char *ifname)
{
	struct imp_iface *f;
	int i, k;

	(void)il;
	for (i = 0; i < n->nifaces; i++)
		if (strcmp(n->ifaces[i].name, ifname) == 0)
			return &n->ifaces[i];
	if (n->nifaces == IMP_IFACES || strlen(ifname) >= sizeof(f->name))
		return NULL;
	/* In the order of their numbers: eth0, eth1, ... */
	k = if_number(ifname);
	for (i = n->nifaces; i > 0 && n->ifaces[i - 1].num > k; i--)
		n->ifaces[i] = n->ifaces[i - 1];
	f = &n->ifaces[i];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", ifname);
	f->num = k;
	n->nifaces++;
	return f;
}

const char *
imp_bus(struct imp_lab *il, const char *name)
{
	const char **v, *nm;
	int i;

	if ((nm = imp_name(il, name)) == NULL)
		return NULL;
	for (i = 0; i < il->nbuses; i++)
		if (strcmp(il->buses[i], nm) == 0)
			return il->buses[i];
	if ((v = arena_grow(il->a, il->buses, il->nbuses, &il->capbuses,
	    sizeof(*v))) == NULL)
		return NULL;
	il->buses = v;
	v[il->nbuses++] = nm;
	return nm;
}

/* --- the topology ----------------------------------------------------------- */

/* A YAML scalar: plain when it is safe to, else double-quoted. */
static void
scalar(FILE *f, const char *s)
{
	const char *p;

	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_./:", *p) != NULL))
			break;
	if (*p == '\0' && *s != '\0' && *s != '-')
		fputs(s, f);
	else {
		fputc('"', f);
		for (p = s; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				fputc('\\', f);
			fputc(*p, f);
		}
		fputc('"', f);
	}
}

static void
write_iface(const struct imp_iface *ifp, FILE *f)
{
	int k;

	fputs("      - { bus: ", f);
	scalar(f, ifp->bus);
	fputs(", name: ", f);
	scalar(f, ifp->name);
	if (ifp->naddrs > 0) {
		fputs(", addr: [", f);
		for (k = 0; k < ifp->naddrs; k++) {
			fputs(k ? ", " : "", f);
			scalar(f, ifp->addrs[k]);
		}
		fputc(']', f);
	}
	if (ifp->mac[0] != '\0')
		fprintf(f, ", mac: \"%s\"", ifp->mac);
	if (ifp->down)
		fputs(", impair: down", f);
	fputs(" }\n", f);
}

/* The default routes become gateway:/gateway6:, the rest routes:. */
static void
write_routes(const struct imp_node *n, FILE *f)
{
	bool any = false, six;
	int i;

	for (i = 0; i < n->nroutes; i++) {
		if (strcmp(n->routes[i].dest, "default") != 0)
			continue;
		six = strchr(n->routes[i].via, ':') != NULL;
		fprintf(f, "    %s: ", six ? "gateway6" : "gateway");
		scalar(f, n->routes[i].via);
		fputc('\n', f);
	}
	for (i = 0; i < n->nroutes; i++) {
		if (strcmp(n->routes[i].dest, "default") == 0)
			continue;
		if (!any)
			fputs("    routes:\n", f);
		any = true;
		fputs("      - { dest: ", f);
		scalar(f, n->routes[i].dest);
		fputs(", via: ", f);
		scalar(f, n->routes[i].via);
		fputs(" }\n", f);
	}
}

int
import_write(const struct imp_lab *il, FILE *f)
{
	const struct imp_node *n;
	int i, k;

	fprintf(f, "# Made by rumplab import from %s.\n", il->source);
	if (il->nproblems > 0)
		fprintf(f, "# %d line%s could not be translated; rumplab import "
		    "listed each with why.\n", il->nproblems,
		    il->nproblems == 1 ? "" : "s");
	fputs("name: ", f);
	scalar(f, il->name);
	fputs("\ndefaults: { routing: none }\nbuses:\n", f);
	for (i = 0; i < il->nbuses; i++) {
		fputs("  ", f);
		scalar(f, il->buses[i]);
		fputs(": {}\n", f);
	}
	fputs("nodes:\n", f);
	for (i = 0; i < il->nnodes; i++) {
		n = il->nodes[i];
		fputs("  ", f);
		scalar(f, n->name);
		fputs(":\n", f);
		if (n->note != NULL)
			fprintf(f, "    # %s\n", n->note);
		fprintf(f, "    kind: %s\n", n->forwarding ? "router" : "host");
		fputs("    interfaces:\n", f);
		for (k = 0; k < n->nifaces; k++)
			if (n->ifaces[k].bus != NULL)
				write_iface(&n->ifaces[k], f);
		write_routes(n, f);
	}
	return ferror(f) ? -EIO : 0;
}
