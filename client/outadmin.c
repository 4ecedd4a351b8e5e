/* skkd — SPDX-License-Identifier: ISC */
/*
 * What skk prints for the answers only admins get: renewals and
 * corrections, correction requests, LPJK numbers in bulk, a
 * certificate's record and history (show), a holder's certificates
 * (find), the server's keys and counters. Human lines or JSON, through
 * the output of output.c (outint.h).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cert.h"
#include "hex.h"
#include "outint.h"
#include "output.h"
#include "record.h"

static const char *const out_apptypes[] = { "new", "renewal", "change",
	"correction" };

/* A new certificate that replaces PREV: renewals and corrections. */
static void
out_successor(struct output *o, const struct wire_msg *a, const char *verb)
{
	char		number[64], prev[64], url[OUT_TEXT];
	uint64_t	st = CERT_STATUS_MAX;

	out_get(a, WK_NUMBER, number, sizeof number);
	out_get(a, WK_PREV, prev, sizeof prev);
	out_get(a, WK_URL, url, sizeof url);
	wire_get_uint(a, WK_STATUS, &st);
	if (!o->json) {
		fprintf(o->f, "%s  %s  %s  (%s %s)\n", number,
		    out_status_name(st), url, verb, prev);
		return;
	}
	out_set_str(o->root, "number", number);
	out_set_str(o->root, "previous", prev);
	out_set_str(o->root, "status", out_status_name(st));
	out_set_str(o->root, "url", url);
	out_log_index(o->root, a);
}

void
output_renew(struct output *o, const struct wire_msg *a)
{
	out_successor(o, a, "replaces");
}

void
output_correct(struct output *o, const struct wire_msg *a)
{
	out_successor(o, a, "corrects");
}

void
output_correct_request(struct output *o, const struct wire_msg *a)
{
	char	number[64], when[32];
	int64_t	t = 0;

	out_get(a, WK_NUMBER, number, sizeof number);
	wire_get_int(a, WK_REQUESTED, &t);
	out_time(t, when);
	if (!o->json) {
		fprintf(o->f, "%s  correction requested %s\n", number, when);
		return;
	}
	out_set_str(o->root, "number", number);
	out_set_str(o->root, "requested", when);
}

/* "5d 19h", "7h", "0h": an age people read at a glance. */
static void
out_age(int64_t secs, char out[32])
{
	int64_t	h = secs > 0 ? secs / 3600 : 0;

	if (h >= 24)
		snprintf(out, 32, "%lldd %lldh", (long long)(h / 24),
		    (long long)(h % 24));
	else
		snprintf(out, 32, "%lldh", (long long)h);
}

static void
out_correction(struct output *o, const struct wire_msg *it, int64_t now)
{
	char	 number[64], next[64], reason[OUT_TEXT], actor[OUT_TEXT];
	char	 req[32], rec[32], done[32], age[32];
	int64_t	 treq = 0, trec = 0, tdone = 0, secs;
	int	 overdue;
	json_t	*j;

	out_get(it, WK_NUMBER, number, sizeof number);
	out_get(it, WK_NEXT, next, sizeof next);
	out_get(it, WK_REASON, reason, sizeof reason);
	out_get(it, WK_ACTOR, actor, sizeof actor);
	wire_get_int(it, WK_REQUESTED, &treq);
	wire_get_int(it, WK_TIME, &trec);
	wire_get_int(it, WK_DONE, &tdone);
	out_time(treq, req);
	out_time(trec, rec);
	out_time(tdone, done);
	secs = (tdone != 0 ? tdone : now) - treq;
	overdue = secs > OUTPUT_CORRECTION_LIMIT;
	out_age(secs, age);
	if (!o->json) {
		if (tdone == 0)
			fprintf(o->f, "%s  open  requested %s  age %s%s  %s\n",
			    number, req, age, overdue ? "  OVERDUE" : "",
			    reason);
		else
			fprintf(o->f, "%s  done  requested %s  corrected %s "
			    "after %s%s  -> %s  %s\n", number, req, done, age,
			    overdue ? "  LATE" : "", next, reason);
		return;
	}
	j = out_item(o);
	out_set_str(j, "number", number);
	out_set_str(j, "state", tdone == 0 ? "open" : "done");
	out_set_str(j, "requested", req);
	out_set_str(j, "recorded", rec);
	out_set_int(j, "age_hours", secs > 0 ? secs / 3600 : 0);
	json_object_set_new(j, "overdue", json_boolean(overdue));
	out_set_opt(j, "corrected_at", done);
	out_set_opt(j, "corrected_by", next);
	out_set_str(j, "reason", reason);
	out_set_str(j, "actor", actor);
}

