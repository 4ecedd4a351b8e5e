/* skkd — SPDX-License-Identifier: ISC */
/*
 * The signed trust list (PROTOCOL.md §7): a registry (LPJK, say) names
 * the issuers it licenses so that a contractor trusts one registry key,
 * not every LSP one by one. A COSE_Sign1 of typ
 * "application/skk-trustlist+cwt", signed by the registry's Ed25519 key
 * (`skkd trust-list keygen`), whose payload is the claims
 *
 *	{6: iat, 4: exp, -65541: {"registry": name,
 *	 "issuers": [{"url", "log_key", "licence", "name"}...]}}
 *
 * The registry writes its list as text, one issuer per line:
 *
 *	https://HOST[:PORT] LOG_VKEY LICENCE|- NAME...
 *
 * ('-' for no licence; NAME runs to the end of the line), with blank
 * lines and '#' comment lines ignored.
 */
#ifndef PROTO_TRUSTLIST_H
#define PROTO_TRUSTLIST_H

#include <stddef.h>
#include <stdint.h>

#include "issuer.h"
#include "note.h"
#include "sign.h"

#define TL_CLAIM		(-65541)
#define TL_ISSUERS_MAX		4096	/* issuers in one list */
#define TL_URL_MAX		300	/* "https://HOST[:PORT]" */
#define TL_REGISTRY_MAX		200	/* bytes of the registry's name */
#define TL_SIZE_MAX		(4 << 20)	/* a whole signed list */
#define TL_TEXT_MAX		(4 << 20)	/* the text form */

struct tl_issuer {
	char		url[TL_URL_MAX + 1];	/* https://, a host, no path */
	char		log_key[NOTE_KEY_MAX + 1];	/* a note vkey */
	char		licence[ISSUER_LICENCE_MAX + 1];	/* "" none */
	char		name[ISSUER_NAME_MAX + 1];	/* non-empty */
};

struct trustlist {
	char		 registry[TL_REGISTRY_MAX + 1];
	int64_t		 iat, exp;	/* unix seconds */
	size_t		 n;
	struct tl_issuer *v;		/* malloc'd, n entries */
};

void	trustlist_init(struct trustlist *);
void	trustlist_release(struct trustlist *);	/* frees v; init again */

/*
 * Checks one entry: url "https://" and a host (optional ":PORT", no
 * path, not even "/"), log_key a note vkey, a non-empty name, texts
 * bounded, UTF-8, no control characters. 0 or -1 (err names the field).
 */
int	tl_issuer_check(const struct tl_issuer *, char *err, size_t errlen);

/*
 * Reads the text form (len bytes) into tl's entries (tl initialised by
 * the caller; registry, iat and exp untouched). 0, or -1 with
 * "line N: ..." in err and tl's entries freed. A URL listed twice is an
 * error.
 */
int	trustlist_parse_text(const char *buf, size_t len,
	    struct trustlist *tl, char *err, size_t errlen);

/*
 * Signs tl (registry name, iat <= exp, entries checked as above) with
 * the registry's private key. *out is malloc'd. 0 or -1 (err).
 */
int	trustlist_make(const struct sign_key *registry,
	    const struct trustlist *tl, uint8_t **out, size_t *outlen,
	    char *err, size_t errlen);

/*
 * Parses and checks len bytes (at most TL_SIZE_MAX) into tl (initialised
 * here; trustlist_release it even on failure): typ, claims, every entry
 * as tl_issuer_check, no URL twice. registry non-NULL: the signature must be by that
 * key; NULL: not checked (a relay, such as skkd serving the file, that
 * only wants a well-formed list). now non-zero: a list not yet valid
 * (iat > now) or expired (exp <= now) is an error naming both dates in
 * ISO 8601 UTC. 0; -1 with err; -2 when the signature could not be
 * checked.
 */
int	trustlist_open(const uint8_t *buf, size_t len,
	    const struct sign_key *registry, int64_t now, struct trustlist *tl,
	    char *err, size_t errlen);

#endif
