/* skkd — SPDX-License-Identifier: ISC */
/*
 * skk audit URL: checks a published transparency log against the last
 * checkpoint seen (kept in a state file) and prints the issuance report.
 * The reading of the log is auditlog.c, its rules auditrules.c.
 */
#ifndef CLIENT_AUDIT_H
#define CLIENT_AUDIT_H

#include "args.h"

/* Exit statuses besides 0 (consistent) and the sysexits of usage. */
#define AUDIT_INCONSISTENT	1	/* proven: evidence saved */
#define AUDIT_VIOLATIONS	2	/* consistent, but rules broken */
#define AUDIT_BADSIG		3	/* not signed by the log key */
#define AUDIT_BADDATA		4	/* files not matching the checkpoint */
#define AUDIT_UNAVAILABLE	5	/* could not be fetched */

extern const struct cmd_form	cmd_audit_form;

#endif
