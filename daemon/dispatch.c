/* skkd — SPDX-License-Identifier: ISC */
/*
 * Companion-protocol handlers. Reads (verify, show, find, keys, stats)
 * answer at once from the worker's LMDB reader; writes (issue.c, change.c)
 * are checked on the loop, then run on the writer thread and answered
 * after the commit. Roles are re-checked on every request, resumed
 * sessions included.
 */

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blank.h"
#include "change.h"
#include "checks.h"
#include "correct.h"
#include "dispatch.h"
#include "holder.h"
#include "issue.h"
#include "keys.h"
#include "log.h"
#include "metrics.h"
#include "ops.h"
#include "qr.h"
#include "qrpay.h"
#include "rate.h"
#include "record.h"
#include "skkd.h"
#include "store.h"
#include "tlog.h"
#include "verify.h"

#define SHOW_MAX_EVENTS	256
#define FIND_MAX	256
#define DISPATCH_TRIM_ITEMS 1000	/* verify batches this big trim the heap */
#define VERIFY_SLICE_USEC 500 	/* loop time a batch takes before yielding */

/*
 * A verify batch answered in slices (QR signatures cost ~50 us each):
 * its own copy of the request, the answer so far, the next item.
 */
struct vjob {
	struct wire_msg		*req;
	struct wire_msg		*ans;
	struct tls_peer		 peer;
	size_t			 i, n;
	int64_t			 now;
	struct conn_turn	 turn;
};

typedef void	(*handler_fn)(struct conn *, const struct wire_msg *,
		    const struct tls_peer *);

struct handler {
	enum wire_type	 type;
	int		 admin;		/* writes and private reads */
	uint64_t	 keys;		/* allowed fields besides TYPE, ID */
	handler_fn	 fn;
};

static void	h_verify(struct conn *, const struct wire_msg *,
		    const struct tls_peer *);
static void	h_show(struct conn *, const struct wire_msg *,
		    const struct tls_peer *);
static void	h_find(struct conn *, const struct wire_msg *,
		    const struct tls_peer *);
static void	h_keys(struct conn *, const struct wire_msg *,
		    const struct tls_peer *);
static void	h_stats(struct conn *, const struct wire_msg *,
		    const struct tls_peer *);
static void	h_qr(struct conn *, const struct wire_msg *,
		    const struct tls_peer *);
static void	dispatch_timed(const struct handler *, struct conn *,
		    const struct wire_msg *, const struct tls_peer *);

/* The verdict of the request being handled on this thread, for metrics. */
static _Thread_local int	req_verdict;

/* Anonymous verifications per address, across the workers. */
static struct rate		*anon_rate;
static pthread_once_t		 anon_rate_once = PTHREAD_ONCE_INIT;

static const struct handler handlers[] = {
	{ WIRE_VERIFY, 0, WK_BIT(WK_ITEMS) | WK_BIT(WK_PROOF), h_verify },
	{ WIRE_ISSUE, 1, ISSUE_KEYS, issue_request },
	{ WIRE_SET_STATUS, 1, CHANGE_STATUS_KEYS, change_status },
	{ WIRE_RECORD_LPJK, 1, CHANGE_LPJK_KEYS, change_lpjk },
	{ WIRE_RENEW, 1, CHANGE_RENEW_KEYS, change_renew },
	{ WIRE_SHOW, 1, WK_BIT(WK_NUMBER), h_show },
	{ WIRE_FIND, 1, WK_BIT(WK_NIK), h_find },
	{ WIRE_KEYS, 0, 0, h_keys },
	{ WIRE_STATS, 0, 0, h_stats },
	{ WIRE_QR, 1, WK_BIT(WK_NUMBER) | WK_BIT(WK_FORMAT) | WK_BIT(WK_SIZE),
	    h_qr },
	{ WIRE_BLANK, 1, BLANK_KEYS, blank_request },
	{ WIRE_CORRECT, 1, CORRECT_KEYS, correct_request },
	{ WIRE_CORRECT_REQUEST, 1, CORRECT_ASK_KEYS, correct_ask },
	{ WIRE_CORRECTIONS, 1, 0, correct_list },
	{ WIRE_HOLDER_REPORT, 1, HOLDER_KEYS, holder_report },
};

