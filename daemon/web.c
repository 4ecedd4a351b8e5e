/* skkd — SPDX-License-Identifier: ISC */
/*
 * Routes and rendering for the public pages and the JSON API. Pages are
 * for a cheap phone held by an employer on site: one huge verdict first,
 * Bahasa Indonesia then English, no script. Every string that came from
 * a record or a request goes through web_html() on its way to a page;
 * the NIK never leaves the store (verify.c clears its HMAC). Nobody here
 * holds a client certificate: a check by number shows the name masked,
 * a QR (which carries the name) shows it whole (verify_redact).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "cert.h"
#include "checks.h"
#include "jbuf.h"
#include "keys.h"
#include "qrpay.h"
#include "skkd.h"
#include "tlog.h"
#include "verify.h"
#include "web.h"
#include "webapp.h"
#include "webdoc.h"

#define WEB_HTML	"text/html; charset=utf-8"
#define WEB_JSON	"application/json; charset=utf-8"
#define WEB_TEXT	"text/plain; charset=utf-8"

struct route {
	const char	*prefix;	/* matched case-insensitively */
	int		 exact;
	void		(*fn)(const struct http_req *, const char *rest,
			    struct store_rd *, struct web_resp *);
};

static void	route_home(const struct http_req *, const char *,
		    struct store_rd *, struct web_resp *);
static void	route_qr(const struct http_req *, const char *,
		    struct store_rd *, struct web_resp *);
static void	route_number(const struct http_req *, const char *,
		    struct store_rd *, struct web_resp *);
static void	route_api_cert(const struct http_req *, const char *,
		    struct store_rd *, struct web_resp *);
static void	route_api_verify(const struct http_req *, const char *,
		    struct store_rd *, struct web_resp *);
static void	route_api_keys(const struct http_req *, const char *,
		    struct store_rd *, struct web_resp *);
static void	route_healthz(const struct http_req *, const char *,
		    struct store_rd *, struct web_resp *);

static const struct route routes[] = {
	{ "/", 1, route_home },
	{ "/v/", 0, route_qr },
	{ "/c/", 0, route_number },
	{ "/api/v1/certificates/", 0, route_api_cert },
	{ "/api/v1/verify", 1, route_api_verify },
	{ "/api/v1/keys", 1, route_api_keys },
	{ "/healthz", 1, route_healthz },
};

/* The one style block; its hash goes into the CSP (web_init). */
static const char web_style[] =
	"body{font:18px/1.4 sans-serif;margin:0;color:#111;background:#fff}"
	"main{max-width:40em;margin:0 auto;padding:12px}"
	".b{color:#fff;padding:18px 12px;text-align:center;border-radius:6px}"
	".b h1{font-size:2.2em;margin:0;line-height:1.1}"
	".b p{font-size:1.1em;margin:8px 0 0}"
	".ok{background:#1b7a2e}.no{background:#b3141c}"
	".un{background:#b36b00}.i{margin-right:.3em}"
	"dl{margin:16px 0}dt{font-size:.8em;color:#555;margin-top:10px}"
	"dd{margin:0;font-weight:bold;word-wrap:break-word}"
	"input{font-size:1em;width:100%;box-sizing:border-box;padding:8px}"
	"button{font-size:1em;margin-top:8px;padding:8px 16px}"
	"small{color:#555}.b small{color:#fff}";

static char	web_csp_text[128];

/* Helpers: escaping, dates, base64. */

/* The only way text reaches a page: &, <, >, " and ' escaped. */
static void
web_html(struct evbuffer *b, const char *s)
{
	const char	*run = s;

	for (; *s != '\0'; s++) {
		const char *e = NULL;

		switch (*s) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: continue;
		}
		evbuffer_add(b, run, s - run);
		evbuffer_add(b, e, strlen(e));
		run = s + 1;
	}
	evbuffer_add(b, run, s - run);
}

static void
web_base64(const uint8_t *in, size_t len, int url, char *out)
{
	const char	*a = url ?
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" :
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t		 i;
	uint32_t	 v;

	for (i = 0; i + 2 < len; i += 3) {
		v = in[i] << 16 | in[i + 1] << 8 | in[i + 2];
		*out++ = a[v >> 18];
		*out++ = a[(v >> 12) & 63];
		*out++ = a[(v >> 6) & 63];
		*out++ = a[v & 63];
	}
	if (i < len) {
		v = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0);
		*out++ = a[v >> 18];
		*out++ = a[(v >> 12) & 63];
		if (i + 1 < len)
			*out++ = a[(v >> 6) & 63];
		if (!url) {
			if (i + 1 >= len)
				*out++ = '=';
			*out++ = '=';
		}
	}
	*out = '\0';
}

