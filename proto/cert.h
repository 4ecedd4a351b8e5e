/* skkd — SPDX-License-Identifier: ISC */
/*
 * The certificate record (the number's form: PROTOCOL.md §1.3), its
 * validation and the verdict a check gives, the one list of its public
 * fields. Pure: no I/O, no allocation.
 */
#ifndef PROTO_CERT_H
#define PROTO_CERT_H

#include <stddef.h>
#include <stdint.h>

#define CERT_NUMBER_LEN	26	/* "42101 8342 3 00000123 2025" */
#define CERT_NUMBER_DIGITS 22	/* the same without its four spaces */
#define CERT_NAME_MAX	120	/* bytes of UTF-8 */
#define CERT_TEXT_MAX	120	/* titles, issuer, organiser, event, place */
#define CERT_SHORT_MAX	40	/* registration numbers, licences, classes */
#define CERT_UNITS_MAX	16	/* competency units per certificate */
#define CERT_UNIT_MAX	24	/* one unit code, e.g. "F.45ALT00.001.1" */
#define CERT_NIK_LEN	16
#define CERT_HMAC_LEN	32
#define CERT_ERR_MAX	160

enum cert_status {
	CERT_PENDING = 0,	/* issued, awaiting LPJK recording */
	CERT_ACTIVE,
	CERT_SUSPENDED,
	CERT_REVOKED,		/* final */
	CERT_REPLACED,		/* superseded by a renewal or upgrade */
	CERT_STATUS_MAX
};

enum cert_qual {		/* kualifikasi */
	CERT_OPERATOR = 0,
	CERT_TEKNISI,		/* Teknisi/Analis */
	CERT_AHLI,
	CERT_QUAL_MAX
};

enum cert_apptype {
	CERT_APP_NEW = 0,
	CERT_APP_RENEWAL,
	CERT_APP_CHANGE,
	CERT_APP_CORRECTION,	/* a corrected copy of its predecessor */
	CERT_APP_MAX
};

enum cert_verdict {
	VERDICT_VALID = 0,
	VERDICT_NOT_VALID,
	VERDICT_UNKNOWN
};

/* Why a check gave its verdict; stable codes, also on the wire. */
enum cert_reason {
	REASON_OK = 0,
	REASON_UNKNOWN_NUMBER,
	REASON_REVOKED,
	REASON_SUSPENDED,
	REASON_EXPIRED,
	REASON_PENDING,
	REASON_REPLACED,
	REASON_BAD_SIGNATURE,
	REASON_UNKNOWN_KEY,
	REASON_MALFORMED,
	REASON_NOT_YET_VALID,
	REASON_STALE,		/* offline data too old: UNKNOWN */
	REASON_UNAVAILABLE,	/* server could not answer: UNKNOWN */
	REASON_MISMATCH,	/* good signature, not the payload issued */
	REASON_REPRINTED,	/* the payload a reprint replaced */
	REASON_KEY_COMPROMISED,	/* offline: signer's key compromised: UNKNOWN */
	REASON_OTHER_SITE,	/* QR host is not its signer's issuer */
	REASON_MAX
};

/*
 * Dates are days since 1970-01-01 (UTC, proleptic Gregorian). Strings are
 * NUL-terminated UTF-8; an empty string means "not set".
 */
struct cert {
	char		number[CERT_NUMBER_LEN + 1];
	char		lsp_regno[CERT_SHORT_MAX + 1];	/* F <lic> <seq5> <YYYY> */
	char		lpjk_regno[CERT_SHORT_MAX + 1];
	char		blank_no[CERT_SHORT_MAX + 1];	/* BNSP blank number */

	char		name[CERT_NAME_MAX + 1];
	uint8_t		nik_hmac[CERT_HMAC_LEN];	/* never the NIK itself */
	char		photo_ref[CERT_TEXT_MAX + 1];

	char		job_code[9];			/* e.g. ME063096 */
	char		job_title_id[CERT_TEXT_MAX + 1];
	char		job_title_en[CERT_TEXT_MAX + 1];
	char		klasifikasi[CERT_SHORT_MAX + 1];
	char		subklasifikasi[CERT_SHORT_MAX + 1];
	uint8_t		kualifikasi;			/* enum cert_qual */
	uint8_t		jenjang;			/* KKNI 1-9 */
	uint8_t		nunits;
	char		units[CERT_UNITS_MAX][CERT_UNIT_MAX + 1];

	char		issuer_name[CERT_TEXT_MAX + 1];	/* LSP */
	char		issuer_licence[CERT_SHORT_MAX + 1];
	char		organiser[CERT_TEXT_MAX + 1];
	char		event[CERT_TEXT_MAX + 1];
	int32_t		assessed;			/* 0: not set */
	char		assess_place[CERT_TEXT_MAX + 1];

	int32_t		issued;
	int32_t		expires;			/* last valid day */
	uint8_t		apptype;			/* enum cert_apptype */
	char		predecessor[CERT_NUMBER_LEN + 1];
	char		successor[CERT_NUMBER_LEN + 1];

	uint8_t		status;				/* enum cert_status */
	int64_t		status_at;			/* unix seconds */
	uint8_t		kid[8];				/* key that signed the QR */
};

/* Checks every field; on failure writes "field: reason" to err, returns -1. */
int		 cert_validate(const struct cert *, char *err, size_t errlen);

