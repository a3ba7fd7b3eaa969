/*
 * console_draw.c — the console's screen: title bar, the overview (nodes
 * and buses, filtered and sorted), the action pane, the bottom line
 * (messages and prompts) and the help (viz/console.h).
 *
 * Every frame is drawn whole into curses' virtual screen (erase, never
 * clear) and refresh() sends only what changed, so a screen that
 * updates every second does not flicker.  Text is clipped to the width;
 * nothing assumes more than 80x24.
 */
#include <ctype.h>
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz/console.h"

struct ui ui;

/* Clipped text at (y, x) with attributes. */
__attribute__((format(printf, 4, 5)))
static void
put(int y, int x, int attr, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (y < 0 || y >= LINES || x >= COLS)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	attron(attr);
	mvaddnstr(y, x, buf, COLS - x);
	attroff(attr);
}

/* A whole line in reverse video (title, headers). */
static void
bar(int y, const char *text)
{
	attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	mvaddnstr(y, 0, text, COLS);
	attroff(A_REVERSE);
}

void
ui_message(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui.msg, sizeof(ui.msg), fmt, ap);
	va_end(ap);
}

void
ui_prompt(const char *label, const char *initial,
    void (*done)(const char *text))
{
	ui.prompting = true;
	ui.pincremental = false;
	snprintf(ui.plabel, sizeof(ui.plabel), "%s", label);
	snprintf(ui.ptext, sizeof(ui.ptext), "%s", initial ? initial : "");
	ui.pdone = done;
}

int
draw_text(int y, int rows, const char *text, int skip)
{
	const char *p = text, *nl;
	int line = 0, len;

	while (p != NULL && *p != '\0') {
		nl = strchr(p, '\n');
		len = nl ? (int)(nl - p) : (int)strlen(p);
		if (line >= skip && line - skip < rows) {
			move(y + line - skip, 0);
			addnstr(p, len < COLS ? len : COLS);
		}
		line++;
		p = nl ? nl + 1 : NULL;
	}
	return line;
}

/*
 * The overview's rows.
 */
static bool
matches(const char *name)
{
	return ui.filter[0] == '\0' || strcasestr(name, ui.filter) != NULL;
}

static int
state_rank(const struct cnode *n)
{
	if (strcmp(n->state, "up") == 0)
		return n->answers == ANS_NO ? 1 : 2;
	return 0;	/* trouble first */
}

static int
node_cmp(const void *a, const void *b)
{
	const struct cnode *x = &con.nodes[*(const int *)a];
	const struct cnode *y = &con.nodes[*(const int *)b];
	int r = 0;

	switch (ui.sort) {
	case SORT_STATE:
		r = state_rank(x) - state_rank(y);
		break;
	case SORT_IN:
		r = x->ipk < y->ipk ? 1 : x->ipk > y->ipk ? -1 : 0;
		break;
	case SORT_OUT:
		r = x->opk < y->opk ? 1 : x->opk > y->opk ? -1 : 0;
		break;
	case SORT_PID:
		r = (int)x->pid - (int)y->pid;
		break;
	default:
		break;
	}
	/* Names in version order: r2 before r10. */
	if (r == 0)
		r = strverscmp(con.lab->nodes[x->index].name,
		    con.lab->nodes[y->index].name);
	return ui.reverse ? -r : r;
}

static int
bus_cmp(const void *a, const void *b)
{
	const struct cbus *x = &con.buses[*(const int *)a];
	const struct cbus *y = &con.buses[*(const int *)b];
	int r = 0;

	if (ui.sort == SORT_IN || ui.sort == SORT_OUT)
		r = x->fps < y->fps ? 1 : x->fps > y->fps ? -1 : 0;
	if (r == 0)
		r = strverscmp(con.lab->buses[x->index].name,
		    con.lab->buses[y->index].name);
	return ui.reverse ? -r : r;
}

int
overview_nodes(int *idx, int max)
{
	int i, n = 0;

	for (i = 0; i < con.lab->nnodes && n < max; i++)
		if (matches(con.lab->nodes[i].name))
			idx[n++] = i;
	qsort(idx, (size_t)n, sizeof(*idx), node_cmp);
	return n;
}

int
overview_buses(int *idx, int max)
{
	int i, n = 0;

	for (i = 0; i < con.lab->nbuses && n < max; i++)
		if (matches(con.lab->buses[i].name))
			idx[n++] = i;
	qsort(idx, (size_t)n, sizeof(*idx), bus_cmp);
	return n;
}

/* "12.3k" */
static void
human(double v, char *buf, size_t len)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.1fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.1fM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, len, "%.1fk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
}