/* "" for 0: no page shows a date that never happened (1970-01-01). */
void
web_iso_time(int64_t t, char out[21])
{
	/* Every answer states the second it was made in: made once. */
	static _Thread_local int64_t	last;
	static _Thread_local char	lastout[21];
	struct tm			tm;
	time_t				tt = t;

	out[0] = '\0';
	if (t != 0 && t == last) {
		memcpy(out, lastout, sizeof(lastout));
		return;
	}
	if (t != 0 && gmtime_r(&tt, &tm) != NULL &&
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 0) {
		memcpy(lastout, out, sizeof(lastout));
		last = t;
	}
}

int
web_init(char *err, size_t errlen)
{
	uint8_t	h[32];
	char	b64[48];

	if (sign_sha256((const uint8_t *)web_style, strlen(web_style), h) ==
	    -1) {
		snprintf(err, errlen, "cannot hash the page style");
		return -1;
	}
	web_base64(h, sizeof(h), 0, b64);
	webapp_init();
	snprintf(web_csp_text, sizeof(web_csp_text),
	    "default-src 'none'; style-src 'sha256-%s'", b64);
	return 0;
}

const char *
web_csp(void)
{
	return web_csp_text;
}

/* Page frame. */

static void
web_page_begin(struct evbuffer *b, const char *title)
{
	evbuffer_add_printf(b, "<!DOCTYPE html>\n<html lang=\"id\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\">"
	    "<meta name=\"robots\" content=\"noindex\">"
	    "<title>");
	web_html(b, title);
	evbuffer_add_printf(b, "</title><style>%s</style></head>"
	    "<body><main>\n", web_style);
}

static void
web_page_end(struct evbuffer *b)
{
	evbuffer_add_printf(b, "<p><a href=\"/\">Periksa sertifikat lain"
	    "</a> / <small lang=\"en\">Check another certificate</small></p>"
	    "<p><small>");
	web_html(b, skkd->conf.issuer_name);
	evbuffer_add_printf(b, "</small></p></main></body></html>\n");
}

/* Verdicts. */

/* Colour is never the only sign: a word and a mark (hidden from readers). */
struct verdict_words {
	const char	*cls, *mark, *id, *en;
};

static const struct verdict_words verdict_words[] = {
	[VERDICT_VALID] = { "ok", "\u2713", "SAH", "VALID" },
	[VERDICT_NOT_VALID] = { "no", "\u2717", "TIDAK SAH", "NOT VALID" },
	[VERDICT_UNKNOWN] = { "un", "?", "TIDAK DAPAT DIPASTIKAN",
	    "CANNOT CONFIRM" },
};

/*
 * The reason in plain words. arg: what follows the words — 0 nothing,
 * 1 the status date, 2 the expiry date, 3 the successor, 4 the reprint
 * date. Each is printed only when the record holds it.
 */
struct reason_words {
	const char	*id, *en;
	int		 arg;
};

static const struct reason_words reason_words[REASON_MAX] = {
	[REASON_OK] = { "Sertifikat berlaku", "Certificate in force", 0 },
	[REASON_UNKNOWN_NUMBER] = { "Nomor tidak dikenal", "Unknown number",
	    0 },
	[REASON_REVOKED] = { "Dicabut pada", "Revoked on", 1 },
	[REASON_SUSPENDED] = { "Dibekukan sejak", "Suspended since", 1 },
	[REASON_EXPIRED] = { "Kedaluwarsa pada", "Expired on", 2 },
	[REASON_PENDING] = { "Menunggu pencatatan LPJK",
	    "Awaiting LPJK recording", 0 },
	[REASON_REPLACED] = { "Diganti oleh", "Replaced by", 3 },
	[REASON_BAD_SIGNATURE] = { "Tanda tangan tidak sah",
	    "Signature not valid", 0 },
	[REASON_UNKNOWN_KEY] = { "Kunci tidak dikenal", "Unknown signing key",
	    0 },
	[REASON_MALFORMED] = { "Kode QR rusak", "Malformed QR code", 0 },
	[REASON_NOT_YET_VALID] = { "Belum berlaku", "Not yet in force", 0 },
	[REASON_STALE] = { "Status tidak dapat diperiksa sekarang",
	    "Status cannot be checked now", 0 },
	[REASON_UNAVAILABLE] = { "Status tidak dapat diperiksa sekarang",
	    "Status cannot be checked now", 0 },
	[REASON_MISMATCH] = { "Tidak sesuai dengan sertifikat yang "
	    "diterbitkan", "Does not match the issued certificate", 0 },
	[REASON_REPRINTED] = { "Kartu diganti dengan cetak ulang pada",
	    "Card replaced by a reprint on", 4 },
	[REASON_KEY_COMPROMISED] = { "Kunci penanda tangan bocor: periksa "
	    "daring", "Signing key compromised: check online", 0 },
	[REASON_OTHER_SITE] = { "Mengarah ke situs lain",
	    "Points to another site", 0 },
};

