/* skkd — SPDX-License-Identifier: ISC */
/*
 * Issuance. An ISSUE request is read once into a struct issue_req and its
 * items into the connection's stage, where the chunks of one batch gather
 * until the last (MORE absent) submits them all as one job. On the writer
 * thread a batch is checked whole (numbers and NIKs already holding), then
 * every item is numbered, signed (in parallel when the batch is large) and
 * stored with its audit event and idempotency key; each chunk is answered
 * with its own items after the commit.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bgthread.h"
#include "issue.h"
#include "rate.h"
#include "tlog.h"
#include "log.h"
#include "pipeline.h"
#include "qrpay.h"
#include "record.h"
#include "skkd.h"
#include "stage.h"
#include "store.h"

#define STAGE_MAX_ITEMS	200000			/* a staged batch, in all */
#define STAGE_MAX_BYTES	(256u * 1024 * 1024)	/* of records on the wire */
#define HOLDER_MAX	16			/* certificates looked at per NIK */
#define ISSUE_PARALLEL_MIN 64			/* items worth the threads */
#define ISSUE_ANSWER_USEC 500 			/* loop time answers take */
#define ISSUE_READ_USEC	500			/* and reading items, a turn */

/* An ISSUE request as read; its items are read one by one when staged. */
struct issue_req {
	uint64_t		 id;
	char			 batch[ISSUE_IDEM_MAX + 1];	/* "" alone */
	uint64_t		 more, dry;
	int			 has_count;	/* COUNT was sent */
	int			 count_bad;	/* ... but is no uint */
	uint64_t		 count;		/* items before this chunk */
	size_t			 n;		/* ITEMS */
	const struct wire_msg	*msg;		/* for the ITEMS; borrowed */
};

/* The job of an ISSUE: the staged items, taken over from the stage. */
struct issue_job {
	struct op_job		 op;
	struct issue_item	*items;
	size_t			 n;
	int			 batch;		/* refuse NIKs already holding */
	int			 dryrun;
	struct stage_chunk	*chunks;	/* the requests to answer */
	size_t			 nchunks;
	size_t			 answered;	/* chunks answered so far */
	struct op_problem	*probs;
	size_t			 nprobs;
	struct cert		 held;		/* a certificate looked at */
	struct conn_turn	 turn;		/* answers going out in turns */
};

/* Reading the request. */

/* TYPE, ID, BATCH, MORE, DRYRUN, COUNT; -1 with the reason in err. */
static int
issue_req_read(const struct wire_msg *msg, struct issue_req *rq, char *err,
    size_t errlen)
{
	memset(rq, 0, sizeof(*rq));
	rq->id = wire_id(msg);
	rq->msg = msg;
	rq->n = wire_list_len(msg, WK_ITEMS);
	if ((rq->has_count = wire_has(msg, WK_COUNT)))
		rq->count_bad = wire_get_uint(msg, WK_COUNT, &rq->count) == -1;
	if (wire_has(msg, WK_BATCH) && (wire_get_str(msg, WK_BATCH, rq->batch,
	    sizeof(rq->batch)) == -1 || rq->batch[0] == '\0')) {
		snprintf(err, errlen, "batch: not text of 1-%d bytes",
		    ISSUE_IDEM_MAX);
		return -1;
	}
	if ((wire_has(msg, WK_MORE) &&
	    wire_get_uint(msg, WK_MORE, &rq->more) == -1) ||
	    (wire_has(msg, WK_DRYRUN) &&
	    wire_get_uint(msg, WK_DRYRUN, &rq->dry) == -1) ||
	    rq->more > 1 || rq->dry > 1) {
		snprintf(err, errlen, "more, dryrun: expected 0 or 1");
		return -1;
	}
	if (rq->batch[0] == '\0' && (rq->more || rq->dry)) {
		snprintf(err, errlen, "more, dryrun: only with a batch id");
		return -1;
	}
	return 0;
}

static int
issue_year(int32_t issued)
{
	char	d[11];

	date_format(issued, d);
	return atoi(d);
}

int
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

