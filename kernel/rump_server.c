/*
 * rump_server.c — a node kernel process: parse the command line, detach
 * (unless -s or -r), boot the kernel core, load the components asked for, serve
 * sysproxy on the URL, and shut down cleanly on SIGTERM, SIGINT, SIGHUP or
 * a client's reboot, or at once on SIGUSR1 when it has no file system
 * (quick_halt(): its lab is going away).
 *
 * Start-up is split across fork so that the caller learns the outcome:
 * the parent checks what it can without side effects (URL form, component
 * names), forks, and waits on a pipe; the child boots and writes either
 * "OK" or the error message, and the parent exits 0 or prints it and
 * exits 1.  With -r FD a launcher that runs us as its own child
 * (rumplab's workers) gets the same verdict on FD, and the fork is saved:
 * one process creation less per node.  With the network stack loaded the
 * main thread then runs the stack's loop itself (component_loop():
 * netcomp/netloop.c), so that an idle node is one thread, asleep in
 * futex_waitv() with no timers: signals are taken by handlers that
 * interrupt the loop, and the sysproxy socket and the bus watcher's
 * descriptors raise SIGIO (O_ASYNC) when they have something, on which
 * the loop calls loop_hook(): it accepts clients and takes its turn at
 * hearing NetBSD-style writers (shmif_watch_events()).  Without the stack
 * (a node of file systems only) the main thread polls those descriptors
 * and a signalfd instead (serve()).  Run as
 * rump_allserver (a link to it), it loads every component, as NetBSD's
 * rump_allserver has them all linked in.  This is the only file that
 * prints and exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <unistd.h>

#include "kernel/component.h"
#include "kernel/hyper.h"
#include "kernel/klog.h"
#include "kernel/sysctl.h"
#include "kernel/sysproxy_server.h"
#include "kernel/sysproxy_url.h"
#include "kernel/vfs.h"
#include "kernel/zygote.h"
#include "shmif/shmif.h"
#include "version.h"

#define MAXCOMPONENTS 32
#define MAXETFS 32

struct options {
	int         all;        /* rump_allserver: every component */
	int         foreground;
	int         readyfd;    /* -r: report the verdict here, or -1 */
	int         batchfd;    /* -b: configuration calls, or -1 */
	int         verbose;
	int         ncpu;
	const char *components[MAXCOMPONENTS];
	int         ncomponents;
	const char *etfs[MAXETFS];      /* -d specs */
	int         netfs;
	const char *url;
};

static int hw_ncpu = 1;

