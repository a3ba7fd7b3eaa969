/*
 * console_bus.c — a bus's page and bus captures (viz/console.h).
 *
 * The page reads the bus file itself with a read-only shmif observer of
 * its own, rewound on opening (shmif_rewind) so the frames still in the
 * ring show at once; every frame read is decoded into one line
 * (viz/decode.h) and kept in a ring of the last RING_LINES.  The view
 * follows the newest frames; space pauses it (frames are still read, so
 * the counts stay right) and the arrows then scroll back.
 *
 * A capture writes a bus's frames from now on to a pcap file in a child
 * process (a job without deadline): the child copies the bus with
 * lab/capture.c, as `rumplab capture` does, and on SIGTERM (c again, or
 * leaving the console) flushes, says how many frames it wrote and exits.
 */
#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lab/capture.h"
#include "shmif/shmif.h"
#include "viz/console.h"
#include "viz/decode.h"

#define RING_LINES	4000
#define LINE_MAX_	240
#define MAC_PREFIX	39	/* "xx:..:xx > xx:..:xx, " */

struct fline {
	uint32_t	 sec, usec;
	uint16_t	 macskip;	/* bytes of MAC prefix in text */
	uint8_t		 bad;		/* malformed: shown in bold */
	char		 text[LINE_MAX_];
};

static struct {
	struct shmif_bus *obs;
	char		 err[200];
	struct fline	*ring;
	uint64_t	 n;		/* lines ever added */
	uint64_t	 pause_at;	/* n when paused */
} bp;

/* Captures, one per bus at most. */
struct capture {
	int		 bus;
	char		 file[1024];
	struct job	*job;
	struct capture	*next;
};
static struct capture *captures;

void
bus_page_open(int b)
{
	char path[STATEDIR_PATHMAX + 80], rel[LAB_NAME_MAX + 8];
	struct shmif_opts o;

	bus_page_close();
	ui.screen = SCR_BUS;
	ui.bus = b;
	ui.scroll = 0;
	ui.paused = false;
	if (bp.ring == NULL &&
	    (bp.ring = calloc(RING_LINES, sizeof(*bp.ring))) == NULL) {
		snprintf(bp.err, sizeof(bp.err), "out of memory");
		return;
	}
	snprintf(rel, sizeof(rel), "bus/%s", con.lab->buses[b].name);
	statedir_file(con.dir, rel, path);
	memset(&o, 0, sizeof(o));
	o.flags = SHMIF_RDONLY | SHMIF_SEEALL;
	o.max_frame = con.lab->buses[b].max_frame;
	if (lab_bus_elsewhere(b, bp.err, sizeof(bp.err)) ||
	    shmif_attach(path, &o, &bp.obs, bp.err, sizeof(bp.err)) != 0) {
		bp.obs = NULL;
		return;
	}
	shmif_rewind(bp.obs);
	lab_bus_attach(b);
	bus_page_read();
}

void
bus_page_close(void)
{
	if (bp.obs != NULL)
		shmif_detach(bp.obs);
	bp.obs = NULL;
	bp.err[0] = '\0';
	bp.n = bp.pause_at = 0;
	ui.screen = SCR_OVERVIEW;
}

void
bus_page_read(void)
{
	struct shmif_rxframe rx[64];
	struct fline *l;
	int i, n;

	if (bp.obs == NULL)
		return;
	while ((n = shmif_recv(bp.obs, rx, 64)) > 0)
		for (i = 0; i < n; i++) {
			l = &bp.ring[bp.n % RING_LINES];
			l->sec = rx[i].sec;
			l->usec = rx[i].usec;
			l->bad = decode_frame(rx[i].data, rx[i].len,
			    DECODE_LINK, l->text, sizeof(l->text)) == DK_BAD;
			l->macskip = rx[i].len >= 14 &&
			    strlen(l->text) > MAC_PREFIX ? MAC_PREFIX : 0;
			bp.n++;
		}
}

static struct capture *
capture_of(int b)
{
	struct capture *c;

	for (c = captures; c != NULL; c = c->next)
		if (c->bus == b)
			return c;
	return NULL;
}