/* One item {RECORD, NIK, IDEM?} into it; -1 with the reason in err. */
static int
issue_item_read(const struct wire_msg *m, struct issue_item *it, int64_t now,
    char *err, size_t errlen)
{
	const uint8_t	*rec;
	size_t		 reclen;
	char		 nik[CERT_NIK_LEN + 2];
	int		 rc;

	if (wire_check_keys(m, WK_BIT(WK_RECORD) | WK_BIT(WK_NIK) |
	    WK_BIT(WK_IDEM), err, errlen) == -1)
		return -1;
	/* First, so that an item refused still has its duplicates named. */
	if (wire_has(m, WK_IDEM) &&
	    wire_get_str(m, WK_IDEM, it->idem, sizeof(it->idem)) == -1) {
		snprintf(err, errlen, "idem: not text of 1-%d bytes",
		    ISSUE_IDEM_MAX);
		return -1;
	}
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
	return issue_complete(&it->c, now, err, errlen);
}

/* Signing, numbering and storing, on the writer thread. */

static int
issue_sign_with(struct sign_key *key, struct issue_item *it)
{
	struct qr_claims	cl;

	memcpy(it->c.kid, sign_key_kid(key), SIGN_KID_LEN);
	qrpay_claims_from_cert(&cl, &it->c);
	cl.has_status_idx = 1;
	cl.status_idx = it->status_idx;
	return qrpay_sign(key, &cl, &it->cose, &it->coselen);
}

static int
issue_sign(struct op_job *j, struct issue_item *it)
{
	struct sign_key	*key;

	/* SIGHUP may swap the key: the kid and the signature must agree. */
	key = __atomic_load_n(&skkd->signkey, __ATOMIC_ACQUIRE);
	if (issue_sign_with(key, it) == -1)
		return op_fail(j, WERR_INTERNAL, "cannot sign %s",
		    it->c.number);
	return 0;
}

/* Numbers c unless it came numbered, and gives it its status index. */
static int
issue_number(struct store_wtxn *t, struct op_job *j, struct cert *c,
    uint32_t *status_idx)
{
	uint32_t	seq;
	int		rc;

	if (c->number[0] != '\0') {
		rc = store_bump_seq(t, (uint32_t)cert_number_seq(c->number));
	} else if ((rc = store_next_seq(t, &seq)) == STORE_OK)
		cert_format_number(c->number, skkd->kbli, skkd->kbji,
		    c->jenjang, seq, issue_year(c->issued));
	if (rc == STORE_OK)
		rc = store_status_idx(t, c->number, status_idx);
	return rc == STORE_OK ? 0 : op_store_fail(j, rc);
}

/*
 * An item whose idempotency key is known: it gets the certificate issued
 * then. 1 if so, 0 if the item is new, -1 on failure.
 */
static int
issue_reuse(struct store_wtxn *t, struct op_job *j, struct issue_item *it,
    size_t i)
{
	char	number[CERT_NUMBER_LEN + 1];

	if (it->idem[0] == '\0' || store_idem_get(t, it->idem,
	    number) != STORE_OK)
		return 0;
	it->reused = 1;
	it->log_index = TLOG_NO_INDEX;
	if (store_wget_qr(t, number, &it->c, &it->cose,
	    &it->coselen) != STORE_OK)
		return op_fail(j, WERR_INTERNAL, "item %zu: idempotency key "
		    "names a missing certificate", i);
	return 1;
}

/* Stores a numbered, signed item with its event and idempotency key. */
static int
issue_store(struct store_wtxn *t, struct op_job *j, struct issue_item *it,
    size_t i, const char *detail)
{
	int	rc;

	rc = store_put_cert(t, &it->c, 1, it->cose, it->coselen);
	if (rc == STORE_EXISTS)
		return op_fail(j, WERR_CONFLICT, "item %zu: number '%s' is "
		    "already issued", i, it->c.number);
	if (rc != STORE_OK)
		return op_store_fail(j, rc);
	if (op_event(t, j, &it->c, EVENT_ISSUE, detail, it->cose,
	    it->coselen, &it->log_index) == -1)
		return -1;
	if (it->idem[0] && (rc = store_idem_put(t, it->idem,
	    it->c.number)) != STORE_OK)
		return op_store_fail(j, rc);
	return 0;
}

int
issue_one(struct store_wtxn *t, struct op_job *j, struct issue_item *it,
    size_t i, const char *detail)
{
	int	rc;

	if ((rc = issue_reuse(t, j, it, i)) != 0)
		return rc == 1 ? 0 : -1;
	if (issue_number(t, j, &it->c, &it->status_idx) == -1 ||
	    issue_sign(j, it) == -1)
		return -1;
	return issue_store(t, j, it, i, detail);
}

