/* skkd — SPDX-License-Identifier: ISC */
/*
 * Feeds arbitrary bytes to the issuer descriptor decoder (PROTOCOL.md
 * §6), with the §6.1 log key and with none. It may not crash or leak; a
 * descriptor it accepts must hold what issuer_desc_open promises, and
 * must give a keyring.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "issuer.h"
#include "sign.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct sign_key	*fuzz_key;

static void
fuzz_release(void)
{
	sign_key_free(fuzz_key);
}

static void
fuzz_check(const struct issuer_desc *d)
{
	struct keyring	kr;
	uint8_t		kid[SIGN_KID_LEN];
	size_t		i;

	if (d->host[0] == '\0' || d->nkeys > KEYRING_MAX || d->exp < d->iat ||
	    strncmp(d->status, "https://", 8) != 0)
		abort();
	for (i = 0; i < d->nkeys; i++) {
		sign_kid(d->keys[i].pub, kid);
		if (memcmp(kid, d->keys[i].kid, SIGN_KID_LEN) != 0)
			abort();
	}
	if (issuer_keyring(d, &kr, NULL, 0) == -1)
		abort();
	keyring_release(&kr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct issuer_desc	d;
	uint8_t				seed[SIGN_SEED_LEN];
	char				err[256];

	if (fuzz_key == NULL) {
		memset(seed, 1, sizeof(seed));	/* PROTOCOL.md §6.1 */
		if ((fuzz_key = sign_key_from_seed(seed)) == NULL)
			abort();
		atexit(fuzz_release);
	}
	if (issuer_desc_open(data, len, fuzz_key, &d, err, sizeof(err)) == 0)
		fuzz_check(&d);
	else if (strlen(err) == 0)
		abort();
	if (issuer_desc_open(data, len, NULL, &d, err, sizeof(err)) == 0)
		fuzz_check(&d);
	return 0;
}
