/* skkd — SPDX-License-Identifier: ISC */
/*
 * cosignature/v1. A witness key is a note_key of type 0x04; the line
 * format and key strings are note.c's, the payload and the signed
 * message are this file's.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "cosig.h"
#include "errf.h"

#define COSIG_HEADER	"cosignature/v1\ntime "
#define COSIG_DASH	"\xe2\x80\x94 "		/* U+2014 and a space */

int
cosig_key_init(struct note_key *k, const char *name, struct sign_key *key,
    char *err, size_t errlen)
{
	return note_key_init_type(k, name, COSIG_TYPE, key, err, errlen);
}

int
cosig_vkey_parse(const char *vkey, struct note_key *k, char *err,
    size_t errlen)
{
	return note_vkey_parse_type(vkey, COSIG_TYPE, k, err, errlen);
}

int
cosig_skey_parse(const char *skey, struct note_key *k, char *err,
    size_t errlen)
{
	return note_skey_parse_type(skey, COSIG_TYPE, k, err, errlen);
}

int
cosig_skey_format(const char *name, const uint8_t seed[SIGN_SEED_LEN],
    char *out, size_t outlen)
{
	return note_skey_format_type(name, COSIG_TYPE, seed, out, outlen);
}

int
cosig_message(const char *text, size_t textlen, uint64_t t, uint8_t **msg,
    size_t *msglen)
{
	char	head[64];
	int	n;

	*msg = NULL;
	if (t > COSIG_TIME_MAX)
		return -1;
	n = snprintf(head, sizeof(head), COSIG_HEADER "%" PRIu64 "\n", t);
	if (n < 0 || (size_t)n >= sizeof(head) ||
	    (*msg = malloc((size_t)n + textlen)) == NULL)
		return -1;
	memcpy(*msg, head, (size_t)n);
	memcpy(*msg + n, text, textlen);
	*msglen = (size_t)n + textlen;
	return 0;
}

static void
cosig_put_be(uint8_t *p, uint64_t v, int bytes)
{
	while (bytes-- > 0) {
		p[bytes] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t
cosig_get_be(const uint8_t *p, int bytes)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

int
cosig_sign_line(const struct note_key *k, const char *text, size_t textlen,
    uint64_t t, char *out, size_t outlen)
{
	uint8_t	raw[4 + COSIG_PAYLOAD], *msg;
	char	b64[4 * ((sizeof(raw) + 2) / 3) + 1];
	size_t	msglen;
	int	n, r;

	if (k->key == NULL || !sign_key_is_private(k->key) ||
	    k->type != COSIG_TYPE || t == 0 ||
	    cosig_message(text, textlen, t, &msg, &msglen) == -1)
		return -1;
	cosig_put_be(raw, k->id, 4);
	cosig_put_be(raw + 4, t, 8);
	r = sign_data(k->key, msg, msglen, raw + 12);
	free(msg);
	if (r == -1 || base64_encode(raw, sizeof(raw), b64, sizeof(b64)) == -1)
		return -1;
	n = snprintf(out, outlen, COSIG_DASH "%s %s\n", k->name, b64);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* One line by a known witness key: 0 and its time if it verifies. */
static int
cosig_check(const struct note *nt, const struct note_sig *s,
    const struct note_key *k, uint64_t *t, char *err, size_t errlen)
{
	uint8_t	raw[4 + COSIG_PAYLOAD + 1], *msg;
	size_t	bad, msglen;
	ssize_t	n;
	int	r;

	n = base64_decode(s->b64, s->b64len, raw, sizeof(raw), &bad);
	if (n != (ssize_t)sizeof(raw) - 1)
		return errf(err, errlen, "line %u: cosignature by %s is "
		    "not 4 + 8 + %d bytes", s->line, k->name, SIGN_SIG_LEN);
	*t = cosig_get_be(raw + 4, 8);
	if (*t == 0 || *t > COSIG_TIME_MAX)
		return errf(err, errlen, "line %u: cosignature by %s: "
		    "timestamp %" PRIu64 " outside 1..2^63-1", s->line,
		    k->name, *t);
	if (cosig_message(nt->text, nt->textlen, *t, &msg, &msglen) == -1)
		return errf(err, errlen, "out of memory");
	r = sign_verify(k->key, msg, msglen, raw + 12);
	free(msg);
	if (r != 0)
		return errf(err, errlen, "line %u: cosignature by %s does "
		    "not verify", s->line, k->name);
	return 0;
}

int
cosig_verify(const struct note *nt, const struct note_key *keys, size_t n,
    size_t *good, uint64_t *t, char *err, size_t errlen)
{
	const struct note_key	*k;
	uint64_t		 when = 0;
	size_t			 i, j;

	*good = 0;
	*t = 0;
	for (i = 0; i < nt->nsig; i++) {
		if ((k = note_key_find(&nt->sig[i], keys, n)) == NULL)
			continue;
		if (cosig_check(nt, &nt->sig[i], k, &when, err, errlen) == -1)
			return -1;
		for (j = 0; j < i; j++)	/* a key's second line adds nothing */
			if (note_key_find(&nt->sig[j], keys, n) == k)
				break;
		*good += j == i;
		if (when > *t)
			*t = when;
	}
	return 0;
}
