/* skkd — SPDX-License-Identifier: ISC */
/*
 * Printing. Each certificate is asked for (SHOW: the record and its QR
 * URL), its page drawn, and the QR on the page as drawn decoded again;
 * a page whose code does not read back as exactly its URL stops the run
 * before anything is kept. The PDF goes to FILE.tmp, is signed when
 * skk.conf names a signer, the blank forms are recorded, and only then
 * is it renamed to FILE.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "csv.h"
#include "pades.h"
#include "pdf.h"
#include "print.h"
#include "qrmat.h"
#include "qrpay.h"
#include "record.h"
#include "scan.h"
#include "sheet.h"

/*
 * Test hook (skk(1) ENVIRONMENT): the QR of the certificate numbered
 * SKK_TEST_SPOIL_QR (or of every one, "*") is drawn with two finder
 * patterns inverted, as a damaged drawing would be.
 */
#define PRINT_SPOIL_ENV	"SKK_TEST_SPOIL_QR"
#define PRINT_WINDOW	64	/* SHOW requests in flight */

/* One certificate to print and the blank form it goes onto ("" none). */
struct print_item {
	char	number[CERT_NUMBER_LEN + 1];
	char	serial[CERT_SHORT_MAX + 1];
};

/* One PDF being made. */
struct print_doc {
	struct cmd_ctx		*x;
	const char		*path;
	char			 tmp[PATH_MAX];
	FILE			*f;
	struct pdf		*pdf;
	int			 card;
	size_t			 pages;
};

/* The rows of print --csv. */
struct print_sheet {
	struct cmd_ctx		*x;
	const char		*path;
	int			 col_number, col_serial;
	struct print_item	*items;
	size_t			 n, cap;
	int			 status;
};