static void
batch_problem(struct issue_job *j, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
batch_problem(struct issue_job *j, size_t i, const char *fmt, ...)
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
batch_check_holder(struct store_wtxn *t, struct issue_job *j, size_t i)
{
	struct issue_item	*it = &j->items[i];
	char			 nums[HOLDER_MAX][CERT_NUMBER_LEN + 1];
	size_t			 n, k;
	int			 rc;

	if ((rc = store_wfind_nik(t, it->c.nik_hmac, nums, HOLDER_MAX,
	    &n)) != STORE_OK)
		return op_store_fail(&j->op, rc);
	for (k = 0; k < n && k < HOLDER_MAX; k++) {
		if (store_wget_cert(t, nums[k], &j->held) != STORE_OK)
			continue;
		if ((j->held.status == CERT_ACTIVE ||
		    j->held.status == CERT_PENDING) &&
		    strcmp(j->held.job_code, it->c.job_code) == 0)
			batch_problem(j, i, "nik: already holds %s "
			    "certificate %s for %s",
			    cert_status_name(j->held.status), j->held.number,
			    it->c.job_code);
	}
	return 0;
}

/* Checks item i of a batch; problems are collected. -1 on a store error. */
static int
batch_check_item(struct store_wtxn *t, struct issue_job *j, size_t i)
{
	struct issue_item	*it = &j->items[i];

	if (it->c.number[0] != '\0' && store_wget_cert(t, it->c.number,
	    &j->held) == STORE_OK)
		batch_problem(j, i, "number: '%s' is already issued",
		    it->c.number);
	return batch_check_holder(t, j, i);
}

/* The first problem found, as the job's failure; 0 when there is none. */
static int
batch_refuse(struct issue_job *j)
{
	if (j->nprobs > 0)
		return op_fail(&j->op, WERR_CONFLICT, "item %zu: %s",
		    j->probs[0].index, j->probs[0].msg);
	return 0;
}

/* Checks item i unless an earlier run issued it; -1 on a store error. */
static int
batch_check_new(struct store_wtxn *t, struct issue_job *j, size_t i)
{
	char	number[CERT_NUMBER_LEN + 1];

	if (j->items[i].idem[0] && store_idem_get(t, j->items[i].idem,
	    number) == STORE_OK)
		return 0;
	return batch_check_item(t, j, i);
}

/* Checks a whole batch before anything is written. */
static int
batch_check(struct store_wtxn *t, struct issue_job *j)
{
	size_t	i;

	for (i = 0; i < j->n; i++)
		if (batch_check_new(t, j, i) == -1)
			return -1;
	return batch_refuse(j);
}

/* A large batch's signing step (pipeline.h), on a background thread. */
static int
issue_sign_item(void *arg, size_t i)
{
	struct issue_job	*j = arg;
	struct issue_item	*it = &j->items[i];
	struct sign_key		*key;

	if (it->reused)
		return 0;
	key = __atomic_load_n(&skkd->signkey, __ATOMIC_ACQUIRE);
	return issue_sign_with(key, it);
}

/* Checks (a batch) and numbers item i, or takes what its key names. */
static int
issue_prepare(struct store_wtxn *t, struct issue_job *j, size_t i)
{
	struct issue_item	*it = &j->items[i];
	int			 rc;

	/* After a problem, only checking goes on: nothing will be stored. */
	if (j->nprobs > 0)
		return batch_check_new(t, j, i);
	if ((rc = issue_reuse(t, &j->op, it, i)) != 0)
		return rc == 1 ? 0 : -1;
	if (j->batch && batch_check_item(t, j, i) == -1)
		return -1;
	if (j->nprobs > 0)
		return 0;
	return issue_number(t, &j->op, &it->c, &it->status_idx);
}

/*
 * Large batches: checked and numbered in order, each item signed on the
 * pipeline's threads as soon as it has its number (signing is most of a
 * batch's cost and needs nothing from the transaction), and stored as
 * soon as it is signed. The signing threads run at background priority:
 * phones' handshakes and verifications on the workers go first, and the
 * writer keeps its own.
 */
static int
issue_run_batch(struct store_wtxn *t, struct issue_job *j)
{
	struct pipeline	pl;
	uint64_t	mark = store_seq_mark(t);
	size_t		i;

	if (pipe_start(&pl, j->n, issue_sign_item, j) == -1)
		return op_fail(&j->op, WERR_INTERNAL, "out of memory");
	for (i = 0; i < j->n; i++) {
		if (issue_prepare(t, j, i) == -1)
			goto fail;
		if (j->nprobs == 0)
			pipe_release(&pl, i + 1);
	}
	if (batch_refuse(j) == -1) {
		/* As if checked first: the items numbered are dropped. */
		store_seq_rewind(t, mark);
		goto fail;
	}
	for (i = 0; i < j->n; i++) {
		if (pipe_take(&pl, i) == -1) {
			op_fail(&j->op, WERR_INTERNAL, "cannot sign");
			goto fail;
		}
		if (!j->items[i].reused &&
		    issue_store(t, &j->op, &j->items[i], i, "") == -1)
			goto fail;
	}
	pipe_end(&pl, 0);
	return 0;
fail:
	pipe_end(&pl, 1);
	return -1;
}

static int
issue_run(struct store_wtxn *t, struct wjob *wj)
{
	struct issue_job	*j = wj->arg;
	size_t			 i;

	if (j->n >= ISSUE_PARALLEL_MIN && !j->dryrun)
		return issue_run_batch(t, j);
	if (j->batch && batch_check(t, j) == -1)
		return -1;
	if (j->dryrun)
		return 0;
	for (i = 0; i < j->n; i++)
		if (issue_one(t, &j->op, &j->items[i], i, "") == -1)
			return -1;
	return 0;
}

/* The stage, on the loop. */

/*
 * Reads the chunk's items after those staged, from *next on; problems are
 * collected. 0 when all are read, 1 when the loop's turn is over first
 * (*next says where to go on), -1 out of memory. A chunk of 2,000 rows
 * is about 10 ms of reading: in turns of ISSUE_READ_USEC, phones'
 * answers on the same loop wait for one turn, not for the chunk.
 */
static int
stage_add(struct stage *st, const struct issue_req *rq, int64_t now,
    size_t *next, struct op_problem **probs, size_t *nprobs)
{
	const struct wire_msg	*m;
	const uint8_t		*rec;
	size_t			 i, len;
	uint64_t		 end = rate_now() + ISSUE_READ_USEC;
	char			 err[CERT_ERR_MAX + 32];

	if (*next == 0 && stage_grow(st, rq->n) == -1)
		return -1;
	for (i = *next; i < rq->n; i++) {
		if (i > *next && i % 16 == 0 && rate_now() >= end) {
			*next = i;
			return 1;
		}
		m = wire_list_get(rq->msg, WK_ITEMS, i);
		if (wire_get_bytes(m, WK_RECORD, &rec, &len) == 0)
			st->bytes += len + ISSUE_IDEM_MAX;
		if (issue_item_read(m, &st->items[st->n + i], now, err,
		    sizeof(err)) == -1 &&
		    op_problem_add(probs, nprobs, st->n + i, err) == -1)
			break;
	}
	*next = rq->n;
	st->n += rq->n;
	return stage_index(st, st->n - rq->n);
}

/* Answers, on the loop after the commit. */

int
issue_put_item(struct wire_msg *m, const struct issue_item *it,
    const struct conn *c)
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
	if (conn_version(c) >= 2 && it->log_index != TLOG_NO_INDEX &&
	    wire_put_uint(m, WK_LOGINDEX, it->log_index) == -1)
		return -1;
	return 0;
}

