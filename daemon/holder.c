/* skkd — SPDX-License-Identifier: ISC */
/*
 * The holder's report: see holder.h. Built as a JSON tree, dumped in
 * one piece and signed as it is, so the bytes the holder keeps are the
 * bytes signed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cert.h"
#include "checks.h"
#include "conn.h"
#include "cose.h"
#include "holder.h"
#include "note.h"
#include "ops.h"
#include "record.h"
#include "skkd.h"
#include "store.h"
#include "tlog.h"
#include "tls.h"
#include "web.h"

#define HOLDER_MAX_CERTS	256
#define HOLDER_MAX_EVENTS	256

static json_t *
holder_time(int64_t t)
{
	char	b[21];

	web_iso_time(t, b);
	return json_string(b);
}

static json_t *
holder_day(int32_t days)
{
	char	b[11];

	if (days == 0)
		return json_null();
	date_format(days, b);
	return json_string(b);
}

/* Appends to a json object; NULL values (out of memory) are caught at
 * the end by the dump failing on a half-built tree. */
static void
jset(json_t *o, const char *k, json_t *v)
{
	json_object_set_new(o, k, v);
}

static json_t *
holder_event(const struct cert_event *ev)
{
	json_t	*o;

	if ((o = json_object()) == NULL)
		return NULL;
	jset(o, "time", holder_time(ev->at));
	jset(o, "event", json_string(event_kind_name(ev->kind)));
	jset(o, "status", json_string(cert_status_name(ev->status)));
	jset(o, "by", json_string(ev->actor));
	jset(o, "by_serial", json_string(ev->serial));
	if (ev->reason[0] != '\0')
		jset(o, "reason", json_string(ev->reason));
	if (ev->detail[0] != '\0')
		jset(o, "detail", json_string(ev->detail));
	return o;
}

struct holder_checks {
	json_t	*anon;
	json_t	*auth;
};

static int
holder_check_one(int kind, const char *date, const char *org, uint64_t n,
    void *arg)
{
	struct holder_checks	*hc = arg;
	json_t			*o;

	if ((o = json_object()) == NULL)
		return 1;
	if (kind == 'a') {
		jset(o, "month", json_string(date));
		jset(o, "count", json_integer((json_int_t)n));
		json_array_append_new(hc->anon, o);
	} else {
		jset(o, "organisation", json_string(org));
		jset(o, "date", json_string(date));
		jset(o, "count", json_integer((json_int_t)n));
		json_array_append_new(hc->auth, o);
	}
	return 0;
}

static json_t *
holder_cert(struct store_rd *rd, const struct cert *ct,
    struct cert_event *ev)
{
	struct holder_checks	 hc;
	json_t			*o, *evs, *ch;
	size_t			 nev = 0, i;

	if ((o = json_object()) == NULL)
		return NULL;
	jset(o, "number", json_string(ct->number));
	jset(o, "name", json_string(ct->name));
	jset(o, "job_code", json_string(ct->job_code));
	jset(o, "job_title", json_string(ct->job_title_id));
	jset(o, "job_title_en", json_string(ct->job_title_en));
	jset(o, "jenjang", json_integer(ct->jenjang));
	jset(o, "status", json_string(cert_status_name(ct->status)));
	jset(o, "issued", holder_day(ct->issued));
	jset(o, "expires", holder_day(ct->expires));
	if (ct->lpjk_regno[0] != '\0')
		jset(o, "lpjk_number", json_string(ct->lpjk_regno));
	if (ct->predecessor[0] != '\0')
		jset(o, "replaces", json_string(ct->predecessor));
	evs = json_array();
	if (store_get_events(rd, ct->number, ev, HOLDER_MAX_EVENTS, &nev) !=
	    STORE_OK)
		nev = 0;
	for (i = 0; i < nev && i < HOLDER_MAX_EVENTS; i++)
		json_array_append_new(evs, holder_event(&ev[i]));
	jset(o, "events", evs);
	hc.anon = json_array();
	hc.auth = json_array();
	ch = json_object();
	if (checks_foreach(rd, ct->number, holder_check_one, &hc) != STORE_OK)
		jset(ch, "error", json_string("cannot read the check records"));
	jset(ch, "anonymous_per_month", hc.anon);
	jset(ch, "with_reader_certificate", hc.auth);
	jset(o, "checks", ch);
	return o;
}

