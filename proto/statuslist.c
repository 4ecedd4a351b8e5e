/* skkd — SPDX-License-Identifier: ISC */
/*
 * Status lists and number maps (statuslist.h, PROTOCOL.md §5): the
 * claims, zlib, and the COSE_Sign1 around them.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "cborx.h"
#include "cose.h"
#include "errf.h"
#include "statuslist.h"

#define CWT_SUB		2
#define CWT_EXP		4
#define CWT_IAT		6

const char *
sl_status_name(unsigned v)
{
	switch (v) {
	case SL_VALID:
		return "valid";
	case SL_REVOKED:
		return "revoked";
	case SL_SUSPENDED:
		return "suspended";
	case SL_REPLACED:
		return "replaced";
	case SL_PENDING:
		return "pending";
	case SL_EXPIRED:
		return "expired";
	case SL_NONE:
		return "none";
	default:
		return "reserved";
	}
}

/* "https://HOST/<what>/<n>" */
static int
sl_sub(char *out, size_t outlen, const char *host, const char *what,
    uint32_t n)
{
	int	len;

	len = snprintf(out, outlen, "https://%s/%s/%" PRIu32, host, what, n);
	return len < 0 || (size_t)len >= outlen ? -1 : 0;
}

/*
 * zlib of len bytes at level (9 for status lists, as the draft asks; 6
 * for number maps, which it leaves as small in a tenth of the time);
 * *out malloc'd. 0 or -1.
 */
static int
sl_deflate(const uint8_t *in, size_t len, int level, uint8_t **out,
    size_t *outlen)
{
	uLongf	dlen = compressBound((uLong)len);

	if ((*out = malloc(dlen)) == NULL)
		return -1;
	if (compress2(*out, &dlen, in, (uLong)len, level) != Z_OK) {
		free(*out);
		*out = NULL;
		return -1;
	}
	*outlen = dlen;
	return 0;
}

/*
 * Inflates a zlib stream that must end exactly at len and give at most
 * max bytes: a small hostile stream cannot make us allocate more.
 */
static int
sl_inflate(const uint8_t *in, size_t len, size_t max, uint8_t **out,
    size_t *outlen, char *err, size_t errlen)
{
	z_stream	z;
	uint8_t		*buf;
	int		 zr;

	if ((buf = malloc(max > 0 ? max : 1)) == NULL)
		return errf(err, errlen, "out of memory");
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK) {
		free(buf);
		return errf(err, errlen, "zlib: cannot start");
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)max;
	zr = inflate(&z, Z_FINISH);
	if (zr != Z_STREAM_END || z.avail_in != 0) {
		inflateEnd(&z);
		free(buf);
		return errf(err, errlen, "zlib: %s", zr == Z_BUF_ERROR &&
		    z.avail_out == 0 ? "more than the largest list" :
		    zr == Z_STREAM_END ? "bytes after the stream" :
		    "not a complete zlib stream");
	}
	*outlen = z.total_out;
	inflateEnd(&z);
	*out = buf;
	return 0;
}

/*
 * The claims both kinds share, in deterministic key order: 2 sub, 4 exp,
 * 6 iat, 65533 (the list, or nothing), 65534 ttl, then -65538 checkpoint
 * and -65539 (the number map, or nothing). body is consumed.
 */
static int
sl_sign(const struct sign_key *key, const char *typ, const struct sl_head *h,
    int64_t body_key, cbor_item_t *body, uint8_t **out, size_t *outlen)
{
	cbor_item_t	*map, *ck;
	uint8_t		*payload;
	size_t		 plen;
	int		 ok, rc;

	if ((map = cbor_new_definite_map(6)) == NULL ||
	    (ck = cbor_new_definite_array(2)) == NULL) {
		if (map != NULL)
			cbor_decref(&map);
		if (body != NULL)
			cbor_decref(&body);
		return -1;
	}
	ok = cborx_array_put(ck, cborx_int((int64_t)h->tree_size)) == 0 &&
	    cborx_array_put(ck, cbor_build_bytestring(h->root, 32)) == 0;
	ok = ok && h->tree_size <= INT64_MAX &&
	    cborx_map_put(map, cborx_int(CWT_SUB),
	    cbor_build_string(h->sub)) == 0 &&
	    cborx_map_put(map, cborx_int(CWT_EXP), cborx_int(h->exp)) == 0 &&
	    cborx_map_put(map, cborx_int(CWT_IAT), cborx_int(h->iat)) == 0 &&
	    (body_key != SL_CLAIM_LIST ||
	    cborx_map_put(map, cborx_int(body_key), cbor_incref(body)) == 0) &&
	    cborx_map_put(map, cborx_int(SL_CLAIM_TTL), cborx_int(h->ttl)) ==
	    0 &&
	    cborx_map_put(map, cborx_int(SL_CLAIM_CHECKPOINT),
	    cbor_incref(ck)) == 0 &&
	    (body_key != SL_CLAIM_NUMBERS ||
	    cborx_map_put(map, cborx_int(body_key), cbor_incref(body)) == 0);
	cbor_decref(&ck);
	if (body != NULL)
		cbor_decref(&body);
	if (cborx_serialize(map, ok, &payload, &plen) == -1)
		return -1;
	rc = cose_sign1_make(key, typ, payload, plen, out, outlen);
	free(payload);
	return rc;
}

