/* skkd — SPDX-License-Identifier: ISC */
/*
 * The LMDB store. Readers keep one reset read transaction each and renew
 * it per call, so a verification costs no allocation; everything they
 * return is copied out before the reset. The writer thread groups requests
 * in one top-level transaction with one nested transaction per request.
 *
 * The certificate SEQ counter lives in memory while a group runs and is
 * written to meta only at the group's commit: a nested transaction that
 * rolls back must not roll the counter back with it, or the next request
 * would be handed the same SEQ. Keys of events and cert_events values are
 * 8-byte big-endian so byte order is numeric order.
 *
 * LMDB (0.9, without MDB_WRITEMAP) mallocs a copy of each page a write
 * transaction dirties and, after the commit, keeps every one of them on
 * a private list until the environment is closed. After a transaction
 * that dirtied STORE_TRIM_BYTES or more (the file's growth, or the bytes
 * put when it did not commit), store_trim closes and reopens the
 * environment, with the readers shut out by the store's rwlock.
 */

#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lmdb.h>

#include "errf.h"
#include "sign.h"
#include "store.h"

#define STORE_FORMAT	2		/* meta "version": bump on change */
#define STORE_FORMAT_MIN 1		/* the oldest one opened (and upgraded) */
#define STORE_MAXDBS	20
#define STORE_READERS	126		/* LMDB's default */
#define STORE_SEQ_MAX	99999999u	/* SEQ has 8 digits */
#define STORE_TRIM_BYTES (4u << 20)	/* page copies worth a reopen */
#define STORE_SPARE_FDS	3		/* LMDB's lock, data and meta files */
#define STORE_TRIES	20		/* opens tried, out of descriptors */
#define STORE_RETRY_USEC 10000

enum store_db {
	DB_CERTS,
	DB_QR,
	DB_NIK,
	DB_EVENTS,
	DB_CERT_EVENTS,
	DB_IDEM,
	DB_META,
	DB_LOG_ENTRIES,		/* daemon/tlog.c's: STORE_LOG_* order */
	DB_LOG_HASHES,
	DB_LOG_META,
	DB_LOG_CURRENT,
	DB_STATUS_IDX,		/* number -> be32 status index */
	DB_STATUS_NUM,		/* be32 status index -> number */
	DB_BLANKS,		/* blank form serial -> state + number */
	DB_CORR,		/* number -> its correction request */
	DB_CHECKS,		/* check record key -> be64 count */
	DB_MAX
};

static const struct {
	const char	*name;
	unsigned int	 flags;
} store_dbs[DB_MAX] = {
	{ "certs", 0 },
	{ "qr", 0 },
	{ "nik", MDB_DUPSORT },
	{ "events", 0 },
	{ "cert_events", MDB_DUPSORT },
	{ "idem", 0 },
	{ "meta", 0 },
	{ "log_entries", 0 },
	{ "log_hashes", 0 },
	{ "log_meta", 0 },
	{ "log_current", 0 },
	{ "status_idx", 0 },
	{ "status_num", 0 },
	{ "blanks", 0 },
	{ "corrections", 0 },
	{ "checks", 0 },
};

/*
 * Readers hold lock shared from the renewal of their txn to its reset;
 * store_trim holds it exclusive while the env is closed, and so do
 * store_rd_new and store_rd_free to change rds. The writer thread's own
 * fields need no lock: store_trim runs in that thread.
 */
struct store {
	MDB_env		*env;		/* NULL once a reopen failed */
	MDB_dbi		 dbi[DB_MAX];
	struct store_opts opts;		/* for reopening; opts.dir is dir */
	char		*dir;
	pthread_rwlock_t lock;
	LIST_HEAD(, store_rd) rds;	/* every reader */
	int		 spare[STORE_SPARE_FDS]; /* held for a reopen, or -1 */
	size_t		 psize;		/* LMDB's page size */
	size_t		 grown;		/* most bytes a txn dirtied since the
					   last reopen (at least) */
	atomic_ullong	 reads;		/* read txns begun, ever */
	uint64_t	 wseq;		/* next SEQ; under LMDB's writer lock */
	uint64_t	 gen;		/* store_raw's gen for its readers */
	int		 idem_text;	/* idem holds keys as text (see idem_key) */
	int		 panic;		/* MDB_PANIC, or a reopen failed */
};

struct store_rd {
	struct store	*s;
	MDB_txn		*txn;		/* reset between calls; NULL: begin */
	int		 held;		/* store_rd_hold: one snapshot */
	LIST_ENTRY(store_rd) entry;
};

struct store_wtxn {
	struct store	*s;
	MDB_txn		*top;
	MDB_txn		*nest;
	uint64_t	 seq;		/* next SEQ to hand out */
	uint64_t	 seq_meta;	/* the value meta holds */
	int		 top_err;	/* mdb error that spoiled top */
	int		 nest_err;	/* mdb error that spoiled nest */
	unsigned	 nnew;		/* new records kept so far */
	unsigned	 nest_new;	/* new records in nest */
	size_t		 pgno;		/* the file's last page at the start */
	size_t		 wbytes;	/* bytes of records put, kept or not */
};

static int	 store_rc(int);
static void	 store_full_text(struct store *, int, char *, size_t);
static int	 store_disk_full(struct store *);
static int	 meta_get(MDB_txn *, MDB_dbi, const char *, uint64_t *);
static int	 meta_put(MDB_txn *, MDB_dbi, const char *, uint64_t);
static int	 meta_add(MDB_txn *, MDB_dbi, const char *, int64_t);
static int	 key_number(const char *, MDB_val *);
static void	 lock_init(pthread_rwlock_t *);
static void	 spare_take(struct store *);
static int	 spare_held(const struct store *);
static void	 spare_drop(struct store *);
static size_t	 last_pgno(struct store *);
static int	 open_env(struct store *, const struct store_opts *);
static void	 close_env(struct store *);
static int	 open_dbs(struct store *, char *, size_t);
static int	 open_check(struct store *, MDB_txn *, char *, size_t);
static int	 idem_text_check(struct store *, MDB_txn *);
static int	 open_all(struct store *, int, char *, size_t);
static int	 reopen(struct store *, char *, size_t);
static int	 rd_begin(struct store_rd *);
static void	 rd_end(struct store_rd *);
static int	 txn_get_cert(struct store *, MDB_txn *, const char *,
		    struct cert *, uint8_t **, size_t *);
static int	 txn_get_qr(struct store *, MDB_txn *, MDB_val *, uint8_t **,
		    size_t *);
static int	 txn_find_nik(struct store *, MDB_txn *, const uint8_t *,
		    char (*)[CERT_NUMBER_LEN + 1], size_t, size_t *);
static int	 txn_get_events(struct store *, MDB_txn *, const char *,
		    struct cert_event *, size_t, size_t *);
static int	 txn_get_event(struct store *, MDB_txn *, MDB_val *,
		    struct cert_event *);
static int	 txn_stats(struct store *, MDB_txn *, struct store_stats *);
static MDB_txn	*w_txn(struct store_wtxn *);
static int	 w_fail(struct store_wtxn *, int);
static void	 w_keep_seq(struct store_wtxn *);
static void	 w_grown(struct store_wtxn *, int);
static int	 w_old_status(struct store_wtxn *, MDB_val *, int *);
static int	 w_count_status(struct store_wtxn *, int, int);
static int	 w_put_nik(struct store_wtxn *, const struct cert *, MDB_val *);
static void	 status_key(char *, size_t, int);
static int	 status_decode(const MDB_val *, const MDB_val *,
		    struct store_status *);
static int	 txn_status_get(struct store *, MDB_txn *, MDB_val *,
		    struct store_status *);
static int	 w_status_alloc(struct store_wtxn *, MDB_val *, uint32_t *);
static int	 w_status_put(struct store_wtxn *, uint32_t, const MDB_val *,
		    int, int32_t);
static int	 status_backfill(struct store *, char *, size_t);

/* LMDB and errno codes to enum store_rc. */
static int
store_rc(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:
		return STORE_OK;
	case MDB_NOTFOUND:
		return STORE_NOTFOUND;
	case MDB_KEYEXIST:
		return STORE_EXISTS;
	case MDB_MAP_FULL:
	case MDB_TXN_FULL:
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
		return STORE_FULL;
	default:
		return STORE_ERROR;
	}
}

/*
 * LMDB reports a short write as EIO, and the write that fills a disk is
 * short: with under 1 MiB left on the store's file system, call it full
 * so issuers get "store full" rather than an I/O error.
 */
