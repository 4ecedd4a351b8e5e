/* skkd — SPDX-License-Identifier: ISC */
/*
 * The commands that change certificates, one at a time: issue, renew,
 * suspend, revoke, reinstate and record-lpjk (cohorts: cohort.h). Each
 * form's handler checks its arguments the way the daemon will before it
 * connects; cmd.c's table lists the forms.
 */
#ifndef CLIENT_CMD_WRITE_H
#define CLIENT_CMD_WRITE_H

#include "args.h"

extern const struct cmd_form	cmd_issue_form;
extern const struct cmd_form	cmd_renew_form;
extern const struct cmd_form	cmd_suspend_form;
extern const struct cmd_form	cmd_revoke_form;
extern const struct cmd_form	cmd_reinstate_form;
extern const struct cmd_form	cmd_record_lpjk_form;

#endif
