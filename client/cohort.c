/* skkd — SPDX-License-Identifier: ISC */
/*
 * "skk issue --csv": a whole cohort from a CSV file. The file is read
 * whole, parsed with proto/csv.c and every row checked with proto/cert.c
 * before anything is sent: a bad spreadsheet costs no connection and
 * issues nothing. The rows then go as one batch (BATCH = SHA-256 of the
 * file, IDEM = batch and line per row) in pipelined chunks; the daemon
 * commits the batch in one transaction, so a re-run after a crash finds
 * every row issued or none.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cert.h"
#include "cmd_qr.h"
#include "cohort.h"
#include "csv.h"
#include "hex.h"
#include "print.h"
#include "qrmat.h"
#include "qrpng.h"
#include "record.h"
#include "sheet.h"
#include "sign.h"

#define COHORT_CHUNK		2000	/* rows per ISSUE frame */
#define COHORT_PROGRESS_MIN	300	/* rows before a progress bar */
#define COHORT_QR_MODULE	8	/* PNG pixels a QR module */

enum cohort_col {
	COL_NAME, COL_NIK, COL_JOB, COL_LEVEL, COL_TITLE, COL_EVENT,
	COL_ORGANISER, COL_ISSUED, COL_EXPIRES, COL_LPJK, COL_NUMBER, COL_MAX
};

static const char *cohort_cols[COL_MAX] = {
	"name", "nik", "job_code", "level", "job_title", "event",
	"organiser", "issued", "expires", "lpjk_number", "number"
};

/* One row of a cohort, checked and encoded. */
struct cohort_row {
	size_t		 line;
	char		**f;		/* the input fields, ncols of them */
	char		 nik[CERT_NIK_LEN + 1];
	char		 job[9];
	char		 number[CERT_NUMBER_LEN + 1];	/* supplied, or "" */
	uint8_t		*rec;
	size_t		 reclen;
	char		 out_number[CERT_NUMBER_LEN + 1];	/* answered */
	char		*url;
	uint64_t	 status;
	int		 reused;
};

struct cohort {
	struct cmd_ctx		*x;
	const char		*path;
	char			*buf;
	size_t			 len;
	char			**header;
	size_t			 ncols;
	int			 col[COL_MAX];	/* index or -1 */
	struct cohort_row	*rows;
	size_t			 n, cap;
	size_t			 errors;
	int			 status;	/* a fatal status from a callback */
	char			 batch[2 * 32 + 1];
	size_t			 chunk;		/* rows per ISSUE frame */
	int			 keep;		/* --keep-columns */
};

