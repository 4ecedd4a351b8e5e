/* skkd — SPDX-License-Identifier: ISC */
/*
 * The trust file: which issuers (LSPs) skk believes, and which
 * registries' signed lists it took them from. It is configuration, not
 * cache: it lives beside skk.conf (`trust = FILE`, default
 * "trusted-issuers" in skk.conf's directory), people may read and edit
 * it, and `skk trust add|remove|import` rewrite it. See skk(1).
 *
 * One entry a line; whole-line '#' comments and blank lines are kept
 * when the file is written back:
 *
 *   issuer https://HOST[:PORT] log_key=NAME+ID+BASE64 name="TEXT"
 *          [licence=TEXT] [pin=sha256:HEX] [ca=FILE] [cert=FILE key=FILE]
 *          [registry=NAME] [server=HOST:PORT [server_name=NAME]]
 *   registry NAME KEY [url=URL] [ca=FILE] [pin=sha256:HEX]
 *
 * (an issuer entry is one line; it is folded here only to fit). Values
 * may be double-quoted, then \" and \\ escape; relative FILEs are
 * relative to the trust file's directory. A registry's KEY is its
 * Ed25519 public key, either the base64 of the 32 raw bytes or a PEM
 * file; url is where its signed list can be fetched again, with the
 * CA and pin of the import. server is the issuer's companion port
 * (skkd's listen), asked instead of its HTTPS API when a reader cert
 * and key are given too; its certificate is checked against ca (and
 * pin) for server_name (default: the host of server).
 *
 * The issuer of skk.conf's own server is trusted without an entry:
 * trust_effective gives the list every verifier should use.
 */
#ifndef CLIENT_TRUST_H
#define CLIENT_TRUST_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "note.h"
#include "sign.h"
#include "skkconf.h"

#define TRUST_DEFAULT	"trusted-issuers"	/* beside skk.conf */
#define TRUST_HOST_MAX	SKKCONF_HOST_MAX
#define TRUST_URL_MAX	(TRUST_HOST_MAX + 16)	/* "https://" HOST */
#define TRUST_TEXT_MAX	256			/* name, licence */
#define TRUST_REG_MAX	64			/* a registry's name */
#define TRUST_KEYTEXT_MAX PATH_MAX		/* a registry's KEY */
#define TRUST_FILE_MAX	(4 * 1024 * 1024)	/* a larger file is a mistake */
#define TRUST_ISSUERS_MAX 10000
#define TRUST_ERR_MAX	(PATH_MAX + 512)

enum trust_source {
	TRUST_SRC_FILE,		/* a line of the trust file */
	TRUST_SRC_CONF		/* skk.conf's own server */
};

/*
 * One trusted issuer. In a struct trust_file the paths are as written
 * (relative to the file's directory); in the list trust_effective
 * gives, they are ready to open.
 */
struct trust_issuer {
	char		url[TRUST_URL_MAX];	/* "https://HOST[:PORT]" */
	/*
	 * HOST[:PORT] as QR URLs name the issuer (host lower-case, no
	 * ":443"): compare with qrpay_host_equal.
	 */
	char		host[TRUST_HOST_MAX];
	char		log_key[SKKCONF_LOG_KEY_MAX];	/* note verifier key */
	char		name[TRUST_TEXT_MAX];
	char		licence[TRUST_TEXT_MAX];	/* "" when unknown */
	int		has_pin;
	uint8_t		pin[32];	/* SHA-256 of the HTTPS server's SPKI */
	char		ca[PATH_MAX];	/* "" : the system's CAs */
	char		cert[PATH_MAX];	/* reader certificate and key, */
	char		key[PATH_MAX];	/* both or neither; "" */
	char		registry[TRUST_REG_MAX]; /* whose list; "" by hand */
	char		server[SKKCONF_SERVER_MAX]; /* companion; "" none */
	char		server_name[TRUST_HOST_MAX]; /* "" : server's host */
	enum trust_source source;
	unsigned	line;		/* in the trust file; 0 if none */
};

/*
 * A registry whose signed trust list was imported, and how to fetch it
 * again: url, with ca (as written, relative to the trust file's
 * directory: skkconf_path(tf->dir, ca, ...)) and pin over HTTPS.
 */
struct trust_registry {
	char		name[TRUST_REG_MAX];
	char		key[TRUST_KEYTEXT_MAX];	/* as written */
	char		url[TRUST_URL_MAX + 64]; /* "" when not known */
	char		ca[PATH_MAX];		/* "" : the system's CAs */
	int		has_pin;
	uint8_t		pin[32];
	unsigned	line;
};

