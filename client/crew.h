/* skkd — SPDX-License-Identifier: ISC */
/*
 * Whole crews from CSV files: "skk verify --csv" checks a column of
 * numbers or QR texts over one connection and writes a CSV of verdicts.
 */
#ifndef CLIENT_CREW_H
#define CLIENT_CREW_H

#include "args.h"

/* verify's form chosen by --csv; cmd.c's table lists it. */
extern const struct cmd_form	crew_verify_form;

#endif
