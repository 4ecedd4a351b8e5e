/* skkd — SPDX-License-Identifier: ISC */
/*
 * "skk record-lpjk --csv FILE": the LPJK registration numbers of many
 * certificates from a CSV file with the columns number and lpjk_number.
 * Every row is checked here first (number form, empty LPJK number, the
 * same number twice), then the file goes in one RECORD_LPJK request that
 * the daemon writes in one transaction or refuses whole; its problems
 * come back by item and are reported by line. A row whose certificate
 * already holds that LPJK number counts as already recorded.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "cert.h"
#include "csv.h"
#include "lpjk.h"
#include "sheet.h"

struct lpjk_row {
	size_t		 line;
	char		 number[CERT_NUMBER_LEN + 1];
	char		 lpjk[CERT_SHORT_MAX + 1];
	uint64_t	 status;
	int		 already;
};

struct lpjk_file {
	struct cmd_ctx	*x;
	const char	*path;
	char		*buf;
	size_t		 len;
	int		 col_number, col_lpjk;	/* -1 until the header */
	size_t		 ncols;
	struct lpjk_row	*rows;
	size_t		 n, cap;
	size_t		 errors;
	int		 status;	/* a fatal status from a callback */
};

static int	lpjk_csv(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_opt lpjk_opts[] = {
	{ "--csv", 0, NULL }, { NULL, 0, NULL }
};

const struct cmd_form lpjk_csv_form = { { "--csv" }, lpjk_csv, lpjk_opts,
	0, 0, ARGS_CSV };

/* "FILE:LINE: field: reason" on stderr; counts it. */
static void __attribute__((format(printf, 3, 4)))
lpjk_bad(struct lpjk_file *lf, size_t line, const char *fmt, ...)
{
	va_list	ap;

	fprintf(lf->x->err, "%s:%zu: ", lf->path, line);
	va_start(ap, fmt);
	vfprintf(lf->x->err, fmt, ap);
	va_end(ap);
	fputc('\n', lf->x->err);
	lf->errors++;
}

/* --- reading ------------------------------------------------------------ */

static int
lpjk_header(struct lpjk_file *lf, size_t line, char **fields, size_t n)
{
	char	name[64];
	size_t	i;

	lf->ncols = n;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "%s", fields[i]);
		sheet_trim(name);
		if (strcasecmp(name, "number") == 0 && lf->col_number == -1)
			lf->col_number = (int)i;
		else if (strcasecmp(name, "lpjk_number") == 0 &&
		    lf->col_lpjk == -1)
			lf->col_lpjk = (int)i;
		else
			lpjk_bad(lf, line, "%s: unexpected column (the header "
			    "is number,lpjk_number)", name[0] ? name : "\"\"");
	}
	if (lf->col_number == -1)
		lpjk_bad(lf, line, "number: required column missing");
	if (lf->col_lpjk == -1)
		lpjk_bad(lf, line, "lpjk_number: required column missing");
	return lf->errors > 0 ? (lf->status = EX_DATAERR) : 0;
}

/* A row's two fields checked into r; problems are reported. */
static void
lpjk_fill(struct lpjk_file *lf, struct lpjk_row *r, char *number,
    char *lpjk)
{
	char	norm[64], why[CERT_ERR_MAX];

	sheet_trim(number);
	sheet_trim(lpjk);
	cert_normalize_number(number, norm, sizeof norm);
	if (number[0] == '\0')
		lpjk_bad(lf, r->line, "number: empty");
	else if (cert_check_number(norm, why, sizeof why) == -1)
		lpjk_bad(lf, r->line, "%s", why);
	else
		snprintf(r->number, sizeof r->number, "%.*s",
		    CERT_NUMBER_LEN, norm);
	if (lpjk[0] == '\0')
		lpjk_bad(lf, r->line, "lpjk_number: empty");
	else if (cert_check_text("lpjk_number", lpjk, CERT_SHORT_MAX, why,
	    sizeof why) == -1)
		lpjk_bad(lf, r->line, "%s", why);
	else
		snprintf(r->lpjk, sizeof r->lpjk, "%s", lpjk);
}

