/*
 * rumpclient.h — the client library: calls into a node kernel over
 * sysproxy (kernel/SYSPROXY.txt).  Public header, installed.
 *
 * Contract
 *  - The node is found through $RUMP_SERVER (unix://path, unix:///abs,
 *    tcp://addr:port) on the first call, or explicitly with
 *    rumpclient_init().  One connection per process, shared by all threads;
 *    calls from several threads run concurrently (each has a request
 *    number), so one thread blocked in rump_sys_accept() never stalls
 *    another.
 *  - rump_sys_* follow libc: they return -1 and set errno on failure.
 *    Descriptors are the node's, not the host's.  Constants (AF_*, SOCK_*,
 *    SOL_*, SO_*, MSG_*, errno values, O_NONBLOCK) are Linux's.
 *  - If the node goes away every call fails with ENOTCONN (EHOSTDOWN before
 *    the first successful connection).
 *  - Lengths over 1 MiB are clamped (a large send is a short write).
 *  - After fork() the child's first call opens its own connection: it is a
 *    new process in the node, without the parent's descriptors, unless
 *    the parent called rumpclient_prefork() before fork() and the child
 *    rumpclient_fork_child() with its cookie (NetBSD's rumpclient_prefork
 *    and rumpclient_fork_init): then the child's descriptors are the
 *    parent's, naming the same sockets.
 *  - A call waiting in the node is not ended by a signal unless
 *    RUMPCLIENT_INTR is set: then a signal handler that runs while a call
 *    waits makes it fail with EINTR (the node cancels it), as a system
 *    call does.
 *  - sysctl_list and dmesg NUL-terminate buf when len > 0; their result
 *    does not count the NUL.
 */
#ifndef RUMPLAB_RUMPCLIENT_H
#define RUMPLAB_RUMPCLIENT_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* The ELF section every program linked with librumpclient carries. */
#define RUMPCLIENT_MARK_SECTION ".rumpclient"

int  rumpclient_init(void);                 /* connect via $RUMP_SERVER */
int  rumpclient_init_url(const char *url);  /* connect to url */
void rumpclient_fini(void);
/* Human-readable reason the last init failed ("no server at ...: ..."). */
const char *rumpclient_lasterror(void);
/* The node's detail for this thread's last failed call ("not a shmif bus:
 * ..."), or "" when it gave none. */
const char *rumpclient_lastdetail(void);

#define RUMPCLIENT_INTR 0x1     /* signals interrupt waiting calls */
void rumpclient_setflags(int flags);
/* The connection's host descriptor, or -1 when not connected. */
int  rumpclient_fd(void);

#define RUMPCLIENT_COOKIELEN 16
/* Before fork(): copy this process's descriptors in the node for the
 * child (kept 60 s); 0, or -1 and errno (ENOTCONN: never connected, so
 * nothing to inherit). */
int  rumpclient_prefork(uint8_t cookie[RUMPCLIENT_COOKIELEN]);
/* In the child (or a new program image): its first connection takes the
 * copied descriptors; NULL forgets a cookie given before. */
void rumpclient_fork_child(const uint8_t cookie[RUMPCLIENT_COOKIELEN]);

/* Sockets. */
int     rump_sys_socket(int domain, int type, int protocol);
int     rump_sys_bind(int s, const struct sockaddr *sa, socklen_t len);
int     rump_sys_connect(int s, const struct sockaddr *sa, socklen_t len);
int     rump_sys_listen(int s, int backlog);
int     rump_sys_accept(int s, struct sockaddr *sa, socklen_t *len);
/* flags: SOCK_NONBLOCK, SOCK_CLOEXEC (the node's own flag) */
int     rump_sys_accept4(int s, struct sockaddr *sa, socklen_t *len,
            int flags);
ssize_t rump_sys_send(int s, const void *buf, size_t len, int flags);
ssize_t rump_sys_sendto(int s, const void *buf, size_t len, int flags,
            const struct sockaddr *to, socklen_t tolen);
ssize_t rump_sys_sendmsg(int s, const struct msghdr *msg, int flags);
ssize_t rump_sys_recv(int s, void *buf, size_t len, int flags);
ssize_t rump_sys_recvfrom(int s, void *buf, size_t len, int flags,
            struct sockaddr *from, socklen_t *fromlen);