static const char *
node_state(const struct cnode *n)
{
	if (strcmp(n->state, "up") == 0 && n->answers == ANS_NO)
		return "no-reply";
	return n->state;
}

/* "shmif0:lan1 shmif1:core" from the topology. */
static void
node_ifaces(int k, char *buf, size_t len)
{
	const struct lab_node *ln = &con.lab->nodes[k];
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < ln->nifaces && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s:%s",
		    i ? " " : "", ln->ifaces[i].name,
		    con.lab->buses[ln->ifaces[i].bus].name);
}

static void
links_text(const struct cnode *n, char *buf, size_t len)
{
	int i, up = 0, all = 0;

	if (n->answers != ANS_YES || n->nifs == 0) {
		snprintf(buf, len, "%d", con.lab->nodes[n->index].nifaces);
		return;
	}
	for (i = 0; i < n->nifs; i++) {
		if (strncmp(n->ifs[i].name, "lo", 2) == 0)
			continue;
		all++;
		up += n->ifs[i].link && (n->ifs[i].flags & 1);
	}
	snprintf(buf, len, "%d/%d", up, all);
}

static void
scroll_into_view(int list, int count, int rows)
{
	if (ui.sel[list] >= count)
		ui.sel[list] = count - 1;
	if (ui.sel[list] < 0)
		ui.sel[list] = 0;
	if (ui.top[list] > ui.sel[list])
		ui.top[list] = ui.sel[list];
	if (ui.sel[list] >= ui.top[list] + rows)
		ui.top[list] = ui.sel[list] - rows + 1;
	if (ui.top[list] < 0)
		ui.top[list] = 0;
}

static void
draw_nodes(int y, int rows)
{
	static const char *sortname[] = { "name", "state", "in", "out",
		"pid" };
	int *idx, n, i, k, nw = 8, ifw = COLS >= 120 ? 31 : COLS >= 100 ? 24 : 0;
	char head[512], in[16], out[16], links[32], ifs[256];
	struct cnode *cn;

	if ((idx = calloc((size_t)con.lab->nnodes + 1, sizeof(int))) == NULL)
		return;
	n = overview_nodes(idx, con.lab->nnodes);
	for (i = 0; i < con.lab->nnodes; i++) {
		con.nodes[i].visible = false;
		k = (int)strlen(con.lab->nodes[i].name);
		nw = k > nw ? k : nw;
	}
	nw = nw > 16 ? 16 : nw;
	snprintf(head, sizeof(head), "%s NODES %d/%d%s%s  sort: %s%s",
	    ui.focus == 0 ? ">" : " ", n, con.lab->nnodes,
	    ui.filter[0] ? "  filter: " : "", ui.filter, sortname[ui.sort],
	    ui.reverse ? " (reversed)" : "");
	put(y, 0, A_BOLD, "%s", head);
	put(y + 1, 0, A_UNDERLINE, "  %-*s %-8s %7s %5s %8s %8s %-*s%s", nw,
	    "NAME", "STATE", "PID", "LINKS", "PKTS-IN", "PKTS-OUT", ifw,
	    ifw ? "INTERFACES" : "", "LAST EVENT");
	rows -= 2;
	scroll_into_view(0, n, rows);
	for (i = ui.top[0]; i < n && i - ui.top[0] < rows; i++) {
		cn = &con.nodes[idx[i]];
		cn->visible = true;
		human((double)cn->ipk, in, sizeof(in));
		human((double)cn->opk, out, sizeof(out));
		links_text(cn, links, sizeof(links));
		ifs[0] = '\0';
		if (ifw > 0) {
			node_ifaces(idx[i], ifs, (size_t)ifw);
			snprintf(ifs + strlen(ifs), sizeof(ifs) - strlen(ifs),
			    "%*s", ifw - (int)strlen(ifs), "");
		}
		put(y + 2 + i - ui.top[0], 0, i == ui.sel[0] && ui.focus == 0 ?
		    A_REVERSE : (strcmp(node_state(cn), "up") != 0 ? A_BOLD :
		    0), "  %-*.*s %-8s %7d %5s %8s %8s %s%s", nw, nw,
		    con.lab->nodes[idx[i]].name, node_state(cn), (int)cn->pid,
		    links, cn->answers == ANS_YES ? in : "-",
		    cn->answers == ANS_YES ? out : "-", ifs, cn->event);
	}
	if (n == 0)
		put(y + 2, 2, 0, "(no node matches '%s')", ui.filter);
	free(idx);
}

