/* skkd — SPDX-License-Identifier: ISC */
/*
 * Certificate rules: every validation rule passes and fails with an error
 * that names its field, calendar arithmetic, default expiry, the verdict
 * for every status and date, names, the job table and number helpers.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cert.h"

static int32_t	day_of(const char *);
static void	cert_sample(struct cert *);
static void	expect_ok(const struct cert *);
static void	expect_err(const struct cert *, const char *);

static int32_t
day_of(const char *s)
{
	int32_t	d = -1;

	assert_int_equal(date_parse(s, &d), 0);
	return d;
}

/* A complete, valid record: a Bulldozer operator at jenjang 3. */
static void
cert_sample(struct cert *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->number, "42101 8342 3 00000123 2025");
	strcpy(c->lsp_regno, "F 12345 00042 2025");
	strcpy(c->blank_no, "BNSP-0001234");
	strcpy(c->name, "Siti Nur'aini");
	memset(c->nik_hmac, 0xab, sizeof(c->nik_hmac));
	strcpy(c->job_code, "ME063096");
	cert_fill_job(c);
	c->nunits = 2;
	strcpy(c->units[0], "F.45ALT00.001.1");
	strcpy(c->units[1], "F.45ALT00.002.1");
	strcpy(c->issuer_name, "LSP Konstruksi Jambi");
	strcpy(c->issuer_licence, "BNSP-LSP-1234-ID");
	strcpy(c->organiser, "Dinas PUPR Kab. Muaro Jambi");
	strcpy(c->event, "BIMTEK Operator Alat Berat, 2025-12-15");
	c->assessed = day_of("2025-12-13");
	strcpy(c->assess_place, "Sengeti");
	c->issued = day_of("2025-12-15");
	c->expires = cert_default_expiry(c->issued);
	c->status = CERT_ACTIVE;
}

static void
expect_ok(const struct cert *c)
{
	char	err[CERT_ERR_MAX] = "";
	int	rv;

	rv = cert_validate(c, err, sizeof(err));
	if (rv != 0)
		print_error("unexpected: %s\n", err);
	assert_int_equal(rv, 0);
}

/* want: the exact message, or a prefix when it ends in ':' or '*'. */
static void
expect_err(const struct cert *c, const char *want)
{
	char	err[CERT_ERR_MAX] = "";
	size_t	n = strlen(want);

	assert_int_equal(cert_validate(c, err, sizeof(err)), -1);
	if (want[n - 1] == '*')
		assert_memory_equal(err, want, n - 1);
	else if (want[n - 1] == ':')
		assert_memory_equal(err, want, n);
	else
		assert_string_equal(err, want);
}

static void
test_sample_valid(void **state)
{
	struct cert	c;

	cert_sample(&c);
	expect_ok(&c);
	assert_string_equal(c.job_title_id, "Operator Bulldozer");
	assert_int_equal(c.jenjang, 3);
}

static void
test_names_accepted(void **state)
{
	static const char *const ok[] = {
		"Sukarno", "Siti Nur'aini", "I Gusti Ngurah Rai",
		"Dr. H. Andi, S.T.", "Zoë Ṣaputra", "Nguyễn Thị Minh",
		"Nyoman O’Brien", "Ahmad bin Abdul-Rahman", "A",
		/* Next to the refused ranges, but visible. */
		"Budi\xe2\x80\x90Santoso", "Jose\xcc\x81", "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf",
		"\xe2\x80\x98" "Ani\xe2\x80\x99",
	};
	char	err[CERT_ERR_MAX], name[CERT_NAME_MAX + 2];
	size_t	i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_int_equal(cert_check_name(ok[i], err, sizeof(err)), 0);
	/* 60 two-byte letters: exactly 120 bytes. */
	name[0] = '\0';
	for (i = 0; i < 60; i++)
		strcat(name, "\xc4\x81");
	assert_int_equal(strlen(name), 120);
	assert_int_equal(cert_check_name(name, err, sizeof(err)), 0);
	memmove(name + 1, name, 121);
	name[0] = 'A';
	assert_int_equal(strlen(name), 121);
	assert_int_equal(cert_check_name(name, err, sizeof(err)), -1);
	assert_string_equal(err, "name: longer than 120 bytes");
}