static int	print_one(struct cmd_ctx *, struct cmd_args *);
static int	print_csv(struct cmd_ctx *, struct cmd_args *);
static int	print_void(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_opt print_opts[] = {
	{ "--output", 0, "-o" }, { "--card", 1, NULL },
	{ "--blank-serial", 0, NULL }, { NULL, 0, NULL }
};
static const struct cmd_opt print_csv_opts[] = {
	{ "--csv", 0, NULL }, { "--output", 0, "-o" }, { "--card", 1, NULL },
	{ "--blank-serial", 0, NULL }, { NULL, 0, NULL }
};
static const struct cmd_opt print_void_opts[] = {
	{ "--reason", 0, NULL }, { NULL, 0, NULL }
};

const struct cmd_form print_form = { { NULL }, print_one, print_opts, 1, 1,
	ARGS_PLAIN };
const struct cmd_form print_csv_form = { { "--csv" }, print_csv,
	print_csv_opts, 0, 0, ARGS_PLAIN };
const struct cmd_form print_void_form = { { NULL }, print_void,
	print_void_opts, 1, 1, ARGS_PLAIN };

/* --- one page ------------------------------------------------------------ */

/* Asks for number's record (SHOW); *id gets the request's id. */
static int
print_send(struct cmd_ctx *x, const char *number, uint64_t *id)
{
	struct wire_msg	*m;
	int		 rc;

	if ((m = net_request(x->net, WIRE_SHOW)) == NULL ||
	    wire_put_str(m, WK_NUMBER, number) == -1)
		return session_oom(x, m);
	*id = wire_id(m);
	rc = net_send(x->net, m);
	wire_msg_free(m);
	return rc == -1 ? session_net_fail(x) : 0;
}

/* The answer to request id: the record and its URL, or the status. */
static int
print_recv(struct cmd_ctx *x, const char *number, uint64_t id,
    struct cert *c, char *url, size_t urllen)
{
	struct wire_msg	*a;
	const uint8_t	*rec;
	size_t		 len;
	char		 why[CERT_ERR_MAX];
	int		 rc;

	if ((a = net_recv(x->net, id)) == NULL)
		return session_net_fail(x);
	if ((rc = session_answer(x, a, WIRE_SHOW, number)) == 0 &&
	    (wire_get_bytes(a, WK_RECORD, &rec, &len) == -1 ||
	    record_decode(rec, len, c, why, sizeof why) == -1 ||
	    wire_get_str(a, WK_URL, url, urllen) == -1 ||
	    !qrpay_is_qr_text(url)))
		rc = session_fail(x, EX_PROTOCOL, "print: %s: the server's "
		    "answer has no record or QR URL", number);
	wire_msg_free(a);
	return rc;
}

/* Only what may be shown as valid is printed. */
static int
print_printable(struct cmd_ctx *x, const struct cert *c)
{
	if (c->status == CERT_ACTIVE || c->status == CERT_PENDING)
		return 0;
	return session_fail(x, EX_DATAERR, "print: %s is %s: not printed",
	    c->number, cert_status_name(c->status));
}

static void
print_spoil(const struct cert *c, struct qrmat *q)
{
	const char	*s = getenv(PRINT_SPOIL_ENV);
	int		 x, y;

	if (s == NULL || (strcmp(s, "*") != 0 && strcmp(s, c->number) != 0))
		return;
	for (y = 0; y < 8; y++)
		for (x = 0; x < 8; x++) {
			q->dark[y * q->width + x] ^= 1;
			q->dark[y * q->width + q->width - 1 - x] ^= 1;
		}
}

/* The page's QR read back from the drawing: exactly url, or refused. */
static int
print_readback(struct cmd_ctx *x, const char *number,
    const struct scan_image *img, const char *url)
{
	char	text[QRPAY_URL_MAX + 1], why[256];

	if (scan_decode(img, number, text, sizeof text, why,
	    sizeof why) == -1)
		return session_fail(x, EX_SOFTWARE, "print: %s: the QR drawn "
		    "on the page does not read back (%s); nothing written",
		    number, why);
	if (strcmp(text, url) != 0)
		return session_fail(x, EX_SOFTWARE, "print: %s: the QR drawn "
		    "on the page reads '%.60s...', not the certificate's URL; "
		    "nothing written", number, text);
	return 0;
}

static int
print_page(struct print_doc *d, const char *number, uint64_t id)
{
	struct cert		*c;
	struct qrmat		 q = { 0, NULL };
	struct scan_image	 img = { 0, 0, NULL };
	struct pdf_page		 g;
	char			 url[QRPAY_URL_MAX + 1], why[512];
	int			 rc;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return session_fail(d->x, EX_OSERR, "out of memory");
	if ((rc = print_recv(d->x, number, id, c, url, sizeof url)) != 0 ||
	    (rc = print_printable(d->x, c)) != 0)
		goto out;
	if (qrmat_encode(url, &q, why, sizeof why) == -1) {
		rc = session_fail(d->x, EX_SOFTWARE, "print: %s: %s", number,
		    why);
		goto out;
	}
	print_spoil(c, &q);
	g.c = c;
	g.url = url;
	g.qr = &q;
	if (pdf_add(d->pdf, &g, &img, why, sizeof why) == -1)
		rc = session_fail(d->x, EX_IOERR, "print: %s", why);
	else if ((rc = print_readback(d->x, number, &img, url)) == 0)
		d->pages++;
out:
	scan_image_release(&img);
	qrmat_release(&q);
	free(c);
	return rc;
}

/* --- the document -------------------------------------------------------- */

static int
print_open(struct print_doc *d)
{
	if (snprintf(d->tmp, sizeof d->tmp, "%s.tmp", d->path) >=
	    (int)sizeof d->tmp)
		return session_fail(d->x, EX_USAGE, "print: '%s': name too "
		    "long", d->path);
	if ((d->f = session_create_private(d->tmp)) == NULL)
		return session_fail(d->x, EX_CANTCREAT, "cannot create '%s': "
		    "%s", d->tmp, strerror(errno));
	if ((d->pdf = pdf_new(d->f, d->card, d->x->conf.print_dx,
	    d->x->conf.print_dy)) == NULL)
		return session_fail(d->x, EX_OSERR, "out of memory");
	return 0;
}

/* The finished file: closed, signed when asked. */
static int
print_close(struct print_doc *d)
{
	char	why[PATH_MAX + 512];
	int	bad;

	bad = pdf_finish(d->pdf, why, sizeof why) == -1;
	d->pdf = NULL;
	if (fclose(d->f) == EOF && !bad) {
		snprintf(why, sizeof why, "cannot write '%s': %s", d->tmp,
		    strerror(errno));
		bad = 1;
	}
	d->f = NULL;
	if (bad)
		return session_fail(d->x, EX_IOERR, "print: %s", why);
	if (d->x->conf.sign_cert[0] != '\0' && pades_sign(d->tmp,
	    d->x->conf.sign_cert, d->x->conf.sign_key, why, sizeof why) == -1)
		return session_fail(d->x, EX_DATAERR, "print: cannot sign "
		    "'%s': %s", d->path, why);
	return 0;
}

/* Records which blank form each page went onto; 0 or the exit status. */
static int
print_blanks(struct cmd_ctx *x, const struct print_item *it, size_t n)
{
	struct wire_msg	*m, *a, *w;
	size_t		 i, k = 0;
	int		 rc;

	for (i = 0; i < n; i++)
		k += it[i].serial[0] != '\0';
	if (k == 0)
		return 0;
	if ((m = session_request(x, WIRE_BLANK)) == NULL)
		return session_oom(x, NULL);
	for (i = 0; i < n; i++) {
		if (it[i].serial[0] == '\0')
			continue;
		if ((w = wire_put_item(m, WK_ITEMS)) == NULL ||
		    wire_put_str(w, WK_NUMBER, it[i].number) == -1 ||
		    wire_put_str(w, WK_SERIAL, it[i].serial) == -1)
			return session_oom(x, m);
	}
	if ((rc = session_call(x, m, &a, NULL)) != 0)
		return rc;
	wire_msg_free(a);
	return 0;
}

/*
 * The pages of items[0..n) into path: every QR read back, the file
 * signed, the blank forms recorded, then renamed into place.
 */
static int
print_doc(struct cmd_ctx *x, const struct print_item *items, size_t n,
    const char *path, int card)
{
	struct print_doc	 d;
	uint64_t		*ids;
	size_t			 i, sent = 0;
	int			 rc;

	memset(&d, 0, sizeof d);
	d.x = x;
	d.path = path;
	d.card = card;
	if ((ids = calloc(n, sizeof *ids)) == NULL)
		return session_fail(x, EX_OSERR, "out of memory");
	rc = print_open(&d);
	/* PRINT_WINDOW records asked for ahead of the page being drawn. */
	for (i = 0; rc == 0 && i < n; i++) {
		while (rc == 0 && sent < n && sent < i + PRINT_WINDOW) {
			rc = print_send(x, items[sent].number, &ids[sent]);
			sent++;
		}
		if (rc == 0)
			rc = print_page(&d, items[i].number, ids[i]);
	}
	free(ids);
	if (rc == 0)
		rc = print_close(&d);
	if (rc == 0)
		rc = print_blanks(x, items, n);
	if (rc == 0 && rename(d.tmp, path) == -1)
		rc = session_fail(x, EX_CANTCREAT, "cannot rename '%s' to "
		    "'%s': %s", d.tmp, path, strerror(errno));
	pdf_free(d.pdf);
	if (d.f != NULL)
		fclose(d.f);
	if (rc != 0 && d.tmp[0] != '\0')
		unlink(d.tmp);
	return rc;
}

static void
print_report(struct cmd_ctx *x, const char *path, size_t pages)
{
	if (x->json) {
		output_field_str(x->o, "file", "file", path);
		output_field_int(x->o, "pages", "pages", (int64_t)pages);
		return;
	}
	fprintf(x->out, "%s: %zu page%s, every QR read back%s\n", path, pages,
	    pages == 1 ? "" : "s", x->conf.sign_cert[0] != '\0' ?
	    ", signed" : "");
}

/* --- blank serials ------------------------------------------------------- */

/* The serial after s: its last run of digits plus one, width kept. */
static int
print_next_serial(const char *s, char *out, size_t outlen)
{
	size_t	len = strlen(s), i;

	if (len == 0 || len >= outlen)
		return -1;
	memcpy(out, s, len + 1);
	for (i = len; i > 0 && (out[i - 1] < '0' || out[i - 1] > '9'); i--)
		;
	if (i == 0)
		return -1;
	for (; i > 0 && out[i - 1] >= '0' && out[i - 1] <= '9'; i--) {
		if (out[i - 1] != '9') {
			out[i - 1]++;
			return 0;
		}
		out[i - 1] = '0';
	}
	return -1;	/* "999" has no successor of its width */
}

static int
print_check_serial(struct cmd_ctx *x, const char *s)
{
	char	why[CERT_ERR_MAX];

	if (s[0] == '\0' || cert_check_text("blank_serial", s, CERT_SHORT_MAX,
	    why, sizeof why) == -1)
		return session_fail(x, EX_DATAERR, "print: blank serial '%s': "
		    "1 to %d bytes of text", s, CERT_SHORT_MAX);
	return 0;
}

/* --blank-serial S for the n items: S, then its successors. */
static int
print_serials(struct cmd_ctx *x, struct print_item *it, size_t n,
    const char *first)
{
	size_t	i;
	int	rc;

	if (first == NULL)
		return 0;
	if ((rc = print_check_serial(x, first)) != 0)
		return rc;
	snprintf(it[0].serial, sizeof it[0].serial, "%s", first);
	for (i = 1; i < n; i++)
		if (print_next_serial(it[i - 1].serial, it[i].serial,
		    sizeof it[i].serial) == -1)
			return session_fail(x, EX_DATAERR, "print: blank "
			    "serial '%s' has no successor for row %zu: "
			    "give them in a blank_serial column",
			    it[i - 1].serial, i + 1);
	return 0;
}

/* --- commands ------------------------------------------------------------ */

static int
print_one(struct cmd_ctx *x, struct cmd_args *a)
{
	struct print_item	it;
	const char		*out = args_get(a, "--output");
	int			 rc;

	memset(&it, 0, sizeof it);
	if (out == NULL)
		return args_usage_error(x, "-o FILE.pdf is required");
	if ((rc = args_number(x, a->pos[0], it.number, sizeof it.number)) != 0 ||
	    (rc = print_serials(x, &it, 1, args_get(a, "--blank-serial"))) != 0 ||
	    (rc = session_begin(x)) != 0)
		return rc;
	if ((rc = print_doc(x, &it, 1, out, args_get(a, "--card") != NULL)) != 0)
		return rc;
	print_report(x, out, 1);
	return session_end(x, 0);
}

static int
print_sheet_header(struct print_sheet *s, char **f, size_t n)
{
	size_t	i;

	s->col_number = s->col_serial = -1;
	for (i = 0; i < n; i++) {
		sheet_trim(f[i]);
		if (strcasecmp(f[i], "number") == 0)
			s->col_number = (int)i;
		else if (strcasecmp(f[i], "blank_serial") == 0)
			s->col_serial = (int)i;
	}
	if (s->col_number == -1) {
		session_fail(s->x, EX_DATAERR, "%s:1: number: required column "
		    "missing (give issued.csv of 'skk issue --csv --out')",
		    s->path);
		return (s->status = EX_DATAERR);
	}
	return 0;
}

static int
print_sheet_cb(void *arg, size_t line, char **f, size_t n)
{
	struct print_sheet	*s = arg;
	struct print_item	*it;
	void			*p;

	if (s->col_number == -2)
		return print_sheet_header(s, f, n);
	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 64 : s->cap * 2;
		if ((p = reallocarray(s->items, s->cap, sizeof *it)) == NULL)
			return (s->status = EX_OSERR);
		s->items = p;
	}
	it = &s->items[s->n++];
	memset(it, 0, sizeof *it);
	if ((size_t)s->col_number >= n || cert_normalize_number(
	    f[s->col_number], it->number, sizeof it->number) == -1) {
		session_fail(s->x, EX_DATAERR, "%s:%zu: number: not a "
		    "certificate number", s->path, line);
		return (s->status = EX_DATAERR);
	}
	if (s->col_serial >= 0 && (size_t)s->col_serial < n) {
		sheet_trim(f[s->col_serial]);
		if (snprintf(it->serial, sizeof it->serial, "%s",
		    f[s->col_serial]) >= (int)sizeof it->serial) {
			session_fail(s->x, EX_DATAERR, "%s:%zu: blank_serial: "
			    "over %d bytes", s->path, line, CERT_SHORT_MAX);
			return (s->status = EX_DATAERR);
		}
	}
	return 0;
}

