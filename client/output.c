/* skkd — SPDX-License-Identifier: ISC */
/*
 * Formatting answers. Human output is printed as each answer arrives;
 * JSON is gathered into one document and printed at the end, so a
 * program reading stdout always gets a single value. Text from the server
 * is cleaned of control characters before it reaches a terminal.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cert.h"
#include "offcheck.h"
#include "offline.h"
#include "outint.h"
#include "output.h"
#include "logproof.h"


static const char *const out_verdict_labels[] = {
	"VALID", "NOT VALID", "UNKNOWN"
};
static const char *const out_verdict_keys[] = {
	"valid", "not_valid", "unknown"
};

struct output *
output_new(FILE *f, int json)
{
	struct output	*o;

	if ((o = calloc(1, sizeof *o)) == NULL)
		return NULL;
	o->f = f;
	o->json = json;
	if (json && (o->root = json_object()) == NULL) {
		free(o);
		return NULL;
	}
	return o;
}

void
output_free(struct output *o)
{
	if (o == NULL)
		return;
	json_decref(o->root);
	free(o);
}

int
output_end(struct output *o)
{
	size_t	i;

	if (!o->json)
		return 0;
	if (o->verify) {
		for (i = 0; i < 3; i++)
			json_object_set_new(o->root, out_verdict_keys[i],
			    json_integer((json_int_t)o->counts[i]));
	}
	if (json_dumpf(o->root, o->f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) ==
	    -1 || fputc('\n', o->f) == EOF)
		return -1;
	return 0;
}

const char *
output_verdict_label(unsigned v)
{
	return out_verdict_labels[v < 3 ? v : VERDICT_UNKNOWN];
}

const char *
output_verdict_key(unsigned v)
{
	return out_verdict_keys[v < 3 ? v : VERDICT_UNKNOWN];
}

/* Replaces control characters, which could drive a terminal. */
void
out_clean(char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	}
}

/* A text field, or "" when absent or unreadable. */
const char *
out_get(const struct wire_msg *m, enum wire_key k, char *buf, size_t len)
{
	if (wire_get_str(m, k, buf, len) == -1)
		buf[0] = '\0';
	out_clean(buf);
	return buf;
}

const char *
out_status_name(uint64_t s)
{
	return s < CERT_STATUS_MAX ? cert_status_name((enum cert_status)s) :
	    "unknown";
}

static const char *
out_reason_name(uint64_t r)
{
	return r < REASON_MAX ? cert_reason_name((enum cert_reason)r) :
	    "unknown";
}

/* UTC, ISO 8601; "" for 0. */
void
out_time(int64_t t, char out[32])
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	out[0] = '\0';
	if (t != 0 && gmtime_r(&tt, &tm) != NULL)
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* json_string refuses bad UTF-8: keep the ASCII and mark the rest. */
json_t *
out_json_string(const char *s)
{
	json_t	*j;
	char	*copy, *p;

	if ((j = json_string(s)) != NULL)
		return j;
	if ((copy = strdup(s)) == NULL)
		return NULL;
	for (p = copy; *p != '\0'; p++) {
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	}
	j = json_string(copy);
	free(copy);
	return j;
}

void
out_set_str(json_t *obj, const char *key, const char *s)
{
	json_object_set_new(obj, key, out_json_string(s));
}

/* Sets key only when the text is not empty. */
void
out_set_opt(json_t *obj, const char *key, const char *s)
{
	if (s[0] != '\0')
		out_set_str(obj, key, s);
}

void
out_set_int(json_t *obj, const char *key, int64_t v)
{
	json_object_set_new(obj, key, json_integer((json_int_t)v));
}

/* A new object appended to root's "items". */
json_t *
out_item(struct output *o)
{
	json_t	*j;

	if (o->items == NULL) {
		o->items = json_array();
		json_object_set_new(o->root, "items", o->items);
	}
	j = json_object();
	json_array_append_new(o->items, j);
	return j;
}

