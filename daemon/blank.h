/* skkd — SPDX-License-Identifier: ISC */
/*
 * The numbered blank forms certificates are printed on (admin only):
 * BLANK records, in one transaction, which form each certificate went
 * onto and which forms were spoiled. A form is used once: printed on,
 * or void. Each use is an event in the certificate's audit trail (not a
 * transparency log entry: no status changes). msg stays the caller's.
 */
#ifndef DAEMON_BLANK_H
#define DAEMON_BLANK_H

#include "conn.h"

#define BLANK_KEYS	WK_BIT(WK_ITEMS)

void	blank_request(struct conn *, const struct wire_msg *msg,
	    const struct tls_peer *);

#endif
