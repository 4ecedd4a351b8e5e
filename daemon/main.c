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
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "bgthread.h"
#include "checks.h"
#include "conf.h"
#include "conn.h"
#include "dispatch.h"
#include "hex.h"
#include "httpd.h"
#include "init.h"
#include "keys.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "pool.h"
#include "publish.h"
#include "registry.h"
#include "statuspub.h"
#include "secmem.h"
#include "sign.h"
#include "skkd.h"
#include "store.h"
#include "tlogsync.h"
#include "trustdoc.h"
#include "tls.h"
#include "writer.h"
#include "wsubmit.h"

#define WRITER_MAX_GROUP	4096

struct skkd	*skkd;
static SSL_CTX	*https_ctx;	/* the pages' certificate (http_cert) */
static struct publisher	*publisher;	/* publish_dir, or NULL */
static struct wsubmit	*wsubmit;	/* witness lines, or NULL */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: skkd [-tv] -c FILE\n"
	    "       skkd init DIR [--host NAME] [--listen ADDR:PORT] "
	    "[--issuer NAME]\n"
	    "                     [--licence L] [--kbli N] [--kbji N]\n"
	    "                     [--http-listen ADDR:PORT|none]\n"
	    "                     [--metrics-listen ADDR:PORT|none]\n"
	    "       skkd rotate-key | check -c FILE\n"
	    "       skkd retire-key -c FILE KID --compromised-at TIME\n"
	    "       skkd add-client -c FILE NAME --role admin|reader "
	    "[--org ORGANISATION]\n"
	    "       skkd revoke-client -c FILE SERIAL\n"
	    "       skkd backup -c FILE DEST\n"
	    "       skkd resign -c FILE --kid KID [-o FILE]\n"
	    "       skkd log-key -c FILE\n"
	    "       skkd publish -c FILE DIR\n"
	    "       skkd trust-list keygen FILE\n"
	    "       skkd trust-list sign --key FILE [--name REGISTRY] "
	    "[--days N] IN.txt -o OUT\n");
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
	char		 err[512];

	if (secmem_init(err, sizeof(err)) == -1)
		die(EX_OSERR, "", err);
	if ((s->nik_secret = secmem_alloc(SKKD_NIK_SECRET_LEN)) == NULL)
		die(EX_OSERR, "nik_secret", "cannot map memory for it");
	if (keys_load(s, err, sizeof(err)) == -1)
		die(EX_CONFIG, "signing keys", err);
	if (s->conf.log_key[0] == '\0')
		die(EX_CONFIG, "log_key", "not set in skkd.conf: run skkd "
		    "log-key -c FILE to make one and add the lines it prints");
	if ((s->tlog = tlog_load(s->conf.log_key, s->conf.public_host, err,
	    sizeof(err))) == NULL)
		die(EX_CONFIG, "", err);
	if (conf_read_secret(s->conf.nik_secret, s->nik_secret, err,
	    sizeof(err)) == -1)
		die(EX_CONFIG, "nik_secret", err);
	s->ssl_ctx = tls_server_ctx(s->conf.tls_cert, s->conf.tls_key,
	    s->conf.client_ca, err, sizeof(err));
	if (s->ssl_ctx == NULL)
		die(EX_CONFIG, "", err);
	if (s->conf.http_listen[0] != '\0' && (https_ctx = tls_https_ctx(
	    s->conf.http_cert, s->conf.http_key, err, sizeof(err))) == NULL)
		die(EX_CONFIG, "", err);
	if (tls_revoked_set(s->conf.revoked_clients, err, sizeof(err)) == -1)
		die(EX_CONFIG, "", err);
	if (trustdoc_init(s, err, sizeof(err)) == -1)
		die(EX_CONFIG, "", err);
	s->kbli = strtoul(s->conf.kbli, NULL, 10);
	s->kbji = strtoul(s->conf.kbji, NULL, 10);
}

