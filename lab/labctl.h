/*
 * labctl.h — the rumplab verbs' side of a running lab (the bgpctl half):
 * finding a lab by name (or the only one), asking its supervisor over
 * the control socket, and cleaning up by hand when no supervisor answers.
 *
 * Contract: 0 or -errno; messages for the user go into a caller's buffer
 * (`why`), nothing prints.  Not thread-safe.
 */
#ifndef RUMPLAB_LABCTL_H
#define RUMPLAB_LABCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lab/lab.h"
#include "lab/statedir.h"

/*
 * The state directory of lab `name`, or (name NULL) of the lab that
 * $RUMPLAB_LAB names (set for commands that rumplab exec and rumplab
 * check run), else of the only lab running.  -ENOENT: none runs (why says so); -EEXIST: several run and
 * none was named (why lists them); -EINVAL: a bad name.
 */
int	labctl_find(const char *name, char *dir, size_t dirlen, char *why,
	    size_t whylen);
/* Does a supervisor answer in dir? */
bool	labctl_answers(const char *dir);
/*
 * Stops whatever the lab in `dir` left running — the supervisor, node
 * kernels and run: commands, found in /proc and each checked to be the
 * lab's before it is signalled (lab/labctl.c) — and removes the
 * directory.  For a supervisor killed with -9, and for left-over
 * directories.  Returns the number of processes stopped, each once.
 */
int	labctl_cleanup(const char *dir);
/* Is pid alive and not a zombie? */
bool	labctl_pid_alive(pid_t pid);
/* Opens the lab's topology (DIR/topology.yaml). */
int	labctl_open_lab(const char *dir, struct lab **labp);
/* The directory the running lab's relative file system images are found
 * from (lab_open_at()), into buf; NULL when it was not saved. */
const char *labctl_basedir(const char *dir, char *buf, size_t len);
/*
 * A lab across machines (lab/HOSTS.txt): the host whose part the lab in
 * dir is (its coordinator's: the host that is this machine), -1 when
 * the lab has no hosts: or none is this machine; and whether a bus has
 * a part (a bus file) on that host.
 */
int	labctl_host(const char *dir, const struct lab *lab);
bool	labctl_bus_here(const struct lab *lab, int host, int bus);
/* The directory of the running rumplab appended to PATH: the rump.*
 * commands installed beside it are found without PATH (exec, run:). */
void	labctl_path_add_bindir(void);
/* Lab name from a state directory path. */
const char *labctl_name(const char *dir);

#endif
