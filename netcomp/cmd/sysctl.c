/*
 * sysctl.c — rump.sysctl: read and set a node's sysctl variables, with
 * NetBSD sysctl(8)'s options and "name = value" lines.
 *
 *   rump.sysctl [-en] name ...          one variable, or every one below
 *                                       a node ("net.inet")
 *   rump.sysctl [-nq] -w name=value ... set; prints "name: old -> new"
 *   rump.sysctl [-en] -a                everything
 *   rump.sysctl --json -a | name ...    the same as one JSON object of
 *                                       "name": "value"
 *
 * The node keeps its variables as a flat table of full names; the levels
 * of a name ("net", "inet", "ip") are found by prefix, which is what the
 * error for an unknown name reports ("third level name 'x' in 'net.inet.x'
 * is invalid").
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "kernel/rumpclient.h"
#include "netcomp/cmd/node.h"
#include "version.h"

#define PROG     "rump.sysctl"
#define VALUEMAX 1024
#define OPT_JSON 256	/* --json, a long option only */

struct sysctl_flags {
	int nflag, qflag, eflag;
	struct jw *json;	/* --json: "name": "value" members here */
};

static char why[512];

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " [-en] name ...\n"
	    "       " PROG " [-nq] -w name=value ...\n"
	    "       " PROG " [-en] -a\n"
	    "       " PROG " --json -a | name ...\n"
	    "The node is $RUMP_SERVER.\n");
}

static void
print_line(const struct sysctl_flags *f, const char *name, size_t namelen,
    const char *value)
{
	char key[256];

	if (f->json != NULL) {
		snprintf(key, sizeof(key), "%.*s", (int)namelen, name);
		jw_str(f->json, key, value);
	} else if (f->nflag)
		printf("%s\n", value);
	else
		printf("%.*s%s%s\n", (int)namelen, name, f->eflag ? "=" : " = ",
		    value);
}

/* Every "name = value" line of the node, NUL-terminated. */
static int
fetch_all(char **text)
{
	ssize_t need, got;
	char *buf = NULL;
	size_t len = 0;

	for (;;) {
		if ((got = rump_sys_sysctl_list(buf, len)) < 0) {
			free(buf);
			return -errno;
		}
		if ((size_t)got < len)
			break;
		free(buf);
		need = got + 4096;
		len = (size_t)need;
		if ((buf = malloc(len)) == NULL)
			return -ENOMEM;
	}
	*text = buf;
	return 0;
}

/* Print the lines whose name is prefix itself or starts with "prefix.";
 * NULL prints them all.  Returns how many; text is left as it was. */
static int
print_matching(const struct sysctl_flags *f, const char *text,
    const char *prefix)
{
	size_t plen = prefix != NULL ? strlen(prefix) : 0, len, nlen;
	const char *line, *next, *eq;
	char *value;
	int n = 0;

	for (line = text; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			len = (size_t)(next++ - line);
		else
			next = line + (len = strlen(line));
		if ((eq = strstr(line, " = ")) == NULL || eq >= line + len)
			continue;
		nlen = (size_t)(eq - line);
		if (prefix != NULL && (strncmp(line, prefix, plen) != 0 ||
		    (line[plen] != '.' && nlen != plen)))
			continue;
		if ((value = strndup(eq + 3, len - nlen - 3)) == NULL)
			return n;
		print_line(f, line, nlen, value);
		free(value);
		n++;
	}
	return n;
}

/* Does any variable's name start with the first len bytes of name,
 * followed by a level separator or the end of the name? */
static int
has_level(const char *text, const char *name, size_t len)
{
	const char *line = text;

	while (*line != '\0') {
		if (strncmp(line, name, len) == 0 &&
		    (line[len] == '.' || line[len] == ' '))
			return 1;
		if ((line = strchr(line, '\n')) == NULL)
			break;
		line++;
	}
	return 0;
}

