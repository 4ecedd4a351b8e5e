/* skkd — SPDX-License-Identifier: ISC */
/*
 * The daemon's shared state: set up once by main.c before any thread
 * starts, read-only afterwards except for the atomic counters.
 */
#ifndef DAEMON_SKKD_H
#define DAEMON_SKKD_H

#include <stdatomic.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "conf.h"
#include "sign.h"

#define SKKD_VERSION	"0.1"
#define SKKD_NIK_SECRET_LEN	32

struct store;
struct tlog;
struct writer;

struct skkd_stats {
	atomic_ullong	connections;	/* open now */
	atomic_ullong	accepted;
	atomic_ullong	refused;	/* over max_connections */
	atomic_ullong	http_connections;	/* HTTPS, open now */
	atomic_ullong	http_refused;	/* over http_max_connections */
	atomic_ullong	requests;
	atomic_ullong	verifications;
	atomic_ullong	bad_frames;
	atomic_ullong	refused_addr;	/* over max_connections_per_address */
	atomic_ullong	http_refused_addr;	/* over http_..._per_address */
};

struct skkd {
	struct conf		 conf;
	struct sign_key		*signkey;	/* signs new QR payloads */
	struct keyring		 keyring;	/* verifies QR payloads */
	uint8_t			*nik_secret;	/* secmem_alloc'd */
	unsigned		 kbli, kbji;
	struct store		*store;
	struct writer		*writer;
	struct tlog		*tlog;		/* signs the log's checkpoints */
	struct statuspub	*status;	/* the status lists */
	SSL_CTX			*ssl_ctx;
	struct skkd_stats	 stats;
};

extern struct skkd	*skkd;

#endif
