/* skkd — SPDX-License-Identifier: ISC */
/*
 * A rogue companion server for one skk connection: it speaks the
 * protocol (PROTOCOL.md §3) with the certificate the client trusts but
 * answers every ISSUE item with the number given on the command line (a
 * path such as "../../x") and every QR request with a few image bytes,
 * so a test can see whether skk lets a server's answer name its files.
 *
 * Usage: rogue PORT CERT KEY NUMBER
 * Prints "listening" once bound, then serves one connection and exits.
 */

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "wire.h"

static int
rg_read(SSL *ssl, uint8_t *p, size_t len)
{
	size_t	got;

	while (len > 0) {
		if (SSL_read_ex(ssl, p, len, &got) != 1)
			return -1;
		p += got;
		len -= got;
	}
	return 0;
}

static int
rg_send(SSL *ssl, struct wire_msg *m)
{
	uint8_t	*out;
	size_t	 len, done;
	int	 rc = -1;

	if (m != NULL && wire_encode(m, &out, &len) == 0) {
		rc = SSL_write_ex(ssl, out, len, &done) == 1 ? 0 : -1;
		free(out);
	}
	wire_msg_free(m);
	return rc;
}

/* The answer to one request, in the rogue's terms. */
static struct wire_msg *
rg_answer(const struct wire_msg *q, const char *number)
{
	struct wire_msg	*a, *it;
	uint64_t	 type = wire_type(q);
	size_t		 i;

	if ((a = wire_msg_new((enum wire_type)type, wire_id(q))) == NULL)
		return NULL;
	switch (type) {
	case WIRE_HELLO:
		wire_put_uint(a, WK_VERSION, WIRE_VERSION);
		wire_put_str(a, WK_NAME, "rogue");
		wire_put_str(a, WK_ROLE, "admin");
		wire_put_uint(a, WK_COUNT, 100);
		break;
	case WIRE_ISSUE:
		for (i = 0; i < wire_list_len(q, WK_ITEMS); i++) {
			if ((it = wire_put_item(a, WK_ITEMS)) == NULL)
				break;
			wire_put_str(it, WK_NUMBER, number);
			wire_put_uint(it, WK_STATUS, 0);
			wire_put_str(it, WK_URL, "HTTPS://ROGUE/V/AAAA");
		}
		break;
	case WIRE_QR:
		wire_put_str(a, WK_NUMBER, number);
		wire_put_str(a, WK_URL, "HTTPS://ROGUE/V/AAAA");
		wire_put_bytes(a, WK_IMAGE, (const uint8_t *)"rogue", 5);
		break;
	default:
		break;
	}
	return a;
}

static SSL *
rg_accept(int port, const char *cert, const char *key)
{
	struct sockaddr_in	 sin;
	SSL_CTX			*ctx;
	SSL			*ssl;
	int			 s, fd, one = 1;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		return NULL;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(s, 1) == -1)
		return NULL;
	printf("listening\n");
	fflush(stdout);
	if ((fd = accept(s, NULL, NULL)) == -1 || (ssl = SSL_new(ctx)) == NULL ||
	    SSL_set_fd(ssl, fd) != 1 || SSL_accept(ssl) != 1)
		return NULL;
	close(s);
	return ssl;
}

int
main(int argc, char **argv)
{
	struct wire_msg	*q;
	uint8_t		 hdr[WIRE_HDR_LEN], *buf;
	uint32_t	 len;
	char		 err[160];
	SSL		*ssl;

	if (argc != 5) {
		fprintf(stderr, "usage: rogue PORT CERT KEY NUMBER\n");
		return 2;
	}
	if ((ssl = rg_accept(atoi(argv[1]), argv[2], argv[3])) == NULL)
		return 1;
	while (rg_read(ssl, hdr, sizeof(hdr)) == 0 &&
	    wire_frame_len(hdr, 1 << 24, &len) == 0 &&
	    (buf = malloc(len)) != NULL) {
		q = rg_read(ssl, buf, len) == 0 ? wire_decode(buf, len, err,
		    sizeof(err)) : NULL;
		free(buf);
		if (q == NULL || rg_send(ssl, rg_answer(q, argv[4])) == -1) {
			wire_msg_free(q);
			break;
		}
		wire_msg_free(q);
	}
	return 0;
}
