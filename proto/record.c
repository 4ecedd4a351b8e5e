/* skkd — SPDX-License-Identifier: ISC */
/*
 * CBOR codec of certificate records and audit events. Both are maps with
 * small unsigned keys: key 0 the version, then one key per struct field,
 * absent when the field is empty or zero. Encoding is RFC 8949 §4.2.1
 * deterministic (shortest heads, definite lengths, keys ascending, which
 * for keys 0..23 is also their bytewise order). Decoding is total and
 * allocates nothing: one pass of libcbor's streaming decoder, which reports
 * one item per call, drives a small state machine that checks structure
 * (definite lengths, nesting, counts the input can hold) and writes each
 * value straight into the struct.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "errf.h"
#include "record.h"
#include "utf8.h"

#define EVENT_VERSION	1	/* bump when the event map changes */
#define NEST_MAX	4	/* containers and tags; records need 2 */

enum field_type {
	F_TEXT,			/* char[size], NUL-terminated */
	F_BYTES,		/* uint8_t[size], absent when all zero */
	F_U8,
	F_I32,
	F_I64,
	F_U64,
	F_UNITS			/* struct cert units[] and nunits */
};

struct field {
	uint8_t		 key;
	const char	*name;
	enum field_type	 type;
	size_t		 off;
	size_t		 size;
};

struct codec {
	const char		*what;		/* error prefix */
	uint64_t		 version;
	const struct field	*fields;
	size_t			 nfields;
	size_t			 objsize;
};

struct wbuf {
	uint8_t		*p;
	size_t		 len;
	size_t		 cap;
	int		 oom;
};

/*
 * Errors found while decoding are kept by rank, so that odd input gets the
 * message the earlier scan-then-build decoder gave: structure first (ends
 * the pass), then text that is not UTF-8, a top item that is no map, the
 * version wherever it sits, and last the first bad pair in map order.
 */
enum fail_rank {
	FAIL_NONE,
	FAIL_FIELD,
	FAIL_VERSION,
	FAIL_MAP,
	FAIL_UTF8
};

/* One item as libcbor's streaming decoder reports it. */
enum item_kind {
	I_UINT,
	I_NEGINT,		/* value -1 - n */
	I_BYTES,
	I_TEXT,
	I_ARRAY,
	I_MAP,
	I_TAG,
	I_OTHER			/* floats and simple values */
};

struct item {
	enum item_kind	 kind;
	uint64_t	 n;		/* integer, tag, length or count */
	const uint8_t	*p;		/* string contents, n bytes */
};

/*
 * Decoder state: one frame per open container with the items still to
 * come (left), then what the next item means. Depth 1 holds the top map's
 * keys and values, depth 2 the entries of the units array. avail is the
 * input left, the current item included; why a structural error.
 */
struct dec {
	const struct codec	*cd;
	void			*obj;
	char			*err;
	size_t			 errlen;
	size_t			 left[NEST_MAX];
	int			 depth;
	int			 started;
	int			 called;
	size_t			 avail;
	const char		*why;
	enum fail_rank		 fail;
	int			 ismap;	/* the top item is a map */
	uint64_t		 seen;	/* bit k: key k decoded */
	int			 vseen;	/* some key 0 was met */
	int			 vnext;	/* the next value is the version */
	const struct field	*f;	/* the next value's field */
	int			 units;	/* depth 2 has units entries */
	size_t			 unit;	/* index of the next entry */
};

static int	codec_fail(const struct codec *, char *, size_t, const char *,
		    ...) __attribute__((format(printf, 4, 5)));
static void	wbuf_put(struct wbuf *, const void *, size_t);
static void	wbuf_int(struct wbuf *, int64_t);
static void	wbuf_uint(struct wbuf *, uint64_t);
static void	wbuf_text(struct wbuf *, const char *, size_t);
static int	field_present(const struct field *, const void *);
static void	field_encode(struct wbuf *, const struct field *,
		    const void *);
