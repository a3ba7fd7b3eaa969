/*
 * console.h — `rumplab console`: the parts of the ncurses console and
 * what they share.
 *
 *	console.c	the verb: options, the terminal, signals, main loop, keys
 *	console_job.c	child processes whose output the console collects
 *	console_lab.c	the lab's state: supervisor status, node counters,
 *			bus observers and their rates
 *	console_draw.c	the overview, help, prompt and action pane
 *	console_node.c	a node's page (the rump.* commands' output)
 *	console_bus.c	a bus's page (decoded frames) and captures
 *	console_act.c	the keyboard's actions: ping, link, restart
 *
 * Threads: one.  Nothing the console does waits for a node or the
 * supervisor: every such question runs in a child process (a "job",
 * console_job.c) with a deadline; the main loop polls the terminal and
 * the jobs' pipes, and a job that misses its deadline is killed and its
 * node shown as "not answering".  Bus files are read in the main loop
 * (shmif_recv never blocks).  All state below belongs to that loop.
 */
#ifndef RUMPLAB_VIZ_CONSOLE_H
#define RUMPLAB_VIZ_CONSOLE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lab/child.h"
#include "lab/lab.h"
#include "lab/labview.h"
#include "lab/statedir.h"

struct shmif_bus;

/*
 * Jobs (console_job.c).  A job is a child process (lab/child.h) in a
 * process group of its own with its stdout and stderr on a pipe; its
 * output accumulates in `out` (the last JOB_OUTMAX bytes, a line at a
 * time, each ending in a newline), and `done` runs once it exited or was
 * killed.  The job is freed after `done` returns; owners that keep a
 * pointer to a running job clear it in `done`.
 */
#define JOB_OUTMAX	(256 * 1024)

struct job;
typedef void (*job_done_fn)(struct job *j, void *arg);

struct job {
	struct child	 c;		/* c.timedout, c.status once ended */
	char		*out;		/* NUL-terminated */
	size_t		 len, cap;
	job_done_fn	 done;
	void		*arg;
	struct job	*next;
};

/* Runs fn(arg) in a child (its stdout/stderr the pipe); the child exits
 * with fn's return value.  NULL when fork fails. */
struct job *job_fork(int (*fn)(void *), void *arg, int timeout_ms,
	    job_done_fn done, void *donearg);
/* Runs argv with RUMP_SERVER=url (when url is not NULL). */
struct job *job_exec(char *const argv[], const char *url, int timeout_ms,
	    job_done_fn done, void *donearg);
/* SIGTERM now; the job ends (and `done` runs) when the child exits. */
void	job_stop(struct job *j);
/* Pollfds of running jobs into pfd (at most max); returns how many. */
int	jobs_pollfds(struct pollfd *pfd, int max);
/* Reads what the pipes hold, reaps, enforces deadlines, runs `done`. */
void	jobs_service(void);
/* Kills every job and reaps it (exit). */
void	jobs_kill_all(void);
/* Exit code text: "exit 0", "killed by signal 9", "no reply in 3 s". */
void	job_result(const struct job *j, char *buf, size_t len);
/* The rump.* command `name` beside this rumplab, else from PATH. */
void	job_command(const char *name, char *buf, size_t len);

uint64_t console_now(void);	/* monotonic milliseconds */

/*
 * The lab as the console sees it (console_lab.c).
 */
#define CIF_MAX		256	/* interfaces per node shown with counters */

struct cif {
	char		 name[16];
	uint32_t	 flags, mtu;
	bool		 link;
	uint64_t	 ipk, opk, ibytes, obytes, ierr, oerr;
};

enum answer { ANS_UNKNOWN, ANS_YES, ANS_NO };

struct cnode {
	int		 index;		/* in lab->nodes */
	char		 state[16];	/* from the supervisor */
	pid_t		 pid;
	char		 why[160];	/* the supervisor's reason */
	char		 event[200];	/* last event shown */
	char		 lastlog[200];	/* the log's last line, as last read */
	char		 myevent[200];	/* the console's own action on it,
					 * shown until the log moves on */
	enum answer	 answers;
	char		 noanswer[160];	/* why not answering */
	struct cif	*ifs;		/* counters, nifs of them */
	int		 nifs;
	uint64_t	 ipk, opk;	/* totals without lo0 */
	struct svcview	*svcs;		/* its services (lab's nrun), from the
					 * supervisor's status */
	struct job	*fetch;		/* counters job in flight */
	uint64_t	 fetched;	/* ms of the last fetch started */
	bool		 visible;	/* drawn in the last frame */
};

