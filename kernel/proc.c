/*
 * proc.c — client processes: descriptor tables, shared open files, and
 * the copies of a table that a fork leaves for its child.  A descriptor is
 * an index into fds[]; each slot names a struct kfile or is empty.
 *
 * Locking: p->mtx guards a process's table; fork_mtx the list of copies
 * waiting for their child.  File counts are atomic, so a file named by
 * several processes needs no lock of its own.  The backend is called
 * (abort, close) only after every lock is dropped.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kernel/hyper.h"
#include "kernel/kcall.h"
#include "kernel/ksock.h"
#include "kernel/proc.h"
#include "kernel/vfs.h"

struct fdslot {
	struct kfile *f;
	int cloexec;
};

struct proc {
	hyp_mtx_t      mtx;
	hyp_cv_t       cv;          /* signalled on abort and cancel */
	struct fdslot *fds;         /* mtx */
	int            nslots;      /* mtx */
	int            nfds;        /* mtx: descriptors open */
	int            dying;       /* mtx */
	struct vfs_proc *vfs;       /* set at creation or join */
	uint32_t       conn_id, pid, uid, gid;
	char           name[PROC_NAMEMAX + 1];
	char           label[PROC_NAMEMAX + 40];
};

/* A fork's copy of its parent's table, waiting for the child. */
struct forkcopy {
	uint8_t          cookie[PROC_COOKIELEN];
	uint64_t         expires_ns;
	struct vfs_proc *vfs;           /* the parent's working directory */
	struct fdslot   *fds;
	int              nslots;
	struct forkcopy *next;
};

static hyp_mtx_t fork_mtx = HYP_MTX_INITIALIZER;
static struct forkcopy *forks;          /* fork_mtx */
static int nforks;                      /* fork_mtx */

static void forks_expire(void);

struct proc *
proc_create(uint32_t conn_id)
{
	struct proc *p;

	forks_expire();
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
	if (vfs_loaded())
		p->vfs = vfs_proc_new();
	proc_set_creds(p, 0, 0, 0, "?");
	return p;
}