/* Fields of a known certificate in a VERIFY item. */
static void
out_verify_json(struct output *o, const struct wire_msg *it,
    const char *query, uint64_t verdict, uint64_t code)
{
	json_t		*j = out_item(o);
	char		 buf[OUT_TEXT];
	uint64_t	 v;

	out_set_str(j, "query", query);
	out_set_str(j, "verdict", output_verdict_key((unsigned)verdict));
	out_set_str(j, "reason", out_reason_name(code));
	out_set_str(j, "number", out_get(it, WK_NUMBER, buf, sizeof buf));
	out_set_opt(j, "detail", out_get(it, WK_REASON, buf, sizeof buf));
	if (!wire_has(it, WK_NAME))
		return;
	out_set_str(j, "name", out_get(it, WK_NAME, buf, sizeof buf));
	if (wire_get_uint(it, WK_MATCH, &v) == 0)
		json_object_set_new(j, "name_match", json_boolean(v == 1));
	out_set_str(j, "job_code", out_get(it, WK_JOB, buf, sizeof buf));
	out_set_str(j, "job_title", out_get(it, WK_DETAIL, buf, sizeof buf));
	if (wire_get_uint(it, WK_LEVEL, &v) == 0)
		out_set_int(j, "level", (int64_t)v);
	out_set_opt(j, "issued", out_get(it, WK_ISSUED, buf, sizeof buf));
	out_set_opt(j, "expires", out_get(it, WK_EXPIRES, buf, sizeof buf));
	out_set_opt(j, "lpjk_number", out_get(it, WK_LPJK, buf, sizeof buf));
	if (wire_get_uint(it, WK_STATUS, &v) == 0)
		out_set_str(j, "status", out_status_name(v));
	out_set_opt(j, "replaced_by", out_get(it, WK_NEXT, buf, sizeof buf));
	out_set_opt(j, "corrects", out_get(it, WK_PREV, buf, sizeof buf));
}

static void
out_reason_human(FILE *f, uint64_t code)
{
	const char	*r = out_reason_name(code);

	fputs("  (", f);
	for (; *r != '\0'; r++)
		fputc(*r == '_' ? ' ' : *r, f);
	fputc(')', f);
}

static void
out_verify_human(struct output *o, const struct wire_msg *it,
    const char *query, uint64_t verdict, uint64_t code)
{
	char		 number[64], name[OUT_TEXT], job[16], title[OUT_TEXT];
	char		 expires[16], q[OUT_TEXT];
	uint64_t	 level = 0, match;

	out_get(it, WK_NUMBER, number, sizeof number);
	snprintf(q, sizeof q, "%s", query);
	out_clean(q);
	fprintf(o->f, "%-12s%s", output_verdict_label((unsigned)verdict),
	    number[0] != '\0' ? number : q);
	if (wire_has(it, WK_NAME)) {
		wire_get_uint(it, WK_LEVEL, &level);
		fprintf(o->f, "  %s  %s %s (jenjang %llu)",
		    out_get(it, WK_NAME, name, sizeof name),
		    out_get(it, WK_JOB, job, sizeof job),
		    out_get(it, WK_DETAIL, title, sizeof title),
		    (unsigned long long)level);
		if (out_get(it, WK_EXPIRES, expires, sizeof expires)[0] != '\0')
			fprintf(o->f, "  expires %s", expires);
	}
	if (verdict != VERDICT_VALID)
		out_reason_human(o->f, code);
	if (wire_get_uint(it, WK_MATCH, &match) == 0)
		fputs(match == 1 ? "  (name matches)" :
		    "  (name does not match)", o->f);
	fputc('\n', o->f);
	if (out_get(it, WK_NEXT, q, sizeof q)[0] != '\0')
		fprintf(o->f, "  replaced by %s\n", q);
	if (out_get(it, WK_PREV, q, sizeof q)[0] != '\0')
		fprintf(o->f, "  corrects %s\n", q);
	/* The words a holder or employer must act on (PROTOCOL.md §1.6). */
	if ((verdict == VERDICT_VALID || code == REASON_MISMATCH ||
	    code == REASON_REPRINTED) &&
	    out_get(it, WK_REASON, q, sizeof q)[0] != '\0')
		fprintf(o->f, "  %s\n", q);
}

int
output_verify(struct output *o, const struct wire_msg *it, const char *query)
{
	uint64_t	verdict = VERDICT_UNKNOWN, code = REASON_UNAVAILABLE;

	if (wire_get_uint(it, WK_VERDICT, &verdict) == -1 || verdict > 2)
		verdict = VERDICT_UNKNOWN;
	wire_get_uint(it, WK_CODE, &code);
	return output_verify_as(o, it, query, verdict, code);
}

