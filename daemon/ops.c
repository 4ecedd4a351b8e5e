/* skkd — SPDX-License-Identifier: ISC */
/*
 * The part of a write operation's job that issue.c and change.c share:
 * making and freeing it, failing it on the writer thread, its audit event,
 * the answer that lists an item's problems, and its end on the loop.
 */

#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "log.h"
#include "metrics.h"
#include "ops.h"
#include "skkd.h"
#include "store.h"
#include "tlog.h"

#define OPS_TRIM_ITEMS	1000	/* jobs this big trim the heap after */

int
ops_nik_hmac(const char *nik, uint8_t out[CERT_HMAC_LEN])
{
	return sign_hmac_sha256(skkd->nik_secret, SKKD_NIK_SECRET_LEN,
	    (const uint8_t *)nik, strlen(nik), out);
}

void *
op_new(size_t size, enum wire_type type, uint64_t id,
    const struct tls_peer *peer, wjob_run_fn run,
    void (*finish)(struct djob *))
{
	struct op_job	*j;

	if ((j = calloc(1, size)) == NULL)
		return NULL;
	j->type = type;
	j->dj.id = id;
	j->dj.wj.run = run;
	j->dj.finish = finish;
	j->now = time(NULL);
	j->log_index = TLOG_NO_INDEX;
	if (RAND_bytes(j->batch, sizeof(j->batch)) != 1) {
		free(j);
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &j->started);
	snprintf(j->actor, sizeof(j->actor), "%s", peer->subject);
	snprintf(j->serial, sizeof(j->serial), "%s", peer->serial);
	return j;
}

void
op_free(struct op_job *j)
{
	if (j == NULL)
		return;
	if (j->release != NULL)
		j->release(j);
	free(j);
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

void
op_done(struct op_job *j, size_t nitems)
{
	op_timed(j);
	op_free(j);
	/* A cohort leaves megabytes free in the heap: give them back. */
	if (nitems >= OPS_TRIM_ITEMS)
		malloc_trim(0);
}

int
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

int
op_store_fail(struct op_job *j, int rc)
{
	if (rc == STORE_FULL)
		return op_fail(j, WERR_STORE_FULL, "%s", store_strerror(rc));
	return op_fail(j, WERR_INTERNAL, "store: %s", store_strerror(rc));
}

void
op_settle(struct op_job *j)
{
	if (j->werr == WERR_OK && j->dj.wj.rc != STORE_OK)
		op_fail(j, j->dj.wj.rc == STORE_FULL ? WERR_STORE_FULL :
		    WERR_INTERNAL, "%s", j->dj.wj.err);
}

/* Keywords, English and Indonesian, lower case; the first match wins. */
static const struct {
	const char	*word;
	unsigned	 reason;
} op_reasons[] = {
	{ "compromis", LOG_REASON_KEY },
	{ "fraud", LOG_REASON_FRAUD }, { "palsu", LOG_REASON_FRAUD },
	{ "fake", LOG_REASON_FRAUD }, { "forged", LOG_REASON_FRAUD },
	{ "error", LOG_REASON_ERROR }, { "mistake", LOG_REASON_ERROR },
	{ "wrong", LOG_REASON_ERROR }, { "salah", LOG_REASON_ERROR },
	{ "request", LOG_REASON_REQUEST }, { "permintaan", LOG_REASON_REQUEST },
	{ "asked", LOG_REASON_REQUEST },
};

unsigned
op_log_reason(const char *reason)
{
	size_t	i;

	if (reason[0] == '\0')
		return LOG_REASON_NONE;
	for (i = 0; i < sizeof(op_reasons) / sizeof(op_reasons[0]); i++)
		if (strcasestr(reason, op_reasons[i].word) != NULL)
			return op_reasons[i].reason;
	return LOG_REASON_OTHER;
}

/* The log's event for an audit event leaving c in its status. */
static unsigned
op_log_event(enum event_kind kind, const struct cert *c)
{
	switch (kind) {
	case EVENT_ISSUE:
		return LOG_ISSUE;
	case EVENT_LPJK:
		return LOG_LPJK;
	case EVENT_RENEW:
		return LOG_SUPERSEDE;
	case EVENT_CORRECT:
		return LOG_CORRECT;
	case EVENT_RESIGN:
		return LOG_RESIGN;
	default:
		break;
	}
	switch (c->status) {
	case CERT_SUSPENDED:
		return LOG_SUSPEND;
	case CERT_REVOKED:
		return LOG_REVOKE;
	default:
		return LOG_REINSTATE;
	}
}

int
op_event(struct store_wtxn *t, struct op_job *j, const struct cert *c,
    enum event_kind kind, const char *detail, const uint8_t *qr,
    size_t qrlen, uint64_t *logidx)
{
	struct cert_event	ev;
	unsigned		event, reason = LOG_REASON_NONE;
	char			err[160];
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
	event = op_log_event(kind, c);
	if (event == LOG_SUSPEND || event == LOG_REVOKE ||
	    event == LOG_CORRECT)
		reason = op_log_reason(j->reason);
	if ((rc = tlog_cert(t, c, event, reason, j->batch, qr, qrlen, j->now,
	    &j->log_index, err, sizeof(err))) != STORE_OK) {
		if (rc == STORE_FULL)
			return op_store_fail(j, rc);
		return op_fail(j, WERR_INTERNAL, "%s", err);
	}
	if (logidx != NULL)
		*logidx = j->log_index;
	return 0;
}

int
op_refused(struct op_job *j)
{
	op_settle(j);
	if (j->werr == WERR_OK)
		return 0;
	log_info("%s refused: %s", wire_type_name(j->type), j->msg);
	if (conn_alive(j->dj.conn))
		conn_reply_error(j->dj.conn, j->dj.id, j->werr, "%s", j->msg);
	return 1;
}

void
op_answer(const struct op_job *j, struct conn *c, op_put_fn put)
{
	struct wire_msg	*ans;

	if ((ans = wire_msg_new(j->type, j->dj.id)) == NULL ||
	    put(j, ans, c) == -1) {
		wire_msg_free(ans);
		conn_reply_error(c, j->dj.id, WERR_INTERNAL,
		    "out of memory (the write was committed)");
	} else
		conn_reply(c, ans);
}

int
op_problem_add(struct op_problem **pp, size_t *np, size_t index,
    const char *msg)
{
	if (*np == OPS_PROBLEMS_MAX)
		return -1;
	if (*pp == NULL &&
	    (*pp = calloc(OPS_PROBLEMS_MAX, sizeof(**pp))) == NULL)
		return -1;
	(*pp)[*np].index = index;
	snprintf((*pp)[*np].msg, sizeof((*pp)[*np].msg), "%s", msg);
	(*np)++;
	return 0;
}

void
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
