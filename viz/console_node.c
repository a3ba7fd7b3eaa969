/*
 * console_node.c — a node's page: its services (the supervisor's word on
 * its run: commands), then its interfaces (addresses, MAC, MTU, link
 * state, counters), routing table, ARP and ND caches, sockets, kernel log,
 * sysctl knobs, for a node with file systems its mounts, and for a node
 * with routing: rip its RIP table and timers.
 *
 * Each section is what the node's own command prints (rump.ifconfig,
 * rump.netstat, rump.arp, rump.ndp, rump.dmesg, rump.sysctl, rump.mount,
 * rump.routed -l, run with
 * RUMP_SERVER set to the node), so the page shows exactly what a user
 * would see typing them, in their familiar formats, and the console
 * carries no second copy of their code.  Each runs as a job with a
 * deadline and is run again every REFRESH_MS while the page is open;
 * the last good text stays on screen while the next one comes, and a
 * section whose command overstays says the node is not answering.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "viz/console.h"

#define REFRESH_MS	2000
#define CMD_TIMEOUT_MS	3000
#define LOG_LINES	200

struct section {
	const char	*title;
	const char	*cmd;
	const char	*args[3];
	char		*text;		/* last output */
	char		 status[200];	/* "" when the text is current */
	struct job	*job;
	int		 line;		/* where it starts on the page */
};

static struct section sect[] = {
	{ "Interfaces", "rump.ifconfig", { "-a", "-v", NULL },
	    NULL, "", NULL, 0 },
	{ "Routing table", "rump.netstat", { "-rn", NULL, NULL },
	    NULL, "", NULL, 0 },
	{ "ARP cache", "rump.arp", { "-an", NULL, NULL }, NULL, "", NULL, 0 },
	{ "ND cache", "rump.ndp", { "-an", NULL, NULL }, NULL, "", NULL, 0 },
	{ "Sockets and connections", "rump.netstat", { "-an", NULL, NULL },
	    NULL, "", NULL, 0 },
	{ "Kernel log", "rump.dmesg", { NULL, NULL, NULL }, NULL, "", NULL,
	    0 },
	{ "sysctl", "rump.sysctl", { "-a", NULL, NULL }, NULL, "", NULL, 0 },
	{ "File systems", "rump.mount", { NULL, NULL, NULL }, NULL, "", NULL,
	    0 },
	{ "RIP routes and timers", "rump.routed", { "-l", NULL, NULL }, NULL,
	    "", NULL, 0 },
};
#define NSECT	((int)(sizeof(sect) / sizeof(sect[0])))
#define SECT_LOG	5
#define SECT_FS		7	/* only a node with fs: has a VFS to ask */
#define SECT_RIP	8	/* only a node that runs rump.routed */

static int
has_fs(void)
{
	return con.lab->nodes[ui.node].nfs > 0;
}

/* Is section i there for this node?  (The file systems section says
 * "none" on a node without fs:.) */
static bool
shown(int i)
{
	return i != SECT_RIP || lab_node_routing(con.lab, ui.node) ==
	    ROUTING_RIP;
}

static uint64_t last_run;
static char *page;		/* the composed page */
static int page_lines;

/* The last `lines` lines of text, in place. */
static char *
tail_lines(char *text, int lines)
{
	char *p = text + strlen(text);
	int n = 0;

	while (p > text) {
		p--;
		if (*p == '\n' && p[1] != '\0' && ++n >= lines)
			return p + 1;
	}
	return text;
}

static void
section_done(struct job *j, void *arg)
{
	struct section *s = arg;
	char res[64], *t;

	s->job = NULL;
	if (j->c.timedout) {
		snprintf(s->status, sizeof(s->status), "node not answering: "
		    "%s gave no reply in %d s%s", s->cmd, CMD_TIMEOUT_MS / 1000,
		    s->text ? " (older output below)" : "");
		return;
	}
	if (!WIFEXITED(j->c.status) || WEXITSTATUS(j->c.status) != 0) {
		job_result(j, res, sizeof(res));
		snprintf(s->status, sizeof(s->status), "%s failed (%s)",
		    s->cmd, res);
	} else
		s->status[0] = '\0';
	t = s == &sect[SECT_LOG] ? tail_lines(j->out, LOG_LINES) : j->out;
	free(s->text);
	s->text = strdup(t);
}

static void
run_sections(void)
{
	char url[STATEDIR_PATHMAX + 16], cmd[4096];
	char *argv[5];
	int i, k;

	lab_node_url(ui.node, url, sizeof(url));
	for (i = 0; i < NSECT; i++) {
		if (sect[i].job != NULL || !shown(i) ||
		    (i == SECT_FS && !has_fs()))
			continue;
		job_command(sect[i].cmd, cmd, sizeof(cmd));
		argv[0] = cmd;
		for (k = 0; k < 3 && sect[i].args[k] != NULL; k++)
			argv[k + 1] = (char *)sect[i].args[k];
		argv[k + 1] = NULL;
		sect[i].job = job_exec(argv, url, CMD_TIMEOUT_MS, section_done,
		    &sect[i]);
	}
	last_run = console_now();
}