static void
test_names_rejected(void **state)
{
	static const struct {
		const char	*name;
		const char	*err;
	} bad[] = {
		{ "", "name: empty" },
		{ " Budi", "name: leading whitespace" },
		{ "Budi ", "name: trailing whitespace" },
		{ "\xc2\xa0" "Budi", "name: leading whitespace" },
		{ "   ", "name: only whitespace" },
		{ "\xe3\x80\x80", "name: only whitespace" },
		{ "Bu\x01" "di", "name: control character at byte 2" },
		{ "Bu\tdi", "name: control character at byte 2" },
		{ "Budi\x7f", "name: control character at byte 4" },
		{ "Bud\xc2\x85i", "name: control character at byte 3" },
		{ "Bud\xc2\x9fi", "name: control character at byte 3" },
		{ "Siti Nu\xc0\xaf", "name: invalid UTF-8 at byte 7" },
		/* Renders as "Siti Nur" + "ini'a" reversed: another name. */
		{ "Siti Nur\xe2\x80\xae" "ini'a", "name: invisible or "
		    "direction-changing character U+202E at byte 8" },
		{ "\xe2\x80\xaa" "Budi", "name: invisible or "
		    "direction-changing character U+202A at byte 0" },
		{ "Bu\xe2\x81\xa6" "di", "name: invisible or "
		    "direction-changing character U+2066 at byte 2" },
		{ "Bu\xe2\x81\xa9" "di", "name: invisible or "
		    "direction-changing character U+2069 at byte 2" },
		{ "Bu\xe2\x80\x8b" "di", "name: invisible or "
		    "direction-changing character U+200B at byte 2" },
		{ "Bu\xe2\x80\x8d" "di", "name: invisible or "
		    "direction-changing character U+200D at byte 2" },
		{ "Bu\xe2\x80\x8f" "di", "name: invisible or "
		    "direction-changing character U+200F at byte 2" },
		{ "Bu\xe2\x81\xa0" "di", "name: invisible or "
		    "direction-changing character U+2060 at byte 2" },
		{ "Bu\xe2\x81\xa4" "di", "name: invisible or "
		    "direction-changing character U+2064 at byte 2" },
		{ "\xef\xbb\xbf" "Budi", "name: invisible or "
		    "direction-changing character U+FEFF at byte 0" },
		{ "Bu\xc2\xad" "di", "name: invisible or "
		    "direction-changing character U+00AD at byte 2" },
		{ "Bu\xe1\xa0\x8e" "di", "name: invisible or "
		    "direction-changing character U+180E at byte 2" },
		{ "Bu\xcd\x8f" "di", "name: invisible or "
		    "direction-changing character U+034F at byte 2" },
		{ "Budi\xf3\xa0\x80\x81", "name: invisible or "
		    "direction-changing character U+E0001 at byte 4" },
		{ "Siti\xe0\x80\xaf", "name: invalid UTF-8 at byte 4" },
		{ "Siti\xf0\x80\x80\xaf", "name: invalid UTF-8 at byte 4" },
		{ "Siti\xed\xa0\x80", "name: invalid UTF-8 at byte 4" },
		{ "Siti\xed\xbf\xbf", "name: invalid UTF-8 at byte 4" },
		{ "Siti\xf4\x90\x80\x80", "name: invalid UTF-8 at byte 4" },
		{ "Siti\xf5\x80\x80\x80", "name: invalid UTF-8 at byte 4" },
		{ "Siti\xc3", "name: invalid UTF-8 at byte 4" },
		{ "Siti\x80", "name: invalid UTF-8 at byte 4" },
		{ "Siti\xe2\x82", "name: invalid UTF-8 at byte 4" },
		{ "Siti\xff", "name: invalid UTF-8 at byte 4" },
	};
	char	err[CERT_ERR_MAX];
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(cert_check_name(bad[i].name, err,
		    sizeof(err)), -1);
		assert_string_equal(err, bad[i].err);
	}
	/* The highest and the four-byte code points are fine. */
	assert_int_equal(cert_check_name("A\xf4\x8f\xbf\xbf", err,
	    sizeof(err)), 0);
	assert_int_equal(cert_check_name("A\xf0\x9f\x98\x80", err,
	    sizeof(err)), 0);
}