static void
draw_members(int *y, int end)
{
	const struct lab_bus *lb = &con.lab->buses[ui.bus];
	const struct lab_member *m;
	const struct cnode *n;
	const struct cif *f;
	const char *ifname;
	int i, k;

	move(*y, 0);
	attron(A_UNDERLINE);
	printw("  %-24s %-6s %5s %10s %10s %12s %12s", "INTERFACE", "LINK",
	    "MTU", "PKTS-IN", "PKTS-OUT", "BYTES-IN", "BYTES-OUT");
	attroff(A_UNDERLINE);
	(*y)++;
	for (i = 0; i < lb->nmembers && *y < end; i++, (*y)++) {
		m = &lb->members[i];
		n = &con.nodes[m->node];
		con.nodes[m->node].visible = true;
		ifname = con.lab->nodes[m->node].ifaces[m->iface].name;
		for (k = 0, f = NULL; k < n->nifs; k++)
			if (strcmp(n->ifs[k].name, ifname) == 0)
				f = &n->ifs[k];
		move(*y, 0);
		if (f == NULL || n->answers != ANS_YES)
			printw("  %-24.24s %s", "", strcmp(n->state, "up") ?
			    n->state : n->answers == ANS_NO ? n->noanswer :
			    "asking...");
		else
			printw("  %-24s %-6s %5u %10llu %10llu %12llu %12llu",
			    "", (f->flags & 1) && f->link ? "up" : "down",
			    f->mtu, (unsigned long long)f->ipk,
			    (unsigned long long)f->opk,
			    (unsigned long long)f->ibytes,
			    (unsigned long long)f->obytes);
		mvprintw(*y, 2, "%.12s:%s", con.lab->nodes[m->node].name,
		    ifname);
	}
}

void
bus_page_draw(int top, int rows)
{
	const struct cbus *cb = &con.buses[ui.bus];
	struct capture *c = capture_of(ui.bus);
	uint64_t end, first, k, oldest;
	struct fline *l;
	struct tm tm;
	time_t t;
	int y = top, bottom = top + rows, nrows;

	move(y++, 0);
	attron(A_BOLD);
	printw("bus %s: %d interfaces, %.0f frames/s, %.0f bytes/s, %llu lost",
	    con.lab->buses[ui.bus].name, con.lab->buses[ui.bus].nmembers,
	    cb->fps, cb->bps, (unsigned long long)cb->lost);
	attroff(A_BOLD);
	if (c != NULL)
		mvprintw(y++, 0, "capturing to %s", c->file);
	draw_members(&y, bottom - 3);
	move(y++, 0);
	attron(A_BOLD);
	if (bp.obs == NULL)
		printw("frames: cannot read the bus: %s", bp.err);
	else if (ui.paused)
		printw("frames: PAUSED (%llu new since; space follows again)",
		    (unsigned long long)(bp.n - bp.pause_at));
	else
		printw("frames: following (%llu read; space pauses)",
		    (unsigned long long)bp.n);
	attroff(A_BOLD);
	nrows = bottom - y;
	if (nrows <= 0 || bp.n == 0)
		return;
	/* Only the last RING_LINES frames are kept: a paused view whose
	 * frames were overwritten, or a scroll back beyond them, shows the
	 * oldest kept instead of nothing. */
	oldest = bp.n > RING_LINES ? bp.n - RING_LINES : 0;
	end = ui.paused ? bp.pause_at : bp.n;
	if (end < oldest + (uint64_t)nrows)
		end = oldest + (uint64_t)nrows < bp.n ?
		    oldest + (uint64_t)nrows : bp.n;
	if (ui.scroll < 0)
		ui.scroll = 0;
	if ((uint64_t)ui.scroll > end - oldest - (end - oldest <
	    (uint64_t)nrows ? end - oldest : (uint64_t)nrows))
		ui.scroll = (int)(end - oldest - (end - oldest <
		    (uint64_t)nrows ? end - oldest : (uint64_t)nrows));
	end -= (uint64_t)ui.scroll;
	first = end > (uint64_t)nrows ? end - (uint64_t)nrows : 0;
	if (first < oldest)
		first = oldest;
	for (k = first; k < end && y < bottom; k++, y++) {
		l = &bp.ring[k % RING_LINES];
		t = (time_t)l->sec;
		localtime_r(&t, &tm);
		mvprintw(y, 0, "%02d:%02d:%02d.%03u ", tm.tm_hour, tm.tm_min,
		    tm.tm_sec, l->usec / 1000);
		if (l->bad)
			attron(A_BOLD);
		addnstr(l->text + (ui.showmac ? 0 : l->macskip),
		    COLS > 13 ? COLS - 13 : 0);
		attroff(A_BOLD);
	}
}

