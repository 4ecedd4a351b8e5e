/* skkd — SPDX-License-Identifier: ISC */
/*
 * Fuzzes the configuration syntax (proto/kv.c) with a callback that does
 * what daemon/conf.c does with each value — sizes, numbers, exact digit
 * counts — so the number helpers see every value the parser can yield.
 * Checks the promises kv.h makes: NUL-terminated key and value within
 * their limits, keys of [a-z0-9_], and an error text naming a line.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"

static int
fuzz_conf_cb(const char *key, const char *value, void *arg, char *err,
    size_t errlen)
{
	unsigned long long	 v;
	size_t			 klen = strlen(key), vlen = strlen(value);
	unsigned		*n = arg;

	if (klen == 0 || klen > KV_KEY_MAX || vlen > KV_VALUE_MAX ||
	    strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_") != klen)
		abort();
	(*n)++;
	if (kv_size(value, 1ULL << 40, &v, err, errlen) == 0 && v > 1ULL << 40)
		abort();
	if (kv_uint(value, 1000000, &v, err, errlen) == 0 && v > 1000000)
		abort();
	if (kv_size(value, ~0ULL, &v, err, errlen) == -1 &&
	    kv_uint(value, ~0ULL, &v, err, errlen) == 0)
		abort();	/* a number is always a size */
	/* Refuse some keys, as conf.c refuses unknown ones. */
	if (key[0] == 'x')
		return -1;
	return 0;
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		 err[256];
	unsigned	 n = 0;
	char		*end;

	err[0] = '\0';
	if (kv_parse((const char *)data, len, fuzz_conf_cb, &n, err,
	    sizeof(err)) == -1) {
		/* "LINE: reason", the line a positive number. */
		if (strtoul(err, &end, 10) == 0 || end[0] != ':')
			abort();
	}
	return 0;
}
