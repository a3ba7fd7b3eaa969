/*
 * taps.c — a lab's host taps (lab/taps.h): what `up` checks before it
 * starts, the taps the supervisor makes, and the pumps between a bus and
 * its tap.
 *
 * Addresses go on a tap over rtnetlink (RTM_NEWADDR), which takes any
 * number of each family; the link comes up with SIOCSIFFLAGS.
 */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/buspump.h"
#include "lab/taps.h"

#define TUN_DEV		"/dev/net/tun"
#define PUMP_FRAME	9014		/* a jumbo bus's largest */

/* --- before up starts anything ------------------------------------------- */

/* "rl0, rl1, ..." */
static void
tap_names(const struct lab *lab, char *buf, size_t len)
{
	size_t off = 0;
	int i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < lab->nbuses && off < len; i++) {
		if (lab->buses[i].tap.name == NULL)
			continue;
		if (n++ == 3) {
			snprintf(buf + off, len - off, ", ...");
			break;
		}
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    n > 1 ? ", " : "", lab->buses[i].tap.name);
	}
}

static const char *
user_name(void)
{
	struct passwd *pw = getpwuid(geteuid());

	return pw != NULL ? pw->pw_name : "this user";
}

/* Can a child of ours have a user and network namespace?  0 or errno. */
static int
userns_allowed(void)
{
	int status;
	pid_t pid;

	if ((pid = fork()) < 0)
		return errno;
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0 ? 0 :
		    errno & 0x7f);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EPERM;
}

int
taps_preflight(const struct lab *lab, char *why, size_t len)
{
	char names[128];
	struct stat st;
	int fd, e;

	if (!lab_has_taps(lab))
		return 0;
	tap_names(lab, names, sizeof(names));
	if ((fd = open(TUN_DEV, O_RDWR | O_CLOEXEC)) < 0) {
		e = errno;
		if (e == ENOENT || e == ENODEV || e == ENXIO)
			snprintf(why, len, "its host taps (%s) need the tun "
			    "driver, and %s is missing here (as root: "
			    "modprobe tun)", names, TUN_DEV);
		else if (e == EACCES || e == EPERM)
			snprintf(why, len, "its host taps (%s) need %s, which "
			    "user '%s' cannot open (mode %04o, owner uid %d): run "
			    "rumplab up as root, or let users open it (as "
			    "root: chmod 0666 %s)", names, TUN_DEV, user_name(),
			    stat(TUN_DEV, &st) == 0 ? (unsigned)st.st_mode &
			    07777 : 0, stat(TUN_DEV, &st) == 0 ?
			    (int)st.st_uid : -1, TUN_DEV);
		else
			snprintf(why, len, "its host taps (%s) need %s: %s",
			    names, TUN_DEV, strerror(e));
		return -e;
	}
	close(fd);
	if (geteuid() != 0 && (e = userns_allowed()) != 0) {
		snprintf(why, len, "a user's lab makes its host taps (%s) in a "
		    "user and network namespace of its own, and this system "
		    "refuses %s one (unshare: %s; see the sysctls "
		    "kernel.unprivileged_userns_clone and "
		    "user.max_user_namespaces): run rumplab up as root",
		    names, user_name(), strerror(e));
		return -e;
	}
	return 0;
}

/* --- in the supervisor ------------------------------------------------ */

static int
write_file(const char *path, const char *text)
{
	int fd, r = 0;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		r = -errno;
	close(fd);
	return r;
}

/* A user and network namespace of our own, where we are uid 0. */
static int
own_namespace(char *why, size_t len)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int r;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
		r = -errno;
		snprintf(why, len, "a user and network namespace for the taps: "
		    "%s", strerror(-r));
		return r;
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if ((r = write_file("/proc/self/setgroups", "deny")) == 0 &&
	    (r = write_file("/proc/self/uid_map", map)) == 0) {
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
		r = write_file("/proc/self/gid_map", map);
	}
	if (r != 0)
		snprintf(why, len, "mapping our user into the taps' namespace: "
		    "%s", strerror(-r));
	return r;
}

