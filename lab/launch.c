/*
 * launch.c — start and configure one node (lab/launch.h).
 *
 * The node kernel is spawned as our child with `rump_server -r FD`,
 * which says on FD once the node listens; when the worker running us
 * exits, the supervisor (a child subreaper) adopts it, which is how the
 * supervisor comes to own and reap every node.  Configuration then
 * goes over one sysproxy connection with the rump_sys_* calls the rump.*
 * commands use — no process per step (routes with rump_sys_route_add(),
 * fixed and stable MACs with rump_sys_ifsetmac()).
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "kernel/rumpclient_call.h"
#include "kernel/zygote.h"
#include "lab/child.h"
#include "lab/ipaddr.h"
#include "lab/launch.h"
#include "lab/preflight.h"
#include "lab/plan.h"
#include "lab/statedir.h"

void
launch_url(const char *dir, int node, char *buf, size_t len)
{
	char sock[STATEDIR_PATHMAX];

	statedir_sock(dir, node, sock);
	snprintf(buf, len, "unix://%s", sock);
}

/* The directory this program runs from, into buf; "" when unknown. */
static void
own_dir(char *buf, size_t len)
{
	char *slash;
	ssize_t n;

	buf[0] = '\0';
	if ((n = readlink("/proc/self/exe", buf, len - 1)) <= 0)
		return;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) != NULL)
		*slash = '\0';
	else
		buf[0] = '\0';
}

void
launch_init(struct launch_ctx *lc, const struct lab *lab, const char *dir)
{
	char self[PATH_MAX];
	const char *env = getenv("RUMPLAB_SERVER");

	lc->lab = lab;
	lc->dir = dir;
	lc->zygote = -1;
	if (env != NULL && env[0] != '\0') {
		snprintf(lc->server, sizeof(lc->server), "%s", env);
		return;
	}
	own_dir(self, sizeof(self));
	if (self[0] != '\0') {
		snprintf(lc->server, sizeof(lc->server), "%s/rump_server",
		    self);
		if (access(lc->server, X_OK) == 0)
			return;
	}
	snprintf(lc->server, sizeof(lc->server), "rump_server");
}

static int
open_log(const struct launch_ctx *lc, int node)
{
	char path[STATEDIR_PATHMAX];
	int fd;

	statedir_log(lc->dir, lc->lab->nodes[node].name, path);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	/* Not our own output in its place: that is the worker's report
	 * pipe, which a node kernel must not hold open. */
	return fd >= 0 ? fd : open("/dev/null", O_WRONLY | O_CLOEXEC);
}

__attribute__((format(printf, 2, 3)))
static void
logf_fd(int fd, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "rumplab: ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	(void)!write(fd, line, (size_t)n);
}

/*
 * Spawns rump_server as our child (lab/child.c) and waits for its
 * verdict on a pipe (-r VERDICT_FD): "OK" once it accepts clients, else
 * why not.  It does not detach (one fork less per node than its own
 * daemon mode, and posix_spawn copies no page tables: `up` of a
 * 1000-node line went from 13.3-16.5 s to 8.3-9.7 s on this 2-core PVM
 * guest, where page-table updates are hypercalls).  It runs in its own
 * session, its output in the node's log; when the worker that started
 * it exits, the supervisor (a subreaper) adopts it.
 */
#define VERDICT_FD	3
#define VERDICT_ARG	"3"
#define BATCH_FD	4	/* -b: the recorded configuration */
#define BATCH_ARG	"4"
#define MAXFS_ARGS	8	/* file systems a node is started with */

/*
 * The server's arguments: the network components (a bridge's without
 * IPv6, so that its ports stay silent; virtif for taps), and for a node
 * with file systems the VFS, the components of their types and a -d for
 * each image or directory (plan_fs_spec()).  specs holds the -d strings.
 */
