/*
 * rump_fuse.c — rump_fuse: a tree of the lab's files as a host mount point
 * through FUSE (NetBSD's p2k idea: the kernel's file system code serving
 * the host's VFS): a running node's tree ($RUMP_SERVER, librumpclient's
 * file calls) or an ext2 image opened in this process (-i IMAGE, ukfs).
 *
 *   rump_fuse [-dfr] [-i IMAGE] [-p PATH] [-o OPTS] MOUNTPOINT
 *
 * Each FUSE operation is one or two calls of an fsops table
 * (kernel/fsops.h); descriptors of open files and directories are the
 * backend's, kept in the FUSE file handle.  Directory listings resume
 * from the offsets getdents gives (the file system's cookies).
 *
 * Ending: SIGINT, SIGTERM and SIGHUP end the loop (libfuse's handlers),
 * and the mount point is unmounted and an image flushed and left clean.
 * A watcher thread waits for the node's end of the connection to close
 * (POLLRDHUP on librumpclient's socket: no call, no timer) and then
 * signals the main thread the same way.  The loop is libfuse's
 * single-threaded one.
 */
#define FUSE_USE_VERSION 31

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <syslog.h>
#include <unistd.h>

#include "kernel/fsops.h"
#include "kernel/klog.h"
#include "kernel/rumpclient.h"
#include "kernel/ukfs.h"
#include "version.h"

#define PROG "rump_fuse"
#define DENTS 65536

static struct {
	const struct fsops *ops;
	void        *h;
	char         prefix[4096];      /* the tree's path of the root */
	int          node_gone;
	pthread_t    main;
} rf;

/* The tree's path for FUSE's (which starts with "/"). */
static const char *
tp(const char *path, char *buf, size_t len)
{
	if (rf.prefix[0] == '\0')
		return path;
	snprintf(buf, len, "%s%s", rf.prefix, strcmp(path, "/") == 0 ? "" :
	    path);
	return buf;
}

#define TP(p) tp((p), pbuf, sizeof(pbuf))

static int
f_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	char pbuf[4096];

	if (fi != NULL)
		return rf.ops->fstat(rf.h, (int)fi->fh, st);
	return rf.ops->stat(rf.h, TP(path), st, 1);
}

static int
f_readlink(const char *path, char *buf, size_t size)
{
	char pbuf[4096];
	ssize_t n;

	if (size == 0)
		return -EINVAL;
	if ((n = rf.ops->readlink(rf.h, TP(path), buf, size - 1)) < 0)
		return (int)n;
	buf[n] = '\0';
	return 0;
}

static int
f_mkdir(const char *path, mode_t mode)
{
	char pbuf[4096];

	return rf.ops->mkdir(rf.h, TP(path), mode);
}

static int
f_unlink(const char *path)
{
	char pbuf[4096];

	return rf.ops->unlink(rf.h, TP(path));
}

static int
f_rmdir(const char *path)
{
	char pbuf[4096];

	return rf.ops->rmdir(rf.h, TP(path));
}

static int
f_symlink(const char *target, const char *path)
{
	char pbuf[4096];

	return rf.ops->symlink(rf.h, target, TP(path));
}

static int
f_rename(const char *from, const char *to, unsigned int flags)
{
	char pbuf[4096], tbuf[4096];

	if (flags != 0)
		return -EINVAL;         /* RENAME_NOREPLACE, _EXCHANGE */
	return rf.ops->rename(rf.h, TP(from), tp(to, tbuf, sizeof(tbuf)));
}

static int
f_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	char pbuf[4096];

	return rf.ops->chmod(rf.h, TP(path), mode);
}

static int
f_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
	char pbuf[4096];

	return rf.ops->chown(rf.h, TP(path), uid, gid);
}

static int
f_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	char pbuf[4096];

	if (fi != NULL)
		return rf.ops->ftruncate(rf.h, (int)fi->fh, (uint64_t)size);
	return rf.ops->truncate(rf.h, TP(path), (uint64_t)size);
}

