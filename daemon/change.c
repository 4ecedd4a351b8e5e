/* skkd — SPDX-License-Identifier: ISC */
/*
 * Changes to an issued certificate: set status, record the LPJK number,
 * renew. Each request is read once into a struct change_req inside its
 * job; on the writer thread the record is loaded, the change checked
 * against its status, and the record stored again with its audit event
 * (a renewal first issues the new certificate through issue.c).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "issue.h"
#include "log.h"
#include "lpjk.h"
#include "ops.h"
#include "record.h"
#include "store.h"
#include "tlog.h"

/* A SET_STATUS, RECORD_LPJK or RENEW request as read. */
struct change_req {
	char		 number[CERT_NUMBER_LEN + 1];
	uint8_t		 target;			/* SET_STATUS */
	char		 reason[CERT_TEXT_MAX + 1];	/* SET_STATUS, RENEW */
	char		 lpjk[CERT_SHORT_MAX + 1];	/* RECORD_LPJK */
	struct cert	 over;				/* RENEW: overrides */
	int		 has_over;
};

typedef int	(*change_read_fn)(const struct wire_msg *, struct change_req *,
		    char *, size_t);

struct change_job {
	struct op_job		 op;
	struct change_req	 rq;
	struct cert		 out;		/* the record after the job */
	struct issue_item	 renewed;	/* RENEW: the new certificate */
};

/* Reading the requests: 0, or -1 with "field: reason" in err. */

static int
change_read_number(const struct wire_msg *msg, char *number, char *err,
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
status_read(const struct wire_msg *msg, struct change_req *rq, char *err,
    size_t errlen)
{
	uint64_t	target;

	if (change_read_number(msg, rq->number, err, errlen) == -1)
		return -1;
	if (wire_get_uint(msg, WK_STATUS, &target) == -1 ||
	    (target != CERT_ACTIVE && target != CERT_SUSPENDED &&
	    target != CERT_REVOKED)) {
		snprintf(err, errlen, "status: expected active (reinstate), "
		    "suspended or revoked");
		return -1;
	}
	rq->target = target;
	if (wire_get_str(msg, WK_REASON, rq->reason,
	    sizeof(rq->reason)) == -1 || rq->reason[0] == '\0') {
		snprintf(err, errlen, "reason: required, 1-%d bytes",
		    CERT_TEXT_MAX);
		return -1;
	}
	return cert_check_text("reason", rq->reason, CERT_TEXT_MAX, err,
	    errlen);
}

static int
lpjk_read(const struct wire_msg *msg, struct change_req *rq, char *err,
    size_t errlen)
{
	return lpjk_read_pair(msg, rq->number, rq->lpjk, err, errlen);
}

static int
renew_read(const struct wire_msg *msg, struct change_req *rq, char *err,
    size_t errlen)
{
	const uint8_t	*rec;
	size_t		 len;

	if (change_read_number(msg, rq->number, err, errlen) == -1)
		return -1;
	if (wire_has(msg, WK_REASON) && (wire_get_str(msg, WK_REASON,
	    rq->reason, sizeof(rq->reason)) == -1 || cert_check_text("reason",
	    rq->reason, CERT_TEXT_MAX, err, errlen) == -1)) {
		snprintf(err, errlen, "reason: not text of 1-%d bytes",
		    CERT_TEXT_MAX);
		return -1;
	}
	if (!wire_has(msg, WK_RECORD))
		return 0;
	rq->has_over = 1;
	if (wire_get_bytes(msg, WK_RECORD, &rec, &len) == -1) {
		snprintf(err, errlen, "record: not a byte string");
		return -1;
	}
	return record_decode(rec, len, &rq->over, err, errlen);
}

/* On the writer thread. */

static int
change_allowed(struct op_job *j, uint8_t target, const struct cert *c)
{
	if (c->status == CERT_REVOKED)
		return op_fail(j, WERR_CONFLICT, "'%s' is revoked; revocation "
		    "is final", c->number);
	if (c->status == CERT_REPLACED)
		return op_fail(j, WERR_CONFLICT, "'%s' was replaced by '%s'",
		    c->number, c->successor);
	if (target == CERT_SUSPENDED && c->status != CERT_ACTIVE)
		return op_fail(j, WERR_CONFLICT, "'%s' is %s; only an active "
		    "certificate can be suspended", c->number,
		    cert_status_name(c->status));
	if (target == CERT_ACTIVE && c->status != CERT_SUSPENDED)
		return op_fail(j, WERR_CONFLICT, "'%s' is %s; only a suspended "
		    "certificate can be reinstated", c->number,
		    cert_status_name(c->status));
	return 0;
}

static int
change_load(struct store_wtxn *t, struct change_job *j)
{
	int	rc;

	rc = store_wget_cert(t, j->rq.number, &j->out);
	if (rc == STORE_NOTFOUND)
		return op_fail(&j->op, WERR_NOT_FOUND, "no certificate '%s'",
		    j->rq.number);
	return rc == STORE_OK ? 0 : op_store_fail(&j->op, rc);
}

static int
change_save(struct store_wtxn *t, struct change_job *j, enum event_kind kind,
    const char *detail)
{
	int	rc;

	j->out.status_at = j->op.now;
	if ((rc = store_put_cert(t, &j->out, 0, NULL, 0)) != STORE_OK)
		return op_store_fail(&j->op, rc);
	return op_event(t, &j->op, &j->out, kind, detail, NULL, 0, NULL);
}

static int
status_run(struct store_wtxn *t, struct wjob *wj)
{
	struct change_job	*j = wj->arg;

	if (change_load(t, j) == -1 ||
	    change_allowed(&j->op, j->rq.target, &j->out) == -1)
		return -1;
	j->out.status = j->rq.target;
	return change_save(t, j, EVENT_STATUS, "");
}

/* LPJK recording: PENDING -> ACTIVE, or a correction on ACTIVE. */
static int
lpjk_run(struct store_wtxn *t, struct wjob *wj)
{
	struct change_job	*j = wj->arg;

	if (change_load(t, j) == -1)
		return -1;
	if (j->out.status != CERT_PENDING && j->out.status != CERT_ACTIVE)
		return op_fail(&j->op, WERR_CONFLICT, "'%s' is %s; the LPJK "
		    "number is recorded on pending or active certificates",
		    j->rq.number, cert_status_name(j->out.status));
	snprintf(j->out.lpjk_regno, sizeof(j->out.lpjk_regno), "%s",
	    j->rq.lpjk);
	j->out.status = CERT_ACTIVE;
	return change_save(t, j, EVENT_LPJK, j->rq.lpjk);
}

/* The new certificate of a renewal: the old one's, with the overrides. */
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
	struct change_job	*j = wj->arg;
	struct cert		*nc = &j->renewed.c;
	char			 err[CERT_ERR_MAX], detail[CERT_TEXT_MAX + 1];

	if (change_load(t, j) == -1)
		return -1;
	if (j->out.status == CERT_REVOKED || j->out.status == CERT_REPLACED)
		return change_allowed(&j->op, CERT_REPLACED, &j->out);
	renew_apply(nc, &j->out, &j->rq.over, j->rq.has_over);
	if (issue_complete(nc, j->op.now, err, sizeof(err)) == -1)
		return op_fail(&j->op, WERR_INVALID, "renew: %s", err);
	snprintf(detail, sizeof(detail), "renewal of %s", j->out.number);
	if (issue_one(t, &j->op, &j->renewed, 0, detail) == -1)
		return -1;
	j->out.status = CERT_REPLACED;
	snprintf(j->out.successor, sizeof(j->out.successor), "%s", nc->number);
	return change_save(t, j, EVENT_RENEW, nc->number);
}