void
node_page_open(int n)
{
	int i;

	node_page_close();
	ui.screen = SCR_NODE;
	ui.node = n;
	ui.scroll = 0;
	ui.anchor = -1;
	for (i = 0; i < NSECT; i++)
		snprintf(sect[i].status, sizeof(sect[i].status), "asking the "
		    "node...");
	lab_fetch_node(n);
	if (strcmp(con.nodes[n].state, "up") == 0)
		run_sections();
}

void
node_page_close(void)
{
	int i;

	for (i = 0; i < NSECT; i++) {
		if (sect[i].job != NULL) {
			sect[i].job->done = NULL;	/* orphan it */
			job_stop(sect[i].job);
			sect[i].job = NULL;
		}
		free(sect[i].text);
		sect[i].text = NULL;
	}
	free(page);
	page = NULL;
	ui.screen = SCR_OVERVIEW;
}

void
node_page_tick(void)
{
	if (ui.screen != SCR_NODE)
		return;
	if (strcmp(con.nodes[ui.node].state, "up") == 0 &&
	    console_now() - last_run >= REFRESH_MS)
		run_sections();
}

void
node_page_anchor(int k)
{
	ui.anchor = k >= 0 && k < NSECT && shown(k) ? k : -1;
}

/* A node that is not up has no kernel to ask: its log file instead. */
static int
log_tail(FILE *f)
{
	char path[STATEDIR_PATHMAX], buf[4096];
	const char *p;
	int lines = 1;

	statedir_log(con.dir, con.lab->nodes[ui.node].name, path);
	if (file_tail(path, 30, buf, sizeof(buf)) <= 0)
		return 0;
	fprintf(f, "   its log, %s:\n", path);
	for (p = buf; *p != '\0'; p++)
		lines += *p == '\n';
	fputs(buf, f);
	if (buf[strlen(buf) - 1] != '\n') {
		fputc('\n', f);
		lines++;
	}
	return lines;
}

/* Its services: state, pid and command, and the last lines of one that
 * ended; returns the lines written. */
static int
services_text(const struct cnode *n, FILE *f)
{
	const struct lab_node *ln = &con.lab->nodes[ui.node];
	const struct svcview *sv;
	const char *p, *nl;
	char st[48];
	int k, lines = 0;

	for (k = 0; k < ln->nrun; k++) {
		sv = &n->svcs[k];
		svcview_state(sv, st, sizeof(st));
		fprintf(f, "%-9s run%d %s, pid %d: %s\n", k ? "" : "services:",
		    k, st[0] ? st : "?", (int)sv->pid, ln->run[k]);
		lines++;
		for (p = sv->tail; *p != '\0' && (nl = strchr(p, '\n')) !=
		    NULL; p = nl + 1, lines++)
			fprintf(f, "%9s   | %.*s\n", "", (int)(nl - p), p);
	}
	return lines;
}

static void
compose(void)
{
	struct cnode *n = &con.nodes[ui.node];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int i, line = 0;
	const char *p;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return;
	fprintf(f, "node %s: %s, pid %d%s%s\n", con.lab->nodes[ui.node].name,
	    n->state, (int)n->pid, n->event[0] ? "; last event: " : "",
	    n->event);
	line++;
	line += services_text(n, f);
	for (i = 0; i < NSECT; i++) {
		if (!shown(i))
			continue;
		sect[i].line = line;
		fprintf(f, "== [%d] %s (%s%s%s%s%s) ==\n", i + 1, sect[i].title,
		    sect[i].cmd, sect[i].args[0] ? " " : "",
		    sect[i].args[0] ? sect[i].args[0] : "",
		    sect[i].args[1] ? " " : "",
		    sect[i].args[1] ? sect[i].args[1] : "");
		line++;
		if (i == SECT_FS && !has_fs()) {
			fprintf(f, "   none: the node has no fs: in the "
			    "topology\n\n");
			line += 2;
			continue;
		}
		if (strcmp(n->state, "up") != 0) {
			fprintf(f, "   the node is %s%s%s\n", n->state,
			    n->why[0] ? ": " : "", n->why);
			line++;
			if (i == SECT_LOG)
				line += log_tail(f);
		} else if (sect[i].status[0] != '\0') {
			fprintf(f, "   %s\n", sect[i].status);
			line++;
		}
		if (sect[i].text != NULL) {
			fputs(sect[i].text, f);
			for (p = sect[i].text; *p != '\0'; p++)
				line += *p == '\n';
			if (*sect[i].text != '\0' &&
			    sect[i].text[strlen(sect[i].text) - 1] != '\n') {
				fputc('\n', f);
				line++;
			}
		}
		fputc('\n', f);
		line++;
	}
	fclose(f);
	free(page);
	page = buf;
	page_lines = line;
}

static const char *
node_page_text(void)
{
	return page ? page : "";
}

void
node_page_draw(int top, int rows)
{
	compose();
	/* Sections above may have grown since the key was pressed. */
	if (ui.anchor >= 0)
		ui.scroll = sect[ui.anchor].line;
	if (ui.scroll > page_lines - rows)
		ui.scroll = page_lines - rows;
	if (ui.scroll < 0)
		ui.scroll = 0;
	draw_text(top, rows, node_page_text(), ui.scroll);
	if (rows > 0) {
		move(top, 0);
		chgat(-1, A_BOLD, 0, NULL);
	}
}
