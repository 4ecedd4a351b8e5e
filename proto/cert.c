/* skkd — SPDX-License-Identifier: ISC */
/*
 * The certificate record's rules: field validation with messages a user
 * can act on ("field: reason"), calendar arithmetic on day numbers, the
 * verdict a check gives, and the built-in heavy-equipment job table.
 * Pure: no I/O, no allocation.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cert.h"
#include "errf.h"
#include "utf8.h"
#include "wire.h"

enum text_fault {
	TEXT_OK = 0,
	TEXT_BAD_UTF8,
	TEXT_CONTROL
};

static enum text_fault text_scan(const unsigned char *, size_t, size_t *);
static int	text_check(const char *, const char *, size_t, size_t, char *,
		    size_t);
static int	is_space_cp(uint32_t);
static int	name_check_space(const unsigned char *, size_t, char *, size_t);
static int	number_check_as(const char *, const char *, char *, size_t);
static int	digits_value(const char *, size_t);
static int	nik_check_region(const char *, char *, size_t);
static int	nik_check_birth(const char *, char *, size_t);
static int	province_known(int);
static int64_t	days_from_civil(int, unsigned, unsigned);
static void	civil_from_days(int64_t, int *, unsigned *, unsigned *);
static int	days_in_month(int, unsigned);
static int	validate_identity(const struct cert *, char *, size_t);
static int	validate_job(const struct cert *, char *, size_t);
static int	validate_texts(const struct cert *, char *, size_t);
static int	validate_units(const struct cert *, char *, size_t);
static int	validate_dates(const struct cert *, char *, size_t);
static int	validate_lifecycle(const struct cert *, char *, size_t);

/*
 * Offsets of the separators in "42101 8342 3 00000123 2025"; every other
 * byte is a digit.
 */
#define NUM_JENJANG	11
#define NUM_SEQ		13
#define NUM_YEAR	22

static const char *const verdict_names[] = {
	"valid", "not_valid", "unknown"
};

static const char *const reason_names[REASON_MAX] = {
	"ok", "unknown_number", "revoked", "suspended", "expired", "pending",
	"replaced", "bad_signature", "unknown_key", "malformed",
	"not_yet_valid", "stale", "unavailable", "mismatch", "reprinted",
	"key_compromised", "points_to_another_site"
};

static const char *const status_names[CERT_STATUS_MAX] = {
	"pending", "active", "suspended", "revoked", "replaced"
};

static const char *const qual_names[CERT_QUAL_MAX] = {
	"operator", "teknisi", "ahli"
};

/*
 * Each operator code at jenjang 3 has a "Pemula" (junior)
 * variant at jenjang 2. All are Mekanikal / Alat Berat.
 */
static const struct job_info job_table[] = {
	{ "ME063096", "Operator Bulldozer", "Bulldozer Operator", 3,
	    CERT_OPERATOR },
	{ "ME063097", "Operator Bulldozer Pemula", "Junior Bulldozer Operator",
	    2, CERT_OPERATOR },
	{ "ME063098", "Operator Motor Grader", "Motor Grader Operator", 3,
	    CERT_OPERATOR },
	{ "ME063099", "Operator Motor Grader Pemula",
	    "Junior Motor Grader Operator", 2, CERT_OPERATOR },
	{ "ME063100", "Operator Wheel Excavator", "Wheel Excavator Operator",
	    3, CERT_OPERATOR },
	{ "ME063101", "Operator Wheel Excavator Pemula",
	    "Junior Wheel Excavator Operator", 2, CERT_OPERATOR },
	{ "ME063102", "Operator Tandem Roller", "Tandem Roller Operator", 3,
	    CERT_OPERATOR },
	{ "ME063103", "Operator Tandem Roller Pemula",
	    "Junior Tandem Roller Operator", 2, CERT_OPERATOR },
	{ "ME063104", "Operator Vibrator Roller", "Vibrator Roller Operator",
	    3, CERT_OPERATOR },
	{ "ME063105", "Operator Vibrator Roller Pemula",
	    "Junior Vibrator Roller Operator", 2, CERT_OPERATOR },
	{ "ME063106", "Operator Pneumatic Tire Roller",
	    "Pneumatic Tire Roller Operator", 3, CERT_OPERATOR },
	{ "ME063107", "Operator Pneumatic Tire Roller Pemula",
	    "Junior Pneumatic Tire Roller Operator", 2, CERT_OPERATOR },
	{ "ME063014", "Operator Wheel Loader", "Wheel Loader Operator", 3,
	    CERT_OPERATOR },
	{ "ME063108", "Operator Wheel Loader Pemula",
	    "Junior Wheel Loader Operator", 2, CERT_OPERATOR },
	{ "ME063109", "Operator Mobile Crane", "Mobile Crane Operator", 3,
	    CERT_OPERATOR },
	{ "ME063110", "Operator Mobile Crane Pemula",
	    "Junior Mobile Crane Operator", 2, CERT_OPERATOR },
	{ "ME063028", "Operator Tower Crane", "Tower Crane Operator", 3,
	    CERT_OPERATOR },
	{ "ME063111", "Operator Tower Crane Pemula",
	    "Junior Tower Crane Operator", 2, CERT_OPERATOR },
	{ "ME063112", "Operator Truck Mounted Crane",
	    "Truck Mounted Crane Operator", 3, CERT_OPERATOR },
	{ "ME063113", "Operator Truck Mounted Crane Pemula",
	    "Junior Truck Mounted Crane Operator", 2, CERT_OPERATOR },
	{ "ME063027", "Operator Dump Truck", "Dump Truck Operator", 2,
	    CERT_OPERATOR },
	{ "ME061001", "Manajer Alat Berat", "Heavy Equipment Manager", 8,
	    CERT_AHLI },
};

