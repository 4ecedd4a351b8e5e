/* skkd — SPDX-License-Identifier: ISC */
/*
 * Verification by number or QR. A QR's signature is checked before the
 * store is asked, so a forged code says "bad signature" rather than
 * "unknown number"; status is never taken from the QR, which cannot be
 * revoked (PROTOCOL.md §1.8).
 * A good signature is not enough: the scanned bytes must be the payload
 * issued for that number, since a leaked key signs anything, with any
 * date (PROTOCOL.md §1.6).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "privacy.h"
#include "qrpay.h"
#include "skkd.h"
#include "store.h"
#include "verify.h"

#define VERIFY_EVENTS	32	/* first guess at a certificate's trail */

static void
verify_set(struct verify_result *vr, enum cert_verdict v, enum cert_reason r)
{
	vr->verdict = v;
	vr->reason = r;
}

void
verify_by_number(struct store_rd *rd, const char *number, int64_t now,
    struct verify_result *vr)
{
	int	rc;

	memset(vr, 0, sizeof(*vr));
	vr->match = -1;
	snprintf(vr->number, sizeof(vr->number), "%s", number);
	if (cert_check_number(number, vr->detail, sizeof(vr->detail)) == -1) {
		verify_set(vr, VERDICT_NOT_VALID, REASON_MALFORMED);
		return;
	}
	rc = store_get_cert(rd, number, &vr->cert, NULL, NULL);
	if (rc == STORE_NOTFOUND) {
		verify_set(vr, VERDICT_NOT_VALID, REASON_UNKNOWN_NUMBER);
		return;
	}
	if (rc != STORE_OK) {
		verify_set(vr, VERDICT_UNKNOWN, REASON_UNAVAILABLE);
		return;
	}
	memset(vr->cert.nik_hmac, 0, sizeof(vr->cert.nik_hmac));
	vr->found = 1;
	vr->verdict = cert_verdict(&vr->cert, now, &vr->reason);
}

/*
 * When did skkd resign replace the payload whose SHA-256 is hash? 0 when
 * it never did (or the trail cannot be read: then "does not match").
 */
static int64_t
verify_reprinted_at(struct store_rd *rd, const char *number,
    const uint8_t hash[32])
{
	struct cert_event	*evs = NULL, *p;
	char			 hex[65];
	size_t			 n = 0, max = VERIFY_EVENTS, i;
	int64_t			 at = 0;

	hex_encode(hash, 32, hex);
	for (;;) {
		if ((p = reallocarray(evs, max, sizeof(*evs))) == NULL)
			break;
		evs = p;
		if (store_get_events(rd, number, evs, max, &n) != STORE_OK)
			n = 0;
		if (n <= max)
			break;
		max = n;	/* a long trail: ask again for all of it */
	}
	for (i = 0; i < n && i < max && evs != NULL; i++)
		if (evs[i].kind == EVENT_RESIGN &&
		    strcmp(evs[i].detail, hex) == 0)
			at = evs[i].at;
	free(evs);
	return at;
}

/* The scanned bytes are not the issued payload: replaced, or never issued. */
static void
verify_not_issued(struct store_rd *rd, const uint8_t *cose, size_t len,
    struct verify_result *vr)
{
	uint8_t	hash[32];
	char	day[11];

	vr->found = 0;
	memset(&vr->cert, 0, sizeof(vr->cert));
	if (sign_sha256(cose, len, hash) == 0 &&
	    (vr->reprinted_at = verify_reprinted_at(rd, vr->number,
	    hash)) != 0) {
		date_format(date_today(vr->reprinted_at), day);
		snprintf(vr->detail, sizeof(vr->detail), "card replaced by a "
		    "reprint on %s", day);
		verify_set(vr, VERDICT_NOT_VALID, REASON_REPRINTED);
		return;
	}
	snprintf(vr->detail, sizeof(vr->detail), "does not match the issued "
	    "certificate");
	verify_set(vr, VERDICT_NOT_VALID, REASON_MISMATCH);
}