ssize_t rump_sys_recvmsg(int s, struct msghdr *msg, int flags);
ssize_t rump_sys_read(int fd, void *buf, size_t len);
ssize_t rump_sys_write(int fd, const void *buf, size_t len);
int     rump_sys_getsockopt(int s, int level, int name, void *val,
            socklen_t *len);
int     rump_sys_setsockopt(int s, int level, int name, const void *val,
            socklen_t len);
int     rump_sys_getsockname(int s, struct sockaddr *sa, socklen_t *len);
int     rump_sys_getpeername(int s, struct sockaddr *sa, socklen_t *len);
int     rump_sys_shutdown(int s, int how);
int     rump_sys_close(int fd);
int     rump_sys_poll(struct pollfd *fds, nfds_t n, int timeout_ms);
/* Node descriptors and host descriptors in one wait: until an entry of
 * either array has an event, the timeout passes, or (RUMPCLIENT_INTR) a
 * signal handler runs (-1, EINTR).  Returns the count of entries of both
 * with revents. */
int     rump_sys_poll_host(struct pollfd *nodefds, nfds_t nn,
            struct pollfd *hostfds, nfds_t nh, int timeout_ms);
/* FIONREAD (int *: bytes readable) and FIONBIO (int *: non-zero sets
 * O_NONBLOCK); other requests fail with ENOTTY. */
int     rump_sys_ioctl(int fd, unsigned long request, void *arg);
int     rump_sys_fcntl(int fd, int cmd, ...);  /* F_GETFL, F_SETFL(O_NONBLOCK), F_GETFD, F_SETFD */
int     rump_sys_dup(int fd);

/*
 * Files: the node's VFS (a node started with rumpvfs, or rump_server -d).
 * Paths are the node's; AT_FDCWD and the dirfds are its descriptors.
 * stat and statvfs fill the host's structures.  mount's source is an
 * etfs key (an image or a directory given with rump_server -d) or any
 * name for tmpfs; opts "ro", "size=64m" (tmpfs).
 */
struct stat;
struct statvfs;
struct timespec;
int     rump_sys_open(const char *path, int flags, ...);
int     rump_sys_openat(int dirfd, const char *path, int flags, ...);
int     rump_sys_stat(const char *path, struct stat *st);
int     rump_sys_lstat(const char *path, struct stat *st);
int     rump_sys_fstat(int fd, struct stat *st);
int     rump_sys_fstatat(int dirfd, const char *path, struct stat *st,
            int flags);
off_t   rump_sys_lseek(int fd, off_t off, int whence);
ssize_t rump_sys_pread(int fd, void *buf, size_t len, off_t off);
ssize_t rump_sys_pwrite(int fd, const void *buf, size_t len, off_t off);
/* struct linux_dirent64 records, as getdents64(2). */
ssize_t rump_sys_getdents64(int fd, void *buf, size_t len);
int     rump_sys_mkdir(const char *path, mode_t mode);
int     rump_sys_mkdirat(int dirfd, const char *path, mode_t mode);
int     rump_sys_rmdir(const char *path);
int     rump_sys_unlink(const char *path);
int     rump_sys_unlinkat(int dirfd, const char *path, int flags);
int     rump_sys_rename(const char *from, const char *to);
int     rump_sys_renameat(int fdir, const char *from, int tdir,
            const char *to);
int     rump_sys_symlink(const char *target, const char *path);
int     rump_sys_symlinkat(const char *target, int dirfd, const char *path);
ssize_t rump_sys_readlink(const char *path, char *buf, size_t len);
ssize_t rump_sys_readlinkat(int dirfd, const char *path, char *buf,
            size_t len);
int     rump_sys_chmod(const char *path, mode_t mode);
int     rump_sys_fchmod(int fd, mode_t mode);
int     rump_sys_fchmodat(int dirfd, const char *path, mode_t mode,
            int flags);
int     rump_sys_chown(const char *path, uid_t uid, gid_t gid);
int     rump_sys_fchownat(int dirfd, const char *path, uid_t uid, gid_t gid,
            int flags);
/* path NULL: dirfd itself (futimens); ts NULL: now. */
int     rump_sys_utimensat(int dirfd, const char *path,
            const struct timespec ts[2], int flags);
