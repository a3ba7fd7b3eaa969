/*
 * graph_build.c — a lab as a cgraph graph (viz/graph.h).
 *
 * What is drawn how:
 *	router		a 3-D box, blue (a node that forwards)
 *	host		an ellipse, green
 *	bridge		a switch: an octagon, purple, above its LANs
 *	host tap	the host's side of a tap, a grey folder tab joined to
 *			its LAN, with the host's addresses
 *	LAN		a flat yellow box holding the bus name and its
 *			subnets: a bus of one interface or of three or more
 *	link		a bus of exactly two interfaces is one edge between
 *			the two nodes, the bus and its subnets in the middle
 *	interfaces	a LAN's line names the member's interface and
 *			addresses; a link's label stacks its two ends
 *			around the bus
 *	live state	a node not up is grey and dashed (pink and red when
 *			it crashed or failed); a link down or a
 *			cut bus is red and dashed, an interface of a node
 *			that is not up dotted grey; an impaired link or LAN
 *			is orange with its settings; traffic widens lines
 *	legend		an HTML table in the graph's label (every layout
 *			draws a graph label; clusters only dot and fdp)
 *
 * Edges run router -> LAN -> host so that dot's ranks read top-down
 * like a network diagram: routers above their LANs, hosts below.
 * Large labs (GRAPH_LARGE), and any drawn by a spring layout (which
 * places edge labels over nodes), keep node names on the picture and move
 * addresses into tooltips (SVG), so that the drawing stays legible.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz/graph.h"
#include "viz/graph_ag.h"

#define C_ROUTER	"#9fc5e8"
#define C_HOST		"#b6d7a8"
#define C_LAN		"#ffe599"
#define C_BRIDGE	"#d5a6bd"
#define C_TAP		"#cfe2f3"
#define C_DOWNFILL	"#d9d9d9"
#define C_DEADFILL	"#f4cccc"
#define C_GREY		"#808080"
#define C_RED		"#cc0000"
#define C_ORANGE	"#e69138"
#define C_LINE		"#404040"

#define TEXTMAX		2048

struct builder {
	const struct lab	*lab;
	const struct graph_live	*live;
	const struct graph_opts	*o;
	Agraph_t		*g;
	Agnode_t		**nodes;	/* per lab node */
	Agnode_t		**lans;		/* per bus; NULL: drawn as a link */
	bool			 taps;		/* the lab has any */
	bool			 bridges;
	bool			 brief;		/* addresses in tooltips only */
	double			 maxtraffic;
};

static void
set(void *obj, const char *name, const char *value)
{
	agsafeset(obj, (char *)name, (char *)value, "");
}

/* A bus with exactly two interfaces, and no tap, is drawn as a link. */
static bool
is_link(const struct lab_bus *b)
{
	return b->nmembers == 2 && b->tap.name == NULL;
}

/* Drawn above its LANs, the edges running from it: a router or bridge. */
static bool
is_router(const struct lab_node *n)
{
	return n->forwarding || n->bridge;
}

int
graph_size(const struct lab *lab)
{
	int i, n = lab->nnodes;

	for (i = 0; i < lab->nbuses; i++)
		n += !is_link(&lab->buses[i]) + (lab->buses[i].tap.name != NULL);
	return n;
}

/* How nodes are boxed: auto resolved to group or subnet. */
static enum graph_cluster
cluster_how(const struct lab *lab, enum graph_cluster how)
{
	int i;

	if (how != GCLUSTER_AUTO)
		return how;
	for (i = 0; i < lab->nnodes; i++)
		if (lab->nodes[i].group != NULL)
			return GCLUSTER_GROUP;
	return GCLUSTER_SUBNET;
}

/*
 * dot (layered) while a picture is small; then spring layouts, which
 * ignore clusters: fdp, which draws them, for groups (a lab's own
 * division of itself), neato up to a few hundred nodes, sfdp (multilevel,
 * fast) beyond.
 */
