/*
 * verb_completion.c — `rumplab completion bash|zsh`: a completion script
 * for the shell, and `rumplab completion words LINE`, which the script
 * runs to learn what may follow LINE (the command line up to the
 * cursor): one word a line, and "@files" when file names fit there too.
 *
 * Everything the words come from is the program's own: the verbs, their
 * options (read from each verb's usage text in the table of
 * lab/rumplab.c), their positional words (its `complete` field), the
 * control requests' second words (lab/ctlproto.h), link set's words
 * (lab/impair_spec.h), and of the running lab — -l's, or the only one —
 * its name, nodes, interfaces and buses.  So the script never goes out
 * of date: it asks the rumplab it runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/ctlproto.h"
#include "lab/impair_spec.h"
#include "lab/labctl.h"
#include "lab/plan.h"
#include "lab/verbs.h"

#define MAXWORDS	256
#define MAXOPTS		32

/* What is being completed and what it may be. */
struct cctx {
	const char	*cur;		/* the word under the cursor, so far */
	const char	*lab;		/* -l's, or NULL */
	struct lab	*model;		/* the running lab's, once read */
	bool		 tried;		/* model was looked for */
	bool		 files;		/* "@files" said */
};

/* An option of a verb's usage text, and its value's placeholder. */
struct uopt {
	char	name[32];
	char	value[64];		/* "" for a flag */
};

static void
say(struct cctx *c, const char *w)
{
	if (strncmp(w, c->cur, strlen(c->cur)) == 0)
		printf("%s\n", w);
}

static void
say_files(struct cctx *c)
{
	if (!c->files)
		printf("@files\n");
	c->files = true;
}

static void
lab_name(const char *name, void *arg)
{
	say(arg, name);
}

/* The running lab's topology: -l's, or the only one running. */
static struct lab *
model(struct cctx *c)
{
	char dir[STATEDIR_PATHMAX], why[600];

	if (!c->tried && labctl_find(c->lab, dir, sizeof(dir), why,
	    sizeof(why)) == 0)
		(void)labctl_open_lab(dir, &c->model);
	c->tried = true;
	return c->model;
}

/* The words one placeholder of a verb's stands for. */
static void
expand_one(struct cctx *c, const char *p)
{
	const struct lab *m;
	char buf[256], *save = NULL, *w;
	int i, k;

	if (strcmp(p, "FILE") == 0 || strcmp(p, "OUT") == 0 ||
	    strcmp(p, "DIR") == 0) {
		say_files(c);
	} else if (strcmp(p, "LAB") == 0) {
		(void)statedir_list(lab_name, c);
	} else if (p[0] == '@') {
		ctl_req_seconds(p + 1, " ", buf, sizeof(buf));
		for (w = strtok_r(buf, " ", &save); w != NULL;
		    w = strtok_r(NULL, " ", &save))
			say(c, w);
	} else if (strcmp(p, "SETTING") == 0) {
		for (i = 0; impspec_word(i) != NULL; i++)
			say(c, impspec_word(i));
	} else if (strcmp(p, "NODE") == 0 || strcmp(p, "BUS") == 0 ||
	    strcmp(p, "TARGET") == 0) {
		if ((m = model(c)) == NULL)
			return;
		for (i = 0; p[0] == 'N' && i < m->nnodes; i++)
			say(c, m->nodes[i].name);
		for (i = 0; p[0] != 'N' && i < m->nbuses; i++)
			say(c, m->buses[i].name);
		for (i = 0; p[0] == 'T' && i < m->nnodes; i++)
			for (k = 0; k < m->nodes[i].nifaces; k++) {
				snprintf(buf, sizeof(buf), "%s:%s",
				    m->nodes[i].name,
				    m->nodes[i].ifaces[k].name);
				say(c, buf);
			}
	} else if (strspn(p, "abcdefghijklmnopqrstuvwxyz") == strlen(p))
		say(c, p);	/* a word of its own */
}

/* A placeholder with alternatives: "LAB|FILE", "dot|svg|png". */
static void
expand(struct cctx *c, const char *spec)
{
	char buf[256], *save = NULL, *w;

	snprintf(buf, sizeof(buf), "%s", spec);
	for (w = strtok_r(buf, "|", &save); w != NULL;
	    w = strtok_r(NULL, "|", &save))
		expand_one(c, w);
}

/*
 * The options in a verb's usage text: "[--busdir DIR]" is --busdir with
 * a value, "[--json]" a flag, "[--ipv6|--dual]" two flags; a value is the
 * next word unless the option's bracket closes first.
 */
