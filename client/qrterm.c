/* skkd — SPDX-License-Identifier: ISC */
/*
 * "skk qr NUMBER --terminal": the server's PNG decoded with scan.c and
 * drawn as text.
 */

#include <stdio.h>

#include "qrterm.h"
#include "scan.h"

/*
 * Half blocks, two rows of modules a line. Light modules are drawn, as
 * qrencode -t UTF8 does: terminals are mostly light text on dark.
 */
static void
qrterm_rows(FILE *out, const struct scan_image *img)
{
	static const char *const cells[4] = { " ", "\u2584", "\u2580",
					      "\u2588" };
	unsigned	 x, y;
	int		 top, bottom;

	for (y = 0; y < img->height; y += 2) {
		for (x = 0; x < img->width; x++) {
			top = img->pix[y * img->width + x] >= 128;
			bottom = y + 1 < img->height &&
			    img->pix[(y + 1) * img->width + x] >= 128;
			fputs(cells[top * 2 + bottom], out);
		}
		fputc('\n', out);
	}
}

int
qrterm_draw(FILE *out, const uint8_t *png, size_t len)
{
	struct scan_image	img;
	char			why[256];

	if (scan_png_read(png, len, "image", &img, why, sizeof why) == -1)
		return -1;
	qrterm_rows(out, &img);
	scan_image_release(&img);
	return 0;
}
