/* skkd — SPDX-License-Identifier: ISC */
/*
 * Shared by the bench tools: a monotonic clock in seconds, and the
 * certificate numbers of a file (as stored, with their spaces, one a
 * line; other lines skipped). Fails the program on error.
 */
#ifndef BENCH_NUMBERS_H
#define BENCH_NUMBERS_H

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "cert.h"

static inline double
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline char **
bench_numbers(const char *path, size_t *n)
{
	FILE	*f;
	char	 line[256], **v = NULL;
	size_t	 cap = 0, len;

	*n = 0;
	if ((f = fopen(path, "r")) == NULL)
		err(EX_NOINPUT, "cannot open '%s'", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		len = strcspn(line, "\r\n");
		line[len] = '\0';
		if (len != CERT_NUMBER_LEN)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((v = reallocarray(v, cap, sizeof(*v))) == NULL)
				err(EX_OSERR, "out of memory");
		}
		if ((v[(*n)++] = strdup(line)) == NULL)
			err(EX_OSERR, "out of memory");
	}
	fclose(f);
	if (*n == 0)
		errx(EX_DATAERR, "'%s': no certificate numbers", path);
	return v;
}

#endif
