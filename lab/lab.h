/*
 * lab.h — the lab model: what a topology file describes, and, once
 * planned, exactly how every node is to be configured.
 *
 * Life cycle (lab/plan.h): lab_open() reads a topology, loads it into
 * this model, validates it and plans it.  After a successful lab_open()
 * every field below is final: interfaces have their names (shmif0, ...),
 * addresses (auto ones assigned from the pools), MACs (when the topology
 * asks for them) and MTUs; every node has its sysctls and the routes the
 * file gives (the computed ones come from lab_node_routes(), on demand:
 * large labs have millions); every check has its destination address and
 * the path the routes take.  A launcher needs nothing else.
 *
 * Ownership: one struct lab owns everything reachable from it (one arena);
 * lab_close() frees it all.  References between objects are indices into
 * the lab's arrays (nodes, buses), never pointers, so arrays may grow
 * while loading.  Nothing here is thread-safe; a planned lab is read-only
 * and may be read from any number of threads.
 */
#ifndef RUMPLAB_LAB_H
#define RUMPLAB_LAB_H

#include <stdbool.h>
#include <stdint.h>

#include "lab/diag.h"
#include "lab/ipaddr.h"

#define LAB_NAME_MAX	64	/* node, bus and kind names */
#define LAB_TAP_MAX	15	/* host tap names (IFNAMSIZ - 1) */
#define LAB_TAPS_MAX	32	/* host taps of a lab (lab/taps.h) */
#define LAB_BRIDGE_PORTS 32	/* interfaces of a bridge node */
#define LAB_IFNAME_MAX	16	/* "shmif0" ... (RUMP_IFNAMSIZ) */
#define LAB_IF_ADDRS	16	/* addresses per interface (RUMP_MAXADDRS) */
#define LAB_NODE_IFACES	4096	/* interfaces per node */
#define LAB_MTU_MIN	576
#define LAB_MTU_DEFAULT	1500	/* NetBSD-compatible bus: 1514-byte frames */
#define LAB_MTU_JUMBO	9000	/* jumbo bus: 9014-byte frames */
#define LAB_BUS_SIZE	(1024u * 1024u)		/* NetBSD's bus file size */
#define LAB_BUS_SIZE_MIN (64u * 1024u)
#define LAB_BUS_SIZE_MAX (256u * 1024u * 1024u)	/* SHMIF_RING_MAX */

enum lab_routing {
	ROUTING_STATIC,		/* the planner computes shortest-path routes */
	ROUTING_NONE,		/* only routes and gateways the file gives */
	ROUTING_RIP,		/* rump.routed runs on the node (RIPv2) */
};

enum lab_mac {
	MAC_KERNEL,		/* the node kernel picks one (random) */
	MAC_STABLE,		/* b2:a0: + hash of lab/node/interface */
	MAC_FIXED,		/* given in the file */
};

/* lab_iface.autoaddr: which families an interface takes from the pools. */
#define AUTO_V4		0x1
#define AUTO_V6		0x2
#define AUTO_ANY	0x4	/* "auto": every family the bus or a pool has */

/* One address of an interface. */
struct lab_addr {
	struct lab_ip	 ip;		/* address and prefix length */
	bool		 automatic;	/* assigned by the planner */
	bool		 nolen;		/* written without /len: from the bus */
	struct lab_pos	 pos;
};

struct lab_iface {
	char		 name[LAB_IFNAME_MAX];	/* shmif0, ..., virt0, ... */
	const char	*alias;		/* name: another name for it (eth0), or
					 * NULL; the lab's verbs take it */
	const char	*busname;
	int		 bus;		/* index in lab->buses */
	/* On a host tap (a virtif interface, virt0, ...): its name, and the
	 * tap as written (resolve moves it to the tap's segment, a bus named
	 * after the tap: lab_bus.tapseg). */
	const char	*tap;
	const struct lab_tap *tapdef;
	struct lab_addr	*addrs;
	int		 naddrs, capaddrs;
	unsigned	 autoaddr;	/* AUTO_* requested */
	unsigned	 mtu;		/* 0 in the file: the bus's */
	enum lab_mac	 macmode;
	uint8_t		 mac[6];	/* MAC_STABLE, MAC_FIXED */
	int		 link;		/* index of the link that made it, -1 */
	bool		 link_b;	/* this is the link's `b` end */
	const char	*impair;	/* `link set` words (impair_spec.h) */
	struct lab_pos	 pos, buspos, mtupos, macpos, aliaspos;
};

/*
 * A host tap: a Linux tap device the lab creates (or takes) and joins a
 * segment to, so that the host's stack, or software in a network
 * namespace, shares the segment.  addrs are the host side's addresses,
 * which the lab sets on the tap and the planner keeps free.
 */
