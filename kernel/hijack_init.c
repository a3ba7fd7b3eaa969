/*
 * hijack_init.c — librumphijack's start: the real libc functions found
 * behind the wrappers (dlsym RTLD_NEXT), the RUMPHIJACK settings, the
 * host calls librumpclient makes on its own descriptors, and the one-time
 * messages the library prints on stderr.
 *
 * RUMPHIJACK is a comma-separated list in NetBSD's syntax, of which these
 * keys mean something here:
 *   socket=inet,inet6   families whose sockets are the node's (also all,
 *                       none; a family may be prefixed "no": all,noinet6;
 *                       local/nolocal are accepted: unix sockets always
 *                       stay on the host)
 *   hosts=FILE          the hosts(5) file names resolve in (default
 *                       $RUMPHIJACK_HOSTS; see hijack_name.c)
 *   quiet               no messages on stderr
 * Others NetBSD knows (path, blanket, sysctl, modctl, fdoff, vfs) are
 * accepted and mean nothing: a node has no file system, and descriptors
 * need no offset here (hijack.h says why).  An unknown key is said once.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/hijack.h"
#include "kernel/rumpclient.h"
#include "kernel/rumpclient_call.h"

struct hj_real hj_real;
int hj_ready;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int fam_inet = 1, fam_inet6 = 1;
static int quiet;
static int said[HJ_SAY_NMAX];

#define REAL(name) do {                                                 \
	*(void **)&hj_real.name = dlsym(RTLD_NEXT, #name);              \
	if (hj_real.name == NULL)                                       \
		missing = #name;                                        \
} while (0)

static void
resolve(void)
{
	const char *missing = NULL;

	REAL(socket); REAL(connect); REAL(close); REAL(close_range);
	REAL(read); REAL(write); REAL(readv); REAL(writev); REAL(send);
	REAL(poll); REAL(ppoll); REAL(select); REAL(pselect);
	REAL(epoll_ctl); REAL(epoll_wait); REAL(epoll_pwait);
	REAL(setsockopt); REAL(shutdown); REAL(dup); REAL(dup2); REAL(dup3);
	REAL(fcntl); REAL(ioctl); REAL(fork); REAL(execve);
	REAL(posix_spawn); REAL(posix_spawnp); REAL(sendfile); REAL(fstat);
	REAL(fdopen);
	if (missing != NULL) {
		/* Without the real call the wrapper has nowhere to go. */
		fprintf(stderr, "librumphijack: libc has no %s; cannot run\n",
		    missing);
		_exit(127);
	}
}

static int
host_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	return hj_real.poll(fds, n, timeout);
}

/*
 * A signal ended a wait: does the call go on?  As the kernel restarts a
 * system call when the handler that ran has SA_RESTART.  Which signal ran
 * is not known here, so the call goes on only when every handler
 * installed has SA_RESTART (a handler without it, as Python and most
 * event loops install, interrupts as it would on the host).
 */
static int
restart(void)
{
	struct sigaction sa;
	int sig;

	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP ||
		    sigaction(sig, NULL, &sa) != 0)
			continue;
		if (sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN &&
		    !(sa.sa_flags & SA_RESTART))
			return 0;
	}
	return 1;
}

static void
hostcalls(void)
{
	struct rumpclient_hostcalls h;

	memset(&h, 0, sizeof(h));
	h.socket = hj_real.socket;
	h.connect = hj_real.connect;
	h.read = hj_real.read;
	h.write = hj_real.write;
	h.send = hj_real.send;
	h.close = hj_real.close;
	h.poll = host_poll;
	h.setsockopt = hj_real.setsockopt;
	h.shutdown = hj_real.shutdown;
	h.fdadopt = hj_fdadopt;
	h.restart = restart;
	rumpclient_set_hostcalls(&h);
}

