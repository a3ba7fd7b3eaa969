/*
 * labview.c — fetch and print a running lab's state (lab/labview.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/control.h"
#include "lab/labctl.h"
#include "lab/labview.h"
#include "lab/statedir.h"

static void
from_statefile(const char *dir, const struct lab *lab, struct labview *v)
{
	struct labstate st;
	int i, k;

	snprintf(v->state, sizeof(v->state), "no supervisor");
	if (statefile_read(dir, &st) != 0)
		return;
	v->supervisor = st.supervisor;
	for (i = 0; i < st.nnodes; i++) {
		if ((k = lab_node_find(lab, st.nodes[i].name)) < 0)
			continue;
		v->nodes[k].pid = st.nodes[i].pid;
		if (strcmp(st.nodes[i].state, "up") == 0 &&
		    !labctl_pid_alive(st.nodes[i].pid))
			snprintf(v->nodes[k].state, sizeof(v->nodes[k].state),
			    "dead");
		else
			snprintf(v->nodes[k].state, sizeof(v->nodes[k].state),
			    "%s", st.nodes[i].state);
	}
	free(st.nodes);
}

int
labview_service_line(const struct lab *lab, const char *line,
    struct svcview *(*svc)(int node, int k, void *arg), void *arg)
{
	char node[80], name[16], state[16];
	struct svcview *s;
	int pid = 0, code = 0, off = 0, n, k;
	size_t len;
	bool log;

	if (sscanf(line, "service-log %79s %15s %n", node, name, &off) == 2 &&
	    off > 0)
		log = true;
	else if (sscanf(line, "service %79s %15s %d %15s %d", node, name,
	    &pid, state, &code) >= 4)
		log = false;
	else
		return 0;
	if ((n = lab_node_find(lab, node)) < 0 ||
	    sscanf(name, "run%d", &k) != 1 || k < 0 ||
	    k >= lab->nodes[n].nrun || (s = svc(n, k, arg)) == NULL)
		return 1;
	if (log) {
		len = strlen(s->tail);
		snprintf(s->tail + len, sizeof(s->tail) - len, "%s\n",
		    line + off);
		return 1;
	}
	s->pid = pid;
	snprintf(s->state, sizeof(s->state), "%s", state);
	s->code = code;
	s->tail[0] = '\0';	/* its lines follow */
	return 1;
}

void
svcview_state(const struct svcview *s, char *buf, size_t len)
{
	if (strcmp(s->state, "exited") == 0)
		snprintf(buf, len, "exited %d", s->code);
	else if (strcmp(s->state, "killed") == 0)
		snprintf(buf, len, "killed by signal %d", s->code);
	else
		snprintf(buf, len, "%s", s->state);
}

bool
svcview_ended(const struct svcview *s)
{
	/* A one-shot command (run: rump.ifconfig ...) that exited 0 did
	 * its work. */
	return (strcmp(s->state, "exited") == 0 && s->code != 0) ||
	    strcmp(s->state, "killed") == 0;
}

int
labview_services_ended(const struct lab *lab, const struct labview *v)
{
	int i, k, n = 0;

	for (i = 0; i < lab->nnodes; i++)
		for (k = 0; k < lab->nodes[i].nrun; k++)
			n += svcview_ended(&v->nodes[i].svcs[k]);
	return n;
}

static struct svcview *
view_svc(int node, int k, void *arg)
{
	struct labview *v = arg;

	return &v->nodes[node].svcs[k];
}

static int
alloc_view(const struct lab *lab, struct labview *v)
{
	int i, k, n;

	memset(v, 0, sizeof(*v));
	if ((v->nodes = calloc((size_t)lab->nnodes + 1,
	    sizeof(*v->nodes))) == NULL)
		return -ENOMEM;
	v->nnodes = lab->nnodes;
	for (i = 0; i < lab->nnodes; i++) {
		snprintf(v->nodes[i].state, sizeof(v->nodes[i].state), "?");
		if ((n = lab->nodes[i].nrun) == 0)
			continue;
		if ((v->nodes[i].svcs = calloc((size_t)n,
		    sizeof(*v->nodes[i].svcs))) == NULL) {
			labview_free(v);
			return -ENOMEM;
		}
		for (k = 0; k < n; k++)
			snprintf(v->nodes[i].svcs[k].state,
			    sizeof(v->nodes[i].svcs[k].state), "?");
	}
	return 0;
}

