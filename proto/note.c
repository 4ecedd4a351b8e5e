/* skkd — SPDX-License-Identifier: ISC */
/*
 * Signed notes. Parsing is strict and total: the whole note is checked
 * as text first (UTF-8, no control characters but newline, a final
 * newline), then split at its last blank line, then every signature line
 * is taken apart; messages name the line. Key strings follow the
 * verifier-key format of the spec, and its private-key counterpart.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "errf.h"
#include "hex.h"
#include "note.h"
#include "utf8.h"

#define NOTE_DASH	"\xe2\x80\x94 "		/* U+2014 and a space */
#define NOTE_DASH_LEN	4
#define NOTE_SIG_BYTES	6144			/* longest signature taken */

/* White space as Unicode defines it (White_Space property). */
static int
note_is_space(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 ||
	    cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	    cp == 0x3000;
}

int
note_name_check(const char *name, size_t len, char *err, size_t errlen)
{
	const unsigned char	*p = (const unsigned char *)name;
	size_t			 i, n;
	uint32_t		 cp;

	if (len == 0 || len > NOTE_NAME_MAX)
		return errf(err, errlen, "key name: %zu bytes, expected "
		    "1-%d", len, NOTE_NAME_MAX);
	for (i = 0; i < len; i += n) {
		if ((n = utf8_next(p + i, len - i, &cp)) == 0)
			return errf(err, errlen, "key name: byte %zu is "
			    "not UTF-8", i);
		if (cp == '+' || cp < 0x20 || cp == 0x7f || note_is_space(cp))
			return errf(err, errlen, "key name: byte %zu: no "
			    "spaces, control characters or '+'", i);
	}
	return 0;
}

static uint32_t
note_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
note_key_id_type(const char *name, uint8_t type,
    const uint8_t pub[SIGN_PUB_LEN])
{
	uint8_t	buf[NOTE_NAME_MAX + 2 + SIGN_PUB_LEN], md[32];
	size_t	len = strnlen(name, NOTE_NAME_MAX);

	memcpy(buf, name, len);
	buf[len] = '\n';
	buf[len + 1] = type;
	memcpy(buf + len + 2, pub, SIGN_PUB_LEN);
	if (sign_sha256(buf, len + 2 + SIGN_PUB_LEN, md) == -1)
		return 0;
	return note_be32(md);
}

uint32_t
note_key_id(const char *name, const uint8_t pub[SIGN_PUB_LEN])
{
	return note_key_id_type(name, NOTE_ED25519, pub);
}

int
note_key_init(struct note_key *k, const char *name, struct sign_key *key,
    char *err, size_t errlen)
{
	return note_key_init_type(k, name, NOTE_ED25519, key, err, errlen);
}

int
note_key_init_type(struct note_key *k, const char *name, uint8_t type,
    struct sign_key *key, char *err, size_t errlen)
{
	memset(k, 0, sizeof(*k));
	if (key == NULL)
		return errf(err, errlen, "no key");
	if (note_name_check(name, strlen(name), err, errlen) == -1) {
		sign_key_free(key);
		return -1;
	}
	memcpy(k->name, name, strlen(name) + 1);
	k->type = type;
	k->id = note_key_id_type(name, type, sign_key_public(key));
	k->key = key;
	return 0;
}

void
note_key_release(struct note_key *k)
{
	sign_key_free(k->key);
	k->key = NULL;
}

/*
 * "name+hex8+base64(type || 32 bytes)": the name, the id as written and
 * the 32 bytes of key material.
 */
