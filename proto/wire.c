/* skkd — SPDX-License-Identifier: ISC */
/*
 * The companion protocol's message codec (PROTOCOL.md §3). A message keeps
 * one value per key present, in key order behind a bitmask of those keys,
 * so every getter is O(1); lists of maps hold child messages. A tree's
 * children, value tables and strings all come from an arena owned by its
 * root, so a list of 10,000 items costs a few dozen allocations and is
 * freed at once. Encoding sizes the tree, then writes it into one buffer
 * with libcbor's streaming encoders. Decoding first walks the CBOR heads
 * iteratively with a small fixed stack, refusing anything outside the
 * protocol's subset and adding up the memory the tree needs; a second walk,
 * whose depth the first has bounded, then builds the tree in one block.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "errf.h"
#include "utf8.h"
#include "wire.h"

/* How a value is held: the CBOR major types of the protocol's subset. */
enum wire_kind {
	WV_UINT, WV_NEGINT, WV_BYTES, WV_TEXT, WV_LIST
};

struct wire_value {
	union {
		uint64_t		 u;	/* UINT; NEGINT stands for -1 - u */
		const uint8_t		*p;	/* BYTES, TEXT: in the arena */
		struct wire_list	*l;	/* LIST */
	};
	uint32_t		 len;		/* BYTES, TEXT */
	uint8_t			 kind;
};

struct wire_list {
	struct wire_msg		**v;
	size_t			 n, cap;
};

struct wire_msg {
	struct wire_arena	*arena;		/* the root's */
	struct wire_value	*v;		/* a value per key in mask */
	uint64_t		 mask;		/* the keys present */
	uint32_t		 cap;		/* room in v */
};

/* Blocks are freed with the root; nothing in them is freed before. */
struct wire_block {
	struct wire_block	*next;
	size_t			 size;		/* bytes after the header */
};

struct wire_arena {
	struct wire_block	*blocks;
	uint8_t			*cur;
	size_t			 left;		/* bytes free at cur */
	size_t			 grow;		/* size of the next block */
};

/* A root message with its arena and the arena's first room. */
struct wire_root {
	struct wire_msg		 msg;
	struct wire_arena	 arena;
	size_t			 roomsize;	/* bytes in room */
	uint64_t		 room[];
};

#define ARENA_ALIGN(n)	(((n) + 7) & ~(size_t)7)
#define ARENA_FIRST	512		/* room of a root being built */
#define ARENA_BLOCK_MIN	4096
#define ARENA_BLOCK_MAX	(64 * 1024)	/* larger requests get their own */
#define WIRE_VALUES_MIN	4

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
	size_t		 need;		/* arena bytes to build the tree */
	size_t		 bad_text;	/* offset of the first bad UTF-8 + 1 */
	char		*err;
	size_t		 errlen;
};

/* Where encoding writes next. */
struct wire_out {
	uint8_t		*p;
	size_t		 left;
};

static void	*arena_alloc(struct wire_arena *, size_t);
static void	*arena_grow(struct wire_arena *, size_t);
static const uint8_t *arena_copy(struct wire_arena *, const void *, size_t);
static struct wire_msg *wire_root_new(size_t);
static unsigned	 wire_count(uint64_t);
static unsigned	 wire_slot(const struct wire_msg *, enum wire_key);
static const struct wire_value *wire_lookup(const struct wire_msg *,
		    enum wire_key);
static struct wire_value *wire_set(struct wire_msg *, enum wire_key);
static int	 wire_put_blob(struct wire_msg *, enum wire_key, int,
		    const void *, size_t);
static struct wire_list *wire_list_at(struct wire_msg *, enum wire_key);
static int	 wire_list_grow(struct wire_arena *, struct wire_list *);
static size_t	 wire_head_len(uint64_t);
static size_t	 wire_size_map(const struct wire_msg *, int);
static size_t	 wire_size_list(const struct wire_list *, int);
static int	 wire_advance(struct wire_out *, size_t);
static int	 wire_write_map(struct wire_out *, const struct wire_msg *);
static int	 wire_write_value(struct wire_out *,
		    const struct wire_value *);
