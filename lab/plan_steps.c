/*
 * plan_steps.c — a planned node as the ordered steps that configure it,
 * each with its rump.* command line (NetBSD's syntax): interfaces one by
 * one (create, linkstr, MAC, MTU, addresses, up), a bridge node's bridge,
 * then sysctls, routes and the node's run commands.  The text and JSON plans and the launcher
 * all walk the same steps, so what `rumplab plan` prints is what runs.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/plan.h"

/*
 * Sets argv from a list of words, each copied into step->buf.  Returns 0,
 * or -ENAMETOOLONG when they do not fit (a bus directory of kilobytes).
 */
static int
set_argv(struct plan_step *s, const char *first, ...)
{
	const char *w;
	size_t used = 0, n;
	va_list ap;
	int r = 0;

	s->argc = 0;
	va_start(ap, first);
	for (w = first; w != NULL; w = va_arg(ap, const char *)) {
		n = strlen(w) + 1;
		if (used + n > sizeof(s->buf) || s->argc == PLAN_STEP_ARGS) {
			r = -ENAMETOOLONG;
			break;
		}
		memcpy(s->buf + used, w, n);
		s->argv[s->argc++] = s->buf + used;
		used += n;
	}
	va_end(ap);
	s->argv[s->argc] = NULL;
	return r;
}

static void
step_reset(struct plan_step *s, enum plan_step_kind kind, int iface)
{
	int node = s->node;

	memset(s, 0, sizeof(*s));
	s->node = node;
	s->kind = kind;
	s->iface = iface;
}

static int
iface_steps(const struct lab *lab, const struct lab_node *n, int i,
    const char *busdir, struct plan_step *s, plan_step_fn fn, void *arg)
{
	const struct lab_iface *ifp = &n->ifaces[i];
	char path[LAB_NAME_MAX + 1024], word[64], s1[IP_STRLEN];
	int k, r, seen4 = 0, seen6 = 0;

	step_reset(s, STEP_IF_CREATE, i);
	set_argv(s, "rump.ifconfig", ifp->name, "create", NULL);
	if ((r = fn(s, arg)) != 0)
		return r;
	step_reset(s, STEP_IF_LINKSTR, i);
	s->bus = &lab->buses[ifp->bus];
	if (s->bus->tapseg)		/* virtif: the tap's name */
		snprintf(path, sizeof(path), "%s", s->bus->tap.name);
	else if ((size_t)snprintf(path, sizeof(path), "%s%s%s", busdir ?
	    busdir : "", busdir ? "/" : "", s->bus->name) >= sizeof(path))
		return -ENAMETOOLONG;
	if (set_argv(s, "rump.ifconfig", ifp->name, "linkstr", path, NULL) != 0)
		return -ENAMETOOLONG;
	if ((r = fn(s, arg)) != 0)
		return r;
	if (ifp->macmode != MAC_KERNEL) {
		step_reset(s, STEP_IF_MAC, i);
		snprintf(word, sizeof(word), "%02x:%02x:%02x:%02x:%02x:%02x",
		    ifp->mac[0], ifp->mac[1], ifp->mac[2], ifp->mac[3],
		    ifp->mac[4], ifp->mac[5]);
		set_argv(s, "rump.ifconfig", ifp->name, "link", word, "active",
		    NULL);
		if ((r = fn(s, arg)) != 0)
			return r;
	}
	if (ifp->mtu != LAB_MTU_DEFAULT) {
		step_reset(s, STEP_IF_MTU, i);
		snprintf(word, sizeof(word), "%u", ifp->mtu);
		set_argv(s, "rump.ifconfig", ifp->name, "mtu", word, NULL);
		if ((r = fn(s, arg)) != 0)
			return r;
	}
	for (k = 0; k < ifp->naddrs; k++) {
		const struct lab_addr *a = &ifp->addrs[k];
		bool six = a->ip.family == AF_INET6;
		int *seen = six ? &seen6 : &seen4;

		step_reset(s, STEP_IF_ADDR, i);
		s->addr = a;
		set_argv(s, "rump.ifconfig", ifp->name, six ? "inet6" : "inet",
		    ip_str(&a->ip, s1), (*seen)++ ? "alias" : NULL, NULL);
		if ((r = fn(s, arg)) != 0)
			return r;
	}
	step_reset(s, STEP_IF_UP, i);
	set_argv(s, "rump.ifconfig", ifp->name, "up", NULL);
	return fn(s, arg);
}

