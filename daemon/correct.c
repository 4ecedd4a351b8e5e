/* skkd — SPDX-License-Identifier: ISC */
/*
 * Corrections (UU 27/2022 Art. 30). A CORRECT issues a corrected copy of
 * a certificate under a new number and replaces the old one, in one
 * transaction: the new record is the old one with the corrected fields
 * (same holder and NIK HMAC, dates, LPJK number unless the job title
 * changed), issued through issue.c with its own issue event; the old one
 * becomes REPLACED with a correct event and log entry naming the new.
 * A CORRECT_REQUEST records that the holder asked, before it is done, so
 * CORRECTIONS can list every request with its age against the 3x24-hour
 * limit; a correction closes its request, or records one done at once.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correct.h"
#include "issue.h"
#include "log.h"
#include "ops.h"
#include "record.h"
#include "store.h"
#include "tlog.h"

#define CORRECT_SKEW	300	/* seconds a request date may be ahead */
#define CORRECT_LIST_MAX 10000	/* requests in one CORRECTIONS answer */

/* A CORRECT or CORRECT_REQUEST as read. */
struct correct_req {
	char		 number[CERT_NUMBER_LEN + 1];
	char		 reason[CERT_TEXT_MAX + 1];
	int64_t		 requested;	/* 0: now */
	struct cert	 fix;		/* CORRECT: the corrected fields */
};

struct correct_job {
	struct op_job		 op;
	struct correct_req	 rq;
	struct cert		 old;
	struct issue_item	 fixed;		/* CORRECT: the new certificate */
	struct store_corr	 corr;
};

typedef int	(*correct_read_fn)(const struct wire_msg *,
		    struct correct_req *, int64_t now, char *, size_t);

/* Reading the requests: 0, or -1 with "field: reason" in err. */

static int
correct_read_common(const struct wire_msg *msg, struct correct_req *rq,
    int64_t now, char *err, size_t errlen)
{
	if (wire_get_str(msg, WK_NUMBER, rq->number, sizeof(rq->number)) ==
	    -1) {
		snprintf(err, errlen, "number: missing or longer than %d "
		    "characters", CERT_NUMBER_LEN);
		return -1;
	}
	if (cert_check_number(rq->number, err, errlen) == -1)
		return -1;
	if (wire_get_str(msg, WK_REASON, rq->reason,
	    sizeof(rq->reason)) == -1 || rq->reason[0] == '\0') {
		snprintf(err, errlen, "reason: required, 1-%d bytes",
		    CERT_TEXT_MAX);
		return -1;
	}
	if (cert_check_text("reason", rq->reason, CERT_TEXT_MAX, err,
	    errlen) == -1)
		return -1;
	if (wire_has(msg, WK_REQUESTED) && (wire_get_int(msg, WK_REQUESTED,
	    &rq->requested) == -1 || rq->requested <= 0 ||
	    rq->requested > now + CORRECT_SKEW)) {
		snprintf(err, errlen, "requested: not a time before now");
		return -1;
	}
	return 0;
}

/* 1 when c holds nothing: its encoding is that of an empty record. */
static int
correct_is_empty(const struct cert *c)
{
	struct cert	 empty;
	uint8_t		*a = NULL, *b = NULL;
	size_t		 alen, blen;
	int		 rc = -1;

	memset(&empty, 0, sizeof(empty));
	if (record_encode(c, &a, &alen) == 0 &&
	    record_encode(&empty, &b, &blen) == 0)
		rc = alen == blen && memcmp(a, b, alen) == 0;
	free(a);
	free(b);
	return rc;
}

