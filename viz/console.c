/*
 * console.c — `rumplab console [LAB]`: the verb, the terminal and the
 * main loop (the other parts: viz/console.h).
 *
 * One thread polls the terminal and the jobs' pipes with a short
 * timeout, reads the buses it shows, asks the lab once a second (in
 * jobs) and redraws.  The terminal is restored on every way out: q, a
 * signal (Ctrl-C, SIGTERM, SIGHUP when an ssh session drops), or an
 * error after curses started; the children are killed by process group
 * and reaped, and running captures are stopped so their files are whole.
 */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/labctl.h"
#include "lab/verbs.h"
#include "viz/console.h"

#define LOOP_MS		200
#define TICK_MS		1000
#define MAXPOLL		256

static int got_signal;

/*
 * SIGINT, SIGTERM and SIGHUP arrive on a signalfd in the poll set, so
 * the loop sees them between two steps, never in the middle of one.
 * They stay blocked until the terminal is restored; children unblock
 * them (console_job.c).
 */
static int
signals_open(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigprocmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void
signals_read(int fd)
{
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		got_signal = (int)si.ssi_signo;
}

/* The node or bus under the overview's cursor; -1 when none. */
static int
selected(int list)
{
	int *idx, n, k = -1;
	int max = list == 0 ? con.lab->nnodes : con.lab->nbuses;

	if ((idx = calloc((size_t)max + 1, sizeof(int))) == NULL)
		return -1;
	n = list == 0 ? overview_nodes(idx, max) : overview_buses(idx, max);
	if (ui.sel[list] >= 0 && ui.sel[list] < n)
		k = idx[ui.sel[list]];
	free(idx);
	return k;
}

static void
filter_done(const char *text)
{
	snprintf(ui.filter, sizeof(ui.filter), "%s", text);
	ui.sel[0] = ui.sel[1] = 0;
	ui.top[0] = ui.top[1] = 0;
}

static void
prompt_key(int ch)
{
	size_t len = strlen(ui.ptext);

	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		ui.prompting = false;
		ui.pdone(ui.ptext);
	} else if (ch == 27) {
		ui.prompting = false;
		if (ui.pincremental)
			filter_done("");
		ui_message("cancelled");
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (len > 0)
			ui.ptext[len - 1] = '\0';
	} else if (ch == 21) {		/* Ctrl-U */
		ui.ptext[0] = '\0';
	} else if (ch >= 32 && ch < 127 && len < sizeof(ui.ptext) - 1) {
		ui.ptext[len] = (char)ch;
		ui.ptext[len + 1] = '\0';
	}
	if (ui.prompting && ui.pincremental)
		filter_done(ui.ptext);
}

/* Up/down/pages move a list cursor or a page's scroll. */
static bool
move_key(int ch, int *v, int page)
{
	switch (ch) {
	case KEY_UP:
	case 'k':
		(*v)--;
		return true;
	case KEY_DOWN:
	case 'j':
		(*v)++;
		return true;
	case KEY_PPAGE:
		*v -= page;
		return true;
	case KEY_NPAGE:
		*v += page;
		return true;
	case KEY_HOME:
		*v = 0;
		return true;
	case KEY_END:
		*v = 1 << 30;
		return true;
	}
	return false;
}

/* Keys acting on a node, from the overview or its page. */
static bool
node_key(int ch, int n)
{
	if (n < 0)
		return false;
	switch (ch) {
	case 'p':
		act_ping(n);
		return true;
	case 'd':
		act_link(n, false);
		return true;
	case 'u':
		act_link(n, true);
		return true;
	case 'i':
		act_impair(n);
		return true;
	case 'R':
		act_restart(n);
		return true;
	}
	return false;
}

/* Keys acting on a bus, from the bus list or its page. */
static bool
bus_key(int ch, int b)
{
	if (b < 0)
		return false;
	switch (ch) {
	case 'd':
		act_bus_link(b, false);
		return true;
	case 'u':
		act_bus_link(b, true);
		return true;
	case 'i':
		act_bus_impair(b);
		return true;
	case 'p':
	case 'R':
		ui_message("%c acts on a node: Tab to the nodes, or open one",
		    ch);
		return true;
	}
	return false;
}

static void
overview_key(int ch)
{
	int page = LINES / 3 > 1 ? LINES / 3 : 1, k;

	if (move_key(ch, &ui.sel[ui.focus], page))
		return;
	switch (ch) {
	case '\t':
		if (con.lab->nbuses > 0)
			ui.focus = !ui.focus;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
	case KEY_RIGHT:
		if ((k = selected(ui.focus)) < 0)
			break;
		if (ui.focus == 0)
			node_page_open(k);
		else
			bus_page_open(k);
		break;
	case '/':
		ui_prompt("filter by name: ", ui.filter, filter_done);
		ui.pincremental = true;
		break;
	case 's':
		ui.sort = (enum sortkey)((ui.sort + 1) % SORT_N);
		break;
	case 'o':
		ui.reverse = !ui.reverse;
		break;
	case 'c':
		if (ui.focus == 1 && (k = selected(1)) >= 0)
			capture_key(k);
		break;
	default:
		if (ui.focus == 0)
			node_key(ch, selected(0));
		else
			bus_key(ch, selected(1));
	}
}

