/* skkd — SPDX-License-Identifier: ISC */
/*
 * CBOR codec of certificate records and audit events. Both are maps with
 * small unsigned keys: key 0 the version, then one key per struct field,
 * absent when the field is empty or zero. Encoding is RFC 8949 §4.2.1
 * deterministic (shortest heads, definite lengths, keys ascending, which
 * for keys 0..23 is also their bytewise order). Decoding is total: input
 * is first walked with libcbor's streaming decoder, which allocates
 * nothing, to refuse indefinite lengths, deep nesting and counts the
 * input cannot hold, so that cbor_load() never builds anything large.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "record.h"

#define EVENT_VERSION	1	/* bump when the event map changes */
#define SCAN_DEPTH	4	/* containers and tags; records need 2 */

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

/* State of the structural pre-scan, one frame per open container. */
struct scan {
	size_t		 left[SCAN_DEPTH];
	int		 depth;
	int		 started;
	int		 called;
	size_t		 avail;
	const char	*why;
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
static void	scan_item(struct scan *, size_t, size_t);
static int	scan_input(const struct codec *, const uint8_t *, size_t,
		    char *, size_t);
static int	codec_version(const struct codec *, const cbor_item_t *,
		    char *, size_t);
static int	codec_pair(const struct codec *, const struct cbor_pair *,
		    uint64_t *, void *, char *, size_t);
static int	field_decode(const struct codec *, const struct field *,
		    const cbor_item_t *, void *, char *, size_t);
static int	text_decode(const struct codec *, const char *,
		    const cbor_item_t *, char *, size_t, char *, size_t);
static int	int_decode(const cbor_item_t *, int64_t, int64_t, int64_t *);
static int	units_decode(const struct codec *, const struct field *,
		    const cbor_item_t *, struct cert *, char *, size_t);
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
	NULL, "issue", "status", "lpjk", "renew"
};

