/* skkd — SPDX-License-Identifier: ISC */
/*
 * Signing-key files (daemon/keyfile.c): a PEM round trip through the
 * disk, the 0600 mode on creation and on reading, no overwriting, and the
 * messages for missing, non-PEM and non-Ed25519 files.
 */

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "keyfile.h"

struct tmpdir {
	char	path[64];
};

static int
tmpdir_setup(void **state)
{
	struct tmpdir	*t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -1;
	strcpy(t->path, "/tmp/test_keyfile.XXXXXX");
	if (mkdtemp(t->path) == NULL) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int
tmpdir_teardown(void **state)
{
	struct tmpdir	*t = *state;
	char		 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->path);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

static void
test_pem_round_trip(void **state)
{
	struct tmpdir	*t = *state;
	struct sign_key	*k, *k2, *pk;
	struct stat	 st;
	char		 priv[128], pub[128], err[256];
	uint8_t		 sig[64];

	snprintf(priv, sizeof(priv), "%s/skkd.key", t->path);
	snprintf(pub, sizeof(pub), "%s/skkd.pub", t->path);
	k = sign_key_generate();
	assert_non_null(k);
	assert_int_equal(keyfile_save_private(k, priv, err, sizeof(err)), 0);
	assert_int_equal(stat(priv, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(keyfile_save_public(k, pub, err, sizeof(err)), 0);

	k2 = keyfile_load_private(priv, err, sizeof(err));
	assert_non_null(k2);
	assert_true(sign_key_is_private(k2));
	assert_memory_equal(sign_key_public(k2), sign_key_public(k), 32);
	assert_memory_equal(sign_key_kid(k2), sign_key_kid(k), 8);
	assert_int_equal(sign_data(k2, (const uint8_t *)"x", 1, sig), 0);

	pk = keyfile_load_public(pub, err, sizeof(err));
	assert_non_null(pk);
	assert_false(sign_key_is_private(pk));
	assert_memory_equal(sign_key_kid(pk), sign_key_kid(k), 8);
	assert_int_equal(sign_verify(pk, (const uint8_t *)"x", 1, sig), 0);
	/* A verify-only key cannot sign, nor be saved as private. */
	assert_int_equal(sign_data(pk, (const uint8_t *)"x", 1, sig), -1);
	snprintf(priv, sizeof(priv), "%s/other.key", t->path);
	assert_int_equal(keyfile_save_private(pk, priv, err, sizeof(err)),
	    -1);
	assert_int_equal(access(priv, F_OK), -1);
	sign_key_free(pk);
	sign_key_free(k2);
	sign_key_free(k);
}

static void
test_pem_refusals(void **state)
{
	struct tmpdir	*t = *state;
	struct sign_key	*k;
	char		 priv[128], want[256], err[256];
	FILE		*f;

	snprintf(priv, sizeof(priv), "%s/skkd.key", t->path);
	k = sign_key_generate();
	assert_int_equal(keyfile_save_private(k, priv, err, sizeof(err)), 0);

	/* No overwrite. */
	err[0] = '\0';
	assert_int_equal(keyfile_save_private(k, priv, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "'%s' exists; not overwriting a key",
	    priv);
	assert_string_equal(err, want);

	/* Readable by others. */
	assert_int_equal(chmod(priv, 0644), 0);
	assert_null(keyfile_load_private(priv, err, sizeof(err)));
	snprintf(want, sizeof(want), "'%s': mode 0644, expected 0600 "
	    "(private key readable by others)", priv);
	assert_string_equal(err, want);
	assert_int_equal(chmod(priv, 0620), 0);
	assert_null(keyfile_load_private(priv, err, sizeof(err)));
	assert_non_null(strstr(err, "mode 0620, expected 0600"));
	assert_int_equal(chmod(priv, 0600), 0);
	sign_key_free(k);
	k = keyfile_load_private(priv, err, sizeof(err));
	assert_non_null(k);
	sign_key_free(k);

	/* Missing file. */
	snprintf(priv, sizeof(priv), "%s/missing.key", t->path);
	assert_null(keyfile_load_private(priv, err, sizeof(err)));
	snprintf(want, sizeof(want), "cannot open '%s': No such file or "
	    "directory", priv);
	assert_string_equal(err, want);

	/* Not PEM, and a PEM key that is not Ed25519 (an X25519 key). */
	snprintf(priv, sizeof(priv), "%s/junk.key", t->path);
	assert_non_null(f = fopen(priv, "w"));
	fputs("not a key\n", f);
	fclose(f);
	assert_int_equal(chmod(priv, 0600), 0);
	assert_null(keyfile_load_private(priv, err, sizeof(err)));
	assert_non_null(strstr(err, "not a PEM private key"));

	snprintf(priv, sizeof(priv), "%s/x25519.key", t->path);
	assert_non_null(f = fopen(priv, "w"));
	fputs("-----BEGIN PRIVATE KEY-----\n"
	    "MC4CAQAwBQYDK2VuBCIEIHBgJSkzrG56SpsOsmMsWgQKhyV624aaPsz1xwIsKNtl\n"
	    "-----END PRIVATE KEY-----\n", f);
	fclose(f);
	assert_int_equal(chmod(priv, 0600), 0);
	assert_null(keyfile_load_private(priv, err, sizeof(err)));
	snprintf(want, sizeof(want), "'%s': not an Ed25519 private key", priv);
	assert_string_equal(err, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pem_round_trip,
		    tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_pem_refusals,
		    tmpdir_setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
