/* skkd — SPDX-License-Identifier: ISC */
/*
 * "skk verify --csv": a whole crew checked from a column of certificate
 * numbers or QR texts, over one connection in equal pipelined requests,
 * or with --offline from the cache of skk sync (offcheck.c), with a CSV
 * of verdicts, a summary line and one per issuer. An issuer column
 * (host or licence) picks the issuer of a bare number offline; a name
 * column is compared with the holder's name. A column that holds NIKs
 * is refused before anything is sent.
 */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "cert.h"
#include "cmd_offline.h"
#include "crew.h"
#include "crewsheet.h"
#include "csv.h"
#include "fetch.h"
#include "offcheck.h"
#include "privacy.h"
#include "qrpay.h"
#include "sheet.h"
#include "webapi.h"

static int	crew_verify(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_opt crew_opts[] = {
	{ "--csv", 0, NULL }, { "--out", 0, NULL }, { "--offline", 1, NULL },
	{ "--cache", 0, NULL }, { "--max-age", 0, NULL }, { NULL, 0, NULL }
};

const struct cmd_form crew_verify_form = { { "--csv" }, crew_verify,
	crew_opts, 0, 0, ARGS_CSV };

/* Row k of a request: idx[k] when asking some rows, else k. */
#define CREW_ROW(idx, k)	((idx) != NULL ? (idx)[k] : (k))
#define CREW_BATCH	1000	/* items per VERIFY, at most */

/*
 * Items per VERIFY request: the daemon's limit, but no more than
 * CREW_BATCH. The requests are pipelined, so smaller ones cost little
 * here, and each is decoded and its answer encoded in one turn of the
 * daemon's loop, where phones' handshakes wait meanwhile.
 */
static size_t
crew_batch(const struct net *net)
{
	size_t	per = net_max_batch(net);

	return per < CREW_BATCH ? per : CREW_BATCH;
}

/* A VERIFY request for rows idx[first..first+n); NULL: out of memory. */
static struct wire_msg *
crew_request(const struct crew *cw, struct net *net, const size_t *idx,
    size_t first, size_t n)
{
	struct wire_msg	*m, *it;
	char		 number[CMD_LINE_MAX + 1];
	size_t		 k, i;

	if ((m = net_request(net, WIRE_VERIFY)) == NULL)
		return NULL;
	for (k = first; k < first + n; k++) {
		i = CREW_ROW(idx, k);
		if ((it = wire_put_item(m, WK_ITEMS)) == NULL)
			break;
		if (cw->name[i] != NULL && strlen(cw->name[i]) <=
		    CERT_NAME_MAX && wire_put_str(it, WK_NAME, cw->name[i]) ==
		    -1)
			break;
		if (qrpay_is_qr_text(cw->q[i])) {
			if (wire_put_str(it, WK_QR, cw->q[i]) == -1)
				break;
			continue;
		}
		cert_normalize_number(cw->q[i], number, sizeof number);
		if (wire_put_str(it, WK_NUMBER, number) == -1)
			break;
	}
	if (k < first + n) {
		wire_msg_free(m);
		return NULL;
	}
	return m;
}

static int
crew_send(struct crew *cw, const size_t *idx, size_t first, size_t n,
    uint64_t *id)
{
	struct wire_msg	*m;
	int		 rc;

	if ((m = crew_request(cw, cw->x->net, idx, first, n)) == NULL)
		return session_fail(cw->x, EX_OSERR, "out of memory");
	*id = wire_id(m);
	rc = net_send(cw->x->net, m);
	wire_msg_free(m);
	return rc == -1 ? session_net_fail(cw->x) : 0;
}

/* The issuer's line of the summary, made on first use. */
static void
crew_tally(struct crew *cw, const char *host, unsigned v, int64_t as_of)
{
	struct crew_tally	*t = NULL;
	size_t			 i;

	for (i = 0; i < cw->ntally && t == NULL; i++)
		if (strcmp(cw->tally[i].host, host) == 0)
			t = &cw->tally[i];
	if (t == NULL && cw->ntally < CREW_ISSUERS) {
		t = &cw->tally[cw->ntally++];
		snprintf(t->host, sizeof t->host, "%s", host);
	}
	if (t == NULL)
		return;
	t->counts[v]++;
	if (as_of != 0 && (t->as_of == 0 || as_of < t->as_of))
		t->as_of = as_of;
}

/* "yes", "no" or "" (no name given, or none to compare with). */
static const char *
crew_match_text(int match)
{
	return match == 1 ? "yes" : match == 0 ? "no" : "";
}

/* The columns after today's seven: issuer, as_of, and name_match. */
static void
crew_tail(struct crew *cw, const char *issuer, int64_t as_of, int match)
{
	char	at[32] = "";

	if (as_of != 0)
		offcheck_fmt_time(as_of, at);
	fputc(',', cw->out);
	sheet_field(cw->out, issuer);
	fprintf(cw->out, ",%s", at);
	if (cw->ncol != -1)
		fprintf(cw->out, ",%s", crew_match_text(match));
	fputc('\n', cw->out);
}

static void
crew_line(struct crew *cw, const struct wire_msg *it, const char *query,
    uint64_t verdict, uint64_t code, int64_t now, int match)
{
	char		 buf[512];
	uint64_t	 level;
	FILE		*f = cw->out;

	if (wire_get_str(it, WK_NUMBER, buf, sizeof buf) == -1)
		snprintf(buf, sizeof buf, "%s", query);
	sheet_field(f, buf);
	fputc(',', f);
	if (wire_get_str(it, WK_NAME, buf, sizeof buf) == -1)
		buf[0] = '\0';
	sheet_field(f, buf);
	fputc(',', f);
	if (wire_get_str(it, WK_JOB, buf, sizeof buf) == -1)
		buf[0] = '\0';
	sheet_field(f, buf);
	fputc(',', f);
	if (wire_get_uint(it, WK_LEVEL, &level) == 0)
		fprintf(f, "%llu", (unsigned long long)level);
	if (wire_get_str(it, WK_EXPIRES, buf, sizeof buf) == -1)
		buf[0] = '\0';
	fprintf(f, ",%s,%s,", output_verdict_key((unsigned)verdict),
	    cert_reason_name((enum cert_reason)code));
	sheet_field(f, buf);
	/* Online the status is the daemon's, live: as of now. */
	crew_tail(cw, cw->own, now, match);
}

static int
crew_recv(struct crew *cw, size_t first, size_t n, uint64_t id)
{
	const struct wire_msg	*it;
	struct wire_msg		*a;
	uint64_t		 v, code, m;
	char			 msg[640];
	int64_t			 now = offcheck_now();
	size_t			 i;
	int			 rc = 0, match;

	if ((a = net_recv(cw->x->net, id)) == NULL)
		return session_net_fail(cw->x);
	if (wire_type(a) == WIRE_ERROR) {
		rc = session_wire_error(a, "verify", NULL, msg, sizeof msg);
		rc = session_fail(cw->x, rc, "%s", msg);
	} else if (wire_list_len(a, WK_ITEMS) != n)
		rc = session_fail(cw->x, EX_PROTOCOL, "server answered %zu "
		    "items for %zu", wire_list_len(a, WK_ITEMS), n);
	for (i = 0; rc == 0 && i < n; i++) {
		it = wire_list_get(a, WK_ITEMS, i);
		v = VERDICT_UNKNOWN;
		code = REASON_UNAVAILABLE;
		if (wire_get_uint(it, WK_VERDICT, &v) == -1 || v > 2)
			v = VERDICT_UNKNOWN;
		wire_get_uint(it, WK_CODE, &code);
		if (code >= REASON_MAX)
			code = REASON_UNAVAILABLE;
		session_host_rule(cw->x, cw->q[first + i], &v, &code);
		match = -1;
		if (cw->name[first + i] != NULL && wire_get_uint(it, WK_MATCH,
		    &m) == 0)
			match = m == 1;
		cw->unmatched += match == 0;
		cw->counts[v]++;
		cw->reasons[code]++;
		crew_tally(cw, cw->own, (unsigned)v, now);
		if (cw->x->json)
			output_verify_as(cw->x->o, it, cw->q[first + i], v,
			    code);
		else
			crew_line(cw, it, cw->q[first + i], v, code, now, match);
	}
	wire_msg_free(a);
	return rc;
}

static void
crew_header(struct crew *cw)
{
	if (cw->x->json)
		return;
	fprintf(cw->out, "number,name,job,level,verdict,reason,expires,"
	    "issuer,as_of%s\n", cw->ncol != -1 ? ",name_match" : "");
}

static int
crew_run(struct crew *cw)
{
	uint64_t	*ids;
	size_t		 per = crew_batch(cw->x->net), nb, i, first, n;
	size_t		 longest = 0;
	int		 rc = 0;

	if ((rc = session_fetch_host(cw->x, cw->q, cw->n)) != 0)
		return rc;
	offcheck_own_host(&cw->x->conf, cw->own, sizeof cw->own);
	/* Equal requests, each within the daemon's frame for this peer. */
	for (i = 0; i < cw->n; i++)
		if (strlen(cw->q[i]) + (cw->name[i] != NULL ?
		    strlen(cw->name[i]) : 0) > longest)
			longest = strlen(cw->q[i]) + (cw->name[i] != NULL ?
			    strlen(cw->name[i]) : 0);
	if (per > net_max_bytes(cw->x->net) / (longest + 8))
		per = net_max_bytes(cw->x->net) / (longest + 8);
	if (per == 0)
		per = 1;
	nb = (cw->n + per - 1) / per;

	if ((ids = calloc(nb, sizeof *ids)) == NULL)
		return session_fail(cw->x, EX_OSERR, "out of memory");
	for (i = 0; rc == 0 && i < nb; i++) {
		first = i * per;
		n = cw->n - first < per ? cw->n - first : per;
		rc = crew_send(cw, NULL, first, n, &ids[i]);
	}
	if (rc == 0)
		crew_header(cw);
	for (i = 0; rc == 0 && i < nb; i++) {
		first = i * per;
		n = cw->n - first < per ? cw->n - first : per;
		rc = crew_recv(cw, first, n, ids[i]);
	}
	free(ids);
	return rc;
}

/* --- offline ---------------------------------------------------------- */

static int
crew_reason_code(const char *reason)
{
	int	r;

	for (r = 0; r < REASON_MAX; r++)
		if (strcmp(cert_reason_name((enum cert_reason)r), reason) == 0)
			return r;
	return -1;
}

static void
crew_offline_line(struct crew *cw, const struct oc_result *r,
    const char *query, int match)
{
	char	buf[32];
	FILE	*f = cw->out;

	sheet_field(f, r->number[0] != '\0' ? r->number : query);
	fputc(',', f);
	sheet_field(f, r->has_claims ? r->claims.name : "");
	fputc(',', f);
	sheet_field(f, r->has_claims ? r->claims.job_code : "");
	fputc(',', f);
	if (r->has_claims)
		fprintf(f, "%u", r->claims.jenjang);
	buf[0] = '\0';
	if (r->has_claims) {
		offcheck_fmt_time(r->claims.exp - 86400, buf);
		buf[10] = '\0';
	}
	fprintf(f, ",%s,%s,%s", output_verdict_key(r->verdict), r->reason,
	    buf);
	crew_tail(cw, r->issuer != NULL ? r->issuer->host : "", r->as_of,
	    match);
}

static void
crew_offline_row(struct crew *cw, const struct offcheck *c, size_t i)
{
	struct oc_result	r;
	int			match = -1, code;

	offcheck_query(c, cw->q[i], cw->hint[i], &r);
	/* Offline only a QR carries the name to compare. */
	if (cw->name[i] != NULL && r.has_claims)
		match = privacy_name_matches(cw->name[i], r.claims.name);
	cw->unmatched += match == 0;
	cw->counts[r.verdict]++;
	if ((code = crew_reason_code(r.reason)) != -1)
		cw->reasons[code]++;
	crew_tally(cw, r.issuer != NULL ? r.issuer->host : "(no issuer)",
	    r.verdict, r.as_of);
	if (cw->x->json)
		output_cached(cw->x->o, &r, cw->q[i]);
	else
		crew_offline_line(cw, &r, cw->q[i], match);
}

static int
crew_offline(struct crew *cw, struct cmd_args *a)
{
	struct offcheck	c;
	size_t		i;
	int		rc;

	if ((rc = cmd_offline_open(cw->x, args_get(a, "--cache"),
	    args_get(a, "--max-age"), &c)) != 0)
		return rc;
	crew_header(cw);
	for (i = 0; i < cw->n; i++)
		crew_offline_row(cw, &c, i);
	offcheck_release(&c);
	return 0;
}

/* --- many issuers online ----------------------------------------------- */

/*
 * With issuers in the trust file besides skk.conf's own server, each row
 * goes to the issuer it names (a QR's host, the issuer column), a bare
 * number to all of them; the own server is asked over the companion
 * port as always, an issuer whose trust file line gives its companion
 * port (server=) and a reader certificate over that port with that
 * certificate (so names come back whole), the others over their HTTPS
 * API; one thread per issuer, all at once.
 */
struct crew_peer {
	const struct crew		*cw;
	const struct trust_issuer	*t;
	struct oc_issuer		 is;	/* host and names, for output */
	size_t				*rows;	/* rows asked of it */
	struct webapi_ask		*asks;	/* asks[k] is rows[k]'s */
	size_t				 n;
	pthread_t			 th;
	int				 started;
};

struct crew_multi {
	struct crew_peer	*p;
	size_t			 np;
	ssize_t			*slot;	/* [peer * rows + row]: k, or -1 */
	struct oc_result	*none;	/* rows asked of nobody: why */
};


/* Adds row to peer p's questions. */
static int
crew_multi_add(struct crew *cw, struct crew_multi *m, size_t p, size_t row)
{
	struct crew_peer	*pe = &m->p[p];
	size_t			*nr;

	if ((nr = reallocarray(pe->rows, pe->n + 1, sizeof *nr)) == NULL)
		return -1;
	pe->rows = nr;
	m->slot[p * cw->n + row] = (ssize_t)pe->n;
	pe->rows[pe->n++] = row;
	return 0;
}

/* Does peer p answer to hint (host or licence)? */
static int
crew_peer_named(const struct crew_peer *p, const char *hint)
{
	const char	*h = strncasecmp(hint, "https://", 8) == 0 ? hint + 8 :
			    hint;

	return qrpay_host_equal(p->t->host, h) || (p->t->licence[0] != '\0' &&
	    strcmp(p->t->licence, hint) == 0);
}

/* Which issuers each row goes to; rows none can take get their answer. */
static int
crew_multi_route(struct crew *cw, struct crew_multi *m)
{
	char	host[TRUST_HOST_MAX];
	size_t	i, p, asked;
	int	rc, qr;

	for (i = 0; i < cw->n; i++) {
		qr = qrpay_is_qr_text(cw->q[i]);
		rc = qr ? qrpay_url_host(cw->q[i], strlen(cw->q[i]), host,
		    sizeof host) : 0;
		for (p = 0, asked = 0; p < m->np; p++) {
			if (qr && rc == 1 && !qrpay_host_equal(m->p[p].t->host,
			    host))
				continue;
			if (qr && rc != 1 && p > 0)
				continue;	/* a bare payload: the own server */
			if (!qr && cw->hint[i] != NULL &&
			    !crew_peer_named(&m->p[p], cw->hint[i]))
				continue;
			if (crew_multi_add(cw, m, p, i) == -1)
				return -1;
			asked++;
		}
		if (asked > 0)
			continue;
		m->none[i].verdict = VERDICT_UNKNOWN;
		m->none[i].reason = OC_ISSUER_NOT_TRUSTED;
		snprintf(m->none[i].detail, sizeof m->none[i].detail, "%s is "
		    "not a trusted issuer", qr ? host : cw->hint[i]);
	}
	return 0;
}

/* A companion VERIFY item into an answer. */
static void
crew_item_ask(const struct wire_msg *it, struct webapi_ask *a)
{
	struct tm	tm;
	char		day[16];
	uint64_t	v = VERDICT_UNKNOWN, code = REASON_UNAVAILABLE, u;

	if (wire_get_uint(it, WK_VERDICT, &v) == -1 || v > 2)
		v = VERDICT_UNKNOWN;
	if (wire_get_uint(it, WK_CODE, &code) == -1 || code >= REASON_MAX)
		code = REASON_UNAVAILABLE;
	a->r.verdict = (unsigned)v;
	a->r.reason = cert_reason_name((enum cert_reason)code);
	if (wire_get_str(it, WK_NUMBER, a->r.number, sizeof a->r.number) == -1)
		a->r.number[0] = '\0';
	if (wire_get_str(it, WK_NAME, a->r.claims.name,
	    sizeof a->r.claims.name) == 0) {
		a->r.has_claims = 1;
		if (wire_get_str(it, WK_JOB, a->r.claims.job_code,
		    sizeof a->r.claims.job_code) == -1)
			a->r.claims.job_code[0] = '\0';
		if (wire_get_uint(it, WK_LEVEL, &u) == 0 && u < 10)
			a->r.claims.jenjang = (uint8_t)u;
		memset(&tm, 0, sizeof tm);
		if (wire_get_str(it, WK_EXPIRES, day, sizeof day) == 0 &&
		    strptime(day, "%Y-%m-%d", &tm) != NULL)
			a->r.claims.exp = (int64_t)timegm(&tm) + 86400;
	}
	if (wire_get_uint(it, WK_MATCH, &u) == 0)
		a->match = u == 1;
	a->answered = 1;
}

/* Is issuer t asked over its companion port? */
static int
crew_peer_companion(const struct trust_issuer *t)
{
	return t->source == TRUST_SRC_FILE && t->server[0] != '\0' &&
	    t->cert[0] != '\0';
}

/* What net_open needs to reach issuer t's companion port. */
static int
crew_peer_conf(const struct trust_issuer *t, struct skkconf *c, char *err,
    size_t errlen)
{
	memset(c, 0, sizeof *c);
	if (skkconf_split_hostport(t->server, c->host, sizeof c->host,
	    c->port, sizeof c->port, err, errlen) == -1)
		return -1;
	memcpy(c->server, t->server, sizeof c->server);
	memcpy(c->server_name, t->server_name[0] != '\0' ? t->server_name :
	    c->host, sizeof c->server_name);
	memcpy(c->ca, t->ca, sizeof c->ca);
	memcpy(c->cert, t->cert, sizeof c->cert);
	memcpy(c->key, t->key, sizeof c->key);
	c->has_pin = t->has_pin;
	memcpy(c->pin, t->pin, sizeof c->pin);
	return 0;
}

/* Sends p's rows in batches and reads the answers: NULL, or why not. */
static const char *
crew_peer_talk(struct crew_peer *p, struct net *net, uint64_t *ids,
    size_t per)
{
	const struct wire_msg	*it;
	struct wire_msg		*m;
	size_t			 nb = (p->n + per - 1) / per, b, k, n;
	int			 rc;

	for (b = 0; b < nb; b++) {
		n = p->n - b * per < per ? p->n - b * per : per;
		if ((m = crew_request(p->cw, net, p->rows, b * per, n)) ==
		    NULL)
			return "out of memory";
		ids[b] = wire_id(m);
		rc = net_send(net, m);
		wire_msg_free(m);
		if (rc == -1)
			return net_error(net);
	}
	for (b = 0; b < nb; b++) {
		n = p->n - b * per < per ? p->n - b * per : per;
		if ((m = net_recv(net, ids[b])) == NULL)
			return net_error(net);
		if (wire_type(m) == WIRE_ERROR || wire_list_len(m, WK_ITEMS) !=
		    n) {
			wire_msg_free(m);
			return "the server's answer does not fit the request";
		}
		for (k = 0; k < n; k++) {
			it = wire_list_get(m, WK_ITEMS, k);
			crew_item_ask(it, &p->asks[b * per + k]);
		}
		wire_msg_free(m);
	}
	return NULL;
}

/*
 * Issuer p's rows over its companion port with its reader certificate;
 * rows left unanswered say why. Runs in p's thread: says nothing.
 */
static void
crew_peer_net(struct crew_peer *p)
{
	struct skkconf	*c;
	struct net	*net = NULL;
	uint64_t	*ids = NULL;
	const char	*fail = "out of memory";
	char		 why[1024];
	size_t		 k, per;

	if ((c = malloc(sizeof *c)) != NULL &&
	    (crew_peer_conf(p->t, c, why, sizeof why) == -1 ||
	    net_open(c, &net, why, sizeof why) != 0))
		fail = why;
	else if (c != NULL) {
		per = crew_batch(net);
		if ((ids = calloc((p->n + per - 1) / per, sizeof *ids)) != NULL)
			fail = crew_peer_talk(p, net, ids, per);
	}
	for (k = 0; fail != NULL && k < p->n; k++)
		if (!p->asks[k].answered)
			snprintf(p->asks[k].r.detail,
			    sizeof p->asks[k].r.detail, "%.100s: %.300s",
			    p->t->server, fail);
	free(ids);
	net_close(net);
	free(c);
}

static void *
crew_peer_cb(void *arg)
{
	struct crew_peer	*p = arg;

	if (crew_peer_companion(p->t))
		crew_peer_net(p);
	else
		webapi_ask_all(p->t, &p->is, p->asks, p->n);
	return NULL;
}

/* The own server's rows over the companion port. 0 or the exit status. */
static int
crew_multi_own(struct crew *cw, struct crew_peer *pe)
{
	const struct wire_msg	*it;
	struct wire_msg		*a;
	uint64_t		*ids;
	size_t			 per, nb, b, k, n;
	int			 rc = 0;

	if (pe->n == 0)
		return 0;
	if ((rc = session_connect(cw->x, 0)) != 0)
		return 0;	/* said; its rows stay unanswered */
	per = crew_batch(cw->x->net);
	nb = (pe->n + per - 1) / per;
	if ((ids = calloc(nb, sizeof *ids)) == NULL)
		return session_fail(cw->x, EX_OSERR, "out of memory");
	for (b = 0; rc == 0 && b < nb; b++)
		rc = crew_send(cw, pe->rows, b * per, pe->n - b * per < per ?
		    pe->n - b * per : per, &ids[b]);
	for (b = 0; rc == 0 && b < nb; b++) {
		n = pe->n - b * per < per ? pe->n - b * per : per;
		if ((a = net_recv(cw->x->net, ids[b])) == NULL) {
			rc = session_net_fail(cw->x);
			break;
		}
		if (wire_type(a) == WIRE_ERROR || wire_list_len(a, WK_ITEMS) !=
		    n)
			rc = session_fail(cw->x, EX_PROTOCOL, "the server's "
			    "answer does not fit the request");
		for (k = 0; rc == 0 && k < n; k++) {
			it = wire_list_get(a, WK_ITEMS, k);
			crew_item_ask(it, &pe->asks[b * per + k]);
		}
		wire_msg_free(a);
	}
	free(ids);
	return rc;
}

/* One row's answer from what the issuers asked said. */
static void
crew_multi_join(struct crew *cw, struct crew_multi *m, size_t row,
    struct oc_result *r, int *match)
{
	const struct webapi_ask	*a, *hit = NULL, *gap = NULL, *any = NULL;
	size_t			 p, asked = 0, knew = 0;
	ssize_t			 k;

	*match = -1;
	for (p = 0; p < m->np; p++) {
		if ((k = m->slot[p * cw->n + row]) == -1)
			continue;
		a = &m->p[p].asks[k];
		asked++;
		any = a;
		if (!a->answered)
			gap = gap != NULL ? gap : a;
		else if (strcmp(a->r.reason,
		    cert_reason_name(REASON_UNKNOWN_NUMBER)) != 0 && knew++ == 0)
			hit = a;
	}
	if (asked == 0) {
		*r = m->none[row];
		return;
	}
	if (asked == 1 || knew == 1) {
		a = asked == 1 ? any : hit;
		*r = a->r;
		*match = a->match;
		if (!a->answered && r->detail[0] == '\0')
			snprintf(r->detail, sizeof r->detail, "not answered");
		return;
	}
	memset(r, 0, sizeof *r);
	r->verdict = VERDICT_UNKNOWN;
	if (knew > 1) {
		r->reason = OC_AMBIGUOUS;
		snprintf(r->detail, sizeof r->detail, "ambiguous: known to %zu "
		    "issuers", knew);
	} else if (gap != NULL) {
		r->reason = cert_reason_name(REASON_UNAVAILABLE);
		snprintf(r->detail, sizeof r->detail, "unknown to those that "
		    "answered; %.100s: %.200s", gap->r.issuer->host,
		    gap->r.detail);
	} else {
		*r = any->r;	/* unknown to every issuer */
		r->issuer = NULL;
	}
}

static void
crew_multi_free(struct crew_multi *m)
{
	size_t	p;

	for (p = 0; p < m->np; p++) {
		free(m->p[p].rows);
		free(m->p[p].asks);
	}
	free(m->p);
	free(m->slot);
	free(m->none);
}

static int
crew_multi_setup(struct crew *cw, struct crew_multi *m,
    const struct trust_issuer *v, size_t n)
{
	size_t	p;

	memset(m, 0, sizeof *m);
	if ((m->p = calloc(n, sizeof *m->p)) == NULL ||
	    (m->slot = calloc(n * cw->n, sizeof *m->slot)) == NULL ||
	    (m->none = calloc(cw->n, sizeof *m->none)) == NULL)
		return -1;
	m->np = n;
	for (p = 0; p < n * cw->n; p++)
		m->slot[p] = -1;
	for (p = 0; p < n; p++) {
		m->p[p].cw = cw;
		m->p[p].t = &v[p];
		snprintf(m->p[p].is.host, sizeof m->p[p].is.host, "%s",
		    v[p].host);
		snprintf(m->p[p].is.name, sizeof m->p[p].is.name, "%s",
		    v[p].name);
		snprintf(m->p[p].is.licence, sizeof m->p[p].is.licence, "%s",
		    v[p].licence);
	}
	if (crew_multi_route(cw, m) == -1)
		return -1;
	for (p = 0; p < n; p++)
		if (m->p[p].n > 0 && (m->p[p].asks = calloc(m->p[p].n,
		    sizeof *m->p[p].asks)) == NULL)
			return -1;
	return 0;
}

/* The companion answers before any: UNKNOWN, not asked. */
static void
crew_peer_unasked(struct crew_peer *pe)
{
	size_t	k;

	for (k = 0; k < pe->n; k++) {
		pe->asks[k].r.verdict = VERDICT_UNKNOWN;
		pe->asks[k].r.reason = cert_reason_name(REASON_UNAVAILABLE);
		pe->asks[k].r.issuer = &pe->is;
		pe->asks[k].r.as_of = offcheck_now();
		pe->asks[k].match = -1;
		snprintf(pe->asks[k].r.detail, sizeof pe->asks[k].r.detail,
		    "the server could not be asked");
	}
}

/* Asks everyone at once: a thread per other issuer, the own one here. */
static int
crew_multi_ask(struct crew *cw, struct crew_multi *m)
{
	struct crew_peer	*own = &m->p[0];
	size_t			 p, k;
	int			 rc;

	for (k = 0; k < own->n; k++)
		own->asks[k].query = cw->q[own->rows[k]];
	crew_peer_unasked(own);
	if (fetch_init() == -1)
		return session_fail(cw->x, EX_SOFTWARE, "cannot start libcurl");
	for (p = 1; p < m->np; p++) {
		for (k = 0; k < m->p[p].n; k++) {
			m->p[p].asks[k].query = cw->q[m->p[p].rows[k]];
			m->p[p].asks[k].name = cw->name[m->p[p].rows[k]];
		}
		if (crew_peer_companion(m->p[p].t))
			crew_peer_unasked(&m->p[p]);
		if (m->p[p].n > 0 && pthread_create(&m->p[p].th, NULL,
		    crew_peer_cb, &m->p[p]) == 0)
			m->p[p].started = 1;
		else if (m->p[p].n > 0)	/* no thread: ask from here */
			crew_peer_cb(&m->p[p]);
	}
	rc = crew_multi_own(cw, own);
	for (p = 1; p < m->np; p++)
		if (m->p[p].started)
			pthread_join(m->p[p].th, NULL);
	return rc;
}

static int
crew_multi(struct crew *cw, const struct trust_issuer *v, size_t n)
{
	struct crew_multi	m;
	struct oc_result	r;
	size_t			i;
	int			rc, match, code;

	if (crew_multi_setup(cw, &m, v, n) == -1) {
		crew_multi_free(&m);
		return session_fail(cw->x, EX_OSERR, "out of memory");
	}
	if ((rc = crew_multi_ask(cw, &m)) == 0 && cw->x->o == NULL &&
	    (cw->x->o = output_new(cw->x->out, cw->x->json)) == NULL)
		rc = session_fail(cw->x, EX_OSERR, "out of memory");
	if (rc == 0)
		crew_header(cw);
	for (i = 0; rc == 0 && i < cw->n; i++) {
		crew_multi_join(cw, &m, i, &r, &match);
		/* A QR's answer shows the whole name: compare it here. */
		if (match == -1 && cw->name[i] != NULL && r.has_claims &&
		    qrpay_is_qr_text(cw->q[i]))
			match = privacy_name_matches(cw->name[i],
			    r.claims.name);
		cw->unmatched += match == 0;
		cw->counts[r.verdict < 3 ? r.verdict : VERDICT_UNKNOWN]++;
		if ((code = crew_reason_code(r.reason)) != -1)
			cw->reasons[code]++;
		crew_tally(cw, r.issuer != NULL ? r.issuer->host :
		    "(no issuer)", r.verdict, r.as_of);
		if (cw->x->json)
			output_cached(cw->x->o, &r, cw->q[i]);
		else
			crew_offline_line(cw, &r, cw->q[i], match);
	}
	crew_multi_free(&m);
	return rc;
}

/* Online: one server, or every trusted issuer when there are more. */
static int
crew_online(struct crew *cw)
{
	struct trust_issuer	*v = NULL;
	char			 why[1024];
	size_t			 n = 0;
	int			 rc;

	if ((rc = session_load_conf(cw->x)) != 0)
		return rc;
	if (offcheck_trusted(&cw->x->conf, NULL, &v, &n, why,
	    sizeof why) == -1)
		return session_fail(cw->x, EX_CONFIG, "%s", why);
	if (n > 1)
		rc = crew_multi(cw, v, n);
	else if ((rc = session_connect(cw->x, 0)) == 0)
		rc = crew_run(cw);
	free(v);
	return rc;
}

/* --- the end ---------------------------------------------------------- */

/* "38 valid, 2 not valid: 1 expired, 1 revoked" */
static void
crew_summary(struct crew *cw)
{
	FILE		*f = cw->x->err;
	const char	*p;
	char		 at[32];
	size_t		 r, i;
	int		 first = 1;

	fprintf(f, "%zu valid, %zu not valid", cw->counts[VERDICT_VALID],
	    cw->counts[VERDICT_NOT_VALID]);
	for (r = REASON_OK + 1; r < REASON_MAX; r++) {
		if (cw->reasons[r] == 0 || r == REASON_STALE ||
		    r == REASON_UNAVAILABLE)
			continue;
		fprintf(f, "%s%zu ", first ? ": " : ", ", cw->reasons[r]);
		for (p = cert_reason_name((enum cert_reason)r); *p != '\0'; p++)
			fputc(*p == '_' ? ' ' : *p, f);
		first = 0;
	}
	if (cw->counts[VERDICT_UNKNOWN] > 0)
		fprintf(f, "; %zu unknown", cw->counts[VERDICT_UNKNOWN]);
	if (cw->unmatched > 0)
		fprintf(f, "; %zu name%s not matching", cw->unmatched,
		    cw->unmatched == 1 ? "" : "s");
	fputc('\n', f);
	for (i = 0; i < cw->ntally; i++) {
		fprintf(f, "  %s: %zu valid, %zu not valid, %zu unknown",
		    cw->tally[i].host, cw->tally[i].counts[VERDICT_VALID],
		    cw->tally[i].counts[VERDICT_NOT_VALID],
		    cw->tally[i].counts[VERDICT_UNKNOWN]);
		if (cw->tally[i].as_of != 0) {
			offcheck_fmt_time(cw->tally[i].as_of, at);
			fprintf(f, " (as of %s)", at);
		}
		fputc('\n', f);
	}
}

static int
crew_load(struct crew *cw)
{
	struct csv_error	 e;
	char			*buf;
	size_t			 len;
	int			 rc;

	if ((rc = sheet_read(cw->x, cw->path, &buf, &len)) != 0)
		return rc;
	rc = csv_parse(buf, len, NULL, crew_row_cb, cw, NULL, &e);
	explicit_bzero(buf, len);	/* other columns may hold NIKs */
	free(buf);
	if (cw->status == EX_DATAERR)
		return cw->status;	/* said by the callback */
	if (cw->status != 0)
		return session_fail(cw->x, cw->status, "out of memory");
	if (rc == -1)
		return session_fail(cw->x, EX_DATAERR, "%s:%zu:%zu: %s",
		    cw->path, e.line, e.col, e.msg);
	if (cw->n == 0)
		return session_fail(cw->x, EX_DATAERR, "%s: nothing to verify",
		    cw->path);
	return 0;
}

static int
crew_finish(struct crew *cw)
{
	if (output_end(cw->x->o) == -1 || fflush(cw->out) == EOF ||
	    ferror(cw->out))
		return session_fail(cw->x, EX_IOERR, "cannot write the output");
	crew_summary(cw);
	if (cw->counts[VERDICT_NOT_VALID] > 0 || cw->unmatched > 0)
		return VERDICT_NOT_VALID;
	return cw->counts[VERDICT_UNKNOWN] > 0 ? VERDICT_UNKNOWN :
	    VERDICT_VALID;
}

static void
crew_free(struct crew *cw)
{
	size_t	i;

	for (i = 0; i < cw->n; i++) {
		free(cw->q[i]);
		free(cw->hint[i]);
		if (cw->name[i] != NULL)
			explicit_bzero(cw->name[i], strlen(cw->name[i]));
		free(cw->name[i]);
	}
	free(cw->q);
	free(cw->hint);
	free(cw->name);
	free(cw->lines);
}

static int
crew_verify(struct cmd_ctx *x, struct cmd_args *a)
{
	struct crew	 cw;
	const char	*out = args_get(a, "--out");
	int		 rc, offline = args_get(a, "--offline") != NULL;

	memset(&cw, 0, sizeof cw);
	cw.x = x;
	cw.col = cw.icol = cw.ncol = -1;
	cw.out = x->out;
	if ((cw.path = args_get(a, "--csv")) == NULL)
		return session_fail(x, EX_USAGE, "verify: --csv needs a FILE");
	if (!offline && (args_get(a, "--cache") != NULL ||
	    args_get(a, "--max-age") != NULL))
		return args_usage_error(x, "--cache and --max-age go with "
		    "--offline");
	if (out != NULL && (cw.out = session_create_private(out)) == NULL)
		return session_fail(x, EX_CANTCREAT, "cannot create '%s': %s",
		    out, strerror(errno));
	if ((rc = crew_load(&cw)) == 0) {
		if (offline)
			rc = crew_offline(&cw, a);
		else
			rc = crew_online(&cw);
		if (rc == 0)
			rc = crew_finish(&cw);
	}
	if (out != NULL && fclose(cw.out) == EOF && rc == 0)
		rc = session_fail(x, EX_IOERR, "cannot write '%s'", out);
	crew_free(&cw);
	return rc;
}
