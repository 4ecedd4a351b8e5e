/* skkd — SPDX-License-Identifier: ISC */
/*
 * Benchmark helper: opens N TLS connections to HOST:PORT, completes each
 * handshake, then holds them idle until killed, so the server's resident
 * memory per idle connection can be read from /proc. Prints "open N" once
 * they are all up (N may be short of the request if the server refused
 * some). Handshakes run one at a time: simple, and the server sees the
 * same load as from a slow crowd of phones.
 * Usage: idle HOST PORT N
 */

#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

static int
idle_connect(const char *host, int port)
{
	struct sockaddr_in	sin;
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		return -1;
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One handshake; the SSL object is kept (not freed) so the server sees
 * a live TLS session, with the client's buffers released. */
static int
idle_open(SSL_CTX *ctx, const char *host, int port)
{
	SSL	*ssl;
	int	 fd;

	if ((fd = idle_connect(host, port)) == -1)
		return -1;
	if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1 ||
	    SSL_connect(ssl) != 1) {
		SSL_free(ssl);
		close(fd);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	SSL_CTX	*ctx;
	int	 i, n, port, open = 0, fails = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: idle HOST PORT N\n");
		return 2;
	}
	port = atoi(argv[2]);
	n = atoi(argv[3]);
	signal(SIGPIPE, SIG_IGN);
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return 1;
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	for (i = 0; i < n && fails < 100; i++) {
		if (idle_open(ctx, argv[1], port) == 0)
			open++;
		else
			fails++;
	}
	printf("open %d\n", open);
	fflush(stdout);
	for (;;)
		pause();
}