/* Items one VERIFY may hold for this peer. */
static unsigned
dispatch_max_batch(const struct tls_peer *p)
{
	const struct conf	*c = &skkd->conf;

	if (p->role == ROLE_NONE && c->anonymous_max_batch < c->max_batch)
		return c->anonymous_max_batch;
	return c->max_batch;
}

int
dispatch_hello(struct conn *c, struct wire_msg *msg)
{
	struct tls_peer	 peer;
	struct wire_msg	*ans;
	uint64_t	 version;
	char		 name[200];

	if (wire_type(msg) != WIRE_HELLO ||
	    wire_get_uint(msg, WK_VERSION, &version) == -1) {
		wire_msg_free(msg);
		conn_fail(c, WERR_VERSION, "expected HELLO with VERSION first");
		return -1;
	}
	if (version < WIRE_VERSION_MIN || version > WIRE_VERSION) {
		wire_msg_free(msg);
		snprintf(name, sizeof(name), "protocol version not supported "
		    "(this server speaks versions %d to %d)", WIRE_VERSION_MIN,
		    WIRE_VERSION);
		conn_fail(c, WERR_VERSION, name);
		return -1;
	}
	/* The answers this connection gets keep to its version. */
	conn_set_version(c, (unsigned)version);
	conn_peer(c, &peer);
	snprintf(name, sizeof(name), "skkd %s %s", SKKD_VERSION,
	    skkd->conf.issuer_name);
	if ((ans = wire_msg_new(WIRE_HELLO, wire_id(msg))) != NULL &&
	    (wire_put_uint(ans, WK_VERSION, version) == -1 ||
	    wire_put_str(ans, WK_NAME, name) == -1 ||
	    wire_put_str(ans, WK_ROLE, tls_role_name(peer.role)) == -1 ||
	    /* What this caller may send, so that skk splits its lists. */
	    wire_put_uint(ans, WK_COUNT, dispatch_max_batch(&peer)) == -1)) {
		wire_msg_free(ans);
		ans = NULL;
	}
	wire_msg_free(msg);
	if (ans == NULL) {
		conn_fail(c, WERR_INTERNAL, "out of memory");
		return -1;
	}
	conn_reply(c, ans);
	return 0;
}

static const struct handler *
dispatch_find(uint64_t type)
{
	size_t	i;

	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (handlers[i].type == type)
			return &handlers[i];
	return NULL;
}

void
dispatch_request(struct conn *c, struct wire_msg *msg)
{
	const struct handler	*h;
	struct tls_peer		 peer;
	char			 err[160];
	uint64_t		 id = wire_id(msg);

	if ((h = dispatch_find(wire_type(msg))) == NULL) {
		conn_reply_error(c, id, WERR_UNKNOWN_TYPE,
		    "unknown request type %llu",
		    (unsigned long long)wire_type(msg));
		goto out;
	}
	if (wire_check_keys(msg, h->keys, err, sizeof(err)) == -1) {
		conn_reply_error(c, id, WERR_INVALID, "%s: %s",
		    wire_type_name(h->type), err);
		goto out;
	}
	conn_peer(c, &peer);
	if (h->admin && peer.role != ROLE_ADMIN) {
		conn_reply_error(c, id, WERR_NOT_AUTHORISED,
		    "not authorised: admin certificate required%s%s%s",
		    peer.why[0] ? " (" : "", peer.why, peer.why[0] ? ")" : "");
		goto out;
	}
	dispatch_timed(h, c, msg, &peer);
	if (conn_request_kept(c))
		return;		/* answered in later turns */
out:
	wire_msg_free(msg);
}

/* Writes are answered after the commit, so only reads are timed here. */
static void
dispatch_timed(const struct handler *h, struct conn *c,
    const struct wire_msg *msg, const struct tls_peer *peer)
{
	struct timespec	t0, t1;
	uint64_t	usec;

	if (h->admin && h->fn != h_show && h->fn != h_find) {
		h->fn(c, msg, peer);
		return;
	}
	req_verdict = -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	h->fn(c, msg, peer);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	usec = (t1.tv_sec - t0.tv_sec) * 1000000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000;
	metrics_request(h->type == WIRE_VERIFY ? MEP_PROTO_VERIFY :
	    MEP_PROTO_OTHER, req_verdict, usec);
}

/* Verification. */

