/* skkd — SPDX-License-Identifier: ISC */
/*
 * The transparency log's storage: appending entries and the hashes they
 * complete, signing checkpoints and checking it all (tlogview.c reads it
 * back for the HTTPS routes and `skkd publish`). Hashes are stored in tile_stored_index()
 * order, which is also the order a log appends them, so every put is an
 * MDB_APPEND and a put out of order fails loudly.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "checkpoint.h"
#include "errf.h"
#include "keyfile.h"
#include "tlog.h"
#include "tlogcache.h"
#include "tlograw.h"

#define TLOG_META_CURRENT "current"	/* log_current is complete */

int
tlog_origin(const char *public_host, char *out, size_t outlen, char *err,
    size_t errlen)
{
	int	n;

	n = snprintf(out, outlen, "%s/log", public_host);
	if (n < 0 || (size_t)n >= outlen || n > CHECKPOINT_ORIGIN_MAX) {
		errf(err, errlen, "public_host: too long for a log origin");
		return -1;
	}
	return note_name_check(out, (size_t)n, err, errlen);
}

struct tlog *
tlog_load(const char *keyfile, const char *public_host, char *err,
    size_t errlen)
{
	struct tlog	*l;
	char		 buf[NOTE_KEY_MAX + 2], why[1024];
	ssize_t		 n;
	int		 fd;

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		errf(err, errlen, "log_key: %s", strerror(errno));
		return NULL;
	}
	if (tlog_origin(public_host, l->origin, sizeof(l->origin), why,
	    sizeof(why)) == -1) {
		errf(err, errlen, "%s", why);
		free(l);
		return NULL;
	}
	if ((fd = keyfile_open(keyfile, 1, why, sizeof(why))) == -1) {
		errf(err, errlen, "log_key: %s", why);
		free(l);
		return NULL;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		errf(err, errlen, "log_key '%s': %s", keyfile,
		    strerror(errno));
		free(l);
		return NULL;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (note_skey_parse(buf, &l->key, why, sizeof(why)) == -1) {
		explicit_bzero(buf, sizeof(buf));
		errf(err, errlen, "log_key '%s': %s", keyfile, why);
		free(l);
		return NULL;
	}
	explicit_bzero(buf, sizeof(buf));
	if (strcmp(l->key.name, l->origin) != 0) {
		errf(err, errlen, "log_key '%s': key name '%s' is not the "
		    "log's origin '%s' (public_host)", keyfile, l->key.name,
		    l->origin);
		tlog_free(l);
		return NULL;
	}
	return l;
}

void
tlog_free(struct tlog *l)
{
	if (l == NULL)
		return;
	note_key_release(&l->key);
	free(l);
}

int
tlog_keygen(const char *path, const char *public_host, char *vkey,
    size_t vkeylen, char *err, size_t errlen)
{
	struct note_key	 nk;
	uint8_t		 seed[SIGN_SEED_LEN];
	char		 origin[CHECKPOINT_ORIGIN_MAX + 1];
	char		 skey[NOTE_KEY_MAX + 2];
	size_t		 len;
	int		 fd, rc = -1;

	if (tlog_origin(public_host, origin, sizeof(origin), err,
	    errlen) == -1)
		return -1;
	if (RAND_bytes(seed, sizeof(seed)) != 1) {
		errf(err, errlen, "no random bytes for the log key");
		return -1;
	}
	rc = note_skey_format(origin, seed, skey, sizeof(skey) - 1);
	explicit_bzero(seed, sizeof(seed));
	if (rc == -1 || note_skey_parse(skey, &nk, err, errlen) == -1) {
		explicit_bzero(skey, sizeof(skey));
		errf(err, errlen, "cannot make the log key");
		return -1;
	}
	rc = -1;
	len = strlen(skey);
	skey[len++] = '\n';
	if (note_vkey_format(&nk, vkey, vkeylen) == -1)
		errf(err, errlen, "cannot write the log's verifier key");
	else if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1)
		errf(err, errlen, "cannot create '%s': %s", path,
		    strerror(errno));
	else {
		if (fchmod(fd, 0600) == 0 && write(fd, skey, len) ==
		    (ssize_t)len && fsync(fd) == 0)
			rc = 0;
		else
			errf(err, errlen, "cannot write '%s': %s", path,
			    strerror(errno));
		close(fd);
		if (rc == -1)
			unlink(path);
	}
	note_key_release(&nk);
	explicit_bzero(skey, sizeof(skey));
	return rc;
}

