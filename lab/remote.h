/*
 * remote.h — a lab's host on another machine, reached with OpenSSH.
 *
 * Everything goes through one ssh(1) master connection per host, a child
 * of ours: its control socket is DIR/host/NAME/ssh (DIR the lab's state
 * directory), and its standard error goes to DIR/host/NAME/ssh.log.
 * Every other ssh we run (check, forward, exit, remote commands) is a
 * client of that master, so the host is logged in to once and a remote
 * command costs a channel, not a connection.  ssh is always run from an
 * argv array, never through a local shell:
 *
 *	ssh [-F SSH_CONFIG] [-p PORT] -o BatchMode=yes
 *	    -o ControlPath=CTL -o ServerAliveInterval=5
 *	    -o ServerAliveCountMax=3 OPTIONS... -- DEST ['COMMAND']
 *
 * A remote command is one string, which sshd hands to the login shell
 * there: each word single-quoted (remote_quote()), so nothing in a word
 * is expanded by that shell, which must be a POSIX one (sh, dash, bash,
 * ksh, zsh).  Forwarding is of unix sockets only, local to remote, so
 * rumplab opens no network port on either machine.
 *
 * A socket's path holds 107 bytes, and the master binds its control
 * socket under a name 17 bytes longer than CTL before renaming it: when
 * DIR/host/NAME/ssh is longer than REMOTE_CTLMAX, or holds characters
 * an ssh option cannot carry, the control socket is
 * /tmp/rumplab-ssh-UID/HASH instead (HASH: of the long path, so every
 * process of the lab finds the same), and remote_init() says so.
 *
 * Contract: functions return 0 (or what they say) or -errno, with a
 * one-line reason in `why` that names the host and its destination
 * ("host b (rl@127.0.0.1): ..."); nothing prints.  A struct remote
 * belongs to one thread.  The master is a child of the caller: a caller
 * that reaps with waitpid(-1) hands its status over with child_exited(
 * &r->master, status) (its pid is r->master.pid).  Calls other than
 * remote_start() block until their ssh ends (remote_run() until the
 * remote command ends, or ssh gives up: ServerAliveInterval and
 * ServerAliveCountMax bound a dead connection to ~15 s).
 */
#ifndef RUMPLAB_REMOTE_H
#define RUMPLAB_REMOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "lab/child.h"
#include "lab/lab.h"
#include "lab/statedir.h"

/* Longest control path: sun_path's 107 bytes less ssh's ".%16s". */
#define REMOTE_CTLMAX	90
/* Longest socket path forwarded, either end (sun_path less its NUL). */
#define REMOTE_SOCKMAX	107
/* Forwards one `ssh -O forward` asks for (one call for 500 took 0.13 s,
 * 500 calls 21 s: a call costs a process, a -L only a mux message). */
#define REMOTE_FWD_BATCH 256
/* A reason's length that holds every message here. */
#define REMOTE_WHYMAX	512
/* The words of an ssh command line, the command's string apart. */
#define REMOTE_ARGMAX	32

struct remote {
	const struct lab_host *host;	/* the caller's; outlives this */
	char		 ctl[STATEDIR_PATHMAX];	/* the control socket */
	char		 ctlopt[2 * STATEDIR_PATHMAX];	/* "ControlPath=" */
	char		 log[STATEDIR_PATHMAX];	/* the master's stderr */
	char		 port[8];
	struct child	 master;
	bool		 started;	/* master started, not yet stopped */
	/* Local sockets forwarded (malloc'ed): the master leaves them
	 * behind when it exits, so remote_stop() removes them. */
	char		**fwd;
	int		 nfwd, capfwd;
	/* The state root there, once remote_preflight() read it. */
	char		 root[STATEDIR_PATHMAX];
};

/*
 * Readies r for host h of the lab whose state directory is dir (which
 * exists); starts nothing.  0; 1 when the control socket is not under
 * dir (why says where, and why: for the caller to tell); -EINVAL for a
 * host without ssh or a destination beginning with '-'.
 */