static int
link_up(int s, const char *name)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(s, SIOCSIFFLAGS, &ifr) != 0 ? -errno : 0;
}

static int
if_index(int s, const char *name)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	return ioctl(s, SIOCGIFINDEX, &ifr) != 0 ? -errno : ifr.ifr_ifindex;
}

/* RTM_NEWADDR of one address on interface index idx. */
static int
add_addr(int idx, const struct lab_ip *ip)
{
	struct {
		struct nlmsghdr		nh;
		struct ifaddrmsg	ifa;
		char			attrs[2 * RTA_SPACE(16)];
	} req;
	struct {
		struct nlmsghdr		nh;
		struct nlmsgerr		err;
	} ack;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	size_t alen = ip->family == AF_INET ? 4 : 16;
	struct rtattr *rta;
	int s, k, r;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = RTM_NEWADDR;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE |
	    NLM_F_EXCL;
	req.nh.nlmsg_seq = 1;
	req.ifa.ifa_family = (unsigned char)ip->family;
	req.ifa.ifa_prefixlen = ip->plen;
	req.ifa.ifa_index = (unsigned)idx;
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifa));
	for (k = 0; k < 2; k++) {
		rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(
		    req.nh.nlmsg_len));
		rta->rta_type = k ? IFA_ADDRESS : IFA_LOCAL;
		rta->rta_len = (unsigned short)RTA_LENGTH(alen);
		memcpy(RTA_DATA(rta), ip->addr, alen);
		req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) +
		    RTA_ALIGN(rta->rta_len);
	}
	if ((s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) < 0)
		return -errno;
	if (sendto(s, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&nl,
	    sizeof(nl)) < 0)
		r = -errno;
	else if (recv(s, &ack, sizeof(ack), 0) < (ssize_t)sizeof(ack))
		r = -EIO;
	else
		r = ack.nh.nlmsg_type == NLMSG_ERROR ? ack.err.error : 0;
	close(s);
	return r;
}

/* Creates (or takes) the tap, up, with its addresses; its descriptor. */
static int
open_one(const struct lab_tap *t, char *why, size_t len)
{
	char s1[IP_STRLEN];
	struct ifreq ifr;
	int fd, s, k, r;

	if ((fd = open(TUN_DEV, O_RDWR | O_CLOEXEC)) < 0) {
		r = -errno;
		snprintf(why, len, "tap %s: %s: %s", t->name, TUN_DEV,
		    strerror(-r));
		return r;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->name);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		r = -errno;
		close(fd);
		snprintf(why, len, "tap %s: %s", t->name, r == -EBUSY ?
		    "it exists and another process holds it; stop that "
		    "process or name another tap" : r == -EINVAL ?
		    "an interface of that name exists and is no tap" :
		    strerror(-r));
		return r;
	}
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
	    (r = link_up(s, t->name)) != 0) {
		r = s < 0 ? -errno : r;
		snprintf(why, len, "tap %s: bringing it up: %s", t->name,
		    strerror(-r));
		goto fail;
	}
	for (k = 0; k < t->naddrs; k++)
		if ((r = if_index(s, t->name)) < 0 || ((r = add_addr(r,
		    &t->addrs[k].ip)) != 0 && r != -EEXIST)) {
			snprintf(why, len, "tap %s: address %s: %s", t->name,
			    ip_str(&t->addrs[k].ip, s1), strerror(-r));
			goto fail;
		}
	close(s);
	if ((r = fcntl(fd, F_DUPFD_CLOEXEC, TAPS_FD_MIN)) < 0) {
		r = -errno;
		snprintf(why, len, "tap %s: %s", t->name, strerror(-r));
		close(fd);
		return r;
	}
	close(fd);
	return r;
fail:
	if (s >= 0)
		close(s);
	close(fd);
	return r;
}