static int	codec_encode(const struct codec *, const void *, uint8_t **,
		    size_t *);
static int	codec_vfail(const struct codec *, char *, size_t, const char *,
		    va_list) __attribute__((format(printf, 4, 0)));
static void	dec_fail(struct dec *, enum fail_rank, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static const struct field *codec_field(const struct codec *, uint64_t);
static void	dec_item(struct dec *, const struct item *);
static void	dec_key(struct dec *, const struct item *);
static void	dec_value(struct dec *, const struct item *);
static void	dec_unit(struct dec *, const struct item *);
static void	field_decode(struct dec *, const struct field *,
		    const struct item *);
static void	text_decode(struct dec *, const char *, const struct item *,
		    char *, size_t);
static int	int_decode(const struct item *, int64_t, int64_t, int64_t *);
static int	utf8_valid(const uint8_t *, size_t);
static int	codec_decode(const struct codec *, const uint8_t *, size_t,
		    void *, char *, size_t);

#define FIELD(st, k, n, t, m) \
	{ k, n, t, offsetof(st, m), sizeof(((st *)NULL)->m) }
#define CF(k, n, t, m)	FIELD(struct cert, k, n, t, m)
#define EF(k, n, t, m)	FIELD(struct cert_event, k, n, t, m)

/* Keys are forever: append new ones, never renumber. */
static const struct field cert_fields[] = {
	CF(1, "number", F_TEXT, number),
	CF(2, "lsp_number", F_TEXT, lsp_regno),
	CF(3, "lpjk_number", F_TEXT, lpjk_regno),
	CF(4, "blank_number", F_TEXT, blank_no),
	CF(5, "name", F_TEXT, name),
	CF(6, "nik_hmac", F_BYTES, nik_hmac),
	CF(7, "photo_ref", F_TEXT, photo_ref),
	CF(8, "job_code", F_TEXT, job_code),
	CF(9, "job_title", F_TEXT, job_title_id),
	CF(10, "job_title_en", F_TEXT, job_title_en),
	CF(11, "klasifikasi", F_TEXT, klasifikasi),
	CF(12, "subklasifikasi", F_TEXT, subklasifikasi),
	CF(13, "kualifikasi", F_U8, kualifikasi),
	CF(14, "level", F_U8, jenjang),
	CF(15, "units", F_UNITS, units),
	CF(16, "issuer", F_TEXT, issuer_name),
	CF(17, "licence", F_TEXT, issuer_licence),
	CF(18, "organiser", F_TEXT, organiser),
	CF(19, "event", F_TEXT, event),
	CF(20, "assessed", F_I32, assessed),
	CF(21, "assess_place", F_TEXT, assess_place),
	CF(22, "issued", F_I32, issued),
	CF(23, "expires", F_I32, expires),
	CF(24, "apptype", F_U8, apptype),
	CF(25, "predecessor", F_TEXT, predecessor),
	CF(26, "successor", F_TEXT, successor),
	CF(27, "status", F_U8, status),
	CF(28, "status_at", F_I64, status_at),
	CF(29, "kid", F_BYTES, kid),
};

static const struct field event_fields[] = {
	EF(1, "seq", F_U64, seq),
	EF(2, "at", F_I64, at),
	EF(3, "number", F_TEXT, number),
	EF(4, "kind", F_U8, kind),
	EF(5, "status", F_U8, status),
	EF(6, "actor", F_TEXT, actor),
	EF(7, "serial", F_TEXT, serial),
	EF(8, "reason", F_TEXT, reason),
	EF(9, "detail", F_TEXT, detail),
};

static const struct codec cert_codec = {
	"record", RECORD_VERSION, cert_fields,
	sizeof(cert_fields) / sizeof(cert_fields[0]), sizeof(struct cert)
};

static const struct codec event_codec = {
	"event", EVENT_VERSION, event_fields,
	sizeof(event_fields) / sizeof(event_fields[0]),
	sizeof(struct cert_event)
};

static const char *const event_kind_names[EVENT_KIND_MAX] = {
	NULL, "issue", "status", "lpjk", "renew", "resign", "blank",
	"blank-void", "correct", "correct-request"
};

static int
codec_vfail(const struct codec *cd, char *err, size_t errlen,
    const char *fmt, va_list ap)
{
	int	n;

	if (err == NULL || errlen == 0)
		return -1;
	n = snprintf(err, errlen, "%s: ", cd->what);
	if (n < 0 || (size_t)n >= errlen)
		return -1;
	return verrf(err + n, errlen - (size_t)n, fmt, ap);
}

static int
codec_fail(const struct codec *cd, char *err, size_t errlen,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	codec_vfail(cd, err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static void
wbuf_put(struct wbuf *w, const void *p, size_t n)
{
	uint8_t	*np;
	size_t	 cap;

	if (w->oom)
		return;
	if (n > w->cap - w->len) {
		cap = w->cap ? w->cap : 256;
		while (n > cap - w->len)
			cap *= 2;
		if ((np = realloc(w->p, cap)) == NULL) {
			w->oom = 1;
			return;
		}
		w->p = np;
		w->cap = cap;
	}
	memcpy(w->p + w->len, p, n);
	w->len += n;
}

/* libcbor's *_encode_uint and *_negint pick the shortest head. */
static void
wbuf_uint(struct wbuf *w, uint64_t v)
{
	unsigned char	h[9];

	wbuf_put(w, h, cbor_encode_uint(v, h, sizeof(h)));
}

static void
wbuf_int(struct wbuf *w, int64_t v)
{
	unsigned char	h[9];

	if (v >= 0)
		wbuf_uint(w, (uint64_t)v);
	else
		wbuf_put(w, h, cbor_encode_negint((uint64_t)(-1 - v), h,
		    sizeof(h)));
}

static void
wbuf_text(struct wbuf *w, const char *s, size_t len)
{
	unsigned char	h[9];

	wbuf_put(w, h, cbor_encode_string_start(len, h, sizeof(h)));
	wbuf_put(w, s, len);
}

static int
field_present(const struct field *f, const void *obj)
{
	const uint8_t	*p = (const uint8_t *)obj + f->off;
	size_t		 i;

	switch (f->type) {
	case F_TEXT:
		return p[0] != '\0';
	case F_BYTES:
		for (i = 0; i < f->size; i++)
			if (p[i] != 0)
				return 1;
		return 0;
	case F_U8:
		return p[0] != 0;
	case F_I32:
		return *(const int32_t *)(const void *)p != 0;
	case F_I64:
		return *(const int64_t *)(const void *)p != 0;
	case F_U64:
		return *(const uint64_t *)(const void *)p != 0;
	case F_UNITS:
		return ((const struct cert *)obj)->nunits != 0;
	}
	return 0;
}

/* Strings without their NUL within bounds are cut, never overrun. */
static void
field_encode(struct wbuf *w, const struct field *f, const void *obj)
{
	const uint8_t		*p = (const uint8_t *)obj + f->off;
	const struct cert	*c = obj;
	unsigned char		 h[9];
	size_t			 i, n;

	switch (f->type) {
	case F_TEXT:
		wbuf_text(w, (const char *)p, strnlen((const char *)p,
		    f->size - 1));
		break;
	case F_BYTES:
		wbuf_put(w, h, cbor_encode_bytestring_start(f->size, h,
		    sizeof(h)));
		wbuf_put(w, p, f->size);
		break;
	case F_U8:
		wbuf_uint(w, p[0]);
		break;
	case F_I32:
		wbuf_int(w, *(const int32_t *)(const void *)p);
		break;
	case F_I64:
		wbuf_int(w, *(const int64_t *)(const void *)p);
		break;
	case F_U64:
		wbuf_uint(w, *(const uint64_t *)(const void *)p);
		break;
	case F_UNITS:
		n = c->nunits < CERT_UNITS_MAX ? c->nunits : CERT_UNITS_MAX;
		wbuf_put(w, h, cbor_encode_array_start(n, h, sizeof(h)));
		for (i = 0; i < n; i++)
			wbuf_text(w, c->units[i], strnlen(c->units[i],
			    CERT_UNIT_MAX));
		break;
	}
}

static int
codec_encode(const struct codec *cd, const void *obj, uint8_t **out,
    size_t *outlen)
{
	struct wbuf	 w = { NULL, 0, 0, 0 };
	unsigned char	 h[9];
	size_t		 i, n = 1;

	for (i = 0; i < cd->nfields; i++)
		n += field_present(&cd->fields[i], obj);
	wbuf_put(&w, h, cbor_encode_map_start(n, h, sizeof(h)));
	wbuf_uint(&w, 0);
	wbuf_uint(&w, cd->version);
	for (i = 0; i < cd->nfields; i++) {
		if (!field_present(&cd->fields[i], obj))
			continue;
		wbuf_uint(&w, cd->fields[i].key);
		field_encode(&w, &cd->fields[i], obj);
	}
	if (w.oom) {
		free(w.p);
		return -1;
	}
	*out = w.p;
	*outlen = w.len;
	return 0;
}

int
record_encode(const struct cert *c, uint8_t **out, size_t *outlen)
{
	return codec_encode(&cert_codec, c, out, outlen);
}

int
event_encode(const struct cert_event *e, uint8_t **out, size_t *outlen)
{
	return codec_encode(&event_codec, e, out, outlen);
}

/* Keeps the message of the highest rank seen; the first one of each. */
static void
dec_fail(struct dec *d, enum fail_rank rank, const char *fmt, ...)
{
	va_list	ap;

	if (d->fail >= rank)
		return;
	d->fail = rank;
	va_start(ap, fmt);
	codec_vfail(d->cd, d->err, d->errlen, fmt, ap);
	va_end(ap);
}

/*
 * One item from the stream. Its container's count says what it is (a key
 * when an even number of the top map's items are left); a container then
 * opens a frame for the items it encloses, map pairs counting twice. Each
 * item needs at least one byte, so counts beyond the input are refused.
 */
static void
dec_item(struct dec *d, const struct item *it)
{
	size_t	children = 0, pairs = 0;
	int	key;

	d->called = 1;
	if (it->kind == I_ARRAY)
		children = it->n;
	else if (it->kind == I_MAP)
		pairs = it->n;
	else if (it->kind == I_TAG)
		children = 1;
	if (pairs > d->avail / 2 || children > d->avail) {
		d->why = "malformed CBOR (count exceeds input)";
		return;
	}
	if (d->depth == 0) {
		d->started = 1;
		if (!(d->ismap = it->kind == I_MAP))
			dec_fail(d, FAIL_MAP, "not a CBOR map");
	} else {
		key = d->left[d->depth - 1] % 2 == 0;
		d->left[d->depth - 1]--;
		if (d->depth == 1 && d->ismap) {
			d->units = 0;
			if (key)
				dec_key(d, it);
			else
				dec_value(d, it);
		} else if (d->depth == 2 && d->units)
			dec_unit(d, it);
	}
	children += 2 * pairs;
	if (children > 0) {
		if (d->depth == NEST_MAX) {
			d->why = "CBOR nested too deeply";
			return;
		}
		d->left[d->depth++] = children;
	}
	while (d->depth > 0 && d->left[d->depth - 1] == 0)
		d->depth--;
}

/*
 * Tables list their keys 1, 2, ... in order, so key k is found at once as
 * entry k - 1; the search is for a table that gets a gap one day.
 */
static const struct field *
codec_field(const struct codec *cd, uint64_t k)
{
	size_t	i;

	if (k - 1 < cd->nfields && cd->fields[k - 1].key == k)
		return &cd->fields[k - 1];
	for (i = 0; i < cd->nfields; i++)
		if (cd->fields[i].key == k)
			return &cd->fields[i];
	return NULL;
}

/*
 * The first key 0 names the version, checked even after a bad pair; other
 * keys are looked at up to the first bad pair. Keys are all below 64.
 */
static void
dec_key(struct dec *d, const struct item *it)
{
	const struct codec	*cd = d->cd;
	const struct field	*f;

	d->f = NULL;
	d->vnext = 0;
	if (it->kind == I_UINT && it->n == 0 && !d->vseen)
		d->vseen = d->vnext = 1;
	if (d->fail != FAIL_NONE)
		return;
	if (it->kind != I_UINT) {
		dec_fail(d, FAIL_FIELD, "map key is not an unsigned integer");
		return;
	}
	f = codec_field(cd, it->n);
	if (it->n != 0 && f == NULL) {
		dec_fail(d, FAIL_FIELD, "unknown field %llu",
		    (unsigned long long)it->n);
		return;
	}
	if (d->seen & ((uint64_t)1 << it->n)) {
		dec_fail(d, FAIL_FIELD, "duplicate field %llu (%s)",
		    (unsigned long long)it->n, f ? f->name : "version");
		return;
	}
	d->seen |= (uint64_t)1 << it->n;
	d->f = f;
}

static void
dec_value(struct dec *d, const struct item *it)
{
	if (d->vnext && it->kind != I_UINT)
		dec_fail(d, FAIL_VERSION, "version is not an unsigned integer");
	else if (d->vnext && it->n != d->cd->version)
		dec_fail(d, FAIL_VERSION, "version %llu not supported",
		    (unsigned long long)it->n);
	if (d->f != NULL && d->fail == FAIL_NONE)
		field_decode(d, d->f, it);
}

/* An entry of the units array; d->f is still the units field. */
static void
dec_unit(struct dec *d, const struct item *it)
{
	struct cert	*c = d->obj;
	size_t		 i = d->unit++;

	if (d->fail != FAIL_NONE || i >= CERT_UNITS_MAX)
		return;
	if (it->kind != I_TEXT) {
		dec_fail(d, FAIL_FIELD,
		    "field %u (%s) entry %zu is not a text string",
		    d->f->key, d->f->name, i + 1);
		return;
	}
	text_decode(d, "units entry", it, c->units[i], sizeof(c->units[i]));
}

static void
text_decode(struct dec *d, const char *name, const struct item *it,
    char *dst, size_t size)
{
	if (it->n > size - 1) {
		dec_fail(d, FAIL_FIELD, "%s longer than %zu bytes", name,
		    size - 1);
		return;
	}
	if (memchr(it->p, '\0', it->n) != NULL) {
		dec_fail(d, FAIL_FIELD, "%s contains a NUL byte", name);
		return;
	}
	memcpy(dst, it->p, it->n);
	dst[it->n] = '\0';
}

/* Accepts an unsigned or negative CBOR integer within [min, max]. */
static int
int_decode(const struct item *it, int64_t min, int64_t max, int64_t *v)
{
	if (it->kind == I_UINT) {
		if (it->n > (uint64_t)max)
			return -1;
		*v = (int64_t)it->n;
	} else if (it->kind == I_NEGINT) {
		if (min >= 0 || it->n > (uint64_t)(-1 - min))
			return -1;
		*v = -1 - (int64_t)it->n;
	} else
		return -1;
	return 0;
}

/* The units array's entries follow as items at depth 2. */
static void
field_decode(struct dec *d, const struct field *f, const struct item *it)
{
	uint8_t		*p = (uint8_t *)d->obj + f->off;
	int64_t		 v;

	switch (f->type) {
	case F_TEXT:
		if (it->kind != I_TEXT) {
			dec_fail(d, FAIL_FIELD,
			    "field %u (%s) is not a text string", f->key,
			    f->name);
			return;
		}
		text_decode(d, f->name, it, (char *)p, f->size);
		return;
	case F_BYTES:
		if (it->kind != I_BYTES || it->n != f->size) {
			dec_fail(d, FAIL_FIELD,
			    "field %u (%s) is not a byte string of %zu bytes",
			    f->key, f->name, f->size);
			return;
		}
		memcpy(p, it->p, f->size);
		return;
	case F_UNITS:
		if (it->kind != I_ARRAY)
			dec_fail(d, FAIL_FIELD, "field %u (%s) is not an array",
			    f->key, f->name);
		else if (it->n > CERT_UNITS_MAX)
			dec_fail(d, FAIL_FIELD, "%s has more than %d entries",
			    f->name, CERT_UNITS_MAX);
		else {
			((struct cert *)d->obj)->nunits = (uint8_t)it->n;
			d->units = 1;
			d->unit = 0;
		}
		return;
	case F_U64:
		if (it->kind != I_UINT)
			break;
		*(uint64_t *)(void *)p = it->n;
		return;
	case F_U8:
		if (int_decode(it, 0, UINT8_MAX, &v) == -1)
			break;
		*p = (uint8_t)v;
		return;
	case F_I32:
		if (int_decode(it, INT32_MIN, INT32_MAX, &v) == -1)
			break;
		*(int32_t *)(void *)p = (int32_t)v;
		return;
	case F_I64:
		if (int_decode(it, INT64_MIN, INT64_MAX, &v) == -1)
			break;
		*(int64_t *)(void *)p = v;
		return;
	}
	dec_fail(d, FAIL_FIELD, "field %u (%s) is not an integer in range",
	    f->key, f->name);
}

static void
dec_leaf(void *ctx, enum item_kind kind, uint64_t n, const uint8_t *p)
{
	struct item	it = { kind, n, p };

	dec_item(ctx, &it);
}

/* ASCII inline; utf8_next() refuses overlongs, surrogates, > U+10FFFF. */
static int
utf8_valid(const uint8_t *p, size_t len)
{
	size_t	i, n;

	for (i = 0; i < len; i += n)
		if ((n = p[i] < 0x80 ? 1 : utf8_next(p + i, len - i, NULL)) == 0)
			return 0;
	return 1;
}

/*
 * Every text string, wherever it sits, must be UTF-8: libcbor's tree
 * builder checked that, its streaming decoder does not.
 */
static void
on_text(void *ctx, cbor_data p, size_t n)
{
	if (!utf8_valid(p, n))
		dec_fail(ctx, FAIL_UTF8, "malformed CBOR (invalid UTF-8)");
	dec_leaf(ctx, I_TEXT, n, p);
}

static void
dec_indef(void *ctx)
{
	struct dec	*d = ctx;

	d->called = 1;
	d->why = "indefinite-length item";
}

static void on_u8(void *ctx, uint8_t v) { dec_leaf(ctx, I_UINT, v, NULL); }
static void on_u16(void *ctx, uint16_t v) { dec_leaf(ctx, I_UINT, v, NULL); }
static void on_u32(void *ctx, uint32_t v) { dec_leaf(ctx, I_UINT, v, NULL); }
static void on_u64(void *ctx, uint64_t v) { dec_leaf(ctx, I_UINT, v, NULL); }
static void on_n8(void *ctx, uint8_t v) { dec_leaf(ctx, I_NEGINT, v, NULL); }
static void on_n16(void *ctx, uint16_t v) { dec_leaf(ctx, I_NEGINT, v, NULL); }
static void on_n32(void *ctx, uint32_t v) { dec_leaf(ctx, I_NEGINT, v, NULL); }
static void on_n64(void *ctx, uint64_t v) { dec_leaf(ctx, I_NEGINT, v, NULL); }
static void on_bytes(void *ctx, cbor_data p, size_t n)
    { dec_leaf(ctx, I_BYTES, n, p); }
static void on_array(void *ctx, size_t n) { dec_leaf(ctx, I_ARRAY, n, NULL); }
static void on_map(void *ctx, size_t n) { dec_leaf(ctx, I_MAP, n, NULL); }
static void on_tag(void *ctx, uint64_t v) { dec_leaf(ctx, I_TAG, v, NULL); }
static void on_other(void *ctx) { dec_leaf(ctx, I_OTHER, 0, NULL); }
static void on_float(void *ctx, float v) { on_other(ctx); }
static void on_double(void *ctx, double v) { on_other(ctx); }
static void on_bool(void *ctx, bool v) { on_other(ctx); }

/* libcbor's member comments swap definite and indefinite; names do not. */
static const struct cbor_callbacks dec_callbacks = {
	.uint8 = on_u8, .uint16 = on_u16, .uint32 = on_u32, .uint64 = on_u64,
	.negint8 = on_n8, .negint16 = on_n16, .negint32 = on_n32,
	.negint64 = on_n64,
	.byte_string = on_bytes, .byte_string_start = dec_indef,
	.string = on_text, .string_start = dec_indef,
	.array_start = on_array, .indef_array_start = dec_indef,
	.map_start = on_map, .indef_map_start = dec_indef,
	.tag = on_tag,
	.float2 = on_float, .float4 = on_float, .float8 = on_double,
	.undefined = on_other, .null = on_other, .boolean = on_bool,
	.indef_break = dec_indef,
};

/*
 * Feeds the input to libcbor one item at a time until the top item is
 * complete. The struct is written as values arrive and zeroed on failure.
 */
static int
codec_decode(const struct codec *cd, const uint8_t *buf, size_t len,
    void *obj, char *err, size_t errlen)
{
	struct dec			d = { .cd = cd, .obj = obj,
					    .err = err, .errlen = errlen };
	struct cbor_decoder_result	r;
	size_t				off = 0;

	memset(obj, 0, cd->objsize);
	if (len == 0)
		return codec_fail(cd, err, errlen, "empty input");
	while (d.why == NULL && (!d.started || d.depth > 0)) {
		if (off == len) {
			d.why = "truncated CBOR";
			break;
		}
		d.avail = len - off;
		d.called = 0;
		r = cbor_stream_decode(buf + off, len - off, &dec_callbacks,
		    &d);
		if (r.status == CBOR_DECODER_NEDATA)
			d.why = "truncated CBOR";
		else if (r.status != CBOR_DECODER_FINISHED || !d.called ||
		    r.read == 0 || r.read > len - off)
			d.why = "malformed CBOR";
		else
			off += r.read;
	}
	if (d.why == NULL && off != len)
		d.why = "trailing bytes";
	if (d.why != NULL)
		codec_fail(cd, err, errlen, "%s", d.why);
	else if (!d.vseen)
		dec_fail(&d, FAIL_VERSION, "missing version");
	if (d.why == NULL && d.fail == FAIL_NONE)
		return 0;
	memset(obj, 0, cd->objsize);
	return -1;
}

int
record_decode(const uint8_t *buf, size_t len, struct cert *c, char *err,
    size_t errlen)
{
	return codec_decode(&cert_codec, buf, len, c, err, errlen);
}

int
event_decode(const uint8_t *buf, size_t len, struct cert_event *e,
    char *err, size_t errlen)
{
	return codec_decode(&event_codec, buf, len, e, err, errlen);
}

const char *
event_kind_name(enum event_kind k)
{
	if ((unsigned)k >= EVENT_KIND_MAX || event_kind_names[k] == NULL)
		return "invalid";
	return event_kind_names[k];
}