void
output_corrections(struct output *o, const struct wire_msg *a, int64_t now)
{
	size_t	i, n = wire_list_len(a, WK_ITEMS);

	if (o->json && o->items == NULL) {
		o->items = json_array();
		json_object_set_new(o->root, "items", o->items);
	}
	if (n == 0 && !o->json)
		fprintf(o->f, "no correction requests\n");
	for (i = 0; i < n; i++)
		out_correction(o, wire_list_get(a, WK_ITEMS, i), now);
}

void
output_lpjk_row(struct output *o, const char *number, const char *lpjk,
    uint64_t status, int already)
{
	char	 n[64], l[OUT_TEXT];
	json_t	*j;

	snprintf(n, sizeof n, "%s", number);
	snprintf(l, sizeof l, "%s", lpjk);
	out_clean(n);
	out_clean(l);
	if (!o->json) {
		fprintf(o->f, "%s  %s  %s%s\n", n, out_status_name(status), l,
		    already ? "  (already recorded)" : "");
		return;
	}
	j = out_item(o);
	out_set_str(j, "number", n);
	out_set_str(j, "status", out_status_name(status));
	out_set_str(j, "lpjk_number", l);
	json_object_set_new(j, "already_recorded", json_boolean(already));
}

void
output_lpjk_summary(struct output *o, size_t recorded, size_t already)
{
	if (!o->json)
		return;
	out_set_int(o->root, "recorded", (int64_t)recorded);
	out_set_int(o->root, "already_recorded", (int64_t)already);
}

/* One "label  value" line of `skk show`, skipped when empty. */
static void
out_field(FILE *f, const char *label, const char *value)
{
	char	buf[OUT_TEXT];

	if (value[0] == '\0')
		return;
	snprintf(buf, sizeof buf, "%s", value);
	out_clean(buf);
	fprintf(f, "%-16s%s\n", label, buf);
}

static void
out_date(int32_t days, char out[11])
{
	if (days == 0)
		out[0] = '\0';
	else
		date_format(days, out);
}

static const char *
out_apptype(unsigned a)
{
	return a < CERT_APP_MAX ? out_apptypes[a] : "unknown";
}

static void
out_units(const struct cert *c, char *out, size_t len)
{
	size_t	i, n = 0;

	out[0] = '\0';
	for (i = 0; i < c->nunits && i < CERT_UNITS_MAX && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, "%s%s",
		    i > 0 ? ", " : "", c->units[i]);
}

static void
out_show_human(FILE *f, const struct cert *c, const char *status,
    const char *url)
{
	char	issued[11], expires[11], assessed[11], level[4], units[512];

	out_date(c->issued, issued);
	out_date(c->expires, expires);
	out_date(c->assessed, assessed);
	snprintf(level, sizeof level, "%u", c->jenjang);
	out_units(c, units, sizeof units);
	out_field(f, "number", c->number);
	out_field(f, "status", status);
	out_field(f, "name", c->name);
	out_field(f, "job code", c->job_code);
	out_field(f, "job title", c->job_title_id);
	out_field(f, "job title (en)", c->job_title_en);
	out_field(f, "klasifikasi", c->klasifikasi);
	out_field(f, "subklasifikasi", c->subklasifikasi);
	out_field(f, "kualifikasi", c->kualifikasi < CERT_QUAL_MAX ?
	    cert_qual_name((enum cert_qual)c->kualifikasi) : "");
	out_field(f, "jenjang", level);
	out_field(f, "units", units);
	out_field(f, "issuer", c->issuer_name);
	out_field(f, "licence", c->issuer_licence);
	out_field(f, "organiser", c->organiser);
	out_field(f, "event", c->event);
	out_field(f, "assessed", assessed);
	out_field(f, "place", c->assess_place);
	out_field(f, "issued", issued);
	out_field(f, "expires", expires);
	out_field(f, "application", out_apptype(c->apptype));
	out_field(f, "lsp number", c->lsp_regno);
	out_field(f, "lpjk number", c->lpjk_regno);
	out_field(f, "blank number", c->blank_no);
	out_field(f, "predecessor", c->predecessor);
	out_field(f, "successor", c->successor);
	out_field(f, "url", url);
}