const char *
graph_layout_for(const struct lab *lab, const struct graph_opts *o)
{
	int n = graph_size(lab);

	if (n <= 60)
		return "dot";
	if (cluster_how(lab, o->cluster) == GCLUSTER_GROUP && n <= 1500)
		return "fdp";
	if (n <= 400)
		return "neato";
	return "sfdp";
}

bool
graph_layout_ok(const char *name)
{
	static const char *const ok[] = { "dot", "neato", "fdp", "sfdp",
	    "circo", "twopi", NULL };
	int i;

	for (i = 0; ok[i] != NULL; i++)
		if (strcmp(name, ok[i]) == 0)
			return true;
	return false;
}

#define MORE	"\\n..."	/* what ends a text that was cut */

/*
 * Appends printf output to buf (TEXTMAX).  A text that does not fit is
 * cut at a line break (never inside a Graphviz escape like \n, whose
 * lone backslash would unbalance the quotes of -T dot, nor inside a
 * UTF-8 sequence) and ends with "..." on a line of its own.
 */
__attribute__((format(printf, 2, 3)))
static void
cat(char *buf, const char *fmt, ...)
{
	size_t len = strlen(buf), room = TEXTMAX - sizeof(MORE);
	char *cut;
	va_list ap;
	int n;

	if (len >= room || (len >= sizeof(MORE) - 1 &&
	    strcmp(buf + len - (sizeof(MORE) - 1), MORE) == 0))
		return;                 /* cut already */
	va_start(ap, fmt);
	n = vsnprintf(buf + len, TEXTMAX - len, fmt, ap);
	va_end(ap);
	if (n < 0 || len + (size_t)n < room)
		return;
	buf[room] = '\0';
	/* Back to the last whole line of what fitted. */
	for (cut = buf + room; cut > buf && !(cut[0] == '\\' &&
	    cut[1] == 'n'); cut--)
		;
	if (cut == buf) {
		/* No break in it: back off any escape or UTF-8 tail. */
		cut = buf + room;
		while (cut > buf && (cut[-1] == '\\' ||
		    ((unsigned char)*cut & 0xc0) == 0x80))
			cut--;
	}
	strcpy(cut, MORE);
}

/* "1.2 kB", "3.4 MB": 1000-based, as network tools count. */
static void
human(double v, const char *unit, char *buf, size_t len)
{
	static const char *const p[] = { "", "k", "M", "G", "T" };
	int i = 0;

	while (v >= 1000 && i < 4) {
		v /= 1000;
		i++;
	}
	snprintf(buf, len, i ? "%.1f %s%s" : "%.0f %s%s", v, p[i], unit);
}

/* "250us", "5ms", "1.5s" */
static void
duration(uint64_t us, char *buf, size_t len)
{
	if (us < 1000 || us % 1000 != 0)
		snprintf(buf, len, "%lluus", (unsigned long long)us);
	else if (us < 1000000 || us % 1000000 != 0)
		snprintf(buf, len, "%llums", (unsigned long long)(us / 1000));
	else
		snprintf(buf, len, "%llus", (unsigned long long)(us / 1000000));
}

/* The impairments a bus has: live ones when known, else the file's. */
static void
bus_impairments(const struct builder *B, int bus, char *buf)
{
	const struct lab_bus *b = &B->lab->buses[bus];
	char t[64];

	buf[0] = '\0';
	if (B->live != NULL && B->live->links_known) {
		cat(buf, "%s", B->live->buses[bus].settings);
		return;
	}
	if (b->delay_us) {
		duration(b->delay_us, t, sizeof(t));
		cat(buf, "delay %s", t);
	}
	if (b->jitter_us) {
		duration(b->jitter_us, t, sizeof(t));
		cat(buf, "%sjitter %s", buf[0] ? " " : "", t);
	}
	if (b->loss_pct > 0)
		cat(buf, "%sloss %g%%", buf[0] ? " " : "", b->loss_pct);
	if (b->rate_bps) {
		human((double)b->rate_bps, "bit/s", t, sizeof(t));
		cat(buf, "%srate %s", buf[0] ? " " : "", t);
	}
	if (b->impair != NULL && b->impair[0])
		cat(buf, "%s%s", buf[0] ? " " : "", b->impair);
}