static int	cohort_issue(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_opt cohort_opts[] = {
	{ "--csv", 0, NULL }, { "--out", 0, NULL }, { "--dry-run", 1, NULL },
	{ "--no-qr", 1, NULL }, { "--keep-columns", 1, NULL },
	{ "--pdf", 0, NULL }, { "--card", 1, NULL }, { NULL, 0, NULL }
};

const struct cmd_form cohort_issue_form = { { "--csv" }, cohort_issue,
	cohort_opts, 0, 0, ARGS_CSV };

/* A row problem: "FILE:LINE: column: reason"; counts it. */
static void __attribute__((format(printf, 3, 4)))
cohort_bad(struct cohort *co, size_t line, const char *fmt, ...)
{
	va_list	ap;

	fprintf(co->x->err, "%s:%zu: ", co->path, line);
	va_start(ap, fmt);
	vfprintf(co->x->err, fmt, ap);
	va_end(ap);
	fputc('\n', co->x->err);
	co->errors++;
}

/* --- issue: reading and checking --------------------------------------- */

static int
cohort_header(struct cohort *co, size_t line, char **fields, size_t n)
{
	size_t	i, k;

	for (k = 0; k < COL_MAX; k++)
		co->col[k] = -1;
	if ((co->header = sheet_copy_fields(fields, n, n)) == NULL)
		return (co->status = EX_OSERR);
	co->ncols = n;
	for (i = 0; i < n; i++) {
		sheet_trim(co->header[i]);
		for (k = 0; k < COL_MAX; k++) {
			if (strcasecmp(co->header[i], cohort_cols[k]) != 0)
				continue;
			if (co->col[k] != -1)
				cohort_bad(co, line, "%s: column given twice",
				    cohort_cols[k]);
			co->col[k] = (int)i;
		}
	}
	for (k = 0; k <= COL_LEVEL; k++) {
		if (co->col[k] == -1)
			cohort_bad(co, line, "%s: required column missing",
			    cohort_cols[k]);
	}
	return co->errors > 0 ? (co->status = EX_DATAERR) : 0;
}

static const char *
cohort_get(const struct cohort *co, char **f, enum cohort_col k)
{
	return co->col[k] == -1 ? "" : f[co->col[k]];
}

static int
cohort_text(struct cohort *co, size_t line, char *dst, size_t dstlen,
    const char *field, const char *v, size_t max)
{
	char	why[CERT_ERR_MAX];

	if (v[0] == '\0')
		return 0;
	if (cert_check_text(field, v, max, why, sizeof why) == -1) {
		cohort_bad(co, line, "%s", why);
		return -1;
	}
	snprintf(dst, dstlen, "%s", v);
	return 0;
}

static int
cohort_date(struct cohort *co, size_t line, const char *field,
    const char *v, int32_t *days)
{
	if (v[0] == '\0')
		return 0;
	if (date_parse(v, days) == -1) {
		cohort_bad(co, line, "%s: '%s' is not a date (YYYY-MM-DD)",
		    field, v);
		return -1;
	}
	return 0;
}

/* The identity columns: name, NIK, job code, level, number. */
static int
cohort_identity(struct cohort *co, struct cohort_row *r, char **f,
    struct cert *c)
{
	const char	*level = cohort_get(co, f, COL_LEVEL);
	const char	*number = cohort_get(co, f, COL_NUMBER);
	char		 why[CERT_ERR_MAX], norm[64];
	int		 bad = 0;

	if (cert_check_name(cohort_get(co, f, COL_NAME), why, sizeof why) == -1)
		cohort_bad(co, r->line, "%s", why), bad = 1;
	if (cert_check_nik(cohort_get(co, f, COL_NIK), why, sizeof why) == -1)
		cohort_bad(co, r->line, "%s", why), bad = 1;
	if (cert_check_job_code(cohort_get(co, f, COL_JOB), why,
	    sizeof why) == -1)
		cohort_bad(co, r->line, "%s", why), bad = 1;
	if (strlen(level) != 1 || level[0] < '1' || level[0] > '9')
		cohort_bad(co, r->line, "level: '%s' is not a jenjang from 1 "
		    "to 9", level), bad = 1;
	if (number[0] != '\0') {
		cert_normalize_number(number, norm, sizeof norm);
		if (cert_check_number(norm, why, sizeof why) == -1)
			cohort_bad(co, r->line, "%s", why), bad = 1;
		else
			snprintf(r->number, sizeof r->number, "%.*s",
			    CERT_NUMBER_LEN, norm);
	}
	if (bad)
		return -1;
	snprintf(c->name, sizeof c->name, "%s", cohort_get(co, f, COL_NAME));
	snprintf(r->nik, sizeof r->nik, "%s", cohort_get(co, f, COL_NIK));
	snprintf(r->job, sizeof r->job, "%s", cohort_get(co, f, COL_JOB));
	snprintf(c->job_code, sizeof c->job_code, "%s", r->job);
	snprintf(c->number, sizeof c->number, "%s", r->number);
	c->jenjang = (uint8_t)(level[0] - '0');
	return 0;
}

/* The whole record as the daemon will check it, with stand-ins. */
static int
cohort_whole(struct cohort *co, struct cohort_row *r, const struct cert *c)
{
	struct cert	*t;
	char		 why[CERT_ERR_MAX], d[11];
	int		 rc;

	if ((t = malloc(sizeof *t)) == NULL)
		return -1;
	*t = *c;
	cert_fill_job(t);
	snprintf(t->issuer_name, sizeof t->issuer_name, "LSP");
	snprintf(t->issuer_licence, sizeof t->issuer_licence, "BNSP");
	if (t->issued == 0)
		t->issued = date_today(time(NULL));
	if (t->expires == 0)
		t->expires = cert_default_expiry(t->issued);
	t->status = t->lpjk_regno[0] ? CERT_ACTIVE : CERT_PENDING;
	date_format(t->issued, d);
	if (t->number[0] == '\0')
		cert_format_number(t->number, 42101, 8342, t->jenjang, 1,
		    atoi(d));
	if ((rc = cert_validate(t, why, sizeof why)) == -1)
		cohort_bad(co, r->line, "%s", why);
	free(t);
	return rc;
}

static int
cohort_fill(struct cohort *co, struct cohort_row *r, char **f)
{
	struct cert	*c;
	int		 rc = -1;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return -1;
	if (cohort_identity(co, r, f, c) == 0 &&
	    cohort_text(co, r->line, c->job_title_id, sizeof c->job_title_id,
	    "job_title", cohort_get(co, f, COL_TITLE), CERT_TEXT_MAX) == 0 &&
	    cohort_text(co, r->line, c->event, sizeof c->event, "event",
	    cohort_get(co, f, COL_EVENT), CERT_TEXT_MAX) == 0 &&
	    cohort_text(co, r->line, c->organiser, sizeof c->organiser,
	    "organiser", cohort_get(co, f, COL_ORGANISER), CERT_TEXT_MAX) == 0 &&
	    cohort_text(co, r->line, c->lpjk_regno, sizeof c->lpjk_regno,
	    "lpjk_number", cohort_get(co, f, COL_LPJK), CERT_SHORT_MAX) == 0 &&
	    cohort_date(co, r->line, "issued", cohort_get(co, f, COL_ISSUED),
	    &c->issued) == 0 &&
	    cohort_date(co, r->line, "expires", cohort_get(co, f, COL_EXPIRES),
	    &c->expires) == 0 &&
	    cohort_whole(co, r, c) == 0)
		rc = record_encode(c, &r->rec, &r->reclen);
	free(c);
	return rc;
}

static int
cohort_row_cb(void *arg, size_t line, char **fields, size_t n)
{
	struct cohort		*co = arg;
	struct cohort_row	*r, *nr;
	size_t			 i;

	if (co->header == NULL)
		return cohort_header(co, line, fields, n);
	if (co->n == co->cap) {
		co->cap = co->cap ? co->cap * 2 : 256;
		if ((nr = reallocarray(co->rows, co->cap, sizeof *nr)) == NULL)
			return (co->status = EX_OSERR);
		co->rows = nr;
	}
	r = &co->rows[co->n];
	memset(r, 0, sizeof *r);
	r->line = line;
	if ((r->f = sheet_copy_fields(fields, n, co->ncols)) == NULL)
		return (co->status = EX_OSERR);
	co->n++;
	for (i = 0; i < co->ncols; i++)
		sheet_trim(r->f[i]);
	cohort_fill(co, r, r->f);
	return 0;
}

static int
cohort_cmp_nikjob(const void *a, const void *b)
{
	const struct cohort_row	*ra = *(struct cohort_row *const *)a;
	const struct cohort_row	*rb = *(struct cohort_row *const *)b;
	int			 d;

	if ((d = strcmp(ra->nik, rb->nik)) != 0 ||
	    (d = strcmp(ra->job, rb->job)) != 0)
		return d;
	return ra->line < rb->line ? -1 : ra->line > rb->line;
}

static int
cohort_cmp_number(const void *a, const void *b)
{
	const struct cohort_row	*ra = *(struct cohort_row *const *)a;
	const struct cohort_row	*rb = *(struct cohort_row *const *)b;
	int			 d;

	if ((d = strcmp(ra->number, rb->number)) != 0)
		return d;
	return ra->line < rb->line ? -1 : ra->line > rb->line;
}

/* Same NIK and job twice, or the same supplied number twice. */
static int
cohort_dups(struct cohort *co)
{
	struct cohort_row	**v;
	size_t			  i;

	if (co->n < 2)
		return 0;
	if ((v = calloc(co->n, sizeof *v)) == NULL)
		return -1;
	for (i = 0; i < co->n; i++)
		v[i] = &co->rows[i];
	qsort(v, co->n, sizeof *v, cohort_cmp_nikjob);
	for (i = 1; i < co->n; i++) {
		if (v[i]->nik[0] != '\0' && cohort_cmp_nikjob(&v[i - 1],
		    &v[i]) != 0 && strcmp(v[i - 1]->nik, v[i]->nik) == 0 &&
		    strcmp(v[i - 1]->job, v[i]->job) == 0)
			cohort_bad(co, v[i]->line, "nik: same NIK and job code "
			    "as line %zu", v[i - 1]->line);
	}
	qsort(v, co->n, sizeof *v, cohort_cmp_number);
	for (i = 1; i < co->n; i++) {
		if (v[i]->number[0] != '\0' &&
		    strcmp(v[i - 1]->number, v[i]->number) == 0)
			cohort_bad(co, v[i]->line, "number: '%s' also on line "
			    "%zu", v[i]->number, v[i - 1]->line);
	}
	free(v);
	return 0;
}

static void
cohort_batch_id(struct cohort *co)
{
	uint8_t	h[32];

	sign_sha256((const uint8_t *)co->buf, co->len, h);
	hex_encode(h, sizeof h, co->batch);
}

static int
cohort_load(struct cohort *co)
{
	struct csv_error	e;
	int			rc;

	if ((rc = sheet_read(co->x, co->path, &co->buf, &co->len)) != 0)
		return rc;
	rc = csv_parse(co->buf, co->len, NULL, cohort_row_cb, co, NULL, &e);
	if (rc == -1)
		return session_fail(co->x, EX_DATAERR, "%s:%zu:%zu: %s",
		    co->path, e.line, e.col, e.msg);
	if (co->status != 0)
		return co->status == EX_OSERR ? session_fail(co->x, EX_OSERR,
		    "out of memory") : co->status;
	if (co->header == NULL || co->n == 0)
		return session_fail(co->x, EX_DATAERR, "%s: no rows", co->path);
	if (cohort_dups(co) == -1)
		return session_fail(co->x, EX_OSERR, "out of memory");
	if (co->errors > 0)
		return session_fail(co->x, EX_DATAERR, "%s: %zu problem%s; "
		    "nothing issued", co->path, co->errors,
		    co->errors == 1 ? "" : "s");
	cohort_batch_id(co);
	return 0;
}

static void
cohort_release(struct cohort *co)
{
	size_t	i;

	/* Rows and the file carry NIKs: nothing of them stays in the heap. */
	for (i = 0; i < co->n; i++) {
		sheet_free_fields(co->rows[i].f, co->ncols);
		free(co->rows[i].rec);
		free(co->rows[i].url);
	}
	if (co->rows != NULL)
		explicit_bzero(co->rows, co->cap * sizeof(*co->rows));
	free(co->rows);
	sheet_free_fields(co->header, co->ncols);
	if (co->buf != NULL)
		explicit_bzero(co->buf, co->len);
	free(co->buf);
}

/* --- issue: sending ----------------------------------------------------- */

static int
cohort_put_row(struct cohort *co, struct wire_msg *m, struct cohort_row *r)
{
	struct wire_msg	*it;
	char		 idem[80];

	/* 40 hex digits of the file's hash keep the key under 64 bytes. */
	snprintf(idem, sizeof idem, "%.40s:%zu", co->batch, r->line);
	if ((it = wire_put_item(m, WK_ITEMS)) == NULL ||
	    wire_put_bytes(it, WK_RECORD, r->rec, r->reclen) == -1 ||
	    wire_put_str(it, WK_NIK, r->nik) == -1 ||
	    wire_put_str(it, WK_IDEM, idem) == -1)
		return -1;
	return 0;
}

static void
cohort_progress(struct cohort *co, size_t done, const char *what)
{
	int	w = 40, k;

	if (co->n <= COHORT_PROGRESS_MIN || !isatty(fileno(co->x->err)))
		return;
	k = (int)(done * (size_t)w / co->n);
	fprintf(co->x->err, "\r%s [%.*s%*s] %zu/%zu", what, k,
	    "########################################", w - k, "", done,
	    co->n);
	if (done == co->n)
		fputc('\n', co->x->err);
	fflush(co->x->err);
}

/* Sends rows from first on as one chunk; *id gets its request id. */
static int
cohort_send_chunk(struct cohort *co, size_t first, int dry, uint64_t *id)
{
	struct wire_msg	*m;
	size_t		 i, end = first + co->chunk;
	int		 rc;

	if (end > co->n)
		end = co->n;
	if ((m = net_request(co->x->net, WIRE_ISSUE)) == NULL ||
	    wire_put_str(m, WK_BATCH, co->batch) == -1 ||
	    wire_put_uint(m, WK_COUNT, first) == -1 ||
	    (end < co->n && wire_put_uint(m, WK_MORE, 1) == -1) ||
	    (dry && wire_put_uint(m, WK_DRYRUN, 1) == -1))
		goto oom;
	for (i = first; i < end; i++)
		if (cohort_put_row(co, m, &co->rows[i]) == -1)
			goto oom;
	*id = wire_id(m);
	rc = net_send(co->x->net, m);
	wire_msg_free(m);
	return rc == -1 ? session_net_fail(co->x) : 0;
oom:
	wire_msg_free(m);
	return session_fail(co->x, EX_OSERR, "out of memory");
}

/* An ERROR: every problem the daemon listed, by line. */
static int
cohort_refused(struct cohort *co, const struct wire_msg *a)
{
	const struct wire_msg	*it;
	char			 msg[640];
	uint64_t		 idx;
	size_t			 i, n = wire_list_len(a, WK_ITEMS);
	int			 rc;

	rc = session_wire_error(a, "issue", NULL, msg, sizeof msg);
	for (i = 0; i < n; i++) {
		it = wire_list_get(a, WK_ITEMS, i);
		if (wire_get_uint(it, WK_COUNT, &idx) == -1 || idx >= co->n ||
		    wire_get_str(it, WK_ERRMSG, msg, sizeof msg) == -1)
			continue;
		cohort_bad(co, co->rows[idx].line, "%s", msg);
	}
	if (n > 0)
		return session_fail(co->x, rc, "%s: %zu problem%s; nothing "
		    "issued", co->path, n, n == 1 ? "" : "s");
	return session_fail(co->x, rc, "%s; nothing issued", msg);
}

/* One chunk's answer: the items of rows first to first + n. */
static int
cohort_take_items(struct cohort *co, const struct wire_msg *a, size_t first,
    size_t n)
{
	const struct wire_msg	*it;
	struct cohort_row	*r;
	char			 url[2048], detail[32];
	size_t			 i;

	if (wire_list_len(a, WK_ITEMS) != n)
		return session_fail(co->x, EX_PROTOCOL, "issue: server "
		    "answered %zu items for %zu", wire_list_len(a, WK_ITEMS),
		    n);
	for (i = 0; i < n; i++) {
		it = wire_list_get(a, WK_ITEMS, i);
		r = &co->rows[first + i];
		wire_get_str(it, WK_NUMBER, r->out_number,
		    sizeof r->out_number);
		wire_get_uint(it, WK_STATUS, &r->status);
		if (wire_get_str(it, WK_URL, url, sizeof url) == 0)
			r->url = strdup(url);
		r->reused = wire_get_str(it, WK_DETAIL, detail,
		    sizeof detail) == 0 && strcmp(detail, "reused") == 0;
		if (co->x->json)
			output_issue(co->x->o, it);
	}
	return 0;
}

/*
 * Every chunk is answered after the commit with its own rows. On a
 * refusal one answer lists the problems and the others point to it: the
 * list is what the user needs, so it is looked for among all of them.
 */
static int
cohort_recv(struct cohort *co, const uint64_t *ids, size_t nchunks, int dry)
{
	struct wire_msg	*a, *refusal = NULL;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; rc == 0 && i < nchunks; i++) {
		if ((a = net_recv(co->x->net, ids[i])) == NULL) {
			if (refusal != NULL)
				break;
			return session_net_fail(co->x);
		}
		if (wire_type(a) == WIRE_ERROR) {
			if (refusal == NULL || (!wire_has(refusal, WK_ITEMS) &&
			    wire_has(a, WK_ITEMS))) {
				wire_msg_free(refusal);
				refusal = a;
				a = NULL;
			}
		} else if (wire_type(a) != WIRE_ISSUE)
			rc = session_fail(co->x, EX_PROTOCOL, "unexpected %s "
			    "answer", wire_type_name(wire_type(a)));
		else if (!dry && refusal == NULL)
			rc = cohort_take_items(co, a, i * co->chunk,
			    i + 1 < nchunks ? co->chunk :
			    co->n - i * co->chunk);
		wire_msg_free(a);
		cohort_progress(co, i + 1 == nchunks ? co->n :
		    (i + 1) * co->chunk, "received");
	}
	if (refusal != NULL && rc == 0)
		rc = cohort_refused(co, refusal);
	wire_msg_free(refusal);
	return rc;
}

