/* skkd — SPDX-License-Identifier: ISC */
/*
 * One entry of the transparency log: a fixed 103-byte record of a write
 * to a certificate or a signing key (PROTOCOL.md §4.1). It holds no
 * personal data: no name, no NIK, no NIK HMAC, nothing per holder. The
 * digest ties a certificate entry to the exact signed QR message, so a
 * holder can show their card is in the log and nobody can confirm a
 * guessed name from the log. Pure: encode and decode only.
 */
#ifndef PROTO_LOGENTRY_H
#define PROTO_LOGENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "cert.h"
#include "sign.h"

#define LOG_ENTRY_VERSION	1
#define LOG_ENTRY_LEN		103
#define LOG_JOB_LEN		8
#define LOG_BATCH_LEN		16
#define LOG_DIGEST_LEN		32

enum log_event {
	LOG_ISSUE = 1,		/* a certificate issued */
	LOG_LPJK,		/* LPJK registration recorded */
	LOG_SUSPEND,
	LOG_REINSTATE,
	LOG_REVOKE,
	LOG_SUPERSEDE,		/* replaced by a renewal or an upgrade */
	LOG_RESIGN,		/* signed again: a new QR message */
	LOG_CORRECT,		/* a correction of its data */
	LOG_KEY_ADD,		/* key events: the signing keys */
	LOG_KEY_ROTATE,		/* this key became the signing key */
	LOG_KEY_RETIRE,
	LOG_KEY_COMPROMISE,
	LOG_EVENT_MAX
};

enum log_reason {
	LOG_REASON_NONE = 0,
	LOG_REASON_REQUEST,	/* asked for by the holder or employer */
	LOG_REASON_ERROR,	/* issued in error or with wrong data */
	LOG_REASON_FRAUD,	/* assessment or documents not genuine */
	LOG_REASON_KEY,		/* its signing key was compromised */
	LOG_REASON_OTHER,
	LOG_REASON_MAX
};

struct log_entry {
	uint8_t		version;
	uint8_t		event;				/* enum log_event */
	uint64_t	time;				/* unix seconds */
	char		number[CERT_NUMBER_LEN + 1];	/* "" for keys */
	char		job_code[LOG_JOB_LEN + 1];	/* "" for keys */
	uint8_t		level;				/* jenjang, 1-9 */
	uint8_t		status;		/* enum cert_status after it */
	uint8_t		reason;				/* enum log_reason */
	uint8_t		kid[SIGN_KID_LEN];
	uint8_t		batch[LOG_BATCH_LEN];	/* issue only; else zero */
	uint8_t		digest[LOG_DIGEST_LEN];	/* SHA-256 of the COSE_Sign1,
						   or of a key's public key */
};

/*
 * Checks the entry and writes its LOG_ENTRY_LEN bytes; 0, or -1 with
 * "byte N: field: reason" in err (N: the field's offset).
 */
int		 log_entry_encode(const struct log_entry *,
		    uint8_t out[LOG_ENTRY_LEN], char *err, size_t errlen);
/* The reverse, as strict; the result passes log_entry_encode. */
int		 log_entry_decode(const uint8_t *buf, size_t len,
		    struct log_entry *, char *err, size_t errlen);

int		 log_event_is_key(unsigned event);
/* Stable lower-case names ("issue", "key-retire", ...); "?" if unknown. */
const char	*log_event_name(unsigned event);
const char	*log_reason_name(unsigned reason);

#endif