static const struct graph_iface_live *
iface_live(const struct builder *B, int node, int iface)
{
	if (B->live == NULL || B->live->ifbase == NULL)
		return NULL;
	return &B->live->ifaces[B->live->ifbase[node] + iface];
}

/* An interface's own impairments: live ones when known, else the file's. */
static const char *
iface_settings(const struct builder *B, int node, int iface)
{
	const struct graph_iface_live *fl = iface_live(B, node, iface);
	const char *file = B->lab->nodes[node].ifaces[iface].impair;

	if (fl != NULL && B->live->links_known)
		return fl->settings;
	return file ? file : "";
}

static bool
node_up(const struct builder *B, int node)
{
	if (B->live == NULL || !B->live->nodes_known)
		return true;
	return strcmp(B->live->state[node], "up") == 0;
}

/* Traffic of a bus as a number to scale by, or -1 when not known. */
static double
traffic(const struct builder *B, int bus)
{
	const struct graph_bus_live *bl;

	if (B->live == NULL || !B->live->traffic_known)
		return -1;
	bl = &B->live->buses[bus];
	return B->live->rates_known ? bl->rate : bl->bytes;
}

static void
traffic_text(const struct builder *B, int bus, char *buf)
{
	char t[64];
	double v = traffic(B, bus);

	if (v < 0)
		return;
	human(v, B->live->rates_known ? "B/s" : "B", t, sizeof(t));
	cat(buf, "\\n%s%s", t, B->live->rates_known ? "" : " sent");
}

/*
 * Line width for a bus's traffic, on one scale for every picture (so
 * that --watch frames compare): 1 up to 100 bytes (per second), one
 * more for each tenfold, at most 7 (100 MB and up).
 */
static void
traffic_width(const struct builder *B, int bus, void *obj)
{
	char w[32];
	double v = traffic(B, bus);

	if (v <= 100)
		return;
	snprintf(w, sizeof(w), "%.1f", fmin(7.0, log10(v) - 1.0));
	set(obj, "penwidth", w);
}

/* "lan1\n10.0.1.0/24\nfd00:0:0:1::/64" */
static void
bus_text(const struct builder *B, int bus, const char *sep, char *buf)
{
	const struct lab_bus *b = lab_bus_subnets(B->lab, bus);
	char a[IP_STRLEN];
	int i;

	cat(buf, "%s", B->lab->buses[bus].name);
	for (i = 0; i < b->nsubnets; i++)
		cat(buf, "%s%s", sep, ip_str(&b->subnets[i].net, a));
}

/* "shmif0\n10.0.1.10/24\nfd00:0:0:1::10/64" */
static void
iface_text(const struct builder *B, int node, int iface, char *buf)
{
	const struct lab_iface *f = &B->lab->nodes[node].ifaces[iface];
	const struct graph_iface_live *fl = iface_live(B, node, iface);
	char a[IP_STRLEN];
	int i;

	cat(buf, "%s", f->name);
	for (i = 0; i < f->naddrs; i++)
		cat(buf, "\\n%s", ip_str(&f->addrs[i].ip, a));
	if (iface_settings(B, node, iface)[0])
		cat(buf, "\\n%s", iface_settings(B, node, iface));
	if (fl != NULL && fl->link == GLINK_DOWN)
		cat(buf, "\\nset down");
}