int
labview_fetch(const char *dir, const struct lab *lab, struct labview *v)
{
	struct ctl_conn c;
	char line[CTL_LINEMAX], name[80], state[16];
	int pid, off, k, r;
	size_t len;

	if ((r = alloc_view(lab, v)) != 0)
		return r;
	if (ctl_connect(dir, &c) != 0 || ctl_send(&c, "status") != 0) {
		ctl_close(&c);
		from_statefile(dir, lab, v);
		return 0;
	}
	while ((r = ctl_readline(&c, line, sizeof(line), 10000)) == 1) {
		off = 0;
		if (labview_service_line(lab, line, view_svc, v))
			continue;
		if (sscanf(line, "lab %*s %d %15s", &pid, state) == 2) {
			v->supervisor = pid;
			v->answers = true;
			snprintf(v->state, sizeof(v->state), "%s", state);
		} else if (sscanf(line, "node %79s %d %15s %n", name, &pid,
		    state, &off) >= 3 && (k = lab_node_find(lab, name)) >= 0) {
			v->nodes[k].pid = pid;
			snprintf(v->nodes[k].state, sizeof(v->nodes[k].state),
			    "%s", state);
			if (off > 0)
				snprintf(v->nodes[k].why,
				    sizeof(v->nodes[k].why), "%s", line + off);
		} else if (sscanf(line, "log %79s %n", name, &off) >= 1 &&
		    off > 0 && (k = lab_node_find(lab, name)) >= 0) {
			len = strlen(v->nodes[k].tail);
			snprintf(v->nodes[k].tail + len,
			    sizeof(v->nodes[k].tail) - len, "%s\n",
			    line + off);
		} else if (strncmp(line, "link ", 5) == 0) {
			len = strlen(v->links);
			snprintf(v->links + len, sizeof(v->links) - len,
			    "%s\n", line + 5);
		} else if (strncmp(line, "tap ", 4) == 0) {
			len = strlen(v->taps);
			snprintf(v->taps + len, sizeof(v->taps) - len,
			    "%s\n", line + 4);
		} else if (strncmp(line, "ok", 2) == 0 ||
		    strncmp(line, "error", 5) == 0)
			break;
	}
	ctl_close(&c);
	if (!v->answers)
		from_statefile(dir, lab, v);
	return 0;
}

bool
labview_node_down(const struct lab *lab, const struct labview *v, int k,
    const char *role, char *buf, size_t len)
{
	const struct nodeview *nv = &v->nodes[k];
	const char *name = lab->nodes[k].name;

	if (strcmp(nv->state, "up") == 0)
		return false;
	if (strcmp(nv->state, "dead") == 0 || strcmp(nv->state, "failed") == 0)
		snprintf(buf, len, "node %s%s %s%s%s%s", name, role,
		    nv->state[0] == 'd' ? "is dead" : "failed",
		    nv->why[0] ? " (" : "", nv->why, nv->why[0] ? ")" : "");
	else if (strcmp(nv->state, "?") == 0)
		snprintf(buf, len, "node %s%s is not running (the lab does not "
		    "know it)", name, role);
	else
		snprintf(buf, len, "node %s%s is %s", name, role, nv->state);
	return true;
}

void
labview_free(struct labview *v)
{
	int i;

	for (i = 0; v->nodes != NULL && i < v->nnodes; i++)
		free(v->nodes[i].svcs);
	free(v->nodes);
	v->nodes = NULL;
}

/* "shmif0 lan1 10.0.1.1/24 fd00::1/64, shmif1 ..." */
static void
iface_text(const struct lab *lab, int node, char *buf, size_t len)
{
	const struct lab_node *n = &lab->nodes[node];
	char a[IP_STRLEN];
	size_t off = 0;
	int i, k;

	buf[0] = '\0';
	for (i = 0; i < n->nifaces && off < len; i++) {
		off += (size_t)snprintf(buf + off, len - off, "%s%s(%s)",
		    i ? ", " : "", n->ifaces[i].name, n->ifaces[i].busname ?
		    n->ifaces[i].busname : lab->buses[n->ifaces[i].bus].name);
		for (k = 0; k < n->ifaces[i].naddrs && off < len; k++)
			off += (size_t)snprintf(buf + off, len - off, " %s",
			    ip_str(&n->ifaces[i].addrs[k].ip, a));
	}
}

