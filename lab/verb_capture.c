/*
 * verb_capture.c — `rumplab capture BUS|NODE:IF [-w FILE|-] [--rewind]
 * [-c COUNT] [--lab LAB]`: a live pcap of a running lab's bus, or of what
 * one interface sends and receives.
 *
 * A bus is read like any reader of it (shmif/shmif.h): from now on, or
 * with --rewind first every frame still in its ring.  An interface is
 * read from a capture tap the node kernel writes (netcomp/iftap.c): this
 * command asks the node for a tap on a bus file of its own under the
 * lab's directory (DIR/tap/NODE.IF.PID), holds its sysproxy connection
 * open while capturing (the tap goes when the connection does, even
 * after a SIGKILL), and removes the file when it ends.  Frames are what
 * the interface sent and accepted after its impairments.
 *
 * Output is pcap (Ethernet), flushed after every batch, so `-w - | tshark
 * -r -` and `| wireshark -k -i -` follow live.  It ends on -c COUNT
 * frames, Ctrl-C / SIGTERM, a closed pipe, the lab or the node going
 * down, and
 * then says on stderr how many frames it wrote and how many the ring lost
 * before they could be read.
 */
#include <sys/stat.h>

#include <fcntl.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "kernel/rumpclient.h"
#include "lab/capture.h"
#include "lab/labctl.h"
#include "lab/launch.h"
#include "lab/plan.h"
#include "lab/remote.h"
#include "lab/verbs.h"
#include "shmif/shmif.h"

static volatile sig_atomic_t stop;

static void
on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

struct capopts {
	const char	*lab, *target, *out;
	bool		 rewind;
	unsigned long	 count;		/* 0: no limit */
};

static int
parse(int argc, char **argv, struct capopts *o)
{
	char *end;
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-w") == 0 && i + 1 < argc)
			o->out = argv[++i];
		else if (strcmp(argv[i], "--rewind") == 0)
			o->rewind = true;
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			o->count = strtoul(argv[++i], &end, 10);
			if (*end != '\0' || o->count == 0 || argv[i][0] == '-')
				return -1;
		} else if (argv[i][0] != '-' && o->target == NULL)
			o->target = argv[i];
		else
			return -1;
	}
	if (verb_lab("capture", NULL, &o->lab) != 0)
		return -1;
	return o->target == NULL ? -1 : 0;
}

/* Does the node behind a tap still answer?  (A node that died took its
 * tap with it; the tap file stays, so the bus test cannot tell.) */
static bool
node_gone(void *ifname)
{
	struct rump_ifinfo info;

	return rump_sys_ifget(ifname, &info) != 0;
}

/* The bus file to read: the bus itself, or a new tap on the interface. */
static int
open_source(const char *dir, const struct lab *lab, const struct capopts *o,
    char *path, size_t len, bool *tap, char *ifname, size_t iflen,
    uint32_t *max_frame)
{
	char url[STATEDIR_PATHMAX + 16], node[128];
	const char *colon = strchr(o->target, ':');
	const struct lab_node *n;
	int b, i, j;

	*tap = false;
	if (colon == NULL) {
		if ((b = lab_bus_find(lab, o->target)) < 0) {
			fprintf(stderr, "rumplab capture: no bus '%s' in lab "
			    "%s; name a bus or NODE:IF\n", o->target,
			    labctl_name(dir));
			return -1;
		}
		snprintf(path, len, "%s/bus/%s", dir, lab->buses[b].name);
		*max_frame = lab->buses[b].max_frame;
		return 0;
	}
	snprintf(node, sizeof(node), "%.*s", (int)(colon - o->target),
	    o->target);
	if ((i = lab_node_find(lab, node)) < 0) {
		fprintf(stderr, "rumplab capture: no node '%s' in lab %s\n",
		    node, labctl_name(dir));
		return -1;
	}
	n = &lab->nodes[i];
	if ((j = lab_iface_find(lab, i, colon + 1)) < 0) {
		fprintf(stderr, "rumplab capture: node %s has no interface "
		    "'%s'\n", node, colon + 1);
		return -1;
	}
	if (o->rewind) {
		fprintf(stderr, "rumplab capture: --rewind reads a bus's ring; "
		    "an interface's capture starts now (capture its bus %s "
		    "with --rewind instead)\n", n->ifaces[j].busname);
		return -1;
	}
	snprintf(ifname, iflen, "%s", n->ifaces[j].name);
	*max_frame = SHMIF_JUMBO_MAX;   /* the tap takes the link's largest */
	snprintf(path, len, "%s/tap", dir);
	(void)mkdir(path, 0700);
	snprintf(path, len, "%s/tap/%s.%s.%d", dir, n->name, ifname,
	    (int)getpid());
	launch_url(dir, i, url, sizeof(url));
	if (rumpclient_init_url(url) != 0) {
		fprintf(stderr, "rumplab capture: node %s: %s\n", n->name,
		    rumpclient_lasterror());
		return -1;
	}
	if (rump_sys_iftap(ifname, path, 1) != 0) {
		fprintf(stderr, "rumplab capture: node %s %s: cannot add a "
		    "tap: %s\n", n->name, ifname, errno == EBUSY ?
		    "four captures run on it already" : strerror(errno));
		rumpclient_fini();
		return -1;
	}
	*tap = true;
	return 0;
}