static int	 scan_head(struct scan *, uint8_t *, uint64_t *);
static int	 scan_entry(struct scan *, struct scan_frame *, int *);
static int	 scan_key(struct scan *, struct scan_frame *, uint8_t,
		    uint64_t, size_t);
static int	 scan_value(struct scan *, struct scan_frame *, int *,
		    uint8_t, uint64_t, size_t);
static void	 scan_text(struct scan *, size_t);
static int	 scan_push(struct scan *, struct scan_frame *, int *, int,
		    uint64_t, int);
static int	 wire_scan(struct scan *);
static int	 build_map(struct scan *, struct wire_arena *,
		    struct wire_msg *, uint64_t);
static int	 build_value(struct scan *, struct wire_arena *,
		    struct wire_value *);
static int	 build_list(struct scan *, struct wire_arena *,
		    struct wire_value *, uint64_t);

static const uint8_t	 wire_empty[1];

static const char *wire_type_names[] = {
	NULL, "hello", "verify", "issue", "set_status", "record_lpjk",
	"renew", "show", "find", "keys", "stats",
	[WIRE_QR] = "qr", [WIRE_BLANK] = "blank", [WIRE_CORRECT] = "correct",
	[WIRE_CORRECT_REQUEST] = "correct_request",
	[WIRE_CORRECTIONS] = "corrections",
	[WIRE_HOLDER_REPORT] = "holder_report"
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
	[WK_FORMAT] = "format", [WK_IMAGE] = "image", [WK_SIZE] = "size",
	[WK_MATCH] = "match", [WK_HOST] = "host", [WK_LOGINDEX] = "logindex",
	[WK_PROOF] = "proof", [WK_LOGSIZE] = "logsize",
	[WK_LOGENTRY] = "logentry", [WK_CHECKPOINT] = "checkpoint",
	[WK_REQUESTED] = "requested", [WK_DONE] = "done",
	[WK_REPORT] = "report", [WK_SIGNED] = "signed"
};

/* The arena. */

/* size bytes, 8-aligned; NULL on allocation failure. */
static void *
arena_alloc(struct wire_arena *a, size_t size)
{
	uint8_t	*p;

	if (size > SIZE_MAX / 2)
		return NULL;
	size = ARENA_ALIGN(size);
	if (size > a->left)
		return arena_grow(a, size);
	p = a->cur;
	a->cur += size;
	a->left -= size;
	return p;
}

/*
 * A new block, twice the last up to ARENA_BLOCK_MAX; a request too big
 * for a quarter of one gets a block of its own and leaves cur alone.
 */
static void *
arena_grow(struct wire_arena *a, size_t size)
{
	struct wire_block	*b;
	size_t			 bsize = a->grow;
	uint8_t			*p;

	if (size > bsize / 4)
		bsize = size;
	if ((b = malloc(sizeof(*b) + bsize)) == NULL)
		return NULL;
	b->next = a->blocks;
	b->size = bsize;
	a->blocks = b;
	p = (uint8_t *)(b + 1);
	if (bsize == size)
		return p;
	a->cur = p + size;
	a->left = bsize - size;
	if (a->grow < ARENA_BLOCK_MAX)
		a->grow *= 2;
	return p;
}

static const uint8_t *
arena_copy(struct wire_arena *a, const void *src, size_t len)
{
	uint8_t	*p;

	if (len == 0)
		return wire_empty;
	if ((p = arena_alloc(a, len)) == NULL)
		return NULL;
	memcpy(p, src, len);
	return p;
}