static int
usage_opts(const char *args, struct uopt *o, int max)
{
	char buf[1024], *tok[128], *save = NULL, *w, *a, *asave;
	int n = 0, nt = 0, i;
	bool closed;

	snprintf(buf, sizeof(buf), "%s", args);
	for (w = strtok_r(buf, " ", &save); w != NULL && nt < 128;
	    w = strtok_r(NULL, " ", &save))
		tok[nt++] = w;
	for (i = 0; i < nt; i++) {
		w = tok[i] + strspn(tok[i], "[");
		closed = strchr(w, ']') != NULL;
		w[strcspn(w, "]")] = '\0';
		if (w[0] != '-' || strcmp(w, "--") == 0 || strcmp(w, "-") == 0)
			continue;
		for (a = strtok_r(w, "|", &asave); a != NULL && n < max;
		    a = strtok_r(NULL, "|", &asave)) {
			snprintf(o[n].name, sizeof(o[n].name), "%s", a);
			o[n].value[0] = '\0';
			if (!closed && i + 1 < nt &&
			    tok[i + 1][strspn(tok[i + 1], "[")] != '-' &&
			    strcmp(tok[i + 1], "|") != 0)
				snprintf(o[n].value, sizeof(o[n].value), "%.*s",
				    (int)strcspn(tok[i + 1], "]"), tok[i + 1]);
			n++;
		}
		if (n > 0 && o[n - 1].value[0] != '\0')
			i++;
	}
	return n;
}

/* The verb's options and the shared ones it takes. */
static void
say_options(struct cctx *c, const struct verb *v)
{
	struct uopt o[MAXOPTS];
	int i, n = usage_opts(v->args, o, MAXOPTS);

	for (i = 0; i < n; i++)
		if (strcmp(o[i].name, "--lab") != 0 &&
		    strcmp(o[i].name, "--json") != 0)
			say(c, o[i].name);
	if (v->lab != VL_NONE) {
		say(c, "-l");
		say(c, "--lab");
	}
	if (v->json)
		say(c, "--json");
	say(c, "--help");
}

/* The placeholder for the n-th positional word of v (from 0), or NULL;
 * one ending in "..." stands for every word from its place on. */
static const char *
positional(const struct verb *v, int n, char *buf, size_t len)
{
	char *w, *save = NULL;
	size_t k;
	int i = 0;

	snprintf(buf, len, "%s", v->complete);
	for (w = strtok_r(buf, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save), i++) {
		k = strlen(w);
		if (k > 3 && strcmp(w + k - 3, "...") == 0) {
			w[k - 3] = '\0';
			return w;
		}
		if (i == n)
			return w;
	}
	return NULL;
}

static const struct verb *
verb_named(const char *name)
{
	const struct verb *v, *match = NULL;
	int n = 0;

	for (v = verbs; v->name != NULL; v++) {
		if (strcmp(v->name, name) == 0)
			return v;
		if (strncmp(v->name, name, strlen(name)) == 0) {
			match = v;
			n++;
		}
	}
	return n == 1 ? match : NULL;
}

/* The verbs, or the shared options, as the first word. */
static void
say_verbs(struct cctx *c)
{
	const struct verb *v;

	for (v = verbs; v->name != NULL; v++)
		if (v->fn != verb_supervise)
			say(c, v->name);
	if (c->cur[0] == '-') {
		say(c, "-l");
		say(c, "--lab");
		say(c, "--json");
		say(c, "--help");
		say(c, "--version");
	}
}

/* Is w[i] an option of o[] with a value?  Its placeholder. */
static const char *
opt_value(const struct uopt *o, int no, const char *w)
{
	int k;

	for (k = 0; k < no; k++)
		if (strcmp(o[k].name, w) == 0 && o[k].value[0] != '\0')
			return o[k].value;
	return NULL;
}

/* What may follow the words w[0..n) (w[0] is "rumplab"), c->cur being
 * typed. */