/* A bridge node: bridge0 of all its interfaces, then up. */
static int
bridge_steps(const struct lab_node *n, struct plan_step *s, plan_step_fn fn,
    void *arg)
{
	int i, r;

	step_reset(s, STEP_BR_CREATE, -1);
	set_argv(s, "rump.ifconfig", "bridge0", "create", NULL);
	if ((r = fn(s, arg)) != 0)
		return r;
	for (i = 0; i < n->nifaces; i++) {
		step_reset(s, STEP_BR_ADD, i);
		set_argv(s, "rump.brconfig", "bridge0", "add", n->ifaces[i].name,
		    NULL);
		if ((r = fn(s, arg)) != 0)
			return r;
	}
	step_reset(s, STEP_BR_UP, -1);
	set_argv(s, "rump.brconfig", "bridge0", "up", NULL);
	return fn(s, arg);
}

static int
route_step(const struct lab_node *n, const struct lab_route *rt,
    struct plan_step *s, plan_step_fn fn, void *arg)
{
	char dst[IP_STRLEN], via[IP_STRLEN];
	bool six = rt->dst.family == AF_INET6;
	bool host = rt->dst.plen == ip_maxlen(rt->dst.family);

	step_reset(s, STEP_ROUTE, rt->iface);
	s->route = rt;
	ip_addr_str(&rt->via, via);
	if (rt->dst.plen == 0)
		set_argv(s, "rump.route", "add", six ? "-inet6" : "default",
		    six ? "default" : via, six ? via : NULL, NULL);
	else if (host)
		set_argv(s, "rump.route", "add", six ? "-inet6" : "-host",
		    six ? "-host" : ip_addr_str(&rt->dst, dst),
		    six ? ip_addr_str(&rt->dst, dst) : via, six ? via : NULL,
		    NULL);
	else
		set_argv(s, "rump.route", "add", six ? "-inet6" : "-net",
		    six ? "-net" : ip_str(&rt->dst, dst),
		    six ? ip_str(&rt->dst, dst) : via, six ? via : NULL, NULL);
	return fn(s, arg);
}

const char *
plan_fs_component(const struct lab_fs *fs)
{
	return strcmp(fs->type, "tmpfs") == 0 ? "rumpfs_tmpfs" :
	    strcmp(fs->type, "hostfs") == 0 ? "rumpfs_hostfs" :
	    "rumpfs_ext2fs";
}

