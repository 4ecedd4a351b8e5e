/* skkd — SPDX-License-Identifier: ISC */
/*
 * The write operations: issue, set status, record LPJK number, renew.
 * Each is checked on the worker's loop as far as it can be without the
 * store, then runs on the writer thread inside the group transaction
 * (allocating numbers, signing, storing record + payload + audit event
 * together), and is answered from the loop once the commit is durable.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "ops.h"
#include "qrpay.h"
#include "record.h"
#include "skkd.h"
#include "store.h"

#define IDEM_MAX	64

struct issue_item {
	struct cert	 c;
	char		 idem[IDEM_MAX + 1];
	uint8_t		*cose;		/* signed payload, for the URL */
	size_t		 coselen;
};

struct op_job {
	struct djob		 dj;
	enum wire_type		 type;
	enum wire_err		 werr;		/* why the job failed, if it did */
	char			 msg[256];
	char			 actor[CERT_TEXT_MAX + 1];
	char			 serial[CERT_SHORT_MAX + 1];
	int64_t			 now;

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
};

static void	op_finish(struct djob *);

void
ops_nik_hmac(const char *nik, uint8_t out[CERT_HMAC_LEN])
{
	sign_hmac_sha256(skkd->nik_secret, sizeof(skkd->nik_secret),
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
	free(j);
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
	if (rc == 0)
		ops_nik_hmac(nik, it->c.nik_hmac);
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
	struct qr_claims	cl;

	memcpy(it->c.kid, sign_key_kid(skkd->signkey), SIGN_KID_LEN);
	qrpay_claims_from_cert(&cl, &it->c);
	if (qrpay_sign(skkd->signkey, &cl, &it->cose, &it->coselen) == -1)
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

/* On the writer thread. */
static int
issue_one(struct store_wtxn *t, struct op_job *j, size_t i,
    const char *detail)
{
	struct issue_item	*it = &j->items[i];
	char			 number[CERT_NUMBER_LEN + 1];
	int			 rc;

	if (it->idem[0] && store_idem_get(t, it->idem, number) == STORE_OK)
		return store_wget_cert(t, number, &it->c) == STORE_OK ? 0 :
		    op_fail(j, WERR_INTERNAL, "item %zu: idempotency key "
		    "names a missing certificate", i);
	if (issue_number(t, j, &it->c) == -1 || issue_sign(j, it) == -1)
		return -1;
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

static int
issue_run(struct store_wtxn *t, struct wjob *wj)
{
	struct op_job	*j = wj->arg;
	size_t		 i;

	for (i = 0; i < j->n; i++)
		if (issue_one(t, j, i, "") == -1)
			return -1;
	return 0;
}

void
ops_issue(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer)
{
	struct op_job	*j;
	size_t		 i, n = wire_list_len(msg, WK_ITEMS);
	char		 err[CERT_ERR_MAX + 32];

	if (n == 0 || n > skkd->conf.max_batch) {
		conn_reply_error(c, wire_id(msg), n ? WERR_TOO_BIG :
		    WERR_INVALID, "issue: %zu items (1-%u allowed)", n,
		    skkd->conf.max_batch);
		return;
	}
	if ((j = op_new(WIRE_ISSUE, msg, peer, issue_run)) == NULL ||
	    (j->items = calloc(n, sizeof(*j->items))) == NULL) {
		free(j);
		conn_reply_error(c, wire_id(msg), WERR_INTERNAL, "out of memory");
		return;
	}
	j->n = n;
	for (i = 0; i < n; i++) {
		if (issue_prepare(wire_list_get(msg, WK_ITEMS, i),
		    &j->items[i], j->now, err, sizeof(err)) == -1) {
			op_free(j);
			conn_reply_error(c, wire_id(msg), WERR_INVALID,
			    "item %zu: %s", i, err);
			return;
		}
	}
	conn_submit(c, &j->dj);
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
	if (wire_get_bytes(msg, WK_RECORD, &rec, &len) == -1)
		return -1;
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
	return 0;
}

static int
finish_answer(struct op_job *j, struct wire_msg *ans)
{
	struct wire_msg	*it;
	size_t		 i;

	switch (j->type) {
	case WIRE_ISSUE:
		for (i = 0; i < j->n; i++) {
			if ((it = wire_put_item(ans, WK_ITEMS)) == NULL ||
			    finish_item(it, &j->items[i]) == -1)
				return -1;
		}
		return 0;
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

static void
op_finish(struct djob *dj)
{
	struct op_job	*j = (struct op_job *)dj;
	struct wire_msg	*ans;
	struct conn	*c = dj->conn;

	if (j->werr == WERR_OK && dj->wj.rc != STORE_OK)
		op_fail(j, dj->wj.rc == STORE_FULL ? WERR_STORE_FULL :
		    WERR_INTERNAL, "%s", dj->wj.err);
	if (j->werr != WERR_OK) {
		log_info("%s refused: %s", wire_type_name(j->type), j->msg);
		if (conn_alive(c))
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
	op_free(j);
}
