/* skkd — SPDX-License-Identifier: ISC */
/*
 * Unit tests of the transparency log's storage (daemon/tlog.c) on a real
 * LMDB store: an entry appended in a rolled-back nested transaction
 * leaves nothing, indexes never skip, every stored hash and the root
 * equal those of proto/merkle's in-memory tree over the same entries,
 * the stored checkpoint verifies under the log's verifier key, tiles
 * hold the tree's hashes and bundles its entries, and bad input (an
 * invalid entry, a key named for another host) is refused. tlog_sync
 * backfills a store from before the log once and logs key changes once,
 * with each certificate's current entry in log_current. A log without
 * log_current gets it built; its inclusion proofs pass proto/logproof,
 * and a flipped entry, proof, index or number fails it.
 */

#include <sys/stat.h>

#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "checkpoint.h"
#include "logproof.h"
#include "note.h"
#include "tlog.h"
#include "tlogsync.h"

#define HOST	"skk.example"
#define NMAX	700

struct fixture {
	char		 top[64];
	char		 dir[96];
	char		 key[96];
	char		 vkey[NOTE_KEY_MAX + 1];
	struct store	*s;
	struct store_rd	*rd;
	struct tlog	*l;
	uint8_t		 leaf[NMAX][MERKLE_HASH_LEN];
	uint64_t	 n;		/* entries committed */
	uint64_t	 base;		/* entry i is entry(base + i) */
};

