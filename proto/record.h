/* skkd — SPDX-License-Identifier: ISC */
/*
 * Canonical CBOR encoding of a certificate record (RFC 8949 §4.2.1
 * deterministic encoding), versioned. Used by the store and the wire.
 */
#ifndef PROTO_RECORD_H
#define PROTO_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "cert.h"

#define RECORD_VERSION	1	/* bump when the map keys or meanings change */

/*
 * Encodes c into a newly malloc'd buffer (*out, *outlen); the caller frees
 * it. Same record, same bytes. Returns 0, or -1 on allocation failure.
 */
int	record_encode(const struct cert *c, uint8_t **out, size_t *outlen);

/*
 * Decodes any byte string into c (zeroed first). Total: on malformed input
 * or a wrong version it writes a reason to err and returns -1. The result
 * is not validated: call cert_validate() when the source is not trusted.
 */
int	record_decode(const uint8_t *buf, size_t len, struct cert *c,
	    char *err, size_t errlen);

/* One entry of the append-only audit trail. */
enum event_kind {
	EVENT_ISSUE = 1,
	EVENT_STATUS,		/* suspend, revoke, reinstate */
	EVENT_LPJK,		/* LPJK number recorded: PENDING -> ACTIVE */
	EVENT_RENEW,		/* on the old certificate: replaced by next */
	EVENT_RESIGN,		/* re-signed (skkd resign): detail holds the
				   hex SHA-256 of the payload it replaced */
	EVENT_BLANK,		/* printed on the blank form in detail */
	EVENT_BLANK_VOID,	/* that blank form spoiled: detail, reason */
	EVENT_CORRECT,		/* on the old certificate: replaced by the
				   corrected one, its number in detail */
	EVENT_CORRECT_REQUEST,	/* a correction asked for; detail: when */
	EVENT_KIND_MAX
};

struct cert_event {
	uint64_t	seq;			/* global, increasing */
	int64_t		at;			/* unix seconds */
	char		number[CERT_NUMBER_LEN + 1];
	uint8_t		kind;			/* enum event_kind */
	uint8_t		status;			/* status after the event */
	char		actor[CERT_TEXT_MAX + 1];	/* admin cert subject */
	char		serial[CERT_SHORT_MAX + 1];	/* admin cert serial, hex */
	char		reason[CERT_TEXT_MAX + 1];
	char		detail[CERT_TEXT_MAX + 1];	/* LPJK no., successor */
};

/* Same contracts as record_encode/record_decode. */
int	event_encode(const struct cert_event *, uint8_t **out, size_t *outlen);
int	event_decode(const uint8_t *buf, size_t len, struct cert_event *,
	    char *err, size_t errlen);
const char *event_kind_name(enum event_kind);

#endif