static const struct reason_words replace_words = {
	"Kunci penanda tangan kartu ini bocor: kartu harus diganti",
	"This card's signing key was compromised: the card must be replaced",
	0
};

static const struct reason_words bad_number_words = {
	"Nomor tidak sah", "Malformed certificate number", 0
};

/* qr tells a bad QR from a bad number. */
static void
web_reason(const struct verify_result *vr, int qr, char *id, char *en,
    size_t len)
{
	const struct reason_words	*w = &reason_words[REASON_UNAVAILABLE];
	char				 a[CERT_NUMBER_LEN + 21] = "";

	if (vr->reason == REASON_MALFORMED && !qr)
		w = &bad_number_words;
	else if ((unsigned)vr->reason < REASON_MAX &&
	    reason_words[vr->reason].id != NULL)
		w = &reason_words[vr->reason];
	if (w->arg == 1 && vr->found) {
		web_iso_time(vr->cert.status_at, a);
		a[10] = '\0';
	} else if (w->arg == 2 && vr->found && vr->cert.expires != 0)
		date_format(vr->cert.expires, a);
	else if (w->arg == 3 && vr->found)
		snprintf(a, sizeof(a), "%s", vr->cert.successor);
	else if (w->arg == 4 && vr->reprinted_at != 0)
		date_format(date_today(vr->reprinted_at), a);
	snprintf(id, len, "%s%s%s", w->id, a[0] ? " " : "", a);
	snprintf(en, len, "%s%s%s", w->en, a[0] ? " " : "", a);
}

static int
web_verdict_status(const struct verify_result *vr)
{
	switch (vr->reason) {
	case REASON_MALFORMED:
		return 400;
	case REASON_UNKNOWN_NUMBER:
		return 404;
	case REASON_UNAVAILABLE:
		return 503;
	default:
		return 200;
	}
}

static void
web_field(struct evbuffer *b, const char *id, const char *en,
    const char *v1, const char *sep, const char *v2)
{
	int	has2 = v2 != NULL && v2[0] != '\0';

	evbuffer_add_printf(b, "<dt>%s / <span lang=\"en\">%s</span></dt><dd>",
	    id, en);
	if (v1[0] != '\0' || !has2)
		web_html(b, v1[0] ? v1 : "-");
	if (has2) {
		if (v1[0] != '\0')
			evbuffer_add_printf(b, "%s", sep);
		web_html(b, v2);
	}
	evbuffer_add_printf(b, "</dd>\n");
}

/* The holder's name, masked or whole, and whether a given name matched. */
static void
web_name(struct evbuffer *b, const struct verify_result *vr)
{
	web_field(b, "Nama", "Name", vr->cert.name, NULL, NULL);
	if (vr->masked)
		evbuffer_add_printf(b, "<dd><small>Disamarkan: ketik nama "
		    "untuk mencocokkan / <span lang=\"en\">Masked: type the "
		    "name to compare</span></small></dd>\n");
	if (vr->match == 1)
		evbuffer_add_printf(b, "<dt>Nama yang diketik / <span "
		    "lang=\"en\">Name typed</span></dt><dd id=\"match\">"
		    "<span class=\"i\" aria-hidden=\"true\">\u2713</span>"
		    "COCOK / <span lang=\"en\">MATCHES</span></dd>\n");
	else if (vr->match == 0)
		evbuffer_add_printf(b, "<dt>Nama yang diketik / <span "
		    "lang=\"en\">Name typed</span></dt><dd id=\"match\">"
		    "<span class=\"i\" aria-hidden=\"true\">\u2717</span>"
		    "TIDAK COCOK / <span lang=\"en\">DOES NOT MATCH</span>"
		    "</dd>\n");
}

/*
 * One row of the page: field f and those joined to it (cert_public);
 * returns the first field of the next row.
 */
