/*
 * vfs_etfs.c — the rumpvfs component (the VFS itself, its root) and the
 * etfs table: host files and directories handed to the node at start
 * (rump_server -d, NetBSD's form), each under a key that mounts name as
 * their source.  The table is written on the main thread before the node
 * serves and only read afterwards.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel/component.h"
#include "kernel/klog.h"
#include "kernel/vfs_private.h"

#define MAXETFS 32

struct etfs {
	char            key[VFS_PATHMAX];
	char            hostpath[VFS_PATHMAX];
	enum etfs_type  type;
	uint64_t        size;
};

static struct etfs etfs[MAXETFS];
static int netfs;

int
vfs_etfs_register(const char *key, const char *hostpath, enum etfs_type type,
    uint64_t size, char *err, size_t errlen)
{
	struct stat st;
	int i;

	if (key[0] != '/' || strlen(key) >= VFS_PATHMAX ||
	    strlen(hostpath) >= VFS_PATHMAX) {
		snprintf(err, errlen, "key %s: an absolute path is needed "
		    "(/dev/img0)", key);
		return -EINVAL;
	}
	for (i = 0; i < netfs; i++)
		if (strcmp(etfs[i].key, key) == 0) {
			snprintf(err, errlen, "key %s given twice", key);
			return -EEXIST;
		}
	if (netfs == MAXETFS) {
		snprintf(err, errlen, "more than %d -d options", MAXETFS);
		return -ENOSPC;
	}
	if (stat(hostpath, &st) != 0) {
		snprintf(err, errlen, "%s: %s", hostpath, strerror(errno));
		return -errno;
	}
	if ((type == ETFS_DIR) != S_ISDIR(st.st_mode) ||
	    (type != ETFS_DIR && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		snprintf(err, errlen, "%s: %s", hostpath, type == ETFS_DIR ?
		    "not a directory (type=dir)" : "not a file or device");
		return -EINVAL;
	}
	snprintf(etfs[netfs].key, VFS_PATHMAX, "%s", key);
	snprintf(etfs[netfs].hostpath, VFS_PATHMAX, "%s", hostpath);
	etfs[netfs].type = type;
	etfs[netfs].size = size;         /* 0: whatever the file holds */
	netfs++;
	return 0;
}

int
vfs_etfs_lookup(const char *key, char *hostpath, size_t len,
    enum etfs_type *type, uint64_t *size)
{
	int i;

	for (i = 0; i < netfs; i++)
		if (strcmp(etfs[i].key, key) == 0) {
			snprintf(hostpath, len, "%s", etfs[i].hostpath);
			*type = etfs[i].type;
			*size = etfs[i].size;
			return 0;
		}
	return -ENOENT;
}

static int
rumpvfs_init(char *err, size_t errlen)
{
	int error;

	if ((error = vfs_start()) != 0)
		snprintf(err, errlen, "no root file system: %s",
		    strerror(-error));
	return error;
}

static void
rumpvfs_fini(void)
{
	vfs_unmount_all();
}

static const struct component comp_rumpvfs = {
	.name = "rumpvfs",
	.init = rumpvfs_init,
	.fini = rumpvfs_fini,
};
COMPONENT_REGISTER(comp_rumpvfs);

/* mkdir -p of an absolute path in the node's tree. */
static int
mkdir_p(const char *path)
{
	struct vfs_at at = { NULL, NULL };
	char buf[VFS_PATHMAX], *s;
	int error;

	snprintf(buf, sizeof(buf), "%s", path);
	for (s = buf + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		error = vfs_mkdir(at, buf, 0755);
		if (error != 0 && error != -EEXIST)
			return error;
		if ((*s = c) == '\0')
			break;
	}
	return 0;
}

/*
 * rump_server -d, NetBSD's form: key=KEY,hostpath=PATH,size=host|BYTES
 * [,type=blk|chr|reg|dir].  A file (blk, chr, reg: all the same here) is
 * a device the node's mounts name by its key; a directory (dir) appears
 * at its key, a hostfs mount made here.
 */
int
vfs_etfs_parse(const char *spec, char *err, size_t errlen)
{
	char key[VFS_PATHMAX] = "", host[VFS_PATHMAX] = "", size[32] = "";
	char type[16] = "reg", opts[VFS_OPTSMAX + 1];
	uint64_t bytes = 0;
	enum etfs_type t;
	int error;

	if (strlen(spec) > VFS_OPTSMAX) {
		snprintf(err, errlen, "-d %s: too long", spec);
		return -ENAMETOOLONG;
	}
	if (!vfs_opt(spec, "key", key, sizeof(key)) || key[0] == '\0' ||
	    !vfs_opt(spec, "hostpath", host, sizeof(host)) || host[0] == '\0') {
		snprintf(err, errlen, "-d %s: expected key=KEY,hostpath=PATH,"
		    "size=host[,type=blk|reg|dir]", spec);
		return -EINVAL;
	}
	vfs_opt(spec, "type", type, sizeof(type));
	if (strcmp(type, "dir") == 0)
		t = ETFS_DIR;
	else if (strcmp(type, "blk") == 0 || strcmp(type, "chr") == 0)
		t = ETFS_BLK;
	else if (strcmp(type, "reg") == 0)
		t = ETFS_REG;
	else {
		snprintf(err, errlen, "-d %s: type %s: expected blk, chr, reg "
		    "or dir", spec, type);
		return -EINVAL;
	}
	if (vfs_opt(spec, "size", size, sizeof(size)) && strcmp(size, "host")
	    != 0 && vfs_opt_size(spec, "size", &bytes) != 0) {
		snprintf(err, errlen, "-d %s: size %s: expected host or bytes",
		    spec, size);
		return -EINVAL;
	}
	if ((error = vfs_etfs_register(key, host, t, bytes, err, errlen)) != 0)
		return error;
	if (t != ETFS_DIR)
		return 0;
	snprintf(opts, sizeof(opts), "%s", vfs_opt(spec, "ro", NULL, 0) ?
	    "ro" : "");
	if ((error = mkdir_p(key)) != 0) {
		snprintf(err, errlen, "-d %s: %s: %s", spec, key,
		    strerror(-error));
		return error;
	}
	return vfs_mount("hostfs", key, key, opts, err, errlen);
}
