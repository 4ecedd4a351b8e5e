/* skkd — SPDX-License-Identifier: ISC */
/*
 * PNG to grayscale through libpng's transforms (palette, 16-bit, colour
 * and alpha are all reduced to one 8-bit channel), then one pass of
 * zbar's image scanner with only the QR symbology enabled: a photo of a
 * card often shows other barcodes we must not mistake for the QR.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <zbar.h>

#include "scan.h"

/* Where libpng reads from: the bytes in memory. */
struct scan_src {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
};

static void
scan_read_cb(png_structp png, png_bytep out, png_size_t len)
{
	struct scan_src	*s = png_get_io_ptr(png);

	if (len > s->len - s->off)
		png_error(png, "truncated");
	memcpy(out, s->p + s->off, len);
	s->off += len;
}

/* libpng's messages would go to stderr: keep the error, drop warnings. */
static void
scan_png_error_cb(png_structp png, png_const_charp msg)
{
	png_longjmp(png, 1);
}

static void
scan_png_warning_cb(png_structp png, png_const_charp msg)
{
}

/*
 * Every colour type and depth becomes 8-bit gray plus alpha; alpha is
 * flattened onto white afterwards (libpng cannot combine its own
 * background compositing with the gray conversion).
 */
static void
scan_png_transforms(png_structp png, png_infop info)
{
	int	type = png_get_color_type(png, info);

	if (type == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(png);
	if (type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8)
		png_set_expand_gray_1_2_4_to_8(png);
	if (png_get_valid(png, info, PNG_INFO_tRNS))
		png_set_tRNS_to_alpha(png);
	else if (!(type & PNG_COLOR_MASK_ALPHA))
		png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
	png_set_strip_16(png);
	if (type & PNG_COLOR_MASK_COLOR)
		png_set_rgb_to_gray_fixed(png, 1, -1, -1);
	png_set_interlace_handling(png);
	png_read_update_info(png, info);
}

/* Gray+alpha pairs to gray on white, in place. */
static void
scan_flatten(struct scan_image *img, const uint8_t *ga)
{
	size_t	i, n = (size_t)img->width * img->height;
	unsigned g, a;

	for (i = 0; i < n; i++) {
		g = ga[2 * i];
		a = ga[2 * i + 1];
		img->pix[i] = (uint8_t)((g * a + 255 * (255 - a)) / 255);
	}
}

/*
 * rows is one allocation: the row pointers, then the gray+alpha pixels.
 * Called after setjmp: img->pix is freed by the caller on error.
 */
static int
scan_png_rows(png_structp png, png_infop info, struct scan_image *img,
    png_bytep *rows)
{
	unsigned	y;

	for (y = 0; y < img->height; y++)
		rows[y] = (png_bytep)rows + (size_t)img->height *
		    sizeof(*rows) + (size_t)y * img->width * 2;
	png_read_image(png, rows);
	png_read_end(png, NULL);
	scan_flatten(img, rows[0]);
	return 0;
}

static int
scan_png_decode(png_structp png, png_infop info, struct scan_image *img,
    png_bytep **rows, char *why, size_t whylen)
{
	png_read_info(png, info);
	img->width = png_get_image_width(png, info);
	img->height = png_get_image_height(png, info);
	if (img->width == 0 || img->height == 0 ||
	    (uint64_t)img->width * img->height > SCAN_PIXELS_MAX) {
		snprintf(why, whylen, "image too large");
		return -1;
	}
	scan_png_transforms(png, info);
	if (png_get_rowbytes(png, info) != (size_t)img->width * 2) {
		snprintf(why, whylen, "unsupported pixel format");
		return -1;
	}
	if ((img->pix = malloc((size_t)img->width * img->height)) == NULL ||
	    (*rows = malloc((size_t)img->height * (sizeof(**rows) +
	    (size_t)img->width * 2))) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	return scan_png_rows(png, info, img, *rows);
}

int
scan_png_read(const uint8_t *buf, size_t len, const char *name,
    struct scan_image *img, char *err, size_t errlen)
{
	struct scan_src	 src = { buf, len, 0 };
	png_structp	 png;
	png_infop	 info = NULL;
	struct {		/* in memory, so longjmp cannot clobber it */
		png_bytep	*rows;
		int		 rc;
	}		 st = { NULL, -1 };
	char		 why[64] = "corrupt PNG data";

	memset(img, 0, sizeof(*img));
	if (len < 8 || png_sig_cmp(buf, 0, 8) != 0) {
		snprintf(err, errlen, "'%s': not a PNG file", name);
		return -1;
	}
	if ((png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL,
	    scan_png_error_cb, scan_png_warning_cb)) == NULL ||
	    (info = png_create_info_struct(png)) == NULL) {
		png_destroy_read_struct(&png, NULL, NULL);
		snprintf(err, errlen, "'%s': out of memory", name);
		return -1;
	}
	png_set_read_fn(png, &src, scan_read_cb);
	if (setjmp(png_jmpbuf(png)) == 0)
		st.rc = scan_png_decode(png, info, img, &st.rows, why,
		    sizeof(why));
	png_destroy_read_struct(&png, &info, NULL);
	free(st.rows);
	if (st.rc == -1) {
		scan_image_release(img);
		snprintf(err, errlen, "'%s': %s", name, why);
	}
	return st.rc;
}

void
scan_image_release(struct scan_image *img)
{
	free(img->pix);
	memset(img, 0, sizeof(*img));
}

int
scan_decode(const struct scan_image *img, const char *name, char *text,
    size_t textlen, char *err, size_t errlen)
{
	zbar_image_scanner_t	*sc;
	zbar_image_t		*zi;
	const zbar_symbol_t	*sym = NULL;
	unsigned		 n = 0;
	int			 rc = -1;

	if ((sc = zbar_image_scanner_create()) == NULL ||
	    (zi = zbar_image_create()) == NULL) {
		zbar_image_scanner_destroy(sc);
		snprintf(err, errlen, "'%s': out of memory", name);
		return -1;
	}
	zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(zi, img->width, img->height);
	zbar_image_set_data(zi, img->pix, (unsigned long)img->width *
	    img->height, NULL);
	if (zbar_scan_image(sc, zi) > 0)
		sym = zbar_image_first_symbol(zi);
	if (sym != NULL)
		n = zbar_symbol_get_data_length(sym);
	if (sym == NULL || n == 0)
		snprintf(err, errlen, "'%s': no QR code found", name);
	else if (n >= textlen || memchr(zbar_symbol_get_data(sym), '\0', n))
		snprintf(err, errlen, "'%s': the QR code's text is not a "
		    "certificate's", name);
	else {
		memcpy(text, zbar_symbol_get_data(sym), n);
		text[n] = '\0';
		rc = 0;
	}
	zbar_image_destroy(zi);
	zbar_image_scanner_destroy(sc);
	return rc;
}

/* The whole file into memory, refusing anything over SCAN_FILE_MAX. */
static int
scan_slurp(const char *path, uint8_t **buf, size_t *len, char *err,
    size_t errlen)
{
	FILE	*f;
	size_t	 size = 0, n;
	uint8_t	*p = NULL, *q;

	*len = 0;
	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	do {
		if (*len == size) {
			size = size == 0 ? 65536 : size * 2;
			if (size > SCAN_FILE_MAX * 2 ||
			    (q = realloc(p, size)) == NULL)
				break;
			p = q;
		}
		n = fread(p + *len, 1, size - *len, f);
		*len += n;
	} while (n > 0 && *len <= SCAN_FILE_MAX);
	if (ferror(f) || !feof(f) || *len > SCAN_FILE_MAX) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
		    ferror(f) ? strerror(errno) : "file too large");
		fclose(f);
		free(p);
		return -1;
	}
	fclose(f);
	*buf = p;
	return 0;
}

int
scan_file(const char *path, char *text, size_t textlen, char *err,
    size_t errlen)
{
	struct scan_image	 img;
	uint8_t			*buf = NULL;
	size_t			 len;
	int			 rc;

	if (scan_slurp(path, &buf, &len, err, errlen) == -1)
		return -1;
	rc = scan_png_read(buf, len, path, &img, err, errlen);
	free(buf);
	if (rc == 0) {
		rc = scan_decode(&img, path, text, textlen, err, errlen);
		scan_image_release(&img);
	}
	return rc;
}
