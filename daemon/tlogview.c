/* skkd — SPDX-License-Identifier: ISC */
/*
 * Reading the transparency log for the HTTPS routes and `skkd publish`:
 * views of a reader's snapshot, with the thread's kept meta values and
 * hashes (tlogcache.c), entries, tiles and inclusion proofs.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "tlog.h"
#include "tlogcache.h"
#include "tlograw.h"

/*
 * The tree size a checkpoint note states, parsed once per thread for
 * each note text: every answer reads the same note (or two: which picks
 * the memo) until the next commit, and parsing one with its base64
 * signature lines cost a few percent of a keep-alive request. -1: not a
 * checkpoint note.
 */
static int
ckpt_size_memo(const char *text, size_t len, int which, uint64_t *size)
{
	static _Thread_local struct {
		char		text[TLOG_COSIGNED_MAX];
		size_t		len;
		uint64_t	size;
	}			 memo[2];
	struct note		 note;
	struct checkpoint	 cp;
	char			 why[NOTE_ERR_MAX];

	if (memo[which].len == len && len > 0 &&
	    memcmp(memo[which].text, text, len) == 0) {
		*size = memo[which].size;
		return 0;
	}
	if (note_parse(text, len, &note, why, sizeof(why)) == -1 ||
	    checkpoint_parse(note.text, note.textlen, &cp, why,
	    sizeof(why)) == -1)
		return -1;
	*size = cp.size;
	if (len <= sizeof(memo[which].text)) {
		memcpy(memo[which].text, text, len);
		memo[which].len = len;
		memo[which].size = cp.size;
	}
	return 0;
}

/*
 * The log's meta values as a reader's snapshot has them, kept per thread:
 * a worker answers request after request from one snapshot (gen and
 * LMDB's txn id name it) until the next commit, and reading them again
 * took three B-tree lookups and two notes compared a request. cos is -1
 * until the cosigned checkpoint is first asked for, 0 when there is none
 * usable, 1 when cosigned holds it.
 */
static _Thread_local struct view_snap {
	uint64_t	gen, txnid;	/* gen 0: nothing kept */
	uint64_t	size, ckpt_size;
	size_t		ckptlen;
	char		ckpt[TLOG_CHECKPOINT_MAX];
	int		cos;
	uint64_t	cos_size;
	size_t		coslen;
	char		cosigned[TLOG_COSIGNED_MAX];
} view_snap;

/* The thread's kept values if they are of v's snapshot, else NULL. */
static struct view_snap *
view_snap_of(const struct tlog_view *v)
{
	struct view_snap	*m = &view_snap;

	if (m->gen == 0 || m->gen != v->raw.gen ||
	    m->txnid != mdb_txn_id(v->raw.txn))
		return NULL;
	return m;
}

/* Keeps v's values; a write's (gen 0) are kept for this view only. */
static void
view_snap_keep(const struct tlog_view *v)
{
	struct view_snap	*m = &view_snap;

	m->gen = v->raw.gen;
	m->txnid = mdb_txn_id(v->raw.txn);
	m->size = v->size;
	m->ckpt_size = v->ckpt_size;
	m->ckptlen = v->ckptlen;
	memcpy(m->ckpt, v->ckpt, v->ckptlen + 1);
	m->cos = -1;
}

int
tlog_view_begin(struct store_rd *rd, struct tlog_view *v)
{
	struct view_snap	*m;
	MDB_val			 d;
	int			 rc;

	memset(v, 0, sizeof(*v));
	if (store_rd_raw(rd, &v->raw) != STORE_OK)
		return STORE_ERROR;
	v->rd = rd;
	if ((m = view_snap_of(v)) != NULL) {
		v->size = m->size;
		v->ckpt_size = m->ckpt_size;
		v->ckptlen = m->ckptlen;
		memcpy(v->ckpt, m->ckpt, m->ckptlen + 1);
		return STORE_OK;
	}
	if (raw_size(&v->raw, &v->size) != 0)
		goto fail;
	/* As raw_ckpt, with the note parsed once per thread. */
	rc = raw_get(&v->raw, STORE_LOG_META, TLOG_META_CKPT,
	    strlen(TLOG_META_CKPT), &d);
	if (rc == MDB_NOTFOUND)
		goto keep;
	if (rc != 0 || d.mv_size >= sizeof(v->ckpt) ||
	    ckpt_size_memo(d.mv_data, d.mv_size, 0, &v->ckpt_size) == -1)
		goto fail;
	memcpy(v->ckpt, d.mv_data, d.mv_size);
	v->ckpt[d.mv_size] = '\0';
	v->ckptlen = d.mv_size;
keep:
	if (v->raw.gen != 0)
		view_snap_keep(v);
	return STORE_OK;
fail:
	tlog_view_end(v);
	return STORE_ERROR;
}