static int
note_key_parts(const char *s, uint8_t type, char *name, uint32_t *id,
    uint8_t material[32], char *err, size_t errlen)
{
	const char	*plus = strchr(s, '+');
	uint8_t		 raw[33];
	size_t		 i, bad;
	int		 d;

	if (plus == NULL || note_name_check(s, (size_t)(plus - s), err,
	    errlen) == -1)
		return plus == NULL ? errf(err, errlen, "key: expected "
		    "name+id+key") : -1;
	memcpy(name, s, (size_t)(plus - s));
	name[plus - s] = '\0';
	for (*id = 0, i = 1; i <= 8; i++) {
		if ((d = hex_digit(plus[i])) == -1 ||
		    (plus[i] >= 'A' && plus[i] <= 'F'))
			return errf(err, errlen, "key id: expected 8 "
			    "lower-case hex digits");
		*id = *id << 4 | (uint32_t)d;
	}
	if (plus[9] != '+' || base64_decode(plus + 10, strlen(plus + 10), raw,
	    sizeof(raw), &bad) != 33)
		return errf(err, errlen, "key: expected '+' and the "
		    "base64 of 33 bytes after the id");
	if (raw[0] != type)
		return errf(err, errlen, "key: type 0x%02x, expected "
		    "0x%02x", raw[0], type);
	memcpy(material, raw + 1, 32);
	return 0;
}

/* Wraps key as name; checks the id written against the computed one. */
static int
note_key_finish(struct note_key *k, const char *name, uint8_t type,
    uint32_t id, struct sign_key *key, char *err, size_t errlen)
{
	if (note_key_init_type(k, name, type, key, err, errlen) == -1)
		return -1;
	if (k->id != id) {
		note_key_release(k);
		return errf(err, errlen, "key id: %08x written, the key "
		    "gives %08x", id, k->id);
	}
	return 0;
}

int
note_vkey_parse(const char *vkey, struct note_key *k, char *err,
    size_t errlen)
{
	return note_vkey_parse_type(vkey, NOTE_ED25519, k, err, errlen);
}

int
note_vkey_parse_type(const char *vkey, uint8_t type, struct note_key *k,
    char *err, size_t errlen)
{
	char		name[NOTE_NAME_MAX + 1];
	uint8_t		pub[32];
	uint32_t	id;

	memset(k, 0, sizeof(*k));
	if (note_key_parts(vkey, type, name, &id, pub, err, errlen) == -1)
		return -1;
	return note_key_finish(k, name, type, id, sign_key_from_public(pub),
	    err, errlen);
}

int
note_skey_parse(const char *skey, struct note_key *k, char *err,
    size_t errlen)
{
	return note_skey_parse_type(skey, NOTE_ED25519, k, err, errlen);
}

int
note_skey_parse_type(const char *skey, uint8_t type, struct note_key *k,
    char *err, size_t errlen)
{
	char		name[NOTE_NAME_MAX + 1];
	uint8_t		seed[32];
	uint32_t	id;
	int		r;

	memset(k, 0, sizeof(*k));
	if (strncmp(skey, NOTE_SKEY_TAG, strlen(NOTE_SKEY_TAG)) != 0)
		return errf(err, errlen, "signer key: expected "
		    "PRIVATE+KEY+ at the start");
	if (note_key_parts(skey + strlen(NOTE_SKEY_TAG), type, name, &id,
	    seed, err, errlen) == -1)
		return -1;
	r = note_key_finish(k, name, type, id, sign_key_from_seed(seed), err,
	    errlen);
	memset(seed, 0, sizeof(seed));
	return r;
}