#define JOB_KLASIFIKASI		"Mekanikal"
#define JOB_SUBKLASIFIKASI	"Alat Berat"

/* Finds the first bad byte of s; *at gets its offset (0-based). */
static enum text_fault
text_scan(const unsigned char *s, size_t len, size_t *at)
{
	size_t		i, n;
	uint32_t	cp;

	for (i = 0; i < len; i += n) {
		*at = i;
		if ((n = utf8_next(s + i, len - i, &cp)) == 0)
			return TEXT_BAD_UTF8;
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			return TEXT_CONTROL;
	}
	return TEXT_OK;
}

static int
text_check(const char *field, const char *s, size_t len, size_t max,
    char *err, size_t errlen)
{
	size_t	at = 0;

	if (len > max)
		return errf(err, errlen, "%s: longer than %zu bytes",
		    field, max);
	switch (text_scan((const unsigned char *)s, len, &at)) {
	case TEXT_BAD_UTF8:
		return errf(err, errlen, "%s: invalid UTF-8 at byte %zu",
		    field, at);
	case TEXT_CONTROL:
		return errf(err, errlen,
		    "%s: control character at byte %zu", field, at);
	case TEXT_OK:
		break;
	}
	return 0;
}

int
cert_check_text(const char *field, const char *s, size_t max, char *err,
    size_t errlen)
{
	return text_check(field, s, strnlen(s, max + 1), max, err, errlen);
}

