/* skkd — SPDX-License-Identifier: ISC */
/*
 * The rules of a log's history and the issuance report. Certificates
 * and keys are followed by their entries in log order. Violations are
 * what no honest issuer's log holds: a number issued twice, an event
 * for a certificate not issued before it or dated before its issue,
 * anything after a revoke (no un-revoke), anything but a revoke after a
 * supersede, a reinstate of a certificate not suspended, a key id not
 * added by a key-add entry before, a new QR message signed with a key
 * already declared compromised, a key entry whose id is not its
 * digest's. Anomalies are patterns worth a look: a night burst, a
 * certificate revoked within minutes of its issue, a new QR message
 * signed with a retired key.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auditrules.h"
#include "hex.h"
#include "logentry.h"

#define AR_KEY_MAX	48
#define AR_AHEAD	8	/* entries decoded ahead of their rules */
#define AR_EXPECT_MAX	(1u << 24)	/* entries sized for at most, ahead */
#define AR_FLAGS_MAX	1000	/* kept for the report; all are counted */

enum { AR_ADDED = 1, AR_RETIRED = 2, AR_COMPROMISED = 4 };

struct ar_slot {
	char		key[AR_KEY_MAX];
	uint64_t	n;		/* a count, or the issue's index */
	uint64_t	first;		/* the first entry counted */
	uint64_t	t;		/* the issue's time; a night's day */
	uint8_t		status;		/* a certificate's; a key's AR_* */
};

/*
 * A table's entries lie in the order they were made; an open-addressed
 * index of their hashes finds them. A log of a million issues makes a
 * million entries: index slots of 16 bytes keep the probes (one random
 * read a lookup) in a table a fifth of the size the entries would make.
 */
struct ar_idx {
	uint64_t	hash;
	size_t		pos;		/* the entry's, plus one; 0: empty */
};

struct ar_tab {
	struct ar_slot	*s;
	size_t		 used, room;	/* entries, and room for them */
	struct ar_idx	*ix;
	size_t		 cap;		/* index slots, a power of two */
};

/*
 * The slot the last of a run of entries with the same raw bytes counted
 * in: a cohort's entries share their batch and key, so a run counts
 * without making the text of either again.
 */
_Static_assert(SIGN_KID_LEN <= LOG_BATCH_LEN, "a key id fits a memo");

struct ar_memo {
	uint8_t		raw[LOG_BATCH_LEN];
	size_t		pos;		/* the slot's, plus one; 0: none */
};

struct ar_flag {
	uint64_t	 index;
	const char	*kind;
	char		 text[200];
};

struct ar_flags {
	struct ar_flag	*f;
	size_t		 n, total;
};

struct audit_rules {
	struct ar_tab	 certs, keys, day, batch, job, kid, night;
	struct ar_memo	 m_batch, m_kid, m_key;
	uint64_t	 events[LOG_EVENT_MAX];
	uint64_t	 issued, first_time;
	int		 any;
	int		 oom;
	struct ar_flags	 anomaly, violation;
	/*
	 * Entries wait AR_AHEAD steps between their decoding and their
	 * rules, while the index slot of their certificate comes into the
	 * cache: a log of a million issues makes that index 32 MB, and a
	 * lookup's random read was most of the rules' time.
	 */
	struct ar_ahead {
		uint64_t		 i;
		int			 bad;
		char			 err[160];
		struct log_entry	 e;
	}		 ahead[AR_AHEAD];
	size_t		 ahead_first, ahead_n;
	int64_t		 date_day;	/* ar_date's last day (-1: none), */
	char		 date[16];	/* its text */
};

/*
 * The keys are text of 10 to 64 bytes (dates, numbers, batch hashes):
 * eight bytes a step, each step a multiply, then a final mix whose low
 * bits, which index the table, depend on every input bit.
 */
static uint64_t
ar_hash(const char *s)
{
	size_t		n = strlen(s);
	uint64_t	h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 33);
}

/* Makes the index cap slots (a power of two, more than it has). */
static int
ar_resize(struct ar_tab *t, size_t cap)
{
	struct ar_idx	*ix;
	size_t		 i, j;

	if ((ix = calloc(cap, sizeof *ix)) == NULL)
		return -1;
	for (i = 0; i < t->cap; i++) {
		if (t->ix[i].pos == 0)
			continue;
		for (j = t->ix[i].hash & (cap - 1); ix[j].pos;
		    j = (j + 1) & (cap - 1))
			;
		ix[j] = t->ix[i];
	}
	free(t->ix);
	t->ix = ix;
	t->cap = cap;
	return 0;
}

