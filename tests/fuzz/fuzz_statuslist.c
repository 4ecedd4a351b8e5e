/* skkd — SPDX-License-Identifier: ISC */
/*
 * Feeds arbitrary bytes to the status list and number map decoders
 * (PROTOCOL.md §5): as whole tokens checked with the §5.5 log key, and,
 * since a mutated token rarely keeps its signature, as the claims of a
 * token the harness signs with that key, so that the claims, the zlib
 * inflation and the unpacking are reached with any bytes. They may not
 * crash or leak; what they accept must hold what the header promises:
 * a list of at most SL_PER_LIST entries, number records in order.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cose.h"
#include "sign.h"
#include "statuslist.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct sign_key	*fuzz_key;

static void
fuzz_release(void)
{
	sign_key_free(fuzz_key);
}

static void
fuzz_list(const uint8_t *buf, size_t len)
{
	struct sl_list	l;
	char		err[256];
	uint32_t	i;

	memset(&l, 0, sizeof(l));
	if (sl_open(buf, len, fuzz_key, NULL, 0, &l, err, sizeof(err)) == 0) {
		if (l.count > SL_PER_LIST || (l.count > 0 && l.packed == NULL))
			abort();
		for (i = 0; i < l.count; i++)
			if (sl_list_get(&l, i) > 0xf)
				abort();
		(void)sl_list_get(&l, (uint64_t)l.count + 1);
	} else if (err[0] == '\0')
		abort();
	sl_list_release(&l);
}

static void
fuzz_numbers(const uint8_t *buf, size_t len)
{
	struct sl_numbers	nm;
	char			err[256];
	uint32_t		idx;
	size_t			i;

	memset(&nm, 0, sizeof(nm));
	if (sl_numbers_open(buf, len, fuzz_key, NULL, 0, &nm, err,
	    sizeof(err)) == 0) {
		for (i = 1; i < nm.count; i++)
			if (memcmp(nm.recs + (i - 1) * SL_NUMREC_LEN,
			    nm.recs + i * SL_NUMREC_LEN, SL_NUM_DIGITS) >= 0)
				abort();
		(void)sl_numbers_find(&nm, "42101 8342 3 00000001 2026", &idx);
	} else if (err[0] == '\0')
		abort();
	sl_numbers_release(&nm);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint8_t		 seed[SIGN_SEED_LEN], *tok;
	size_t		 toklen;

	if (fuzz_key == NULL) {
		memset(seed, 1, sizeof(seed));	/* PROTOCOL.md §5.5 */
		if ((fuzz_key = sign_key_from_seed(seed)) == NULL)
			abort();
		atexit(fuzz_release);
	}
	fuzz_list(data, len);
	fuzz_numbers(data, len);
	if (cose_sign1_make(fuzz_key, COSE_TYP_STATUS, data, len, &tok,
	    &toklen) == 0) {
		fuzz_list(tok, toklen);
		free(tok);
	}
	if (cose_sign1_make(fuzz_key, COSE_TYP_NUMBERS, data, len, &tok,
	    &toklen) == 0) {
		fuzz_numbers(tok, toklen);
		free(tok);
	}
	return 0;
}
