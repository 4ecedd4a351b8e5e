/* skkd — SPDX-License-Identifier: ISC */
/*
 * The LMDB store: the only module that calls mdb_*. Values are copied out
 * before a transaction ends, so nothing here outlives a call.
 *
 * Databases: certs (number -> record CBOR), qr (number -> COSE bytes),
 * nik (HMAC -> number, dupsort), events (seq -> event CBOR), cert_events
 * (number -> seq, dupsort), idem (key's digest -> number), meta (counters),
 * blanks (blank form serial -> state and number), corrections (number
 * -> request), and
 * the transparency log's tables, which only daemon/tlog.c reads and writes.
 */
#ifndef DAEMON_STORE_H
#define DAEMON_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "cert.h"
#include "record.h"

enum store_rc {
	STORE_OK = 0,
	STORE_NOTFOUND = 1,
	STORE_EXISTS = 2,	/* put of a new record whose number is taken */
	STORE_FULL = 3,		/* map or disk full: writes refused */
	STORE_ERROR = -1	/* anything else; see the err text */
};

struct store_opts {
	const char	*dir;		/* created if missing, mode 0700 */
	size_t		 map_size;	/* bytes */
	unsigned	 max_readers;
	int		 nosync;	/* test only: MDB_NOSYNC, loses data */
};

struct store;
struct store_rd;	/* a reader bound to one thread */
struct store_wtxn;	/* the writer thread's transaction */

/* Opens (runs mdb_reader_check); NULL with a reason in err. */
struct store	*store_open(const struct store_opts *, char *err, size_t errlen);
void		 store_close(struct store *);	/* NULL is a no-op */

/*
 * Readers: one per thread, reused; each call is its own snapshot, taken
 * under the store's lock shared (store_trim waits for it).
 */
struct store_rd	*store_rd_new(struct store *);
void		 store_rd_free(struct store_rd *);
/* Record and, if qr is not NULL, a malloc'd copy of the signed payload. */
int		 store_get_cert(struct store_rd *, const char *number,
		    struct cert *, uint8_t **qr, size_t *qrlen);
/* Numbers held by a NIK HMAC; writes up to max, *n gets the total. */
int		 store_find_nik(struct store_rd *, const uint8_t hmac[CERT_HMAC_LEN],
		    char (*numbers)[CERT_NUMBER_LEN + 1], size_t max, size_t *n);
/* A certificate's events, oldest first; up to max, *n gets the total. */
int		 store_get_events(struct store_rd *, const char *number,
		    struct cert_event *, size_t max, size_t *n);

/*
 * Calls fn for every record in number order, in one snapshot: c is NULL
 * for a record that does not decode, qr NULL when its payload is missing
 * (both valid during the call only). fn must not call the store: the
 * walk holds its lock shared. A non-zero return stops the walk.
 */
typedef int	(*store_cert_fn)(const struct cert *c, const uint8_t *qr,
		    size_t qrlen, void *arg);
int		 store_foreach_cert(struct store_rd *, store_cert_fn, void *);
/*
 * Status indices (PROTOCOL.md §5): every certificate gets one when it is
 * stored new, counted from 0, fixed forever and never reused; a store
 * made before them numbers its certificates in number order when opened.
 * status_idx maps number -> index, status_num index -> number with the
 * record's status and expiry (kept by store_put_cert), so the status
 * lists are built without decoding a record.
 */
#define STORE_STATUS_NONE	UINT32_MAX	/* "no index" */
struct store_status {
	uint32_t	idx;
	char		number[CERT_NUMBER_LEN + 1];
	uint8_t		status;		/* enum cert_status; MAX: no record */
	int32_t		expires;	/* last valid day */
};
/* Valid during the call only; a non-zero return stops the walk. */
typedef int	(*store_status_fn)(const struct store_status *, void *arg);
/* The number's index: STORE_OK, STORE_NOTFOUND. */
int		 store_get_status_idx(struct store_rd *, const char *number,
		    uint32_t *idx);
/* Every index in index order, with its number, status and expiry. */
int		 store_status_foreach(struct store_rd *, store_status_fn,
		    void *);
/* Every number in number order with its index (status not filled). */
int		 store_status_numbers(struct store_rd *, store_status_fn,
		    void *);
/*
 * The certificates of the events numbered from on (once per event, so
 * perhaps more than once), as they are now; *next gets the next event
 * number, where the following call starts.
 */
int		 store_status_since(struct store_rd *, uint64_t from,
		    store_status_fn, void *, uint64_t *next);
