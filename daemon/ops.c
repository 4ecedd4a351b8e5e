/* skkd — SPDX-License-Identifier: ISC */
/*
 * The write operations: issue, set status, record LPJK number, renew.
 * Each is checked on the worker's loop as far as it can be without the
 * store, then runs on the writer thread inside the group transaction
 * (allocating numbers, signing, storing record + payload + audit event
 * together), and is answered from the loop once the commit is durable.
 */

#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "metrics.h"
#include "ops.h"
#include "qrpay.h"
#include "record.h"
#include "skkd.h"
#include "store.h"

#define OPS_TRIM_ITEMS	1000	/* batches this big trim the heap after */
#define IDEM_MAX	64
#define STAGE_MAX_ITEMS	200000			/* a staged batch, in all */
#define STAGE_MAX_BYTES	(256u * 1024 * 1024)	/* of records on the wire */
#define PROBLEMS_MAX	1000			/* reported per refusal */
#define HOLDER_MAX	16			/* certificates looked at per NIK */
#define ISSUE_SIGNERS	8			/* signing threads, at most */
#define ISSUE_PARALLEL_MIN 64			/* items worth the threads */

struct issue_item {
	struct cert	 c;
	char		 idem[IDEM_MAX + 1];
	uint8_t		*cose;		/* signed payload, for the URL */
	size_t		 coselen;
	int		 reused;	/* the idempotency key named it */
};

/* One problem with one item of a batch, by its index in the batch. */
struct op_problem {
	size_t		 index;
	char		 msg[CERT_ERR_MAX + 64];
};

/* One ISSUE request of a batch: answered with its own items. */
struct op_chunk {
	uint64_t	 id;
	size_t		 first, n;
};

/*
 * A batch larger than one frame, staged on its connection until the
 * final chunk (MORE absent) submits it as one job. Every chunk is answered
 * after the commit, so no answer has to carry the whole batch.
 */
struct op_stage {
	char			 batch[IDEM_MAX + 1];
	struct issue_item	*items;
	size_t			 n, cap, bytes;
	struct op_chunk		*chunks;
	size_t			 nchunks, chunkcap;
};

struct op_job {
	struct djob		 dj;
	enum wire_type		 type;
	enum wire_err		 werr;		/* why the job failed, if it did */
	char			 msg[256];
	char			 actor[CERT_TEXT_MAX + 1];
	char			 serial[CERT_SHORT_MAX + 1];
	int64_t			 now;
	struct timespec		 started;	/* for the latency metric */

	/* set status, LPJK, renew */
	char			 number[CERT_NUMBER_LEN + 1];
	uint8_t			 target;
	char			 reason[CERT_TEXT_MAX + 1];
	char			 lpjk[CERT_SHORT_MAX + 1];
	struct cert		 over;		/* renew: overrides */
	int			 has_over;
	struct cert		 out;		/* the record after the job */

	/* issue, and the new certificate of a renewal (n = 1) */
	size_t			 n;
	struct issue_item	*items;
	int			 batch;		/* refuse NIKs already holding */
	int			 dryrun;
	struct op_chunk		*chunks;	/* the requests to answer */
	size_t			 nchunks;
	struct op_problem	*probs;
	size_t			 nprobs;
};

static void	op_finish(struct djob *);

int
ops_nik_hmac(const char *nik, uint8_t out[CERT_HMAC_LEN])
{
	return sign_hmac_sha256(skkd->nik_secret, SKKD_NIK_SECRET_LEN,
	    (const uint8_t *)nik, strlen(nik), out);
}

static struct op_job *
op_new(enum wire_type type, const struct wire_msg *msg,
    const struct tls_peer *peer, wjob_run_fn run)
{
	struct op_job	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->type = type;
	j->dj.id = wire_id(msg);
	j->dj.wj.run = run;
	j->dj.finish = op_finish;
	j->now = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &j->started);
	snprintf(j->actor, sizeof(j->actor), "%s", peer->subject);
	snprintf(j->serial, sizeof(j->serial), "%s", peer->serial);
	return j;
}

static void
op_free(struct op_job *j)
{
	size_t	i;

	for (i = 0; i < j->n; i++)
		free(j->items[i].cose);
	free(j->items);
	free(j->probs);
	free(j->chunks);
	free(j);
}

/* Adds a problem to a list of at most PROBLEMS_MAX; -1 when it is full. */
static int
op_problem_add(struct op_problem **pp, size_t *np, size_t index,
    const char *msg)
{
	if (*np == PROBLEMS_MAX)
		return -1;
	if (*pp == NULL && (*pp = calloc(PROBLEMS_MAX, sizeof(**pp))) == NULL)
		return -1;
	(*pp)[*np].index = index;
	snprintf((*pp)[*np].msg, sizeof((*pp)[*np].msg), "%s", msg);
	(*np)++;
	return 0;
}

/* An ERROR naming the first problem, with ITEMS [{COUNT, ERRMSG}] for all. */
static void
op_reply_problems(struct conn *c, uint64_t id, enum wire_err werr,
    const struct op_problem *p, size_t n)
{
	struct wire_msg	*m, *it;
	char		 msg[CERT_ERR_MAX + 128];
	size_t		 i;

	snprintf(msg, sizeof(msg), "item %zu: %s%s", p[0].index, p[0].msg,
	    n > 1 ? " (and more problems)" : "");
	if ((m = wire_msg_new(WIRE_ERROR, id)) == NULL ||
	    wire_put_uint(m, WK_ERR, werr) == -1 ||
	    wire_put_str(m, WK_ERRMSG, msg) == -1) {
		wire_msg_free(m);
		conn_reply_error(c, id, werr, "%s", msg);
		return;
	}
	for (i = 0; i < n; i++) {
		if ((it = wire_put_item(m, WK_ITEMS)) == NULL ||
		    wire_put_uint(it, WK_COUNT, p[i].index) == -1 ||
		    wire_put_str(it, WK_ERRMSG, p[i].msg) == -1)
			break;
	}
	conn_reply(c, m);
}