/* An ISSUE answer for one chunk: its items, or COUNT for a dry run. */
static int
issue_put_chunk(const struct issue_job *j, const struct stage_chunk *ch,
    struct wire_msg *ans, const struct conn *c)
{
	struct wire_msg	*it;
	size_t		 i;

	if (j->dryrun)
		return wire_put_uint(ans, WK_COUNT, j->n);
	for (i = ch->first; i < ch->first + ch->n && i < j->n; i++) {
		if ((it = wire_put_item(ans, WK_ITEMS)) == NULL ||
		    issue_put_item(it, &j->items[i], c) == -1)
			return -1;
	}
	return 0;
}

/*
 * Every request of an issue batch gets its answer; on a refusal the
 * first carries the problems and the others point to it. A cohort of
 * 100,000 is a third of a second of encoding: chunks are answered until
 * ISSUE_ANSWER_USEC have passed, then the loop serves its other clients
 * (phones' handshakes) before the next turn. 1 if chunks remain.
 */
static int
issue_answer(struct issue_job *j, struct conn *c)
{
	struct wire_msg	*ans;
	enum wire_err	 werr = j->op.werr;
	uint64_t	 end = rate_now() + ISSUE_ANSWER_USEC;
	size_t		 k;

	for (; j->answered < j->nchunks && conn_alive(c); j->answered++) {
		k = j->answered;
		if (werr != WERR_OK && k == 0 && j->nprobs > 0)
			op_reply_problems(c, j->chunks[k].id, werr,
			    j->probs, j->nprobs);
		else if (werr != WERR_OK && k == 0)
			conn_reply_error(c, j->chunks[k].id, werr, "%s",
			    j->op.msg);
		else if (werr != WERR_OK)
			conn_reply_error(c, j->chunks[k].id, werr, "issue: "
			    "batch refused (see request %llu)",
			    (unsigned long long)j->chunks[0].id);
		else if ((ans = wire_msg_new(WIRE_ISSUE,
		    j->chunks[k].id)) == NULL || issue_put_chunk(j,
		    &j->chunks[k], ans, c) == -1) {
			wire_msg_free(ans);
			conn_reply_error(c, j->chunks[k].id, WERR_INTERNAL,
			    "out of memory (the write was committed)");
		} else
			conn_reply(c, ans);
		if (k + 1 < j->nchunks && rate_now() >= end) {
			j->answered++;
			return 1;
		}
	}
	return 0;
}

