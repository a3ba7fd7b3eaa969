/*
 * sysproxy_wire.h — encoder and decoder of sysproxy frames
 * (kernel/SYSPROXY.txt), shared by the server and librumpclient.
 *
 * Contract: pure functions on byte buffers; no I/O, no allocation, no
 * globals; safe from any thread.  Every length read from a buffer is
 * checked against the caps below before it is used.  A decoded message
 * points into the frame it came from (data, arrays): keep the frame alive
 * while the message is used.  Functions return >= 0 or -errno.
 */
#ifndef RUMPLAB_SYSPROXY_WIRE_H
#define RUMPLAB_SYSPROXY_WIRE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "kernel/rumpclient.h"

#define SP_VERSION      1
#define SP_BANNER       "RUMPLAB-SYSPROXY 1\n"
#define SP_BANNER_PFX   "RUMPLAB-SYSPROXY "
#define SP_BANNER_MAX   64
#define SP_HDRLEN       16
#define SP_MAXDATA      (1u << 20)
#define SP_MAXBODY      (SP_MAXDATA + 65536u)
#define SP_MAXFRAME     (SP_HDRLEN + SP_MAXBODY)
#define SP_MAXOPT       256
#define SP_MAXPOLL      4096
#define SP_MAXIFS       1024
#define SP_MAXROUTES    8192    /* entries of a route or neighbour list */
#define SP_RTLEN        84      /* one route on the wire */
#define SP_NBLEN        48      /* one neighbour on the wire */
#define SP_RTMSGLEN     RUMP_RTMSG_WIRELEN /* one routing message */
#define SP_MAXRTMSGS    64      /* routing messages in one reply */
#define SP_IMPLEN       112     /* one impairment set on the wire */
#define SP_BRPORTLEN    56      /* one bridge member on the wire */
#define SP_BRADDRLEN    32      /* one bridge table entry on the wire */
#define SP_NAMEMAX      63      /* process and node names */
#define SP_DETAILMAX    255     /* error detail */
#define SP_LINKSTRMAX   255
#define SP_SYSCTL_NAMEMAX 127
#define SP_SYSCTL_VALMAX  1023
#define SP_UNIXPATHMAX  108
#define SP_AF_NONE      0xffff
#define SP_F_REPLY      0x0001
#define SP_COOKIELEN    16      /* FORK and JOIN */
#define SP_PATHMAX      4095    /* a path's bytes */
#define SP_STATVFS_WORDS 11

/* A file's status on the wire (stat), in fixed-width fields. */
struct sp_stat {
	uint64_t dev, ino;
	uint32_t mode;                  /* Linux's st_mode: S_IF* and bits */
	uint32_t nlink, uid, gid;
	uint64_t size, blocks;          /* blocks of 512 bytes */
	uint32_t blksize;
	int64_t  tsec[3];               /* atime, mtime, ctime */
	uint32_t tnsec[3];
};

struct sp_statvfs {
	uint64_t bsize, frsize, blocks, bfree, bavail, files, ffree, favail;
	uint64_t fsid, flag, namemax;
};

enum sp_call {
	SP_HELLO = 0,
	SP_SOCKET = 1, SP_BIND, SP_CONNECT, SP_LISTEN, SP_ACCEPT, SP_SENDTO,
	SP_RECVFROM, SP_GETSOCKOPT, SP_SETSOCKOPT, SP_GETSOCKNAME,
	SP_GETPEERNAME, SP_SHUTDOWN, SP_CLOSE, SP_POLL, SP_FCNTL, SP_DUP,
	SP_READ, SP_WRITE, SP_CANCEL, SP_IOCTL, SP_FORK, SP_JOIN,
	SP_OPEN = 64, SP_STAT, SP_FSTAT, SP_LSEEK, SP_GETDENTS, SP_MKDIR,
	SP_RMDIR, SP_UNLINK, SP_RENAME, SP_CHDIR, SP_GETCWD, SP_FSYNC,
	SP_FTRUNCATE, SP_MOUNT, SP_UNMOUNT, SP_SYMLINK, SP_READLINK, SP_CHMOD,
	SP_CHOWN, SP_UTIMES, SP_TRUNCATE, SP_STATVFS, SP_PREAD, SP_PWRITE,
	SP_MOUNTLIST, SP_ACCESS,
	SP_IFCREATE = 32, SP_IFDESTROY, SP_IFLIST, SP_IFGET, SP_IFSETLINKSTR,
	SP_IFSETFLAGS, SP_IFSETMTU, SP_IFADDADDR, SP_IFDELADDR, SP_IFSETMAC,
	SP_IFSETIMPAIR, SP_IFGETIMPAIR, SP_IFSETCARRIER, SP_IFTAP,
	SP_BRIDGE_SET, SP_BRIDGE_GET,
	SP_SYSCTL_GET = 48, SP_SYSCTL_SET, SP_SYSCTL_LIST, SP_DMESG,
	SP_REBOOT, SP_IFLLADDR, SP_IFSETMEDIA,
	SP_IFCLONERS = 56, SP_IFZERO, SP_IFADDLIFE, SP_IFGETLIFE,
	SP_ROUTE_ADD = 96, SP_ROUTE_DELETE, SP_ROUTE_LIST, SP_ROUTE_GET,
	SP_ROUTE_CHANGE, SP_ROUTE_FLUSH, SP_NEIGH_LIST, SP_NEIGH_SET,
	SP_NEIGH_DELETE, SP_NEIGH_FLUSH, SP_RTMSG_READ,
	SP_NETSTAT = 128,
};