static void
bus_members(int b, char *buf, size_t len)
{
	const struct lab_bus *lb = &con.lab->buses[b];
	const struct lab_member *m;
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < lb->nmembers && off < len; i++) {
		m = &lb->members[i];
		off += (size_t)snprintf(buf + off, len - off, "%s%s:%s",
		    i ? " " : "", con.lab->nodes[m->node].name,
		    con.lab->nodes[m->node].ifaces[m->iface].name);
	}
	/* A host tap on it: the host's side of the segment. */
	if (lb->tap.name != NULL && off < len)
		snprintf(buf + off, len - off, " host-tap:%s", lb->tap.name);
}

static void
draw_buses(int y, int rows)
{
	int *idx, n, i, k, bw = 8;
	char fps[16], bps[16], lost[16], mem[512];
	struct cbus *cb;

	if ((idx = calloc((size_t)con.lab->nbuses + 1, sizeof(int))) == NULL)
		return;
	n = overview_buses(idx, con.lab->nbuses);
	for (i = 0; i < con.lab->nbuses; i++) {
		con.buses[i].visible = false;
		k = (int)strlen(con.lab->buses[i].name);
		bw = k > bw ? k : bw;
	}
	bw = bw > 16 ? 16 : bw;
	put(y, 0, A_BOLD, "%s BUSES %d/%d", ui.focus == 1 ? ">" : " ", n,
	    con.lab->nbuses);
	put(y + 1, 0, A_UNDERLINE, "  %-*s %4s %-8s %9s %9s %7s %s", bw,
	    "NAME", "IFS", "LINK", "FRAMES/S", "BYTES/S", "LOST", "ATTACHED");
	rows -= 2;
	scroll_into_view(1, n, rows);
	for (i = ui.top[1]; i < n && i - ui.top[1] < rows; i++) {
		cb = &con.buses[idx[i]];
		cb->visible = true;
		if (cb->obs == NULL)
			lab_bus_attach(idx[i]);
		human(cb->fps, fps, sizeof(fps));
		human(cb->bps, bps, sizeof(bps));
		snprintf(lost, sizeof(lost), "%llu",
		    (unsigned long long)cb->lost);
		bus_members(idx[i], mem, sizeof(mem));
		put(y + 2 + i - ui.top[1], 0, i == ui.sel[1] && ui.focus == 1 ?
		    A_REVERSE : cb->cut || cb->impaired ? A_BOLD : 0,
		    "  %-*.*s %4d %-8s %9s %9s %7s %s", bw, bw,
		    con.lab->buses[idx[i]].name,
		    con.lab->buses[idx[i]].nmembers, cb->cut ? "cut" :
		    cb->impaired ? "impaired" : "-", cb->obs ? fps : "-",
		    cb->obs ? bps : "-", cb->obs ? lost : "-",
		    cb->obs || cb->err[0] == '\0' ||
		    con.lab->buses[idx[i]].tapseg ? mem : cb->err);
	}
	if (n == 0)
		put(y + 2, 2, 0, "(no bus matches '%s')", ui.filter);
	free(idx);
}

static void
draw_overview(int top, int rows)
{
	int nrows;

	if (con.lab->nbuses == 0) {
		draw_nodes(top, rows);
		return;
	}
	nrows = rows * 3 / 5;
	if (nrows < 4)
		nrows = 4;
	draw_nodes(top, nrows);
	draw_buses(top + nrows, rows - nrows);
}

static void
draw_title(void)
{
	char t[512];
	int i, up = 0;

	for (i = 0; i < con.lab->nnodes; i++)
		up += strcmp(con.nodes[i].state, "up") == 0;
	if (con.supanswers)
		snprintf(t, sizeof(t), " rumplab console: lab %s, %d/%d nodes "
		    "up, %d buses, supervisor %d (%s)%s%s", con.labname, up,
		    con.lab->nnodes, con.lab->nbuses, (int)con.suppid,
		    con.supstate, con.hosts[0] ? "; hosts " : "", con.hosts);
	else
		snprintf(t, sizeof(t), " rumplab console: lab %s: %s",
		    con.labname, con.supwhy[0] ? con.supwhy :
		    "asking the supervisor...");
	bar(0, t);
	if (COLS > (int)strlen(t) + 10)
		put(0, COLS - 9, A_REVERSE, "? help ");
}

/* The action pane: the newest action's title and last output lines. */
static int
draw_pane(int bottom)
{
	char title[256];
	const char *text, *p;
	int n, lines = 0, skip, rows = LINES >= 30 ? 6 : 4;

	if (act_pane(title, sizeof(title), &text) == 0)
		return 0;
	for (p = text; *p != '\0'; p++)
		lines += *p == '\n';
	if (*text != '\0' && text[strlen(text) - 1] != '\n')
		lines++;
	n = lines < rows - 1 ? lines : rows - 1;
	skip = lines - n;
	bar(bottom - n - 1, title);
	draw_text(bottom - n, n, text, skip);
	return n + 1;
}

