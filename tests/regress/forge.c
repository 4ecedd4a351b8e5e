/* skkd — SPDX-License-Identifier: ISC */
/*
 * The attacker of tests/regress/forgery.sh: signs any claims with a
 * private key taken from an instance's keys/ directory and prints the QR
 * URL, as someone holding a leaked key would.
 *
 *	forge KEY.pem HOST NUMBER NAME JOB JENJANG IAT EXP
 *
 * IAT and EXP are unix seconds.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyfile.h"
#include "qrpay.h"
#include "sign.h"

int
main(int argc, char *argv[])
{
	struct sign_key		*k;
	struct qr_claims	 cl;
	uint8_t			*cose;
	size_t			 len;
	char			 err[256], url[QRPAY_URL_MAX + 1];

	if (argc != 9) {
		fprintf(stderr, "usage: forge KEY.pem HOST NUMBER NAME JOB "
		    "JENJANG IAT EXP\n");
		return 64;
	}
	if ((k = keyfile_load_private(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "forge: %s\n", err);
		return 66;
	}
	memset(&cl, 0, sizeof(cl));
	snprintf(cl.number, sizeof(cl.number), "%s", argv[3]);
	snprintf(cl.name, sizeof(cl.name), "%s", argv[4]);
	snprintf(cl.job_code, sizeof(cl.job_code), "%s", argv[5]);
	cl.jenjang = (uint8_t)atoi(argv[6]);
	cl.iat = strtoll(argv[7], NULL, 10);
	cl.exp = strtoll(argv[8], NULL, 10);
	if (qrpay_sign(k, &cl, &cose, &len) == -1 ||
	    qrpay_url(argv[2], cose, len, url, sizeof(url)) == -1) {
		fprintf(stderr, "forge: cannot sign\n");
		return 70;
	}
	printf("%s\n", url);
	free(cose);
	sign_key_free(k);
	return 0;
}
