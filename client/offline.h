/* skkd — SPDX-License-Identifier: ISC */
/*
 * Verifying a QR with no network: the issuer's public keys from a file
 * (the PEM skkd init writes, or the text "skk keys --save" writes), the
 * signature, the key's window and the expiry. Status (suspension,
 * revocation) lives only on the server, so a good signature alone is
 * never reported VALID: it is UNKNOWN, reason stale.
 */
#ifndef CLIENT_OFFLINE_H
#define CLIENT_OFFLINE_H

#include <stddef.h>
#include <stdint.h>

#include "qrpay.h"
#include "sign.h"
#include "wire.h"

/* What an offline check found. */
struct offline_result {
	enum qrpay_err		 err;
	struct qr_claims	 claims;	/* filled when the signature is good */
	int			 signed_ok;	/* signature and key are good */
	unsigned		 verdict;	/* enum cert_verdict */
	unsigned		 reason;	/* enum cert_reason */
	char			 detail[256];
};

/*
 * Loads the keys in path into kr (initialised here): a PEM public key
 * (no window), or lines "ed25519 KID KEY FROM TO [COMPROMISED]" (hex,
 * hex, ISO 8601 UTC or "-" for open/never; '#' comments) and one
 * "host HOST[:PORT]" line, the issuer's public host. A key with a
 * compromise time is untrusted for every payload: UNKNOWN, check online.
 * 0, or -1 with "PATH:LINE: reason".
 */
int	offline_load_keys(const char *path, struct keyring *kr, char *err,
	    size_t errlen);

/*
 * Writes the keys of a KEYS answer to path in the text form above, mode
 * 0644, replacing the file. 0, or -1 with a reason in err.
 */
int	offline_save_keys(const char *path, const struct wire_msg *answer,
	    char *err, size_t errlen);

/*
 * The "host" line of a keys file into host: 1, or 0 when the file has
 * none (a PEM key, a file saved before hosts were), or -1 with err.
 */
int	offline_load_host(const char *path, char *host, size_t hostlen,
	    char *err, size_t errlen);

/*
 * The host rule (PROTOCOL.md 1.5): a payload whose signature is good but
 * whose URL names another host than the issuer's becomes NOT VALID,
 * "points to another site". Nothing to do for an empty issuer host or a
 * bare payload.
 */
void	offline_host_rule(struct offline_result *, const char *text,
	    const char *issuer_host);

/* Checks QR text against kr at time now. */
void	offline_verify(const struct keyring *kr, const char *text,
	    int64_t now, struct offline_result *);

#endif
