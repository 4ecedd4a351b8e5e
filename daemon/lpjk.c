/* skkd — SPDX-License-Identifier: ISC */
/*
 * LPJK numbers recorded in bulk: a RECORD_LPJK request with ITEMS
 * [{NUMBER, LPJK}], all or nothing like an issue batch. The items are
 * read and checked on the loop (form, duplicates); on the writer thread
 * every item is checked against its record before anything is written,
 * so one problem anywhere refuses the request whole, with every problem
 * listed by item. An item whose certificate already holds that very LPJK
 * number is "already recorded": no write, no event, not an error.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "lpjk.h"
#include "ops.h"
#include "skkd.h"
#include "store.h"
#include "tlog.h"

/* One item as read, and what became of it. */
struct lpjk_item {
	char		 number[CERT_NUMBER_LEN + 1];
	char		 lpjk[CERT_SHORT_MAX + 1];
	int		 already;	/* held this LPJK number before */
	uint8_t		 status;	/* after the request */
};

struct lpjk_job {
	struct op_job		 op;
	struct lpjk_item	*items;
	size_t			 n;
	struct op_problem	*probs;
	size_t			 nprobs;
	enum wire_err		 werr;		/* of the first problem */
	struct cert		 c;		/* the record at hand */
};

static void	lpjk_problem(struct op_problem **, size_t *, size_t,
		    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
lpjk_problem(struct op_problem **pp, size_t *np, size_t i,
    const char *fmt, ...)
{
	va_list	ap;
	char	msg[CERT_ERR_MAX + 64];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	op_problem_add(pp, np, i, msg);
}

/* Reading, on the loop. */

int
lpjk_read_pair(const struct wire_msg *m, char number[CERT_NUMBER_LEN + 1],
    char lpjk[CERT_SHORT_MAX + 1], char *err, size_t errlen)
{
	if (wire_get_str(m, WK_NUMBER, number, CERT_NUMBER_LEN + 1) == -1) {
		snprintf(err, errlen, "number: missing or longer than %d "
		    "characters", CERT_NUMBER_LEN);
		return -1;
	}
	if (cert_check_number(number, err, errlen) == -1)
		return -1;
	if (wire_get_str(m, WK_LPJK, lpjk, CERT_SHORT_MAX + 1) == -1 ||
	    lpjk[0] == '\0') {
		snprintf(err, errlen, "lpjk_number: required, 1-%d bytes",
		    CERT_SHORT_MAX);
		return -1;
	}
	return cert_check_text("lpjk_number", lpjk, CERT_SHORT_MAX, err,
	    errlen);
}

static int
lpjk_item_read(const struct wire_msg *m, struct lpjk_item *it, char *err,
    size_t errlen)
{
	if (wire_check_keys(m, WK_BIT(WK_NUMBER) | WK_BIT(WK_LPJK), err,
	    errlen) == -1)
		return -1;
	return lpjk_read_pair(m, it->number, it->lpjk, err, errlen);
}

static int
lpjk_cmp(const void *a, const void *b)
{
	const struct lpjk_item	*x = *(struct lpjk_item *const *)a;
	const struct lpjk_item	*y = *(struct lpjk_item *const *)b;
	int			 d;

	if ((d = strcmp(x->number, y->number)) != 0)
		return d;
	return x < y ? -1 : x > y;
}

/* The same number twice in one request: which was meant? */
static int
lpjk_dups(struct lpjk_job *j)
{
	struct lpjk_item	**v;
	size_t			  i;

	if (j->n < 2)
		return 0;
	if ((v = calloc(j->n, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < j->n; i++)
		v[i] = &j->items[i];
	qsort(v, j->n, sizeof(*v), lpjk_cmp);
	for (i = 1; i < j->n; i++)
		if (v[i]->number[0] != '\0' &&
		    strcmp(v[i - 1]->number, v[i]->number) == 0)
			lpjk_problem(&j->probs, &j->nprobs,
			    (size_t)(v[i] - j->items), "number: '%s' also in "
			    "item %zu", v[i]->number,
			    (size_t)(v[i - 1] - j->items));
	free(v);
	return 0;
}

static int
lpjk_read(struct lpjk_job *j, const struct wire_msg *msg)
{
	char	err[CERT_ERR_MAX];
	size_t	i;

	if ((j->items = calloc(j->n, sizeof(*j->items))) == NULL)
		return -1;
	for (i = 0; i < j->n; i++) {
		snprintf(err, sizeof(err), "item refused");
		if (lpjk_item_read(wire_list_get(msg, WK_ITEMS, i),
		    &j->items[i], err, sizeof(err)) == -1) {
			j->items[i].number[0] = '\0';
			op_problem_add(&j->probs, &j->nprobs, i, err);
		}
	}
	return lpjk_dups(j);
}

/* On the writer thread. */

static void
lpjk_refuse(struct lpjk_job *j, size_t i, enum wire_err werr,
    const char *msg)
{
	if (j->nprobs == 0)
		j->werr = werr;
	op_problem_add(&j->probs, &j->nprobs, i, msg);
}

/*
 * Item i against its record: 0 to write, 1 already there, -1 refused
 * (a problem listed), -2 the store failed (the job failed).
 */
static int
lpjk_check(struct store_wtxn *t, struct lpjk_job *j, size_t i)
{
	struct lpjk_item	*it = &j->items[i];
	char			 msg[CERT_ERR_MAX + 64];
	int			 rc;

	rc = store_wget_cert(t, it->number, &j->c);
	if (rc == STORE_NOTFOUND) {
		snprintf(msg, sizeof(msg), "number: no certificate '%s'",
		    it->number);
		lpjk_refuse(j, i, WERR_NOT_FOUND, msg);
		return -1;
	}
	if (rc != STORE_OK) {
		op_store_fail(&j->op, rc);
		return -2;
	}
	if (j->c.status != CERT_PENDING && j->c.status != CERT_ACTIVE) {
		snprintf(msg, sizeof(msg), "number: '%s' is %s; the LPJK "
		    "number is recorded on pending or active certificates",
		    it->number, cert_status_name(j->c.status));
		lpjk_refuse(j, i, WERR_CONFLICT, msg);
		return -1;
	}
	if (j->c.lpjk_regno[0] == '\0')
		return 0;
	if (strcmp(j->c.lpjk_regno, it->lpjk) == 0) {
		it->already = 1;
		it->status = j->c.status;
		return 1;
	}
	snprintf(msg, sizeof(msg), "lpjk_number: '%s' already has LPJK "
	    "number '%s', not '%s'", it->number, j->c.lpjk_regno, it->lpjk);
	lpjk_refuse(j, i, WERR_CONFLICT, msg);
	return -1;
}

static int
lpjk_write(struct store_wtxn *t, struct lpjk_job *j, size_t i)
{
	struct lpjk_item	*it = &j->items[i];
	int			 rc;

	if ((rc = store_wget_cert(t, it->number, &j->c)) != STORE_OK)
		return op_store_fail(&j->op, rc);
	snprintf(j->c.lpjk_regno, sizeof(j->c.lpjk_regno), "%s", it->lpjk);
	j->c.status = it->status = CERT_ACTIVE;
	j->c.status_at = j->op.now;
	if ((rc = store_put_cert(t, &j->c, 0, NULL, 0)) != STORE_OK)
		return op_store_fail(&j->op, rc);
	return op_event(t, &j->op, &j->c, EVENT_LPJK, it->lpjk, NULL, 0,
	    NULL);
}

static int
lpjk_run(struct store_wtxn *t, struct wjob *wj)
{
	struct lpjk_job	*j = wj->arg;
	size_t		 i;

	for (i = 0; i < j->n; i++)
		if (lpjk_check(t, j, i) == -2)
			return -1;	/* the store failed */
	if (j->nprobs > 0)
		return op_fail(&j->op, j->werr, "item %zu: %s",
		    j->probs[0].index, j->probs[0].msg);
	for (i = 0; i < j->n; i++)
		if (!j->items[i].already && lpjk_write(t, j, i) == -1)
			return -1;
	return 0;
}

/* Answers, on the loop after the commit. */

static int
lpjk_put(const struct op_job *op, struct wire_msg *ans,
    const struct conn *c)
{
	const struct lpjk_job	*j = (const struct lpjk_job *)op;
	struct wire_msg		*it;
	size_t			 i, already = 0;

	for (i = 0; i < j->n; i++) {
		already += j->items[i].already;
		if ((it = wire_put_item(ans, WK_ITEMS)) == NULL ||
		    wire_put_str(it, WK_NUMBER, j->items[i].number) == -1 ||
		    wire_put_uint(it, WK_STATUS, j->items[i].status) == -1 ||
		    (j->items[i].already && wire_put_str(it, WK_DETAIL,
		    "already") == -1))
			return -1;
	}
	return wire_put_uint(ans, WK_COUNT, j->n - already);
}

static void
lpjk_finish(struct djob *dj)
{
	struct lpjk_job	*j = (struct lpjk_job *)dj;

	op_settle(&j->op);
	if (j->op.werr != WERR_OK) {
		log_info("record_lpjk of %zu refused: %s", j->n, j->op.msg);
		if (conn_alive(dj->conn) && j->nprobs > 0)
			op_reply_problems(dj->conn, dj->id, j->op.werr,
			    j->probs, j->nprobs);
		else if (conn_alive(dj->conn))
			conn_reply_error(dj->conn, dj->id, j->op.werr, "%s",
			    j->op.msg);
	} else {
		log_info("record_lpjk: %zu certificates by %s", j->n,
		    j->op.actor);
		if (conn_alive(dj->conn))
			op_answer(&j->op, dj->conn, lpjk_put);
	}
	op_done(&j->op, j->n);
}
static void
lpjk_release(struct op_job *op)
{
	struct lpjk_job	*j = (struct lpjk_job *)op;

	free(j->items);
	free(j->probs);
}

void
lpjk_batch(struct conn *c, const struct wire_msg *msg,
    const struct tls_peer *peer)
{
	struct lpjk_job	*j;
	uint64_t	 id = wire_id(msg);
	size_t		 n = wire_list_len(msg, WK_ITEMS);

	if (wire_has(msg, WK_NUMBER) || wire_has(msg, WK_LPJK)) {
		conn_reply_error(c, id, WERR_INVALID, "record_lpjk: ITEMS or "
		    "NUMBER and LPJK, not both");
		return;
	}
	if (n == 0 || n > skkd->conf.max_batch) {
		conn_reply_error(c, id, n ? WERR_TOO_BIG : WERR_INVALID,
		    "record_lpjk: %zu items (1-%u allowed)", n,
		    skkd->conf.max_batch);
		return;
	}
	if ((j = op_new(sizeof(*j), WIRE_RECORD_LPJK, id, peer, lpjk_run,
	    lpjk_finish)) == NULL) {
		conn_reply_error(c, id, WERR_INTERNAL, "out of memory");
		return;
	}
	j->op.release = lpjk_release;
	j->n = n;
	if (lpjk_read(j, msg) == -1)
		conn_reply_error(c, id, WERR_INTERNAL, "out of memory");
	else if (j->nprobs > 0)
		op_reply_problems(c, id, WERR_INVALID, j->probs, j->nprobs);
	else {
		conn_submit(c, &j->op.dj);
		return;
	}
	op_free(&j->op);
}