/* The document; NULL out of memory or when the store fails (*why). */
static char *
holder_doc(struct store_rd *rd, char (*numbers)[CERT_NUMBER_LEN + 1],
    size_t n, const char **why)
{
	const struct conf	*cf = &skkd->conf;
	struct cert_event	*ev;
	struct cert		 ct;
	json_t			*doc, *certs, *iss;
	char			 vkey[256], *out = NULL;
	size_t			 i;

	*why = "out of memory";
	if ((ev = calloc(HOLDER_MAX_EVENTS, sizeof(*ev))) == NULL)
		return NULL;
	doc = json_object();
	iss = json_object();
	jset(iss, "name", json_string(cf->issuer_name));
	jset(iss, "licence", json_string(cf->issuer_licence));
	jset(iss, "host", json_string(cf->public_host));
	if (note_vkey_format(&skkd->tlog->key, vkey, sizeof(vkey)) == 0)
		jset(iss, "log_key", json_string(vkey));
	jset(doc, "type", json_string("skk-holder-report"));
	jset(doc, "issuer", iss);
	jset(doc, "generated", holder_time(time(NULL)));
	jset(doc, "check_log_days", json_integer(cf->check_log_days));
	certs = json_array();
	for (i = 0; i < n; i++) {
		if (store_get_cert(rd, numbers[i], &ct, NULL, NULL) !=
		    STORE_OK) {
			*why = "cannot read the store";
			goto out;
		}
		json_array_append_new(certs, holder_cert(rd, &ct, ev));
	}
	jset(doc, "certificates", certs);
	out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
out:
	json_decref(doc);
	free(ev);
	return out;
}

void
holder_report(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *p)
{
	char		 nik[CERT_NIK_LEN + 1], err[CERT_ERR_MAX];
	char		(*numbers)[CERT_NUMBER_LEN + 1] = NULL, *doc = NULL;
	uint8_t		 hmac[CERT_HMAC_LEN], *cose = NULL;
	struct wire_msg	*ans = NULL;
	const char	*why = "out of memory";
	size_t		 n = 0, coselen;
	int		 rc;
	uint64_t	 id = wire_id(msg);

	if (wire_get_str(msg, WK_NIK, nik, sizeof(nik)) == -1 ||
	    cert_check_nik(nik, err, sizeof(err)) == -1) {
		conn_reply_error(c, id, WERR_INVALID, "holder-report: %s",
		    wire_has(msg, WK_NIK) ? err : "nik missing");
		return;
	}
	rc = ops_nik_hmac(nik, hmac);
	explicit_bzero(nik, sizeof(nik));
	if (rc == -1 || (numbers = calloc(HOLDER_MAX_CERTS,
	    sizeof(*numbers))) == NULL)
		goto fail;
	if (store_find_nik(conn_reader(c), hmac, numbers, HOLDER_MAX_CERTS,
	    &n) < 0) {
		why = "cannot read the store";
		goto fail;
	}
	if (n == 0) {
		free(numbers);
		conn_reply_error(c, id, WERR_NOT_FOUND,
		    "no certificate for that NIK");
		return;
	}
	if (n > HOLDER_MAX_CERTS)
		n = HOLDER_MAX_CERTS;
	if ((doc = holder_doc(conn_reader(c), numbers, n, &why)) == NULL)
		goto fail;
	if (skkd->tlog == NULL || cose_sign1_make(skkd->tlog->key.key,
	    HOLDER_TYP, (const uint8_t *)doc, strlen(doc), &cose,
	    &coselen) == -1) {
		why = "cannot sign the report";
		goto fail;
	}
	if ((ans = wire_msg_new(WIRE_HOLDER_REPORT, id)) == NULL ||
	    wire_put_uint(ans, WK_COUNT, n) == -1 ||
	    wire_put_bytes(ans, WK_REPORT, (const uint8_t *)doc,
	    strlen(doc)) == -1 ||
	    wire_put_bytes(ans, WK_SIGNED, cose, coselen) == -1)
		goto fail;
	conn_reply(c, ans);
	free(numbers);
	free(doc);
	free(cose);
	return;
fail:
	wire_msg_free(ans);
	free(numbers);
	free(doc);
	free(cose);
	conn_reply_error(c, id, WERR_INTERNAL, "%s", why);
}