static int
kernel_argv(const struct launch_ctx *lc, int node, char **argv,
    char (*specs)[600], const char *url)
{
	const struct lab_node *n = &lc->lab->nodes[node];
	int i = 0, k, j, r, virt = 0;

	argv[i++] = "rump_server";
	argv[i++] = "-l";
	argv[i++] = "rumpnet_netinet";
	argv[i++] = "-l";
	argv[i++] = n->bridge ? "rumpnet_bridge" : "rumpnet_netinet6";
	argv[i++] = "-l";
	argv[i++] = "rumpnet_shmif";
	for (k = 0; k < n->nifaces; k++)
		virt |= n->ifaces[k].tap != NULL;
	if (virt) {
		argv[i++] = "-l";
		argv[i++] = "rumpnet_virtif";
	}
	if (n->nfs > MAXFS_ARGS)
		return -E2BIG;
	if (n->nfs > 0) {
		argv[i++] = "-l";
		argv[i++] = "rumpvfs";
	}
	for (k = 0; k < n->nfs; k++) {
		for (j = 0; j < k; j++)
			if (strcmp(n->fs[j].type, n->fs[k].type) == 0)
				break;
		if (j == k) {           /* the first of its type */
			argv[i++] = "-l";
			argv[i++] = (char *)plan_fs_component(&n->fs[k]);
		}
		if ((r = plan_fs_spec(lc->lab, &n->fs[k], k, specs[k], 600))
		    != 0)
			return r;
		if (specs[k][0] != '\0') {
			argv[i++] = "-d";
			argv[i++] = specs[k];
		}
	}
	argv[i++] = "-b";
	argv[i++] = BATCH_ARG;
	argv[i++] = "-r";
	argv[i++] = VERDICT_ARG;
	argv[i++] = (char *)url;
	argv[i] = NULL;
	return 0;
}

/*
 * The taps the supervisor opened for the node's virtif interfaces: each
 * becomes the node's descriptor TAPFD_FIRST + k, named with -t (the
 * interface's linkstr finds it by the tap's name), put in argv before
 * the URL.  Returns how many.
 */
#define TAPFD_FIRST	5
#define MAXTAP_ARGS	16	/* HYP_HANDOVER_MAX */

static int
tap_fds(const struct launch_ctx *lc, int node, char **argv,
    struct child_fd *fds, char (*nums)[12])
{
	const struct lab_node *n = &lc->lab->nodes[node];
	int k, i, nt = 0, fd;

	for (i = 0; argv[i] != NULL; i++)
		continue;
	for (k = 0; k < n->nifaces && nt < MAXTAP_ARGS; k++) {
		if (n->ifaces[k].tap == NULL || lc->tapfd == NULL ||
		    (fd = lc->tapfd[n->ifaces[k].bus]) < 0)
			continue;
		fds[nt].from = fd;
		fds[nt].to = TAPFD_FIRST + nt;
		snprintf(nums[nt], sizeof(nums[nt]), "%d", TAPFD_FIRST + nt);
		argv[i + 1] = argv[i - 1];      /* the URL moves on */
		argv[i - 1] = "-t";
		argv[i] = nums[nt];
		argv[i + 2] = NULL;
		i += 2;
		nt++;
	}
	return nt;
}

int
launch_zygote(const struct launch_ctx *lc, struct child *c, int *sock)
{
	size_t len = strlen(lc->dir) + ZYGOTE_ROOM;
	static const char *const bindnow[] = { "LD_BIND_NOW=1", NULL };
	char *room, *argv[] = { "rump_server", "-Z", "3", NULL, NULL };
	int sv[2], r;
	struct child_fd fd = { 0, 3 };
	struct child_spec s = { .path = lc->server, .argv = argv,
	    .flags = CHILD_GROUP, .fds = &fd, .nfds = 1 };
	char **env;

	/* The lab's directory (a leak check looks for it), then spaces:
	 * ps shows each node's own arguments in their place. */
	if ((room = malloc(len)) == NULL)
		return -ENOMEM;
	memset(room, ' ', len - 1);
	memcpy(room, lc->dir, strlen(lc->dir));
	room[len - 1] = '\0';
	argv[3] = room;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		free(room);
		return -errno;
	}
	fd.from = sv[1];
	/*
	 * Every symbol bound once, here, before the first fork: with lazy
	 * binding each node resolved the library calls the zygote had not
	 * made (ld.so's do_lookup_x() and _dl_fixup() were 1 % of up) and
	 * wrote its own copy of each GOT page it touched: 6 of a node's
	 * 108 page faults.  rump_server's own -z now does not reach its
	 * libraries.  Node kernels run no programs, so it stops there.
	 */
	env = child_environ(bindnow);
	s.envp = env;
	r = child_start(c, &s);
	free(env);
	free(room);
	close(sv[1]);
	if (r != 0) {
		close(sv[0]);
		return r;
	}
	*sock = sv[0];
	return 0;
}

