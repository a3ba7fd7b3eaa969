/*
 * hijack_stdio.c — standard input, output and error on node files and
 * sockets.  The C library's stdio writes and reads its FILEs with its own
 * internal calls, which no wrapper sees: `head -c 10 /dev/zero >/rump/f`
 * in a hijacked shell left head writing to the placeholder (EBADF).  So
 * while descriptor 0, 1 or 2 is a node one, stdin, stdout or stderr is
 * a stream of ours (fopencookie) whose reads and writes go through the
 * wrappers; when the descriptor becomes a host one again the C library's
 * own stream is put back.  The streams are swapped when a new program
 * starts with such descriptors and when dup2, dup3 or close changes one
 * of them; the C library flushes ours at exit like any stream.
 *
 * Threads: a swap is not atomic against another thread writing to the
 * same stream; programs change their standard descriptors before they
 * start threads, or after they stopped writing.
 */
#include <stdio.h>
#include <unistd.h>

#include "kernel/hijack.h"

static FILE *libc_stream[3];            /* put aside while ours is in */

static ssize_t
std_read(void *c, char *buf, size_t len)
{
	return read((int)(intptr_t)c, buf, len);
}

static ssize_t
std_write(void *c, const char *buf, size_t len)
{
	return write((int)(intptr_t)c, buf, len);
}

/* Closing our stream leaves the descriptor: it is the program's. */
static int
std_close(void *c)
{
	(void)c;
	return 0;
}

static FILE **
slot(int fd)
{
	return fd == 0 ? &stdin : fd == 1 ? &stdout : &stderr;
}

void
hj_stdio_sync(int fd)
{
	cookie_io_functions_t io = { std_read, std_write, NULL, std_close };
	FILE **s, *f;

	if (fd < 0 || fd > 2)
		return;
	s = slot(fd);
	if (hj_node(fd) >= 0 && libc_stream[fd] == NULL) {
		fflush(*s);
		if ((f = fopencookie((void *)(intptr_t)fd, fd == 0 ? "r" : "w",
		    io)) == NULL)
			return;
		if (fd == 2)
			setvbuf(f, NULL, _IONBF, 0);
		libc_stream[fd] = *s;
		*s = f;
	} else if (hj_node(fd) < 0 && libc_stream[fd] != NULL) {
		f = *s;
		*s = libc_stream[fd];
		libc_stream[fd] = NULL;
		fclose(f);              /* flushes what it holds; fd stays */
	}
}