/* How it ended, and what it wrote, as the lines of a capture's end. */
static void
summary_text(enum capture_end end, int werr, unsigned long frames,
    uint64_t lost)
{
	if (end == CAP_BUS_GONE)
		fprintf(stderr, "rumplab capture: the bus is gone (the lab went "
		    "down, or its file was cut short)\n");
	else if (end == CAP_SOURCE_GONE)
		fprintf(stderr, "rumplab capture: the node went down (its tap "
		    "with it); capture ended\n");
	else if (werr != 0)
		fprintf(stderr, "rumplab capture: writing: %s\n",
		    strerror(werr));
	fprintf(stderr, "rumplab capture: %lu frames written, %llu lost "
	    "before they were read\n", frames, (unsigned long long)lost);
}

/*
 * --json: the same as one object on standard error (standard output may
 * be the pcap): {"lab", "target", "kind": "bus"|"interface", "to",
 * "rewind", "frames", "lost", "end": "stopped"|"count"|"bus-gone"|
 * "node-gone"|"write-error", "error": null or what failed}.
 */
static int
summary_json(const char *dir, const struct capopts *o, bool tap,
    enum capture_end end, int werr, unsigned long frames, uint64_t lost)
{
	static const char *const ends[] = { "stopped", "count", "bus-gone",
	    "node-gone", "write-error" };
	struct jw w;

	jw_init(&w, stderr);
	jw_object(&w, NULL);
	jw_str(&w, "lab", labctl_name(dir));
	jw_str(&w, "target", o->target);
	jw_str(&w, "kind", tap ? "interface" : "bus");
	jw_str(&w, "to", strcmp(o->out, "-") == 0 ? "stdout" : o->out);
	jw_bool(&w, "rewind", o->rewind);
	jw_uint(&w, "frames", frames);
	jw_uint(&w, "lost", lost);
	jw_str(&w, "end", ends[end]);
	if (werr != 0)
		jw_str(&w, "error", strerror(werr));
	else
		jw_null(&w, "error");
	jw_close(&w);
	return jw_end(&w);
}

/*
 * A lab across machines (lab/HOSTS.txt): the host whose bus file the
 * target is on, when that is not this one: a bus with no part here (its
 * first host), or another host's node's interface (its tap is made
 * there).  -1 when it is here.
 */
static int
target_host(const char *dir, const struct lab *lab, const char *target)
{
	char node[LAB_NAME_MAX + 1];
	const char *colon = strchr(target, ':');
	int here, b, i;

	if (lab->nhosts == 0)
		return -1;
	here = labctl_host(dir, lab);
	if (colon == NULL) {
		if ((b = lab_bus_find(lab, target)) < 0 ||
		    labctl_bus_here(lab, here, b))
			return -1;
		return lab->buses[b].hosts[0];
	}
	snprintf(node, sizeof(node), "%.*s", (int)(colon - target), target);
	if ((i = lab_node_find(lab, node)) < 0 || lab->nodes[i].host == here)
		return -1;
	return lab->nodes[i].host;
}

