/* skkd — SPDX-License-Identifier: ISC */
/*
 * Feeds arbitrary bytes to the trust list decoders (PROTOCOL.md §7): as
 * a signed list, with the §7.3 registry key and with none, and as the
 * registry's text form. They may not crash or leak; what they accept
 * must be lists of checked entries.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sign.h"
#include "trustlist.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct sign_key	*fuzz_key;

static void
fuzz_release(void)
{
	sign_key_free(fuzz_key);
}

static void
fuzz_check(const struct trustlist *tl)
{
	size_t	i;

	if (tl->n > TL_ISSUERS_MAX || (tl->n > 0 && tl->v == NULL))
		abort();
	for (i = 0; i < tl->n; i++)
		if (tl_issuer_check(&tl->v[i], NULL, 0) == -1)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct trustlist	tl;
	uint8_t			seed[SIGN_SEED_LEN];
	char			err[256];

	if (fuzz_key == NULL) {
		memset(seed, 3, sizeof(seed));	/* PROTOCOL.md §7.3 */
		if ((fuzz_key = sign_key_from_seed(seed)) == NULL)
			abort();
		atexit(fuzz_release);
	}
	if (trustlist_open(data, len, fuzz_key, 1796000000, &tl, err,
	    sizeof(err)) == 0)
		fuzz_check(&tl);
	trustlist_release(&tl);
	if (trustlist_open(data, len, NULL, 0, &tl, err, sizeof(err)) == 0)
		fuzz_check(&tl);
	else if (strlen(err) == 0)
		abort();
	trustlist_release(&tl);
	trustlist_init(&tl);
	if (trustlist_parse_text((const char *)data, len, &tl, err,
	    sizeof(err)) == 0)
		fuzz_check(&tl);
	else if (strncmp(err, "line ", 5) != 0 && strncmp(err, "longer", 6)
	    != 0 && strcmp(err, "out of memory") != 0)
		abort();
	trustlist_release(&tl);
	return 0;
}
