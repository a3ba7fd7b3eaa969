/*
 * verb_exec.c — `rumplab exec [--lab LAB] [--host] NODE [-- CMD [ARG...]]`:
 * run a program on one node, or a shell whose programs all run there.
 *
 * The program runs in the environment launch_env() makes (lab/launch.h):
 * RUMP_SERVER naming the node, librumphijack.so preloaded so that an
 * unmodified program's sockets and /rump files are the node's, the lab's
 * hosts file for its names, RUMPLAB_LAB and RUMPLAB_NODE, the rump.*
 * commands on the path.  The rump.* commands rumplab installs, and any
 * program linked with librumpclient (its executable carries the section
 * RUMPCLIENT_MARK_SECTION), are the node's clients already and run
 * without the preload.
 *
 * Nothing may reach the host's network unnoticed: a program the hijack
 * cannot reach (statically linked, Go) is refused before it starts, and
 * the program, with everything it starts, runs under a filter that makes
 * a host Internet socket fail (lab/hostnet.h).  --host runs CMD on the
 * host's own network as it is, RUMP_SERVER set, for a program that wants
 * exactly that.
 *
 * A node that is not up is refused with its state, why, and the command
 * that starts it, instead of the client's "Connection refused".  The
 * program replaces rumplab (exec), so its exit status is ours.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/hostnet.h"
#include "lab/labctl.h"
#include "lab/labview.h"
#include "lab/launch.h"
#include "lab/plan.h"
#include "lab/verbs.h"

extern char **environ;

/* The node's index (its line in the state file) and that line. */
static int
node_index(const char *dir, const char *node, struct state_node *sn)
{
	struct labstate st;
	int i, k = -1;

	if (statefile_read(dir, &st) != 0)
		return -1;
	for (i = 0; i < st.nnodes; i++)
		if (strcmp(st.nodes[i].name, node) == 0) {
			k = i;
			*sn = st.nodes[i];
		}
	free(st.nodes);
	return k;
}

/*
 * A node that is not up has no server at its socket, and the client
 * would only say "Connection refused".  Say which state it is in, why
 * (from the supervisor) and what brings it back.  0 when it is up: the
 * state file says so and its process lives.
 */
static int
node_not_up(const char *dir, int k, const struct state_node *sn,
    const char *lab)
{
	char text[700], state[16];
	struct labview v;
	struct lab *model;
	bool down = true;

	if (strcmp(sn->state, "up") == 0 && labctl_pid_alive(sn->pid))
		return 0;
	snprintf(state, sizeof(state), "%s", strcmp(sn->state, "up") == 0 ?
	    "dead" : sn->state);
	snprintf(text, sizeof(text), "node %s is %s", sn->name, state);
	if (labctl_open_lab(dir, &model) == 0) {
		if (labview_fetch(dir, model, &v) == 0) {
			down = labview_node_down(model, &v, k, "", text,
			    sizeof(text));
			snprintf(state, sizeof(state), "%s", v.nodes[k].state);
			labview_free(&v);
		}
		lab_close(model);
	}
	if (!down)	/* it came up meanwhile */
		return 0;
	if (strcmp(state, "starting") == 0 || strcmp(state, "down") == 0)
		fprintf(stderr, "rumplab exec: %s; try again once `rumplab "
		    "status` shows it up\n", text);
	else
		fprintf(stderr, "rumplab exec: %s; `rumplab node start %s%s%s` "
		    "starts it\n", text, sn->name, lab ? " -l " : "",
		    lab ? lab : "");
	return 1;
}

/* The program's file, found as execvp(3) would in env's PATH. */
static int
find_program(const char *cmd, char *const env[], char *path, size_t len)
{
	const char *p = NULL, *seg, *colon;
	size_t n;
	int i;

	if (strchr(cmd, '/') != NULL) {
		snprintf(path, len, "%s", cmd);
		return access(path, X_OK) == 0 ? 0 : -errno;
	}
	for (i = 0; env[i] != NULL; i++)
		if (strncmp(env[i], "PATH=", 5) == 0)
			p = env[i] + 5;
	for (seg = p != NULL ? p : "/usr/bin:/bin"; ; seg = colon + 1) {
		colon = strchr(seg, ':');
		n = colon != NULL ? (size_t)(colon - seg) : strlen(seg);
		if ((size_t)snprintf(path, len, "%.*s%s%s", (int)n, seg,
		    n > 0 ? "/" : "", cmd) < len && access(path, X_OK) == 0) {
			struct stat st;

			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				return 0;
		}
		if (colon == NULL)
			return -ENOENT;
	}
}

/* Is the program one of rumplab's own commands (a client already)? */
static bool
our_command(const char *path)
{
	char bindir[PATH_MAX], real[PATH_MAX], *slash;

	launch_bindir(bindir, sizeof(bindir));
	if (bindir[0] == '\0' || realpath(path, real) == NULL ||
	    (slash = strrchr(real, '/')) == NULL)
		return false;
	*slash = '\0';
	return strcmp(real, bindir) == 0 && (strncmp(slash + 1, "rump", 4) ==
	    0 || strncmp(slash + 1, "shmif_", 6) == 0);
}

/* env without its LD_PRELOAD (a rump.* command needs no hijack). */
static void
drop_preload(char **env)
{
	int i, k;

	for (i = k = 0; env[i] != NULL; i++)
		if (strncmp(env[i], "LD_PRELOAD=", 11) != 0)
			env[k++] = env[i];
	env[k] = NULL;
}