void
tlog_view_end(struct tlog_view *v)
{
	if (v->rd != NULL)
		store_rd_raw_end(v->rd);
	v->rd = NULL;
}

int
tlog_view_entry(const struct tlog_view *v, uint64_t index,
    uint8_t out[LOG_ENTRY_LEN])
{
	MDB_val	d;
	int	rc;

	if (index >= v->size)
		return STORE_NOTFOUND;
	if ((rc = raw_get_index(&v->raw, STORE_LOG_ENTRIES, index, &d)) != 0)
		return rc == MDB_NOTFOUND ? STORE_NOTFOUND : STORE_ERROR;
	if (d.mv_size != LOG_ENTRY_LEN)
		return STORE_ERROR;
	memcpy(out, d.mv_data, LOG_ENTRY_LEN);
	return STORE_OK;
}

int
tlog_view_cosigned(const struct tlog_view *v, char *out, size_t cap,
    size_t *len)
{
	MDB_val	d;
	int	rc;

	*len = 0;
	rc = raw_get(&v->raw, STORE_LOG_META, TLOG_META_COSIGNED,
	    strlen(TLOG_META_COSIGNED), &d);
	if (rc == MDB_NOTFOUND)
		return STORE_NOTFOUND;
	if (rc != 0 || d.mv_size > cap)
		return STORE_ERROR;
	memcpy(out, d.mv_data, d.mv_size);
	*len = d.mv_size;
	return STORE_OK;
}

int
tlog_view_served(const struct tlog_view *v, char *out, size_t cap,
    size_t *len)
{
	int	rc;

	*len = 0;
	if (v->ckptlen == 0)
		return STORE_NOTFOUND;
	/* Cosigned lines follow the log's note unchanged (wsubmit.c). */
	rc = tlog_view_cosigned(v, out, cap, len);
	if (rc == STORE_OK && *len > v->ckptlen &&
	    memcmp(out, v->ckpt, v->ckptlen) == 0)
		return STORE_OK;
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return rc;
	if (v->ckptlen > cap)
		return STORE_ERROR;
	memcpy(out, v->ckpt, v->ckptlen);
	*len = v->ckptlen;
	return STORE_OK;
}

/* The thread's hash cache, looked up once a view (a proof reads ~20). */
static struct view_hc *
view_cache(struct tlog_view *v)
{
	if (v->hc == NULL && v->raw.gen != 0)
		v->hc = view_hc_get(v->raw.gen, v->size);
	return v->hc;
}

int
tlog_view_fetch(void *arg, unsigned level, uint64_t n,
    uint8_t out[MERKLE_HASH_LEN])
{
	struct tlog_view	*v = arg;
	struct view_hc		*c;
	uint8_t			*slot;
	int			 have;

	if ((c = view_cache(v)) == NULL ||
	    (slot = view_hc_slot(c, level, n, v->size, &have)) == NULL)
		return raw_hash(&v->raw, level, n, out) == 0 ? 0 : -1;
	if (have) {
		memcpy(out, slot, MERKLE_HASH_LEN);
		return 0;
	}
	if (raw_hash(&v->raw, level, n, out) != 0)
		return -1;
	memcpy(slot, out, MERKLE_HASH_LEN);
	view_hc_filled(c, level, n);
	return 0;
}

void
tlog_view_tree(struct tlog_view *v, struct merkle_tree *tree)
{
	tree->fetch = tlog_view_fetch;
	tree->arg = v;
	tree->size = v->ckpt_size;
}