/* The corrected fields: name and job titles, nothing else. */
static int
correct_read_fix(const struct wire_msg *msg, struct cert *fix, char *err,
    size_t errlen)
{
	struct cert	 rest;
	const uint8_t	*rec;
	size_t		 len;

	if (wire_get_bytes(msg, WK_RECORD, &rec, &len) == -1) {
		snprintf(err, errlen, "record: missing or not a byte string");
		return -1;
	}
	if (record_decode(rec, len, fix, err, errlen) == -1)
		return -1;
	rest = *fix;
	rest.name[0] = rest.job_title_id[0] = rest.job_title_en[0] = '\0';
	if (correct_is_empty(&rest) != 1) {
		snprintf(err, errlen, "record: only name, job_title and "
		    "job_title_en can be corrected");
		return -1;
	}
	if (fix->name[0] == '\0' && fix->job_title_id[0] == '\0' &&
	    fix->job_title_en[0] == '\0') {
		snprintf(err, errlen, "record: nothing to correct (name, "
		    "job_title or job_title_en)");
		return -1;
	}
	if ((fix->name[0] && cert_check_name(fix->name, err, errlen) == -1) ||
	    cert_check_text("job_title", fix->job_title_id, CERT_TEXT_MAX,
	    err, errlen) == -1 || cert_check_text("job_title_en",
	    fix->job_title_en, CERT_TEXT_MAX, err, errlen) == -1)
		return -1;
	return 0;
}

static int
correct_read(const struct wire_msg *msg, struct correct_req *rq,
    int64_t now, char *err, size_t errlen)
{
	if (correct_read_common(msg, rq, now, err, errlen) == -1)
		return -1;
	return correct_read_fix(msg, &rq->fix, err, errlen);
}

/* On the writer thread. */

static int
correct_load(struct store_wtxn *t, struct correct_job *j)
{
	int	rc;

	rc = store_wget_cert(t, j->rq.number, &j->old);
	if (rc == STORE_NOTFOUND)
		return op_fail(&j->op, WERR_NOT_FOUND, "no certificate '%s'",
		    j->rq.number);
	if (rc != STORE_OK)
		return op_store_fail(&j->op, rc);
	if (j->old.status == CERT_REVOKED)
		return op_fail(&j->op, WERR_CONFLICT, "'%s' is revoked; a "
		    "revoked certificate is not corrected", j->old.number);
	if (j->old.status == CERT_REPLACED)
		return op_fail(&j->op, WERR_CONFLICT, "'%s' was replaced by "
		    "'%s'; correct that one", j->old.number,
		    j->old.successor);
	return 0;
}

/* The open request of the number into j->corr: 1, 0 if none, -1. */
static int
correct_open_request(struct store_wtxn *t, struct correct_job *j)
{
	int	rc;

	rc = store_corr_get(t, j->old.number, &j->corr);
	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc != STORE_OK)
		return op_store_fail(&j->op, rc);
	return j->corr.done == 0;
}

/* The request's event (no log entry: nothing changed yet) and record. */
static int
correct_add_request(struct store_wtxn *t, struct correct_job *j)
{
	struct cert_event	ev;
	char			when[21];
	int			rc;

	memset(&ev, 0, sizeof(ev));
	memset(&j->corr, 0, sizeof(j->corr));
	j->corr.requested = j->rq.requested ? j->rq.requested : j->op.now;
	time_format(j->corr.requested, when);
	ev.at = j->op.now;
	ev.kind = EVENT_CORRECT_REQUEST;
	ev.status = j->old.status;
	snprintf(ev.number, sizeof(ev.number), "%s", j->old.number);
	snprintf(ev.actor, sizeof(ev.actor), "%s", j->op.actor);
	snprintf(ev.serial, sizeof(ev.serial), "%s", j->op.serial);
	snprintf(ev.reason, sizeof(ev.reason), "%s", j->rq.reason);
	snprintf(ev.detail, sizeof(ev.detail), "requested %s", when);
	if ((rc = store_add_event(t, &ev)) != STORE_OK)
		return op_store_fail(&j->op, rc);
	snprintf(j->corr.number, sizeof(j->corr.number), "%s",
	    j->old.number);
	j->corr.req_seq = ev.seq;
	if ((rc = store_corr_put(t, &j->corr)) != STORE_OK)
		return op_store_fail(&j->op, rc);
	return 0;
}

static int
ask_run(struct store_wtxn *t, struct wjob *wj)
{
	struct correct_job	*j = wj->arg;
	char			 when[21];
	int			 rc;

	if (correct_load(t, j) == -1 ||
	    (rc = correct_open_request(t, j)) == -1)
		return -1;
	if (rc == 1) {
		time_format(j->corr.requested, when);
		return op_fail(&j->op, WERR_CONFLICT, "a correction of '%s' "
		    "was requested on %s and is still open", j->old.number,
		    when);
	}
	return correct_add_request(t, j);
}

