/* skkd — SPDX-License-Identifier: ISC */
/*
 * A PAdES baseline signature on a finished PDF (ETSI EN 319 142-1,
 * SubFilter ETSI.CAdES.detached): an incremental update appends a
 * signature field, its signature dictionary and a CMS SignedData (with
 * the signing-certificate-v2 attribute) over every byte of the file but
 * the signature itself. The PDF's last cross-reference section must be
 * a classic table (cairo writes one). The only client module that
 * calls OpenSSL's CMS.
 */
#ifndef CLIENT_PADES_H
#define CLIENT_PADES_H

#include <stddef.h>

#define PADES_SIG_MAX	16384	/* bytes reserved for the CMS */

/*
 * Signs the PDF at path in place with the PEM certificate (the signer
 * first; more certificates after it are sent as its chain) and the PEM
 * private key. 0, or -1 with a reason in err (the file may then hold
 * an unfinished update: the caller throws it away).
 */
int	pades_sign(const char *path, const char *cert, const char *key,
	    char *err, size_t errlen);

#endif
