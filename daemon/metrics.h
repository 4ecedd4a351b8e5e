/* skkd — SPDX-License-Identifier: ISC */
/*
 * Counters and latency histograms for /metrics (Prometheus text format).
 * Recording is lock-free (atomics) and safe from any thread.
 */
#ifndef DAEMON_METRICS_H
#define DAEMON_METRICS_H

#include <stdint.h>

struct evbuffer;
struct skkd_stats;
struct store_rd;

enum metrics_endpoint {
	MEP_PROTO_VERIFY = 0,	/* companion protocol, per request */
	MEP_PROTO_WRITE,	/* issue, status, LPJK, renew */
	MEP_PROTO_OTHER,
	MEP_HTTP_PAGE,		/* /, /V/..., /c/... */
	MEP_HTTP_API,		/* /api/v1/... */
	MEP_HTTP_OTHER,		/* /healthz, errors */
	MEP_MAX
};

/* verdict: enum cert_verdict, or -1 when the request had none. */
void	metrics_request(enum metrics_endpoint, int verdict, uint64_t usec);
void	metrics_handshake(int ok);
void	metrics_issued(unsigned count);
void	metrics_commit(unsigned batch_size);
/* A checkpoint submission to a witness: cosigned (1) or failed (0). */
void	metrics_witness(int ok);
/* Where the connection gauges come from (main.c); NULL leaves them out. */
void	metrics_set_stats(const struct skkd_stats *);
/*
 * Appends every metric; store figures come through rd (the calling
 * thread's reader; NULL leaves them out). Safe on any worker loop.
 */
void	metrics_render(struct evbuffer *out, struct store_rd *rd);

#endif