static int
raw_put_hash(const struct store_raw *raw, unsigned level, uint64_t n,
    const uint8_t h[MERKLE_HASH_LEN])
{
	uint8_t	k[8];

	store_be64_put(k, tile_stored_index(level, n));
	return raw_put(raw, STORE_LOG_HASHES, k, sizeof(k), h,
	    MERKLE_HASH_LEN, MDB_APPEND);
}

/* The leaf hash, then the root of each subtree leaf index completes. */
static int
raw_put_hashes(const struct store_raw *raw, uint64_t index,
    const uint8_t leaf[MERKLE_HASH_LEN])
{
	uint8_t		h[MERKLE_HASH_LEN], left[MERKLE_HASH_LEN];
	unsigned	level;
	uint64_t	n = index;
	int		rc;

	if ((rc = raw_put_hash(raw, 0, index, leaf)) != 0)
		return rc;
	memcpy(h, leaf, sizeof(h));
	for (level = 0; n & 1; level++, n >>= 1) {
		if ((rc = raw_hash(raw, level, n - 1, left)) != 0)
			return rc;
		if (merkle_node_hash(left, h, h) == -1)
			return MDB_CORRUPTED;
		if ((rc = raw_put_hash(raw, level + 1, n >> 1, h)) != 0)
			return rc;
	}
	return 0;
}

int
tlog_append(struct store_wtxn *t, const struct log_entry *e,
    uint64_t *index, char *err, size_t errlen)
{
	struct store_raw	raw;
	uint8_t			buf[LOG_ENTRY_LEN], k[8], leaf[MERKLE_HASH_LEN];
	uint64_t		size;
	int			rc;

	if (log_entry_encode(e, buf, err, errlen) == -1)
		return STORE_ERROR;
	if (merkle_leaf_hash(buf, sizeof(buf), leaf) == -1) {
		errf(err, errlen, "log: cannot hash the entry");
		return STORE_ERROR;
	}
	store_wraw(t, &raw);
	if ((rc = raw_size(&raw, &size)) == 0) {
		store_be64_put(k, size);
		rc = raw_put(&raw, STORE_LOG_ENTRIES, k, sizeof(k), buf,
		    sizeof(buf), MDB_APPEND);
	}
	if (rc == 0)
		rc = raw_put_hashes(&raw, size, leaf);
	if (rc == 0) {
		store_be64_put(k, size + 1);
		rc = raw_put(&raw, STORE_LOG_META, TLOG_META_SIZE,
		    strlen(TLOG_META_SIZE), k, sizeof(k), 0);
	}
	if (rc != 0) {
		errf(err, errlen, "log: entry %llu: %s",
		    (unsigned long long)size, mdb_strerror(rc));
		return store_wraw_rc(t, rc);
	}
	*index = size;
	return STORE_OK;
}

