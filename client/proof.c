/* skkd — SPDX-License-Identifier: ISC */
/*
 * The client's half of a verdict's log proof: what the answer carried,
 * gathered from the wire, and the keys skk.conf pins for it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cert.h"
#include "cosig.h"
#include "errf.h"
#include "proof.h"
#include "qrpay.h"
#include "wire.h"

int
proof_keys_load(struct cmd_ctx *x, const char *k, struct proof_keys *pk)
{
	char		 why[NOTE_ERR_MAX], *end;
	unsigned long	 n = 0;
	size_t		 i;

	memset(pk, 0, sizeof(*pk));
	if (k != NULL && *k != '\0') {
		n = strtoul(k, &end, 10);
		if (*k < '0' || *k > '9' || *end != '\0' || n > 1000)
			return session_fail(x, EX_USAGE, "verify: --witnesses: "
			    "'%s' is not a number of witnesses", k);
		if (n > x->conf.nwitness)
			return session_fail(x, EX_CONFIG, "verify: --witnesses "
			    "%lu, but %s names %zu witness_key", n,
			    x->conf.path, x->conf.nwitness);
	}
	pk->k = n;
	if (x->conf.log_key[0] == '\0')
		return session_fail(x, EX_CONFIG, "verify: --proof needs the "
		    "issuer's log key: set log_key in %s", x->conf.path);
	if (note_vkey_parse(x->conf.log_key, &pk->log, why,
	    sizeof(why)) == -1)
		return session_fail(x, EX_CONFIG, "%s: log_key: %s",
		    x->conf.path, why);
	for (i = 0; i < x->conf.nwitness; i++) {
		if (cosig_vkey_parse(x->conf.witness_key[i],
		    &pk->witness[i], why, sizeof(why)) == -1) {
			proof_keys_free(pk);
			return session_fail(x, EX_CONFIG, "%s: witness_key: %s",
			    x->conf.path, why);
		}
		pk->nwitness++;
	}
	return 0;
}

void
proof_keys_free(struct proof_keys *pk)
{
	size_t	i;

	note_key_release(&pk->log);
	for (i = 0; i < pk->nwitness; i++)
		note_key_release(&pk->witness[i]);
	pk->nwitness = 0;
}

/* The answer's proof fields into p; -1 with what is missing. */
static int
proof_read(const struct wire_msg *it, struct logproof *p, char *err,
    size_t errlen)
{
	const uint8_t	*b;
	size_t		 len;

	memset(p, 0, sizeof(*p));
	if (!wire_has(it, WK_LOGENTRY))
		return errf(err, errlen, "the answer carries no log proof "
		    "(no log entry for this certificate)");
	if (wire_get_bytes(it, WK_PROOF, &b, &len) == -1 ||
	    len % MERKLE_HASH_LEN != 0 || len / MERKLE_HASH_LEN >
	    MERKLE_PROOF_MAX)
		return errf(err, errlen, "proof: not a list of %d-byte "
		    "hashes", MERKLE_HASH_LEN);
	p->proof = (const uint8_t (*)[MERKLE_HASH_LEN])b;
	p->n = len / MERKLE_HASH_LEN;
	if (wire_get_uint(it, WK_LOGINDEX, &p->index) == -1 ||
	    wire_get_uint(it, WK_LOGSIZE, &p->size) == -1 ||
	    wire_get_bytes(it, WK_LOGENTRY, &p->entry, &p->entrylen) == -1)
		return errf(err, errlen, "the answer's log proof lacks its "
		    "index, tree size or entry");
	return 0;
}

int
proof_check_item(const struct proof_keys *pk, const struct wire_msg *it,
    const char *query, struct logproof *p, struct logproof_result *r,
    char *err, size_t errlen)
{
	struct logproof_want	 w;
	uint8_t			 cose[QRPAY_MAX_BYTES], digest[32];
	char			 number[CERT_NUMBER_LEN + 1];
	char			*ckpt = NULL;
	size_t			 len;
	int			 rc;

	memset(&w, 0, sizeof(w));
	if (proof_read(it, p, err, errlen) == -1)
		return -1;
	if (qrpay_is_qr_text(query)) {
		if (qrpay_bytes(query, strlen(query), cose, &len) != QRPAY_OK ||
		    sign_sha256(cose, len, digest) == -1)
			return errf(err, errlen, "the QR's signed message "
			    "cannot be read");
		w.digest = digest;
		if (wire_get_str(it, WK_NUMBER, number, sizeof(number)) == -1)
			return errf(err, errlen, "the answer names no "
			    "certificate");
	} else if (cert_normalize_number(query, number, sizeof(number)) == -1)
		return errf(err, errlen, "'%s' is not a certificate number",
		    query);
	/* The checkpoint is text: as a C string, no NUL inside. */
	if ((ckpt = malloc(NOTE_SIZE_MAX + 1)) == NULL)
		return errf(err, errlen, "out of memory");
	if (wire_get_str(it, WK_CHECKPOINT, ckpt, NOTE_SIZE_MAX + 1) == -1) {
		free(ckpt);
		return errf(err, errlen, "checkpoint: missing, or not text");
	}
	p->ckpt = ckpt;
	p->ckptlen = strlen(ckpt);
	w.log = &pk->log;
	w.witnesses = pk->witness;
	w.nwitnesses = pk->nwitness;
	w.k = pk->k;
	w.number = number;
	rc = logproof_check(p, &w, r, err, errlen);
	free(ckpt);
	p->ckpt = NULL;
	return rc;
}