static const struct sysctl_knob ncpu_knob = {
	"hw.ncpu", "virtual CPUs of this node (-c)", sysctl_int_get, NULL,
	&hw_ncpu, 1, 1024,
};

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The components listed are the ones linked in (the registry's names). */
static void
usage(FILE *f, int all)
{
	char known[512];

	component_names(known, sizeof(known), 0);
	fprintf(f, all ? "usage: rump_allserver [-sv] [-b fd] [-c ncpu] [-d spec]... "
	    "[-r fd] [-t fd]... URL\n"
	    "       rump_server [-sv] [-b fd] [-c ncpu] [-d spec]... "
	    "[-l component]... [-r fd] [-t fd]... URL\n" : "usage: rump_server "
	    "[-sv] [-b fd] [-c ncpu] [-d spec]... [-l component]... [-r fd] "
	    "[-t fd]... URL\n"
	    "       rump_allserver [-sv] [-b fd] [-c ncpu] [-d spec]... "
	    "[-r fd] URL\n"
	    "  URL           unix://path, unix:///abs/path or tcp://addr:port\n"
	    "  -b fd         sysproxy calls (request frames) read from fd "
	    "and run\n"
	    "                before serving; one failing stops the start\n"
	    "  -c ncpu       virtual CPUs the node reports (hw.ncpu, default 1)\n"
	    "  -d spec       a host file or directory for the node's files, "
	    "NetBSD's form:\n"
	    "                key=KEY,hostpath=PATH,size=host[,type=blk|reg|dir]"
	    "[,ro]\n"
	    "  -l component  load a component and those it depends on:\n"
	    "                %s\n"
	    "  -r fd         stay in the foreground; the outcome (OK or why "
	    "not) goes to fd\n"
	    "  -s            stay in the foreground\n"
	    "  -t fd         an open host tap (a launcher's): virtif's "
	    "linkstr names it\n"
	    "  -v            mirror the kernel log to standard error\n", known);
}

static void
die(const char *fmt, const char *arg)
{
	fprintf(stderr, "rump_server: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

/*
 * -b, -r, -Z: an open descriptor, made close-on-exec.  Not 0-2: once
 * closed, a socket could take the number, and -v's mirror would write
 * into it.
 */
static int
fd_arg(int opt, const char *arg, const char *what)
{
	char msg[128];
	char *end;
	long fd = strtol(arg, &end, 10);

	if (*end != '\0' || end == arg || fd < 3 || fd > INT_MAX ||
	    fcntl((int)fd, F_SETFD, FD_CLOEXEC) == -1) {
		snprintf(msg, sizeof(msg), "-%c %s: not an open %s above 2",
		    opt, arg, what);
		die("%s", msg);
	}
	return (int)fd;
}

static void
parse_args(int argc, char **argv, struct options *o)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char *end;
	long fd;
	int ch;

	memset(o, 0, sizeof(*o));
	o->ncpu = 1;
	o->readyfd = -1;
	o->batchfd = -1;
	o->all = strcmp(basename(argv[0]), "rump_allserver") == 0;
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout, o->all);
		exit(0);
	}
	while ((ch = getopt(argc, argv, "b:c:d:l:r:st:v")) != -1) {
		switch (ch) {
		case 'b':
			o->batchfd = fd_arg('b', optarg, "file descriptor");
			break;
		case 'c':
			o->ncpu = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o->ncpu < 1 || o->ncpu > 1024)
				die("-c %s: not a CPU count (1-1024)", optarg);
			break;
		case 'd':
			if (o->netfs == MAXETFS)
				die("too many -d options%s", "");
			o->etfs[o->netfs++] = optarg;
			break;
		case 'l':
			if (o->ncomponents == MAXCOMPONENTS)
				die("too many -l options%s", "");
			o->components[o->ncomponents++] = optarg;
			break;
		case 'r':
			o->readyfd = fd_arg('r', optarg, "file descriptor");
			o->foreground = 1;
			break;
		case 's':
			o->foreground = 1;
			break;
		case 't':
			fd = strtol(optarg, &end, 10);
			if (*end != '\0' || end == optarg || fd < 3 ||
			    fd > INT_MAX)
				die("-t %s: not a file descriptor above 2",
				    optarg);
			if (hyp_handover_add((int)fd) != 0)
				die("-t %s: not an open descriptor, or too many "
				    "-t options", optarg);
			break;
		case 'v':
			o->verbose = 1;
			break;
		default:
			usage(stderr, o->all);
			exit(2);
		}
	}
	if (argc - optind != 1) {
		usage(stderr, o->all);
		exit(2);
	}
	o->url = argv[optind];
	if (sp_url_parse(o->url, &ss, &len) != 0)
		die("bad URL '%s': expected unix://path, unix:///abs/path or "
		    "tcp://addr:port", o->url);
}

/* Unknown component names, and libraries that do not open, are reported
 * before anything starts. */
static void
check_components(const struct options *o)
{
	char err[768];
	int i;

	for (i = 0; i < o->ncomponents; i++)
		if (component_open(o->components[i], err, sizeof(err)) != 0)
			die("%s", err);
}

/*
 * Detach: the parent waits for the child's verdict on the pipe and exits
 * with it.  Returns the pipe's write end in the child.
 */
static int
detach(int verbose)
{
	char msg[1024];
	ssize_t n, off = 0;
	int fds[2], null;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0)
		die("pipe: %s", strerror(errno));
	if ((pid = fork()) < 0)
		die("fork: %s", strerror(errno));
	if (pid > 0) {
		close(fds[1]);
		while (off < (ssize_t)sizeof(msg) - 1 &&
		    (n = read(fds[0], msg + off, sizeof(msg) - 1 - (size_t)off)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				break;
			off += n;
		}
		msg[off] = '\0';
		if (strcmp(msg, "OK") == 0)
			exit(0);
		die("%s", off > 0 ? msg : "node exited during start-up");
	}
	close(fds[0]);
	setsid();
	if ((null = open("/dev/null", O_RDWR)) >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (!verbose)
			dup2(null, 2);
		if (null > 2)
			close(null);
	}
	return fds[1];
}

/* Report the start-up outcome: to the waiting parent (or -r's reader),
 * or to stderr. */
static void
report(int fd, const char *msg)
{
	if (fd >= 0) {
		(void)!write(fd, msg, strlen(msg));
		close(fd);
	} else if (strcmp(msg, "OK") != 0)
		fprintf(stderr, "rump_server: %s\n", msg);
}

struct allnames {
	const char *name[MAXCOMPONENTS];
	int n;
};

static void
add_name(const struct component *c, void *arg)
{
	struct allnames *a = arg;

	if (a->n < MAXCOMPONENTS)
		a->name[a->n++] = c->name;
}

/*
 * rump_allserver: NetBSD's server with every component linked in.  Here
 * every registered component is loaded, in name order, but one that
 * refuses to sit beside another already loaded (rumpnet_sockin, whose
 * sockets are the host's, beside the node's own stack) is left out.
 */
