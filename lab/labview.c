/*
 * labview.c — fetch and print a running lab's state (lab/labview.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "lab/bushealth.h"
#include "lab/ctlproto.h"
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

void
labview_tail_add(char *tail, size_t *len, size_t cap, const char *text,
    size_t n)
{
	if (*len + 1 >= cap)
		return;
	if (n > cap - *len - 2)
		n = cap - *len - 2;
	memcpy(tail + *len, text, n);
	*len += n;
	tail[(*len)++] = '\n';
	tail[*len] = '\0';
}

int
labview_service_reply(const struct lab *lab, const struct ctl_reply *r,
    struct svcview *(*svc)(int node, int k, void *arg), void *arg)
{
	struct svcview *s;
	char *end;
	long k;
	int n;

	if (r->kind != CK_SERVICE && r->kind != CK_SERVICE_LOG)
		return 0;
	if ((n = lab_node_find(lab, r->name)) < 0 ||
	    strncmp(r->svc, "run", 3) != 0 ||
	    (k = strtol(r->svc + 3, &end, 10)) < 0 || *end != '\0' ||
	    end == r->svc + 3 || k >= lab->nodes[n].nrun ||
	    (s = svc(n, (int)k, arg)) == NULL)
		return 1;
	if (r->kind == CK_SERVICE_LOG) {
		labview_tail_add(s->tail, &s->taillen, sizeof(s->tail),
		    r->text, r->textlen);
		return 1;
	}
	s->pid = r->pid;
	snprintf(s->state, sizeof(s->state), "%s", r->state);
	s->code = r->n >= 0 ? r->n : 0;
	s->tail[0] = '\0';	/* its lines follow */
	s->taillen = 0;
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

struct fetch {
	const struct lab	*lab;
	struct labview		*v;
};

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
	if ((v->taps = calloc(LAB_TAPS_MAX, sizeof(*v->taps))) == NULL) {
		labview_free(v);
		return -ENOMEM;
	}
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

/* One line of the supervisor's status into v. */
static int
status_reply(const struct ctl_reply *r, void *arg)
{
	struct fetch *ft = arg;
	struct labview *v = ft->v;
	struct nodeview *nv;
	struct tapview *t;
	size_t len;
	int k;

	if (labview_service_reply(ft->lab, r, view_svc, v))
		return 0;
	switch (r->kind) {
	case CK_LAB:
		v->supervisor = r->pid;
		v->answers = true;
		snprintf(v->state, sizeof(v->state), "%s", r->state);
		break;
	case CK_NODE:
		if ((k = lab_node_find(ft->lab, r->name)) < 0)
			break;
		nv = &v->nodes[k];
		nv->pid = r->pid;
		snprintf(nv->state, sizeof(nv->state), "%s", r->state);
		snprintf(nv->why, sizeof(nv->why), "%s", r->text);
		break;
	case CK_LOG:
		if ((k = lab_node_find(ft->lab, r->name)) >= 0)
			labview_tail_add(v->nodes[k].tail, &v->nodes[k].taillen,
			    sizeof(v->nodes[k].tail), r->text, r->textlen);
		break;
	case CK_LINK:
		len = strlen(v->links);
		snprintf(v->links + len, sizeof(v->links) - len, "%s\n",
		    r->text);
		break;
	case CK_HOST:
		len = strlen(v->hosts);
		snprintf(v->hosts + len, sizeof(v->hosts) - len, "%s %s %s\n",
		    r->name, r->state, r->text);
		break;
	case CK_UPLINK:
		len = strlen(v->uplinks);
		snprintf(v->uplinks + len, sizeof(v->uplinks) - len,
		    "%s %s %s %s %s\n", r->bus, r->name, r->on, r->state,
		    r->text);
		break;
	case CK_TAP:
		if (v->ntaps == LAB_TAPS_MAX)
			break;
		t = &v->taps[v->ntaps++];
		snprintf(t->name, sizeof(t->name), "%s", r->name);
		t->iface = strcmp(r->joins, "iface") == 0;
		snprintf(t->on, sizeof(t->on), "%s", r->on);
		snprintf(t->netns, sizeof(t->netns), "%s", r->netns);
		snprintf(t->state, sizeof(t->state), "%s", r->state);
		break;
	default:
		break;
	}
	return 0;
}