struct cbus {
	int		 index;		/* in lab->buses */
	struct shmif_bus *obs;		/* observer, NULL when detached */
	char		 err[160];
	uint64_t	 frames, bytes;	/* seen since attached */
	uint64_t	 pframes, pbytes; /* at the last tick */
	double		 fps, bps;
	uint64_t	 lost;
	bool		 visible;
	uint64_t	 seen;		/* ms it was last visible */
	/* The bus's own settings: as the topology sets them, unless the
	 * supervisor's status says they were changed at run time. */
	bool		 plan_cut, plan_impaired;
	bool		 cut, impaired;
};

struct console {
	char		 dir[STATEDIR_PATHMAX];
	const char	*labname;
	struct lab	*lab;
	struct cnode	*nodes;		/* lab->nnodes */
	struct cbus	*buses;		/* lab->nbuses */
	char		 supstate[32];	/* supervisor's lab state */
	pid_t		 suppid;
	bool		 supanswers;
	char		 supwhy[200];
	char		 hosts[256];	/* across machines: "a here, b lost" */
	struct job	*status;	/* supervisor status in flight */
	uint64_t	 lasttick;
	int		 nattached;
};

extern struct console con;

int	lab_start(const char *dir);
void	lab_stop(void);
/* Once a second: status, counters of visible nodes, bus rates. */
void	lab_tick(void);
/* Every loop: read the attached buses (counts; the bus page's frames). */
void	lab_read_buses(void);
/* The bus observer, attached on demand; NULL (err set) when it fails. */
struct shmif_bus *lab_bus_attach(int b);
/* A lab across machines: is bus b's file on another host?  Then err
 * says which, and how to see its frames. */
bool	lab_bus_elsewhere(int b, char *err, size_t len);
/* Node page sections and the counters job both want the node's URL. */
void	lab_node_url(int n, char *buf, size_t len);
/* Start a counters fetch for node n now (unless one runs). */
void	lab_fetch_node(int n);

/*
 * Screens, keys and drawing (console.c, console_draw.c, console_node.c,
 * console_bus.c).
 */
enum cscreen { SCR_OVERVIEW, SCR_NODE, SCR_BUS };
enum sortkey { SORT_NAME, SORT_STATE, SORT_IN, SORT_OUT, SORT_PID,
	SORT_N };

struct ui {
	enum cscreen	 screen;
	bool		 help;
	int		 focus;		/* overview: 0 nodes, 1 buses */
	int		 sel[2], top[2];	/* selection and scroll per list */
	enum sortkey	 sort;
	bool		 reverse;
	char		 filter[64];
	int		 node, bus;	/* the page's node or bus */
	int		 scroll;	/* page scroll (lines from the top) */
	int		 anchor;	/* node page: section kept at the top
					 * as the text above it changes; -1 */
	bool		 paused;	/* bus page */
	bool		 showmac;	/* bus page: MAC addresses */
	char		 msg[256];	/* bottom line */
	bool		 quit;
	/* Prompt: a line being edited at the bottom. */
	bool		 prompting;
	char		 plabel[128];
	char		 ptext[256];
	void		(*pdone)(const char *text);
	bool		 pincremental;	/* filter: applies while typing */
};

extern struct ui ui;

void	draw(void);
/* Rows of the overview's lists after filtering and sorting. */
int	overview_nodes(int *idx, int max);
int	overview_buses(int *idx, int max);
void	ui_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	ui_prompt(const char *label, const char *initial,
	    void (*done)(const char *text));
/* Draws text lines (clipped) in rows [y, y+rows); returns lines total. */
int	draw_text(int y, int rows, const char *text, int skip);

void	node_page_open(int n);
void	node_page_close(void);
void	node_page_tick(void);
void	node_page_draw(int top, int rows);
/* Keep section k (0..6) at the top of the page; -1 lets it scroll. */
void	node_page_anchor(int k);

void	bus_page_open(int b);
void	bus_page_close(void);
/* Frames read by the bus page's own (rewound) observer. */
void	bus_page_read(void);
void	bus_page_draw(int top, int rows);
void	bus_page_key(int key);
void	capture_key(int b);
void	capture_stop_all(void);

/*
 * Actions (console_act.c): each runs as a job; the newest one's output
 * shows in the action pane until dismissed.
 */
void	act_ping(int n);
void	act_link(int n, bool up);
void	act_impair(int n);
void	act_restart(int n);
/* A bus: cut (up false) or join it; impair it (`link set` words). */
void	act_bus_link(int b, bool up);
void	act_bus_impair(int b);
/* Lines for the pane (title first); 0 when nothing to show. */
int	act_pane(char *title, size_t tlen, const char **text);
void	act_dismiss(void);
/* Runs fn(arg) in a child, or argv with RUMP_SERVER=url, as the newest
 * action. */
void	act_run(const char *title, int (*fn)(void *), void *arg,
	    char *const argv[], const char *url, int timeout_ms);

#endif