/*
 * The node forked by the zygote: argv and, in order, where its pid
 * comes back, the go pipe it waits on, its output, then fds[] (their
 * `to`s 3, 4, 5...).  It goes on only once we write go, after its pid
 * came back: a zygote killed in between cannot leave it unowned.  0 with
 * its pid and the verdict pipe's read end in c; -EPIPE when the zygote
 * cannot be asked (gone), else -errno (it could not fork).
 */
static int
zygote_start(int zsock, char **argv, int outfd, const struct child_fd *fds,
    int nfds, struct child *c)
{
	union {
		struct cmsghdr	h;
		char		buf[CMSG_SPACE(ZYGOTE_FDMAX * sizeof(int))];
	} cm;
	char body[ZYGOTE_MSGMAX];
	int give[ZYGOTE_FDMAX], rp[2], vp[2], gp[2], i, n = 0;
	int answer = -EPIPE;
	size_t len = 0, l;
	struct iovec iov = { body, 0 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = cm.buf };
	ssize_t r;

	for (i = 0; argv[i] != NULL; i++) {
		if ((l = strlen(argv[i]) + 1) > sizeof(body) - len)
			return -E2BIG;
		memcpy(body + len, argv[i], l);
		len += l;
	}
	if (nfds + 4 > ZYGOTE_FDMAX)
		return -E2BIG;
	if (pipe2(rp, O_CLOEXEC) != 0)
		return -errno;
	if (pipe2(vp, O_CLOEXEC) != 0) {
		i = -errno;
		close(rp[0]);
		close(rp[1]);
		return i;
	}
	if (pipe2(gp, O_CLOEXEC) != 0) {
		i = -errno;
		close(rp[0]);
		close(rp[1]);
		close(vp[0]);
		close(vp[1]);
		return i;
	}
	give[n++] = rp[1];
	give[n++] = gp[0];
	give[n++] = outfd;
	give[n++] = vp[1];	/* its 3: VERDICT_FD */
	for (i = 0; i < nfds; i++)
		give[n++] = fds[i].from;
	iov.iov_len = len;
	m.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
	CMSG_FIRSTHDR(&m)->cmsg_level = SOL_SOCKET;
	CMSG_FIRSTHDR(&m)->cmsg_type = SCM_RIGHTS;
	CMSG_FIRSTHDR(&m)->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
	memcpy(CMSG_DATA(CMSG_FIRSTHDR(&m)), give, (size_t)n * sizeof(int));
	r = sendmsg(zsock, &m, MSG_NOSIGNAL);
	close(rp[1]);
	close(vp[1]);
	close(gp[0]);
	if (r == (ssize_t)len &&
	    (r = read(rp[0], &answer, sizeof(answer))) != sizeof(answer))
		answer = -EPIPE;	/* it died meanwhile */
	close(rp[0]);
	if (answer > 0 && write(gp[1], "", 1) != 1)
		answer = -EPIPE;	/* it is gone already: start another */
	close(gp[1]);
	if (answer <= 0) {
		close(vp[0]);
		return answer < 0 ? answer : -EPIPE;
	}
	memset(c, 0, sizeof(*c));
	c->pid = answer;
	c->fd = vp[0];
	return 0;
}