/* {"lst": h'zlib', "bits": 4} or {"map": h'zlib', "count": n} */
static cbor_item_t *
sl_body(const char *bytes_key, const uint8_t *z, size_t zlen,
    const char *int_key, int64_t v)
{
	cbor_item_t	*m;

	if ((m = cbor_new_definite_map(2)) == NULL)
		return NULL;
	if (cborx_map_put_str(m, bytes_key, cbor_build_bytestring(z,
	    zlen)) == -1 || cborx_map_put_str(m, int_key, cborx_int(v)) == -1)
		cbor_decref(&m);
	return m;
}

static int
sl_check_head(const struct sl_head *h, char *err, size_t errlen)
{
	if (h->n >= SL_MAX_LISTS)
		return errf(err, errlen, "list %" PRIu32 ": at most %d lists",
		    h->n, SL_MAX_LISTS);
	if (h->iat < 0 || h->exp < h->iat || h->ttl <= 0)
		return errf(err, errlen, "times: need 0 <= iat <= exp, "
		    "ttl > 0");
	return 0;
}

int
sl_make(const struct sign_key *key, const char *host, struct sl_head *h,
    const uint8_t *packed, uint32_t count, uint8_t **out, size_t *outlen,
    char *err, size_t errlen)
{
	uint8_t	*raw, *z = NULL;
	size_t	 rawlen = ((size_t)count + 1) / 2, zlen;
	int	 rc;

	*out = NULL;
	if (sl_check_head(h, err, errlen) == -1)
		return -1;
	if (count > SL_PER_LIST)
		return errf(err, errlen, "%" PRIu32 " entries, at most %u",
		    count, SL_PER_LIST);
	if (sl_sub(h->sub, sizeof(h->sub), host, "status", h->n) == -1)
		return errf(err, errlen, "host too long");
	if ((raw = malloc(rawlen > 0 ? rawlen : 1)) == NULL)
		return errf(err, errlen, "out of memory");
	memcpy(raw, packed, rawlen);
	if (count & 1)
		sl_set(raw, count, SL_NONE);	/* the odd last nibble */
	rc = sl_deflate(raw, rawlen, 9, &z, &zlen);
	free(raw);
	if (rc == -1)
		return errf(err, errlen, "zlib: out of memory");
	rc = sl_sign(key, COSE_TYP_STATUS, h, SL_CLAIM_LIST,
	    sl_body("lst", z, zlen, "bits", SL_BITS), out, outlen);
	free(z);
	return rc == -1 ? errf(err, errlen, "cannot sign the list") : 0;
}

int
sl_numbers_make(const struct sign_key *key, const char *host,
    struct sl_head *h, const struct sl_numrec *recs, size_t count,
    uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	uint8_t	*raw, *p, *z = NULL;
	size_t	 i, zlen;
	int	 rc;

	*out = NULL;
	if (sl_check_head(h, err, errlen) == -1)
		return -1;
	if (count > SL_PER_LIST)
		return errf(err, errlen, "%zu numbers, at most %u", count,
		    SL_PER_LIST);
	for (i = 1; i < count; i++)
		if (memcmp(recs[i - 1].digits, recs[i].digits,
		    SL_NUM_DIGITS) >= 0)
			return errf(err, errlen, "numbers not sorted or "
			    "repeated at record %zu", i);
	if (sl_sub(h->sub, sizeof(h->sub), host, "numbers", h->n) == -1)
		return errf(err, errlen, "host too long");
	if ((raw = malloc(count > 0 ? count * SL_NUMREC_LEN : 1)) == NULL)
		return errf(err, errlen, "out of memory");
	for (p = raw, i = 0; i < count; i++, p += SL_NUMREC_LEN) {
		memcpy(p, recs[i].digits, SL_NUM_DIGITS);
		p[SL_NUM_DIGITS] = (uint8_t)(recs[i].idx >> 24);
		p[SL_NUM_DIGITS + 1] = (uint8_t)(recs[i].idx >> 16);
		p[SL_NUM_DIGITS + 2] = (uint8_t)(recs[i].idx >> 8);
		p[SL_NUM_DIGITS + 3] = (uint8_t)recs[i].idx;
	}
	rc = sl_deflate(raw, count * SL_NUMREC_LEN, 6, &z, &zlen);
	free(raw);
	if (rc == -1)
		return errf(err, errlen, "zlib: out of memory");
	rc = sl_sign(key, COSE_TYP_NUMBERS, h, SL_CLAIM_NUMBERS,
	    sl_body("map", z, zlen, "count", (int64_t)count), out, outlen);
	free(z);
	return rc == -1 ? errf(err, errlen, "cannot sign the number map") : 0;
}