int
tlog_cert(struct store_wtxn *t, const struct cert *c, unsigned event,
    unsigned reason, const uint8_t *batch, const uint8_t *qr, size_t qrlen,
    int64_t now, uint64_t *index, char *err, size_t errlen)
{
	struct log_entry	 e;
	struct cert		 stored;
	uint8_t			*own = NULL;
	int			 rc;

	memset(&e, 0, sizeof(e));
	if (qr == NULL) {
		if ((rc = store_wget_qr(t, c->number, &stored, &own,
		    &qrlen)) != STORE_OK || own == NULL) {
			errf(err, errlen, "log: '%s': no signed payload",
			    c->number);
			return rc != STORE_OK ? rc : STORE_ERROR;
		}
		qr = own;
	}
	rc = sign_sha256(qr, qrlen, e.digest);
	free(own);
	if (rc == -1) {
		errf(err, errlen, "log: cannot hash '%s'", c->number);
		return STORE_ERROR;
	}
	e.version = LOG_ENTRY_VERSION;
	e.event = event;
	e.time = now;
	snprintf(e.number, sizeof(e.number), "%s", c->number);
	snprintf(e.job_code, sizeof(e.job_code), "%s", c->job_code);
	e.level = c->jenjang;
	e.status = c->status;
	e.reason = reason;
	memcpy(e.kid, c->kid, sizeof(e.kid));
	if (event == LOG_ISSUE && batch != NULL)
		memcpy(e.batch, batch, sizeof(e.batch));
	if ((rc = tlog_append(t, &e, index, err, errlen)) != STORE_OK)
		return rc;
	return tlog_current_put(t, e.number, *index, err, errlen);
}

int
tlog_current_put(struct store_wtxn *t, const char *number, uint64_t index,
    char *err, size_t errlen)
{
	struct store_raw	raw;
	uint8_t			k[8];
	int			rc;

	store_wraw(t, &raw);
	store_be64_put(k, index);
	if ((rc = raw_put(&raw, STORE_LOG_CURRENT, number, strlen(number), k,
	    sizeof(k), 0)) != 0) {
		errf(err, errlen, "log: current entry of '%s': %s", number,
		    mdb_strerror(rc));
		return store_wraw_rc(t, rc);
	}
	return STORE_OK;
}

int
tlog_current_build(struct store_wtxn *t, char *err, size_t errlen)
{
	struct store_raw	 raw;
	struct log_entry	 e;
	MDB_cursor		*cur;
	MDB_val			 k, d;
	uint8_t			 one = 1;
	char			 why[LOG_ENTRY_LEN + 64];
	int			 rc, op = MDB_FIRST;

	store_wraw(t, &raw);
	rc = raw_get(&raw, STORE_LOG_META, TLOG_META_CURRENT,
	    strlen(TLOG_META_CURRENT), &d);
	if (rc == 0)
		return STORE_OK;
	if (rc != MDB_NOTFOUND || (rc = mdb_cursor_open(raw.txn,
	    raw.dbi[STORE_LOG_ENTRIES], &cur)) != 0) {
		errf(err, errlen, "log: current entries: %s",
		    mdb_strerror(rc));
		return store_wraw_rc(t, rc);
	}
	while ((rc = mdb_cursor_get(cur, &k, &d, op)) == 0) {
		op = MDB_NEXT;
		if (k.mv_size != 8 || log_entry_decode(d.mv_data, d.mv_size,
		    &e, why, sizeof(why)) == -1) {
			mdb_cursor_close(cur);
			errf(err, errlen, "log: a stored entry: %s", k.mv_size
			    != 8 ? "bad key" : why);
			return STORE_ERROR;
		}
		if (e.number[0] == '\0')
			continue;
		if ((rc = tlog_current_put(t, e.number, store_be64_get(
		    k.mv_data), err, errlen)) != STORE_OK) {
			mdb_cursor_close(cur);
			return rc;
		}
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND) {
		errf(err, errlen, "log: current entries: %s",
		    mdb_strerror(rc));
		return store_wraw_rc(t, rc);
	}
	return tlog_meta_put(t, TLOG_META_CURRENT, &one, sizeof(one));
}

