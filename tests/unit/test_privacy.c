/* skkd — SPDX-License-Identifier: ISC */
/*
 * Masking holders' names and comparing a given name (proto/privacy.c):
 * one asterisk per character, multi-byte letters counted once, blanks
 * kept; matches forgive case (ASCII) and spacing, nothing else.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cert.h"
#include "privacy.h"

static void
mask_is(const char *name, const char *want)
{
	char	out[CERT_NAME_MAX + 1];

	privacy_mask_name(name, out, sizeof(out));
	assert_string_equal(out, want);
}

static void
test_mask(void **state)
{
	mask_is("Siti Nur'aini", "S*** N*******");
	mask_is("Sukarno", "S******");
	mask_is("M. Yusuf", "M* Y****");
	mask_is("A", "A");
	mask_is("", "");
	mask_is("Ni Luh Putu Ayu", "N* L** P*** A**");
	mask_is("Budi  Santoso", "B***  S******");	/* blanks kept */
	/* Per character, not per byte: "Ñoño" is 4 characters, 6 bytes. */
	mask_is("\xc3\x91o\xc3\xb1o Dur\xc3\xa1n", "\xc3\x91*** D****");
	/* A letter of 3 bytes first, then one of 4 bytes inside. */
	mask_is("\xe1\xba\xa0n \xf0\x9d\x90\x80x", "\xe1\xba\xa0* \xf0\x9d\x90\x80*");
	/* A stray byte counts as one character and is never copied out. */
	mask_is("Ab\xff" "c", "A***");
}

static void
test_mask_short_buffer(void **state)
{
	char	out[6];

	privacy_mask_name("Siti Nur'aini", out, sizeof(out));
	assert_string_equal(out, "S*** ");
	privacy_mask_name("\xc3\x91o", out, 2);	/* no half character */
	assert_string_equal(out, "");
	/* Never longer than the name: the record's buffer always fits. */
	privacy_mask_name("\xc3\x91\xc3\xb1\xc3\xb1", out, sizeof(out));
	assert_string_equal(out, "\xc3\x91**");
}

static void
test_match(void **state)
{
	const char	*name = "Siti Nur'aini";

	assert_int_equal(privacy_name_matches("Siti Nur'aini", name), 1);
	assert_int_equal(privacy_name_matches("siti nur'AINI", name), 1);
	assert_int_equal(privacy_name_matches("  Siti \t  Nur'aini\n", name),
	    1);
	assert_int_equal(privacy_name_matches("Siti Nuraini", name), 0);
	assert_int_equal(privacy_name_matches("SitiNur'aini", name), 0);
	assert_int_equal(privacy_name_matches("Siti", name), 0);
	assert_int_equal(privacy_name_matches("Siti Nur'aini X", name), 0);
	assert_int_equal(privacy_name_matches("", name), 0);
	assert_int_equal(privacy_name_matches("  ", ""), 1);
	/* Beyond ASCII the bytes must be the certificate's. */
	assert_int_equal(privacy_name_matches("\xc3\x91o\xc3\xb1o",
	    "\xc3\x91o\xc3\xb1o"), 1);
	assert_int_equal(privacy_name_matches("\xc3\xb1o\xc3\xb1o",
	    "\xc3\x91o\xc3\xb1o"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_mask_short_buffer),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
