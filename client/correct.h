/* skkd — SPDX-License-Identifier: ISC */
/*
 * Corrections: "skk correct" (the corrected certificate replaces the
 * old one), "skk correct --request" (a request recorded before it is
 * done) and "skk corrections" (the requests and their age). cmd.c's
 * table lists the forms.
 */
#ifndef CLIENT_CORRECT_H
#define CLIENT_CORRECT_H

#include "args.h"

extern const struct cmd_form	correct_form;
extern const struct cmd_form	correct_ask_form;
extern const struct cmd_form	corrections_form;

#endif
