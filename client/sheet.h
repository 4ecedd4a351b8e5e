/* skkd — SPDX-License-Identifier: ISC */
/*
 * The user's CSV files, on the client's side of proto/csv.c: read whole
 * with a size limit, fields trimmed, fields written back safely. Shared
 * by cohort.c and crew.c.
 */
#ifndef CLIENT_SHEET_H
#define CLIENT_SHEET_H

#include <stddef.h>
#include <stdio.h>

#include "session.h"

#define SHEET_FILE_MAX	(512u * 1024 * 1024)

/*
 * Reads path whole into *buf (the caller frees it) and *len: 0, or the
 * exit status after saying why.
 */
int	sheet_read(struct cmd_ctx *, const char *path, char **buf,
	    size_t *len);
/*
 * A row's n fields copied into ncols strings ("" past n); NULL when out
 * of memory. sheet_free_fields wipes them (they may hold NIKs) and frees
 * them; NULL is a no-op.
 */
char	**sheet_copy_fields(char **fields, size_t n, size_t ncols);
void	 sheet_free_fields(char **f, size_t ncols);
/* Removes blanks and tabs around s, in place. */
void	sheet_trim(char *s);
/*
 * Writes field to f as one CSV field: quoted when needed, and with a
 * leading "'" when a spreadsheet would read it as a formula.
 */
void	sheet_field(FILE *f, const char *field);

#endif
