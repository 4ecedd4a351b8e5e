/* skkd — SPDX-License-Identifier: ISC */
/*
 * skkd: start-up in the order things depend on each other (config, keys,
 * TLS, store, writer, listener), then wait for a signal on the main
 * thread while the worker threads serve; tear-down in reverse.
 */

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "conf.h"
#include "init.h"
#include "log.h"
#include "server.h"
#include "sign.h"
#include "skkd.h"
#include "store.h"
#include "tls.h"
#include "writer.h"

#define WRITER_MAX_GROUP	4096

struct skkd	*skkd;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: skkd [-tv] -c FILE\n"
	    "       skkd init DIR [--host NAME] [--listen ADDR:PORT] "
	    "[--issuer NAME]\n"
	    "                     [--licence L] [--kbli N] [--kbji N]\n");
	exit(EX_USAGE);
}

static void
die(int status, const char *what, const char *err)
{
	fprintf(stderr, "skkd: %s%s%s\n", what, what[0] ? ": " : "", err);
	exit(status);
}

/* Keys, secrets and TLS: everything -t checks. */
static void
load_keys(struct skkd *s)
{
	struct sign_key	*pub;
	char		 err[512];

	s->signkey = sign_key_load_private(s->conf.signing_key, err,
	    sizeof(err));
	if (s->signkey == NULL)
		die(EX_CONFIG, "signing_key", err);
	keyring_init(&s->keyring);
	pub = sign_key_from_public(sign_key_public(s->signkey));
	if (pub == NULL || keyring_add(&s->keyring, pub, 0, 0) == -1)
		die(EX_SOFTWARE, "signing_key", "cannot build the keyring");
	if (conf_read_secret(s->conf.nik_secret, s->nik_secret, err,
	    sizeof(err)) == -1)
		die(EX_CONFIG, "nik_secret", err);
	s->ssl_ctx = tls_server_ctx(s->conf.tls_cert, s->conf.tls_key,
	    s->conf.client_ca, err, sizeof(err));
	if (s->ssl_ctx == NULL)
		die(EX_CONFIG, "", err);
	s->kbli = strtoul(s->conf.kbli, NULL, 10);
	s->kbji = strtoul(s->conf.kbji, NULL, 10);
}

static void
open_store(struct skkd *s)
{
	struct store_opts	 o;
	char			 err[512];

	memset(&o, 0, sizeof(o));
	o.dir = s->conf.data_dir;
	o.map_size = s->conf.map_size;
	o.max_readers = s->conf.workers + 16;
	o.nosync = getenv("SKKD_TEST_NOSYNC") != NULL;
	if (o.nosync)
		log_warnx("SKKD_TEST_NOSYNC set: commits are NOT durable");
	if ((s->store = store_open(&o, err, sizeof(err))) == NULL)
		die(EX_UNAVAILABLE, "data_dir", err);
	if ((s->writer = writer_start(s->store, WRITER_MAX_GROUP, err,
	    sizeof(err))) == NULL)
		die(EX_OSERR, "writer", err);
}

/* Signals are taken synchronously by the main thread only. */
static void
block_signals(sigset_t *set)
{
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, set, NULL);
}

static void
wait_for_stop(const sigset_t *set)
{
	int	sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			log_info("SIGHUP: nothing to reload in this version");
			continue;
		}
		log_info("%s: shutting down", sig == SIGINT ? "SIGINT" :
		    "SIGTERM");
		return;
	}
}

static void
serve(struct skkd *s)
{
	struct server	*srv;
	sigset_t	 set;
	char		 err[512], kid[2 * SIGN_KID_LEN + 1];
	int		 i;

	block_signals(&set);
	open_store(s);
	if ((srv = server_new(err, sizeof(err))) == NULL)
		die(EX_UNAVAILABLE, "", err);
	server_run(srv);
	for (i = 0; i < SIGN_KID_LEN; i++)
		snprintf(kid + 2 * i, 3, "%02x", sign_key_kid(s->signkey)[i]);
	log_info("listening on %s, %u workers, signing key %s",
	    s->conf.listen, s->conf.workers, kid);
	sd_notify(0, "READY=1\nSTATUS=serving");
	wait_for_stop(&set);
	sd_notify(0, "STOPPING=1");
	server_stop(srv);
	writer_stop(s->writer);
	server_free(srv);
	store_close(s->store);
}

int
main(int argc, char *argv[])
{
	static struct skkd	 s;
	const char		*path = NULL;
	char			 err[512];
	int			 ch, test = 0, verbose = 0;

	if (argc > 1 && strcmp(argv[1], "init") == 0)
		return init_main(argc - 1, argv + 1);
	while ((ch = getopt(argc, argv, "c:tv")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 't':
			test = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (path == NULL || optind != argc)
		usage();
	log_init(verbose);
	skkd = &s;
	if (conf_load(path, &s.conf, err, sizeof(err)) == -1)
		die(EX_CONFIG, "", err);
	load_keys(&s);
	if (test) {
		printf("skkd: configuration '%s' OK\n", path);
		return 0;
	}
	serve(&s);
	keyring_release(&s.keyring);
	sign_key_free(s.signkey);
	tls_ctx_free(s.ssl_ctx);
	explicit_bzero(s.nik_secret, sizeof(s.nik_secret));
	log_info("stopped");
	return 0;
}
