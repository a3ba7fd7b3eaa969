/*
 * import_kathara.c — a Kathará lab directory into the import's model.
 *
 * lab.conf: `DEVICE[N]=DOMAIN` (or "DOMAIN/MAC") puts the device's ethN
 * on collision domain DOMAIN, a bus here; `DEVICE[sysctl]=K=V` and
 * `DEVICE[exec]=CMD` are lines as a startup file's; LAB_* lines describe
 * the lab; every other option (image, mem, cpus, bridged, port, ...) is
 * reported.  Then each device's DEVICE.startup and shared.startup (for
 * every device), line by line (import_sh.c).  Files for a device's file
 * system (the DEVICE/ directory) and lab.dep are reported, not read.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/import.h"

#define LINE_MAX_	4096

/* VALUE without its quotes and trailing blanks, in place. */
static char *
unquote(char *v)
{
	size_t n;

	while (*v == ' ' || *v == '\t')
		v++;
	n = strlen(v);
	while (n > 0 && strchr(" \t\r\n", v[n - 1]) != NULL)
		v[--n] = '\0';
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v[n - 1] = '\0';
		v++;
	}
	return v;
}

/* DEVICE[N]=DOMAIN[/MAC] */
static void
conf_iface(struct imp_lab *il, struct imp_node *n, const char *file, int line,
    const char *idx, char *val)
{
	char ifname[16], *slash = strchr(val, '/');
	struct imp_iface *f;

	snprintf(ifname, sizeof(ifname), "eth%d", atoi(idx));
	if (slash != NULL)
		*slash++ = '\0';
	if ((f = imp_iface(il, n, ifname)) == NULL ||
	    (f->bus = imp_bus(il, val)) == NULL) {
		imp_problem(il, file, line, "%s[%s]=%s: no interface made (too "
		    "many, or no usable collision domain name)", n->name, idx,
		    val);
		return;
	}
	if (slash != NULL) {
		if (strlen(slash) == 17)
			snprintf(f->mac, sizeof(f->mac), "%s", slash);
		else
			imp_problem(il, file, line, "%s[%s]: '%s' is not a MAC "
			    "address like 02:42:0a:00:00:01", n->name, idx,
			    slash);
	}
	il->nlines++;
}

static void
conf_line(struct imp_lab *il, const char *file, int line, char *text)
{
	char *open, *close, *eq, *key, *val, cmd[LINE_MAX_ + 16];
	struct imp_node *n;

	if ((eq = strchr(text, '=')) == NULL) {
		imp_problem(il, file, line, "not DEVICE[KEY]=VALUE");
		return;
	}
	*eq = '\0';
	val = unquote(eq + 1);
	if (strncmp(text, "LAB_", 4) == 0)
		return;		/* the lab's description, author, ... */
	if ((open = strchr(text, '[')) == NULL ||
	    (close = strchr(open, ']')) == NULL || close[1] != '\0') {
		imp_problem(il, file, line, "'%s' is not DEVICE[KEY]", text);
		return;
	}
	*open = *close = '\0';
	key = open + 1;
	if ((n = imp_node(il, text)) == NULL) {
		imp_problem(il, file, line, "'%s' is not a usable device name",
		    text);
		return;
	}
	if (key[0] >= '0' && key[0] <= '9')
		conf_iface(il, n, file, line, key, val);
	else if (strcmp(key, "sysctl") == 0 || strcmp(key, "exec") == 0) {
		snprintf(cmd, sizeof(cmd), "%s%s", key[0] == 's' ?
		    "sysctl -w " : "", val);
		imp_shell_line(il, n, file, line, cmd);
	} else if (strcmp(key, "image") == 0) {
		n->note = arena_printf(il->a, "Kathará image %s", val);
		imp_problem(il, file, line, "%s[image]=%s: the image is not "
		    "used: a node is a rump kernel (lwIP) with the settings "
		    "translated from its lines", n->name, val);
	} else
		imp_problem(il, file, line, "%s[%s]: the option '%s' is not "
		    "translated", n->name, key, key);
}

/* Each line of a file: lab.conf's (n NULL) or a startup file's for node
 * n; -errno when it cannot be read. */
static int
each_line(struct imp_lab *il, const char *path, const char *shown,
    struct imp_node *n)
{
	char text[LINE_MAX_];
	FILE *f;
	int line = 0;

	if ((f = fopen(path, "r")) == NULL)
		return -errno;
	while (fgets(text, sizeof(text), f) != NULL) {
		char *p = text;

		line++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
			continue;
		if (n == NULL)
			conf_line(il, shown, line, p);
		else
			imp_shell_line(il, n, shown, line, p);
	}
	fclose(f);
	return 0;
}

static const char *
base_name(const char *dir)
{
	const char *end = dir + strlen(dir), *b;

	while (end > dir + 1 && end[-1] == '/')
		end--;
	for (b = end; b > dir && b[-1] != '/'; b--)
		;
	return b;
}

/* What lies beside lab.conf that is not imported. */
static void
leftovers(struct imp_lab *il, const char *dir)
{
	char path[4096];
	struct stat st;
	int i;

	snprintf(path, sizeof(path), "%s/lab.dep", dir);
	if (stat(path, &st) == 0)
		imp_problem(il, "lab.dep", 0, "the devices' start order is not "
		    "needed: every node is up before any of its commands run");
	for (i = 0; i < il->nnodes; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, il->nodes[i]->name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			imp_problem(il, arena_printf(il->a, "%s/",
			    il->nodes[i]->name), 0, "files for %s's file system "
			    "(configuration of its daemons) are not translated",
			    il->nodes[i]->name);
	}
}

int
import_kathara(struct imp_lab *il, const char *dir)
{
	char path[4096], shown[IMP_NAME_MAX + 16];
	struct imp_node *n;
	int i, r, nnodes;

	snprintf(path, sizeof(path), "%s/lab.conf", dir);
	il->name = imp_name(il, base_name(dir));
	if (il->name == NULL)
		il->name = "imported";
	il->source = arena_printf(il->a, "the Kathará lab %s", dir);
	if ((r = each_line(il, path, "lab.conf", NULL)) != 0) {
		imp_problem(il, path, 0, "cannot read it (%s): a Kathará lab "
		    "directory has a lab.conf", strerror(-r));
		return r;
	}
	if (il->nnodes == 0) {
		imp_problem(il, "lab.conf", 0, "no device is connected to a "
		    "collision domain (lines like pc1[0]=\"A\")");
		return -EINVAL;
	}
	/* shared.startup's lines go to every device, then each its own. */
	nnodes = il->nnodes;
	for (i = 0; i < nnodes; i++) {
		n = il->nodes[i];
		snprintf(path, sizeof(path), "%s/shared.startup", dir);
		(void)each_line(il, path, "shared.startup", n);
		snprintf(path, sizeof(path), "%s/%s.startup", dir, n->name);
		snprintf(shown, sizeof(shown), "%s.startup", n->name);
		(void)each_line(il, path, arena_strdup(il->a, shown), n);
	}
	leftovers(il, dir);
	return 0;
}