static int
store_disk_full(struct store *s)
{
	const char	*path;
	struct statvfs	 sv;

	if (mdb_env_get_path(s->env, &path) != 0 || statvfs(path, &sv) == -1)
		return 0;
	return (unsigned long long)sv.f_bavail * sv.f_frsize < (1ULL << 20);
}

static void
store_full_text(struct store *s, int rc, char *err, size_t errlen)
{
	MDB_envinfo	info;
	size_t		size = 0;

	if (mdb_env_info(s->env, &info) == 0)
		size = info.me_mapsize;
	switch (rc) {
	case MDB_MAP_FULL:
		if (size >= 1024 * 1024)
			errf(err, errlen, "store full (map_size %zu MiB "
			    "reached)", size / (1024 * 1024));
		else
			errf(err, errlen, "store full (map_size %zu KiB "
			    "reached)", size / 1024);
		break;
	case MDB_TXN_FULL:
		errf(err, errlen, "store full: transaction too large");
		break;
	case ENOSPC:
		errf(err, errlen, "store full: no space left on device");
		break;
	case EDQUOT:
		errf(err, errlen, "store full: disk quota exceeded");
		break;
	case EFBIG:
		errf(err, errlen, "store full: file size limit reached");
		break;
	default:
		errf(err, errlen, "store: commit failed: %s",
		    mdb_strerror(rc));
		break;
	}
}

void
store_be64_put(uint8_t b[8], uint64_t v)
{
	int	i;

	for (i = 7; i >= 0; i--, v >>= 8)
		b[i] = v & 0xff;
}

uint64_t
store_be64_get(const uint8_t b[8])
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | b[i];
	return v;
}

/* Returns an mdb code; a value that is not 8 bytes is corruption. */
static int
meta_get(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t *v)
{
	MDB_val	k, d;
	int	rc;

	k.mv_data = (void *)key;
	k.mv_size = strlen(key);
	if ((rc = mdb_get(txn, dbi, &k, &d)) != 0)
		return rc;
	if (d.mv_size != 8)
		return MDB_CORRUPTED;
	*v = store_be64_get(d.mv_data);
	return 0;
}

static int
meta_put(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t v)
{
	MDB_val	k, d;
	uint8_t	b[8];

	store_be64_put(b, v);
	k.mv_data = (void *)key;
	k.mv_size = strlen(key);
	d.mv_data = b;
	d.mv_size = sizeof(b);
	return mdb_put(txn, dbi, &k, &d, 0);
}

static int
meta_add(MDB_txn *txn, MDB_dbi dbi, const char *key, int64_t delta)
{
	uint64_t	v = 0;
	int		rc;

	rc = meta_get(txn, dbi, key, &v);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	if (delta < 0 && v < (uint64_t)-delta)
		return MDB_CORRUPTED;
	return meta_put(txn, dbi, key, v + delta);
}

static void
status_key(char *key, size_t len, int status)
{
	snprintf(key, len, "status.%d", status);
}

/* A certificate number as a key; -1 if it cannot be one. */
static int
key_number(const char *number, MDB_val *k)
{
	size_t	len;

	len = strnlen(number, CERT_NUMBER_LEN + 1);
	if (len == 0 || len > CERT_NUMBER_LEN)
		return -1;
	k->mv_data = (void *)number;
	k->mv_size = len;
	return 0;
}

