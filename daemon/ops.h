/* skkd — SPDX-License-Identifier: ISC */
/*
 * Write operations of the companion protocol (admin only). Each checks
 * the request on the loop, runs on the writer thread and answers after
 * the commit. The handlers do not take ownership of msg.
 */
#ifndef DAEMON_OPS_H
#define DAEMON_OPS_H

#include <stdint.h>

#include "cert.h"
#include "conn.h"

void	ops_issue(struct conn *, const struct wire_msg *,
	    const struct tls_peer *);
void	ops_set_status(struct conn *, const struct wire_msg *,
	    const struct tls_peer *);
void	ops_record_lpjk(struct conn *, const struct wire_msg *,
	    const struct tls_peer *);
void	ops_renew(struct conn *, const struct wire_msg *,
	    const struct tls_peer *);

/* HMAC-SHA256 of a NIK under the instance's secret (the NIK index). */
/* 0, or -1 when OpenSSL fails (the request must then be refused). */
int	ops_nik_hmac(const char *nik, uint8_t out[CERT_HMAC_LEN]);

#endif