/* The public fields of a known certificate that travel (cert_public). */
static int
put_public(struct wire_msg *m, const struct cert *ct)
{
	const struct cert_field_desc	*f;
	char				 buf[CERT_FIELD_BUF];
	const char			*v;
	int				 rc = 0;

	for (f = cert_public; f < cert_public + cert_npublic && rc == 0; f++) {
		if (f->wire == 0)
			continue;
		v = cert_field_text(ct, f->id, buf);
		if (f->flags & CF_WIRE_UINT)
			rc = wire_put_uint(m, f->wire, cert_field_uint(ct,
			    f->id));
		else if (v[0] != '\0' || !(f->flags & CF_OPTIONAL))
			rc = wire_put_str(m, f->wire, v);
	}
	return rc;
}

/* NEXT: what replaced it; PREV: what a correction corrects. */
static int
put_links(struct wire_msg *m, const struct cert *ct)
{
	if (ct->successor[0] != '\0' &&
	    wire_put_str(m, WK_NEXT, ct->successor) == -1)
		return -1;
	if (ct->apptype == CERT_APP_CORRECTION && ct->predecessor[0] != '\0' &&
	    wire_put_str(m, WK_PREV, ct->predecessor) == -1)
		return -1;
	return 0;
}

static int
put_verdict(struct wire_msg *m, enum cert_verdict v, enum cert_reason r)
{
	if (wire_put_uint(m, WK_VERDICT, v) == -1 ||
	    wire_put_uint(m, WK_CODE, r) == -1)
		return -1;
	return 0;
}

/* A verify.c result after its NUMBER: reason text, verdict, fields. */
static int
put_result(struct wire_msg *ans, const struct verify_result *vr)
{
	if (vr->detail[0] != '\0' &&
	    wire_put_str(ans, WK_REASON, vr->detail) == -1)
		return -1;
	if (put_verdict(ans, vr->verdict, vr->reason) == -1)
		return -1;
	if (vr->match != -1 && wire_put_uint(ans, WK_MATCH, vr->match) == -1)
		return -1;
	if (!vr->found)
		return 0;
	if (put_public(ans, &vr->cert) == -1)
		return -1;
	return put_links(ans, &vr->cert);
}

/* One VERIFY item as read: a NUMBER or QR text, and a NAME to compare. */
struct verify_req {
	char		 text[QRPAY_URL_MAX + 1];
	int		 qr;
	char		 name[CERT_NAME_MAX + 1];
	int		 has_name;
};

/* Fills vq from item; -1 with the reason in vq->text. */
static int
verify_req_read(const struct wire_msg *item, struct verify_req *vq)
{
	/* Not memset: this runs for every item of every batch. */
	vq->qr = vq->has_name = 0;
	vq->name[0] = '\0';
	if (wire_check_keys(item, WK_BIT(WK_NUMBER) | WK_BIT(WK_QR) |
	    WK_BIT(WK_NAME), vq->text, sizeof(vq->text)) == -1)
		return -1;
	if (wire_has(item, WK_NAME)) {
		if (wire_get_str(item, WK_NAME, vq->name,
		    sizeof(vq->name)) == -1) {
			snprintf(vq->text, sizeof(vq->text), "name: not text "
			    "or longer than %d bytes", CERT_NAME_MAX);
			return -1;
		}
		vq->has_name = 1;
	}
	if (wire_get_str(item, WK_NUMBER, vq->text, sizeof(vq->text)) == 0)
		return 0;
	if (wire_get_str(item, WK_QR, vq->text, sizeof(vq->text)) == 0) {
		vq->qr = 1;
		return 0;
	}
	snprintf(vq->text, sizeof(vq->text), "expected NUMBER or QR text");
	return -1;
}

/*
 * PROOF asked: the inclusion proof of number's current log entry
 * (PROTOCOL.md §4.7), or nothing when it has none.
 */
static int
put_log(struct conn *c, struct wire_msg *ans, const char *number)
{
	struct tlog_view	 v;
	struct tlog_proof	*p;
	int			 rc;

	if (number[0] == '\0')
		return 0;
	if ((p = malloc(sizeof(*p))) == NULL)
		return -1;
	if (tlog_view_begin(conn_reader(c), &v) != STORE_OK) {
		free(p);
		return 0;
	}
	rc = tlog_view_proof(&v, number, p);
	tlog_view_end(&v);
	if (rc == STORE_OK && (wire_put_uint(ans, WK_LOGINDEX, p->index) == -1 ||
	    wire_put_uint(ans, WK_LOGSIZE, p->size) == -1 ||
	    wire_put_bytes(ans, WK_LOGENTRY, p->entry, LOG_ENTRY_LEN) == -1 ||
	    wire_put_bytes(ans, WK_PROOF, p->proof[0],
	    p->n * MERKLE_HASH_LEN) == -1 ||
	    wire_put_str(ans, WK_CHECKPOINT, p->ckpt) == -1))
		rc = -1;
	else
		rc = 0;
	free(p);
	return rc;
}