/* Single-field checks, same contract; the field name is the prefix. */
int		 cert_check_number(const char *, char *err, size_t errlen);
int		 cert_check_nik(const char *, char *err, size_t errlen);
int		 cert_check_name(const char *, char *err, size_t errlen);
int		 cert_check_job_code(const char *, char *err, size_t errlen);
int		 cert_check_text(const char *field, const char *, size_t max,
		    char *err, size_t errlen);

/*
 * A number as people type or paste it, in the official spaced form: white
 * space around it is dropped, and the five groups (5, 4, 1, 8, 4 digits)
 * may be run together or separated by runs of spaces, tabs, hyphens or
 * dots, and of what a copy from a page brings: the UTF-8 no-break, figure,
 * thin and narrow no-break spaces, hyphens and en dashes (U+2010-2013);
 * a separator inside a group is an error. 0 with the spaced form in
 * out, or -1 with the input, trimmed, in out (for the caller's message).
 */
int		 cert_normalize_number(const char *in, char *out,
		    size_t outlen);
/* Formats "KBLI KBJI J SEQ YEAR" into out (CERT_NUMBER_LEN + 1 bytes). */
void		 cert_format_number(char *out, unsigned kbli, unsigned kbji,
		    unsigned jenjang, uint32_t seq, int year);
/* Extracts the 8-digit SEQ of a well-formed number; -1 if malformed. */
int64_t		 cert_number_seq(const char *);
/* Expiry by default: issue date + 5 years - 1 day. */
int32_t		 cert_default_expiry(int32_t issued);

/*
 * The verdict on a record at time now (unix seconds); *reason gets the
 * code. EXPIRED is derived here, never stored.
 */
enum cert_verdict cert_verdict(const struct cert *, int64_t now,
		    enum cert_reason *reason);

/* Stable lower-case names ("valid", "revoked", "pending", ...). */
const char	*cert_verdict_name(enum cert_verdict);
const char	*cert_reason_name(enum cert_reason);
const char	*cert_status_name(enum cert_status);
const char	*cert_qual_name(enum cert_qual);
/* Reverse of cert_status_name; -1 when unknown. */
int		 cert_status_from_name(const char *);

/* Dates: "YYYY-MM-DD" <-> days since epoch. parse returns -1 if invalid. */
int		 date_parse(const char *, int32_t *days);
void		 date_format(int32_t days, char out[11]);
int32_t		 date_today(int64_t now);
/*
 * Times, UTC: "YYYY-MM-DD" (its midnight) or "YYYY-MM-DDTHH:MM[:SS]Z"
 * to unix seconds (-1 if invalid), and unix seconds to
 * "YYYY-MM-DDTHH:MM:SSZ" ("" for 0).
 */
int		 time_parse(const char *, int64_t *t);
void		 time_format(int64_t t, char out[21]);

/*
 * The public fields of a certificate: all that any check may show of it,
 * in this one table (never the NIK or its HMAC, the organiser, the event,
 * the place, the BNSP blank number or the history). daemon/web.c's page
 * and JSON show every field; a VERIFY answer (PROTOCOL.md) carries those
 * with a wire key (the client has the job table for the rest).
 */
enum cert_field {
	CF_NUMBER, CF_LPJK, CF_NAME, CF_JOB_CODE, CF_JOB_TITLE,
	CF_JOB_TITLE_EN, CF_JENJANG, CF_KLASIFIKASI, CF_SUBKLASIFIKASI,
	CF_ISSUER, CF_LICENCE, CF_ISSUED, CF_EXPIRES, CF_STATUS
};
#define CF_JOINED	0x01	/* the page shows it after the field above */
#define CF_OPTIONAL	0x02	/* may be empty: JSON null, not sent, "not recorded" */
#define CF_JSON_NUMBER	0x04	/* a JSON number, not a string */
#define CF_WIRE_UINT	0x08	/* a uint on the wire (cert_field_uint) */
#define CERT_FIELD_BUF	16	/* room for a formatted date or number */

struct cert_field_desc {
	enum cert_field	 id;
	const char	*json;		/* JSON key; NULL: not in the JSON */
	const char	*label_id;	/* page row label, Indonesian */
	const char	*label_en;	/* and English */
	const char	*sep;		/* CF_JOINED: between it and the above */
	int		 wire;		/* enum wire_key; 0: not on the wire */
	unsigned	 flags;
};
extern const struct cert_field_desc	cert_public[];
extern const size_t			cert_npublic;

/* A field as text: dates YYYY-MM-DD, status by name; may use buf. */
const char	*cert_field_text(const struct cert *, enum cert_field,
		    char buf[CERT_FIELD_BUF]);
/* CF_WIRE_UINT fields as numbers: the jenjang, the status code. */
uint64_t	 cert_field_uint(const struct cert *, enum cert_field);

/* Built-in job table (heavy-equipment operator codes); NULL if absent. */
struct job_info {
	const char	*code;
	const char	*title_id;
	const char	*title_en;
	uint8_t		 jenjang;
	uint8_t		 kualifikasi;
};
const struct job_info *cert_job_lookup(const char *code);
/* Fills title, class and qualification fields from the table if empty. */
void		 cert_fill_job(struct cert *);

#endif