static int
lpjk_row_cb(void *arg, size_t line, char **fields, size_t n)
{
	struct lpjk_file	*lf = arg;
	struct lpjk_row		*r, *nr;
	char			 empty[1] = "";

	if (lf->ncols == 0)
		return lpjk_header(lf, line, fields, n);
	if (lf->n == lf->cap) {
		lf->cap = lf->cap ? lf->cap * 2 : 64;
		if ((nr = reallocarray(lf->rows, lf->cap, sizeof *nr)) == NULL)
			return (lf->status = EX_OSERR);
		lf->rows = nr;
	}
	r = &lf->rows[lf->n++];
	memset(r, 0, sizeof *r);
	r->line = line;
	lpjk_fill(lf, r, (size_t)lf->col_number < n ? fields[lf->col_number] :
	    empty, (size_t)lf->col_lpjk < n ? fields[lf->col_lpjk] : empty);
	return 0;
}

static int
lpjk_cmp(const void *a, const void *b)
{
	const struct lpjk_row	*x = *(struct lpjk_row *const *)a;
	const struct lpjk_row	*y = *(struct lpjk_row *const *)b;
	int			 d;

	if ((d = strcmp(x->number, y->number)) != 0)
		return d;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* The same number on two rows: which LPJK number is meant? */
static int
lpjk_dups(struct lpjk_file *lf)
{
	struct lpjk_row	**v;
	size_t		  i;

	if (lf->n < 2)
		return 0;
	if ((v = calloc(lf->n, sizeof *v)) == NULL)
		return -1;
	for (i = 0; i < lf->n; i++)
		v[i] = &lf->rows[i];
	qsort(v, lf->n, sizeof *v, lpjk_cmp);
	for (i = 1; i < lf->n; i++)
		if (v[i]->number[0] != '\0' &&
		    strcmp(v[i - 1]->number, v[i]->number) == 0)
			lpjk_bad(lf, v[i]->line, "number: '%s' also on line "
			    "%zu", v[i]->number, v[i - 1]->line);
	free(v);
	return 0;
}

static int
lpjk_load(struct lpjk_file *lf)
{
	struct csv_error	e;
	int			rc;

	lf->col_number = lf->col_lpjk = -1;
	if ((rc = sheet_read(lf->x, lf->path, &lf->buf, &lf->len)) != 0)
		return rc;
	rc = csv_parse(lf->buf, lf->len, NULL, lpjk_row_cb, lf, NULL, &e);
	if (rc == -1)
		return session_fail(lf->x, EX_DATAERR, "%s:%zu:%zu: %s",
		    lf->path, e.line, e.col, e.msg);
	if (lf->status == EX_OSERR)
		return session_fail(lf->x, EX_OSERR, "out of memory");
	if (lf->status == 0 && lf->n == 0)
		return session_fail(lf->x, EX_DATAERR, "%s: no rows",
		    lf->path);
	if (lf->status == 0 && lpjk_dups(lf) == -1)
		return session_fail(lf->x, EX_OSERR, "out of memory");
	if (lf->errors > 0)
		return session_fail(lf->x, EX_DATAERR, "%s: %zu problem%s; "
		    "nothing recorded", lf->path, lf->errors,
		    lf->errors == 1 ? "" : "s");
	return 0;
}

/* --- sending ------------------------------------------------------------ */

/* An ERROR: every problem the daemon listed, by line. */
static int
lpjk_refused(struct lpjk_file *lf, const struct wire_msg *a)
{
	const struct wire_msg	*it;
	char			 msg[640];
	uint64_t		 idx;
	size_t			 i, n = wire_list_len(a, WK_ITEMS);
	int			 rc;

	rc = session_wire_error(a, "record-lpjk", NULL, msg, sizeof msg);
	for (i = 0; i < n; i++) {
		it = wire_list_get(a, WK_ITEMS, i);
		if (wire_get_uint(it, WK_COUNT, &idx) == -1 || idx >= lf->n ||
		    wire_get_str(it, WK_ERRMSG, msg, sizeof msg) == -1)
			continue;
		lpjk_bad(lf, lf->rows[idx].line, "%s", msg);
	}
	if (n > 0)
		return session_fail(lf->x, rc, "%s: %zu problem%s; nothing "
		    "recorded", lf->path, n, n == 1 ? "" : "s");
	return session_fail(lf->x, rc, "%s; nothing recorded", msg);
}

static int
lpjk_take(struct lpjk_file *lf, const struct wire_msg *a)
{
	const struct wire_msg	*it;
	char			 detail[32];
	size_t			 i;

	if (wire_list_len(a, WK_ITEMS) != lf->n)
		return session_fail(lf->x, EX_PROTOCOL, "record-lpjk: server "
		    "answered %zu items for %zu", wire_list_len(a, WK_ITEMS),
		    lf->n);
	for (i = 0; i < lf->n; i++) {
		it = wire_list_get(a, WK_ITEMS, i);
		lf->rows[i].status = CERT_STATUS_MAX;
		wire_get_uint(it, WK_STATUS, &lf->rows[i].status);
		lf->rows[i].already = wire_get_str(it, WK_DETAIL, detail,
		    sizeof detail) == 0 && strcmp(detail, "already") == 0;
	}
	return 0;
}

static int
lpjk_send(struct lpjk_file *lf)
{
	struct wire_msg	*m, *it, *a;
	size_t		 i;
	int		 rc;

	if (lf->n > net_max_batch(lf->x->net))
		return session_fail(lf->x, EX_DATAERR, "%s: %zu rows, but the "
		    "server takes at most %zu in one request; nothing "
		    "recorded", lf->path, lf->n, net_max_batch(lf->x->net));
	if ((m = session_request(lf->x, WIRE_RECORD_LPJK)) == NULL)
		return session_oom(lf->x, NULL);
	for (i = 0; i < lf->n; i++)
		if ((it = wire_put_item(m, WK_ITEMS)) == NULL ||
		    wire_put_str(it, WK_NUMBER, lf->rows[i].number) == -1 ||
		    wire_put_str(it, WK_LPJK, lf->rows[i].lpjk) == -1)
			return session_oom(lf->x, m);
	if (net_send(lf->x->net, m) == -1) {
		wire_msg_free(m);
		return session_net_fail(lf->x);
	}
	if ((a = net_recv(lf->x->net, wire_id(m))) == NULL) {
		wire_msg_free(m);
		return session_net_fail(lf->x);
	}
	wire_msg_free(m);
	if (wire_type(a) == WIRE_ERROR)
		rc = lpjk_refused(lf, a);
	else if (wire_type(a) != WIRE_RECORD_LPJK)
		rc = session_fail(lf->x, EX_PROTOCOL, "unexpected %s answer",
		    wire_type_name(wire_type(a)));
	else
		rc = lpjk_take(lf, a);
	wire_msg_free(a);
	return rc;
}

/* --- the report ---------------------------------------------------------- */

static void
lpjk_report(struct lpjk_file *lf)
{
	struct output	*o = lf->x->o;
	size_t		 i, already = 0;

	for (i = 0; i < lf->n; i++) {
		already += lf->rows[i].already;
		output_lpjk_row(o, lf->rows[i].number, lf->rows[i].lpjk,
		    lf->rows[i].status, lf->rows[i].already);
	}
	output_lpjk_summary(o, lf->n - already, already);
	fprintf(lf->x->err, "%s: %zu recorded, %zu already recorded\n",
	    lf->path, lf->n - already, already);
}

static int
lpjk_csv(struct cmd_ctx *x, struct cmd_args *a)
{
	struct lpjk_file	lf;
	int			rc;

	memset(&lf, 0, sizeof lf);
	lf.x = x;
	if ((lf.path = args_get(a, "--csv")) == NULL || lf.path[0] == '\0')
		return session_fail(x, EX_USAGE, "record-lpjk: --csv needs a "
		    "FILE");
	if ((rc = lpjk_load(&lf)) == 0 &&
	    (rc = session_connect(x, 1)) == 0 &&
	    (rc = lpjk_send(&lf)) == 0) {
		lpjk_report(&lf);
		rc = session_end(x, 0);
	}
	free(lf.rows);
	free(lf.buf);
	return rc;
}
