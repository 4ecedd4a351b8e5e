/* skkd — SPDX-License-Identifier: ISC */
/*
 * The registry-signed trust list (trustlist.h, PROTOCOL.md §7): its text
 * form, read line by line with the line named in every error, and its
 * signed CBOR form, encoded deterministically and decoded totally.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cborx.h"
#include "cert.h"
#include "cose.h"
#include "errf.h"
#include "trustlist.h"

#define CWT_EXP		4
#define CWT_IAT		6

static int	tl_url_check(const char *, char *, size_t);
static int	tl_port_check(const char *);
static int	tl_add(struct trustlist *, size_t *, const struct tl_issuer *);
static int	tl_parse_line(const char *, size_t, struct tl_issuer *, char *,
		    size_t);
static int	tl_word(const char **, const char *, char *, size_t);
static cbor_item_t *tl_encode_issuer(const struct tl_issuer *);
static cbor_item_t *tl_encode_body(const struct trustlist *);
static int	tl_decode(const uint8_t *, size_t, struct trustlist *, char *,
		    size_t);
static int	tl_decode_issuers(const cbor_item_t *, struct trustlist *,
		    char *, size_t);
static int	tl_check_dates(const struct trustlist *, int64_t, char *,
		    size_t);

void
trustlist_init(struct trustlist *tl)
{
	memset(tl, 0, sizeof(*tl));
}

void
trustlist_release(struct trustlist *tl)
{
	free(tl->v);
	trustlist_init(tl);
}

/* 1 to 65535 in decimal, no sign, no leading zero; 0 or -1. */
static int
tl_port_check(const char *p)
{
	size_t	n = strlen(p);

	if (n == 0 || n > 5 || p[0] == '0' || strspn(p, "0123456789") != n ||
	    atoi(p) > 65535)
		return -1;
	return 0;
}

static int
tl_url_check(const char *url, char *err, size_t errlen)
{
	const char	*a = url + 8, *colon;
	size_t		 n;

	if (strncmp(url, "https://", 8) != 0)
		return errf(err, errlen, "url: not https://HOST[:PORT]");
	n = strlen(a);
	if (n > 0 && a[n - 1] == '/')
		return errf(err, errlen, "url: no path allowed, not even '/'");
	if (issuer_host_check(a, n, err, errlen) == -1)
		return -1;
	if (a[0] == '[') {
		if ((colon = strchr(a, ']')) == NULL || colon == a + 1)
			return errf(err, errlen, "url: bad [IPv6] host");
		colon = colon[1] == '\0' ? NULL : colon + 1;
		if (colon != NULL && *colon != ':')
			return errf(err, errlen, "url: bad [IPv6] host");
	} else if ((colon = strchr(a, ':')) != NULL && (colon == a ||
	    strchr(colon + 1, ':') != NULL))
		return errf(err, errlen, "url: bad host");
	if (colon != NULL && tl_port_check(colon + 1) == -1)
		return errf(err, errlen, "url: bad port '%s'", colon + 1);
	return 0;
}

int
tl_issuer_check(const struct tl_issuer *e, char *err, size_t errlen)
{
	struct note_key	nk;

	if (tl_url_check(e->url, err, errlen) == -1)
		return -1;
	if (note_vkey_parse(e->log_key, &nk, err, errlen) == -1)
		return -1;
	note_key_release(&nk);
	if (cert_check_text("licence", e->licence, ISSUER_LICENCE_MAX, err,
	    errlen) == -1 || cert_check_text("name", e->name,
	    ISSUER_NAME_MAX, err, errlen) == -1)
		return -1;
	if (e->name[0] == '\0')
		return errf(err, errlen, "name: empty");
	return 0;
}

/* The next word (up to a space or the end) into out; -1 if none or long. */
static int
tl_word(const char **p, const char *end, char *out, size_t max)
{
	const char	*s = *p, *e;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	for (e = s; e < end && *e != ' ' && *e != '\t'; e++)
		;
	if (e == s || (size_t)(e - s) > max)
		return -1;
	memcpy(out, s, e - s);
	out[e - s] = '\0';
	*p = e;
	return 0;
}

