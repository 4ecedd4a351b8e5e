/* skkd — SPDX-License-Identifier: ISC */
/*
 * QR images. libqrencode gives the module grid; PNG rows are packed one
 * bit a pixel and written to memory through png_set_write_fn, so the
 * daemon never touches the file system for an image. SVG draws each
 * horizontal run of dark modules as one rectangle in a single path, which
 * keeps a version 10 code under 20 kB.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#include "qr.h"

/* A growing memory buffer for the PNG writer and the SVG text. */
struct qr_buf {
	uint8_t	*p;
	size_t	 len;
	size_t	 size;
	int	 failed;
};

static void
qr_buf_add(struct qr_buf *b, const void *data, size_t len)
{
	uint8_t	*p;
	size_t	 size;

	if (b->failed)
		return;
	if (b->len + len + 1 > b->size) {
		size = b->size == 0 ? 4096 : b->size;
		while (size < b->len + len + 1)
			size *= 2;
		if ((p = realloc(b->p, size)) == NULL) {
			b->failed = 1;
			return;
		}
		b->p = p;
		b->size = size;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void __attribute__((format(printf, 2, 3)))
qr_buf_printf(struct qr_buf *b, const char *fmt, ...)
{
	char	tmp[128];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		b->failed = 1;
	else
		qr_buf_add(b, tmp, (size_t)n);
}

int
qr_modules(const char *text, uint8_t **dark, int *width)
{
	QRcode	*q;
	size_t	 i, n;

	/* Case-sensitive 8-bit hint: upper-case text comes out alphanumeric. */
	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8,
	    1)) == NULL)
		return -1;
	n = (size_t)q->width * (size_t)q->width;
	if ((*dark = malloc(n)) == NULL) {
		QRcode_free(q);
		return -1;
	}
	for (i = 0; i < n; i++)
		(*dark)[i] = q->data[i] & 1;
	*width = q->width;
	QRcode_free(q);
	return 0;
}

static void
qr_png_write_cb(png_structp png, png_bytep data, png_size_t len)
{
	qr_buf_add(png_get_io_ptr(png), data, len);
}

static void
qr_png_flush_cb(png_structp png)
{
}

/* One packed 1-bit row of the image (quiet zone included); 1 is white. */
static void
qr_png_row(const uint8_t *dark, int width, int y, unsigned module,
    uint8_t *row, size_t rowlen)
{
	int	side = width + 2 * QR_QUIET, mx, my = y / (int)module - QR_QUIET;
	size_t	x, px = (size_t)side * module;

	memset(row, 0xff, rowlen);
	if (my < 0 || my >= width)
		return;
	for (x = 0; x < px; x++) {
		mx = (int)(x / module) - QR_QUIET;
		if (mx >= 0 && mx < width && dark[my * width + mx])
			row[x / 8] &= (uint8_t)~(0x80 >> (x % 8));
	}
}

/* row is scratch space for one packed row; set up before setjmp. */
static int
qr_png_encode(const uint8_t *dark, int width, unsigned module,
    struct qr_buf *b, uint8_t *row)
{
	png_structp	 png;
	png_infop	 info = NULL;
	png_uint_32	 px = (png_uint_32)(width + 2 * QR_QUIET) * module, y;

	if ((png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL,
	    NULL)) == NULL)
		return -1;
	if ((info = png_create_info_struct(png)) == NULL ||
	    setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -1;
	}
	png_set_write_fn(png, b, qr_png_write_cb, qr_png_flush_cb);
	png_set_IHDR(png, info, px, px, 1, PNG_COLOR_TYPE_GRAY,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	    PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < px; y++) {
		qr_png_row(dark, width, (int)y, module, row, (px + 7) / 8);
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return 0;
}

int
qr_render_png(const char *text, unsigned module, uint8_t **out,
    size_t *outlen)
{
	struct qr_buf	 b = { NULL, 0, 0, 0 };
	uint8_t		*dark;
	int		 width, rc;

	uint8_t		*row;

	if (module < QR_MODULE_MIN || module > QR_MODULE_MAX ||
	    qr_modules(text, &dark, &width) == -1)
		return -1;
	row = malloc(((size_t)(width + 2 * QR_QUIET) * module + 7) / 8);
	rc = row == NULL ? -1 : qr_png_encode(dark, width, module, &b, row);
	free(row);
	free(dark);
	if (rc == -1 || b.failed) {
		free(b.p);
		return -1;
	}
	*out = b.p;
	*outlen = b.len;
	return 0;
}

int
qr_render_svg(const char *text, char **out, size_t *outlen)
{
	struct qr_buf	 b = { NULL, 0, 0, 0 };
	uint8_t		*dark;
	int		 width, side, x, y, run;

	if (qr_modules(text, &dark, &width) == -1)
		return -1;
	side = width + 2 * QR_QUIET;
	qr_buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	    "shape-rendering=\"crispEdges\">\n", side, side, side * 8,
	    side * 8);
	qr_buf_printf(&b, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n"
	    "<path fill=\"#000\" d=\"", side, side);
	for (y = 0; y < width; y++) {
		for (x = 0; x < width; x += run) {
			for (run = 0; x + run < width &&
			    dark[y * width + x + run]; run++)
				;
			if (run == 0) {
				run = 1;
				continue;
			}
			qr_buf_printf(&b, "M%d %dh%dv1h-%dz", x + QR_QUIET,
			    y + QR_QUIET, run, run);
		}
	}
	qr_buf_printf(&b, "\"/>\n</svg>\n");
	free(dark);
	if (b.failed) {
		free(b.p);
		return -1;
	}
	*out = (char *)b.p;
	*outlen = b.len;
	return 0;
}