static int
start_kernel(const struct launch_ctx *lc, int node, int logfd, int bfd,
    pid_t *pid, char *msg, size_t msglen, char *why, size_t whylen)
{
	char url[STATEDIR_PATHMAX + 16];
	char *argv[22 + 4 * MAXFS_ARGS + 2 * MAXTAP_ARGS];
	char specs[MAXFS_ARGS][600], nums[MAXTAP_ARGS][12], lim[200] = "";
	struct child_fd fds[1 + MAXTAP_ARGS] = { { bfd, BATCH_FD } };
	struct child_spec s = { .path = lc->server, .argv = argv,
	    .pipe_fd = VERDICT_FD, .out_fd = logfd, .flags = CHILD_SESSION,
	    .fds = fds };
	struct child_text t = { msg, msglen, 0 };
	struct child c;
	bool own;
	int r;

	msg[0] = '\0';
	launch_url(lc->dir, node, url, sizeof(url));
	if ((r = kernel_argv(lc, node, argv, specs, url)) != 0) {
		snprintf(why, whylen, "the node's file systems: %s",
		    strerror(-r));
		return r;
	}
	s.nfds = 1 + tap_fds(lc, node, argv, fds + 1, nums);
	/* The zygote if it answers; else (gone: killed, or failed to
	 * start) as our own child, which costs only time. */
	r = lc->zygote >= 0 ? zygote_start(lc->zygote, argv, logfd, fds,
	    s.nfds, &c) : -EPIPE;
	if ((own = r == -EPIPE))
		r = child_start(&c, &s);
	if (r != 0) {
		if (r == -EAGAIN && (preflight_task_limit(lim, sizeof(lim)),
		    lim[0] != '\0'))
			snprintf(why, whylen, "cannot start a process: %s",
			    lim);
		else
			snprintf(why, whylen, "cannot run %s: %s (set "
			    "RUMPLAB_SERVER or PATH)", lc->server,
			    strerror(-r));
		return r;
	}
	(void)child_drain(&c, child_text_line, &t);
	if (t.off > 0 && msg[t.off - 1] == '\n')
		msg[--t.off] = '\0';
	if (strcmp(msg, "OK") == 0) {
		*pid = c.pid;
		return 0;
	}
	/* It exits once it has said why (or died without a word); a
	 * zygote's child is not ours to reap. */
	if (!own || child_reap(&c, true) != 1)
		c.status = -1;
	if (t.off > 0)
		return -EIO;	/* the caller words msg */
	if (c.status != -1 && WIFSIGNALED(c.status))
		snprintf(why, whylen, "the node kernel did not start (signal "
		    "%d)", WTERMSIG(c.status));
	else if (c.status == -1)
		snprintf(why, whylen, "the node kernel ended at its start "
		    "without saying why (see its log)");
	else
		snprintf(why, whylen, "the node kernel did not start (exit "
		    "%d)", c.status != -1 && WIFEXITED(c.status) ?
		    WEXITSTATUS(c.status) : -1);
	return -ECHILD;
}

/*
 * The configuration is recorded (rumpclient_record()) and run by the
 * node itself at its start (rump_server -b), not called over a
 * connection: a router's 40-odd round trips, and the node's reader
 * thread for them, were a third of its start.  When the node reports
 * that its call K failed, the steps are walked again to find the step
 * that made call K (find), and it is named as the user would type it.
 */
struct apply {
	const struct launch_ctx	*lc;
	int			 logfd;
	long			 find;	/* > 0: looking for this call */
	const char		*err;	/* what the node said of it */
	char			*why;
	size_t			 whylen;
};

static int
apply_route(const struct lab_route *r)
{
	struct rump_rtentry rt;

	memset(&rt, 0, sizeof(rt));
	rt.family = r->dst.family;
	rt.plen = r->dst.plen;
	memcpy(rt.dst, r->dst.addr, sizeof(rt.dst));
	memcpy(rt.gateway, r->via.addr, sizeof(rt.gateway));
	rt.flags = RUMP_RTF_GATEWAY;
	return rump_sys_route_add(&rt);
}

/* rump.mount -t TYPE [-o OPTS] SOURCE DIR, its directory made first. */
static int
apply_mount(const struct plan_step *s)
{
	const char *dir = s->argv[s->argc - 1], *src = s->argv[s->argc - 2];
	const char *opts = s->argc == 7 ? s->argv[4] : "";
	char path[4096], *p;

	snprintf(path, sizeof(path), "%s", dir);
	for (p = path + 1; ; p++)
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (rump_sys_mkdir(path, 0755) != 0 && errno != EEXIST)
				return -1;
			if ((*p = c) == '\0')
				break;
		}
	return rump_sys_mount(s->argv[2], src, dir, opts);
}