static int
correct_differs(const char *fix, const char *old)
{
	return fix[0] != '\0' && strcmp(fix, old) != 0;
}

/*
 * The new certificate: the old one with the corrections; what changed
 * into what (e.g. "name, job title"), or -1 when nothing would.
 */
static int
correct_apply(struct correct_job *j, char *what, size_t len)
{
	const struct cert	*o = &j->old, *f = &j->rq.fix;
	struct cert		*nc = &j->fixed.c;
	int			 name, title;

	name = correct_differs(f->name, o->name);
	title = correct_differs(f->job_title_id, o->job_title_id) ||
	    correct_differs(f->job_title_en, o->job_title_en);
	if (!name && !title)
		return -1;
	*nc = *o;
	/* A new card: printed on a new blank form, if on one at all. */
	nc->number[0] = nc->successor[0] = nc->blank_no[0] = '\0';
	nc->apptype = CERT_APP_CORRECTION;
	snprintf(nc->predecessor, sizeof(nc->predecessor), "%s", o->number);
	if (f->name[0])
		snprintf(nc->name, sizeof(nc->name), "%s", f->name);
	if (f->job_title_id[0])
		snprintf(nc->job_title_id, sizeof(nc->job_title_id), "%s",
		    f->job_title_id);
	if (f->job_title_en[0])
		snprintf(nc->job_title_en, sizeof(nc->job_title_en), "%s",
		    f->job_title_en);
	/* A spelling fix keeps the registration; another job needs a new one. */
	if (title)
		nc->lpjk_regno[0] = '\0';
	snprintf(what, len, "%s%s%s", name ? "name" : "",
	    name && title ? ", " : "", title ? "job title" : "");
	return 0;
}

static int
correct_run(struct store_wtxn *t, struct wjob *wj)
{
	struct correct_job	*j = wj->arg;
	struct cert		*nc = &j->fixed.c;
	char			 err[CERT_ERR_MAX], what[32];
	char			 detail[CERT_TEXT_MAX + 1];
	int			 rc;

	if (correct_load(t, j) == -1)
		return -1;
	if (j->old.status == CERT_SUSPENDED)
		return op_fail(&j->op, WERR_CONFLICT, "'%s' is suspended; "
		    "reinstate it before correcting it", j->old.number);
	if (correct_apply(j, what, sizeof(what)) == -1)
		return op_fail(&j->op, WERR_INVALID, "record: nothing to "
		    "correct: '%s' already says so", j->old.number);
	if (issue_complete(nc, j->op.now, err, sizeof(err)) == -1)
		return op_fail(&j->op, WERR_INVALID, "correct: %s", err);
	if ((rc = correct_open_request(t, j)) == -1 ||
	    (rc == 0 && correct_add_request(t, j) == -1))
		return -1;
	snprintf(detail, sizeof(detail), "correction of %s: %s",
	    j->old.number, what);
	if (issue_one(t, &j->op, &j->fixed, 0, detail) == -1)
		return -1;
	j->old.status = CERT_REPLACED;
	j->old.status_at = j->op.now;
	snprintf(j->old.successor, sizeof(j->old.successor), "%s",
	    nc->number);
	if ((rc = store_put_cert(t, &j->old, 0, NULL, 0)) != STORE_OK)
		return op_store_fail(&j->op, rc);
	if (op_event(t, &j->op, &j->old, EVENT_CORRECT, nc->number, NULL, 0,
	    NULL) == -1)
		return -1;
	j->corr.done = j->op.now;
	snprintf(j->corr.next, sizeof(j->corr.next), "%s", nc->number);
	if ((rc = store_corr_put(t, &j->corr)) != STORE_OK)
		return op_store_fail(&j->op, rc);
	return 0;
}

/* Answers, on the loop after the commit. */

