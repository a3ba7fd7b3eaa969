/*
 * capture.c — a bus written out as pcap (lab/capture.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lab/capture.h"

#define BATCH	64

int
capture_attach(const char *path, uint32_t max_frame, bool rewind,
    struct shmif_bus **bus, char *err, size_t errlen)
{
	struct shmif_opts o;

	memset(&o, 0, sizeof(o));
	o.flags = SHMIF_RDONLY | SHMIF_SEEALL | (rewind ? SHMIF_REWIND : 0);
	o.max_frame = max_frame;
	return shmif_attach(path, &o, bus, err, errlen);
}

int
capture_open(struct capture_out *o, const char *file, char *err,
    size_t errlen)
{
	memset(o, 0, sizeof(*o));
	if ((o->dead = pcap_open_dead(DLT_EN10MB, 65535)) == NULL) {
		snprintf(err, errlen, "pcap_open_dead failed");
		return -ENOMEM;
	}
	o->d = strcmp(file, "-") == 0 ? pcap_dump_fopen(o->dead, stdout) :
	    pcap_dump_open(o->dead, file);
	if (o->d == NULL || pcap_dump_flush(o->d) != 0) {
		snprintf(err, errlen, "%s: %s", file, o->d == NULL ?
		    pcap_geterr(o->dead) : strerror(errno));
		capture_close(o);
		return -EIO;
	}
	return 0;
}

void
capture_close(struct capture_out *o)
{
	if (o->d != NULL)
		pcap_dump_close(o->d);
	if (o->dead != NULL)
		pcap_close(o->dead);
	memset(o, 0, sizeof(*o));
}

/* Is the bus file still there (its lab not gone)? */
static bool
still_there(struct shmif_bus *bus)
{
	struct stat st;

	return fstat(shmif_fd(bus), &st) == 0 && st.st_nlink > 0;
}

enum capture_end
capture_copy(struct shmif_bus *bus, struct capture_out *o,
    volatile sig_atomic_t *stop, unsigned long count,
    bool (*gone)(void *arg), void *arg, unsigned long *frames)
{
	struct shmif_rxframe rx[BATCH];
	struct pcap_pkthdr ph;
	int n, i;

	while (!*stop) {
		if ((n = shmif_recv(bus, rx, BATCH)) < 0)
			return CAP_BUS_GONE;    /* its file cut: shmif_lost() */
		if (n == 0) {
			if (shmif_wait(bus, 500) != 0)
				continue;
			if (!still_there(bus))
				return CAP_BUS_GONE;
			if (gone != NULL && gone(arg))
				return CAP_SOURCE_GONE;
			continue;
		}
		for (i = 0; i < n && (count == 0 || *frames < count); i++) {
			ph.ts.tv_sec = rx[i].sec;
			ph.ts.tv_usec = rx[i].usec;
			ph.caplen = ph.len = rx[i].len;
			pcap_dump((u_char *)o->d, &ph, rx[i].data);
			++*frames;
		}
		if (pcap_dump_flush(o->d) != 0 || ferror(pcap_dump_file(o->d)))
			return CAP_WRITE_ERROR;
		if (count != 0 && *frames >= count)
			return CAP_COUNT;
	}
	return CAP_STOPPED;
}
