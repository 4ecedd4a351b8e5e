/* skkd — SPDX-License-Identifier: ISC */
/*
 * QR codes: "skk qr" (an image file or the terminal) and "skk verify
 * --qr TEXT | --image FILE.png", a single QR checked offline with the
 * keys file, then by the server when it can be reached.
 */
#ifndef CLIENT_CMD_QR_H
#define CLIENT_CMD_QR_H

#include "args.h"

extern const struct cmd_form	cmd_qr_form;
extern const struct cmd_form	cmd_verify_qr_form;

/*
 * Asks for number's QR image (format "png" or "svg", size pixels a
 * module or 0); 0 and *ap (NUMBER, URL, IMAGE; the caller frees it), or
 * the exit status after a message.
 */
int	cmd_qr_fetch(struct cmd_ctx *, const char *number, const char *format,
	    unsigned size, struct wire_msg **ap);
/* Writes the answer's image to path, mode 0600; 0 or the exit status. */
int	cmd_qr_write(struct cmd_ctx *, const struct wire_msg *a,
	    const char *path);
/*
 * The file of number's image in dir: "DIR/<number, blanks as _>.png" in
 * path. 0, or -1 when it did not fit (path holds what did).
 */
int	cmd_qr_path(char *path, size_t len, const char *dir,
	    const char *number);

#endif