static const struct cert_field_desc *
web_row(struct evbuffer *b, const struct cert *ct,
    const struct cert_field_desc *f, const struct cert_field_desc *end)
{
	char		 buf[CERT_FIELD_BUF];
	const char	*v;
	int		 shown = 0;

	evbuffer_add_printf(b, "<dt>%s / <span lang=\"en\">%s</span></dt>"
	    "<dd>", f->label_id, f->label_en);
	do {
		v = cert_field_text(ct, f->id, buf);
		if (v[0] == '\0' && (f->flags & CF_OPTIONAL)) {
			evbuffer_add_printf(b, "belum dicatat / <span "
			    "lang=\"en\">not recorded</span>");
			shown = 1;
		} else if (v[0] != '\0') {
			if (shown)
				evbuffer_add_printf(b, "%s", f->sep);
			if (f->id == CF_JOB_TITLE_EN)
				evbuffer_add_printf(b, "<span lang=\"en\">");
			web_html(b, v);
			if (f->id == CF_JOB_TITLE_EN)
				evbuffer_add_printf(b, "</span>");
			shown = 1;
		}
		f++;
	} while (f < end && (f->flags & CF_JOINED));
	if (!shown)
		web_html(b, "-");
	evbuffer_add_printf(b, "</dd>\n");
	return f;
}

/*
 * The public fields (cert_public), the name first, and nothing else: no
 * organiser or event (verify_redact has cleared them anyway).
 */
static void
web_fields(struct evbuffer *b, const struct verify_result *vr)
{
	const struct cert_field_desc	*f = cert_public;
	const struct cert_field_desc	*end = cert_public + cert_npublic;

	evbuffer_add_printf(b, "<dl>\n");
	web_name(b, vr);
	while (f < end) {
		if (f->id == CF_NAME)
			f++;
		else
			f = web_row(b, &vr->cert, f, end);
	}
	evbuffer_add_printf(b, "</dl>\n");
}

/* Asks for the holder's name to compare with a masked one. */
static void
web_name_form(struct evbuffer *b, const char *number)
{
	evbuffer_add_printf(b, "<form method=\"get\" action=\"/\">"
	    "<input type=\"hidden\" name=\"number\" value=\"");
	web_html(b, number);
	evbuffer_add_printf(b, "\"><label for=\"m\">Nama pemegang / <span "
	    "lang=\"en\">Holder's name</span></label><input id=\"m\" "
	    "name=\"name\" autocomplete=\"off\" required><button "
	    "type=\"submit\">Cocokkan / <span lang=\"en\">Compare</span>"
	    "</button></form>\n");
}

/*
 * How a certificate links to others: what replaced it, and for a
 * corrected one what it corrects and why (the reason of its issue event;
 * only with the whole name shown, as it may speak of the name).
 */
struct web_links {
	const char	*next;		/* "" when not replaced */
	const char	*corrects;	/* "" when not a correction */
	char		 reason[CERT_TEXT_MAX + 1];
};

static void
web_links(const struct verify_result *vr, struct store_rd *rd,
    struct web_links *l)
{
	struct cert_event	ev;
	size_t			n = 0;

	l->next = l->corrects = "";
	l->reason[0] = '\0';
	if (!vr->found)
		return;
	l->next = vr->cert.successor;
	if (vr->cert.apptype != CERT_APP_CORRECTION)
		return;
	l->corrects = vr->cert.predecessor;
	if (!vr->masked && store_get_events(rd, vr->cert.number, &ev, 1,
	    &n) == STORE_OK && n > 0 && ev.kind == EVENT_ISSUE)
		snprintf(l->reason, sizeof(l->reason), "%s", ev.reason);
}

/* A link to the page of a (well-formed) number: /c/ and its digits. */
static void
web_number_link(struct evbuffer *b, const char *number)
{
	const char	*p;

	evbuffer_add_printf(b, "<a href=\"/c/");
	for (p = number; *p != '\0'; p++)
		if (*p >= '0' && *p <= '9')
			evbuffer_add(b, p, 1);
	evbuffer_add_printf(b, "\">");
	web_html(b, number);
	evbuffer_add_printf(b, "</a>");
}

static void
web_links_page(struct evbuffer *b, const struct web_links *l)
{
	if (l->next[0] != '\0') {
		evbuffer_add_printf(b, "<p id=\"replaced\">Diganti oleh / "
		    "<span lang=\"en\">Replaced by</span> ");
		web_number_link(b, l->next);
		evbuffer_add_printf(b, "</p>\n");
	}
	if (l->corrects[0] == '\0')
		return;
	evbuffer_add_printf(b, "<p id=\"corrects\">Koreksi dari / <span "
	    "lang=\"en\">Corrects</span> ");
	web_number_link(b, l->corrects);
	if (l->reason[0] != '\0') {
		evbuffer_add_printf(b, "<br><small>Alasan / <span "
		    "lang=\"en\">Reason</span>: ");
		web_html(b, l->reason);
		evbuffer_add_printf(b, "</small>");
	}
	evbuffer_add_printf(b, "</p>\n");
}

