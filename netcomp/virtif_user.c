/*
 * virtif_user.c — a Linux tap as the link of a virtif interface
 * (netcomp/virtif_user.h).
 *
 * The tap's descriptor is non-blocking: the receiver reads until EAGAIN
 * and then sleeps in poll() on the tap and an eventfd, which
 * virtif_user_kick() writes to when the interface is taken down.  A
 * handed-over tap is used through a dup() (the node's registry keeps the
 * original, so the tap outlives a linkstr change); its O_NONBLOCK flag is
 * shared with the launcher that opened it, which never reads it.
 */
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/hyper.h"
#include "netcomp/virtif_user.h"

#define TUN_DEV "/dev/net/tun"

struct virtif_user {
	int fd;                 /* the tap, non-blocking */
	int wake;               /* eventfd: kicks the receiver */
	int handed;             /* from rump_server -t */
	char name[IFNAMSIZ];
};

/* hyp_handover_find(): a tap without packet information named arg. */
static int
tap_named(int fd, void *arg)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) != 0)
		return 0;
	return (ifr.ifr_flags & (IFF_TAP | IFF_NO_PI)) == (IFF_TAP |
	    IFF_NO_PI) && strncmp(ifr.ifr_name, arg, IFNAMSIZ) == 0;
}

static int
open_named(const char *name, char *detail, size_t len)
{
	struct ifreq ifr;
	int fd, e;

	if ((fd = open(TUN_DEV, O_RDWR | O_CLOEXEC)) < 0) {
		e = errno;
		snprintf(detail, len, "cannot open %s: %s%s", TUN_DEV,
		    strerror(e), e == ENOENT || e == ENODEV ?
		    " (no tun driver: modprobe tun)" : e == EACCES ?
		    " (this user may not open it)" : "");
		return -e;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		e = errno;
		close(fd);
		if (e == EPERM)
			snprintf(detail, len, "tap %s: creating a tap needs "
			    "CAP_NET_ADMIN, and no persistent tap of that name "
			    "belongs to this user", name);
		else if (e == EBUSY)
			snprintf(detail, len, "tap %s is in use by another "
			    "process", name);
		else if (e == EINVAL)
			snprintf(detail, len, "%s is a tun device (IP), not a "
			    "tap (Ethernet), or another kind of interface",
			    name);
		else
			snprintf(detail, len, "tap %s: %s", name, strerror(e));
		return -e;
	}
	return fd;
}

static int
name_ok(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n >= IFNAMSIZ)
		return 0;
	for (i = 0; i < n; i++)
		if (name[i] == '/' || name[i] == ':' || name[i] <= ' ')
			return 0;
	return 1;
}

int
virtif_user_open(const char *name, struct virtif_user **vup, char *detail,
    size_t detaillen)
{
	struct virtif_user *vu;
	int fd, handed = 0;

	*vup = NULL;
	if (!name_ok(name)) {
		snprintf(detail, detaillen, "'%s' is not a tap name (1 to %d "
		    "characters, no '/', ':' or spaces)", name, IFNAMSIZ - 1);
		return -EINVAL;
	}
	if ((fd = hyp_handover_find(tap_named, (void *)name)) >= 0) {
		if ((fd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0) {
			snprintf(detail, detaillen, "tap %s: dup: %s", name,
			    strerror(errno));
			return -errno;
		}
		handed = 1;
	} else if ((fd = open_named(name, detail, detaillen)) < 0)
		return fd;
	if ((vu = calloc(1, sizeof(*vu))) == NULL) {
		close(fd);
		snprintf(detail, detaillen, "out of memory");
		return -ENOMEM;
	}
	vu->fd = fd;
	vu->handed = handed;
	snprintf(vu->name, sizeof(vu->name), "%s", name);
	if ((vu->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
		snprintf(detail, detaillen, "tap %s: %s", name,
		    strerror(errno));
		virtif_user_close(vu);
		return -EIO;
	}
	*vup = vu;
	return 0;
}

void
virtif_user_close(struct virtif_user *vu)
{
	if (vu == NULL)
		return;
	close(vu->fd);
	if (vu->wake >= 0)
		close(vu->wake);
	free(vu);
}

int
virtif_user_handed(const struct virtif_user *vu)
{
	return vu->handed;
}

void
virtif_user_kick(struct virtif_user *vu)
{
	uint64_t one = 1;

	(void)!write(vu->wake, &one, sizeof(one));
}

/* Sleeps until the tap is readable (1) or a kick came (0). */
static int
wait_readable(struct virtif_user *vu)
{
	struct pollfd p[2] = { { vu->fd, POLLIN, 0 }, { vu->wake, POLLIN, 0 } };
	uint64_t v;

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[1].revents & POLLIN) {
			(void)!read(vu->wake, &v, sizeof(v));
			return 0;
		}
		if (p[0].revents & (POLLERR | POLLNVAL))
			return -EIO;
		return 1;
	}
}

int
virtif_user_recv(struct virtif_user *vu, uint8_t *bufs, size_t size,
    uint32_t *lens, unsigned n, uint64_t *toolong)
{
	/* One byte more than a frame may have: a read that fills it was
	 * cut short, and the frame is dropped. */
	uint8_t *b;
	unsigned k = 0;
	ssize_t r;
	int w;

	for (;;) {
		while (k < n) {
			b = bufs + (size_t)k * (size + 1);
			if ((r = read(vu->fd, b, size + 1)) < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN)
					break;
				return k > 0 ? (int)k : -errno;
			}
			if ((size_t)r > size) {
				(*toolong)++;
				continue;
			}
			if (r == 0)
				continue;
			lens[k++] = (uint32_t)r;
		}
		if (k > 0)
			return (int)k;
		if ((w = wait_readable(vu)) <= 0)
			return w;
	}
}

int
virtif_user_send(struct virtif_user *vu, const void *frame, uint32_t len)
{
	ssize_t r;

	do
		r = write(vu->fd, frame, len);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return (size_t)r == len ? 0 : -EIO;
}
