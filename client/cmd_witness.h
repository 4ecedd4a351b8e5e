/* skkd — SPDX-License-Identifier: ISC */
/*
 * `skk witness`: a witness of c2sp.org/tlog-witness for one or more logs
 * (serve), and the making of one (init). The HTTP side is libevent's
 * evhttp, in cmd_witness.c only; configuration and state are wstate.c's,
 * the checks proto/witness.c's. See skk(1).
 */
#ifndef CLIENT_CMD_WITNESS_H
#define CLIENT_CMD_WITNESS_H

#include "args.h"

extern const struct cmd_form witness_form;

#endif
