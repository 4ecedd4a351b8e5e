/* skkd — SPDX-License-Identifier: ISC */
/*
 * Certificate pages with cairo and pango. Everything is laid out in
 * millimetres from the page's top-left corner (moved by the form
 * offset) and drawn by one function into either the PDF surface or a
 * picture of the QR's surroundings: what the check reads is what the
 * page holds, text that strayed onto the code included.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "pdf.h"

#define PT(mm)		((mm) * 72.0 / 25.4)
#define A4_W		210.0
#define A4_H		297.0
#define CARD_W		85.60
#define CARD_H		53.98
#define CHECK_MARGIN	1.5	/* mm of page around the QR in the check */

#define FONT_SANS	"Noto Sans"
#define FONT_BOLD	"Noto Sans Bold"
#define FONT_ITALIC	"Noto Sans Italic"

struct pdf {
	cairo_surface_t	*surf;
	FILE		*f;
	int		 card;
	int		 werr;		/* errno of a failed write */
	double		 offx, offy;	/* mm */
};

/* Where the QR goes: its square, quiet zone included, in mm. */
struct pdf_box {
	double	x, y, side;
};

/* One text run: font, size in points, width in mm, alignment. */
struct pdf_font {
	const char	*face;
	double		 size;
	double		 width;
	PangoAlignment	 align;
};

static const char *pdf_quals[CERT_QUAL_MAX] = {
	"Operator", "Teknisi/Analis", "Ahli"
};

static const char *pdf_months[12][2] = {
	{ "Januari", "January" }, { "Februari", "February" },
	{ "Maret", "March" }, { "April", "April" }, { "Mei", "May" },
	{ "Juni", "June" }, { "Juli", "July" }, { "Agustus", "August" },
	{ "September", "September" }, { "Oktober", "October" },
	{ "November", "November" }, { "Desember", "December" }
};