static void
lock_init(pthread_rwlock_t *lock)
{
	pthread_rwlockattr_t	attr;

	pthread_rwlockattr_init(&attr);
#ifdef __GLIBC__
	/* glibc prefers readers: a busy port would starve store_trim. */
	pthread_rwlockattr_setkind_np(&attr,
	    PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
	pthread_rwlock_init(lock, &attr);
	pthread_rwlockattr_destroy(&attr);
}

/*
 * Descriptors kept for a reopen: with the process at its limit, those
 * LMDB gives up would otherwise go to the next accepted connections.
 */
static void
spare_take(struct store *s)
{
	int	i;

	for (i = 0; i < STORE_SPARE_FDS; i++)
		if (s->spare[i] == -1)
			s->spare[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static int
spare_held(const struct store *s)
{
	int	i;

	for (i = 0; i < STORE_SPARE_FDS; i++)
		if (s->spare[i] == -1)
			return 0;
	return 1;
}

static void
spare_drop(struct store *s)
{
	int	i;

	for (i = 0; i < STORE_SPARE_FDS; i++) {
		if (s->spare[i] != -1)
			close(s->spare[i]);
		s->spare[i] = -1;
	}
}

/* The file's last page as of the newest commit; 0 if unknown. */
static size_t
last_pgno(struct store *s)
{
	MDB_envinfo	info;

	if (mdb_env_info(s->env, &info) != 0)
		return 0;
	return info.me_last_pgno;
}

static int
open_env(struct store *s, const struct store_opts *o)
{
	MDB_stat	ms;
	unsigned int	flags = MDB_NOTLS;
	int		rc;

	if (o->nosync)
		flags |= MDB_NOSYNC;
	if ((rc = mdb_env_create(&s->env)) != 0) {
		s->env = NULL;
		return rc;
	}
	if ((rc = mdb_env_set_maxdbs(s->env, STORE_MAXDBS)) != 0)
		return rc;
	if (o->map_size != 0 &&
	    (rc = mdb_env_set_mapsize(s->env, o->map_size)) != 0)
		return rc;
	rc = mdb_env_set_maxreaders(s->env,
	    o->max_readers != 0 ? o->max_readers : STORE_READERS);
	if (rc != 0)
		return rc;
	if ((rc = mdb_env_open(s->env, o->dir, flags, 0600)) != 0)
		return rc;
	if ((rc = mdb_env_stat(s->env, &ms)) != 0)
		return rc;
	s->psize = ms.ms_psize;
	/* Slots left by a crashed process would otherwise pin old pages. */
	return mdb_reader_check(s->env, NULL);
}

static void
close_env(struct store *s)
{
	if (s->env != NULL)
		mdb_env_close(s->env);
	s->env = NULL;
}

/* The format version and the SEQ counter, inside the opening txn. */
static int
open_check(struct store *s, MDB_txn *txn, char *err, size_t errlen)
{
	MDB_dbi		meta = s->dbi[DB_META];
	uint64_t	v;
	int		rc;

	rc = meta_get(txn, meta, "version", &v);
	if (rc == MDB_NOTFOUND)
		rc = meta_put(txn, meta, "version", (v = STORE_FORMAT));
	if (rc != 0) {
		errf(err, errlen, "store: meta: %s", mdb_strerror(rc));
		return -1;
	}
	if (v < STORE_FORMAT_MIN || v > STORE_FORMAT) {
		errf(err, errlen, "store: format version %" PRIu64
		    " not supported", v);
		return -1;
	}
	/*
	 * 2: idem keys are digests (idem_key). A store of 1 is read as it
	 * is, and marked 2 so that an older skkd, which would miss the
	 * digests and issue a retried item twice, refuses it.
	 */
	if (v < STORE_FORMAT &&
	    (rc = meta_put(txn, meta, "version", STORE_FORMAT)) != 0) {
		errf(err, errlen, "store: meta: %s", mdb_strerror(rc));
		return -1;
	}
	if ((rc = idem_text_check(s, txn)) != 0) {
		errf(err, errlen, "store: idem: %s", mdb_strerror(rc));
		return -1;
	}
	rc = meta_get(txn, meta, "seq", &s->wseq);
	if (rc == MDB_NOTFOUND) {
		s->wseq = 1;
		rc = 0;
	}
	if (rc != 0) {
		errf(err, errlen, "store: meta: %s", mdb_strerror(rc));
		return -1;
	}
	return 0;
}

static int
open_dbs(struct store *s, char *err, size_t errlen)
{
	MDB_txn	*txn;
	int	 i, rc;

	if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0) {
		errf(err, errlen, "store: %s", mdb_strerror(rc));
		return -1;
	}
	for (i = 0; i < DB_MAX; i++) {
		rc = mdb_dbi_open(txn, store_dbs[i].name,
		    store_dbs[i].flags | MDB_CREATE, &s->dbi[i]);
		if (rc != 0) {
			errf(err, errlen, "store: table '%s': %s",
			    store_dbs[i].name, mdb_strerror(rc));
			mdb_txn_abort(txn);
			return -1;
		}
	}
	if (open_check(s, txn, err, errlen) == -1) {
		mdb_txn_abort(txn);
		return -1;
	}
	if ((rc = mdb_txn_commit(txn)) != 0) {
		errf(err, errlen, "store: %s", mdb_strerror(rc));
		return -1;
	}
	return 0;
}

/*
 * The env and its tables, as store_open and reopen both need them. Up to
 * tries attempts while out of descriptors; on failure env is NULL.
 */
static int
open_all(struct store *s, int tries, char *err, size_t errlen)
{
	int	rc;

	while ((rc = open_env(s, &s->opts)) != 0) {
		close_env(s);
		if ((rc != EMFILE && rc != ENFILE) || --tries <= 0) {
			errf(err, errlen, "'%s': %s", s->opts.dir,
			    mdb_strerror(rc));
			return -1;
		}
		usleep(STORE_RETRY_USEC);
	}
	if (open_dbs(s, err, errlen) == -1) {
		close_env(s);
		return -1;
	}
	return 0;
}

struct store *
store_open(const struct store_opts *o, char *err, size_t errlen)
{
	static uint64_t	 gens;
	struct store	*s;
	int		 i;

	if (mkdir(o->dir, 0700) == -1 && errno != EEXIST) {
		errf(err, errlen, "'%s': %s", o->dir, strerror(errno));
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		errf(err, errlen, "store: %s", strerror(errno));
		return NULL;
	}
	lock_init(&s->lock);
	LIST_INIT(&s->rds);
	s->gen = __atomic_add_fetch(&gens, 1, __ATOMIC_RELAXED);
	for (i = 0; i < STORE_SPARE_FDS; i++)
		s->spare[i] = -1;
	s->opts = *o;
	if ((s->opts.dir = s->dir = strdup(o->dir)) == NULL) {
		errf(err, errlen, "store: %s", strerror(errno));
		store_close(s);
		return NULL;
	}
	if (open_all(s, 1, err, errlen) == -1 ||
	    status_backfill(s, err, errlen) == -1) {
		store_close(s);
		return NULL;
	}
	spare_take(s);
	return s;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	close_env(s);
	spare_drop(s);
	pthread_rwlock_destroy(&s->lock);
	free(s->dir);
	free(s);
}

/*
 * Under the exclusive lock: the readers' txns go first (they belong to
 * the old env), then the env; each reader begins a new txn at its next
 * call. LMDB's locks are per process, so the old env must be closed
 * before the new one opens: a failure here leaves no env at all.
 */
static int
reopen(struct store *s, char *err, size_t errlen)
{
	struct store_rd	*r;
	uint64_t	 wseq = s->wseq;
	char		 why[256];

	LIST_FOREACH(r, &s->rds, entry) {
		if (r->txn != NULL)
			mdb_txn_abort(r->txn);
		r->txn = NULL;
	}
	close_env(s);
	spare_drop(s);
	if (open_all(s, STORE_TRIES, why, sizeof(why)) == -1) {
		s->panic = 1;
		errf(err, errlen, "store: cannot reopen after a large "
		    "commit: %s", why);
		return STORE_ERROR;
	}
	/* After a failed commit, memory is ahead of meta. */
	if (wseq > s->wseq)
		s->wseq = wseq;
	return STORE_OK;
}

int
store_trim(struct store *s, size_t *freed, char *err, size_t errlen)
{
	size_t	grown = s->grown;
	int	rc;

	*freed = 0;
	if (s->env == NULL || grown < STORE_TRIM_BYTES)
		return STORE_NOTFOUND;
	s->grown = 0;
	spare_take(s);
	if (!spare_held(s)) {
		errf(err, errlen, "store: no spare file descriptor to "
		    "reopen with; %zu KiB of page copies stay", grown / 1024);
		return STORE_ERROR;
	}
	pthread_rwlock_wrlock(&s->lock);
	rc = reopen(s, err, errlen);
	pthread_rwlock_unlock(&s->lock);
	spare_take(s);
	if (rc == STORE_OK)
		*freed = grown;
	return rc;
}

struct store_rd *
store_rd_new(struct store *s)
{
	struct store_rd	*r;
	int		 rc = MDB_PANIC;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->s = s;
	pthread_rwlock_wrlock(&s->lock);
	if (s->env != NULL &&
	    (rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &r->txn)) == 0) {
		mdb_txn_reset(r->txn);
		LIST_INSERT_HEAD(&s->rds, r, entry);
	}
	pthread_rwlock_unlock(&s->lock);
	if (rc != 0) {
		free(r);
		return NULL;
	}
	return r;
}

void
store_rd_free(struct store_rd *r)
{
	if (r == NULL)
		return;
	pthread_rwlock_wrlock(&r->s->lock);
	if (r->txn != NULL)
		mdb_txn_abort(r->txn);
	LIST_REMOVE(r, entry);
	pthread_rwlock_unlock(&r->s->lock);
	free(r);
}

/* A snapshot under the shared lock; rd_end releases both. */
static int
rd_begin(struct store_rd *r)
{
	struct store	*s = r->s;
	int		 rc;

	if (r->held)
		return 0;
	pthread_rwlock_rdlock(&s->lock);
	if (s->env == NULL)
		rc = MDB_PANIC;
	else if (r->txn != NULL)
		rc = mdb_txn_renew(r->txn);
	else if ((rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY,
	    &r->txn)) != 0)
		r->txn = NULL;
	if (rc != 0) {
		pthread_rwlock_unlock(&s->lock);
		return -1;
	}
	atomic_fetch_add_explicit(&s->reads, 1, memory_order_relaxed);
	return 0;
}

static void
rd_end(struct store_rd *r)
{
	if (r->held)
		return;
	mdb_txn_reset(r->txn);
	pthread_rwlock_unlock(&r->s->lock);
}

static int
txn_get_qr(struct store *s, MDB_txn *txn, MDB_val *k, uint8_t **qr,
    size_t *qrlen)
{
	MDB_val	d;
	int	rc;

	*qr = NULL;
	*qrlen = 0;
	rc = mdb_get(txn, s->dbi[DB_QR], k, &d);
	if (rc == MDB_NOTFOUND || (rc == 0 && d.mv_size == 0))
		return STORE_OK;
	if (rc != 0)
		return store_rc(rc);
	if ((*qr = malloc(d.mv_size)) == NULL)
		return STORE_ERROR;
	memcpy(*qr, d.mv_data, d.mv_size);
	*qrlen = d.mv_size;
	return STORE_OK;
}

static int
txn_get_cert(struct store *s, MDB_txn *txn, const char *number,
    struct cert *c, uint8_t **qr, size_t *qrlen)
{
	MDB_val	k, d;
	char	err[CERT_ERR_MAX];
	int	rc;

	if (key_number(number, &k) == -1)
		return STORE_NOTFOUND;
	if ((rc = mdb_get(txn, s->dbi[DB_CERTS], &k, &d)) != 0)
		return store_rc(rc);
	if (record_decode(d.mv_data, d.mv_size, c, err, sizeof(err)) == -1)
		return STORE_ERROR;
	if (qr == NULL)
		return STORE_OK;
	return txn_get_qr(s, txn, &k, qr, qrlen);
}