static int
load_all(char *err, size_t errlen)
{
	struct allnames a = { .n = 0 };
	int i, error;

	component_foreach(add_name, &a);
	qsort(a.name, (size_t)a.n, sizeof(a.name[0]), name_cmp);
	for (i = 0; i < a.n; i++)
		if ((error = component_load(a.name[i], err, errlen)) != 0 &&
		    error != -EEXIST)
			return error;
	err[0] = '\0';
	return 0;
}

static int
boot(const struct options *o, struct sp_server **srvp, char *err,
    size_t errlen)
{
	int i, error;

	klog(KLOG_INFO, "rumplab node kernel booting, pid %d", (int)getpid());
	hw_ncpu = o->ncpu;
	if ((error = sysctl_kern_init()) != 0 ||
	    (error = sysctl_register(&ncpu_knob)) != 0) {
		snprintf(err, errlen, "sysctl: %s", strerror(-error));
		return error;
	}
	for (i = 0; i < o->ncomponents; i++)
		if ((error = component_load(o->components[i], err, errlen)) != 0)
			return error;
	/* -d hands the node host files: they need the VFS, and a
	 * directory hostfs. */
	if (o->netfs > 0 && ((error = component_load("rumpvfs", err,
	    errlen)) != 0 || (error = component_load("rumpfs_hostfs", err,
	    errlen)) != 0))
		return error;
	for (i = 0; i < o->netfs; i++)
		if ((error = vfs_etfs_parse(o->etfs[i], err, errlen)) != 0)
			return error;
	if (o->all && (error = load_all(err, errlen)) != 0)
		return error;
	if (o->batchfd >= 0) {
		error = sp_batch_run(o->batchfd, err, errlen);
		close(o->batchfd);
		if (error != 0)
			return error;
	}
	return sp_server_listen(o->url, srvp, err, errlen);
}

/*
 * The main thread's loop, until SIGTERM, SIGINT or SIGHUP (blocked in
 * SET): accept clients, take part in watching bus directories.  Returns
 * the signal.
 */
static int
serve(struct sp_server *srv, const sigset_t *set, int wfd)
{
	struct signalfd_siginfo si;
	struct pollfd p[3];
	int sfd, timeout = -1;

	if ((sfd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		klog(KLOG_ERR, "signalfd: %s; stopping", strerror(errno));
		return SIGTERM;
	}
	p[0].fd = sfd;
	p[1].fd = sp_server_fd(srv);
	p[2].fd = wfd;          /* < 0: poll ignores it */
	for (;;) {
		for (int i = 0; i < 3; i++)
			p[i].events = POLLIN;
		if (timeout >= 0)
			p[1].events = 0;        /* backing off: out of fds */
		if (poll(p, 3, timeout) < 0) {
			if (errno == EINTR)
				continue;
			klog(KLOG_ERR, "poll: %s; stopping", strerror(errno));
			close(sfd);
			return SIGTERM;
		}
		if (p[0].revents & POLLIN) {
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				if (si.ssi_signo == SIGTERM ||
				    si.ssi_signo == SIGINT ||
				    si.ssi_signo == SIGHUP ||
				    si.ssi_signo == SIGUSR1) {
					close(sfd);
					return (int)si.ssi_signo;
				}
		}
		if (p[2].revents & POLLIN)
			shmif_watch_dispatch();
		timeout = -1;
		if ((p[1].revents & POLLIN) || p[1].events == 0)
			if (sp_server_accept(srv) < 0)
				timeout = 100;  /* try again in 100 ms */
	}
}

/*
 * The main thread's loop when the network stack runs on it (component.h's
 * component_loop(): an idle node is then one thread): the signals are
 * taken by handlers that note them and interrupt the loop, and the loop
 * calls loop_hook() on this thread.  The sysproxy socket and the bus
 * watcher's descriptors raise SIGIO (O_ASYNC) when they have something;
 * SIGALRM retries an accept that failed for want of descriptors.
 */
static volatile sig_atomic_t stop_sig, io_ready;

static void
on_signal(int sig)
{
	int e = errno;

	if (sig == SIGIO || sig == SIGALRM)
		io_ready = 1;
	else if (stop_sig == 0)
		stop_sig = sig;
	component_loop()->interrupt();
	errno = e;
}

static int
loop_hook(void *arg)
{
	struct itimerval retry = { { 0, 0 }, { 0, 100 * 1000 } };
	struct sp_server *srv = arg;
	int r, w;

	if (stop_sig != 0)
		return stop_sig;
	if (io_ready) {
		io_ready = 0;
		/* SIGIO says something new came, not that all was taken:
		 * stopped at their limits, they are called again soon. */
		if ((w = shmif_watch_dispatch()) == 1)
			io_ready = 1;
		if ((r = sp_server_accept(srv)) > 0)
			io_ready = 1;
		if (w == 2 || r < 0) {
			retry.it_value.tv_usec = w == 2 ? 10 * 1000 :
			    100 * 1000;
			setitimer(ITIMER_REAL, &retry, NULL);
		}
		if (io_ready)
			component_loop()->interrupt();
	}
	return 0;
}

/* Until a signal of SET: returns it. */
static int
serve_on_loop(struct sp_server *srv, const sigset_t *set)
{
	struct sigaction sa;
	int fd = sp_server_fd(srv), sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(set, sig) == 1)
			sigaction(sig, &sa, NULL);
	/* A node without file systems has nothing to do when its lab goes
	 * (quick_halt()): SIGUSR1's default action ends it in the kernel,
	 * with no return to user space. */
	if (!component_loaded("rumpvfs"))
		signal(SIGUSR1, SIG_DFL);
	if (fcntl(fd, F_SETOWN, getpid()) != 0 || fcntl(fd, F_SETFL,
	    fcntl(fd, F_GETFL) | O_ASYNC) != 0 || shmif_watch_sigio() != 0) {
		klog(KLOG_ERR, "cannot have SIGIO: %s; stopping",
		    strerror(errno));
		return SIGTERM;
	}
	io_ready = 1;		/* whatever came before O_ASYNC */
	component_loop()->interrupt();
	pthread_sigmask(SIG_UNBLOCK, set, NULL);
	sig = component_loop()->run(loop_hook, srv);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	return sig;
}