static void
add_node(struct builder *B, int i)
{
	const struct lab_node *n = &B->lab->nodes[i];
	char label[TEXTMAX] = "", tip[TEXTMAX] = "", id[LAB_NAME_MAX + 8];
	bool up = node_up(B, i);
	Agnode_t *an;
	int k;

	an = agnode(B->g, (char *)n->name, 1);
	B->nodes[i] = an;
	snprintf(id, sizeof(id), "node-%s", n->name);
	set(an, "id", id);
	cat(label, "%s", n->name);
	if (strcmp(n->kind, "host") != 0 && strcmp(n->kind, "router") != 0)
		cat(label, "\\n(%s)", n->kind);
	if (!up)
		cat(label, "\\n%s", B->live->state[i]);
	set(an, "label", label);
	cat(tip, "%s %s%s%s", n->bridge ? "bridge" : is_router(n) ?
	    "router" : "host", n->name,
	    n->group ? ", group " : "", n->group ? n->group : "");
	for (k = 0; k < n->nifaces; k++) {
		cat(tip, "\\n");
		iface_text(B, i, k, tip);
	}
	set(an, "tooltip", tip);
	if (n->bridge) {
		set(an, "shape", "octagon");
		set(an, "fillcolor", up ? C_BRIDGE : C_DOWNFILL);
	} else if (is_router(n)) {
		set(an, "shape", "box3d");
		set(an, "fillcolor", up ? C_ROUTER : C_DOWNFILL);
	} else {
		set(an, "shape", "ellipse");
		set(an, "fillcolor", up ? C_HOST : C_DOWNFILL);
	}
	if (!up) {
		set(an, "style", "filled,dashed");
		set(an, "color", C_GREY);
		set(an, "fontcolor", C_GREY);
	}
	/* Crashed, or never came up: not what anyone asked for. */
	if (!up && (strcmp(B->live->state[i], "dead") == 0 ||
	    strcmp(B->live->state[i], "failed") == 0)) {
		set(an, "fillcolor", C_DEADFILL);
		set(an, "color", C_RED);
		set(an, "fontcolor", C_RED);
	}
}

static void
add_lan(struct builder *B, int bus)
{
	char label[TEXTMAX] = "", tip[TEXTMAX] = "", imp[TEXTMAX];
	char name[LAB_NAME_MAX + 8];
	const struct graph_bus_live *bl = NULL;
	Agnode_t *an;

	if (B->live != NULL && B->live->buses != NULL)
		bl = &B->live->buses[bus];
	snprintf(name, sizeof(name), "bus:%s", B->lab->buses[bus].name);
	an = agnode(B->g, name, 1);
	B->lans[bus] = an;
	set(an, "id", name);
	bus_text(B, bus, "\\n", tip);
	bus_impairments(B, bus, imp);
	if (imp[0])
		cat(tip, "\\n%s", imp);
	if (bl != NULL && bl->cut)
		cat(tip, "\\ncut");
	traffic_text(B, bus, tip);
	if (B->brief) {
		cat(label, "%s", B->lab->buses[bus].name);
		if (bl != NULL && bl->cut)
			cat(label, "\\ncut");
	} else
		cat(label, "%s", tip);
	set(an, "label", label);
	set(an, "tooltip", tip);
	set(an, "shape", "box");
	set(an, "fillcolor", C_LAN);
	set(an, "fontsize", "10");
	if (bl != NULL && bl->cut) {
		set(an, "color", C_RED);
		set(an, "style", "filled,dashed");
	} else if (imp[0])
		set(an, "color", C_ORANGE);
	traffic_width(B, bus, an);
}

/* The host's side of a tap: a node of its own, below its LAN. */
static void
add_tap(struct builder *B, int bus)
{
	const struct lab_tap *t = &B->lab->buses[bus].tap;
	char label[TEXTMAX] = "", name[LAB_NAME_MAX + 8], a[IP_STRLEN];
	Agnode_t *an;
	Agedge_t *e;
	int k;

	snprintf(name, sizeof(name), "tap:%s", t->name);
	an = agnode(B->g, name, 1);
	set(an, "id", name);
	cat(label, "host tap %s", t->name);
	for (k = 0; k < t->naddrs; k++)
		cat(label, "\\n%s", ip_str(&t->addrs[k].ip, a));
	set(an, "label", label);
	set(an, "tooltip", label);
	set(an, "shape", "tab");
	set(an, "fillcolor", C_TAP);
	set(an, "fontsize", "10");
	e = agedge(B->g, B->lans[bus], an, NULL, 1);
	snprintf(name, sizeof(name), "tapif:%s", t->name);
	set(e, "id", name);
	set(e, "style", "bold");
	B->taps = true;
}

/* How bad an interface's end of a line is. */
enum end_state { END_OK, END_OFF, END_DOWN };