int     rump_sys_truncate(const char *path, off_t len);
int     rump_sys_ftruncate(int fd, off_t len);
int     rump_sys_fsync(int fd);
int     rump_sys_chdir(const char *path);
int     rump_sys_fchdir(int fd);
char   *rump_sys_getcwd(char *buf, size_t len);
int     rump_sys_statvfs(const char *path, struct statvfs *st);
int     rump_sys_fstatvfs(int fd, struct statvfs *st);
int     rump_sys_access(const char *path, int mode);
int     rump_sys_faccessat(int dirfd, const char *path, int mode, int flags);
int     rump_sys_mount(const char *type, const char *source,
            const char *target, const char *opts);
int     rump_sys_unmount(const char *target, int flags);
/* "source target type options\n" a mount; returns the bytes needed (the
 * text is NUL-terminated when len > 0). */
ssize_t rump_sys_mountlist(char *buf, size_t len);

/* Interface configuration (what NetBSD does with ioctls on a socket). */
#define RUMP_IFNAMSIZ   16
#define RUMP_LINKSTRLEN 256
#define RUMP_MAXADDRS   16
#define RUMP_MAXLLADDRS 8       /* inactive link addresses kept */

/* rump_ifinfo.flags: NetBSD's IFF_ names and meaning. */
#define RUMP_IFF_UP        0x0001
#define RUMP_IFF_BROADCAST 0x0002
#define RUMP_IFF_LOOPBACK  0x0008
#define RUMP_IFF_RUNNING   0x0040
#define RUMP_IFF_NOARP     0x0080
#define RUMP_IFF_PROMISC   0x0100
#define RUMP_IFF_SIMPLEX   0x0800
#define RUMP_IFF_MULTICAST 0x8000

/* rump_ifaddr.flags (address states; DEPRECATED and AUTOCONF: IPv6). */
#define RUMP_IFA_TENTATIVE  0x01
#define RUMP_IFA_DEPRECATED 0x02
#define RUMP_IFA_DUPLICATED 0x04
#define RUMP_IFA_AUTOCONF   0x08
#define RUMP_IFA_DETACHED   0x10

struct rump_ifaddr {
	uint8_t family;        /* AF_INET or AF_INET6 */
	uint8_t plen;          /* prefix length */
	uint8_t flags;         /* RUMP_IFA_* */
	uint8_t pad;
	uint8_t addr[16];      /* network byte order; v4 in the first 4 */
};

struct rump_ifinfo {
	char     name[RUMP_IFNAMSIZ];
	uint32_t flags;        /* RUMP_IFF_* */
	uint32_t mtu;
	uint8_t  mac[6];
	uint8_t  link_up;      /* carrier */
	uint8_t  pad;
	char     linkstr[RUMP_LINKSTRLEN];
	uint32_t naddrs;
	struct rump_ifaddr addrs[RUMP_MAXADDRS];
	uint64_t ipackets, ierrors, opackets, oerrors;
	uint64_t ibytes, obytes, iqdrops, collisions;
	uint32_t index;        /* sin6_scope_id of its link-local addresses;
	                        * 0: not known (a node from before it) */
	uint8_t  link_state;   /* RUMP_LINK_STATE_* */
	uint8_t  media;        /* RUMP_MEDIA_*; 0: no media to select */
	uint32_t nlladdrs;     /* inactive link addresses ("link ADDR") */
	uint8_t  lladdrs[RUMP_MAXLLADDRS][6];
};

/* rump_ifinfo.link_state: NetBSD's LINK_STATE_* (net/if.h).  An Ethernet
 * interface's link is up with a bus and media other than none (and the
 * lab's carrier), down without them, unknown with no bus at all. */
#define RUMP_LINK_STATE_UNKNOWN 0
#define RUMP_LINK_STATE_DOWN    1
#define RUMP_LINK_STATE_UP      2

/* Media of an Ethernet interface (NetBSD's "media autoselect", "media
 * none"): none takes the link down; nothing is sent or received. */
#define RUMP_MEDIA_AUTO 1
#define RUMP_MEDIA_NONE 2

/* rump_sys_iflladdr ops: NetBSD's link-layer address list
 * ("ifconfig IF link ADDR [active]", "link ADDR delete"). */
#define RUMP_LLADDR_ADD      1  /* an inactive address (kept if known) */
#define RUMP_LLADDR_ACTIVATE 2  /* added if new, made the interface's MAC;
                                 * the old one stays inactive */