int	remote_init(struct remote *r, const struct lab_host *h,
	    const char *dir, char *why, size_t len);
/*
 * The words in one string for the remote shell, each in single quotes
 * (a ' inside as '\''), separated by spaces: its length, or -E2BIG when
 * it does not fit in buf (len bytes with the NUL).  NULL-terminated.
 */
int	remote_quote(char *const *words, char *buf, size_t len);
/*
 * The ssh command line into argv (max entries with the NULL): ssh, the
 * host's options, opts (NULL-terminated; may be NULL), "--", the
 * destination, then cmd when not NULL (a remote_quote() string).  Its
 * argc, or -E2BIG.  The strings are r's, opts' and cmd's.
 */
int	remote_argv(const struct remote *r, const char *const *opts,
	    const char *cmd, const char **argv, int max);

/*
 * Starts the master and waits until `ssh -O check` says it runs, at most
 * timeout_ms (ssh's ConnectTimeout too).  On failure nothing is left
 * running, and why ends with ssh's last line ("host b (rl@127.0.0.1):
 * ssh: connect to host 127.0.0.1 port 2222: Connection refused").
 * -EEXIST when a master already answers at the control socket.
 */
int	remote_start(struct remote *r, int timeout_ms, char *why, size_t len);
/*
 * A master another process of the lab started (pid master: a process
 * that is, or will be, the caller's child, as a subreaper's orphan is)
 * becomes r's, for remote_forward() and remote_stop().  0 when master
 * is 0: r then has none.
 */
void	remote_adopt(struct remote *r, pid_t master);
/* Does the master answer (`ssh -O check`)?  0, or -ENOTCONN. */
int	remote_check(const struct remote *r);
/*
 * Forwards each local[i] (a socket the master creates, mode 0600,
 * replacing a stale one) to remote[i] (a socket there, connected to when
 * a client connects here), REMOTE_FWD_BATCH a call.  Paths are
 * absolute, at most REMOTE_SOCKMAX bytes and without ':' (ssh's -L
 * cannot hold one).  0, or -errno: forwards of earlier batches stay.
 */
int	remote_forward(struct remote *r, const char *const *local,
	    const char *const *remote, int n, char *why, size_t len);
/*
 * Runs words there through the master, its standard input, output and
 * error on in, out and err (-1: /dev/null).  The remote command's exit
 * status (255 also when ssh itself failed, as ssh(1) says), or -errno.
 */
int	remote_run(const struct remote *r, char *const *words, int in,
	    int out, int err);
/*
 * The same with standard input on /dev/null and output and error
 * together into out (a NUL-terminated text, what fits of it), killed
 * after timeout_ms (0: none): its exit status, -ETIMEDOUT or -errno.
 */
int	remote_capture(const struct remote *r, char *const *words, char *out,
	    size_t outlen, int timeout_ms);
/*
 * What rumplab needs there, through the started master: the program
 * (host->rumplab) runs and is our version, and its state root is
 * writable (`rumplab rundir --check`), which goes into r->root.  0, or
 * -ENOENT (not found), -EACCES (cannot run it or write the root),
 * -EPROTO (another program or version) or -errno, with the fix in why.
 */
int	remote_preflight(struct remote *r, int timeout_ms, char *why,
	    size_t len);
/*
 * Stops the part of lab `lab` on this host (`rumplab down LAB@HOST`
 * there, through the master if it runs, else over a new connection),
 * waiting at most timeout_ms.  0, or -EHOSTUNREACH with ssh's or
 * rumplab's own words (the first line) in why.
 */
int	remote_down_part(const struct remote *r, const char *lab,
	    int timeout_ms, char *why, size_t len);
/*
 * Stops the master (`ssh -O exit`; ours, if it does not leave, SIGKILL)
 * and removes its control socket and the local sockets it forwarded.
 * A master that answers at the control socket without being ours (left
 * by a process killed before it could stop it) is asked to exit too.
 * 0; -ETIMEDOUT when ours had to be killed (it is gone either way).
 */
int	remote_stop(struct remote *r, char *why, size_t len);

#endif