void
proc_destroy(struct proc *p)
{
	vfs_proc_free(p->vfs);
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

struct vfs_proc *
proc_vfs(struct proc *p)
{
	return p->vfs;
}

/*
 * Files.
 */
static void
file_hold(struct kfile *f, int descriptor)
{
	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
	if (descriptor)
		__atomic_add_fetch(&f->drefs, 1, __ATOMIC_RELAXED);
}

/* Drop a reference (and a descriptor); no lock may be held. */
static void
file_rele(struct kfile *f, int descriptor)
{
	const struct ksock_ops *ks = ksock();

	if (descriptor && __atomic_sub_fetch(&f->drefs, 1, __ATOMIC_ACQ_REL)
	    == 0 && ks != NULL && f->vf == NULL)
		ks->abort(f->h);
	if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	if (f->vf != NULL)
		vfs_file_rele(f->vf);
	else if (ks != NULL)
		ks->close(f->h);
	hyp_free(f);
}

/* Release every file of a table (as descriptors) and free it. */
static void
table_rele(struct fdslot *fds, int nslots)
{
	int fd;

	for (fd = 0; fd < nslots; fd++)
		if (fds[fd].f != NULL)
			file_rele(fds[fd].f, 1);
	hyp_free(fds);
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

/* A new file in a descriptor (the file's reference goes to it). */
static int
fd_alloc(struct proc *p, struct kfile *f, int cloexec)
{
	int fd;

	f->refs = f->drefs = 1;
	hyp_mtx_enter(&p->mtx);
	fd = p->dying ? -EBADF : slot_alloc_locked(p);
	if (fd >= 0) {
		p->fds[fd].f = f;
		p->fds[fd].cloexec = cloexec != 0;
		p->nfds++;
	}
	hyp_mtx_exit(&p->mtx);
	if (fd < 0)
		file_rele(f, 1);
	return fd;
}

int
proc_fd_alloc(struct proc *p, int h, int cloexec)
{
	struct kfile *f;

	if ((f = hyp_calloc(1, sizeof(*f))) == NULL) {
		if (ksock() != NULL)
			ksock()->close(h);
		return -ENOMEM;
	}
	f->h = h;
	return fd_alloc(p, f, cloexec);
}

int
proc_fd_alloc_file(struct proc *p, struct vfile *vf, int cloexec)
{
	struct kfile *f;

	if ((f = hyp_calloc(1, sizeof(*f))) == NULL) {
		vfs_file_rele(vf);
		return -ENOMEM;
	}
	f->h = -1;
	f->vf = vf;
	return fd_alloc(p, f, cloexec);
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
		file_hold(s->f, 0);
		*fp = s->f;
	}
	hyp_mtx_exit(&p->mtx);
	return error;
}

void
proc_file_rele(struct proc *p, struct kfile *f)
{
	file_rele(f, 0);
}

int
proc_fd_close(struct proc *p, int fd)
{
	struct fdslot *s;
	struct kfile *f = NULL;

	hyp_mtx_enter(&p->mtx);
	if ((s = slot_locked(p, fd)) != NULL) {
		f = s->f;
		s->f = NULL;
		p->nfds--;
	}
	hyp_mtx_exit(&p->mtx);
	if (f == NULL)
		return -EBADF;
	file_rele(f, 1);
	return 0;
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
		file_hold(s->f, 1);
		p->fds[nfd].f = s->f;
		p->fds[nfd].cloexec = 0;
		p->nfds++;
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

/* kcall wake function: the sleeper re-checks after the broadcast. */
static void
sleep_wake(void *arg)
{
	struct proc *p = arg;

	hyp_mtx_enter(&p->mtx);
	hyp_cv_broadcast(&p->cv);
	hyp_mtx_exit(&p->mtx);
}

int
proc_sleep(struct proc *p, int timeout_ms)
{
	uint64_t deadline = 0;
	int error;

	if ((error = kcall_sleep_begin(sleep_wake, p)) != 0)
		return error;
	if (timeout_ms >= 0)
		deadline = hyp_clock_mono_ns() + (uint64_t)timeout_ms * 1000000u;
	hyp_mtx_enter(&p->mtx);
	while (!p->dying && !kcall_cancelled()) {
		if (timeout_ms < 0)
			hyp_cv_wait(&p->cv, &p->mtx);
		else if (hyp_cv_timedwait(&p->cv, &p->mtx, deadline) != 0)
			break;
	}
	hyp_mtx_exit(&p->mtx);
	kcall_sleep_end();
	return kcall_cancelled() ? -EINTR : 0;
}

/* Close every descriptor and refuse new ones. */
void
proc_abort(struct proc *p)
{
	struct fdslot *fds;
	int nslots;

	hyp_mtx_enter(&p->mtx);
	p->dying = 1;
	hyp_cv_broadcast(&p->cv);
	fds = p->fds;
	nslots = p->nslots;
	p->fds = NULL;
	p->nslots = 0;
	p->nfds = 0;
	hyp_mtx_exit(&p->mtx);
	table_rele(fds, nslots);
}

int
proc_nfiles(struct proc *p)
{
	int n;

	hyp_mtx_enter(&p->mtx);
	n = p->nfds;
	hyp_mtx_exit(&p->mtx);
	return n;
}

/*
 * Fork.
 */

/* Drop the copies nobody joined in time. */
static void
forks_expire(void)
{
	struct forkcopy **pp, *c, *dead = NULL;
	uint64_t now = hyp_clock_mono_ns();

	hyp_mtx_enter(&fork_mtx);
	for (pp = &forks; (c = *pp) != NULL; )
		if (c->expires_ns <= now) {
			*pp = c->next;
			nforks--;
			c->next = dead;
			dead = c;
		} else
			pp = &c->next;
	hyp_mtx_exit(&fork_mtx);
	while ((c = dead) != NULL) {
		dead = c->next;
		table_rele(c->fds, c->nslots);
		vfs_proc_free(c->vfs);
		hyp_free(c);
	}
}

int
proc_fork_save(struct proc *p, uint8_t cookie[PROC_COOKIELEN])
{
	struct forkcopy *c;
	int fd, error;

	forks_expire();
	if ((c = hyp_calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	if ((error = hyp_random(c->cookie, sizeof(c->cookie))) != 0) {
		hyp_free(c);
		return error;
	}
	hyp_mtx_enter(&p->mtx);
	if (p->nslots > 0 &&
	    (c->fds = hyp_calloc((size_t)p->nslots, sizeof(*c->fds))) == NULL) {
		hyp_mtx_exit(&p->mtx);
		hyp_free(c);
		return -ENOMEM;
	}
	c->nslots = c->fds != NULL ? p->nslots : 0;
	for (fd = 0; fd < c->nslots; fd++)
		if ((c->fds[fd] = p->fds[fd]).f != NULL)
			file_hold(c->fds[fd].f, 1);
	hyp_mtx_exit(&p->mtx);
	if (p->vfs != NULL)
		c->vfs = vfs_proc_copy(p->vfs);
	c->expires_ns = hyp_clock_mono_ns() +
	    (uint64_t)PROC_FORK_TTL_S * 1000000000u;
	hyp_mtx_enter(&fork_mtx);
	if (nforks >= PROC_FORK_MAX)
		error = -EAGAIN;
	else {
		c->next = forks;
		forks = c;
		nforks++;
	}
	hyp_mtx_exit(&fork_mtx);
	if (error != 0) {
		table_rele(c->fds, c->nslots);
		vfs_proc_free(c->vfs);
		hyp_free(c);
		return error;
	}
	memcpy(cookie, c->cookie, PROC_COOKIELEN);
	return 0;
}

int
proc_fork_join(struct proc *p, const uint8_t cookie[PROC_COOKIELEN])
{
	struct forkcopy **pp, *c;
	int fd, n = 0, error = 0;

	hyp_mtx_enter(&p->mtx);
	if (p->nfds > 0 || p->dying)
		error = p->dying ? -EBADF : -EBUSY;
	hyp_mtx_exit(&p->mtx);
	if (error != 0)
		return error;
	hyp_mtx_enter(&fork_mtx);
	for (pp = &forks; (c = *pp) != NULL; pp = &c->next)
		if (memcmp(c->cookie, cookie, PROC_COOKIELEN) == 0) {
			*pp = c->next;
			nforks--;
			break;
		}
	hyp_mtx_exit(&fork_mtx);
	if (c == NULL)
		return -ESRCH;
	for (fd = 0; fd < c->nslots; fd++)
		n += c->fds[fd].f != NULL;
	hyp_mtx_enter(&p->mtx);
	if (p->nfds > 0 || p->dying)
		error = p->dying ? -EBADF : -EBUSY;
	else {
		struct vfs_proc *v = p->vfs;

		hyp_free(p->fds);
		p->fds = c->fds;
		p->nslots = c->nslots;
		p->nfds = n;
		c->fds = NULL;
		if (c->vfs != NULL) {
			p->vfs = c->vfs;
			c->vfs = v;
		}
	}
	hyp_mtx_exit(&p->mtx);
	if (c->fds != NULL)
		table_rele(c->fds, c->nslots);
	vfs_proc_free(c->vfs);
	hyp_free(c);
	return error;
}
