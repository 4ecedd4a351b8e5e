/* skkd — SPDX-License-Identifier: ISC */
/*
 * The commands that only read: verify by number or QR text (many,
 * pipelined), show, find, keys and stats. cmd.c's table lists the forms.
 */
#ifndef CLIENT_CMD_READ_H
#define CLIENT_CMD_READ_H

#include "args.h"

extern const struct cmd_form	cmd_verify_form;
extern const struct cmd_form	cmd_show_form;
extern const struct cmd_form	cmd_find_form;
extern const struct cmd_form	cmd_keys_form;
extern const struct cmd_form	cmd_stats_form;

#endif