int
output_verify_as(struct output *o, const struct wire_msg *it,
    const char *query, uint64_t verdict, uint64_t code)
{
	uint64_t	match;

	if (verdict > 2)
		verdict = VERDICT_UNKNOWN;
	o->verify = 1;
	o->counts[verdict]++;
	if (o->json)
		out_verify_json(o, it, query, verdict, code);
	else
		out_verify_human(o, it, query, verdict, code);
	/* A valid card with another person's name is no check passed. */
	if (wire_get_uint(it, WK_MATCH, &match) == 0 && match != 1)
		return VERDICT_NOT_VALID;
	return (int)verdict;
}

void
output_proof(struct output *o, const struct logproof *p,
    const struct logproof_result *r, const char *err)
{
	json_t	*j;

	if (!o->json) {
		if (err != NULL)
			fprintf(o->f, "  log proof FAILED: %s\n", err);
		else
			fprintf(o->f, "  log: entry %llu (%s) is in the tree of "
			    "%llu entries the log key signed, %zu witness "
			    "cosignature%s\n", (unsigned long long)p->index,
			    log_event_name(r->entry.event),
			    (unsigned long long)p->size, r->witnesses,
			    r->witnesses == 1 ? "" : "s");
		return;
	}
	if (o->items == NULL || json_array_size(o->items) == 0)
		return;
	j = json_object();
	json_object_set_new(json_array_get(o->items,
	    json_array_size(o->items) - 1), "log", j);
	json_object_set_new(j, "proved", json_boolean(err == NULL));
	if (err != NULL) {
		out_set_str(j, "error", err);
		return;
	}
	out_set_int(j, "index", (int64_t)p->index);
	out_set_int(j, "tree_size", (int64_t)p->size);
	out_set_str(j, "event", log_event_name(r->entry.event));
	out_set_int(j, "witnesses", (int64_t)r->witnesses);
}

/* A write's entry in the issuer's transparency log, when it said. */
void
out_log_index(json_t *j, const struct wire_msg *a)
{
	uint64_t	v;

	if (wire_get_uint(a, WK_LOGINDEX, &v) == 0 && v <= INT64_MAX)
		out_set_int(j, "log_index", (int64_t)v);
}

void
output_issue(struct output *o, const struct wire_msg *it)
{
	char		 number[64], url[OUT_TEXT];
	uint64_t	 st = CERT_STATUS_MAX;
	json_t		*j;

	out_get(it, WK_NUMBER, number, sizeof number);
	out_get(it, WK_URL, url, sizeof url);
	wire_get_uint(it, WK_STATUS, &st);
	if (!o->json) {
		fprintf(o->f, "%s  %s%s%s\n", number, out_status_name(st),
		    url[0] != '\0' ? "  " : "", url);
		return;
	}
	j = out_item(o);
	out_set_str(j, "number", number);
	out_set_str(j, "status", out_status_name(st));
	out_set_str(j, "url", url);
	out_log_index(j, it);
}

void
output_status(struct output *o, const struct wire_msg *a)
{
	char		number[64];
	uint64_t	st = CERT_STATUS_MAX;

	out_get(a, WK_NUMBER, number, sizeof number);
	wire_get_uint(a, WK_STATUS, &st);
	if (!o->json) {
		fprintf(o->f, "%s  %s\n", number, out_status_name(st));
		return;
	}
	out_set_str(o->root, "number", number);
	out_set_str(o->root, "status", out_status_name(st));
	out_log_index(o->root, a);
}

/* The expiry date of QR claims: exp is the day after, at 00:00 UTC. */
static void
out_claims_expiry(const struct qr_claims *c, char out[32])
{
	out_time(c->exp - 86400, out);
	out[10] = '\0';
}

/* What a QR's claims say, for programs and for people. */
static void
out_claims_json(json_t *j, const struct qr_claims *c)
{
	char	buf[32];

	out_set_str(j, "name", c->name);
	out_set_str(j, "job_code", c->job_code);
	out_set_int(j, "level", c->jenjang);
	out_claims_expiry(c, buf);
	out_set_str(j, "expires", buf);
}

static void
out_claims_human(FILE *f, const struct qr_claims *c)
{
	char	name[sizeof c->name], exp[32];

	snprintf(name, sizeof name, "%s", c->name);
	out_clean(name);
	out_claims_expiry(c, exp);
	fprintf(f, "  %s  %s (jenjang %u)  expires %s", name, c->job_code,
	    c->jenjang, exp);
}