/* Signature good (e): the issued payload decides, then the live status. */
static void
verify_issued(struct store_rd *rd, const char *text, size_t len,
    const struct qr_claims *cl, enum qrpay_err e, int64_t now,
    struct verify_result *vr)
{
	uint8_t		 cose[QRPAY_MAX_BYTES], *qr = NULL;
	size_t		 clen = 0, qrlen = 0;
	int		 rc;

	memset(vr, 0, sizeof(*vr));
	snprintf(vr->number, sizeof(vr->number), "%s", cl->number);
	rc = store_get_cert(rd, cl->number, &vr->cert, &qr, &qrlen);
	if (rc == STORE_NOTFOUND) {
		verify_set(vr, VERDICT_NOT_VALID, REASON_UNKNOWN_NUMBER);
		return;
	}
	if (rc != STORE_OK || qrpay_bytes(text, len, cose, &clen) !=
	    QRPAY_OK) {
		free(qr);
		memset(&vr->cert, 0, sizeof(vr->cert));
		verify_set(vr, VERDICT_UNKNOWN, REASON_UNAVAILABLE);
		return;
	}
	memset(vr->cert.nik_hmac, 0, sizeof(vr->cert.nik_hmac));
	if (qr == NULL || qrlen != clen || memcmp(qr, cose, clen) != 0) {
		free(qr);
		verify_not_issued(rd, cose, clen, vr);
		return;
	}
	free(qr);
	vr->found = 1;
	vr->verdict = cert_verdict(&vr->cert, now, &vr->reason);
	/* The issued card, but its key leaked: good until skkd resign. */
	if (e == QRPAY_KEY_COMPROMISED) {
		vr->replace_card = 1;
		snprintf(vr->detail, sizeof(vr->detail), "signing key "
		    "compromised: this card must be replaced");
	}
}

void
verify_by_qr(struct store_rd *rd, const char *text, size_t len, int64_t now,
    struct verify_result *vr)
{
	struct qr_claims	 cl;
	enum qrpay_err		 e;
	char			 detail[CERT_ERR_MAX];

	memset(&cl, 0, sizeof(cl));
	e = qrpay_verify(text, len, &skkd->keyring, now, &cl, detail,
	    sizeof(detail));
	if (!qrpay_signed(e)) {
		memset(vr, 0, sizeof(*vr));
		vr->match = -1;
		snprintf(vr->detail, sizeof(vr->detail), "%s", detail);
		/* Never NOT_VALID when the signature could not be checked. */
		verify_set(vr, e == QRPAY_INTERNAL ? VERDICT_UNKNOWN :
		    VERDICT_NOT_VALID, qrpay_reason(e));
		return;
	}
	verify_issued(rd, text, len, &cl, e, now, vr);
}

/* Fields for the issuer's own eyes; `skk show` still has them. */
static void
verify_clear_private(struct cert *ct)
{
	ct->photo_ref[0] = '\0';
	ct->lsp_regno[0] = '\0';
	ct->blank_no[0] = '\0';
	ct->organiser[0] = '\0';
	ct->event[0] = '\0';
	ct->assessed = 0;
	ct->assess_place[0] = '\0';
	ct->nunits = 0;
	memset(ct->units, 0, sizeof(ct->units));
}

void
verify_redact(struct verify_result *vr, enum verify_caller caller,
    const char *name)
{
	char	masked[CERT_NAME_MAX + 1];
	int	hide;

	vr->match = -1;
	if (!vr->found)
		return;
	verify_clear_private(&vr->cert);
	hide = caller == CALLER_ANONYMOUS && vr->cert.status == CERT_PENDING;
	if (hide) {
		/* Not valid yet: nothing of the person until it is. */
		memset(&vr->cert, 0, sizeof(vr->cert));
		vr->found = 0;
		return;
	}
	if (name != NULL)
		vr->match = privacy_name_matches(name, vr->cert.name);
	if (caller == CALLER_ANONYMOUS) {
		privacy_mask_name(vr->cert.name, masked, sizeof(masked));
		memcpy(vr->cert.name, masked, sizeof(masked));
		vr->masked = 1;
	}
}