static void
out_show_json(json_t *j, const struct cert *c, const char *status,
    const char *url)
{
	char	 d[11], kid[17];
	json_t	*units = json_array();
	size_t	 i;

	out_set_str(j, "number", c->number);
	out_set_str(j, "status", status);
	out_set_str(j, "name", c->name);
	out_set_str(j, "job_code", c->job_code);
	out_set_str(j, "job_title", c->job_title_id);
	out_set_opt(j, "job_title_en", c->job_title_en);
	out_set_opt(j, "klasifikasi", c->klasifikasi);
	out_set_opt(j, "subklasifikasi", c->subklasifikasi);
	if (c->kualifikasi < CERT_QUAL_MAX)
		out_set_str(j, "kualifikasi",
		    cert_qual_name((enum cert_qual)c->kualifikasi));
	out_set_int(j, "level", c->jenjang);
	for (i = 0; i < c->nunits && i < CERT_UNITS_MAX; i++)
		json_array_append_new(units, out_json_string(c->units[i]));
	json_object_set_new(j, "units", units);
	out_set_opt(j, "issuer_name", c->issuer_name);
	out_set_opt(j, "issuer_licence", c->issuer_licence);
	out_set_opt(j, "organiser", c->organiser);
	out_set_opt(j, "event", c->event);
	out_date(c->assessed, d);
	out_set_opt(j, "assessed", d);
	out_set_opt(j, "assess_place", c->assess_place);
	out_date(c->issued, d);
	out_set_opt(j, "issued", d);
	out_date(c->expires, d);
	out_set_opt(j, "expires", d);
	out_set_str(j, "application", out_apptype(c->apptype));
	out_set_opt(j, "lsp_number", c->lsp_regno);
	out_set_opt(j, "lpjk_number", c->lpjk_regno);
	out_set_opt(j, "blank_number", c->blank_no);
	out_set_opt(j, "predecessor", c->predecessor);
	out_set_opt(j, "successor", c->successor);
	hex_encode(c->kid, sizeof c->kid, kid);
	out_set_str(j, "kid", kid);
	out_set_opt(j, "url", url);
}

struct out_event {
	char		time[32];
	const char	*kind;
	const char	*status;
	char		actor[OUT_TEXT];
	char		serial[OUT_TEXT];
	char		reason[OUT_TEXT];
	char		detail[OUT_TEXT];
};

static void
out_event_read(const struct wire_msg *e, struct out_event *ev)
{
	int64_t		t = 0;
	uint64_t	kind = 0, st = CERT_STATUS_MAX;

	wire_get_int(e, WK_TIME, &t);
	wire_get_uint(e, WK_KIND, &kind);
	wire_get_uint(e, WK_STATUS, &st);
	out_time(t, ev->time);
	ev->kind = kind >= EVENT_ISSUE && kind < EVENT_KIND_MAX ?
	    event_kind_name((enum event_kind)kind) : "unknown";
	ev->status = out_status_name(st);
	out_get(e, WK_ACTOR, ev->actor, sizeof ev->actor);
	out_get(e, WK_SERIAL, ev->serial, sizeof ev->serial);
	out_get(e, WK_REASON, ev->reason, sizeof ev->reason);
	out_get(e, WK_DETAIL, ev->detail, sizeof ev->detail);
}

static void
out_events(struct output *o, const struct wire_msg *a)
{
	struct out_event	 ev;
	json_t			*arr = NULL, *j;
	size_t			 i, n = wire_list_len(a, WK_EVENTS);

	if (o->json) {
		arr = json_array();
		json_object_set_new(o->root, "events", arr);
	} else
		fprintf(o->f, "history:\n");
	for (i = 0; i < n; i++) {
		out_event_read(wire_list_get(a, WK_EVENTS, i), &ev);
		if (!o->json) {
			fprintf(o->f, "  %s  %s  %s  %s  %s  %s\n", ev.time,
			    ev.kind, ev.status, ev.actor[0] ? ev.actor : "-",
			    ev.reason[0] ? ev.reason : "-",
			    ev.detail[0] ? ev.detail : "-");
			continue;
		}
		json_array_append_new(arr, j = json_object());
		out_set_str(j, "time", ev.time);
		out_set_str(j, "kind", ev.kind);
		out_set_str(j, "status", ev.status);
		out_set_str(j, "actor", ev.actor);
		out_set_str(j, "serial", ev.serial);
		out_set_str(j, "reason", ev.reason);
		out_set_str(j, "detail", ev.detail);
	}
}

