/* skkd — SPDX-License-Identifier: ISC */
/*
 * Corrections of a certificate's data (admin only, PROTOCOL.md §3.7):
 * CORRECT issues the corrected certificate and replaces the old one in
 * one transaction, CORRECT_REQUEST records that a correction was asked
 * for, CORRECTIONS lists the requests. Writes are checked on the loop,
 * run on the writer thread and answered after the commit; msg stays the
 * caller's.
 */
#ifndef DAEMON_CORRECT_H
#define DAEMON_CORRECT_H

#include "conn.h"

/* The fields each request may hold besides TYPE and ID. */
#define CORRECT_KEYS		(WK_BIT(WK_NUMBER) | WK_BIT(WK_RECORD) | \
				    WK_BIT(WK_REASON) | WK_BIT(WK_REQUESTED))
#define CORRECT_ASK_KEYS	(WK_BIT(WK_NUMBER) | WK_BIT(WK_REASON) | \
				    WK_BIT(WK_REQUESTED))

void	correct_request(struct conn *, const struct wire_msg *msg,
	    const struct tls_peer *);
void	correct_ask(struct conn *, const struct wire_msg *msg,
	    const struct tls_peer *);
void	correct_list(struct conn *, const struct wire_msg *msg,
	    const struct tls_peer *);

#endif
