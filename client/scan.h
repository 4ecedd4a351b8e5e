/* skkd — SPDX-License-Identifier: ISC */
/*
 * Reading QR codes from pictures: a PNG (photo of a card, or an image the
 * daemon drew) is read into 8-bit grayscale, then libzbar looks for a QR
 * code in it. The only client module that calls libpng or libzbar.
 */
#ifndef CLIENT_SCAN_H
#define CLIENT_SCAN_H

#include <stddef.h>
#include <stdint.h>

#define SCAN_FILE_MAX	(64u * 1024 * 1024)	/* larger PNGs are refused */
#define SCAN_PIXELS_MAX	(100u * 1000 * 1000)

/* An 8-bit grayscale picture, row by row; 0 black, 255 white. */
struct scan_image {
	unsigned	 width;
	unsigned	 height;
	uint8_t		*pix;
};

/*
 * Reads PNG bytes of any colour type and depth into img (transparency
 * shown on white); name is used in messages. 0, or -1 with
 * "'NAME': not a PNG file" or another reason in err.
 */
int	scan_png_read(const uint8_t *buf, size_t len, const char *name,
	    struct scan_image *img, char *err, size_t errlen);
void	scan_image_release(struct scan_image *);

/*
 * The text of the first QR code in img, NUL-ended in text. 0, or -1 with
 * "'NAME': no QR code found" (or that the text is too long) in err.
 */
int	scan_decode(const struct scan_image *, const char *name, char *text,
	    size_t textlen, char *err, size_t errlen);

/* Both of the above on the PNG file at path. */
int	scan_file(const char *path, char *text, size_t textlen, char *err,
	    size_t errlen);

#endif