#define RUMP_LLADDR_DELETE   3  /* an inactive one (-EBUSY the active,
                                 * -EADDRNOTAVAIL one it does not have) */

int rump_sys_ifcreate(const char *name);
int rump_sys_ifdestroy(const char *name);
/* Fills up to max names (RUMP_IFNAMSIZ each); returns the total count. */
int rump_sys_iflist(char (*names)[RUMP_IFNAMSIZ], int max);
int rump_sys_ifget(const char *name, struct rump_ifinfo *info);
int rump_sys_ifsetlinkstr(const char *name, const char *linkstr); /* NULL/"" clears */
int rump_sys_ifsetflags(const char *name, uint32_t set, uint32_t clear);
int rump_sys_ifsetmtu(const char *name, uint32_t mtu);
/* The interface's MAC (NetBSD's "link ADDR active"): while it is down
 * (EBUSY when up); EINVAL for a multicast or all-zero address. */
int rump_sys_ifsetmac(const char *name, const uint8_t mac[6]);
/* A link address op (RUMP_LLADDR_*), up or down: activating one while
 * up announces it (gratuitous ARP, unsolicited neighbour advertisement
 * for each address).  -ENOSPC with RUMP_MAXLLADDRS inactive already. */
int rump_sys_iflladdr(const char *name, const uint8_t mac[6], int op);
/* RUMP_MEDIA_*; -EOPNOTSUPP an interface with no media (lo0, bridge). */
int rump_sys_ifsetmedia(const char *name, uint32_t media);
int rump_sys_ifaddaddr(const char *name, const struct rump_ifaddr *a);
int rump_sys_ifdeladdr(const char *name, const struct rump_ifaddr *a);
/* The interface kinds rump_sys_ifcreate makes ("shmif", "lo": NetBSD's
 * cloners), as rump_sys_iflist. */
int rump_sys_ifcloners(char (*names)[RUMP_IFNAMSIZ], int max);
/* rump_sys_ifget, and the counters zeroed at that moment. */
int rump_sys_ifzero(const char *name, struct rump_ifinfo *info);
/* IPv6 address lifetimes in seconds (NetBSD's pltime and vltime): the
 * address is deprecated when pltime has passed and removed when vltime
 * has.  An address added again takes the new ones.  EINVAL when pltime >
 * vltime or vltime is 0.  ifgetlife: what is left (both infinite for an
 * address without lifetimes); EADDRNOTAVAIL no such address. */
#define RUMP_LIFE_INFINITE 0xffffffffu
int rump_sys_ifaddaddr_life(const char *name, const struct rump_ifaddr *a,
        uint32_t pltime, uint32_t vltime);
int rump_sys_ifgetlife(const char *name, const struct rump_ifaddr *a,
        uint32_t *pltime, uint32_t *vltime);

/*
 * Link impairments (netem's model, applied in the node's interface path):
 * per interface and direction, every frame goes through loss (random or
 * Gilbert-Elliott), duplication, corruption, a rate limiter with a queue
 * of `limit` frames, then delay and jitter, and reordering.  Probabilities
 * are in parts per million; all zero is no impairment (and no cost).
 */
#define RUMP_IMPAIR_IN   1      /* frames the interface receives */
#define RUMP_IMPAIR_OUT  2      /* frames it sends */

#define RUMP_DIST_UNIFORM 0     /* jitter: uniform in [-jitter, +jitter] */
#define RUMP_DIST_NORMAL  1     /* normal, standard deviation jitter */
#define RUMP_DIST_PARETO  2     /* Pareto (alpha 3), mean jitter */
#define RUMP_PPM          1000000u

struct rump_impair {
	uint32_t delay_us;
	uint32_t jitter_us;
	uint32_t dist;          /* RUMP_DIST_* */
	uint32_t loss_ppm;      /* random loss (unused when ge_p > 0) */
	uint32_t ge_p, ge_r;    /* Gilbert-Elliott: P(good->bad), P(bad->good) */
	uint32_t ge_h, ge_k;    /* P(loss) in bad, in good (netem's 1-h, 1-k) */
	uint32_t dup_ppm;
	uint32_t reorder_ppm;   /* sent ahead of (or, without delay, held
	                         * 1 ms behind) the frames queued */
	uint32_t corrupt_ppm;   /* one bit flipped past the Ethernet header */
	uint32_t limit;         /* rate queue, frames (0: 1000) */
	uint64_t rate_bps;      /* Ethernet frame bits per second, 0: none */
	/* Counters (IFGETIMPAIR only; ignored when set). */
	uint64_t st_frames;     /* frames that went through */
	uint64_t st_lost, st_dup, st_corrupt, st_reorder, st_qdrop;
	uint32_t st_queued;     /* frames waiting now */
	uint32_t pad;
};