int
tlog_key(struct store_wtxn *t, unsigned event,
    const uint8_t kid[SIGN_KID_LEN], const uint8_t pub[SIGN_PUB_LEN],
    int64_t now, uint64_t *index, char *err, size_t errlen)
{
	struct log_entry	e;

	memset(&e, 0, sizeof(e));
	e.version = LOG_ENTRY_VERSION;
	e.event = event;
	e.time = now;
	memcpy(e.kid, kid, sizeof(e.kid));
	if (sign_sha256(pub, SIGN_PUB_LEN, e.digest) == -1) {
		errf(err, errlen, "log: cannot hash a key");
		return STORE_ERROR;
	}
	return tlog_append(t, &e, index, err, errlen);
}

int
tlog_meta_get(struct store_wtxn *t, const char *name, void *buf, size_t cap,
    size_t *len)
{
	struct store_raw	raw;
	MDB_val			d;
	int			rc;

	store_wraw(t, &raw);
	*len = 0;
	if ((rc = raw_get(&raw, STORE_LOG_META, name, strlen(name), &d)) != 0)
		return store_wraw_rc(t, rc);
	if (d.mv_size > cap)
		return STORE_ERROR;
	memcpy(buf, d.mv_data, d.mv_size);
	*len = d.mv_size;
	return STORE_OK;
}

int
tlog_meta_put(struct store_wtxn *t, const char *name, const void *buf,
    size_t len)
{
	struct store_raw	raw;

	store_wraw(t, &raw);
	return store_wraw_rc(t, raw_put(&raw, STORE_LOG_META, name,
	    strlen(name), buf, len, 0));
}

int
tlog_wsize(struct store_wtxn *t, uint64_t *size)
{
	struct store_raw	raw;

	store_wraw(t, &raw);
	return store_wraw_rc(t, raw_size(&raw, size));
}

static int
raw_fetch(void *arg, unsigned level, uint64_t n, uint8_t out[MERKLE_HASH_LEN])
{
	return raw_hash(arg, level, n, out) == 0 ? 0 : -1;
}

/* The stored checkpoint's size; 0 with *have 0 when there is none. */
static int
raw_ckpt(const struct store_raw *raw, struct checkpoint *cp, char *text,
    size_t textcap, size_t *textlen)
{
	struct note	note;
	char		why[NOTE_ERR_MAX];
	MDB_val		d;
	int		rc;

	*textlen = 0;
	memset(cp, 0, sizeof(*cp));
	rc = raw_get(raw, STORE_LOG_META, TLOG_META_CKPT,
	    strlen(TLOG_META_CKPT), &d);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (d.mv_size >= textcap)
		return MDB_CORRUPTED;
	memcpy(text, d.mv_data, d.mv_size);
	text[d.mv_size] = '\0';
	if (note_parse(text, d.mv_size, &note, why, sizeof(why)) == -1 ||
	    checkpoint_parse(note.text, note.textlen, cp, why,
	    sizeof(why)) == -1)
		return MDB_CORRUPTED;
	*textlen = d.mv_size;
	return 0;
}

