/* skkd — SPDX-License-Identifier: ISC */
/*
 * Fuzzes the CSV reader (proto/csv.c). Checks the promises csv.h makes:
 * fields are NUL-terminated and within their limits, rows after the
 * header have no more fields than it, lines grow, and an error names a
 * line and column inside the input.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

struct fuzz_csv {
	size_t	ncols, last, lines, rows;
};

static int
fuzz_csv_cb(void *arg, size_t line, char **fields, size_t n)
{
	struct fuzz_csv	*s = arg;
	size_t		 i;

	if (n == 0 || n > CSV_FIELDS_MAX || line <= s->last ||
	    line > s->lines || (s->ncols && n > s->ncols))
		abort();
	for (i = 0; i < n; i++)
		if (strlen(fields[i]) > CSV_FIELD_MAX)
			abort();
	if (s->ncols == 0)
		s->ncols = n;
	s->last = line;
	return ++s->rows == 100000 ? 1 : 0;
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct fuzz_csv		s;
	struct csv_error	e;
	char			sep;
	size_t			i;
	int			rc;

	memset(&s, 0, sizeof(s));
	s.lines = 1;
	for (i = 0; i < len; i++)
		s.lines += data[i] == '\n' || data[i] == '\r';
	rc = csv_parse((const char *)data, len, NULL, fuzz_csv_cb, &s, &sep,
	    &e);
	if (rc != 0 && rc != 1 && rc != -1)
		abort();
	if (sep != ',' && sep != ';')
		abort();
	if (rc == -1 && (e.line < 1 || e.line > s.lines || e.col < 1 ||
	    e.col > len + 1 || e.msg[0] == '\0'))
		abort();
	return 0;
}