/* An empty root whose arena starts with room bytes. */
static struct wire_msg *
wire_root_new(size_t room)
{
	struct wire_root	*r;

	room = ARENA_ALIGN(room);
	if (room > SIZE_MAX - sizeof(*r) || (r = malloc(sizeof(*r) +
	    room)) == NULL)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->roomsize = room;
	r->msg.arena = &r->arena;
	r->arena.cur = (uint8_t *)r->room;
	r->arena.left = room;
	r->arena.grow = ARENA_BLOCK_MIN;
	return &r->msg;
}

/* Building. */

struct wire_msg *
wire_msg_new(enum wire_type type, uint64_t id)
{
	struct wire_msg	*m;

	if ((m = wire_root_new(ARENA_FIRST)) == NULL)
		return NULL;
	if (wire_put_uint(m, WK_TYPE, type) == -1 ||
	    wire_put_uint(m, WK_ID, id) == -1) {
		wire_msg_free(m);
		return NULL;
	}
	return m;
}

/*
 * A child belongs to its root: freeing one alone does nothing. The
 * arena is wiped first: ISSUE and FIND carry NIKs, and freed memory keeps
 * its bytes.
 */
void
wire_msg_free(struct wire_msg *m)
{
	struct wire_root	*r;
	struct wire_block	*b, *next;

	if (m == NULL)
		return;
	r = (struct wire_root *)(void *)((char *)m->arena -
	    offsetof(struct wire_root, arena));
	if (&r->msg != m)
		return;
	for (b = r->arena.blocks; b != NULL; b = next) {
		next = b->next;
		explicit_bzero(b + 1, b->size);
		free(b);
	}
	explicit_bzero(r->room, r->roomsize);
	free(r);
}

/*
 * The number of keys in a set. Written out because without -mpopcnt the
 * builtin is a call into libgcc, and getters use it on every lookup.
 */