/*
 * Holds one snapshot over several calls on the reader (and a tlog_view
 * on it) until store_rd_release: what a status list is built from must
 * agree with itself and with the log checkpoint it names.
 */
int		 store_rd_hold(struct store_rd *);
void		 store_rd_release(struct store_rd *);

/*
 * An online, consistent, compacted copy into the new directory dest
 * (mdb_env_copy2 with MDB_CP_COMPACT); refuses an existing dest. Holds
 * the store's lock shared throughout, as store_foreach_cert does.
 */
int		 store_backup(struct store *, const char *dest, char *err,
		    size_t errlen);

struct store_stats {
	uint64_t	certs;
	uint64_t	events;
	uint64_t	next_seq;
	uint64_t	map_size;
	uint64_t	map_used;	/* bytes of the map in use */
	uint64_t	by_status[CERT_STATUS_MAX];
};
int		 store_stats(struct store_rd *, struct store_stats *);

/*
 * Writes: only the writer thread. A group of requests shares one
 * transaction (one fsync); each request runs in a nested transaction so
 * a failed one rolls back alone.
 */
int		 store_wbegin(struct store *, struct store_wtxn **, char *err,
		    size_t errlen);
int		 store_wnest(struct store_wtxn *);	/* begin a nested txn */
int		 store_wunnest(struct store_wtxn *, int keep);	/* commit/abort it */
/* Commits the group: STORE_OK, STORE_FULL or STORE_ERROR. Frees the txn. */
int		 store_wcommit(struct store_wtxn *, char *err, size_t errlen);
void		 store_wabort(struct store_wtxn *);
/* MDB_PANIC or a failed reopen: nothing can succeed until a restart. */
int		 store_panicked(const struct store *);
/*
 * LMDB keeps a copy of every page a write txn dirtied until the env is
 * closed. After a commit that grew the file by 4 MiB or more (or a txn
 * that put as much and did not commit), closes and reopens the env while
 * readers wait. Writer thread only, between txns. STORE_OK: reopened,
 * *freed gets that size (about the least memory given back);
 * STORE_NOTFOUND: not needed; STORE_ERROR: see err, and if
 * store_panicked() the reopen failed and every call fails.
 */
int		 store_trim(struct store *, size_t *freed, char *err,
		    size_t errlen);
/* Whether store_trim would reopen; writer thread only. */
int		 store_trim_due(const struct store *);
/* Read txns begun so far, by every reader: a busy store's counter moves. */
uint64_t	 store_reads(struct store *);
/* New records stored by the kept jobs so far (for metrics). */
unsigned	 store_wcount_new(const struct store_wtxn *);

/* Inside a write txn, reads see the txn's own writes. */
int		 store_wget_cert(struct store_wtxn *, const char *number,
		    struct cert *);
/* The same with a malloc'd copy of the signed payload. */
int		 store_wget_qr(struct store_wtxn *, const char *number,
		    struct cert *, uint8_t **qr, size_t *qrlen);
int		 store_wfind_nik(struct store_wtxn *, const uint8_t hmac[CERT_HMAC_LEN],
		    char (*numbers)[CERT_NUMBER_LEN + 1], size_t max, size_t *n);
/* Next 8-digit SEQ; never reused (survives restarts and failed jobs' aborts). */
int		 store_next_seq(struct store_wtxn *, uint32_t *seq);
/* Raise the counter so a supplied number's SEQ is never handed out again. */
int		 store_bump_seq(struct store_wtxn *, uint32_t seq);
/*
 * The counter as it stands, and a return to it: only for a job refused
 * by its checks, whose numbers went into nothing kept or answered (a
 * job that failed otherwise keeps its numbers used, as above).
 */
uint64_t	 store_seq_mark(const struct store_wtxn *);
void		 store_seq_rewind(struct store_wtxn *, uint64_t mark);
/*
 * Stores a record; is_new refuses an existing number (STORE_EXISTS) and
 * adds the NIK index entry; qr NULL keeps the stored payload.
 */
int		 store_put_cert(struct store_wtxn *, const struct cert *,
		    int is_new, const uint8_t *qr, size_t qrlen);
/*
 * The number's status index, allocating the next one (in the txn) when
 * it has none: call it before signing a payload that carries the index.
 * store_put_cert of a new record does it too.
 */
int		 store_status_idx(struct store_wtxn *, const char *number,
		    uint32_t *idx);