static int
txn_foreach_cert(struct store *s, MDB_txn *txn, store_cert_fn fn, void *arg)
{
	MDB_cursor	*cur;
	MDB_val		 k, d;
	struct cert	 c;
	uint8_t		*qr;
	size_t		 qrlen;
	char		 err[CERT_ERR_MAX];
	int		 rc, bad;

	if ((rc = mdb_cursor_open(txn, s->dbi[DB_CERTS], &cur)) != 0)
		return store_rc(rc);
	while ((rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) == 0) {
		bad = record_decode(d.mv_data, d.mv_size, &c, err,
		    sizeof(err)) == -1;
		qr = NULL;
		qrlen = 0;
		if (!bad && txn_get_qr(s, txn, &k, &qr, &qrlen) != STORE_OK)
			qr = NULL;
		rc = fn(bad ? NULL : &c, qr, qrlen, arg);
		free(qr);
		if (rc != 0)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND || rc > 0 ? STORE_OK : store_rc(rc);
}

int
store_foreach_cert(struct store_rd *r, store_cert_fn fn, void *arg)
{
	int	rc;

	if (rd_begin(r) == -1)
		return STORE_ERROR;
	rc = txn_foreach_cert(r->s, r->txn, fn, arg);
	rd_end(r);
	return rc;
}

int
store_backup(struct store *s, const char *dest, char *err, size_t errlen)
{
	int	rc;

	if (mkdir(dest, 0700) == -1) {
		errf(err, errlen, "'%s': %s", dest, strerror(errno));
		return STORE_ERROR;
	}
	/* A read snapshot: writers go on meanwhile; free pages dropped. */
	pthread_rwlock_rdlock(&s->lock);
	rc = s->env != NULL ? mdb_env_copy2(s->env, dest, MDB_CP_COMPACT) :
	    MDB_PANIC;
	pthread_rwlock_unlock(&s->lock);
	if (rc != 0) {
		errf(err, errlen, "'%s': %s", dest, mdb_strerror(rc));
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_get_cert(struct store_rd *r, const char *number, struct cert *c,
    uint8_t **qr, size_t *qrlen)
{
	int	rc;

	if (rd_begin(r) == -1)
		return STORE_ERROR;
	rc = txn_get_cert(r->s, r->txn, number, c, qr, qrlen);
	rd_end(r);
	return rc;
}

static int
txn_find_nik(struct store *s, MDB_txn *txn, const uint8_t *hmac,
    char (*numbers)[CERT_NUMBER_LEN + 1], size_t max, size_t *n)
{
	MDB_cursor	*cur;
	MDB_val		 k, d;
	size_t		 count = 0, i = 0;
	int		 rc;

	*n = 0;
	if ((rc = mdb_cursor_open(txn, s->dbi[DB_NIK], &cur)) != 0)
		return store_rc(rc);
	k.mv_data = (void *)hmac;
	k.mv_size = CERT_HMAC_LEN;
	rc = mdb_cursor_get(cur, &k, &d, MDB_SET_KEY);
	if (rc == 0)
		rc = mdb_cursor_count(cur, &count);
	while (rc == 0 && i < max) {
		if (d.mv_size > CERT_NUMBER_LEN) {
			rc = MDB_CORRUPTED;
			break;
		}
		memcpy(numbers[i], d.mv_data, d.mv_size);
		numbers[i++][d.mv_size] = '\0';
		rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT_DUP);
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_rc(rc);
	*n = count;
	return STORE_OK;
}

int
store_find_nik(struct store_rd *r, const uint8_t hmac[CERT_HMAC_LEN],
    char (*numbers)[CERT_NUMBER_LEN + 1], size_t max, size_t *n)
{
	int	rc;

	if (rd_begin(r) == -1)
		return STORE_ERROR;
	rc = txn_find_nik(r->s, r->txn, hmac, numbers, max, n);
	rd_end(r);
	return rc;
}

static int
txn_get_event(struct store *s, MDB_txn *txn, MDB_val *seq,
    struct cert_event *ev)
{
	MDB_val	d;
	char	err[CERT_ERR_MAX];
	int	rc;

	if (seq->mv_size != 8)
		return STORE_ERROR;
	/* A dangling index entry means a broken store, not "no event". */
	if ((rc = mdb_get(txn, s->dbi[DB_EVENTS], seq, &d)) != 0)
		return STORE_ERROR;
	if (event_decode(d.mv_data, d.mv_size, ev, err, sizeof(err)) == -1)
		return STORE_ERROR;
	return STORE_OK;
}

static int
txn_get_events(struct store *s, MDB_txn *txn, const char *number,
    struct cert_event *evs, size_t max, size_t *n)
{
	MDB_cursor	*cur;
	MDB_val		 k, d;
	size_t		 count = 0, i = 0;
	int		 rc, src = STORE_OK;

	*n = 0;
	if (key_number(number, &k) == -1)
		return STORE_OK;
	if ((rc = mdb_cursor_open(txn, s->dbi[DB_CERT_EVENTS], &cur)) != 0)
		return store_rc(rc);
	rc = mdb_cursor_get(cur, &k, &d, MDB_SET_KEY);
	if (rc == 0)
		rc = mdb_cursor_count(cur, &count);
	while (rc == 0 && i < max) {
		if ((src = txn_get_event(s, txn, &d, &evs[i++])) != STORE_OK)
			break;
		rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT_DUP);
	}
	mdb_cursor_close(cur);
	if (src != STORE_OK)
		return src;
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_rc(rc);
	*n = count;
	return STORE_OK;
}

int
store_get_events(struct store_rd *r, const char *number,
    struct cert_event *evs, size_t max, size_t *n)
{
	int	rc;

	if (rd_begin(r) == -1)
		return STORE_ERROR;
	rc = txn_get_events(r->s, r->txn, number, evs, max, n);
	rd_end(r);
	return rc;
}

static int
txn_stats(struct store *s, MDB_txn *txn, struct store_stats *st)
{
	MDB_stat	ms;
	MDB_envinfo	info;
	char		key[32];
	int		i, rc;

	memset(st, 0, sizeof(*st));
	if ((rc = mdb_stat(txn, s->dbi[DB_CERTS], &ms)) != 0)
		return store_rc(rc);
	st->certs = ms.ms_entries;
	if ((rc = mdb_stat(txn, s->dbi[DB_EVENTS], &ms)) != 0)
		return store_rc(rc);
	st->events = ms.ms_entries;
	rc = meta_get(txn, s->dbi[DB_META], "seq", &st->next_seq);
	if (rc == MDB_NOTFOUND)
		st->next_seq = 1;
	else if (rc != 0)
		return store_rc(rc);
	for (i = 0; i < CERT_STATUS_MAX; i++) {
		status_key(key, sizeof(key), i);
		rc = meta_get(txn, s->dbi[DB_META], key, &st->by_status[i]);
		if (rc != 0 && rc != MDB_NOTFOUND)
			return store_rc(rc);
	}
	if ((rc = mdb_env_info(s->env, &info)) != 0 ||
	    (rc = mdb_env_stat(s->env, &ms)) != 0)
		return store_rc(rc);
	st->map_size = info.me_mapsize;
	st->map_used = ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize;
	return STORE_OK;
}

int
store_stats(struct store_rd *r, struct store_stats *st)
{
	int	rc;

	if (rd_begin(r) == -1)
		return STORE_ERROR;
	rc = txn_stats(r->s, r->txn, st);
	rd_end(r);
	return rc;
}

int
store_wbegin(struct store *s, struct store_wtxn **wp, char *err,
    size_t errlen)
{
	struct store_wtxn	*w;
	int			 rc;

	*wp = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		errf(err, errlen, "store: %s", strerror(errno));
		return STORE_ERROR;
	}
	w->s = s;
	if (s->env == NULL)
		rc = MDB_PANIC;
	else
		rc = mdb_txn_begin(s->env, NULL, 0, &w->top);
	if (rc != 0) {
		if (rc == MDB_PANIC)
			s->panic = 1;
		errf(err, errlen, "store: cannot begin a write: %s",
		    mdb_strerror(rc));
		free(w);
		return store_rc(rc);
	}
	rc = meta_get(w->top, s->dbi[DB_META], "seq", &w->seq_meta);
	if (rc == MDB_NOTFOUND)
		w->seq_meta = 1;
	else if (rc != 0) {
		errf(err, errlen, "store: meta: %s", mdb_strerror(rc));
		mdb_txn_abort(w->top);
		free(w);
		return STORE_ERROR;
	}
	/* Memory is ahead of meta after a failed commit; never go back. */
	w->seq = w->seq_meta > s->wseq ? w->seq_meta : s->wseq;
	w->pgno = last_pgno(s);
	*wp = w;
	return STORE_OK;
}

void
store_wraw(struct store_wtxn *w, struct store_raw *raw)
{
	int	i;

	raw->txn = w_txn(w);
	for (i = 0; i < STORE_LOG_MAX; i++)
		raw->dbi[i] = w->s->dbi[DB_LOG_ENTRIES + i];
	raw->gen = 0;
}

int
store_wraw_rc(struct store_wtxn *w, int mdbrc)
{
	return w_fail(w, mdbrc);
}

int
store_rd_raw(struct store_rd *r, struct store_raw *raw)
{
	int	i;

	if (rd_begin(r) == -1)
		return STORE_ERROR;
	raw->txn = r->txn;
	for (i = 0; i < STORE_LOG_MAX; i++)
		raw->dbi[i] = r->s->dbi[DB_LOG_ENTRIES + i];
	raw->gen = r->s->gen;
	return STORE_OK;
}

void
store_rd_raw_end(struct store_rd *r)
{
	rd_end(r);
}

int
store_snapshot(struct store *s, struct store_raw *raw)
{
	int	i;

	if (s->env == NULL ||
	    mdb_txn_begin(s->env, NULL, MDB_RDONLY, &raw->txn) != 0)
		return STORE_ERROR;
	for (i = 0; i < STORE_LOG_MAX; i++)
		raw->dbi[i] = s->dbi[DB_LOG_ENTRIES + i];
	raw->gen = s->gen;
	return STORE_OK;
}

void
store_snapshot_end(struct store_raw *raw)
{
	mdb_txn_abort(raw->txn);
	raw->txn = NULL;
}

static MDB_txn *
w_txn(struct store_wtxn *w)
{
	return w->nest != NULL ? w->nest : w->top;
}

/*
 * Maps an mdb failure; errors other than "not found" and "exists" leave
 * LMDB's transaction unusable, so remember which level they spoiled.
 */
static int
w_fail(struct store_wtxn *w, int rc)
{
	if (rc != 0 && rc != MDB_NOTFOUND && rc != MDB_KEYEXIST) {
		if (w->nest != NULL) {
			if (w->nest_err == 0)
				w->nest_err = rc;
		} else if (w->top_err == 0)
			w->top_err = rc;
	}
	return store_rc(rc);
}

int
store_panicked(const struct store *s)
{
	return s->panic;
}

unsigned
store_wcount_new(const struct store_wtxn *w)
{
	return w->nnew;
}

int
store_wnest(struct store_wtxn *w)
{
	int	rc;

	if (w->nest != NULL || w->top_err != 0)
		return STORE_ERROR;
	if ((rc = mdb_txn_begin(w->s->env, w->top, 0, &w->nest)) != 0) {
		w->nest = NULL;
		return store_rc(rc);
	}
	w->nest_err = 0;
	return STORE_OK;
}

int
store_wunnest(struct store_wtxn *w, int keep)
{
	int	rc = 0;

	if (w->nest == NULL)
		return STORE_ERROR;
	if (!keep || w->nest_err != 0) {
		mdb_txn_abort(w->nest);
		rc = keep ? w->nest_err : 0;
	} else if ((rc = mdb_txn_commit(w->nest)) != 0) {
		/* A failed child commit may leave the parent half-merged. */
		w->top_err = rc;
	} else
		w->nnew += w->nest_new;
	w->nest_new = 0;
	w->nest = NULL;
	w->nest_err = 0;
	return store_rc(rc);
}

/*
 * Pages past the old end of the file were all dirty in a committed txn,
 * so LMDB now holds at least that many page copies. A txn that did not
 * commit dirtied pages for the records it put all the same.
 */
static void
w_grown(struct store_wtxn *w, int committed)
{
	size_t	pgno, bytes;

	if (!committed)
		bytes = w->wbytes;
	else {
		pgno = last_pgno(w->s);
		bytes = pgno > w->pgno && w->pgno != 0 ?
		    (pgno - w->pgno) * w->s->psize : 0;
	}
	/* A reopen put off (writer.c) still frees the largest txn's. */
	if (bytes > w->s->grown)
		w->s->grown = bytes;
}

/* Before the txn ends: LMDB's writer lock still guards s->wseq. */
static void
w_keep_seq(struct store_wtxn *w)
{
	if (w->seq > w->s->wseq)
		w->s->wseq = w->seq;
}

int
store_wcommit(struct store_wtxn *w, char *err, size_t errlen)
{
	int	rc;

	if (w->nest != NULL)
		store_wunnest(w, 0);
	rc = w->top_err;
	if (rc == 0 && w->seq != w->seq_meta)
		rc = meta_put(w->top, w->s->dbi[DB_META], "seq", w->seq);
	w_keep_seq(w);
	if (rc != 0)
		mdb_txn_abort(w->top);
	else
		rc = mdb_txn_commit(w->top);
	if (rc == MDB_PANIC)
		w->s->panic = 1;
	if (rc == EIO && store_disk_full(w->s))
		rc = ENOSPC;
	if (rc != 0)
		store_full_text(w->s, rc, err, errlen);
	w_grown(w, rc == 0);
	free(w);
	return store_rc(rc);
}

void
store_wabort(struct store_wtxn *w)
{
	if (w == NULL)
		return;
	if (w->nest != NULL)
		mdb_txn_abort(w->nest);
	w_keep_seq(w);
	mdb_txn_abort(w->top);
	w_grown(w, 0);
	free(w);
}

int
store_wget_cert(struct store_wtxn *w, const char *number, struct cert *c)
{
	return txn_get_cert(w->s, w_txn(w), number, c, NULL, NULL);
}

int
store_wget_qr(struct store_wtxn *w, const char *number, struct cert *c,
    uint8_t **qr, size_t *qrlen)
{
	return txn_get_cert(w->s, w_txn(w), number, c, qr, qrlen);
}

int
store_wfind_nik(struct store_wtxn *w, const uint8_t hmac[CERT_HMAC_LEN],
    char (*numbers)[CERT_NUMBER_LEN + 1], size_t max, size_t *n)
{
	return txn_find_nik(w->s, w_txn(w), hmac, numbers, max, n);
}

int
store_next_seq(struct store_wtxn *w, uint32_t *seq)
{
	if (w->seq > STORE_SEQ_MAX)
		return STORE_ERROR;
	*seq = (uint32_t)w->seq++;
	return STORE_OK;
}

int
store_bump_seq(struct store_wtxn *w, uint32_t seq)
{
	if ((uint64_t)seq + 1 > w->seq)
		w->seq = (uint64_t)seq + 1;
	return STORE_OK;
}

uint64_t
store_seq_mark(const struct store_wtxn *w)
{
	return w->seq;
}

void
store_seq_rewind(struct store_wtxn *w, uint64_t mark)
{
	if (mark < w->seq)
		w->seq = mark;
}

/* The stored record's status, or -1 when there is none. */
static int
w_old_status(struct store_wtxn *w, MDB_val *k, int *old)
{
	struct cert	*c;
	MDB_val		 d;
	char		 err[CERT_ERR_MAX];
	int		 rc;

	*old = -1;
	rc = mdb_get(w_txn(w), w->s->dbi[DB_CERTS], k, &d);
	if (rc == MDB_NOTFOUND)
		return STORE_OK;
	if (rc != 0)
		return w_fail(w, rc);
	if ((c = malloc(sizeof(*c))) == NULL)
		return STORE_ERROR;
	rc = record_decode(d.mv_data, d.mv_size, c, err, sizeof(err));
	if (rc == 0 && c->status < CERT_STATUS_MAX)
		*old = c->status;
	free(c);
	return rc == 0 ? STORE_OK : STORE_ERROR;
}

static int
w_count_status(struct store_wtxn *w, int old, int new)
{
	MDB_dbi	meta = w->s->dbi[DB_META];
	char	key[32];
	int	rc;

	if (old == new)
		return STORE_OK;
	if (old >= 0) {
		status_key(key, sizeof(key), old);
		if ((rc = meta_add(w_txn(w), meta, key, -1)) != 0)
			return w_fail(w, rc);
	}
	status_key(key, sizeof(key), new);
	if ((rc = meta_add(w_txn(w), meta, key, 1)) != 0)
		return w_fail(w, rc);
	return STORE_OK;
}

static int
w_put_nik(struct store_wtxn *w, const struct cert *c, MDB_val *number)
{
	MDB_val	k;
	int	rc;

	k.mv_data = (void *)c->nik_hmac;
	k.mv_size = CERT_HMAC_LEN;
	rc = mdb_put(w_txn(w), w->s->dbi[DB_NIK], &k, number, MDB_NODUPDATA);
	if (rc == MDB_KEYEXIST)
		rc = 0;
	return w_fail(w, rc);
}

int
store_put_cert(struct store_wtxn *w, const struct cert *c, int is_new,
    const uint8_t *qr, size_t qrlen)
{
	MDB_val	 k, d;
	uint8_t	*buf;
	size_t	 len;
	uint32_t idx;
	int	 old = -1, rc;

	if (key_number(c->number, &k) == -1 || c->status >= CERT_STATUS_MAX)
		return STORE_ERROR;
	if (!is_new && (rc = w_old_status(w, &k, &old)) != STORE_OK)
		return rc;
	if (record_encode(c, &buf, &len) == -1)
		return STORE_ERROR;
	d.mv_data = buf;
	d.mv_size = len;
	rc = mdb_put(w_txn(w), w->s->dbi[DB_CERTS], &k, &d,
	    is_new ? MDB_NOOVERWRITE : 0);
	free(buf);
	w->wbytes += k.mv_size + len + (qr != NULL ? qrlen : 0);
	if (rc != 0)
		return w_fail(w, rc);
	if (is_new && (rc = w_put_nik(w, c, &k)) != STORE_OK)
		return rc;
	if (is_new)
		*(w->nest != NULL ? &w->nest_new : &w->nnew) += 1;
	if (qr != NULL) {
		d.mv_data = (void *)qr;
		d.mv_size = qrlen;
		rc = mdb_put(w_txn(w), w->s->dbi[DB_QR], &k, &d, 0);
		if (rc != 0)
			return w_fail(w, rc);
	}
	if ((rc = w_status_alloc(w, &k, &idx)) != STORE_OK ||
	    (rc = w_status_put(w, idx, &k, c->status, c->expires)) != STORE_OK)
		return rc;
	return w_count_status(w, old, c->status);
}

int
store_add_event(struct store_wtxn *w, struct cert_event *ev)
{
	MDB_dbi		 meta = w->s->dbi[DB_META];
	MDB_val		 k, n, d;
	uint8_t		 key[8], *buf;
	size_t		 len;
	uint64_t	 seq = 1;
	int		 rc;

	if (key_number(ev->number, &n) == -1)
		return STORE_ERROR;
	rc = meta_get(w_txn(w), meta, "event_seq", &seq);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return w_fail(w, rc);
	ev->seq = seq;
	if (event_encode(ev, &buf, &len) == -1)
		return STORE_ERROR;
	store_be64_put(key, seq);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	d.mv_data = buf;
	d.mv_size = len;
	rc = mdb_put(w_txn(w), w->s->dbi[DB_EVENTS], &k, &d, MDB_APPEND);
	free(buf);
	w->wbytes += sizeof(key) + len;
	if (rc == 0)
		rc = mdb_put(w_txn(w), w->s->dbi[DB_CERT_EVENTS], &n, &k, 0);
	if (rc == 0)
		rc = meta_put(w_txn(w), meta, "event_seq", seq + 1);
	return w_fail(w, rc);
}

/*
 * The idem table's key for an idempotency key: a zero byte, then the
 * first IDEM_DIGEST bytes of its SHA-256. A cohort's keys are the file's
 * hash and a line number, 43 bytes or more that sort far from their
 * insertion order; the digest is 17 and halves the table. Stores written
 * before hold the text itself, which never starts with a zero byte:
 * idem_text says some are left, and a lookup that misses tries it too.
 */
#define IDEM_DIGEST	16

/* 0, or STORE_NOTFOUND for a key no store holds, or STORE_ERROR. */
static int
idem_key(const struct store *s, const char *key,
    uint8_t buf[1 + IDEM_DIGEST], MDB_val *k)
{
	uint8_t	h[32];

	k->mv_size = strlen(key);
	if (k->mv_size == 0 ||
	    k->mv_size > (size_t)mdb_env_get_maxkeysize(s->env))
		return STORE_NOTFOUND;
	if (sign_sha256((const uint8_t *)key, k->mv_size, h) == -1)
		return STORE_ERROR;
	buf[0] = 0;
	memcpy(buf + 1, h, IDEM_DIGEST);
	k->mv_data = buf;
	k->mv_size = 1 + IDEM_DIGEST;
	return 0;
}

/* Sets idem_text: digests sort first, so a text key is the last one. */
static int
idem_text_check(struct store *s, MDB_txn *txn)
{
	MDB_cursor	*cur;
	MDB_val		 k, d;
	int		 rc;

	if ((rc = mdb_cursor_open(txn, s->dbi[DB_IDEM], &cur)) != 0)
		return rc;
	rc = mdb_cursor_get(cur, &k, &d, MDB_LAST);
	mdb_cursor_close(cur);
	s->idem_text = rc == 0 && k.mv_size > 0 &&
	    ((const uint8_t *)k.mv_data)[0] != 0;
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int
store_idem_get(struct store_wtxn *w, const char *key,
    char number[CERT_NUMBER_LEN + 1])
{
	MDB_val	k, d;
	uint8_t	buf[1 + IDEM_DIGEST];
	int	rc;

	if ((rc = idem_key(w->s, key, buf, &k)) != 0)
		return rc;
	rc = mdb_get(w_txn(w), w->s->dbi[DB_IDEM], &k, &d);
	if (rc == MDB_NOTFOUND && w->s->idem_text) {
		k.mv_data = (void *)key;
		k.mv_size = strlen(key);
		rc = mdb_get(w_txn(w), w->s->dbi[DB_IDEM], &k, &d);
	}
	if (rc != 0)
		return w_fail(w, rc);
	if (d.mv_size > CERT_NUMBER_LEN)
		return STORE_ERROR;
	memcpy(number, d.mv_data, d.mv_size);
	number[d.mv_size] = '\0';
	return STORE_OK;
}

int
store_idem_put(struct store_wtxn *w, const char *key, const char *number)
{
	MDB_val	k, d;
	uint8_t	buf[1 + IDEM_DIGEST];

	if (idem_key(w->s, key, buf, &k) != 0 ||
	    key_number(number, &d) == -1)
		return STORE_ERROR;
	return w_fail(w, mdb_put(w_txn(w), w->s->dbi[DB_IDEM], &k, &d,
	    MDB_NOOVERWRITE));
}

int
store_blank_get(struct store_wtxn *w, const char *serial, char *val,
    size_t vallen)
{
	MDB_val	k, d;
	int	rc;

	k.mv_data = (void *)serial;
	k.mv_size = strlen(serial);
	if (k.mv_size == 0 ||
	    k.mv_size > (size_t)mdb_env_get_maxkeysize(w->s->env))
		return STORE_ERROR;
	if ((rc = mdb_get(w_txn(w), w->s->dbi[DB_BLANKS], &k, &d)) != 0)
		return w_fail(w, rc);
	if (d.mv_size >= vallen)
		return STORE_ERROR;
	memcpy(val, d.mv_data, d.mv_size);
	val[d.mv_size] = '\0';
	return STORE_OK;
}

int
store_blank_put(struct store_wtxn *w, const char *serial, const char *val)
{
	MDB_val	k, d;

	k.mv_data = (void *)serial;
	k.mv_size = strlen(serial);
	d.mv_data = (void *)val;
	d.mv_size = strlen(val);
	if (k.mv_size == 0 ||
	    k.mv_size > (size_t)mdb_env_get_maxkeysize(w->s->env))
		return STORE_ERROR;
	w->wbytes += k.mv_size + d.mv_size;
	return w_fail(w, mdb_put(w_txn(w), w->s->dbi[DB_BLANKS], &k, &d, 0));
}

/*
 * A correction request as stored: be64 requested, be64 req_seq, be64
 * done, then the correcting number (CERT_NUMBER_LEN bytes, NUL padded).
 */
#define CORR_LEN	(24 + CERT_NUMBER_LEN)

static int
corr_decode(const MDB_val *k, const MDB_val *d, struct store_corr *c)
{
	const uint8_t	*p = d->mv_data;

	if (d->mv_size != CORR_LEN || k->mv_size > CERT_NUMBER_LEN)
		return STORE_ERROR;
	memset(c, 0, sizeof(*c));
	memcpy(c->number, k->mv_data, k->mv_size);
	c->requested = (int64_t)store_be64_get(p);
	c->req_seq = store_be64_get(p + 8);
	c->done = (int64_t)store_be64_get(p + 16);
	memcpy(c->next, p + 24, CERT_NUMBER_LEN);
	c->next[CERT_NUMBER_LEN] = '\0';
	return STORE_OK;
}

int
store_corr_get(struct store_wtxn *w, const char *number,
    struct store_corr *c)
{
	MDB_val	k, d;
	int	rc;

	if (key_number(number, &k) == -1)
		return STORE_NOTFOUND;
	if ((rc = mdb_get(w_txn(w), w->s->dbi[DB_CORR], &k, &d)) != 0)
		return w_fail(w, rc);
	return corr_decode(&k, &d, c);
}

int
store_corr_put(struct store_wtxn *w, const struct store_corr *c)
{
	MDB_val	k, d;
	uint8_t	b[CORR_LEN];

	if (key_number(c->number, &k) == -1)
		return STORE_ERROR;
	memset(b, 0, sizeof(b));
	store_be64_put(b, (uint64_t)c->requested);
	store_be64_put(b + 8, c->req_seq);
	store_be64_put(b + 16, (uint64_t)c->done);
	memcpy(b + 24, c->next, strnlen(c->next, CERT_NUMBER_LEN));
	d.mv_data = b;
	d.mv_size = sizeof(b);
	w->wbytes += k.mv_size + sizeof(b);
	return w_fail(w, mdb_put(w_txn(w), w->s->dbi[DB_CORR], &k, &d, 0));
}

static int
txn_corr_foreach(struct store *s, MDB_txn *txn, store_corr_fn fn, void *arg)
{
	struct store_corr	 c;
	struct cert_event	 ev;
	MDB_cursor		*cur;
	MDB_val			 k, d, seq;
	uint8_t			 key[8];
	int			 rc, src = STORE_OK;

	if ((rc = mdb_cursor_open(txn, s->dbi[DB_CORR], &cur)) != 0)
		return store_rc(rc);
	while ((rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) == 0) {
		if ((src = corr_decode(&k, &d, &c)) != STORE_OK)
			break;
		store_be64_put(key, c.req_seq);
		seq.mv_data = key;
		seq.mv_size = sizeof(key);
		if ((src = txn_get_event(s, txn, &seq, &ev)) != STORE_OK)
			break;
		if ((rc = fn(&c, &ev, arg)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	if (src != STORE_OK)
		return src;
	return rc == MDB_NOTFOUND || rc > 0 ? STORE_OK : store_rc(rc);
}

int
store_corr_foreach(struct store_rd *r, store_corr_fn fn, void *arg)
{
	int	rc;

	if (rd_begin(r) == -1)
		return STORE_ERROR;
	rc = txn_corr_foreach(r->s, r->txn, fn, arg);
	rd_end(r);
	return rc;
}

const char *
store_strerror(int rc)
{
	switch (rc) {
	case STORE_OK:
		return "ok";
	case STORE_NOTFOUND:
		return "not found";
	case STORE_EXISTS:
		return "already exists";
	case STORE_FULL:
		return "store full: writes refused";
	default:
		return "store error";
	}
}

/* Status indices. */

#define STATUS_HEAD	5	/* status_num value: status, be32 expiry */

static void
be32_put(uint8_t b[4], uint32_t v)
{
	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

static uint32_t
be32_get(const uint8_t b[4])
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

/* A status_num record (k the be32 index) into st; -1 if malformed. */
static int
status_decode(const MDB_val *k, const MDB_val *d, struct store_status *st)
{
	const uint8_t	*v = d->mv_data;
	size_t		 n;

	if (k->mv_size != 4 || d->mv_size <= STATUS_HEAD ||
	    d->mv_size > STATUS_HEAD + CERT_NUMBER_LEN)
		return -1;
	n = d->mv_size - STATUS_HEAD;
	st->idx = be32_get(k->mv_data);
	st->status = v[0];
	st->expires = (int32_t)be32_get(v + 1);
	memcpy(st->number, v + STATUS_HEAD, n);
	st->number[n] = '\0';
	return 0;
}

/* The index of number k, then its status_num record. */
static int
txn_status_get(struct store *s, MDB_txn *txn, MDB_val *k,
    struct store_status *st)
{
	MDB_val	i, d;
	int	rc;

	if ((rc = mdb_get(txn, s->dbi[DB_STATUS_IDX], k, &i)) != 0)
		return store_rc(rc);
	if (i.mv_size != 4)
		return STORE_ERROR;
	if ((rc = mdb_get(txn, s->dbi[DB_STATUS_NUM], &i, &d)) != 0)
		return rc == MDB_NOTFOUND ? STORE_ERROR : store_rc(rc);
	return status_decode(&i, &d, st) == -1 ? STORE_ERROR : STORE_OK;
}

static int
w_status_put(struct store_wtxn *w, uint32_t idx, const MDB_val *number,
    int status, int32_t expires)
{
	MDB_val	k, d;
	uint8_t	key[4], val[STATUS_HEAD + CERT_NUMBER_LEN];

	be32_put(key, idx);
	val[0] = (uint8_t)status;
	be32_put(val + 1, (uint32_t)expires);
	memcpy(val + STATUS_HEAD, number->mv_data, number->mv_size);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	d.mv_data = val;
	d.mv_size = STATUS_HEAD + number->mv_size;
	return w_fail(w, mdb_put(w_txn(w), w->s->dbi[DB_STATUS_NUM], &k, &d,
	    0));
}

/*
 * The counter is in meta, in the (nested) txn: a job rolled back gives
 * its index back, which is harmless as nothing committed ever named it.
 */
static int
w_status_alloc(struct store_wtxn *w, MDB_val *number, uint32_t *idx)
{
	MDB_txn		*txn = w_txn(w);
	MDB_dbi		 meta = w->s->dbi[DB_META];
	MDB_val		 d;
	uint8_t		 b[4];
	uint64_t	 next = 0;
	int		 rc;

	rc = mdb_get(txn, w->s->dbi[DB_STATUS_IDX], number, &d);
	if (rc == 0 && d.mv_size == 4) {
		*idx = be32_get(d.mv_data);
		return STORE_OK;
	}
	if (rc == 0)
		return STORE_ERROR;
	if (rc != MDB_NOTFOUND)
		return w_fail(w, rc);
	rc = meta_get(txn, meta, "status_next", &next);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return w_fail(w, rc);
	if (next >= STORE_STATUS_NONE)
		return STORE_FULL;
	*idx = (uint32_t)next;
	be32_put(b, *idx);
	d.mv_data = b;
	d.mv_size = sizeof(b);
	rc = mdb_put(txn, w->s->dbi[DB_STATUS_IDX], number, &d,
	    MDB_NOOVERWRITE);
	if (rc == 0)
		rc = meta_put(txn, meta, "status_next", next + 1);
	if (rc != 0)
		return w_fail(w, rc);
	return w_status_put(w, *idx, number, CERT_STATUS_MAX, 0);
}

int
store_status_idx(struct store_wtxn *w, const char *number, uint32_t *idx)
{
	MDB_val	k;

	if (key_number(number, &k) == -1)
		return STORE_ERROR;
	return w_status_alloc(w, &k, idx);
}

/* Indexes for the certificates of a store made before them, by number. */
static int
backfill_walk(struct store_wtxn *w, struct cert *c, char *err, size_t errlen)
{
	struct store	*s = w->s;
	MDB_cursor	*cur;
	MDB_val		 k, d, i;
	uint32_t	 idx;
	int		 rc;

	if ((rc = mdb_cursor_open(w->top, s->dbi[DB_CERTS], &cur)) != 0)
		return store_rc(rc);
	while ((rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) == 0) {
		if (mdb_get(w->top, s->dbi[DB_STATUS_IDX], &k, &i) == 0)
			continue;
		if (record_decode(d.mv_data, d.mv_size, c, err,
		    errlen) == -1) {
			rc = MDB_CORRUPTED;
			break;
		}
		if ((rc = w_status_alloc(w, &k, &idx)) != STORE_OK ||
		    (rc = w_status_put(w, idx, &k, c->status,
		    c->expires)) != STORE_OK)
			break;
	}
	mdb_cursor_close(cur);
	if (rc == MDB_NOTFOUND)
		return STORE_OK;
	return rc > 0 ? STORE_ERROR : store_rc(rc);
}

static int
status_backfill(struct store *s, char *err, size_t errlen)
{
	struct store_wtxn	*w;
	struct cert		*c;
	MDB_stat		 certs, idx;
	char			 why[CERT_ERR_MAX] = "";
	int			 rc;

	if (store_wbegin(s, &w, err, errlen) != STORE_OK)
		return -1;
	if (mdb_stat(w->top, s->dbi[DB_CERTS], &certs) == 0 &&
	    mdb_stat(w->top, s->dbi[DB_STATUS_IDX], &idx) == 0 &&
	    certs.ms_entries == idx.ms_entries) {
		store_wabort(w);
		return 0;
	}
	if ((c = malloc(sizeof(*c))) == NULL) {
		store_wabort(w);
		errf(err, errlen, "store: %s", strerror(errno));
		return -1;
	}
	rc = backfill_walk(w, c, why, sizeof(why));
	free(c);
	if (rc != STORE_OK) {
		store_wabort(w);
		errf(err, errlen, "store: cannot give the certificates status "
		    "indices: %s", why[0] ? why : store_strerror(rc));
		return -1;
	}
	return store_wcommit(w, err, errlen) == STORE_OK ? 0 : -1;
}

int
store_get_status_idx(struct store_rd *r, const char *number, uint32_t *idx)
{
	MDB_val	k, d;
	int	rc;

	if (key_number(number, &k) == -1)
		return STORE_NOTFOUND;
	if (rd_begin(r) == -1)
		return STORE_ERROR;
	rc = mdb_get(r->txn, r->s->dbi[DB_STATUS_IDX], &k, &d);
	if (rc == 0 && d.mv_size == 4)
		*idx = be32_get(d.mv_data);
	rd_end(r);
	if (rc == 0 && d.mv_size != 4)
		return STORE_ERROR;
	return store_rc(rc);
}

static int
txn_status_walk(struct store *s, MDB_txn *txn, int by_number,
    store_status_fn fn, void *arg)
{
	struct store_status	 st;
	MDB_cursor		*cur;
	MDB_val			 k, d;
	int			 rc;

	rc = mdb_cursor_open(txn, s->dbi[by_number ? DB_STATUS_IDX :
	    DB_STATUS_NUM], &cur);
	if (rc != 0)
		return store_rc(rc);
	memset(&st, 0, sizeof(st));
	st.status = CERT_STATUS_MAX;
	while ((rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) == 0) {
		if (by_number) {
			if (d.mv_size != 4 || k.mv_size > CERT_NUMBER_LEN) {
				rc = MDB_CORRUPTED;
				break;
			}
			st.idx = be32_get(d.mv_data);
			memcpy(st.number, k.mv_data, k.mv_size);
			st.number[k.mv_size] = '\0';
		} else if (status_decode(&k, &d, &st) == -1) {
			rc = MDB_CORRUPTED;
			break;
		}
		if ((rc = fn(&st, arg)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND || rc > 0 ? STORE_OK : store_rc(rc);
}

int
store_status_foreach(struct store_rd *r, store_status_fn fn, void *arg)
{
	int	rc;

	if (rd_begin(r) == -1)
		return STORE_ERROR;
	rc = txn_status_walk(r->s, r->txn, 0, fn, arg);
	rd_end(r);
	return rc;
}

int
store_status_numbers(struct store_rd *r, store_status_fn fn, void *arg)
{
	int	rc;

	if (rd_begin(r) == -1)
		return STORE_ERROR;
	rc = txn_status_walk(r->s, r->txn, 1, fn, arg);
	rd_end(r);
	return rc;
}

static int
txn_status_since(struct store *s, MDB_txn *txn, uint64_t from,
    store_status_fn fn, void *arg)
{
	struct store_status	 st;
	struct cert_event	*ev;
	MDB_cursor		*cur;
	MDB_val			 k, d, n;
	uint8_t			 key[8];
	char			 err[CERT_ERR_MAX];
	int			 rc, src = STORE_OK;

	if ((ev = malloc(sizeof(*ev))) == NULL)
		return STORE_ERROR;
	if ((rc = mdb_cursor_open(txn, s->dbi[DB_EVENTS], &cur)) != 0) {
		free(ev);
		return store_rc(rc);
	}
	store_be64_put(key, from);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	for (rc = mdb_cursor_get(cur, &k, &d, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) {
		if (event_decode(d.mv_data, d.mv_size, ev, err,
		    sizeof(err)) == -1 || key_number(ev->number, &n) == -1) {
			src = STORE_ERROR;
			break;
		}
		src = txn_status_get(s, txn, &n, &st);
		if (src == STORE_NOTFOUND)
			continue;	/* a certificate without an index */
		if (src != STORE_OK || fn(&st, arg) != 0)
			break;
	}
	mdb_cursor_close(cur);
	free(ev);
	if (src != STORE_OK && src != STORE_NOTFOUND)
		return src;
	return rc == 0 || rc == MDB_NOTFOUND ? STORE_OK : store_rc(rc);
}

int
store_status_since(struct store_rd *r, uint64_t from, store_status_fn fn,
    void *arg, uint64_t *next)
{
	int	rc;

	if (rd_begin(r) == -1)
		return STORE_ERROR;
	rc = meta_get(r->txn, r->s->dbi[DB_META], "event_seq", next);
	if (rc == MDB_NOTFOUND) {
		*next = 1;
		rc = 0;
	}
	rc = rc != 0 ? store_rc(rc) : txn_status_since(r->s, r->txn, from,
	    fn, arg);
	rd_end(r);
	return rc;
}

int
store_rd_hold(struct store_rd *r)
{
	if (r->held || rd_begin(r) == -1)
		return STORE_ERROR;
	r->held = 1;
	return STORE_OK;
}

void
store_rd_release(struct store_rd *r)
{
	if (!r->held)
		return;
	r->held = 0;
	rd_end(r);
}

int
store_check_add(struct store_wtxn *w, const char *key, uint64_t n)
{
	return store_check_addv(w, &key, &n, 1);
}

int
store_check_addv(struct store_wtxn *w, const char *const *keys,
    const uint64_t *n, size_t count)
{
	MDB_cursor	*cur;
	MDB_val		 k, d;
	uint8_t		 b[8];
	uint64_t	 v;
	size_t		 i, max = (size_t)mdb_env_get_maxkeysize(w->s->env);
	int		 rc = 0, found;

	if ((rc = mdb_cursor_open(w_txn(w), w->s->dbi[DB_CHECKS], &cur)) != 0)
		return w_fail(w, rc);
	for (i = 0; i < count && rc == 0; i++) {
		k.mv_data = (void *)keys[i];
		k.mv_size = strlen(keys[i]);
		if (k.mv_size == 0 || k.mv_size > max) {
			mdb_cursor_close(cur);
			return STORE_ERROR;
		}
		v = n[i];
		rc = mdb_cursor_get(cur, &k, &d, MDB_SET_KEY);
		if ((found = rc == 0 && d.mv_size == 8))
			v += store_be64_get(d.mv_data);
		else if (rc != 0 && rc != MDB_NOTFOUND)
			break;
		store_be64_put(b, v);
		d.mv_data = b;
		d.mv_size = sizeof(b);
		/* MDB_SET_KEY pointed k into the page the put may change. */
		k.mv_data = (void *)keys[i];
		w->wbytes += k.mv_size + d.mv_size;
		/* Found: the cursor is on it, and the new count is as long. */
		rc = mdb_cursor_put(cur, &k, &d, found ? MDB_CURRENT : 0);
	}
	mdb_cursor_close(cur);
	return rc == 0 ? STORE_OK : w_fail(w, rc);
}

int
store_check_walk(struct store_wtxn *w, store_check_fn fn, void *arg)
{
	MDB_cursor	*cur;
	MDB_val		 k, d;
	char		 key[STORE_CHECK_KEY_MAX + 1];
	int		 rc, op = MDB_FIRST, act;

	if ((rc = mdb_cursor_open(w_txn(w), w->s->dbi[DB_CHECKS], &cur)) != 0)
		return w_fail(w, rc);
	while ((rc = mdb_cursor_get(cur, &k, &d, op)) == 0) {
		op = MDB_NEXT;
		if (k.mv_size > STORE_CHECK_KEY_MAX || d.mv_size != 8)
			continue;
		memcpy(key, k.mv_data, k.mv_size);
		key[k.mv_size] = '\0';
		act = fn(key, store_be64_get(d.mv_data), arg);
		if (act == 1 && (rc = mdb_cursor_del(cur, 0)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? STORE_OK : w_fail(w, rc);
}

int
store_check_foreach(struct store_rd *r, const char *prefix,
    store_check_fn fn, void *arg)
{
	MDB_cursor	*cur;
	MDB_val		 k, d;
	char		 key[STORE_CHECK_KEY_MAX + 1];
	size_t		 plen = strlen(prefix);
	int		 rc, op = MDB_SET_RANGE;

	if (plen == 0 || rd_begin(r) == -1)
		return STORE_ERROR;
	if ((rc = mdb_cursor_open(r->txn, r->s->dbi[DB_CHECKS], &cur)) != 0) {
		rd_end(r);
		return store_rc(rc);
	}
	k.mv_data = (void *)prefix;
	k.mv_size = plen;
	while ((rc = mdb_cursor_get(cur, &k, &d, op)) == 0) {
		op = MDB_NEXT;
		if (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0) {
			rc = MDB_NOTFOUND;
			break;
		}
		if (k.mv_size > STORE_CHECK_KEY_MAX || d.mv_size != 8)
			continue;
		memcpy(key, k.mv_data, k.mv_size);
		key[k.mv_size] = '\0';
		if (fn(key, store_be64_get(d.mv_data), arg) != 0) {
			rc = MDB_NOTFOUND;
			break;
		}
	}
	mdb_cursor_close(cur);
	rd_end(r);
	return rc == MDB_NOTFOUND ? STORE_OK : store_rc(rc);
}

uint64_t
store_reads(struct store *s)
{
	return atomic_load_explicit(&s->reads, memory_order_relaxed);
}

int
store_trim_due(const struct store *s)
{
	return s->env != NULL && s->grown >= STORE_TRIM_BYTES;
}