static enum end_state
end_state(const struct builder *B, int node, int iface, int bus)
{
	const struct graph_iface_live *fl = iface_live(B, node, iface);
	enum graph_link lk = fl ? fl->link : GLINK_UNKNOWN;

	if (lk == GLINK_DOWN || lk == GLINK_CUT || (B->live != NULL &&
	    B->live->buses != NULL && B->live->buses[bus].cut))
		return END_DOWN;
	if (lk == GLINK_OFF || !node_up(B, node))
		return END_OFF;
	return END_OK;
}

/* Down beats off beats impaired. */
static void
line_style(Agedge_t *e, enum end_state st, bool impaired)
{
	if (st == END_DOWN) {
		set(e, "color", C_RED);
		set(e, "style", "dashed");
	} else if (st == END_OFF) {
		set(e, "color", C_GREY);
		set(e, "style", "dotted");
	} else if (impaired)
		set(e, "color", C_ORANGE);
}

/* A member of a LAN: one edge, router -> LAN or LAN -> host. */
static void
add_member(struct builder *B, int bus, const struct lab_member *m)
{
	char text[TEXTMAX] = "", id[3 * LAB_NAME_MAX];
	Agnode_t *nn = B->nodes[m->node], *ln = B->lans[bus];
	Agedge_t *e;

	if (is_router(&B->lab->nodes[m->node]))
		e = agedge(B->g, nn, ln, NULL, 1);
	else
		e = agedge(B->g, ln, nn, NULL, 1);
	snprintf(id, sizeof(id), "if-%s-%s", B->lab->nodes[m->node].name,
	    B->lab->nodes[m->node].ifaces[m->iface].name);
	set(e, "id", id);
	iface_text(B, m->node, m->iface, text);
	set(e, B->brief ? "tooltip" : "label", text);
	if (!B->brief)
		set(e, "tooltip", text);
	line_style(e, end_state(B, m->node, m->iface, bus),
	    iface_settings(B, m->node, m->iface)[0] != '\0');
	traffic_width(B, bus, e);
}

/* Text for an HTML label: escapes, and "\\n" (Graphviz's) as <BR/>. */
static void
html_text(const char *s, char *buf)
{
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			cat(buf, "<BR/>");
			s++;
		} else if (*s == '<')
			cat(buf, "&lt;");
		else if (*s == '>')
			cat(buf, "&gt;");
		else if (*s == '&')
			cat(buf, "&amp;");
		else
			cat(buf, "%c", *s);
	}
}

/*
 * A link's label: one small table in the middle of the line, its ends
 * (node, interface, addresses) above and below the bus and its subnets.
 * End labels (taillabel, headlabel) would be nearer their nodes, but
 * Graphviz places them without looking at each other, and at a router
 * with several links they pile up; a label is placed like a node.
 */
static void
link_label(struct builder *B, Agedge_t *e, const struct lab_member *m0,
    const struct lab_member *m1, const char *mid)
{
	char html[TEXTMAX] = "", t[TEXTMAX];

	cat(html, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" "
	    "CELLPADDING=\"1\"><TR><TD>");
	t[0] = '\0';
	cat(t, "%s ", B->lab->nodes[m0->node].name);
	iface_text(B, m0->node, m0->iface, t);
	html_text(t, html);
	cat(html, "</TD></TR><HR/><TR><TD><B>");
	html_text(mid, html);
	cat(html, "</B></TD></TR><HR/><TR><TD>");
	t[0] = '\0';
	cat(t, "%s ", B->lab->nodes[m1->node].name);
	iface_text(B, m1->node, m1->iface, t);
	html_text(t, html);
	cat(html, "</TD></TR></TABLE>");
	agsafeset(e, "label", agstrdup_html(B->g, html), "");
}