static int
op_fail(struct op_job *j, enum wire_err werr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
op_fail(struct op_job *j, enum wire_err werr, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(j->msg, sizeof(j->msg), fmt, ap);
	va_end(ap);
	j->werr = werr;
	j->dj.wj.rc = STORE_ERROR;
	return -1;
}

/* Maps a store failure inside a job. */
static int
op_store_fail(struct op_job *j, int rc)
{
	if (rc == STORE_FULL)
		return op_fail(j, WERR_STORE_FULL, "%s", store_strerror(rc));
	return op_fail(j, WERR_INTERNAL, "store: %s", store_strerror(rc));
}

static int
op_event(struct store_wtxn *t, struct op_job *j, const struct cert *c,
    enum event_kind kind, const char *detail)
{
	struct cert_event	ev;
	int			rc;

	memset(&ev, 0, sizeof(ev));
	ev.at = j->now;
	ev.kind = kind;
	ev.status = c->status;
	snprintf(ev.number, sizeof(ev.number), "%s", c->number);
	snprintf(ev.actor, sizeof(ev.actor), "%s", j->actor);
	snprintf(ev.serial, sizeof(ev.serial), "%s", j->serial);
	snprintf(ev.reason, sizeof(ev.reason), "%s", j->reason);
	snprintf(ev.detail, sizeof(ev.detail), "%s", detail);
	if ((rc = store_add_event(t, &ev)) != STORE_OK)
		return op_store_fail(j, rc);
	return 0;
}

/* Issuance. */

static int
issue_year(int32_t issued)
{
	char	d[11];

	date_format(issued, d);
	return atoi(d);
}

/* Fills what the daemon decides and checks the whole record. */
static int
issue_complete(struct cert *c, int64_t now, char *err, size_t errlen)
{
	char	saved[CERT_NUMBER_LEN + 1];
	int	rc;

	snprintf(c->issuer_name, sizeof(c->issuer_name), "%s",
	    skkd->conf.issuer_name);
	snprintf(c->issuer_licence, sizeof(c->issuer_licence), "%s",
	    skkd->conf.issuer_licence);
	if (c->issued == 0)
		c->issued = date_today(now);
	if (c->expires == 0)
		c->expires = cert_default_expiry(c->issued);
	c->status = c->lpjk_regno[0] ? CERT_ACTIVE : CERT_PENDING;
	c->status_at = now;
	c->successor[0] = '\0';
	cert_fill_job(c);
	/* Check the rest with a stand-in for a number still to allocate. */
	snprintf(saved, sizeof(saved), "%s", c->number);
	if (saved[0] == '\0')
		cert_format_number(c->number, skkd->kbli, skkd->kbji,
		    c->jenjang, 0, issue_year(c->issued));
	rc = cert_validate(c, err, errlen);
	snprintf(c->number, sizeof(c->number), "%s", saved);
	return rc;
}

static int
issue_prepare(const struct wire_msg *m, struct issue_item *it, int64_t now,
    char *err, size_t errlen)
{
	const uint8_t	*rec;
	size_t		 reclen;
	char		 nik[CERT_NIK_LEN + 2];
	int		 rc;

	if (wire_check_keys(m, WK_BIT(WK_RECORD) | WK_BIT(WK_NIK) |
	    WK_BIT(WK_IDEM), err, errlen) == -1)
		return -1;
	if (wire_get_bytes(m, WK_RECORD, &rec, &reclen) == -1) {
		snprintf(err, errlen, "record missing");
		return -1;
	}
	if (record_decode(rec, reclen, &it->c, err, errlen) == -1)
		return -1;
	if (wire_get_str(m, WK_NIK, nik, sizeof(nik)) == -1) {
		snprintf(err, errlen, "nik: missing or longer than 16 digits");
		return -1;
	}
	rc = cert_check_nik(nik, err, errlen);
	if (rc == 0 && (rc = ops_nik_hmac(nik, it->c.nik_hmac)) == -1)
		snprintf(err, errlen, "nik: cannot compute its index key");
	explicit_bzero(nik, sizeof(nik));
	if (rc == -1)
		return -1;
	if (wire_has(m, WK_IDEM) &&
	    wire_get_str(m, WK_IDEM, it->idem, sizeof(it->idem)) == -1) {
		snprintf(err, errlen, "idem: not text of 1-%d bytes", IDEM_MAX);
		return -1;
	}
	return issue_complete(&it->c, now, err, errlen);
}

static int
issue_sign(struct op_job *j, struct issue_item *it)
{
	struct qr_claims	 cl;
	struct sign_key		*key;

	/* SIGHUP may swap the key: the kid and the signature must agree. */
	key = __atomic_load_n(&skkd->signkey, __ATOMIC_ACQUIRE);
	memcpy(it->c.kid, sign_key_kid(key), SIGN_KID_LEN);
	qrpay_claims_from_cert(&cl, &it->c);
	if (qrpay_sign(key, &cl, &it->cose, &it->coselen) == -1)
		return op_fail(j, WERR_INTERNAL, "cannot sign %s",
		    it->c.number);
	return 0;
}

static int
issue_number(struct store_wtxn *t, struct op_job *j, struct cert *c)
{
	uint32_t	seq;
	int		rc;

	if (c->number[0] != '\0') {
		rc = store_bump_seq(t, (uint32_t)cert_number_seq(c->number));
	} else if ((rc = store_next_seq(t, &seq)) == STORE_OK)
		cert_format_number(c->number, skkd->kbli, skkd->kbji,
		    c->jenjang, seq, issue_year(c->issued));
	return rc == STORE_OK ? 0 : op_store_fail(j, rc);
}

/*
 * An item whose idempotency key is known: it gets the certificate issued
 * then. 1 if so, 0 if the item is new, -1 on failure.
 */
static int
issue_reuse(struct store_wtxn *t, struct op_job *j, size_t i)
{
	struct issue_item	*it = &j->items[i];
	char			 number[CERT_NUMBER_LEN + 1];

	if (it->idem[0] == '\0' || store_idem_get(t, it->idem,
	    number) != STORE_OK)
		return 0;
	it->reused = 1;
	if (store_wget_qr(t, number, &it->c, &it->cose,
	    &it->coselen) != STORE_OK)
		return op_fail(j, WERR_INTERNAL, "item %zu: idempotency key "
		    "names a missing certificate", i);
	return 1;
}

static int
issue_store(struct store_wtxn *t, struct op_job *j, size_t i,
    const char *detail);

/* On the writer thread. */
static int
issue_one(struct store_wtxn *t, struct op_job *j, size_t i,
    const char *detail)
{
	struct issue_item	*it = &j->items[i];
	int			 rc;

	if ((rc = issue_reuse(t, j, i)) != 0)
		return rc == 1 ? 0 : -1;
	if (issue_number(t, j, &it->c) == -1 || issue_sign(j, it) == -1)
		return -1;
	return issue_store(t, j, i, detail);
}

/* Stores a numbered, signed item with its event and idempotency key. */
static int
issue_store(struct store_wtxn *t, struct op_job *j, size_t i,
    const char *detail)
{
	struct issue_item	*it = &j->items[i];
	int			 rc;

	rc = store_put_cert(t, &it->c, 1, it->cose, it->coselen);
	if (rc == STORE_EXISTS)
		return op_fail(j, WERR_CONFLICT, "item %zu: number '%s' is "
		    "already issued", i, it->c.number);
	if (rc != STORE_OK)
		return op_store_fail(j, rc);
	if (op_event(t, j, &it->c, EVENT_ISSUE, detail) == -1)
		return -1;
	if (it->idem[0] && (rc = store_idem_put(t, it->idem,
	    it->c.number)) != STORE_OK)
		return op_store_fail(j, rc);
	return 0;
}

static void
batch_problem(struct op_job *j, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
batch_problem(struct op_job *j, size_t i, const char *fmt, ...)
{
	va_list	ap;
	char	msg[CERT_ERR_MAX + 64];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	op_problem_add(&j->probs, &j->nprobs, i, msg);
}

/* Does the item's NIK already hold a live certificate for its job? */
static int
batch_check_holder(struct store_wtxn *t, struct op_job *j, size_t i)
{
	struct issue_item	*it = &j->items[i];
	char			 nums[HOLDER_MAX][CERT_NUMBER_LEN + 1];
	size_t			 n, k;
	int			 rc;

	if ((rc = store_wfind_nik(t, it->c.nik_hmac, nums, HOLDER_MAX,
	    &n)) != STORE_OK)
		return op_store_fail(j, rc);
	for (k = 0; k < n && k < HOLDER_MAX; k++) {
		if (store_wget_cert(t, nums[k], &j->out) != STORE_OK)
			continue;
		if ((j->out.status == CERT_ACTIVE ||
		    j->out.status == CERT_PENDING) &&
		    strcmp(j->out.job_code, it->c.job_code) == 0)
			batch_problem(j, i, "nik: already holds %s "
			    "certificate %s for %s",
			    cert_status_name(j->out.status), j->out.number,
			    it->c.job_code);
	}
	return 0;
}

/* Checks a whole batch before anything is written. */
static int
batch_check(struct store_wtxn *t, struct op_job *j)
{
	struct issue_item	*it;
	char			 number[CERT_NUMBER_LEN + 1];
	size_t			 i;

	for (i = 0; i < j->n; i++) {
		it = &j->items[i];
		if (it->idem[0] && store_idem_get(t, it->idem,
		    number) == STORE_OK)
			continue;	/* issued by an earlier run */
		if (it->c.number[0] != '\0' && store_wget_cert(t,
		    it->c.number, &j->out) == STORE_OK)
			batch_problem(j, i, "number: '%s' is already issued",
			    it->c.number);
		if (batch_check_holder(t, j, i) == -1)
			return -1;
	}
	if (j->nprobs > 0)
		return op_fail(j, WERR_CONFLICT, "item %zu: %s",
		    j->probs[0].index, j->probs[0].msg);
	return 0;
}

/* One signing thread's share of a batch: every nth item from first. */
struct sign_share {
	struct op_job	*j;
	size_t		 first, step;
	int		 failed;
	pthread_t	 thread;
};

static void *
issue_sign_share(void *arg)
{
	struct sign_share	*sh = arg;
	struct issue_item	*it;
	struct qr_claims	 cl;
	struct sign_key		*key;
	size_t			 i;

	key = __atomic_load_n(&skkd->signkey, __ATOMIC_ACQUIRE);
	for (i = sh->first; i < sh->j->n; i += sh->step) {
		it = &sh->j->items[i];
		if (it->reused)
			continue;
		memcpy(it->c.kid, sign_key_kid(key), SIGN_KID_LEN);
		qrpay_claims_from_cert(&cl, &it->c);
		if (qrpay_sign(key, &cl, &it->cose,
		    &it->coselen) == -1)
			sh->failed = 1;
	}
	return NULL;
}

/*
 * Signing is most of the cost of a large batch and needs nothing from
 * the transaction once numbers are allocated, so it is spread over the
 * CPUs; the writer thread takes a share itself.
 */
static int
issue_sign_all(struct op_job *j)
{
	struct sign_share	sh[ISSUE_SIGNERS];
	long			ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t			n, k, started = 1;
	int			failed = 0;

	n = ncpu < 1 ? 1 : ncpu > ISSUE_SIGNERS ? ISSUE_SIGNERS : (size_t)ncpu;
	for (k = 0; k < n; k++)
		sh[k] = (struct sign_share){ j, k, n, 0, 0 };
	for (k = 1; k < n; k++, started++)
		if (pthread_create(&sh[k].thread, NULL, issue_sign_share,
		    &sh[k]) != 0)
			break;
	/* Shares whose thread did not start are signed here. */
	for (k = started; k < n; k++)
		issue_sign_share(&sh[k]);
	issue_sign_share(&sh[0]);
	for (k = 1; k < started; k++)
		pthread_join(sh[k].thread, NULL);
	for (k = 0; k < n; k++)
		failed |= sh[k].failed;
	return failed ? op_fail(j, WERR_INTERNAL, "cannot sign") : 0;
}

/* Large batches: numbers in order, signatures in parallel, then stores. */
static int
issue_run_batch(struct store_wtxn *t, struct op_job *j)
{
	size_t	i;
	int	rc;

	for (i = 0; i < j->n; i++) {
		if ((rc = issue_reuse(t, j, i)) == -1)
			return -1;
		if (rc == 0 && issue_number(t, j, &j->items[i].c) == -1)
			return -1;
	}
	if (issue_sign_all(j) == -1)
		return -1;
	for (i = 0; i < j->n; i++)
		if (!j->items[i].reused && issue_store(t, j, i, "") == -1)
			return -1;
	return 0;
}

static int
issue_run(struct store_wtxn *t, struct wjob *wj)
{
	struct op_job	*j = wj->arg;
	size_t		 i;

	if (j->batch && batch_check(t, j) == -1)
		return -1;
	if (j->dryrun)
		return 0;
	if (j->n >= ISSUE_PARALLEL_MIN)
		return issue_run_batch(t, j);
	for (i = 0; i < j->n; i++)
		if (issue_one(t, j, i, "") == -1)
			return -1;
	return 0;
}

static void
stage_free(void *arg)
{
	struct op_stage	*st = arg;
	size_t		 i;

	if (st == NULL)
		return;
	for (i = 0; i < st->n; i++)
		free(st->items[i].cose);
	free(st->items);
	free(st->chunks);
	free(st);
}

static int
stage_add_chunk(struct op_stage *st, uint64_t id, size_t first, size_t n)
{
	struct op_chunk	*nc;

	if (st->nchunks == st->chunkcap) {
		st->chunkcap = st->chunkcap ? st->chunkcap * 2 : 16;
		if ((nc = reallocarray(st->chunks, st->chunkcap,
		    sizeof(*nc))) == NULL)
			return -1;
		st->chunks = nc;
	}
	st->chunks[st->nchunks].id = id;
	st->chunks[st->nchunks].first = first;
	st->chunks[st->nchunks++].n = n;
	return 0;
}

/* The chunks staged before a refused one still need their answers. */
static void
stage_abandon(struct conn *c, const struct op_stage *st, uint64_t refused)
{
	size_t	k;

	for (k = 0; k < st->nchunks; k++)
		conn_reply_error(c, st->chunks[k].id, WERR_INVALID, "issue: "
		    "batch abandoned: request %llu was refused",
		    (unsigned long long)refused);
}

/* Ends the connection's batch, if any, answering what it staged. */
static void
stage_drop(struct conn *c, uint64_t refused)
{
	struct op_stage	*st = conn_stage(c);

	if (st != NULL)
		stage_abandon(c, st, refused);
	stage_free(st);
	conn_set_stage(c, NULL, NULL);
}


/* Makes room for n more items; -1 on allocation failure. */
static int
stage_grow(struct op_stage *st, size_t n)
{
	struct issue_item	*ni;
	size_t			 cap = st->cap ? st->cap : 256;

	while (cap < st->n + n)
		cap *= 2;
	if (cap == st->cap)
		return 0;
	if ((ni = reallocarray(st->items, cap, sizeof(*ni))) == NULL)
		return -1;
	memset(ni + st->cap, 0, (cap - st->cap) * sizeof(*ni));
	st->items = ni;
	st->cap = cap;
	return 0;
}

/* Prepares the chunk's items after those staged; problems are collected. */
static int
stage_add(struct op_stage *st, const struct wire_msg *msg, int64_t now,
    struct op_problem **probs, size_t *nprobs)
{
	const struct wire_msg	*m;
	const uint8_t		*rec;
	size_t			 i, n = wire_list_len(msg, WK_ITEMS), len;
	char			 err[CERT_ERR_MAX + 32];

	if (stage_grow(st, n) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		m = wire_list_get(msg, WK_ITEMS, i);
		if (wire_get_bytes(m, WK_RECORD, &rec, &len) == 0)
			st->bytes += len + IDEM_MAX;
		if (issue_prepare(m, &st->items[st->n + i], now, err,
		    sizeof(err)) == -1 &&
		    op_problem_add(probs, nprobs, st->n + i, err) == -1)
			break;
	}
	st->n += n;
	return 0;
}

/* BATCH, MORE and DRYRUN: 0, or -1 with the reason in err. */
static int
issue_batch_opts(const struct wire_msg *msg, char *batch, uint64_t *more,
    uint64_t *dry, char *err, size_t errlen)
{
	*more = *dry = 0;
	batch[0] = '\0';
	if (wire_has(msg, WK_BATCH) && (wire_get_str(msg, WK_BATCH, batch,
	    IDEM_MAX + 1) == -1 || batch[0] == '\0')) {
		snprintf(err, errlen, "batch: not text of 1-%d bytes", IDEM_MAX);
		return -1;
	}
	if ((wire_has(msg, WK_MORE) && wire_get_uint(msg, WK_MORE, more) == -1) ||
	    (wire_has(msg, WK_DRYRUN) && wire_get_uint(msg, WK_DRYRUN,
	    dry) == -1) || *more > 1 || *dry > 1) {
		snprintf(err, errlen, "more, dryrun: expected 0 or 1");
		return -1;
	}
	if (batch[0] == '\0' && (*more || *dry)) {
		snprintf(err, errlen, "more, dryrun: only with a batch id");
		return -1;
	}
	return 0;
}

/* The stage this chunk belongs to: the connection's, or a new one. */
static struct op_stage *
issue_stage(struct conn *c, const char *batch, uint64_t id)
{
	struct op_stage	*st = conn_stage(c);

	if (st != NULL && batch[0] != '\0' && strcmp(st->batch, batch) == 0)
		return st;
	stage_drop(c, id);	/* another batch: the old one is abandoned */
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return NULL;
	snprintf(st->batch, sizeof(st->batch), "%s", batch);
	if (batch[0] != '\0')
		conn_set_stage(c, st, stage_free);
	return st;
}

/*
 * A chunk may say where it starts (COUNT: items before it); a chunk after
 * a refused one then cannot start a shorter batch of its own.
 */
static int
issue_in_order(const struct wire_msg *msg, const struct op_stage *st)
{
	uint64_t	first;

	if (!wire_has(msg, WK_COUNT))
		return 1;
	return wire_get_uint(msg, WK_COUNT, &first) == 0 && first == st->n;
}

struct stage_key {
	const char	*key;
	size_t		 i;
};

static int
stage_key_cmp(const void *a, const void *b)
{
	const struct stage_key	*x = a, *y = b;
	int			 c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * Two items of one batch with the same idempotency key or the same
 * supplied number would collide inside the transaction: name both.
 */
static int
stage_dups(const struct op_stage *st, int by_number,
    struct op_problem **probs, size_t *nprobs)
{
	struct stage_key	*k;
	size_t			 i, n = 0;
	char			 msg[CERT_ERR_MAX];
	int			 rc = 0;

	if ((k = calloc(st->n ? st->n : 1, sizeof(*k))) == NULL)
		return -1;
	for (i = 0; i < st->n; i++) {
		k[n].key = by_number ? st->items[i].c.number : st->items[i].idem;
		k[n].i = i;
		if (k[n].key[0] != '\0')
			n++;
	}
	qsort(k, n, sizeof(*k), stage_key_cmp);
	for (i = 1; i < n && rc == 0 && *nprobs < PROBLEMS_MAX; i++) {
		if (strcmp(k[i - 1].key, k[i].key) != 0)
			continue;
		snprintf(msg, sizeof(msg), "%s: the same as item %zu",
		    by_number ? "number" : "idem", k[i - 1].i);
		rc = op_problem_add(probs, nprobs, k[i].i, msg);
	}
	free(k);
	return rc;
}

/* Hands the staged items to a job; the stage is emptied and freed. */
static void
issue_submit(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer, struct op_stage *st, uint64_t dry)
{
	struct op_job	*j;

	if ((j = op_new(WIRE_ISSUE, msg, peer, issue_run)) == NULL) {
		conn_reply_error(c, wire_id(msg), WERR_INTERNAL, "out of memory");
		return;
	}
	j->items = st->items;
	j->n = st->n;
	j->chunks = st->chunks;
	j->nchunks = st->nchunks;
	st->chunks = NULL;
	st->nchunks = 0;
	j->batch = st->batch[0] != '\0';
	j->dryrun = dry != 0;
	st->items = NULL;
	st->n = 0;
	conn_submit(c, &j->dj);
}

void
ops_issue(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer)
{
	struct op_stage		*st;
	struct op_problem	*probs = NULL;
	size_t			 nprobs = 0, n = wire_list_len(msg, WK_ITEMS);
	size_t			 first;
	uint64_t		 more, dry;
	char			 batch[IDEM_MAX + 1], err[CERT_ERR_MAX];

	if (issue_batch_opts(msg, batch, &more, &dry, err, sizeof(err)) == -1) {
		stage_drop(c, wire_id(msg));
		conn_reply_error(c, wire_id(msg), WERR_INVALID, "issue: %s",
		    err);
		return;
	}
	if (n == 0 || n > skkd->conf.max_batch) {
		stage_drop(c, wire_id(msg));
		conn_reply_error(c, wire_id(msg), n ? WERR_TOO_BIG :
		    WERR_INVALID, "issue: %zu items (1-%u allowed)", n,
		    skkd->conf.max_batch);
		return;
	}
	if ((st = issue_stage(c, batch, wire_id(msg))) == NULL) {
		conn_reply_error(c, wire_id(msg), WERR_INTERNAL, "out of memory");
		return;
	}
	first = st->n;
	if (!issue_in_order(msg, st))
		conn_reply_error(c, wire_id(msg), WERR_INVALID, "issue: batch "
		    "chunk out of order (%zu items staged)", st->n);
	else if (stage_add(st, msg, time(NULL), &probs, &nprobs) == -1 ||
	    stage_add_chunk(st, wire_id(msg), first, n) == -1 ||
	    (!more && (stage_dups(st, 0, &probs, &nprobs) == -1 ||
	    stage_dups(st, 1, &probs, &nprobs) == -1)))
		conn_reply_error(c, wire_id(msg), WERR_INTERNAL, "out of memory");
	else if (nprobs > 0)
		op_reply_problems(c, wire_id(msg), WERR_INVALID, probs, nprobs);
	else if (st->n > STAGE_MAX_ITEMS || st->bytes > STAGE_MAX_BYTES)
		conn_reply_error(c, wire_id(msg), WERR_TOO_BIG, "issue: batch "
		    "over %u items or %u bytes", STAGE_MAX_ITEMS,
		    STAGE_MAX_BYTES);
	else if (more)
		return;		/* answered with the rest after the commit */
	else
		issue_submit(c, msg, peer, st, dry);
	free(probs);
	if (st->nchunks > 0 && st->chunks[st->nchunks - 1].id == wire_id(msg))
		st->nchunks--;	/* this request has had its answer */
	/* Refused or submitted: nothing stays staged. */
	if (batch[0] != '\0')
		stage_drop(c, wire_id(msg));
	else
		stage_free(st);
}

/* Status changes. */

static int
status_allowed(struct op_job *j, const struct cert *c)
{
	if (c->status == CERT_REVOKED)
		return op_fail(j, WERR_CONFLICT, "'%s' is revoked; revocation "
		    "is final", c->number);
	if (c->status == CERT_REPLACED)
		return op_fail(j, WERR_CONFLICT, "'%s' was replaced by '%s'",
		    c->number, c->successor);
	if (j->target == CERT_SUSPENDED && c->status != CERT_ACTIVE)
		return op_fail(j, WERR_CONFLICT, "'%s' is %s; only an active "
		    "certificate can be suspended", c->number,
		    cert_status_name(c->status));
	if (j->target == CERT_ACTIVE && c->status != CERT_SUSPENDED)
		return op_fail(j, WERR_CONFLICT, "'%s' is %s; only a suspended "
		    "certificate can be reinstated", c->number,
		    cert_status_name(c->status));
	return 0;
}

static int
op_load(struct store_wtxn *t, struct op_job *j)
{
	int	rc;

	rc = store_wget_cert(t, j->number, &j->out);
	if (rc == STORE_NOTFOUND)
		return op_fail(j, WERR_NOT_FOUND, "no certificate '%s'",
		    j->number);
	return rc == STORE_OK ? 0 : op_store_fail(j, rc);
}

static int
op_save(struct store_wtxn *t, struct op_job *j, struct cert *c,
    enum event_kind kind, const char *detail)
{
	int	rc;

	c->status_at = j->now;
	if ((rc = store_put_cert(t, c, 0, NULL, 0)) != STORE_OK)
		return op_store_fail(j, rc);
	return op_event(t, j, c, kind, detail);
}

static int
status_run(struct store_wtxn *t, struct wjob *wj)
{
	struct op_job	*j = wj->arg;

	if (op_load(t, j) == -1 || status_allowed(j, &j->out) == -1)
		return -1;
	j->out.status = j->target;
	return op_save(t, j, &j->out, EVENT_STATUS, "");
}

static int
op_get_number(const struct wire_msg *msg, char *number, char *err,
    size_t errlen)
{
	if (wire_get_str(msg, WK_NUMBER, number, CERT_NUMBER_LEN + 1) == -1) {
		snprintf(err, errlen, "number: missing or longer than %d "
		    "characters", CERT_NUMBER_LEN);
		return -1;
	}
	return cert_check_number(number, err, errlen);
}

static int
status_prepare(struct op_job *j, const struct wire_msg *msg, char *err,
    size_t errlen)
{
	uint64_t	target;

	if (op_get_number(msg, j->number, err, errlen) == -1)
		return -1;
	if (wire_get_uint(msg, WK_STATUS, &target) == -1 ||
	    (target != CERT_ACTIVE && target != CERT_SUSPENDED &&
	    target != CERT_REVOKED)) {
		snprintf(err, errlen, "status: expected active (reinstate), "
		    "suspended or revoked");
		return -1;
	}
	j->target = target;
	if (wire_get_str(msg, WK_REASON, j->reason, sizeof(j->reason)) == -1 ||
	    j->reason[0] == '\0') {
		snprintf(err, errlen, "reason: required, 1-%d bytes",
		    CERT_TEXT_MAX);
		return -1;
	}
	return cert_check_text("reason", j->reason, CERT_TEXT_MAX, err, errlen);
}

static void
op_start(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer, enum wire_type type, wjob_run_fn run,
    int (*prepare)(struct op_job *, const struct wire_msg *, char *, size_t))
{
	struct op_job	*j;
	char		 err[CERT_ERR_MAX];

	if ((j = op_new(type, msg, peer, run)) == NULL) {
		conn_reply_error(c, wire_id(msg), WERR_INTERNAL, "out of memory");
		return;
	}
	/* Never answer with stack bytes should a check forget its reason. */
	snprintf(err, sizeof(err), "request refused");
	if (prepare(j, msg, err, sizeof(err)) == -1) {
		conn_reply_error(c, wire_id(msg), WERR_INVALID, "%s: %s",
		    wire_type_name(type), err);
		op_free(j);
		return;
	}
	conn_submit(c, &j->dj);
}

void
ops_set_status(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer)
{
	op_start(c, msg, peer, WIRE_SET_STATUS, status_run, status_prepare);
}

/* LPJK recording: PENDING -> ACTIVE, or a correction on ACTIVE. */

static int
lpjk_run(struct store_wtxn *t, struct wjob *wj)
{
	struct op_job	*j = wj->arg;

	if (op_load(t, j) == -1)
		return -1;
	if (j->out.status != CERT_PENDING && j->out.status != CERT_ACTIVE)
		return op_fail(j, WERR_CONFLICT, "'%s' is %s; the LPJK number "
		    "is recorded on pending or active certificates",
		    j->number, cert_status_name(j->out.status));
	snprintf(j->out.lpjk_regno, sizeof(j->out.lpjk_regno), "%s", j->lpjk);
	j->out.status = CERT_ACTIVE;
	return op_save(t, j, &j->out, EVENT_LPJK, j->lpjk);
}

static int
lpjk_prepare(struct op_job *j, const struct wire_msg *msg, char *err,
    size_t errlen)
{
	if (op_get_number(msg, j->number, err, errlen) == -1)
		return -1;
	if (wire_get_str(msg, WK_LPJK, j->lpjk, sizeof(j->lpjk)) == -1 ||
	    j->lpjk[0] == '\0') {
		snprintf(err, errlen, "lpjk_number: required, 1-%d bytes",
		    CERT_SHORT_MAX);
		return -1;
	}
	return cert_check_text("lpjk_number", j->lpjk, CERT_SHORT_MAX, err,
	    errlen);
}

void
ops_record_lpjk(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer)
{
	op_start(c, msg, peer, WIRE_RECORD_LPJK, lpjk_run, lpjk_prepare);
}

/* Renewal: a new certificate for the same holder; the old one REPLACED. */

static void
renew_apply(struct cert *nc, const struct cert *old, const struct cert *o,
    int has_over)
{
	*nc = *old;
	nc->number[0] = nc->lpjk_regno[0] = nc->successor[0] = '\0';
	nc->issued = nc->expires = 0;
	nc->apptype = CERT_APP_RENEWAL;
	snprintf(nc->predecessor, sizeof(nc->predecessor), "%s", old->number);
	if (!has_over)
		return;
	if (o->issued)
		nc->issued = o->issued;
	if (o->expires)
		nc->expires = o->expires;
	if (o->event[0])
		snprintf(nc->event, sizeof(nc->event), "%s", o->event);
	if (o->organiser[0])
		snprintf(nc->organiser, sizeof(nc->organiser), "%s",
		    o->organiser);
	if (o->lpjk_regno[0])
		snprintf(nc->lpjk_regno, sizeof(nc->lpjk_regno), "%s",
		    o->lpjk_regno);
	if (o->job_code[0] && (strcmp(o->job_code, old->job_code) != 0 ||
	    (o->jenjang && o->jenjang != old->jenjang))) {
		/* An upgrade or change of job: titles come from the new code. */
		snprintf(nc->job_code, sizeof(nc->job_code), "%s", o->job_code);
		nc->jenjang = o->jenjang ? o->jenjang : old->jenjang;
		nc->job_title_id[0] = nc->job_title_en[0] = '\0';
		nc->apptype = CERT_APP_CHANGE;
	}
}

static int
renew_run(struct store_wtxn *t, struct wjob *wj)
{
	struct op_job	*j = wj->arg;
	struct cert	*nc = &j->items[0].c;
	char		 err[CERT_ERR_MAX], detail[CERT_TEXT_MAX + 1];

	if (op_load(t, j) == -1)
		return -1;
	if (j->out.status == CERT_REVOKED || j->out.status == CERT_REPLACED) {
		j->target = CERT_REPLACED;
		return status_allowed(j, &j->out);
	}
	renew_apply(nc, &j->out, &j->over, j->has_over);
	if (issue_complete(nc, j->now, err, sizeof(err)) == -1)
		return op_fail(j, WERR_INVALID, "renew: %s", err);
	snprintf(detail, sizeof(detail), "renewal of %s", j->out.number);
	if (issue_one(t, j, 0, detail) == -1)
		return -1;
	j->out.status = CERT_REPLACED;
	snprintf(j->out.successor, sizeof(j->out.successor), "%s", nc->number);
	return op_save(t, j, &j->out, EVENT_RENEW, nc->number);
}

static int
renew_prepare(struct op_job *j, const struct wire_msg *msg, char *err,
    size_t errlen)
{
	const uint8_t	*rec;
	size_t		 len;

	if (op_get_number(msg, j->number, err, errlen) == -1)
		return -1;
	if ((j->items = calloc(1, sizeof(*j->items))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	j->n = 1;
	if (wire_has(msg, WK_REASON) && (wire_get_str(msg, WK_REASON,
	    j->reason, sizeof(j->reason)) == -1 || cert_check_text("reason",
	    j->reason, CERT_TEXT_MAX, err, errlen) == -1)) {
		snprintf(err, errlen, "reason: not text of 1-%d bytes",
		    CERT_TEXT_MAX);
		return -1;
	}
	if (!wire_has(msg, WK_RECORD))
		return 0;
	j->has_over = 1;
	if (wire_get_bytes(msg, WK_RECORD, &rec, &len) == -1) {
		snprintf(err, errlen, "record: not a byte string");
		return -1;
	}
	return record_decode(rec, len, &j->over, err, errlen);
}

void
ops_renew(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer)
{
	op_start(c, msg, peer, WIRE_RENEW, renew_run, renew_prepare);
}

/* Answers, on the connection's loop after the commit. */

static int
finish_item(struct wire_msg *m, const struct issue_item *it)
{
	char	url[QRPAY_URL_MAX];

	if (wire_put_str(m, WK_NUMBER, it->c.number) == -1 ||
	    wire_put_uint(m, WK_STATUS, it->c.status) == -1)
		return -1;
	if (it->cose != NULL && qrpay_url(skkd->conf.public_host, it->cose,
	    it->coselen, url, sizeof(url)) == 0 &&
	    wire_put_str(m, WK_URL, url) == -1)
		return -1;
	if (it->reused && wire_put_str(m, WK_DETAIL, "reused") == -1)
		return -1;
	return 0;
}

static int
finish_answer(struct op_job *j, struct wire_msg *ans)
{
	switch (j->type) {
	case WIRE_RENEW:
		if (wire_put_str(ans, WK_PREV, j->number) == -1)
			return -1;
		return finish_item(ans, &j->items[0]);
	default:
		if (wire_put_str(ans, WK_NUMBER, j->out.number) == -1 ||
		    wire_put_uint(ans, WK_STATUS, j->out.status) == -1)
			return -1;
		return 0;
	}
}

static void
op_log(const struct op_job *j)
{
	size_t	i;

	for (i = 0; i < j->n && i < 3; i++)
		log_info("%s %s by %s", wire_type_name(j->type),
		    j->items[i].c.number, j->actor);
	if (j->n > 3)
		log_info("%s: %zu certificates in all by %s",
		    wire_type_name(j->type), j->n, j->actor);
	if (j->n == 0)
		log_info("%s %s -> %s by %s", wire_type_name(j->type),
		    j->out.number, cert_status_name(j->out.status), j->actor);
}

/* An ISSUE answer for one chunk: its items, or COUNT for a dry run. */
static int
finish_chunk(const struct op_job *j, const struct op_chunk *ch,
    struct wire_msg *ans)
{
	struct wire_msg	*it;
	size_t		 i;

	if (j->dryrun)
		return wire_put_uint(ans, WK_COUNT, j->n);
	for (i = ch->first; i < ch->first + ch->n && i < j->n; i++) {
		if ((it = wire_put_item(ans, WK_ITEMS)) == NULL ||
		    finish_item(it, &j->items[i]) == -1)
			return -1;
	}
	return 0;
}

/*
 * Every request of an issue batch gets its answer; on a refusal the
 * first carries the problems and the others point to it.
 */
static void
finish_issue(struct op_job *j, struct conn *c)
{
	struct wire_msg	*ans;
	size_t		 k;

	for (k = 0; k < j->nchunks && conn_alive(c); k++) {
		if (j->werr != WERR_OK && k == 0 && j->nprobs > 0)
			op_reply_problems(c, j->chunks[k].id, j->werr,
			    j->probs, j->nprobs);
		else if (j->werr != WERR_OK && k == 0)
			conn_reply_error(c, j->chunks[k].id, j->werr, "%s",
			    j->msg);
		else if (j->werr != WERR_OK)
			conn_reply_error(c, j->chunks[k].id, j->werr, "issue: "
			    "batch refused (see request %llu)",
			    (unsigned long long)j->chunks[0].id);
		else if ((ans = wire_msg_new(WIRE_ISSUE,
		    j->chunks[k].id)) == NULL || finish_chunk(j,
		    &j->chunks[k], ans) == -1) {
			wire_msg_free(ans);
			conn_reply_error(c, j->chunks[k].id, WERR_INTERNAL,
			    "out of memory (the write was committed)");
		} else
			conn_reply(c, ans);
	}
}

/* A write's latency runs from the request to its answer after the commit. */
static void
op_timed(const struct op_job *j)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	metrics_request(MEP_PROTO_WRITE, -1,
	    (uint64_t)(t.tv_sec - j->started.tv_sec) * 1000000 +
	    (t.tv_nsec - j->started.tv_nsec) / 1000);
}

static void
op_finish(struct djob *dj)
{
	struct op_job	*j = (struct op_job *)dj;
	int		 big;
	struct wire_msg	*ans;
	struct conn	*c = dj->conn;

	if (j->werr == WERR_OK && dj->wj.rc != STORE_OK)
		op_fail(j, dj->wj.rc == STORE_FULL ? WERR_STORE_FULL :
		    WERR_INTERNAL, "%s", dj->wj.err);
	if (j->type == WIRE_ISSUE) {
		if (j->werr != WERR_OK)
			log_info("issue refused: %s", j->msg);
		else
			op_log(j);
		finish_issue(j, c);
	} else if (j->werr != WERR_OK) {
		log_info("%s refused: %s", wire_type_name(j->type), j->msg);
		if (conn_alive(c) && j->nprobs > 0)
			op_reply_problems(c, dj->id, j->werr, j->probs,
			    j->nprobs);
		else if (conn_alive(c))
			conn_reply_error(c, dj->id, j->werr, "%s", j->msg);
	} else {
		op_log(j);
		if (conn_alive(c)) {
			if ((ans = wire_msg_new(j->type, dj->id)) == NULL ||
			    finish_answer(j, ans) == -1) {
				wire_msg_free(ans);
				conn_reply_error(c, dj->id, WERR_INTERNAL,
				    "out of memory (the write was committed)");
			} else
				conn_reply(c, ans);
		}
	}
	op_timed(j);
	big = j->n >= OPS_TRIM_ITEMS;
	op_free(j);
	/* A cohort leaves megabytes free in the heap: give them back. */
	if (big)
		malloc_trim(0);
}
