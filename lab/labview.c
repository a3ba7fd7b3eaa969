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
labview_fetch(const char *dir, const struct lab *lab, struct labview *v)
{
	struct ctl_conn c;
	char line[CTL_LINEMAX], name[80], state[16];
	int pid, off, k, r;
	size_t len;

	memset(v, 0, sizeof(*v));
	if ((v->nodes = calloc((size_t)lab->nnodes + 1,
	    sizeof(*v->nodes))) == NULL)
		return -ENOMEM;
	for (k = 0; k < lab->nnodes; k++)
		snprintf(v->nodes[k].state, sizeof(v->nodes[k].state), "?");
	if (ctl_connect(dir, &c) != 0 || ctl_send(&c, "status") != 0) {
		ctl_close(&c);
		from_statefile(dir, lab, v);
		return 0;
	}
	while ((r = ctl_readline(&c, line, sizeof(line), 10000)) == 1) {
		off = 0;
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

void
labview_print(const char *dir, const struct lab *lab,
    const struct labview *v, int maxrows, bool buses, FILE *f)
{
	char ifs[2048], path[STATEDIR_PATHMAX];
	const char *p, *nl;
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
		for (p = v->nodes[i].tail; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			fprintf(f, "%12s | %.*s\n", "", (int)(nl - p), p);
		}
	}
	if (shown < lab->nnodes)
		fprintf(f, "... and %d more nodes up (rumplab status)\n",
		    lab->nnodes - shown);
	if (v->links[0] != '\0')
		fprintf(f, "LINKS NOT AS PLANNED (rumplab link show)\n%s",
		    v->links);
	if (!buses)
		return;
	fprintf(f, "%-12s %-8s %s\n", "BUS", "MEMBERS", "FILE");
	for (i = 0; i < lab->nbuses; i++) {
		if (maxrows > 0 && i >= maxrows) {
			fprintf(f, "... and %d more buses\n", lab->nbuses - i);
			break;
		}
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