/* Appends an event: assigns ev->seq and indexes it by number. */
int		 store_add_event(struct store_wtxn *, struct cert_event *ev);
/*
 * Correction requests (UU 27/2022 Art. 30), at most one per number:
 * when the holder asked, the event that recorded the request and, once
 * the correction is made, when and the number of the new certificate.
 */
struct store_corr {
	char		number[CERT_NUMBER_LEN + 1];
	int64_t		requested;	/* unix seconds */
	uint64_t	req_seq;	/* its EVENT_CORRECT_REQUEST */
	int64_t		done;		/* unix seconds; 0 while open */
	char		next[CERT_NUMBER_LEN + 1];	/* "" while open */
};
/* The number's request: STORE_OK or STORE_NOTFOUND. */
int		 store_corr_get(struct store_wtxn *, const char *number,
		    struct store_corr *);
/* Adds or replaces the request of c->number. */
int		 store_corr_put(struct store_wtxn *, const struct store_corr *);
/*
 * Every request in number order with the event that recorded it, in one
 * snapshot; both are valid during the call only, and fn must not call
 * the store. A non-zero return stops the walk.
 */
typedef int	(*store_corr_fn)(const struct store_corr *,
		    const struct cert_event *req, void *arg);
int		 store_corr_foreach(struct store_rd *, store_corr_fn, void *);
/* Idempotency keys for batch issuance: key -> number. */
int		 store_idem_get(struct store_wtxn *, const char *key,
		    char number[CERT_NUMBER_LEN + 1]);
int		 store_idem_put(struct store_wtxn *, const char *key,
		    const char *number);
/*
 * Blank forms (daemon/blank.c): serial -> its state, a letter, and the
 * number of the certificate printed on it ("" none). get: STORE_OK,
 * STORE_NOTFOUND or an error; vallen bounds val with its NUL.
 */
int		 store_blank_get(struct store_wtxn *, const char *serial,
		    char *val, size_t vallen);
int		 store_blank_put(struct store_wtxn *, const char *serial,
		    const char *val);

/*
 * Check records (daemon/checks.c): text key -> count. add adds n to
 * the key's count. walk visits every record on the writer thread; fn
 * returns 1 to delete the record, 0 to keep it. foreach visits the
 * records whose key starts with prefix in one snapshot; non-zero stops.
 */
#define STORE_CHECK_KEY_MAX	200
typedef int	(*store_check_fn)(const char *key, uint64_t n, void *arg);
int		 store_check_add(struct store_wtxn *, const char *key,
		    uint64_t n);
/*
 * The same for count keys given in strcmp order: one cursor walks them,
 * and most lookups then stay on the page the one before found.
 */
int		 store_check_addv(struct store_wtxn *, const char *const *keys,
		    const uint64_t *n, size_t count);
int		 store_check_walk(struct store_wtxn *, store_check_fn, void *);
int		 store_check_foreach(struct store_rd *, const char *prefix,
		    store_check_fn, void *);

/*
 * For daemon/tlog.c, the one other module that calls mdb_*: the txn of
 * the current (nested) write or of a reader's snapshot, and the log's
 * tables. store_wraw_rc maps an mdb error and remembers a spoiled txn.
 */
enum store_log_db { STORE_LOG_ENTRIES, STORE_LOG_HASHES, STORE_LOG_META,
	STORE_LOG_CURRENT, STORE_LOG_MAX };
struct store_raw {
	MDB_txn		*txn;
	MDB_dbi		 dbi[STORE_LOG_MAX];
	/*
	 * A reader's snapshot: which opening of which store it is of, never
	 * the same for two (1, 2, ...); 0 for a write, whose reads may be
	 * undone. What never changes once committed may be kept under it.
	 */
	uint64_t	 gen;
};
void		 store_wraw(struct store_wtxn *, struct store_raw *);
int		 store_wraw_rc(struct store_wtxn *, int mdbrc);
/* A snapshot as the other reads take it; end it with store_rd_raw_end. */
int		 store_rd_raw(struct store_rd *, struct store_raw *);
void		 store_rd_raw_end(struct store_rd *);
/*
 * A snapshot without the store's lock, for a pass of seconds over it
 * (the log's start-up check) that must not stall every reader behind a
 * new one: only while nothing can reopen the store, the writer held.
 */
int		 store_snapshot(struct store *, struct store_raw *);
void		 store_snapshot_end(struct store_raw *);
/* Big-endian uint64 keys: LMDB's byte order is then their order. */
void		 store_be64_put(uint8_t b[8], uint64_t v);
uint64_t	 store_be64_get(const uint8_t b[8]);

const char	*store_strerror(int rc);

#endif