static int
cohort_send(struct cohort *co, int dry)
{
	uint64_t	*ids;
	size_t		 nchunks, i;
	int		 rc = 0;

	co->chunk = COHORT_CHUNK < net_max_batch(co->x->net) ? COHORT_CHUNK :
	    net_max_batch(co->x->net);
	nchunks = (co->n + co->chunk - 1) / co->chunk;
	if ((ids = calloc(nchunks, sizeof *ids)) == NULL)
		return session_fail(co->x, EX_OSERR, "out of memory");
	for (i = 0; rc == 0 && i < nchunks; i++) {
		rc = cohort_send_chunk(co, i * co->chunk, dry, &ids[i]);
		cohort_progress(co, i + 1 == nchunks ? co->n :
		    (i + 1) * co->chunk, "sending");
	}
	if (rc == 0)
		rc = cohort_recv(co, ids, nchunks, dry);
	free(ids);
	return rc;
}

/* --- issue: results ----------------------------------------------------- */

/*
 * Whether input column k goes into issued.csv: never the NIK or the
 * number (the answer's comes last), and a column skk does not know only
 * with --keep-columns: a sheet's phone or address column stays home.
 */
static int
cohort_copies(const struct cohort *co, size_t k)
{
	size_t	c;

	if ((int)k == co->col[COL_NIK] || (int)k == co->col[COL_NUMBER])
		return 0;
	for (c = 0; c < COL_MAX; c++)
		if (co->col[c] == (int)k)
			return 1;
	return co->keep;
}