struct lab_tap {
	const char	*name;		/* rl0: 1 to 15 characters */
	struct lab_addr	*addrs;
	int		 naddrs, capaddrs;
	struct lab_pos	 pos;
};

enum lab_origin {
	ROUTE_USER,		/* routes: in the file */
	ROUTE_GATEWAY,		/* gateway: / gateway6: in the file */
	ROUTE_DEFAULT,		/* default route to the nearest router */
	ROUTE_COMPUTED,		/* routing: static */
	ROUTE_RIP,		/* routing: rip: what RIP converges to (hop
				 * counts), traced by the planner but never
				 * installed: rump.routed learns it */
};

struct lab_route {
	struct lab_ip	 dst;		/* prefix; plen 0 is the default route */
	struct lab_ip	 via;		/* next hop (plen = max) */
	int		 iface;		/* index in the node's ifaces */
	enum lab_origin	 origin;
	struct lab_pos	 pos;		/* ROUTE_USER, ROUTE_GATEWAY */
};

struct lab_sysctl {
	const char	*name;		/* net.inet.ip.forwarding */
	const char	*value;		/* "1" */
	struct lab_pos	 pos;
};

/*
 * A file system for the node's VFS: tmpfs (size: a limit), hostfs
 * (image or path: a host directory) or ext2 (image: an image file),
 * mounted at mount; readonly mounts it so.  A relative image is found
 * from the topology file's directory (lab_fs_path()).
 */
struct lab_fs {
	const char	*type, *image, *mount;
	bool		 readonly;
	uint64_t	 size;		/* tmpfs: bytes; 0: no limit */
	struct lab_pos	 pos, typepos, imagepos, mountpos;
};

/*
 * A host of a lab that spans machines (hosts:, lab/HOSTS.txt): where
 * some of its nodes run.  ssh NULL: this machine, where `up` runs (at
 * most one host is).  Every other host is reached with OpenSSH: ssh is
 * the destination ("user@example.org"), port and ssh_config (a file of
 * ssh_config(5) options, found as images are) optional.
 */
struct lab_host {
	const char	*name;
	const char	*ssh;		/* destination; NULL: this machine */
	const char	*ssh_config;	/* -F FILE, or NULL */
	unsigned	 port;		/* -p PORT, 0: ssh's default */
	const char	*rumplab;	/* the program there ("rumplab") */
	const char	*addr;		/* where its uplinks are reached: an
					 * address; default the destination's
					 * host part */
	unsigned	 capacity;	/* placement weight; 0: even share */
	int		 nnodes;	/* placed on it (lab_place()) */
	struct lab_pos	 pos;
};

struct lab_node {
	const char	*name;
	/* Its host (index in lab->hosts), -1 when the lab has no hosts:. */
	int		 host;
	struct lab_pos	 hostpos;
	const char	*kind;		/* "host", "router" or a kinds: name */
	enum lab_routing routing;	/* its own routing: (routing_set) */
	bool		 routing_set;
	const char	*group;		/* for drawing; NULL: none */
	bool		 forwarding;	/* IPv4 and IPv6 forwarding */
	struct lab_iface *ifaces;
	int		 nifaces, capifaces;
	struct lab_ip	 gw4, gw6;	/* family 0: none */
	struct lab_pos	 gw4pos, gw6pos;
	/* Routes the file gives (routes:, gateway:, gateway6:), bound to
	 * interfaces.  The complete table, with the computed routes, comes
	 * from lab_node_routes() (lab/plan.h). */
	struct lab_route *routes;
	int		 nroutes, caproutes;
	struct lab_sysctl *sysctls;
	int		 nsysctls, capsysctls;
	const char	**run;		/* commands run against the node */
	int		 nrun, caprun;
	/* routing: rip: the rump.routed command the planner put first in
	 * run (plan_routes.c), or NULL. */
	const char	*routing_cmd;
	struct lab_fs	*fs;
	int		 nfs, capfs;
	struct lab_pos	 pos, kindpos, routingpos;
	/* An interface, address or link of it did not load: not all its
	 * subnets are known, so its next hops are not judged. */
	bool		 partial;
	/* kind: bridge — a switch: its interfaces are the members of one
	 * bridge (rump.brconfig), with no address of their own; the buses
	 * it joins are one broadcast domain (lab_bus.domain). */
	bool		 bridge;
};

/* An interface on a bus. */
struct lab_member {
	int		 node, iface;
};

/* A subnet on a bus: declared, implied by addresses, or from a pool. */
struct lab_subnet {
	struct lab_ip	 net;		/* host bits clear */
	bool		 declared;	/* subnet:/subnet6: of the bus or link */
	bool		 automatic;	/* carved from a pool */
	struct lab_pos	 pos;		/* where it was declared or implied */
};