struct trust_line;	/* comments and the order of entries, for saving */

/* A trust file in memory. Initialise with trust_load or trust_parse. */
struct trust_file {
	char			 path[PATH_MAX];
	char			 dir[PATH_MAX];	/* "" : working directory */
	struct trust_issuer	*iss;		/* in file order */
	size_t			 niss;
	struct trust_registry	*reg;
	size_t			 nreg;
	struct trust_line	*lines;
	size_t			 nlines;
};

/*
 * Parses len bytes as the trust file path (which names it in messages
 * and gives the directory of relative paths). 0, or -1 with
 * "PATH:LINE: FIELD: reason" in err and tf empty. trust_release frees
 * what tf holds; it may be called on a zeroed or failed tf.
 */
int	trust_parse(struct trust_file *tf, const char *buf, size_t len,
	    const char *path, char *err, size_t errlen);
void	trust_release(struct trust_file *tf);

/*
 * Reads and parses path; a missing file is an empty list (0), which
 * trust_save creates. Same contract as trust_parse.
 */
int	trust_load(struct trust_file *tf, const char *path, char *err,
	    size_t errlen);

/*
 * Writes tf to tf->path atomically (a temporary file beside it, fsync,
 * rename, the directory synced), mode 0644: comments and blank lines
 * where they were, entries in their order, new ones at the end. 0, or
 * -1 with err (the old file is then untouched).
 */
int	trust_save(const struct trust_file *tf, char *err, size_t errlen);

/* The file's text as trust_save writes it; malloc'd, NUL-terminated. */
char	*trust_format(const struct trust_file *tf, size_t *len);

/*
 * Adds is, or replaces the entry with the same host (qrpay_host_equal).
 * The fields are checked as if read from the file. 1 added, 0 replaced,
 * -1 with err (tf unchanged).
 */
int	trust_put(struct trust_file *tf, const struct trust_issuer *is,
	    char *err, size_t errlen);
/* The same for a registry, matched by name. */
int	trust_put_registry(struct trust_file *tf,
	    const struct trust_registry *r, char *err, size_t errlen);

/* The entry for host (HOST[:PORT] or an https:// URL), or NULL. */
struct trust_issuer *trust_find(const struct trust_file *tf,
	    const char *host);
/* Removes the entry for host: 0, or -1 when there is none. */
int	trust_remove(struct trust_file *tf, const char *host);

/*
 * An issuer's URL "https://HOST[:PORT][/]" checked and made canonical:
 * url without a trailing '/', host lower-case; a ":443" port is left
 * out of both. 0, or -1 with a reason in err.
 */
int	trust_url_parse(const char *text, char *url, size_t urllen,
	    char *host, size_t hostlen, char *err, size_t errlen);

/*
 * A pin as the user gives it, "sha256:HEX" (64 digits) or curl's
 * "sha256//BASE64", into 32 bytes. 0 or -1 (err).
 */
int	trust_pin_parse(const char *text, uint8_t pin[32], char *err,
	    size_t errlen);

/*
 * A registry's public key: the base64 key itself or the PEM file it
 * names (relative to tf's directory). NULL with err.
 */
struct sign_key *trust_registry_key(const struct trust_file *tf,
	    const struct trust_registry *r, char *err, size_t errlen);

/*
 * is's relative ca, cert and key (as written in tf) made relative to
 * where skk runs instead. 0, or -1 with err.
 */
int	trust_resolve(const struct trust_file *tf, struct trust_issuer *is,
	    char *err, size_t errlen);

/*
 * The trust file of conf: its `trust` key, or TRUST_DEFAULT in its
 * directory, into path.
 */
void	trust_conf_path(const struct skkconf *conf, char *path,
	    size_t pathlen);

/*
 * The issuers every check should believe: first skk.conf's own server
 * (source TRUST_SRC_CONF: host and url from the name of its log key,
 * "HOST/log" (PROTOCOL.md §4.3), else server_name; log_key, ca,
 * cert and key from skk.conf, log_key "" when it has none; no pin, as
 * skk.conf's pins the companion port's certificate),
 * then the file's entries in order, paths made ready to open. A file
 * entry with skk.conf's log_key is the own server's: it is not listed
 * again, but its url, host, name and licence replace the derived ones. *out
 * is malloc'd (free it), *n its length (>= 1). 0, or -1 with err.
 */
int	trust_effective(const struct skkconf *conf,
	    const struct trust_file *tf, struct trust_issuer **out,
	    size_t *n, char *err, size_t errlen);

#endif
