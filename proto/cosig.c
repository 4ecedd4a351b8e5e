/* skkd — SPDX-License-Identifier: ISC */
/*
 * cosignature/v1. A witness key is a note_key whose id was computed with
 * type byte 0x04; the line format and key strings are note.c's, the
 * payload and the signed message are this file's.
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
	if (note_key_init(k, name, key, err, errlen) == -1)
		return -1;
	k->id = note_key_id_type(k->name, COSIG_TYPE, sign_key_public(key));
	return 0;
}

/* Wraps key as name; checks the id written against the computed one. */
static int
cosig_key_finish(struct note_key *k, const char *name, uint32_t id,
    struct sign_key *key, char *err, size_t errlen)
{
	if (cosig_key_init(k, name, key, err, errlen) == -1)
		return -1;
	if (k->id != id) {
		note_key_release(k);
		return errf(err, errlen, "key id: %08x written, the key "
		    "gives %08x", id, k->id);
	}
	return 0;
}

int
cosig_vkey_parse(const char *vkey, struct note_key *k, char *err,
    size_t errlen)
{
	char		name[NOTE_NAME_MAX + 1];
	uint8_t		pub[SIGN_PUB_LEN];
	uint32_t	id;

	memset(k, 0, sizeof(*k));
	if (note_key_parts(vkey, COSIG_TYPE, name, &id, pub, err,
	    errlen) == -1)
		return -1;
	return cosig_key_finish(k, name, id, sign_key_from_public(pub), err,
	    errlen);
}

int
cosig_vkey_format(const struct note_key *k, char *out, size_t outlen)
{
	return note_key_format("", k->name, k->id, COSIG_TYPE,
	    sign_key_public(k->key), out, outlen);
}

int
cosig_skey_parse(const char *skey, struct note_key *k, char *err,
    size_t errlen)
{
	char		name[NOTE_NAME_MAX + 1];
	uint8_t		seed[SIGN_SEED_LEN];
	uint32_t	id;
	int		r;

	memset(k, 0, sizeof(*k));
	if (strncmp(skey, NOTE_SKEY_TAG, strlen(NOTE_SKEY_TAG)) != 0)
		return errf(err, errlen, "signer key: expected "
		    "PRIVATE+KEY+ at the start");
	if (note_key_parts(skey + strlen(NOTE_SKEY_TAG), COSIG_TYPE, name,
	    &id, seed, err, errlen) == -1)
		return -1;
	r = cosig_key_finish(k, name, id, sign_key_from_seed(seed), err,
	    errlen);
	memset(seed, 0, sizeof(seed));
	return r;
}

int
cosig_skey_format(const char *name, const uint8_t seed[SIGN_SEED_LEN],
    char *out, size_t outlen)
{
	struct note_key	k;
	int		r;

	if (cosig_key_init(&k, name, sign_key_from_seed(seed), NULL,
	    0) == -1)
		return -1;
	r = note_key_format(NOTE_SKEY_TAG, name, k.id, COSIG_TYPE, seed, out,
	    outlen);
	note_key_release(&k);
	return r;
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

	if (k->key == NULL || !sign_key_is_private(k->key) || t == 0 ||
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
