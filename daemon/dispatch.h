/* skkd — SPDX-License-Identifier: ISC */
/* Companion-protocol request handlers, chosen through one table. */
#ifndef DAEMON_DISPATCH_H
#define DAEMON_DISPATCH_H

#include "conn.h"
#include "wire.h"

/*
 * Handles one decoded request (after HELLO); takes ownership of msg. The
 * answer goes out through conn_reply, now or after a commit.
 */
void	dispatch_request(struct conn *, struct wire_msg *msg);
/* The HELLO exchange; -1 when the connection must close. */
int	dispatch_hello(struct conn *, struct wire_msg *msg);

#endif
