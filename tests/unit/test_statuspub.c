/* skkd — SPDX-License-Identifier: ISC */
/*
 * Unit tests of daemon/statuspub.c on a real store in a temporary
 * directory: statuspub_once (what skkd publish writes) gives, for every
 * list in use, a status list and number map that proto/statuslist.c
 * opens with the log key, with each certificate's entry at its index:
 * revoked, suspended, pending, replaced, expired (by date, but not when
 * final), none past the last index; and a list boundary crossed by
 * setting the store's index counter just below 2^20.
 */

#include <sys/stat.h>

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <lmdb.h>

#include "conf.h"
#include "statuslist.h"
#include "statuspub.h"
#include "store.h"
#include "tlog.h"

#define HOST	"skk.example:8443"

struct fixture {
	char		 top[64];
	char		 dir[96];
	struct store	*s;
	struct tlog	 log;
	struct conf	 conf;
	/* What statuspub_once handed out, by list and kind. */
	uint8_t		*doc[2][SP_KINDS];
	size_t		 len[2][SP_KINDS];
	int		 ndocs;
};

static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void
open_store(struct fixture *f)
{
	struct store_opts	o = { f->dir, 64 << 20, 16, 1 };
	char			err[256] = "";

	if ((f->s = store_open(&o, err, sizeof(err))) == NULL)
		fail_msg("store_open: %s", err);
}