struct lab_bus {
	const char	*name;
	unsigned	 mtu;		/* default MTU of its interfaces */
	uint32_t	 max_frame;	/* 1514, or 9014 when jumbo */
	uint32_t	 size;		/* bus file size in bytes */
	bool		 jumbo;		/* frames beyond 1514 bytes: not
					 * NetBSD-compatible */
	bool		 implicit;	/* not declared: used by 2+ interfaces */
	int		 link;		/* made by links: entry, or -1 */
	/* A host tap joined to it (tap.name non-NULL): every frame on the
	 * bus goes to the tap and back.  A tap segment (tapseg) is no bus
	 * file: the one node interface on it is a virtif on the tap. */
	struct lab_tap	 tap;
	bool		 tapseg;
	/*
	 * Its broadcast domain: buses that bridge nodes join are one
	 * segment to the layers above, and have one set of subnets.  domain
	 * is the first bus of the domain (itself when not bridged), whose
	 * subnets are the domain's; the other buses hold none of their own
	 * (lab_bus_subnets()).  domain_next lists the domain's buses from
	 * its first, -1 at the end.
	 */
	int		 domain, domain_next;
	struct lab_subnet *subnets;
	int		 nsubnets, capsubnets;
	struct lab_member *members;	/* interfaces on it, in node order */
	int		 nmembers;
	/* Impairments: carried in the model, applied by the impairments
	 * work.  0 / false when not given. */
	uint64_t	 delay_us, jitter_us;
	double		 loss_pct;	/* 0..100 */
	uint64_t	 rate_bps;	/* bits per second */
	const char	*impair;	/* more, as `link set` words */
	struct lab_pos	 pos, mtupos, jumbopos;
	/* The hosts its members run on, ascending, when the lab has
	 * hosts: (lab_place()); nhosts > 1: it spans hosts, and each of
	 * them joins its part of the bus to the others with an uplink. */
	int		*hosts;
	int		 nhosts;
	/* uplink udp: the number of its first host pair (pairs are
	 * numbered over the spanning buses in bus order, lab/HOSTS.txt). */
	int		 uplink_pair;
};

struct lab_graph;

/*
 * A check is one of: a reachability check (from, to, via, reach), a
 * command run on a node or on the host whose exit status and output are
 * judged (run), or a step that changes the running lab (do: a link, bus
 * or node request to its supervisor; wait: a pause), so that a failure
 * scenario is graded in one run.
 */
enum lab_check_kind {
	CHECK_REACH,
	CHECK_RUN,
	CHECK_DO,
	CHECK_WAIT,
};

/* How a check's match and nomatch are compiled (lab/checkrun.c), and
 * judged when the file is read (lab/load_check.c). */
#define LAB_CHECK_REFLAGS	(REG_EXTENDED | REG_NEWLINE)

struct lab_check {
	enum lab_check_kind kind;
	const char	*name;		/* name: a title, or NULL */
	const char	*hint;		/* hint: shown when it fails, or NULL */
	uint64_t	 within_us;	/* within: tried again until it passes
					 * or this passes; 0: once */
	bool		 after_step;	/* a do: comes before it */
	/* CHECK_RUN */
	int		 on;		/* node, or -1: on the host */
	const char	*on_name;
	const char	*run;		/* sh -c */
	const char	*match;		/* extended regular expressions the */
	const char	*nomatch;	/* output must match / must not */
	const char	*json;		/* a path into the output as JSON */
	const char	*equals;	/* ... whose value must be this */
	bool		 fails;		/* the command must fail */
	/* CHECK_DO: the supervisor's request ("link set r1:shmif1 down"),
	 * interfaces by their lab names; CHECK_WAIT: how long. */
	const char	*request;
	const char	*request_words;	/* as written (aliases kept) */
	uint64_t	 wait_us;
	const char	*from_name, *to_name;	/* as written */
	const char	**via_names;
	int		 from;		/* node index, -1 if undefined */
	int		 to_node;	/* node index; -1: `to` is an address */
	struct lab_ip	 to;		/* destination address (planned) */
	int		 family;	/* 4 or 6 when given, else 0 */
	bool		 reach;		/* expected outcome */
	bool		 has_via;
	int		*via;		/* expected transit nodes, in order */
	int		 nvia;
	struct lab_pos	 pos, frompos, topos, viapos;
	struct lab_pos	*via_pos;
	/* Planned: what the computed routes do. */
	bool		 reached;
	int		*path;		/* transit nodes, not from or to */
	int		 npath;
	const char	*why;		/* why not reached; NULL if reached */
};

/* A name table: an open-addressed hash of the names of a lab's nodes or
 * buses, each entry added as it is made, the first of a name defined
 * twice kept (lab/model.c). */
struct lab_names {
	int		*slot;		/* index + 1, 0 empty */
	unsigned	 mask;		/* slots - 1 */
	int		 n;		/* names held */
};