static int
correct_put(const struct op_job *op, struct wire_msg *ans,
    const struct conn *c)
{
	const struct correct_job	*j = (const struct correct_job *)op;

	if (j->op.type == WIRE_CORRECT_REQUEST)
		return wire_put_str(ans, WK_NUMBER, j->old.number) == -1 ||
		    wire_put_int(ans, WK_REQUESTED, j->corr.requested) == -1 ?
		    -1 : 0;
	if (wire_put_str(ans, WK_PREV, j->old.number) == -1)
		return -1;
	return issue_put_item(ans, &j->fixed, c);
}

static void
correct_finish(struct djob *dj)
{
	struct correct_job	*j = (struct correct_job *)dj;
	const char		*what = wire_type_name(j->op.type);

	if (op_refused(&j->op)) {
		op_done(&j->op, 1);
		return;
	}
	if (j->op.type == WIRE_CORRECT)
		log_info("%s %s -> %s by %s", what, j->old.number,
		    j->fixed.c.number, j->op.actor);
	else
		log_info("%s %s by %s", what, j->old.number, j->op.actor);
	if (conn_alive(dj->conn))
		op_answer(&j->op, dj->conn, correct_put);
	op_done(&j->op, 1);
}

static void
correct_release(struct op_job *op)
{
	free(((struct correct_job *)op)->fixed.cose);
}

static void
correct_start(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer, enum wire_type type, wjob_run_fn run,
    correct_read_fn readfn)
{
	struct correct_job	*j;
	char			 err[CERT_ERR_MAX];

	if ((j = op_new(sizeof(*j), type, wire_id(msg), peer, run,
	    correct_finish)) == NULL) {
		conn_reply_error(c, wire_id(msg), WERR_INTERNAL,
		    "out of memory");
		return;
	}
	j->op.release = correct_release;
	snprintf(err, sizeof(err), "request refused");
	if (readfn(msg, &j->rq, j->op.now, err, sizeof(err)) == -1) {
		conn_reply_error(c, j->op.dj.id, WERR_INVALID, "%s: %s",
		    wire_type_name(type), err);
		op_free(&j->op);
		return;
	}
	snprintf(j->op.reason, sizeof(j->op.reason), "%s", j->rq.reason);
	conn_submit(c, &j->op.dj);
}

void
correct_request(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer)
{
	correct_start(c, msg, peer, WIRE_CORRECT, correct_run, correct_read);
}

void
correct_ask(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer)
{
	correct_start(c, msg, peer, WIRE_CORRECT_REQUEST, ask_run,
	    correct_read_common);
}

/* The list, read on the loop. */

struct correct_list {
	struct wire_msg	*ans;
	size_t		 n;
	int		 failed;
};

static int
correct_list_cb(const struct store_corr *k, const struct cert_event *req,
    void *arg)
{
	struct correct_list	*l = arg;
	struct wire_msg		*it;

	if (++l->n > CORRECT_LIST_MAX)
		return 0;
	if ((it = wire_put_item(l->ans, WK_ITEMS)) == NULL ||
	    wire_put_str(it, WK_NUMBER, k->number) == -1 ||
	    wire_put_int(it, WK_REQUESTED, k->requested) == -1 ||
	    wire_put_int(it, WK_TIME, req->at) == -1 ||
	    wire_put_str(it, WK_REASON, req->reason) == -1 ||
	    wire_put_str(it, WK_ACTOR, req->actor) == -1 ||
	    (k->done != 0 && (wire_put_int(it, WK_DONE, k->done) == -1 ||
	    wire_put_str(it, WK_NEXT, k->next) == -1))) {
		l->failed = 1;
		return 1;
	}
	return 0;
}

void
correct_list(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer)
{
	struct correct_list	l = { NULL, 0, 0 };
	uint64_t		id = wire_id(msg);

	if ((l.ans = wire_msg_new(WIRE_CORRECTIONS, id)) == NULL ||
	    store_corr_foreach(conn_reader(c), correct_list_cb, &l) !=
	    STORE_OK || l.failed ||
	    wire_put_uint(l.ans, WK_COUNT, l.n) == -1) {
		wire_msg_free(l.ans);
		conn_reply_error(c, id, WERR_INTERNAL,
		    "corrections: cannot read the store");
		return;
	}
	conn_reply(c, l.ans);
}
