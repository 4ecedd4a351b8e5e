/* skkd — SPDX-License-Identifier: ISC */
/*
 * The witness submitter. Once a second the thread looks at the stored
 * checkpoint; each witness that is due (its last success is an interval
 * old, or its backoff has passed) and has not cosigned that checkpoint
 * gets it, with the consistency proof from the size it last cosigned
 * (0 at first). A 409 names the witness's size: the proof is rebuilt
 * from there and sent once more. Every witness of one round gets the
 * same checkpoint, so their lines land on one note.
 *
 * Only this thread touches struct wsubmit after the start, but for
 * stopping, which is atomic.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkpoint.h"
#include "conf.h"
#include "cosig.h"
#include "errf.h"
#include "log.h"
#include "metrics.h"
#include "tlog.h"
#include "witness.h"
#include "wpost.h"
#include "writer.h"
#include "wsubmit.h"

#define WSUB_BACKOFF_MIN	10	/* seconds after a first failure */
#define WSUB_BACKOFF_MAX	900	/* doubling up to this */
#define WSUB_WARN_EVERY		600	/* seconds between like warnings */
#define WSUB_LINE_MAX		(NOTE_LINE_MAX + 32)	/* "— " name " " b64 "\n" */
#define WSUB_PATH		"/add-checkpoint"

struct wsub_witness {
	const char	*url;		/* conf's submission prefix */
	char		 endpoint[CONF_URL_MAX + sizeof(WSUB_PATH)];
	struct note_key	 key;
	uint64_t	 size;		/* last cosigned, as far as we know */
	int		 have;		/* line is on the kept checkpoint */
	char		 line[WSUB_LINE_MAX];
	time_t		 next;		/* monotonic: nothing sent before */
	unsigned	 fails;		/* in a row */
	time_t		 warned;
};

/* A checkpoint note as stored: text, blank line, the log's line. */
struct wsub_ckpt {
	char		 note[TLOG_CHECKPOINT_MAX];
	size_t		 len;
	uint64_t	 size;
};

struct wsubmit {
	struct store		*store;
	struct writer		*writer;
	struct store_rd		*rd;
	unsigned		 interval;
	size_t			 n;
	struct wsub_witness	 w[CONF_WITNESS_MAX];
	struct wsub_ckpt	 kept;		/* the one the lines are on */
	int			 dirty;		/* lines not stored yet */
	char			*body;		/* WITNESS_BODY_MAX */
	atomic_int		 stopping;
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
};

/* A writer job that stores the cosigned note, waited for. */
struct wsub_job {
	struct wjob	 wj;
	const char	*note;
	size_t		 len;
	int		 done;		/* under lock */
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
};