static unsigned
wire_count(uint64_t x)
{
	x -= (x >> 1) & UINT64_C(0x5555555555555555);
	x = (x & UINT64_C(0x3333333333333333)) +
	    ((x >> 2) & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (unsigned)((x * UINT64_C(0x0101010101010101)) >> 56);
}

/* Where key k's value is, or would go, in m->v. */
static unsigned
wire_slot(const struct wire_msg *m, enum wire_key k)
{
	return wire_count(m->mask & (WK_BIT(k) - 1));
}

static const struct wire_value *
wire_lookup(const struct wire_msg *m, enum wire_key k)
{
	if (m == NULL || (unsigned)k >= WK_MAX || (m->mask & WK_BIT(k)) == 0)
		return NULL;
	return &m->v[wire_slot(m, k)];
}

/*
 * The slot of key k, made if need be, for the caller to fill. A value it
 * replaces stays in the arena until the root is freed.
 */
static struct wire_value *
wire_set(struct wire_msg *m, enum wire_key k)
{
	struct wire_value	*v;
	unsigned		 i, n;
	uint32_t		 cap;

	if (m == NULL || (unsigned)k >= WK_MAX)
		return NULL;
	i = wire_slot(m, k);
	if (m->mask & WK_BIT(k))
		return &m->v[i];
	n = wire_count(m->mask);
	if (n == m->cap) {
		cap = m->cap < WIRE_VALUES_MIN ? WIRE_VALUES_MIN : m->cap * 2;
		if (cap > WK_MAX)
			cap = WK_MAX;
		if ((v = arena_alloc(m->arena, cap * sizeof(*v))) == NULL)
			return NULL;
		if (n > 0)
			memcpy(v, m->v, n * sizeof(*v));
		m->v = v;
		m->cap = cap;
	}
	memmove(&m->v[i + 1], &m->v[i], (n - i) * sizeof(*m->v));
	m->mask |= WK_BIT(k);
	return &m->v[i];
}

int
wire_put_uint(struct wire_msg *m, enum wire_key k, uint64_t u)
{
	struct wire_value	*v;

	if ((v = wire_set(m, k)) == NULL)
		return -1;
	v->kind = WV_UINT;
	v->u = u;
	return 0;
}

int
wire_put_int(struct wire_msg *m, enum wire_key k, int64_t i)
{
	struct wire_value	*v;

	if (i >= 0)
		return wire_put_uint(m, k, (uint64_t)i);
	if ((v = wire_set(m, k)) == NULL)
		return -1;
	/* -1 - i without overflow at INT64_MIN. */
	v->kind = WV_NEGINT;
	v->u = (uint64_t)(-(i + 1));
	return 0;
}

/* The data is copied before the slot is taken, so a failure changes nothing. */
static int
wire_put_blob(struct wire_msg *m, enum wire_key k, int kind, const void *p,
    size_t len)
{
	struct wire_value	*v;
	const uint8_t		*copy;

	if (m == NULL || (unsigned)k >= WK_MAX || len > UINT32_MAX ||
	    (copy = arena_copy(m->arena, p, len)) == NULL ||
	    (v = wire_set(m, k)) == NULL)
		return -1;
	v->kind = kind;
	v->p = copy;
	v->len = (uint32_t)len;
	return 0;
}

int
wire_put_str(struct wire_msg *m, enum wire_key k, const char *s)
{
	if (s == NULL)
		return -1;
	return wire_put_blob(m, k, WV_TEXT, s, strlen(s));
}

int
wire_put_bytes(struct wire_msg *m, enum wire_key k, const uint8_t *p,
    size_t len)
{
	if (p == NULL && len != 0)
		return -1;
	return wire_put_blob(m, k, WV_BYTES, p, len);
}

/* The list at key k, made (replacing a scalar) if need be. */
static struct wire_list *
wire_list_at(struct wire_msg *m, enum wire_key k)
{
	const struct wire_value	*old = wire_lookup(m, k);
	struct wire_value	*v;
	struct wire_list	*l;

	if (old != NULL && old->kind == WV_LIST)
		return old->l;
	if ((l = arena_alloc(m->arena, sizeof(*l))) == NULL ||
	    (v = wire_set(m, k)) == NULL)
		return NULL;
	memset(l, 0, sizeof(*l));
	v->kind = WV_LIST;
	v->l = l;
	return l;
}

static int
wire_list_grow(struct wire_arena *a, struct wire_list *l)
{
	struct wire_msg	**v;
	size_t		  cap = l->cap == 0 ? 4 : l->cap * 2;

	if (cap > SIZE_MAX / sizeof(*v) ||
	    (v = arena_alloc(a, cap * sizeof(*v))) == NULL)
		return -1;
	if (l->n > 0)
		memcpy(v, l->v, l->n * sizeof(*v));
	l->v = v;
	l->cap = cap;
	return 0;
}

/* Siblings mostly hold the same keys: an item gets room for the last's. */
struct wire_msg *
wire_put_item(struct wire_msg *m, enum wire_key k)
{
	struct wire_list	*l;
	struct wire_msg		*item;
	uint32_t		 cap = 0;

	if (m == NULL || (unsigned)k >= WK_MAX ||
	    (l = wire_list_at(m, k)) == NULL)
		return NULL;
	if (l->n == l->cap && wire_list_grow(m->arena, l) == -1)
		return NULL;
	if (l->n > 0)
		cap = wire_count(l->v[l->n - 1]->mask);
	if ((item = arena_alloc(m->arena, sizeof(*item))) == NULL)
		return NULL;
	item->arena = m->arena;
	item->mask = 0;
	item->cap = cap;
	item->v = NULL;
	if (cap > 0 && (item->v = arena_alloc(m->arena,
	    cap * sizeof(*item->v))) == NULL)
		return NULL;
	l->v[l->n++] = item;
	return item;
}

/* Encoding. */

/* Bytes of a CBOR head with this argument (RFC 8949 §3). */
static size_t
wire_head_len(uint64_t arg)
{
	if (arg < 24)
		return 1;
	if (arg <= UINT8_MAX)
		return 2;
	if (arg <= UINT16_MAX)
		return 3;
	if (arg <= UINT32_MAX)
		return 5;
	return 9;
}

/* Encoded size of a map at depth, or 0 when lists nest too deep. */
static size_t
wire_size_map(const struct wire_msg *m, int depth)
{
	const struct wire_value	*v = m->v;
	uint64_t		 keys;
	size_t			 size, sub;

	size = wire_head_len(wire_count(m->mask));
	for (keys = m->mask; keys != 0; keys &= keys - 1, v++) {
		size += wire_head_len((uint64_t)__builtin_ctzll(keys));
		switch (v->kind) {
		case WV_UINT:
		case WV_NEGINT:
			size += wire_head_len(v->u);
			break;
		case WV_BYTES:
		case WV_TEXT:
			size += wire_head_len(v->len) + v->len;
			break;
		default:
			if ((sub = wire_size_list(v->l, depth + 1)) == 0)
				return 0;
			size += sub;
		}
	}
	return size;
}

static size_t
wire_size_list(const struct wire_list *l, int depth)
{
	size_t	size, sub, i;

	if (depth > WIRE_MAX_DEPTH)
		return 0;
	size = wire_head_len(l->n);
	for (i = 0; i < l->n; i++) {
		if ((sub = wire_size_map(l->v[i], depth)) == 0)
			return 0;
		size += sub;
	}
	return size;
}

/* Moves past n bytes just written; 0 means libcbor found no room. */
static int
wire_advance(struct wire_out *o, size_t n)
{
	if (n == 0 || n > o->left)
		return -1;
	o->p += n;
	o->left -= n;
	return 0;
}

/* Ascending keys, all small, so their encodings sort the same way. */
static int
wire_write_map(struct wire_out *o, const struct wire_msg *m)
{
	const struct wire_value	*v = m->v;
	uint64_t		 keys;

	if (wire_advance(o, cbor_encode_map_start(
	    wire_count(m->mask), o->p, o->left)) == -1)
		return -1;
	for (keys = m->mask; keys != 0; keys &= keys - 1, v++) {
		if (wire_advance(o, cbor_encode_uint(
		    (uint64_t)__builtin_ctzll(keys), o->p, o->left)) == -1 ||
		    wire_write_value(o, v) == -1)
			return -1;
	}
	return 0;
}

static int
wire_write_value(struct wire_out *o, const struct wire_value *v)
{
	size_t	n, i;

	switch (v->kind) {
	case WV_UINT:
		return wire_advance(o, cbor_encode_uint(v->u, o->p, o->left));
	case WV_NEGINT:
		return wire_advance(o, cbor_encode_negint(v->u, o->p,
		    o->left));
	case WV_BYTES:
	case WV_TEXT:
		n = v->kind == WV_TEXT ?
		    cbor_encode_string_start(v->len, o->p, o->left) :
		    cbor_encode_bytestring_start(v->len, o->p, o->left);
		if (wire_advance(o, n) == -1 || v->len > o->left)
			return -1;
		memcpy(o->p, v->p, v->len);
		o->p += v->len;
		o->left -= v->len;
		return 0;
	default:
		if (wire_advance(o, cbor_encode_array_start(v->l->n, o->p,
		    o->left)) == -1)
			return -1;
		for (i = 0; i < v->l->n; i++)
			if (wire_write_map(o, v->l->v[i]) == -1)
				return -1;
		return 0;
	}
}

int
wire_encode(const struct wire_msg *m, uint8_t **out, size_t *outlen)
{
	struct wire_out	 o;
	size_t		 len;
	uint8_t		*frame;

	*out = NULL;
	*outlen = 0;
	if (m == NULL || (len = wire_size_map(m, 0)) == 0 ||
	    len > UINT32_MAX || (frame = malloc(WIRE_HDR_LEN + len)) == NULL)
		return -1;
	frame[0] = (uint8_t)(len >> 24);
	frame[1] = (uint8_t)(len >> 16);
	frame[2] = (uint8_t)(len >> 8);
	frame[3] = (uint8_t)len;
	o.p = frame + WIRE_HDR_LEN;
	o.left = len;
	if (wire_write_map(&o, m) == -1 || o.left != 0) {
		free(frame);
		return -1;
	}
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
		errf(s->err, s->errlen, "truncated at offset %zu", at);
		return -1;
	}
	*major = s->buf[s->pos] >> 5;
	info = s->buf[s->pos++] & 0x1f;
	if (info < 24) {
		*arg = info;
		return 0;
	}
	if (info == 31) {
		errf(s->err, s->errlen, "indefinite length at offset %zu",
		    at);
		return -1;
	}
	if (info > 27) {
		errf(s->err, s->errlen,
		    "reserved additional information at offset %zu", at);
		return -1;
	}
	n = (size_t)1 << (info - 24);
	if (s->len - s->pos < n) {
		errf(s->err, s->errlen, "truncated at offset %zu", at);
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
		errf(s->err, s->errlen, "more than %u items in a message",
		    WIRE_MAX_ITEMS);
		return -1;
	}
	if (scan_head(s, &major, &arg) == -1)
		return -1;
	if (major == 6) {
		errf(s->err, s->errlen, "tag at offset %zu not allowed",
		    at);
		return -1;
	}
	if (major == 7) {
		errf(s->err, s->errlen,
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
		errf(s->err, s->errlen, "key at offset %zu is not an "
		    "unsigned integer", at);
		return -1;
	}
	if (arg >= WK_MAX) {
		errf(s->err, s->errlen, "key %llu out of range",
		    (unsigned long long)arg);
		return -1;
	}
	if (f->seen & WK_BIT(arg)) {
		errf(s->err, s->errlen, "duplicate key %llu (%s)",
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
			errf(s->err, s->errlen, "list item at offset %zu "
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
			errf(s->err, s->errlen, "string of %llu bytes "
			    "exceeds the buffer", (unsigned long long)arg);
			return -1;
		}
		if (major == 3 && s->bad_text == 0)
			scan_text(s, arg);
		s->pos += arg;
		s->need += ARENA_ALIGN(arg);
		return 0;
	case 4:
		if (f->depth >= WIRE_MAX_DEPTH) {
			errf(s->err, s->errlen, "nesting deeper than %d",
			    WIRE_MAX_DEPTH);
			return -1;
		}
		return scan_push(s, st, sp, 0, arg, f->depth + 1);
	default:
		errf(s->err, s->errlen, "map as a value at offset %zu not "
		    "allowed outside a list", at);
		return -1;
	}
}

/*
 * Notes where the text of len bytes at s->pos first breaks RFC 3629; it is
 * refused once the structure has passed, as a structural fault goes first.
 */
static void
scan_text(struct scan *s, size_t len)
{
	const unsigned char	*p = s->buf + s->pos;
	size_t			 i = 0, n;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_next(p + i, len - i, NULL)) == 0) {
			s->bad_text = s->pos + i + 1;
			return;
		}
		i += n;
	}
}

