/* skkd — SPDX-License-Identifier: ISC */
/*
 * The log's tables as tlog.c writes them and tlogview.c reads them: the
 * meta table's names and the few gets and puts both sides make, inline
 * so that neither file calls the other.
 */
#ifndef DAEMON_TLOGRAW_H
#define DAEMON_TLOGRAW_H

#include <string.h>

#include <lmdb.h>

#include "store.h"
#include "tile.h"

#define TLOG_META_SIZE	"size"
#define TLOG_META_CKPT	"checkpoint"

static inline int
raw_get(const struct store_raw *raw, int db, const void *key, size_t klen,
    MDB_val *d)
{
	MDB_val	k;

	k.mv_data = (void *)key;
	k.mv_size = klen;
	return mdb_get(raw->txn, raw->dbi[db], &k, d);
}

static inline int
raw_get_index(const struct store_raw *raw, int db, uint64_t i, MDB_val *d)
{
	uint8_t	k[8];

	store_be64_put(k, i);
	return raw_get(raw, db, k, sizeof(k), d);
}

static inline int
raw_size(const struct store_raw *raw, uint64_t *size)
{
	MDB_val	d;
	int	rc;

	*size = 0;
	rc = raw_get(raw, STORE_LOG_META, TLOG_META_SIZE,
	    strlen(TLOG_META_SIZE), &d);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (d.mv_size != 8)
		return MDB_CORRUPTED;
	*size = store_be64_get(d.mv_data);
	return 0;
}

static inline int
raw_put(const struct store_raw *raw, int db, const void *key, size_t klen,
    const void *data, size_t dlen, unsigned flags)
{
	MDB_val	k, d;

	k.mv_data = (void *)key;
	k.mv_size = klen;
	d.mv_data = (void *)data;
	d.mv_size = dlen;
	return mdb_put(raw->txn, raw->dbi[db], &k, &d, flags);
}

static inline int
raw_hash(const struct store_raw *raw, unsigned level, uint64_t n,
    uint8_t out[MERKLE_HASH_LEN])
{
	MDB_val	d;
	int	rc;

	if ((rc = raw_get_index(raw, STORE_LOG_HASHES,
	    tile_stored_index(level, n), &d)) != 0)
		return rc;
	if (d.mv_size != MERKLE_HASH_LEN)
		return MDB_CORRUPTED;
	memcpy(out, d.mv_data, MERKLE_HASH_LEN);
	return 0;
}

#endif
