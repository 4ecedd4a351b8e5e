/* skkd — SPDX-License-Identifier: ISC */
/*
 * Keeps the log complete about things that are not companion writes:
 * the signing keys, which live in files (skkd rotate-key and retire-key
 * change them, then call this; the daemon calls it at start-up), and,
 * once, the certificates a store held before it had a log (an upgrade).
 * Every call is one write transaction with its checkpoint; a second call
 * with nothing new appends nothing.
 *
 * log_meta records what the log has said about each key: "key/<kid>"
 * holds a byte of TS_* flags, "active" the kid of the last KEY_ROTATE,
 * "created" marks a log that exists (with its backfill done).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certlist.h"
#include "errf.h"
#include "tlogsync.h"

#define TS_ADDED	0x01
#define TS_RETIRED	0x02
#define TS_COMPROMISED	0x04

/* The entry its current status implies after its issue, or 0. */
static unsigned
ts_status_event(const struct cert *c)
{
	switch (c->status) {
	case CERT_SUSPENDED:
		return LOG_SUSPEND;
	case CERT_REVOKED:
		return LOG_REVOKE;
	case CERT_REPLACED:
		return LOG_SUPERSEDE;
	default:
		return 0;
	}
}

/* An issue entry (and one for its status now) per stored certificate. */
static int
ts_backfill(struct store_wtxn *t, const struct certlist *l, int64_t now,
    char *err, size_t errlen)
{
	struct cert	 c;
	uint8_t		*qr;
	size_t		 i, qrlen;
	uint64_t	 index;
	unsigned	 ev;
	uint8_t		 status;
	int		 rc;

	for (i = 0; i < l->n; i++) {
		if ((rc = store_wget_qr(t, l->numbers[i], &c, &qr,
		    &qrlen)) != STORE_OK || qr == NULL) {
			free(qr);
			if (rc == STORE_OK)
				continue;	/* nothing signed to log */
			errf(err, errlen, "log: backfill '%s': %s",
			    l->numbers[i], store_strerror(rc));
			return rc;
		}
		status = c.status;
		ev = ts_status_event(&c);
		c.status = status == CERT_PENDING ? CERT_PENDING : CERT_ACTIVE;
		rc = tlog_cert(t, &c, LOG_ISSUE, LOG_REASON_NONE, NULL, qr,
		    qrlen, now, &index, err, errlen);
		c.status = status;
		if (rc == STORE_OK && ev != 0)
			rc = tlog_cert(t, &c, ev, ev == LOG_SUPERSEDE ?
			    LOG_REASON_NONE : LOG_REASON_OTHER, NULL, qr,
			    qrlen, now, &index, err, errlen);
		free(qr);
		if (rc != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

static int
ts_key_event(struct store_wtxn *t, const struct sign_key *k, unsigned event,
    int64_t now, char *err, size_t errlen)
{
	uint64_t	index;

	return tlog_key(t, event, sign_key_kid(k), sign_key_public(k), now,
	    &index, err, errlen);
}

/* What the log has not said yet about one key. */
static int
ts_key(struct store_wtxn *t, const struct keyring_entry *e, int64_t now,
    char *err, size_t errlen)
{
	char		name[8 + 2 * SIGN_KID_LEN + 1];
	uint8_t		flags = 0, want;
	size_t		len, i;
	int		rc;

	memcpy(name, "key/", 5);
	for (i = 0; i < SIGN_KID_LEN; i++)
		snprintf(name + 4 + 2 * i, 3, "%02x",
		    sign_key_kid(e->key)[i]);
	rc = tlog_meta_get(t, name, &flags, sizeof(flags), &len);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return rc;
	want = TS_ADDED | (e->valid_to != 0 ? TS_RETIRED : 0) |
	    (__atomic_load_n(&e->compromised_at, __ATOMIC_RELAXED) != 0 ?
	    TS_COMPROMISED : 0);
	if (want == flags)
		return STORE_OK;
	if (!(flags & TS_ADDED) &&
	    (rc = ts_key_event(t, e->key, LOG_KEY_ADD, now, err,
	    errlen)) != STORE_OK)
		return rc;
	if ((want & TS_RETIRED) && !(flags & TS_RETIRED) &&
	    (rc = ts_key_event(t, e->key, LOG_KEY_RETIRE, now, err,
	    errlen)) != STORE_OK)
		return rc;
	if ((want & TS_COMPROMISED) && !(flags & TS_COMPROMISED) &&
	    (rc = ts_key_event(t, e->key, LOG_KEY_COMPROMISE, now, err,
	    errlen)) != STORE_OK)
		return rc;
	want |= flags;
	return tlog_meta_put(t, name, &want, sizeof(want));
}

static int
ts_keys(struct store_wtxn *t, const struct keyring *kr,
    const struct sign_key *active, int64_t now, char *err, size_t errlen)
{
	uint8_t	kid[SIGN_KID_LEN];
	size_t	i, len;
	int	rc;

	for (i = 0; i < kr->n; i++)
		if ((rc = ts_key(t, &kr->k[i], now, err, errlen)) != STORE_OK)
			return rc;
	if (active == NULL)
		return STORE_OK;
	rc = tlog_meta_get(t, "active", kid, sizeof(kid), &len);
	if (rc == STORE_OK && len == sizeof(kid) &&
	    memcmp(kid, sign_key_kid(active), sizeof(kid)) == 0)
		return STORE_OK;
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return rc;
	if ((rc = ts_key_event(t, active, LOG_KEY_ROTATE, now, err,
	    errlen)) != STORE_OK)
		return rc;
	return tlog_meta_put(t, "active", sign_key_kid(active), SIGN_KID_LEN);
}

int
tlog_sync(struct store *s, const struct tlog *l, const struct keyring *kr,
    const struct sign_key *active, int64_t now, char *err, size_t errlen)
{
	struct certlist		 list;
	struct store_wtxn	*t;
	uint8_t			 one = 1;
	size_t			 len;
	int			 rc, created;

	memset(&list, 0, sizeof(list));
	if ((rc = store_wbegin(s, &t, err, errlen)) != STORE_OK)
		return rc;
	rc = tlog_meta_get(t, "created", &one, sizeof(one), &len);
	created = rc == STORE_OK;
	store_wabort(t);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		errf(err, errlen, "log: %s", store_strerror(rc));
		return rc;
	}
	/* The certificates an older skkd stored, listed before the write. */
	if (!created) {
		if ((rc = certlist_collect(s, &list)) != STORE_OK) {
			errf(err, errlen, "log: backfill: %s",
			    store_strerror(rc));
			certlist_free(&list);
			return rc;
		}
	}
	if ((rc = store_wbegin(s, &t, err, errlen)) != STORE_OK) {
		certlist_free(&list);
		return rc;
	}
	/* The log as stored must be the one its checkpoint signed. */
	rc = tlog_check(l, t, err, errlen);
	/* Keys first: the certificates' entries name them. */
	if (rc == STORE_OK)
		rc = ts_keys(t, kr, active, now, err, errlen);
	if (rc == STORE_OK && !created) {
		rc = ts_backfill(t, &list, now, err, errlen);
		if (rc == STORE_OK)
			rc = tlog_meta_put(t, "created", &one, sizeof(one));
	}
	certlist_free(&list);
	if (rc == STORE_OK)
		rc = tlog_current_build(t, err, errlen);
	if (rc == STORE_OK)
		rc = tlog_checkpoint(l, t, err, errlen);
	if (rc != STORE_OK) {
		if (err[0] == '\0')
			errf(err, errlen, "log: %s", store_strerror(rc));
		store_wabort(t);
		return rc;
	}
	return store_wcommit(t, err, errlen);
}

/*
 * The daemon's start-up. tlog_check reads every entry of the log, which
 * takes seconds at millions of them; on a restart with nothing new for
 * the log (the keys as it has them, its backfill and index done, its
 * checkpoint at its size) it is left to the caller, who must then have
 * tlog_check_snapshot pass before anything is written. To know, a write
 * transaction does all tlog_sync would but the check, and is aborted:
 * nothing was new if the log's tables and checkpoint did not change.
 */
int
tlog_sync_start(struct store *s, const struct tlog *l,
    const struct keyring *kr, const struct sign_key *active, int64_t now,
    int *check, char *err, size_t errlen)
{
	struct store_wtxn	*t;
	uint64_t		 before[TLOG_COUNTS], after[TLOG_COUNTS];
	uint8_t			 one;
	size_t			 len;
	int			 rc;

	*check = 0;
	if ((rc = store_wbegin(s, &t, err, errlen)) != STORE_OK)
		return rc;
	rc = tlog_meta_get(t, "created", &one, sizeof(one), &len);
	if (rc == STORE_OK)
		rc = tlog_counts(t, before);
	if (rc == STORE_OK)
		rc = ts_keys(t, kr, active, now, err, errlen);
	if (rc == STORE_OK)
		rc = tlog_current_build(t, err, errlen);
	if (rc == STORE_OK)
		rc = tlog_checkpoint(l, t, err, errlen);
	if (rc == STORE_OK)
		rc = tlog_counts(t, after);
	store_wabort(t);
	if (rc == STORE_OK && memcmp(before, after, sizeof(before)) == 0) {
		*check = 1;
		return STORE_OK;
	}
	err[0] = '\0';
	return tlog_sync(s, l, kr, active, now, err, errlen);
}
