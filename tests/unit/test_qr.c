/* skkd — SPDX-License-Identifier: ISC */
/*
 * QR images and scanning: every PNG the daemon draws decodes back (with
 * the client's scanner, i.e. libzbar) to exactly the URL it was drawn
 * from; the SVG path draws exactly libqrencode's modules; the quiet zone
 * is white; a real certificate URL fits a small version; and the scanner
 * tells a non-PNG from a PNG without a code. Colour and palette PNGs
 * (what phones and editors save) scan too.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <png.h>

#include "qr.h"
#include "qrpay.h"
#include "scan.h"

#define NAME40	"Raden Ajeng Kartini Sosroningrat Jepara."

/* A real URL: a certificate with a 40-character name, freshly signed. */
static void
make_url(char *url, size_t len)
{
	struct sign_key		*k;
	struct qr_claims	 c;
	uint8_t			*cose;
	size_t			 n;

	assert_int_equal(strlen(NAME40), 40);
	memset(&c, 0, sizeof(c));
	c.iat = 1767225600;
	c.exp = c.iat + 5 * 365 * 86400;
	snprintf(c.number, sizeof(c.number), "42101 8342 3 00000017 2026");
	snprintf(c.name, sizeof(c.name), "%s", NAME40);
	snprintf(c.job_code, sizeof(c.job_code), "ME063096");
	c.jenjang = 3;
	assert_non_null(k = sign_key_generate());
	assert_int_equal(qrpay_sign(k, &c, &cose, &n), 0);
	assert_int_equal(qrpay_url("skk.example.go.id:8443", cose, n, url,
	    len), 0);
	free(cose);
	sign_key_free(k);
}

static void
scan_png(const uint8_t *png, size_t len, char *text, size_t textlen)
{
	struct scan_image	img;
	char			err[256];

	if (scan_png_read(png, len, "t.png", &img, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	if (scan_decode(&img, "t.png", text, textlen, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	scan_image_release(&img);
}

static void
test_png_round_trip(void **state)
{
	static const unsigned	 sizes[] = { 3, 4, 8, 12 };
	struct scan_image	 img;
	char			 url[QRPAY_URL_MAX], text[QRPAY_URL_MAX], err[256];
	uint8_t			*png, *dark;
	size_t			 len, i;
	unsigned		 x, y, side;
	int			 width;

	make_url(url, sizeof(url));
	assert_int_equal(qr_modules(url, &dark, &width), 0);
	free(dark);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(qr_render_png(url, sizes[i], &png, &len), 0);
		scan_png(png, len, text, sizeof(text));
		assert_string_equal(text, url);
		/* The size asked for, and a white quiet zone of 4 modules. */
		assert_int_equal(scan_png_read(png, len, "t.png", &img, err,
		    sizeof(err)), 0);
		side = (unsigned)(width + 2 * QR_QUIET) * sizes[i];
		assert_int_equal(img.width, side);
		assert_int_equal(img.height, side);
		for (y = 0; y < side; y++)
			for (x = 0; x < side; x++)
				if (x < QR_QUIET * sizes[i] ||
				    y < QR_QUIET * sizes[i] ||
				    x >= side - QR_QUIET * sizes[i] ||
				    y >= side - QR_QUIET * sizes[i])
					assert_int_equal(img.pix[y * side + x],
					    255);
		/* The finder pattern's corner is dark. */
		assert_int_equal(img.pix[QR_QUIET * sizes[i] * (side + 1)], 0);
		scan_image_release(&img);
		free(png);
	}
	assert_int_equal(qr_render_png(url, 0, &png, &len), -1);
	assert_int_equal(qr_render_png(url, 41, &png, &len), -1);
}

static void
test_version(void **state)
{
	char	 url[QRPAY_URL_MAX];
	uint8_t	*dark;
	int	 width;

	make_url(url, sizeof(url));
	assert_int_equal(qr_modules(url, &dark, &width), 0);
	print_message("# %zu-character URL: version %d\n", strlen(url),
	    (width - 17) / 4);
	assert_true((width - 17) / 4 <= 12);
	free(dark);
}

/* Redraws the SVG's path "Mx yhWv1h-Wz..." into a grid. */
static void
svg_grid(const char *svg, uint8_t *grid, int side)
{
	const char	*d;
	int		 x, y, w, w2, n, i;

	assert_non_null(d = strstr(svg, " d=\""));
	for (d += 4; *d == 'M'; d += n) {
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &w,
		    &w2, &n), 4);
		assert_int_equal(w, w2);
		assert_true(x >= 0 && y >= 0 && x + w <= side && y < side);
		for (i = 0; i < w; i++)
			grid[y * side + x + i] = 1;
	}
	assert_int_equal(*d, '"');
}

static void
test_svg(void **state)
{
	char	 url[QRPAY_URL_MAX], *svg, box[64];
	uint8_t	*dark, *grid;
	size_t	 len;
	int	 width, side, x, y, want;

	make_url(url, sizeof(url));
	assert_int_equal(qr_modules(url, &dark, &width), 0);
	assert_int_equal(qr_render_svg(url, &svg, &len), 0);
	assert_int_equal(strlen(svg), len);
	assert_int_equal(strncmp(svg, "<svg ", 5), 0);
	side = width + 2 * QR_QUIET;
	snprintf(box, sizeof(box), "viewBox=\"0 0 %d %d\"", side, side);
	assert_non_null(strstr(svg, box));
	assert_non_null(strstr(svg, "shape-rendering=\"crispEdges\""));
	assert_non_null(strstr(svg, "<path"));
	assert_null(strstr(strstr(svg, "<path") + 1, "<path"));
	assert_non_null(strstr(svg, "</svg>\n"));
	assert_non_null(grid = calloc((size_t)side * side, 1));
	svg_grid(svg, grid, side);
	for (y = 0; y < side; y++)
		for (x = 0; x < side; x++) {
			want = x >= QR_QUIET && y >= QR_QUIET &&
			    x < side - QR_QUIET && y < side - QR_QUIET &&
			    dark[(y - QR_QUIET) * width + x - QR_QUIET];
			assert_int_equal(grid[y * side + x], want);
		}
	free(grid);
	free(svg);
	free(dark);
}

/* The QR as an image in another PNG format, 5 pixels a module. */
static uint8_t *
png_other(const char *url, png_uint_32 format, size_t *len)
{
	png_image	 im;
	uint8_t		*dark, *pix, *out, cmap[2] = { 20, 230 };
	int		 width, side, x, y, c, ch;
	png_alloc_size_t n = 0;

	assert_int_equal(qr_modules(url, &dark, &width), 0);
	side = (width + 8) * 5;
	memset(&im, 0, sizeof(im));
	im.version = PNG_IMAGE_VERSION;
	im.width = (png_uint_32)side;
	im.height = (png_uint_32)side;
	im.format = format;
	ch = (int)PNG_IMAGE_PIXEL_CHANNELS(format);
	im.colormap_entries = 2;
	assert_non_null(pix = malloc(PNG_IMAGE_SIZE(im)));
	for (y = 0; y < side; y++)
		for (x = 0; x < side; x++) {
			int mx = x / 5 - 4, my = y / 5 - 4;
			int d = mx >= 0 && my >= 0 && mx < width &&
			    my < width && dark[my * width + mx];

			/* A colour-mapped image holds indices into cmap. */
			for (c = 0; c < ch; c++)
				pix[(y * side + x) * ch + c] = (format &
				    PNG_FORMAT_FLAG_COLORMAP) ? !d : d ? 20 : 230;
			if (format & PNG_FORMAT_FLAG_ALPHA)
				pix[(y * side + x) * ch + ch - 1] = 255;
		}
	assert_true(png_image_write_get_memory_size(im, n, 0, pix, 0, cmap));
	assert_non_null(out = malloc(n));
	assert_true(png_image_write_to_memory(&im, out, &n, 0, pix, 0, cmap));
	*len = n;
	free(pix);
	free(dark);
	return out;
}

static void
test_scan_formats(void **state)
{
	static const png_uint_32 formats[] = {
		PNG_FORMAT_RGB, PNG_FORMAT_RGBA, PNG_FORMAT_GRAY,
		PNG_FORMAT_LINEAR_Y, PNG_FORMAT_LINEAR_RGB_ALPHA,
		PNG_FORMAT_GRAY | PNG_FORMAT_FLAG_COLORMAP,
	};
	char	 url[QRPAY_URL_MAX], text[QRPAY_URL_MAX];
	uint8_t	*png;
	size_t	 len, i;

	make_url(url, sizeof(url));
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		png = png_other(url, formats[i], &len);
		scan_png(png, len, text, sizeof(text));
		assert_string_equal(text, url);
		free(png);
	}
}