/* One line, not blank nor a comment, without its newline. */
static int
tl_parse_line(const char *s, size_t len, struct tl_issuer *e, char *err,
    size_t errlen)
{
	const char	*p = s, *end = s + len;
	char		 lic[ISSUER_LICENCE_MAX + 1];

	memset(e, 0, sizeof(*e));
	if (memchr(s, '\0', len) != NULL)
		return errf(err, errlen, "NUL byte at column %zu",
		    (size_t)((const char *)memchr(s, '\0', len) - s) + 1);
	if (tl_word(&p, end, e->url, TL_URL_MAX) == -1)
		return errf(err, errlen, "url: too long");
	if (tl_word(&p, end, e->log_key, NOTE_KEY_MAX) == -1)
		return errf(err, errlen, "expected https://HOST[:PORT] "
		    "LOG_VKEY LICENCE|- NAME, the log key is %s",
		    p == end ? "missing" : "too long");
	if (tl_word(&p, end, lic, ISSUER_LICENCE_MAX) == -1)
		return errf(err, errlen, "expected LICENCE or '-' after the "
		    "log key%s", p == end ? "" : " (at most 64 bytes)");
	if (strcmp(lic, "-") != 0)
		memcpy(e->licence, lic, strlen(lic) + 1);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		end--;
	if (p == end)
		return errf(err, errlen, "expected the issuer's NAME after "
		    "the licence");
	if ((size_t)(end - p) > ISSUER_NAME_MAX)
		return errf(err, errlen, "name: longer than %d bytes",
		    ISSUER_NAME_MAX);
	memcpy(e->name, p, end - p);
	e->name[end - p] = '\0';
	return tl_issuer_check(e, err, errlen);
}

/* Appends e to tl's entries, growing them; cap is their room. 0 or -1. */
static int
tl_add(struct trustlist *tl, size_t *cap, const struct tl_issuer *e)
{
	struct tl_issuer	*v;
	size_t			 n;

	if (tl->n == *cap) {
		n = *cap ? *cap * 2 : 16;
		if ((v = reallocarray(tl->v, n, sizeof(*v))) == NULL)
			return -1;
		tl->v = v;
		*cap = n;
	}
	tl->v[tl->n++] = *e;
	return 0;
}

int
trustlist_parse_text(const char *buf, size_t len, struct trustlist *tl,
    char *err, size_t errlen)
{
	struct tl_issuer	 e;
	const char		*p = buf, *nl, *end = buf + len;
	unsigned		*lines = NULL, line = 0, *l;
	size_t			 cap = 0, i, n;
	char			 why[256];

	free(tl->v);
	tl->v = NULL;
	tl->n = 0;
	if (len > TL_TEXT_MAX)
		return errf(err, errlen, "longer than %d bytes", TL_TEXT_MAX);
	for (; p < end; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		for (n = 0; p + n < nl && (p[n] == ' ' || p[n] == '\t'); n++)
			;
		if (p + n == nl || p[n] == '#' || (p[n] == '\r' &&
		    p + n + 1 == nl))
			continue;
		if (tl->n == TL_ISSUERS_MAX) {
			errf(err, errlen, "line %u: more than %d issuers", line,
			    TL_ISSUERS_MAX);
			goto fail;
		}
		if (tl_parse_line(p, nl - p, &e, why, sizeof(why)) == -1) {
			errf(err, errlen, "line %u: %s", line, why);
			goto fail;
		}
		for (i = 0; i < tl->n; i++)
			if (strcmp(tl->v[i].url, e.url) == 0) {
				errf(err, errlen, "line %u: %s already listed "
				    "on line %u", line, e.url, lines[i]);
				goto fail;
			}
		if ((l = reallocarray(lines, tl->n + 1, sizeof(*l))) == NULL ||
		    tl_add(tl, &cap, &e) == -1) {
			if (l != NULL)
				lines = l;
			errf(err, errlen, "out of memory");
			goto fail;
		}
		lines = l;
		lines[tl->n - 1] = line;
	}
	free(lines);
	return 0;
fail:
	free(lines);
	free(tl->v);
	tl->v = NULL;
	tl->n = 0;
	return -1;
}

