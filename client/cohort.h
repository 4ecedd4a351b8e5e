/* skkd — SPDX-License-Identifier: ISC */
/*
 * Whole cohorts from CSV files: "skk issue --csv" checks every row
 * locally, then issues the file as one batch (one transaction,
 * idempotent per row), and can write issued.csv and the QR images.
 */
#ifndef CLIENT_COHORT_H
#define CLIENT_COHORT_H

#include "args.h"

/* issue's form chosen by --csv; cmd.c's table lists it. */
extern const struct cmd_form	cohort_issue_form;

#endif