static void
web_result_page(const struct verify_result *vr, int qr, int64_t now,
    struct store_rd *rd, struct web_resp *r)
{
	struct web_links		 l;
	const struct verdict_words	*w = &verdict_words[vr->verdict];
	char				 id[200], en[200], t[21];
	char				 why[CERT_ERR_MAX];

	web_reason(vr, qr, id, en, sizeof(id));
	web_page_begin(r->body, "Pemeriksaan SKK / SKK check");
	evbuffer_add_printf(r->body, "<div class=\"b %s\" id=\"verdict\">"
	    "<h1><span class=\"i\" aria-hidden=\"true\">%s</span>%s</h1>"
	    "<p lang=\"en\">%s</p><p>", w->cls, w->mark, w->id, w->en);
	web_html(r->body, id);
	evbuffer_add_printf(r->body, "<br><small lang=\"en\">");
	web_html(r->body, en);
	evbuffer_add_printf(r->body, "</small></p></div>\n");
	if (vr->replace_card)
		evbuffer_add_printf(r->body, "<p id=\"note\"><strong>%s"
		    "</strong><br><small lang=\"en\">%s</small></p>\n",
		    replace_words.id,
		    replace_words.en);
	web_links(vr, rd, &l);
	web_links_page(r->body, &l);
	if (vr->found)
		web_fields(r->body, vr);
	else if (cert_check_number(vr->number, why, sizeof(why)) == 0) {
		/* Only a well-formed number is shown: never echo input. */
		evbuffer_add_printf(r->body, "<dl>\n");
		web_field(r->body, "Nomor sertifikat", "Certificate number",
		    vr->number, NULL, NULL);
		evbuffer_add_printf(r->body, "</dl>\n");
	}
	if (vr->masked)
		web_name_form(r->body, vr->number);
	web_iso_time(now, t);
	evbuffer_add_printf(r->body, "<p><small>Diperiksa / <span "
	    "lang=\"en\">Checked</span>: %s</small></p>\n", t);
	web_page_end(r->body);
	r->ctype = WEB_HTML;
}

/* JSON. */

/* After "name": whether it is masked, whether a given name matched. */
static void
web_json_name(struct jbuf *j, const struct verify_result *vr)
{
	if (vr->masked)
		JB_LIT(j, ",\"name_masked\":true");
	if (vr->match == 1)
		JB_LIT(j, ",\"name_match\":true");
	else if (vr->match == 0)
		JB_LIT(j, ",\"name_match\":false");
}

/* The public fields (cert_public) that have a JSON key, and its links. */
static void
web_json_cert(struct jbuf *j, const struct verify_result *vr,
    const struct web_links *l)
{
	const struct cert_field_desc	*f;
	char				 buf[CERT_FIELD_BUF], sep = '{';
	const char			*v;

	for (f = cert_public; f < cert_public + cert_npublic; f++) {
		if (f->json == NULL)
			continue;
		v = cert_field_text(&vr->cert, f->id, buf);
		jb_key(j, sep, f->json);
		if (v[0] == '\0' && (f->flags & CF_OPTIONAL))
			JB_LIT(j, "null");
		else if (f->flags & CF_JSON_NUMBER)
			jb_put(j, v, strlen(v));
		else
			jb_str(j, v);
		if (f->id == CF_NAME)
			web_json_name(j, vr);
		sep = ',';
	}
	if (l->next[0] != '\0')
		jb_kv(j, ',', "replaced_by", l->next);
	if (l->corrects[0] != '\0')
		jb_kv(j, ',', "corrects", l->corrects);
	if (l->reason[0] != '\0')
		jb_kv(j, ',', "correction_reason", l->reason);
	JB_LIT(j, "}");
}