static int
f_utimens(const char *path, const struct timespec ts[2],
    struct fuse_file_info *fi)
{
	char pbuf[4096];

	return rf.ops->utimens(rf.h, TP(path), ts);
}

static int
f_open(const char *path, struct fuse_file_info *fi)
{
	char pbuf[4096];
	int fd;

	if ((fd = rf.ops->open(rf.h, TP(path), fi->flags & ~O_CREAT, 0)) < 0)
		return fd;
	fi->fh = (uint64_t)fd;
	return 0;
}

static int
f_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	char pbuf[4096];
	int fd;

	if ((fd = rf.ops->open(rf.h, TP(path), fi->flags | O_CREAT, mode)) < 0)
		return fd;
	fi->fh = (uint64_t)fd;
	return 0;
}

/* FUSE wants all it asked for but at the end of the file. */
static int
f_read(const char *path, char *buf, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	size_t done = 0;
	ssize_t n;

	while (done < size && (n = rf.ops->pread(rf.h, (int)fi->fh, buf + done,
	    size - done, (uint64_t)off + done)) != 0) {
		if (n < 0)
			return done > 0 ? (int)done : (int)n;
		done += (size_t)n;
	}
	return (int)done;
}

static int
f_write(const char *path, const char *buf, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	size_t done = 0;
	ssize_t n;

	while (done < size) {
		if ((n = rf.ops->pwrite(rf.h, (int)fi->fh, buf + done,
		    size - done, (uint64_t)off + done)) <= 0)
			return done > 0 ? (int)done : n < 0 ? (int)n : -EIO;
		done += (size_t)n;
	}
	return (int)done;
}

static int
f_statfs(const char *path, struct statvfs *st)
{
	char pbuf[4096];

	return rf.ops->statvfs(rf.h, TP(path), st);
}

static int
f_release(const char *path, struct fuse_file_info *fi)
{
	return rf.ops->close(rf.h, (int)fi->fh);
}

static int
f_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	return rf.ops->fsync(rf.h, (int)fi->fh);
}

static int
f_opendir(const char *path, struct fuse_file_info *fi)
{
	char pbuf[4096];
	int fd;

	if ((fd = rf.ops->open(rf.h, TP(path), O_RDONLY | O_DIRECTORY, 0)) < 0)
		return fd;
	fi->fh = (uint64_t)fd;
	return 0;
}

static mode_t
dt_mode(uint8_t type)
{
	return type == DT_DIR ? S_IFDIR : type == DT_LNK ? S_IFLNK : S_IFREG;
}

/* From off (0 or an entry's d_off): entries until filler's buffer is
 * full; the next call resumes at the last one taken. */
static int
f_readdir(const char *path, void *fbuf, fuse_fill_dir_t filler, off_t off,
    struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	struct fsops_dirent *d;
	struct stat st;
	char *buf;
	ssize_t n, o;
	int64_t r;
	int fd = (int)fi->fh;

	if ((r = rf.ops->lseek(rf.h, fd, off, SEEK_SET)) < 0)
		return (int)r;
	if ((buf = malloc(DENTS)) == NULL)
		return -ENOMEM;
	while ((n = rf.ops->getdents(rf.h, fd, buf, DENTS)) > 0)
		for (o = 0; o < n; o += d->reclen) {
			d = (struct fsops_dirent *)(buf + o);
			memset(&st, 0, sizeof(st));
			st.st_ino = d->ino;
			st.st_mode = dt_mode(d->type);
			if (filler(fbuf, d->name, &st, d->off, 0) != 0)
				goto full;
		}
full:
	free(buf);
	return n < 0 ? (int)n : 0;
}

static int
f_releasedir(const char *path, struct fuse_file_info *fi)
{
	return rf.ops->close(rf.h, (int)fi->fh);
}

