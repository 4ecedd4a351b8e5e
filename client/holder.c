/* skkd — SPDX-License-Identifier: ISC */
/*
 * The holder's report: see holder.h.
 */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <jansson.h>

#include "cert.h"
#include "holder.h"
#include "output.h"
#include "pdf.h"
#include "session.h"

#define HOLDER_PARAS_MAX	4096
#define HOLDER_PARA_MAX		1024

/* The paragraphs of the PDF. */
struct holder_doc {
	char	*p[HOLDER_PARAS_MAX];
	size_t	 n;
};

static int	holder_run(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_opt holder_opts[] = {
	{ "--nik", 0, NULL }, { "--output", 0, "-o" }, { NULL, 0, NULL }
};

const struct cmd_form holder_form = { { NULL }, holder_run, holder_opts,
	0, 0, ARGS_PLAIN };

static void
holder_add(struct holder_doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
holder_add(struct holder_doc *d, const char *fmt, ...)
{
	va_list	ap;
	char	b[HOLDER_PARA_MAX];

	if (d->n >= HOLDER_PARAS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if ((d->p[d->n] = strdup(b)) != NULL)
		d->n++;
}

/* A string member, "" when absent. */
static const char *
js(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static void
holder_cert_paras(struct holder_doc *d, json_t *c)
{
	json_t	*ev, *ch, *v;
	size_t	 i;

	holder_add(d, "# %s \u2014 %s", js(c, "number"), js(c, "status"));
	holder_add(d, "Nama / Name: %s", js(c, "name"));
	holder_add(d, "Jabatan kerja / Job: %s %s (%s), jenjang %lld",
	    js(c, "job_code"), js(c, "job_title"), js(c, "job_title_en"),
	    (long long)json_integer_value(json_object_get(c, "jenjang")));
	holder_add(d, "Terbit / Issued: %s; berlaku sampai / valid until: %s%s%s",
	    js(c, "issued"), js(c, "expires"),
	    js(c, "lpjk_number")[0] != '\0' ? "; LPJK: " : "",
	    js(c, "lpjk_number"));
	if (js(c, "replaces")[0] != '\0')
		holder_add(d, "Mengganti / Replaces: %s", js(c, "replaces"));
	holder_add(d, "Riwayat pemrosesan / Processing history:");
	json_array_foreach(json_object_get(c, "events"), i, ev)
		holder_add(d, "  %s  %s \u2192 %s  oleh / by %s (%s)%s%s%s%s",
		    js(ev, "time"), js(ev, "event"), js(ev, "status"),
		    js(ev, "by"), js(ev, "by_serial"),
		    js(ev, "reason")[0] != '\0' ? "  " : "", js(ev, "reason"),
		    js(ev, "detail")[0] != '\0' ? "  " : "", js(ev, "detail"));
	ch = json_object_get(c, "checks");
	holder_add(d, "Pemeriksaan anonim per bulan / Anonymous checks per "
	    "month (tanpa alamat IP / no IP address kept):%s",
	    json_array_size(json_object_get(ch, "anonymous_per_month")) ? "" :
	    " -");
	json_array_foreach(json_object_get(ch, "anonymous_per_month"), i, v)
		holder_add(d, "  %s: %lld", js(v, "month"),
		    (long long)json_integer_value(json_object_get(v, "count")));
	holder_add(d, "Pemeriksaan dengan sertifikat pembaca / Checks with a "
	    "reader certificate:%s",
	    json_array_size(json_object_get(ch, "with_reader_certificate")) ?
	    "" : " -");
	json_array_foreach(json_object_get(ch, "with_reader_certificate"), i,
	    v)
		holder_add(d, "  %s  %s: %lld", js(v, "date"),
		    js(v, "organisation"),
		    (long long)json_integer_value(json_object_get(v, "count")));
}

static const char *
holder_base(const char *path)
{
	const char	*s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* The report as a PDF at path; 0 or the exit status. */
static int
holder_pdf(struct cmd_ctx *x, const char *path, const uint8_t *b,
    size_t len, const char *json, const char *sig)
{
	struct holder_doc	*d;
	json_error_t		 je;
	json_t			*doc, *iss, *c;
	FILE			*f;
	char			 err[256];
	size_t			 i;
	int			 rc = 0;

	if ((doc = json_loadb((const char *)b, len, 0, &je)) == NULL)
		return session_fail(x, EX_PROTOCOL, "holder-report: the "
		    "report is not JSON: %s", je.text);
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		json_decref(doc);
		return session_fail(x, EX_OSERR, "out of memory");
	}
	iss = json_object_get(doc, "issuer");
	holder_add(d, "# Rekam data pemegang sertifikat / Certificate "
	    "holder's record");
	holder_add(d, "UU 27/2022 Pasal 32. Penerbit / Issuer: %s (%s), %s",
	    js(iss, "name"), js(iss, "licence"), js(iss, "host"));
	holder_add(d, "Dibuat / Generated: %s. Catatan pemeriksaan dengan "
	    "organisasi disimpan %lld hari / checks with an organisation "
	    "are kept %lld days, then counted per month.",
	    js(doc, "generated"), (long long)json_integer_value(
	    json_object_get(doc, "check_log_days")), (long long)
	    json_integer_value(json_object_get(doc, "check_log_days")));
	holder_add(d, "Asli yang ditandatangani / Signed original: %s with "
	    "%s (COSE_Sign1, kunci log penerbit / the issuer's log key %s).",
	    holder_base(json), holder_base(sig), js(iss, "log_key"));
	json_array_foreach(json_object_get(doc, "certificates"), i, c)
		holder_cert_paras(d, c);
	if ((f = session_create_private(path)) == NULL)
		rc = session_fail(x, EX_CANTCREAT, "cannot create '%s': %s",
		    path, strerror(errno));
	else if (pdf_text_doc(f, "Rekam data pemegang / Holder's record",
	    (const char *const *)d->p, d->n, err, sizeof(err)) == -1) {
		fclose(f);
		rc = session_fail(x, EX_IOERR, "%s: %s", path, err);
	} else if (fclose(f) == EOF)
		rc = session_fail(x, EX_IOERR, "cannot write '%s': %s", path,
		    strerror(errno));
	for (i = 0; i < d->n; i++)
		free(d->p[i]);
	free(d);
	json_decref(doc);
	return rc;
}

static int
holder_run(struct cmd_ctx *x, struct cmd_args *a)
{
	const char	*nik = args_get(a, "--nik");
	const char	*out = args_get(a, "--output");
	const uint8_t	*doc, *cose;
	char		 why[CERT_ERR_MAX], sig[PATH_MAX], json[PATH_MAX];
	struct wire_msg	*m, *ans = NULL;
	size_t		 doclen, coselen, olen;
	uint64_t	 n = 0;
	int		 rc, pdf;

	if (nik == NULL || out == NULL)
		return args_usage_error(x, "--nik and -o FILE.json are "
		    "required");
	olen = strlen(out);
	if (olen >= 5 && strcmp(out + olen - 5, ".json") == 0)
		pdf = 0;
	else if (olen >= 4 && strcmp(out + olen - 4, ".pdf") == 0)
		pdf = 1;
	else
		return args_usage_error(x, "-o: '%s': the report is written "
		    "as FILE.json or FILE.pdf", out);
	/* FILE.pdf: the signed original beside it, FILE.json. */
	if (snprintf(json, sizeof(json), "%.*s.json", (int)(olen - (pdf ?
	    4 : 5)), out) >= (int)sizeof(json) ||
	    snprintf(sig, sizeof(sig), "%s.cose", json) >= (int)sizeof(sig))
		return args_usage_error(x, "-o: path too long");
	if (cert_check_nik(nik, why, sizeof(why)) == -1)
		return session_fail(x, EX_DATAERR, "holder-report: %s", why);
	if ((rc = session_begin(x)) != 0)
		return rc;
	if ((m = session_request(x, WIRE_HOLDER_REPORT)) == NULL ||
	    wire_put_str(m, WK_NIK, nik) == -1)
		return session_oom(x, m);
	if ((rc = session_call(x, m, &ans, NULL)) != 0)
		return rc;
	if (wire_get_bytes(ans, WK_REPORT, &doc, &doclen) == -1 ||
	    doclen == 0 || wire_get_bytes(ans, WK_SIGNED, &cose,
	    &coselen) == -1 || coselen == 0 ||
	    wire_get_uint(ans, WK_COUNT, &n) == -1) {
		wire_msg_free(ans);
		return session_fail(x, EX_PROTOCOL, "holder-report: the "
		    "server sent no signed report");
	}
	if ((rc = session_write_private(x, json, doc, doclen)) == 0 &&
	    (rc = session_write_private(x, sig, cose, coselen)) == 0 &&
	    (!pdf || (rc = holder_pdf(x, out, doc, doclen, json, sig)) == 0))
		output_holder(x->o, out, sig, n);
	wire_msg_free(ans);
	return rc != 0 ? rc : session_end(x, 0);
}