static int
print_sheet_load(struct print_sheet *s)
{
	struct csv_error	 e;
	char			*buf;
	size_t			 len;
	int			 rc;

	if ((rc = sheet_read(s->x, s->path, &buf, &len)) != 0)
		return rc;
	s->col_number = -2;	/* the header comes first */
	rc = csv_parse(buf, len, NULL, print_sheet_cb, s, NULL, &e);
	free(buf);
	if (rc == -1)
		return session_fail(s->x, EX_DATAERR, "%s:%zu:%zu: %s",
		    s->path, e.line, e.col, e.msg);
	if (s->status != 0)
		return s->status == EX_OSERR ? session_fail(s->x, EX_OSERR,
		    "out of memory") : s->status;
	if (s->n == 0)
		return session_fail(s->x, EX_DATAERR, "%s: no rows", s->path);
	return 0;
}

static int
print_csv(struct cmd_ctx *x, struct cmd_args *a)
{
	struct print_sheet	 s;
	const char		*out = args_get(a, "--output");
	const char		*serial = args_get(a, "--blank-serial");
	int			 rc;

	memset(&s, 0, sizeof s);
	s.x = x;
	if ((s.path = args_get(a, "--csv")) == NULL || out == NULL)
		return args_usage_error(x, "--csv FILE and -o FILE.pdf are "
		    "required");
	if ((rc = print_sheet_load(&s)) == 0 && serial != NULL &&
	    s.col_serial >= 0)
		rc = session_fail(x, EX_USAGE, "print: give --blank-serial or "
		    "a blank_serial column, not both");
	if (rc == 0)
		rc = print_serials(x, s.items, s.n, serial);
	if (rc == 0 && (rc = session_begin(x)) == 0) {
		rc = print_doc(x, s.items, s.n, out,
		    args_get(a, "--card") != NULL);
	}
	if (rc == 0) {
		print_report(x, out, s.n);
		rc = session_end(x, 0);
	}
	free(s.items);
	return rc;
}