static void
draw_bottom(void)
{
	int y = LINES - 1;

	move(y, 0);
	clrtoeol();
	if (ui.prompting) {
		put(y, 0, A_BOLD, "%s", ui.plabel);
		put(y, (int)strlen(ui.plabel), 0, "%s", ui.ptext);
		curs_set(1);
		move(y, (int)(strlen(ui.plabel) + strlen(ui.ptext)) < COLS - 1 ?
		    (int)(strlen(ui.plabel) + strlen(ui.ptext)) : COLS - 1);
		return;
	}
	curs_set(0);
	if (ui.msg[0] != '\0')
		put(y, 0, A_BOLD, "%s", ui.msg);
	else if (ui.screen == SCR_OVERVIEW)
		put(y, 0, 0, "Enter:open Tab:switch /:filter s:sort p:ping "
		    "d/u:link R:restart ?:help q:quit");
	else if (ui.screen == SCR_NODE)
		put(y, 0, 0, "1-9:section p:ping d/u:link down/up i:impair "
		    "R:restart ?:help q:back");
	else
		put(y, 0, 0, "space:pause c:capture m:MACs d/u:cut/join "
		    "i:impair ?:help q:back");
}

static void	draw_help(void);

void
draw(void)
{
	int pane, body;

	erase();
	draw_title();
	pane = draw_pane(LINES - 1);
	body = LINES - 2 - pane;
	if (body < 1)
		body = 1;
	switch (ui.screen) {
	case SCR_OVERVIEW:
		draw_overview(1, body);
		break;
	case SCR_NODE:
		node_page_draw(1, body);
		break;
	case SCR_BUS:
		bus_page_draw(1, body);
		break;
	}
	if (ui.help)
		draw_help();
	draw_bottom();
	refresh();
}

/*
 * The keys in a bordered box as wide as its longest line, between the
 * title bar and the bottom line: 20 lines fit a 24-line terminal.
 */
static void
draw_help(void)
{
	static const char *keys[] = {
		"Keys (any screen)",
		"  ?            this help (any key closes it)",
		"  q, Esc       back to the overview; q there quits",
		"  Q, Ctrl-C    quit",
		"  arrows PgUp PgDn Home End   move, scroll",
		"  x            hide the action pane",
		"Overview",
		"  Enter, Tab   open the selected page; nodes <-> buses",
		"  /            filter by name (Enter keeps, Esc clears)",
		"  s / o        sort by name, state, in, out, pid / reverse",
		"Node (overview or node page)",
		"  p            ping from the node to an address",
		"  d / u / i    an interface down / up / impaired (delay 20ms)",
		"  R            restart the node",
		"  1..9         node page: interfaces, routes, ARP, ND,",
		"               sockets, kernel log, sysctl, file systems, RIP",
		"Bus (bus list or bus page)",
		"  d / u / i    cut / join / impair the bus",
		"  c            start / stop a capture to a pcap file",
		"  space, m     bus page: pause / follow; MAC addresses",
	};
	int n = (int)(sizeof(keys) / sizeof(keys[0]));
	int w = 0, h = n + 2, y0, x0, i, len;

	for (i = 0; i < n; i++)
		if ((len = (int)strlen(keys[i])) > w)
			w = len;
	w += 4;			/* border and a space each side */
	if (w > COLS)
		w = COLS;
	if (h > LINES - 2)
		h = LINES - 2;
	y0 = 1 + (LINES - 2 - h) / 2;
	x0 = (COLS - w) / 2;
	attron(A_REVERSE);
	for (i = 0; i < h; i++)
		mvhline(y0 + i, x0, ' ', w);
	mvaddch(y0, x0, ACS_ULCORNER);
	mvhline(y0, x0 + 1, ACS_HLINE, w - 2);
	mvaddch(y0, x0 + w - 1, ACS_URCORNER);
	mvvline(y0 + 1, x0, ACS_VLINE, h - 2);
	mvvline(y0 + 1, x0 + w - 1, ACS_VLINE, h - 2);
	mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
	mvhline(y0 + h - 1, x0 + 1, ACS_HLINE, w - 2);
	mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
	for (i = 0; i < n && i < h - 2; i++) {
		attron(keys[i][0] != ' ' ? A_BOLD : 0);
		mvaddnstr(y0 + 1 + i, x0 + 2, keys[i], w - 4);
		attroff(A_BOLD);
	}
	attroff(A_REVERSE);
}