int
tlog_view_tile(const struct tlog_view *v, const struct tile *tl,
    uint8_t *out, size_t *len)
{
	uint8_t		 entry[LOG_ENTRY_LEN];
	uint64_t	 first, have;
	unsigned	 i, level;
	int		 rc;

	*len = 0;
	if (tl->level == TILE_ENTRIES)
		level = 0;
	else
		level = (unsigned)tl->level * TILE_HEIGHT;
	/* Complete hashes at that tree level in the checkpoint's tree. */
	have = level >= 64 ? 0 : v->ckpt_size >> level;
	if (tl->index > (have / TILE_WIDTH))
		return STORE_NOTFOUND;
	first = tl->index * TILE_WIDTH;
	if (first + tl->width > have)
		return STORE_NOTFOUND;
	for (i = 0; i < tl->width; i++) {
		if (tl->level != TILE_ENTRIES) {
			if (raw_hash(&v->raw, level, first + i,
			    out + *len) != 0)
				return STORE_ERROR;
			*len += MERKLE_HASH_LEN;
			continue;
		}
		if ((rc = tlog_view_entry(v, first + i, entry)) != STORE_OK)
			return rc == STORE_NOTFOUND ? STORE_ERROR : rc;
		if (tile_bundle_append(out, TLOG_TILE_MAX, len, entry,
		    sizeof(entry)) == -1)
			return STORE_ERROR;
	}
	return STORE_OK;
}

/*
 * The checkpoint a proof of index is made against: the cosigned one when
 * it covers index (its witnesses vouch for it), else the stored one.
 */
static int
view_proof_ckpt(const struct tlog_view *v, uint64_t index,
    struct tlog_proof *p)
{
	struct view_snap	*m = view_snap_of(v);
	uint64_t		 size;
	MDB_val			 d;

	if (m == NULL) {
		view_snap_keep(v);
		m = &view_snap;
	}
	if (m->cos == -1) {
		m->cos = 0;
		if (raw_get(&v->raw, STORE_LOG_META, TLOG_META_COSIGNED,
		    strlen(TLOG_META_COSIGNED), &d) == 0 &&
		    d.mv_size < sizeof(m->cosigned) &&
		    ckpt_size_memo(d.mv_data, d.mv_size, 1, &size) == 0) {
			memcpy(m->cosigned, d.mv_data, d.mv_size);
			m->coslen = d.mv_size;
			m->cos_size = size;
			m->cos = 1;
		}
	}
	if (m->cos == 1 && m->cos_size > index && m->cos_size <= v->size) {
		memcpy(p->ckpt, m->cosigned, m->coslen);
		p->ckpt[m->coslen] = '\0';
		p->ckptlen = m->coslen;
		p->size = m->cos_size;
		return STORE_OK;
	}
	if (v->ckptlen == 0 || v->ckpt_size <= index)
		return STORE_NOTFOUND;
	memcpy(p->ckpt, v->ckpt, v->ckptlen + 1);
	p->ckptlen = v->ckptlen;
	p->size = v->ckpt_size;
	return STORE_OK;
}

int
tlog_view_proof(struct tlog_view *v, const char *number,
    struct tlog_proof *p)
{
	struct merkle_tree	 tree = { 0 };
	struct view_hc		*c;
	char			 why[MERKLE_ERR_MAX];
	MDB_val			 d;
	int			 rc;

	if ((rc = raw_get(&v->raw, STORE_LOG_CURRENT, number, strlen(number),
	    &d)) != 0)
		return rc == MDB_NOTFOUND ? STORE_NOTFOUND : STORE_ERROR;
	if (d.mv_size != 8)
		return STORE_ERROR;
	p->index = store_be64_get(d.mv_data);
	if ((rc = view_proof_ckpt(v, p->index, p)) != STORE_OK)
		return rc;
	if ((rc = tlog_view_entry(v, p->index, p->entry)) != STORE_OK)
		return rc;
	tree.fetch = tlog_view_fetch;
	tree.arg = v;
	tree.size = p->size;
	if ((c = view_cache(v)) != NULL)
		tree.edges = view_hc_edges(c, p->size);
	if (merkle_inclusion_proof(&tree, p->index, p->proof, &p->n, why,
	    sizeof(why)) == -1)
		return STORE_ERROR;
	return STORE_OK;
}