/* A bus of two interfaces: one edge, a before b. */
static void
add_link(struct builder *B, int bus)
{
	const struct lab_bus *b = &B->lab->buses[bus];
	const struct lab_member *m0 = &b->members[0], *m1 = &b->members[1];
	char mid[TEXTMAX] = "", end0[TEXTMAX] = "", end1[TEXTMAX] = "";
	char tip[TEXTMAX] = "", imp[TEXTMAX], id[LAB_NAME_MAX + 8];
	enum end_state s0, s1;
	bool cut, impaired;
	Agedge_t *e;

	e = agedge(B->g, B->nodes[m0->node], B->nodes[m1->node], NULL, 1);
	snprintf(id, sizeof(id), "bus:%s", b->name);
	set(e, "id", id);
	bus_text(B, bus, "\\n", mid);
	bus_impairments(B, bus, imp);
	if (imp[0])
		cat(mid, "\\n%s", imp);
	cut = B->live != NULL && B->live->buses != NULL &&
	    B->live->buses[bus].cut;
	if (cut)
		cat(mid, "\\ncut");
	traffic_text(B, bus, mid);
	iface_text(B, m0->node, m0->iface, end0);
	iface_text(B, m1->node, m1->iface, end1);
	cat(tip, "%s %s\\n%s\\n%s %s",
	    B->lab->nodes[m0->node].name, end0, mid,
	    B->lab->nodes[m1->node].name, end1);
	set(e, "tooltip", tip);
	if (!B->brief)
		link_label(B, e, m0, m1, mid);
	else if (imp[0] || cut)
		set(e, "label", imp[0] ? imp : "cut");
	impaired = imp[0] || iface_settings(B, m0->node, m0->iface)[0] ||
	    iface_settings(B, m1->node, m1->iface)[0];
	s0 = end_state(B, m0->node, m0->iface, bus);
	s1 = end_state(B, m1->node, m1->iface, bus);
	line_style(e, s0 > s1 ? s0 : s1, impaired);
	traffic_width(B, bus, e);
}

/* Puts node n into the cluster `name` of parent (created on first use). */
static Agraph_t *
cluster_add(Agraph_t *parent, const char *name, const char *label,
    Agnode_t *n)
{
	char sub[LAB_NAME_MAX + 16];
	Agraph_t *c;

	snprintf(sub, sizeof(sub), "cluster_%s", name);
	if ((c = agsubg(parent, sub, 0)) == NULL) {
		c = agsubg(parent, sub, 1);
		set(c, "label", label);
		set(c, "style", "rounded,dashed");
		set(c, "color", C_GREY);
		set(c, "fontcolor", C_GREY);
	}
	agsubnode(c, n, 1);
	return c;
}

/* The one bus a node is on, or -1 (several, or none). */
static int
only_bus(const struct lab_node *n)
{
	int i;

	if (n->nifaces == 0)
		return -1;
	for (i = 1; i < n->nifaces; i++)
		if (n->ifaces[i].bus != n->ifaces[0].bus)
			return -1;
	return n->ifaces[0].bus;
}

/* The group all members of a bus are in, or NULL. */
static const char *
bus_group(const struct lab *lab, const struct lab_bus *b)
{
	const char *g = NULL, *ng;
	int k;

	for (k = 0; k < b->nmembers; k++) {
		ng = lab->nodes[b->members[k].node].group;
		if (ng == NULL || (g != NULL && strcmp(g, ng) != 0))
			return NULL;
		g = ng;
	}
	return g;
}

/* A group's cluster is named by the first node in it: group texts are
 * free (any length, any UTF-8), names must stay short and distinct. */
static int
group_index(const struct lab *lab, const char *g)
{
	int i;

	for (i = 0; i < lab->nnodes; i++)
		if (lab->nodes[i].group != NULL &&
		    strcmp(lab->nodes[i].group, g) == 0)
			return i;
	return -1;
}

/*
 * Groups: a box per group:, holding its nodes and the LANs whose members
 * are all in it.  Subnets: a box per LAN, holding it and the hosts that
 * are on it alone; with groups, those boxes sit inside their group's.
 */