static cairo_status_t
pdf_write_cb(void *arg, const unsigned char *data, unsigned int len)
{
	struct pdf	*p = arg;

	if (p->werr != 0)
		return CAIRO_STATUS_WRITE_ERROR;
	if (fwrite(data, 1, len, p->f) != len) {
		p->werr = errno != 0 ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* "15 Desember 2025 / 15 December 2025"; "" for a date not set. */
static void
pdf_date(int32_t days, char *out, size_t outlen)
{
	char		iso[11];
	unsigned	y, m, d;

	out[0] = '\0';
	if (days == 0)
		return;
	date_format(days, iso);
	if (sscanf(iso, "%4u-%2u-%2u", &y, &m, &d) != 3 || m < 1 || m > 12) {
		snprintf(out, outlen, "%s", iso);
		return;
	}
	if (strcmp(pdf_months[m - 1][0], pdf_months[m - 1][1]) == 0)
		snprintf(out, outlen, "%u %s %u", d, pdf_months[m - 1][0], y);
	else
		snprintf(out, outlen, "%u %s %u / %u %s %u", d,
		    pdf_months[m - 1][0], y, d, pdf_months[m - 1][1], y);
}

/* Metrics as designed: hinted ones space small text unevenly. */
static void
pdf_unhinted(PangoLayout *l)
{
	cairo_font_options_t	*fo = cairo_font_options_create();

	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(pango_layout_get_context(l), fo);
	/* Positions in whole units would be whole points here. */
	pango_context_set_round_glyph_positions(pango_layout_get_context(l),
	    FALSE);
	pango_layout_context_changed(l);
	cairo_font_options_destroy(fo);
}

/*
 * Draws text at (x, y) mm, wrapped to the font's width; markup for our
 * own labels only, never for the record's text. Returns its height, mm.
 */
static double
pdf_text(cairo_t *cr, double x, double y, const struct pdf_font *ft,
    const char *text, int markup)
{
	PangoLayout		*l;
	PangoFontDescription	*fd;
	int			 w, h;

	if (text[0] == '\0')
		return 0;
	l = pango_cairo_create_layout(cr);
	pdf_unhinted(l);
	fd = pango_font_description_from_string(ft->face);
	pango_font_description_set_absolute_size(fd, ft->size * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(PT(ft->width) * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, ft->align);
	if (markup)
		pango_layout_set_markup(l, text, -1);
	else
		pango_layout_set_text(l, text, -1);
	cairo_move_to(cr, PT(x), PT(y));
	pango_cairo_show_layout(cr, l);
	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	return (double)h / PANGO_SCALE * 25.4 / 72.0;
}

/* The modules as one path of rectangles, a run of dark ones each. */
static void
pdf_qr(cairo_t *cr, const struct qrmat *q, const struct pdf_box *b)
{
	double	m = b->side / (q->width + 2 * QRMAT_QUIET);
	double	x0 = b->x + QRMAT_QUIET * m, y0 = b->y + QRMAT_QUIET * m;
	int	x, y, run;

	cairo_save(cr);
	cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, PT(b->x), PT(b->y), PT(b->side), PT(b->side));
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (y = 0; y < q->width; y++) {
		for (x = 0; x < q->width; x += run) {
			for (run = 0; x + run < q->width &&
			    q->dark[y * q->width + x + run]; run++)
				;
			if (run == 0) {
				run = 1;
				continue;
			}
			cairo_rectangle(cr, PT(x0 + x * m), PT(y0 + y * m),
			    PT(run * m), PT(m));
		}
	}
	cairo_fill(cr);
	cairo_restore(cr);
}

/* A label over its value; returns the height used, mm. */
static double
pdf_row(cairo_t *cr, double x, double y, double lw, double vw,
    const char *label, const char *value, double size)
{
	struct pdf_font	lf = { FONT_SANS, size * 0.8, lw, PANGO_ALIGN_LEFT };
	struct pdf_font	vf = { FONT_SANS, size, vw, PANGO_ALIGN_LEFT };
	double		hl, hv;

	if (value[0] == '\0')
		return 0;
	cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
	hl = pdf_text(cr, x, y + size * 0.04, &lf, label, 1);
	cairo_set_source_rgb(cr, 0, 0, 0);
	hv = pdf_text(cr, x + lw + 2, y, &vf, value, 0);
	return (hl > hv ? hl : hv) + size * 0.12;
}

/* The labelled rows both layouts show, in order. */
enum pdf_field {
	PF_NUMBER, PF_JOB, PF_CODE, PF_LEVEL, PF_CLASS, PF_ISSUED, PF_EXPIRES,
	PF_LPJK, PF_MAX
};

/* Each row's label on A4 (two lines) and on a card (one). */
static const char *pdf_labels[PF_MAX][2] = {
	{ "<b>Nomor sertifikat</b>\n<i>Certificate number</i>",
	  "<b>No.</b> / <i>No.</i>" },
	{ "<b>Jabatan kerja</b>\n<i>Job title</i>",
	  "<b>Jabatan</b> / <i>Job</i>" },
	{ "<b>Kode jabatan kerja</b>\n<i>Job code</i>",
	  "<b>Kode</b> / <i>Code</i>" },
	{ "<b>Jenjang KKNI</b>\n<i>KKNI level</i>",
	  "<b>Jenjang KKNI</b> / <i>Level</i>" },
	{ "<b>Klasifikasi</b>\n<i>Classification</i>",
	  "<b>Klasifikasi</b> / <i>Class</i>" },
	{ "<b>Tanggal terbit</b>\n<i>Issue date</i>",
	  "<b>Terbit</b> / <i>Issued</i>" },
	{ "<b>Berlaku sampai</b>\n<i>Valid until</i>",
	  "<b>Berlaku s.d.</b> / <i>Valid until</i>" },
	{ "<b>Nomor registrasi LPJK</b>\n<i>LPJK registration number</i>",
	  "<b>LPJK</b>" },
};

/* What both layouts show, as text. */
struct pdf_vals {
	const char *row[PF_MAX];	/* by enum pdf_field; "" not shown */
	char	job[2 * CERT_TEXT_MAX + 16];
	char	code[16];
	char	level[48];
	char	cls[2 * CERT_SHORT_MAX + 8];
	char	issued[64];
	char	expires[64];
	char	licence[CERT_SHORT_MAX + 64];
};

static void
pdf_vals(const struct cert *c, struct pdf_vals *v)
{
	snprintf(v->job, sizeof v->job, "%s%s%s", c->job_title_id,
	    c->job_title_en[0] != '\0' ? "\n" : "", c->job_title_en);
	snprintf(v->code, sizeof v->code, "%s", c->job_code);
	snprintf(v->level, sizeof v->level, "%u%s%s%s", c->jenjang,
	    c->kualifikasi < CERT_QUAL_MAX ? " (" : "",
	    c->kualifikasi < CERT_QUAL_MAX ? pdf_quals[c->kualifikasi] : "",
	    c->kualifikasi < CERT_QUAL_MAX ? ")" : "");
	snprintf(v->cls, sizeof v->cls, "%s%s%s", c->klasifikasi,
	    c->subklasifikasi[0] != '\0' && c->klasifikasi[0] != '\0' ?
	    " / " : "", c->subklasifikasi);
	pdf_date(c->issued, v->issued, sizeof v->issued);
	pdf_date(c->expires, v->expires, sizeof v->expires);
	v->licence[0] = '\0';
	if (c->issuer_licence[0] != '\0')
		snprintf(v->licence, sizeof v->licence, "Lisensi / Licence: %s",
		    c->issuer_licence);
	v->row[PF_NUMBER] = c->number;
	v->row[PF_JOB] = v->job;
	v->row[PF_CODE] = v->code;
	v->row[PF_LEVEL] = v->level;
	v->row[PF_CLASS] = v->cls;
	v->row[PF_ISSUED] = v->issued;
	v->row[PF_EXPIRES] = v->expires;
	v->row[PF_LPJK] = c->lpjk_regno;
}

/* The rows from y, in the layout's labels (card 0 or 1), size points. */
static void
pdf_rows(cairo_t *cr, double x, double y, double lw, double vw,
    const struct pdf_vals *v, int card, double size)
{
	int	i;

	for (i = 0; i < PF_MAX; i++)
		y += pdf_row(cr, x, y, lw, vw, pdf_labels[i][card], v->row[i],
		    size);
}

static const struct pdf_box pdf_a4_qr = { 80, 205, 50 };
static const struct pdf_box pdf_card_qr = { 57.6, 13.0, 25.0 };

/* Under the QR: the instruction and the number, in words for all. */
static void
pdf_qr_caption(cairo_t *cr, const struct pdf_box *b, const char *number,
    double size)
{
	struct pdf_font	f = { FONT_SANS, size, b->side + 10,
			    PANGO_ALIGN_CENTER };
	double		y = b->y + b->side + 0.5;

	y += pdf_text(cr, b->x - 5, y, &f, "Pindai untuk memeriksa / "
	    "<i>Scan to verify</i>", 1);
	f.face = FONT_BOLD;
	f.size = size * 1.15;
	pdf_text(cr, b->x - 5, y, &f, number, 0);
}

static void
pdf_draw_a4(cairo_t *cr, const struct pdf_page *g, const struct pdf_vals *v)
{
	const struct cert	*c = g->c;
	struct pdf_font		 f = { FONT_BOLD, 15, 170, PANGO_ALIGN_CENTER };
	double			 y = 20, lw = 58, vw = 108;

	y += pdf_text(cr, 20, y, &f, c->issuer_name, 0);
	f.face = FONT_SANS;
	f.size = 9;
	y += pdf_text(cr, 20, y, &f, v->licence, 0) + 4;
	cairo_set_line_width(cr, 0.8);
	cairo_move_to(cr, PT(20), PT(y));
	cairo_line_to(cr, PT(190), PT(y));
	cairo_stroke(cr);
	y += 8;
	f.face = FONT_BOLD;
	f.size = 21;
	y += pdf_text(cr, 20, y, &f, "SERTIFIKAT KOMPETENSI KERJA", 0);
	f.face = FONT_ITALIC;
	f.size = 12;
	y += pdf_text(cr, 20, y, &f, "Certificate of Work Competency", 0) + 8;
	f.face = FONT_SANS;
	f.size = 9;
	y += pdf_text(cr, 20, y, &f, "diberikan kepada / <i>awarded to</i>",
	    1) + 1;
	f.face = FONT_BOLD;
	f.size = 18;
	y += pdf_text(cr, 20, y, &f, c->name, 0) + 9;
	pdf_rows(cr, 20, y, lw, vw, v, 0, 11);
	pdf_qr(cr, g->qr, &pdf_a4_qr);
	pdf_qr_caption(cr, &pdf_a4_qr, c->number, 9);
}

static void
pdf_draw_card(cairo_t *cr, const struct pdf_page *g,
    const struct pdf_vals *v)
{
	const struct cert	*c = g->c;
	struct pdf_font		 f = { FONT_BOLD, 6.5, 79.6, PANGO_ALIGN_LEFT };
	double			 y = 2.5, lw = 17, vw = 33;

	y += pdf_text(cr, 3, y, &f, c->issuer_name, 0);
	f.face = FONT_SANS;
	f.size = 4.5;
	y += pdf_text(cr, 3, y, &f, v->licence, 0) + 0.6;
	f.face = FONT_BOLD;
	f.size = 5.5;
	y += pdf_text(cr, 3, y, &f, "SERTIFIKAT KOMPETENSI KERJA / "
	    "<i>Certificate of Work Competency</i>", 1) + 0.8;
	if (y < pdf_card_qr.y - 1)
		y = pdf_card_qr.y - 1;
	f.size = strlen(c->name) > 48 ? 6 : 8;	/* at most three lines */
	f.width = 52;
	y += pdf_text(cr, 3, y, &f, c->name, 0) + 0.8;
	pdf_rows(cr, 3, y, lw, vw, v, 1, 5);
	pdf_qr(cr, g->qr, &pdf_card_qr);
	pdf_qr_caption(cr, &pdf_card_qr, c->number, 3.6);
}

static void
pdf_draw(cairo_t *cr, const struct pdf *p, const struct pdf_page *g)
{
	struct pdf_vals	v;

	pdf_vals(g->c, &v);
	cairo_translate(cr, PT(p->offx), PT(p->offy));
	cairo_set_source_rgb(cr, 0, 0, 0);
	if (p->card)
		pdf_draw_card(cr, g, &v);
	else
		pdf_draw_a4(cr, g, &v);
}

/* The page drawn again, PDF_CHECK_PX pixels a module, around the QR. */
static int
pdf_check(const struct pdf *p, const struct pdf_page *g,
    struct scan_image *img, char *err, size_t errlen)
{
	const struct pdf_box	*b = p->card ? &pdf_card_qr : &pdf_a4_qr;
	double			 px, side;
	cairo_surface_t		*s;
	cairo_t			*cr;
	const uint8_t		*row;
	unsigned		 x, y, n;
	int			 stride;

	/* Pixels a millimetre for PDF_CHECK_PX pixels a module. */
	px = PDF_CHECK_PX * (g->qr->width + 2 * QRMAT_QUIET) / b->side;
	side = b->side + 2 * CHECK_MARGIN;
	n = (unsigned)(side * px + 0.5);
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)n, (int)n);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS ||
	    (img->pix = malloc((size_t)n * n)) == NULL) {
		cairo_surface_destroy(s);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, px * 25.4 / 72.0, px * 25.4 / 72.0);
	cairo_translate(cr, -PT(b->x + p->offx - CHECK_MARGIN),
	    -PT(b->y + p->offy - CHECK_MARGIN));
	pdf_draw(cr, p, g);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	stride = cairo_image_surface_get_stride(s);
	for (y = 0; y < n; y++) {
		row = cairo_image_surface_get_data(s) + (size_t)y * stride;
		for (x = 0; x < n; x++)	/* xRGB in native words: green */
			img->pix[(size_t)y * n + x] = (uint8_t)((
			    ((const uint32_t *)row)[x] >> 8) & 0xff);
	}
	cairo_surface_destroy(s);
	img->width = img->height = n;
	return 0;
}