static void
out_offline_json(struct output *o, const struct offline_result *r,
    const char *query)
{
	json_t	*j = out_item(o);

	out_set_str(j, "query", query);
	out_set_str(j, "verdict", output_verdict_key(r->verdict));
	out_set_str(j, "reason", out_reason_name(r->reason));
	out_set_opt(j, "detail", r->detail);
	if (!r->signed_ok)
		return;
	out_set_str(j, "number", r->claims.number);
	out_claims_json(j, &r->claims);
}

void
output_offline(struct output *o, const struct offline_result *r,
    const char *query)
{
	char	q[OUT_TEXT];

	o->verify = 1;
	o->counts[r->verdict < 3 ? r->verdict : VERDICT_UNKNOWN]++;
	if (o->json) {
		out_offline_json(o, r, query);
		return;
	}
	snprintf(q, sizeof q, "%.60s%s", query, strlen(query) > 60 ? "..." :
	    "");
	out_clean(q);
	fprintf(o->f, "%-12s%s", output_verdict_label(r->verdict),
	    r->signed_ok ? r->claims.number : q);
	if (r->signed_ok)
		out_claims_human(o->f, &r->claims);
	out_reason_human(o->f, r->reason);
	fputc('\n', o->f);
	if ((r->verdict == VERDICT_NOT_VALID ||
	    r->reason == REASON_KEY_COMPROMISED) && r->detail[0] != '\0')
		fprintf(o->f, "  %s\n", r->detail);
}

static void
out_cached_json(struct output *o, const struct oc_result *r,
    const char *query)
{
	json_t	*j = out_item(o), *is;
	char	 buf[32];

	out_set_str(j, "query", query);
	out_set_str(j, "verdict", output_verdict_key(r->verdict));
	out_set_str(j, "reason", r->reason);
	out_set_opt(j, "detail", r->detail);
	if (r->as_of != 0) {
		out_time(r->as_of, buf);
		out_set_str(j, "as_of", buf);
	}
	out_set_opt(j, "number", r->number);
	if (r->issuer != NULL) {
		is = json_object();
		out_set_str(is, "host", r->issuer->host);
		out_set_opt(is, "name", r->issuer->name);
		out_set_opt(is, "licence", r->issuer->licence);
		json_object_set_new(j, "issuer", is);
	}
	if (!r->has_claims)
		return;
	out_claims_json(j, &r->claims);
}

void
output_cached(struct output *o, const struct oc_result *r, const char *query)
{
	char		 text[OUT_TEXT], at[32];
	const char	*p;

	o->verify = 1;
	o->counts[r->verdict < 3 ? r->verdict : VERDICT_UNKNOWN]++;
	if (o->json) {
		out_cached_json(o, r, query);
		return;
	}
	snprintf(text, sizeof text, "%.60s%s", r->number[0] != '\0' ?
	    r->number : query, r->number[0] == '\0' && strlen(query) > 60 ?
	    "..." : "");
	out_clean(text);
	fprintf(o->f, "%-12s%s", output_verdict_label(r->verdict), text);
	if (r->has_claims)
		out_claims_human(o->f, &r->claims);
	fputs("  (", o->f);
	for (p = r->reason; *p != '\0'; p++)
		fputc(*p == '_' ? ' ' : *p, o->f);
	fputc(')', o->f);
	if (r->as_of != 0) {
		out_time(r->as_of, at);
		fprintf(o->f, " as of %s", at);
	}
	fputc('\n', o->f);
	if (r->issuer != NULL) {
		snprintf(text, sizeof text, "%s (%s)", r->issuer->name,
		    r->issuer->host);
		out_clean(text);
		fprintf(o->f, "  issuer: %s\n", text);
	}
	if (r->verdict != VERDICT_VALID && r->detail[0] != '\0') {
		snprintf(text, sizeof text, "%s", r->detail);
		out_clean(text);
		fprintf(o->f, "  %s\n", text);
	}
}