static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int
setup(void **state)
{
	struct fixture		*f;
	struct store_opts	 o;
	char			 err[256];

	f = calloc(1, sizeof(*f));
	snprintf(f->top, sizeof(f->top), "/tmp/skk-tlog-XXXXXX");
	if (mkdtemp(f->top) == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/db", f->top);
	snprintf(f->key, sizeof(f->key), "%s/log.key", f->top);
	if (tlog_keygen(f->key, HOST, f->vkey, sizeof(f->vkey), err,
	    sizeof(err)) == -1 ||
	    (f->l = tlog_load(f->key, HOST, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	memset(&o, 0, sizeof(o));
	o.dir = f->dir;
	o.map_size = 64 << 20;
	o.max_readers = 16;
	o.nosync = 1;
	if ((f->s = store_open(&o, err, sizeof(err))) == NULL ||
	    (f->rd = store_rd_new(f->s)) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	store_rd_free(f->rd);
	store_close(f->s);
	tlog_free(f->l);
	nftw(f->top, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Entry i: an issue of certificate i, distinct in number and digest. */
static void
entry(uint64_t i, struct log_entry *e, uint8_t bytes[LOG_ENTRY_LEN])
{
	char	err[200];

	memset(e, 0, sizeof(*e));
	e->version = LOG_ENTRY_VERSION;
	e->event = LOG_ISSUE;
	e->time = 1767225600 + i;
	snprintf(e->number, sizeof(e->number), "42101 8342 3 %08llu 2026",
	    (unsigned long long)i + 1);
	snprintf(e->job_code, sizeof(e->job_code), "ME063096");
	e->level = 3;
	e->status = CERT_ACTIVE;
	memset(e->kid, 0x21, sizeof(e->kid));
	memset(e->batch, 0x42, sizeof(e->batch));
	memcpy(e->digest, &i, sizeof(i));
	e->digest[31] = 1;
	assert_int_equal(log_entry_encode(e, bytes, err, sizeof(err)), 0);
}

/* Appends entries [f->n, f->n + count) in one group with a checkpoint. */
static void
append_group(struct fixture *f, uint64_t count)
{
	struct store_wtxn	*t;
	struct log_entry	 e;
	uint8_t			 b[LOG_ENTRY_LEN];
	uint64_t		 i, index;
	char			 err[256];

	assert_int_equal(store_wbegin(f->s, &t, err, sizeof(err)), STORE_OK);
	for (i = 0; i < count; i++) {
		entry(f->base + f->n + i, &e, b);
		assert_int_equal(store_wnest(t), STORE_OK);
		assert_int_equal(tlog_append(t, &e, &index, err, sizeof(err)),
		    STORE_OK);
		assert_int_equal(index, f->n + i);
		assert_int_equal(store_wunnest(t, 1), STORE_OK);
		merkle_leaf_hash(b, sizeof(b), f->leaf[f->n + i]);
	}
	assert_int_equal(tlog_checkpoint(f->l, t, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_wcommit(t, err, sizeof(err)), STORE_OK);
	f->n += count;
}

/* The view's checkpoint verifies and names the in-memory tree's root. */
static void
check_checkpoint(struct fixture *f, const struct tlog_view *v)
{
	struct note_key		 k;
	struct note		 note;
	struct checkpoint	 cp;
	struct merkle_mem	 mem = { (const uint8_t (*)[32])f->leaf, f->n };
	struct merkle_tree	 tree = { merkle_mem_fetch, &mem, f->n, NULL };
	uint8_t			 root[MERKLE_HASH_LEN];
	char			 err[256];

	assert_true(v->ckptlen > 0);
	assert_int_equal(note_vkey_parse(f->vkey, &k, err, sizeof(err)), 0);
	assert_int_equal(note_parse(v->ckpt, v->ckptlen, &note, err,
	    sizeof(err)), 0);
	assert_int_equal(note_verify(&note, &k, 1, err, sizeof(err)), 0);
	assert_int_equal(checkpoint_parse(note.text, note.textlen, &cp, err,
	    sizeof(err)), 0);
	assert_string_equal(cp.origin, HOST "/log");
	assert_int_equal(cp.size, f->n);
	assert_int_equal(merkle_root(&tree, root, err, sizeof(err)), 0);
	assert_memory_equal(cp.root, root, sizeof(root));
	note_key_release(&k);
}

static void
test_rollback(void **state)
{
	struct fixture		*f = *state;
	struct store_wtxn	*t;
	struct tlog_view	 v;
	struct log_entry	 e;
	uint8_t			 b[LOG_ENTRY_LEN];
	uint64_t		 index;
	char			 err[256];

	assert_int_equal(store_wbegin(f->s, &t, err, sizeof(err)), STORE_OK);
	entry(0, &e, b);
	/* A job that fails after its append takes the entry with it. */
	assert_int_equal(store_wnest(t), STORE_OK);
	assert_int_equal(tlog_append(t, &e, &index, err, sizeof(err)),
	    STORE_OK);
	assert_int_equal(index, 0);
	assert_int_equal(store_wunnest(t, 0), STORE_OK);
	assert_int_equal(store_wnest(t), STORE_OK);
	assert_int_equal(tlog_append(t, &e, &index, err, sizeof(err)),
	    STORE_OK);
	assert_int_equal(index, 0);
	assert_int_equal(store_wunnest(t, 1), STORE_OK);
	merkle_leaf_hash(b, sizeof(b), f->leaf[0]);
	f->n = 1;
	/* An invalid entry is refused with its field, and adds nothing. */
	e.level = 0;
	assert_int_equal(store_wnest(t), STORE_OK);
	assert_int_equal(tlog_append(t, &e, &index, err, sizeof(err)),
	    STORE_ERROR);
	assert_non_null(strstr(err, "level"));
	assert_int_equal(store_wunnest(t, 1), STORE_OK);
	assert_int_equal(tlog_checkpoint(f->l, t, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_wcommit(t, err, sizeof(err)), STORE_OK);

	/* A whole group aborted: nothing of it stays, checkpoint included. */
	assert_int_equal(store_wbegin(f->s, &t, err, sizeof(err)), STORE_OK);
	entry(1, &e, b);
	assert_int_equal(tlog_append(t, &e, &index, err, sizeof(err)),
	    STORE_OK);
	assert_int_equal(tlog_checkpoint(f->l, t, err, sizeof(err)), STORE_OK);
	store_wabort(t);

	assert_int_equal(tlog_view_begin(f->rd, &v), STORE_OK);
	assert_int_equal(v.size, 1);
	assert_int_equal(v.ckpt_size, 1);
	assert_int_equal(tlog_view_entry(&v, 1, b), STORE_NOTFOUND);
	assert_int_equal(tlog_view_entry(&v, 0, b), STORE_OK);
	check_checkpoint(f, &v);
	tlog_view_end(&v);
}

/* Groups of every small size, then past a full tile. */
static void
test_tree(void **state)
{
	struct fixture		*f = *state;
	struct tlog_view	 v;
	struct merkle_mem	 mem;
	struct merkle_tree	 tree = { 0 };
	uint8_t			 a[MERKLE_HASH_LEN], b[MERKLE_HASH_LEN];
	uint8_t			 root[MERKLE_HASH_LEN];
	uint64_t		 g, n, idx;
	unsigned		 level;
	char			 err[256];

	for (g = 1; f->n + g <= 300; g++) {
		append_group(f, g);
		assert_int_equal(tlog_view_begin(f->rd, &v), STORE_OK);
		assert_int_equal(v.size, f->n);
		check_checkpoint(f, &v);
		tlog_view_end(&v);
	}
	append_group(f, NMAX - f->n);
	mem.leaf = (const uint8_t (*)[MERKLE_HASH_LEN])f->leaf;
	mem.n = f->n;
	assert_int_equal(tlog_view_begin(f->rd, &v), STORE_OK);
	/* Every complete subtree's hash, as stored, and nothing more. */
	for (level = 0; (f->n >> level) != 0; level++)
		for (n = 0; n < (f->n >> level); n++) {
			assert_int_equal(tlog_view_fetch(&v, level, n, a), 0);
			assert_int_equal(merkle_mem_fetch(&mem, level, n, b), 0);
			assert_memory_equal(a, b, sizeof(a));
		}
	assert_int_equal(tlog_view_fetch(&v, 0, f->n, a), -1);
	/* Stored in tile_stored_index order with no gap: the last one. */
	tile_stored_split(tile_stored_count(f->n) - 1, &level, &idx);
	assert_int_equal(tlog_view_fetch(&v, level, idx, a), 0);
	tlog_view_tree(&v, &tree);
	assert_int_equal(merkle_root(&tree, root, err, sizeof(err)), 0);
	check_checkpoint(f, &v);
	tlog_view_end(&v);
}

/* Every complete subtree's hash in v is the one of f's leaves. */
static void
check_hashes(struct fixture *f, struct tlog_view *v)
{
	struct merkle_mem	 mem;
	uint8_t			 a[MERKLE_HASH_LEN], b[MERKLE_HASH_LEN];
	uint64_t		 n;
	unsigned		 level;

	mem.leaf = (const uint8_t (*)[MERKLE_HASH_LEN])f->leaf;
	mem.n = f->n;
	for (level = 0; (f->n >> level) != 0; level++)
		for (n = 0; n < (f->n >> level); n++) {
			assert_int_equal(tlog_view_fetch(v, level, n, a), 0);
			assert_int_equal(merkle_mem_fetch(&mem, level, n, b), 0);
			assert_memory_equal(a, b, sizeof(a));
		}
}

/*
 * The thread's hashes of upper levels (tlog_view_fetch) belong to one
 * store: a second store with other entries, read on the same thread,
 * gets its own, and so does the first store read again, or reopened.
 */
static void
test_two_stores(void **state)
{
	struct fixture		*f = *state, *g;
	struct tlog_view	 v;
	struct store_opts	 o;
	char			 err[256];
	int			 k;

	append_group(f, NMAX);
	assert_int_equal(setup((void **)&g), 0);
	g->base = 5000;
	append_group(g, NMAX);
	for (k = 0; k < 2; k++) {
		assert_int_equal(tlog_view_begin(f->rd, &v), STORE_OK);
		check_hashes(f, &v);
		tlog_view_end(&v);
		assert_int_equal(tlog_view_begin(g->rd, &v), STORE_OK);
		check_hashes(g, &v);
		tlog_view_end(&v);
	}
	/* g's store closed, f's reopened in its place: f's hashes. */
	store_rd_free(g->rd);
	store_close(g->s);
	memset(&o, 0, sizeof(o));
	o.dir = f->dir;
	o.map_size = 64 << 20;
	o.max_readers = 16;
	o.nosync = 1;
	store_rd_free(f->rd);
	store_close(f->s);
	assert_non_null(f->s = store_open(&o, err, sizeof(err)));
	assert_non_null(f->rd = store_rd_new(f->s));
	assert_int_equal(tlog_view_begin(f->rd, &v), STORE_OK);
	check_hashes(f, &v);
	tlog_view_end(&v);
	assert_non_null(g->s = store_open(&o, err, sizeof(err)));
	assert_non_null(g->rd = store_rd_new(g->s));
	teardown((void **)&g);
}

static void
test_tiles(void **state)
{
	struct fixture		*f = *state;
	struct tlog_view	 v;
	struct tile		 tl;
	struct log_entry	 e;
	uint8_t			*buf, b[LOG_ENTRY_LEN];
	const uint8_t		*ent;
	size_t			 len, off = 0, elen;
	unsigned		 i;
	char			 err[256];

	append_group(f, 300);
	assert_non_null(buf = malloc(TLOG_TILE_MAX));
	assert_int_equal(tlog_view_begin(f->rd, &v), STORE_OK);
	tl.level = 0;
	tl.index = 0;
	tl.width = TILE_WIDTH;
	assert_int_equal(tlog_view_tile(&v, &tl, buf, &len), STORE_OK);
	assert_int_equal(len, TILE_WIDTH * MERKLE_HASH_LEN);
	assert_memory_equal(buf, f->leaf, len);
	/* The partial tile 1 of width 44, narrower ones, not wider. */
	tl.index = 1;
	tl.width = 44;
	assert_int_equal(tlog_view_tile(&v, &tl, buf, &len), STORE_OK);
	assert_memory_equal(buf, f->leaf[256], len);
	tl.width = 10;
	assert_int_equal(tlog_view_tile(&v, &tl, buf, &len), STORE_OK);
	tl.width = 45;
	assert_int_equal(tlog_view_tile(&v, &tl, buf, &len), STORE_NOTFOUND);
	tl.width = TILE_WIDTH;
	assert_int_equal(tlog_view_tile(&v, &tl, buf, &len), STORE_NOTFOUND);
	tl.level = 1;
	tl.index = 0;
	tl.width = 1;
	assert_int_equal(tlog_view_tile(&v, &tl, buf, &len), STORE_OK);
	assert_int_equal(len, MERKLE_HASH_LEN);
	tl.width = 2;
	assert_int_equal(tlog_view_tile(&v, &tl, buf, &len), STORE_NOTFOUND);
	/* Entry bundle 1: entries 256-299, each decodes to what went in. */
	tl.level = TILE_ENTRIES;
	tl.index = 1;
	tl.width = 44;
	assert_int_equal(tlog_view_tile(&v, &tl, buf, &len), STORE_OK);
	assert_int_equal(tile_bundle_check(buf, len, 44, err, sizeof(err)), 0);
	for (i = 0; tile_bundle_next(buf, len, &off, &ent, &elen, err,
	    sizeof(err)) == 1; i++) {
		entry(256 + i, &e, b);
		assert_int_equal(elen, LOG_ENTRY_LEN);
		assert_memory_equal(ent, b, LOG_ENTRY_LEN);
	}
	assert_int_equal(i, 44);
	tlog_view_end(&v);
	free(buf);
}

static void
test_key_errors(void **state)
{
	struct fixture	*f = *state;
	struct tlog	*l;
	char		 err[512], path[128], vkey[NOTE_KEY_MAX + 1];

	/* A key named for another host is not this log's. */
	assert_null(l = tlog_load(f->key, "other.example", err, sizeof(err)));
	assert_non_null(strstr(err, "other.example/log"));
	snprintf(path, sizeof(path), "%s/missing.key", f->top);
	assert_null(l = tlog_load(path, HOST, err, sizeof(err)));
	assert_non_null(strstr(err, "missing.key"));
	/* Never over an existing file. */
	assert_int_equal(tlog_keygen(f->key, HOST, vkey, sizeof(vkey), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "log.key"));
	assert_int_equal(tlog_origin("bad host", path, sizeof(path), err,
	    sizeof(err)), -1);
}

/* A stored certificate as an older skkd left it, with its payload. */
static void
put_cert(struct store_wtxn *t, unsigned seq, int status)
{
	struct cert	c;
	char		qr[16];

	memset(&c, 0, sizeof(c));
	snprintf(c.number, sizeof(c.number), "42101 8342 3 %08u 2025", seq);
	strcpy(c.name, "Siti Nur'aini");
	memset(c.nik_hmac, seq, sizeof(c.nik_hmac));
	strcpy(c.job_code, "ME063096");
	c.jenjang = 3;
	c.issued = 20438;
	c.expires = 20438 + 1825;
	c.status = status;
	memset(c.kid, 7, sizeof(c.kid));
	snprintf(qr, sizeof(qr), "qr-%u", seq);
	assert_int_equal(store_put_cert(t, &c, 1, (uint8_t *)qr, strlen(qr)),
	    STORE_OK);
}

/* Entry i as "event number-seq status reason", e.g. "issue 2 1 none". */
static void
entry_text(struct tlog_view *v, uint64_t i, char *out, size_t len)
{
	struct log_entry	e;
	uint8_t			b[LOG_ENTRY_LEN], d[32];
	char			err[200], qr[16];

	assert_int_equal(tlog_view_entry(v, i, b), STORE_OK);
	assert_int_equal(log_entry_decode(b, sizeof(b), &e, err, sizeof(err)),
	    0);
	if (log_event_is_key(e.event)) {
		snprintf(out, len, "%s", log_event_name(e.event));
		return;
	}
	/* The digest is of the stored payload. */
	snprintf(qr, sizeof(qr), "qr-%d", atoi(e.number + 13));
	sign_sha256((uint8_t *)qr, strlen(qr), d);
	assert_memory_equal(e.digest, d, sizeof(d));
	snprintf(out, len, "%s %d %u %s", log_event_name(e.event),
	    atoi(e.number + 13), e.status, log_reason_name(e.reason));
}

static void
test_sync(void **state)
{
	static const char	*want[] = {
		"key-add", "key-rotate", "issue 1 0 none", "issue 2 1 none",
		"issue 3 1 none", "suspend 3 2 other", "issue 4 1 none",
		"revoke 4 3 other", "issue 5 1 none", "supersede 5 4 none",
		"key-compromise"
	};
	struct fixture		*f = *state;
	struct store_wtxn	*t;
	struct tlog_view	 v;
	struct keyring		 kr;
	struct sign_key		*k;
	struct tlog_proof	*p;
	char			 err[256], line[128];
	uint64_t		 i;

	assert_int_equal(store_wbegin(f->s, &t, err, sizeof(err)), STORE_OK);
	put_cert(t, 1, CERT_PENDING);
	put_cert(t, 2, CERT_ACTIVE);
	put_cert(t, 3, CERT_SUSPENDED);
	put_cert(t, 4, CERT_REVOKED);
	put_cert(t, 5, CERT_REPLACED);
	assert_int_equal(store_wcommit(t, err, sizeof(err)), STORE_OK);
	keyring_init(&kr);
	assert_non_null(k = sign_key_generate());
	assert_int_equal(keyring_add(&kr, k, 0, 0), 0);
	/* Twice: the second call finds nothing missing. */
	for (i = 0; i < 2; i++)
		assert_int_equal(tlog_sync(f->s, f->l, &kr, k, 1767225600,
		    err, sizeof(err)), STORE_OK);
	assert_int_equal(tlog_view_begin(f->rd, &v), STORE_OK);
	assert_int_equal(v.size, 10);
	assert_int_equal(v.ckpt_size, 10);
	tlog_view_end(&v);
	/* A compromise is logged once; the backfill is not done again. */
	kr.k[0].compromised_at = 1767225000;
	for (i = 0; i < 2; i++)
		assert_int_equal(tlog_sync(f->s, f->l, &kr, k, 1767225601,
		    err, sizeof(err)), STORE_OK);
	assert_int_equal(tlog_view_begin(f->rd, &v), STORE_OK);
	assert_int_equal(v.size, sizeof(want) / sizeof(want[0]));
	assert_int_equal(v.ckpt_size, v.size);
	for (i = 0; i < v.size; i++) {
		entry_text(&v, i, line, sizeof(line));
		assert_string_equal(line, want[i]);
	}
	tlog_view_end(&v);
	keyring_release(&kr);
	/* The backfill kept each certificate's current entry. */
	assert_int_equal(tlog_view_begin(f->rd, &v), STORE_OK);
	assert_non_null(p = malloc(sizeof(*p)));
	snprintf(line, sizeof(line), "42101 8342 3 %08u 2025", 4);
	assert_int_equal(tlog_view_proof(&v, line, p), STORE_OK);
	assert_int_equal(p->index, 7);
	assert_int_equal(p->size, v.size);
	free(p);
	tlog_view_end(&v);
}

/* checks p for number under the fixture's key: logproof_check's answer. */
static int
proof_check(struct fixture *f, const struct tlog_proof *tp,
    const char *number, char *err, size_t errlen)
{
	struct note_key		 k;
	struct logproof		 p;
	struct logproof_want	 w;
	struct logproof_result	 r;
	int			 rc;

	assert_int_equal(note_vkey_parse(f->vkey, &k, err, errlen), 0);
	memset(&p, 0, sizeof(p));
	p.index = tp->index;
	p.size = tp->size;
	p.entry = tp->entry;
	p.entrylen = LOG_ENTRY_LEN;
	p.proof = (const uint8_t (*)[MERKLE_HASH_LEN])tp->proof;
	p.n = tp->n;
	p.ckpt = tp->ckpt;
	p.ckptlen = tp->ckptlen;
	memset(&w, 0, sizeof(w));
	w.log = &k;
	w.number = number;
	rc = logproof_check(&p, &w, &r, err, errlen);
	note_key_release(&k);
	return rc;
}

static void
test_current(void **state)
{
	struct fixture		*f = *state;
	struct store_wtxn	*t;
	struct tlog_view	 v;
	struct tlog_proof	*p;
	char			 err[LOGPROOF_ERR_MAX];
	const char		*num = "42101 8342 3 00000005 2026";
	uint64_t		 i;

	assert_non_null(p = malloc(sizeof(*p)));
	append_group(f, 40);
	assert_int_equal(tlog_view_begin(f->rd, &v), STORE_OK);
	assert_int_equal(tlog_view_proof(&v, num, p), STORE_NOTFOUND);
	tlog_view_end(&v);
	/* Built once; a second call finds it done. */
	for (i = 0; i < 2; i++) {
		assert_int_equal(store_wbegin(f->s, &t, err, sizeof(err)),
		    STORE_OK);
		assert_int_equal(tlog_current_build(t, err, sizeof(err)),
		    STORE_OK);
		assert_int_equal(store_wcommit(t, err, sizeof(err)), STORE_OK);
	}
	assert_int_equal(tlog_view_begin(f->rd, &v), STORE_OK);
	assert_int_equal(tlog_view_proof(&v, num, p), STORE_OK);
	tlog_view_end(&v);
	assert_int_equal(p->index, 4);
	assert_int_equal(p->size, 40);
	assert_int_equal(proof_check(f, p, num, err, sizeof(err)), 0);
	assert_int_equal(proof_check(f, p, "42101 8342 3 00000006 2026", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "entry: names"));
	p->entry[50] ^= 1;
	assert_int_equal(proof_check(f, p, num, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "proof: entry 4"));
	p->entry[50] ^= 1;
	p->proof[p->n - 1][0] ^= 1;
	assert_int_equal(proof_check(f, p, num, err, sizeof(err)), -1);
	p->proof[p->n - 1][0] ^= 1;
	p->index = 5;
	assert_int_equal(proof_check(f, p, num, err, sizeof(err)), -1);
	p->index = 4;
	p->ckpt[p->ckptlen - 3] ^= 1;		/* in the signature */
	assert_int_equal(proof_check(f, p, num, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "checkpoint:"));
	p->ckpt[p->ckptlen - 3] ^= 1;
	assert_int_equal(proof_check(f, p, num, err, sizeof(err)), 0);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_stores, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tiles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_current, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