/* The capture, made there by the same command over ssh, its pcap here. */
static int
capture_there(const char *dir, const struct lab *lab, int h,
    const struct capopts *o)
{
	char name[160], count[24], why[REMOTE_WHYMAX];
	char *words[12];
	struct remote rm;
	int k = 0, fd = 1, r;

	if (remote_init(&rm, &lab->hosts[h], dir, why, sizeof(why)) < 0) {
		fprintf(stderr, "rumplab capture: %s\n", why);
		return 1;
	}
	snprintf(name, sizeof(name), "%s@%s", labctl_name(dir),
	    lab->hosts[h].name);
	words[k++] = (char *)lab->hosts[h].rumplab;	/* loader's default */
	words[k++] = "capture";
	words[k++] = "-l";
	words[k++] = name;
	words[k++] = (char *)o->target;
	words[k++] = "-w";
	words[k++] = "-";
	if (o->rewind)
		words[k++] = "--rewind";
	if (o->count > 0) {
		snprintf(count, sizeof(count), "%lu", o->count);
		words[k++] = "-c";
		words[k++] = count;
	}
	words[k] = NULL;
	if (strcmp(o->out, "-") != 0 && (fd = open(o->out, O_WRONLY |
	    O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		fprintf(stderr, "rumplab capture: %s: %s\n", o->out,
		    strerror(errno));
		return 1;
	}
	fprintf(stderr, "rumplab capture: %s is on host %s (%s): capturing "
	    "there\n", o->target, lab->hosts[h].name, lab->hosts[h].ssh);
	r = remote_run(&rm, words, -1, fd, 2);
	if (fd != 1)
		close(fd);
	if (r < 0)
		fprintf(stderr, "rumplab capture: host %s: %s\n",
		    lab->hosts[h].name, strerror(-r));
	return r == 0 ? 0 : 1;
}

int
verb_capture(int argc, char **argv)
{
	char dir[STATEDIR_PATHMAX], why[600], path[STATEDIR_PATHMAX + 128];
	char ifname[RUMP_IFNAMSIZ], err[256];
	struct shmif_stats st;
	struct shmif_bus *bus = NULL;
	struct capture_out out = { NULL, NULL };
	struct sigaction sa;
	struct capopts o;
	struct lab *lab = NULL;
	enum capture_end end;
	unsigned long frames = 0;
	uint32_t max_frame = 0;
	bool tap = false;
	int r, werr, status = 1;

	if (parse(argc, argv, &o) != 0) {
		verb_usage("capture", stderr);
		return EXIT_USAGE;
	}
	if (o.out == NULL) {
		if (isatty(STDOUT_FILENO)) {
			fprintf(stderr, "rumplab capture: pcap is not for a "
			    "terminal: give -w FILE, or pipe it (-w - | "
			    "tshark -r -)\n");
			return EXIT_USAGE;
		}
		o.out = "-";
	}
	if ((r = labctl_find(o.lab, dir, sizeof(dir), why, sizeof(why))) !=
	    0) {
		fprintf(stderr, "rumplab capture: %s%s\n", why,
		    r == -EEXIST ? " with -l" : "");
		return r == -EEXIST ? EXIT_USAGE : 1;
	}
	if ((r = labctl_open_lab(dir, &lab)) != 0) {
		fprintf(stderr, "rumplab capture: lab %s: cannot read its "
		    "topology: %s\n", labctl_name(dir), strerror(-r));
		return 1;
	}
	if ((r = target_host(dir, lab, o.target)) >= 0) {
		status = capture_there(dir, lab, r, &o);
		lab_close(lab);
		return status;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (open_source(dir, lab, &o, path, sizeof(path), &tap, ifname,
	    sizeof(ifname), &max_frame) != 0)
		goto out;
	/* A tap's bus is new: read from its start, so that no frame
	 * written before we attached is missed. */
	if (capture_attach(path, max_frame, o.rewind || tap, &bus, err,
	    sizeof(err)) != 0 || capture_open(&out, o.out, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "rumplab capture: %s\n", err);
		goto out;
	}
	if (!verb_opts.json)
		fprintf(stderr, "rumplab capture: %s%s of lab %s%s, to %s\n",
		    tap ? "interface " : "bus ", o.target, labctl_name(dir),
		    o.rewind ? ", from the oldest frame in its ring" : "",
		    strcmp(o.out, "-") == 0 ? "stdout" : o.out);
	end = capture_copy(bus, &out, &stop, o.count, tap ? node_gone : NULL,
	    ifname, &frames);
	werr = end == CAP_WRITE_ERROR && errno != EPIPE ? errno : 0;
	status = end == CAP_SOURCE_GONE || werr != 0 ? 1 : 0;
	shmif_get_stats(bus, &st);
	if (verb_opts.json) {
		if (summary_json(dir, &o, tap, end, werr, frames,
		    st.rx_lost) != 0)
			status = 1;
	} else
		summary_text(end, werr, frames, st.rx_lost);
out:
	capture_close(&out);
	shmif_detach(bus);
	if (tap) {
		(void)rump_sys_iftap(ifname, path, 0);
		rumpclient_fini();
		unlink(path);
	}
	lab_close(lab);
	return status;
}