void
taps_close(const struct lab *lab, int *fds)
{
	int i;

	for (i = 0; i < lab->nbuses; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

int
taps_open(const struct lab *lab, int *fds, bool *ownns, char *why,
    size_t len)
{
	int i, s, r;

	*ownns = false;
	for (i = 0; i < lab->nbuses; i++)
		fds[i] = -1;
	if (!lab_has_taps(lab))
		return 0;
	if (geteuid() != 0) {
		if ((r = own_namespace(why, len)) != 0)
			return r;
		*ownns = true;
		/* Software run in the namespace expects a loopback. */
		if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0) {
			(void)link_up(s, "lo");
			close(s);
		}
	}
	for (i = 0; i < lab->nbuses; i++) {
		if (lab->buses[i].tap.name == NULL)
			continue;
		if ((fds[i] = open_one(&lab->buses[i].tap, why, len)) < 0) {
			r = fds[i];
			fds[i] = -1;
			taps_close(lab, fds);
			return r;
		}
	}
	return 0;
}

/* --- the pump of a bus joined to a tap ----------------------------------- */

struct pump {
	struct buspump		 bus;
	int			 fd;
	const char		*tap;
};

/* The bus's frames to the tap (on the bus end's reader thread). */
static void
bus_to_tap(void *arg, const struct shmif_rxframe *rx, int n)
{
	struct pump *p = arg;
	int i;

	for (i = 0; i < n; i++)
		if (write(p->fd, rx[i].data, rx[i].len) < 0 &&
		    errno != EAGAIN && errno != ENOBUFS) {
			printf("tap %s: writing: %s\n", p->tap,
			    strerror(errno));
			fflush(stdout);
			_exit(1);
		}
}

/* The tap's frames onto the bus, a batch at a time. */
static int
tap_to_bus(struct pump *p)
{
	static uint8_t buf[BUSPUMP_BATCH][PUMP_FRAME + 1];
	struct shmif_txframe tf[BUSPUMP_BATCH];
	struct pollfd pfd = { p->fd, POLLIN, 0 };
	ssize_t r;
	int n;

	for (;;) {
		for (n = 0; n < BUSPUMP_BATCH; ) {
			if ((r = read(p->fd, buf[n], sizeof(buf[n]))) < 0) {
				if (errno == EINTR)
					continue;
				if (errno != EAGAIN)
					return -errno;
				break;
			}
			if (r == 0 || r > PUMP_FRAME)
				continue;       /* too long for any bus */
			tf[n].data = buf[n];
			tf[n].len = (uint32_t)r;
			n++;
		}
		if (n > 0)
			(void)shmif_sendv(p->bus.tx, tf, (unsigned)n);
		else if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return -errno;
	}
}

int
taps_pump(void *arg)
{
	const struct taps_pump *a = arg;
	struct pump p = { .fd = a->fd, .tap = a->tap };
	uint64_t sender;
	char err[256];
	int r;

	/* It goes with the supervisor, even one killed with -9: the tap
	 * then goes too. */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	(void)fcntl(a->fd, F_SETFL, fcntl(a->fd, F_GETFL) | O_NONBLOCK);
	sender = ((uint64_t)getpid() << 32) ^ (uint64_t)a->fd ^
	    0x7a705f7061707275ull;
	if (buspump_attach(&p.bus, a->bus, SHMIF_CREATE | SHMIF_WAKEMAP, 0,
	    sender, err, sizeof(err)) != 0) {
		printf("tap %s: the bus %s: %s\n", a->tap, a->bus, err);
		return 1;
	}
	if ((r = buspump_start(&p.bus, bus_to_tap, &p)) != 0) {
		printf("tap %s: a thread: %s\n", a->tap, strerror(-r));
		return 1;
	}
	r = tap_to_bus(&p);
	printf("tap %s: reading: %s\n", a->tap, strerror(-r));
	return 1;
}
