/* skkd — SPDX-License-Identifier: ISC */
/*
 * The companion protocol (PROTOCOL.md §3): frames of a 4-byte big-endian
 * length followed by one CBOR map with small unsigned-integer keys. Every
 * message carries its type (key 0) and request id (key 1); answers repeat
 * both. Bump WIRE_VERSION when any of this changes.
 */
#ifndef PROTO_WIRE_H
#define PROTO_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_VERSION		2
/* The oldest version a daemon still answers: without WK_LOGINDEX. */
#define WIRE_VERSION_MIN	1
#define WIRE_HDR_LEN		4
#define WIRE_MAX_FRAME_DEFAULT	(8u * 1024 * 1024)
#define WIRE_MAX_BATCH_DEFAULT	10000
/* The largest frame a peer without a client certificate may send. */
#define WIRE_ANON_FRAME_MAX	(64u * 1024)
#define WIRE_MAX_DEPTH		4	/* nesting of lists of maps */
#define WIRE_MAX_ITEMS		(512u * 1024)	/* CBOR items per message:
						   bounds decoding memory */

enum wire_type {
	WIRE_HELLO = 1,		/* c→s: VERSION; s→c: VERSION, NAME, ROLE */
	WIRE_VERIFY,		/* c→s: ITEMS [{NUMBER, NAME?}|{QR, NAME?}], PROOF?; s→c: ITEMS [{VERDICT, CODE, NUMBER, NAME, MATCH?, JOB, LEVEL, EXPIRES, ..., LOGINDEX?, LOGSIZE?, LOGENTRY?, PROOF?, CHECKPOINT?}] */
	WIRE_ISSUE,		/* c→s: ITEMS [{RECORD, NIK, IDEM?}]; s→c: ITEMS [{NUMBER, URL, STATUS}] (admin) */
	WIRE_SET_STATUS,	/* c→s: NUMBER, STATUS, REASON; s→c: NUMBER, STATUS (admin) */
	WIRE_RECORD_LPJK,	/* c→s: NUMBER, LPJK; s→c: NUMBER, STATUS (admin) */
	WIRE_RENEW,		/* c→s: NUMBER, RECORD?, REASON?; s→c: NUMBER (new), URL, STATUS, PREV (admin) */
	WIRE_SHOW,		/* c→s: NUMBER; s→c: RECORD, STATUS, URL, EVENTS [{...}] (admin) */
	WIRE_FIND,		/* c→s: NIK; s→c: ITEMS [{NUMBER, STATUS, NAME, JOB}] (admin) */
	WIRE_KEYS,		/* c→s: -; s→c: HOST, ITEMS [{KID, KEY, FROM, TO, TIME?}]; TIME: compromised at */
	WIRE_STATS,		/* c→s: -; s→c: ITEMS [{NAME, COUNT}] */
	WIRE_QR,		/* c→s: NUMBER, FORMAT ("png"|"svg"), SIZE? (png pixels per module); s→c: NUMBER, URL, IMAGE (admin) */
	WIRE_BLANK,		/* c→s: ITEMS [{NUMBER, SERIAL} printed | {SERIAL, REASON} spoiled]; s→c: ITEMS [{SERIAL, NUMBER?, KIND}] (admin) */
	WIRE_CORRECT,		/* c→s: NUMBER, RECORD (corrected fields), REASON, REQUESTED?; s→c: PREV, NUMBER (new), STATUS, URL, LOGINDEX? (admin) */
	WIRE_CORRECT_REQUEST,	/* c→s: NUMBER, REASON, REQUESTED?; s→c: NUMBER, REQUESTED (admin) */
	WIRE_CORRECTIONS,	/* c→s: -; s→c: ITEMS [{NUMBER, REQUESTED, TIME, REASON, ACTOR, DONE?, NEXT?}] (admin) */
	WIRE_HOLDER_REPORT,	/* c→s: NIK; s→c: COUNT, REPORT, SIGNED (admin) */
	WIRE_ERROR = 127	/* s→c: ERR, ERRMSG (id of the failed request, 0 if none) */
};

