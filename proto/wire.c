/* skkd — SPDX-License-Identifier: ISC */
/*
 * The companion protocol's message codec (PROTOCOL.md §3). A message is a
 * table of values indexed by key, so every getter is O(1); lists of maps
 * hold child messages owned by their parent. Decoding first walks the CBOR
 * headers iteratively with a small fixed stack, refusing anything outside
 * the protocol's subset, so that libcbor's recursive loader only ever sees
 * a shallow structure whose every length fits the buffer and whose item
 * count is bounded. Decoded list items are indexed on first access, so a
 * long list costs libcbor's items and one pointer each, not a table each.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "wire.h"

struct wire_list {
	size_t			 n, cap;
	struct wire_msg		**v;	/* NULL: not yet indexed from src */
	cbor_item_t		*src;	/* decoded array (owned ref) or NULL */
};

struct wire_msg {
	cbor_item_t		*val[WK_MAX];	/* scalar values, owned refs */
	struct wire_list	*list[WK_MAX];	/* lists of maps */
};

/* The message, then a list and a map per level of nesting. */
#define SCAN_STACK	(2 * WIRE_MAX_DEPTH + 1)

/* One open container while scanning: entries left, keys seen, depth. */
struct scan_frame {
	uint64_t	 left;
	uint64_t	 seen;
	int		 is_map;
	int		 depth;
};

struct scan {
	const uint8_t	*buf;
	size_t		 len, pos;
	size_t		 items;		/* data items so far */
	char		*err;
	size_t		 errlen;
};

