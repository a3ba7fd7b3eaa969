/*
 * hostnet.c — the guards of hostnet.h: an ELF reader that tells programs
 * the hijack cannot reach, and the seccomp filter that keeps whatever
 * slips past off the host's network.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "lab/hostnet.h"

#define MAXPHDRS 256
#define MAXSHDRS 4096

static int
pread_all(int fd, void *buf, size_t n, off_t off)
{
	ssize_t r = pread(fd, buf, n, off);

	return r == (ssize_t)n ? 0 : -EIO;
}

/* Is there a section of this name?  Only 64-bit ELF is looked into. */
static int
has_section(int fd, const Elf64_Ehdr *eh, const char *name)
{
	Elf64_Shdr sh, str;
	char buf[64];
	size_t want = strlen(name) + 1;
	int i;

	if (eh->e_shnum == 0 || eh->e_shnum > MAXSHDRS ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    eh->e_shstrndx >= eh->e_shnum ||
	    pread_all(fd, &str, sizeof(str), (off_t)(eh->e_shoff +
	    (uint64_t)eh->e_shstrndx * sizeof(sh))) != 0)
		return 0;
	for (i = 0; i < eh->e_shnum; i++) {
		if (pread_all(fd, &sh, sizeof(sh), (off_t)(eh->e_shoff +
		    (uint64_t)i * sizeof(sh))) != 0)
			return 0;
		if (sh.sh_name >= str.sh_size || want > sizeof(buf) ||
		    pread_all(fd, buf, want, (off_t)(str.sh_offset +
		    sh.sh_name)) != 0)
			continue;
		if (memcmp(buf, name, want) == 0)
			return 1;
	}
	return 0;
}

static int
has_interp64(int fd, const Elf64_Ehdr *eh)
{
	Elf64_Phdr ph;
	int i;

	if (eh->e_phnum > MAXPHDRS || eh->e_phentsize != sizeof(ph))
		return 0;
	for (i = 0; i < eh->e_phnum; i++) {
		if (pread_all(fd, &ph, sizeof(ph), (off_t)(eh->e_phoff +
		    (uint64_t)i * sizeof(ph))) != 0)
			return 0;
		if (ph.p_type == PT_INTERP)
			return 1;
	}
	return 0;
}

int
hostnet_bypasses(const char *path, char *why, size_t len)
{
	Elf64_Ehdr eh;
	int fd, r = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (pread_all(fd, &eh, sizeof(eh), 0) != 0 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
		close(fd);
		return 0;               /* not ELF: a script, or too short */
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64) {
		snprintf(why, len, "%s is a 32-bit program: librumphijack is "
		    "built for 64-bit ones", path);
		r = 1;
	} else if (!has_interp64(fd, &eh)) {
		snprintf(why, len, "%s is statically linked: librumphijack "
		    "cannot reach its system calls", path);
		r = 1;
	} else if (has_section(fd, &eh, ".go.buildinfo") ||
	    has_section(fd, &eh, ".note.go.buildid")) {
		snprintf(why, len, "%s is a Go program: its runtime makes its "
		    "own system calls, which librumphijack cannot reach", path);
		r = 1;
	}
	close(fd);
	return r;
}

int
hostnet_is_client(const char *path)
{
	Elf64_Ehdr eh;
	int fd, r = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	if (pread_all(fd, &eh, sizeof(eh), 0) == 0 &&
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
	    eh.e_ident[EI_CLASS] == ELFCLASS64)
		r = has_section(fd, &eh, RUMPCLIENT_MARK_SECTION);
	close(fd);
	return r;
}

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#endif

int
hostnet_guard(char *err, size_t len)
{
#ifdef NATIVE_ARCH
#define DENY(e) (SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))
	struct sock_filter f[] = {
		/* Another architecture's calls (i386's socketcall): none. */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, DENY(ENOSYS)),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, DENY(ENOSYS)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* socket(domain, ...): the low 32 bits of args[0]. */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_PACKET, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, DENY(EAFNOSUPPORT)),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		int error = errno;

		snprintf(err, len, "cannot keep programs off the host's "
		    "network (seccomp: %s)", strerror(error));
		return -error;
	}
	return 0;
#else
	snprintf(err, len, "cannot keep programs off the host's network: no "
	    "seccomp filter for this architecture");
	return -ENOSYS;
#endif
}

int
hostnet_exec(void *arg)
{
	const struct hostnet_exec *x = arg;
	char err[256];

	if (hostnet_guard(err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 126;
	}
	execve(x->path, x->argv, x->envp);
	fprintf(stderr, "%s: %s\n", x->path, strerror(errno));
	return 127;
}