/* Map keys in the order of their encoded bytes (cborx.h). */
static cbor_item_t *
tl_encode_issuer(const struct tl_issuer *e)
{
	cbor_item_t	*m;

	if ((m = cbor_new_definite_map(4)) == NULL)
		return NULL;
	if (cborx_map_put_str(m, "url", cbor_build_string(e->url)) == -1 ||
	    cborx_map_put_str(m, "name", cbor_build_string(e->name)) == -1 ||
	    cborx_map_put_str(m, "licence", cbor_build_string(e->licence)) ==
	    -1 ||
	    cborx_map_put_str(m, "log_key", cbor_build_string(e->log_key)) ==
	    -1)
		cbor_decref(&m);
	return m;
}

static cbor_item_t *
tl_encode_body(const struct trustlist *tl)
{
	cbor_item_t	*m, *a;
	size_t		 i;

	if ((a = cbor_new_definite_array(tl->n)) == NULL)
		return NULL;
	for (i = 0; i < tl->n; i++)
		if (cborx_array_put(a, tl_encode_issuer(&tl->v[i])) == -1) {
			cbor_decref(&a);
			return NULL;
		}
	if ((m = cbor_new_definite_map(2)) == NULL) {
		cbor_decref(&a);
		return NULL;
	}
	if (cborx_map_put_str(m, "issuers", a) == -1 ||
	    cborx_map_put_str(m, "registry", cbor_build_string(tl->registry)) ==
	    -1)
		cbor_decref(&m);
	return m;
}

int
trustlist_make(const struct sign_key *registry, const struct trustlist *tl,
    uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	cbor_item_t	*claims;
	uint8_t		*payload;
	size_t		 plen, i;
	char		 why[256];
	int		 ok;

	*out = NULL;
	*outlen = 0;
	if (cert_check_text("registry", tl->registry, TL_REGISTRY_MAX, err,
	    errlen) == -1)
		return -1;
	if (tl->registry[0] == '\0')
		return errf(err, errlen, "registry: empty name");
	if (tl->iat < 0 || tl->exp <= tl->iat)
		return errf(err, errlen, "exp: not after iat");
	if (tl->n > TL_ISSUERS_MAX)
		return errf(err, errlen, "more than %d issuers",
		    TL_ISSUERS_MAX);
	for (i = 0; i < tl->n; i++)
		if (tl_issuer_check(&tl->v[i], why, sizeof(why)) == -1)
			return errf(err, errlen, "issuers[%zu]: %s", i, why);
	if ((claims = cbor_new_definite_map(3)) == NULL)
		return errf(err, errlen, "out of memory");
	ok = cborx_map_put(claims, cborx_int(CWT_EXP), cborx_int(tl->exp)) ==
	    0 && cborx_map_put(claims, cborx_int(CWT_IAT),
	    cborx_int(tl->iat)) == 0 &&
	    cborx_map_put(claims, cborx_int(TL_CLAIM), tl_encode_body(tl)) == 0;
	if (cborx_serialize(claims, ok, &payload, &plen) == -1)
		return errf(err, errlen, "out of memory");
	ok = cose_sign1_make(registry, COSE_TYP_TRUSTLIST, payload, plen, out,
	    outlen);
	free(payload);
	if (ok == -1)
		return errf(err, errlen, "cannot sign the trust list");
	return 0;
}

