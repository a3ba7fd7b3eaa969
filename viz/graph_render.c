/*
 * graph_render.c — layout and output through libgvc (viz/graph.h).
 *
 * Graphviz finds its layout and output plugins (dot_layout,
 * neato_layout, core for dot and svg, pango/cairo for png and pdf)
 * through the config file libgvc6 writes when it is installed
 * (libgvc6-config-update -c, in /usr/lib/MULTIARCH/graphviz/config6a):
 * libgraphviz-dev pulls it in, so no `dot` binary is needed.  When a
 * plugin is missing, gvLayout() and gvRender() fail with a message; it is
 * collected here (agseterrf) and reported with the fix, instead of
 * Graphviz printing on its own.  Warnings (a huge PNG scaled down) are
 * dropped.
 *
 * Output to a file goes through a temporary file in the same directory
 * and rename(2), so that --watch never leaves half a picture for a
 * viewer to load.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <graphviz/gvc.h>

#include "viz/graph.h"
#include "viz/graph_ag.h"

static GVC_t	*gvc;
static char	 gverr[512];	/* Graphviz's last error message */

/*
 * Graphviz reports one message in pieces ("Error: ", then the text):
 * keep the first message up to its end of line.
 */
static int
collect(char *msg)
{
	size_t len = strlen(gverr);

	if (len > 0 && gverr[len - 1] == '\n')
		return 0;
	snprintf(gverr + len, sizeof(gverr) - len, "%s", msg);
	if (strchr(gverr, '\n') == NULL && strlen(gverr) == sizeof(gverr) - 1)
		gverr[sizeof(gverr) - 2] = '\n';
	return 0;
}

/* The collected message without its newline, or a placeholder. */
static const char *
gvmessage(void)
{
	char *p;

	gverr[strcspn(gverr, "\n")] = '\0';
	/* The list that follows it is empty here. */
	if ((p = strstr(gverr, " Use one of")) != NULL)
		*p = '\0';
	return gverr[0] ? gverr : "no message from Graphviz";
}

static int
context(char *why, size_t whylen)
{
	if (gvc != NULL)
		return 0;
	agseterrf(collect);
	agseterr(AGERR);
	if ((gvc = gvContext()) == NULL) {
		snprintf(why, whylen, "cannot start Graphviz (libgvc): out of "
		    "memory");
		return -ENOMEM;
	}
	return 0;
}

void
graph_render_done(void)
{
	if (gvc != NULL)
		gvFreeContext(gvc);
	gvc = NULL;
}

bool
graph_format_ok(const char *fmt)
{
	return strcmp(fmt, "dot") == 0 || strcmp(fmt, "svg") == 0 ||
	    strcmp(fmt, "png") == 0 || strcmp(fmt, "pdf") == 0;
}

const char *
graph_format_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL || strchr(dot, '/') != NULL)
		return NULL;
	if (strcmp(dot, ".gv") == 0)
		return "dot";
	return graph_format_ok(dot + 1) ? dot + 1 : NULL;
}

/* What to do when Graphviz has no plugin for `what`. */
static void
no_plugin(const char *what, char *why, size_t whylen)
{
	snprintf(why, whylen, "Graphviz cannot %s (%s); it finds its "
	    "plugins through the file config6a that libgvc6 writes into its "
	    "plugin directory (/usr/lib/x86_64-linux-gnu/graphviz on amd64): "
	    "as root run `libgvc6-config-update -c` or `apt-get install "
	    "--reinstall libgvc6`, or point GVBINDIR at that directory",
	    what, gvmessage());
}

static int
render_to(struct graph *g, const char *fmt, FILE *f, const char *name,
    char *why, size_t whylen)
{
	char what[64];

	if (gvRender(gvc, g->ag, fmt, f) != 0) {
		snprintf(what, sizeof(what), "write %s", fmt);
		no_plugin(what, why, whylen);
		return -ENOENT;
	}
	if (fflush(f) != 0 || ferror(f)) {
		snprintf(why, whylen, "cannot write %s: %s", name,
		    strerror(errno));
		return -EIO;
	}
	return 0;
}

int
graph_render(struct graph *g, const char *layout, const char *fmt,
    const char *path, char *why, size_t whylen)
{
	char tmp[4200], what[64];
	sigset_t stop, old;
	FILE *f;
	int r;

	if ((r = context(why, whylen)) != 0)
		return r;
	gverr[0] = '\0';
	if (gvLayout(gvc, g->ag, layout) != 0) {
		snprintf(what, sizeof(what), "lay the graph out with %s",
		    layout);
		no_plugin(what, why, whylen);
		return -ENOENT;
	}
	if (strcmp(path, "-") == 0) {
		r = render_to(g, fmt, stdout, "the standard output", why,
		    whylen);
		gvFreeLayout(gvc, g->ag);
		return r;
	}
	/* Ctrl-C while the picture is written must not leave the temp
	 * file: the signals wait until it is renamed or removed. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &old);
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	if ((f = fopen(tmp, "we")) == NULL) {
		r = -errno;
		snprintf(why, whylen, "cannot create %s: %s (is its directory "
		    "there and writable?)", tmp, strerror(errno));
		gvFreeLayout(gvc, g->ag);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return r;
	}
	r = render_to(g, fmt, f, tmp, why, whylen);
	gvFreeLayout(gvc, g->ag);
	if (fclose(f) != 0 && r == 0) {
		r = -errno;
		snprintf(why, whylen, "cannot write %s: %s", tmp,
		    strerror(errno));
	}
	if (r == 0 && rename(tmp, path) != 0) {
		r = -errno;
		snprintf(why, whylen, "cannot rename %s to %s: %s", tmp, path,
		    strerror(errno));
	}
	if (r != 0)
		unlink(tmp);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

int
graph_text(struct graph *g, char **text, size_t *len)
{
	FILE *f;

	*text = NULL;
	*len = 0;
	if ((f = open_memstream(text, len)) == NULL)
		return -ENOMEM;
	if (agwrite(g->ag, f) != 0) {
		fclose(f);
		free(*text);
		*text = NULL;
		return -ENOMEM;
	}
	if (fclose(f) != 0) {
		free(*text);
		*text = NULL;
		return -ENOMEM;
	}
	return 0;
}