static void	 wire_err(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	 wire_clear(struct wire_msg *, enum wire_key);
static void	 wire_list_free(struct wire_list *);
static int	 wire_set(struct wire_msg *, enum wire_key, cbor_item_t *);
static cbor_item_t *wire_build_uint(uint64_t);
static cbor_item_t *wire_build_negint(uint64_t);
static cbor_item_t *wire_copy_value(cbor_item_t *);
static cbor_item_t *wire_build_list(struct wire_list *, int);
static cbor_item_t *wire_build_map(const struct wire_msg *, int);
static int	 scan_head(struct scan *, uint8_t *, uint64_t *);
static int	 scan_entry(struct scan *, struct scan_frame *, int *);
static int	 scan_key(struct scan *, struct scan_frame *, uint8_t,
		    uint64_t, size_t);
static int	 scan_value(struct scan *, struct scan_frame *, int *,
		    uint8_t, uint64_t, size_t);
static int	 scan_push(struct scan *, struct scan_frame *, int *, int,
		    uint64_t, int);
static int	 wire_scan(struct scan *);
static int	 wire_index(struct wire_msg *, cbor_item_t *);
static int	 wire_index_list(struct wire_msg *, enum wire_key,
		    cbor_item_t *);
static struct wire_msg *wire_list_item(struct wire_list *, size_t);

static const char *wire_type_names[] = {
	NULL, "hello", "verify", "issue", "set_status", "record_lpjk",
	"renew", "show", "find", "keys", "stats",
	[WIRE_QR] = "qr"
};

static const char *wire_err_names[WERR_MAX] = {
	"ok", "malformed", "version", "too_big", "unknown_type",
	"not_authorised", "invalid", "not_found", "conflict", "store_full",
	"internal", "busy"
};

static const char *wire_key_names[WK_MAX] = {
	"type", "id", "err", "errmsg", "version", "name",
	"items", "number", "qr", "record", "nik", "idem",
	"status", "reason", "verdict", "code", "url", "lpjk",
	"events", "time", "actor", "serial", "kind", "key",
	"kid", "from", "to", "count", "job", "level", "expires",
	"prev", "next", "issued", "detail", "stats", "role",
	[WK_BATCH] = "batch", [WK_MORE] = "more", [WK_DRYRUN] = "dryrun",
	[WK_FORMAT] = "format", [WK_IMAGE] = "image", [WK_SIZE] = "size"
};

static void
wire_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Building. */

struct wire_msg *
wire_msg_new(enum wire_type type, uint64_t id)
{
	struct wire_msg	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if (wire_put_uint(m, WK_TYPE, type) == -1 ||
	    wire_put_uint(m, WK_ID, id) == -1) {
		wire_msg_free(m);
		return NULL;
	}
	return m;
}

void
wire_msg_free(struct wire_msg *m)
{
	int	k;

	if (m == NULL)
		return;
	for (k = 0; k < WK_MAX; k++)
		wire_clear(m, k);
	free(m);
}

static void
wire_list_free(struct wire_list *l)
{
	size_t	i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		wire_msg_free(l->v[i]);
	free(l->v);
	if (l->src != NULL)
		cbor_decref(&l->src);
	free(l);
}

static void
wire_clear(struct wire_msg *m, enum wire_key k)
{
	if (m->val[k] != NULL)
		cbor_decref(&m->val[k]);
	m->val[k] = NULL;
	wire_list_free(m->list[k]);
	m->list[k] = NULL;
}

/* Takes over the reference to v, replacing whatever the key held. */
static int
wire_set(struct wire_msg *m, enum wire_key k, cbor_item_t *v)
{
	if (m == NULL || (unsigned)k >= WK_MAX || v == NULL) {
		if (v != NULL)
			cbor_decref(&v);
		return -1;
	}
	wire_clear(m, k);
	m->val[k] = v;
	return 0;
}

/* The shortest width, as RFC 8949 §4.2.1 asks. */
static cbor_item_t *
wire_build_uint(uint64_t v)
{
	if (v <= UINT8_MAX)
		return cbor_build_uint8((uint8_t)v);
	if (v <= UINT16_MAX)
		return cbor_build_uint16((uint16_t)v);
	if (v <= UINT32_MAX)
		return cbor_build_uint32((uint32_t)v);
	return cbor_build_uint64(v);
}

/* Builds -1 - v. */
static cbor_item_t *
wire_build_negint(uint64_t v)
{
	if (v <= UINT8_MAX)
		return cbor_build_negint8((uint8_t)v);
	if (v <= UINT16_MAX)
		return cbor_build_negint16((uint16_t)v);
	if (v <= UINT32_MAX)
		return cbor_build_negint32((uint32_t)v);
	return cbor_build_negint64(v);
}

int
wire_put_uint(struct wire_msg *m, enum wire_key k, uint64_t v)
{
	return wire_set(m, k, wire_build_uint(v));
}

int
wire_put_int(struct wire_msg *m, enum wire_key k, int64_t v)
{
	if (v >= 0)
		return wire_set(m, k, wire_build_uint((uint64_t)v));
	/* -1 - v without overflow at INT64_MIN. */
	return wire_set(m, k, wire_build_negint((uint64_t)(-(v + 1))));
}

int
wire_put_str(struct wire_msg *m, enum wire_key k, const char *s)
{
	if (s == NULL)
		return -1;
	return wire_set(m, k, cbor_build_string(s));
}

int
wire_put_bytes(struct wire_msg *m, enum wire_key k, const uint8_t *p,
    size_t len)
{
	static const uint8_t	 empty[1];

	if (p == NULL && len != 0)
		return -1;
	return wire_set(m, k, cbor_build_bytestring(p != NULL ? p : empty,
	    len));
}

struct wire_msg *
wire_put_item(struct wire_msg *m, enum wire_key k)
{
	struct wire_list	*l;
	struct wire_msg		*item, **v;
	size_t			 cap;

	if (m == NULL || (unsigned)k >= WK_MAX)
		return NULL;
	if (m->list[k] == NULL) {
		wire_clear(m, k);
		if ((m->list[k] = calloc(1, sizeof(*m->list[k]))) == NULL)
			return NULL;
	}
	l = m->list[k];
	if (l->n == l->cap) {
		cap = l->cap == 0 ? 4 : l->cap * 2;
		if ((v = reallocarray(l->v, cap, sizeof(*v))) == NULL)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	if ((item = calloc(1, sizeof(*item))) == NULL)
		return NULL;
	l->v[l->n++] = item;
	return item;
}

/* Encoding. */

/* Integers are rebuilt so a decoded message re-encodes canonically. */
static cbor_item_t *
wire_copy_value(cbor_item_t *v)
{
	if (cbor_isa_uint(v))
		return wire_build_uint(cbor_get_int(v));
	if (cbor_isa_negint(v))
		return wire_build_negint(cbor_get_int(v));
	return cbor_incref(v);
}

static cbor_item_t *
wire_build_list(struct wire_list *l, int depth)
{
	struct wire_msg	*m;
	cbor_item_t	*a, *item;
	size_t		 i;
	int		 ok;

	if (depth > WIRE_MAX_DEPTH ||
	    (a = cbor_new_definite_array(l->n)) == NULL)
		return NULL;
	for (i = 0; i < l->n; i++) {
		m = wire_list_item(l, i);
		if (m == NULL || (item = wire_build_map(m, depth)) == NULL) {
			cbor_decref(&a);
			return NULL;
		}
		ok = cbor_array_push(a, item);
		cbor_decref(&item);
		if (!ok) {
			cbor_decref(&a);
			return NULL;
		}
	}
	return a;
}

/* Ascending keys, all small, so their encodings sort the same way. */
static cbor_item_t *
wire_build_map(const struct wire_msg *m, int depth)
{
	struct cbor_pair	 p;
	cbor_item_t		*map;
	size_t			 n = 0;
	int			 k, ok;

	if (depth > WIRE_MAX_DEPTH)
		return NULL;
	for (k = 0; k < WK_MAX; k++)
		if (m->val[k] != NULL || m->list[k] != NULL)
			n++;
	if ((map = cbor_new_definite_map(n)) == NULL)
		return NULL;
	for (k = 0; k < WK_MAX; k++) {
		if (m->val[k] == NULL && m->list[k] == NULL)
			continue;
		p.key = cbor_build_uint8((uint8_t)k);
		if (m->val[k] != NULL)
			p.value = wire_copy_value(m->val[k]);
		else
			p.value = wire_build_list(m->list[k], depth + 1);
		ok = p.key != NULL && p.value != NULL && cbor_map_add(map, p);
		if (p.key != NULL)
			cbor_decref(&p.key);
		if (p.value != NULL)
			cbor_decref(&p.value);
		if (!ok) {
			cbor_decref(&map);
			return NULL;
		}
	}
	return map;
}

int
wire_encode(const struct wire_msg *m, uint8_t **out, size_t *outlen)
{
	cbor_item_t	*map;
	unsigned char	*body = NULL;
	size_t		 len, size;
	uint8_t		*frame;

	*out = NULL;
	*outlen = 0;
	if (m == NULL || (map = wire_build_map(m, 0)) == NULL)
		return -1;
	len = cbor_serialize_alloc(map, &body, &size);
	cbor_decref(&map);
	if (len == 0 || len > UINT32_MAX ||
	    (frame = malloc(WIRE_HDR_LEN + len)) == NULL) {
		free(body);
		return -1;
	}
	frame[0] = (uint8_t)(len >> 24);
	frame[1] = (uint8_t)(len >> 16);
	frame[2] = (uint8_t)(len >> 8);
	frame[3] = (uint8_t)len;
	memcpy(frame + WIRE_HDR_LEN, body, len);
	free(body);
	*out = frame;
	*outlen = WIRE_HDR_LEN + len;
	return 0;
}

/* Decoding. */

int
wire_frame_len(const uint8_t hdr[WIRE_HDR_LEN], uint32_t max, uint32_t *len)
{
	uint32_t	n;

	n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3];
	if (n == 0 || n > max)
		return -1;
	*len = n;
	return 0;
}

/* Reads one initial byte and its argument (RFC 8949 §3). */
static int
scan_head(struct scan *s, uint8_t *major, uint64_t *arg)
{
	size_t	at = s->pos, n, i;
	uint8_t	info;

	if (s->pos >= s->len) {
		wire_err(s->err, s->errlen, "truncated at offset %zu", at);
		return -1;
	}
	*major = s->buf[s->pos] >> 5;
	info = s->buf[s->pos++] & 0x1f;
	if (info < 24) {
		*arg = info;
		return 0;
	}
	if (info == 31) {
		wire_err(s->err, s->errlen, "indefinite length at offset %zu",
		    at);
		return -1;
	}
	if (info > 27) {
		wire_err(s->err, s->errlen,
		    "reserved additional information at offset %zu", at);
		return -1;
	}
	n = (size_t)1 << (info - 24);
	if (s->len - s->pos < n) {
		wire_err(s->err, s->errlen, "truncated at offset %zu", at);
		return -1;
	}
	for (*arg = 0, i = 0; i < n; i++)
		*arg = *arg << 8 | s->buf[s->pos++];
	return 0;
}

/* Scans the next entry of the innermost open container. */
static int
scan_entry(struct scan *s, struct scan_frame *st, int *sp)
{
	struct scan_frame	*f = &st[*sp - 1];
	size_t			 at = s->pos;
	uint64_t		 arg;
	uint8_t			 major;
	int			 is_key;

	is_key = f->is_map && f->left % 2 == 0;
	f->left--;
	if (++s->items > WIRE_MAX_ITEMS) {
		wire_err(s->err, s->errlen, "more than %u items in a message",
		    WIRE_MAX_ITEMS);
		return -1;
	}
	if (scan_head(s, &major, &arg) == -1)
		return -1;
	if (major == 6) {
		wire_err(s->err, s->errlen, "tag at offset %zu not allowed",
		    at);
		return -1;
	}
	if (major == 7) {
		wire_err(s->err, s->errlen,
		    "float or simple value at offset %zu not allowed", at);
		return -1;
	}
	if (is_key)
		return scan_key(s, f, major, arg, at);
	return scan_value(s, st, sp, major, arg, at);
}

static int
scan_key(struct scan *s, struct scan_frame *f, uint8_t major, uint64_t arg,
    size_t at)
{
	if (major != 0) {
		wire_err(s->err, s->errlen, "key at offset %zu is not an "
		    "unsigned integer", at);
		return -1;
	}
	if (arg >= WK_MAX) {
		wire_err(s->err, s->errlen, "key %llu out of range",
		    (unsigned long long)arg);
		return -1;
	}
	if (f->seen & WK_BIT(arg)) {
		wire_err(s->err, s->errlen, "duplicate key %llu (%s)",
		    (unsigned long long)arg, wire_key_names[arg]);
		return -1;
	}
	f->seen |= WK_BIT(arg);
	return 0;
}

/* A map value or a list item, whose header has just been read. */
static int
scan_value(struct scan *s, struct scan_frame *st, int *sp, uint8_t major,
    uint64_t arg, size_t at)
{
	struct scan_frame	*f = &st[*sp - 1];

	if (!f->is_map) {
		if (major != 5) {
			wire_err(s->err, s->errlen, "list item at offset %zu "
			    "is not a map", at);
			return -1;
		}
		return scan_push(s, st, sp, 1, arg, f->depth);
	}
	switch (major) {
	case 0:
	case 1:
		return 0;
	case 2:
	case 3:
		if (arg > s->len - s->pos) {
			wire_err(s->err, s->errlen, "string of %llu bytes "
			    "exceeds the buffer", (unsigned long long)arg);
			return -1;
		}
		s->pos += arg;
		return 0;
	case 4:
		if (f->depth >= WIRE_MAX_DEPTH) {
			wire_err(s->err, s->errlen, "nesting deeper than %d",
			    WIRE_MAX_DEPTH);
			return -1;
		}
		return scan_push(s, st, sp, 0, arg, f->depth + 1);
	default:
		wire_err(s->err, s->errlen, "map as a value at offset %zu not "
		    "allowed outside a list", at);
		return -1;
	}
}

/*
 * Opens a map of n pairs or a list of n items. Each pair takes at least
 * two bytes and each item one, so a count the buffer cannot hold is
 * refused before libcbor allocates room for it.
 */
static int
scan_push(struct scan *s, struct scan_frame *st, int *sp, int is_map,
    uint64_t n, int depth)
{
	size_t	left = s->len - s->pos;

	if (n > (is_map ? left / 2 : left)) {
		wire_err(s->err, s->errlen, "%s of %llu %s exceeds the buffer",
		    is_map ? "map" : "list", (unsigned long long)n,
		    is_map ? "pairs" : "items");
		return -1;
	}
	if (*sp >= SCAN_STACK) {
		wire_err(s->err, s->errlen, "nesting deeper than %d",
		    WIRE_MAX_DEPTH);
		return -1;
	}
	st[*sp].left = is_map ? n * 2 : n;
	st[*sp].seen = 0;
	st[*sp].is_map = is_map;
	st[*sp].depth = depth;
	(*sp)++;
	return 0;
}

/*
 * Checks that buf holds exactly one message within the protocol's subset
 * of CBOR, without recursion: one stack frame per open map or list.
 */
static int
wire_scan(struct scan *s)
{
	struct scan_frame	 st[SCAN_STACK];
	uint64_t		 arg;
	uint8_t			 major;
	int			 sp = 0;

	if (scan_head(s, &major, &arg) == -1)
		return -1;
	if (major != 5) {
		wire_err(s->err, s->errlen, "message is not a map");
		return -1;
	}
	s->items = 1;
	if (scan_push(s, st, &sp, 1, arg, 0) == -1)
		return -1;
	while (sp > 0) {
		if (st[sp - 1].left == 0)
			sp--;
		else if (scan_entry(s, st, &sp) == -1)
			return -1;
	}
	if (s->pos != s->len) {
		wire_err(s->err, s->errlen, "%zu trailing bytes after the "
		    "message", s->len - s->pos);
		return -1;
	}
	return 0;
}

/* Items are indexed when first asked for; see wire_list_item. */
static int
wire_index_list(struct wire_msg *m, enum wire_key k, cbor_item_t *a)
{
	struct wire_list	*l;
	size_t			 n = cbor_array_size(a);

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return -1;
	m->list[k] = l;
	if (n > 0 && (l->v = calloc(n, sizeof(*l->v))) == NULL)
		return -1;
	l->n = l->cap = n;
	l->src = cbor_incref(a);
	return 0;
}

/* The scan has made sure that keys are in range and not repeated. */
static int
wire_index(struct wire_msg *m, cbor_item_t *map)
{
	struct cbor_pair	*p = cbor_map_handle(map);
	size_t			 i, n = cbor_map_size(map);
	uint64_t		 k;

	for (i = 0; i < n; i++) {
		k = cbor_get_int(p[i].key);
		if (k >= WK_MAX || wire_has(m, k))
			return -1;
		if (cbor_isa_array(p[i].value)) {
			if (wire_index_list(m, k, p[i].value) == -1)
				return -1;
		} else
			m->val[k] = cbor_incref(p[i].value);
	}
	return 0;
}

/* Item i of a list, indexing it from the decoded array on first use. */
static struct wire_msg *
wire_list_item(struct wire_list *l, size_t i)
{
	struct wire_msg	*item;

	if (i >= l->n)
		return NULL;
	if (l->v[i] != NULL || l->src == NULL ||
	    i >= cbor_array_size(l->src))
		return l->v[i];
	if ((item = calloc(1, sizeof(*item))) == NULL)
		return NULL;
	if (wire_index(item, cbor_array_handle(l->src)[i]) == -1) {
		wire_msg_free(item);
		return NULL;
	}
	l->v[i] = item;
	return item;
}

struct wire_msg *
wire_decode(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	struct scan		 s = { buf, len, 0, 0, err, errlen };
	struct cbor_load_result	 res;
	struct wire_msg		*m;
	cbor_item_t		*root;
	uint64_t		 v;

	if (buf == NULL || len == 0) {
		wire_err(err, errlen, "empty message");
		return NULL;
	}
	if (wire_scan(&s) == -1)
		return NULL;
	root = cbor_load(buf, len, &res);
	if (root == NULL || res.error.code != CBOR_ERR_NONE ||
	    res.read != len || !cbor_isa_map(root)) {
		if (res.error.code == CBOR_ERR_MEMERROR)
			wire_err(err, errlen, "out of memory");
		else
			wire_err(err, errlen, "malformed CBOR at offset %zu",
			    res.error.position);
		if (root != NULL)
			cbor_decref(&root);
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL || wire_index(m, root) == -1) {
		wire_err(err, errlen, "out of memory");
		goto fail;
	}
	if (!wire_has(m, WK_TYPE) || !wire_has(m, WK_ID)) {
		wire_err(err, errlen, "missing %s",
		    wire_has(m, WK_TYPE) ? "ID" : "TYPE");
		goto fail;
	}
	if (wire_get_uint(m, WK_TYPE, &v) == -1 ||
	    wire_get_uint(m, WK_ID, &v) == -1) {
		wire_err(err, errlen, "%s is not an unsigned integer",
		    wire_get_uint(m, WK_TYPE, &v) == -1 ? "TYPE" : "ID");
		goto fail;
	}
	cbor_decref(&root);
	return m;
fail:
	wire_msg_free(m);
	cbor_decref(&root);
	return NULL;
}

/* Getters. */

static cbor_item_t *
wire_val(const struct wire_msg *m, enum wire_key k)
{
	if (m == NULL || (unsigned)k >= WK_MAX)
		return NULL;
	return m->val[k];
}

uint64_t
wire_type(const struct wire_msg *m)
{
	uint64_t	v;

	return wire_get_uint(m, WK_TYPE, &v) == 0 ? v : 0;
}

uint64_t
wire_id(const struct wire_msg *m)
{
	uint64_t	v;

	return wire_get_uint(m, WK_ID, &v) == 0 ? v : 0;
}

int
wire_has(const struct wire_msg *m, enum wire_key k)
{
	if (m == NULL || (unsigned)k >= WK_MAX)
		return 0;
	return m->val[k] != NULL || m->list[k] != NULL;
}

int
wire_get_uint(const struct wire_msg *m, enum wire_key k, uint64_t *out)
{
	cbor_item_t	*v = wire_val(m, k);

	if (v == NULL || !cbor_isa_uint(v))
		return -1;
	*out = cbor_get_int(v);
	return 0;
}

int
wire_get_int(const struct wire_msg *m, enum wire_key k, int64_t *out)
{
	cbor_item_t	*v = wire_val(m, k);
	uint64_t	 n;

	if (v == NULL || (!cbor_isa_uint(v) && !cbor_isa_negint(v)))
		return -1;
	if ((n = cbor_get_int(v)) > INT64_MAX)
		return -1;
	/* A negint n stands for -1 - n, which fits when n <= INT64_MAX. */
	*out = cbor_isa_uint(v) ? (int64_t)n : -(int64_t)n - 1;
	return 0;
}

int
wire_get_str(const struct wire_msg *m, enum wire_key k, char *buf,
    size_t bufsz)
{
	cbor_item_t	*v = wire_val(m, k);
	size_t		 len;

	if (v == NULL || !cbor_isa_string(v) || !cbor_string_is_definite(v))
		return -1;
	len = cbor_string_length(v);
	if (bufsz == 0 || len > bufsz - 1)
		return -1;
	if (len > 0 && memchr(cbor_string_handle(v), '\0', len) != NULL)
		return -1;
	if (len > 0)
		memcpy(buf, cbor_string_handle(v), len);
	buf[len] = '\0';
	return 0;
}

int
wire_get_bytes(const struct wire_msg *m, enum wire_key k, const uint8_t **p,
    size_t *len)
{
	static const uint8_t	 empty[1];
	cbor_item_t		*v = wire_val(m, k);

	if (v == NULL || !cbor_isa_bytestring(v) ||
	    !cbor_bytestring_is_definite(v))
		return -1;
	*len = cbor_bytestring_length(v);
	*p = *len > 0 ? cbor_bytestring_handle(v) : empty;
	return 0;
}

size_t
wire_list_len(const struct wire_msg *m, enum wire_key k)
{
	if (m == NULL || (unsigned)k >= WK_MAX || m->list[k] == NULL)
		return 0;
	return m->list[k]->n;
}

/* Indexing on first access changes only the parent's private cache. */
const struct wire_msg *
wire_list_get(const struct wire_msg *m, enum wire_key k, size_t i)
{
	if (i >= wire_list_len(m, k))
		return NULL;
	return wire_list_item(m->list[k], i);
}

int
wire_check_keys(const struct wire_msg *m, uint64_t allowed, char *err,
    size_t errlen)
{
	int	k;

	allowed |= WK_BIT(WK_TYPE) | WK_BIT(WK_ID);
	for (k = 0; k < WK_MAX; k++) {
		if (wire_has(m, k) && (allowed & WK_BIT(k)) == 0) {
			wire_err(err, errlen, "unexpected field %d (%s)", k,
			    wire_key_names[k]);
			return -1;
		}
	}
	return 0;
}

const char *
wire_type_name(uint64_t t)
{
	if (t == WIRE_ERROR)
		return "error";
	if (t >= WIRE_HELLO && t <= WIRE_QR && wire_type_names[t] != NULL)
		return wire_type_names[t];
	return "unknown";
}

const char *
wire_err_name(uint64_t e)
{
	if (e < WERR_MAX)
		return wire_err_names[e];
	return "unknown";
}