static void
issue_answer_cb(struct conn *c, void *arg)
{
	struct issue_job	*j = arg;

	if (conn_alive(c) && issue_answer(j, c) == 1) {
		conn_yield(c, &j->turn, issue_answer_cb, j);
		return;
	}
	op_done(&j->op, j->n);
}

static void
issue_log(const struct issue_job *j)
{
	const char	*what = wire_type_name(j->op.type);
	size_t		 i;

	for (i = 0; i < j->n && i < 3; i++)
		log_info("%s %s by %s", what, j->items[i].c.number,
		    j->op.actor);
	if (j->n > 3)
		log_info("%s: %zu certificates in all by %s", what, j->n,
		    j->op.actor);
}

static void
issue_finish(struct djob *dj)
{
	struct issue_job	*j = (struct issue_job *)dj;

	op_settle(&j->op);
	if (j->op.werr != WERR_OK)
		log_info("issue refused: %s", j->op.msg);
	else
		issue_log(j);
	if (conn_alive(dj->conn) && issue_answer(j, dj->conn) == 1) {
		conn_yield(dj->conn, &j->turn, issue_answer_cb, j);
		return;
	}
	op_done(&j->op, j->n);
}

static void
issue_release(struct op_job *op)
{
	struct issue_job	*j = (struct issue_job *)op;

	stage_items_free(j->items, j->n);
	free(j->probs);
	free(j->chunks);
}

/* The request. */

/* Hands the staged items to a job; the stage is left empty. */
static void
issue_submit(struct conn *c, const struct issue_req *rq,
    const struct tls_peer *peer, struct stage *st)
{
	struct issue_job	*j;

	if ((j = op_new(sizeof(*j), WIRE_ISSUE, rq->id, peer, issue_run,
	    issue_finish)) == NULL) {
		conn_reply_error(c, rq->id, WERR_INTERNAL, "out of memory");
		return;
	}
	j->op.release = issue_release;
	j->items = st->items;
	j->n = st->n;
	j->chunks = st->chunks;
	j->nchunks = st->nchunks;
	j->batch = st->batch[0] != '\0';
	j->dryrun = rq->dry != 0;
	st->items = NULL;
	st->chunks = NULL;
	st->n = st->nchunks = 0;
	conn_submit(c, &j->op.dj);
}

/* A chunk read in turns of the loop (stage_add), and where it is. */
struct issue_turns {
	struct issue_req	 rq;		/* rq.msg: msg */
	struct wire_msg		*msg;		/* kept (conn_keep_request) */
	struct tls_peer		 peer;
	struct stage		*st;
	size_t			 first, next;
	int64_t			 now;
	struct op_problem	*probs;
	size_t			 nprobs;
	struct conn_turn	 turn;
};

/* The chunk's request has its answer, or the batch is gone: unstages. */
static void
issue_unstage(struct conn *c, const struct issue_req *rq, struct stage *st)
{
	if (st->nchunks > 0 && st->chunks[st->nchunks - 1].id == rq->id)
		st->nchunks--;	/* this request has had its answer */
	/* Refused or submitted: nothing stays staged. */
	if (rq->batch[0] != '\0')
		stage_drop(c, rq->id);
	else
		stage_free(st);
}

/*
 * Once a chunk's items are read (read: 0, or -1 out of memory): refuses,
 * submits, or waits for more. probs are freed.
 */
