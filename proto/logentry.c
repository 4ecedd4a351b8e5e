/* skkd — SPDX-License-Identifier: ISC */
/*
 * The log entry, byte by byte (all integers big-endian):
 *
 *	 0   1	version (1)
 *	 1   1	event (enum log_event)
 *	 2   8	time, unix seconds
 *	10  26	certificate number, ASCII as printed; zero for key events
 *	36   8	job code, ASCII; zero for key events
 *	44   1	level (jenjang 1-9); zero for key events
 *	45   1	status after the event (enum cert_status); zero for keys
 *	46   1	reason (enum log_reason); zero for key events
 *	47   8	key id: the key that signed the certificate's QR message,
 *		or the key the event is about
 *	55  16	issuance batch id (issue only, may be zero); zero otherwise
 *	71  32	SHA-256 of the signed QR message (COSE_Sign1 bytes), or
 *		of the key's raw public key for key events
 *
 * One check serves both directions, so what decodes also encodes.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errf.h"
#include "logentry.h"

#define OFF_EVENT	1
#define OFF_TIME	2
#define OFF_NUMBER	10
#define OFF_JOB		36
#define OFF_LEVEL	44
#define OFF_STATUS	45
#define OFF_REASON	46
#define OFF_KID		47
#define OFF_BATCH	55
#define OFF_DIGEST	71

static const char *log_event_names[LOG_EVENT_MAX] = {
	"?", "issue", "lpjk", "suspend", "reinstate", "revoke", "supersede",
	"resign", "correct", "key-add", "key-rotate", "key-retire",
	"key-compromise"
};

static const char *log_reason_names[LOG_REASON_MAX] = {
	"none", "request", "error", "fraud", "key", "other"
};

static int	log_fail(char *, size_t, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

/* "byte N: " and the message. */
static int
log_fail(char *err, size_t errlen, int off, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	n = snprintf(err, errlen, "byte %d: ", off);
	if (n > 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		verrf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int
log_event_is_key(unsigned event)
{
	return event >= LOG_KEY_ADD && event < LOG_EVENT_MAX;
}

const char *
log_event_name(unsigned event)
{
	return event < LOG_EVENT_MAX ? log_event_names[event] : "?";
}

const char *
log_reason_name(unsigned reason)
{
	return reason < LOG_REASON_MAX ? log_reason_names[reason] : "?";
}

static int
log_is_zero(const uint8_t *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* The status a certificate event must leave; -1: any. */
static int
log_event_status(unsigned event)
{
	switch (event) {
	case LOG_LPJK:
	case LOG_REINSTATE:
		return CERT_ACTIVE;
	case LOG_SUSPEND:
		return CERT_SUSPENDED;
	case LOG_REVOKE:
		return CERT_REVOKED;
	case LOG_SUPERSEDE:
		return CERT_REPLACED;
	default:
		return -1;
	}
}

/* Key events: the certificate fields stay zero. */
static int
log_check_key(const struct log_entry *e, char *err, size_t errlen)
{
	if (e->number[0] != '\0')
		return log_fail(err, errlen, OFF_NUMBER, "number: must be zero "
		    "in a key event");
	if (e->job_code[0] != '\0')
		return log_fail(err, errlen, OFF_JOB, "job code: must be zero "
		    "in a key event");
	if (e->level != 0)
		return log_fail(err, errlen, OFF_LEVEL, "level: must be zero "
		    "in a key event");
	if (e->status != 0)
		return log_fail(err, errlen, OFF_STATUS, "status: must be zero "
		    "in a key event");
	if (e->reason != 0)
		return log_fail(err, errlen, OFF_REASON, "reason: must be zero "
		    "in a key event");
	return 0;
}

static int
log_check_cert(const struct log_entry *e, char *err, size_t errlen)
{
	char	why[CERT_ERR_MAX];
	int	want = log_event_status(e->event);

	if (cert_check_number(e->number, why, sizeof(why)) == -1)
		return log_fail(err, errlen, OFF_NUMBER, "%s", why);
	if (cert_check_job_code(e->job_code, why, sizeof(why)) == -1)
		return log_fail(err, errlen, OFF_JOB, "%s", why);
	if (e->level < 1 || e->level > 9)
		return log_fail(err, errlen, OFF_LEVEL, "level: %u, expected "
		    "1-9", e->level);
	if (e->status >= CERT_STATUS_MAX || (want != -1 && e->status != want) ||
	    (e->event == LOG_ISSUE && e->status > CERT_ACTIVE))
		return log_fail(err, errlen, OFF_STATUS, "status: %u cannot "
		    "follow a%s %s event", e->status, e->event == LOG_ISSUE ?
		    "n" : "", log_event_name(e->event));
	if (e->reason >= LOG_REASON_MAX)
		return log_fail(err, errlen, OFF_REASON, "reason: %u, expected "
		    "0-%d", e->reason, LOG_REASON_MAX - 1);
	return 0;
}

static int
log_check(const struct log_entry *e, char *err, size_t errlen)
{
	if (e->version != LOG_ENTRY_VERSION)
		return log_fail(err, errlen, 0, "version %u, expected %d",
		    e->version, LOG_ENTRY_VERSION);
	if (e->event < LOG_ISSUE || e->event >= LOG_EVENT_MAX)
		return log_fail(err, errlen, OFF_EVENT, "event: %u, expected "
		    "1-%d", e->event, LOG_EVENT_MAX - 1);
	if (e->time > INT64_MAX)
		return log_fail(err, errlen, OFF_TIME, "time: above 2^63");
	if ((log_event_is_key(e->event) ? log_check_key(e, err, errlen) :
	    log_check_cert(e, err, errlen)) == -1)
		return -1;
	if (log_is_zero(e->kid, sizeof(e->kid)))
		return log_fail(err, errlen, OFF_KID, "key id: zero");
	if (e->event != LOG_ISSUE && !log_is_zero(e->batch, sizeof(e->batch)))
		return log_fail(err, errlen, OFF_BATCH, "batch: only an issue "
		    "has one");
	if (log_is_zero(e->digest, sizeof(e->digest)))
		return log_fail(err, errlen, OFF_DIGEST, "digest: zero");
	return 0;
}

/* Copies a fixed-width ASCII field: all zero bytes, or no zero byte. */
static int
log_get_text(const uint8_t *p, size_t len, char *out, int off,
    const char *what, char *err, size_t errlen)
{
	memcpy(out, p, len);
	out[len] = '\0';
	if (!log_is_zero(p, len) && memchr(p, 0, len) != NULL)
		return log_fail(err, errlen, off, "%s: a zero byte inside",
		    what);
	return 0;
}

int
log_entry_encode(const struct log_entry *e, uint8_t out[LOG_ENTRY_LEN],
    char *err, size_t errlen)
{
	int	i;

	if (log_check(e, err, errlen) == -1)
		return -1;
	memset(out, 0, LOG_ENTRY_LEN);
	out[0] = e->version;
	out[OFF_EVENT] = e->event;
	for (i = 0; i < 8; i++)
		out[OFF_TIME + i] = (uint8_t)(e->time >> (56 - 8 * i));
	memcpy(out + OFF_NUMBER, e->number, strlen(e->number));
	memcpy(out + OFF_JOB, e->job_code, strlen(e->job_code));
	out[OFF_LEVEL] = e->level;
	out[OFF_STATUS] = e->status;
	out[OFF_REASON] = e->reason;
	memcpy(out + OFF_KID, e->kid, SIGN_KID_LEN);
	memcpy(out + OFF_BATCH, e->batch, LOG_BATCH_LEN);
	memcpy(out + OFF_DIGEST, e->digest, LOG_DIGEST_LEN);
	return 0;
}

int
log_entry_decode(const uint8_t *buf, size_t len, struct log_entry *e,
    char *err, size_t errlen)
{
	int	i;

	memset(e, 0, sizeof(*e));
	if (len >= 1 && buf[0] != LOG_ENTRY_VERSION)
		return log_fail(err, errlen, 0, "version %u, expected %d",
		    buf[0], LOG_ENTRY_VERSION);
	if (len != LOG_ENTRY_LEN)
		return log_fail(err, errlen, (int)(len < LOG_ENTRY_LEN ? len :
		    LOG_ENTRY_LEN), "entry of %zu bytes, expected %d", len,
		    LOG_ENTRY_LEN);
	e->version = buf[0];
	e->event = buf[OFF_EVENT];
	for (i = 0; i < 8; i++)
		e->time = e->time << 8 | buf[OFF_TIME + i];
	if (log_get_text(buf + OFF_NUMBER, CERT_NUMBER_LEN, e->number,
	    OFF_NUMBER, "number", err, errlen) == -1 ||
	    log_get_text(buf + OFF_JOB, LOG_JOB_LEN, e->job_code, OFF_JOB,
	    "job code", err, errlen) == -1)
		return -1;
	e->level = buf[OFF_LEVEL];
	e->status = buf[OFF_STATUS];
	e->reason = buf[OFF_REASON];
	memcpy(e->kid, buf + OFF_KID, SIGN_KID_LEN);
	memcpy(e->batch, buf + OFF_BATCH, LOG_BATCH_LEN);
	memcpy(e->digest, buf + OFF_DIGEST, LOG_DIGEST_LEN);
	return log_check(e, err, errlen);
}