static time_t
wsub_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The line of sig as it stands in a note: "— name base64\n". */
static int
wsub_line(const struct note_sig *sig, char *out, size_t outlen)
{
	int	n;

	n = snprintf(out, outlen, "\xe2\x80\x94 %.*s %.*s\n",
	    (int)sig->namelen, sig->name, (int)sig->b64len, sig->b64);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/*
 * Checks the witness's lines on cp: one at least by its key, none of its
 * key bad; the first good one goes to w->line. 0 or -1 (err).
 */
static int
wsub_check(struct wsub_witness *w, const struct wsub_ckpt *cp,
    const char *lines, size_t len, char *err, size_t errlen)
{
	struct note	 nt;
	char		*buf, why[NOTE_ERR_MAX];
	size_t		 good, i;
	uint64_t	 t;
	int		 rc = -1;

	if ((buf = malloc(cp->len + len + 1)) == NULL)
		return errf(err, errlen, "out of memory");
	memcpy(buf, cp->note, cp->len);
	memcpy(buf + cp->len, lines, len);
	buf[cp->len + len] = '\0';
	if (note_parse(buf, cp->len + len, &nt, why, sizeof(why)) == -1)
		errf(err, errlen, "answer is not cosignature lines: %s", why);
	else if (cosig_verify(&nt, &w->key, 1, &good, &t, why,
	    sizeof(why)) == -1)
		errf(err, errlen, "bad cosignature: %s", why);
	else if (good == 0)
		errf(err, errlen, "no cosignature by the key of '%s' in the "
		    "answer: another key signed, not stored", w->key.name);
	else {
		for (i = 0; i < nt.nsig; i++)
			if (note_key_find(&nt.sig[i], &w->key, 1) != NULL)
				break;
		if (wsub_line(&nt.sig[i], w->line, sizeof(w->line)) == -1)
			errf(err, errlen, "cosignature line too long");
		else
			rc = 0;
	}
	free(buf);
	return rc;
}

/* The add-checkpoint body for cp with the proof from old, in ws->body. */
static int
wsub_body(struct wsubmit *ws, const struct wsub_ckpt *cp, uint64_t old,
    size_t *len, char *err, size_t errlen)
{
	struct witness_req		 req;
	uint8_t				 proof[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
	struct merkle_tree		 tree = { 0 };
	struct tlog_view		 v;
	size_t				 n = 0;
	int				 r;

	if (tlog_view_begin(ws->rd, &v) != STORE_OK)
		return errf(err, errlen, "cannot read the log");
	/* Hashes of complete subtrees stay: an older tree is still whole. */
	tlog_view_tree(&v, &tree);
	tree.size = cp->size;
	r = old == 0 || old == cp->size ? 0 : merkle_consistency_proof(&tree,
	    old, proof, &n, err, errlen);
	tlog_view_end(&v);
	if (r == -1)
		return -1;
	if (n > WITNESS_PROOF_MAX)
		return errf(err, errlen, "a proof of %zu hashes", n);
	memset(&req, 0, sizeof(req));
	req.old = old;
	req.nproof = n;
	memcpy(req.proof, proof, n * MERKLE_HASH_LEN);
	req.note = cp->note;
	req.notelen = cp->len;
	if ((r = witness_req_format(&req, ws->body, WITNESS_BODY_MAX)) == -1)
		return errf(err, errlen, "request too large");
	*len = (size_t)r;
	return 0;
}

static int
wsub_post(struct wsubmit *ws, struct wsub_witness *w,
    const struct wsub_ckpt *cp, uint64_t old, struct wpost_ans *ans,
    char *err, size_t errlen)
{
	size_t	len;

	if (wsub_body(ws, cp, old, &len, err, errlen) == -1)
		return -1;
	return wpost(w->endpoint, ws->body, len, &ws->stopping, ans, err,
	    errlen);
}

/* The size of a 409 body: decimal, no leading zero, one newline. */
static int
wsub_size(const struct wpost_ans *ans, uint64_t *size)
{
	char			*end;
	unsigned long long	 v;

	if (ans->len == 0 || ans->body[0] < '0' || ans->body[0] > '9' ||
	    (ans->body[0] == '0' && ans->body[1] >= '0' &&
	    ans->body[1] <= '9'))
		return -1;
	errno = 0;
	v = strtoull(ans->body, &end, 10);
	if (errno != 0 || (*end != '\0' && strcmp(end, "\n") != 0))
		return -1;
	*size = v;
	return 0;
}

/* A post, and a second one from the witness's size after a 409. */
static int
wsub_exchange(struct wsubmit *ws, struct wsub_witness *w,
    const struct wsub_ckpt *cp, struct wpost_ans *ans, char *err,
    size_t errlen)
{
	uint64_t	size;

	if (wsub_post(ws, w, cp, w->size, ans, err, errlen) == -1)
		return -1;
	if (ans->status != 409)
		return 0;
	if (wsub_size(ans, &size) == -1)
		return errf(err, errlen, "409 without a size");
	if (size > cp->size)
		return errf(err, errlen, "the witness has size %" PRIu64
		    ", beyond this log's %" PRIu64 " (a store restored from "
		    "a backup, or another log of this origin?)", size,
		    cp->size);
	log_info("witness %s: at size %" PRIu64 ", not %" PRIu64 ": proving "
	    "from there", w->url, size, w->size);
	w->size = size;
	if (wsub_post(ws, w, cp, size, ans, err, errlen) == -1)
		return -1;
	return 0;
}

static void
wsub_failed(struct wsubmit *ws, struct wsub_witness *w, const char *why)
{
	time_t		now = wsub_now();
	unsigned	wait = WSUB_BACKOFF_MAX;

	metrics_witness(0);
	if (w->fails < 8)
		wait = WSUB_BACKOFF_MIN << w->fails;
	if (wait > WSUB_BACKOFF_MAX)
		wait = WSUB_BACKOFF_MAX;
	w->fails++;
	w->next = now + wait;
	if (w->fails == 1 || now - w->warned >= WSUB_WARN_EVERY) {
		log_warnx("witness %s: %s (failure %u, next try in %u s)",
		    w->url, why, w->fails, wait);
		w->warned = now;
	}
}

/* The witness's line on cp: to the kept note, which moves to cp. */
static void
wsub_keep(struct wsubmit *ws, struct wsub_witness *w,
    const struct wsub_ckpt *cp)
{
	size_t	i;

	if (ws->kept.len != cp->len ||
	    memcmp(ws->kept.note, cp->note, cp->len) != 0) {
		ws->kept = *cp;
		for (i = 0; i < ws->n; i++)
			ws->w[i].have = 0;
	}
	w->have = 1;
	w->size = cp->size;
	ws->dirty = 1;
	if (w->fails != 0)
		log_info("witness %s: cosigned size %" PRIu64 " after %u "
		    "failure(s)", w->url, cp->size, w->fails);
	w->fails = 0;
	w->next = wsub_now() + ws->interval;
	metrics_witness(1);
}

static void
wsub_one(struct wsubmit *ws, struct wsub_witness *w,
    const struct wsub_ckpt *cp)
{
	struct wpost_ans	*ans;
	char			 err[512], first[120];

	if ((ans = malloc(sizeof(*ans))) == NULL) {
		wsub_failed(ws, w, "out of memory");
		return;
	}
	if (w->size > cp->size)
		errf(err, sizeof(err), "the witness has size %" PRIu64
		    ", beyond this log's %" PRIu64, w->size, cp->size);
	else if (wsub_exchange(ws, w, cp, ans, err, sizeof(err)) == 0) {
		if (ans->status != 200) {
			snprintf(first, sizeof(first), "%.*s",
			    (int)strcspn(ans->body, "\r\n"), ans->body);
			errf(err, sizeof(err), "HTTP %ld: %s", ans->status,
			    first);
		} else if (wsub_check(w, cp, ans->body, ans->len, err,
		    sizeof(err)) == 0) {
			wsub_keep(ws, w, cp);
			free(ans);
			return;
		}
	}
	free(ans);
	if (!atomic_load(&ws->stopping))
		wsub_failed(ws, w, err);
}

static int
wsub_job_run(struct store_wtxn *t, struct wjob *wj)
{
	struct wsub_job	*j = wj->arg;

	if ((wj->rc = tlog_meta_put(t, TLOG_META_COSIGNED, j->note,
	    j->len)) != STORE_OK)
		return -1;
	return 0;
}

static void
wsub_job_done(struct wjob *wj)
{
	struct wsub_job	*j = wj->arg;

	pthread_mutex_lock(&j->lock);
	j->done = 1;
	pthread_cond_signal(&j->cond);
	pthread_mutex_unlock(&j->lock);
}

/* The kept checkpoint with every line on it, as meta "cosigned". */
static void
wsub_store(struct wsubmit *ws)
{
	struct wsub_job	 j;
	char		 note[TLOG_COSIGNED_MAX];
	size_t		 len = ws->kept.len, i, n;

	memcpy(note, ws->kept.note, len);
	for (i = 0; i < ws->n; i++) {
		if (!ws->w[i].have)
			continue;
		n = strlen(ws->w[i].line);
		if (len + n > sizeof(note))
			break;		/* CONF_WITNESS_MAX lines fit */
		memcpy(note + len, ws->w[i].line, n);
		len += n;
	}
	memset(&j, 0, sizeof(j));
	j.wj.run = wsub_job_run;
	j.wj.done = wsub_job_done;
	j.wj.arg = &j;
	j.note = note;
	j.len = len;
	pthread_mutex_init(&j.lock, NULL);
	pthread_cond_init(&j.cond, NULL);
	writer_submit(ws->writer, &j.wj);
	pthread_mutex_lock(&j.lock);
	while (!j.done)
		pthread_cond_wait(&j.cond, &j.lock);
	pthread_mutex_unlock(&j.lock);
	pthread_cond_destroy(&j.cond);
	pthread_mutex_destroy(&j.lock);
	if (j.wj.rc != STORE_OK)
		log_warnx("witnesses: cannot store the cosigned checkpoint: "
		    "%s", j.wj.err);
	else
		ws->dirty = 0;
}

/* The stored checkpoint, for every due witness that lacks it. */
static void
wsub_round(struct wsubmit *ws)
{
	struct wsub_ckpt	 cp;
	struct wsub_witness	*w;
	struct tlog_view	 v;
	time_t			 now = wsub_now();
	size_t			 i;

	if (tlog_view_begin(ws->rd, &v) != STORE_OK)
		return;
	cp.len = v.ckptlen;
	cp.size = v.ckpt_size;
	memcpy(cp.note, v.ckpt, v.ckptlen);
	tlog_view_end(&v);
	if (cp.len == 0)
		return;
	for (i = 0; i < ws->n && !atomic_load(&ws->stopping); i++) {
		w = &ws->w[i];
		if (now < w->next || (w->have && ws->kept.size == cp.size))
			continue;
		wsub_one(ws, w, &cp);
	}
	if (ws->dirty && !atomic_load(&ws->stopping))
		wsub_store(ws);
}

/*
 * What the stored cosigned note says: each witness with a good line on
 * it has that checkpoint's size; on the current checkpoint, its line is
 * kept (so a restart does not ask again for what it has).
 */
static void
wsub_load(struct wsubmit *ws)
{
	struct tlog_view	 v;
	struct checkpoint	 cp;
	struct note		 nt;
	char			*buf, why[NOTE_ERR_MAX];
	size_t			 len, i, j, good;
	uint64_t		 t;
	int			 current;

	if ((buf = malloc(TLOG_COSIGNED_MAX + 1)) == NULL)
		return;
	if (tlog_view_begin(ws->rd, &v) != STORE_OK) {
		free(buf);
		return;
	}
	if (tlog_view_cosigned(&v, buf, TLOG_COSIGNED_MAX, &len) ==
	    STORE_OK && note_parse(buf, len, &nt, why, sizeof(why)) == 0 &&
	    checkpoint_parse(nt.text, nt.textlen, &cp, why,
	    sizeof(why)) == 0) {
		current = v.ckptlen != 0 && len > v.ckptlen &&
		    memcmp(buf, v.ckpt, v.ckptlen) == 0;
		if (current) {
			memcpy(ws->kept.note, v.ckpt, v.ckptlen);
			ws->kept.len = v.ckptlen;
			ws->kept.size = v.ckpt_size;
		}
		for (i = 0; i < ws->n; i++) {
			if (cosig_verify(&nt, &ws->w[i].key, 1, &good, &t, why,
			    sizeof(why)) == -1 || good == 0)
				continue;
			ws->w[i].size = cp.size;
			for (j = 0; current && j < nt.nsig; j++)
				if (note_key_find(&nt.sig[j], &ws->w[i].key,
				    1) != NULL)
					break;
			if (current && wsub_line(&nt.sig[j], ws->w[i].line,
			    sizeof(ws->w[i].line)) == 0)
				ws->w[i].have = 1;
		}
	}
	tlog_view_end(&v);
	free(buf);
}

static void *
wsub_main(void *arg)
{
	struct wsubmit	*ws = arg;
	struct timespec	 ts;

	wsub_load(ws);
	pthread_mutex_lock(&ws->lock);
	while (!atomic_load(&ws->stopping)) {
		pthread_mutex_unlock(&ws->lock);
		wsub_round(ws);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec++;
		pthread_mutex_lock(&ws->lock);
		if (!atomic_load(&ws->stopping))
			pthread_cond_timedwait(&ws->cond, &ws->lock, &ts);
	}
	pthread_mutex_unlock(&ws->lock);
	return NULL;
}

static void
wsub_free(struct wsubmit *ws)
{
	size_t	i;

	for (i = 0; i < ws->n; i++)
		note_key_release(&ws->w[i].key);
	store_rd_free(ws->rd);
	free(ws->body);
	free(ws);
}

struct wsubmit *
wsubmit_start(struct store *s, struct writer *wr, const struct conf *c,
    char *err, size_t errlen)
{
	struct wsubmit	*ws;
	size_t		 i;
	int		 rc;

	if ((ws = calloc(1, sizeof(*ws))) == NULL ||
	    (ws->body = malloc(WITNESS_BODY_MAX)) == NULL ||
	    (ws->rd = store_rd_new(s)) == NULL) {
		if (ws != NULL)
			wsub_free(ws);
		errf(err, errlen, "witness: out of memory");
		return NULL;
	}
	ws->store = s;
	ws->writer = wr;
	ws->interval = c->witness_interval;
	for (i = 0; i < c->nwitness; i++, ws->n++) {
		ws->w[i].url = c->witness[i].url;
		snprintf(ws->w[i].endpoint, sizeof(ws->w[i].endpoint), "%s%s",
		    c->witness[i].url, WSUB_PATH);
		/* conf_load checked the key. */
		if (cosig_vkey_parse(c->witness[i].vkey, &ws->w[i].key, err,
		    errlen) == -1) {
			wsub_free(ws);
			return NULL;
		}
	}
	if (wpost_init() == -1) {
		wsub_free(ws);
		errf(err, errlen, "witness: cannot start libcurl");
		return NULL;
	}
	pthread_mutex_init(&ws->lock, NULL);
	pthread_cond_init(&ws->cond, NULL);
	if ((rc = pthread_create(&ws->thread, NULL, wsub_main, ws)) != 0) {
		errf(err, errlen, "witness: cannot start a thread: %s",
		    strerror(rc));
		pthread_cond_destroy(&ws->cond);
		pthread_mutex_destroy(&ws->lock);
		wpost_cleanup();
		wsub_free(ws);
		return NULL;
	}
	return ws;
}

void
wsubmit_stop(struct wsubmit *ws)
{
	if (ws == NULL)
		return;
	pthread_mutex_lock(&ws->lock);
	atomic_store(&ws->stopping, 1);
	pthread_cond_signal(&ws->cond);
	pthread_mutex_unlock(&ws->lock);
	pthread_join(ws->thread, NULL);
	pthread_cond_destroy(&ws->cond);
	pthread_mutex_destroy(&ws->lock);
	wpost_cleanup();
	wsub_free(ws);
}