static void
add_clusters(struct builder *B)
{
	const struct lab *lab = B->lab;
	enum graph_cluster how = cluster_how(lab, B->o->cluster);
	char name[LAB_NAME_MAX + 8];
	Agraph_t **in;
	const char *g;
	int i, bus;

	if (how == GCLUSTER_NONE ||
	    (in = calloc((size_t)lab->nbuses + 1, sizeof(*in))) == NULL)
		return;
	for (i = 0; i < lab->nnodes && how == GCLUSTER_GROUP; i++)
		if (lab->nodes[i].group != NULL) {
			snprintf(name, sizeof(name), "g%d",
			    group_index(lab, lab->nodes[i].group));
			cluster_add(B->g, name, lab->nodes[i].group,
			    B->nodes[i]);
		}
	for (i = 0; i < lab->nbuses; i++) {
		in[i] = how == GCLUSTER_SUBNET ? B->g : NULL;
		if (B->lans[i] == NULL || how != GCLUSTER_GROUP ||
		    (g = bus_group(lab, &lab->buses[i])) == NULL)
			continue;
		snprintf(name, sizeof(name), "g%d", group_index(lab, g));
		in[i] = cluster_add(B->g, name, g, B->lans[i]);
	}
	for (i = 0; i < lab->nnodes; i++) {
		if (is_router(&lab->nodes[i]) ||
		    (bus = only_bus(&lab->nodes[i])) < 0 ||
		    B->lans[bus] == NULL || in[bus] == NULL)
			continue;
		snprintf(name, sizeof(name), "s-%s", lab->buses[bus].name);
		cluster_add(in[bus], name, "", B->lans[bus]);
		cluster_add(in[bus], name, "", B->nodes[i]);
	}
	free(in);
}

static void
legend(struct builder *B)
{
	const struct graph_live *l = B->live;
	char *html, t[64];
	size_t len = 8192;

	if ((html = malloc(len)) == NULL)
		return;
	html[0] = '\0';
#define ROW(cell, text) do {						\
	size_t o_ = strlen(html);					\
	snprintf(html + o_, len - o_, "<TR><TD %s</TD><TD ALIGN=\"LEFT\">" \
	    "%s</TD></TR>", cell, text);				\
} while (0)
	snprintf(html, len, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" "
	    "CELLSPACING=\"0\" CELLPADDING=\"3\"><TR><TD COLSPAN=\"2\">"
	    "<B>%s</B>: %d node%s, %d bus%s%s</TD></TR>",
	    B->o->title ? B->o->title : B->lab->name, B->lab->nnodes,
	    B->lab->nnodes == 1 ? "" : "s", B->lab->nbuses,
	    B->lab->nbuses == 1 ? "" : "es", l ? ", live" : "");
	ROW("BGCOLOR=\"" C_ROUTER "\">router", "3-D box: forwards");
	ROW("BGCOLOR=\"" C_HOST "\">host", "ellipse");
	if (B->bridges)
		ROW("BGCOLOR=\"" C_BRIDGE "\">bridge", "octagon: a switch, "
		    "its LANs one broadcast domain");
	if (B->taps)
		ROW("BGCOLOR=\"" C_TAP "\">host tap", "tab: the host's side "
		    "of a tap, its addresses");
	ROW("BGCOLOR=\"" C_LAN "\">LAN", "box: a bus of 1 or 3+ interfaces, "
	    "its subnets");
	ROW(">link", "a line: a bus of 2 interfaces, its subnets mid-way");
	ROW("><FONT COLOR=\"" C_ORANGE "\">orange</FONT>",
	    "impaired: delay, loss, rate ...");
	if (l != NULL) {
		ROW("BGCOLOR=\"" C_DOWNFILL "\">grey", "node not up (stopped, "
		    "starting ...)");
		ROW("BGCOLOR=\"" C_DEADFILL "\">pink", "node dead (crashed, "
		    "killed) or failed to start");
		ROW("><FONT COLOR=\"" C_RED "\">red dashed</FONT>",
		    l->links_known ? "link down or bus cut" :
		    "link down or bus cut: not known here (the supervisor "
		    "has no link show)");
		ROW("><FONT COLOR=\"" C_GREY "\">grey dotted</FONT>",
		    "interface of a node not up");
		if (l->traffic_known) {
			human(B->maxtraffic, l->rates_known ? "B/s" : "B", t,
			    sizeof(t));
			snprintf(html + strlen(html), len - strlen(html),
			    "<TR><TD>width</TD><TD ALIGN=\"LEFT\">traffic "
			    "%s: +1 for each 10x over 100 B; busiest %s</TD>"
			    "</TR>", l->rates_known ? "per second" :
			    "since start", t);
		}
	}
