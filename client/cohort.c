/* skkd — SPDX-License-Identifier: ISC */
/*
 * CSV cohorts and crews. A cohort file is read whole, parsed with
 * proto/csv.c and every row checked with proto/cert.c before anything is
 * sent: a bad spreadsheet costs no connection and issues nothing. The
 * rows then go as one batch (BATCH = SHA-256 of the file, IDEM = batch
 * and line per row) in pipelined chunks; the daemon commits the batch in
 * one transaction, so a re-run after a crash finds every row issued or
 * none.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cohort.h"
#include "hex.h"
#include "csv.h"
#include "qrpay.h"
#include "record.h"
#include "sign.h"

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

int
cohort_wanted(int argc, char **argv)
{
	int	i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--csv") == 0 ||
		    strncmp(argv[i], "--csv=", 6) == 0)
			return 1;
	}
	return 0;
}

/* --- common ------------------------------------------------------------ */

static int
cohort_read(struct cmd_ctx *x, const char *path, char **buf, size_t *len)
{
	FILE		*f;
	struct stat	 sb;
	size_t		 n;

	if ((f = fopen(path, "rb")) == NULL)
		return cmd_fail(x, EX_NOINPUT, "cannot open '%s': %s", path,
		    strerror(errno));
	if (fstat(fileno(f), &sb) == -1 || sb.st_size > COHORT_FILE_MAX) {
		fclose(f);
		return cmd_fail(x, EX_DATAERR, "'%s': larger than %u bytes",
		    path, COHORT_FILE_MAX);
	}
	if ((*buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		fclose(f);
		return cmd_fail(x, EX_OSERR, "out of memory");
	}
	n = fread(*buf, 1, (size_t)sb.st_size, f);
	fclose(f);
	if (n != (size_t)sb.st_size) {
		free(*buf);
		return cmd_fail(x, EX_IOERR, "cannot read '%s'", path);
	}
	*len = n;
	return 0;
}

static int
cohort_net_fail(struct cmd_ctx *x)
{
	return cmd_fail(x, net_status(x->net), "%s", net_error(x->net));
}

/*
 * Options: --csv FILE, --out PATH; --dry-run, --no-qr, --keep-columns
 * (issue), --json.
 */
static int
cohort_args(struct cmd_ctx *x, int argc, char **argv, const char **csv,
    const char **out, int *dry, int *noqr, int *keep)
{
	int	i;

	*csv = *out = NULL;
	if (dry != NULL)
		*dry = *noqr = *keep = 0;
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--csv=", 6) == 0)
			*csv = argv[i] + 6;
		else if (strncmp(argv[i], "--out=", 6) == 0)
			*out = argv[i] + 6;
		else if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc)
			*csv = argv[++i];
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			*out = argv[++i];
		else if (strcmp(argv[i], "--dry-run") == 0 && dry != NULL)
			*dry = 1;
		else if (strcmp(argv[i], "--no-qr") == 0 && noqr != NULL)
			*noqr = 1;
		else if (strcmp(argv[i], "--keep-columns") == 0 &&
		    keep != NULL)
			*keep = 1;
		else if (strcmp(argv[i], "--json") == 0)
			x->json = 1;
		else
			return cmd_fail(x, EX_USAGE, "%s: unexpected "
			    "argument '%s' with --csv", x->cmd->name, argv[i]);
	}
	if (*csv == NULL)
		return cmd_fail(x, EX_USAGE, "%s: --csv needs a FILE",
		    x->cmd->name);
	return 0;
}

static char **
cohort_copy_fields(char **fields, size_t n, size_t ncols)
{
	char	**f;
	size_t	  i;

	if ((f = calloc(ncols, sizeof(*f))) == NULL)
		return NULL;
	for (i = 0; i < ncols; i++) {
		if ((f[i] = strdup(i < n ? fields[i] : "")) == NULL) {
			while (i > 0)
				free(f[--i]);
			free(f);
			return NULL;
		}
	}
	return f;
}

static void
cohort_free_fields(char **f, size_t n)
{
	size_t	i;

	if (f == NULL)
		return;
	for (i = 0; i < n; i++) {
		explicit_bzero(f[i], strlen(f[i]));
		free(f[i]);
	}
	free(f);
}