/* Its tail lines, "| line" under the row. */
static void
print_tail(const char *tail, FILE *f)
{
	const char *p, *nl;

	for (p = tail; *p != '\0' && (nl = strchr(p, '\n')) != NULL;
	    p = nl + 1)
		fprintf(f, "%12s | %.*s\n", "", (int)(nl - p), p);
}

/* The services, when the lab has any: all that are not running, the
 * running ones up to maxrows. */
static void
print_services(const struct lab *lab, const struct labview *v, int maxrows,
    FILE *f)
{
	const struct svcview *s;
	char st[48];
	int i, k, n = 0, shown = 0;

	for (i = 0; i < lab->nnodes; i++)
		n += lab->nodes[i].nrun;
	if (n == 0 || !v->answers)
		return;
	fprintf(f, "%-12s %-7s %-8s %-20s %s\n", "NODE", "SERVICE", "PID",
	    "STATE", "COMMAND");
	for (i = 0; i < lab->nnodes; i++)
		for (k = 0; k < lab->nodes[i].nrun; k++) {
			s = &v->nodes[i].svcs[k];
			if (maxrows > 0 && shown >= maxrows &&
			    strcmp(s->state, "running") == 0)
				continue;
			shown++;
			svcview_state(s, st, sizeof(st));
			fprintf(f, "%-12s run%-4d %-8d %-20s %s\n",
			    lab->nodes[i].name, k, (int)s->pid, st,
			    lab->nodes[i].run[k]);
			print_tail(s->tail, f);
		}
	if (shown < n)
		fprintf(f, "... and %d more services running (rumplab "
		    "status)\n", n - shown);
}

/*
 * The host taps: which segment each joins, in which network namespace
 * (the one `up` ran in, or the lab's own, and how to enter it), and its
 * pump's state for a bus.
 */
static void
print_taps(const struct labview *v, FILE *f)
{
	char tap[32], kind[8], on[160], ns[32], st[48], where[200];
	const char *p, *nl;
	int pid, code, lab = 0;

	if (v->taps[0] == '\0')
		return;
	fprintf(f, "%-12s %-18s %-24s %s\n", "TAP", "ON", "NAMESPACE",
	    "STATE");
	for (p = v->taps; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		if (sscanf(p, "%31s %7s %159s %31s %47s", tap, kind, on, ns,
		    st) != 5)
			continue;
		if (strcmp(kind, "iface") == 0 && strchr(on, ':') != NULL)
			*strchr(on, ':') = ' ';
		snprintf(where, sizeof(where), "%s%s", strcmp(kind, "bus") == 0 ?
		    "bus " : "", on);
		if (sscanf(ns, "lab:%d", &lab) == 1)
			snprintf(ns, sizeof(ns), "the lab's own");
		else
			snprintf(ns, sizeof(ns), "where up ran");
		if (sscanf(st, "pump:%d", &pid) == 1)
			snprintf(st, sizeof(st), "up (pump pid %d)", pid);
		else if (sscanf(st, "exited:%d", &code) == 1 ||
		    sscanf(st, "killed:%d", &code) == 1)
			snprintf(st, sizeof(st), "pump %s %d: cut off",
			    st[0] == 'e' ? "exited" : "killed by signal", code);
		fprintf(f, "%-12s %-18s %-24s %s\n", tap, where, ns, st);
	}
	if (lab > 0)
		fprintf(f, "The taps are in the lab's own network namespace; "
		    "`nsenter -t %d -U -n --preserve-credentials CMD` runs CMD "
		    "there.\n", lab);
}