static void
complete(struct cctx *c, char **w, int n)
{
	const struct verb *v = NULL;
	struct uopt o[MAXOPTS];
	const char *p;
	char buf[256];
	int i, no = 0, npos = 0;

	for (i = 1; i < n; i++) {
		if (strcmp(w[i], "--") == 0) {
			say_files(c);
			return;
		}
		if (strcmp(w[i], "-l") == 0 || strcmp(w[i], "--lab") == 0)
			p = "LAB";
		else if (w[i][0] == '-')
			p = opt_value(o, no, w[i]);
		else if (v == NULL) {
			if ((v = verb_named(w[i])) == NULL)
				return;
			no = usage_opts(v->args, o, MAXOPTS);
			continue;
		} else {
			npos++;
			continue;
		}
		if (p == NULL)		/* a flag */
			continue;
		if (i + 1 == n) {	/* its value is being typed */
			expand(c, p);
			return;
		}
		if (strcmp(p, "LAB") == 0)
			c->lab = w[i + 1];
		i++;
	}
	if (v == NULL)
		say_verbs(c);
	else if (c->cur[0] == '-')
		say_options(c, v);
	else if (v->cmdafter > 0 && npos >= v->cmdafter)
		say_files(c);
	else if ((p = positional(v, npos, buf, sizeof(buf))) != NULL)
		expand(c, p);
}

/* `words LINE`: LINE split at spaces; a space at its end starts a new
 * word. */
static int
words(const char *line)
{
	char *buf, *w[MAXWORDS], *save = NULL, *t;
	struct cctx c = { .cur = "" };
	int n = 0;
	size_t len = strlen(line);

	if ((buf = strdup(line)) == NULL)
		return 1;
	for (t = strtok_r(buf, " \t", &save); t != NULL && n < MAXWORDS;
	    t = strtok_r(NULL, " \t", &save))
		w[n++] = t;
	if (n > 0 && len > 0 && line[len - 1] != ' ' && line[len - 1] != '\t')
		c.cur = w[--n];
	if (n > 0)
		complete(&c, w, n);
	if (c.model != NULL)
		lab_close(c.model);
	free(buf);
	return fflush(stdout) == 0 ? 0 : 1;
}

static const char bash_script[] =
"# bash completion for rumplab: eval \"$(rumplab completion bash)\"\n"
"# (it asks rumplab itself, so it knows the running lab's names)\n"
"_rumplab()\n"
"{\n"
"\tlocal line=${COMP_LINE:0:COMP_POINT} cur=${COMP_WORDS[COMP_CWORD]}\n"
"\tlocal w word pre IFS=$'\\n' files=0\n"
"\tCOMPREPLY=()\n"
"\tfor w in $(command rumplab completion words \"$line\" 2>/dev/null); do\n"
"\t\tif [ \"$w\" = @files ]; then files=1; else COMPREPLY+=(\"$w\"); fi\n"
"\tdone\n"
"\t# bash splits NODE:IF at the colon: complete what follows it\n"
"\tword=${line##*[[:space:]]}\n"
"\tif [[ $word == *:* && $COMP_WORDBREAKS == *:* ]]; then\n"
"\t\tpre=${word%\"${word##*:}\"}\n"
"\t\tCOMPREPLY=(\"${COMPREPLY[@]#\"$pre\"}\")\n"
"\tfi\n"
"\tif [ $files = 1 ]; then\n"
"\t\tCOMPREPLY+=($(compgen -f -- \"$cur\"))\n"
"\t\tcompopt -o filenames 2>/dev/null\n"
"\tfi\n"
"}\n"
"complete -F _rumplab rumplab\n";

static const char zsh_script[] =
"#compdef rumplab\n"
"# zsh completion for rumplab: source <(rumplab completion zsh)\n"
"# (it asks rumplab itself, so it knows the running lab's names)\n"
"_rumplab()\n"
"{\n"
"\tlocal line=\"${(j: :)words[1,CURRENT-1]} ${words[CURRENT]}\" w\n"
"\tlocal -a found\n"
"\tlocal files=0\n"
"\tfor w in ${(f)\"$(command rumplab completion words \"$line\" "
"2>/dev/null)\"}; do\n"
"\t\tif [[ $w == @files ]]; then files=1; else found+=(\"$w\"); fi\n"
"\tdone\n"
"\t(( ${#found} )) && compadd -a found\n"
"\t(( files )) && _files\n"
"\treturn 0\n"
"}\n"
"if (( $+functions[compdef] )); then\n"
"\tcompdef _rumplab rumplab\n"
"else\n"
"\tprint -u2 'rumplab completion: run compinit first "
"(autoload -Uz compinit && compinit)'\n"
"fi\n";

int
verb_completion(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "bash") == 0)
		fputs(bash_script, stdout);
	else if (argc == 2 && strcmp(argv[1], "zsh") == 0)
		fputs(zsh_script, stdout);
	else if (argc == 3 && strcmp(argv[1], "words") == 0)
		return words(argv[2]);
	else {
		verb_usage("completion", stderr);
		return EXIT_USAGE;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