/* Answers, on the loop after the commit. */

/* A renewal's LOGINDEX is the new certificate's issue entry. */
static int
change_put(const struct op_job *op, struct wire_msg *ans,
    const struct conn *c)
{
	const struct change_job	*j = (const struct change_job *)op;

	if (j->op.type == WIRE_RENEW) {
		if (wire_put_str(ans, WK_PREV, j->rq.number) == -1)
			return -1;
		return issue_put_item(ans, &j->renewed, c);
	}
	if (wire_put_str(ans, WK_NUMBER, j->out.number) == -1 ||
	    wire_put_uint(ans, WK_STATUS, j->out.status) == -1)
		return -1;
	if (conn_version(c) >= 2 && j->op.log_index != TLOG_NO_INDEX &&
	    wire_put_uint(ans, WK_LOGINDEX, j->op.log_index) == -1)
		return -1;
	return 0;
}

static void
change_finish(struct djob *dj)
{
	struct change_job	*j = (struct change_job *)dj;
	const char		*what = wire_type_name(j->op.type);

	if (!op_refused(&j->op)) {
		if (j->op.type == WIRE_RENEW)
			log_info("%s %s by %s", what, j->renewed.c.number,
			    j->op.actor);
		else
			log_info("%s %s -> %s by %s", what, j->out.number,
			    cert_status_name(j->out.status), j->op.actor);
		if (conn_alive(dj->conn))
			op_answer(&j->op, dj->conn, change_put);
	}
	op_done(&j->op, 1);
}

static void
change_release(struct op_job *op)
{
	free(((struct change_job *)op)->renewed.cose);
}

/* The requests. */

static void
change_start(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer, enum wire_type type, wjob_run_fn run,
    change_read_fn readfn)
{
	struct change_job	*j;
	char			 err[CERT_ERR_MAX];

	if ((j = op_new(sizeof(*j), type, wire_id(msg), peer, run,
	    change_finish)) == NULL) {
		conn_reply_error(c, wire_id(msg), WERR_INTERNAL,
		    "out of memory");
		return;
	}
	j->op.release = change_release;
	/* Never answer with stack bytes should a check forget its reason. */
	snprintf(err, sizeof(err), "request refused");
	if (readfn(msg, &j->rq, err, sizeof(err)) == -1) {
		conn_reply_error(c, j->op.dj.id, WERR_INVALID, "%s: %s",
		    wire_type_name(type), err);
		op_free(&j->op);
		return;
	}
	snprintf(j->op.reason, sizeof(j->op.reason), "%s", j->rq.reason);
	conn_submit(c, &j->op.dj);
}

void
change_status(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer)
{
	change_start(c, msg, peer, WIRE_SET_STATUS, status_run, status_read);
}

void
change_lpjk(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer)
{
	if (wire_has(msg, WK_ITEMS))
		lpjk_batch(c, msg, peer);
	else
		change_start(c, msg, peer, WIRE_RECORD_LPJK, lpjk_run,
		    lpjk_read);
}

void
change_renew(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer)
{
	change_start(c, msg, peer, WIRE_RENEW, renew_run, renew_read);
}