static void
web_json_send(json_t *j, struct web_resp *r)
{
	char	*s;

	if (j == NULL || (s = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		evbuffer_add_printf(r->body, "{\"error\":\"out of memory\"}\n");
		r->status = 500;
	} else {
		evbuffer_add_printf(r->body, "%s\n", s);
		free(s);
		json_decref(j);
	}
	r->ctype = WEB_JSON;
}

/* pre (a byte or none), then an entry or hash as base64: no escapes. */
_Static_assert(MERKLE_HASH_LEN <= LOG_ENTRY_LEN, "web_json_base64's buffer");
static void
web_json_base64(struct jbuf *j, const uint8_t *in, size_t len,
    const char *pre)
{
	char	s[1 + 1 + ((LOG_ENTRY_LEN + 2) / 3) * 4 + 2];
	size_t	n = strlen(pre);

	memcpy(s, pre, n);
	s[n++] = '"';
	web_base64(in, len, 0, s + n);
	n += strlen(s + n);
	s[n++] = '"';
	jb_put(j, s, n);
}

/*
 * ,"log":{index, tree_size, entry, proof, checkpoint}: the inclusion
 * proof of the number's current log entry (PROTOCOL.md §4.7), or
 * nothing when it has none. The entry holds no personal data, so every
 * caller gets it.
 */
static void
web_json_log(struct jbuf *j, struct store_rd *rd, const char *number)
{
	struct tlog_view	 v;
	struct tlog_proof	*p;
	char			 b64[((LOG_ENTRY_LEN + 2) / 3) * 4 + 1];
	size_t			 i;
	int			 rc;

	if (number[0] == '\0' || (p = malloc(sizeof(*p))) == NULL)
		return;
	if (tlog_view_begin(rd, &v) != STORE_OK) {
		free(p);
		return;
	}
	rc = tlog_view_proof(&v, number, p);
	tlog_view_end(&v);
	if (rc == STORE_OK) {
		snprintf(b64, sizeof(b64), "%llu", (unsigned long long)p->index);
		JB_LIT(j, ",\"log\":{\"index\":");
		jb_put(j, b64, strlen(b64));
		snprintf(b64, sizeof(b64), "%llu", (unsigned long long)p->size);
		JB_LIT(j, ",\"tree_size\":");
		jb_put(j, b64, strlen(b64));
		JB_LIT(j, ",\"entry\":");
		web_json_base64(j, p->entry, sizeof(p->entry), "");
		JB_LIT(j, ",\"proof\":[");
		for (i = 0; i < p->n; i++)
			web_json_base64(j, p->proof[i], MERKLE_HASH_LEN,
			    i > 0 ? "," : "");
		JB_LIT(j, "]");
		jb_kv(j, ',', "checkpoint", p->ckpt);
		JB_LIT(j, "}");
	}
	free(p);
}

static void
web_result_json(const struct verify_result *vr, int qr, int64_t now,
    struct store_rd *rd, struct web_resp *r)
{
	struct jbuf		j;
	struct web_links	l;
	char			id[200], en[200], t[21];

	j.out = r->body;
	j.len = 0;
	web_reason(vr, qr, id, en, sizeof(id));
	web_iso_time(now, t);
	jb_kv(&j, '{', "verdict", cert_verdict_name(vr->verdict));
	jb_kv(&j, ',', "reason", cert_reason_name(vr->reason));
	JB_LIT(&j, ",\"reason_text\":");
	jb_kv(&j, '{', "id", id);
	jb_kv(&j, ',', "en", en);
	JB_LIT(&j, "}");
	if (vr->replace_card) {
		JB_LIT(&j, ",\"replace_card\":true,\"note\":");
		jb_kv(&j, '{', "id", replace_words.id);
		jb_kv(&j, ',', "en", replace_words.en);
		JB_LIT(&j, "}");
	}
	JB_LIT(&j, ",\"certificate\":");
	if (vr->found) {
		web_links(vr, rd, &l);
		web_json_cert(&j, vr, &l);
	} else
		JB_LIT(&j, "null");
	web_json_log(&j, rd, vr->found ? vr->cert.number : vr->number);
	jb_kv(&j, ',', "checked_at", t);
	JB_LIT(&j, "}\n");
	jb_flush(&j);
	r->ctype = WEB_JSON;
}

static void
web_result(const struct http_req *req, const struct verify_result *vr,
    int qr, int64_t now, int json, struct store_rd *rd, struct web_resp *r)
{
	r->status = web_verdict_status(vr);
	r->verdict = vr->verdict;
	r->cache = "no-store";
	if (json || req->want_json)
		web_result_json(vr, qr, now, rd, r);
	else
		web_result_page(vr, qr, now, rd, r);
}

/* Routes. */

void
web_handle(const struct http_req *req, struct store_rd *rd,
    struct web_resp *r)
{
	const char	*why = NULL;
	size_t		 i, n;
	int		 status, json = 0;

	r->status = 200;
	r->verdict = -1;
	r->ep = MEP_HTTP_PAGE;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		n = strlen(routes[i].prefix);
		if (routes[i].exact ? strcasecmp(req->path,
		    routes[i].prefix) == 0 : strncasecmp(req->path,
		    routes[i].prefix, n) == 0) {
			routes[i].fn(req, req->path + n, rd, r);
			return;
		}
	}
	if ((status = webdoc_route(req, rd, r, &why, &json)) == 0)
		web_error(404, "no such page", req->want_json, r);
	else if (status == 301)
		r->status = status;	/* a document's new place, r->location */
	else if (status != 200)
		web_error(status, why, json, r);
}