/*
 * The live status of a number or QR; UNKNOWN when the store fails. Who
 * may see what: a QR's holder name is in the QR, a reader or admin
 * certificate sees it all, anyone else asking by number gets it masked.
 */
static int
verify_item(struct conn *c, const struct wire_msg *item, struct wire_msg *ans,
    const struct tls_peer *p, int prove, int64_t now)
{
	int			trusted = p->role != ROLE_NONE;
	struct verify_result	vr;
	struct verify_req	vq;

	if (verify_req_read(item, &vq) == -1) {
		if (wire_put_str(ans, WK_REASON, vq.text) == -1)
			return -1;
		return put_verdict(ans, VERDICT_NOT_VALID, REASON_MALFORMED);
	}
	if (vq.qr)
		verify_by_qr(conn_reader(c), vq.text, strlen(vq.text), now, &vr);
	else
		verify_by_number(conn_reader(c), vq.text, now, &vr);
	/* Who checked: no address, a reader's organisation. */
	if (vr.found)
		checks_note(vr.cert.number, trusted ? (p->org[0] != '\0' ?
		    p->org : "-") : NULL, now);
	verify_redact(&vr, trusted ? CALLER_TRUSTED : vq.qr ? CALLER_QR :
	    CALLER_ANONYMOUS, vq.has_name ? vq.name : NULL);
	/* A number item gets its text back as sent, even malformed. */
	if ((!vq.qr || vr.number[0] != '\0') && wire_put_str(ans, WK_NUMBER,
	    vq.qr ? vr.number : vq.text) == -1)
		return -1;
	if (put_result(ans, &vr) == -1)
		return -1;
	return prove ? put_log(c, ans, vr.found ? vr.cert.number :
	    vr.number) : 0;
}

static void
anon_rate_init(void)
{
	anon_rate = rate_new();
}

/*
 * Anonymous callers: at most anonymous_max_batch items a request and
 * anonymous_rate a second per address (burst: two full batches,
 * or two seconds' worth if that is more), so
 * that sequential numbers cannot be read off by the thousand. 0, or -1
 * after the refusal was sent.
 */
static int
verify_anon_check(struct conn *c, uint64_t id, size_t n)
{
	const struct conf	*cf = &skkd->conf;
	uint32_t		 wait;

	if (n > cf->anonymous_max_batch) {
		conn_reply_error(c, id, WERR_TOO_BIG, "verify: %zu items, "
		    "but anonymous callers may send at most %u per request "
		    "(anonymous_max_batch); a reader certificate lifts this "
		    "limit", n, cf->anonymous_max_batch);
		return -1;
	}
	pthread_once(&anon_rate_once, anon_rate_init);
	if (anon_rate == NULL ||
	    (wait = rate_take(anon_rate, conn_addr_key(c),
	    cf->anonymous_rate, 2.0 * (cf->anonymous_rate >
	    cf->anonymous_max_batch ? cf->anonymous_rate :
	    cf->anonymous_max_batch), (double)n,
	    rate_now())) != 0) {
		conn_reply_error(c, id, WERR_BUSY, "verify: too many "
		    "anonymous verifications from your address (%u a second, "
		    "anonymous_rate): try again in %u s; a reader certificate "
		    "lifts this limit", cf->anonymous_rate,
		    anon_rate == NULL ? 1 : wait);
		return -1;
	}
	return 0;
}

/*
 * Answers items *i.. of msg into ans until all are done (0) or the slice's
 * time is spent (1, *i the next item); -1 out of memory.
 */