int
plan_fs_spec(const struct lab *lab, const struct lab_fs *fs, int k,
    char *buf, size_t len)
{
	char path[4096];
	int n;

	buf[0] = '\0';
	if (strcmp(fs->type, "tmpfs") == 0)
		return 0;
	lab_fs_path(lab, fs->image, path, sizeof(path));
	if (strcmp(fs->type, "hostfs") == 0)
		n = snprintf(buf, len, "key=%s,hostpath=%s,type=dir%s",
		    fs->mount, path, fs->readonly ? ",ro" : "");
	else
		n = snprintf(buf, len, "key=/dev/fs%d,hostpath=%s,size=host", k,
		    path);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The directory depth of a mount point: parents are mounted first. */
static int
depth(const char *path)
{
	int d = 0;

	for (; *path != '\0'; path++)
		d += *path == '/';
	return d;
}

/* rump_server -d for images and directories, then the mounts of tmpfs
 * and ext2 images, shallowest first. */
static int
fs_steps(const struct lab *lab, const struct lab_node *n, struct plan_step *s,
    plan_step_fn fn, void *arg)
{
	char spec[600], src[32], opts[64];
	int k, d, r, maxd = 0;

	for (k = 0; k < n->nfs; k++) {
		if ((r = plan_fs_spec(lab, &n->fs[k], k, spec, sizeof(spec)))
		    != 0)
			return r;
		if (depth(n->fs[k].mount) > maxd)
			maxd = depth(n->fs[k].mount);
		if (spec[0] == '\0')
			continue;
		step_reset(s, STEP_SERVER, -1);
		s->fs = &n->fs[k];
		if (set_argv(s, "rump_server", "-d", spec, NULL) != 0)
			return -ENAMETOOLONG;
		if ((r = fn(s, arg)) != 0)
			return r;
	}
	for (d = 1; d <= maxd; d++)
		for (k = 0; k < n->nfs; k++) {
			const struct lab_fs *fs = &n->fs[k];
			bool tmp = strcmp(fs->type, "tmpfs") == 0;

			if (depth(fs->mount) != d || strcmp(fs->type,
			    "hostfs") == 0)
				continue;
			step_reset(s, STEP_MOUNT, -1);
			s->fs = fs;
			snprintf(src, sizeof(src), tmp ? "tmpfs" : "/dev/fs%d", k);
			if (tmp && fs->size != 0)
				snprintf(opts, sizeof(opts), "%ssize=%llu",
				    fs->readonly ? "ro," : "",
				    (unsigned long long)fs->size);
			else
				snprintf(opts, sizeof(opts), "%s",
				    fs->readonly ? "ro" : "");
			r = opts[0] != '\0' ? set_argv(s, "rump.mount", "-t",
			    tmp ? "tmpfs" : "ext2fs", "-o", opts, src,
			    fs->mount, NULL) : set_argv(s, "rump.mount", "-t",
			    tmp ? "tmpfs" : "ext2fs", src, fs->mount, NULL);
			if (r != 0)
				return -ENAMETOOLONG;
			if ((r = fn(s, arg)) != 0)
				return r;
		}
	return 0;
}

int
plan_node_steps(const struct lab *lab, int node, const char *busdir,
    plan_step_fn fn, void *arg)
{
	const struct lab_node *n = &lab->nodes[node];
	struct lab_route *routes;
	struct plan_step s;
	char kv[512];
	int i, r, nroutes;

	memset(&s, 0, sizeof(s));
	s.node = node;
	if ((r = fs_steps(lab, n, &s, fn, arg)) != 0)
		return r;
	/* Sysctls first, as NetBSD's rc has them: some act when an
	 * interface or address is made (dad_count, auto_linklocal). */
	for (i = 0; i < n->nsysctls; i++) {
		step_reset(&s, STEP_SYSCTL, -1);
		s.sysctl = &n->sysctls[i];
		if ((size_t)snprintf(kv, sizeof(kv), "%s=%s", n->sysctls[i].name,
		    n->sysctls[i].value) >= sizeof(kv) ||
		    set_argv(&s, "rump.sysctl", "-w", kv, NULL) != 0)
			return -ENAMETOOLONG;
		if ((r = fn(&s, arg)) != 0)
			return r;
	}
	for (i = 0; i < n->nifaces; i++)
		if ((r = iface_steps(lab, n, i, busdir, &s, fn, arg)) != 0)
			return r;
	if (n->bridge && (r = bridge_steps(n, &s, fn, arg)) != 0)
		return r;
	if ((r = lab_node_routes(lab, node, &routes, &nroutes)) != 0)
		return r;
	for (i = 0; i < nroutes; i++)
		if (routes[i].origin != ROUTE_RIP &&
		    (r = route_step(n, &routes[i], &s, fn, arg)) != 0)
			break;
	free(routes);
	if (r != 0)
		return r;
	for (i = 0; i < n->nrun; i++) {
		step_reset(&s, STEP_RUN, -1);
		s.run = n->run[i];
		/* The command may be long: point at the lab's copy. */
		s.argc = 3;
		s.argv[0] = "sh";
		s.argv[1] = "-c";
		s.argv[2] = n->run[i];
		s.argv[3] = NULL;
		if ((r = fn(&s, arg)) != 0)
			return r;
	}
	return 0;
}
