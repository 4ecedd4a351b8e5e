/* skkd — SPDX-License-Identifier: ISC */
/*
 * Reading the crew's sheet (crewsheet.h): which columns hold the queries,
 * the issuers and the names, and each row's cells.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "crewsheet.h"
#include "qrpay.h"
#include "session.h"
#include "sheet.h"

/*
 * The header names the column to check; without one nothing is guessed
 * (column 0 of "nik,nama,nomor_skk" is a NIK). Names compare without
 * case; a number column wins over a QR column.
 */
static const char *const crew_number_cols[] = { "number", "nomor_skk",
	"no_skk" };
static const char *const crew_qr_cols[] = { "qr", "qr_url" };
static const char *const crew_issuer_cols[] = { "issuer", "lsp" };
static const char *const crew_name_cols[] = { "name" };
#define CREW_N(a)	(sizeof (a) / sizeof (a)[0])

static int
crew_find(char **fields, size_t n, const char *const *names, size_t nn)
{
	size_t	i, k;
	char	f[64];

	for (i = 0; i < n; i++) {
		snprintf(f, sizeof f, "%s", fields[i]);
		sheet_trim(f);
		for (k = 0; k < nn; k++)
			if (strcasecmp(f, names[k]) == 0)
				return (int)i;
	}
	return -1;
}

static int
crew_pick(struct crew *cw, size_t line, char **fields, size_t n)
{
	cw->col = crew_find(fields, n, crew_number_cols,
	    sizeof crew_number_cols / sizeof crew_number_cols[0]);
	if (cw->col == -1)
		cw->col = crew_find(fields, n, crew_qr_cols,
		    sizeof crew_qr_cols / sizeof crew_qr_cols[0]);
	cw->icol = crew_find(fields, n, crew_issuer_cols,
	    CREW_N(crew_issuer_cols));
	cw->ncol = crew_find(fields, n, crew_name_cols, CREW_N(crew_name_cols));
	if (cw->col != -1)
		return 0;
	session_fail(cw->x, EX_DATAERR, "%s:%zu: the header names no column to "
	    "check: give one named number, nomor_skk or no_skk (certificate "
	    "numbers), or qr or qr_url (QR texts)", cw->path, line);
	return (cw->status = EX_DATAERR);
}

/* Sixteen digits, blanks and dashes aside: a NIK, never sent. */
static int
crew_is_nik(const char *s)
{
	size_t	digits = 0;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s != ' ' && *s != '-' && *s != '.' && *s != '\t')
			return 0;
	}
	return digits == CERT_NIK_LEN;
}

static int
crew_grow(struct crew *cw)
{
	void	*p;
	size_t	 cap = cw->cap ? cw->cap * 2 : 256;

	if ((p = reallocarray(cw->q, cap, sizeof *cw->q)) == NULL)
		return -1;
	cw->q = p;
	if ((p = reallocarray(cw->hint, cap, sizeof *cw->hint)) == NULL)
		return -1;
	cw->hint = p;
	if ((p = reallocarray(cw->name, cap, sizeof *cw->name)) == NULL)
		return -1;
	cw->name = p;
	if ((p = reallocarray(cw->lines, cap, sizeof *cw->lines)) == NULL)
		return -1;
	cw->lines = p;
	cw->cap = cap;
	return 0;
}

/* A copy of column col's trimmed cell into *out (NULL when empty). */
static int
crew_cell(char **fields, size_t n, int col, char **out)
{
	*out = NULL;
	if (col == -1 || (size_t)col >= n)
		return 0;
	sheet_trim(fields[col]);
	if (fields[col][0] == '\0')
		return 0;
	return (*out = strdup(fields[col])) == NULL ? -1 : 0;
}

int
crew_row_cb(void *arg, size_t line, char **fields, size_t n)
{
	struct crew	*cw = arg;

	if (cw->col == -1)
		return crew_pick(cw, line, fields, n);
	if ((size_t)cw->col >= n || fields[cw->col][0] == '\0')
		return 0;
	sheet_trim(fields[cw->col]);
	if (!qrpay_is_qr_text(fields[cw->col]) && crew_is_nik(fields[cw->col])) {
		session_fail(cw->x, EX_DATAERR, "%s:%zu:%d: 16 digits: a NIK, "
		    "not a certificate number; nothing sent", cw->path, line,
		    cw->col + 1);
		return (cw->status = EX_DATAERR);
	}
	if (cw->n == cw->cap && crew_grow(cw) == -1)
		return (cw->status = EX_OSERR);
	cw->hint[cw->n] = cw->name[cw->n] = NULL;
	cw->q[cw->n] = strdup(fields[cw->col]);
	cw->lines[cw->n++] = line;	/* crew_free frees what is there */
	if (cw->q[cw->n - 1] == NULL ||
	    crew_cell(fields, n, cw->icol, &cw->hint[cw->n - 1]) == -1 ||
	    crew_cell(fields, n, cw->ncol, &cw->name[cw->n - 1]) == -1)
		return (cw->status = EX_OSERR);
	return 0;
}
