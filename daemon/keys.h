/* skkd — SPDX-License-Identifier: ISC */
/*
 * Signing keys on disk. The directory of signing_key holds the Ed25519
 * keys and an index, keys.conf, one line per key:
 *
 *	KID FILE VALID_FROM VALID_TO COMPROMISED_AT
 *
 * (kid in hex, FILE relative to the directory, times in unix seconds, 0
 * for open or never). Without an index the directory holds one key:
 * signing_key. New certificates are signed by the newest key that is
 * open-ended and not compromised; every key verifies what it signed.
 */
#ifndef DAEMON_KEYS_H
#define DAEMON_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "sign.h"

#define KEYS_INDEX	"keys.conf"

struct conf;
struct skkd;

struct keys_entry {
	uint8_t		kid[SIGN_KID_LEN];
	char		file[256];	/* relative to the keys directory */
	int64_t		valid_from;
	int64_t		valid_to;
	int64_t		compromised_at;
};

struct keys_index {
	size_t			n;
	struct keys_entry	e[KEYRING_MAX];
};

/* The index of conf's keys (or the one signing_key); 0 or -1 with err. */
int	keys_index_read(const struct conf *, struct keys_index *, char *err,
	    size_t errlen);
/* Replaces keys.conf atomically; 0 or -1 with err. */
int	keys_index_write(const struct conf *, const struct keys_index *,
	    char *err, size_t errlen);
/* The entry kid (hex, or a unique prefix) names, or -1 with err. */
int	keys_index_match(const struct keys_index *, const char *kid,
	    char *err, size_t errlen);
/* The entry that signs new certificates, or -1 when there is none. */
int	keys_index_active(const struct keys_index *);

/* Start-up: fills s->keyring and s->signkey from conf; 0 or -1 with err. */
int	keys_load(struct skkd *, char *err, size_t errlen);
/*
 * SIGHUP: applies a changed index to the running daemon. Keys are only
 * added or narrowed in place and never freed before keys_release, so
 * threads reading the keyring or the signing key meanwhile stay safe.
 * On error nothing changes.
 */
int	keys_reload(struct skkd *, char *err, size_t errlen);
void	keys_release(struct skkd *);

/* A new key, active from now on; kid gets its hex. 0 or -1 with err. */
int	keys_rotate(const struct conf *, char kid[2 * SIGN_KID_LEN + 1],
	    char *err, size_t errlen);
/* Marks kid (hex, or a unique prefix) compromised at `at`; ends its window. */
int	keys_retire(const struct conf *, const char *kid, int64_t at,
	    char *err, size_t errlen);

/*
 * The end of the window a verifier should trust: the compromise time
 * (less a second, since signatures at it are refused) when the key is
 * compromised, so offline checks with the keys answer agree.
 */
int64_t	keys_window_end(const struct keyring_entry *);

/* ISO 8601 (YYYY-MM-DD[THH:MM[:SS]][Z], UTC) or unix seconds; 0 or -1. */
int	keys_parse_time(const char *, int64_t *);
void	keys_kid_hex(const uint8_t kid[SIGN_KID_LEN],
	    char out[2 * SIGN_KID_LEN + 1]);

#endif
