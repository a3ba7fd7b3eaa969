/*
 * child.h — a child process whose output we read as lines: start it (a
 * program, with posix_spawn; or a function of ours, in a fork), read its
 * standard output and error from one pipe a line at a time, kill it at a
 * deadline, reap it.  The lab's supervisor (workers, link pushes,
 * services), `up` (the supervisor's start), the node launcher, `check`,
 * the live graph and the console all run their children through here.
 *
 * A child starts with standard input on /dev/null, no signal blocked and
 * the signals its parents handle or ignore (TERM, INT, HUP, PIPE, CHLD,
 * WINCH) back at their defaults.  With CHILD_GROUP or CHILD_SESSION it
 * leads a process group of its own, and signals go to the whole group,
 * so whatever it started goes with it.
 *
 * Two ways to use one: blocking (child_run(), or child_start() then
 * child_drain()), where a signal that interrupts the wait kills the
 * child; or from a caller's own poll() loop: poll c->fd, child_read()
 * when it is readable, child_tick() for the deadline (its return value
 * bounds the poll), and child_reap() or, for a caller that reaps with
 * waitpid(-1), child_exited().
 *
 * Contract: 0 / a count, or -errno; nothing prints.  A struct child is
 * owned by its caller, one thread.  Lines reach the callback without
 * their newline, NUL-terminated; a line longer than CHILD_LINEMAX - 1
 * bytes comes in pieces, and an unterminated last line comes at EOF
 * (c->linelen and c->nl tell them apart).
 */
#ifndef RUMPLAB_CHILD_H
#define RUMPLAB_CHILD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define CHILD_LINEMAX	2048

#define CHILD_GROUP	0x1	/* its own process group */
#define CHILD_SESSION	0x2	/* its own session (and group) */
#define CHILD_QUIET	0x4	/* the deadline bounds silence: output
				 * moves it timeout_ms further */
#define CHILD_CLOSEFDS	0x8	/* a function's child keeps no descriptor
				 * of ours past 0-2 (and pipe_fd) */

/* A descriptor a child gets: our `from` (past 2) as its `to`. */
struct child_fd {
	int		  from, to;
};

struct child_spec {
	const char	 *path;		/* the program (NULL: argv[0]), */
	char *const	 *argv;		/* found as execvp finds it */
	char *const	 *envp;		/* its environment; NULL: ours */
	int		(*fn)(void *);	/* or (argv NULL) this, in a fork; */
	void		 *arg;		/* its value is the exit status */
	/*
	 * The pipe's write end in the child: 0 for its standard output and
	 * error, else this descriptor number (>= 3), its output then going
	 * to out_fd (-1: ours).
	 */
	int		  pipe_fd;
	int		  out_fd;
	unsigned	  flags;
	int		  timeout_ms;	/* SIGKILL after this; 0: none */
	/*
	 * Descriptors it gets besides: a program each `from` as its `to`
	 * (no `from` may be another entry's `to`, or pipe_fd), and a `to` of
	 * 0, 1 or 2 takes that place from /dev/null or the pipe (given all
	 * three, it holds no end of the pipe, which is at EOF at once); a
	 * function's fork keeps each `from` as it is, CHILD_CLOSEFDS or not.
	 */
	const struct child_fd *fds;
	int		  nfds;
};

struct child {
	pid_t		 pid;		/* and its group's id, with one */
	int		 fd;		/* the pipe's read end; -1 at EOF */
	unsigned	 flags;
	int		 timeout_ms;
	uint64_t	 deadline;	/* ms (child_now()); 0: none */
	bool		 timedout;	/* killed at its deadline */
	bool		 exited;
	int		 status;	/* wait status once exited */
	size_t		 len;		/* of a partial line in buf */
	/* The line a callback is handed: its bytes (NULs possible), and
	 * whether a newline ended it (else it is a piece of a long line,
	 * or the unterminated last one): its output byte for byte. */
	size_t		 linelen;
	bool		 nl;
	char		 buf[CHILD_LINEMAX];
};

typedef void child_line_fn(void *arg, char *line);

uint64_t child_now(void);		/* monotonic milliseconds */

/* Starts it; 0, or -errno with nothing left running. */
int	child_start(struct child *c, const struct child_spec *s);
/*
 * Reads what the pipe holds without blocking, a line callback a line
 * (line may be NULL: the output is dropped).  1 while the pipe is open,
 * 0 at EOF (the pipe is closed then).
 */
int	child_read(struct child *c, child_line_fn *line, void *arg);
/*
 * Blocks reading lines until EOF, or the deadline (the child is killed;
 * its last lines are still read) or a signal (the child is killed, and
 * -EINTR).  Does not reap.
 */
int	child_drain(struct child *c, child_line_fn *line, void *arg);
/*
 * The deadline at `now`: past it, the child is killed with SIGKILL and
 * timedout set (0 returned); else the milliseconds left, -1 for none
 * (poll()'s timeout).
 */
int	child_tick(struct child *c, uint64_t now);
/* Signals the child (its group, when it leads one).  A child reaped
 * without a group of its own is not signalled (its pid is free). */
void	child_signal(struct child *c, int sig);
/* SIGTERM now, SIGKILL at a deadline grace_ms away. */
void	child_stop(struct child *c, int grace_ms);
/* waitpid() for it: 1 once it has exited (c->status), 0 not yet. */
int	child_reap(struct child *c, bool block);
/* The caller reaped it (waitpid(-1)): its wait status. */
void	child_exited(struct child *c, int status);
/*
 * Once its leader is reaped, a group lives on while what it started
 * runs; once empty, its id is free to lead another group, so it is not
 * signalled again.  Says whether it still has members; to be asked after
 * each reap (child_exited() and child_reap() ask it once).
 */
bool	child_group_alive(struct child *c);
/* Closes the pipe (the child's further output is lost). */
void	child_close(struct child *c);
/*
 * Runs it to its end: start, drain, reap.  Its wait status, or -errno
 * (-EINTR: a signal came and the child was killed and reaped).
 */
int	child_run(struct child *c, const struct child_spec *s,
	    child_line_fn *line, void *arg);
/* A line callback that keeps what fits of the lines, each followed by
 * "\n", NUL-terminated in buf (len bytes; off: how much is used). */
struct child_text {
	char	*buf;
	size_t	 len, off;
};
child_line_fn child_text_line;

/*
 * Our environment with each "NAME=VALUE" of `set` (NULL-terminated)
 * added or put in NAME's place, and each bare "NAME" taken out: a
 * NULL-terminated array (free() it), or NULL.  It points into environ
 * and `set` (no copies), so both must stay as they are while it is used.
 */
char	**child_environ(const char *const *set);

#endif