/*
 * Opens a map of n pairs or a list of n items, counting the arena bytes
 * that build_map or build_list will take for it. Each pair takes at least
 * two bytes and each item one, so a count the buffer cannot hold is
 * refused before anything is allocated for it.
 */
static int
scan_push(struct scan *s, struct scan_frame *st, int *sp, int is_map,
    uint64_t n, int depth)
{
	size_t	left = s->len - s->pos;

	if (n > (is_map ? left / 2 : left)) {
		errf(s->err, s->errlen, "%s of %llu %s exceeds the buffer",
		    is_map ? "map" : "list", (unsigned long long)n,
		    is_map ? "pairs" : "items");
		return -1;
	}
	if (*sp >= SCAN_STACK) {
		errf(s->err, s->errlen, "nesting deeper than %d",
		    WIRE_MAX_DEPTH);
		return -1;
	}
	if (is_map)
		s->need += n * sizeof(struct wire_value);
	else
		s->need += ARENA_ALIGN(sizeof(struct wire_list)) +
		    n * (sizeof(struct wire_msg *) + sizeof(struct wire_msg));
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
		errf(s->err, s->errlen, "message is not a map");
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
		errf(s->err, s->errlen, "%zu trailing bytes after the "
		    "message", s->len - s->pos);
		return -1;
	}
	if (s->bad_text != 0) {
		errf(s->err, s->errlen, "invalid UTF-8 at offset %zu",
		    s->bad_text - 1);
		return -1;
	}
	return 0;
}

