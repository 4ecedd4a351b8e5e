/* skkd — SPDX-License-Identifier: ISC */
/*
 * skk.conf: where the daemon is and which keys the client trusts and
 * shows. Relative paths are made relative to the file's directory, so the
 * client works from any working directory. See skk(1). (The module is not
 * called conf because the daemon's conf.h and conf_* are linked into the
 * same unit tests.)
 */
#ifndef CLIENT_SKKCONF_H
#define CLIENT_SKKCONF_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "note.h"

#define SKKCONF_HOST_MAX	256
#define SKKCONF_SERVER_MAX	(SKKCONF_HOST_MAX + 16)
#define SKKCONF_LOG_KEY_MAX	256	/* a note verifier key string */
#define SKKCONF_WITNESSES	16	/* witness_key lines */
#define SKKCONF_FILE_MAX	(64 * 1024)	/* a larger config is a mistake */

struct skkconf {
	char		path[PATH_MAX];			/* the file, as given */
	char		server[SKKCONF_SERVER_MAX];	/* as written */
	char		host[SKKCONF_HOST_MAX];		/* no brackets */
	char		port[8];
	char		server_name[SKKCONF_HOST_MAX];	/* default: host */
	char		ca[PATH_MAX];			/* required */
	char		cert[PATH_MAX];			/* "" when absent */
	char		key[PATH_MAX];
	int		has_pin;
	uint8_t		pin[32];	/* SHA-256 of the server's SPKI DER */
	char		public_key[PATH_MAX];
	char		log_key[SKKCONF_LOG_KEY_MAX];	/* "" when absent */
	char		trust[PATH_MAX];	/* the trust file; "" default */
	/* witness_key lines: cosigner verifier keys for verify --proof */
	char		witness_key[SKKCONF_WITNESSES][SKKCONF_LOG_KEY_MAX];
	size_t		nwitness;
	/* Printing (skk print): layout offset, PAdES signer ("" none). */
	double		print_dx, print_dy;		/* mm */
	char		sign_cert[PATH_MAX];
	char		sign_key[PATH_MAX];
};

/*
 * Parses a configuration held in memory as if read from the file name in
 * directory dir. server and ca are required, cert and key go together.
 * 0, or -1 with "NAME:LINE: reason" or "NAME: reason" in err.
 */
int	skkconf_parse(struct skkconf *, const char *buf, size_t len,
	    const char *name, const char *dir, char *err, size_t errlen);

/* Reads and parses the file at path; same contract. */
int	skkconf_load(struct skkconf *, const char *path, char *err,
	    size_t errlen);

/*
 * Which file to read: opt (from -c) if set, else $SKK_CONFIG if set and
 * not empty, else ./skk.conf if it exists; NULL when none applies.
 */
const char *skkconf_find(const char *opt);

/*
 * Splits "host:port" or "[v6]:port" into host (brackets removed) and
 * port (1-65535, digits). 0, or -1 with a reason in err.
 */
int	skkconf_split_hostport(const char *text, char *host, size_t hostlen,
	    char *port, size_t portlen, char *err, size_t errlen);

/*
 * For other configuration files (witness.conf): the file's bytes, at
 * most SKKCONF_FILE_MAX, malloc'd (NULL and err on failure); its
 * directory ("" when path has none); value as a path, relative ones
 * made relative to dir (0, or -1 with err).
 */
char	*skkconf_read(const char *path, size_t *len, char *err,
	    size_t errlen);
/* The same for files of up to max bytes; errno ENOENT when missing. */
char	*skkconf_read_max(const char *path, size_t max, size_t *len,
	    char *err, size_t errlen);
void	 skkconf_dirname(const char *path, char *dir, size_t dirlen);
int	 skkconf_path(const char *dir, const char *value, char *out,
	    size_t outlen, char *err, size_t errlen);

#endif