static int
apply_step(const struct plan_step *s, void *arg)
{
	struct apply *a = arg;
	const struct lab_node *n = &a->lc->lab->nodes[s->node];
	const char *ifname = s->iface >= 0 ? n->ifaces[s->iface].name : "";
	struct rump_brreq br;
	struct rump_ifaddr ia;
	char cmd[600];
	int i, r = 0, off = 0;

	switch (s->kind) {
	case STEP_IF_CREATE:
		r = rump_sys_ifcreate(ifname);
		break;
	case STEP_IF_LINKSTR:
		r = rump_sys_ifsetlinkstr(ifname, s->argv[3]);
		break;
	case STEP_IF_MAC:
		r = rump_sys_ifsetmac(ifname, n->ifaces[s->iface].mac);
		break;
	case STEP_IF_MTU:
		r = rump_sys_ifsetmtu(ifname, n->ifaces[s->iface].mtu);
		break;
	case STEP_IF_ADDR:
		memset(&ia, 0, sizeof(ia));
		ia.family = s->addr->ip.family;
		ia.plen = s->addr->ip.plen;
		memcpy(ia.addr, s->addr->ip.addr, sizeof(ia.addr));
		r = rump_sys_ifaddaddr(ifname, &ia);
		break;
	case STEP_IF_UP:
		r = rump_sys_ifsetflags(ifname, RUMP_IFF_UP, 0);
		break;
	case STEP_BR_CREATE:
		r = rump_sys_ifcreate("bridge0");
		break;
	case STEP_BR_ADD:
		memset(&br, 0, sizeof(br));
		br.op = RUMP_BRDG_ADD;
		snprintf(br.member, sizeof(br.member), "%s", ifname);
		r = rump_sys_bridge_set("bridge0", &br);
		break;
	case STEP_BR_UP:
		r = rump_sys_ifsetflags("bridge0", RUMP_IFF_UP, 0);
		break;
	case STEP_SYSCTL:
		r = rump_sys_sysctl_set(s->sysctl->name, s->sysctl->value);
		break;
	case STEP_ROUTE:
		r = apply_route(s->route);
		break;
	case STEP_RUN:
		return 0;	/* the supervisor runs them once all are up */
	case STEP_SERVER:
		return 0;	/* given to rump_server at its start */
	case STEP_MOUNT:
		r = apply_mount(s);
		break;
	}
	if (r == 0 && (a->find == 0 || a->find > rumpclient_recorded()))
		return 0;
	r = r != 0 ? (errno ? errno : EIO) : ECANCELED;
	for (i = 0; i < s->argc && off < (int)sizeof(cmd) - 1; i++)
		off += snprintf(cmd + off, sizeof(cmd) - (size_t)off, "%s%s",
		    i ? " " : "", s->argv[i]);
	if (r == ECANCELED)	/* found: the node's words */
		snprintf(a->why, a->whylen, "%s: %s", cmd, a->err);
	else
		snprintf(a->why, a->whylen, "%s: %s", cmd, strerror(r));
	logf_fd(a->logfd, "%s", a->why);
	return -r;
}

/*
 * Records the node's configuration (struct apply) into a memfd, or with
 * a->find set walks it again into /dev/null to name a failed call.
 * The descriptor at its start, or -errno with a->why set.
 */
static int
record_steps(const struct launch_ctx *lc, int node, struct apply *a)
{
	char busdir[STATEDIR_PATHMAX];
	int fd, r;

	fd = a->find > 0 ? open("/dev/null", O_WRONLY | O_CLOEXEC) :
	    memfd_create("rumplab-config", MFD_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(a->why, a->whylen, "recording the configuration: %s",
		    strerror(-r));
		return r;
	}
	if ((r = (int)rumpclient_record(fd)) != 0) {
		close(fd);
		snprintf(a->why, a->whylen, "recording the configuration: %s",
		    strerror(-r));
		return r;
	}
	/* Its programs name themselves by it (gethostname through the
	 * hijack), and the lab's hosts file resolves it. */
	(void)rump_sys_sysctl_set("kern.hostname", lc->lab->nodes[node].name);
	statedir_file(lc->dir, "bus", busdir);
	r = plan_node_steps(lc->lab, node, busdir, apply_step, a);
	(void)rumpclient_record(-1);
	if (r == 0 && lseek(fd, 0, SEEK_SET) != 0)
		r = -errno;
	if (r != 0) {
		if (a->why[0] == '\0')
			snprintf(a->why, a->whylen, "planning: %s",
			    strerror(-r));
		close(fd);
		return r;
	}
	return fd;
}