/*
 * -Z FD [ROOM]: serve as a zygote on the socket FD (kernel/zygote.h); in
 * each child made, the node's own argument vector.  The zygote itself
 * exits here when its socket ends.
 */
static char **
zygote(char **zargv, int *argcp)
{
	char **argv;
	int fd;

	if (*argcp > 4)		/* -Z FD [ROOM] and nothing else */
		die("-Z %s: not an open socket above 2", zargv[2]);
	fd = fd_arg('Z', zargv[2], "socket");
	if ((argv = zygote_serve(fd, zargv, *argcp, argcp)) != NULL)
		return argv;
	if (*argcp < 0)
		die("zygote: %s", strerror(-*argcp));
	exit(0);
}

/*
 * SIGUSR1 to a node without file systems, whose lab is going away (its
 * buses and directory with it): its threads end, then the process, with
 * nothing detached, freed, sent or logged (its log goes too).  This is
 * the path of a node whose main thread polls (serve()); one that runs the
 * stack's loop leaves SIGUSR1 its default action (serve_on_loop()), and
 * is one thread unless clients are connected.  Why not SIGKILL here: a
 * process whose main thread exits while another thread still runs makes
 * the kernel look for a new owner of its memory among every process
 * (memcg's mm_update_next_owner()): a fifth of the CPU of taking 10,000
 * two-thread nodes down at once.  Here the main thread goes last.
 */
static void
quick_halt(struct sp_server *srv)
{
	sp_server_stop(srv);
	component_halt_all();
	_exit(0);
}

static void
reboot_hook(void)
{
	kill(getpid(), SIGTERM);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct sp_server *srv = NULL;
	char err[1024];
	sigset_t set;
	int fd = -1, sig, wfd, error;

	if (version_asked(argc, argv, basename(argv[0])))
		return 0;
	if (argc >= 3 && strcmp(argv[1], "-Z") == 0)
		argv = zygote(argv, &argc);
	parse_args(argc, argv, &o);
	check_components(&o);
	signal(SIGPIPE, SIG_IGN);
	/* A background job may have inherited these ignored. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGIO);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (o.readyfd >= 0)
		fd = o.readyfd;
	else if (!o.foreground)
		fd = detach(o.verbose);
	if (o.verbose)
		klog_set_mirror(2, KLOG_DEBUG);
	wfd = shmif_watch_events();
	component_loop_offer();
	err[0] = '\0';
	if ((error = boot(&o, &srv, err, sizeof(err))) == 0 &&
	    (error = sp_server_start(srv, reboot_hook)) != 0)
		snprintf(err, sizeof(err), "cannot start: %s", strerror(-error));
	if (error != 0) {
		report(fd, err[0] != '\0' ? err : strerror(-error));
		component_fini_all();
		return 1;
	}
	report(fd, "OK");
	if (component_loop() == NULL)
		sig = serve(srv, &set, wfd);
	else {
		sig = serve_on_loop(srv, &set);
		if (component_loop()->detach() != 0)
			klog(KLOG_WARN, "no thread for the network loop: "
			    "halting without it");
	}
	if (sig == SIGUSR1 && !component_loaded("rumpvfs"))
		quick_halt(srv);
	klog(KLOG_INFO, "shutting down (%s)", strsignal(sig));
	sp_server_stop(srv);
	shmif_exiting();
	component_fini_all();
	klog(KLOG_INFO, "halted");
	return 0;
}
