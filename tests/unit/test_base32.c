/* skkd — SPDX-License-Identifier: ISC */
/*
 * Base32 against RFC 4648 §10, either case, padding, and every way the
 * decoder must refuse text: bad characters (with their position),
 * impossible lengths, non-zero trailing bits, short output buffers.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base32.h"

static const struct {
	const char	*plain;
	const char	*text;
	const char	*padded;
} rfc4648[] = {
	{ "", "", "" },
	{ "f", "MY", "MY======" },
	{ "fo", "MZXQ", "MZXQ====" },
	{ "foo", "MZXW6", "MZXW6===" },
	{ "foob", "MZXW6YQ", "MZXW6YQ=" },
	{ "fooba", "MZXW6YTB", "MZXW6YTB" },
	{ "foobar", "MZXW6YTBOI", "MZXW6YTBOI======" },
};
#define NVEC	(sizeof(rfc4648) / sizeof(rfc4648[0]))

static ssize_t
decode(const char *text, uint8_t *out, size_t outlen, size_t *bad)
{
	return base32_decode(text, strlen(text), out, outlen, bad);
}

static void
test_encode(void **state)
{
	char	out[32];
	size_t	i, len;

	for (i = 0; i < NVEC; i++) {
		len = strlen(rfc4648[i].plain);
		assert_int_equal(base32_encoded_len(len),
		    strlen(rfc4648[i].text));
		assert_int_equal(base32_encode((const uint8_t *)rfc4648[i].plain,
		    len, out, sizeof(out)), 0);
		assert_string_equal(out, rfc4648[i].text);
	}
	/* One byte short for the NUL. */
	assert_int_equal(base32_encode((const uint8_t *)"foobar", 6, out,
	    10), -1);
	assert_int_equal(base32_encode((const uint8_t *)"foobar", 6, out,
	    11), 0);
}

static void
test_decode(void **state)
{
	uint8_t	out[16];
	char	lower[32];
	size_t	i, j, bad;

	for (i = 0; i < NVEC; i++) {
		size_t	len = strlen(rfc4648[i].plain);

		memset(out, 0xee, sizeof(out));
		assert_int_equal(decode(rfc4648[i].text, out, sizeof(out),
		    &bad), len);
		assert_memory_equal(out, rfc4648[i].plain, len);
		assert_int_equal(decode(rfc4648[i].padded, out, sizeof(out),
		    &bad), len);
		assert_memory_equal(out, rfc4648[i].plain, len);
		for (j = 0; rfc4648[i].padded[j] != '\0'; j++)
			lower[j] = (char)(rfc4648[i].padded[j] | 0x20);
		lower[j] = '\0';
		assert_int_equal(decode(lower, out, sizeof(out), &bad), len);
		assert_memory_equal(out, rfc4648[i].plain, len);
	}
	assert_int_equal(decode("mZxW6yTbOi", out, sizeof(out), &bad), 6);
	assert_memory_equal(out, "foobar", 6);
}

static void
test_bad_chars(void **state)
{
	uint8_t	out[16];
	size_t	bad = 99;

	assert_int_equal(decode("MZXW6YT1", out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 7);
	assert_int_equal(decode("MZ0W6YTB", out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 2);
	assert_int_equal(decode("MZXW 6YTB", out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 4);
	assert_int_equal(decode("MZ=W6YTB", out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 2);
	assert_int_equal(decode("8", out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 0);
	assert_int_equal(base32_decode("MY\0Q", 4, out, sizeof(out), &bad),
	    -1);
	assert_int_equal(bad, 2);
	/* Padding that does not complete the group of 8. */
	assert_int_equal(decode("MY=", out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 2);
	assert_int_equal(decode("MZXQ=====", out, sizeof(out), &bad), -1);
	assert_int_equal(decode("MZXW6YTB========", out, sizeof(out), &bad),
	    -1);
	assert_int_equal(decode("========", out, sizeof(out), &bad), -1);
	/* NULL badpos is allowed. */
	assert_int_equal(decode("MZ!", out, sizeof(out), NULL), -1);
}

static void
test_bad_lengths(void **state)
{
	uint8_t	out[16];
	size_t	bad;

	/* 1, 3 and 6 characters past a whole group cannot hold whole bytes. */
	assert_int_equal(decode("M", out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 0);
	assert_int_equal(decode("MZX", out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 2);
	assert_int_equal(decode("MZXW6Y", out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 5);
	assert_int_equal(decode("MZXW6YTBM", out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 8);
	/* Non-zero bits after the last whole byte: "MZ" is 'f', "MZ" != "MY". */
	assert_int_equal(decode("MZ", out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 1);
	assert_int_equal(decode("MZXR", out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 3);
	assert_int_equal(decode("MZXW7", out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 4);
	assert_int_equal(decode("MZXW6YR", out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 6);
	assert_int_equal(decode("MZXW6YTBOJ", out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 9);
	/* Output buffer too small. */
	assert_int_equal(decode("MZXW6YTBOI", out, 5, &bad), -1);
	assert_int_equal(decode("MZXW6YTBOI", out, 6, &bad), 6);
}

static void
test_round_trip(void **state)
{
	uint8_t	in[200], out[200];
	char	text[400];
	size_t	len, i, bad;
	int	round;

	srand(4648);
	for (round = 0; round < 500; round++) {
		len = (size_t)rand() % sizeof(in);
		for (i = 0; i < len; i++)
			in[i] = (uint8_t)rand();
		assert_int_equal(base32_encode(in, len, text, sizeof(text)), 0);
		assert_int_equal(strlen(text), base32_encoded_len(len));
		assert_int_equal(strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
		    strlen(text));
		assert_int_equal(base32_decode(text, strlen(text), out,
		    sizeof(out), &bad), len);
		assert_memory_equal(out, in, len);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_bad_chars),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