void
labview_print(const char *dir, const struct lab *lab,
    const struct labview *v, int maxrows, bool buses, FILE *f)
{
	char ifs[2048], path[STATEDIR_PATHMAX];
	int i, shown = 0, up = 0;

	for (i = 0; i < lab->nnodes; i++)
		up += strcmp(v->nodes[i].state, "up") == 0;
	if (v->answers)
		fprintf(f, "lab %s: %d/%d nodes up, supervisor pid %d\n",
		    labctl_name(dir), up, lab->nnodes, (int)v->supervisor);
	else
		fprintf(f, "lab %s: the supervisor (pid %d) does not answer; "
		    "`rumplab down %s` cleans up\n", labctl_name(dir),
		    (int)v->supervisor, labctl_name(dir));
	fprintf(f, "%-12s %-8s %-8s %s\n", "NODE", "PID", "STATE",
	    "INTERFACES");
	for (i = 0; i < lab->nnodes; i++) {
		/* Trouble is always shown; the rest up to maxrows. */
		if (maxrows > 0 && shown >= maxrows &&
		    strcmp(v->nodes[i].state, "up") == 0)
			continue;
		shown++;
		iface_text(lab, i, ifs, sizeof(ifs));
		fprintf(f, "%-12s %-8d %-8s %s\n", lab->nodes[i].name,
		    (int)v->nodes[i].pid, v->nodes[i].state, ifs);
		if (v->nodes[i].why[0])
			fprintf(f, "%12s %s\n", "", v->nodes[i].why);
		print_tail(v->nodes[i].tail, f);
	}
	if (shown < lab->nnodes)
		fprintf(f, "... and %d more nodes up (rumplab status)\n",
		    lab->nnodes - shown);
	print_services(lab, v, maxrows, f);
	if (v->links[0] != '\0')
		fprintf(f, "LINKS NOT AS PLANNED (rumplab link show)\n%s",
		    v->links);
	print_taps(v, f);
	if (!buses)
		return;
	fprintf(f, "%-12s %-8s %s\n", "BUS", "MEMBERS", "FILE");
	for (i = 0; i < lab->nbuses; i++) {
		if (maxrows > 0 && i >= maxrows) {
			fprintf(f, "... and %d more buses\n", lab->nbuses - i);
			break;
		}
		if (lab->buses[i].tapseg)
			snprintf(path, sizeof(path), "(host tap %s)",
			    lab->buses[i].tap.name);
		else
			snprintf(path, sizeof(path), "%s/bus/%s", dir,
			    lab->buses[i].name);
		fprintf(f, "%-12s %-8d %s\n", lab->buses[i].name,
		    lab->buses[i].nmembers, path);
	}
}

int
labview_table(const char *dir, const struct lab *lab, int maxrows, FILE *f)
{
	struct labview v;
	int r;

	if ((r = labview_fetch(dir, lab, &v)) != 0)
		return r;
	labview_print(dir, lab, &v, maxrows, false, f);
	labview_free(&v);
	return 0;
}