void
audit_rules_expect(struct audit_rules *r, uint64_t entries)
{
	struct ar_tab	*t = &r->certs;
	struct ar_slot	*s;
	size_t		 cap = 64;

	if (entries > AR_EXPECT_MAX)
		entries = AR_EXPECT_MAX;
	while (cap < 2 * entries + 2)
		cap *= 2;
	if (t->cap < cap && ar_resize(t, cap) == -1)
		return;
	if (t->room < entries &&
	    (s = reallocarray(t->s, entries, sizeof *s)) != NULL) {
		t->s = s;
		t->room = entries;
	}
}

/* The slot of key; created (zero) when create is set. NULL: none/oom. */
static struct ar_slot *
ar_get(struct audit_rules *r, struct ar_tab *t, const char *key, int create)
{
	struct ar_slot	*e;
	uint64_t	 h = ar_hash(key);
	size_t		 j, room;

	if (t->used * 2 >= t->cap &&
	    ar_resize(t, t->cap ? t->cap * 2 : 64) == -1) {
		r->oom = 1;
		return NULL;
	}
	for (j = h & (t->cap - 1); t->ix[j].pos; j = (j + 1) & (t->cap - 1))
		if (t->ix[j].hash == h &&
		    strcmp(t->s[t->ix[j].pos - 1].key, key) == 0)
			return &t->s[t->ix[j].pos - 1];
	if (!create)
		return NULL;
	if (t->used == t->room) {
		room = t->room ? t->room * 2 : 32;
		if ((e = reallocarray(t->s, room, sizeof *e)) == NULL) {
			r->oom = 1;
			return NULL;
		}
		t->s = e;
		t->room = room;
	}
	e = &t->s[t->used];
	memset(e, 0, sizeof *e);
	snprintf(e->key, sizeof e->key, "%s", key);
	t->ix[j].hash = h;
	t->ix[j].pos = ++t->used;
	return e;
}

static struct ar_slot *
ar_count(struct audit_rules *r, struct ar_tab *t, const char *key,
    uint64_t index)
{
	struct ar_slot	*s;

	if ((s = ar_get(r, t, key, 1)) == NULL)
		return NULL;
	if (s->n++ == 0)
		s->first = index;
	return s;
}

/* The slot m remembers for raw (len bytes), or NULL. */
static struct ar_slot *
ar_memo_get(const struct ar_tab *t, const struct ar_memo *m,
    const uint8_t *raw, size_t len)
{
	if (m->pos == 0 || memcmp(m->raw, raw, len) != 0)
		return NULL;
	return &t->s[m->pos - 1];
}

static void
ar_memo_set(const struct ar_tab *t, struct ar_memo *m, const uint8_t *raw,
    size_t len, const struct ar_slot *s)
{
	if (s == NULL)
		return;
	memcpy(m->raw, raw, len);
	m->pos = (size_t)(s - t->s) + 1;
}

/* ar_count of the hex text of raw; of none, if given, when raw is zero. */
static void
ar_count_hex(struct audit_rules *r, struct ar_tab *t, struct ar_memo *m,
    const uint8_t *raw, size_t len, const char *none, uint64_t index)
{
	struct ar_slot	*s;
	char		 key[2 * LOG_BATCH_LEN + 1];
	size_t		 i;

	if ((s = ar_memo_get(t, m, raw, len)) != NULL) {
		s->n++;
		return;
	}
	for (i = 0; none != NULL && i < len && raw[i] == 0; i++)
		;
	if (i < len)
		hex_encode(raw, len, key);
	ar_memo_set(t, m, raw, len, ar_count(r, t, i < len ? key : none,
	    index));
}