struct lab {
	const char	*name;
	const char	*file;		/* as given to lab_open() */
	const char	*basedir;	/* of relative images; NULL: file's */
	enum lab_routing routing;
	/* routing: rip: the protocol's timers (0: RFC 2453's 30/180/120 s)
	 * and split horizon (NULL: poisoned reverse), for rump.routed -P. */
	uint64_t	 rip_update_us, rip_timeout_us, rip_garbage_us;
	const char	*rip_split;
	/* exercise: true: the starting state may fail the checks (the
	 * student's task): they are graded on the running lab only. */
	bool		 exercise;
	struct lab_ip	 pool4, pool6;	/* family 0: no pool */
	enum lab_mac	 macmode;	/* defaults: mac */
	struct lab_host	*hosts;		/* hosts:, none on one machine */
	int		 nhosts, caphosts;
	/* uplink: how buses that span hosts are joined (lab/uplink.h):
	 * "udp" (a UDP pair per bus and host pair from uplink_port up),
	 * "vxvde" (a multicast group of vxvde://, uplink_group, one vni
	 * per bus) or "vde" (a vde_switch, uplink_switch, a port group
	 * per bus). */
	const char	*uplink;
	unsigned	 uplink_port;
	const char	*uplink_group, *uplink_switch;
	struct lab_node	*nodes;
	int		 nnodes, capnodes;
	struct lab_bus	*buses;
	int		 nbuses, capbuses;
	struct lab_check *checks;
	int		 nchecks, capchecks;
	struct arena	*arena;
	/* Routing graphs (lab/plan_routes.c), NULL unless routing: static. */
	struct lab_graph *graph4, *graph6;
	struct lab_names node_names, bus_names;
};

/* Lookups by name: the index, or -1. */
int	lab_node_find(const struct lab *lab, const char *name);
int	lab_host_find(const struct lab *lab, const char *name);
/* The host that is this machine (ssh NULL), or -1. */
int	lab_host_local(const struct lab *lab);

#define LAB_URL_MAX	256
/* Hosts of a lab: its coordinator relays a request to a set of them
 * held in 64 bits (lab/sup_host.c). */
#define LAB_HOSTS_MAX	64
/*
 * The VDE URLs host `host` joins bus `bus`'s part with (lab/uplink.h):
 * one for each other host of the bus with "udp" (each frame crosses once
 * per host pair), one with "vxvde" or "vde".  Returns how many (at most
 * max), 0 when the bus does not span hosts or `host` is not on it.
 * Every host computes the same from the same topology.
 */
int	lab_uplink_urls(const struct lab *lab, int bus, int host,
	    char (*urls)[LAB_URL_MAX], int max);
int	lab_bus_find(const struct lab *lab, const char *name);
/* A file system's image or path as the host names it: relative ones are
 * from the topology file's directory. */
void	lab_fs_path(const struct lab *lab, const char *image, char *buf,
	    size_t len);
/* The first address of a family (4, 6, or 0: any) of a node, or NULL. */
const struct lab_addr *lab_node_addr(const struct lab *lab, int node,
	    int family);
/*
 * Every address of every interface, in node and interface order:
 *	struct lab_addr_iter it = LAB_ADDR_ITER_INIT;
 *	while (lab_addr_next(lab, &it)) ... lab_addr_at(lab, &it) ...
 */
struct lab_addr_iter {
	int	node, iface, addr;
};
#define LAB_ADDR_ITER_INIT	{ 0, 0, -1 }
bool	lab_addr_next(const struct lab *lab, struct lab_addr_iter *it);
struct lab_addr *lab_addr_at(const struct lab *lab,
	    const struct lab_addr_iter *it);
struct lab_iface *lab_iface_at(const struct lab *lab,
	    const struct lab_addr_iter *it);

/*
 * Node `node`'s interface called `word`: its name (shmif0), its alias
 * (eth0) or its bus's name.  The index, or -1.
 */
int	lab_iface_find(const struct lab *lab, int node, const char *word);
/* The routing a node has: its own, else the lab's, except that a host
 * in a lab with routing: rip keeps computed routes (its default route). */
enum lab_routing lab_node_routing(const struct lab *lab, int node);
const char *lab_routing_name(enum lab_routing r);
/* The bus whose subnets are those of bus b's broadcast domain. */
const struct lab_bus *lab_bus_subnets(const struct lab *lab, int b);
/* Does the lab use host taps (it then needs /dev/net/tun)? */
bool	lab_has_taps(const struct lab *lab);

/* Total interfaces (for summaries). */
long	lab_count_ifaces(const struct lab *lab);
/* Buses that span hosts (lab_bus.nhosts > 1). */
int	lab_count_spanning(const struct lab *lab);

#endif