/* prefix name+id+base64(type || material) into out. */
static int
note_key_format(const char *prefix, const char *name, uint32_t id,
    uint8_t type, const uint8_t material[32], char *out, size_t outlen)
{
	uint8_t	raw[33];
	char	b64[48];
	int	n;

	raw[0] = type;
	memcpy(raw + 1, material, 32);
	if (base64_encode(raw, sizeof(raw), b64, sizeof(b64)) == -1)
		return -1;
	n = snprintf(out, outlen, "%s%s+%08x+%s", prefix, name, id, b64);
	memset(raw, 0, sizeof(raw));
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int
note_vkey_format(const struct note_key *k, char *out, size_t outlen)
{
	return note_key_format("", k->name, k->id, k->type,
	    sign_key_public(k->key), out, outlen);
}

int
note_skey_format(const char *name, const uint8_t seed[SIGN_SEED_LEN],
    char *out, size_t outlen)
{
	return note_skey_format_type(name, NOTE_ED25519, seed, out, outlen);
}

int
note_skey_format_type(const char *name, uint8_t type,
    const uint8_t seed[SIGN_SEED_LEN], char *out, size_t outlen)
{
	struct note_key	k;
	int		r;

	if (note_key_init_type(&k, name, type, sign_key_from_seed(seed), NULL,
	    0) == -1)
		return -1;
	r = note_key_format(NOTE_SKEY_TAG, name, k.id, type, seed, out,
	    outlen);
	note_key_release(&k);
	return r;
}

int
note_text_check(const char *text, size_t len, char *err, size_t errlen)
{
	const unsigned char	*p = (const unsigned char *)text;
	size_t			 i, n;
	unsigned		 line = 1;
	uint32_t		 cp;

	if (len == 0 || text[len - 1] != '\n')
		return errf(err, errlen, "line %u: the text does not "
		    "end in a newline", line);
	for (i = 0; i < len; i += n) {
		if ((n = utf8_next(p + i, len - i, &cp)) == 0)
			return errf(err, errlen, "line %u: not UTF-8 "
			    "at byte %zu", line, i);
		if (cp == '\n')
			line++;
		else if (cp < 0x20 || cp == 0x7f)
			return errf(err, errlen, "line %u: control "
			    "character 0x%02x at byte %zu", line, cp, i);
	}
	return 0;
}

/* One signature line of len bytes (no newline) into sig. */
static int
note_parse_sig(const char *p, size_t len, unsigned line,
    struct note_sig *sig, char *err, size_t errlen)
{
	uint8_t		 raw[NOTE_SIG_BYTES];
	const char	*sp;
	size_t		 bad;
	ssize_t		 n;

	if (len < NOTE_DASH_LEN || memcmp(p, NOTE_DASH, NOTE_DASH_LEN) != 0)
		return errf(err, errlen, "line %u: a signature line "
		    "starts with an em dash and a space", line);
	sig->name = p + NOTE_DASH_LEN;
	if ((sp = memchr(sig->name, ' ', len - NOTE_DASH_LEN)) == NULL)
		return errf(err, errlen, "line %u: expected a space "
		    "after the key name", line);
	sig->namelen = (size_t)(sp - sig->name);
	if (note_name_check(sig->name, sig->namelen, err, errlen) == -1)
		return errf(err, errlen, "line %u: bad key name", line);
	sig->b64 = sp + 1;
	sig->b64len = len - (size_t)(sig->b64 - p);
	sig->line = line;
	n = base64_decode(sig->b64, sig->b64len, raw, sizeof(raw), &bad);
	if (n < 5)
		return errf(err, errlen, "line %u: signature: expected "
		    "base64 of a key id and a signature", line);
	sig->id = note_be32(raw);
	return 0;
}

/* The offset of the blank line that ends the text, or -1. */
static ssize_t
note_split(const char *buf, size_t len)
{
	size_t	i;

	for (i = len - 1; i > 0; i--)
		if (buf[i] == '\n' && buf[i - 1] == '\n')
			return (ssize_t)i;
	return -1;
}

int
note_parse(const char *buf, size_t len, struct note *nt, char *err,
    size_t errlen)
{
	const char	*p, *nl, *end = buf + len;
	ssize_t		 blank;
	unsigned	 line = 1;
	size_t		 i;

	memset(nt, 0, sizeof(*nt));
	if (len > NOTE_SIZE_MAX)
		return errf(err, errlen, "note of %zu bytes, more than "
		    "%d", len, NOTE_SIZE_MAX);
	if (note_text_check(buf, len, err, errlen) == -1)
		return -1;
	if ((blank = note_split(buf, len)) == -1 || (size_t)blank + 1 == len)
		return errf(err, errlen, "line 1: no blank line followed "
		    "by signatures");
	nt->text = buf;
	nt->textlen = (size_t)blank;
	for (i = 0; i < nt->textlen; i++)
		line += buf[i] == '\n';
	for (p = buf + blank + 1; p < end; p = nl + 1) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nt->nsig == NOTE_SIGS_MAX)
			return errf(err, errlen, "line %u: more than %d "
			    "signatures", line, NOTE_SIGS_MAX);
		if (note_parse_sig(p, (size_t)(nl - p), line,
		    &nt->sig[nt->nsig++], err, errlen) == -1)
			return -1;
	}
	return 0;
}

