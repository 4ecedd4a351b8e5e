/* skkd — SPDX-License-Identifier: ISC */
/*
 * Feeds arbitrary bytes to the QR payload decoders: as text (URL or bare
 * base32) to qrpay_verify against a keyring holding the PROTOCOL.md §2
 * key, and as raw COSE bytes to qrpay_decode. Neither may crash, leak or
 * accept what the key did not sign.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qrpay.h"
#include "sign.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* RFC 8032 §7.1 TEST 1's public key, the vector's key. */
static const uint8_t fuzz_pub[SIGN_PUB_LEN] = {
	0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7,
	0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
	0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25,
	0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
};

static struct keyring	fuzz_kr;
static int		fuzz_ready;

static void
fuzz_release(void)
{
	keyring_release(&fuzz_kr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct qr_claims	 c;
	char			 detail[256];
	enum qrpay_err		 e;

	if (!fuzz_ready) {
		keyring_init(&fuzz_kr);
		if (keyring_add(&fuzz_kr, sign_key_from_public(fuzz_pub), 0,
		    0) == -1)
			abort();
		atexit(fuzz_release);
		fuzz_ready = 1;
	}
	e = qrpay_verify((const char *)data, len, &fuzz_kr, 1765756800, &c,
	    detail, sizeof(detail));
	if (e == QRPAY_OK && (c.jenjang < 1 || c.jenjang > 9 ||
	    strlen(c.name) == 0 || c.exp <= c.iat))
		abort();
	if (strlen(detail) >= sizeof(detail) || qrpay_strerror(e) == NULL)
		abort();
	e = qrpay_decode(data, len, &c, detail, sizeof(detail));
	if (e == QRPAY_OK && (c.jenjang < 1 || c.jenjang > 9))
		abort();
	return 0;
}
