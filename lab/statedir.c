/*
 * statedir.c — the running labs' directories (lab/statedir.h): choosing
 * and checking the per-user root, creating and removing a lab's
 * directory, listing labs, and reading and writing the state file.
 *
 * The root is shared with nothing: under /dev/shm or /tmp it is created
 * 0700 and refused when it is a symlink, not ours, or open to others,
 * so another user cannot plant sockets or bus files in our labs.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/statedir.h"

int
statedir_mkdir(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return -errno;
	if (lstat(path, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 077) != 0)
		return -EPERM;
	return 0;
}

int
statedir_root(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	int n;

	if (xdg != NULL && xdg[0] == '/' && stat(xdg, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		n = snprintf(buf, len, "%s/rumplab", xdg);
	else if (access("/dev/shm", W_OK | X_OK) == 0)
		n = snprintf(buf, len, "/dev/shm/rumplab-%u",
		    (unsigned)getuid());
	else
		n = snprintf(buf, len, "/tmp/rumplab-%u", (unsigned)getuid());
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return statedir_mkdir(buf);
}

int
statedir_name_ok(const char *name)
{
	size_t n = strlen(name);

	const char *at = strchr(name, '@');

	/* One '@' at most, between a lab's name and a host's: the part of a
	 * lab across machines that runs on that host (lab/HOSTS.txt). */
	return n > 0 && n <= 64 && name[0] != '.' && name[0] != '-' &&
	    (at == NULL || (at != name && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL)) &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-@") == n;
}

int
statedir_path(const char *name, char *buf, size_t len)
{
	char root[STATEDIR_PATHMAX];
	int r, n;

	if (!statedir_name_ok(name))
		return -EINVAL;
	if ((r = statedir_root(root, sizeof(root))) != 0)
		return r;
	n = snprintf(buf, len, "%s/%s", root, name);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	/* The longest node socket: DIR/sock/99999. */
	if ((size_t)n + 11 > STATEDIR_SOCKMAX)
		return -ENAMETOOLONG;
	return 0;
}

int
statedir_create(const char *dir)
{
	static const char *sub[] = { "bus", "sock", "log", NULL };
	char p[STATEDIR_PATHMAX];
	int i, r;

	if (mkdir(dir, 0700) != 0)
		return -errno;
	for (i = 0; sub[i] != NULL; i++) {
		statedir_file(dir, sub[i], p);
		if ((r = statedir_mkdir(p)) != 0)
			return r;
	}
	return 0;
}

static int
remove_tree(int parent, const char *name)
{
	struct dirent *e;
	DIR *d;
	int fd, r = 0;

	if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	if ((fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : -errno;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (r == 0)
			r = remove_tree(dirfd(d), e->d_name);
	}
	closedir(d);
	if (unlinkat(parent, name, AT_REMOVEDIR) != 0 && errno != ENOENT &&
	    r == 0)
		r = -errno;
	return r;
}

/* Removes what DIR holds but its entry named SKIP. */
static void
remove_entries(const char *dir, const char *skip)
{
	struct dirent *e;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") !=
		    0 && strcmp(e->d_name, skip) != 0)
			(void)remove_tree(dirfd(d), e->d_name);
	closedir(d);
}

/* The second thread's half: a path; what it leaves, the first removes. */
static void *
remove_half(void *arg)
{
	(void)remove_tree(AT_FDCWD, arg);
	return NULL;
}

/*
 * The bus directory is removed on a second thread while this one removes
 * the rest: a lab's files are a bus file and a wake map a bus, a socket
 * and a log a node, so the two halves are about even; on this 2-core
 * guest the 40,000 unlinks of a 10,000-node lab took 2.6 s in turn (under
 * strace), a third of its down.  Without the thread it is done here.
 */
int
statedir_remove(const char *dir)
{
	char bus[STATEDIR_PATHMAX];
	pthread_t t;
	sigset_t all, old;
	int threaded;

	snprintf(bus, sizeof(bus), "%s/bus", dir);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	threaded = pthread_create(&t, NULL, remove_half, bus) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (threaded) {
		remove_entries(dir, "bus");
		pthread_join(t, NULL);
	}
	/* what is left: the directory itself, or everything */
	return remove_tree(AT_FDCWD, dir);
}