struct pdf *
pdf_new(FILE *f, int card, double offx, double offy)
{
	struct pdf	*p;

	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	p->f = f;
	p->card = card;
	p->offx = offx;
	p->offy = offy;
	p->surf = cairo_pdf_surface_create_for_stream(pdf_write_cb, p,
	    PT(card ? CARD_W : A4_W), PT(card ? CARD_H : A4_H));
	if (cairo_surface_status(p->surf) != CAIRO_STATUS_SUCCESS) {
		pdf_free(p);
		return NULL;
	}
	cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_TITLE,
	    "Sertifikat Kompetensi Kerja / Certificate of Work Competency");
	cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_CREATOR,
	    "skk");
	return p;
}

int
pdf_add(struct pdf *p, const struct pdf_page *g, struct scan_image *check,
    char *err, size_t errlen)
{
	cairo_t		*cr;
	cairo_status_t	 st;

	memset(check, 0, sizeof *check);
	cr = cairo_create(p->surf);
	pdf_draw(cr, p, g);
	cairo_show_page(cr);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "%s: cannot draw the page: %s",
		    g->c->number, p->werr != 0 ? strerror(p->werr) :
		    cairo_status_to_string(st));
		return -1;
	}
	return pdf_check(p, g, check, err, errlen);
}

int
pdf_finish(struct pdf *p, char *err, size_t errlen)
{
	cairo_status_t	st;
	int		rc = 0;

	cairo_surface_finish(p->surf);
	st = cairo_surface_status(p->surf);
	if (st != CAIRO_STATUS_SUCCESS || p->werr != 0) {
		snprintf(err, errlen, "cannot write the PDF: %s",
		    p->werr != 0 ? strerror(p->werr) :
		    cairo_status_to_string(st));
		rc = -1;
	}
	pdf_free(p);
	return rc;
}

