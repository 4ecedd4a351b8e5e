/* skkd — SPDX-License-Identifier: ISC */
/*
 * proof.sh's checker of saved verdict answers: the "log" object of an
 * HTTPS JSON verdict, checked with proto/logproof (the code behind
 * `skk verify --proof`), so the script can alter an answer (entry,
 * proof, checkpoint) or add a witness's cosignature and see the check
 * hold or fail.
 *
 *   proofcheck ANSWER.json LOGVKEY NUMBER|QR K [WITNESS-VKEY...]
 *
 * Exit 0 and "ok index I size S witnesses W", or 1 and "refused: why".
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base64.h"
#include "cosig.h"
#include "logproof.h"
#include "qrpay.h"

#define MAXW	8

static void
die(const char *why)
{
	printf("refused: %s\n", why);
	exit(1);
}

/* The base64 string into out (cap bytes); its length. */
static size_t
b64(json_t *s, uint8_t *out, size_t cap, const char *what)
{
	ssize_t	n;
	size_t	bad;

	if (!json_is_string(s) || (n = base64_decode(json_string_value(s),
	    strlen(json_string_value(s)), out, cap, &bad)) < 0)
		die(what);
	return (size_t)n;
}

int
main(int argc, char **argv)
{
	static uint8_t		 proof[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
	struct note_key		 log, w[MAXW];
	struct logproof		 p;
	struct logproof_want	 want;
	struct logproof_result	 r;
	json_t			*root, *lg, *h;
	json_error_t		 je;
	uint8_t			 entry[LOG_ENTRY_LEN + 8];
	uint8_t			 cose[QRPAY_MAX_BYTES], digest[32];
	char			 err[LOGPROOF_ERR_MAX];
	size_t			 i, len;
	int			 nw;

	if (argc < 5 || argc - 5 > MAXW) {
		fprintf(stderr, "usage: proofcheck ANSWER LOGVKEY ITEM K "
		    "[WVKEY...]\n");
		return 2;
	}
	if ((root = json_load_file(argv[1], 0, &je)) == NULL)
		die(je.text);
	if ((lg = json_object_get(root, "log")) == NULL)
		die("no log object");
	if (note_vkey_parse(argv[2], &log, err, sizeof(err)) == -1)
		die(err);
	for (nw = 0; nw < argc - 5; nw++)
		if (cosig_vkey_parse(argv[5 + nw], &w[nw], err,
		    sizeof(err)) == -1)
			die(err);
	memset(&p, 0, sizeof(p));
	p.index = json_integer_value(json_object_get(lg, "index"));
	p.size = json_integer_value(json_object_get(lg, "tree_size"));
	p.entry = entry;
	p.entrylen = b64(json_object_get(lg, "entry"), entry, sizeof(entry),
	    "entry: not base64");
	json_array_foreach(json_object_get(lg, "proof"), i, h) {
		if (i >= MERKLE_PROOF_MAX || b64(h, proof[i], MERKLE_HASH_LEN,
		    "proof: not base64") != MERKLE_HASH_LEN)
			die("proof: not a list of hashes");
		p.n = i + 1;
	}
	p.proof = (const uint8_t (*)[MERKLE_HASH_LEN])proof;
	if (!json_is_string(json_object_get(lg, "checkpoint")))
		die("no checkpoint");
	p.ckpt = json_string_value(json_object_get(lg, "checkpoint"));
	p.ckptlen = strlen(p.ckpt);
	memset(&want, 0, sizeof(want));
	want.log = &log;
	want.witnesses = w;
	want.nwitnesses = (size_t)nw;
	want.k = strtoul(argv[4], NULL, 10);
	want.number = argv[3];
	if (qrpay_is_qr_text(argv[3])) {
		if (qrpay_bytes(argv[3], strlen(argv[3]), cose, &len) !=
		    QRPAY_OK || sign_sha256(cose, len, digest) == -1)
			die("bad QR");
		want.digest = digest;
		if (!json_is_string(json_object_get(json_object_get(root,
		    "certificate"), "number")))
			die("no certificate number");
		want.number = json_string_value(json_object_get(
		    json_object_get(root, "certificate"), "number"));
	}
	if (logproof_check(&p, &want, &r, err, sizeof(err)) == -1)
		die(err);
	printf("ok index %llu size %llu witnesses %zu\n",
	    (unsigned long long)p.index, (unsigned long long)p.size,
	    r.witnesses);
	note_key_release(&log);
	while (nw > 0)
		note_key_release(&w[--nw]);
	json_decref(root);
	return 0;
}