/* No impairment at all in these settings (the counters aside)? */
static inline int
rump_impair_none(const struct rump_impair *c)
{
	return c->delay_us == 0 && c->jitter_us == 0 && c->loss_ppm == 0 &&
	    c->ge_p == 0 && c->dup_ppm == 0 && c->reorder_ppm == 0 &&
	    c->corrupt_ppm == 0 && c->rate_bps == 0;
}

/* Sets one direction's impairments (RUMP_IMPAIR_IN or _OUT); EINVAL for a
 * value out of range (ppm > 1000000, delay or jitter > 60 s). */
int rump_sys_ifsetimpair(const char *name, int dir,
        const struct rump_impair *imp);
int rump_sys_ifgetimpair(const char *name, int dir, struct rump_impair *imp);
/* Carrier: 0 is a cable pulled (the link goes down, its connected routes
 * go away, frames are dropped both ways), 1 plugs it back. */
int rump_sys_ifsetcarrier(const char *name, int up);
/*
 * Capture: the node copies every frame the interface sends (after the
 * impairments) and every frame it accepts (after them too) into the shmif
 * bus file at path (created), until rump_sys_iftap(name, path, 0) or this
 * client's connection closes.  At most 4 taps per interface (EBUSY).
 */
int rump_sys_iftap(const char *name, const char *path, int on);

/*
 * Bridges (NetBSD's bridge(4) and brconfig(8)): a bridge interface
 * (bridge0, rumpnet_bridge) joins its member interfaces into one
 * broadcast domain: it learns which member each source MAC is behind,
 * forwards a frame for a known MAC out of that member only, floods
 * broadcast, multicast and unknown unicast to the other members, and
 * never sends a frame back out of the member it came in by.  Learned
 * entries expire `timeout` seconds after their MAC was last seen.
 */
#define RUMP_BRDG_ADD      1    /* member joins */
#define RUMP_BRDG_DEL      2    /* member leaves */
#define RUMP_BRDG_FLUSH    3    /* value 0: learned entries, 1: all */
#define RUMP_BRDG_TIMEOUT  4    /* value: seconds (0: entries never age) */
#define RUMP_BRDG_MAXADDR  5    /* value: entries the table holds */
#define RUMP_BRDG_STATIC   6    /* mac behind member, for good */
#define RUMP_BRDG_DELADDR  7    /* mac's entry goes */
#define RUMP_BRDG_IFFLAGS  8    /* member's RUMP_IFBIF_* become value */

#define RUMP_IFBIF_LEARNING 0x1 /* learn source MACs on it */
#define RUMP_IFBIF_DISCOVER 0x2 /* unknown unicast is flooded to it */
#define RUMP_IFBAF_STATIC   0x1 /* an entry added by hand */
#define RUMP_BRIDGE_MAXPORTS 32

struct rump_brreq {
	uint32_t op;                    /* RUMP_BRDG_* */
	uint32_t value;
	char     member[RUMP_IFNAMSIZ]; /* ADD, DEL, STATIC, IFFLAGS */
	uint8_t  mac[6];                /* STATIC, DELADDR */
	uint8_t  pad[2];
};

struct rump_brport {
	char     ifname[RUMP_IFNAMSIZ];
	uint32_t flags;                 /* RUMP_IFBIF_* */
	uint32_t portno;                /* the member's interface index */
	uint64_t rx;                    /* frames the bridge took from it */
	uint64_t forwarded;             /* sent out of it to a known MAC */
	uint64_t flooded;               /* sent out of it by flooding */
	uint64_t filtered;              /* taken from it and dropped: for a
	                                 * MAC behind it, or the bridge down */
};

struct rump_braddr {
	uint8_t  mac[6];
	uint16_t flags;                 /* RUMP_IFBAF_* */
	char     ifname[RUMP_IFNAMSIZ]; /* the member it is behind */
	int32_t  expire;                /* seconds left; static: 0 */
	uint32_t pad;
};

