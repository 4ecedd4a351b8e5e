/* skkd — SPDX-License-Identifier: ISC */
/*
 * Verification by number or QR. A QR's signature is checked before the
 * store is asked, so a forged code says "bad signature" rather than
 * "unknown number"; status is never taken from the QR (DESIGN.md §4).
 */

#include <stdio.h>
#include <string.h>

#include "privacy.h"
#include "qrpay.h"
#include "skkd.h"
#include "store.h"
#include "verify.h"

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
	if (e != QRPAY_OK && e != QRPAY_EXPIRED && e != QRPAY_NOT_YET_VALID) {
		memset(vr, 0, sizeof(*vr));
		vr->match = -1;
		snprintf(vr->detail, sizeof(vr->detail), "%s", detail);
		/* Never NOT_VALID when the signature could not be checked. */
		verify_set(vr, e == QRPAY_INTERNAL ? VERDICT_UNKNOWN :
		    VERDICT_NOT_VALID, qrpay_reason(e));
		return;
	}
	/* The signature is good: the store knows the live status. */
	verify_by_number(rd, cl.number, now, vr);
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
