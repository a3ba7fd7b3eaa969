/*
 * proc.h — a client process in the node: one per sysproxy connection.  It
 * owns a descriptor table mapping the client's descriptors (lowest free
 * number >= PROC_FDBASE) to open files, and the credentials and name the
 * client gave in its handshake.
 *
 * Files are shared: dup() makes a second descriptor name the same file,
 * and a fork (proc_fork_save, then proc_fork_join in the child's new
 * process) gives the child descriptors naming its parent's files, as
 * fork(2) does.  A file (struct kfile) holds one backend socket handle and
 * two counts: descriptors naming it, in any process, and references
 * (descriptors plus calls using it).  When its last descriptor goes the
 * handle is aborted (a call still blocked on it returns at once, as after
 * shutdown(SHUT_RDWR)); when its last reference goes it is closed in the
 * backend.
 *
 * Contract: every function is safe from any thread; p->mtx guards a
 * process's table, and the counts are atomic.  proc_abort() (the client
 * went away) closes every descriptor and refuses new ones; the transport
 * cancels the process's calls in flight (kernel/kcall.h).  Returns are
 * >= 0 or -errno.
 */
#ifndef RUMPLAB_PROC_H
#define RUMPLAB_PROC_H

#include <stdint.h>

#define PROC_FDBASE  3
#define PROC_MAXFDS  16384
#define PROC_NAMEMAX 63
#define PROC_COOKIELEN 16       /* a fork's cookie */
#define PROC_FORK_TTL_S 60      /* a fork not joined by then is dropped */
#define PROC_FORK_MAX 1024      /* forks waiting to be joined, node-wide */

struct vfile;
struct vfs_proc;

struct kfile {
	int h;                          /* backend handle (a socket) */
	struct vfile *vf;               /* or an open file (kernel/vfs.h) */
	int drefs;                      /* atomic: descriptors naming it */
	int refs;                       /* atomic: descriptors and calls */
};

struct proc;

struct proc *proc_create(uint32_t conn_id);
void proc_destroy(struct proc *p);     /* no call in flight, after abort */
void proc_set_creds(struct proc *p, uint32_t pid, uint32_t uid, uint32_t gid,
         const char *name);
/* "pid 1234 (rump.ifconfig)" for log lines. */
const char *proc_label(const struct proc *p);
uint32_t proc_pid(const struct proc *p);

/* A descriptor for a new backend handle; on failure the handle is closed. */
int  proc_fd_alloc(struct proc *p, int h, int cloexec);
/* A descriptor for an open file; on failure the file is released. */
int  proc_fd_alloc_file(struct proc *p, struct vfile *vf, int cloexec);
/* The process's view of the node's files (its working directory); NULL
 * when the node has no VFS. */
struct vfs_proc *proc_vfs(struct proc *p);
/* The file behind fd with a reference held; -EBADF. */
int  proc_fd_get(struct proc *p, int fd, struct kfile **fp);
void proc_file_rele(struct proc *p, struct kfile *f);
int  proc_fd_close(struct proc *p, int fd);
int  proc_fd_dup(struct proc *p, int fd);
int  proc_fd_getcloexec(struct proc *p, int fd);
int  proc_fd_setcloexec(struct proc *p, int fd, int cloexec);
/* Sleep up to timeout_ms (-1: forever), until the process is aborted or
 * the current call is cancelled (-EINTR). */
int  proc_sleep(struct proc *p, int timeout_ms);
void proc_abort(struct proc *p);
int  proc_nfiles(struct proc *p);       /* descriptors open */

/*
 * Fork: proc_fork_save() copies p's descriptor table (each file gains a
 * descriptor) under a new random cookie; proc_fork_join() gives that copy
 * to the child's process, which must have no descriptors yet (-EBUSY), and
 * forgets the cookie (-ESRCH: unknown, already joined or expired).  A
 * copy never joined is released after PROC_FORK_TTL_S; -EAGAIN when
 * PROC_FORK_MAX copies are waiting.
 */
int  proc_fork_save(struct proc *p, uint8_t cookie[PROC_COOKIELEN]);
int  proc_fork_join(struct proc *p, const uint8_t cookie[PROC_COOKIELEN]);

#endif