/* --- reading --- */

/* Does sub name host's (any host's, when NULL) document what/n? */
static int
sl_sub_matches(const char *sub, const char *host, const char *what,
    uint32_t n)
{
	char		want[SL_SUB_MAX], tail[64];
	size_t		sl, tl;

	if (host != NULL)
		return sl_sub(want, sizeof(want), host, what, n) == 0 &&
		    strcasecmp(sub, want) == 0;
	snprintf(tail, sizeof(tail), "/%s/%" PRIu32, what, n);
	sl = strlen(sub);
	tl = strlen(tail);
	return strncasecmp(sub, "https://", 8) == 0 && sl > 8 + tl &&
	    strcmp(sub + sl - tl, tail) == 0;
}

/*
 * Verifies a document of kind typ and reads its common claims into h;
 * *body gets the (referenced) value of body_key. 0, -1 or -2.
 */
static int
sl_open_common(const uint8_t *buf, size_t len, size_t max, const char *typ,
    const struct sign_key *logkey, const char *host, const char *what,
    uint32_t n, int64_t body_key, struct sl_head *h, cbor_item_t **map,
    cbor_item_t **body, char *err, size_t errlen)
{
	struct cose_sign1	 m;
	cbor_item_t		*ck;
	int64_t			 ts;
	int			 good;

	memset(h, 0, sizeof(*h));
	*map = *body = NULL;
	if (cose_sign1_parse(buf, len, max, typ, &m, err, errlen) == -1)
		return -1;
	if ((good = cose_sign1_check(&m, logkey)) != 0) {
		errf(err, errlen, good == -2 ? "signature could not be "
		    "checked" : "not signed by this issuer's log key");
		return good == -2 ? -2 : -1;
	}
	if ((*map = cborx_load(m.payload, m.payload_len)) == NULL ||
	    !cbor_isa_map(*map))
		return errf(err, errlen, "claims: not a CBOR map");
	ck = cborx_map_int(*map, SL_CLAIM_CHECKPOINT);
	if (cborx_get_text(cborx_map_int(*map, CWT_SUB), h->sub,
	    sizeof(h->sub) - 1) == -1 ||
	    cborx_get_int(cborx_map_int(*map, CWT_IAT), &h->iat) == -1 ||
	    cborx_get_int(cborx_map_int(*map, CWT_EXP), &h->exp) == -1 ||
	    cborx_get_int(cborx_map_int(*map, SL_CLAIM_TTL), &h->ttl) == -1 ||
	    ck == NULL || !cbor_isa_array(ck) || cbor_array_size(ck) != 2 ||
	    cborx_get_int(cbor_array_handle(ck)[0], &ts) == -1 || ts < 0 ||
	    !cborx_is_bstr(cbor_array_handle(ck)[1]) ||
	    cbor_bytestring_length(cbor_array_handle(ck)[1]) != 32 ||
	    (*body = cborx_map_int(*map, body_key)) == NULL ||
	    !cbor_isa_map(*body))
		return errf(err, errlen, "claims: expected sub, iat, exp, "
		    "ttl, checkpoint and the %s", what);
	h->n = n;
	h->tree_size = (uint64_t)ts;
	memcpy(h->root, cbor_bytestring_handle(cbor_array_handle(ck)[1]), 32);
	if (!sl_sub_matches(h->sub, host, what, n))
		return errf(err, errlen, "sub \"%s\" is not %s %" PRIu32
		    " of %s", h->sub, what, n, host != NULL ? host :
		    "an issuer");
	if (h->iat < 0 || h->exp < h->iat || h->ttl <= 0)
		return errf(err, errlen, "times: need 0 <= iat <= exp, "
		    "ttl > 0");
	return 0;
}