static int
codec_fail(const struct codec *cd, char *err, size_t errlen,
    const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (err == NULL || errlen == 0)
		return -1;
	n = snprintf(err, errlen, "%s: ", cd->what);
	if (n < 0 || (size_t)n >= errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
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

/*
 * One item seen by the pre-scan; children is how many items it encloses
 * (map pairs count twice). Each item needs at least one byte, which
 * bounds what cbor_load() will allocate for the counts it is given.
 */
static void
scan_item(struct scan *s, size_t children, size_t pairs)
{
	s->called = 1;
	if (s->depth == 0)
		s->started = 1;
	else
		s->left[s->depth - 1]--;
	if (pairs > s->avail / 2 || children > s->avail) {
		s->why = "malformed CBOR (count exceeds input)";
		return;
	}
	children += 2 * pairs;
	if (children > 0) {
		if (s->depth == SCAN_DEPTH) {
			s->why = "CBOR nested too deeply";
			return;
		}
		s->left[s->depth++] = children;
	}
	while (s->depth > 0 && s->left[s->depth - 1] == 0)
		s->depth--;
}

static void
scan_indef(void *ctx)
{
	struct scan	*s = ctx;

	s->called = 1;
	s->why = "indefinite-length item";
}

static void scan_leaf(void *ctx) { scan_item(ctx, 0, 0); }
static void scan_u8(void *ctx, uint8_t v) { scan_item(ctx, 0, 0); }
static void scan_u16(void *ctx, uint16_t v) { scan_item(ctx, 0, 0); }
static void scan_u32(void *ctx, uint32_t v) { scan_item(ctx, 0, 0); }
static void scan_u64(void *ctx, uint64_t v) { scan_item(ctx, 0, 0); }
static void scan_tag(void *ctx, uint64_t v) { scan_item(ctx, 1, 0); }
static void scan_str(void *ctx, cbor_data d, size_t n) { scan_item(ctx, 0, 0); }
static void scan_array(void *ctx, size_t n) { scan_item(ctx, n, 0); }
static void scan_map(void *ctx, size_t n) { scan_item(ctx, 0, n); }
static void scan_float(void *ctx, float v) { scan_item(ctx, 0, 0); }
static void scan_double(void *ctx, double v) { scan_item(ctx, 0, 0); }
static void scan_bool(void *ctx, bool v) { scan_item(ctx, 0, 0); }

/* libcbor's member comments swap definite and indefinite; names do not. */
static const struct cbor_callbacks scan_callbacks = {
	.uint8 = scan_u8, .uint16 = scan_u16, .uint32 = scan_u32,
	.uint64 = scan_u64,
	.negint8 = scan_u8, .negint16 = scan_u16, .negint32 = scan_u32,
	.negint64 = scan_u64,
	.byte_string = scan_str, .byte_string_start = scan_indef,
	.string = scan_str, .string_start = scan_indef,
	.array_start = scan_array, .indef_array_start = scan_indef,
	.map_start = scan_map, .indef_map_start = scan_indef,
	.tag = scan_tag,
	.float2 = scan_float, .float4 = scan_float, .float8 = scan_double,
	.undefined = scan_leaf, .null = scan_leaf, .boolean = scan_bool,
	.indef_break = scan_indef,
};

static int
scan_input(const struct codec *cd, const uint8_t *buf, size_t len,
    char *err, size_t errlen)
{
	struct scan			s;
	struct cbor_decoder_result	r;
	size_t				off = 0;

	memset(&s, 0, sizeof(s));
	if (len == 0)
		return codec_fail(cd, err, errlen, "empty input");
	while (!s.started || s.depth > 0) {
		if (off == len)
			return codec_fail(cd, err, errlen, "truncated CBOR");
		s.avail = len - off;
		s.called = 0;
		r = cbor_stream_decode(buf + off, len - off, &scan_callbacks,
		    &s);
		if (r.status == CBOR_DECODER_NEDATA)
			return codec_fail(cd, err, errlen, "truncated CBOR");
		if (r.status != CBOR_DECODER_FINISHED || !s.called ||
		    r.read == 0 || r.read > len - off)
			return codec_fail(cd, err, errlen, "malformed CBOR");
		if (s.why != NULL)
			return codec_fail(cd, err, errlen, "%s", s.why);
		off += r.read;
	}
	if (off != len)
		return codec_fail(cd, err, errlen, "trailing bytes");
	return 0;
}

static int
codec_version(const struct codec *cd, const cbor_item_t *map, char *err,
    size_t errlen)
{
	struct cbor_pair	*p = cbor_map_handle(map);
	size_t			 i, n = cbor_map_size(map);
	uint64_t		 v;

	for (i = 0; i < n; i++) {
		if (!cbor_isa_uint(p[i].key) || cbor_get_int(p[i].key) != 0)
			continue;
		if (!cbor_isa_uint(p[i].value))
			return codec_fail(cd, err, errlen,
			    "version is not an unsigned integer");
		v = cbor_get_int(p[i].value);
		if (v != cd->version)
			return codec_fail(cd, err, errlen,
			    "version %llu not supported",
			    (unsigned long long)v);
		return 0;
	}
	return codec_fail(cd, err, errlen, "missing version");
}

/* *seen has bit k set once key k was decoded; keys are all below 64. */
static int
codec_pair(const struct codec *cd, const struct cbor_pair *p,
    uint64_t *seen, void *obj, char *err, size_t errlen)
{
	const struct field	*f = NULL;
	uint64_t		 k;
	size_t			 i;

	if (!cbor_isa_uint(p->key))
		return codec_fail(cd, err, errlen,
		    "map key is not an unsigned integer");
	k = cbor_get_int(p->key);
	for (i = 0; i < cd->nfields; i++)
		if (cd->fields[i].key == k)
			f = &cd->fields[i];
	if (k != 0 && f == NULL)
		return codec_fail(cd, err, errlen, "unknown field %llu",
		    (unsigned long long)k);
	if (*seen & ((uint64_t)1 << k))
		return codec_fail(cd, err, errlen, "duplicate field %llu (%s)",
		    (unsigned long long)k, f ? f->name : "version");
	*seen |= (uint64_t)1 << k;
	if (f == NULL)
		return 0;
	return field_decode(cd, f, p->value, obj, err, errlen);
}

static int
text_decode(const struct codec *cd, const char *name, const cbor_item_t *it,
    char *dst, size_t size, char *err, size_t errlen)
{
	size_t	len;

	len = cbor_string_length(it);
	if (len > size - 1)
		return codec_fail(cd, err, errlen, "%s longer than %zu bytes",
		    name, size - 1);
	if (memchr(cbor_string_handle(it), '\0', len) != NULL)
		return codec_fail(cd, err, errlen, "%s contains a NUL byte",
		    name);
	memcpy(dst, cbor_string_handle(it), len);
	dst[len] = '\0';
	return 0;
}

/* Accepts an unsigned or negative CBOR integer within [min, max]. */
static int
int_decode(const cbor_item_t *it, int64_t min, int64_t max, int64_t *v)
{
	uint64_t	n;

	if (!cbor_is_int(it))
		return -1;
	n = cbor_get_int(it);
	if (cbor_isa_uint(it)) {
		if (n > (uint64_t)max)
			return -1;
		*v = (int64_t)n;
	} else {
		if (min >= 0 || n > (uint64_t)(-1 - min))
			return -1;
		*v = -1 - (int64_t)n;
	}
	return 0;
}

static int
units_decode(const struct codec *cd, const struct field *f,
    const cbor_item_t *it, struct cert *c, char *err, size_t errlen)
{
	cbor_item_t	**u;
	size_t		  i, n;

	if (!cbor_isa_array(it) || !cbor_array_is_definite(it))
		return codec_fail(cd, err, errlen,
		    "field %u (%s) is not an array", f->key, f->name);
	n = cbor_array_size(it);
	if (n > CERT_UNITS_MAX)
		return codec_fail(cd, err, errlen,
		    "%s has more than %d entries", f->name, CERT_UNITS_MAX);
	u = cbor_array_handle(it);
	for (i = 0; i < n; i++) {
		if (!cbor_isa_string(u[i]) || !cbor_string_is_definite(u[i]))
			return codec_fail(cd, err, errlen,
			    "field %u (%s) entry %zu is not a text string",
			    f->key, f->name, i + 1);
		if (text_decode(cd, "units entry", u[i], c->units[i],
		    sizeof(c->units[i]), err, errlen) == -1)
			return -1;
	}
	c->nunits = (uint8_t)n;
	return 0;
}

static int
field_decode(const struct codec *cd, const struct field *f,
    const cbor_item_t *it, void *obj, char *err, size_t errlen)
{
	uint8_t		*p = (uint8_t *)obj + f->off;
	int64_t		 v;

	switch (f->type) {
	case F_TEXT:
		if (!cbor_isa_string(it) || !cbor_string_is_definite(it))
			return codec_fail(cd, err, errlen,
			    "field %u (%s) is not a text string", f->key,
			    f->name);
		return text_decode(cd, f->name, it, (char *)p, f->size, err,
		    errlen);
	case F_BYTES:
		if (!cbor_isa_bytestring(it) ||
		    !cbor_bytestring_is_definite(it) ||
		    cbor_bytestring_length(it) != f->size)
			return codec_fail(cd, err, errlen,
			    "field %u (%s) is not a byte string of %zu bytes",
			    f->key, f->name, f->size);
		memcpy(p, cbor_bytestring_handle(it), f->size);
		return 0;
	case F_UNITS:
		return units_decode(cd, f, it, obj, err, errlen);
	case F_U64:
		if (!cbor_isa_uint(it))
			break;
		*(uint64_t *)(void *)p = cbor_get_int(it);
		return 0;
	case F_U8:
		if (int_decode(it, 0, UINT8_MAX, &v) == -1)
			break;
		*p = (uint8_t)v;
		return 0;
	case F_I32:
		if (int_decode(it, INT32_MIN, INT32_MAX, &v) == -1)
			break;
		*(int32_t *)(void *)p = (int32_t)v;
		return 0;
	case F_I64:
		if (int_decode(it, INT64_MIN, INT64_MAX, &v) == -1)
			break;
		*(int64_t *)(void *)p = v;
		return 0;
	}
	return codec_fail(cd, err, errlen,
	    "field %u (%s) is not an integer in range", f->key, f->name);
}

static int
codec_decode(const struct codec *cd, const uint8_t *buf, size_t len,
    void *obj, char *err, size_t errlen)
{
	struct cbor_load_result	 res;
	cbor_item_t		*root;
	struct cbor_pair	*p;
	uint64_t		 seen = 0;
	size_t			 i;
	int			 rv = -1;

	memset(obj, 0, cd->objsize);
	if (scan_input(cd, buf, len, err, errlen) == -1)
		return -1;
	if ((root = cbor_load(buf, len, &res)) == NULL)
		return codec_fail(cd, err, errlen, "%s",
		    res.error.code == CBOR_ERR_MEMERROR ? "out of memory" :
		    "malformed CBOR");
	if (!cbor_isa_map(root) || !cbor_map_is_definite(root)) {
		codec_fail(cd, err, errlen, "not a CBOR map");
		goto out;
	}
	if (codec_version(cd, root, err, errlen) == -1)
		goto out;
	p = cbor_map_handle(root);
	for (i = 0; i < cbor_map_size(root); i++)
		if (codec_pair(cd, &p[i], &seen, obj, err, errlen) == -1)
			goto out;
	rv = 0;
out:
	cbor_decref(&root);
	if (rv == -1)
		memset(obj, 0, cd->objsize);
	return rv;
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