void
output_sync(struct output *o, const char *host, const char *name, int ok,
    size_t lists, size_t maps, size_t same, int64_t as_of, const char *why)
{
	json_t	*j;
	char	 text[OUT_TEXT], at[32];

	out_time(as_of, at);
	if (!o->json) {
		if (!ok)
			return;	/* said on stderr */
		snprintf(text, sizeof text, "%s (%s)", host, name);
		out_clean(text);
		fprintf(o->f, "%s: issuer descriptor, %zu status list%s, %zu "
		    "number map%s (%zu unchanged)%s%s\n", text, lists,
		    lists == 1 ? "" : "s", maps, maps == 1 ? "" : "s", same,
		    at[0] != '\0' ? ", as of " : "", at);
		return;
	}
	j = out_item(o);
	out_set_str(j, "host", host);
	out_set_opt(j, "name", name);
	json_object_set_new(j, "ok", json_boolean(ok));
	if (!ok) {
		out_set_str(j, "error", why);
		return;
	}
	out_set_int(j, "status_lists", (int64_t)lists);
	out_set_int(j, "number_maps", (int64_t)maps);
	out_set_int(j, "unchanged", (int64_t)same);
	out_set_opt(j, "as_of", at);
}

void
output_checked(struct output *o, const char *checked, const char *note)
{
	if (o->json) {
		out_set_str(o->root, "checked", checked);
		out_set_str(o->root, "note", note);
	} else
		fprintf(o->f, "  %s\n", note);
}

void
output_holder(struct output *o, const char *file, const char *sig,
    uint64_t n)
{
	json_t	*j;

	if (!o->json) {
		fprintf(o->f, "%s: %llu certificate%s, signed by the log key "
		    "in %s\n", file, (unsigned long long)n, n == 1 ? "" : "s",
		    sig);
		return;
	}
	j = out_item(o);
	out_set_str(j, "file", file);
	out_set_str(j, "signed", sig);
	out_set_int(j, "certificates", (int64_t)n);
}

void
output_qr(struct output *o, const char *number, const char *url,
    const char *file)
{
	json_t	*j;

	if (!o->json) {
		if (file[0] != '\0')
			fprintf(o->f, "%s  %s  %s\n", number, file, url);
		return;
	}
	j = out_item(o);
	out_set_str(j, "number", number);
	out_set_str(j, "url", url);
	out_set_opt(j, "file", file);
}

/* --- reports ---------------------------------------------------------- */

void
output_field_str(struct output *o, const char *key, const char *label,
    const char *value)
{
	char	buf[OUT_TEXT];

	if (o->json) {
		out_set_str(o->root, key, value);
		return;
	}
	snprintf(buf, sizeof buf, "%s", value);
	out_clean(buf);
	fprintf(o->f, "%s: %s\n", label, buf);
}

void
output_record(struct output *o, const struct output_kv *f, size_t n)
{
	json_t	*j;
	char	 buf[OUT_TEXT];
	size_t	 i;

	if (o->json) {
		j = out_item(o);
		for (i = 0; i < n; i++)
			out_set_opt(j, f[i].key, f[i].value);
		return;
	}
	for (i = 0; i < n; i++) {
		if (f[i].value[0] == '\0')
			continue;
		snprintf(buf, sizeof buf, "%s", f[i].value);
		out_clean(buf);
		if (i == 0)
			fprintf(o->f, "%s\n", buf);
		else
			fprintf(o->f, "  %s: %s\n", f[i].label, buf);
	}
}

void
output_field_int(struct output *o, const char *key, const char *label,
    int64_t value)
{
	if (o->json)
		out_set_int(o->root, key, value);
	else
		fprintf(o->f, "%s: %lld\n", label, (long long)value);
}

void
output_section(struct output *o, const char *key, const char *title,
    int list, size_t rows)
{
	if (o->json)
		json_object_set_new(o->root, key, list ? json_array() :
		    json_object());
	else
		fprintf(o->f, "%s:%s\n", title, rows == 0 ? " none" : "");
}

void
output_count(struct output *o, const char *key, const char *name,
    uint64_t n)
{
	json_t	*t;

	if (!o->json) {
		fprintf(o->f, "  %-34s %llu\n", name, (unsigned long long)n);
		return;
	}
	if ((t = json_object_get(o->root, key)) != NULL)
		out_set_int(t, name, (int64_t)n);
}

void
output_flag(struct output *o, const char *key, uint64_t index,
    const char *kind, const char *text)
{
	json_t	*a, *f;

	if (!o->json) {
		fprintf(o->f, "  entry %llu: %s: %s\n",
		    (unsigned long long)index, kind, text);
		return;
	}
	if ((a = json_object_get(o->root, key)) == NULL ||
	    (f = json_object()) == NULL)
		return;
	out_set_int(f, "entry", (int64_t)index);
	out_set_str(f, "kind", kind);
	out_set_str(f, "text", text);
	json_array_append_new(a, f);
}