static int
cohort_write_issued(struct cohort *co, const char *dir)
{
	char		 path[4096];
	FILE		*f;
	size_t		 i, k;
	int		 rc;

	if ((rc = session_private_dir(co->x, dir)) != 0)
		return rc;
	snprintf(path, sizeof path, "%s/issued.csv", dir);
	if ((f = session_create_private(path)) == NULL)
		return session_fail(co->x, EX_CANTCREAT, "cannot create "
		    "'%s': %s", path, strerror(errno));
	for (k = 0; k < co->ncols; k++) {
		if (!cohort_copies(co, k))
			continue;
		sheet_field(f, co->header[k]);
		fputc(',', f);
	}
	fputs("number,qr_url,status\n", f);
	for (i = 0; i < co->n; i++) {
		for (k = 0; k < co->ncols; k++) {
			if (!cohort_copies(co, k))
				continue;
			sheet_field(f, co->rows[i].f[k]);
			fputc(',', f);
		}
		sheet_field(f, co->rows[i].out_number);
		fputc(',', f);
		sheet_field(f, co->rows[i].url ? co->rows[i].url : "");
		fprintf(f, ",%s\n", cert_status_name(co->rows[i].status));
	}
	if (fclose(f) == EOF)
		return session_fail(co->x, EX_IOERR, "cannot write '%s'", path);
	return 0;
}