int
note_sig_line(const struct note_key *k, const char *text, size_t textlen,
    char *out, size_t outlen)
{
	uint8_t	raw[4 + SIGN_SIG_LEN];
	char	b64[100];
	int	n;

	raw[0] = (uint8_t)(k->id >> 24);
	raw[1] = (uint8_t)(k->id >> 16);
	raw[2] = (uint8_t)(k->id >> 8);
	raw[3] = (uint8_t)k->id;
	if (k->key == NULL || !sign_key_is_private(k->key) ||
	    k->type != NOTE_ED25519 || sign_data(k->key, (const uint8_t *)text,
	    textlen, raw + 4) == -1 ||
	    base64_encode(raw, sizeof(raw), b64, sizeof(b64)) == -1)
		return -1;
	n = snprintf(out, outlen, NOTE_DASH "%s %s\n", k->name, b64);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int
note_sign(const struct note_key *k, const char *text, size_t textlen,
    char *out, size_t outlen, size_t *outused)
{
	char	line[NOTE_LINE_MAX];
	size_t	ll;

	if (note_text_check(text, textlen, NULL, 0) == -1 ||
	    note_sig_line(k, text, textlen, line, sizeof(line)) == -1)
		return -1;
	ll = strlen(line);
	if (textlen + 1 + ll + 1 > outlen)
		return -1;
	memcpy(out, text, textlen);
	out[textlen] = '\n';
	memcpy(out + textlen + 1, line, ll + 1);
	*outused = textlen + 1 + ll;
	return 0;
}

const struct note_key *
note_key_find(const struct note_sig *s, const struct note_key *keys, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (keys[i].id == s->id && strlen(keys[i].name) ==
		    s->namelen && memcmp(keys[i].name, s->name,
		    s->namelen) == 0)
			return &keys[i];
	return NULL;
}

/* One line by a known key: 0 if it verifies. */
static int
note_check_sig(const struct note *nt, const struct note_sig *s,
    const struct note_key *k, char *err, size_t errlen)
{
	uint8_t	raw[4 + SIGN_SIG_LEN + 1];
	size_t	bad;
	ssize_t	n;

	n = base64_decode(s->b64, s->b64len, raw, sizeof(raw), &bad);
	if (n != (ssize_t)sizeof(raw) - 1)
		return errf(err, errlen, "line %u: signature by %s is "
		    "not 4 + %d bytes", s->line, k->name, SIGN_SIG_LEN);
	if (sign_verify(k->key, (const uint8_t *)nt->text, nt->textlen,
	    raw + 4) != 0)
		return errf(err, errlen, "line %u: signature by %s does "
		    "not verify", s->line, k->name);
	return 0;
}

int
note_verify(const struct note *nt, const struct note_key *keys, size_t nkeys,
    char *err, size_t errlen)
{
	const struct note_key	*k;
	size_t			 i, good = 0;

	for (i = 0; i < nt->nsig; i++) {
		if ((k = note_key_find(&nt->sig[i], keys, nkeys)) == NULL)
			continue;
		if (note_check_sig(nt, &nt->sig[i], k, err, errlen) == -1)
			return -1;
		good++;
	}
	if (good == 0)
		return errf(err, errlen, "no signature by a known key");
	return 0;
}