static void
issue_chunk_end(struct conn *c, const struct issue_req *rq,
    const struct tls_peer *peer, struct stage *st, size_t first, int read,
    struct op_problem *probs, size_t nprobs)
{
	if (read == -1 || stage_add_chunk(st, rq->id, first, rq->n) == -1 ||
	    (!rq->more && (stage_dups(st, 0, &probs, &nprobs) == -1 ||
	    stage_dups(st, 1, &probs, &nprobs) == -1)))
		conn_reply_error(c, rq->id, WERR_INTERNAL, "out of memory");
	else if (nprobs > 0)
		op_reply_problems(c, rq->id, WERR_INVALID, probs, nprobs);
	else if (st->n > STAGE_MAX_ITEMS || st->bytes > STAGE_MAX_BYTES)
		conn_reply_error(c, rq->id, WERR_TOO_BIG, "issue: batch "
		    "over %u items or %u bytes", STAGE_MAX_ITEMS,
		    STAGE_MAX_BYTES);
	else if (rq->more) {
		free(probs);
		return;		/* answered with the rest after the commit */
	} else
		issue_submit(c, rq, peer, st);
	free(probs);
	issue_unstage(c, rq, st);
}

static void
issue_turns_free(struct issue_turns *t)
{
	wire_msg_free(t->msg);
	free(t->probs);
	free(t);
}

/* The loop's next turn at a chunk being read. */
static void
issue_turn_cb(struct conn *c, void *arg)
{
	struct issue_turns	*t = arg;
	int			 rc;

	if (!conn_alive(c)) {
		/* A batch's stage went with the connection; one alone not. */
		if (t->rq.batch[0] == '\0')
			stage_free(t->st);
		issue_turns_free(t);
		return;
	}
	rc = stage_add(t->st, &t->rq, t->now, &t->next, &t->probs,
	    &t->nprobs);
	if (rc == 1) {
		conn_yield(c, &t->turn, issue_turn_cb, t);
		return;
	}
	issue_chunk_end(c, &t->rq, &t->peer, t->st, t->first, rc, t->probs,
	    t->nprobs);
	t->probs = NULL;
	issue_turns_free(t);
}

/* Goes on reading the chunk in the loop's next turns; -1 out of memory. */
static int
issue_turns(struct conn *c, const struct issue_req *rq,
    const struct wire_msg *msg, const struct tls_peer *peer,
    struct stage *st, size_t first, size_t next, int64_t now,
    struct op_problem *probs, size_t nprobs)
{
	struct issue_turns	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -1;
	t->rq = *rq;
	t->msg = conn_keep_request(c, msg);
	t->rq.msg = t->msg;
	t->peer = *peer;
	t->st = st;
	t->first = first;
	t->next = next;
	t->now = now;
	t->probs = probs;
	t->nprobs = nprobs;
	conn_yield(c, &t->turn, issue_turn_cb, t);
	return 0;
}

void
issue_request(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer)
{
	struct issue_req	 rq;
	struct stage		*st;
	struct op_problem	*probs = NULL;
	size_t			 nprobs = 0, first, next = 0;
	int64_t			 now = time(NULL);
	int			 rc;
	char			 err[CERT_ERR_MAX];

	if (issue_req_read(msg, &rq, err, sizeof(err)) == -1) {
		stage_drop(c, rq.id);
		conn_reply_error(c, rq.id, WERR_INVALID, "issue: %s", err);
		return;
	}
	if (rq.n == 0 || rq.n > skkd->conf.max_batch) {
		stage_drop(c, rq.id);
		conn_reply_error(c, rq.id, rq.n ? WERR_TOO_BIG : WERR_INVALID,
		    "issue: %zu items (1-%u allowed)", rq.n,
		    skkd->conf.max_batch);
		return;
	}
	if ((st = stage_get(c, rq.batch, rq.id)) == NULL) {
		conn_reply_error(c, rq.id, WERR_INTERNAL, "out of memory");
		return;
	}
	/*
	 * A chunk may say where it starts (COUNT): one after a refused chunk
	 * then cannot start a shorter batch of its own.
	 */
	if (rq.has_count && (rq.count_bad || rq.count != st->n)) {
		conn_reply_error(c, rq.id, WERR_INVALID, "issue: batch "
		    "chunk out of order (%zu items staged)", st->n);
		issue_unstage(c, &rq, st);
		return;
	}
	first = st->n;
	rc = stage_add(st, &rq, now, &next, &probs, &nprobs);
	if (rc == 1 && issue_turns(c, &rq, msg, peer, st, first, next, now,
	    probs, nprobs) == 0)
		return;
	issue_chunk_end(c, &rq, peer, st, first, rc == 1 ? -1 : rc, probs,
	    nprobs);
}