/* The node said "configuration call K (NAME): ERROR": which step. */
static void
name_failure(const struct launch_ctx *lc, int node, struct apply *a,
    const char *msg)
{
	const char *p = strstr(msg, "): ");
	int fd;

	a->find = strtol(msg + strlen("configuration call "), NULL, 10);
	a->err = p != NULL ? p + 3 : msg;
	a->why[0] = '\0';
	/* -ECANCELED: found, and a->why names it. */
	if ((fd = record_steps(lc, node, a)) == -ECANCELED)
		return;
	if (fd >= 0)
		close(fd);	/* walked to its end: not found */
	snprintf(a->why, a->whylen, "the node kernel did not start: %s", msg);
}

int
launch_node(const struct launch_ctx *lc, int node, pid_t *pid, char *why,
    size_t whylen)
{
	char msg[512], lim[200] = "";
	struct apply a = { lc, -1, 0, NULL, why, whylen };
	int bfd, r;

	*pid = 0;
	why[0] = '\0';
	a.logfd = open_log(lc, node);
	logf_fd(a.logfd, "starting node %s", lc->lab->nodes[node].name);
	if ((bfd = record_steps(lc, node, &a)) < 0) {
		r = bfd;
		goto out;
	}
	r = start_kernel(lc, node, a.logfd, bfd, pid, msg, sizeof(msg), why,
	    whylen);
	close(bfd);
	if (r == -EIO && strncmp(msg, "configuration call ",
	    strlen("configuration call ")) == 0)
		name_failure(lc, node, &a, msg);
	else if (r == -EIO) {
		/* A thread it could not make: which limit was reached. */
		if (strstr(msg, strerror(EAGAIN)) != NULL)
			preflight_task_limit(lim, sizeof(lim));
		snprintf(why, whylen, "the node kernel did not start: %s%s%s",
		    msg, lim[0] ? ": " : "", lim);
	}
out:
	if (r != 0)
		logf_fd(a.logfd, "node %s failed: %s",
		    lc->lab->nodes[node].name, why);
	else
		logf_fd(a.logfd, "node %s configured (pid %d)",
		    lc->lab->nodes[node].name, (int)*pid);
	if (a.logfd >= 0)
		close(a.logfd);
	return r;
}

/* Deletes node's addresses from the neighbour caches of node m. */
static void
forget_at(const struct launch_ctx *lc, int node, int m, const char *mif,
    const struct lab_iface *ifp)
{
	char url[STATEDIR_PATHMAX + 16];
	struct rump_neigh nb;
	int k;

	launch_url(lc->dir, m, url, sizeof(url));
	if (rumpclient_init_url(url) != 0)
		return;
	for (k = 0; k < ifp->naddrs; k++) {
		memset(&nb, 0, sizeof(nb));
		nb.family = ifp->addrs[k].ip.family;
		memcpy(nb.addr, ifp->addrs[k].ip.addr, sizeof(nb.addr));
		snprintf(nb.ifname, sizeof(nb.ifname), "%s", mif);
		(void)rump_sys_neigh_delete(&nb);
	}
	rumpclient_fini();
}

void
launch_forget(const struct launch_ctx *lc, int node)
{
	const struct lab *lab = lc->lab;
	const struct lab_node *n = &lab->nodes[node];
	const struct lab_bus *b;
	const struct lab_member *m;
	int i, j;

	for (i = 0; i < n->nifaces; i++) {
		b = &lab->buses[n->ifaces[i].bus];
		for (j = 0; j < b->nmembers; j++) {
			m = &b->members[j];
			if (m->node != node)
				forget_at(lc, node, m->node,
				    lab->nodes[m->node].ifaces[m->iface].name,
				    &n->ifaces[i]);
		}
	}
}

/*
 * The hijack library's place: LIBDIR/librumphijack.so, LIBDIR being
 * ../lib from the directory rumplab runs from ($(O)/lib beside $(O)/bin
 * in a build tree, PREFIX/lib once installed).  Into buf when that file
 * exists; "" when it does not.
 */
