/* skkd — SPDX-License-Identifier: ISC */
/*
 * The CSV reader: one pass over the buffer, a byte at a time, checking
 * UTF-8 as it goes so an error names the line and column a person sees in
 * a text editor. Fields are collected in one growing buffer and handed to
 * the caller a row at a time.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "errf.h"
#include "utf8.h"

struct csv_state {
	const unsigned char	*p;
	size_t			 len, i;
	size_t			 line, col, linebytes;
	char			 sep;
	size_t			 max_field, max_fields, ncols;
	char			*fb;		/* field bytes, NULs between */
	size_t			 fblen, fbcap;
	size_t			*offs;		/* field starts in fb */
	size_t			 nf, offcap;
	size_t			 flen;		/* bytes of the current field */
	struct csv_error	*err;
};

static int
csv_fail(struct csv_state *st, size_t line, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
csv_fail(struct csv_state *st, size_t line, size_t col, const char *fmt, ...)
{
	va_list	ap;

	st->err->line = line;
	st->err->col = col;
	va_start(ap, fmt);
	verrf(st->err->msg, sizeof(st->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* The separator: whichever of ',' and ';' the header uses more. */
static char
csv_detect(const unsigned char *p, size_t len)
{
	size_t	i, commas = 0, semis = 0;
	int	inq = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '"')
			inq = !inq;
		else if (!inq && (p[i] == '\n' || p[i] == '\r'))
			break;
		else if (!inq && p[i] == ',')
			commas++;
		else if (!inq && p[i] == ';')
			semis++;
	}
	return semis > commas ? ';' : ',';
}

static int
csv_put(struct csv_state *st, const unsigned char *b, size_t n)
{
	char	*nb;
	size_t	 cap;

	if (st->fblen + n + 1 > st->fbcap) {
		cap = st->fbcap ? st->fbcap * 2 : 1024;
		while (cap < st->fblen + n + 1)
			cap *= 2;
		/* Not realloc: rows carry NIKs, and no copy may be left. */
		if ((nb = malloc(cap)) == NULL)
			return csv_fail(st, st->line, st->col, "out of memory");
		if (st->fb != NULL) {
			memcpy(nb, st->fb, st->fblen);
			explicit_bzero(st->fb, st->fbcap);
			free(st->fb);
		}
		st->fb = nb;
		st->fbcap = cap;
	}
	memcpy(st->fb + st->fblen, b, n);
	st->fblen += n;
	return 0;
}

/* Checks the character at i: its length in bytes, or -1. */
static int
csv_char(struct csv_state *st)
{
	size_t	n;

	if (st->p[st->i] == '\0')
		return csv_fail(st, st->line, st->col, "NUL byte");
	if ((n = utf8_next(st->p + st->i, st->len - st->i, NULL)) == 0)
		return csv_fail(st, st->line, st->col, "invalid UTF-8");
	return (int)n;
}

/* Consumes one character into the field (or not, if keep is 0). */
static int
csv_take(struct csv_state *st, int keep)
{
	int	n;

	if ((n = csv_char(st)) == -1)
		return -1;
	if (st->linebytes + (size_t)n > CSV_LINE_MAX)
		return csv_fail(st, st->line, st->col, "line over %u bytes",
		    CSV_LINE_MAX);
	if (keep) {
		if (st->flen + (size_t)n > st->max_field)
			return csv_fail(st, st->line, st->col, "field over "
			    "%zu bytes", st->max_field);
		if (csv_put(st, st->p + st->i, (size_t)n) == -1)
			return -1;
		st->flen += (size_t)n;
	}
	st->i += (size_t)n;
	st->linebytes += (size_t)n;
	st->col++;
	return 0;
}

static void
csv_newline(struct csv_state *st)
{
	st->line++;
	st->col = 1;
	st->linebytes = 0;
}

/* At '\r' or '\n': consumes CRLF, LF or a lone CR. */
static void
csv_eol(struct csv_state *st)
{
	if (st->p[st->i] == '\r' && st->i + 1 < st->len &&
	    st->p[st->i + 1] == '\n')
		st->i++;
	st->i++;
	csv_newline(st);
}

static int
csv_is_end(const struct csv_state *st)
{
	return st->i >= st->len || st->p[st->i] == st->sep ||
	    st->p[st->i] == '\n' || st->p[st->i] == '\r';
}

static int
csv_quoted(struct csv_state *st)
{
	size_t	line = st->line, col = st->col;

	st->i++;	/* the opening quote */
	st->col++;
	st->linebytes++;
	for (;;) {
		if (st->i >= st->len)
			return csv_fail(st, line, col, "unterminated quote");
		if (st->p[st->i] == '"') {
			if (st->i + 1 < st->len && st->p[st->i + 1] == '"') {
				st->i++;
				st->col++;
				if (csv_take(st, 1) == -1)
					return -1;
				continue;
			}
			st->i++;
			st->col++;
			st->linebytes++;
			break;
		}
		if (st->p[st->i] == '\n' || st->p[st->i] == '\r') {
			if (st->flen + 1 > st->max_field)
				return csv_fail(st, st->line, st->col,
				    "field over %zu bytes", st->max_field);
			if (csv_put(st, (const unsigned char *)"\n", 1) == -1)
				return -1;
			st->flen++;
			csv_eol(st);
			continue;
		}
		if (csv_take(st, 1) == -1)
			return -1;
	}
	if (!csv_is_end(st))
		return csv_fail(st, st->line, st->col, "text after a closing "
		    "quote (a stray quote?)");
	return 0;
}

static int
csv_plain(struct csv_state *st)
{
	while (!csv_is_end(st)) {
		if (st->p[st->i] == '"')
			return csv_fail(st, st->line, st->col, "stray quote "
			    "in an unquoted field");
		if (csv_take(st, 1) == -1)
			return -1;
	}
	return 0;
}

/* One field starting at i; leaves i at the separator or line end. */
static int
csv_field(struct csv_state *st)
{
	size_t	*no;

	if (st->nf == st->offcap) {
		st->offcap = st->offcap ? st->offcap * 2 : 32;
		if ((no = reallocarray(st->offs, st->offcap,
		    sizeof(*no))) == NULL)
			return csv_fail(st, st->line, st->col, "out of memory");
		st->offs = no;
	}
	if ((st->ncols && st->nf >= st->ncols) || st->nf >= st->max_fields)
		return csv_fail(st, st->line, st->col, "too many columns "
		    "(more than %zu)", st->ncols ? st->ncols : st->max_fields);
	st->offs[st->nf++] = st->fblen;
	st->flen = 0;
	if (st->i < st->len && st->p[st->i] == '"') {
		if (csv_quoted(st) == -1)
			return -1;
	} else if (csv_plain(st) == -1)
		return -1;
	return csv_put(st, (const unsigned char *)"", 1);
}

/* One record; the caller has skipped blank lines. */
static int
csv_record(struct csv_state *st, csv_row_fn fn, void *arg)
{
	char	**fields;
	size_t	  k, line = st->line;
	int	  rc;

	st->nf = st->fblen = 0;
	for (;;) {
		if (csv_field(st) == -1)
			return -1;
		if (st->i < st->len && st->p[st->i] == st->sep) {
			st->i++;
			st->col++;
			st->linebytes++;
			continue;
		}
		break;
	}
	if (st->i < st->len)
		csv_eol(st);
	if (st->ncols == 0)
		st->ncols = st->nf;
	/* Offsets become pointers only now: fb may have moved. */
	if ((fields = calloc(st->nf, sizeof(*fields))) == NULL)
		return csv_fail(st, line, 1, "out of memory");
	for (k = 0; k < st->nf; k++)
		fields[k] = st->fb + st->offs[k];
	rc = fn(arg, line, fields, st->nf);
	free(fields);
	return rc;
}

static int
csv_run(struct csv_state *st, csv_row_fn fn, void *arg)
{
	int	rc;

	while (st->i < st->len) {
		if (st->p[st->i] == '\n' || st->p[st->i] == '\r') {
			csv_eol(st);
			continue;
		}
		if ((rc = csv_record(st, fn, arg)) != 0)
			return rc;
	}
	return 0;
}

int
csv_parse(const char *buf, size_t len, const struct csv_opts *o,
    csv_row_fn fn, void *arg, char *sep, struct csv_error *err)
{
	struct csv_state	st;
	int			rc;

	memset(&st, 0, sizeof(st));
	memset(err, 0, sizeof(*err));
	st.p = (const unsigned char *)buf;
	st.len = len;
	st.line = st.col = 1;
	st.err = err;
	st.max_field = o != NULL && o->max_field ? o->max_field : CSV_FIELD_MAX;
	st.max_fields = o != NULL && o->max_fields ? o->max_fields :
	    CSV_FIELDS_MAX;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		st.i = 3;
	st.sep = csv_detect(st.p + st.i, len - st.i);
	if (sep != NULL)
		*sep = st.sep;
	rc = csv_run(&st, fn, arg);
	if (st.fb != NULL)
		explicit_bzero(st.fb, st.fbcap);
	free(st.fb);
	free(st.offs);
	return rc;
}