static int
tl_decode_issuers(const cbor_item_t *a, struct trustlist *tl, char *err,
    size_t errlen)
{
	cbor_item_t	**v;
	char		  why[256];
	size_t		  i, j, n;

	if (a == NULL || !cbor_isa_array(a) || !cbor_array_is_definite(a))
		return errf(err, errlen, "issuers: missing, repeated or not "
		    "an array");
	if ((n = cbor_array_size(a)) > TL_ISSUERS_MAX)
		return errf(err, errlen, "issuers: more than %d",
		    TL_ISSUERS_MAX);
	if (n > 0 && (tl->v = calloc(n, sizeof(*tl->v))) == NULL)
		return errf(err, errlen, "out of memory");
	v = cbor_array_handle(a);
	for (i = 0; i < n; i++, tl->n++) {
		if (!cbor_isa_map(v[i]) ||
		    issuer_cbor_text(v[i], "url", tl->v[i].url, TL_URL_MAX,
		    why, sizeof(why)) == -1 ||
		    issuer_cbor_text(v[i], "log_key", tl->v[i].log_key,
		    NOTE_KEY_MAX, why, sizeof(why)) == -1 ||
		    issuer_cbor_text(v[i], "licence", tl->v[i].licence,
		    ISSUER_LICENCE_MAX, why, sizeof(why)) == -1 ||
		    issuer_cbor_text(v[i], "name", tl->v[i].name,
		    ISSUER_NAME_MAX, why, sizeof(why)) == -1 ||
		    tl_issuer_check(&tl->v[i], why, sizeof(why)) == -1)
			return errf(err, errlen, "issuers[%zu]: %s", i,
			    cbor_isa_map(v[i]) ? why : "not a map");
		for (j = 0; j < i; j++)
			if (strcmp(tl->v[j].url, tl->v[i].url) == 0)
				return errf(err, errlen, "issuers[%zu]: %s "
				    "already listed", i, tl->v[i].url);
	}
	return 0;
}

static int
tl_decode(const uint8_t *payload, size_t len, struct trustlist *tl,
    char *err, size_t errlen)
{
	cbor_item_t	*claims, *body;
	int		 rc = -1;

	if ((claims = cborx_load(payload, len)) == NULL)
		return errf(err, errlen, "payload: not one well-formed CBOR "
		    "item");
	body = cborx_map_int(claims, TL_CLAIM);
	if (!cbor_isa_map(claims))
		errf(err, errlen, "payload: not a map of claims");
	else if (issuer_cbor_time(cborx_map_int(claims, CWT_IAT), "iat",
	    &tl->iat, err, errlen) == -1 ||
	    issuer_cbor_time(cborx_map_int(claims, CWT_EXP), "exp", &tl->exp,
	    err, errlen) == -1)
		;
	else if (tl->exp <= tl->iat)
		errf(err, errlen, "exp: not after iat");
	else if (body == NULL || !cbor_isa_map(body))
		errf(err, errlen, "claim %d: missing, repeated or not a map",
		    TL_CLAIM);
	else if (issuer_cbor_text(body, "registry", tl->registry,
	    TL_REGISTRY_MAX, err, errlen) == -1)
		;
	else if (tl->registry[0] == '\0')
		errf(err, errlen, "registry: empty name");
	else
		rc = tl_decode_issuers(cborx_map_str(body, "issuers"), tl, err,
		    errlen);
	cbor_decref(&claims);
	return rc;
}

static int
tl_check_dates(const struct trustlist *tl, int64_t now, char *err,
    size_t errlen)
{
	char	iat[21], exp[21], at[21];

	if (now == 0 || (tl->iat <= now && now < tl->exp))
		return 0;
	time_format(tl->iat, iat);
	time_format(tl->exp, exp);
	time_format(now, at);
	return errf(err, errlen, "%s: valid from %s until %s, and it is %s",
	    now < tl->iat ? "not valid yet" : "expired", iat, exp, at);
}

int
trustlist_open(const uint8_t *buf, size_t len,
    const struct sign_key *registry, int64_t now, struct trustlist *tl,
    char *err, size_t errlen)
{
	struct cose_sign1	m;
	int			rc;

	trustlist_init(tl);
	if (cose_sign1_parse(buf, len, TL_SIZE_MAX, COSE_TYP_TRUSTLIST, &m,
	    err, errlen) == -1)
		return -1;
	if (registry != NULL) {
		if (memcmp(m.kid, sign_key_kid(registry), SIGN_KID_LEN) != 0)
			return errf(err, errlen, "signature: by another key "
			    "than the registry's");
		if ((rc = cose_sign1_check(&m, registry)) != 0)
			return issuer_sig_fail(rc, err, errlen);
	}
	if (tl_decode(m.payload, m.payload_len, tl, err, errlen) == -1)
		return -1;
	return tl_check_dates(tl, now, err, errlen);
}