#undef ROW
	snprintf(html + strlen(html), len - strlen(html), "</TABLE>");
	agsafeset(B->g, "label", agstrdup_html(B->g, html), "");
	set(B->g, "labelloc", "b");
	set(B->g, "labeljust", "l");
	free(html);
}

static void
graph_defaults(struct builder *B)
{
	const char *layout = B->o->layout ? B->o->layout :
	    graph_layout_for(B->lab, B->o);

	set(B->g, "fontname", "Helvetica");
	set(B->g, "fontsize", "10");
	agattr(B->g, AGNODE, "fontname", "Helvetica");
	agattr(B->g, AGNODE, "fontsize", "11");
	agattr(B->g, AGNODE, "style", "filled");
	agattr(B->g, AGNODE, "color", C_LINE);
	agattr(B->g, AGEDGE, "fontname", "Helvetica");
	agattr(B->g, AGEDGE, "fontsize", "9");
	agattr(B->g, AGEDGE, "labelfontsize", "8");
	agattr(B->g, AGEDGE, "color", C_LINE);
	if (strcmp(layout, "dot") == 0) {
		set(B->g, "nodesep", "0.35");
		set(B->g, "ranksep", "0.5");
	} else {
		/* Spring layouts: no overlaps, straight lines (fast). */
		set(B->g, "overlap", "false");
		set(B->g, "splines", B->brief ? "false" : "true");
		set(B->g, "outputorder", "edgesfirst");
	}
	if (B->brief) {
		agattr(B->g, AGNODE, "fontsize", "9");
		agattr(B->g, AGNODE, "margin", "0.03");
	}
}

int
graph_build(const struct lab *lab, const struct graph_live *live,
    const struct graph_opts *o, struct graph **gp)
{
	struct builder B;
	struct graph *g;
	const char *layout;
	double v;
	int i, k, r = -ENOMEM;

	memset(&B, 0, sizeof(B));
	B.lab = lab;
	B.live = live;
	B.o = o;
	/* Only dot places edge labels apart from nodes and each other. */
	layout = o->layout ? o->layout : graph_layout_for(lab, o);
	B.brief = o->labels == GLABELS_BRIEF || (o->labels == GLABELS_AUTO &&
	    (graph_size(lab) > GRAPH_LARGE || strcmp(layout, "dot") != 0));
	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (B.nodes = calloc((size_t)lab->nnodes + 1, sizeof(*B.nodes))) ==
	    NULL || (B.lans = calloc((size_t)lab->nbuses + 1,
	    sizeof(*B.lans))) == NULL)
		goto out;
	if ((g->ag = agopen((char *)lab->name, Agundirected, NULL)) == NULL)
		goto out;
	B.g = g->ag;
	for (i = 0; i < lab->nbuses; i++)
		if ((v = traffic(&B, i)) > B.maxtraffic)
			B.maxtraffic = v;
	graph_defaults(&B);
	for (i = 0; i < lab->nnodes; i++) {
		add_node(&B, i);
		B.bridges |= lab->nodes[i].bridge;
	}
	for (i = 0; i < lab->nbuses; i++)
		if (!is_link(&lab->buses[i]))
			add_lan(&B, i);
	for (i = 0; i < lab->nbuses; i++) {
		if (is_link(&lab->buses[i])) {
			add_link(&B, i);
			continue;
		}
		for (k = 0; k < lab->buses[i].nmembers; k++)
			add_member(&B, i, &lab->buses[i].members[k]);
		if (lab->buses[i].tap.name != NULL)
			add_tap(&B, i);
	}
	add_clusters(&B);
	legend(&B);
	*gp = g;
	g = NULL;
	r = 0;
out:
	graph_free(g);
	free(B.nodes);
	free(B.lans);
	return r;
}

void
graph_free(struct graph *g)
{
	if (g == NULL)
		return;
	if (g->ag != NULL)
		agclose(g->ag);
	free(g);
}
