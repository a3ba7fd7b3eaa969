/*
 * verb_link.c — the verbs that change a running lab's links and nodes
 * through its supervisor (lab/CONTROL.txt), and their shared request
 * path:
 *   rumplab link show [TARGET] [-l LAB] [--json]
 *   rumplab link set TARGET [in|out|both] SETTING... [-l LAB] [--json]
 *   rumplab bus cut|join BUS [-l LAB] [--json]
 *   rumplab node stop|start|restart|kill NODE [-l LAB] [--json]
 * TARGET is NODE:IF (an interface, by name or by its bus's name) or BUS.
 * The second words are the control protocol's (lab/ctlproto.h): the verb
 * is the request.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "lab/ctlproto.h"
#include "lab/labctl.h"
#include "lab/verbs.h"

/* What a request's reply lines make: the table's rows as they come, or
 * (--json) the lines kept for one object at the end. */
struct answer {
	const char	*verb;
	int		 hdr;		/* the table printed last: 1 iface,
					 * 2 bus */
	struct ctl_reply *rows;		/* --json: iface, bus and log lines */
	int		 nrows, cap;
	int		 err;
};

/* Prints a `link show` line as a row of one of two tables. */
static void
show_row(const struct ctl_reply *r, int *hdr)
{
	const char *imp = r->textlen > 0 ? r->text : "-";

	if (r->kind == CK_IFACE) {
		if (*hdr != 1)
			printf("%s%-24s %-16s %-5s %s\n", *hdr ? "\n" : "",
			    "INTERFACE", "BUS", "LINK", "IMPAIRMENTS");
		*hdr = 1;
		printf("%-24s %-16s %-5s %s\n", r->name, r->bus, r->state, imp);
	} else if (r->kind == CK_BUS) {
		if (*hdr != 2)
			printf("%s%-24s %-6s %s\n", *hdr ? "\n" : "", "BUS",
			    "STATE", "IMPAIRMENTS (every member's out)");
		*hdr = 2;
		printf("%-24s %-6s %s\n", r->name, r->state, imp);
	}
}

static int
keep_row(struct answer *a, const struct ctl_reply *r)
{
	struct ctl_reply *n;

	if (a->nrows == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 16;
		if ((n = realloc(a->rows, (size_t)a->cap * sizeof(*n))) ==
		    NULL)
			return a->err = -ENOMEM;
		a->rows = n;
	}
	a->rows[a->nrows] = *r;
	/* Its strings pointed into its own buffer: point into the copy. */
	n = &a->rows[a->nrows++];
#define MOVE(f)	if (r->f != NULL) n->f = n->buf + (r->f - r->buf)
	MOVE(name);
	MOVE(svc);
	MOVE(bus);
	MOVE(state);
	MOVE(text);
#undef MOVE
	return 0;
}

static int
answer_line(const struct ctl_reply *r, void *arg)
{
	struct answer *a = arg;

	if (verb_opts.json)
		return r->kind == CK_IFACE || r->kind == CK_BUS ||
		    r->kind == CK_LOG ? keep_row(a, r) : 0;
	if (r->kind == CK_LOG) {
		fprintf(stderr, "    | %s ", r->name);
		fwrite(r->text, 1, r->textlen, stderr);
		fputc('\n', stderr);
	} else
		show_row(r, &a->hdr);
	return 0;
}

/* "out.delay=20ms out.loss=1%" as an array of its words. */
static void
json_words(struct jw *w, const char *key, const char *text)
{
	const char *p = text, *sp;

	jw_array(w, key);
	while (*p != '\0') {
		sp = strchr(p, ' ');
		jw_strn(w, NULL, p, sp ? (size_t)(sp - p) : strlen(p));
		p = sp ? sp + 1 : p + strlen(p);
	}
	jw_close(w);
}

/*
 * The whole answer as one object: {"lab", "request", "ok", "message",
 * "log": [its log lines], "interfaces": [...], "buses": [...]} (the
 * last two for link show, the columns of its tables).
 */