int
print_each(struct cmd_ctx *x, char (*numbers)[CERT_NUMBER_LEN + 1],
    size_t n, const char *dir, int card)
{
	struct print_item	it;
	char			path[PATH_MAX];
	size_t			i, k;
	int			rc;

	if ((rc = session_private_dir(x, dir)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		memset(&it, 0, sizeof it);
		/* The server's number becomes a file name: "../x" must not. */
		if (cert_check_number(numbers[i], NULL, 0) == -1)
			return session_fail(x, EX_PROTOCOL, "print: the server "
			    "sent a malformed number '%s'", numbers[i]);
		snprintf(it.number, sizeof it.number, "%s", numbers[i]);
		snprintf(path, sizeof path, "%s/%s.pdf", dir, numbers[i]);
		for (k = strlen(dir) + 1; path[k] != '\0'; k++)
			if (path[k] == ' ')
				path[k] = '_';
		if ((rc = print_doc(x, &it, 1, path, card)) != 0)
			return rc;
	}
	if (!x->json)
		fprintf(x->err, "%s: %zu PDF%s, every QR read back\n", dir, n,
		    n == 1 ? "" : "s");
	return 0;
}

static int
print_void(struct cmd_ctx *x, struct cmd_args *a)
{
	const char	*reason = args_get(a, "--reason");
	struct wire_msg	*m, *w, *r;
	char		 why[CERT_ERR_MAX], held[CERT_NUMBER_LEN + 1];
	int		 rc;

	if (reason == NULL || reason[0] == '\0')
		return args_usage_error(x, "--reason TEXT is required");
	if ((rc = print_check_serial(x, a->pos[0])) != 0)
		return rc;
	if (cert_check_text("reason", reason, CERT_TEXT_MAX, why,
	    sizeof why) == -1)
		return session_fail(x, EX_DATAERR, "void-blank: %s", why);
	if ((rc = session_begin(x)) != 0)
		return rc;
	if ((m = session_request(x, WIRE_BLANK)) == NULL ||
	    (w = wire_put_item(m, WK_ITEMS)) == NULL ||
	    wire_put_str(w, WK_SERIAL, a->pos[0]) == -1 ||
	    wire_put_str(w, WK_REASON, reason) == -1)
		return session_oom(x, m);
	if ((rc = session_call(x, m, &r, NULL)) != 0)
		return rc;
	if (wire_list_len(r, WK_ITEMS) != 1 || wire_get_str(wire_list_get(r,
	    WK_ITEMS, 0), WK_NUMBER, held, sizeof held) == -1)
		held[0] = '\0';
	wire_msg_free(r);
	if (x->json) {
		output_field_str(x->o, "serial", "serial", a->pos[0]);
		output_field_str(x->o, "state", "state", "void");
		output_field_str(x->o, "number", "number", held);
	} else
		fprintf(x->out, "%s  void%s%s\n", a->pos[0], held[0] != '\0' ?
		    ": it held " : "", held);
	return session_end(x, 0);
}