int
statedir_list(void (*fn)(const char *name, void *arg), void *arg)
{
	char root[STATEDIR_PATHMAX];
	struct dirent *e;
	DIR *d;
	int r, n = 0;

	if ((r = statedir_root(root, sizeof(root))) != 0)
		return r;
	if ((d = opendir(root)) == NULL)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		if (!statedir_name_ok(e->d_name))
			continue;
		if (fn != NULL)
			fn(e->d_name, arg);
		n++;
	}
	closedir(d);
	return n;
}

void
statedir_file(const char *dir, const char *rel, char *buf)
{
	snprintf(buf, STATEDIR_PATHMAX, "%s/%s", dir, rel);
}

void
statedir_sock(const char *dir, int node, char *buf)
{
	snprintf(buf, STATEDIR_PATHMAX, "%s/sock/%d", dir, node);
}

void
statedir_log(const char *dir, const char *node, char *buf)
{
	snprintf(buf, STATEDIR_PATHMAX, "%s/log/%s.log", dir, node);
}

int
statefile_write(const char *dir, const struct labstate *st)
{
	char path[STATEDIR_PATHMAX], tmp[STATEDIR_PATHMAX + 8];
	FILE *f;
	int i, fd;

	statedir_file(dir, "state", path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0)
		return -errno;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -errno;
	}
	fprintf(f, "rumplab-state 1\nlab %s\nsupervisor %d\n", st->name,
	    (int)st->supervisor);
	for (i = 0; i < st->nnodes; i++)
		fprintf(f, "node %s %d %s\n", st->nodes[i].name,
		    (int)st->nodes[i].pid, st->nodes[i].state);
	if (fclose(f) != 0) {
		unlink(tmp);
		return -EIO;
	}
	if (rename(tmp, path) != 0)
		return -errno;
	return 0;
}

int
statefile_read(const char *dir, struct labstate *st)
{
	char path[STATEDIR_PATHMAX], line[256];
	struct state_node *nn, *sn;
	FILE *f;
	int pid;

	memset(st, 0, sizeof(*st));
	statedir_file(dir, "state", path);
	if ((f = fopen(path, "re")) == NULL)
		return -errno;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "lab %64s", st->name) == 1)
			continue;
		if (sscanf(line, "supervisor %d", &pid) == 1) {
			st->supervisor = pid;
			continue;
		}
		if (strncmp(line, "node ", 5) != 0)
			continue;
		if ((nn = realloc(st->nodes, (size_t)(st->nnodes + 1) *
		    sizeof(*nn))) == NULL) {
			fclose(f);
			free(st->nodes);
			st->nodes = NULL;
			return -ENOMEM;
		}
		st->nodes = nn;
		sn = &nn[st->nnodes];
		memset(sn, 0, sizeof(*sn));
		if (sscanf(line, "node %64s %d %15s", sn->name, &pid,
		    sn->state) == 3) {
			sn->pid = pid;
			st->nnodes++;
		}
	}
	fclose(f);
	return 0;
}

ssize_t
file_tail(const char *path, int lines, char *buf, size_t len)
{
	struct stat sb;
	ssize_t n;
	off_t off;
	char *p;
	int fd, seen = 0;

	if (len == 0)
		return -EINVAL;
	buf[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return -errno;
	}
	off = sb.st_size > (off_t)len - 1 ? sb.st_size - (off_t)len + 1 : 0;
	n = pread(fd, buf, len - 1, off);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	/* Walk back over `lines` newlines (a final newline is not a line). */
	for (p = buf + n - 1; p >= buf; p--)
		if (*p == '\n' && p != buf + n - 1 && ++seen == lines)
			break;
	if (p >= buf) {
		memmove(buf, p + 1, (size_t)(buf + n - p));
		n = buf + n - p - 1;
	}
	return n;
}
