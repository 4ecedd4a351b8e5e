/* skkd — SPDX-License-Identifier: ISC */
/*
 * HOLDER_REPORT (UU 27/2022 Art. 32): everything kept about one person,
 * found by NIK: each certificate, each event of it with the admin
 * certificate that made it, and who checked it (checks.h). The answer
 * is a JSON document and a COSE_Sign1 of it by the log key
 * (PROTOCOL.md §3.16).
 */
#ifndef DAEMON_HOLDER_H
#define DAEMON_HOLDER_H

#include "wire.h"

#define HOLDER_KEYS	WK_BIT(WK_NIK)
#define HOLDER_TYP	"application/skk-holder-report+json"

struct conn;
struct tls_peer;

void	holder_report(struct conn *, const struct wire_msg *,
	    const struct tls_peer *);

#endif