static int
verify_items(struct conn *c, const struct tls_peer *p,
    const struct wire_msg *msg, struct wire_msg *ans, size_t *i, size_t n,
    int64_t now)
{
	struct wire_msg	*it;
	uint64_t	 end = rate_now() + VERIFY_SLICE_USEC, prove = 0;

	/* Proofs only when asked: a crew's batch would not fit a frame. */
	if (conn_version(c) < 2 || wire_get_uint(msg, WK_PROOF, &prove) == -1)
		prove = 0;

	for (; *i < n; (*i)++) {
		if ((it = wire_put_item(ans, WK_ITEMS)) == NULL ||
		    verify_item(c, wire_list_get(msg, WK_ITEMS, *i), it,
		    p, prove == 1, now) == -1)
			return -1;
		if (*i + 1 < n && rate_now() >= end) {
			(*i)++;
			return 1;
		}
	}
	return 0;
}

static void
verify_reply(struct conn *c, struct wire_msg *ans, size_t n, int64_t now)
{
	static _Thread_local int64_t	 last_trim;
	uint64_t			 v;

	atomic_fetch_add(&skkd->stats.verifications, n);
	if (n == 1 && wire_get_uint(wire_list_get(ans, WK_ITEMS, 0),
	    WK_VERDICT, &v) == 0)
		req_verdict = v;
	conn_reply(c, ans);
	/*
	 * A crew's batch leaves megabytes free in this loop's heap: give
	 * them back, but not after every batch of a long pipeline, whose
	 * next batch would only fault them in again.
	 */
	if (n >= DISPATCH_TRIM_ITEMS && now != last_trim) {
		last_trim = now;
		malloc_trim(0);
	}
}

static void
vjob_free(struct vjob *j)
{
	wire_msg_free(j->req);
	wire_msg_free(j->ans);
	free(j);
}

static void
verify_slice_cb(struct conn *c, void *arg)
{
	struct vjob	*j = arg;
	uint64_t	 id = wire_id(j->req);

	if (!conn_alive(c)) {
		vjob_free(j);
		return;
	}
	switch (verify_items(c, &j->peer, j->req, j->ans, &j->i, j->n,
	    j->now)) {
	case 1:
		conn_yield(c, &j->turn, verify_slice_cb, j);
		return;
	case 0:
		verify_reply(c, j->ans, j->n, j->now);
		j->ans = NULL;
		break;
	default:
		conn_reply_error(c, id, WERR_INTERNAL, "out of memory");
		break;
	}
	vjob_free(j);
}

/*
 * The rest of the batch goes on in later turns of the loop, with the
 * request kept (dispatch_request would free msg on return). -1 out of
 * memory.
 */
static int
verify_defer(struct conn *c, const struct tls_peer *p,
    const struct wire_msg *msg, struct wire_msg *ans, size_t i, size_t n,
    int64_t now)
{
	struct vjob	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return -1;
	j->req = conn_keep_request(c, msg);
	j->ans = ans;
	j->peer = *p;
	j->i = i;
	j->n = n;
	j->now = now;
	conn_yield(c, &j->turn, verify_slice_cb, j);
	return 0;
}

static void
h_verify(struct conn *c, const struct wire_msg *msg, const struct tls_peer *p)
{
	struct wire_msg			*ans;
	size_t				 i = 0, n = wire_list_len(msg, WK_ITEMS);
	int64_t				 now = time(NULL);
	uint64_t			 id = wire_id(msg);

	if (n == 0 || n > skkd->conf.max_batch) {
		conn_reply_error(c, id, n ? WERR_TOO_BIG : WERR_INVALID,
		    "verify: %zu items (1-%u allowed)", n, skkd->conf.max_batch);
		return;
	}
	if (p->role == ROLE_NONE && verify_anon_check(c, id, n) == -1)
		return;
	if ((ans = wire_msg_new(WIRE_VERIFY, id)) == NULL)
		goto fail;
	/* Signature checks take turns with the loop's other clients. */
	switch (verify_items(c, p, msg, ans, &i, n, now)) {
	case 0:
		verify_reply(c, ans, n, now);
		return;
	case 1:
		if (verify_defer(c, p, msg, ans, i, n, now) == 0)
			return;
		break;
	default:
		break;
	}
fail:
	wire_msg_free(ans);
	conn_reply_error(c, id, WERR_INTERNAL, "out of memory");
}

/* Admin reads. */

static int
put_event(struct wire_msg *m, const struct cert_event *ev)
{
	if (wire_put_int(m, WK_TIME, ev->at) == -1 ||
	    wire_put_uint(m, WK_KIND, ev->kind) == -1 ||
	    wire_put_uint(m, WK_STATUS, ev->status) == -1 ||
	    wire_put_str(m, WK_ACTOR, ev->actor) == -1 ||
	    wire_put_str(m, WK_SERIAL, ev->serial) == -1 ||
	    wire_put_str(m, WK_REASON, ev->reason) == -1 ||
	    wire_put_str(m, WK_DETAIL, ev->detail) == -1)
		return -1;
	return 0;
}

