/* skkd — SPDX-License-Identifier: ISC */
/*
 * Corrections (UU 27/2022 Art. 30): "skk correct" issues the corrected
 * certificate that replaces one with a misspelt name or job title,
 * "skk correct --request" records that the holder asked, and "skk
 * corrections" lists the requests with their age against the 3x24-hour
 * limit. The corrected fields travel as a record holding only them.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "cert.h"
#include "correct.h"
#include "record.h"

static int	correct_fix(struct cmd_ctx *, struct cmd_args *);
static int	correct_ask(struct cmd_ctx *, struct cmd_args *);
static int	correct_list(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_opt correct_opts[] = {
	{ "--name", 0, NULL }, { "--job-title", 0, NULL },
	{ "--job-title-en", 0, NULL }, { "--reason", 0, NULL },
	{ "--request-date", 0, NULL }, { NULL, 0, NULL }
};
static const struct cmd_opt correct_ask_opts[] = {
	{ "--request", 1, NULL }, { "--reason", 0, NULL },
	{ "--request-date", 0, NULL }, { NULL, 0, NULL }
};

const struct cmd_form correct_form = { { NULL }, correct_fix, correct_opts,
	1, 1, ARGS_PLAIN };
const struct cmd_form correct_ask_form = { { "--request" }, correct_ask,
	correct_ask_opts, 1, 1, ARGS_PLAIN };
const struct cmd_form corrections_form = { { NULL }, correct_list, NULL,
	0, 0, ARGS_PLAIN };

/*
 * What both forms share: NUMBER, a --reason, and --request-date as unix
 * seconds into *requested (0 when not given). 0, or the exit status.
 */
static int
correct_common(struct cmd_ctx *x, struct cmd_args *a, char *number,
    size_t numlen, int64_t *requested)
{
	const char	*reason = args_get(a, "--reason");
	const char	*date = args_get(a, "--request-date");
	char		 why[CERT_ERR_MAX];
	int		 rc;

	if ((rc = args_number(x, a->pos[0], number, numlen)) != 0)
		return rc;
	if (reason == NULL)
		return args_usage_error(x, "--reason is required");
	if (reason[0] == '\0' || cert_check_text("reason", reason,
	    CERT_TEXT_MAX, why, sizeof why) == -1)
		return session_fail(x, EX_DATAERR, "correct: %s",
		    reason[0] == '\0' ? "reason: empty" : why);
	*requested = 0;
	if (date == NULL)
		return 0;
	if (time_parse(date, requested) == -1)
		return session_fail(x, EX_DATAERR, "correct: request-date: "
		    "'%s' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (UTC)",
		    date);
	if (*requested > (int64_t)time(NULL) || *requested == 0)
		return session_fail(x, EX_DATAERR, "correct: request-date: "
		    "'%s' is in the future", date);
	return 0;
}

/* A corrected text field, if given: 1-max bytes of text. */
static int
correct_text(const char *field, const char *v, size_t max, char *why,
    size_t whylen)
{
	if (v == NULL)
		return 0;
	if (v[0] == '\0') {
		snprintf(why, whylen, "%s: empty", field);
		return -1;
	}
	return cert_check_text(field, v, max, why, whylen);
}

/* The corrected fields as a record; -1 with "field: reason" in why. */
static int
correct_fill(const struct cmd_args *a, struct cert *c, char *why,
    size_t whylen)
{
	const char	*name = args_get(a, "--name");
	const char	*title = args_get(a, "--job-title");
	const char	*title_en = args_get(a, "--job-title-en");

	if (name == NULL && title == NULL && title_en == NULL) {
		snprintf(why, whylen, "nothing to correct: give --name, "
		    "--job-title or --job-title-en");
		return -1;
	}
	if ((name != NULL && cert_check_name(name, why, whylen) == -1) ||
	    correct_text("job_title", title, CERT_TEXT_MAX, why,
	    whylen) == -1 ||
	    correct_text("job_title_en", title_en, CERT_TEXT_MAX, why,
	    whylen) == -1)
		return -1;
	snprintf(c->name, sizeof c->name, "%s", name ? name : "");
	snprintf(c->job_title_id, sizeof c->job_title_id, "%s",
	    title ? title : "");
	snprintf(c->job_title_en, sizeof c->job_title_en, "%s",
	    title_en ? title_en : "");
	return 0;
}

static int
correct_send(struct cmd_ctx *x, const char *number, const char *reason,
    int64_t requested, const struct cert *c)
{
	struct wire_msg	*m;
	uint8_t		*rec = NULL;
	size_t		 len;
	int		 rc, built;

	if ((rc = session_begin(x)) != 0)
		return rc;
	m = session_request(x, WIRE_CORRECT);
	built = m != NULL && record_encode(c, &rec, &len) == 0 &&
	    wire_put_str(m, WK_NUMBER, number) == 0 &&
	    wire_put_bytes(m, WK_RECORD, rec, len) == 0 &&
	    wire_put_str(m, WK_REASON, reason) == 0 &&
	    (requested == 0 || wire_put_int(m, WK_REQUESTED, requested) == 0);
	free(rec);
	return session_print(x, m, built, number, output_correct);
}

static int
correct_fix(struct cmd_ctx *x, struct cmd_args *a)
{
	struct cert	*c;
	char		 number[64], why[CERT_ERR_MAX + 64];
	int64_t		 requested;
	int		 rc;

	if ((rc = correct_common(x, a, number, sizeof number,
	    &requested)) != 0)
		return rc;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return session_fail(x, EX_OSERR, "out of memory");
	if (correct_fill(a, c, why, sizeof why) == -1)
		rc = session_fail(x, EX_DATAERR, "correct: %s", why);
	else
		rc = correct_send(x, number, args_get(a, "--reason"),
		    requested, c);
	free(c);
	return rc;
}

static int
correct_ask(struct cmd_ctx *x, struct cmd_args *a)
{
	struct wire_msg	*m;
	char		 number[64];
	int64_t		 requested;
	int		 rc;

	if ((rc = correct_common(x, a, number, sizeof number,
	    &requested)) != 0)
		return rc;
	if ((rc = session_begin(x)) != 0)
		return rc;
	m = session_request(x, WIRE_CORRECT_REQUEST);
	return session_print(x, m, m != NULL &&
	    wire_put_str(m, WK_NUMBER, number) == 0 &&
	    wire_put_str(m, WK_REASON, args_get(a, "--reason")) == 0 &&
	    (requested == 0 || wire_put_int(m, WK_REQUESTED,
	    requested) == 0), number, output_correct_request);
}

static void
correct_print_list(struct output *o, const struct wire_msg *a)
{
	output_corrections(o, a, (int64_t)time(NULL));
}

static int
correct_list(struct cmd_ctx *x, struct cmd_args *a)
{
	int	rc;

	if ((rc = session_begin(x)) != 0)
		return rc;
	return session_print(x, session_request(x, WIRE_CORRECTIONS), 1,
	    NULL, correct_print_list);
}
