/* skkd — SPDX-License-Identifier: ISC */
/*
 * add-checkpoint bodies (proto/witness.c): round trips, each malformed
 * body refused with its line, and the decisions the end-to-end test
 * (tests/regress/witness.sh) cannot easily provoke: the empty tree, a
 * proof sent with old size 0, a known key's bad signature, and the note
 * the witness keeps.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hex.h"
#include "witness.h"

#define SEED_HEX	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define ORIGIN		"skk.example/log"
#define EMPTY_ROOT	"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
#define OTHER_ROOT	"XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="

static struct witness_log	lg;

static int
setup(void **state)
{
	uint8_t	seed[32];

	memset(&lg, 0, sizeof(lg));
	strcpy(lg.origin, ORIGIN);
	assert_int_equal(hex_decode(SEED_HEX, 64, seed, 32), 32);
	assert_int_equal(note_key_init(&lg.key[0], ORIGIN,
	    sign_key_from_seed(seed), NULL, 0), 0);
	lg.nkey = 1;
	return 0;
}

static int
teardown(void **state)
{
	note_key_release(&lg.key[0]);
	return 0;
}

/* A body: "old OLD", proof lines, and the checkpoint SIZE/ROOT signed. */
static int
body(char *out, size_t outlen, const char *head, const char *size,
    const char *root)
{
	char	text[256], note[512];
	size_t	used;
	int	n;

	n = snprintf(text, sizeof(text), ORIGIN "\n%s\n%s\n", size, root);
	assert_int_equal(note_sign(&lg.key[0], text, (size_t)n, note,
	    sizeof(note), &used), 0);
	return snprintf(out, outlen, "%s\n%s", head, note);
}

static int
decide(const char *b, char *err, size_t errlen)
{
	struct witness_req	 r;
	struct witness_log	*l;
	struct checkpoint	 cp;
	struct note		 nt;

	if (witness_req_parse(b, strlen(b), &r, err, errlen) == -1)
		return 400;
	return witness_decide(&r, &lg, 1, &nt, &cp, &l, err, errlen);
}

static void
test_round_trip(void **state)
{
	struct witness_req	r;
	char			b[1024], back[1024];

	body(b, sizeof(b), "old 3\n" EMPTY_ROOT "\n" OTHER_ROOT "\n", "7",
	    OTHER_ROOT);
	assert_int_equal(witness_req_parse(b, strlen(b), &r, NULL, 0), 0);
	assert_int_equal(r.old, 3);
	assert_int_equal(r.nproof, 2);
	assert_int_equal(r.proof[0][0], 0xe3);
	assert_int_equal(witness_req_format(&r, back, sizeof(back)),
	    (int)strlen(b));
	assert_string_equal(back, b);
	assert_int_equal(witness_req_format(&r, back, 20), -1);
}

static void
refused(const char *b, const char *why)
{
	struct witness_req	r;
	char			err[NOTE_ERR_MAX] = "";

	assert_int_equal(witness_req_parse(b, strlen(b), &r, err,
	    sizeof(err)), -1);
	if (strstr(err, why) == NULL)
		fail_msg("'%s': no '%s' in '%s'", b, why, err);
}

static void
test_bad_bodies(void **state)
{
	char	b[8192];
	int	i, n;

	refused("", "line 1: expected \"old <size>\"");
	refused("old 01\n\n", "line 1:");
	refused("old -1\n\n", "line 1:");
	refused("old 18446744073709551616\n\n", "line 1:");
	refused("old 3", "line 1:");
	refused("new 3\n\n", "line 1:");
	refused("old 3\n" EMPTY_ROOT "\n", "line 3: no empty line");
	refused("old 3\n" EMPTY_ROOT, "line 2: no newline");
	refused("old 3\nAAAA\n\n", "line 2: a proof line is the base64 of 32");
	n = snprintf(b, sizeof(b), "old 3\n");
	for (i = 0; i < 64; i++)
		n += snprintf(b + n, sizeof(b) - (size_t)n, EMPTY_ROOT "\n");
	snprintf(b + n, sizeof(b) - (size_t)n, "\nx\n");
	refused(b, "line 65: more than 63 proof lines");
}

static void
test_decisions(void **state)
{
	char	b[1024], err[NOTE_ERR_MAX];
	char	*p;

	/* the empty tree must have the empty root */
	body(b, sizeof(b), "old 0\n", "0", OTHER_ROOT);
	assert_int_equal(decide(b, err, sizeof(err)), 422);
	assert_non_null(strstr(err, "empty tree"));
	body(b, sizeof(b), "old 0\n", "0", EMPTY_ROOT);
	assert_int_equal(decide(b, err, sizeof(err)), 200);
	/* old size 0 takes no proof */
	body(b, sizeof(b), "old 0\n" EMPTY_ROOT "\n", "8", OTHER_ROOT);
	assert_int_equal(decide(b, err, sizeof(err)), 422);
	assert_non_null(strstr(err, "takes no proof"));
	/* a known key's line that does not verify: 403 */
	body(b, sizeof(b), "old 0\n", "8", OTHER_ROOT);
	p = strstr(b, "\xe2\x80\x94 ") + strlen("\xe2\x80\x94 " ORIGIN " ") + 10;
	*p = *p == 'A' ? 'B' : 'A';
	assert_int_equal(decide(b, err, sizeof(err)), 403);
	assert_non_null(strstr(err, "does not verify"));
	/* a body that is no note */
	assert_int_equal(decide("old 0\n\nnot a note\n", err, sizeof(err)),
	    400);
}

static void
test_kept_note(void **state)
{
	struct witness_req	 r;
	struct witness_log	*l;
	struct checkpoint	 cp;
	struct note		 nt;
	char			 b[1024], out[1024];
	int			 n;

	/* another key's line is dropped; the log's and the witness's kept */
	body(b, sizeof(b), "old 0\n", "8", OTHER_ROOT);
	strcat(b, "\xe2\x80\x94 other.example/w AAAAAAA=\n");
	assert_int_equal(witness_req_parse(b, strlen(b), &r, NULL, 0), 0);
	assert_int_equal(witness_decide(&r, &lg, 1, &nt, &cp, &l, NULL, 0),
	    200);
	n = witness_cosigned(&nt, l, "\xe2\x80\x94 w LINE\n", out,
	    sizeof(out));
	assert_true(n > 0);
	assert_int_equal(strncmp(out, ORIGIN "\n8\n" OTHER_ROOT "\n\n",
	    strlen(ORIGIN "\n8\n" OTHER_ROOT "\n\n")), 0);
	assert_non_null(strstr(out, "\xe2\x80\x94 " ORIGIN " "));
	assert_null(strstr(out, "other.example"));
	assert_int_equal(strncmp(out + n - strlen("\xe2\x80\x94 w LINE\n"),
	    "\xe2\x80\x94 w LINE\n", 9), 0);
	assert_int_equal(witness_cosigned(&nt, l, "x\n", out, 30), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_bodies),
		cmocka_unit_test(test_decisions),
		cmocka_unit_test(test_kept_note),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