/*
 * The shell for `rumplab exec NODE`: $SHELL (else /bin/sh), its prompt
 * starting with the node's name.  bash reads a startup file we write
 * into the lab's directory, which reads the user's ~/.bashrc first and
 * then puts "(NODE) " in front of the prompt it made; another shell gets
 * PS1 in its environment (set here, before the environment is made).
 */
static int
shell_argv(const char *dir, const char *node, char **argv, char *buf,
    size_t len)
{
	const char *sh = getenv("SHELL"), *base;
	char rc[PATH_MAX];
	FILE *f;
	int fd;

	if (sh == NULL || sh[0] != '/' || access(sh, X_OK) != 0)
		sh = "/bin/sh";
	base = strrchr(sh, '/') + 1;
	snprintf(buf, len, "%s", sh);
	argv[0] = buf;
	argv[1] = NULL;
	if (strcmp(base, "bash") == 0) {
		snprintf(rc, sizeof(rc), "%s/exec-%s.bashrc", dir, node);
		if ((fd = open(rc, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600)) < 0 || (f = fdopen(fd, "w")) == NULL)
			return -errno;
		fprintf(f, "# rumplab exec %s: the user's startup, then the "
		    "node's name in the prompt.\n"
		    "[ -f ~/.bashrc ] && . ~/.bashrc\n"
		    "PS1=\"(%s) ${PS1:-\\\\s-\\\\v\\\\\\$ }\"\n", node, node);
		if (fclose(f) != 0)
			return -errno;
		argv[1] = "--rcfile";
		argv[2] = strdup(rc);
		argv[3] = "-i";
		argv[4] = NULL;
		return argv[2] != NULL ? 0 : -ENOMEM;
	}
	/* -i: interactive (a prompt) even when standard input is a pipe,
	 * as bash is given above. */
	argv[1] = "-i";
	argv[2] = NULL;
	snprintf(rc, sizeof(rc), "(%s) $ ", node);
	return setenv("PS1", rc, 1) == 0 ? 0 : -errno;
}

int
verb_exec(int argc, char **argv)
{
	char dir[STATEDIR_PATHMAX], why[600], path[PATH_MAX], shbuf[PATH_MAX];
	const char *lab = NULL, *node = NULL;
	char *shargv[5], **cmd;
	struct launch_env env;
	struct state_node sn;
	bool host = false;
	int i, k, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--host") == 0)
			host = true;
		else if (argv[i][0] != '-' && node == NULL)
			node = argv[i];
		else if (node != NULL)
			break;		/* CMD without `--` */
		else {
			verb_usage("exec", stderr);
			return EXIT_USAGE;
		}
	}
	if (node == NULL || (host && i >= argc)) {
		verb_usage("exec", stderr);
		return EXIT_USAGE;
	}
	if (verb_lab("exec", NULL, &lab) != 0)
		return EXIT_USAGE;
	if ((r = labctl_find(lab, dir, sizeof(dir), why, sizeof(why))) != 0) {
		fprintf(stderr, "rumplab exec: %s%s\n", why,
		    r == -EEXIST ? " with -l" : "");
		return r == -EEXIST ? EXIT_USAGE : 1;
	}
	if ((k = node_index(dir, node, &sn)) < 0) {
		fprintf(stderr, "rumplab exec: no node '%s' in lab %s (see "
		    "rumplab status %s)\n", node, labctl_name(dir),
		    labctl_name(dir));
		return 1;
	}
	if (node_not_up(dir, k, &sn, lab) != 0)
		return 1;
	cmd = argv + i;
	if (i >= argc) {
		if ((r = shell_argv(dir, node, shargv, shbuf,
		    sizeof(shbuf))) != 0) {
			fprintf(stderr, "rumplab exec: the shell's startup "
			    "file: %s\n", strerror(-r));
			return 1;
		}
		cmd = shargv;
	}
	if ((r = launch_env(&env, dir, k, node, host ? LAUNCH_HOST : 0)) != 0) {
		fprintf(stderr, "rumplab exec: %s\n", strerror(-r));
		return 1;
	}
	if ((r = find_program(cmd[0], env.envp, path, sizeof(path))) != 0) {
		fprintf(stderr, "rumplab exec: %s: %s\n", cmd[0],
		    r == -ENOENT ? "command not found" : strerror(-r));
		launch_env_free(&env);
		return 127;
	}
	if (!host && (our_command(path) || hostnet_is_client(path)))
		drop_preload(env.envp);
	else if (!host && (r = hostnet_bypasses(path, why, sizeof(why))) != 0) {
		fprintf(stderr, "rumplab exec: %s; it would use the host's "
		    "network (`rumplab exec --host %s -- %s` runs it there "
		    "on purpose)\n", r > 0 ? why : strerror(-r), node, cmd[0]);
		launch_env_free(&env);
		return 126;
	}
	if (!host && (r = hostnet_guard(why, sizeof(why))) != 0) {
		fprintf(stderr, "rumplab exec: %s (`rumplab exec --host` runs "
		    "programs on the host's network without it)\n", why);
		launch_env_free(&env);
		return 1;
	}
	environ = env.envp;
	execv(path, cmd);
	fprintf(stderr, "rumplab exec: %s: %s\n", path, strerror(errno));
	launch_env_free(&env);
	return 126;
}