struct sp_hdr {
	uint32_t len;           /* whole frame */
	uint32_t id;
	uint16_t call;
	uint16_t flags;
	int32_t  ret;
};

struct sp_calldesc {
	uint16_t    call;
	const char *name;       /* "SOCKET" */
	const char *req;        /* field layout, see sysproxy_wire.c */
	const char *rep;
	int         blocking;   /* may wait on the network */
};

/*
 * One frame, decoded or to encode.  Which members a call uses is its
 * layout: ints go to i[] and u[] in order of appearance, strings to
 * name/str/val, the one byte field to data.  Arrays: to encode, set n and
 * pfds/revents/names; a decoded message has n and arr (raw, validated;
 * read it with the sp_*_at accessors).
 */
struct sp_msg {
	struct sp_hdr   h;
	int32_t         i[4];
	uint32_t        u[4];
	struct sockaddr_storage sa;
	socklen_t       salen;          /* 0: no address (NONE) */
	const uint8_t  *data;
	uint32_t        datalen;
	char            name[RUMP_IFNAMSIZ];            /* ifname */
	uint8_t         mac[6];                         /* MAC */
	char            str[SP_LINKSTRMAX + 1];         /* other strings */
	char            val[SP_SYSCTL_VALMAX + 1];      /* sysctl value */
	uint32_t        n;
	const uint8_t  *arr;
	const struct pollfd *pfds;
	const uint16_t *revents;
	const char    (*names)[RUMP_IFNAMSIZ];
	struct rump_ifaddr ifa;
	struct rump_ifinfo ifi;
	struct rump_rtentry rt;
	struct rump_neigh nb;
	struct rump_impair imp;
	uint8_t         cookie[SP_COOKIELEN];
	int64_t         q[4];
	char            path[SP_PATHMAX + 1];
	char            path2[SP_PATHMAX + 1];
	struct sp_stat  st;
	struct sp_statvfs sv;
	const struct rump_rtentry *rts;     /* encode: n routes */
	const struct rump_neigh *nbs;       /* encode: n neighbours */
	const struct rump_rtmsg *rtms;      /* encode: n routing messages */
	/* Bridges: the request, the status; members in brports (n) and
	 * table entries in braddrs (n2) to encode; decoded, the members
	 * are arr/n and the entries arr2/n2 (sp_brport_at, sp_braddr_at). */
	struct rump_brreq br;
	struct rump_brstatus brst;
	const struct rump_brport *brports;
	const struct rump_braddr *braddrs;
	const uint8_t  *arr2;
	uint32_t        n2;
	const char     *why;            /* decode: what was malformed */
};

const struct sp_calldesc *sp_call_desc(uint16_t call);
int  sp_call_reserved(uint16_t call);

/* Header at p (SP_HDRLEN bytes): 0, or -EMSGSIZE if len is out of range. */
int  sp_hdr_decode(const uint8_t *p, struct sp_hdr *h);
/*
 * Decode a whole frame (len bytes, header included) sent by a client
 * (reply == 0) or a server (reply == 1).  0; -ENOSYS for a well-formed
 * request to a reserved call; -EPROTO unknown call; -EMSGSIZE bad length;
 * -EBADMSG malformed.  m->why says what was wrong.
 */
int  sp_decode(const uint8_t *frame, size_t len, int reply, struct sp_msg *m);
/*
 * Encode m as a request or a reply into buf (cap bytes); header fields
 * len and flags are computed, ret is m->h.ret for replies and 0 for
 * requests.  Returns the frame length, or with buf == NULL the length it
 * would have; -EINVAL a field over its cap, -ENOSPC buf too small, -EPROTO
 * unknown call.
 */
long sp_encode(const struct sp_msg *m, int reply, uint8_t *buf, size_t cap);

/* Set m's address from a caller's sockaddr (NULL: none); -EINVAL short,
 * -EAFNOSUPPORT family not carried. */
int  sp_addr_set(struct sp_msg *m, const struct sockaddr *sa, socklen_t len);

/* Decoded arrays. */
void     sp_pollfd_at(const struct sp_msg *m, uint32_t k, int32_t *fd,
             uint16_t *events);
uint16_t sp_revents_at(const struct sp_msg *m, uint32_t k);
/* Copy up to max decoded ifnames; returns how many. */
int      sp_ifnames_copy(const struct sp_msg *m, char (*names)[RUMP_IFNAMSIZ],
             int max);

/* Decoded route and neighbour lists (entry k of m->n); 0 or -EBADMSG. */
int      sp_route_at(const struct sp_msg *m, uint32_t k,
             struct rump_rtentry *rt);
int      sp_neigh_at(const struct sp_msg *m, uint32_t k,
             struct rump_neigh *nb);
int      sp_rtmsg_at(const struct sp_msg *m, uint32_t k,
             struct rump_rtmsg *rm);

/* Decoded bridge members and table entries (entry k of m->n, m->n2). */
int      sp_brport_at(const struct sp_msg *m, uint32_t k,
             struct rump_brport *p);
int      sp_braddr_at(const struct sp_msg *m, uint32_t k,
             struct rump_braddr *a);

/* Socket option values between a host's layout and the wire's (optval in
 * SYSPROXY.txt); both return the bytes written or -EINVAL. */
int  sp_optval_to_wire(int level, int name, const void *val, size_t len,
         uint8_t *out, size_t cap);
int  sp_optval_from_wire(int level, int name, const uint8_t *in, size_t len,
         void *val, size_t cap);

#endif