static int
setup(void **state)
{
	static const uint8_t	 seed[SIGN_SEED_LEN] = { 7, 7, 7 };
	struct fixture		*f;

	f = calloc(1, sizeof(*f));
	snprintf(f->top, sizeof(f->top), "/tmp/skk-spub-XXXXXX");
	if (mkdtemp(f->top) == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/db", f->top);
	open_store(f);
	f->log.key.key = sign_key_from_seed(seed);
	snprintf(f->conf.public_host, sizeof(f->conf.public_host), HOST);
	f->conf.status_interval = 300;
	f->conf.status_validity = 86400;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	int		 i, k;

	for (i = 0; i < 2; i++)
		for (k = 0; k < SP_KINDS; k++)
			free(f->doc[i][k]);
	store_close(f->s);
	sign_key_free(f->log.key.key);
	nftw(f->top, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* A certificate numbered seq, with status and last valid day. */
static void
put(struct fixture *f, uint32_t seq, int status, int32_t expires)
{
	struct store_wtxn	*w;
	struct cert		 c;
	char			 err[256];

	memset(&c, 0, sizeof(c));
	snprintf(c.number, sizeof(c.number), "42101 8342 3 %08u 2025", seq);
	memset(c.nik_hmac, (int)seq, sizeof(c.nik_hmac));
	c.issued = 20000;
	c.expires = expires;
	c.status = status;
	assert_int_equal(store_wbegin(f->s, &w, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_put_cert(w, &c, 1, NULL, 0), STORE_OK);
	assert_int_equal(store_wcommit(w, err, sizeof(err)), STORE_OK);
}

static int
collect(const char *path, const uint8_t *buf, size_t len, void *arg,
    char *err, size_t errlen)
{
	struct fixture	*f = arg;
	unsigned	 n;
	int		 kind;

	if (sscanf(path, "status/%u", &n) == 1)
		kind = SP_STATUS;
	else if (sscanf(path, "numbers/%u", &n) == 1)
		kind = SP_NUMBERS;
	else
		return -1;
	if (n > 1)
		return -1;
	f->doc[n][kind] = malloc(len);
	memcpy(f->doc[n][kind], buf, len);
	f->len[n][kind] = len;
	f->ndocs++;
	return 0;
}

static void
publish(struct fixture *f)
{
	struct store_rd	*rd;
	char		 err[256] = "";

	assert_non_null(rd = store_rd_new(f->s));
	if (statuspub_once(rd, &f->log, &f->conf, collect, f, err,
	    sizeof(err)) == -1)
		fail_msg("statuspub_once: %s", err);
	store_rd_free(rd);
}

static void
open_list(struct fixture *f, uint32_t n, struct sl_list *l)
{
	char	err[256] = "";

	assert_non_null(f->doc[n][SP_STATUS]);
	if (sl_open(f->doc[n][SP_STATUS], f->len[n][SP_STATUS], f->log.key.key,
	    HOST, n, l, err, sizeof(err)) != 0)
		fail_msg("sl_open: %s", err);
}

/* Every status, and expiry by date except for final ones. */
static void
test_entries(void **state)
{
	struct fixture		*f = *state;
	struct sl_list		 l;
	struct sl_numbers	 nm;
	int32_t			 today = date_today(time(NULL));
	char			 err[256] = "";
	uint32_t		 idx;

	put(f, 5, CERT_ACTIVE, today + 10);		/* 0 */
	put(f, 3, CERT_REVOKED, today + 10);		/* 1 */
	put(f, 9, CERT_SUSPENDED, today + 10);		/* 2 */
	put(f, 1, CERT_PENDING, today + 10);		/* 3 */
	put(f, 2, CERT_REPLACED, today + 10);		/* 4 */
	put(f, 8, CERT_ACTIVE, today - 1);		/* 5: expired */
	put(f, 7, CERT_REVOKED, today - 1);		/* 6: stays revoked */
	put(f, 6, CERT_ACTIVE, today);			/* 7: its last day */
	publish(f);
	assert_int_equal(f->ndocs, 2);
	open_list(f, 0, &l);
	assert_int_equal(sl_list_get(&l, 0), SL_VALID);
	assert_int_equal(sl_list_get(&l, 1), SL_REVOKED);
	assert_int_equal(sl_list_get(&l, 2), SL_SUSPENDED);
	assert_int_equal(sl_list_get(&l, 3), SL_PENDING);
	assert_int_equal(sl_list_get(&l, 4), SL_REPLACED);
	assert_int_equal(sl_list_get(&l, 5), SL_EXPIRED);
	assert_int_equal(sl_list_get(&l, 6), SL_REVOKED);
	assert_int_equal(sl_list_get(&l, 7), SL_VALID);
	assert_int_equal(sl_list_get(&l, 8), SL_NONE);
	assert_int_equal(l.h.exp - l.h.iat, 86400);
	assert_int_equal(l.h.ttl, 300);
	sl_list_release(&l);

	if (sl_numbers_open(f->doc[0][SP_NUMBERS], f->len[0][SP_NUMBERS],
	    f->log.key.key, HOST, 0, &nm, err, sizeof(err)) != 0)
		fail_msg("sl_numbers_open: %s", err);
	assert_int_equal(nm.count, 8);
	assert_int_equal(sl_numbers_find(&nm, "42101 8342 3 00000001 2025",
	    &idx), 0);
	assert_int_equal(idx, 3);
	assert_int_equal(sl_numbers_find(&nm, "4210183423000000092025",
	    &idx), 0);
	assert_int_equal(idx, 2);
	assert_int_equal(sl_numbers_find(&nm, "42101 8342 3 00000004 2025",
	    &idx), -1);
	sl_numbers_release(&nm);
}

/* Sets the store's next status index, as a store grown that far. */
static void
set_next(struct fixture *f, uint64_t next)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_val		 k = { 11, "status_next" }, d;
	uint8_t		 b[8];
	int		 i;

	store_close(f->s);
	for (i = 7; i >= 0; i--, next >>= 8)
		b[i] = next & 0xff;
	d.mv_size = 8;
	d.mv_data = b;
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 16), 0);
	assert_int_equal(mdb_env_set_mapsize(env, 64 << 20), 0);
	assert_int_equal(mdb_env_open(env, f->dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &k, &d, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	open_store(f);
}

/* Index 2^20 - 1 ends list 0, 2^20 starts list 1, with its own map. */
static void
test_two_lists(void **state)
{
	struct fixture		*f = *state;
	struct sl_list		 l;
	struct sl_numbers	 nm;
	int32_t			 today = date_today(time(NULL));
	char			 err[256] = "";
	uint32_t		 idx;

	put(f, 1, CERT_ACTIVE, today + 10);		/* 0 */
	set_next(f, SL_PER_LIST - 1);
	put(f, 2, CERT_SUSPENDED, today + 10);		/* 2^20 - 1 */
	put(f, 3, CERT_REVOKED, today + 10);		/* 2^20 */
	publish(f);
	assert_int_equal(f->ndocs, 4);
	open_list(f, 0, &l);
	assert_int_equal(l.count, SL_PER_LIST);
	assert_int_equal(sl_list_get(&l, 0), SL_VALID);
	assert_int_equal(sl_list_get(&l, 1), SL_NONE);
	assert_int_equal(sl_list_get(&l, SL_PER_LIST - 2), SL_NONE);
	assert_int_equal(sl_list_get(&l, SL_PER_LIST - 1), SL_SUSPENDED);
	sl_list_release(&l);
	open_list(f, 1, &l);
	assert_int_equal(sl_list_get(&l, SL_PER_LIST), SL_REVOKED);
	assert_int_equal(sl_list_get(&l, SL_PER_LIST + 1), SL_NONE);
	assert_int_equal(sl_list_get(&l, 0), SL_NONE);
	sl_list_release(&l);
	if (sl_numbers_open(f->doc[1][SP_NUMBERS], f->len[1][SP_NUMBERS],
	    f->log.key.key, HOST, 1, &nm, err, sizeof(err)) != 0)
		fail_msg("sl_numbers_open: %s", err);
	assert_int_equal(nm.count, 1);
	assert_int_equal(sl_numbers_find(&nm, "42101 8342 3 00000003 2025",
	    &idx), 0);
	assert_int_equal(idx, SL_PER_LIST);
	sl_numbers_release(&nm);
	if (sl_numbers_open(f->doc[0][SP_NUMBERS], f->len[0][SP_NUMBERS],
	    f->log.key.key, HOST, 0, &nm, err, sizeof(err)) != 0)
		fail_msg("sl_numbers_open: %s", err);
	assert_int_equal(nm.count, 2);
	sl_numbers_release(&nm);
}

/* No certificate yet: list 0 all the same, empty. */
static void
test_empty(void **state)
{
	struct fixture	*f = *state;
	struct sl_list	 l;

	publish(f);
	assert_int_equal(f->ndocs, 2);
	open_list(f, 0, &l);
	assert_int_equal(l.count, 0);
	assert_int_equal(sl_list_get(&l, 0), SL_NONE);
	sl_list_release(&l);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_entries),
		T(test_two_lists),
		T(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
