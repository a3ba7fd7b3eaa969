/*
 * sockprobe.c — what a program that bypasses librumphijack gets when it
 * asks the host for an Internet socket: tests/run/79-lab-exec.t builds it
 * three ways (dynamic, static, and with the section a Go binary carries)
 * to prove that `rumplab exec` refuses the two the hijack cannot reach,
 * and that one started anyway from a node's shell cannot open a host
 * socket.  Prints "socket: ok" or "socket: " and the error; exit 0/1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef FAKE_GO
/* The section Go's linker writes; its presence is what is detected. */
__attribute__((used, section(".go.buildinfo")))
static const char buildinfo[32] = "\xff Go buildinf:";
#endif

int
main(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0) {
		printf("socket: %s\n", strerror(errno));
		return 1;
	}
	printf("socket: ok\n");
	close(s);
	return 0;
}