/*
 * Building from bytes wire_scan has checked: heads cannot fail, lists nest
 * at most WIRE_MAX_DEPTH deep, and the arena was sized for all of it.
 */
static int
build_map(struct scan *s, struct wire_arena *a, struct wire_msg *m,
    uint64_t npairs)
{
	struct wire_value	*v;
	uint64_t		 i, k;
	uint8_t			 major;

	m->arena = a;
	m->mask = 0;
	m->cap = (uint32_t)npairs;
	m->v = NULL;
	if (npairs > 0 && (m->v = arena_alloc(a, npairs * sizeof(*m->v))) ==
	    NULL)
		return -1;
	for (i = 0; i < npairs; i++) {
		if (scan_head(s, &major, &k) == -1 ||
		    (v = wire_set(m, k)) == NULL ||
		    build_value(s, a, v) == -1)
			return -1;
	}
	return 0;
}

static int
build_value(struct scan *s, struct wire_arena *a, struct wire_value *v)
{
	uint64_t	arg;
	uint8_t		major;

	if (scan_head(s, &major, &arg) == -1)
		return -1;
	switch (major) {
	case 0:
	case 1:
		v->kind = major == 0 ? WV_UINT : WV_NEGINT;
		v->u = arg;
		return 0;
	case 2:
	case 3:
		v->kind = major == 2 ? WV_BYTES : WV_TEXT;
		v->len = (uint32_t)arg;
		v->p = arena_copy(a, s->buf + s->pos, arg);
		s->pos += arg;
		return v->p == NULL ? -1 : 0;
	default:
		return build_list(s, a, v, arg);
	}
}

