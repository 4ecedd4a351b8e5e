/* skkd — SPDX-License-Identifier: ISC */
/*
 * trustcli.sh's registry with a wrong clock: re-signs a trust list with
 * other dates, so the test can hand skk a list that has expired or is
 * not valid yet, signed by the right key.
 *
 *	redate KEY.pem IN OUT IAT EXP
 *
 * IAT and EXP are unix seconds.
 */

#include <stdio.h>
#include <stdlib.h>

#include "keyfile.h"
#include "sign.h"
#include "trustlist.h"

int
main(int argc, char *argv[])
{
	struct sign_key		*k;
	struct trustlist	 tl;
	static uint8_t		 in[TL_SIZE_MAX];
	uint8_t			*out;
	size_t			 len, outlen;
	char			 err[512];
	FILE			*f;

	if (argc != 6) {
		fprintf(stderr, "usage: redate KEY.pem IN OUT IAT EXP\n");
		return 64;
	}
	if ((k = keyfile_load_private(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "redate: %s\n", err);
		return 66;
	}
	if ((f = fopen(argv[2], "r")) == NULL)
		return 66;
	len = fread(in, 1, sizeof(in), f);
	fclose(f);
	if (trustlist_open(in, len, NULL, 0, &tl, err, sizeof(err)) != 0) {
		fprintf(stderr, "redate: %s\n", err);
		return 65;
	}
	tl.iat = strtoll(argv[4], NULL, 10);
	tl.exp = strtoll(argv[5], NULL, 10);
	if (trustlist_make(k, &tl, &out, &outlen, err, sizeof(err)) != 0) {
		fprintf(stderr, "redate: %s\n", err);
		return 65;
	}
	if ((f = fopen(argv[3], "w")) == NULL ||
	    fwrite(out, 1, outlen, f) != outlen || fclose(f) != 0)
		return 73;
	free(out);
	trustlist_release(&tl);
	sign_key_free(k);
	return 0;
}
