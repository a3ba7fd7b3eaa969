/*
 * import.h — `rumplab import`: labs written for Kathará (a lab.conf and a
 * .startup shell file per device) and containerlab (a YAML file whose
 * nodes have exec: lines) made into rumplab topologies.
 *
 *   import_kathara.c  lab.conf: collision domains, devices, their
 *                     interfaces (and MACs), sysctls; each .startup file
 *   import_clab.c     topology: nodes: and links: endpoints, exec: lines
 *   import_sh.c       one shell line of either: ifconfig, ip addr|link|
 *                     route, route add, sysctl -w, echo 1 > /proc/...
 *   import.c          the model below, and the topology written as YAML
 *
 * Both readers fill one small model (struct imp_lab).  Whatever cannot be
 * translated — a daemon (FRR, bird), a file under /etc, a command the
 * import does not know, an option of a device — is recorded as a problem
 * at FILE:LINE with why; the import goes on, so that what is usable is
 * kept.  Interfaces keep their names (eth0) as `name:`, so exercise texts
 * written for them still read right.  The topology says `routing: none`:
 * the lab's own lines are its routing.
 *
 * Contract: 0 or -errno (-ENOMEM, or -ENOENT / -EINVAL with the reason
 * as a problem); nothing prints; one arena owns everything.
 */
#ifndef RUMPLAB_IMPORT_H
#define RUMPLAB_IMPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "lab/arena.h"

#define IMP_NAME_MAX	64
#define IMP_ADDRS	14
#define IMP_IFACES	64

struct imp_iface {
	char		 name[16];	/* eth0, as the lab calls it */
	int		 num;		/* its number (eth3: 3), for order */
	const char	*bus;
	const char	*addrs[IMP_ADDRS];	/* "10.0.1.1/24" */
	int		 naddrs;
	char		 mac[18];	/* "" when the kernel picks */
	bool		 down;		/* set down by the lab's lines */
};

struct imp_route {
	const char	*dest;		/* "10.0.2.0/24" or "default" */
	const char	*via;
	const char	*file;		/* where it was written */
	int		 line;
};

struct imp_node {
	const char	*name;
	struct imp_iface ifaces[IMP_IFACES];
	int		 nifaces;
	struct imp_route *routes;
	int		 nroutes, caproutes;
	bool		 forwarding;
	const char	*note;		/* what it was (image, kind) */
};

struct imp_problem {
	const char	*file;
	int		 line;		/* 0: the file as a whole */
	const char	*why;
};

struct imp_lab {
	struct arena	*a;
	const char	*name;
	const char	*source;	/* "Kathará lab DIR", ... */
	struct imp_node	**nodes;	/* each its own: pointers stay */
	int		 nnodes, capnodes;
	const char	**buses;
	int		 nbuses, capbuses;
	struct imp_problem *problems;
	int		 nproblems, capproblems;
	int		 nlines;	/* lines translated */
};

int	imp_init(struct imp_lab *il);
void	imp_free(struct imp_lab *il);
/* The node called name (made when missing, NULL when it cannot be). */
struct imp_node *imp_node(struct imp_lab *il, const char *name);
/* Node n's interface ethN (made, on no bus yet, when missing). */
struct imp_iface *imp_iface(struct imp_lab *il, struct imp_node *n,
	    const char *ifname);
/* A bus name made of any text (a collision domain, a bridge). */
const char *imp_bus(struct imp_lab *il, const char *name);
__attribute__((format(printf, 4, 5)))
void	imp_problem(struct imp_lab *il, const char *file, int line,
	    const char *fmt, ...);
/* A name safe for rumplab (letters, digits, - _ .), or NULL. */
const char *imp_name(struct imp_lab *il, const char *text);

/* import_sh.c: one line of a startup file or exec: list, for node n. */
void	imp_shell_line(struct imp_lab *il, struct imp_node *n,
	    const char *file, int line, const char *text);

/* The readers. */
int	import_kathara(struct imp_lab *il, const char *dir);
int	import_clab(struct imp_lab *il, const char *file);

/* The topology, as YAML, to f; 0 or -EIO. */
int	import_write(const struct imp_lab *il, FILE *f);

#endif
