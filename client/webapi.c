/* skkd — SPDX-License-Identifier: ISC */
/*
 * Another issuer's verdicts over HTTPS (see webapi.h). An answer is a
 * verdict whatever its HTTP status (404 for an unknown number, 400 for
 * a malformed one, 503 when the daemon cannot tell); an answer without
 * a verdict (an error document, a page from something else) is no
 * answer, which the caller turns into UNKNOWN.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cert.h"
#include "fetch.h"
#include "qrpay.h"
#include "webapi.h"

#define WEBAPI_BODY_MAX	(256 * 1024)
#define WEBAPI_PATH_MAX	(3 * QRPAY_URL_MAX + 3 * CERT_NAME_MAX + 64)
#define WEBAPI_RETRIES	10

/* Appends s percent-encoded (all but RFC 3986's unreserved) to out. */
static void
webapi_pct(char *out, size_t outlen, const char *s)
{
	size_t	n = strlen(out);

	for (; *s != '\0' && n + 4 < outlen; s++) {
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || strchr("-._~", *s) != NULL)
			out[n++] = *s;
		else
			n += (size_t)snprintf(out + n, outlen - n, "%%%02X",
			    (unsigned char)*s);
	}
	out[n] = '\0';
}

static void
webapi_path(const struct webapi_ask *a, char *path, size_t len)
{
	char	number[CERT_NUMBER_LEN + 1];

	if (qrpay_is_qr_text(a->query)) {
		snprintf(path, len, "api/v1/verify?qr=");
		webapi_pct(path, len, a->query);
	} else {
		if (cert_normalize_number(a->query, number, sizeof number) ==
		    -1)
			snprintf(number, sizeof number, "%.26s", a->query);
		snprintf(path, len, "api/v1/certificates/");
		webapi_pct(path, len, number);
	}
	if (a->name != NULL && strlen(a->name) <= CERT_NAME_MAX) {
		strncat(path, strchr(path, '?') != NULL ? "&name=" : "?name=",
		    len - strlen(path) - 1);
		webapi_pct(path, len, a->name);
	}
}

/* A static name for a reason text, "unavailable" for one skk lacks. */
static const char *
webapi_reason(const char *s)
{
	int	r;

	for (r = 0; r < REASON_MAX; r++)
		if (strcmp(cert_reason_name((enum cert_reason)r), s) == 0)
			return cert_reason_name((enum cert_reason)r);
	return cert_reason_name(REASON_UNAVAILABLE);
}

static void
webapi_text(json_t *o, const char *key, char *out, size_t outlen)
{
	const char	*s = json_string_value(json_object_get(o, key));

	snprintf(out, outlen, "%s", s != NULL ? s : "");
}

/* The certificate object into claims and number. */
static void
webapi_cert(json_t *c, struct webapi_ask *a)
{
	struct tm	tm;
	char		day[16];
	json_t		*m;

	webapi_text(c, "number", a->r.number, sizeof a->r.number);
	webapi_text(c, "name", a->r.claims.name, sizeof a->r.claims.name);
	webapi_text(c, "job_code", a->r.claims.job_code,
	    sizeof a->r.claims.job_code);
	a->r.claims.jenjang = (uint8_t)json_integer_value(json_object_get(c,
	    "jenjang"));
	webapi_text(c, "expires", day, sizeof day);
	memset(&tm, 0, sizeof tm);
	if (strptime(day, "%Y-%m-%d", &tm) != NULL)
		a->r.claims.exp = (int64_t)timegm(&tm) + 86400;
	a->r.has_claims = a->r.claims.name[0] != '\0';
	if ((m = json_object_get(c, "name_match")) != NULL)
		a->match = json_is_true(m);
}

/* A verdict document into a->r: 0, or -1 when body is none. */
static int
webapi_read(const uint8_t *body, size_t len, struct webapi_ask *a)
{
	json_t		*j, *c;
	const char	*v, *reason;
	json_error_t	 e;

	if ((j = json_loadb((const char *)body, len, 0, &e)) == NULL)
		return -1;
	v = json_string_value(json_object_get(j, "verdict"));
	reason = json_string_value(json_object_get(j, "reason"));
	if (v == NULL || reason == NULL) {
		json_decref(j);
		return -1;
	}
	a->r.verdict = strcmp(v, "valid") == 0 ? VERDICT_VALID :
	    strcmp(v, "not_valid") == 0 ? VERDICT_NOT_VALID : VERDICT_UNKNOWN;
	a->r.reason = webapi_reason(reason);
	webapi_text(json_object_get(j, "reason_text"), "en", a->r.detail,
	    sizeof a->r.detail);
	if (json_is_object(c = json_object_get(j, "certificate")))
		webapi_cert(c, a);
	json_decref(j);
	return 0;
}

static void
webapi_one(struct fetch *f, struct webapi_ask *a)
{
	char		 path[WEBAPI_PATH_MAX], err[FETCH_ERR_MAX];
	uint8_t		*body;
	size_t		 len;
	long		 status;
	unsigned	 retry, tries;

	webapi_path(a, path, sizeof path);
	for (tries = 0; tries < WEBAPI_RETRIES; tries++) {
		if (fetch_get_any(f, path, &status, &retry, &body, &len,
		    WEBAPI_BODY_MAX, err, sizeof err) != FETCH_OK) {
			snprintf(a->r.detail, sizeof a->r.detail, "%s", err);
			return;
		}
		if (status != 429)
			break;
		free(body);
		/* Anonymous callers are rate-limited: wait as told. */
		sleep(retry > 0 && retry < 10 ? retry : 1);
	}
	if (status == 429) {
		snprintf(a->r.detail, sizeof a->r.detail, "HTTP 429: too many "
		    "requests");
		return;
	}
	if (webapi_read(body, len, a) == 0)
		a->answered = 1;
	else
		snprintf(a->r.detail, sizeof a->r.detail, "HTTP %ld without a "
		    "verdict", status);
	free(body);
}

void
webapi_ask_all(const struct trust_issuer *t, const struct oc_issuer *is,
    struct webapi_ask *asks, size_t n)
{
	struct fetch_tls	 tls;
	struct fetch		*f;
	char			 err[FETCH_ERR_MAX];
	size_t			 i;

	for (i = 0; i < n; i++) {
		memset(&asks[i].r, 0, sizeof asks[i].r);
		asks[i].r.verdict = VERDICT_UNKNOWN;
		asks[i].r.reason = cert_reason_name(REASON_UNAVAILABLE);
		asks[i].r.issuer = is;
		asks[i].r.as_of = (int64_t)time(NULL);
		asks[i].answered = 0;
		asks[i].match = -1;
	}
	tls.ca = t->ca;
	tls.pin = t->has_pin ? t->pin : NULL;
	tls.cert = t->cert;
	tls.key = t->key;
	if ((f = fetch_new(t->url, NULL, NULL, err, sizeof err)) == NULL ||
	    fetch_set_tls(f, &tls, err, sizeof err) == -1) {
		for (i = 0; i < n; i++)
			snprintf(asks[i].r.detail, sizeof asks[i].r.detail,
			    "%s", err);
		fetch_free(f);
		return;
	}
	for (i = 0; i < n; i++)
		webapi_one(f, &asks[i]);
	fetch_free(f);
}
