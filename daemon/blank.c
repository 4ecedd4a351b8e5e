/* skkd — SPDX-License-Identifier: ISC */
/*
 * BLANK: the blank forms table (store.h, serial -> "P" or "V" and the
 * certificate's number) and the certificates' events. The items are
 * read on the loop, checked and written on the writer thread; one bad
 * item refuses the request and nothing is kept.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blank.h"
#include "log.h"
#include "ops.h"
#include "record.h"
#include "skkd.h"
#include "store.h"

#define BLANK_VAL_MAX	(1 + CERT_NUMBER_LEN + 1)

struct blank_item {
	char	serial[CERT_SHORT_MAX + 1];
	char	number[CERT_NUMBER_LEN + 1];	/* printed on; void: was on */
	char	reason[CERT_TEXT_MAX + 1];	/* "": printed */
};

struct blank_job {
	struct op_job		 op;
	struct blank_item	*items;
	size_t			 n;
};

/* One item as read: 0, or -1 with "item N: field: reason" in err. */
static int
blank_read_item(const struct wire_msg *w, size_t i, struct blank_item *it,
    char *err, size_t errlen)
{
	char	why[CERT_ERR_MAX];

	snprintf(why, sizeof(why), "unexpected field");
	if (wire_check_keys(w, WK_BIT(WK_SERIAL) | WK_BIT(WK_NUMBER) |
	    WK_BIT(WK_REASON), why, sizeof(why)) == -1)
		goto bad;
	if (wire_get_str(w, WK_SERIAL, it->serial, sizeof(it->serial)) == -1 ||
	    it->serial[0] == '\0') {
		snprintf(why, sizeof(why), "serial: required, 1-%d bytes",
		    CERT_SHORT_MAX);
		goto bad;
	}
	if (cert_check_text("serial", it->serial, CERT_SHORT_MAX, why,
	    sizeof(why)) == -1)
		goto bad;
	if (wire_has(w, WK_NUMBER) == wire_has(w, WK_REASON)) {
		snprintf(why, sizeof(why), "give number (printed) or reason "
		    "(spoiled), one of them");
		goto bad;
	}
	if (wire_has(w, WK_NUMBER)) {
		if (wire_get_str(w, WK_NUMBER, it->number,
		    sizeof(it->number)) == -1)
			snprintf(why, sizeof(why), "number: too long");
		else if (cert_check_number(it->number, why, sizeof(why)) == 0)
			return 0;
		goto bad;
	}
	if (wire_get_str(w, WK_REASON, it->reason, sizeof(it->reason)) == -1 ||
	    it->reason[0] == '\0')
		snprintf(why, sizeof(why), "reason: required, 1-%d bytes",
		    CERT_TEXT_MAX);
	else if (cert_check_text("reason", it->reason, CERT_TEXT_MAX, why,
	    sizeof(why)) == 0)
		return 0;
bad:
	snprintf(err, errlen, "item %zu: %s", i, why);
	return -1;
}

