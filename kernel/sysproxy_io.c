/*
 * sysproxy_io.c — whole reads and writes on a sysproxy stream (see
 * kernel/sysproxy_io.h).
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel/sysproxy_io.h"

ssize_t
sp_read_full(int fd, void *buf, size_t n)
{
	size_t off = 0;
	ssize_t r;

	while (off < n) {
		r = read(fd, (char *)buf + off, n - off);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)r;
	}
	return (ssize_t)off;
}

int
sp_write_full(int fd, const void *buf, size_t n)
{
	size_t off = 0;
	ssize_t r;

	while (off < n) {
		r = send(fd, (const char *)buf + off, n - off, MSG_NOSIGNAL);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)r;
	}
	return 0;
}