void
pdf_free(struct pdf *p)
{
	if (p == NULL)
		return;
	cairo_surface_destroy(p->surf);
	free(p);
}

#define DOC_MARGIN	20.0	/* mm on every side */

int
pdf_text_doc(FILE *f, const char *title, const char *const *paras, size_t n,
    char *err, size_t errlen)
{
	const struct pdf_font	 head = { FONT_BOLD, 12, A4_W - 2 * DOC_MARGIN,
	    PANGO_ALIGN_LEFT };
	const struct pdf_font	 body = { FONT_SANS, 9, A4_W - 2 * DOC_MARGIN,
	    PANGO_ALIGN_LEFT };
	struct pdf		*p;
	cairo_t			*cr;
	double			 y = DOC_MARGIN;
	size_t			 i;
	int			 h;

	if ((p = pdf_new(f, 0, 0, 0)) == NULL) {
		snprintf(err, errlen, "cannot start the PDF");
		return -1;
	}
	cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_TITLE,
	    title);
	cr = cairo_create(p->surf);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (i = 0; i < n; i++) {
		h = strncmp(paras[i], "# ", 2) == 0;
		if (y > A4_H - DOC_MARGIN - (h ? 20 : 8)) {
			cairo_show_page(cr);
			y = DOC_MARGIN;
		}
		if (h && i > 0)
			y += 3;
		y += pdf_text(cr, DOC_MARGIN, y, h ? &head : &body,
		    paras[i] + (h ? 2 : 0), 0) + (h ? 1.5 : 0.8);
	}
	cairo_show_page(cr);
	cairo_destroy(cr);
	return pdf_finish(p, err, errlen);
}
