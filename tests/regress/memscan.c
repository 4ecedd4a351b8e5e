/* skkd — SPDX-License-Identifier: ISC */
/*
 * Searches the resident pages of a process's anonymous mappings (heap,
 * thread stacks, anonymous mmaps) for byte strings, without touching
 * anything else: /proc/PID/smaps names the mappings, /proc/PID/pagemap
 * says which pages are in memory, and only those are read through
 * /proc/PID/mem (root, or the process's owner while it is dumpable).
 * Reading a page that is not resident would fault it in; reading every
 * mapping of a sanitizer build would walk terabytes of shadow.
 *
 * Usage: memscan PID PATTERN...
 * PATTERN: text, or hex:HEX for raw bytes. Prints "COUNT PATTERN" per
 * pattern, then "pages N" (resident pages read); exits 1 when no page
 * could be read.
 */

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MS_MAX_PATTERNS	16
#define MS_PATTERN_MAX	64

struct ms_pattern {
	const char	*arg;
	uint8_t		 b[MS_PATTERN_MAX];
	size_t		 len;
	unsigned long	 count;
};

struct ms {
	int			 mem, pagemap;
	long			 pagesize;
	struct ms_pattern	 p[MS_MAX_PATTERNS];
	int			 np;
	unsigned long		 pages;
	uint8_t			*buf;		/* carry + one page */
};

static int
ms_pattern(struct ms_pattern *p, const char *arg)
{
	const char	*h;
	unsigned	 v;

	p->arg = arg;
	if (strncmp(arg, "hex:", 4) != 0) {
		p->len = strlen(arg);
		if (p->len == 0 || p->len > MS_PATTERN_MAX)
			return -1;
		memcpy(p->b, arg, p->len);
		return 0;
	}
	for (h = arg + 4; h[0] != '\0' && h[1] != '\0'; h += 2) {
		if (p->len == MS_PATTERN_MAX || sscanf(h, "%2x", &v) != 1)
			return -1;
		p->b[p->len++] = (uint8_t)v;
	}
	return p->len == 0 || *h != '\0' ? -1 : 0;
}

/* A mapping worth reading: readable, no file behind it, not the vDSO. */
static int
ms_anonymous(const char *line, uintptr_t *start, uintptr_t *end)
{
	char		perms[8], dev[16], path[256] = "";
	unsigned long	off, inode;

	if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s %lx %15s %lu %255s",
	    start, end, perms, &off, dev, &inode, path) < 6)
		return 0;
	if (perms[0] != 'r' || inode != 0)
		return 0;
	return path[0] == '\0' || strcmp(path, "[heap]") == 0 ||
	    strncmp(path, "[stack", 6) == 0 || strncmp(path, "[anon:", 6) == 0;
}

static int
ms_resident(struct ms *m, uintptr_t addr)
{
	uint64_t	e;
	off_t		off = (off_t)(addr / (uintptr_t)m->pagesize) * 8;

	if (pread(m->pagemap, &e, sizeof(e), off) != (ssize_t)sizeof(e))
		return 0;
	return (e >> 63) & 1;	/* present in RAM */
}

static void
ms_search(struct ms *m, const uint8_t *b, size_t len)
{
	size_t	i;
	int	k;

	for (k = 0; k < m->np; k++)
		for (i = 0; i + m->p[k].len <= len; i++)
			if (b[i] == m->p[k].b[0] &&
			    memcmp(b + i, m->p[k].b, m->p[k].len) == 0)
				m->p[k].count++;
}

/*
 * Each page is searched with the last MS_PATTERN_MAX - 1 bytes of the one
 * before it when that one was read too, so a match across pages counts.
 */
static void
ms_mapping(struct ms *m, uintptr_t start, uintptr_t end)
{
	const size_t	 carry = MS_PATTERN_MAX - 1;
	uint8_t		*page = m->buf + carry;
	uintptr_t	 a;
	int		 prev = 0;

	for (a = start; a < end; a += (uintptr_t)m->pagesize) {
		if (!ms_resident(m, a) || pread(m->mem, page,
		    (size_t)m->pagesize, (off_t)a) != (ssize_t)m->pagesize) {
			prev = 0;
			continue;
		}
		m->pages++;
		if (prev)
			ms_search(m, m->buf, carry + (size_t)m->pagesize);
		else
			ms_search(m, page, (size_t)m->pagesize);
		memcpy(m->buf, page + m->pagesize - (long)carry, carry);
		prev = 1;
	}
}

int
main(int argc, char *argv[])
{
	struct ms	 m;
	char		 path[64], line[512];
	uintptr_t	 start, end;
	FILE		*f;
	int		 i;

	memset(&m, 0, sizeof(m));
	if (argc < 3 || argc - 2 > MS_MAX_PATTERNS) {
		fprintf(stderr, "usage: memscan PID PATTERN...\n");
		return 2;
	}
	for (i = 2; i < argc; i++)
		if (ms_pattern(&m.p[m.np++], argv[i]) == -1) {
			fprintf(stderr, "memscan: bad pattern '%s'\n", argv[i]);
			return 2;
		}
	m.pagesize = sysconf(_SC_PAGESIZE);
	if ((m.buf = malloc((size_t)m.pagesize + MS_PATTERN_MAX)) == NULL)
		return 2;
	snprintf(path, sizeof(path), "/proc/%s/smaps", argv[1]);
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "memscan: %s: %s\n", path, strerror(errno));
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%s/mem", argv[1]);
	m.mem = open(path, O_RDONLY);
	snprintf(path, sizeof(path), "/proc/%s/pagemap", argv[1]);
	m.pagemap = open(path, O_RDONLY);
	if (m.mem == -1 || m.pagemap == -1) {
		fprintf(stderr, "memscan: %s: %s\n", path, strerror(errno));
		return 2;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		if (ms_anonymous(line, &start, &end))
			ms_mapping(&m, start, end);
	fclose(f);
	for (i = 0; i < m.np; i++)
		printf("%lu %s\n", m.p[i].count, m.p[i].arg);
	printf("pages %lu\n", m.pages);
	return m.pages == 0;
}