static void *
f_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	cfg->use_ino = 1;
	if (rf.ops == &fsops_rumpclient) {
		/* Other clients of the node change the tree: no caching. */
		cfg->entry_timeout = 0;
		cfg->negative_timeout = 0;
		cfg->attr_timeout = 0;
		cfg->direct_io = 1;
	}
	return NULL;
}

static const struct fuse_operations fops = {
	.getattr = f_getattr,
	.readlink = f_readlink,
	.mkdir = f_mkdir,
	.unlink = f_unlink,
	.rmdir = f_rmdir,
	.symlink = f_symlink,
	.rename = f_rename,
	.chmod = f_chmod,
	.chown = f_chown,
	.truncate = f_truncate,
	.open = f_open,
	.read = f_read,
	.write = f_write,
	.statfs = f_statfs,
	.release = f_release,
	.fsync = f_fsync,
	.opendir = f_opendir,
	.readdir = f_readdir,
	.releasedir = f_releasedir,
	.init = f_init,
	.create = f_create,
	.utimens = f_utimens,
};

/* The node's end closing is the connection's POLLRDHUP; nobody reads the
 * socket while no call is in flight, so polling it takes nothing. */
static void *
watch_node(void *arg)
{
	struct pollfd p = { rumpclient_fd(), POLLRDHUP, 0 };

	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	rf.node_gone = 1;
	pthread_kill(rf.main, SIGTERM);
	return NULL;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [-dfr] [-i IMAGE] [-p PATH] [-o OPTS] "
	    "MOUNTPOINT\n"
	    "Shows the files of the node at $RUMP_SERVER (from PATH, default "
	    "/),\nor of the ext2 image IMAGE (-i; -r read-only), at "
	    "MOUNTPOINT.\n"
	    "  -d  print every FUSE request (implies -f)\n"
	    "  -f  stay in the foreground\n"
	    "  -o  FUSE mount options (allow_other, ...)\n");
}

/* A daemon is in "/" when its first call connects: a relative
 * unix://path must name the socket from here. */
static void
absolute_url(void)
{
	const char *url = getenv("RUMP_SERVER");
	char cwd[4096], abs[8300];

	if (url == NULL || strncmp(url, "unix://", 7) != 0 || url[7] == '/' ||
	    getcwd(cwd, sizeof(cwd)) == NULL)
		return;
	snprintf(abs, sizeof(abs), "unix://%s/%s", cwd, url + 7);
	setenv("RUMP_SERVER", abs, 1);
}

/* The backend: an image opened here, or the node (connected now, so a
 * node that is not there is said before anything is mounted). */
static int
attach(const char *image, int rdonly)
{
	struct stat st;
	char err[1024];
	int r;

	if (image != NULL) {
		klog_set_mirror(2, KLOG_WARN);
		if ((rf.h = ukfs_mount(image, rdonly ? UKFS_RDONLY : 0, err,
		    sizeof(err))) == NULL) {
			fprintf(stderr, PROG ": %s\n", err);
			return -1;
		}
		rf.ops = &ukfs_fsops;
		return 0;
	}
	rf.ops = &fsops_rumpclient;
	absolute_url();
	if (rumpclient_init() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return -1;
	}
	if ((r = rf.ops->stat(NULL, rf.prefix[0] ? rf.prefix : "/", &st, 0)) !=
	    0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, PROG ": %s: %s\n", rf.prefix[0] ? rf.prefix :
		    "/", r != 0 ? strerror(-r) : "not a directory in the node");
		return -1;
	}
	return 0;
}