void
bus_page_key(int key)
{
	switch (key) {
	case ' ':
		ui.paused = !ui.paused;
		bp.pause_at = bp.n;
		ui.scroll = 0;
		break;
	case 'm':
		ui.showmac = !ui.showmac;
		break;
	case 'c':
		capture_key(ui.bus);
		break;
	}
}

/*
 * Captures.
 */
static volatile sig_atomic_t capture_stop;

static void
capture_term(int sig)
{
	(void)sig;
	capture_stop = 1;
}

static int
capture_child(void *arg)
{
	struct capture *c = arg;
	char path[STATEDIR_PATHMAX + 80], rel[LAB_NAME_MAX + 8], err[256];
	struct capture_out out;
	struct shmif_bus *sb;
	unsigned long count = 0;

	signal(SIGTERM, capture_term);
	snprintf(rel, sizeof(rel), "bus/%s", con.lab->buses[c->bus].name);
	statedir_file(con.dir, rel, path);
	if (capture_attach(path, con.lab->buses[c->bus].max_frame, false,
	    &sb, err, sizeof(err)) != 0) {
		printf("error bus %s: %s\n", con.lab->buses[c->bus].name, err);
		return 1;
	}
	if (capture_open(&out, c->file, err, sizeof(err)) != 0) {
		printf("error %s (pick a writable file)\n", err);
		shmif_detach(sb);
		return 1;
	}
	printf("capturing bus %s to %s; c on its page stops\n",
	    con.lab->buses[c->bus].name, c->file);
	fflush(stdout);
	(void)capture_copy(sb, &out, &capture_stop, 0, NULL, NULL, &count);
	capture_close(&out);
	shmif_detach(sb);
	printf("%lu frames written to %s\n", count, c->file);
	return 0;
}

static void
capture_done(struct job *j, void *arg)
{
	struct capture *c = arg, **pp;
	char last[256], *nl;
	const char *p = j->out;

	/* The child's last line says how it ended. */
	while ((nl = strchr(p, '\n')) != NULL && nl[1] != '\0')
		p = nl + 1;
	snprintf(last, sizeof(last), "%s", p);
	if ((nl = strchr(last, '\n')) != NULL)
		*nl = '\0';
	ui_message("capture of %s ended: %s", con.lab->buses[c->bus].name,
	    last[0] ? last : "no output");
	for (pp = &captures; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	free(c);
}

static int capture_bus;

static void
capture_to(const char *file)
{
	struct capture *c;

	if (file[0] == '\0') {
		ui_message("capture: no file given");
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return;
	c->bus = capture_bus;
	snprintf(c->file, sizeof(c->file), "%s", file);
	if ((c->job = job_fork(capture_child, c, 0, capture_done, c)) ==
	    NULL) {
		ui_message("capture: could not start (fork: %s)",
		    strerror(errno));
		free(c);
		return;
	}
	c->next = captures;
	captures = c;
	ui_message("capture of bus %s to %s started (c again stops it)",
	    con.lab->buses[c->bus].name, c->file);
}

void
capture_key(int b)
{
	struct capture *c = capture_of(b);
	char def[LAB_NAME_MAX + 16], label[128];

	if (c != NULL) {
		job_stop(c->job);
		ui_message("stopping the capture of %s...",
		    con.lab->buses[b].name);
		return;
	}
	capture_bus = b;
	snprintf(def, sizeof(def), "%s.pcap", con.lab->buses[b].name);
	snprintf(label, sizeof(label), "capture bus %s to file: ",
	    con.lab->buses[b].name);
	ui_prompt(label, def, capture_to);
}

/* Stops every capture and waits (up to a second) for their files. */
void
capture_stop_all(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	struct capture *c;
	int i;

	for (c = captures; c != NULL; c = c->next)
		job_stop(c->job);
	for (i = 0; i < 50 && captures != NULL; i++) {
		nanosleep(&ts, NULL);
		jobs_service();
	}
}