static void
hijack_path(const char *bindir, char *buf, size_t len)
{
	char *slash;

	snprintf(buf, len, "%s", bindir);
	if ((slash = strrchr(buf, '/')) == NULL) {
		buf[0] = '\0';
		return;
	}
	snprintf(slash, len - (size_t)(slash - buf), "/lib/librumphijack.so");
	if (access(buf, R_OK) != 0)
		buf[0] = '\0';
}

/* One "NAME=VALUE" into e->vars (malloc'ed); -ENOMEM. */
__attribute__((format(printf, 2, 3)))
static int
env_var(struct launch_env *e, const char *fmt, ...)
{
	va_list ap;
	char *v;
	int n, i;

	for (i = 0; e->vars[i] != NULL; i++)
		;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (v = malloc((size_t)n + 1)) == NULL)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(v, (size_t)n + 1, fmt, ap);
	va_end(ap);
	e->vars[i] = v;
	return 0;
}

void
launch_bindir(char *buf, size_t len)
{
	own_dir(buf, len);
}

int
launch_env(struct launch_env *e, const char *dir, int node,
    const char *name, int flags)
{
	char bindir[PATH_MAX], lib[PATH_MAX + 32], url[STATEDIR_PATHMAX + 16];
	const char *lab = strrchr(dir, '/'), *path = getenv("PATH");
	const char *preload = getenv("LD_PRELOAD");
	int r = 0;

	memset(e, 0, sizeof(*e));
	own_dir(bindir, sizeof(bindir));
	lib[0] = '\0';
	if (!(flags & LAUNCH_HOST))
		hijack_path(bindir, lib, sizeof(lib));
	launch_url(dir, node, url, sizeof(url));
	r |= env_var(e, "RUMP_SERVER=%s", url);
	r |= env_var(e, "RUMPLAB_LAB=%s", lab ? lab + 1 : dir);
	r |= env_var(e, "RUMPLAB_NODE=%s", name);
	if (bindir[0] != '\0')
		r |= env_var(e, "PATH=%s%s%s", path ? path : "",
		    path ? ":" : "", bindir);
	if (lib[0] != '\0')
		r |= env_var(e, "LD_PRELOAD=%s%s%s", lib,
		    preload && preload[0] ? ":" : "", preload ? preload : "");
	if (!(flags & LAUNCH_HOST))
		r |= env_var(e, "RUMPHIJACK_HOSTS=%s/hosts", dir);
	if (r != 0 || (e->envp = child_environ((const char *const *)
	    e->vars)) == NULL) {
		launch_env_free(e);
		return -ENOMEM;
	}
	return 0;
}

void
launch_env_free(struct launch_env *e)
{
	size_t i;

	free(e->envp);
	for (i = 0; i < sizeof(e->vars) / sizeof(e->vars[0]); i++)
		free(e->vars[i]);
	memset(e, 0, sizeof(*e));
}

/*
 * The lab's hosts file: a line per address, "ADDR NAME", each node's
 * addresses in interface order (so a name resolves first to its first
 * interface's address), the node's name alone on each.  Written whole
 * to a temporary name and renamed, so a program reading it while the lab
 * starts again never sees half of it.
 */
int
launch_hosts(const char *dir, const struct lab *lab)
{
	char path[STATEDIR_PATHMAX + 16], tmp[STATEDIR_PATHMAX + 24];
	char a[IP_STRLEN];
	const struct lab_node *n;
	FILE *f;
	int i, j, k, fd, r = 0;

	snprintf(path, sizeof(path), "%s/hosts", dir);
	snprintf(tmp, sizeof(tmp), "%s/hosts.new", dir);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return -errno;
	if ((f = fdopen(fd, "w")) == NULL) {
		r = -errno;
		close(fd);
		unlink(tmp);
		return r;
	}
	fprintf(f, "# The names of lab %s, for programs on its nodes "
	    "(librumphijack(3)).\n", lab->name);
	for (i = 0; i < lab->nnodes; i++) {
		n = &lab->nodes[i];
		for (j = 0; j < n->nifaces; j++)
			for (k = 0; k < n->ifaces[j].naddrs; k++)
				fprintf(f, "%s %s\n", ip_addr_str(
				    &n->ifaces[j].addrs[k].ip, a), n->name);
	}
	if (ferror(f))
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) != 0)
		r = -errno;
	if (r != 0)
		unlink(tmp);
	return r;
}
