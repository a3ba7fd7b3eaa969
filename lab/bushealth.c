/*
 * bushealth.c — what is wrong with a running lab's bus files
 * (lab/bushealth.h).
 *
 * A file replaced (renamed over, or removed and made again) is found
 * through a node on the bus: the inode its /proc/PID/maps shows for the
 * path (" (deleted)" once the old file has no name) is not the one the
 * path names now.  One node's maps a bus: a few lines to read.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/bushealth.h"
#include "lab/labctl.h"
#include "lab/statedir.h"
#include "shmif/shmif.h"

/*
 * The inode by which node pid maps path: 1 and *ino (*deleted when the
 * kernel marks the file unlinked), 0 when it does not map it, -errno.
 */
static int
mapped_ino(pid_t pid, const char *path, uint64_t *ino, bool *deleted)
{
	char maps[64], line[STATEDIR_PATHMAX + 128], *p;
	size_t plen = strlen(path);
	unsigned long long i;
	FILE *f;
	int r = 0;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)pid);
	if ((f = fopen(maps, "re")) == NULL)
		return -errno;
	while (r == 0 && fgets(line, sizeof(line), f) != NULL) {
		/* ADDR PERMS OFFSET DEV INODE    PATH[ (deleted)] */
		line[strcspn(line, "\n")] = '\0';
		if ((p = strchr(line, '/')) == NULL || strncmp(p, path, plen) != 0)
			continue;
		if (p[plen] != '\0' && strcmp(p + plen, " (deleted)") != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %llu", &i) != 1)
			continue;
		*ino = i;
		*deleted = p[plen] != '\0';
		r = 1;
	}
	fclose(f);
	return r;
}

/* The pid of a running node on bus i, or 0. */
static pid_t
member_pid(const struct lab *lab, const struct labview *v, int i)
{
	const struct lab_bus *b = &lab->buses[i];
	int k, n;

	for (k = 0; k < b->nmembers; k++) {
		n = b->members[k].node;
		if (v->nodes[n].pid > 0 && strcmp(v->nodes[n].state, "up") == 0)
			return v->nodes[n].pid;
	}
	return 0;
}

/* What the file at path holds where its header should be. */
static bool
bad_header(const char *path, char *buf, size_t len)
{
	uint32_t h[2];
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		close(fd);
		return false;
	}
	close(fd);
	if (h[0] == SHMIF_MAGIC && h[1] == SHMIF_VERSION)
		return false;
	/* A file no node attached to yet is all zeros: not trouble. */
	if (h[0] == 0 && h[1] == 0)
		return false;
	snprintf(buf, len, "its file holds no shmif header (magic 0x%08" PRIx32
	    ", version %" PRIu32 "): its nodes skip what they cannot read "
	    "and the next frame sent starts the ring afresh", h[0], h[1]);
	return true;
}

bool
bushealth_bus(const char *dir, const struct lab *lab,
    const struct labview *v, int i, char *buf, size_t len)
{
	char path[STATEDIR_PATHMAX + LAB_NAME_MAX + 8];
	const struct lab_bus *b = &lab->buses[i];
	bool deleted = false;
	struct stat sb;
	uint64_t ino = 0;      /* set when mapped_ino() returns 1 */
	pid_t pid;

	if (b->tapseg)
		return false;
	snprintf(path, sizeof(path), "%s/bus/%s", dir, b->name);
	pid = member_pid(lab, v, i);
	if (stat(path, &sb) < 0) {
		snprintf(buf, len, "its file %s is gone (%s)%s; `rumplab down "
		    "%s` cleans up", path, strerror(errno), pid > 0 ?
		    ": its nodes go on with the old one between themselves" :
		    "", labctl_name(dir));
		return true;
	}
	if ((uint64_t)sb.st_size < b->size) {
		/* A node makes an empty bus file afresh as it attaches, at
		 * shmif's size (verb_up.c, make_buses). */
		snprintf(buf, len, "its file was cut to %lld bytes of %" PRIu32
		    ": its nodes no longer send or receive on it (their kernel "
		    "logs say so); %s`rumplab down %s` cleans up",
		    (long long)sb.st_size, b->size, sb.st_size == 0 &&
		    b->size == SHMIF_BUS_SIZE ? "restarting its nodes (`rumplab "
		    "node restart NODE`) makes it afresh, " : "",
		    labctl_name(dir));
		return true;
	}
	if (pid > 0 && mapped_ino(pid, path, &ino, &deleted) == 1 &&
	    (deleted || ino != (uint64_t)sb.st_ino)) {
		snprintf(buf, len, "its file was replaced: its nodes go on with "
		    "the old one, and whatever attaches now (a capture, a "
		    "restarted node) gets the new one; `rumplab down %s` "
		    "cleans up", labctl_name(dir));
		return true;
	}
	return bad_header(path, buf, len);
}

bool
bushealth_room(const char *dir, char *buf, size_t len)
{
	char path[STATEDIR_PATHMAX];
	struct statvfs vfs;

	statedir_file(dir, "bus", path);
	if (statvfs(path, &vfs) < 0 || vfs.f_bavail > 0)
		return false;
	snprintf(buf, len, "the file system of %s is full: a node that needs "
	    "a new page of a bus file loses that bus (its kernel log says "
	    "so); make room", path);
	return true;
}