/* NetBSD's message for a name no variable has: which level is wrong. */
static void
explain_unknown(const char *name, const char *text)
{
	static const char *const lname[] = { "top", "second", "third",
	    "fourth", "fifth", "sixth", "seventh", "eighth", "ninth" };
	const char *p, *comp = name;
	int level = 0;

	for (p = name; *p != '\0'; p++) {
		if (*p != '.')
			continue;
		if (!has_level(text, name, (size_t)(p - name)))
			break;
		comp = p + 1;
		level++;
	}
	snprintf(why, sizeof(why), "%s level name '%.*s' in '%s' is invalid",
	    level < 9 ? lname[level] : "deep", (int)strcspn(comp, "."), comp,
	    name);
}

static int
show(const struct sysctl_flags *f, const char *name)
{
	char value[VALUEMAX + 1], *text, buf[256];
	int error;

	if (rump_sys_sysctl_get(name, value, sizeof(value)) >= 0) {
		print_line(f, name, strlen(name), value);
		return 0;
	}
	if ((error = -errno) != -ENOENT) {
		snprintf(why, sizeof(why), "%s: %s", name,
		    node_strerror(error, buf, sizeof(buf)));
		return error;
	}
	/* Not a variable: perhaps a node with variables below it. */
	if ((error = fetch_all(&text)) != 0) {
		snprintf(why, sizeof(why), "list: %s", strerror(-error));
		return error;
	}
	if (print_matching(f, text, name) == 0) {
		explain_unknown(name, text);
		error = -ENOENT;
	}
	free(text);
	return error;
}

static int
set(const struct sysctl_flags *f, const char *arg)
{
	char name[256], old[VALUEMAX + 1], buf[256];
	const char *eq = strchr(arg, '='), *value;
	int error;

	if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof(name)) {
		snprintf(why, sizeof(why), "-w %s: expected name=value", arg);
		return -EINVAL;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
	value = eq + 1;
	if (rump_sys_sysctl_get(name, old, sizeof(old)) < 0 ||
	    rump_sys_sysctl_set(name, value) != 0) {
		error = -errno;
		snprintf(why, sizeof(why), "%s: %s", name, error == -ENOENT ?
		    "no such variable" :
		    node_strerror(error, buf, sizeof(buf)));
		return error;
	}
	if (f->qflag)
		return 0;
	if (f->nflag)
		printf("%s\n", value);
	else
		printf("%s: %s -> %s\n", name, old, value);
	return 0;
}

/* -a: every variable. */
static int
show_all(const struct sysctl_flags *f)
{
	char *text;
	int r;

	if ((r = fetch_all(&text)) != 0) {
		fprintf(stderr, PROG ": list: %s\n", strerror(-r));
		return 1;
	}
	print_matching(f, text, NULL);
	free(text);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 }
	};
	struct sysctl_flags f = { 0, 0, 0, NULL };
	int c, i, aflag = 0, wflag = 0, jflag = 0, status = 0;
	struct jw w;

	if (version_asked(argc, argv, PROG))
		return 0;
	while ((c = getopt_long(argc, argv, "aAehnqw", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'a': case 'A': aflag = 1; break;
		case 'e': f.eflag = 1; break;
		case 'n': f.nflag = 1; break;
		case 'q': f.qflag = 1; break;
		case 'w': wflag = 1; break;
		case 'h': usage(stdout); return 0;
		case OPT_JSON: jflag = 1; break;
		default: usage(stderr); return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if ((aflag && (argc > 0 || wflag)) || (!aflag && argc == 0) ||
	    (jflag && wflag)) {
		usage(stderr);
		return 1;
	}
	for (i = 0; i < argc && !wflag; i++)
		if (strchr(argv[i], '=') != NULL) {
			fprintf(stderr, PROG ": %s: must specify -w to set "
			    "variables\n", argv[i]);
			return 1;
		}
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	if (jflag) {
		jw_init(&w, stdout);
		jw_object(&w, NULL);
		f.json = &w;
	}
	if (aflag)
		status = show_all(&f);
	for (i = 0; i < argc; i++) {
		why[0] = '\0';
		if ((wflag ? set(&f, argv[i]) : show(&f, argv[i])) != 0) {
			fprintf(stderr, PROG ": %s\n", why);
			status = 1;
		}
	}
	if (jflag) {
		jw_close(&w);
		if (jw_end(&w) != 0)
			status = 1;
	}
	return status;
}