/*
 * The name to compare from ?name=: 1 and the name in out, 0 when absent
 * or empty, -1 (after answering 400) when it cannot be a name.
 */
static int
web_name_param(const struct http_req *req, char *out, size_t outlen,
    int json, struct web_resp *r)
{
	if (http_query_get(req->query, "name", out, outlen) == 0)
		return out[0] != '\0';
	if (strncmp(req->query, "name=", 5) == 0 ||
	    strstr(req->query, "&name=") != NULL) {
		web_error(400, "bad name: at most 120 bytes", json ||
		    req->want_json, r);
		return -1;
	}
	return 0;
}

static void
web_lookup(const struct http_req *req, const char *text, struct store_rd *rd,
    int json, struct web_resp *r)
{
	struct verify_result	*vr;
	char			 number[64], name[CERT_NAME_MAX + 1];
	int64_t			 now = time(NULL);
	int			 given;

	if ((given = web_name_param(req, name, sizeof(name), json, r)) == -1)
		return;
	if ((vr = malloc(sizeof(*vr))) == NULL) {
		web_error(500, "out of memory", json || req->want_json, r);
		return;
	}
	cert_normalize_number(text, number, sizeof(number));
	verify_by_number(rd, number, now, vr);
	if (vr->found)
		checks_note(vr->cert.number, NULL, now);
	verify_redact(vr, CALLER_ANONYMOUS, given ? name : NULL);
	web_result(req, vr, 0, now, json, rd, r);
	free(vr);
}

static void
web_form(struct web_resp *r)
{
	web_page_begin(r->body, "Periksa SKK / Check an SKK");
	evbuffer_add_printf(r->body, "<h1>Periksa sertifikat SKK</h1>"
	    "<p><small lang=\"en\">Check a construction-worker competency "
	    "certificate</small></p><form method=\"get\" action=\"/\">"
	    "<label for=\"n\">Nomor sertifikat / <span lang=\"en\">"
	    "Certificate number</span></label><input id=\"n\" "
	    "name=\"number\" inputmode=\"numeric\" placeholder=\"42101 "
	    "8342 3 00000001 2026\" required><label for=\"m\">Nama "
	    "pemegang (untuk dicocokkan) / <span lang=\"en\">Holder's name "
	    "(to compare)</span></label><input id=\"m\" name=\"name\" "
	    "autocomplete=\"off\"><button type=\"submit\">Periksa / <span "
	    "lang=\"en\">Check</span></button></form><p><small>Atau pindai "
	    "kode QR pada kartu dengan kamera ponsel.<br><span lang=\"en\">"
	    "Or scan the QR code on the card with a phone camera.</span>"
	    "</small></p><p><a href=\"/app/\">Aplikasi pemeriksa tanpa "
	    "sinyal</a><br><small lang=\"en\">The verifier app for sites "
	    "without signal</small></p>\n");
	web_page_end(r->body);
	r->ctype = WEB_HTML;
	r->cache = "public, max-age=3600";
}

static void
route_home(const struct http_req *req, const char *rest, struct store_rd *rd,
    struct web_resp *r)
{
	char	number[128];	/* room for a pasted number's stray spaces */

	if (http_query_get(req->query, "number", number, sizeof(number)) == 0)
		web_lookup(req, number, rd, 0, r);
	else if (req->query[0] != '\0' && strstr(req->query, "number=") != NULL)
		web_error(400, "bad certificate number", req->want_json, r);
	else
		web_form(r);
}

static void
route_number(const struct http_req *req, const char *rest,
    struct store_rd *rd, struct web_resp *r)
{
	char	number[64];

	if (http_pct_decode(rest, strlen(rest), number, sizeof(number), 1) ==
	    -1) {
		web_error(400, "bad certificate number", req->want_json, r);
		return;
	}
	web_lookup(req, number, rd, 0, r);
}

static void
web_check_qr(const struct http_req *req, const char *text, struct store_rd *rd,
    int json, struct web_resp *r)
{
	struct verify_result	*vr;
	int64_t			 now = time(NULL);

	if ((vr = malloc(sizeof(*vr))) == NULL) {
		web_error(500, "out of memory", json || req->want_json, r);
		return;
	}
	verify_by_qr(rd, text, strlen(text), now, vr);
	if (vr->found)
		checks_note(vr->cert.number, NULL, now);
	verify_redact(vr, CALLER_QR, NULL);
	web_result(req, vr, 1, now, json, rd, r);
	free(vr);
}