static void
ar_flag(struct audit_rules *r, struct ar_flags *fl, uint64_t index,
    const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
ar_flag(struct audit_rules *r, struct ar_flags *fl, uint64_t index,
    const char *kind, const char *fmt, ...)
{
	va_list	ap;

	fl->total++;
	if (fl->n == AR_FLAGS_MAX)
		return;
	if (fl->f == NULL &&
	    (fl->f = calloc(AR_FLAGS_MAX, sizeof *fl->f)) == NULL) {
		r->oom = 1;
		return;
	}
	fl->f[fl->n].index = index;
	fl->f[fl->n].kind = kind;
	va_start(ap, fmt);
	vsnprintf(fl->f[fl->n].text, sizeof fl->f[fl->n].text, fmt, ap);
	va_end(ap);
	fl->n++;
}

/*
 * "YYYY-MM-DD" of t in the issuers' time zone, shifted by shift seconds.
 * A log runs in time order, so the last day's text is kept.
 */
static void
ar_date(struct audit_rules *r, uint64_t t, int64_t shift, char out[16])
{
	time_t		s = (time_t)((int64_t)t + AUDIT_TZ_OFFSET + shift);
	struct tm	tm;

	if (s >= 0 && s / 86400 == r->date_day) {
		memcpy(out, r->date, 16);
		return;
	}
	if (gmtime_r(&s, &tm) == NULL || strftime(out, 16, "%Y-%m-%d",
	    &tm) == 0) {
		snprintf(out, 16, "?");
		return;
	}
	if (s >= 0) {
		memcpy(r->date, out, 16);
		r->date_day = s / 86400;
	}
}

/* --- keys ------------------------------------------------------------- */

static void
ar_key_event(struct audit_rules *r, uint64_t i, const struct log_entry *e)
{
	struct ar_slot	*k;
	char		 kid[2 * SIGN_KID_LEN + 1];

	hex_encode(e->kid, sizeof e->kid, kid);
	if (memcmp(e->kid, e->digest, SIGN_KID_LEN) != 0)
		ar_flag(r, &r->violation, i, "key-id", "%s of key %s: the key "
		    "id is not its public key's", log_event_name(e->event), kid);
	k = ar_get(r, &r->keys, kid, e->event == LOG_KEY_ADD);
	if (k == NULL) {
		ar_flag(r, &r->violation, i, "unknown-key", "%s of key %s, "
		    "never added", log_event_name(e->event), kid);
		return;
	}
	if (e->event == LOG_KEY_ADD)
		k->status |= AR_ADDED;
	else if (e->event == LOG_KEY_RETIRE)
		k->status |= AR_RETIRED;
	else if (e->event == LOG_KEY_COMPROMISE)
		k->status |= AR_COMPROMISED;
}

/* The key of a certificate entry: known, and fit for a new QR message. */
static void
ar_cert_key(struct audit_rules *r, uint64_t i, const struct log_entry *e)
{
	struct ar_slot	*k;
	char		 kid[2 * SIGN_KID_LEN + 1];
	/* A correct entry is about the old card: the new one has its issue. */
	int		 signs = e->event == LOG_ISSUE ||
			    e->event == LOG_RESIGN;

	/* The text only for a lookup the memo misses, or a flag. */
	if ((k = ar_memo_get(&r->keys, &r->m_key, e->kid,
	    sizeof e->kid)) == NULL) {
		hex_encode(e->kid, sizeof e->kid, kid);
		k = ar_get(r, &r->keys, kid, 0);
		ar_memo_set(&r->keys, &r->m_key, e->kid, sizeof e->kid, k);
	} else if (signs && (k->status & (AR_COMPROMISED | AR_RETIRED)))
		hex_encode(e->kid, sizeof e->kid, kid);
	if (k == NULL) {
		ar_flag(r, &r->violation, i, "unknown-key", "%s %s: signed "
		    "with key %s, never added", log_event_name(e->event),
		    e->number, kid);
		return;
	}
	if (signs && (k->status & AR_COMPROMISED))
		ar_flag(r, &r->violation, i, "compromised-key", "%s %s: "
		    "signed with key %s, declared compromised before",
		    log_event_name(e->event), e->number, kid);
	else if (signs && (k->status & AR_RETIRED))
		ar_flag(r, &r->anomaly, i, "retired-key", "%s %s: signed "
		    "with key %s, retired before", log_event_name(e->event),
		    e->number, kid);
}

/* --- certificates ----------------------------------------------------- */

static void
ar_issue(struct audit_rules *r, uint64_t i, const struct log_entry *e)
{
	struct ar_slot	*c;
	char		 key[AR_KEY_MAX], date[16];
	int64_t		 shift;
	unsigned	 hour;
	size_t		 n;

	if ((c = ar_get(r, &r->certs, e->number, 1)) == NULL)
		return;
	if (c->first) {
		ar_flag(r, &r->violation, i, "number-reused", "issue %s: "
		    "issued before, at entry %llu", e->number,
		    (unsigned long long)c->n);
		return;
	}
	c->n = i;
	c->t = e->time;
	c->status = e->status;
	c->first = 1;		/* issued */
	r->issued++;
	ar_date(r, e->time, 0, date);
	ar_count(r, &r->day, date, i);
	ar_count_hex(r, &r->batch, &r->m_batch, e->batch, sizeof e->batch,
	    "none", i);
	n = strlen(e->job_code);
	memcpy(key, e->job_code, n);
	key[n++] = ' ';
	if (e->level >= 100)
		key[n++] = (char)('0' + e->level / 100);
	if (e->level >= 10)
		key[n++] = (char)('0' + e->level / 10 % 10);
	key[n++] = (char)('0' + e->level % 10);
	key[n] = '\0';
	ar_count(r, &r->job, key, i);
	ar_count_hex(r, &r->kid, &r->m_kid, e->kid, sizeof e->kid, NULL, i);
	/* The night of 22:00-06:00 local is named by its evening's date. */
	hour = (unsigned)(((e->time + AUDIT_TZ_OFFSET) % 86400) / 3600);
	if (hour >= 22 || hour < 6) {
		shift = hour < 6 ? -86400 : 0;
		ar_date(r, e->time, shift, date);
		ar_count(r, &r->night, date, i);
		if ((c = ar_get(r, &r->night, date, 0)) != NULL)
			c->t = (uint64_t)(((int64_t)e->time + AUDIT_TZ_OFFSET +
			    shift) / 86400);
	}
}

static void
ar_change(struct audit_rules *r, uint64_t i, const struct log_entry *e)
{
	struct ar_slot	*c;
	const char	*ev = log_event_name(e->event);

	if ((c = ar_get(r, &r->certs, e->number, 0)) == NULL || !c->first) {
		ar_flag(r, &r->violation, i, "no-issue", "%s %s: never issued "
		    "before", ev, e->number);
		return;
	}
	if (e->time < c->t)
		ar_flag(r, &r->violation, i, "before-issue", "%s %s: dated "
		    "before its issue (entry %llu)", ev, e->number,
		    (unsigned long long)c->n);
	if (c->status == CERT_REVOKED)
		ar_flag(r, &r->violation, i, "after-revoke", "%s %s: after "
		    "its revoke", ev, e->number);
	else if (c->status == CERT_REPLACED && e->event != LOG_REVOKE)
		ar_flag(r, &r->violation, i, "after-supersede", "%s %s: after "
		    "it was superseded", ev, e->number);
	else if (e->event == LOG_REINSTATE && c->status != CERT_SUSPENDED)
		ar_flag(r, &r->violation, i, "reinstate", "reinstate %s: it "
		    "was not suspended", e->number);
	if (e->event == LOG_REVOKE && e->time >= c->t &&
	    e->time - c->t <= AUDIT_QUICK_REVOKE)
		ar_flag(r, &r->anomaly, i, "quick-revoke", "revoke %s: %llu "
		    "s after its issue (entry %llu)", e->number,
		    (unsigned long long)(e->time - c->t),
		    (unsigned long long)c->n);
	if (c->status != CERT_REVOKED)
		c->status = e->status;
}

static void
ar_rules(struct audit_rules *r, const struct ar_ahead *a)
{
	if (a->bad) {
		ar_flag(r, &r->violation, a->i, "bad-entry", "%s", a->err);
		return;
	}
	if (!r->any) {
		r->any = 1;
		r->first_time = a->e.time;
	}
	r->events[a->e.event]++;
	if (log_event_is_key(a->e.event)) {
		ar_key_event(r, a->i, &a->e);
		return;
	}
	ar_cert_key(r, a->i, &a->e);
	if (a->e.event == LOG_ISSUE)
		ar_issue(r, a->i, &a->e);
	else
		ar_change(r, a->i, &a->e);
}

/* The rules of the oldest entry waiting, which then waits no more. */
static void
ar_next(struct audit_rules *r)
{
	ar_rules(r, &r->ahead[r->ahead_first]);
	r->ahead_first = (r->ahead_first + 1) % AR_AHEAD;
	r->ahead_n--;
}

void
audit_rules_entry(struct audit_rules *r, uint64_t i, const uint8_t *entry,
    size_t len)
{
	struct ar_ahead	*a;
	const struct ar_tab *t = &r->certs;

	if (r->ahead_n == AR_AHEAD)
		ar_next(r);
	a = &r->ahead[(r->ahead_first + r->ahead_n++) % AR_AHEAD];
	a->i = i;
	a->bad = log_entry_decode(entry, len, &a->e, a->err,
	    sizeof a->err) == -1;
	if (!a->bad && !log_event_is_key(a->e.event) && t->cap > 0)
		__builtin_prefetch(&t->ix[ar_hash(a->e.number) &
		    (t->cap - 1)]);
}

/* --- the report ------------------------------------------------------- */

static int
ar_slot_cmp(const void *a, const void *b)
{
	return strcmp((*(struct ar_slot *const *)a)->key,
	    (*(struct ar_slot *const *)b)->key);
}

/* The used slots of t sorted by key; NULL (and *n 0) when empty or oom. */
static struct ar_slot **
ar_sorted(const struct ar_tab *t, size_t *n)
{
	struct ar_slot	**v;
	size_t		  i;

	*n = 0;
	if (t->used == 0 || (v = calloc(t->used, sizeof *v)) == NULL)
		return NULL;
	for (i = 0; i < t->used; i++)
		v[(*n)++] = &t->s[i];
	qsort(v, *n, sizeof *v, ar_slot_cmp);
	return v;
}

/* Nights of AUDIT_NIGHT_MIN issues or more, against those before. */
static void
ar_nights(struct audit_rules *r)
{
	struct ar_slot	**v;
	size_t		  n, i;
	uint64_t	  sum = 0, start;
	double		  avg;

	if ((v = ar_sorted(&r->night, &n)) == NULL)
		return;
	start = (r->first_time + AUDIT_TZ_OFFSET - 6 * 3600) / 86400;
	for (i = 0; i < n; i++) {
		avg = v[i]->t > start ? (double)sum / (double)(v[i]->t -
		    start) : 0;
		if (v[i]->n >= AUDIT_NIGHT_MIN &&
		    (double)v[i]->n > AUDIT_NIGHT_FACTOR * avg)
			ar_flag(r, &r->anomaly, v[i]->first, "night-burst",
			    "%llu issued in the night of %s (22:00-06:00 "
			    "UTC+7), against %.1f a night before",
			    (unsigned long long)v[i]->n, v[i]->key, avg);
		sum += v[i]->n;
	}
	free(v);
}

int
audit_rules_finish(struct audit_rules *r)
{
	while (r->ahead_n > 0)
		ar_next(r);
	ar_nights(r);
	return r->oom ? -1 : 0;
}

static void
ar_table(const struct ar_tab *t, struct output *o, const char *key,
    const char *title)
{
	struct ar_slot	**v;
	size_t		  n, i;

	v = ar_sorted(t, &n);
	output_section(o, key, title, 0, n);
	for (i = 0; i < n; i++)
		output_count(o, key, v[i]->key, v[i]->n);
	free(v);
}

static void
ar_flags(const struct ar_flags *fl, struct output *o, const char *key,
    const char *title)
{
	size_t	i;
	char	more[64];

	output_section(o, key, title, 1, fl->total);
	for (i = 0; i < fl->n; i++)
		output_flag(o, key, fl->f[i].index, fl->f[i].kind,
		    fl->f[i].text);
	if (fl->total > fl->n && fl->n > 0) {
		snprintf(more, sizeof more, "%zu more not listed",
		    fl->total - fl->n);
		output_flag(o, key, fl->f[fl->n - 1].index, "more", more);
	}
}

void
audit_rules_report(const struct audit_rules *r, struct output *o)
{
	size_t		i, n = 0;

	output_field_int(o, "certificates_issued", "certificates issued",
	    (int64_t)r->issued);
	for (i = 1; i < LOG_EVENT_MAX; i++)
		n += r->events[i] != 0;
	output_section(o, "events", "entries by event", 0, n);
	for (i = 1; i < LOG_EVENT_MAX; i++)
		if (r->events[i] != 0)
			output_count(o, "events", log_event_name((unsigned)i),
			    r->events[i]);
	ar_table(&r->day, o, "issued_per_day", "issued per day (UTC+7)");
	ar_table(&r->batch, o, "issued_per_batch", "issued per batch");
	ar_table(&r->job, o, "issued_per_job_level",
	    "issued per job code and level");
	ar_table(&r->kid, o, "issued_per_key", "issued per signing key");
	ar_flags(&r->anomaly, o, "anomalies", "anomalies");
	ar_flags(&r->violation, o, "violations", "violations");
}

size_t
audit_rules_violations(const struct audit_rules *r)
{
	return r->violation.total;
}

uint64_t
audit_rules_issued(const struct audit_rules *r)
{
	return r->issued;
}

struct audit_rules *
audit_rules_new(void)
{
	struct audit_rules	*r;

	if ((r = calloc(1, sizeof(*r))) != NULL)
		r->date_day = -1;
	return r;
}

void
audit_rules_free(struct audit_rules *r)
{
	if (r == NULL)
		return;
	free(r->certs.s);
	free(r->certs.ix);
	free(r->keys.s);
	free(r->keys.ix);
	free(r->day.s);
	free(r->day.ix);
	free(r->batch.s);
	free(r->batch.ix);
	free(r->job.s);
	free(r->job.ix);
	free(r->kid.s);
	free(r->kid.ix);
	free(r->night.s);
	free(r->night.ix);
	free(r->anomaly.f);
	free(r->violation.f);
	free(r);
}