static int
put_show(struct wire_msg *ans, struct cert *ct, const uint8_t *qr,
    size_t qrlen, const struct cert_event *ev, size_t nev)
{
	struct wire_msg	*it;
	uint8_t		*rec;
	size_t		 reclen, i;
	char		 url[QRPAY_URL_MAX];
	int		 rc;

	memset(ct->nik_hmac, 0, sizeof(ct->nik_hmac));
	if (record_encode(ct, &rec, &reclen) == -1)
		return -1;
	rc = wire_put_bytes(ans, WK_RECORD, rec, reclen);
	free(rec);
	if (rc == -1 || wire_put_uint(ans, WK_STATUS, ct->status) == -1)
		return -1;
	if (qr != NULL && qrpay_url(skkd->conf.public_host, qr, qrlen, url,
	    sizeof(url)) == 0 && wire_put_str(ans, WK_URL, url) == -1)
		return -1;
	for (i = 0; i < nev; i++)
		if ((it = wire_put_item(ans, WK_EVENTS)) == NULL ||
		    put_event(it, &ev[i]) == -1)
			return -1;
	return 0;
}

static void
h_show(struct conn *c, const struct wire_msg *msg, const struct tls_peer *p)
{
	struct cert		 ct;
	struct cert_event	*ev = NULL;
	struct wire_msg		*ans = NULL;
	uint8_t			*qr = NULL;
	size_t			 qrlen = 0, nev = 0;
	char			 number[CERT_NUMBER_LEN + 1];
	int			 rc;
	uint64_t		 id = wire_id(msg);

	if (wire_get_str(msg, WK_NUMBER, number, sizeof(number)) == -1) {
		conn_reply_error(c, id, WERR_INVALID,
		    "show: number missing or too long");
		return;
	}
	rc = store_get_cert(conn_reader(c), number, &ct, &qr, &qrlen);
	if (rc == STORE_NOTFOUND) {
		conn_reply_error(c, id, WERR_NOT_FOUND,
		    "no certificate '%s'", number);
		return;
	}
	if (rc != STORE_OK ||
	    (ev = calloc(SHOW_MAX_EVENTS, sizeof(*ev))) == NULL ||
	    store_get_events(conn_reader(c), number, ev, SHOW_MAX_EVENTS,
	    &nev) != STORE_OK ||
	    (ans = wire_msg_new(WIRE_SHOW, id)) == NULL ||
	    put_show(ans, &ct, qr, qrlen, ev,
	    nev < SHOW_MAX_EVENTS ? nev : SHOW_MAX_EVENTS) == -1) {
		wire_msg_free(ans);
		conn_reply_error(c, id, WERR_INTERNAL,
		    "show: cannot read the store");
	} else
		conn_reply(c, ans);
	free(ev);
	free(qr);
}

static int
put_found(struct conn *c, struct wire_msg *ans,
    char (*numbers)[CERT_NUMBER_LEN + 1], size_t n)
{
	struct wire_msg	*it;
	struct cert	 ct;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (store_get_cert(conn_reader(c), numbers[i], &ct, NULL,
		    NULL) != STORE_OK)
			continue;
		if ((it = wire_put_item(ans, WK_ITEMS)) == NULL ||
		    wire_put_str(it, WK_NUMBER, ct.number) == -1 ||
		    wire_put_uint(it, WK_STATUS, ct.status) == -1 ||
		    wire_put_str(it, WK_NAME, ct.name) == -1 ||
		    wire_put_str(it, WK_JOB, ct.job_code) == -1)
			return -1;
	}
	return 0;
}