static void
test_number(void **state)
{
	static const char *const shape[] = {
		"", "42101 8342 3 00000123 202", "42101 8342 3 00000123 20255",
		"42101  8342 3 00000123 2025", "42101-8342 3 00000123 2025",
		"4210a 8342 3 00000123 2025", "42101 8342 3 0000012 32025",
		"421018342300000123 2025   ", " 42101 8342 3 00000123 202",
		"42101 8342 3 00000123 2025 ",
	};
	char	err[CERT_ERR_MAX];
	size_t	i;

	assert_int_equal(cert_check_number("42101 8342 3 00000123 2025", err,
	    sizeof(err)), 0);
	assert_int_equal(cert_check_number("00000 0000 9 99999999 2099", err,
	    sizeof(err)), 0);
	for (i = 0; i < sizeof(shape) / sizeof(shape[0]); i++) {
		assert_int_equal(cert_check_number(shape[i], err,
		    sizeof(err)), -1);
		assert_string_equal(err, "number: expected \"KBLI(5) KBJI(4) "
		    "JENJANG(1) SEQ(8) YEAR(4)\" separated by single spaces");
	}
	assert_int_equal(cert_check_number("42101 8342 0 00000123 2025", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "number: jenjang digit 0, expected 1-9");
	assert_int_equal(cert_check_number("42101 8342 3 00000123 1999", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "number: year 1999, expected 2000-2099");
	assert_int_equal(cert_check_number("42101 8342 3 00000123 2100", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "number: year 2100, expected 2000-2099");
}

static void
test_nik(void **state)
{
	static const char *const good[] = {
		"1505014107900001", "1505010107900001", "3171023112999999",
		"9701017112000001", "2101010101000001", "1101010101000001",
	};
	static const struct {
		const char	*nik;
		const char	*err;
	} bad[] = {
		{ "150501410790001", "nik: 15 digits, expected 16" },
		{ "15050141079000011", "nik: 17 digits, expected 16" },
		{ "", "nik: 0 digits, expected 16" },
		{ "15050141079o0001", "nik: not a digit at byte 11" },
		{ "1505 14107900001", "nik: not a digit at byte 4" },
		{ "1005014107900001", "nik: province code 10 unknown" },
		{ "2005014107900001", "nik: province code 20 unknown" },
		{ "3705014107900001", "nik: province code 37 unknown" },
		{ "9805014107900001", "nik: province code 98 unknown" },
		{ "1500014107900001", "nik: regency code 00 invalid" },
		{ "1505010007900001",
		    "nik: birth day 00 out of range (01-31, 41-71)" },
		{ "1505013207900001",
		    "nik: birth day 32 out of range (01-31, 41-71)" },
		{ "1505014007900001",
		    "nik: birth day 40 out of range (01-31, 41-71)" },
		{ "1505017207900001",
		    "nik: birth day 72 out of range (01-31, 41-71)" },
		{ "1505014100900001",
		    "nik: birth month 00 out of range (01-12)" },
		{ "1505014113900001",
		    "nik: birth month 13 out of range (01-12)" },
		{ "1505014107900000", "nik: serial 0000 invalid" },
	};
	char	err[CERT_ERR_MAX];
	size_t	i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(cert_check_nik(good[i], err, sizeof(err)), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(cert_check_nik(bad[i].nik, err, sizeof(err)),
		    -1);
		assert_string_equal(err, bad[i].err);
	}
}

static void
test_job_code(void **state)
{
	static const char *const bad[] = {
		"", "me063096", "ME06309", "ME0630966", "M1063096",
		"ME06309A", "MEE63096", " ME06309",
	};
	char	err[CERT_ERR_MAX];
	size_t	i;

	assert_int_equal(cert_check_job_code("ME063096", err, sizeof(err)), 0);
	assert_int_equal(cert_check_job_code("SI000000", err, sizeof(err)), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cert_check_job_code(bad[i], err, sizeof(err)),
		    -1);
		assert_string_equal(err, "job_code: expected two capital "
		    "letters and six digits, e.g. ME063096");
	}
}

static void
test_check_text(void **state)
{
	char	err[CERT_ERR_MAX], s[64];

	memset(s, 'x', 40);
	s[40] = '\0';
	assert_int_equal(cert_check_text("licence", s, 40, err, sizeof(err)),
	    0);
	assert_int_equal(cert_check_text("licence", "", 40, err, sizeof(err)),
	    0);
	s[40] = 'x';
	s[41] = '\0';
	assert_int_equal(cert_check_text("licence", s, 40, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "licence: longer than 40 bytes");
	assert_int_equal(cert_check_text("event", "a\nb", 40, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "event: control character at byte 1");
	assert_int_equal(cert_check_text("event", "ab\xc0\x80", 40, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "event: invalid UTF-8 at byte 2");
	/* A truncated error buffer is still terminated. */
	assert_int_equal(cert_check_text("event", "a\nb", 40, err, 6), -1);
	assert_string_equal(err, "event");
}

/* Each free-text field: too long and bad bytes are refused by name. */
static void
test_validate_texts(void **state)
{
	static const struct {
		const char	*field;
		size_t		 off;
		size_t		 max;
	} t[] = {
		{ "job_title", offsetof(struct cert, job_title_id), 120 },
		{ "job_title_en", offsetof(struct cert, job_title_en), 120 },
		{ "klasifikasi", offsetof(struct cert, klasifikasi), 40 },
		{ "subklasifikasi", offsetof(struct cert, subklasifikasi), 40 },
		{ "issuer", offsetof(struct cert, issuer_name), 120 },
		{ "licence", offsetof(struct cert, issuer_licence), 40 },
		{ "organiser", offsetof(struct cert, organiser), 120 },
		{ "event", offsetof(struct cert, event), 120 },
		{ "lpjk_number", offsetof(struct cert, lpjk_regno), 40 },
		{ "lsp_number", offsetof(struct cert, lsp_regno), 40 },
		{ "blank_number", offsetof(struct cert, blank_no), 40 },
		{ "assess_place", offsetof(struct cert, assess_place), 120 },
		{ "photo_ref", offsetof(struct cert, photo_ref), 120 },
	};
	struct cert	c;
	char		want[64], *f;
	size_t		i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cert_sample(&c);
		f = (char *)&c + t[i].off;
		memset(f, 'x', t[i].max);
		f[t[i].max] = '\0';
		expect_ok(&c);
		strcpy(f, "ok\x1b[2J");
		snprintf(want, sizeof(want),
		    "%s: control character at byte 2", t[i].field);
		expect_err(&c, want);
		strcpy(f, "ok\xed\xa0\x80");
		snprintf(want, sizeof(want), "%s: invalid UTF-8 at byte 2",
		    t[i].field);
		expect_err(&c, want);
		f[0] = '\0';
		expect_ok(&c);
	}
}

static void
test_validate_fields(void **state)
{
	struct cert	c;

	cert_sample(&c);
	c.number[0] = 'x';
	expect_err(&c, "number:");
	cert_sample(&c);
	c.jenjang = 0;
	expect_err(&c, "level: 0, expected 1-9");
	c.jenjang = 10;
	expect_err(&c, "level: 10, expected 1-9");
	c.jenjang = 2;
	expect_err(&c, "number: jenjang digit 3 does not match level 2");
	cert_sample(&c);
	c.name[0] = '\0';
	expect_err(&c, "name: empty");
	cert_sample(&c);
	strcpy(c.job_code, "ME06309");
	expect_err(&c, "job_code:");
	cert_sample(&c);
	c.kualifikasi = CERT_AHLI;
	expect_ok(&c);
	c.kualifikasi = CERT_QUAL_MAX;
	expect_err(&c, "kualifikasi:");
	cert_sample(&c);
	c.status = CERT_REPLACED;
	expect_ok(&c);
	c.status = CERT_STATUS_MAX;
	expect_err(&c, "status: 5, expected 0-4");
	cert_sample(&c);
	c.apptype = CERT_APP_CHANGE;
	expect_ok(&c);
	c.apptype = CERT_APP_MAX;
	expect_err(&c, "apptype: 4, expected 0-3");
}

static void
test_validate_lifecycle(void **state)
{
	struct cert	c;

	cert_sample(&c);
	c.apptype = CERT_APP_RENEWAL;
	expect_err(&c, "predecessor: required for a renewal");
	strcpy(c.predecessor, "42101 8342 3 0000012 2020");
	expect_err(&c, "predecessor: expected*");
	strcpy(c.predecessor, "42101 8342 3 00000012 2020");
	expect_ok(&c);
	c.apptype = CERT_APP_CORRECTION;
	expect_ok(&c);
	c.predecessor[0] = '\0';
	expect_err(&c, "predecessor: required for a correction");
	strcpy(c.predecessor, "42101 8342 3 00000012 2020");
	strcpy(c.successor, "nope");
	expect_err(&c, "successor: expected*");
	strcpy(c.successor, "42101 8342 3 00000200 2030");
	expect_ok(&c);
}

static void
test_validate_units(void **state)
{
	struct cert	c;

	cert_sample(&c);
	c.nunits = CERT_UNITS_MAX;
	memset(c.units[15], 'U', CERT_UNIT_MAX);
	strcpy(c.units[2], "F.45ALT00.003.1");
	expect_err(&c, "units: entry 4 empty");
	for (int i = 0; i < CERT_UNITS_MAX; i++)
		snprintf(c.units[i], sizeof(c.units[i]), "U.%d", i);
	expect_ok(&c);
	c.nunits = CERT_UNITS_MAX + 1;
	expect_err(&c, "units: 17 entries, at most 16");
	c.nunits = 3;
	strcpy(c.units[1], "U\x7f");
	expect_err(&c, "units: entry 2: control character at byte 1");
	c.nunits = 0;
	expect_ok(&c);
}

static void
test_validate_dates(void **state)
{
	struct cert	c;

	cert_sample(&c);
	c.issued = 0;
	expect_err(&c, "issued: not set");
	c.issued = -5;
	expect_err(&c, "issued: not set");
	c.issued = 1;
	expect_ok(&c);
	c.issued = day_of("2025-01-01");
	c.expires = day_of("2024-01-01");
	expect_err(&c, "expires: 2024-01-01 is not after issued 2025-01-01");
	c.expires = c.issued;
	expect_err(&c, "expires: 2025-01-01 is not after issued 2025-01-01");
	c.expires = c.issued + 1;
	expect_ok(&c);
}

/* Times: parsed and printed against GNU date's answers for them. */
static void
test_time_parse(void **state)
{
	static const char *const bad[] = {
		"", "2026-12-0", "2026-12-01T", "2026-12-01T10:00",
		"2026-12-01 10:00Z", "2026-12-01T24:00Z", "2026-12-01T10:60Z",
		"2026-12-01T10:00:60Z", "2026-12-01T1:00:00Z", "2026-02-30",
		"2026-12-01T10:00:00+07:00", "2026-12-01T10:00:00ZZ",
	};
	char	out[21];
	int64_t	t;
	size_t	i;

	assert_int_equal(time_parse("2026-12-01", &t), 0);
	assert_int_equal(t, 1796083200);	/* date -d 2026-12-01Z +%s */
	assert_int_equal(time_parse("2026-12-01T10:20Z", &t), 0);
	assert_int_equal(t, 1796083200 + 10 * 3600 + 20 * 60);
	assert_int_equal(time_parse("2026-12-01T23:59:59Z", &t), 0);
	assert_int_equal(t, 1796083200 + 86399);
	time_format(t, out);
	assert_string_equal(out, "2026-12-01T23:59:59Z");
	time_format(1, out);
	assert_string_equal(out, "1970-01-01T00:00:01Z");
	time_format(0, out);
	assert_string_equal(out, "");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(time_parse(bad[i], &t), -1);
}

static void
test_date_parse(void **state)
{
	static const char *const bad[] = {
		"", "2025-1-01", "2025/01/01", "2025-01-01x", " 2025-01-01",
		"2025-13-01", "2025-00-10", "2025-01-00", "2025-04-31",
		"2023-02-29", "2100-02-29", "1900-02-28", "1969-12-31",
		"0000-01-01", "20250101", "2025-01-3a", "+025-01-01",
	};
	int32_t	d;
	size_t	i;

	assert_int_equal(day_of("1970-01-01"), 0);
	assert_int_equal(day_of("1970-01-02"), 1);
	assert_int_equal(day_of("2000-03-01"), 11017);
	assert_int_equal(day_of("2000-02-29"), 11016);
	assert_int_equal(day_of("2024-02-29") + 1, day_of("2024-03-01"));
	assert_int_equal(day_of("2025-12-15"), 20437);
	assert_int_equal(day_of("9999-12-31"), 2932896);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = 77;
		assert_int_equal(date_parse(bad[i], &d), -1);
		assert_int_equal(d, 77);
	}
}

/* Every day from 1970 to 9999 formats, parses back and agrees with libc. */
static void
test_date_round_trip(void **state)
{
	char		s[11], ref[11];
	int32_t		d, back, last;
	struct tm	tm;
	time_t		t;

	last = day_of("9999-12-31");
	for (d = 0; d <= last; d++) {
		date_format(d, s);
		assert_int_equal(date_parse(s, &back), 0);
		assert_int_equal(back, d);
		if (d % 97 == 0) {
			t = (time_t)d * 86400;
			gmtime_r(&t, &tm);
			strftime(ref, sizeof(ref), "%Y-%m-%d", &tm);
			assert_string_equal(s, ref);
		}
	}
	date_format(-1, s);
	assert_string_equal(s, "1969-12-31");
	date_format(last + 1, s);
	assert_string_equal(s, "0000-00-00");
}

static void
test_date_today(void **state)
{
	assert_int_equal(date_today(0), 0);
	assert_int_equal(date_today(86399), 0);
	assert_int_equal(date_today(86400), 1);
	assert_int_equal(date_today(-1), -1);
	assert_int_equal(date_today(-86400), -1);
	assert_int_equal(date_today(-86401), -2);
	assert_int_equal(date_today(1765800000), day_of("2025-12-15"));
}

static void
test_default_expiry(void **state)
{
	static const char *const ex[][2] = {
		{ "2025-12-15", "2030-12-14" },
		{ "2024-02-29", "2029-02-28" },
		{ "2020-03-01", "2025-02-28" },
		{ "2023-03-01", "2028-02-29" },
		{ "2023-01-01", "2027-12-31" },
		{ "2025-01-31", "2030-01-30" },
		{ "1970-01-02", "1975-01-01" },
	};
	char	s[11];
	size_t	i;

	for (i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		date_format(cert_default_expiry(day_of(ex[i][0])), s);
		assert_string_equal(s, ex[i][1]);
	}
}

/* Expected reason for each status at each point of the validity window. */
static void
test_verdict_table(void **state)
{
	enum when { BEFORE, FIRST, MIDDLE, LAST, AFTER, NWHEN };
	static const enum cert_reason want[CERT_STATUS_MAX][NWHEN] = {
		[CERT_PENDING] = { REASON_NOT_YET_VALID, REASON_PENDING,
		    REASON_PENDING, REASON_PENDING, REASON_EXPIRED },
		[CERT_ACTIVE] = { REASON_NOT_YET_VALID, REASON_OK, REASON_OK,
		    REASON_OK, REASON_EXPIRED },
		[CERT_SUSPENDED] = { REASON_NOT_YET_VALID, REASON_SUSPENDED,
		    REASON_SUSPENDED, REASON_SUSPENDED, REASON_EXPIRED },
		[CERT_REVOKED] = { REASON_REVOKED, REASON_REVOKED,
		    REASON_REVOKED, REASON_REVOKED, REASON_REVOKED },
		[CERT_REPLACED] = { REASON_REPLACED, REASON_REPLACED,
		    REASON_REPLACED, REASON_REPLACED, REASON_REPLACED },
	};
	struct cert		c;
	enum cert_reason	r;
	enum cert_verdict	v;
	int64_t			at[NWHEN];
	int			s, w;

	cert_sample(&c);
	at[BEFORE] = (int64_t)c.issued * 86400 - 1;
	at[FIRST] = (int64_t)c.issued * 86400;
	at[MIDDLE] = (int64_t)(c.issued + 900) * 86400 + 43200;
	at[LAST] = (int64_t)c.expires * 86400 + 86399;
	at[AFTER] = (int64_t)(c.expires + 1) * 86400;
	for (s = 0; s < CERT_STATUS_MAX; s++) {
		c.status = (uint8_t)s;
		for (w = 0; w < NWHEN; w++) {
			r = REASON_MAX;
			v = cert_verdict(&c, at[w], &r);
			assert_int_equal(r, want[s][w]);
			assert_int_equal(v, r == REASON_OK ? VERDICT_VALID :
			    VERDICT_NOT_VALID);
		}
	}
	c.status = 9;
	assert_int_equal(cert_verdict(&c, at[MIDDLE], &r), VERDICT_NOT_VALID);
	assert_int_equal(r, REASON_MALFORMED);
}

static void
test_names(void **state)
{
	static const char *const reasons[] = {
		"ok", "unknown_number", "revoked", "suspended", "expired",
		"pending", "replaced", "bad_signature", "unknown_key",
		"malformed", "not_yet_valid", "stale", "unavailable",
		"mismatch", "reprinted", "key_compromised",
		"points_to_another_site",
	};
	static const char *const statuses[] = {
		"pending", "active", "suspended", "revoked", "replaced",
	};
	int	i;

	assert_int_equal(sizeof(reasons) / sizeof(reasons[0]), REASON_MAX);
	for (i = 0; i < REASON_MAX; i++)
		assert_string_equal(cert_reason_name(i), reasons[i]);
	for (i = 0; i < CERT_STATUS_MAX; i++) {
		assert_string_equal(cert_status_name(i), statuses[i]);
		assert_int_equal(cert_status_from_name(statuses[i]), i);
	}
	assert_string_equal(cert_verdict_name(VERDICT_VALID), "valid");
	assert_string_equal(cert_verdict_name(VERDICT_NOT_VALID), "not_valid");
	assert_string_equal(cert_verdict_name(VERDICT_UNKNOWN), "unknown");
	assert_string_equal(cert_qual_name(CERT_OPERATOR), "operator");
	assert_string_equal(cert_qual_name(CERT_TEKNISI), "teknisi");
	assert_string_equal(cert_qual_name(CERT_AHLI), "ahli");
	assert_string_equal(cert_reason_name(REASON_MAX), "invalid");
	assert_string_equal(cert_status_name(CERT_STATUS_MAX), "invalid");
	assert_string_equal(cert_qual_name(CERT_QUAL_MAX), "invalid");
	assert_string_equal(cert_verdict_name(3), "invalid");
	assert_int_equal(cert_status_from_name("ACTIVE"), CERT_ACTIVE);
	assert_int_equal(cert_status_from_name("expired"), -1);
	assert_int_equal(cert_status_from_name(""), -1);
}

static void
test_job_table(void **state)
{
	static const struct {
		const char	*code;
		int		 jenjang;
	} codes[] = {
		{ "ME063096", 3 }, { "ME063097", 2 }, { "ME063098", 3 },
		{ "ME063099", 2 }, { "ME063100", 3 }, { "ME063101", 2 },
		{ "ME063102", 3 }, { "ME063103", 2 }, { "ME063104", 3 },
		{ "ME063105", 2 }, { "ME063106", 3 }, { "ME063107", 2 },
		{ "ME063014", 3 }, { "ME063108", 2 }, { "ME063109", 3 },
		{ "ME063110", 2 }, { "ME063028", 3 }, { "ME063111", 2 },
		{ "ME063112", 3 }, { "ME063113", 2 }, { "ME063027", 2 },
		{ "ME061001", 8 },
	};
	const struct job_info	*j;
	char			 err[CERT_ERR_MAX];
	size_t			 i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		j = cert_job_lookup(codes[i].code);
		assert_non_null(j);
		assert_string_equal(j->code, codes[i].code);
		assert_int_equal(j->jenjang, codes[i].jenjang);
		assert_int_equal(cert_check_job_code(j->code, err,
		    sizeof(err)), 0);
		assert_true(strlen(j->title_id) > 0 && strlen(j->title_en) > 0);
	}
	j = cert_job_lookup("ME063096");
	assert_string_equal(j->title_id, "Operator Bulldozer");
	assert_string_equal(j->title_en, "Bulldozer Operator");
	assert_int_equal(j->kualifikasi, CERT_OPERATOR);
	j = cert_job_lookup("ME063097");
	assert_string_equal(j->title_id, "Operator Bulldozer Pemula");
	assert_string_equal(j->title_en, "Junior Bulldozer Operator");
	j = cert_job_lookup("ME063027");
	assert_string_equal(j->title_id, "Operator Dump Truck");
	j = cert_job_lookup("ME061001");
	assert_string_equal(j->title_id, "Manajer Alat Berat");
	assert_string_equal(j->title_en, "Heavy Equipment Manager");
	assert_int_equal(j->kualifikasi, CERT_AHLI);
	assert_null(cert_job_lookup("ME069999"));
	assert_null(cert_job_lookup(""));
	assert_null(cert_job_lookup("me063096"));
}

static void
test_fill_job(void **state)
{
	struct cert	c;

	memset(&c, 0, sizeof(c));
	strcpy(c.job_code, "ME061001");
	cert_fill_job(&c);
	assert_string_equal(c.job_title_id, "Manajer Alat Berat");
	assert_string_equal(c.job_title_en, "Heavy Equipment Manager");
	assert_string_equal(c.klasifikasi, "Mekanikal");
	assert_string_equal(c.subklasifikasi, "Alat Berat");
	assert_int_equal(c.jenjang, 8);
	assert_int_equal(c.kualifikasi, CERT_AHLI);

	/* Filled fields are kept. */
	memset(&c, 0, sizeof(c));
	strcpy(c.job_code, "ME063097");
	strcpy(c.job_title_en, "Bulldozer Operator (Junior)");
	c.jenjang = 3;
	cert_fill_job(&c);
	assert_string_equal(c.job_title_id, "Operator Bulldozer Pemula");
	assert_string_equal(c.job_title_en, "Bulldozer Operator (Junior)");
	assert_int_equal(c.jenjang, 3);

	/* An unknown code leaves everything alone. */
	memset(&c, 0, sizeof(c));
	strcpy(c.job_code, "SI011001");
	cert_fill_job(&c);
	assert_string_equal(c.job_title_id, "");
	assert_string_equal(c.klasifikasi, "");
	assert_int_equal(c.jenjang, 0);
}

static void
test_number_helpers(void **state)
{
	char	n[CERT_NUMBER_LEN + 1];
	char	err[CERT_ERR_MAX];

	cert_format_number(n, 42101, 8342, 3, 123, 2025);
	assert_string_equal(n, "42101 8342 3 00000123 2025");
	assert_int_equal(cert_number_seq(n), 123);
	cert_format_number(n, 7, 12, 9, 99999999, 2099);
	assert_string_equal(n, "00007 0012 9 99999999 2099");
	assert_int_equal(cert_check_number(n, err, sizeof(err)), 0);
	assert_int_equal(cert_number_seq(n), 99999999);
	/* Out-of-range parts wrap rather than overflow the buffer. */
	cert_format_number(n, 4210100, 83420, 13, 123456789, 12025);
	assert_int_equal(strlen(n), CERT_NUMBER_LEN);
	assert_int_equal(cert_number_seq("42101 8342 3 00000000 2025"), 0);
	assert_int_equal(cert_number_seq("42101 8342 3 0000012 2025"), -1);
	assert_int_equal(cert_number_seq("42101 8342 0 00000123 2025"), -1);
	assert_int_equal(cert_number_seq(""), -1);
}

/* Every way a number reaches us, and what stays an error. */
static void
test_normalize_number(void **state)
{
	static const char *const ok[] = {
		"42101 8342 3 00000123 2025",
		"  42101  8342\t3 00000123 2025 \n",
		"4210183423000001232025",
		"42101-8342-3-00000123-2025",
		"42101.8342.3.00000123.2025",
		"42101 - 8342 - 3 - 00000123 - 2025",
		"421018342 3 000001232025",
		" 4210183423000001232025\r\n",
		/* Copied from a page or a word processor: UTF-8 blanks, dashes. */
		"42101\xc2\xa0" "8342\xc2\xa0" "3\xc2\xa0" "00000123\xc2\xa0" "2025",
		"\xe2\x80\xaf" "42101\xe2\x80\x89" "8342 3 00000123 2025\xc2\xa0",
		"42101\xe2\x80\x93" "8342\xe2\x80\x93" "3\xe2\x80\x93"
		    "00000123\xe2\x80\x91" "2025",
		"42101 \xe2\x80\x87 8342 3 00000123 2025 \xc2\xa0 \n",
	};
	static const char *const bad[] = {
		"42101 8342 3 0000123 2025",
		"42101 8342 3 00000123 2025 7",
		"4210a 8342 3 00000123 2025",
		"4210 18342 3 00000123 2025",
		"-42101 8342 3 00000123 2025",
		"42101 8342 3 00000123 2025-",
		"42101_8342_3_00000123_2025",
		"42101834230000012320251",
		"4210\xc2\xa0" "1 8342 3 00000123 2025",
		"42101\xc2 8342 3 00000123 2025",
		"42101 8342 3 00000123 2025\xe2\x80",
		"\xe2\x80\x93" "42101 8342 3 00000123 2025",
		"42101\xe2\x80\x94" "8342 3 00000123 2025",
		"42101\xc3\xa0" "8342 3 00000123 2025",
		"",
		"   ",
	};
	char	out[64];
	size_t	i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(cert_normalize_number(ok[i], out,
		    sizeof(out)), 0);
		assert_string_equal(out, "42101 8342 3 00000123 2025");
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cert_normalize_number(bad[i], out,
		    sizeof(out)), -1);
	/* A bad number comes back trimmed, for the caller's message. */
	assert_int_equal(cert_normalize_number(" 42101 8342 3 0000123 2025 ",
	    out, sizeof(out)), -1);
	assert_string_equal(out, "42101 8342 3 0000123 2025");
	/* A short buffer truncates, never overruns. */
	assert_int_equal(cert_normalize_number("4210183423000001232025", out,
	    8), 0);
	assert_string_equal(out, "42101 8");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_sample_valid),
		cmocka_unit_test(test_names_accepted),
		cmocka_unit_test(test_names_rejected),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_nik),
		cmocka_unit_test(test_job_code),
		cmocka_unit_test(test_check_text),
		cmocka_unit_test(test_validate_texts),
		cmocka_unit_test(test_validate_fields),
		cmocka_unit_test(test_validate_lifecycle),
		cmocka_unit_test(test_validate_units),
		cmocka_unit_test(test_validate_dates),
		cmocka_unit_test(test_date_parse),
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_date_round_trip),
		cmocka_unit_test(test_date_today),
		cmocka_unit_test(test_default_expiry),
		cmocka_unit_test(test_verdict_table),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_job_table),
		cmocka_unit_test(test_fill_job),
		cmocka_unit_test(test_number_helpers),
		cmocka_unit_test(test_normalize_number),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