int
labview_fetch(const char *dir, const struct lab *lab, struct labview *v)
{
	struct fetch ft = { lab, v };
	struct ctl_reply fin;
	int r;

	if ((r = alloc_view(lab, v)) != 0)
		return r;
	(void)ctl_call(dir, CTL_STATUS, 0, NULL, 10000, status_reply, &ft,
	    &fin);
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
	free(v->taps);
	v->taps = NULL;
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

/* Its tail lines (len bytes), "| line" under the row. */
static void
print_tail(const char *tail, size_t len, FILE *f)
{
	const char *p, *end = tail + len, *nl;

	for (p = tail; p < end && (nl = memchr(p, '\n', (size_t)(end - p)))
	    != NULL; p = nl + 1) {
		fprintf(f, "%12s | ", "");
		fwrite(p, 1, (size_t)(nl - p), f);
		fputc('\n', f);
	}
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
			print_tail(s->tail, s->taillen, f);
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
	const struct tapview *t;
	char ns[32], st[48], where[200];
	int i, pid, code, lab = 0;

	if (v->ntaps == 0)
		return;
	fprintf(f, "%-12s %-18s %-24s %s\n", "TAP", "ON", "NAMESPACE",
	    "STATE");
	for (i = 0; i < v->ntaps; i++) {
		t = &v->taps[i];
		snprintf(where, sizeof(where), "%s%s", t->iface ? "" : "bus ",
		    t->on);
		if (t->iface && strchr(where, ':') != NULL)
			*strchr(where, ':') = ' ';
		if (sscanf(t->netns, "lab:%d", &lab) == 1)
			snprintf(ns, sizeof(ns), "the lab's own");
		else
			snprintf(ns, sizeof(ns), "where up ran");
		if (sscanf(t->state, "pump:%d", &pid) == 1)
			snprintf(st, sizeof(st), "up (pump pid %d)", pid);
		else if (sscanf(t->state, "exited:%d", &code) == 1 ||
		    sscanf(t->state, "killed:%d", &code) == 1)
			snprintf(st, sizeof(st), "pump %s %d: cut off",
			    t->state[0] == 'e' ? "exited" : "killed by signal",
			    code);
		else
			snprintf(st, sizeof(st), "%s", t->state);
		fprintf(f, "%-12s %-18s %-24s %s\n", t->name, where, ns, st);
	}
	if (lab > 0)
		fprintf(f, "The taps are in the lab's own network namespace; "
		    "`nsenter -t %d -U -n --preserve-credentials CMD` runs CMD "
		    "there.\n", lab);
}

int
labview_print(const char *dir, const struct lab *lab,
    const struct labview *v, int maxrows, bool buses, FILE *f)
{
	char ifs[2048], path[STATEDIR_PATHMAX], why[STATEDIR_PATHMAX + 512];
	int i, shown = 0, up = 0, trouble = 0, here;

	for (i = 0; i < lab->nnodes; i++)
		up += strcmp(v->nodes[i].state, "up") == 0;
	if (v->answers)
		fprintf(f, "lab %s: %d/%d nodes up, supervisor pid %d\n",
		    labctl_name(dir), up, lab->nnodes, (int)v->supervisor);
	else if (v->supervisor > 0)
		fprintf(f, "lab %s: the supervisor (pid %d) does not answer; "
		    "`rumplab down %s` cleans up\n", labctl_name(dir),
		    (int)v->supervisor, labctl_name(dir));
	else	/* e.g. its up was killed before the state file named one */
		fprintf(f, "lab %s: no supervisor answers and its state names "
		    "none (was its `up` killed?); `rumplab down %s` cleans "
		    "up\n", labctl_name(dir), labctl_name(dir));
	if (lab->nhosts > 0)
		fprintf(f, "%-12s %-8s %-8s %-8s %s\n", "NODE", "HOST", "PID",
		    "STATE", "INTERFACES");
	else
		fprintf(f, "%-12s %-8s %-8s %s\n", "NODE", "PID", "STATE",
		    "INTERFACES");
	for (i = 0; i < lab->nnodes; i++) {
		/* Trouble is always shown; the rest up to maxrows. */
		if (maxrows > 0 && shown >= maxrows &&
		    strcmp(v->nodes[i].state, "up") == 0)
			continue;
		shown++;
		iface_text(lab, i, ifs, sizeof(ifs));
		if (lab->nhosts > 0)
			fprintf(f, "%-12s %-8s %-8d %-8s %s\n",
			    lab->nodes[i].name,
			    lab->hosts[lab->nodes[i].host].name,
			    (int)v->nodes[i].pid, v->nodes[i].state, ifs);
		else
			fprintf(f, "%-12s %-8d %-8s %s\n", lab->nodes[i].name,
			    (int)v->nodes[i].pid, v->nodes[i].state, ifs);
		if (v->nodes[i].why[0])
			fprintf(f, "%12s %s\n", "", v->nodes[i].why);
		print_tail(v->nodes[i].tail, v->nodes[i].taillen, f);
	}
	if (shown < lab->nnodes)
		fprintf(f, "... and %d more nodes up (rumplab status)\n",
		    lab->nnodes - shown);
	print_services(lab, v, maxrows, f);
	if (v->links[0] != '\0')
		fprintf(f, "LINKS NOT AS PLANNED (rumplab link show)\n%s",
		    v->links);
	print_taps(v, f);
	if (v->hosts[0] != '\0')
		fprintf(f, "HOSTS\n%s", v->hosts);
	if (v->uplinks[0] != '\0')
		fprintf(f, "UPLINKS (buses across hosts)\n%s", v->uplinks);
	if (!buses)
		return 0;
	here = labctl_host(dir, lab);
	fprintf(f, "%-12s %-8s %s\n", "BUS", "MEMBERS", "FILE");
	for (i = 0; i < lab->nbuses; i++) {
		if (maxrows > 0 && i >= maxrows) {
			fprintf(f, "... and %d more buses\n", lab->nbuses - i);
			break;
		}
		if (lab->buses[i].tapseg)
			snprintf(path, sizeof(path), "(host tap %s)",
			    lab->buses[i].tap.name);
		else if (!labctl_bus_here(lab, here, i)) {
			fprintf(f, "%-12s %-8d (on host %s)\n",
			    lab->buses[i].name, lab->buses[i].nmembers,
			    lab->hosts[lab->buses[i].hosts[0]].name);
			continue;
		} else
			snprintf(path, sizeof(path), "%s/bus/%s", dir,
			    lab->buses[i].name);
		fprintf(f, "%-12s %-8d %s\n", lab->buses[i].name,
		    lab->buses[i].nmembers, path);
		if (bushealth_bus(dir, lab, v, i, why, sizeof(why))) {
			fprintf(f, "%12s %s\n", "", why);
			trouble++;
		}
	}
	if (bushealth_room(dir, why, sizeof(why))) {
		fprintf(f, "%s\n", why);
		trouble++;
	}
	return trouble;
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

/* "services":[{"name":"run0","command":..,"pid":..,"state":..,
 * "code":N|null,"log":..}, ...] */
static void
json_services(const struct lab *lab, int node, const struct svcview *svcs,
    struct jw *w)
{
	const struct svcview *s;
	char name[16];
	int k;

	jw_array(w, "services");
	for (k = 0; k < lab->nodes[node].nrun; k++) {
		s = &svcs[k];
		snprintf(name, sizeof(name), "run%d", k);
		jw_object(w, NULL);
		jw_str(w, "name", name);
		jw_str(w, "command", lab->nodes[node].run[k]);
		jw_int(w, "pid", s->pid);
		jw_str(w, "state", s->state);
		if (svcview_ended(s))
			jw_int(w, "code", s->code);
		else
			jw_null(w, "code");
		jw_strn(w, "log", s->tail, s->taillen);
		jw_close(w);
	}
	jw_close(w);
}

/* {"name":TAP,"bus":BUS|null,"node":NODE|null,"interface":IF|null,
 * "namespace":"here"|"lab:PID","state":"up"|"pump:PID"|...} */
static void
json_tap(const struct tapview *t, struct jw *w)
{
	const char *colon = strchr(t->on, ':');

	jw_object(w, NULL);
	jw_str(w, "name", t->name);
	if (!t->iface || colon == NULL) {
		jw_str(w, "bus", t->on);
		jw_null(w, "node");
		jw_null(w, "interface");
	} else {
		jw_null(w, "bus");
		jw_strn(w, "node", t->on, (size_t)(colon - t->on));
		jw_str(w, "interface", colon + 1);
	}
	jw_str(w, "namespace", t->netns);
	jw_str(w, "state", t->state);
	jw_close(w);
}

static void
json_node(const char *dir, const struct lab *lab, const struct labview *v,
    int i, struct jw *w)
{
	const struct lab_node *n = &lab->nodes[i];
	char a[IP_STRLEN], url[STATEDIR_PATHMAX + 16];
	int j, k;

	jw_object(w, NULL);
	jw_str(w, "name", n->name);
	if (lab->nhosts > 0)
		jw_str(w, "host", lab->hosts[n->host].name);
	jw_int(w, "pid", v->nodes[i].pid);
	jw_str(w, "state", v->nodes[i].state);
	jw_str(w, "why", v->nodes[i].why);
	jw_strn(w, "log", v->nodes[i].tail, v->nodes[i].taillen);
	json_services(lab, i, v->nodes[i].svcs, w);
	snprintf(url, sizeof(url), "unix://%s/sock/%d", dir, i);
	jw_str(w, "url", url);
	jw_array(w, "interfaces");
	for (j = 0; j < n->nifaces; j++) {
		jw_object(w, NULL);
		jw_str(w, "name", n->ifaces[j].name);
		jw_str(w, "bus", lab->buses[n->ifaces[j].bus].name);
		jw_array(w, "addrs");
		for (k = 0; k < n->ifaces[j].naddrs; k++)
			jw_str(w, NULL, ip_str(&n->ifaces[j].addrs[k].ip, a));
		jw_close(w);
		jw_close(w);
	}
	jw_close(w);
	jw_close(w);
}

/* "hosts": ["b up rl@10.1.1.2, 500 nodes", ...], a line each. */
static void
json_lines(struct jw *w, const char *key, const char *lines)
{
	const char *p, *nl;

	jw_array(w, key);
	for (p = lines; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		jw_strn(w, NULL, p, (size_t)(nl - p));
	jw_close(w);
}

int
labview_json(const char *dir, const struct lab *lab,
    const struct labview *v, int *trouble, FILE *f)
{
	char path[STATEDIR_PATHMAX], why[STATEDIR_PATHMAX + 512];
	const char *p, *nl;
	struct jw w;
	int i, here;

	*trouble = 0;
	jw_init(&w, f);
	jw_object(&w, NULL);
	jw_str(&w, "lab", labctl_name(dir));
	jw_str(&w, "dir", dir);
	jw_int(&w, "supervisor", v->supervisor);
	jw_bool(&w, "answers", v->answers);
	jw_str(&w, "state", v->state);
	jw_array(&w, "nodes");
	for (i = 0; i < lab->nnodes; i++)
		json_node(dir, lab, v, i, &w);
	jw_close(&w);
	jw_array(&w, "links");
	for (p = v->links; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		jw_strn(&w, NULL, p, (size_t)(nl - p));
	jw_close(&w);
	jw_array(&w, "taps");
	for (i = 0; i < v->ntaps; i++)
		json_tap(&v->taps[i], &w);
	jw_close(&w);
	json_lines(&w, "hosts", v->hosts);
	json_lines(&w, "uplinks", v->uplinks);
	jw_array(&w, "buses");
	here = labctl_host(dir, lab);
	for (i = 0; i < lab->nbuses; i++) {
		snprintf(path, sizeof(path), "%s/bus/%s", dir,
		    lab->buses[i].name);
		jw_object(&w, NULL);
		jw_str(&w, "name", lab->buses[i].name);
		jw_int(&w, "members", lab->buses[i].nmembers);
		if (!labctl_bus_here(lab, here, i)) {
			jw_null(&w, "file");
			jw_str(&w, "host",
			    lab->hosts[lab->buses[i].hosts[0]].name);
			jw_null(&w, "trouble");
			jw_close(&w);
			continue;
		}
		jw_str(&w, "file", path);
		if (bushealth_bus(dir, lab, v, i, why, sizeof(why))) {
			jw_str(&w, "trouble", why);
			(*trouble)++;
		} else
			jw_null(&w, "trouble");
		jw_close(&w);
	}
	jw_close(&w);
	if (bushealth_room(dir, why, sizeof(why))) {
		jw_str(&w, "room", why);
		(*trouble)++;
	} else
		jw_null(&w, "room");
	jw_close(&w);
	return jw_end(&w);
}