static int
build_list(struct scan *s, struct wire_arena *a, struct wire_value *v,
    uint64_t n)
{
	struct wire_list	*l;
	struct wire_msg		*items = NULL;
	uint64_t		 i, npairs;
	uint8_t			 major;

	v->kind = WV_LIST;
	if ((v->l = l = arena_alloc(a, sizeof(*l))) == NULL)
		return -1;
	memset(l, 0, sizeof(*l));
	if (n > 0 && ((l->v = arena_alloc(a, n * sizeof(*l->v))) == NULL ||
	    (items = arena_alloc(a, n * sizeof(*items))) == NULL))
		return -1;
	l->cap = n;
	for (i = 0; i < n; i++) {
		if (scan_head(s, &major, &npairs) == -1 ||
		    build_map(s, a, &items[i], npairs) == -1)
			return -1;
		l->v[l->n++] = &items[i];
	}
	return 0;
}

struct wire_msg *
wire_decode(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	struct scan	 s = { .buf = buf, .len = len, .err = err,
	    .errlen = errlen };
	struct wire_msg	*m;
	uint64_t	 v;
	uint8_t		 major;

	if (buf == NULL || len == 0) {
		errf(err, errlen, "empty message");
		return NULL;
	}
	if (wire_scan(&s) == -1)
		return NULL;
	if ((m = wire_root_new(s.need)) == NULL)
		goto nomem;
	s.pos = 0;
	if (scan_head(&s, &major, &v) == -1 ||
	    build_map(&s, m->arena, m, v) == -1)
		goto nomem;
	if (!wire_has(m, WK_TYPE) || !wire_has(m, WK_ID)) {
		errf(err, errlen, "missing %s",
		    wire_has(m, WK_TYPE) ? "ID" : "TYPE");
		goto fail;
	}
	if (wire_get_uint(m, WK_TYPE, &v) == -1 ||
	    wire_get_uint(m, WK_ID, &v) == -1) {
		errf(err, errlen, "%s is not an unsigned integer",
		    wire_get_uint(m, WK_TYPE, &v) == -1 ? "TYPE" : "ID");
		goto fail;
	}
	return m;
nomem:
	errf(err, errlen, "out of memory");
fail:
	wire_msg_free(m);
	return NULL;
}

