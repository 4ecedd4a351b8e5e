/* skkd — SPDX-License-Identifier: ISC */
/*
 * Base64 against RFC 4648 §10, and the strict decoder: missing padding,
 * stray characters (with their position), non-zero trailing bits, short
 * output buffers; then random round trips.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"

static const struct {
	const char	*plain;
	const char	*text;
} rfc4648[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};
#define NVEC	(sizeof(rfc4648) / sizeof(rfc4648[0]))

static void
test_vectors(void **state)
{
	char	text[32];
	uint8_t	out[16];
	size_t	i, len, bad;

	for (i = 0; i < NVEC; i++) {
		len = strlen(rfc4648[i].plain);
		assert_int_equal(base64_encoded_len(len),
		    strlen(rfc4648[i].text));
		assert_int_equal(base64_encode((const uint8_t *)
		    rfc4648[i].plain, len, text, sizeof(text)), 0);
		assert_string_equal(text, rfc4648[i].text);
		assert_int_equal(base64_decode(text, strlen(text), out,
		    sizeof(out), &bad), len);
		assert_memory_equal(out, rfc4648[i].plain, len);
	}
	assert_int_equal(base64_encode((const uint8_t *)"foo", 3, text, 4), -1);
	assert_int_equal(base64_encode((const uint8_t *)"+/\xfb\xff", 4, text,
	    sizeof(text)), 0);
	assert_string_equal(text, "Ky/7/w==");
}

static void
assert_bad(const char *text, size_t outlen, size_t want_bad)
{
	uint8_t	out[16];
	size_t	bad = 999;

	assert_int_equal(base64_decode(text, strlen(text), out, outlen, &bad),
	    -1);
	assert_int_equal(bad, want_bad);
}

static void
test_refusals(void **state)
{
	assert_bad("Zg", 16, 2);		/* no padding */
	assert_bad("Zg=", 16, 3);
	assert_bad("Zh==", 16, 1);		/* trailing bits */
	assert_bad("Zm9=", 16, 2);
	assert_bad("Zm9v!A==", 16, 4);
	assert_bad("Zm-v", 16, 2);		/* URL alphabet */
	assert_bad("Z=9v", 16, 1);
	assert_bad("Zg==Zg==", 16, 2);		/* padding inside */
	assert_bad("=g==", 16, 0);
	assert_bad("Zg=A", 16, 2);
	assert_bad("Zm9vYmFy", 5, 8);		/* no room */
}

static void
test_round_trip(void **state)
{
	uint8_t	in[64], out[64];
	char	text[100];
	size_t	len, i, bad;

	srand(7);
	for (len = 0; len < sizeof(in); len++) {
		for (i = 0; i < len; i++)
			in[i] = (uint8_t)rand();
		assert_int_equal(base64_encode(in, len, text, sizeof(text)), 0);
		assert_int_equal(base64_decode(text, strlen(text), out,
		    sizeof(out), &bad), len);
		assert_memory_equal(out, in, len);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
