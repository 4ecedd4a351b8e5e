/* skkd — SPDX-License-Identifier: ISC */
/*
 * "skk verify --csv": a whole crew checked from a column of certificate
 * numbers or QR texts, over one connection in equal pipelined requests,
 * with a CSV of verdicts and a one-line summary. A column that holds
 * NIKs is refused before anything is sent.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "cert.h"
#include "crew.h"
#include "csv.h"
#include "qrpay.h"
#include "sheet.h"

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

static int	crew_verify(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_opt crew_opts[] = {
	{ "--csv", 0, NULL }, { "--out", 0, NULL }, { NULL, 0, NULL }
};

const struct cmd_form crew_verify_form = { { "--csv" }, crew_verify,
	crew_opts, 0, 0, ARGS_CSV };

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
		sheet_trim(f);
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
	session_fail(cw->x, EX_DATAERR, "%s:%zu: the header names no column to "
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
	sheet_trim(fields[cw->col]);
	if (!qrpay_is_qr_text(fields[cw->col]) && crew_is_nik(fields[cw->col])) {
		session_fail(cw->x, EX_DATAERR, "%s:%zu:%d: 16 digits: a NIK, "
		    "not a certificate number; nothing sent", cw->path, line,
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
		return session_fail(cw->x, EX_OSERR, "out of memory");
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
		return session_fail(cw->x, EX_OSERR, "out of memory");
	}
	*id = wire_id(m);
	rc = net_send(cw->x->net, m);
	wire_msg_free(m);
	return rc == -1 ? session_net_fail(cw->x) : 0;
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

	if ((rc = session_fetch_host(cw->x, cw->q, cw->n)) != 0)
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
		return session_fail(cw->x, EX_OSERR, "out of memory");
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
	if (cw->counts[VERDICT_NOT_VALID] > 0)
		return VERDICT_NOT_VALID;
	return cw->counts[VERDICT_UNKNOWN] > 0 ? VERDICT_UNKNOWN :
	    VERDICT_VALID;
}

static int
crew_verify(struct cmd_ctx *x, struct cmd_args *a)
{
	struct crew	 cw;
	const char	*out = args_get(a, "--out");
	size_t		 i;
	int		 rc;

	memset(&cw, 0, sizeof cw);
	cw.x = x;
	cw.col = -1;
	cw.out = x->out;
	if ((cw.path = args_get(a, "--csv")) == NULL)
		return session_fail(x, EX_USAGE, "verify: --csv needs a FILE");
	if (out != NULL && (cw.out = session_create_private(out)) == NULL)
		return session_fail(x, EX_CANTCREAT, "cannot create '%s': %s",
		    out, strerror(errno));
	if ((rc = crew_load(&cw)) == 0 && (rc = session_connect(x, 0)) == 0 &&
	    (rc = crew_run(&cw)) == 0)
		rc = crew_finish(&cw);
	if (out != NULL && fclose(cw.out) == EOF && rc == 0)
		rc = session_fail(x, EX_IOERR, "cannot write '%s'", out);
	for (i = 0; i < cw.n; i++)
		free(cw.q[i]);
	free(cw.q);
	free(cw.lines);
	return rc;
}