static void
json_strn(const char *s, size_t n, FILE *f)
{
	const char *end = s + n;

	fputc('"', f);
	for (; s < end && *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void
json_str(const char *s, FILE *f)
{
	json_strn(s, strlen(s), f);
}

/* ,"services":[{"name":"run0","command":..,"pid":..,"state":..,
 * "code":N|null,"log":..}, ...] */
static void
json_services(const struct lab *lab, int node, const struct svcview *svcs,
    FILE *f)
{
	const struct svcview *s;
	char name[16];
	int k;

	fprintf(f, ",\"services\":[");
	for (k = 0; k < lab->nodes[node].nrun; k++) {
		s = &svcs[k];
		snprintf(name, sizeof(name), "run%d", k);
		fprintf(f, "%s{\"name\":", k ? "," : "");
		json_str(name, f);
		fprintf(f, ",\"command\":");
		json_str(lab->nodes[node].run[k], f);
		fprintf(f, ",\"pid\":%d,\"state\":", (int)s->pid);
		json_str(s->state, f);
		if (svcview_ended(s))
			fprintf(f, ",\"code\":%d,\"log\":", s->code);
		else
			fprintf(f, ",\"code\":null,\"log\":");
		json_str(s->tail, f);
		fprintf(f, "}");
	}
	fprintf(f, "]");
}

/* {"name":TAP,"bus":BUS|null,"node":NODE|null,"interface":IF|null,
 * "namespace":"here"|"lab:PID","state":"up"|"pump:PID"|...}, ... */
static void
json_taps(const struct labview *v, FILE *f)
{
	char tap[32], kind[8], on[160], ns[32], st[48], *colon;
	const char *p, *nl;
	int n = 0;

	for (p = v->taps; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		if (sscanf(p, "%31s %7s %159s %31s %47s", tap, kind, on, ns,
		    st) != 5)
			continue;
		fprintf(f, "%s{\"name\":", n++ ? "," : "");
		json_str(tap, f);
		colon = strchr(on, ':');
		if (strcmp(kind, "bus") == 0 || colon == NULL) {
			fprintf(f, ",\"bus\":");
			json_str(on, f);
			fprintf(f, ",\"node\":null,\"interface\":null");
		} else {
			*colon = '\0';
			fprintf(f, ",\"bus\":null,\"node\":");
			json_str(on, f);
			fprintf(f, ",\"interface\":");
			json_str(colon + 1, f);
		}
		fprintf(f, ",\"namespace\":");
		json_str(ns, f);
		fprintf(f, ",\"state\":");
		json_str(st, f);
		fputc('}', f);
	}
}

void
labview_json(const char *dir, const struct lab *lab,
    const struct labview *v, FILE *f)
{
	const struct lab_node *n;
	char a[IP_STRLEN], path[STATEDIR_PATHMAX];
	const char *p, *nl;
	int i, j, k;

	fprintf(f, "{\"lab\":");
	json_str(labctl_name(dir), f);
	fprintf(f, ",\"dir\":");
	json_str(dir, f);
	fprintf(f, ",\"supervisor\":%d,\"answers\":%s,\"state\":",
	    (int)v->supervisor, v->answers ? "true" : "false");
	json_str(v->state, f);
	fprintf(f, ",\"nodes\":[");
	for (i = 0; i < lab->nnodes; i++) {
		n = &lab->nodes[i];
		fprintf(f, "%s{\"name\":", i ? "," : "");
		json_str(n->name, f);
		fprintf(f, ",\"pid\":%d,\"state\":", (int)v->nodes[i].pid);
		json_str(v->nodes[i].state, f);
		fprintf(f, ",\"why\":");
		json_str(v->nodes[i].why, f);
		fprintf(f, ",\"log\":");
		json_str(v->nodes[i].tail, f);
		json_services(lab, i, v->nodes[i].svcs, f);
		fprintf(f, ",\"url\":\"unix://%s/sock/%d\",\"interfaces\":[",
		    dir, i);
		for (j = 0; j < n->nifaces; j++) {
			fprintf(f, "%s{\"name\":", j ? "," : "");
			json_str(n->ifaces[j].name, f);
			fprintf(f, ",\"bus\":");
			json_str(lab->buses[n->ifaces[j].bus].name, f);
			fprintf(f, ",\"addrs\":[");
			for (k = 0; k < n->ifaces[j].naddrs; k++)
				fprintf(f, "%s\"%s\"", k ? "," : "",
				    ip_str(&n->ifaces[j].addrs[k].ip, a));
			fprintf(f, "]}");
		}
		fprintf(f, "]}");
	}
	fprintf(f, "],\"links\":[");
	for (p = v->links, i = 0; *p != '\0'; p = nl + 1, i++) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		fprintf(f, "%s", i ? "," : "");
		json_strn(p, (size_t)(nl - p), f);
	}
	fprintf(f, "],\"taps\":[");
	json_taps(v, f);
	fprintf(f, "],\"buses\":[");
	for (i = 0; i < lab->nbuses; i++) {
		snprintf(path, sizeof(path), "%s/bus/%s", dir,
		    lab->buses[i].name);
		fprintf(f, "%s{\"name\":", i ? "," : "");
		json_str(lab->buses[i].name, f);
		fprintf(f, ",\"members\":%d,\"file\":", lab->buses[i].nmembers);
		json_str(path, f);
		fprintf(f, "}");
	}
	fprintf(f, "]}\n");
}
