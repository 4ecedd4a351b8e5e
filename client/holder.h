/* skkd — SPDX-License-Identifier: ISC */
/*
 * "skk holder-report --nik NIK -o FILE.json": the holder's own record
 * (UU 27/2022 Art. 32) as the server signs it: FILE.json and, beside
 * it, FILE.json.cose, a COSE_Sign1 by the log key whose payload is
 * exactly the bytes of FILE.json. -o FILE.pdf writes those two and a
 * readable A4 rendering of them.
 */
#ifndef CLIENT_HOLDER_H
#define CLIENT_HOLDER_H

#include "args.h"

extern const struct cmd_form	holder_form;

#endif