/* Unicode White_Space, less the control characters refused anyway. */
static int
is_space_cp(uint32_t cp)
{
	return cp == 0x20 || cp == 0xa0 || cp == 0x1680 ||
	    (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
	    cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* s is known to be valid UTF-8 here. */
static int
name_check_space(const unsigned char *s, size_t len, char *err,
    size_t errlen)
{
	size_t		i, n;
	uint32_t	cp = 0;
	int		lead = -1, sp = 0, any = 0;

	for (i = 0; i < len; i += n) {
		n = utf8_next(s + i, len - i, &cp);
		sp = is_space_cp(cp);
		if (lead == -1)
			lead = sp;
		any |= !sp;
	}
	if (!any)
		return errf(err, errlen, "name: only whitespace");
	if (lead)
		return errf(err, errlen, "name: leading whitespace");
	if (sp)
		return errf(err, errlen, "name: trailing whitespace");
	return 0;
}

/*
 * Characters that change how a name renders without showing themselves:
 * Unicode general category Cf (format: bidirectional embeddings,
 * overrides and isolates, zero-width space and joiners, soft hyphen, word
 * joiner, BOM, tags...) and the other Default_Ignorable_Code_Points
 * (combining grapheme joiner, Hangul fillers, variation selectors).
 * "Siti\u202e..." can render as another name; none belongs in one.
 * Unicode 15.1; sorted, inclusive ranges.
 */
static const uint32_t name_invisible[][2] = {
	{ 0x00ad, 0x00ad }, { 0x034f, 0x034f }, { 0x0600, 0x0605 },
	{ 0x061c, 0x061c }, { 0x06dd, 0x06dd }, { 0x070f, 0x070f },
	{ 0x0890, 0x0891 }, { 0x08e2, 0x08e2 }, { 0x115f, 0x1160 },
	{ 0x17b4, 0x17b5 }, { 0x180b, 0x180f }, { 0x200b, 0x200f },
	{ 0x202a, 0x202e }, { 0x2060, 0x206f }, { 0x3164, 0x3164 },
	{ 0xfe00, 0xfe0f }, { 0xfeff, 0xfeff }, { 0xffa0, 0xffa0 },
	{ 0xfff0, 0xfffb }, { 0x110bd, 0x110bd }, { 0x110cd, 0x110cd },
	{ 0x13430, 0x1343f }, { 0x1bca0, 0x1bca3 }, { 0x1d173, 0x1d17a },
	{ 0xe0000, 0xe0fff }
};

static int
is_invisible_cp(uint32_t cp)
{
	size_t	lo = 0, hi = sizeof(name_invisible) /
		    sizeof(name_invisible[0]), mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cp < name_invisible[mid][0])
			hi = mid;
		else if (cp > name_invisible[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* s is known to be valid UTF-8 here. */
static int
name_check_invisible(const unsigned char *s, size_t len, char *err,
    size_t errlen)
{
	size_t		i, n;
	uint32_t	cp = 0;

	for (i = 0; i < len; i += n) {
		n = utf8_next(s + i, len - i, &cp);
		if (is_invisible_cp(cp))
			return errf(err, errlen, "name: invisible or "
			    "direction-changing character U+%04X at byte %zu",
			    (unsigned)cp, i);
	}
	return 0;
}

int
cert_check_name(const char *s, char *err, size_t errlen)
{
	size_t	len;

	len = strnlen(s, CERT_NAME_MAX + 1);
	if (len == 0)
		return errf(err, errlen, "name: empty");
	if (text_check("name", s, len, CERT_NAME_MAX, err, errlen) == -1 ||
	    name_check_invisible((const unsigned char *)s, len, err,
	    errlen) == -1)
		return -1;
	return name_check_space((const unsigned char *)s, len, err, errlen);
}

/* Value of n ASCII digits known to be digits. */
static int
digits_value(const char *s, size_t n)
{
	int	v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

static int
number_check_as(const char *field, const char *s, char *err, size_t errlen)
{
	size_t	i, len;
	int	year;

	len = strnlen(s, CERT_NUMBER_LEN + 1);
	for (i = 0; i < len; i++) {
		if (i == 5 || i == 10 || i == 12 || i == 21) {
			if (s[i] != ' ')
				break;
		} else if (s[i] < '0' || s[i] > '9')
			break;
	}
	if (len != CERT_NUMBER_LEN || i != len)
		return errf(err, errlen, "%s: expected \"KBLI(5) KBJI(4) "
		    "JENJANG(1) SEQ(8) YEAR(4)\" separated by single spaces",
		    field);
	if (s[NUM_JENJANG] == '0')
		return errf(err, errlen,
		    "%s: jenjang digit 0, expected 1-9", field);
	year = digits_value(s + NUM_YEAR, 4);
	if (year < 2000 || year > 2099)
		return errf(err, errlen,
		    "%s: year %04d, expected 2000-2099", field, year);
	return 0;
}

int
cert_check_number(const char *s, char *err, size_t errlen)
{
	return number_check_as("number", s, err, errlen);
}

int
cert_check_job_code(const char *s, char *err, size_t errlen)
{
	size_t	i, len;

	len = strnlen(s, 9);
	for (i = 0; i < len; i++) {
		if (i < 2 && (s[i] < 'A' || s[i] > 'Z'))
			break;
		if (i >= 2 && (s[i] < '0' || s[i] > '9'))
			break;
	}
	if (len != 8 || i != len)
		return errf(err, errlen, "job_code: expected two capital "
		    "letters and six digits, e.g. ME063096");
	return 0;
}

/* Indonesian province codes (Kemendagri), including the new Papuan ones. */
static int
province_known(int p)
{
	return (p >= 11 && p <= 19) || p == 21 || (p >= 31 && p <= 36) ||
	    (p >= 51 && p <= 53) || (p >= 61 && p <= 65) ||
	    (p >= 71 && p <= 76) || (p >= 81 && p <= 82) ||
	    (p >= 91 && p <= 97);
}

static int
nik_check_region(const char *s, char *err, size_t errlen)
{
	int	v;

	v = digits_value(s, 2);
	if (!province_known(v))
		return errf(err, errlen, "nik: province code %02d unknown",
		    v);
	if (digits_value(s + 2, 2) == 0)
		return errf(err, errlen, "nik: regency code 00 invalid");
	return 0;
}

/* Women's NIKs carry the birth day plus 40. */
static int
nik_check_birth(const char *s, char *err, size_t errlen)
{
	int	v;

	v = digits_value(s + 6, 2);
	if (v < 1 || (v > 31 && v < 41) || v > 71)
		return errf(err, errlen,
		    "nik: birth day %02d out of range (01-31, 41-71)", v);
	v = digits_value(s + 8, 2);
	if (v < 1 || v > 12)
		return errf(err, errlen,
		    "nik: birth month %02d out of range (01-12)", v);
	return 0;
}

int
cert_check_nik(const char *s, char *err, size_t errlen)
{
	size_t	i, len;

	len = strnlen(s, 64);
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return errf(err, errlen,
			    "nik: not a digit at byte %zu", i);
	if (len != CERT_NIK_LEN)
		return errf(err, errlen, "nik: %zu%s digits, expected 16",
		    len, len == 64 ? " or more" : "");
	if (nik_check_region(s, err, errlen) == -1 ||
	    nik_check_birth(s, err, errlen) == -1)
		return -1;
	if (digits_value(s + 12, 4) == 0)
		return errf(err, errlen, "nik: serial 0000 invalid");
	return 0;
}

/*
 * Days since 1970-01-01 of a proleptic Gregorian date. Counts in 400-year
 * eras starting on March 1st so that the leap day is the era's last.
 */
static int64_t
days_from_civil(int y, unsigned m, unsigned d)
{
	int64_t		era, yoe, doy, doe;

	if (m <= 2)
		y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t		era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
days_in_month(int y, unsigned m)
{
	static const int	dim[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int			leap;

	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return dim[m - 1] + (m == 2 && leap);
}

int
date_parse(const char *s, int32_t *days)
{
	size_t		i;
	int		y;
	unsigned	m, d;

	if (strnlen(s, 11) != 10)
		return -1;
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return -1;
		} else if (s[i] < '0' || s[i] > '9')
			return -1;
	}
	y = digits_value(s, 4);
	m = (unsigned)digits_value(s + 5, 2);
	d = (unsigned)digits_value(s + 8, 2);
	if (y < 1970 || m < 1 || m > 12 || d < 1 ||
	    (int)d > days_in_month(y, m))
		return -1;
	*days = (int32_t)days_from_civil(y, m, d);
	return 0;
}

/* Years outside 0000-9999 do not fit the format: they print as zeros. */
void
date_format(int32_t days, char out[11])
{
	int		y;
	unsigned	m, d, v;
	int		i;

	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		memcpy(out, "0000-00-00", 11);
		return;
	}
	v = (unsigned)y * 10000 + m * 100 + d;
	for (i = 9; i >= 0; i--) {
		if (i == 4 || i == 7) {
			out[i] = '-';
			continue;
		}
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	out[10] = '\0';
}

/* "HH:MM" or "HH:MM:SS" then "Z": seconds into the day, or -1. */
static int
time_of_day(const char *s)
{
	size_t	i, n = strlen(s);
	int	h, m, sec = 0;

	if ((n != 6 && n != 9) || s[n - 1] != 'Z')
		return -1;
	for (i = 0; i < n - 1; i++)
		if ((i % 3 == 2) != (s[i] == ':') ||
		    (i % 3 != 2 && (s[i] < '0' || s[i] > '9')))
			return -1;
	h = digits_value(s, 2);
	m = digits_value(s + 3, 2);
	if (n == 9)
		sec = digits_value(s + 6, 2);
	if (h > 23 || m > 59 || sec > 59)
		return -1;
	return h * 3600 + m * 60 + sec;
}

int
time_parse(const char *s, int64_t *t)
{
	char	day[11];
	int32_t	days;
	int	tod = 0;

	if (strnlen(s, 21) > 20 || strnlen(s, 11) < 10)
		return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (date_parse(day, &days) == -1)
		return -1;
	if (s[10] != '\0' && (s[10] != 'T' ||
	    (tod = time_of_day(s + 11)) == -1))
		return -1;
	*t = (int64_t)days * 86400 + tod;
	return 0;
}

void
time_format(int64_t t, char out[21])
{
	int32_t		d = date_today(t);
	unsigned	s = (unsigned)(t - (int64_t)d * 86400);

	out[0] = '\0';
	if (t == 0)
		return;
	date_format(d, out);
	snprintf(out + 10, 11, "T%02u:%02u:%02uZ", s / 3600 % 24,
	    s / 60 % 60, s % 60);
}

int32_t
date_today(int64_t now)
{
	int64_t	d;

	d = now / 86400;
	if (now % 86400 < 0)
		d--;
	return (int32_t)d;
}

/*
 * Five years on, minus a day: 2025-12-15 gives 2030-12-14, and
 * 2024-02-29 gives 2029-02-28.
 */
int32_t
cert_default_expiry(int32_t issued)
{
	int		y;
	unsigned	m, d;

	civil_from_days(issued, &y, &m, &d);
	y += 5;
	/* No 29 February five years on: the period runs to 1 March. */
	if (m == 2 && (int)d > days_in_month(y, m)) {
		m = 3;
		d = 1;
	}
	return (int32_t)(days_from_civil(y, m, d) - 1);
}

void
cert_format_number(char *out, unsigned kbli, unsigned kbji, unsigned jenjang,
    uint32_t seq, int year)
{
	snprintf(out, CERT_NUMBER_LEN + 1, "%05u %04u %u %08u %04u",
	    kbli % 100000, kbji % 10000, jenjang % 10,
	    (unsigned)(seq % 100000000), (unsigned)year % 10000);
}

/*
 * The bytes of the blank at s (left bytes there), 0 for none: ASCII white
 * space, and the Unicode spaces a number copied from a page or a word
 * processor brings (no-break, figure, thin, narrow no-break; UTF-8).
 */
static size_t
number_space_at(const char *s, size_t left)
{
	const unsigned char	*u = (const unsigned char *)s;

	if (left >= 1 && (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r')))
		return 1;
	if (left >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (left >= 3 && u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0x87 ||
	    u[2] == 0x89 || u[2] == 0xaf))
		return 3;
	return 0;
}

/* The bytes of the separator at s: a blank, '-', '.', or a Unicode dash. */
static size_t
number_sep_at(const char *s, size_t left)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 k;

	if ((k = number_space_at(s, left)) != 0)
		return k;
	if (u[0] == '-' || u[0] == '.')
		return 1;
	if (left >= 3 && u[0] == 0xe2 && u[1] == 0x80 && u[2] >= 0x90 &&
	    u[2] <= 0x93)		/* hyphen, no-break hyphen, dashes */
		return 3;
	return 0;
}

/* The 22 digits of s[0..len) into d, separators only between groups. */
static int
number_digits(const char *s, size_t len, char d[CERT_NUMBER_DIGITS])
{
	size_t	i, k, n = 0;

	for (i = 0; i < len; i += k) {
		k = 1;
		if (s[i] >= '0' && s[i] <= '9') {
			if (n == CERT_NUMBER_DIGITS)
				return -1;
			d[n++] = s[i];
		} else if ((k = number_sep_at(s + i, len - i)) == 0 ||
		    (n != 5 && n != 9 && n != 10 && n != 18))
			return -1;
	}
	return n == CERT_NUMBER_DIGITS ? 0 : -1;
}

int
cert_normalize_number(const char *in, char *out, size_t outlen)
{
	char	d[CERT_NUMBER_DIGITS];
	size_t	len, k;

	len = strlen(in);
	while ((k = number_space_at(in, len)) != 0) {
		in += k;
		len -= k;
	}
	for (k = 1; k <= 3 && k <= len; k++)
		if (number_space_at(in + len - k, k) == k) {
			len -= k;
			k = 0;		/* and look again from the end */
		}
	if (number_digits(in, len, d) == -1) {
		snprintf(out, outlen, "%.*s", (int)len, in);
		return -1;
	}
	snprintf(out, outlen, "%.5s %.4s %.1s %.8s %.4s", d, d + 5, d + 9,
	    d + 10, d + 18);
	return 0;
}

int64_t
cert_number_seq(const char *s)
{
	int64_t	v = 0;
	int	i;

	if (number_check_as("number", s, NULL, 0) == -1)
		return -1;
	for (i = 0; i < 8; i++)
		v = v * 10 + (s[NUM_SEQ + i] - '0');
	return v;
}

static int
validate_identity(const struct cert *c, char *err, size_t errlen)
{
	if (cert_check_number(c->number, err, errlen) == -1)
		return -1;
	if (c->jenjang < 1 || c->jenjang > 9)
		return errf(err, errlen, "level: %u, expected 1-9",
		    c->jenjang);
	if (c->number[NUM_JENJANG] - '0' != c->jenjang)
		return errf(err, errlen,
		    "number: jenjang digit %c does not match level %u",
		    c->number[NUM_JENJANG], c->jenjang);
	return cert_check_name(c->name, err, errlen);
}

static int
validate_job(const struct cert *c, char *err, size_t errlen)
{
	if (cert_check_job_code(c->job_code, err, errlen) == -1)
		return -1;
	if (c->kualifikasi >= CERT_QUAL_MAX)
		return errf(err, errlen,
		    "kualifikasi: %u, expected 0-%d (operator, teknisi, ahli)",
		    c->kualifikasi, CERT_QUAL_MAX - 1);
	return 0;
}

static int
validate_texts(const struct cert *c, char *err, size_t errlen)
{
	const struct {
		const char	*field;
		const char	*s;
		size_t		 max;
	} t[] = {
		{ "job_title", c->job_title_id, CERT_TEXT_MAX },
		{ "job_title_en", c->job_title_en, CERT_TEXT_MAX },
		{ "klasifikasi", c->klasifikasi, CERT_SHORT_MAX },
		{ "subklasifikasi", c->subklasifikasi, CERT_SHORT_MAX },
		{ "issuer", c->issuer_name, CERT_TEXT_MAX },
		{ "licence", c->issuer_licence, CERT_SHORT_MAX },
		{ "organiser", c->organiser, CERT_TEXT_MAX },
		{ "event", c->event, CERT_TEXT_MAX },
		{ "lpjk_number", c->lpjk_regno, CERT_SHORT_MAX },
		{ "lsp_number", c->lsp_regno, CERT_SHORT_MAX },
		{ "blank_number", c->blank_no, CERT_SHORT_MAX },
		{ "assess_place", c->assess_place, CERT_TEXT_MAX },
		{ "photo_ref", c->photo_ref, CERT_TEXT_MAX },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (cert_check_text(t[i].field, t[i].s, t[i].max, err,
		    errlen) == -1)
			return -1;
	return 0;
}

static int
validate_units(const struct cert *c, char *err, size_t errlen)
{
	size_t	i, len;
	char	field[32];

	if (c->nunits > CERT_UNITS_MAX)
		return errf(err, errlen, "units: %u entries, at most %d",
		    c->nunits, CERT_UNITS_MAX);
	for (i = 0; i < c->nunits; i++) {
		snprintf(field, sizeof(field), "units: entry %zu", i + 1);
		len = strnlen(c->units[i], CERT_UNIT_MAX + 1);
		if (len == 0)
			return errf(err, errlen, "%s empty", field);
		if (text_check(field, c->units[i], len, CERT_UNIT_MAX, err,
		    errlen) == -1)
			return -1;
	}
	return 0;
}

static int
validate_dates(const struct cert *c, char *err, size_t errlen)
{
	char	a[11], b[11];

	if (c->issued <= 0)
		return errf(err, errlen, "issued: not set");
	if (c->expires <= c->issued) {
		date_format(c->expires, a);
		date_format(c->issued, b);
		return errf(err, errlen,
		    "expires: %s is not after issued %s", a, b);
	}
	if (c->assessed < 0)
		return errf(err, errlen, "assessed: before 1970");
	return 0;
}

static int
validate_lifecycle(const struct cert *c, char *err, size_t errlen)
{
	if (c->apptype >= CERT_APP_MAX)
		return errf(err, errlen, "apptype: %u, expected 0-%d",
		    c->apptype, CERT_APP_MAX - 1);
	if (c->apptype == CERT_APP_RENEWAL && c->predecessor[0] == '\0')
		return errf(err, errlen,
		    "predecessor: required for a renewal");
	if (c->apptype == CERT_APP_CORRECTION && c->predecessor[0] == '\0')
		return errf(err, errlen,
		    "predecessor: required for a correction");
	if (c->predecessor[0] != '\0' &&
	    number_check_as("predecessor", c->predecessor, err, errlen) == -1)
		return -1;
	if (c->successor[0] != '\0' &&
	    number_check_as("successor", c->successor, err, errlen) == -1)
		return -1;
	if (c->status >= CERT_STATUS_MAX)
		return errf(err, errlen, "status: %u, expected 0-%d",
		    c->status, CERT_STATUS_MAX - 1);
	return 0;
}

int
cert_validate(const struct cert *c, char *err, size_t errlen)
{
	if (validate_identity(c, err, errlen) == -1 ||
	    validate_job(c, err, errlen) == -1 ||
	    validate_texts(c, err, errlen) == -1 ||
	    validate_units(c, err, errlen) == -1 ||
	    validate_dates(c, err, errlen) == -1 ||
	    validate_lifecycle(c, err, errlen) == -1)
		return -1;
	return 0;
}

/*
 * Final states outrank the calendar: a revoked certificate is reported
 * revoked even after it would have expired.
 */
enum cert_verdict
cert_verdict(const struct cert *c, int64_t now, enum cert_reason *reason)
{
	int32_t	today;

	today = date_today(now);
	if (c->status == CERT_REVOKED)
		*reason = REASON_REVOKED;
	else if (c->status == CERT_REPLACED)
		*reason = REASON_REPLACED;
	else if (c->status >= CERT_STATUS_MAX)
		*reason = REASON_MALFORMED;
	else if (today > c->expires)
		*reason = REASON_EXPIRED;
	else if (today < c->issued)
		*reason = REASON_NOT_YET_VALID;
	else if (c->status == CERT_SUSPENDED)
		*reason = REASON_SUSPENDED;
	else if (c->status == CERT_PENDING)
		*reason = REASON_PENDING;
	else
		*reason = REASON_OK;
	return *reason == REASON_OK ? VERDICT_VALID : VERDICT_NOT_VALID;
}

const char *
cert_verdict_name(enum cert_verdict v)
{
	if ((unsigned)v >= sizeof(verdict_names) / sizeof(verdict_names[0]))
		return "invalid";
	return verdict_names[v];
}

const char *
cert_reason_name(enum cert_reason r)
{
	if ((unsigned)r >= REASON_MAX)
		return "invalid";
	return reason_names[r];
}

const char *
cert_status_name(enum cert_status s)
{
	if ((unsigned)s >= CERT_STATUS_MAX)
		return "invalid";
	return status_names[s];
}

const char *
cert_qual_name(enum cert_qual q)
{
	if ((unsigned)q >= CERT_QUAL_MAX)
		return "invalid";
	return qual_names[q];
}

/* Case does not matter: CSV files and users write "ACTIVE" too. */
int
cert_status_from_name(const char *s)
{
	int	i;

	for (i = 0; i < CERT_STATUS_MAX; i++)
		if (strcasecmp(s, status_names[i]) == 0)
			return i;
	return -1;
}

const struct job_info *
cert_job_lookup(const char *code)
{
	size_t	i;

	for (i = 0; i < sizeof(job_table) / sizeof(job_table[0]); i++)
		if (strcmp(code, job_table[i].code) == 0)
			return &job_table[i];
	return NULL;
}

/*
 * Kualifikasi 0 (operator) cannot be told from "not set", so it is
 * overwritten by the table's; jenjang 0 is never valid, so it means unset.
 */
void
cert_fill_job(struct cert *c)
{
	const struct job_info	*j;

	if ((j = cert_job_lookup(c->job_code)) == NULL)
		return;
	if (c->job_title_id[0] == '\0')
		snprintf(c->job_title_id, sizeof(c->job_title_id), "%s",
		    j->title_id);
	if (c->job_title_en[0] == '\0')
		snprintf(c->job_title_en, sizeof(c->job_title_en), "%s",
		    j->title_en);
	if (c->klasifikasi[0] == '\0')
		snprintf(c->klasifikasi, sizeof(c->klasifikasi), "%s",
		    JOB_KLASIFIKASI);
	if (c->subklasifikasi[0] == '\0')
		snprintf(c->subklasifikasi, sizeof(c->subklasifikasi), "%s",
		    JOB_SUBKLASIFIKASI);
	if (c->jenjang == 0)
		c->jenjang = j->jenjang;
	if (c->kualifikasi == CERT_OPERATOR)
		c->kualifikasi = j->kualifikasi;
}

const struct cert_field_desc cert_public[] = {
	{ CF_NUMBER, "number", "Nomor sertifikat", "Certificate number",
	    NULL, 0, 0 },	/* the wire sends it with every item */
	{ CF_LPJK, "lpjk_number", "Nomor registrasi LPJK", "LPJK number",
	    NULL, WK_LPJK, CF_OPTIONAL },
	{ CF_NAME, "name", "Nama", "Name", NULL, WK_NAME, 0 },
	{ CF_JOB_CODE, "job_code", "Jabatan kerja", "Job", NULL, WK_JOB, 0 },
	{ CF_JOB_TITLE, "job_title", NULL, NULL, " — ", WK_DETAIL,
	    CF_JOINED },
	{ CF_JOB_TITLE_EN, "job_title_en", NULL, NULL, " / ", 0, CF_JOINED },
	{ CF_JENJANG, "jenjang", "Jenjang KKNI", "Level", NULL, WK_LEVEL,
	    CF_JSON_NUMBER | CF_WIRE_UINT },
	{ CF_KLASIFIKASI, "klasifikasi", "Klasifikasi", "Classification",
	    NULL, 0, 0 },
	{ CF_SUBKLASIFIKASI, "subklasifikasi", NULL, NULL, " / ", 0,
	    CF_JOINED },
	{ CF_ISSUER, "issuer", "Penerbit", "Issuer", NULL, 0, 0 },
	{ CF_LICENCE, NULL, NULL, NULL, ", ", 0, CF_JOINED },
	{ CF_ISSUED, "issued", "Tanggal terbit", "Issued", NULL, WK_ISSUED,
	    0 },
	{ CF_EXPIRES, "expires", "Berlaku sampai", "Valid until", NULL,
	    WK_EXPIRES, 0 },
	{ CF_STATUS, "status", "Status", "Status", NULL, WK_STATUS,
	    CF_WIRE_UINT },
};
const size_t cert_npublic = sizeof(cert_public) / sizeof(cert_public[0]);

static const char *
cert_field_str(const struct cert *c, enum cert_field f)
{
	switch (f) {
	case CF_NUMBER:		return c->number;
	case CF_LPJK:		return c->lpjk_regno;
	case CF_NAME:		return c->name;
	case CF_JOB_CODE:	return c->job_code;
	case CF_JOB_TITLE:	return c->job_title_id;
	case CF_JOB_TITLE_EN:	return c->job_title_en;
	case CF_KLASIFIKASI:	return c->klasifikasi;
	case CF_SUBKLASIFIKASI:	return c->subklasifikasi;
	case CF_ISSUER:		return c->issuer_name;
	case CF_LICENCE:	return c->issuer_licence;
	case CF_STATUS:		return cert_status_name(c->status);
	default:		return NULL;
	}
}

const char *
cert_field_text(const struct cert *c, enum cert_field f,
    char buf[CERT_FIELD_BUF])
{
	const char	*s;

	if ((s = cert_field_str(c, f)) != NULL)
		return s;
	if (f == CF_ISSUED || f == CF_EXPIRES) {
		date_format(f == CF_ISSUED ? c->issued : c->expires, buf);
		return buf;
	}
	snprintf(buf, CERT_FIELD_BUF, "%u", c->jenjang);
	return buf;
}

uint64_t
cert_field_uint(const struct cert *c, enum cert_field f)
{
	return f == CF_STATUS ? c->status : c->jenjang;
}