static int
blank_read(const struct wire_msg *msg, struct blank_job *j, char *err,
    size_t errlen)
{
	size_t	i, k, n = wire_list_len(msg, WK_ITEMS);

	if (n == 0 || n > skkd->conf.max_batch) {
		snprintf(err, errlen, "items: 1 to %u blank forms",
		    skkd->conf.max_batch);
		return -1;
	}
	if ((j->items = calloc(n, sizeof(*j->items))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	j->n = n;
	for (i = 0; i < n; i++) {
		if (blank_read_item(wire_list_get(msg, WK_ITEMS, i), i,
		    &j->items[i], err, errlen) == -1)
			return -1;
		for (k = 0; k < i; k++)
			if (strcmp(j->items[k].serial, j->items[i].serial) == 0) {
				snprintf(err, errlen, "item %zu: serial: '%s' "
				    "given twice", i, j->items[i].serial);
				return -1;
			}
	}
	return 0;
}

/* On the writer thread. */

static int
blank_event(struct store_wtxn *t, struct blank_job *j, const struct cert *c,
    enum event_kind kind, const struct blank_item *it)
{
	struct cert_event	ev;
	int			rc;

	memset(&ev, 0, sizeof(ev));
	ev.at = j->op.now;
	ev.kind = kind;
	ev.status = c->status;
	snprintf(ev.number, sizeof(ev.number), "%s", c->number);
	snprintf(ev.actor, sizeof(ev.actor), "%s", j->op.actor);
	snprintf(ev.serial, sizeof(ev.serial), "%s", j->op.serial);
	snprintf(ev.reason, sizeof(ev.reason), "%s", it->reason);
	snprintf(ev.detail, sizeof(ev.detail), "%s", it->serial);
	if ((rc = store_add_event(t, &ev)) != STORE_OK)
		return op_store_fail(&j->op, rc);
	return 0;
}

/* The form's state: 0 unused, 'P' or 'V' with its number in on. */
static int
blank_state(struct store_wtxn *t, struct blank_job *j, const char *serial,
    char *on)
{
	char	val[BLANK_VAL_MAX + 1];
	int	rc;

	on[0] = '\0';
	rc = store_blank_get(t, serial, val, sizeof(val));
	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc != STORE_OK || (val[0] != 'P' && val[0] != 'V') ||
	    strlen(val + 1) > CERT_NUMBER_LEN)
		return op_store_fail(&j->op, rc == STORE_OK ? STORE_ERROR : rc);
	memcpy(on, val + 1, strlen(val + 1) + 1);
	return val[0];
}

static int
blank_load(struct store_wtxn *t, struct blank_job *j, const char *number,
    struct cert *c)
{
	int	rc = store_wget_cert(t, number, c);

	if (rc == STORE_NOTFOUND)
		return op_fail(&j->op, WERR_NOT_FOUND, "no certificate '%s'",
		    number);
	return rc == STORE_OK ? 0 : op_store_fail(&j->op, rc);
}

static int
blank_save(struct store_wtxn *t, struct blank_job *j, const char *serial,
    int state, const char *number)
{
	char	val[BLANK_VAL_MAX + 1];
	int	rc;

	snprintf(val, sizeof(val), "%c%s", state, number);
	if ((rc = store_blank_put(t, serial, val)) != STORE_OK)
		return op_store_fail(&j->op, rc);
	return 0;
}

static int
blank_print(struct store_wtxn *t, struct blank_job *j, struct blank_item *it)
{
	struct cert	c;
	char		on[CERT_NUMBER_LEN + 1];
	int		st, rc;

	if ((st = blank_state(t, j, it->serial, on)) == -1 ||
	    blank_load(t, j, it->number, &c) == -1)
		return -1;
	if (st == 'P')
		return op_fail(&j->op, WERR_CONFLICT, "blank form '%s' already "
		    "holds certificate '%s'", it->serial, on);
	if (st == 'V')
		return op_fail(&j->op, WERR_CONFLICT, "blank form '%s' is void",
		    it->serial);
	if (c.status != CERT_ACTIVE && c.status != CERT_PENDING)
		return op_fail(&j->op, WERR_CONFLICT, "'%s' is %s: not printed",
		    c.number, cert_status_name(c.status));
	snprintf(c.blank_no, sizeof(c.blank_no), "%s", it->serial);
	if ((rc = store_put_cert(t, &c, 0, NULL, 0)) != STORE_OK)
		return op_store_fail(&j->op, rc);
	if (blank_save(t, j, it->serial, 'P', c.number) == -1)
		return -1;
	return blank_event(t, j, &c, EVENT_BLANK, it);
}

static int
blank_void(struct store_wtxn *t, struct blank_job *j, struct blank_item *it)
{
	struct cert	c;
	int		st, rc;

	if ((st = blank_state(t, j, it->serial, it->number)) == -1)
		return -1;
	if (st == 'V')
		return op_fail(&j->op, WERR_CONFLICT, "blank form '%s' is "
		    "already void", it->serial);
	if (blank_save(t, j, it->serial, 'V', it->number) == -1)
		return -1;
	if (st == 0)
		return 0;	/* spoiled before anything was printed on it */
	if (blank_load(t, j, it->number, &c) == -1)
		return -1;
	if (strcmp(c.blank_no, it->serial) == 0) {
		c.blank_no[0] = '\0';
		if ((rc = store_put_cert(t, &c, 0, NULL, 0)) != STORE_OK)
			return op_store_fail(&j->op, rc);
	}
	return blank_event(t, j, &c, EVENT_BLANK_VOID, it);
}

static int
blank_run(struct store_wtxn *t, struct wjob *wj)
{
	struct blank_job	*j = wj->arg;
	size_t			 i;
	int			 rc;

	for (i = 0; i < j->n; i++) {
		rc = j->items[i].reason[0] == '\0' ?
		    blank_print(t, j, &j->items[i]) :
		    blank_void(t, j, &j->items[i]);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/* On the loop after the commit. */

static int
blank_put(const struct blank_job *j, struct wire_msg *ans)
{
	struct wire_msg	*w;
	size_t		 i;

	for (i = 0; i < j->n; i++)
		if ((w = wire_put_item(ans, WK_ITEMS)) == NULL ||
		    wire_put_str(w, WK_SERIAL, j->items[i].serial) == -1 ||
		    wire_put_str(w, WK_NUMBER, j->items[i].number) == -1 ||
		    wire_put_uint(w, WK_KIND, j->items[i].reason[0] == '\0' ?
		    EVENT_BLANK : EVENT_BLANK_VOID) == -1)
			return -1;
	return 0;
}

static void
blank_finish(struct djob *dj)
{
	struct blank_job	*j = (struct blank_job *)dj;
	struct wire_msg		*ans;

	op_settle(&j->op);
	if (j->op.werr != WERR_OK) {
		log_info("blank refused: %s", j->op.msg);
		if (conn_alive(dj->conn))
			conn_reply_error(dj->conn, dj->id, j->op.werr, "%s",
			    j->op.msg);
		op_done(&j->op, j->n);
		return;
	}
	log_info("blank: %zu form%s recorded by %s (first '%s'%s)", j->n,
	    j->n == 1 ? "" : "s", j->op.actor, j->items[0].serial,
	    j->items[0].reason[0] != '\0' ? ", void" : "");
	if (conn_alive(dj->conn)) {
		if ((ans = wire_msg_new(WIRE_BLANK, dj->id)) == NULL ||
		    blank_put(j, ans) == -1) {
			wire_msg_free(ans);
			conn_reply_error(dj->conn, dj->id, WERR_INTERNAL,
			    "out of memory (the write was committed)");
		} else
			conn_reply(dj->conn, ans);
	}
	op_done(&j->op, j->n);
}

static void
blank_release(struct op_job *op)
{
	free(((struct blank_job *)op)->items);
}

void
blank_request(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer)
{
	struct blank_job	*j;
	char			 err[CERT_ERR_MAX + 32];

	if ((j = op_new(sizeof(*j), WIRE_BLANK, wire_id(msg), peer, blank_run,
	    blank_finish)) == NULL) {
		conn_reply_error(c, wire_id(msg), WERR_INTERNAL,
		    "out of memory");
		return;
	}
	j->op.release = blank_release;
	snprintf(err, sizeof(err), "request refused");
	if (blank_read(msg, j, err, sizeof(err)) == -1) {
		conn_reply_error(c, j->op.dj.id, WERR_INVALID, "blank: %s",
		    err);
		op_free(&j->op);
		return;
	}
	conn_submit(c, &j->op.dj);
}