static void
set_families(const char *v)
{
	char buf[256], *tok, *save;
	int on;

	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, ":", &save); tok != NULL;
	    tok = strtok_r(NULL, ":", &save)) {
		on = strncmp(tok, "no", 2) != 0;
		if (!on)
			tok += 2;
		if (strcmp(tok, "all") == 0)
			fam_inet = fam_inet6 = on;
		else if (strcmp(tok, "none") == 0 || strcmp(tok, "") == 0)
			fam_inet = fam_inet6 = 0;
		else if (strcmp(tok, "inet") == 0)
			fam_inet = on;
		else if (strcmp(tok, "inet6") == 0)
			fam_inet6 = on;
		else if (strcmp(tok, "local") != 0)
			hj_say_once(HJ_SAY_OPT, "RUMPHIJACK: socket family '%s' "
			    "unknown (inet, inet6, all, none)", tok);
	}
}

/* RUMPHIJACK's keys; "socket=inet:inet6" as NetBSD writes a list. */
static void
settings(void)
{
	static const char *const ignored[] = { "blanket", "sysctl",
	    "modctl", "fdoff", "vfs", NULL };
	const char *env = getenv("RUMPHIJACK"), *hosts;
	char buf[1024], *tok, *save, *eq;
	int k;

	hosts = getenv("RUMPHIJACK_HOSTS");
	snprintf(buf, sizeof(buf), "%s", env != NULL ? env : "");
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(tok, '=')) != NULL)
			*eq++ = '\0';
		if (strcmp(tok, "socket") == 0 && eq != NULL)
			set_families(eq);
		else if (strcmp(tok, "path") == 0 && eq != NULL)
			hj_path_prefix(eq);
		else if (strcmp(tok, "hosts") == 0 && eq != NULL)
			hosts = eq[0] != '\0' ? strdup(eq) : NULL;
		else if (strcmp(tok, "quiet") == 0)
			quiet = 1;
		else {
			for (k = 0; ignored[k] != NULL; k++)
				if (strcmp(tok, ignored[k]) == 0)
					break;
			if (ignored[k] == NULL)
				hj_say_once(HJ_SAY_OPT, "RUMPHIJACK: '%s' unknown; "
				    "see librumphijack(3)", tok);
		}
	}
	hj_hosts_init(hosts);
}

static void
init_once_fn(void)
{
	resolve();
	hostcalls();
	rumpclient_setflags(RUMPCLIENT_INTR);
	settings();
	hj_inherit();
	__atomic_store_n(&hj_ready, 1, __ATOMIC_RELEASE);
}

void
hj_init(void)
{
	pthread_once(&init_once, init_once_fn);
}

__attribute__((constructor)) static void
hj_constructor(void)
{
	hj_init();
}

void *
hj_next_symbol(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (p == NULL) {
		hj_say_once(HJ_SAY_NODE, "libc has no %s", name);
		_exit(127);
	}
	return p;
}

int
hj_family(int domain)
{
	return (domain == AF_INET && fam_inet) ||
	    (domain == AF_INET6 && fam_inet6);
}

void
hj_say_once(int what, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	int n;

	if (quiet || __atomic_exchange_n(&said[what], 1, __ATOMIC_RELAXED))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg) - 1, fmt, ap);
	va_end(ap);
	n = (int)strlen(msg);
	msg[n++] = '\n';
	/* The real write: stderr may be a node socket's placeholder. */
	(void)!hj_real.write(2, "librumphijack: ", 15);
	(void)!hj_real.write(2, msg, (size_t)n);
}

/*
 * A call failed with errno error: a node that is not there, or went away,
 * is said once on stderr with the address the program was given, for
 * the call itself returns only an errno.
 */
int
hj_node_error(int error)
{
	const char *url = getenv("RUMP_SERVER");

	if (error == EHOSTDOWN)
		hj_say_once(HJ_SAY_NODE, "no node to run on: %s",
		    url == NULL ? "RUMP_SERVER is not set" :
		    rumpclient_lasterror());
	else if (error == ENOTCONN && rumpclient_fd() < 0)
		hj_say_once(HJ_SAY_NODE, "the node at %s went away",
		    url != NULL ? url : "?");
	return error;
}