/*
 * The log's start-up check (tlog_check_snapshot) reads every entry: seconds at
 * millions of them. On a plain restart it runs on this thread while the
 * daemon already answers, since no answer depends on it, and the writer
 * is held until it passes, so that nothing is appended to or signed
 * over a log that is not the one its checkpoint signed. If it fails,
 * skkd exits with the status and message it had when the check came
 * first; nothing has been written since it started.
 */
static pthread_t	log_check;
static int		log_checking;

static void *
log_check_main(void *arg)
{
	struct skkd	*s = arg;
	struct timespec	 t0, t1;
	char		 err[512];

	bgthread_idle();

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (tlog_check_snapshot(s->tlog, s->store, err, sizeof(err)) !=
	    STORE_OK) {
		fprintf(stderr, "skkd: log: %s\n", err);
		_exit(EX_UNAVAILABLE);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info("log: checked against its checkpoint in %ld ms",
	    (long)((t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000));
	writer_release(s->writer);
	return NULL;
}

static void
open_store(struct skkd *s)
{
	struct store_opts	 o;
	char			 err[512];
	int			 check, rc;

	memset(&o, 0, sizeof(o));
	o.dir = s->conf.data_dir;
	o.map_size = s->conf.map_size;
	o.max_readers = s->conf.workers + 16;
	o.nosync = getenv("SKKD_TEST_NOSYNC") != NULL;
	if (o.nosync)
		log_warnx("SKKD_TEST_NOSYNC set: commits are NOT durable");
	if ((s->store = store_open(&o, err, sizeof(err))) == NULL)
		die(EX_UNAVAILABLE, "data_dir", err);
	/* Keys rotated while skkd was down, or a store older than its log. */
	if (tlog_sync_start(s->store, s->tlog, &s->keyring, s->signkey,
	    time(NULL), &check, err, sizeof(err)) != STORE_OK)
		die(EX_UNAVAILABLE, "log", err);
	if ((s->writer = writer_start(s->store, WRITER_MAX_GROUP, err,
	    sizeof(err))) == NULL)
		die(EX_OSERR, "writer", err);
	if (check) {
		writer_hold(s->writer);
		if ((rc = pthread_create(&log_check, NULL, log_check_main,
		    s)) != 0)
			die(EX_OSERR, "log check", strerror(rc));
		log_checking = 1;
	}
	writer_set_log(s->writer, s->tlog);
	if (checks_start(s->writer, s->conf.check_log_days, err,
	    sizeof(err)) == -1)
		die(EX_OSERR, "", err);
	if ((s->status = statuspub_start(s->store, s->tlog, &s->conf,
	    s->conf.publish_dir[0] != '\0' ? publish_status_doc : NULL,
	    s->conf.publish_dir, err, sizeof(err))) == NULL)
		die(EX_OSERR, "", err);
	writer_set_commit_fn(s->writer, statuspub_kick, s->status);
	if (s->conf.publish_dir[0] != '\0' && (publisher = publisher_start(
	    s->store, s->conf.publish_dir, err, sizeof(err))) == NULL)
		die(EX_CANTCREAT, "", err);
	if (publisher != NULL)
		trustdoc_publish_to(publish_status_doc, s->conf.publish_dir);
	if (s->conf.nwitness != 0 && (wsubmit = wsubmit_start(s->store,
	    s->writer, &s->conf, err, sizeof(err))) == NULL)
		die(EX_OSERR, "", err);
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

/* SIGHUP: each part keeps what it has when its new files are bad. */
static void
reload(struct skkd *s)
{
	char	err[512];

	notify_reloading();
	if (tls_ctx_reload(&s->ssl_ctx, s->conf.tls_cert, s->conf.tls_key,
	    s->conf.client_ca, err, sizeof(err)) == -1)
		log_warnx("SIGHUP: keeping the old TLS certificate: %s", err);
	else
		log_info("SIGHUP: TLS certificate and client CA reloaded");
	if (https_ctx != NULL && tls_https_reload(&https_ctx,
	    s->conf.http_cert, s->conf.http_key, err, sizeof(err)) == -1)
		log_warnx("SIGHUP: keeping the old HTTPS certificate: %s", err);
	else if (https_ctx != NULL)
		log_info("SIGHUP: HTTPS certificate reloaded");
	if (keys_reload(s, err, sizeof(err)) == -1)
		log_warnx("SIGHUP: keeping the old signing keys: %s", err);
	else
		log_info("SIGHUP: %zu signing keys", s->keyring.n);
	trustdoc_reload(s);
	if (tls_revoked_reload(err, sizeof(err)) == -1)
		log_warnx("SIGHUP: keeping the old revoked client "
		    "certificates: %s", err);
	notify_ready("serving");
}

static void
wait_for_stop(const sigset_t *set)
{
	int	sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			reload(skkd);
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
	static const struct conn_handlers handlers = {
		dispatch_hello, dispatch_request
	};
	struct pool		*pool;
	struct conn_port	*port;
	struct httpd		*http;
	sigset_t		 set;
	char			 err[512], kid[2 * SIGN_KID_LEN + 1];

	block_signals(&set);
	metrics_set_stats(&s->stats);
	open_store(s);
	if ((pool = pool_new(s->conf.workers, err, sizeof(err))) == NULL ||
	    (port = conn_port_new(pool, &handlers, err, sizeof(err))) == NULL)
		die(EX_UNAVAILABLE, "", err);
	if ((http = httpd_start(pool, &https_ctx, err, sizeof(err))) == NULL)
		die(EX_UNAVAILABLE, "", err);
	if (notify_watchdog_start(pool_base(pool, 0)) == -1)
		die(EX_OSERR, "watchdog", "cannot start the timer");
	pool_run(pool);
	hex_encode(sign_key_kid(s->signkey), SIGN_KID_LEN, kid);
	log_info("https on %s, metrics on %s", s->conf.http_listen[0] ?
	    s->conf.http_listen : "(off)", s->conf.metrics_listen[0] ?
	    s->conf.metrics_listen : "(off)");
	log_info("listening on %s, %u workers, signing key %s",
	    s->conf.listen, s->conf.workers, kid);
	notify_ready("serving");
	notify_status("serving on %s, %u workers, signing key %s",
	    s->conf.listen, s->conf.workers, kid);
	wait_for_stop(&set);
	notify_stopping();
	if (conn_port_drain(port, s->conf.shutdown_timeout) == -1)
		log_warnx("shutdown_timeout passed with requests in flight");
	pool_stop(pool);
	notify_watchdog_stop();
	if (log_checking)
		pthread_join(log_check, NULL);
	wsubmit_stop(wsubmit);
	checks_stop();
	writer_stop(s->writer);
	statuspub_stop(s->status);
	s->status = NULL;
	publisher_stop(publisher);
	httpd_free(http);
	conn_port_free(port);
	pool_free(pool);
	store_close(s->store);
}

int
main(int argc, char *argv[])
{
	static struct skkd	 s;
	const char		*path = NULL;
	char			 err[512];
	int			 ch, test = 0, verbose = 0;

	secmem_wipe_frees();
	if (argc > 1 && strcmp(argv[1], "init") == 0)
		return init_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "trust-list") == 0)
		return registry_main(argc - 1, argv + 1);
	if (argc > 1 && argv[1][0] != '-' &&
	    (ch = admin_main(argc - 1, argv + 1)) != -1)
		return ch;
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
	keys_release(&s);
	tlog_free(s.tlog);
	tls_revoked_free();
	trustdoc_release();
	tls_ctx_free(s.ssl_ctx);
	tls_ctx_free(https_ctx);
	secmem_release(s.nik_secret, SKKD_NIK_SECRET_LEN);
	log_info("stopped");
	return 0;
}
