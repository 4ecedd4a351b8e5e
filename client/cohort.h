/* skkd — SPDX-License-Identifier: ISC */
/*
 * Whole cohorts and whole crews from CSV files: "skk issue --csv" checks
 * every row locally, then issues the file as one batch (one transaction,
 * idempotent per row); "skk verify --csv" checks a column of numbers or
 * QR texts over one connection and writes a CSV of verdicts.
 */
#ifndef CLIENT_COHORT_H
#define CLIENT_COHORT_H

#include "cmd.h"

#define COHORT_CHUNK		2000		/* rows per ISSUE frame */
#define COHORT_FILE_MAX		(512u * 1024 * 1024)
#define COHORT_PROGRESS_MIN	300		/* rows before a progress bar */
#define COHORT_QR_WINDOW	256		/* QR image requests in flight */

/* Whether argv asks for the CSV form (has --csv). */
int	cohort_wanted(int argc, char **argv);

/* The commands; exit status as cmd_main documents. */
int	cohort_issue(struct cmd_ctx *, int argc, char **argv);
int	cohort_verify(struct cmd_ctx *, int argc, char **argv);

/*
 * Writes field to f as one CSV field: quoted when needed, and with a
 * leading "'" when a spreadsheet would read it as a formula.
 */
void	cohort_csv_field(FILE *f, const char *field);

#endif
