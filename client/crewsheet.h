/* skkd — SPDX-License-Identifier: ISC */
/*
 * The crew of "skk verify --csv" (crew.c) and how its sheet is read
 * (crewsheet.c): the columns named in the header, a NIK refused before
 * anything is sent, each row's query, issuer hint and name.
 */
#ifndef CLIENT_CREWSHEET_H
#define CLIENT_CREWSHEET_H

#include <stdint.h>
#include <stdio.h>

#include "cert.h"
#include "cmd.h"
#include "trust.h"

#define CREW_ISSUERS	64	/* issuers the summary names one by one */

/* One issuer's part of the summary. */
struct crew_tally {
	char		host[TRUST_HOST_MAX];
	size_t		counts[3];
	int64_t		as_of;		/* oldest seen; 0 none */
};

struct crew {
	struct cmd_ctx	 *x;
	const char	 *path;
	char		**q;		/* queries */
	char		**hint;		/* issuer column, or NULL */
	char		**name;		/* name column, or NULL */
	size_t		 *lines;
	size_t		  n, cap;
	int		  col;		/* -1 until the first row is seen */
	int		  icol, ncol;	/* issuer and name columns, or -1 */
	int		  status;
	size_t		  counts[3];
	size_t		  reasons[REASON_MAX];
	size_t		  unmatched;	/* names that did not match */
	struct crew_tally tally[CREW_ISSUERS];
	size_t		  ntally;
	char		  own[TRUST_HOST_MAX];	/* the server's public host */
	FILE		 *out;
};

/*
 * sheet_read's row callback (arg: the crew): the header's columns from
 * the first row, then one query per row; a cell of 16 digits is a NIK
 * and stops everything. 0, or the exit status (also in cw->status).
 */
int	crew_row_cb(void *arg, size_t line, char **fields, size_t n);

#endif