static int
answer_json(const char *dir, const char *req, int status,
    const struct ctl_reply *fin, const struct answer *a)
{
	const struct ctl_reply *r;
	struct jw w;
	int i, k;

	jw_init(&w, stdout);
	jw_object(&w, NULL);
	jw_str(&w, "lab", labctl_name(dir));
	jw_str(&w, "request", req);
	jw_bool(&w, "ok", status == 0);
	jw_strn(&w, "message", fin->text, fin->textlen);
	jw_array(&w, "log");
	for (i = 0; i < a->nrows; i++)
		if (a->rows[i].kind == CK_LOG)
			jw_strn(&w, NULL, a->rows[i].text, a->rows[i].textlen);
	jw_close(&w);
	for (k = 0; k < 2 && strncmp(req, "link show", 9) == 0; k++) {
		jw_array(&w, k == 0 ? "interfaces" : "buses");
		for (i = 0; i < a->nrows; i++) {
			r = &a->rows[i];
			if (r->kind != (k == 0 ? CK_IFACE : CK_BUS))
				continue;
			jw_object(&w, NULL);
			jw_str(&w, k == 0 ? "interface" : "bus", r->name);
			if (k == 0) {
				jw_str(&w, "bus", r->bus);
				jw_str(&w, "link", r->state);
			} else
				jw_str(&w, "state", r->state);
			json_words(&w, "impairments", r->text);
			jw_close(&w);
		}
		jw_close(&w);
	}
	jw_close(&w);
	return jw_end(&w);
}

/*
 * Sends request id with its arguments to the lab's supervisor and
 * reports the answer: `ok TEXT` printed, `error TEXT` and `log` lines on
 * stderr, `link show` lines as tables; or, with --json, all of it as one
 * object on stdout.  The exit status.
 */
static int
request(const char *verb, enum ctl_req id, int argc, char **argv)
{
	char dir[STATEDIR_PATHMAX], why[600], req[CTL_LINEMAX];
	struct answer a = { .verb = verb };
	struct ctl_reply fin;
	const char *lab;
	int r, status;

	if (verb_lab(verb, NULL, &lab) != 0)
		return EXIT_USAGE;
	if (ctl_request_format(id, argc, argv, req, sizeof(req), why,
	    sizeof(why)) != 0) {
		fprintf(stderr, "rumplab %s: %s\n", verb, why);
		return EXIT_USAGE;
	}
	if ((r = labctl_find(lab, dir, sizeof(dir), why, sizeof(why))) != 0) {
		fprintf(stderr, "rumplab %s: %s%s\n", verb, why,
		    r == -EEXIST ? " with -l" : "");
		return r == -EEXIST ? EXIT_USAGE : 1;
	}
	r = ctl_call(dir, id, argc, argv, 120000, answer_line, &a, &fin);
	status = r == 0 ? 0 : 1;
	if (r < 0 && r != -ENOMEM)
		fprintf(stderr, "rumplab %s: lab %s: %s; `rumplab down %s` "
		    "cleans up\n", verb, labctl_name(dir), fin.text,
		    labctl_name(dir));
	else if (a.err != 0)
		fprintf(stderr, "rumplab %s: %s\n", verb, strerror(-a.err));
	else if (verb_opts.json) {
		if (answer_json(dir, req, r, &fin, &a) != 0)
			status = 1;
	} else if (r == 1)
		fprintf(stderr, "rumplab %s: %s\n", verb, fin.text);
	else if (fin.textlen > 0)
		printf("%s\n", fin.text);
	free(a.rows);
	return a.err != 0 ? 1 : status;
}

/*
 * `VERB WORD ARGS...`: the request whose words are "VERB WORD" (the
 * table's), with argc in its range; else the verb's usage and the
 * words it takes.
 */
static int
verb_request(const char *verb, int argc, char **argv)
{
	const struct ctl_reqdef *d;
	char words[128];

	d = argc >= 2 ? ctl_req_find(verb, argv[1]) : NULL;
	if (d == NULL || argc - 2 < d->minargs || argc - 2 > d->maxargs) {
		verb_usage(verb, stderr);
		if (argc >= 2 && d == NULL) {
			ctl_req_seconds(verb, ", ", words, sizeof(words));
			fprintf(stderr, "rumplab %s: unknown '%s' (%s takes "
			    "%s)\n", verb, argv[1], verb, words);
		}
		return EXIT_USAGE;
	}
	return request(verb, d->id, argc - 2, argv + 2);
}

int
verb_link(int argc, char **argv)
{
	return verb_request("link", argc, argv);
}

int
verb_bus(int argc, char **argv)
{
	return verb_request("bus", argc, argv);
}

int
verb_node(int argc, char **argv)
{
	return verb_request("node", argc, argv);
}