int
tlog_checkpoint(const struct tlog *l, struct store_wtxn *t, char *err,
    size_t errlen)
{
	struct store_raw	raw;
	struct merkle_tree	tree = { 0 };
	struct checkpoint	cp, old;
	char			text[TLOG_CHECKPOINT_MAX], note[TLOG_CHECKPOINT_MAX];
	size_t			oldlen, len;
	int			n, rc;

	store_wraw(t, &raw);
	memset(&cp, 0, sizeof(cp));
	if ((rc = raw_size(&raw, &cp.size)) != 0 ||
	    (rc = raw_ckpt(&raw, &old, note, sizeof(note), &oldlen)) != 0) {
		errf(err, errlen, "log: %s", mdb_strerror(rc));
		return store_wraw_rc(t, rc);
	}
	if (oldlen != 0 && old.size == cp.size)
		return STORE_OK;
	if (oldlen != 0 && old.size > cp.size) {
		errf(err, errlen, "log: checkpoint of %llu entries but %llu "
		    "stored", (unsigned long long)old.size,
		    (unsigned long long)cp.size);
		return STORE_ERROR;
	}
	tree.fetch = raw_fetch;
	tree.arg = &raw;
	tree.size = cp.size;
	if (merkle_root(&tree, cp.root, err, errlen) == -1)
		return STORE_ERROR;
	snprintf(cp.origin, sizeof(cp.origin), "%s", l->origin);
	if ((n = checkpoint_format(&cp, text, sizeof(text))) == -1 ||
	    note_sign(&l->key, text, (size_t)n, note, sizeof(note),
	    &len) == -1) {
		errf(err, errlen, "log: cannot sign the checkpoint");
		return STORE_ERROR;
	}
	if ((rc = raw_put(&raw, STORE_LOG_META, TLOG_META_CKPT,
	    strlen(TLOG_META_CKPT), note, len, 0)) != 0) {
		errf(err, errlen, "log: checkpoint: %s", mdb_strerror(rc));
		return store_wraw_rc(t, rc);
	}
	return STORE_OK;
}

/* The next record of c (first when *op is MDB_FIRST): key index, size. */
static int
raw_next(MDB_cursor *c, MDB_cursor_op *op, uint64_t index, size_t size,
    MDB_val *d)
{
	MDB_val	k;
	int	rc;

	rc = mdb_cursor_get(c, &k, d, *op);
	*op = MDB_NEXT;
	if (rc != 0)
		return rc;
	if (k.mv_size != 8 || store_be64_get(k.mv_data) != index ||
	    d->mv_size != size)
		return MDB_CORRUPTED;
	return 0;
}

/*
 * Every stored hash is the one the entries give, both tables end where
 * the size says, and the stored checkpoint is the log key's over that
 * tree. One pass over both tables in their (append) order, in the txn
 * of raw; an LMDB code (MDB_CORRUPTED when they do not match).
 */
