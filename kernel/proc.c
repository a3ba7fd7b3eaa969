/*
 * proc.c — client processes: descriptor tables and open files.  A
 * descriptor is an index into fds[]; each slot names a struct kfile or is
 * empty.  Files are also kept on a per-process list, whether or not a
 * descriptor still names them, so that an abort reaches a socket that one
 * thread closed while another is still blocked on it.
 *
 * Locking: p->mtx guards everything in the process.  The backend is called
 * (close, abort) only after the lock is dropped.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kernel/hyper.h"
#include "kernel/ksock.h"
#include "kernel/proc.h"

struct fdslot {
	struct kfile *f;
	int cloexec;
};

struct proc {
	hyp_mtx_t      mtx;
	hyp_cv_t       cv;          /* signalled on abort */
	struct fdslot *fds;         /* mtx */
	int            nslots;      /* mtx */
	struct kfile  *files;       /* mtx: every live file */
	int            nfiles;      /* mtx */
	int            dying;       /* mtx */
	uint32_t       conn_id, pid, uid, gid;
	char           name[PROC_NAMEMAX + 1];
	char           label[PROC_NAMEMAX + 40];
};

struct proc *
proc_create(uint32_t conn_id)
{
	struct proc *p;

	if ((p = hyp_calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if (hyp_mtx_init(&p->mtx) != 0) {
		hyp_free(p);
		return NULL;
	}
	if (hyp_cv_init(&p->cv) != 0) {
		hyp_mtx_destroy(&p->mtx);
		hyp_free(p);
		return NULL;
	}
	p->conn_id = conn_id;
	proc_set_creds(p, 0, 0, 0, "?");
	return p;
}

void
proc_destroy(struct proc *p)
{
	hyp_free(p->fds);
	hyp_cv_destroy(&p->cv);
	hyp_mtx_destroy(&p->mtx);
	hyp_free(p);
}

void
proc_set_creds(struct proc *p, uint32_t pid, uint32_t uid, uint32_t gid,
    const char *name)
{
	p->pid = pid;
	p->uid = uid;
	p->gid = gid;
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->label, sizeof(p->label), "client %u: pid %u (%s)",
	    p->conn_id, pid, p->name);
}

const char *
proc_label(const struct proc *p)
{
	return p->label;
}

uint32_t
proc_pid(const struct proc *p)
{
	return p->pid;
}

/* Drop one reference with p->mtx held; the file to close, or NULL. */
static struct kfile *
file_rele_locked(struct proc *p, struct kfile *f)
{
	if (--f->refs > 0)
		return NULL;
	if (f->prev != NULL)
		f->prev->next = f->next;
	else
		p->files = f->next;
	if (f->next != NULL)
		f->next->prev = f->prev;
	p->nfiles--;
	return f;
}

static void
file_close(struct kfile *f)
{
	const struct ksock_ops *ks = ksock();

	if (ks != NULL)
		ks->close(f->h);
	hyp_free(f);
}

/* Lowest free slot >= PROC_FDBASE, growing the table; -EMFILE. */
static int
slot_alloc_locked(struct proc *p)
{
	struct fdslot *nfds;
	int fd, n;

	for (fd = PROC_FDBASE; fd < p->nslots; fd++)
		if (p->fds[fd].f == NULL)
			return fd;
	if (p->nslots >= PROC_MAXFDS)
		return -EMFILE;
	n = p->nslots == 0 ? 64 : p->nslots * 2;
	if (n > PROC_MAXFDS)
		n = PROC_MAXFDS;
	if ((nfds = hyp_calloc((size_t)n, sizeof(*nfds))) == NULL)
		return -ENOMEM;
	if (p->nslots > 0)
		memcpy(nfds, p->fds, (size_t)p->nslots * sizeof(*nfds));
	hyp_free(p->fds);
	p->fds = nfds;
	fd = p->nslots > PROC_FDBASE ? p->nslots : PROC_FDBASE;
	p->nslots = n;
	return fd;
}

int
proc_fd_alloc(struct proc *p, int h, int cloexec)
{
	struct kfile *f;
	int fd;

	if ((f = hyp_calloc(1, sizeof(*f))) == NULL) {
		if (ksock() != NULL)
			ksock()->close(h);
		return -ENOMEM;
	}
	f->h = h;
	f->refs = 1;
	hyp_mtx_enter(&p->mtx);
	fd = p->dying ? -EBADF : slot_alloc_locked(p);
	if (fd >= 0) {
		p->fds[fd].f = f;
		p->fds[fd].cloexec = cloexec != 0;
		f->next = p->files;
		if (p->files != NULL)
			p->files->prev = f;
		p->files = f;
		p->nfiles++;
	}
	hyp_mtx_exit(&p->mtx);
	if (fd < 0)
		file_close(f);
	return fd;
}

static struct fdslot *
slot_locked(struct proc *p, int fd)
{
	if (fd < 0 || fd >= p->nslots || p->fds[fd].f == NULL)
		return NULL;
	return &p->fds[fd];
}

int
proc_fd_get(struct proc *p, int fd, struct kfile **fp)
{
	struct fdslot *s;
	int error = 0;

	hyp_mtx_enter(&p->mtx);
	if ((s = slot_locked(p, fd)) == NULL)
		error = -EBADF;
	else {
		s->f->refs++;
		*fp = s->f;
	}
	hyp_mtx_exit(&p->mtx);
	return error;
}

void
proc_file_rele(struct proc *p, struct kfile *f)
{
	hyp_mtx_enter(&p->mtx);
	f = file_rele_locked(p, f);
	hyp_mtx_exit(&p->mtx);
	if (f != NULL)
		file_close(f);
}

int
proc_fd_close(struct proc *p, int fd)
{
	struct fdslot *s;
	struct kfile *f = NULL;
	int error = 0;

	hyp_mtx_enter(&p->mtx);
	if ((s = slot_locked(p, fd)) == NULL)
		error = -EBADF;
	else {
		f = file_rele_locked(p, s->f);
		s->f = NULL;
	}
	hyp_mtx_exit(&p->mtx);
	if (f != NULL)
		file_close(f);
	return error;
}

int
proc_fd_dup(struct proc *p, int fd)
{
	struct fdslot *s;
	int nfd;

	hyp_mtx_enter(&p->mtx);
	if (p->dying || slot_locked(p, fd) == NULL)
		nfd = -EBADF;
	else if ((nfd = slot_alloc_locked(p)) >= 0) {
		/* The table may have moved: look the old slot up again. */
		s = slot_locked(p, fd);
		s->f->refs++;
		p->fds[nfd].f = s->f;
		p->fds[nfd].cloexec = 0;
	}
	hyp_mtx_exit(&p->mtx);
	return nfd;
}

int
proc_fd_getcloexec(struct proc *p, int fd)
{
	struct fdslot *s;
	int ret;

	hyp_mtx_enter(&p->mtx);
	ret = (s = slot_locked(p, fd)) == NULL ? -EBADF : s->cloexec;
	hyp_mtx_exit(&p->mtx);
	return ret;
}

int
proc_fd_setcloexec(struct proc *p, int fd, int cloexec)
{
	struct fdslot *s;
	int ret = 0;

	hyp_mtx_enter(&p->mtx);
	if ((s = slot_locked(p, fd)) == NULL)
		ret = -EBADF;
	else
		s->cloexec = cloexec != 0;
	hyp_mtx_exit(&p->mtx);
	return ret;
}

int
proc_sleep(struct proc *p, int timeout_ms)
{
	uint64_t deadline = 0;

	if (timeout_ms >= 0)
		deadline = hyp_clock_mono_ns() + (uint64_t)timeout_ms * 1000000u;
	hyp_mtx_enter(&p->mtx);
	while (!p->dying) {
		if (timeout_ms < 0)
			hyp_cv_wait(&p->cv, &p->mtx);
		else if (hyp_cv_timedwait(&p->cv, &p->mtx, deadline) != 0)
			break;
	}
	hyp_mtx_exit(&p->mtx);
	return 0;
}

/*
 * Abort: mark every live file aborted and take a reference to each so none
 * is freed while the backend is told (outside the lock); then empty the
 * descriptor table.
 */
void
proc_abort(struct proc *p)
{
	const struct ksock_ops *ks = ksock();
	struct kfile **todo, *f, *dead;
	int n = 0, i, fd;

	hyp_mtx_enter(&p->mtx);
	p->dying = 1;
	hyp_cv_broadcast(&p->cv);
	todo = hyp_calloc((size_t)p->nfiles + 1, sizeof(*todo));
	for (f = p->files; f != NULL && todo != NULL; f = f->next)
		if (!f->aborted) {
			f->aborted = 1;
			f->refs++;
			todo[n++] = f;
		}
	hyp_mtx_exit(&p->mtx);
	for (i = 0; i < n && ks != NULL; i++)
		ks->abort(todo[i]->h);
	for (i = 0; i < n; i++)
		proc_file_rele(p, todo[i]);
	hyp_free(todo);
	/* Close every descriptor; files whose last reference this was are
	 * chained through next (they are off the process list now). */
	dead = NULL;
	hyp_mtx_enter(&p->mtx);
	for (fd = 0; fd < p->nslots; fd++) {
		if (p->fds[fd].f == NULL)
			continue;
		if ((f = file_rele_locked(p, p->fds[fd].f)) != NULL) {
			f->next = dead;
			dead = f;
		}
		p->fds[fd].f = NULL;
	}
	hyp_mtx_exit(&p->mtx);
	while ((f = dead) != NULL) {
		dead = f->next;
		file_close(f);
	}
}

int
proc_nfiles(struct proc *p)
{
	int n;

	hyp_mtx_enter(&p->mtx);
	n = p->nfiles;
	hyp_mtx_exit(&p->mtx);
	return n;
}
