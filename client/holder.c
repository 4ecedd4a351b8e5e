/* skkd — SPDX-License-Identifier: ISC */
/*
 * The holder's report: see holder.h.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cert.h"
#include "holder.h"
#include "output.h"
#include "session.h"

static int	holder_run(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_opt holder_opts[] = {
	{ "--nik", 0, NULL }, { "--output", 0, "-o" }, { NULL, 0, NULL }
};

const struct cmd_form holder_form = { { NULL }, holder_run, holder_opts,
	0, 0, ARGS_PLAIN };

/* Writes len bytes to path, mode 0600; 0 or the exit status. */
static int
holder_write(struct cmd_ctx *x, const char *path, const uint8_t *b,
    size_t len)
{
	FILE	*f;
	int	 bad;

	if ((f = session_create_private(path)) == NULL)
		return session_fail(x, EX_CANTCREAT, "cannot create '%s': %s",
		    path, strerror(errno));
	bad = fwrite(b, 1, len, f) != len;
	if (fclose(f) == EOF || bad)
		return session_fail(x, EX_IOERR, "cannot write '%s': %s", path,
		    strerror(errno));
	return 0;
}

static int
holder_run(struct cmd_ctx *x, struct cmd_args *a)
{
	const char	*nik = args_get(a, "--nik");
	const char	*out = args_get(a, "--output");
	const uint8_t	*doc, *cose;
	char		 why[CERT_ERR_MAX], sig[PATH_MAX];
	struct wire_msg	*m, *ans = NULL;
	size_t		 doclen, coselen, olen;
	uint64_t	 n = 0;
	int		 rc;

	if (nik == NULL || out == NULL)
		return args_usage_error(x, "--nik and -o FILE.json are "
		    "required");
	olen = strlen(out);
	if (olen < 5 || strcmp(out + olen - 5, ".json") != 0)
		return args_usage_error(x, "-o: '%s': the report is written "
		    "as FILE.json", out);
	if (snprintf(sig, sizeof(sig), "%s.cose", out) >= (int)sizeof(sig))
		return args_usage_error(x, "-o: path too long");
	if (cert_check_nik(nik, why, sizeof(why)) == -1)
		return session_fail(x, EX_DATAERR, "holder-report: %s", why);
	if ((rc = session_begin(x)) != 0)
		return rc;
	if ((m = session_request(x, WIRE_HOLDER_REPORT)) == NULL ||
	    wire_put_str(m, WK_NIK, nik) == -1)
		return session_oom(x, m);
	if ((rc = session_call(x, m, &ans, NULL)) != 0)
		return rc;
	if (wire_get_bytes(ans, WK_REPORT, &doc, &doclen) == -1 ||
	    doclen == 0 || wire_get_bytes(ans, WK_SIGNED, &cose,
	    &coselen) == -1 || coselen == 0 ||
	    wire_get_uint(ans, WK_COUNT, &n) == -1) {
		wire_msg_free(ans);
		return session_fail(x, EX_PROTOCOL, "holder-report: the "
		    "server sent no signed report");
	}
	if ((rc = holder_write(x, out, doc, doclen)) == 0 &&
	    (rc = holder_write(x, sig, cose, coselen)) == 0)
		output_holder(x->o, out, sig, n);
	wire_msg_free(ans);
	return rc != 0 ? rc : session_end(x, 0);
}
