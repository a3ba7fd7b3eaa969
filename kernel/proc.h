/*
 * proc.h — a client process in the node: one per sysproxy connection.  It
 * owns a descriptor table mapping the client's descriptors (lowest free
 * number >= PROC_FDBASE) to open files, and the credentials and name the
 * client gave in its handshake.
 *
 * Contract: every function is safe from any thread; p->mtx guards the
 * table, the file list and every file's reference count.  A file (struct
 * kfile) holds one backend socket handle; it is referenced by each
 * descriptor naming it and by each call using it, and closed in the
 * backend when the last reference goes.  proc_abort() (the client went
 * away) aborts every blocked call on every file of the process, closes
 * all descriptors and refuses new ones.  Returns are >= 0 or -errno.
 */
#ifndef RUMPLAB_PROC_H
#define RUMPLAB_PROC_H

#include <stdint.h>

#define PROC_FDBASE  3
#define PROC_MAXFDS  16384
#define PROC_NAMEMAX 63

struct kfile {
	int h;                          /* backend handle */
	int refs;                       /* proc mtx */
	int aborted;                    /* proc mtx */
	struct kfile *next, *prev;      /* proc's file list, proc mtx */
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
/* The file behind fd with a reference held; -EBADF. */
int  proc_fd_get(struct proc *p, int fd, struct kfile **fp);
void proc_file_rele(struct proc *p, struct kfile *f);
int  proc_fd_close(struct proc *p, int fd);
int  proc_fd_dup(struct proc *p, int fd);
int  proc_fd_getcloexec(struct proc *p, int fd);
int  proc_fd_setcloexec(struct proc *p, int fd, int cloexec);
/* Sleep up to timeout_ms (-1: forever) or until the process is aborted. */
int  proc_sleep(struct proc *p, int timeout_ms);
void proc_abort(struct proc *p);
int  proc_nfiles(struct proc *p);

#endif