/* Getters. */

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
	return wire_lookup(m, k) != NULL;
}

int
wire_get_uint(const struct wire_msg *m, enum wire_key k, uint64_t *out)
{
	const struct wire_value	*v = wire_lookup(m, k);

	if (v == NULL || v->kind != WV_UINT)
		return -1;
	*out = v->u;
	return 0;
}

int
wire_get_int(const struct wire_msg *m, enum wire_key k, int64_t *out)
{
	const struct wire_value	*v = wire_lookup(m, k);

	if (v == NULL || (v->kind != WV_UINT && v->kind != WV_NEGINT) ||
	    v->u > INT64_MAX)
		return -1;
	/* A negint u stands for -1 - u, which fits when u <= INT64_MAX. */
	*out = v->kind == WV_UINT ? (int64_t)v->u : -(int64_t)v->u - 1;
	return 0;
}

int
wire_get_str(const struct wire_msg *m, enum wire_key k, char *buf,
    size_t bufsz)
{
	const struct wire_value	*v = wire_lookup(m, k);

	if (v == NULL || v->kind != WV_TEXT)
		return -1;
	if (bufsz == 0 || v->len > bufsz - 1)
		return -1;
	if (memchr(v->p, '\0', v->len) != NULL)
		return -1;
	memcpy(buf, v->p, v->len);
	buf[v->len] = '\0';
	return 0;
}

int
wire_get_bytes(const struct wire_msg *m, enum wire_key k, const uint8_t **p,
    size_t *len)
{
	const struct wire_value	*v = wire_lookup(m, k);

	if (v == NULL || v->kind != WV_BYTES)
		return -1;
	*p = v->p;
	*len = v->len;
	return 0;
}

size_t
wire_list_len(const struct wire_msg *m, enum wire_key k)
{
	const struct wire_value	*v = wire_lookup(m, k);

	if (v == NULL || v->kind != WV_LIST)
		return 0;
	return v->l->n;
}

const struct wire_msg *
wire_list_get(const struct wire_msg *m, enum wire_key k, size_t i)
{
	if (i >= wire_list_len(m, k))
		return NULL;
	return wire_lookup(m, k)->l->v[i];
}

/* The lowest unexpected key is named, as a walk in key order would. */
int
wire_check_keys(const struct wire_msg *m, uint64_t allowed, char *err,
    size_t errlen)
{
	uint64_t	extra;
	int		k;

	if (m == NULL)
		return 0;
	allowed |= WK_BIT(WK_TYPE) | WK_BIT(WK_ID);
	if ((extra = m->mask & ~allowed) == 0)
		return 0;
	k = __builtin_ctzll(extra);
	errf(err, errlen, "unexpected field %d (%s)", k,
	    wire_key_names[k]);
	return -1;
}

const char *
wire_type_name(uint64_t t)
{
	if (t == WIRE_ERROR)
		return "error";
	if (t >= WIRE_HELLO && t <= WIRE_HOLDER_REPORT &&
	    wire_type_names[t] != NULL)
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