static void
h_find(struct conn *c, const struct wire_msg *msg, const struct tls_peer *p)
{
	char		 nik[CERT_NIK_LEN + 1], err[CERT_ERR_MAX];
	char		(*numbers)[CERT_NUMBER_LEN + 1] = NULL;
	uint8_t		 hmac[CERT_HMAC_LEN];
	struct wire_msg	*ans = NULL;
	size_t		 n = 0;
	int		 rc;
	uint64_t	 id = wire_id(msg);

	if (wire_get_str(msg, WK_NIK, nik, sizeof(nik)) == -1 ||
	    cert_check_nik(nik, err, sizeof(err)) == -1) {
		conn_reply_error(c, id, WERR_INVALID, "find: %s",
		    wire_has(msg, WK_NIK) ? err : "nik missing");
		return;
	}
	rc = ops_nik_hmac(nik, hmac);
	explicit_bzero(nik, sizeof(nik));
	if (rc == -1 ||
	    (numbers = calloc(FIND_MAX, sizeof(*numbers))) == NULL ||
	    store_find_nik(conn_reader(c), hmac, numbers, FIND_MAX, &n) < 0 ||
	    (ans = wire_msg_new(WIRE_FIND, id)) == NULL ||
	    put_found(c, ans, numbers, n < FIND_MAX ? n : FIND_MAX) == -1) {
		wire_msg_free(ans);
		conn_reply_error(c, id, WERR_INTERNAL,
		    "find: cannot read the store");
	} else
		conn_reply(c, ans);
	free(numbers);
}

/* Public reads. */

static void
h_keys(struct conn *c, const struct wire_msg *msg, const struct tls_peer *p)
{
	const struct keyring_entry	*k;
	struct wire_msg			*ans, *it;
	size_t				 i;
	int64_t				 comp;
	uint64_t			 id = wire_id(msg);

	if ((ans = wire_msg_new(WIRE_KEYS, id)) == NULL ||
	    wire_put_str(ans, WK_HOST, skkd->conf.public_host) == -1)
		goto fail;
	for (i = 0; i < skkd->keyring.n; i++) {
		k = &skkd->keyring.k[i];
		if ((it = wire_put_item(ans, WK_ITEMS)) == NULL ||
		    wire_put_bytes(it, WK_KID, sign_key_kid(k->key),
		    SIGN_KID_LEN) == -1 ||
		    wire_put_bytes(it, WK_KEY, sign_key_public(k->key),
		    SIGN_PUB_LEN) == -1 ||
		    wire_put_int(it, WK_FROM, k->valid_from) == -1 ||
		    wire_put_int(it, WK_TO, keys_window_end(k)) == -1)
			goto fail;
		/* The compromise mark: no payload of this key is trusted. */
		if ((comp = __atomic_load_n(&k->compromised_at,
		    __ATOMIC_RELAXED)) != 0 &&
		    wire_put_int(it, WK_TIME, comp) == -1)
			goto fail;
	}
	conn_reply(c, ans);
	return;
fail:
	wire_msg_free(ans);
	conn_reply_error(c, id, WERR_INTERNAL, "out of memory");
}

static int
put_stat(struct wire_msg *ans, const char *name, unsigned long long v)
{
	struct wire_msg	*it;

	if ((it = wire_put_item(ans, WK_ITEMS)) == NULL ||
	    wire_put_str(it, WK_NAME, name) == -1 ||
	    wire_put_uint(it, WK_COUNT, v) == -1)
		return -1;
	return 0;
}

static int
put_stats(struct wire_msg *ans, const struct store_stats *ss,
    const struct writer_stats *ws)
{
	struct skkd_stats	*s = &skkd->stats;
	int			 i, rc = 0;

	rc |= put_stat(ans, "certificates", ss->certs);
	for (i = 0; i < CERT_STATUS_MAX; i++)
		rc |= put_stat(ans, cert_status_name(i), ss->by_status[i]);
	rc |= put_stat(ans, "events", ss->events);
	rc |= put_stat(ans, "map_used", ss->map_used);
	rc |= put_stat(ans, "map_size", ss->map_size);
	rc |= put_stat(ans, "commits", ws->commits);
	rc |= put_stat(ans, "write_jobs", ws->jobs);
	rc |= put_stat(ans, "failed_commits", ws->failed_commits);
	rc |= put_stat(ans, "connections", atomic_load(&s->connections));
	rc |= put_stat(ans, "accepted", atomic_load(&s->accepted));
	rc |= put_stat(ans, "refused", atomic_load(&s->refused));
	rc |= put_stat(ans, "http_connections",
	    atomic_load(&s->http_connections));
	rc |= put_stat(ans, "requests", atomic_load(&s->requests));
	rc |= put_stat(ans, "verifications", atomic_load(&s->verifications));
	rc |= put_stat(ans, "bad_frames", atomic_load(&s->bad_frames));
	rc |= put_stat(ans, "refused_per_address",
	    atomic_load(&s->refused_addr));
	rc |= put_stat(ans, "http_refused_per_address",
	    atomic_load(&s->http_refused_addr));
	return rc;
}