struct rump_brstatus {
	uint32_t timeout, maxaddr;
	uint32_t nports, naddrs;        /* totals (the arrays hold at most
	                                 * their max) */
};

/* 0, or -1 with errno: ENXIO no such interface, ENOTTY not a bridge,
 * EBUSY a member already bridged, ENOSPC 32 members, ENOENT not a
 * member (or no such entry), EINVAL a member that cannot be bridged (a
 * loopback, a bridge). */
int rump_sys_bridge_set(const char *bridge, const struct rump_brreq *req);
/* Fills st, up to RUMP_BRIDGE_MAXPORTS members in ports and maxaddrs
 * entries of the table in addrs (member order, then the table's). */
int rump_sys_bridge_get(const char *bridge, struct rump_brstatus *st,
        struct rump_brport *ports, struct rump_braddr *addrs, int maxaddrs);

/*
 * Routes (NetBSD's route(8), netstat -r).  A route is a destination
 * prefix and either a gateway, an interface (-iface, connected), or a
 * discard (blackhole, reject).  Flags have NetBSD's RTF_ meaning.
 */
#define RUMP_RTF_UP        0x00001  /* U */
#define RUMP_RTF_GATEWAY   0x00002  /* G: via a gateway */
#define RUMP_RTF_HOST      0x00004  /* H: a host route (full length) */
#define RUMP_RTF_REJECT    0x00008  /* R: drop and report unreachable */
#define RUMP_RTF_DYNAMIC   0x00010  /* D: made by an ICMP redirect */
#define RUMP_RTF_MODIFIED  0x00020  /* M: gateway changed by a redirect */
#define RUMP_RTF_DONE      0x00040  /* route get: answered */
#define RUMP_RTF_CONNECTED 0x00100  /* C: an interface's own subnet */
#define RUMP_RTF_LLINFO    0x00400  /* L: a neighbour (gateway: its MAC) */
#define RUMP_RTF_STATIC    0x00800  /* S: added by hand */
#define RUMP_RTF_BLACKHOLE 0x01000  /* B: drop silently */
#define RUMP_RTF_PROTO2    0x04000  /* 2: a routing daemon's (rump.routed);
                                     * such a route is not S */
#define RUMP_RTF_ANNOUNCE  0x20000  /* p: route add -proxy (NetBSD's
                                     * RTF_ANNOUNCE), kept and shown */
#define RUMP_RTF_LOCAL     0x40000  /* l: one of the node's addresses */

struct rump_rtentry {
	uint8_t  family;        /* AF_INET or AF_INET6 */
	uint8_t  plen;          /* destination prefix length */
	uint16_t pad;
	uint32_t flags;         /* RUMP_RTF_* */
	uint8_t  dst[16];       /* network order; v4 in the first 4 */
	uint8_t  gateway[16];   /* zero unless RUMP_RTF_GATEWAY; LLINFO:
	                           the neighbour's MAC in the first 6 */
	char     ifname[RUMP_IFNAMSIZ];  /* "" lets the node choose */
	uint8_t  ifa[16];       /* source address the route uses (get) */
	uint32_t mtu;           /* 0: the interface's */
	uint64_t use;           /* packets that took the route */
};

/* Add, delete and change take a route; get fills one in for rt->dst
 * (plen ignored); list returns the total and fills up to max (family 0:
 * both); flush deletes the static routes of a family (0: both) and
 * returns how many went. */
int rump_sys_route_add(const struct rump_rtentry *rt);
int rump_sys_route_delete(const struct rump_rtentry *rt);
int rump_sys_route_change(const struct rump_rtentry *rt);
int rump_sys_route_get(struct rump_rtentry *rt);
int rump_sys_route_list(int family, struct rump_rtentry *rt, int max);
int rump_sys_route_flush(int family);

/* Neighbours: the ARP (IPv4) and ND (IPv6) caches. */
#define RUMP_ND_INCOMPLETE 1
#define RUMP_ND_REACHABLE  2
#define RUMP_ND_STALE      3
#define RUMP_ND_DELAY      4
#define RUMP_ND_PROBE      5
#define RUMP_NF_STATIC     0x0001   /* added by hand, never expires */
#define RUMP_NF_ROUTER     0x0002   /* IPv6: the neighbour is a router */
#define RUMP_NF_PUBLISHED  0x0004   /* the node answers for it (proxy) */