static void
test_scan_errors(void **state)
{
	struct scan_image	 img;
	png_image		 im;
	uint8_t			 pix[64 * 64], *png;
	png_alloc_size_t	 n = 0;
	char			 err[256], text[64], path[] = "/tmp/skkqrXXXXXX";
	FILE			*f;
	int			 fd;

	assert_int_equal(scan_png_read((const uint8_t *)"GIF89a....", 10,
	    "x.gif", &img, err, sizeof(err)), -1);
	assert_string_equal(err, "'x.gif': not a PNG file");
	/* A white picture is a PNG without a code. */
	memset(pix, 255, sizeof(pix));
	memset(&im, 0, sizeof(im));
	im.version = PNG_IMAGE_VERSION;
	im.width = im.height = 64;
	im.format = PNG_FORMAT_GRAY;
	assert_true(png_image_write_get_memory_size(im, n, 0, pix, 0, NULL));
	assert_non_null(png = malloc(n));
	assert_true(png_image_write_to_memory(&im, png, &n, 0, pix, 0, NULL));
	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "wb"));
	assert_int_equal(fwrite(png, 1, n, f), n);
	fclose(f);
	assert_int_equal(scan_file(path, text, sizeof(text), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "': no QR code found"));
	/* A truncated PNG is refused, not read past its end. */
	assert_int_equal(scan_png_read(png, n / 2, "half.png", &img, err,
	    sizeof(err)), -1);
	assert_int_equal(strncmp(err, "'half.png': ", 12), 0);
	remove(path);
	free(png);
	assert_int_equal(scan_file("/nonexistent/x.png", text, sizeof(text),
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open '/nonexistent/x.png'"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png_round_trip),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_scan_formats),
		cmocka_unit_test(test_scan_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