int
sl_open(const uint8_t *buf, size_t len, const struct sign_key *logkey,
    const char *host, uint32_t n, struct sl_list *l, char *err,
    size_t errlen)
{
	cbor_item_t	*map, *body, *lst;
	int64_t		 bits;
	size_t		 rawlen;
	int		 rc;

	memset(l, 0, sizeof(*l));
	rc = sl_open_common(buf, len, SL_TOKEN_MAX, COSE_TYP_STATUS, logkey,
	    host, "status", n, SL_CLAIM_LIST, &l->h, &map, &body, err, errlen);
	if (rc == 0) {
		lst = cborx_map_str(body, "lst");
		if (cborx_get_int(cborx_map_str(body, "bits"), &bits) == -1 ||
		    bits != SL_BITS || !cborx_is_bstr(lst))
			rc = errf(err, errlen, "status_list: expected "
			    "{\"bits\": 4, \"lst\": bstr}");
		else if ((rc = sl_inflate(cbor_bytestring_handle(lst),
		    cbor_bytestring_length(lst), SL_PACKED_MAX, &l->packed,
		    &rawlen, err, errlen)) == 0)
			l->count = (uint32_t)(rawlen * 2);
	}
	if (map != NULL)
		cbor_decref(&map);
	if (rc != 0)
		sl_list_release(l);
	return rc;
}

void
sl_list_release(struct sl_list *l)
{
	free(l->packed);
	l->packed = NULL;
	l->count = 0;
}

unsigned
sl_list_get(const struct sl_list *l, uint64_t idx)
{
	uint64_t	i;

	if ((idx >> SL_SHIFT) != l->h.n)
		return SL_NONE;
	i = idx & (SL_PER_LIST - 1);
	return i < l->count ? sl_get(l->packed, (uint32_t)i) : SL_NONE;
}

int
sl_numbers_open(const uint8_t *buf, size_t len,
    const struct sign_key *logkey, const char *host, uint32_t n,
    struct sl_numbers *nm, char *err, size_t errlen)
{
	cbor_item_t	*map, *body, *z;
	int64_t		 count;
	size_t		 rawlen, i;
	int		 rc;

	memset(nm, 0, sizeof(*nm));
	rc = sl_open_common(buf, len, SL_NUMBERS_MAX, COSE_TYP_NUMBERS,
	    logkey, host, "numbers", n, SL_CLAIM_NUMBERS, &nm->h, &map, &body,
	    err, errlen);
	if (rc == 0) {
		z = cborx_map_str(body, "map");
		if (cborx_get_int(cborx_map_str(body, "count"), &count) == -1 ||
		    count < 0 || count > SL_PER_LIST || !cborx_is_bstr(z))
			rc = errf(err, errlen, "numbers: expected "
			    "{\"count\": uint, \"map\": bstr}");
		else if ((rc = sl_inflate(cbor_bytestring_handle(z),
		    cbor_bytestring_length(z), (size_t)count * SL_NUMREC_LEN,
		    &nm->recs, &rawlen, err, errlen)) == 0 &&
		    rawlen != (size_t)count * SL_NUMREC_LEN)
			rc = errf(err, errlen, "numbers: %zu bytes for %" PRId64
			    " records", rawlen, count);
		nm->count = (size_t)count;
		for (i = 1; rc == 0 && i < nm->count; i++)
			if (memcmp(nm->recs + (i - 1) * SL_NUMREC_LEN,
			    nm->recs + i * SL_NUMREC_LEN, SL_NUM_DIGITS) >= 0)
				rc = errf(err, errlen, "numbers: record %zu "
				    "out of order", i);
	}
	if (map != NULL)
		cbor_decref(&map);
	if (rc != 0)
		sl_numbers_release(nm);
	return rc;
}

void
sl_numbers_release(struct sl_numbers *nm)
{
	free(nm->recs);
	nm->recs = NULL;
	nm->count = 0;
}

int
sl_numbers_find(const struct sl_numbers *nm, const char *number,
    uint32_t *idx)
{
	char		 d[SL_NUM_DIGITS];
	const uint8_t	*r;
	size_t		 lo = 0, hi = nm->count, mid, k = 0;
	int		 c;

	for (; *number != '\0'; number++) {
		if (*number == ' ')
			continue;
		if (*number < '0' || *number > '9' || k == SL_NUM_DIGITS)
			return -1;
		d[k++] = *number;
	}
	if (k != SL_NUM_DIGITS)
		return -1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = nm->recs + mid * SL_NUMREC_LEN;
		if ((c = memcmp(d, r, SL_NUM_DIGITS)) == 0) {
			r += SL_NUM_DIGITS;
			*idx = (uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 |
			    (uint32_t)r[2] << 8 | r[3];
			return 0;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}
