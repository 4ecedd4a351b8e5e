/* skkd — SPDX-License-Identifier: ISC */
/*
 * Benchmark helper, loaded into wrk with LD_PRELOAD: forgets the TLS
 * session before each new handshake, so that every connection pays a full
 * handshake. wrk keeps its SSL object across reconnections (SSL_clear),
 * so without this it resumes the previous connection's TLS 1.3 ticket and
 * a "new connection per request" run measures resumed handshakes only.
 * Only a handshake not yet begun is touched: wrk calls SSL_connect again
 * while a non-blocking handshake is in progress.
 */

#include <dlfcn.h>

#include <openssl/ssl.h>

int	SSL_connect(SSL *);

int
SSL_connect(SSL *s)
{
	static int	(*real)(SSL *);

	if (real == NULL &&
	    (real = (int (*)(SSL *))dlsym(RTLD_NEXT, "SSL_connect")) == NULL)
		return -1;
	if (SSL_in_before(s))
		SSL_set_session(s, NULL);
	return real(s);
}