static void
h_stats(struct conn *c, const struct wire_msg *msg, const struct tls_peer *p)
{
	struct store_stats	 ss;
	struct writer_stats	 ws;
	struct wire_msg		*ans;
	uint64_t		 id = wire_id(msg);

	memset(&ss, 0, sizeof(ss));
	writer_get_stats(skkd->writer, &ws);
	if (store_stats(conn_reader(c), &ss) != STORE_OK ||
	    (ans = wire_msg_new(WIRE_STATS, id)) == NULL) {
		conn_reply_error(c, id, WERR_INTERNAL,
		    "stats: cannot read the store");
		return;
	}
	if (put_stats(ans, &ss, &ws) != 0) {
		wire_msg_free(ans);
		conn_reply_error(c, id, WERR_INTERNAL, "out of memory");
		return;
	}
	conn_reply(c, ans);
}

/* Card printing: the stored payload's URL drawn as PNG or SVG. */

static int
qr_image(const char *url, const char *format, uint64_t size, uint8_t **img,
    size_t *len)
{
	if (strcmp(format, "svg") == 0)
		return qr_render_svg(url, (char **)img, len);
	return qr_render_png(url, (unsigned)size, img, len);
}

/* A QR request as read. */
struct qr_req {
	uint64_t	 id;
	char		 number[CERT_NUMBER_LEN + 1];
	char		 format[8];		/* "png" or "svg" */
	uint64_t	 size;			/* PNG pixels per module */
};

/* 0, or -1 with the whole answer's text in *why. */
static int
qr_req_read(const struct wire_msg *msg, struct qr_req *rq, const char **why)
{
	rq->id = wire_id(msg);
	rq->size = QR_MODULE_DEFAULT;
	*why = NULL;
	if (wire_get_str(msg, WK_NUMBER, rq->number, sizeof(rq->number)) == -1)
		*why = "qr: number missing or too long";
	else if (wire_get_str(msg, WK_FORMAT, rq->format,
	    sizeof(rq->format)) == -1 || (strcmp(rq->format, "png") != 0 &&
	    strcmp(rq->format, "svg") != 0))
		*why = "qr: format must be png or svg";
	else if (wire_has(msg, WK_SIZE) &&
	    (wire_get_uint(msg, WK_SIZE, &rq->size) == -1 ||
	    rq->size < QR_MODULE_MIN || rq->size > QR_MODULE_MAX))
		*why = "qr: size must be 1 to 40 pixels per module";
	return *why != NULL ? -1 : 0;
}

static void
h_qr(struct conn *c, const struct wire_msg *msg, const struct tls_peer *p)
{
	struct qr_req	 rq;
	struct cert	 ct;
	struct wire_msg	*ans = NULL;
	uint8_t		*qr = NULL, *img = NULL;
	size_t		 qrlen = 0, imglen = 0;
	char		 url[QRPAY_URL_MAX];
	const char	*why;
	int		 rc;

	if (qr_req_read(msg, &rq, &why) == -1) {
		conn_reply_error(c, rq.id, WERR_INVALID, "%s", why);
		return;
	}
	rc = store_get_cert(conn_reader(c), rq.number, &ct, &qr, &qrlen);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && qr == NULL)) {
		conn_reply_error(c, rq.id, WERR_NOT_FOUND,
		    "no certificate '%s'", rq.number);
	} else if (rc != STORE_OK ||
	    qrpay_url(skkd->conf.public_host, qr, qrlen, url,
	    sizeof(url)) == -1 ||
	    qr_image(url, rq.format, rq.size, &img, &imglen) == -1 ||
	    (ans = wire_msg_new(WIRE_QR, rq.id)) == NULL ||
	    wire_put_str(ans, WK_NUMBER, ct.number) == -1 ||
	    wire_put_str(ans, WK_URL, url) == -1 ||
	    wire_put_bytes(ans, WK_IMAGE, img, imglen) == -1) {
		wire_msg_free(ans);
		conn_reply_error(c, rq.id, WERR_INTERNAL,
		    "qr: cannot render the image");
	} else
		conn_reply(c, ans);
	free(img);
	free(qr);
}
