/* skkd — SPDX-License-Identifier: ISC */
/*
 * A CSV reader for spreadsheets people actually export (RFC 4180 and a
 * little more): UTF-8 with or without a BOM, comma or semicolon chosen
 * from the header line, quoted fields holding separators, doubled quotes
 * and newlines, CRLF or LF. Pure and total: any bytes give rows or one
 * error with its line and column.
 */
#ifndef PROTO_CSV_H
#define PROTO_CSV_H

#include <stddef.h>

#define CSV_LINE_MAX	(64u * 1024)	/* bytes of one physical line */
#define CSV_FIELD_MAX	4096		/* bytes of one field, default */
#define CSV_FIELDS_MAX	256		/* columns, default */

struct csv_opts {
	size_t	max_field;	/* 0: CSV_FIELD_MAX */
	size_t	max_fields;	/* 0: CSV_FIELDS_MAX; rows after the header
				   may not have more fields than it */
};

/* Where and why parsing stopped; line and column count from 1. */
struct csv_error {
	size_t	line;
	size_t	col;		/* in characters, not bytes */
	char	msg[128];
};

/*
 * Called for every row, the header first, with its fields (NUL-terminated,
 * valid until the callback returns) and the physical line it started on.
 * Blank lines are skipped. Return 0 to go on, a positive value to stop.
 */
typedef int	(*csv_row_fn)(void *arg, size_t line, char **fields, size_t n);

/*
 * Parses buf. Returns 0 when every row was delivered, the callback's value
 * when it stopped, or -1 with err filled (also on allocation failure).
 * *sep (if not NULL) gets the separator used.
 */
int		 csv_parse(const char *buf, size_t len, const struct csv_opts *,
		    csv_row_fn, void *arg, char *sep, struct csv_error *err);


#endif