struct rump_neigh {
	uint8_t  family;
	uint8_t  state;         /* RUMP_ND_* */
	uint16_t flags;         /* RUMP_NF_* */
	uint8_t  addr[16];
	uint8_t  mac[6];
	uint8_t  pad[2];
	char     ifname[RUMP_IFNAMSIZ];
	int32_t  expire;        /* seconds left; -1 never */
};

int rump_sys_neigh_list(int family, struct rump_neigh *nb, int max);
int rump_sys_neigh_set(const struct rump_neigh *nb);
int rump_sys_neigh_delete(const struct rump_neigh *nb);
int rump_sys_neigh_flush(int family);

/*
 * Routing messages (NetBSD's route monitor): each change of the node's
 * routes and neighbour caches, numbered from 1 in the order made.  A
 * route's message has its destination, gateway and prefix; a neighbour
 * entry's (flags HOST, LLINFO, CLONED) its address and, as gateway, the
 * link: the neighbour's MAC when known, else only the interface
 * (NetBSD's "link#2").
 */
#define RUMP_RTM_ADD       1
#define RUMP_RTM_DELETE    2
#define RUMP_RTM_CHANGE    3
#define RUMP_RTA_DST       0x1
#define RUMP_RTA_GATEWAY   0x2
#define RUMP_RTA_NETMASK   0x4
#define RUMP_RTF_CLONED    0x02000  /* a neighbour entry (messages) */
#define RUMP_GW_LINK       17       /* gwfamily of a link (AF_PACKET) */
#define RUMP_RTMSG_WIRELEN 76       /* a message's size on the wire */

struct rump_rtmsg {
	uint32_t seq;           /* the node's number for it, from 1 */
	uint8_t  type;          /* RUMP_RTM_* */
	uint8_t  family;        /* of dst: AF_INET or AF_INET6 */
	uint8_t  plen;          /* with RUMP_RTA_NETMASK */
	uint8_t  gwfamily;      /* AF_INET, AF_INET6, RUMP_GW_LINK */
	uint32_t addrs;         /* RUMP_RTA_* present */
	uint32_t flags;         /* RUMP_RTF_* */
	uint32_t pid;           /* the client process that made it; 0 the
	                           node itself */
	uint32_t reqid;         /* that process's request id */
	uint8_t  dst[16];
	uint8_t  gateway[16];   /* RUMP_GW_LINK: the MAC, alen bytes */
	uint8_t  alen;          /* RUMP_GW_LINK: 6, or 0 (not known yet) */
	uint8_t  pad[3];
	char     ifname[RUMP_IFNAMSIZ];  /* RUMP_GW_LINK: the interface */
};

/* Up to max (<= 64) messages numbered *next on (*next 0: those made
 * after the call), waiting for one; *next becomes the number to ask
 * for next.  Returns how many, -1 with errno (EINTR a signal); *lost
 * counts the messages the node no longer held (it keeps 256). */
int rump_sys_rtmsg_read(uint32_t *next, struct rump_rtmsg *m, int max,
        uint32_t *lost);

/* Protocol counters ("ip.forwarded 12\n" lines, what = RUMP_STATS_PROTO)
 * or the socket table (RUMP_STATS_SOCKETS, one socket a line:
 * "proto recvq sendq local remote state"); returns bytes needed, as
 * sysctl_list. */
#define RUMP_STATS_PROTO   0
#define RUMP_STATS_SOCKETS 1
#define RUMP_STATS_MCAST   2    /* "ifname inet|inet6 group users" lines */
ssize_t rump_sys_netstat(int what, char *buf, size_t len);

/* sysctl by name; values travel as text ("1", "64"). */
int rump_sys_sysctl_get(const char *name, char *val, size_t len);
int rump_sys_sysctl_set(const char *name, const char *val);
/* "name = value\n" lines of every knob into buf; returns bytes needed. */
ssize_t rump_sys_sysctl_list(char *buf, size_t len);

/* Kernel message log: copies the ring's text; returns bytes needed. */
ssize_t rump_sys_dmesg(char *buf, size_t len);

/* Ask the node to shut down (rump.halt). */
int rump_sys_reboot(void);

#endif