static int
check_raw(const struct tlog *l, struct store_raw *raw, char *err,
    size_t errlen)
{
	struct checkpoint	 cp;
	struct merkle_tree	 tree = { 0 };
	struct note		 note;
	MDB_cursor		*ce = NULL, *ch = NULL;
	MDB_cursor_op		 oe = MDB_FIRST, oh = MDB_FIRST;
	MDB_val			 d;
	uint8_t			 h[MERKLE_HASH_LEN], left[64][MERKLE_HASH_LEN];
	char			 text[TLOG_CHECKPOINT_MAX], why[NOTE_ERR_MAX];
	uint64_t		 size, i, n, stored = 0;
	unsigned		 level;
	size_t			 len;
	int			 rc;

	if ((rc = raw_size(raw, &size)) != 0 ||
	    (rc = mdb_cursor_open(raw->txn, raw->dbi[STORE_LOG_ENTRIES],
	    &ce)) != 0 ||
	    (rc = mdb_cursor_open(raw->txn, raw->dbi[STORE_LOG_HASHES],
	    &ch)) != 0) {
		errf(err, errlen, "%s", mdb_strerror(rc));
		goto out;
	}
	for (i = 0; i < size; i++) {
		if ((rc = raw_next(ce, &oe, i, LOG_ENTRY_LEN, &d)) != 0) {
			errf(err, errlen, "entry %llu of %llu: %s",
			    (unsigned long long)i, (unsigned long long)size,
			    rc == MDB_NOTFOUND ? "missing" : "malformed");
			goto out;
		}
		merkle_leaf_hash(d.mv_data, d.mv_size, h);
		for (level = 0, n = i;; level++, n >>= 1) {
			if ((rc = raw_next(ch, &oh, stored, MERKLE_HASH_LEN,
			    &d)) != 0 || memcmp(d.mv_data, h, sizeof(h)) != 0) {
				errf(err, errlen, "stored hash %llu (tree "
				    "level %u, index %llu) is not the one entry "
				    "%llu gives", (unsigned long long)stored,
				    level, (unsigned long long)n,
				    (unsigned long long)i);
				rc = rc != 0 ? rc : MDB_CORRUPTED;
				goto out;
			}
			stored++;
			if ((n & 1) == 0) {
				memcpy(left[level], h, sizeof(h));
				break;
			}
			merkle_node_hash(left[level], h, h);
		}
	}
	if (mdb_cursor_get(ce, &(MDB_val){ 0 }, &d, oe) != MDB_NOTFOUND ||
	    mdb_cursor_get(ch, &(MDB_val){ 0 }, &d, oh) != MDB_NOTFOUND) {
		errf(err, errlen, "entries or hashes stored beyond the "
		    "size, %llu", (unsigned long long)size);
		rc = MDB_CORRUPTED;
		goto out;
	}
	if ((rc = raw_ckpt(raw, &cp, text, sizeof(text), &len)) != 0) {
		errf(err, errlen, "the stored checkpoint: %s",
		    mdb_strerror(rc));
		goto out;
	}
	if (len == 0)
		goto out;
	rc = MDB_CORRUPTED;
	tree.fetch = raw_fetch;
	tree.arg = raw;
	tree.size = cp.size;
	if (note_parse(text, len, &note, why, sizeof(why)) == -1 ||
	    note_verify(&note, &l->key, 1, why, sizeof(why)) == -1)
		errf(err, errlen, "the stored checkpoint is not signed "
		    "by log_key (%s): %s", l->origin, why);
	else if (cp.size > size)
		errf(err, errlen, "the stored checkpoint has %llu "
		    "entries but the log %llu", (unsigned long long)cp.size,
		    (unsigned long long)size);
	else if (merkle_root(&tree, h, why, sizeof(why)) == -1 ||
	    memcmp(h, cp.root, sizeof(h)) != 0)
		errf(err, errlen, "the stored checkpoint's root is not "
		    "the stored tree's at size %llu",
		    (unsigned long long)cp.size);
	else
		rc = 0;
out:
	if (ch != NULL)
		mdb_cursor_close(ch);
	if (ce != NULL)
		mdb_cursor_close(ce);
	return rc;
}

int
tlog_check(const struct tlog *l, struct store_wtxn *t, char *err,
    size_t errlen)
{
	struct store_raw	raw;
	int			rc;

	store_wraw(t, &raw);
	rc = check_raw(l, &raw, err, errlen);
	return rc == 0 ? STORE_OK : store_wraw_rc(t, rc);
}

int
tlog_check_snapshot(const struct tlog *l, struct store *s, char *err,
    size_t errlen)
{
	struct store_raw	raw;
	int			rc;

	if (store_snapshot(s, &raw) != STORE_OK) {
		errf(err, errlen, "cannot read the store");
		return STORE_ERROR;
	}
	rc = check_raw(l, &raw, err, errlen);
	store_snapshot_end(&raw);
	return rc == 0 ? STORE_OK : STORE_ERROR;
}

int
tlog_counts(struct store_wtxn *t, uint64_t n[TLOG_COUNTS])
{
	struct store_raw	raw;
	struct checkpoint	cp;
	MDB_stat		st;
	char			text[TLOG_CHECKPOINT_MAX];
	size_t			len;
	int			i, rc;

	store_wraw(t, &raw);
	for (i = 0; i < STORE_LOG_MAX; i++) {
		if ((rc = mdb_stat(raw.txn, raw.dbi[i], &st)) != 0)
			return store_wraw_rc(t, rc);
		n[i] = st.ms_entries;
	}
	if ((rc = raw_ckpt(&raw, &cp, text, sizeof(text), &len)) != 0)
		return store_wraw_rc(t, rc);
	n[STORE_LOG_MAX] = len != 0 ? cp.size : UINT64_MAX;
	return STORE_OK;
}
