/* skkd — SPDX-License-Identifier: ISC */
/*
 * Hexadecimal: encoding in lower case, decoding either case, and every
 * way the decoder must refuse text: odd lengths, non-digits, too much.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hex.h"

static void
test_encode(void **state)
{
	static const uint8_t	in[] = { 0x00, 0x1f, 0xa0, 0xff };
	char			out[9];

	hex_encode(in, sizeof(in), out);
	assert_string_equal(out, "001fa0ff");
	hex_encode(in, 0, out);
	assert_string_equal(out, "");
}

static void
test_decode(void **state)
{
	uint8_t	out[4];

	assert_int_equal(hex_decode("001fA0fF", 8, out, sizeof(out)), 4);
	assert_int_equal(out[0], 0x00);
	assert_int_equal(out[1], 0x1f);
	assert_int_equal(out[2], 0xa0);
	assert_int_equal(out[3], 0xff);
	assert_int_equal(hex_decode("", 0, out, sizeof(out)), 0);
	/* Only hexlen characters are read: a newline after them is not. */
	assert_int_equal(hex_decode("abcd\n", 4, out, sizeof(out)), 2);
	assert_int_equal(out[0], 0xab);
}

static void
test_decode_refuses(void **state)
{
	static const char *const bad[] = {
		"abc", "0g", "g0", " 0", "0 ", "-1", "0x", "\n0"
	};
	uint8_t	out[4];
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hex_decode(bad[i], strlen(bad[i]), out,
		    sizeof(out)), -1);
	assert_int_equal(hex_decode("0011223344", 10, out, sizeof(out)), -1);
	assert_int_equal(hex_decode("\2000", 2, out, sizeof(out)), -1);
}

static void
test_digit(void **state)
{
	assert_int_equal(hex_digit('0'), 0);
	assert_int_equal(hex_digit('9'), 9);
	assert_int_equal(hex_digit('a'), 10);
	assert_int_equal(hex_digit('F'), 15);
	assert_int_equal(hex_digit('g'), -1);
	assert_int_equal(hex_digit(0x80), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_refuses),
		cmocka_unit_test(test_digit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
