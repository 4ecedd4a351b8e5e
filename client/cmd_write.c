/* skkd — SPDX-License-Identifier: ISC */
/*
 * issue, renew and the status changes. Options are checked with the same
 * "field: reason" texts as the daemon (proto/cert.c), so a typing
 * mistake costs no connection; then one request, one answer printed.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cert.h"
#include "cmd_qr.h"
#include "cmd_write.h"
#include "record.h"

/* Options shared by issue and renew, as given. */
struct cmd_fields {
	const char	*name, *nik, *job, *level, *title, *title_en;
	const char	*event, *organiser, *lpjk, *number, *issued, *expires;
	const char	*idem, *reason, *qr_out;
};

static int	cmd_issue(struct cmd_ctx *, struct cmd_args *);
static int	cmd_renew(struct cmd_ctx *, struct cmd_args *);
static int	cmd_suspend(struct cmd_ctx *, struct cmd_args *);
static int	cmd_revoke(struct cmd_ctx *, struct cmd_args *);
static int	cmd_reinstate(struct cmd_ctx *, struct cmd_args *);
static int	cmd_record_lpjk(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_opt cmd_issue_opts[] = {
	{ "--name", 0, NULL }, { "--nik", 0, NULL }, { "--job", 0, NULL },
	{ "--level", 0, NULL }, { "--job-title", 0, NULL },
	{ "--job-title-en", 0, NULL }, { "--event", 0, NULL },
	{ "--organiser", 0, NULL }, { "--lpjk", 0, NULL },
	{ "--number", 0, NULL }, { "--issued", 0, NULL },
	{ "--expires", 0, NULL }, { "--idem", 0, NULL },
	{ "--qr-out", 0, NULL }, { NULL, 0, NULL }
};
static const struct cmd_opt cmd_renew_opts[] = {
	{ "--issued", 0, NULL }, { "--expires", 0, NULL },
	{ "--event", 0, NULL }, { "--organiser", 0, NULL },
	{ "--job", 0, NULL }, { "--level", 0, NULL },
	{ "--reason", 0, NULL }, { NULL, 0, NULL }
};
static const struct cmd_opt cmd_reason_opts[] = {
	{ "--reason", 0, NULL }, { NULL, 0, NULL }
};

const struct cmd_form cmd_issue_form = { { NULL }, cmd_issue,
	cmd_issue_opts, 0, 0, ARGS_PLAIN };
const struct cmd_form cmd_renew_form = { { NULL }, cmd_renew,
	cmd_renew_opts, 1, 1, ARGS_PLAIN };
const struct cmd_form cmd_suspend_form = { { NULL }, cmd_suspend,
	cmd_reason_opts, 1, 1, ARGS_PLAIN };
const struct cmd_form cmd_revoke_form = { { NULL }, cmd_revoke,
	cmd_reason_opts, 1, 1, ARGS_PLAIN };
const struct cmd_form cmd_reinstate_form = { { NULL }, cmd_reinstate,
	cmd_reason_opts, 1, 1, ARGS_PLAIN };
const struct cmd_form cmd_record_lpjk_form = { { NULL }, cmd_record_lpjk,
	NULL, 2, 2, ARGS_PLAIN };

/* --- checking the fields ---------------------------------------------- */

static void
cmd_fields_get(const struct cmd_args *a, struct cmd_fields *f)
{
	f->name = args_get(a, "--name");
	f->nik = args_get(a, "--nik");
	f->job = args_get(a, "--job");
	f->level = args_get(a, "--level");
	f->title = args_get(a, "--job-title");
	f->title_en = args_get(a, "--job-title-en");
	f->event = args_get(a, "--event");
	f->organiser = args_get(a, "--organiser");
	f->lpjk = args_get(a, "--lpjk");
	f->number = args_get(a, "--number");
	f->issued = args_get(a, "--issued");
	f->expires = args_get(a, "--expires");
	f->idem = args_get(a, "--idem");
	f->reason = args_get(a, "--reason");
	f->qr_out = args_get(a, "--qr-out");
}

static int
cmd_copy_text(char *dst, size_t dstlen, const char *field, const char *v,
    size_t max, char *why, size_t whylen)
{
	if (v == NULL)
		return 0;
	if (cert_check_text(field, v, max, why, whylen) == -1)
		return -1;
	snprintf(dst, dstlen, "%s", v);
	return 0;
}

static int
cmd_date(const char *field, const char *v, int32_t *days, char *why,
    size_t whylen)
{
	if (v == NULL)
		return 0;
	if (date_parse(v, days) == -1) {
		snprintf(why, whylen, "%s: '%s' is not a date (YYYY-MM-DD)",
		    field, v);
		return -1;
	}
	return 0;
}

static int
cmd_level(const char *v, uint8_t *out, char *why, size_t whylen)
{
	if (v == NULL)
		return 0;
	if (strlen(v) != 1 || v[0] < '1' || v[0] > '9') {
		snprintf(why, whylen, "level: '%s' is not a jenjang from 1 to 9",
		    v);
		return -1;
	}
	*out = (uint8_t)(v[0] - '0');
	return 0;
}

/*
 * Fills c from the options given, checking each the way the daemon will.
 * 0, or -1 with "field: reason" in why.
 */
static int
cmd_fill_cert(const struct cmd_fields *f, struct cert *c, char *why,
    size_t whylen)
{
	char	number[64];

	if ((f->name != NULL && cert_check_name(f->name, why, whylen) == -1) ||
	    (f->nik != NULL && cert_check_nik(f->nik, why, whylen) == -1) ||
	    (f->job != NULL && cert_check_job_code(f->job, why, whylen) == -1) ||
	    cmd_level(f->level, &c->jenjang, why, whylen) == -1 ||
	    cmd_copy_text(c->job_title_id, sizeof c->job_title_id, "job_title",
	    f->title, CERT_TEXT_MAX, why, whylen) == -1 ||
	    cmd_copy_text(c->job_title_en, sizeof c->job_title_en,
	    "job_title_en", f->title_en, CERT_TEXT_MAX, why, whylen) == -1 ||
	    cmd_copy_text(c->event, sizeof c->event, "event", f->event,
	    CERT_TEXT_MAX, why, whylen) == -1 ||
	    cmd_copy_text(c->organiser, sizeof c->organiser, "organiser",
	    f->organiser, CERT_TEXT_MAX, why, whylen) == -1 ||
	    cmd_copy_text(c->lpjk_regno, sizeof c->lpjk_regno, "lpjk",
	    f->lpjk, CERT_SHORT_MAX, why, whylen) == -1 ||
	    cmd_date("issued", f->issued, &c->issued, why, whylen) == -1 ||
	    cmd_date("expires", f->expires, &c->expires, why, whylen) == -1)
		return -1;
	if (c->issued != 0 && c->expires != 0 && c->expires < c->issued) {
		snprintf(why, whylen, "expires: before the issue date");
		return -1;
	}
	if (f->number != NULL) {
		cert_normalize_number(f->number, number, sizeof number);
		if (cert_check_number(number, why, whylen) == -1)
			return -1;
		snprintf(c->number, sizeof c->number, "%.*s",
		    CERT_NUMBER_LEN, number);
	}
	if (f->name != NULL)
		snprintf(c->name, sizeof c->name, "%s", f->name);
	if (f->job != NULL)
		snprintf(c->job_code, sizeof c->job_code, "%s", f->job);
	return 0;
}

static int
cmd_put_record(struct wire_msg *m, const struct cert *c)
{
	uint8_t	*buf;
	size_t	 len;
	int	 rc;

	if (record_encode(c, &buf, &len) == -1)
		return -1;
	rc = wire_put_bytes(m, WK_RECORD, buf, len);
	free(buf);
	return rc;
}

/* --- issue ------------------------------------------------------------ */

/* issue --qr-out DIR: DIR/<number, blanks as _>.png */
static int
cmd_issue_qr(struct cmd_ctx *x, const struct wire_msg *it, const char *dir)
{
	struct wire_msg	*a;
	char		 number[64], path[PATH_MAX];
	int		 rc;

	if (wire_get_str(it, WK_NUMBER, number, sizeof number) == -1)
		return session_fail(x, EX_PROTOCOL, "issue: no number in the "
		    "answer");
	/* It becomes a file name: a rogue server's "../x" must not. */
	if (cert_check_number(number, NULL, 0) == -1)
		return session_fail(x, EX_PROTOCOL, "issue: the server sent a "
		    "malformed number '%s'", number);
	if ((rc = session_private_dir(x, dir)) != 0)
		return rc;
	if (cmd_qr_path(path, sizeof path, dir, number) == -1)
		return session_fail(x, EX_USAGE, "issue: '%s': path too long",
		    dir);
	if ((rc = cmd_qr_fetch(x, number, "png", 0, &a)) != 0)
		return rc;
	rc = cmd_qr_write(x, a, path);
	wire_msg_free(a);
	if (rc == 0 && !x->json)
		fprintf(x->out, "qr image: %s\n", path);
	return rc;
}

static int
cmd_issue_send(struct cmd_ctx *x, const struct cmd_fields *f,
    const struct cert *c)
{
	struct wire_msg	*m, *it, *a;
	int		 rc;

	if ((rc = session_begin(x)) != 0)
		return rc;
	if ((m = session_request(x, WIRE_ISSUE)) == NULL ||
	    (it = wire_put_item(m, WK_ITEMS)) == NULL ||
	    cmd_put_record(it, c) == -1 ||
	    wire_put_str(it, WK_NIK, f->nik) == -1 ||
	    (f->idem != NULL && wire_put_str(it, WK_IDEM, f->idem) == -1))
		return session_oom(x, m);
	if ((rc = session_call(x, m, &a, NULL)) != 0)
		return rc;
	if (wire_list_len(a, WK_ITEMS) != 1)
		rc = session_fail(x, EX_PROTOCOL, "issue: server answered %zu "
		    "items for 1", wire_list_len(a, WK_ITEMS));
	else {
		output_issue(x->o, wire_list_get(a, WK_ITEMS, 0));
		if (f->qr_out != NULL)
			rc = cmd_issue_qr(x, wire_list_get(a, WK_ITEMS, 0),
			    f->qr_out);
	}
	wire_msg_free(a);
	return rc != 0 ? rc : session_end(x, 0);
}

static int
cmd_issue(struct cmd_ctx *x, struct cmd_args *a)
{
	struct cmd_fields	 f;
	struct cert		*c;
	char			 why[CERT_ERR_MAX + 64];
	int			 rc;

	cmd_fields_get(a, &f);
	if (f.name == NULL || f.nik == NULL || f.job == NULL || f.level == NULL)
		return args_usage_error(x, "--name, --nik, --job and --level "
		    "are required");
	if (f.idem != NULL && cert_check_text("idem", f.idem, CERT_SHORT_MAX,
	    why, sizeof why) == -1)
		return session_fail(x, EX_DATAERR, "issue: %s", why);
	if ((c = calloc(1, sizeof *c)) == NULL)
		return session_fail(x, EX_OSERR, "out of memory");
	if (cmd_fill_cert(&f, c, why, sizeof why) == -1)
		rc = session_fail(x, EX_DATAERR, "issue: %s", why);
	else
		rc = cmd_issue_send(x, &f, c);
	free(c);
	return rc;
}

/* --- renew ------------------------------------------------------------ */

static int
cmd_renew_send(struct cmd_ctx *x, const char *number,
    const struct cmd_fields *f, const struct cert *c, int overrides)
{
	struct wire_msg	*m;
	int		 rc;

	if ((rc = session_begin(x)) != 0)
		return rc;
	m = session_request(x, WIRE_RENEW);
	return session_print(x, m, m != NULL &&
	    wire_put_str(m, WK_NUMBER, number) == 0 &&
	    (!overrides || cmd_put_record(m, c) == 0) &&
	    (f->reason == NULL || wire_put_str(m, WK_REASON, f->reason) == 0),
	    number, output_renew);
}

static int
cmd_renew(struct cmd_ctx *x, struct cmd_args *a)
{
	struct cmd_fields	 f;
	struct cert		*c;
	char			 number[64], why[CERT_ERR_MAX + 64];
	int			 rc, overrides;

	cmd_fields_get(a, &f);
	if ((rc = args_number(x, a->pos[0], number, sizeof number)) != 0)
		return rc;
	if (f.reason != NULL && cert_check_text("reason", f.reason,
	    CERT_TEXT_MAX, why, sizeof why) == -1)
		return session_fail(x, EX_DATAERR, "renew: %s", why);
	overrides = f.issued || f.expires || f.event || f.organiser || f.job ||
	    f.level;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return session_fail(x, EX_OSERR, "out of memory");
	if (cmd_fill_cert(&f, c, why, sizeof why) == -1)
		rc = session_fail(x, EX_DATAERR, "renew: %s", why);
	else
		rc = cmd_renew_send(x, number, &f, c, overrides);
	free(c);
	return rc;
}

/* --- status changes --------------------------------------------------- */

static int
cmd_set_status(struct cmd_ctx *x, struct cmd_args *a, unsigned target)
{
	const char	*reason = args_get(a, "--reason");
	char		 number[64], why[CERT_ERR_MAX];
	struct wire_msg	*m;
	int		 rc;

	if ((rc = args_number(x, a->pos[0], number, sizeof number)) != 0)
		return rc;
	if (reason == NULL)
		return args_usage_error(x, "--reason is required");
	if (reason[0] == '\0' || cert_check_text("reason", reason,
	    CERT_TEXT_MAX, why, sizeof why) == -1)
		return session_fail(x, EX_DATAERR, "%s: %s", x->cmd->name,
		    reason[0] == '\0' ? "reason: empty" : why);
	if ((rc = session_begin(x)) != 0)
		return rc;
	m = session_request(x, WIRE_SET_STATUS);
	return session_print(x, m, m != NULL &&
	    wire_put_str(m, WK_NUMBER, number) == 0 &&
	    wire_put_uint(m, WK_STATUS, target) == 0 &&
	    wire_put_str(m, WK_REASON, reason) == 0, number, output_status);
}

static int
cmd_suspend(struct cmd_ctx *x, struct cmd_args *a)
{
	return cmd_set_status(x, a, CERT_SUSPENDED);
}

static int
cmd_revoke(struct cmd_ctx *x, struct cmd_args *a)
{
	return cmd_set_status(x, a, CERT_REVOKED);
}

static int
cmd_reinstate(struct cmd_ctx *x, struct cmd_args *a)
{
	return cmd_set_status(x, a, CERT_ACTIVE);
}

static int
cmd_record_lpjk(struct cmd_ctx *x, struct cmd_args *a)
{
	const char	*regno = a->pos[1];
	char		 number[64], why[CERT_ERR_MAX];
	struct wire_msg	*m;
	int		 rc;

	if ((rc = args_number(x, a->pos[0], number, sizeof number)) != 0)
		return rc;
	if (regno[0] == '\0' || cert_check_text("lpjk", regno,
	    CERT_SHORT_MAX, why, sizeof why) == -1)
		return session_fail(x, EX_DATAERR, "record-lpjk: %s",
		    regno[0] == '\0' ? "lpjk: empty" : why);
	if ((rc = session_begin(x)) != 0)
		return rc;
	m = session_request(x, WIRE_RECORD_LPJK);
	return session_print(x, m, m != NULL &&
	    wire_put_str(m, WK_NUMBER, number) == 0 &&
	    wire_put_str(m, WK_LPJK, regno) == 0, number, output_status);
}
