/* skkd — SPDX-License-Identifier: ISC */
/*
 * Unit tests of the LMDB store on real files in a temporary directory:
 * round trips, indexes, the SEQ counter, nested rollback, a full map,
 * the error texts of stores that cannot be opened, and store_trim's
 * reopen under reading threads.
 */

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <ftw.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <lmdb.h>

#include "store.h"

#define MIB	(1024 * 1024)

struct fixture {
	char		 top[64];	/* mkdtemp directory */
	char		 dir[96];	/* the store inside it */
	struct store	*s;
	struct store_rd	*rd;
};

static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static struct store *
open_store(struct fixture *f, size_t map_size)
{
	struct store_opts	 o = { f->dir, map_size, 16, 1 };
	char			 err[256] = "";
	struct store		*s;

	s = store_open(&o, err, sizeof(err));
	if (s == NULL)
		fail_msg("store_open: %s", err);
	return s;
}

static void
reopen(struct fixture *f, size_t map_size)
{
	store_rd_free(f->rd);
	store_close(f->s);
	f->s = open_store(f, map_size);
	assert_non_null(f->rd = store_rd_new(f->s));
}

static int
setup(void **state)
{
	struct fixture	*f;

	f = calloc(1, sizeof(*f));
	snprintf(f->top, sizeof(f->top), "/tmp/skk-store-XXXXXX");
	if (mkdtemp(f->top) == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/db", f->top);
	f->s = open_store(f, 16 * MIB);
	f->rd = store_rd_new(f->s);
	*state = f;
	return f->rd == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	store_rd_free(f->rd);
	store_close(f->s);
	chmod(f->top, 0700);
	nftw(f->top, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void
make_number(char *out, uint32_t seq)
{
	snprintf(out, CERT_NUMBER_LEN + 1, "42101 8342 3 %08u 2025", seq);
}

/* A record with every field set, so a lossy codec shows. */
static void
make_cert(struct cert *c, uint32_t seq, uint8_t nik, int status)
{
	memset(c, 0, sizeof(*c));
	make_number(c->number, seq);
	strcpy(c->lsp_regno, "F 2 02 00456 2025");
	strcpy(c->lpjk_regno, "LPJK-2025-000123");
	strcpy(c->blank_no, "B 0012345");
	strcpy(c->name, "Siti Nur'aini, S.T.");
	memset(c->nik_hmac, nik, sizeof(c->nik_hmac));
	strcpy(c->photo_ref, "photos/0001.jpg");
	strcpy(c->job_code, "ME063096");
	strcpy(c->job_title_id, "Operator Bulldozer");
	strcpy(c->job_title_en, "Bulldozer Operator");
	strcpy(c->klasifikasi, "Mekanikal");
	strcpy(c->subklasifikasi, "Alat Berat");
	c->kualifikasi = CERT_OPERATOR;
	c->jenjang = 3;
	c->nunits = 2;
	strcpy(c->units[0], "F.45ALT00.001.1");
	strcpy(c->units[1], "F.45ALT00.002.1");
	strcpy(c->issuer_name, "LSP Konstruksi Jambi");
	strcpy(c->issuer_licence, "KEP.123/BNSP/2024");
	strcpy(c->organiser, "Dinas PUPR Kab. Muaro Jambi");
	strcpy(c->event, "BIMTEK Operator Alat Berat");
	c->assessed = 20437;
	strcpy(c->assess_place, "Sengeti");
	c->issued = 20438;
	c->expires = 20438 + 1825;
	c->apptype = CERT_APP_NEW;
	c->status = status;
	c->status_at = 1765800000;
	memcpy(c->kid, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
}

static struct store_wtxn *
wbegin(struct fixture *f)
{
	struct store_wtxn	*w;
	char			 err[256];

	assert_int_equal(store_wbegin(f->s, &w, err, sizeof(err)), STORE_OK);
	return w;
}

static void
wcommit(struct store_wtxn *w)
{
	char	err[256] = "";

	if (store_wcommit(w, err, sizeof(err)) != STORE_OK)
		fail_msg("commit: %s", err);
}

static void
put_one(struct fixture *f, uint32_t seq, uint8_t nik, int status)
{
	struct store_wtxn	*w = wbegin(f);
	struct cert		 c;

	make_cert(&c, seq, nik, status);
	assert_int_equal(store_put_cert(w, &c, 1, NULL, 0), STORE_OK);
	wcommit(w);
}

static void
test_open_reopen(void **state)
{
	struct fixture		*f = *state;
	struct store_stats	 st;
	struct stat		 sb;

	assert_int_equal(stat(f->dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(stat(f->dir, &sb), 0);
	put_one(f, 1, 0xaa, CERT_ACTIVE);
	reopen(f, 16 * MIB);
	reopen(f, 16 * MIB);
	assert_int_equal(store_stats(f->rd, &st), STORE_OK);
	assert_int_equal(st.certs, 1);
	assert_int_equal(st.map_size, 16 * MIB);
	store_close(NULL);
	store_rd_free(NULL);
	store_wabort(NULL);
}

static void
test_put_get(void **state)
{
	struct fixture		*f = *state;
	struct store_wtxn	*w = wbegin(f);
	struct cert		 c, got;
	uint8_t			 qr[300], *q = NULL;
	size_t			 qlen = 0, i;

	for (i = 0; i < sizeof(qr); i++)
		qr[i] = i * 7;
	make_cert(&c, 123, 0x11, CERT_PENDING);
	assert_int_equal(store_put_cert(w, &c, 1, qr, sizeof(qr)), STORE_OK);
	/* The writer sees its own write; a reader does not, until commit. */
	assert_int_equal(store_wget_cert(w, c.number, &got), STORE_OK);
	assert_int_equal(store_get_cert(f->rd, c.number, &got, NULL, NULL),
	    STORE_NOTFOUND);
	wcommit(w);
	reopen(f, 16 * MIB);
	memset(&got, 0xff, sizeof(got));
	assert_int_equal(store_get_cert(f->rd, c.number, &got, &q, &qlen),
	    STORE_OK);
	assert_memory_equal(&got, &c, sizeof(c));
	assert_int_equal(qlen, sizeof(qr));
	assert_memory_equal(q, qr, sizeof(qr));
	free(q);
	/* Replacing without a payload keeps the stored one. */
	w = wbegin(f);
	c.status = CERT_ACTIVE;
	assert_int_equal(store_put_cert(w, &c, 0, NULL, 0), STORE_OK);
	wcommit(w);
	assert_int_equal(store_get_cert(f->rd, c.number, &got, &q, &qlen),
	    STORE_OK);
	assert_int_equal(got.status, CERT_ACTIVE);
	assert_int_equal(qlen, sizeof(qr));
	assert_memory_equal(q, qr, sizeof(qr));
	free(q);
}

static void
test_get_unknown(void **state)
{
	struct fixture	*f = *state;
	struct cert	 c;
	uint8_t		*q = (uint8_t *)"x";
	size_t		 qlen = 9;

	put_one(f, 1, 0xaa, CERT_ACTIVE);
	assert_int_equal(store_get_cert(f->rd, "42101 8342 3 00000002 2025",
	    &c, &q, &qlen), STORE_NOTFOUND);
	assert_int_equal(store_get_cert(f->rd, "", &c, NULL, NULL),
	    STORE_NOTFOUND);
	assert_int_equal(store_get_cert(f->rd,
	    "42101 8342 3 00000001 2025 and far too long", &c, NULL, NULL),
	    STORE_NOTFOUND);
	/* A record without a payload: OK with no bytes. */
	assert_int_equal(store_get_cert(f->rd, "42101 8342 3 00000001 2025",
	    &c, &q, &qlen), STORE_OK);
	assert_null(q);
	assert_int_equal(qlen, 0);
}

static void
test_is_new_exists(void **state)
{
	struct fixture		*f = *state;
	struct store_wtxn	*w;
	struct cert		 c, got;

	put_one(f, 7, 0xaa, CERT_ACTIVE);
	w = wbegin(f);
	make_cert(&c, 7, 0xbb, CERT_REVOKED);
	strcpy(c.name, "Impostor");
	assert_int_equal(store_put_cert(w, &c, 1, NULL, 0), STORE_EXISTS);
	/* "exists" does not spoil the transaction. */
	make_cert(&c, 8, 0xaa, CERT_ACTIVE);
	assert_int_equal(store_put_cert(w, &c, 1, NULL, 0), STORE_OK);
	wcommit(w);
	assert_int_equal(store_get_cert(f->rd, "42101 8342 3 00000007 2025",
	    &got, NULL, NULL), STORE_OK);
	assert_string_equal(got.name, "Siti Nur'aini, S.T.");
	assert_int_equal(got.status, CERT_ACTIVE);
	assert_int_equal(store_get_cert(f->rd, "42101 8342 3 00000008 2025",
	    &got, NULL, NULL), STORE_OK);
}

static void
test_nik(void **state)
{
	struct fixture		*f = *state;
	struct store_wtxn	*w;
	struct cert		 c;
	char			 nums[4][CERT_NUMBER_LEN + 1];
	uint8_t			 h[CERT_HMAC_LEN];
	size_t			 n = 99;

	put_one(f, 5, 0x42, CERT_ACTIVE);
	put_one(f, 6, 0x43, CERT_ACTIVE);
	put_one(f, 3, 0x42, CERT_REPLACED);
	memset(h, 0x42, sizeof(h));
	assert_int_equal(store_find_nik(f->rd, h, nums, 4, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(nums[0], "42101 8342 3 00000003 2025");
	assert_string_equal(nums[1], "42101 8342 3 00000005 2025");
	/* max bounds the copy, not the count. */
	assert_int_equal(store_find_nik(f->rd, h, nums, 1, &n), STORE_OK);
	assert_int_equal(n, 2);
	memset(h, 0x44, sizeof(h));
	assert_int_equal(store_find_nik(f->rd, h, nums, 4, &n), STORE_OK);
	assert_int_equal(n, 0);
	/* Inside a write txn the index includes its own writes. */
	w = wbegin(f);
	make_cert(&c, 9, 0x44, CERT_PENDING);
	assert_int_equal(store_put_cert(w, &c, 1, NULL, 0), STORE_OK);
	assert_int_equal(store_wfind_nik(w, h, nums, 4, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(nums[0], c.number);
	store_wabort(w);
	assert_int_equal(store_find_nik(f->rd, h, nums, 4, &n), STORE_OK);
	assert_int_equal(n, 0);
}

static void
add_event(struct store_wtxn *w, uint32_t seq, const char *reason,
    uint64_t *evseq)
{
	struct cert_event	ev;

	memset(&ev, 0, sizeof(ev));
	make_number(ev.number, seq);
	ev.at = 1765800000 + *evseq;
	ev.kind = EVENT_STATUS;
	ev.status = CERT_SUSPENDED;
	strcpy(ev.actor, "CN=admin");
	strcpy(ev.serial, "01ab");
	snprintf(ev.reason, sizeof(ev.reason), "%s", reason);
	assert_int_equal(store_add_event(w, &ev), STORE_OK);
	*evseq = ev.seq;
}

static void
test_events(void **state)
{
	struct fixture		*f = *state;
	struct store_wtxn	*w = wbegin(f);
	struct cert_event	 evs[8];
	uint64_t		 s1 = 0, s2 = 0, s3 = 0, s4 = 0;
	size_t			 n = 99;

	add_event(w, 1, "first", &s1);
	add_event(w, 2, "other", &s2);
	add_event(w, 1, "second", &s3);
	wcommit(w);
	reopen(f, 16 * MIB);
	w = wbegin(f);
	add_event(w, 1, "third", &s4);
	wcommit(w);
	assert_true(s1 < s2 && s2 < s3 && s3 < s4);
	assert_int_equal(store_get_events(f->rd, "42101 8342 3 00000001 2025",
	    evs, 8, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(evs[0].reason, "first");
	assert_string_equal(evs[1].reason, "second");
	assert_string_equal(evs[2].reason, "third");
	assert_int_equal(evs[0].seq, s1);
	assert_int_equal(evs[2].seq, s4);
	assert_string_equal(evs[1].actor, "CN=admin");
	assert_int_equal(store_get_events(f->rd, "42101 8342 3 00000001 2025",
	    evs, 2, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(evs[1].reason, "second");
	assert_int_equal(store_get_events(f->rd, "42101 8342 3 00000009 2025",
	    evs, 8, &n), STORE_OK);
	assert_int_equal(n, 0);
}

static void
test_seq(void **state)
{
	struct fixture		*f = *state;
	struct store_wtxn	*w = wbegin(f);
	struct store_stats	 st;
	uint32_t		 a, b;

	assert_int_equal(store_next_seq(w, &a), STORE_OK);
	assert_int_equal(store_next_seq(w, &b), STORE_OK);
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	wcommit(w);
	reopen(f, 16 * MIB);
	assert_int_equal(store_stats(f->rd, &st), STORE_OK);
	assert_int_equal(st.next_seq, 3);
	w = wbegin(f);
	assert_int_equal(store_next_seq(w, &a), STORE_OK);
	assert_int_equal(a, 3);
	assert_int_equal(store_bump_seq(w, 100), STORE_OK);
	/* A lower value never lowers the counter. */
	assert_int_equal(store_bump_seq(w, 50), STORE_OK);
	assert_int_equal(store_next_seq(w, &a), STORE_OK);
	assert_int_equal(a, 101);
	store_wabort(w);
	/* Handed out, then aborted: still never handed out again. */
	w = wbegin(f);
	assert_int_equal(store_next_seq(w, &a), STORE_OK);
	assert_int_equal(a, 102);
	wcommit(w);
	reopen(f, 16 * MIB);
	w = wbegin(f);
	assert_int_equal(store_next_seq(w, &a), STORE_OK);
	assert_int_equal(a, 103);
	store_wabort(w);
}

static void
test_nested_abort(void **state)
{
	struct fixture		*f = *state;
	struct store_wtxn	*w = wbegin(f);
	struct cert		 c;
	char			 num[CERT_NUMBER_LEN + 1];
	uint32_t		 seq, lost;
	uint64_t		 ev = 0;
	size_t			 n;
	struct cert_event	 evs[2];

	assert_int_equal(store_wnest(w), STORE_OK);
	make_cert(&c, 1, 0x01, CERT_ACTIVE);
	assert_int_equal(store_put_cert(w, &c, 1, NULL, 0), STORE_OK);
	assert_int_equal(store_wunnest(w, 1), STORE_OK);

	assert_int_equal(store_wnest(w), STORE_OK);
	assert_int_equal(store_next_seq(w, &lost), STORE_OK);
	make_cert(&c, 2, 0x01, CERT_ACTIVE);
	assert_int_equal(store_put_cert(w, &c, 1, NULL, 0), STORE_OK);
	add_event(w, 2, "rolled back", &ev);
	assert_int_equal(store_idem_put(w, "job-2", c.number), STORE_OK);
	assert_int_equal(store_wunnest(w, 0), STORE_OK);
	assert_int_equal(store_wget_cert(w, c.number, &c), STORE_NOTFOUND);

	assert_int_equal(store_wnest(w), STORE_OK);
	assert_int_equal(store_next_seq(w, &seq), STORE_OK);
	assert_int_not_equal(seq, lost);
	make_cert(&c, 3, 0x01, CERT_ACTIVE);
	assert_int_equal(store_put_cert(w, &c, 1, NULL, 0), STORE_OK);
	assert_int_equal(store_wunnest(w, 1), STORE_OK);
	wcommit(w);

	make_number(num, 1);
	assert_int_equal(store_get_cert(f->rd, num, &c, NULL, NULL), STORE_OK);
	make_number(num, 2);
	assert_int_equal(store_get_cert(f->rd, num, &c, NULL, NULL),
	    STORE_NOTFOUND);
	assert_int_equal(store_get_events(f->rd, num, evs, 2, &n), STORE_OK);
	assert_int_equal(n, 0);
	make_number(num, 3);
	assert_int_equal(store_get_cert(f->rd, num, &c, NULL, NULL), STORE_OK);
	w = wbegin(f);
	assert_int_equal(store_idem_get(w, "job-2", num), STORE_NOTFOUND);
	store_wabort(w);
}

static void
test_idem(void **state)
{
	struct fixture		*f = *state;
	struct store_wtxn	*w = wbegin(f);
	char			 num[CERT_NUMBER_LEN + 1];

	assert_int_equal(store_idem_get(w, "batch-1/row-7", num),
	    STORE_NOTFOUND);
	assert_int_equal(store_idem_put(w, "batch-1/row-7",
	    "42101 8342 3 00000077 2025"), STORE_OK);
	assert_int_equal(store_idem_put(w, "batch-1/row-7",
	    "42101 8342 3 00000078 2025"), STORE_EXISTS);
	wcommit(w);
	reopen(f, 16 * MIB);
	w = wbegin(f);
	assert_int_equal(store_idem_get(w, "batch-1/row-7", num), STORE_OK);
	assert_string_equal(num, "42101 8342 3 00000077 2025");
	assert_int_equal(store_idem_get(w, "batch-1/row-8", num),
	    STORE_NOTFOUND);
	assert_int_equal(store_idem_put(w, "", num), STORE_ERROR);
	store_wabort(w);
}

static void
test_stats(void **state)
{
	struct fixture		*f = *state;
	struct store_wtxn	*w;
	struct store_stats	 st;
	struct cert		 c;
	uint64_t		 ev = 0;

	put_one(f, 1, 0x01, CERT_PENDING);
	put_one(f, 2, 0x02, CERT_PENDING);
	put_one(f, 3, 0x03, CERT_ACTIVE);
	w = wbegin(f);
	make_cert(&c, 1, 0x01, CERT_REVOKED);
	assert_int_equal(store_put_cert(w, &c, 0, NULL, 0), STORE_OK);
	make_cert(&c, 3, 0x03, CERT_ACTIVE);	/* same status again */
	assert_int_equal(store_put_cert(w, &c, 0, NULL, 0), STORE_OK);
	make_cert(&c, 4, 0x04, CERT_SUSPENDED);	/* upsert of a new one */
	assert_int_equal(store_put_cert(w, &c, 0, NULL, 0), STORE_OK);
	add_event(w, 1, "revoked", &ev);
	add_event(w, 4, "suspended", &ev);
	wcommit(w);
	assert_int_equal(store_stats(f->rd, &st), STORE_OK);
	assert_int_equal(st.certs, 4);
	assert_int_equal(st.events, 2);
	assert_int_equal(st.by_status[CERT_PENDING], 1);
	assert_int_equal(st.by_status[CERT_ACTIVE], 1);
	assert_int_equal(st.by_status[CERT_SUSPENDED], 1);
	assert_int_equal(st.by_status[CERT_REVOKED], 1);
	assert_int_equal(st.by_status[CERT_REPLACED], 0);
	assert_int_equal(st.map_size, 16 * MIB);
	assert_true(st.map_used >= 4 * 4096 && st.map_used < st.map_size);
}

static void
test_map_full(void **state)
{
	struct fixture		*f = *state;
	struct store_wtxn	*w;
	struct cert		 c;
	static uint8_t		 qr[8192];
	char			 err[256];
	uint32_t		 i, ok = 0;
	int			 rc = STORE_OK;

	reopen(f, 256 * 1024);
	for (i = 1; i < 1000 && rc == STORE_OK; i++) {
		w = wbegin(f);
		make_cert(&c, i, 0x01, CERT_ACTIVE);
		rc = store_put_cert(w, &c, 1, qr, sizeof(qr));
		err[0] = '\0';
		/* A put that failed spoils the txn: the commit reports it. */
		rc = store_wcommit(w, err, sizeof(err));
		if (rc == STORE_OK)
			ok = i;
	}
	assert_int_equal(rc, STORE_FULL);
	assert_string_equal(err, "store full (map_size 256 KiB reached)");
	assert_true(ok > 3);
	/* Readers keep working. */
	make_number(c.number, ok);
	assert_int_equal(store_get_cert(f->rd, c.number, &c, NULL, NULL),
	    STORE_OK);
	make_number(c.number, 1);
	assert_int_equal(store_get_cert(f->rd, c.number, &c, NULL, NULL),
	    STORE_OK);
	reopen(f, 4 * MIB);
	put_one(f, ok + 1, 0x02, CERT_ACTIVE);
	make_number(c.number, ok + 1);
	assert_int_equal(store_get_cert(f->rd, c.number, &c, NULL, NULL),
	    STORE_OK);
}

static void
test_open_errors(void **state)
{
	struct fixture		*f = *state;
	struct store_opts	 o = { NULL, MIB, 16, 1 };
	char			 path[128], want[192], err[256];
	FILE			*fp;

	snprintf(path, sizeof(path), "%s/plain", f->top);
	assert_non_null(fp = fopen(path, "w"));
	fclose(fp);
	o.dir = path;
	err[0] = '\0';
	assert_null(store_open(&o, err, sizeof(err)));
	snprintf(want, sizeof(want), "'%s': Not a directory", path);
	assert_string_equal(err, want);
}

/* The error text of an open as an unprivileged user, into err. */
static void
open_as_nobody(struct store_opts *o, char *err, size_t errlen)
{
	struct store	*s;
	ssize_t		 n;
	pid_t		 pid;
	int		 p[2], status;

	assert_int_equal(pipe(p), 0);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		close(p[0]);
		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(1);
		err[0] = '\0';
		if ((s = store_open(o, err, errlen)) != NULL)
			snprintf(err, errlen, "opened");
		store_close(s);
		n = write(p[1], err, strlen(err));
		_exit(n == -1);
	}
	close(p[1]);
	n = read(p[0], err, errlen - 1);
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	assert_true(n > 0);
	err[n] = '\0';
}

static void
test_permission(void **state)
{
	struct fixture		*f = *state;
	struct store_opts	 o = { NULL, MIB, 16, 1 };
	char			 path[128], want[192], err[256] = "";

	snprintf(path, sizeof(path), "%s/denied", f->top);
	o.dir = path;
	assert_int_equal(chmod(f->top, 0500), 0);
	/* Root ignores the mode: try as nobody instead. */
	if (geteuid() == 0)
		open_as_nobody(&o, err, sizeof(err));
	else
		assert_null(store_open(&o, err, sizeof(err)));
	snprintf(want, sizeof(want), "'%s': Permission denied", path);
	assert_string_equal(err, want);
}

/* Writes meta "version" as a later skkd would, with LMDB directly. */
static void
test_future_version(void **state)
{
	struct fixture	*f = *state;
	struct store_opts o = { f->dir, 16 * MIB, 16, 1 };
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_val		 k = { 7, "version" };
	MDB_val		 d = { 8, "\0\0\0\0\0\0\0\7" };
	char		 err[256] = "";

	store_rd_free(f->rd);
	store_close(f->s);
	f->rd = NULL;
	f->s = NULL;
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 8), 0);
	assert_int_equal(mdb_env_open(env, f->dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &k, &d, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	assert_null(store_open(&o, err, sizeof(err)));
	assert_string_equal(err, "store: format version 7 not supported");
}

static void
test_strerror(void **state)
{
	assert_string_equal(store_strerror(STORE_NOTFOUND), "not found");
	assert_string_equal(store_strerror(STORE_EXISTS), "already exists");
	assert_non_null(strstr(store_strerror(STORE_FULL), "full"));
	assert_string_equal(store_strerror(STORE_ERROR), "store error");
}

static uint8_t	t_qr[3000];

/* One big txn: 2,000 records with 3 KB payloads, some 8 MB of pages. */
static void
put_many(struct fixture *f, uint32_t first)
{
	struct store_wtxn	*w = wbegin(f);
	struct cert		 c;
	uint32_t		 i;

	for (i = first; i < first + 2000; i++) {
		make_cert(&c, i, (uint8_t)i, CERT_ACTIVE);
		assert_int_equal(store_put_cert(w, &c, 1, t_qr, sizeof(t_qr)),
		    STORE_OK);
	}
	wcommit(w);
}

struct trim_reader {
	struct store	*s;
	volatile int	*stop;
	unsigned long	 reads, errors;
};

/* Reads record 1 and the stats in a loop, as a worker thread would. */
static void *
trim_read_cb(void *arg)
{
	struct trim_reader	*t = arg;
	struct store_rd		*rd;
	struct store_stats	 st;
	struct cert		 c;
	char			 number[CERT_NUMBER_LEN + 1];
	uint8_t			*q;
	size_t			 qlen;

	if ((rd = store_rd_new(t->s)) == NULL) {
		t->errors++;
		return NULL;
	}
	make_number(number, 1);
	while (!__atomic_load_n(t->stop, __ATOMIC_ACQUIRE)) {
		if (store_get_cert(rd, number, &c, &q, &qlen) != STORE_OK ||
		    qlen != 3000 || store_stats(rd, &st) != STORE_OK ||
		    st.certs < 2000)
			t->errors++;
		else
			free(q);
		t->reads++;
	}
	store_rd_free(rd);
	return NULL;
}

static void
test_trim(void **state)
{
	struct fixture		*f = *state;
	struct trim_reader	 t[3];
	pthread_t		 th[3];
	struct store_wtxn	*w;
	struct cert		 c;
	volatile int		 stop = 0;
	char			 err[256];
	size_t			 freed;
	uint32_t		 seq;
	int			 i;

	reopen(f, 256 * MIB);
	w = wbegin(f);
	assert_int_equal(store_bump_seq(w, 90000), STORE_OK);
	wcommit(w);
	assert_int_equal(store_trim(f->s, &freed, err, sizeof(err)),
	    STORE_NOTFOUND);
	put_many(f, 1);
	for (i = 0; i < 3; i++) {
		t[i] = (struct trim_reader){ f->s, &stop, 0, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, trim_read_cb,
		    &t[i]), 0);
	}
	for (i = 0; i < 6; i++) {
		err[0] = '\0';
		if (store_trim(f->s, &freed, err, sizeof(err)) != STORE_OK)
			fail_msg("trim: %s", err);
		assert_true(freed >= 4 * MIB);
		assert_int_equal(store_trim(f->s, &freed, err, sizeof(err)),
		    STORE_NOTFOUND);
		put_many(f, 2001 + i * 2000);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		assert_true(t[i].reads > 0);
		assert_int_equal(t[i].errors, 0);
	}
	/* A big txn that does not commit dirtied its pages all the same. */
	w = wbegin(f);
	for (seq = 50000; seq < 52000; seq++) {
		make_cert(&c, seq, 0x02, CERT_ACTIVE);
		assert_int_equal(store_put_cert(w, &c, 1, t_qr, sizeof(t_qr)),
		    STORE_OK);
	}
	store_wabort(w);
	assert_int_equal(store_trim(f->s, &freed, err, sizeof(err)),
	    STORE_OK);
	/* The fixture's reader and the SEQ counter outlive the reopens. */
	make_number(c.number, 12000);
	assert_int_equal(store_get_cert(f->rd, c.number, &c, NULL, NULL),
	    STORE_OK);
	w = wbegin(f);
	assert_int_equal(store_next_seq(w, &seq), STORE_OK);
	assert_int_equal(seq, 90001);
	store_wabort(w);
}

/* Out of descriptors for good: the store panics instead of hanging. */
static void
test_trim_fails(void **state)
{
	struct fixture	*f = *state;
	struct rlimit	 rl, low = { 3, 3 };
	struct store_wtxn *w;
	struct cert	 c;
	char		 err[256] = "";
	size_t		 freed;

	reopen(f, 256 * MIB);
	put_many(f, 1);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low.rlim_max = rl.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	assert_int_equal(store_trim(f->s, &freed, err, sizeof(err)),
	    STORE_ERROR);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_non_null(strstr(err, "Too many open files"));
	assert_true(store_panicked(f->s));
	make_number(c.number, 1);
	assert_int_equal(store_get_cert(f->rd, c.number, &c, NULL, NULL),
	    STORE_ERROR);
	assert_int_equal(store_wbegin(f->s, &w, err, sizeof(err)),
	    STORE_ERROR);
}


/* What a status walk saw, in the order it saw it. */
struct walk {
	struct store_status	st[16];
	size_t			n;
};

static int
walk_cb(const struct store_status *st, void *arg)
{
	struct walk	*wk = arg;

	if (wk->n < 16)
		wk->st[wk->n] = *st;
	wk->n++;
	return 0;
}

static uint32_t
idx_of(struct fixture *f, uint32_t seq)
{
	char		num[CERT_NUMBER_LEN + 1];
	uint32_t	idx = 77;

	make_number(num, seq);
	assert_int_equal(store_get_status_idx(f->rd, num, &idx), STORE_OK);
	return idx;
}

/* Indices count from 0 in the order of issue, not of numbers. */
static void
test_status_idx(void **state)
{
	struct fixture		*f = *state;
	struct store_wtxn	*w;
	struct cert		 c;
	struct walk		 wk = { .n = 0 };
	char			 num[CERT_NUMBER_LEN + 1];
	uint32_t		 idx;

	put_one(f, 30, 0x01, CERT_ACTIVE);
	put_one(f, 10, 0x02, CERT_PENDING);
	put_one(f, 20, 0x03, CERT_ACTIVE);
	assert_int_equal(idx_of(f, 30), 0);
	assert_int_equal(idx_of(f, 10), 1);
	assert_int_equal(idx_of(f, 20), 2);
	make_number(num, 40);
	assert_int_equal(store_get_status_idx(f->rd, num, &idx),
	    STORE_NOTFOUND);

	/* A status change keeps the index and updates its record. */
	w = wbegin(f);
	assert_int_equal(store_wget_cert(w, "42101 8342 3 00000030 2025", &c),
	    STORE_OK);
	c.status = CERT_REVOKED;
	assert_int_equal(store_put_cert(w, &c, 0, NULL, 0), STORE_OK);
	/* Asking for an existing number's index does not allocate. */
	assert_int_equal(store_status_idx(w, c.number, &idx), STORE_OK);
	assert_int_equal(idx, 0);
	wcommit(w);
	assert_int_equal(idx_of(f, 30), 0);

	assert_int_equal(store_status_foreach(f->rd, walk_cb, &wk), STORE_OK);
	assert_int_equal(wk.n, 3);
	assert_int_equal(wk.st[0].idx, 0);
	assert_string_equal(wk.st[0].number, "42101 8342 3 00000030 2025");
	assert_int_equal(wk.st[0].status, CERT_REVOKED);
	assert_int_equal(wk.st[0].expires, 20438 + 1825);
	assert_int_equal(wk.st[1].idx, 1);
	assert_int_equal(wk.st[1].status, CERT_PENDING);
	assert_int_equal(wk.st[2].idx, 2);
	assert_string_equal(wk.st[2].number, "42101 8342 3 00000020 2025");

	wk.n = 0;
	assert_int_equal(store_status_numbers(f->rd, walk_cb, &wk), STORE_OK);
	assert_int_equal(wk.n, 3);
	assert_string_equal(wk.st[0].number, "42101 8342 3 00000010 2025");
	assert_int_equal(wk.st[0].idx, 1);
	assert_string_equal(wk.st[2].number, "42101 8342 3 00000030 2025");
	assert_int_equal(wk.st[2].idx, 0);
}

/*
 * An index allocated in a job that rolls back was never committed: the
 * next one may take it. One that committed is never handed out again,
 * across reopens.
 */
static void
test_status_idx_rollback(void **state)
{
	struct fixture		*f = *state;
	struct store_wtxn	*w;
	struct cert		 c;
	uint32_t		 idx;

	put_one(f, 1, 0x01, CERT_ACTIVE);
	w = wbegin(f);
	assert_int_equal(store_wnest(w), STORE_OK);
	assert_int_equal(store_status_idx(w, "42101 8342 3 00000002 2025",
	    &idx), STORE_OK);
	assert_int_equal(idx, 1);
	make_cert(&c, 2, 0x02, CERT_ACTIVE);
	assert_int_equal(store_put_cert(w, &c, 1, NULL, 0), STORE_OK);
	assert_int_equal(store_wunnest(w, 0), STORE_OK);
	assert_int_equal(store_wnest(w), STORE_OK);
	make_cert(&c, 3, 0x03, CERT_ACTIVE);
	assert_int_equal(store_put_cert(w, &c, 1, NULL, 0), STORE_OK);
	assert_int_equal(store_wunnest(w, 1), STORE_OK);
	wcommit(w);
	assert_int_equal(idx_of(f, 3), 1);
	reopen(f, 16 * MIB);
	put_one(f, 2, 0x02, CERT_ACTIVE);
	assert_int_equal(idx_of(f, 1), 0);
	assert_int_equal(idx_of(f, 3), 1);
	assert_int_equal(idx_of(f, 2), 2);
}

/* Drops the status tables and counter, as a store of an older skkd. */
static void
strip_status(struct fixture *f)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_val		 k = { 11, "status_next" };

	store_rd_free(f->rd);
	store_close(f->s);
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 16), 0);
	assert_int_equal(mdb_env_open(env, f->dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "status_idx", 0, &dbi), 0);
	assert_int_equal(mdb_drop(txn, dbi, 1), 0);
	assert_int_equal(mdb_dbi_open(txn, "status_num", 0, &dbi), 0);
	assert_int_equal(mdb_drop(txn, dbi, 1), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	assert_int_equal(mdb_del(txn, dbi, &k, NULL), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	f->s = open_store(f, 16 * MIB);
	assert_non_null(f->rd = store_rd_new(f->s));
}

/* A store made before indices: its certificates get them in number order. */
static void
test_status_backfill(void **state)
{
	struct fixture		*f = *state;
	struct store_wtxn	*w;
	struct cert		 c;
	struct walk		 wk = { .n = 0 };

	put_one(f, 30, 0x01, CERT_ACTIVE);
	put_one(f, 10, 0x02, CERT_SUSPENDED);
	put_one(f, 20, 0x03, CERT_ACTIVE);
	strip_status(f);
	assert_int_equal(idx_of(f, 10), 0);
	assert_int_equal(idx_of(f, 20), 1);
	assert_int_equal(idx_of(f, 30), 2);
	assert_int_equal(store_status_foreach(f->rd, walk_cb, &wk), STORE_OK);
	assert_int_equal(wk.n, 3);
	assert_int_equal(wk.st[0].status, CERT_SUSPENDED);
	assert_int_equal(wk.st[0].expires, 20438 + 1825);
	/* Once only: a reopen changes nothing, new ones come after. */
	reopen(f, 16 * MIB);
	put_one(f, 5, 0x04, CERT_ACTIVE);
	assert_int_equal(idx_of(f, 10), 0);
	assert_int_equal(idx_of(f, 30), 2);
	assert_int_equal(idx_of(f, 5), 3);
	/* A store only partly covered: the rest after the counter. */
	w = wbegin(f);
	make_cert(&c, 1, 0x05, CERT_ACTIVE);
	assert_int_equal(store_put_cert(w, &c, 1, NULL, 0), STORE_OK);
	wcommit(w);
	assert_int_equal(idx_of(f, 1), 4);
}

/* The certificates named by events from a sequence number on, as now. */
static void
test_status_since(void **state)
{
	struct fixture		*f = *state;
	struct store_wtxn	*w;
	struct cert		 c;
	struct walk		 wk = { .n = 0 };
	uint64_t		 ev = 0, next = 0, mark;

	put_one(f, 1, 0x01, CERT_ACTIVE);
	put_one(f, 2, 0x02, CERT_ACTIVE);
	assert_int_equal(store_status_since(f->rd, 1, walk_cb, &wk, &next),
	    STORE_OK);
	assert_int_equal(wk.n, 0);
	assert_int_equal(next, 1);
	w = wbegin(f);
	add_event(w, 1, "issued", &ev);
	wcommit(w);
	mark = ev + 1;
	w = wbegin(f);
	assert_int_equal(store_wget_cert(w, "42101 8342 3 00000002 2025", &c),
	    STORE_OK);
	c.status = CERT_SUSPENDED;
	assert_int_equal(store_put_cert(w, &c, 0, NULL, 0), STORE_OK);
	add_event(w, 2, "suspended", &ev);
	wcommit(w);
	assert_int_equal(store_status_since(f->rd, mark, walk_cb, &wk, &next),
	    STORE_OK);
	assert_int_equal(next, ev + 1);
	assert_int_equal(wk.n, 1);
	assert_string_equal(wk.st[0].number, "42101 8342 3 00000002 2025");
	assert_int_equal(wk.st[0].idx, 1);
	assert_int_equal(wk.st[0].status, CERT_SUSPENDED);
	wk.n = 0;
	assert_int_equal(store_status_since(f->rd, 1, walk_cb, &wk, &next),
	    STORE_OK);
	assert_int_equal(wk.n, 2);
	wk.n = 0;
	assert_int_equal(store_status_since(f->rd, next, walk_cb, &wk, &next),
	    STORE_OK);
	assert_int_equal(wk.n, 0);
}

/* A held snapshot does not see a commit made meanwhile. */
static void
test_rd_hold(void **state)
{
	struct fixture	*f = *state;
	struct walk	 wk = { .n = 0 };
	uint32_t	 idx;

	put_one(f, 1, 0x01, CERT_ACTIVE);
	assert_int_equal(store_rd_hold(f->rd), STORE_OK);
	assert_int_equal(store_rd_hold(f->rd), STORE_ERROR);
	put_one(f, 2, 0x02, CERT_ACTIVE);
	assert_int_equal(store_status_foreach(f->rd, walk_cb, &wk), STORE_OK);
	assert_int_equal(wk.n, 1);
	assert_int_equal(store_get_status_idx(f->rd,
	    "42101 8342 3 00000002 2025", &idx), STORE_NOTFOUND);
	store_rd_release(f->rd);
	assert_int_equal(idx_of(f, 2), 1);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_reopen),
		T(test_put_get),
		T(test_get_unknown),
		T(test_is_new_exists),
		T(test_nik),
		T(test_events),
		T(test_seq),
		T(test_nested_abort),
		T(test_idem),
		T(test_stats),
		T(test_map_full),
		T(test_open_errors),
		T(test_permission),
		T(test_future_version),
		T(test_strerror),
		T(test_trim),
		T(test_trim_fails),
		T(test_status_idx),
		T(test_status_idx_rollback),
		T(test_status_backfill),
		T(test_status_since),
		T(test_rd_hold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