static void
page_close(void)
{
	if (ui.screen == SCR_NODE)
		node_page_close();
	else if (ui.screen == SCR_BUS)
		bus_page_close();
}

static void
key(int ch)
{
	int page = LINES > 6 ? LINES - 6 : 1, v;

	if (ch == KEY_RESIZE || ch == ERR)
		return;
	if (ui.help) {
		ui.help = false;
		return;
	}
	if (ui.prompting) {
		prompt_key(ch);
		return;
	}
	ui.msg[0] = '\0';
	switch (ch) {
	case '?':
		ui.help = true;
		return;
	case 'Q':
		ui.quit = true;
		return;
	case 'x':
		act_dismiss();
		return;
	case 12:	/* Ctrl-L */
		clearok(curscr, TRUE);
		return;
	case 'q':
	case 27:
	case KEY_LEFT:
		if (ui.screen == SCR_OVERVIEW) {
			if (ch == 'q')
				ui.quit = true;
		} else
			page_close();
		return;
	}
	switch (ui.screen) {
	case SCR_OVERVIEW:
		overview_key(ch);
		break;
	case SCR_NODE:
		if (ch >= '1' && ch <= '9')
			node_page_anchor(ch - '1');
		else if (move_key(ch, &ui.scroll, page))
			node_page_anchor(-1);
		else
			node_key(ch, ui.node);
		break;
	case SCR_BUS:
		/* Scroll counts lines back from the newest: up goes back in
		 * time, so it pauses the view first. */
		v = 0;
		if (move_key(ch, &v, page)) {
			if (!ui.paused && (v < 0 || ch == KEY_HOME))
				bus_page_key(' ');
			if (ch == KEY_HOME)
				ui.scroll = 1 << 30;
			else if (ch == KEY_END)
				ui.scroll = 0;
			else
				ui.scroll -= v;
			break;
		}
		if (!bus_key(ch, ui.bus))
			bus_page_key(ch);
		break;
	}
}

static void
loop(int sigfd)
{
	struct pollfd pfd[MAXPOLL];
	int n, ch;

	while (!ui.quit && !got_signal) {
		if (console_now() - con.lasttick >= TICK_MS) {
			lab_tick();
			node_page_tick();
		}
		lab_read_buses();
		if (ui.screen == SCR_BUS)
			bus_page_read();
		draw();
		pfd[0].fd = 0;
		pfd[1].fd = sigfd;
		pfd[0].events = pfd[1].events = POLLIN;
		pfd[0].revents = pfd[1].revents = 0;
		n = 2 + jobs_pollfds(pfd + 2, MAXPOLL - 2);
		if (poll(pfd, (nfds_t)n, LOOP_MS) < 0 && errno != EINTR)
			break;
		signals_read(sigfd);
		jobs_service();
		while ((ch = getch()) != ERR)
			key(ch);
	}
}

static int
usage_error(void)
{
	verb_usage("console", stderr);
	return EXIT_USAGE;
}

int
verb_console(int argc, char **argv)
{
	char dir[STATEDIR_PATHMAX], why[600];
	const char *name = NULL;
	sigset_t sigs;
	SCREEN *scr;
	int i, r, sigfd;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' && name == NULL)
			name = argv[i];
		else
			return usage_error();
	}
	if (verb_lab("console", name, &name) != 0)
		return EXIT_USAGE;
	if ((r = labctl_find(name, dir, sizeof(dir), why, sizeof(why))) != 0) {
		fprintf(stderr, "rumplab console: %s%s\n", why,
		    r == -EEXIST ? " (name one: rumplab console LAB)" : "");
		return r == -EEXIST ? EXIT_USAGE : 1;
	}
	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, "rumplab console: needs a terminal on stdin "
		    "and stdout (over ssh: ssh -t; for scripts: rumplab "
		    "status)\n");
		return 1;
	}
	if ((r = lab_start(dir)) != 0) {
		fprintf(stderr, "rumplab console: lab %s: cannot read %s/"
		    "topology.yaml: %s\n", labctl_name(dir), dir,
		    strerror(-r));
		lab_stop();
		return 1;
	}
	setlocale(LC_ALL, "");
	if ((scr = newterm(NULL, stdout, stdin)) == NULL) {
		fprintf(stderr, "rumplab console: cannot use terminal type "
		    "'%s' (set TERM, e.g. TERM=xterm)\n",
		    getenv("TERM") ? getenv("TERM") : "");
		lab_stop();
		return 1;
	}
	if ((sigfd = signals_open(&sigs)) < 0) {
		endwin();
		delscreen(scr);
		lab_stop();
		fprintf(stderr, "rumplab console: signalfd: %s\n",
		    strerror(errno));
		return 1;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	loop(sigfd);
	/* The pages first: they drop their jobs, which jobs_kill_all()
	 * would free under them. */
	if (ui.screen == SCR_NODE)
		node_page_close();
	bus_page_close();
	capture_stop_all();
	jobs_kill_all();
	endwin();
	delscreen(scr);
	close(sigfd);
	sigprocmask(SIG_UNBLOCK, &sigs, NULL);
	lab_stop();
	/* Ctrl-C is a way to quit; SIGTERM and SIGHUP stopped us. */
	if (got_signal != 0 && got_signal != SIGINT) {
		fprintf(stderr, "rumplab console: stopped by signal %d\n",
		    got_signal);
		return 128 + got_signal;
	}
	return 0;
}