static void
cohort_trim(char *s)
{
	size_t	len = strlen(s), k = 0;

	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	while (s[k] == ' ' || s[k] == '\t')
		k++;
	memmove(s, s + k, len - k + 1);
}

void
cohort_csv_field(FILE *f, const char *s)
{
	const char	*p;
	int		 formula, quote;

	formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	    s[0] == '\t' || s[0] == '\r';
	quote = formula || strpbrk(s, ",;\"\r\n") != NULL;
	if (!quote) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

/* --- issue: reading and checking --------------------------------------- */

static int
cohort_header(struct cohort *co, size_t line, char **fields, size_t n)
{
	size_t	i, k;

	for (k = 0; k < COL_MAX; k++)
		co->col[k] = -1;
	if ((co->header = cohort_copy_fields(fields, n, n)) == NULL)
		return (co->status = EX_OSERR);
	co->ncols = n;
	for (i = 0; i < n; i++) {
		cohort_trim(co->header[i]);
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
	if ((r->f = cohort_copy_fields(fields, n, co->ncols)) == NULL)
		return (co->status = EX_OSERR);
	co->n++;
	for (i = 0; i < co->ncols; i++)
		cohort_trim(r->f[i]);
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

	if ((rc = cohort_read(co->x, co->path, &co->buf, &co->len)) != 0)
		return rc;
	rc = csv_parse(co->buf, co->len, NULL, cohort_row_cb, co, NULL, &e);
	if (rc == -1)
		return cmd_fail(co->x, EX_DATAERR, "%s:%zu:%zu: %s",
		    co->path, e.line, e.col, e.msg);
	if (co->status != 0)
		return co->status == EX_OSERR ? cmd_fail(co->x, EX_OSERR,
		    "out of memory") : co->status;
	if (co->header == NULL || co->n == 0)
		return cmd_fail(co->x, EX_DATAERR, "%s: no rows", co->path);
	if (cohort_dups(co) == -1)
		return cmd_fail(co->x, EX_OSERR, "out of memory");
	if (co->errors > 0)
		return cmd_fail(co->x, EX_DATAERR, "%s: %zu problem%s; "
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
		cohort_free_fields(co->rows[i].f, co->ncols);
		free(co->rows[i].rec);
		free(co->rows[i].url);
	}
	if (co->rows != NULL)
		explicit_bzero(co->rows, co->cap * sizeof(*co->rows));
	free(co->rows);
	cohort_free_fields(co->header, co->ncols);
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
	return rc == -1 ? cohort_net_fail(co->x) : 0;
oom:
	wire_msg_free(m);
	return cmd_fail(co->x, EX_OSERR, "out of memory");
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

	rc = cmd_wire_error(a, "issue", NULL, msg, sizeof msg);
	for (i = 0; i < n; i++) {
		it = wire_list_get(a, WK_ITEMS, i);
		if (wire_get_uint(it, WK_COUNT, &idx) == -1 || idx >= co->n ||
		    wire_get_str(it, WK_ERRMSG, msg, sizeof msg) == -1)
			continue;
		cohort_bad(co, co->rows[idx].line, "%s", msg);
	}
	if (n > 0)
		return cmd_fail(co->x, rc, "%s: %zu problem%s; nothing "
		    "issued", co->path, n, n == 1 ? "" : "s");
	return cmd_fail(co->x, rc, "%s; nothing issued", msg);
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
		return cmd_fail(co->x, EX_PROTOCOL, "issue: server answered "
		    "%zu items for %zu", wire_list_len(a, WK_ITEMS), n);
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
			return cohort_net_fail(co->x);
		}
		if (wire_type(a) == WIRE_ERROR) {
			if (refusal == NULL || (!wire_has(refusal, WK_ITEMS) &&
			    wire_has(a, WK_ITEMS))) {
				wire_msg_free(refusal);
				refusal = a;
				a = NULL;
			}
		} else if (wire_type(a) != WIRE_ISSUE)
			rc = cmd_fail(co->x, EX_PROTOCOL, "unexpected %s "
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
		return cmd_fail(co->x, EX_OSERR, "out of memory");
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

	if ((rc = cmd_private_dir(co->x, dir)) != 0)
		return rc;
	snprintf(path, sizeof path, "%s/issued.csv", dir);
	if ((f = cmd_create_private(path)) == NULL)
		return cmd_fail(co->x, EX_CANTCREAT, "cannot create '%s': %s",
		    path, strerror(errno));
	for (k = 0; k < co->ncols; k++) {
		if (!cohort_copies(co, k))
			continue;
		cohort_csv_field(f, co->header[k]);
		fputc(',', f);
	}
	fputs("number,qr_url,status\n", f);
	for (i = 0; i < co->n; i++) {
		for (k = 0; k < co->ncols; k++) {
			if (!cohort_copies(co, k))
				continue;
			cohort_csv_field(f, co->rows[i].f[k]);
			fputc(',', f);
		}
		cohort_csv_field(f, co->rows[i].out_number);
		fputc(',', f);
		cohort_csv_field(f, co->rows[i].url ? co->rows[i].url : "");
		fprintf(f, ",%s\n", cert_status_name(co->rows[i].status));
	}
	if (fclose(f) == EOF)
		return cmd_fail(co->x, EX_IOERR, "cannot write '%s'", path);
	return 0;
}

/* Asks for row i's QR image as a PNG; *id gets the request id. */
static int
cohort_png_send(struct cohort *co, size_t i, uint64_t *id)
{
	struct wire_msg	*m;
	int		 rc;

	if ((m = net_request(co->x->net, WIRE_QR)) == NULL ||
	    wire_put_str(m, WK_NUMBER, co->rows[i].out_number) == -1 ||
	    wire_put_str(m, WK_FORMAT, "png") == -1) {
		wire_msg_free(m);
		return cmd_fail(co->x, EX_OSERR, "out of memory");
	}
	*id = wire_id(m);
	rc = net_send(co->x->net, m);
	wire_msg_free(m);
	return rc == -1 ? cohort_net_fail(co->x) : 0;
}

/* DIR/<number, blanks as _>.png from the answer to request id. */
static int
cohort_png_recv(struct cohort *co, const char *dir, size_t i, uint64_t id)
{
	struct wire_msg	*a;
	const uint8_t	*png;
	size_t		 len, k;
	char		 path[4096], msg[640];
	FILE		*f;
	int		 rc = 0;

	if ((a = net_recv(co->x->net, id)) == NULL)
		return cohort_net_fail(co->x);
	if (wire_type(a) == WIRE_ERROR || wire_get_bytes(a, WK_IMAGE, &png,
	    &len) == -1) {
		rc = cmd_wire_error(a, "qr", co->rows[i].out_number, msg,
		    sizeof msg);
		wire_msg_free(a);
		return cmd_fail(co->x, rc ? rc : EX_PROTOCOL, "%s", msg);
	}
	/* The server's number becomes a file name: "../x" must not. */
	if (cert_check_number(co->rows[i].out_number, NULL, 0) == -1) {
		wire_msg_free(a);
		return cmd_fail(co->x, EX_PROTOCOL, "qr: the server sent a "
		    "malformed number '%s'", co->rows[i].out_number);
	}
	k = (size_t)snprintf(path, sizeof path, "%s/%s.png", dir,
	    co->rows[i].out_number);
	for (k = strlen(dir) + 1; k < strlen(path); k++)
		if (path[k] == ' ')
			path[k] = '_';
	if ((f = cmd_create_private(path)) == NULL ||
	    fwrite(png, 1, len, f) != len)
		rc = cmd_fail(co->x, EX_CANTCREAT, "cannot write '%s'", path);
	if (f != NULL && fclose(f) == EOF && rc == 0)
		rc = cmd_fail(co->x, EX_IOERR, "cannot write '%s'", path);
	wire_msg_free(a);
	return rc;
}

/* One PNG per certificate, COHORT_QR_WINDOW requests in flight. */
static int
cohort_write_pngs(struct cohort *co, const char *dir)
{
	uint64_t	*ids;
	size_t		 i, done = 0;
	int		 rc = 0;

	if ((ids = calloc(co->n, sizeof *ids)) == NULL)
		return cmd_fail(co->x, EX_OSERR, "out of memory");
	for (i = 0; rc == 0 && i < co->n; i++) {
		rc = cohort_png_send(co, i, &ids[i]);
		if (rc == 0 && i >= COHORT_QR_WINDOW)
			rc = cohort_png_recv(co, dir, done, ids[done]), done++;
	}
	while (rc == 0 && done < co->n) {
		rc = cohort_png_recv(co, dir, done, ids[done]);
		done++;
		if (done % 1000 == 0 || done == co->n)
			cohort_progress(co, done, "QR images");
	}
	free(ids);
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

int
cohort_issue(struct cmd_ctx *x, int argc, char **argv)
{
	struct cohort	 co;
	const char	*out;
	int		 dry, nopng, rc;

	memset(&co, 0, sizeof co);
	co.x = x;
	if ((rc = cohort_args(x, argc, argv, &co.path, &out, &dry,
	    &nopng, &co.keep)) != 0)
		return rc;
	if ((rc = cohort_load(&co)) == 0 && (rc = cmd_connect(x, 1)) == 0 &&
	    (rc = cohort_send(&co, dry)) == 0) {
		cohort_report(&co, dry);
		if (out != NULL && !dry)
			rc = cohort_write_issued(&co, out);
		if (rc == 0 && out != NULL && !dry && !nopng)
			rc = cohort_write_pngs(&co, out);
		if (rc == 0 && (output_end(x->o) == -1 ||
		    fflush(x->out) == EOF))
			rc = cmd_fail(x, EX_IOERR, "cannot write the output");
	}
	cohort_release(&co);
	return rc;
}

/* --- verify ------------------------------------------------------------- */

struct crew {
	struct cmd_ctx	 *x;
	const char	 *path;
	char		**q;		/* queries */
	size_t		 *lines;
	size_t		  n, cap;
	int		  col;		/* -1 until the first row is seen */
	int		  status;
	size_t		  counts[3];
	size_t		  reasons[REASON_MAX];
	FILE		 *out;
};

/*
 * The header names the column to check; without one nothing is guessed
 * (column 0 of "nik,nama,nomor_skk" is a NIK). Names compare without
 * case; a number column wins over a QR column.
 */
static const char *const crew_number_cols[] = { "number", "nomor_skk",
	"no_skk" };
static const char *const crew_qr_cols[] = { "qr", "qr_url" };

static int
crew_find(char **fields, size_t n, const char *const *names, size_t nn)
{
	size_t	i, k;
	char	f[64];

	for (i = 0; i < n; i++) {
		snprintf(f, sizeof f, "%s", fields[i]);
		cohort_trim(f);
		for (k = 0; k < nn; k++)
			if (strcasecmp(f, names[k]) == 0)
				return (int)i;
	}
	return -1;
}

static int
crew_pick(struct crew *cw, size_t line, char **fields, size_t n)
{
	cw->col = crew_find(fields, n, crew_number_cols,
	    sizeof crew_number_cols / sizeof crew_number_cols[0]);
	if (cw->col == -1)
		cw->col = crew_find(fields, n, crew_qr_cols,
		    sizeof crew_qr_cols / sizeof crew_qr_cols[0]);
	if (cw->col != -1)
		return 0;
	cmd_fail(cw->x, EX_DATAERR, "%s:%zu: the header names no column to "
	    "check: give one named number, nomor_skk or no_skk (certificate "
	    "numbers), or qr or qr_url (QR texts)", cw->path, line);
	return (cw->status = EX_DATAERR);
}

/* Sixteen digits, blanks and dashes aside: a NIK, never sent. */
static int
crew_is_nik(const char *s)
{
	size_t	digits = 0;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s != ' ' && *s != '-' && *s != '.' && *s != '\t')
			return 0;
	}
	return digits == CERT_NIK_LEN;
}

static int
crew_row_cb(void *arg, size_t line, char **fields, size_t n)
{
	struct crew	*cw = arg;
	char		**nq;
	size_t		 *nl;

	if (cw->col == -1)
		return crew_pick(cw, line, fields, n);
	if ((size_t)cw->col >= n || fields[cw->col][0] == '\0')
		return 0;
	cohort_trim(fields[cw->col]);
	if (!qrpay_is_qr_text(fields[cw->col]) &&
	    crew_is_nik(fields[cw->col])) {
		cmd_fail(cw->x, EX_DATAERR, "%s:%zu:%d: 16 digits: a NIK, not "
		    "a certificate number; nothing sent", cw->path, line,
		    cw->col + 1);
		return (cw->status = EX_DATAERR);
	}
	if (cw->n == cw->cap) {
		cw->cap = cw->cap ? cw->cap * 2 : 256;
		if ((nq = reallocarray(cw->q, cw->cap, sizeof *nq)) == NULL)
			return (cw->status = EX_OSERR);
		cw->q = nq;
		if ((nl = reallocarray(cw->lines, cw->cap, sizeof *nl)) == NULL)
			return (cw->status = EX_OSERR);
		cw->lines = nl;
	}
	if ((cw->q[cw->n] = strdup(fields[cw->col])) == NULL)
		return (cw->status = EX_OSERR);
	cw->lines[cw->n++] = line;
	return 0;
}

static int
crew_send(struct crew *cw, size_t first, size_t n, uint64_t *id)
{
	struct wire_msg	*m, *it;
	char		 number[CMD_LINE_MAX + 1];
	size_t		 i;
	int		 rc;

	if ((m = net_request(cw->x->net, WIRE_VERIFY)) == NULL)
		return cmd_fail(cw->x, EX_OSERR, "out of memory");
	for (i = first; i < first + n; i++) {
		if ((it = wire_put_item(m, WK_ITEMS)) == NULL)
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
	if (i < first + n) {
		wire_msg_free(m);
		return cmd_fail(cw->x, EX_OSERR, "out of memory");
	}
	*id = wire_id(m);
	rc = net_send(cw->x->net, m);
	wire_msg_free(m);
	return rc == -1 ? cohort_net_fail(cw->x) : 0;
}

static void
crew_line(struct crew *cw, const struct wire_msg *it, const char *query,
    uint64_t verdict, uint64_t code)
{
	char		 buf[512];
	uint64_t	 level;
	FILE		*f = cw->out;

	if (wire_get_str(it, WK_NUMBER, buf, sizeof buf) == -1)
		snprintf(buf, sizeof buf, "%s", query);
	cohort_csv_field(f, buf);
	fputc(',', f);
	if (wire_get_str(it, WK_NAME, buf, sizeof buf) == -1)
		buf[0] = '\0';
	cohort_csv_field(f, buf);
	fputc(',', f);
	if (wire_get_str(it, WK_JOB, buf, sizeof buf) == -1)
		buf[0] = '\0';
	cohort_csv_field(f, buf);
	fputc(',', f);
	if (wire_get_uint(it, WK_LEVEL, &level) == 0)
		fprintf(f, "%llu", (unsigned long long)level);
	if (wire_get_str(it, WK_EXPIRES, buf, sizeof buf) == -1)
		buf[0] = '\0';
	fprintf(f, ",%s,%s,", output_verdict_key((unsigned)verdict),
	    cert_reason_name((enum cert_reason)code));
	cohort_csv_field(f, buf);
	fputc('\n', f);
}

static int
crew_recv(struct crew *cw, size_t first, size_t n, uint64_t id)
{
	const struct wire_msg	*it;
	struct wire_msg		*a;
	uint64_t		 v, code;
	char			 msg[640];
	size_t			 i;
	int			 rc = 0;

	if ((a = net_recv(cw->x->net, id)) == NULL)
		return cohort_net_fail(cw->x);
	if (wire_type(a) == WIRE_ERROR) {
		rc = cmd_wire_error(a, "verify", NULL, msg, sizeof msg);
		rc = cmd_fail(cw->x, rc, "%s", msg);
	} else if (wire_list_len(a, WK_ITEMS) != n)
		rc = cmd_fail(cw->x, EX_PROTOCOL, "server answered %zu "
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
		cmd_host_rule(cw->x, cw->q[first + i], &v, &code);
		cw->counts[v]++;
		cw->reasons[code]++;
		if (cw->x->json)
			output_verify_as(cw->x->o, it, cw->q[first + i], v,
			    code);
		else
			crew_line(cw, it, cw->q[first + i], v, code);
	}
	wire_msg_free(a);
	return rc;
}

static int
crew_run(struct crew *cw)
{
	uint64_t	*ids;
	size_t		 per = net_max_batch(cw->x->net), nb, i, first, n;
	size_t		 longest = 0;
	int		 rc = 0;

	if ((rc = cmd_fetch_host(cw->x, cw->q, cw->n)) != 0)
		return rc;
	/* Equal requests, each within the daemon's frame for this peer. */
	for (i = 0; i < cw->n; i++)
		if (strlen(cw->q[i]) > longest)
			longest = strlen(cw->q[i]);
	if (per > net_max_bytes(cw->x->net) / (longest + 8))
		per = net_max_bytes(cw->x->net) / (longest + 8);
	if (per == 0)
		per = 1;
	nb = (cw->n + per - 1) / per;

	if ((ids = calloc(nb, sizeof *ids)) == NULL)
		return cmd_fail(cw->x, EX_OSERR, "out of memory");
	for (i = 0; rc == 0 && i < nb; i++) {
		first = i * per;
		n = cw->n - first < per ? cw->n - first : per;
		rc = crew_send(cw, first, n, &ids[i]);
	}
	if (rc == 0 && !cw->x->json)
		fputs("number,name,job,level,verdict,reason,expires\n",
		    cw->out);
	for (i = 0; rc == 0 && i < nb; i++) {
		first = i * per;
		n = cw->n - first < per ? cw->n - first : per;
		rc = crew_recv(cw, first, n, ids[i]);
	}
	free(ids);
	return rc;
}

/* "38 valid, 2 not valid: 1 expired, 1 revoked" */
static void
crew_summary(struct crew *cw)
{
	FILE		*f = cw->x->err;
	const char	*p;
	size_t		 r;
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
	fputc('\n', f);
}

static int
crew_load(struct crew *cw)
{
	struct csv_error	 e;
	char			*buf;
	size_t			 len;
	int			 rc;

	if ((rc = cohort_read(cw->x, cw->path, &buf, &len)) != 0)
		return rc;
	rc = csv_parse(buf, len, NULL, crew_row_cb, cw, NULL, &e);
	explicit_bzero(buf, len);	/* other columns may hold NIKs */
	free(buf);
	if (cw->status == EX_DATAERR)
		return cw->status;	/* said by the callback */
	if (cw->status != 0)
		return cmd_fail(cw->x, cw->status, "out of memory");
	if (rc == -1)
		return cmd_fail(cw->x, EX_DATAERR, "%s:%zu:%zu: %s",
		    cw->path, e.line, e.col, e.msg);
	if (cw->n == 0)
		return cmd_fail(cw->x, EX_DATAERR, "%s: nothing to verify",
		    cw->path);
	return 0;
}

static int
crew_finish(struct crew *cw)
{
	if (output_end(cw->x->o) == -1 || fflush(cw->out) == EOF ||
	    ferror(cw->out))
		return cmd_fail(cw->x, EX_IOERR, "cannot write the output");
	crew_summary(cw);
	if (cw->counts[VERDICT_NOT_VALID] > 0)
		return VERDICT_NOT_VALID;
	return cw->counts[VERDICT_UNKNOWN] > 0 ? VERDICT_UNKNOWN :
	    VERDICT_VALID;
}

int
cohort_verify(struct cmd_ctx *x, int argc, char **argv)
{
	struct crew	 cw;
	const char	*out;
	size_t		 i;
	int		 rc;

	memset(&cw, 0, sizeof cw);
	cw.x = x;
	cw.col = -1;
	cw.out = x->out;
	if ((rc = cohort_args(x, argc, argv, &cw.path, &out, NULL, NULL,
	    NULL)) != 0)
		return rc;
	if (out != NULL && (cw.out = cmd_create_private(out)) == NULL)
		return cmd_fail(x, EX_CANTCREAT, "cannot create '%s': %s",
		    out, strerror(errno));
	if ((rc = crew_load(&cw)) == 0 && (rc = cmd_connect(x, 0)) == 0 &&
	    (rc = crew_run(&cw)) == 0)
		rc = crew_finish(&cw);
	if (out != NULL && fclose(cw.out) == EOF && rc == 0)
		rc = cmd_fail(x, EX_IOERR, "cannot write '%s'", out);
	for (i = 0; i < cw.n; i++)
		free(cw.q[i]);
	free(cw.q);
	free(cw.lines);
	return rc;
}
