/* skkd — SPDX-License-Identifier: ISC */
/*
 * "skk record-lpjk --csv FILE": LPJK registration numbers in bulk, all
 * recorded in one transaction or none, problems reported by line.
 */
#ifndef CLIENT_LPJK_H
#define CLIENT_LPJK_H

#include "args.h"

/* record-lpjk's form chosen by --csv; cmd.c's table lists it. */
extern const struct cmd_form	lpjk_csv_form;

#endif