int
output_show(struct output *o, const struct wire_msg *a, char *err,
    size_t errlen)
{
	struct cert	*c;
	const uint8_t	*rec;
	size_t		 len;
	uint64_t	 st = CERT_STATUS_MAX;
	char		 url[OUT_TEXT], why[CERT_ERR_MAX];

	if (wire_get_bytes(a, WK_RECORD, &rec, &len) == -1) {
		snprintf(err, errlen, "answer without a record");
		return -1;
	}
	if ((c = malloc(sizeof *c)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (record_decode(rec, len, c, why, sizeof why) == -1) {
		snprintf(err, errlen, "bad record from server: %s", why);
		free(c);
		return -1;
	}
	if (wire_get_uint(a, WK_STATUS, &st) == -1)
		st = c->status;
	out_get(a, WK_URL, url, sizeof url);
	if (o->json)
		out_show_json(o->root, c, out_status_name(st), url);
	else
		out_show_human(o->f, c, out_status_name(st), url);
	free(c);
	out_events(o, a);
	return 0;
}

void
output_find(struct output *o, const struct wire_msg *a)
{
	const struct wire_msg	*it;
	size_t			 i, n = wire_list_len(a, WK_ITEMS);
	char			 number[64], name[OUT_TEXT], job[16];
	uint64_t		 st;
	json_t			*j;

	if (o->json && o->items == NULL) {
		o->items = json_array();
		json_object_set_new(o->root, "items", o->items);
	}
	if (n == 0 && !o->json)
		fprintf(o->f, "no certificate for this NIK\n");
	for (i = 0; i < n; i++) {
		it = wire_list_get(a, WK_ITEMS, i);
		st = CERT_STATUS_MAX;
		wire_get_uint(it, WK_STATUS, &st);
		out_get(it, WK_NUMBER, number, sizeof number);
		out_get(it, WK_NAME, name, sizeof name);
		out_get(it, WK_JOB, job, sizeof job);
		if (!o->json) {
			fprintf(o->f, "%s  %-10s  %s  %s\n", number,
			    out_status_name(st), job, name);
			continue;
		}
		j = out_item(o);
		out_set_str(j, "number", number);
		out_set_str(j, "status", out_status_name(st));
		out_set_str(j, "name", name);
		out_set_str(j, "job_code", job);
	}
}

static void
out_key_line(struct output *o, const struct wire_msg *it)
{
	const uint8_t	*p;
	size_t		 len;
	char		 kid[2 * 64 + 1] = "", key[2 * 64 + 1] = "";
	char		 from[32], to[32], comp[32];
	int64_t		 t;
	json_t		*j;

	if (wire_get_bytes(it, WK_KID, &p, &len) == 0 && len <= 64)
		hex_encode(p, len, kid);
	if (wire_get_bytes(it, WK_KEY, &p, &len) == 0 && len <= 64)
		hex_encode(p, len, key);
	out_time(wire_get_int(it, WK_FROM, &t) == 0 ? t : 0, from);
	out_time(wire_get_int(it, WK_TO, &t) == 0 ? t : 0, to);
	out_time(wire_get_int(it, WK_TIME, &t) == 0 ? t : 0, comp);
	if (!o->json) {
		fprintf(o->f, "kid %s  key %s  from %s  to %s%s%s\n", kid, key,
		    from[0] ? from : "-", to[0] ? to : "open",
		    comp[0] ? "  COMPROMISED " : "", comp);
		return;
	}
	j = out_item(o);
	out_set_str(j, "kid", kid);
	out_set_str(j, "key", key);
	json_object_set_new(j, "from", from[0] ? json_string(from) :
	    json_null());
	json_object_set_new(j, "to", to[0] ? json_string(to) : json_null());
	json_object_set_new(j, "compromised_at", comp[0] ? json_string(comp) :
	    json_null());
}

void
output_keys(struct output *o, const struct wire_msg *a)
{
	size_t	i, n = wire_list_len(a, WK_ITEMS);

	if (o->json && o->items == NULL) {
		o->items = json_array();
		json_object_set_new(o->root, "items", o->items);
	}
	for (i = 0; i < n; i++)
		out_key_line(o, wire_list_get(a, WK_ITEMS, i));
}

void
output_stats(struct output *o, const struct wire_msg *a)
{
	const struct wire_msg	*it;
	size_t			 i, n = wire_list_len(a, WK_ITEMS);
	char			 name[64];
	uint64_t		 v;

	for (i = 0; i < n; i++) {
		it = wire_list_get(a, WK_ITEMS, i);
		v = 0;
		if (out_get(it, WK_NAME, name, sizeof name)[0] == '\0')
			continue;
		wire_get_uint(it, WK_COUNT, &v);
		if (o->json)
			json_object_set_new(o->root, name,
			    json_integer((json_int_t)v));
		else
			fprintf(o->f, "%-16s%llu\n", name,
			    (unsigned long long)v);
	}
}
