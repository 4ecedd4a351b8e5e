/* skkd — SPDX-License-Identifier: ISC */
/*
 * Unit tests of signing-key management: times, the keys.conf index (with
 * and without it), rotation, retirement, loading the keyring and the
 * active key, and a reload applying a retirement in place.
 */

#include <sys/stat.h>

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "keyfile.h"
#include "keys.h"
#include "skkd.h"

struct ctx {
	char		top[64];
	struct skkd	s;
};

static int
rm_cb(const char *p, const struct stat *st, int f, struct FTW *ftw)
{
	return remove(p);
}

static int
setup(void **state)
{
	struct ctx	*c = calloc(1, sizeof(*c));
	struct sign_key	*k;
	char		 err[160];

	assert_non_null(c);
	snprintf(c->top, sizeof(c->top), "/tmp/skkd-keys.XXXXXX");
	assert_non_null(mkdtemp(c->top));
	snprintf(c->s.conf.signing_key, sizeof(c->s.conf.signing_key),
	    "%s/signing.pem", c->top);
	k = sign_key_generate();
	assert_non_null(k);
	assert_int_equal(keyfile_save_private(k, c->s.conf.signing_key, err,
	    sizeof(err)), 0);
	sign_key_free(k);
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx	*c = *state;

	keys_release(&c->s);
	nftw(c->top, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	free(c);
	return 0;
}

static void
test_parse_time(void **state)
{
	int64_t	t;

	assert_int_equal(keys_parse_time("1700000000", &t), 0);
	assert_int_equal(t, 1700000000);
	assert_int_equal(keys_parse_time("2026-01-15", &t), 0);
	assert_int_equal(t, 1768435200);
	assert_int_equal(keys_parse_time("2026-01-15T01:02:03Z", &t), 0);
	assert_int_equal(t, 1768435200 + 3723);
	assert_int_equal(keys_parse_time("2026-01-15T01:02", &t), 0);
	assert_int_equal(t, 1768435200 + 3720);
	assert_int_equal(keys_parse_time("yesterday", &t), -1);
	assert_int_equal(keys_parse_time("2026-01-15X", &t), -1);
	assert_int_equal(keys_parse_time("12ab", &t), -1);
}

static void
test_legacy_index(void **state)
{
	struct ctx		*c = *state;
	struct keys_index	 ix;
	char			 err[256];

	assert_int_equal(keys_index_read(&c->s.conf, &ix, err, sizeof(err)), 0);
	assert_int_equal(ix.n, 1);
	assert_string_equal(ix.e[0].file, "signing.pem");
	assert_int_equal(keys_index_active(&ix), 0);
	assert_int_equal(keys_load(&c->s, err, sizeof(err)), 0);
	assert_int_equal(c->s.keyring.n, 1);
	assert_memory_equal(sign_key_kid(c->s.signkey), ix.e[0].kid,
	    SIGN_KID_LEN);
}

static void
test_rotate_retire_reload(void **state)
{
	struct ctx			*c = *state;
	struct keys_index		 ix;
	const struct keyring_entry	*old;
	char				 err[256], kid[2 * SIGN_KID_LEN + 1];
	char				 oldkid[2 * SIGN_KID_LEN + 1];
	time_t				 now = time(NULL);

	assert_int_equal(keys_load(&c->s, err, sizeof(err)), 0);
	keys_kid_hex(sign_key_kid(c->s.signkey), oldkid);
	assert_int_equal(keys_rotate(&c->s.conf, kid, err, sizeof(err)), 0);
	assert_string_not_equal(kid, oldkid);
	assert_int_equal(keys_index_read(&c->s.conf, &ix, err, sizeof(err)), 0);
	assert_int_equal(ix.n, 2);
	assert_int_equal(keys_index_active(&ix), 1);
	assert_true(ix.e[0].valid_to >= now && ix.e[0].valid_to <= now + 5);
	assert_int_equal(ix.e[1].valid_to, 0);

	/* SIGHUP: the running daemon picks up the new key. */
	assert_int_equal(keys_reload(&c->s, err, sizeof(err)), 0);
	assert_int_equal(c->s.keyring.n, 2);
	keys_kid_hex(sign_key_kid(c->s.signkey), err);
	assert_string_equal(err, kid);

	/* Retire the old key by a prefix; the reload narrows it in place. */
	oldkid[6] = '\0';
	assert_int_equal(keys_retire(&c->s.conf, oldkid, 1768435200, err,
	    sizeof(err)), 0);
	assert_int_equal(keys_reload(&c->s, err, sizeof(err)), 0);
	assert_int_equal(c->s.keyring.n, 2);
	old = &c->s.keyring.k[0];
	assert_int_equal(old->compromised_at, 1768435200);
	assert_int_equal(keys_window_end(old), 1768435199);

	/* The only active key cannot be retired; unknown kids are named. */
	assert_int_equal(keys_retire(&c->s.conf, kid, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "only active"));
	assert_int_equal(keys_retire(&c->s.conf, "ffffffffffffffff", 1, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "no key"));
}

static void
test_bad_index(void **state)
{
	struct ctx		*c = *state;
	struct keys_index	 ix;
	char			 path[128], err[256];
	FILE			*f;

	snprintf(path, sizeof(path), "%s/keys.conf", c->top);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "# comment\n\n0011223344556677 ../x.pem 0 0 0\n");
	fclose(f);
	assert_int_equal(keys_index_read(&c->s.conf, &ix, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "keys.conf:3:"));
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "0011223344556677 other.pem 0 0 0\n");
	fclose(f);
	/* The index names a file that is not there. */
	assert_int_equal(keys_load(&c->s, err, sizeof(err)), -1);
	keys_release(&c->s);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "0011223344556677 signing.pem 0 5 0\n");
	fclose(f);
	/* A key whose kid differs from the index, and none active. */
	assert_int_equal(keys_load(&c->s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no active"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test_setup_teardown(test_legacy_index, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rotate_retire_reload,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_index, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
