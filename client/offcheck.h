/* skkd — SPDX-License-Identifier: ISC */
/*
 * Verdicts from the offline cache (skk verify --offline): every trusted
 * issuer's descriptor, status lists and number maps as skk sync left
 * them, each signature checked again on loading. The rules (skk(1),
 * issue #14):
 *
 *  - VALID or NOT VALID because of a status only when that status is
 *    fresh: made at most max_age ago and not past its exp; the answer
 *    says "as of" the list's iat. A stale status is UNKNOWN ("stale").
 *  - never NOT VALID for missing data: an issuer never synced, or whose
 *    cached files do not verify, gives UNKNOWN ("unavailable");
 *  - a QR whose host is no trusted issuer: UNKNOWN, issuer_not_trusted;
 *    a trusted issuer's QR signed by a key it never had: NOT VALID,
 *    unknown_key (by another trusted issuer's key: points_to_another_
 *    site); what a signature proves (bad signature, expired) needs no
 *    status;
 *  - a bare number is looked up in every issuer's number maps: none
 *    knows it: NOT VALID unknown_number only when every issuer's status
 *    is fresh, else UNKNOWN; two or more: UNKNOWN, ambiguous.
 */
#ifndef CLIENT_OFFCHECK_H
#define CLIENT_OFFCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "cert.h"
#include "issuer.h"
#include "qrpay.h"
#include "sign.h"
#include "statuslist.h"
#include "trust.h"
#include "trustlist.h"

#define OC_WHY_MAX	384
#define OC_DETAIL_MAX	512
#define OC_MAX_AGE	(24 * 3600)	/* default --max-age */

/* Reasons beyond enum cert_reason's names. */
#define OC_ISSUER_NOT_TRUSTED	"issuer_not_trusted"
#define OC_AMBIGUOUS		"ambiguous"

/* One trusted issuer and what the cache holds for it. */
struct oc_issuer {
	char			 host[TRUST_HOST_MAX];	/* as QR URLs name it */
	char			 url[TRUST_URL_MAX];
	char			 name[TRUST_TEXT_MAX];
	char			 licence[TRUST_TEXT_MAX];
	int			 usable;	/* all below verified */
	char			 why[OC_WHY_MAX];	/* when not usable */
	struct issuer_desc	*desc;
	struct keyring		 kr;		/* its QR signing keys */
	struct sl_list		*lists;		/* list n at [n] */
	size_t			 nlists;
	struct sl_numbers	*maps;		/* number map n at [n] */
	size_t			 nmaps;
	int64_t			 as_of;		/* oldest iat of lists, maps */
	int64_t			 exp;		/* earliest exp, descriptor's too */
};

struct offcheck {
	struct oc_issuer	*v;
	size_t			 n;
	/*
	 * Issuers cached but not trusted (removed, dropped by a registry):
	 * their number maps, checked only against the key their own
	 * descriptor names, can turn "unknown number" into UNKNOWN, never
	 * give a verdict.
	 */
	struct oc_issuer	*others;
	size_t			 nothers;
	int64_t			 now;
	int64_t			 max_age;	/* seconds */
};

/* One answer. */
struct oc_result {
	unsigned		 verdict;	/* enum cert_verdict */
	const char		*reason;	/* cert_reason_name() or OC_* */
	char			 detail[OC_DETAIL_MAX];	/* why, for people */
	const struct oc_issuer	*issuer;	/* who answered, or NULL */
	int64_t			 as_of;		/* the status's iat; 0: none */
	int			 has_claims;	/* a good signature's claims */
	struct qr_claims	 claims;
	char			 number[CERT_NUMBER_LEN + 1];	/* or "" */
};

/*
 * The issuers to believe: trust_effective over skk.conf and its trust
 * file, less those a registry put there and whose newer signed list,
 * cached by sync under root (NULL: none), no longer names them.
 * *v malloc'd. 0, or -1 with err.
 */
int	offcheck_trusted(const struct skkconf *, const char *root,
	    struct trust_issuer **v, size_t *n, char *err, size_t errlen);

/* Where sync keeps registry name's signed list: dir and name under root. */
#define OC_REGISTRY_DIR	"+registries"	/* no host maps to it */

/*
 * Whether the trust list tl (a registry's) names the issuer at host.
 */
int	offcheck_listed(const struct trustlist *tl, const char *host);

/*
 * skk.conf's server as QR URLs and status lists name it: the public
 * host of its log_key's name, else server_name.
 */
void	offcheck_own_host(const struct skkconf *, char *out, size_t outlen);

/*
 * Loads the n issuers' cached files from root (offcache.h), checking
 * every signature with the issuer's trusted log key. An issuer whose
 * files are missing or do not verify is kept, not usable, with the
 * reason in its why. 0, or -1 with err (out of memory).
 */
int	offcheck_init(struct offcheck *, const struct trust_issuer *is,
	    size_t n, const char *root, int64_t now, int64_t max_age,
	    char *err, size_t errlen);
void	offcheck_release(struct offcheck *);

/* Whether every list and map of a usable issuer is fresh at c->now. */
int	offcheck_fresh(const struct offcheck *, const struct oc_issuer *);

/* A QR URL or bare base32 text. */
void	offcheck_qr(const struct offcheck *, const char *text,
	    struct oc_result *);
/*
 * A certificate number (any spacing); issuer, when not NULL or "", the
 * host or licence of the issuer to ask (a crew sheet's issuer column).
 */
void	offcheck_number(const struct offcheck *, const char *number,
	    const char *issuer, struct oc_result *);
/* Either, as qrpay_is_qr_text decides. */
void	offcheck_query(const struct offcheck *, const char *query,
	    const char *issuer, struct oc_result *);

/*
 * The time of the check: $SKK_NOW (unix seconds; for tests of
 * staleness) when set, else the clock.
 */
int64_t	offcheck_now(void);
/* "N[smhd]" (no suffix: seconds) into seconds > 0; 0 or -1. */
int	offcheck_parse_age(const char *, int64_t *);
/* Seconds as the largest whole unit: "24h", "90m", "2d", "45s". */
void	offcheck_fmt_age(int64_t, char *out, size_t outlen);
/* Unix seconds as "2026-12-05T07:30:00Z". */
void	offcheck_fmt_time(int64_t, char out[32]);

#endif