/* Map keys. Keys are < 64 so a set of them fits a uint64_t mask. */
enum wire_key {
	WK_TYPE = 0, WK_ID, WK_ERR, WK_ERRMSG, WK_VERSION, WK_NAME,
	WK_ITEMS, WK_NUMBER, WK_QR, WK_RECORD, WK_NIK, WK_IDEM,
	WK_STATUS, WK_REASON, WK_VERDICT, WK_CODE, WK_URL, WK_LPJK,
	WK_EVENTS, WK_TIME, WK_ACTOR, WK_SERIAL, WK_KIND, WK_KEY,
	WK_KID, WK_FROM, WK_TO, WK_COUNT, WK_JOB, WK_LEVEL, WK_EXPIRES,
	WK_PREV, WK_NEXT, WK_ISSUED, WK_DETAIL, WK_STATS, WK_ROLE,
	WK_BATCH,		/* ISSUE: text id of a multi-frame batch */
	WK_MORE,		/* ISSUE: uint 1 = more chunks of the batch follow */
	WK_DRYRUN,		/* ISSUE: uint 1 = check everything, keep nothing */
	WK_FORMAT,		/* QR: text "png" or "svg" */
	WK_IMAGE,		/* QR: bytes of the image */
	WK_SIZE,		/* QR: uint PNG pixels per module */
	WK_MATCH,		/* VERIFY: uint 1 = the NAME given is the holder's */
	WK_HOST,		/* KEYS answer: text public host of the QR URLs */
	WK_LOGINDEX,		/* v2 write answers: uint index of its log entry */
	WK_PROOF,		/* v2 VERIFY: uint 1 = prove; item: bytes hashes */
	WK_LOGSIZE,		/* v2 VERIFY item: uint tree size proved against */
	WK_LOGENTRY,		/* v2 VERIFY item: bytes the 103-byte entry */
	WK_CHECKPOINT,		/* v2 VERIFY item: text the signed checkpoint */
	WK_REQUESTED,		/* CORRECT*: int when the holder asked */
	WK_DONE,		/* CORRECTIONS item: int when it was corrected */
	WK_REPORT,		/* HOLDER_REPORT: bytes the JSON document */
	WK_SIGNED,		/* HOLDER_REPORT: bytes COSE_Sign1 of REPORT */
	WK_MAX
};
#define WK_BIT(k)	(UINT64_C(1) << (k))

/* Error codes in WIRE_ERROR and in per-item ERR. */
enum wire_err {
	WERR_OK = 0,
	WERR_MALFORMED,		/* the frame or message could not be decoded */
	WERR_VERSION,		/* no common protocol version */
	WERR_TOO_BIG,		/* frame or batch over the limit */
	WERR_UNKNOWN_TYPE,
	WERR_NOT_AUTHORISED,	/* admin certificate required */
	WERR_INVALID,		/* a field failed validation: ERRMSG names it */
	WERR_NOT_FOUND,
	WERR_CONFLICT,		/* number already used, status change not allowed */
	WERR_STORE_FULL,
	WERR_INTERNAL,
	WERR_BUSY,		/* too many requests in flight */
	WERR_MAX
};

struct wire_msg;	/* opaque: a map being built or a decoded one */

/* Building. put_* return 0, or -1 on allocation failure. */
struct wire_msg	*wire_msg_new(enum wire_type, uint64_t id);
void		 wire_msg_free(struct wire_msg *);	/* NULL is a no-op */
int		 wire_put_uint(struct wire_msg *, enum wire_key, uint64_t);
int		 wire_put_int(struct wire_msg *, enum wire_key, int64_t);
int		 wire_put_str(struct wire_msg *, enum wire_key, const char *);
int		 wire_put_bytes(struct wire_msg *, enum wire_key,
		    const uint8_t *, size_t);
/*
 * Appends a new empty map to the list at key (created on first use) and
 * returns it; it belongs to the parent. NULL on allocation failure.
 */
struct wire_msg	*wire_put_item(struct wire_msg *, enum wire_key);
/* Encodes with the 4-byte length header into a malloc'd buffer. */
int		 wire_encode(const struct wire_msg *, uint8_t **out,
		    size_t *outlen);

/*
 * Decoding. wire_frame_len reads a header: 0 and *len, or -1 if the length
 * is 0 or over max. wire_decode takes the bytes after the header; it is
 * total: anything but a definite-length map with unsigned keys < WK_MAX,
 * integer TYPE and ID, nesting <= WIRE_MAX_DEPTH, is refused with a reason.
 */
int		 wire_frame_len(const uint8_t hdr[WIRE_HDR_LEN], uint32_t max,
		    uint32_t *len);
struct wire_msg	*wire_decode(const uint8_t *buf, size_t len, char *err,
		    size_t errlen);

uint64_t	 wire_type(const struct wire_msg *);
uint64_t	 wire_id(const struct wire_msg *);
int		 wire_has(const struct wire_msg *, enum wire_key);
/* Getters: 0, or -1 when missing or of another type (or too long). */
int		 wire_get_uint(const struct wire_msg *, enum wire_key,
		    uint64_t *);
int		 wire_get_int(const struct wire_msg *, enum wire_key, int64_t *);
/* Copies a text string with NUL; refuses embedded NUL and overlong text. */
int		 wire_get_str(const struct wire_msg *, enum wire_key, char *buf,
		    size_t bufsz);
/* Borrowed pointer, valid as long as the message. */
int		 wire_get_bytes(const struct wire_msg *, enum wire_key,
		    const uint8_t **p, size_t *len);
/* List of maps at key: its length (0 if absent) and item i (borrowed). */
size_t		 wire_list_len(const struct wire_msg *, enum wire_key);
const struct wire_msg *wire_list_get(const struct wire_msg *, enum wire_key,
		    size_t i);
/*
 * The final check: -1 with "unexpected field N" if the map holds a key
 * outside allowed (a WK_BIT mask; TYPE and ID are always allowed).
 */
int		 wire_check_keys(const struct wire_msg *, uint64_t allowed,
		    char *err, size_t errlen);

const char	*wire_type_name(uint64_t);
const char	*wire_err_name(uint64_t);

#endif
