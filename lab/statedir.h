/*
 * statedir.h — where a running lab lives on disk, and its state file.
 *
 * Every running lab has a private directory (mode 0700) under one root
 * per user: $XDG_RUNTIME_DIR/rumplab, else /dev/shm/rumplab-UID (tmpfs,
 * so bus files are in memory), else /tmp/rumplab-UID.  In it:
 *
 *	control		the supervisor's control socket (lab/CONTROL.txt)
 *	state		the state file: supervisor and node pids (below)
 *	topology.yaml	the topology the lab was started from
 *	bus/NAME	bus files
 *	sock/INDEX	node sockets (index in the lab's nodes: short paths)
 *	log/NAME.log	node logs (the node kernel's, the supervisor's word on it,
 *			and its services' output, a line each after "runN: ")
 *
 * The state file is text, rewritten whole (temp + rename) by the
 * supervisor whenever a pid or a state changes:
 *	rumplab-state 1
 *	lab NAME
 *	supervisor PID
 *	node NAME PID STATE		(one per node, in the lab's order)
 * so that `rumplab down` can clean up after a supervisor killed with -9.
 *
 * Contract: functions return 0 or -errno and never print.  Paths are
 * absolute.  Not thread-safe (one caller per process).
 */
#ifndef RUMPLAB_STATEDIR_H
#define RUMPLAB_STATEDIR_H

#include <stddef.h>
#include <sys/types.h>

#define STATEDIR_PATHMAX	512
/* sun_path is 108 bytes; node sockets must fit. */
#define STATEDIR_SOCKMAX	100

/* The root, created 0700 if missing; -EPERM if it is not ours.  On
 * failure buf still holds its path (but with -ENAMETOOLONG). */
int	statedir_root(char *buf, size_t len);
/* A private directory: created 0700 if missing; -EPERM if it is a
 * symlink or not a directory, not ours, or open to others. */
int	statedir_mkdir(const char *path);
/* Is `name` usable as a lab name (letters, digits, . _ -)? */
int	statedir_name_ok(const char *name);
int	statedir_path(const char *name, char *buf, size_t len);
/* Creates the lab's directory and subdirectories: -EEXIST if present. */
int	statedir_create(const char *dir);
/* Removes the directory and everything in it (depth-first). */
int	statedir_remove(const char *dir);

/* Running (or left-over) labs: calls fn for each name; returns count. */
int	statedir_list(void (*fn)(const char *name, void *arg), void *arg);

/* Files inside a lab's directory (into buf, STATEDIR_PATHMAX). */
void	statedir_file(const char *dir, const char *rel, char *buf);
void	statedir_sock(const char *dir, int node, char *buf);
void	statedir_log(const char *dir, const char *node, char *buf);

struct state_node {
	char	name[65];
	pid_t	pid;
	char	state[16];
};

struct labstate {
	char			 name[65];
	pid_t			 supervisor;
	struct state_node	*nodes;		/* malloc'ed */
	int			 nnodes;
};

int	statefile_write(const char *dir, const struct labstate *st);
/* Fills *st (free st->nodes); -ENOENT when there is no state file. */
int	statefile_read(const char *dir, struct labstate *st);

/* Last `lines` lines of a file into buf (NUL-terminated); bytes or -errno. */
ssize_t	file_tail(const char *path, int lines, char *buf, size_t len);

#endif