static struct fuse *
mount_fuse(const char *mp, const char *image, const char *opts, int debug)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	char o[4500];
	struct fuse *f;

	snprintf(o, sizeof(o), "fsname=%s%s%s,subtype=rump%s%s",
	    image != NULL ? "ukfs:" : "rump:", image != NULL ? image :
	    (getenv("RUMP_SERVER") ? getenv("RUMP_SERVER") : "?"),
	    image != NULL ? "" : (rf.prefix[0] ? rf.prefix : ""),
	    opts != NULL ? "," : "", opts != NULL ? opts : "");
	if (fuse_opt_add_arg(&args, PROG) != 0 ||
	    fuse_opt_add_arg(&args, "-o") != 0 ||
	    fuse_opt_add_arg(&args, o) != 0 ||
	    (debug && fuse_opt_add_arg(&args, "-d") != 0))
		return NULL;
	f = fuse_new(&args, &fops, sizeof(fops), NULL);
	fuse_opt_free_args(&args);
	if (f != NULL && fuse_mount(f, mp) != 0) {
		fuse_destroy(f);
		f = NULL;
	}
	return f;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *image = NULL, *opts = NULL;
	char mp[4096];
	int c, fg = 0, rdonly = 0, debug = 0, r;
	pthread_t watcher;
	struct fuse *f;
	sigset_t set;

	if (version_asked(argc, argv, "rump_fuse"))
		return 0;
	while ((c = getopt_long(argc, argv, "dfhi:o:p:r", longopts, NULL)) != -1)
		switch (c) {
		case 'd':
			debug = fg = 1;
			break;
		case 'f':
			fg = 1;
			break;
		case 'i':
			image = optarg;
			break;
		case 'o':
			opts = optarg;
			break;
		case 'p':
			snprintf(rf.prefix, sizeof(rf.prefix), "%s",
			    strcmp(optarg, "/") == 0 ? "" : optarg);
			break;
		case 'r':
			rdonly = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	if (argc - optind != 1 || (image != NULL && rf.prefix[0] != '\0')) {
		usage(stderr);
		return 2;
	}
	/* Unmounting happens after fuse_daemonize's chdir("/"). */
	if (realpath(argv[optind], mp) == NULL) {
		fprintf(stderr, PROG ": %s: %s\n", argv[optind],
		    strerror(errno));
		return 1;
	}
	if (attach(image, rdonly) != 0)
		return 1;
	if ((f = mount_fuse(mp, image, opts, debug)) == NULL) {
		fprintf(stderr, PROG ": %s: cannot mount (FUSE: /dev/fuse, "
		    "fusermount3)\n", argv[optind]);
		if (image != NULL)
			ukfs_release(rf.h);
		return 1;
	}
	/* libfuse leaves an ignored signal ignored; a background job of a
	 * script inherits SIGINT so. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (fuse_daemonize(fg) != 0 ||
	    fuse_set_signal_handlers(fuse_get_session(f)) != 0) {
		fuse_unmount(f);
		fuse_destroy(f);
		return 1;
	}
	if (!fg)
		openlog(PROG, LOG_PID, LOG_DAEMON);
	rf.main = pthread_self();
	if (image == NULL) {
		/* A forked daemon connects anew; the watcher blocks the
		 * signals so that they reach the loop. */
		struct stat st;

		rf.ops->stat(NULL, "/", &st, 0);
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGHUP);
		pthread_sigmask(SIG_BLOCK, &set, NULL);
		if (pthread_create(&watcher, NULL, watch_node, NULL) == 0)
			pthread_detach(watcher);
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	}
	/* The signal that ended it, or -errno of a failure. */
	r = fuse_loop(f) < 0 ? 1 : 0;
	fuse_remove_signal_handlers(fuse_get_session(f));
	fuse_unmount(f);
	fuse_destroy(f);
	if (image != NULL && ukfs_release(rf.h) != 0)
		r = 1;
	if (rf.node_gone) {
		/* A daemon's stderr is /dev/null: the system log hears it. */
		if (fg)
			fprintf(stderr, PROG ": %s: the node went away; "
			    "unmounted\n", mp);
		else
			syslog(LOG_NOTICE, "%s: the node went away; unmounted",
			    mp);
		return 1;
	}
	return r;
}