static void
route_qr(const struct http_req *req, const char *rest, struct store_rd *rd,
    struct web_resp *r)
{
	char	text[QRPAY_URL_MAX + 1];

	if (http_pct_decode(rest, strlen(rest), text, sizeof(text), 0) == -1)
		text[0] = '\0';		/* still a "malformed QR" verdict */
	web_check_qr(req, text, rd, 0, r);
}

static void
route_api_cert(const struct http_req *req, const char *rest,
    struct store_rd *rd, struct web_resp *r)
{
	char	number[64];

	r->ep = MEP_HTTP_API;
	if (http_pct_decode(rest, strlen(rest), number, sizeof(number), 1) ==
	    -1) {
		web_error(400, "bad certificate number", 1, r);
		return;
	}
	web_lookup(req, number, rd, 1, r);
}

static void
route_api_verify(const struct http_req *req, const char *rest,
    struct store_rd *rd, struct web_resp *r)
{
	char	text[QRPAY_URL_MAX + 1];

	r->ep = MEP_HTTP_API;
	if (http_query_get(req->query, "qr", text, sizeof(text)) == -1) {
		web_error(400, "expected ?qr=<QR text>", 1, r);
		return;
	}
	web_check_qr(req, text, rd, 1, r);
}

static json_t *
web_json_time(int64_t t)
{
	char	s[21];

	if (t == 0)
		return json_null();
	web_iso_time(t, s);
	return json_string(s);
}

static void
route_api_keys(const struct http_req *req, const char *rest,
    struct store_rd *rd, struct web_resp *r)
{
	const struct keyring	*kr = &skkd->keyring;
	json_t			*keys, *k;
	char			 kid[2 * SIGN_KID_LEN + 1], x[48];
	size_t			 i;

	r->ep = MEP_HTTP_API;
	if ((keys = json_array()) == NULL) {
		web_json_send(NULL, r);
		return;
	}
	for (i = 0; i < kr->n; i++) {
		keys_kid_hex(sign_key_kid(kr->k[i].key), kid);
		web_base64(sign_key_public(kr->k[i].key), SIGN_PUB_LEN, 1, x);
		/* compromised_at: untrusted for every payload (PROTOCOL.md). */
		k = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "kid", kid,
		    "alg", "EdDSA", "crv", "Ed25519", "x", x,
		    "valid_from", web_json_time(kr->k[i].valid_from),
		    "valid_to", web_json_time(keys_window_end(&kr->k[i])),
		    "compromised_at", web_json_time(__atomic_load_n(
		    &kr->k[i].compromised_at, __ATOMIC_RELAXED)));
		json_array_append_new(keys, k);
	}
	/* A verifier needs the host too: a QR must point at its issuer. */
	web_json_send(json_pack("{s:s, s:o}", "host", skkd->conf.public_host,
	    "keys", keys), r);
	r->cache = "public, max-age=3600";
}

static void
route_healthz(const struct http_req *req, const char *rest,
    struct store_rd *rd, struct web_resp *r)
{
	r->ep = MEP_HTTP_OTHER;
	evbuffer_add_printf(r->body, "ok\n");
	r->ctype = WEB_TEXT;
}

void
web_admin(const struct http_req *req, struct store_rd *rd,
    struct web_resp *r)
{
	r->status = 200;
	r->verdict = -1;
	r->ep = MEP_HTTP_OTHER;
	if (strcmp(req->path, "/metrics") == 0) {
		metrics_render(r->body, rd);
		r->ctype = "text/plain; version=0.0.4; charset=utf-8";
	} else if (strcmp(req->path, "/healthz") == 0) {
		evbuffer_add_printf(r->body, "ok\n");
		r->ctype = WEB_TEXT;
	} else
		web_error(404, "no such page", 0, r);
}

void
web_error(int status, const char *why, int json, struct web_resp *r)
{
	const char	*title = http_status_text(status);

	r->status = status;
	r->cache = "no-store";
	evbuffer_drain(r->body, evbuffer_get_length(r->body));
	if (why == NULL)
		why = title;
	if (json) {
		web_json_send(json_pack("{s:{s:i, s:s}}", "error", "status",
		    status, "message", why), r);
		return;
	}
	web_page_begin(r->body, title);
	evbuffer_add_printf(r->body, "<h1>%d <span lang=\"en\">", status);
	web_html(r->body, title);
	evbuffer_add_printf(r->body, "</span></h1><p>Permintaan tidak dapat "
	    "dilayani.</p><p lang=\"en\">");
	web_html(r->body, why);
	evbuffer_add_printf(r->body, "</p>\n");
	web_page_end(r->body);
	r->ctype = WEB_HTML;
}
