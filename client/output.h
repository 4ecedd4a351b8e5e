/* skkd — SPDX-License-Identifier: ISC */
/*
 * What skk prints: one line per result for people, or with --json one
 * JSON document for programs (snake_case fields). Functions take answers
 * as decoded wire messages and write to the FILE given at creation, so
 * tests can capture them. output.c (and outadmin.c, for the admin
 * answers) are the only client modules that call jansson.
 */
#ifndef CLIENT_OUTPUT_H
#define CLIENT_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wire.h"

struct output;

/* Human lines on out, or one JSON document on out at output_end. */
struct output	*output_new(FILE *out, int json);
void		 output_free(struct output *);	/* NULL is a no-op */
/* Writes the JSON document (no-op for humans). 0, or -1 on failure. */
int		 output_end(struct output *);

/*
 * One item of a VERIFY answer; query is what was asked (shown when the
 * server could not read a number from it). Returns the verdict (enum
 * cert_verdict); a missing or unknown verdict counts as UNKNOWN, and a
 * name the server found not to match (MATCH 0) makes it NOT_VALID.
 */
int		 output_verify(struct output *, const struct wire_msg *item,
		    const char *query);
/* The same with the verdict and reason decided by the caller. */
int		 output_verify_as(struct output *, const struct wire_msg *item,
		    const char *query, uint64_t verdict, uint64_t code);
/* One item of an ISSUE answer: number, status, QR URL. */
void		 output_issue(struct output *, const struct wire_msg *item);
/* SET_STATUS and RECORD_LPJK answers: number and status. */
void		 output_status(struct output *, const struct wire_msg *ans);
/* RENEW answer: new number, previous number, status, URL. */
void		 output_renew(struct output *, const struct wire_msg *ans);
/* CORRECT answer: the same, "corrects" the previous number. */
void		 output_correct(struct output *, const struct wire_msg *ans);
/* CORRECT_REQUEST answer: the number and when it was asked for. */
void		 output_correct_request(struct output *,
		    const struct wire_msg *ans);
/*
 * CORRECTIONS answer: each request open or done, its age at now (unix
 * seconds) or when done, marked overdue past OUTPUT_CORRECTION_LIMIT
 * (UU 27/2022 Art. 30: 3 x 24 hours).
 */
#define OUTPUT_CORRECTION_LIMIT	(3 * 24 * 3600)
void		 output_corrections(struct output *, const struct wire_msg *ans,
		    int64_t now);
/*
 * record-lpjk --csv: one row as recorded (already: it held that LPJK
 * number before), and for JSON the counts ("recorded",
 * "already_recorded"; people get them from the command on stderr).
 */
void		 output_lpjk_row(struct output *, const char *number,
		    const char *lpjk, uint64_t status, int already);
void		 output_lpjk_summary(struct output *, size_t recorded,
		    size_t already);
/* SHOW answer: record, URL, history. -1 with a reason if undecodable. */
int		 output_show(struct output *, const struct wire_msg *ans,
		    char *err, size_t errlen);
void		 output_find(struct output *, const struct wire_msg *ans);
void		 output_keys(struct output *, const struct wire_msg *ans);
void		 output_stats(struct output *, const struct wire_msg *ans);

/*
 * A QR checked offline (see offline.h); query is the text scanned. Counts
 * like output_verify. struct offline_result is declared in offline.h.
 */
struct offline_result;
void		 output_offline(struct output *, const struct offline_result *,
		    const char *query);
/*
 * A query answered from the offline cache (offcheck.h): verdict,
 * reason, "as of" the status's time and the issuer. Counts like
 * output_verify.
 */
struct oc_result;
void		 output_cached(struct output *, const struct oc_result *,
		    const char *query);
/*
 * skk sync's line for one issuer: what it fetched (lists and maps,
 * how many were unchanged) and the oldest iat, or why it failed.
 */
void		 output_sync(struct output *, const char *host,
		    const char *name, int ok, size_t lists, size_t maps,
		    size_t same, int64_t as_of, const char *why);
/* How a QR was checked ("offline", "online") and a line saying so. */
void		 output_checked(struct output *, const char *checked,
		    const char *note);
/* A holder report written: file, its signature file, certificates. */
void		 output_holder(struct output *, const char *file,
		    const char *sig, uint64_t n);
/* A QR image fetched: the number, its URL and the file written (or ""). */
void		 output_qr(struct output *, const char *number, const char *url,
		    const char *file);
/*
 * Reports (skk audit): "label: value" lines for people, fields of the
 * JSON document for programs. A section is a table of counts (an object)
 * or a list of flagged entries (an array); people see its title, its
 * rows under it, and "none" when rows is 0.
 */
void		 output_field_str(struct output *, const char *key,
		    const char *label, const char *value);
void		 output_field_int(struct output *, const char *key,
		    const char *label, int64_t value);
void		 output_section(struct output *, const char *key,
		    const char *title, int list, size_t rows);
void		 output_count(struct output *, const char *key,
		    const char *name, uint64_t n);
void		 output_flag(struct output *, const char *key, uint64_t index,
		    const char *kind, const char *text);

/*
 * One entry of a listing (skk trust list): n fields {json key, label,
 * value}; empty values are left out. JSON: an object in "items".
 * People: the first value as a heading, then "  label: value" lines.
 */
struct output_kv {
	const char	*key;
	const char	*label;
	const char	*value;
};
void		 output_record(struct output *, const struct output_kv *f,
		    size_t n);

/* Human labels and JSON names of a verdict ("NOT VALID", "not_valid"). */
/*
 * verify --proof: what the last verify item's log proof proved (r and p
 * when err is NULL), or why it failed; JSON: its "log" object.
 */
struct logproof;
struct logproof_result;
void		 output_proof(struct output *, const struct logproof *p,
		    const struct logproof_result *r, const char *err);
const char	*output_verdict_label(unsigned);
const char	*output_verdict_key(unsigned);

#endif