#define COHORT_PNG_THREADS	8	/* at most, one a CPU */
#define COHORT_PNG_TAKE		16	/* rows a thread takes at a time */

/* The images of a cohort, drawn by threads that take rows in turn. */
struct cohort_pngs {
	struct cohort		*co;
	int			 dirfd;
	pthread_mutex_t		 lock;
	pthread_mutex_t		 dirlock;	/* held creating files */
	size_t			 next;		/* the first row not taken */
	size_t			 done;		/* for the progress bar */
	int			 status;	/* the first failure's, or 0 */
	char			 why[512];
};

static void __attribute__((format(printf, 3, 4)))
cohort_png_fail(struct cohort_pngs *p, int status, const char *fmt, ...)
{
	va_list	ap;

	pthread_mutex_lock(&p->lock);
	if (p->status == 0) {
		p->status = status;
		va_start(ap, fmt);
		vsnprintf(p->why, sizeof p->why, fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&p->lock);
}

/* A new file's bytes, created 0600 in the directory (O_EXCL first: an
 * older file of that name may have had a wider mode). */
static int
cohort_png_file(int dirfd, const char *name, const uint8_t *png, size_t len)
{
	ssize_t	w;
	int	fd, e;

	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1 && errno == EEXIST &&
	    (fd = openat(dirfd, name, O_WRONLY | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC)) != -1 && fchmod(fd, 0600) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (fd == -1)
		return -1;
	while (len > 0) {
		if ((w = write(fd, png, len)) == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = w == 0 ? EIO : errno;
			close(fd);
			errno = e;
			return -1;
		}
		png += w;
		len -= (size_t)w;
	}
	return close(fd);
}

/* A thread's images of the rows it took, kept until they are written. */
struct cohort_batch {
	uint8_t	*buf;
	size_t	 len, cap;
	size_t	 n;
	size_t	 off[COHORT_PNG_TAKE], size[COHORT_PNG_TAKE];
	char	 name[COHORT_PNG_TAKE][CERT_NUMBER_LEN + 8];
};

/*
 * DIR/<number, blanks as _>.png: the QR of the URL the daemon answered,
 * drawn here (8 pixels a module, as the daemon's images), not asked for,
 * into the thread's batch.
 */
static int
cohort_png(struct cohort_pngs *p, struct qrpng *b, size_t i,
    struct cohort_batch *t)
{
	struct cohort_row	*r = &p->co->rows[i];
	struct qrmat		 q;
	const uint8_t		*png;
	uint8_t			*nb;
	size_t			 len;
	char			*name = t->name[t->n], why[256];
	int			 rc = -1;

	/* The server's number becomes a file name: "../x" must not. */
	if (cert_check_number(r->out_number, NULL, 0) == -1) {
		cohort_png_fail(p, EX_PROTOCOL, "qr: the server sent a "
		    "malformed number '%s'", r->out_number);
		return -1;
	}
	if (r->url == NULL || qrmat_encode(r->url, &q, why, sizeof why) == -1) {
		cohort_png_fail(p, EX_PROTOCOL, "qr: %s: no QR URL to draw",
		    r->out_number);
		return -1;
	}
	/* cmd_qr_path's name: blanks as _. */
	cmd_qr_path(name, sizeof t->name[0], ".", r->out_number);
	memmove(name, name + 2, strlen(name + 2) + 1);
	if (qrpng_encode(b, &q, COHORT_QR_MODULE, &png, &len, why,
	    sizeof why) == -1)
		cohort_png_fail(p, EX_IOERR, "%s: %s", name, why);
	else if (t->len + len > t->cap && (nb = realloc(t->buf,
	    t->len + len + 4096)) == NULL)
		cohort_png_fail(p, EX_OSERR, "out of memory");
	else {
		if (t->len + len > t->cap) {
			t->buf = nb;
			t->cap = t->len + len + 4096;
		}
		memcpy(t->buf + t->len, png, len);
		t->off[t->n] = t->len;
		t->size[t->n++] = len;
		t->len += len;
		rc = 0;
	}
	qrmat_release(&q);
	return rc;
}

/*
 * A batch's files, one thread at a time: creating files in one
 * directory serialises in the kernel anyway, where a second thread
 * would spin on the directory's lock instead of drawing.
 */
static void
cohort_png_flush(struct cohort_pngs *p, struct cohort_batch *t)
{
	size_t	k;

	pthread_mutex_lock(&p->dirlock);
	for (k = 0; k < t->n; k++)
		if (cohort_png_file(p->dirfd, t->name[k], t->buf + t->off[k],
		    t->size[k]) == -1) {
			cohort_png_fail(p, EX_CANTCREAT, "cannot write "
			    "'%s': %s", t->name[k], strerror(errno));
			break;
		}
	pthread_mutex_unlock(&p->dirlock);
	t->n = t->len = 0;
}

static void *
cohort_png_thread(void *arg)
{
	struct cohort_pngs	*p = arg;
	struct qrpng		*b;
	struct cohort_batch	 t;
	size_t			 i, first, end;

	memset(&t, 0, sizeof t);
	if ((b = qrpng_new()) == NULL) {
		cohort_png_fail(p, EX_OSERR, "out of memory");
		return NULL;
	}
	for (;;) {
		pthread_mutex_lock(&p->lock);
		if (p->status != 0 && p->co->n > p->next)
			p->next = p->co->n;
		first = p->next;
		end = first + COHORT_PNG_TAKE < p->co->n ?
		    first + COHORT_PNG_TAKE : p->co->n;
		p->next = end;
		pthread_mutex_unlock(&p->lock);
		if (first == end)
			break;
		for (i = first; i < end; i++)
			if (cohort_png(p, b, i, &t) == -1)
				break;
		cohort_png_flush(p, &t);
		pthread_mutex_lock(&p->lock);
		p->done += end - first;
		if (p->done % 1000 < COHORT_PNG_TAKE || p->done == p->co->n)
			cohort_progress(p->co, p->done, "QR images");
		pthread_mutex_unlock(&p->lock);
	}
	free(t.buf);
	qrpng_free(b);
	return NULL;
}

/*
 * One PNG per certificate, on a thread a CPU: encoding the QR and the
 * PNG is the work, and the daemon is done by now. Each file is written whole; none is synced (an image set
 * can be drawn again from issued.csv).
 */
static int
cohort_write_pngs(struct cohort *co, const char *dir)
{
	struct cohort_pngs	 p;
	pthread_t		 t[COHORT_PNG_THREADS];
	long			 ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t			 n, k;

	memset(&p, 0, sizeof p);
	p.co = co;
	if ((p.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return session_fail(co->x, EX_CANTCREAT, "cannot open '%s': %s",
		    dir, strerror(errno));
	pthread_mutex_init(&p.lock, NULL);
	pthread_mutex_init(&p.dirlock, NULL);
	n = ncpu < 1 ? 1 : ncpu > COHORT_PNG_THREADS ? COHORT_PNG_THREADS :
	    (size_t)ncpu;
	for (k = 0; k < n; k++)
		if (pthread_create(&t[k], NULL, cohort_png_thread, &p) != 0)
			break;
	if (k == 0)
		cohort_png_thread(&p);
	while (k > 0)
		pthread_join(t[--k], NULL);
	pthread_mutex_destroy(&p.lock);
	pthread_mutex_destroy(&p.dirlock);
	close(p.dirfd);
	if (p.status != 0)
		return session_fail(co->x, p.status, "%s/%s", dir, p.why);
	return 0;
}

/* --pdf DIR: a checked PDF per certificate. */
static int
cohort_write_pdfs(struct cohort *co, const char *dir, int card)
{
	char	(*numbers)[CERT_NUMBER_LEN + 1];
	size_t	  i;
	int	  rc;

	if ((numbers = calloc(co->n, sizeof *numbers)) == NULL)
		return session_fail(co->x, EX_OSERR, "out of memory");
	for (i = 0; i < co->n; i++)
		memcpy(numbers[i], co->rows[i].out_number, sizeof numbers[i]);
	rc = print_each(co->x, numbers, co->n, dir, card);
	free(numbers);
	return rc;
}

static void
cohort_report(struct cohort *co, int dry)
{
	size_t	i, reused = 0;

	if (dry) {
		fprintf(co->x->err, "%s: %zu rows checked; nothing issued "
		    "(dry run)\n", co->path, co->n);
		return;
	}
	for (i = 0; i < co->n; i++) {
		reused += co->rows[i].reused;
		if (!co->x->json)
			fprintf(co->x->out, "%s\t%s\t%s%s\n",
			    co->rows[i].out_number, co->rows[i].f[co->col[COL_NAME]],
			    cert_status_name(co->rows[i].status),
			    co->rows[i].reused ? " (already issued)" : "");
	}
	fprintf(co->x->err, "%s: %zu certificates issued", co->path,
	    co->n - reused);
	if (reused > 0)
		fprintf(co->x->err, ", %zu already issued by an earlier run",
		    reused);
	fputc('\n', co->x->err);
}

static int
cohort_issue(struct cmd_ctx *x, struct cmd_args *a)
{
	struct cohort	 co;
	const char	*out = args_get(a, "--out");
	int		 dry = args_get(a, "--dry-run") != NULL;
	int		 nopng = args_get(a, "--no-qr") != NULL;
	const char	*pdf = args_get(a, "--pdf");
	int		 rc;

	memset(&co, 0, sizeof co);
	co.x = x;
	co.keep = args_get(a, "--keep-columns") != NULL;
	if ((co.path = args_get(a, "--csv")) == NULL)
		return session_fail(x, EX_USAGE, "issue: --csv needs a FILE");
	if ((rc = cohort_load(&co)) == 0 &&
	    (rc = session_connect(x, 1)) == 0 &&
	    (rc = cohort_send(&co, dry)) == 0) {
		cohort_report(&co, dry);
		if (out != NULL && !dry)
			rc = cohort_write_issued(&co, out);
		if (rc == 0 && out != NULL && !dry && !nopng)
			rc = cohort_write_pngs(&co, out);
		if (rc == 0 && pdf != NULL && !dry)
			rc = cohort_write_pdfs(&co, pdf,
			    args_get(a, "--card") != NULL);
		if (rc == 0 && (output_end(x->o) == -1 ||
		    fflush(x->out) == EOF))
			rc = session_fail(x, EX_IOERR, "cannot write the "
			    "output");
	}
	cohort_release(&co);
	return rc;
}
