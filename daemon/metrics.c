/* skkd — SPDX-License-Identifier: ISC */
/*
 * Counters and histograms for /metrics. Every figure is a relaxed atomic
 * so recording costs a few instructions on any thread and never waits;
 * a render is not one snapshot, which Prometheus does not need.
 */

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "cert.h"
#include "metrics.h"
#include "skkd.h"
#include "store.h"

#define NVERDICT	4	/* valid, not_valid, unknown, none */
#define NLAT		13
#define NBATCH		13

struct histo {
	atomic_ullong	bucket[NLAT + 1];	/* not cumulative; last is +Inf */
	atomic_ullong	sum;			/* usec or units */
	atomic_ullong	count;
};

static const char *const ep_names[MEP_MAX] = {
	"proto_verify", "proto_write", "proto_other",
	"http_page", "http_api", "http_other"
};
static const char *const verdict_names[NVERDICT] = {
	"valid", "not_valid", "unknown", "none"
};
/* Upper bounds in microseconds: 0.5 ms to 5 s. */
static const uint64_t lat_le[NLAT] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
	500000, 1000000, 2500000, 5000000
};
static const uint64_t batch_le[NBATCH] = {
	1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096
};

static atomic_ullong		 requests[MEP_MAX][NVERDICT];
static struct histo		 latency[MEP_MAX];
static struct histo		 batches;
static atomic_ullong		 handshakes[2];	/* failed, ok */
static atomic_ullong		 issued;
static atomic_ullong		 witness[2];	/* failed, cosigned */
static const struct skkd_stats	*mstats;

static void
histo_add(struct histo *h, const uint64_t *le, size_t n, uint64_t v)
{
	size_t	i;

	for (i = 0; i < n && v > le[i]; i++)
		;
	atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum, v, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
}

static unsigned long long
load(const atomic_ullong *a)
{
	return atomic_load_explicit(a, memory_order_relaxed);
}

void
metrics_request(enum metrics_endpoint ep, int verdict, uint64_t usec)
{
	if ((unsigned)ep >= MEP_MAX)
		return;
	if (verdict < 0 || verdict >= NVERDICT - 1)
		verdict = NVERDICT - 1;
	atomic_fetch_add_explicit(&requests[ep][verdict], 1,
	    memory_order_relaxed);
	histo_add(&latency[ep], lat_le, NLAT, usec);
}

void
metrics_handshake(int ok)
{
	atomic_fetch_add_explicit(&handshakes[ok != 0], 1,
	    memory_order_relaxed);
}

void
metrics_issued(unsigned count)
{
	atomic_fetch_add_explicit(&issued, count, memory_order_relaxed);
}

void
metrics_commit(unsigned batch_size)
{
	histo_add(&batches, batch_le, NBATCH, batch_size);
}

void
metrics_witness(int ok)
{
	atomic_fetch_add_explicit(&witness[ok != 0], 1, memory_order_relaxed);
}

void
metrics_set_stats(const struct skkd_stats *st)
{
	mstats = st;
}

static void
render_requests(struct evbuffer *out)
{
	int	e, v;

	evbuffer_add_printf(out,
	    "# HELP skkd_requests_total Requests answered, by endpoint and "
	    "verdict.\n# TYPE skkd_requests_total counter\n");
	for (e = 0; e < MEP_MAX; e++)
		for (v = 0; v < NVERDICT; v++)
			evbuffer_add_printf(out, "skkd_requests_total{endpoint="
			    "\"%s\",verdict=\"%s\"} %llu\n", ep_names[e],
			    verdict_names[v], load(&requests[e][v]));
}

/* label is "" or 'name="value",'; scale turns the sum into the unit. */
static void
render_histo(struct evbuffer *out, const char *name, const char *label,
    struct histo *h, const uint64_t *le, size_t n, double scale)
{
	unsigned long long	cum = 0;
	size_t			i;

	for (i = 0; i < n; i++) {
		cum += load(&h->bucket[i]);
		evbuffer_add_printf(out, "%s_bucket{%sle=\"%g\"} %llu\n",
		    name, label, le[i] * scale, cum);
	}
	cum += load(&h->bucket[n]);
	evbuffer_add_printf(out, "%s_bucket{%sle=\"+Inf\"} %llu\n", name,
	    label, cum);
	if (label[0] != '\0') {
		/* "x=\"y\"," -> "{x=\"y\"}" */
		evbuffer_add_printf(out, "%s_sum{%.*s} %.6f\n", name,
		    (int)strlen(label) - 1, label, load(&h->sum) * scale);
		evbuffer_add_printf(out, "%s_count{%.*s} %llu\n", name,
		    (int)strlen(label) - 1, label, load(&h->count));
	} else {
		evbuffer_add_printf(out, "%s_sum %.6f\n", name,
		    load(&h->sum) * scale);
		evbuffer_add_printf(out, "%s_count %llu\n", name,
		    load(&h->count));
	}
}

static void
render_latency(struct evbuffer *out)
{
	char	label[64];
	int	e;

	evbuffer_add_printf(out,
	    "# HELP skkd_request_duration_seconds Time to answer a request."
	    "\n# TYPE skkd_request_duration_seconds histogram\n");
	for (e = 0; e < MEP_MAX; e++) {
		snprintf(label, sizeof(label), "endpoint=\"%s\",", ep_names[e]);
		render_histo(out, "skkd_request_duration_seconds", label,
		    &latency[e], lat_le, NLAT, 1e-6);
	}
}

static void
render_counters(struct evbuffer *out)
{
	evbuffer_add_printf(out,
	    "# HELP skkd_tls_handshakes_total TLS handshakes by result.\n"
	    "# TYPE skkd_tls_handshakes_total counter\n"
	    "skkd_tls_handshakes_total{result=\"ok\"} %llu\n"
	    "skkd_tls_handshakes_total{result=\"failed\"} %llu\n",
	    load(&handshakes[1]), load(&handshakes[0]));
	evbuffer_add_printf(out,
	    "# HELP skkd_issued_total Certificates issued.\n"
	    "# TYPE skkd_issued_total counter\n"
	    "skkd_issued_total %llu\n", load(&issued));
	evbuffer_add_printf(out,
	    "# HELP skkd_witness_submissions_total Checkpoint submissions "
	    "to witnesses by result.\n"
	    "# TYPE skkd_witness_submissions_total counter\n"
	    "skkd_witness_submissions_total{result=\"cosigned\"} %llu\n"
	    "skkd_witness_submissions_total{result=\"failed\"} %llu\n",
	    load(&witness[1]), load(&witness[0]));
	evbuffer_add_printf(out,
	    "# HELP skkd_commit_batch_size Write jobs per group commit.\n"
	    "# TYPE skkd_commit_batch_size histogram\n");
	render_histo(out, "skkd_commit_batch_size", "", &batches, batch_le,
	    NBATCH, 1);
}

static void
render_connections(struct evbuffer *out)
{
	const struct skkd_stats	*st = mstats;

	if (st == NULL)
		return;
	evbuffer_add_printf(out,
	    "# HELP skkd_connections Companion connections open now.\n"
	    "# TYPE skkd_connections gauge\n"
	    "skkd_connections %llu\n"
	    "# HELP skkd_connections_total Connections accepted and refused."
	    "\n# TYPE skkd_connections_total counter\n"
	    "skkd_connections_total{result=\"accepted\"} %llu\n"
	    "skkd_connections_total{result=\"refused\"} %llu\n"
	    "# HELP skkd_http_connections HTTPS connections open now.\n"
	    "# TYPE skkd_http_connections gauge\n"
	    "skkd_http_connections %llu\n"
	    "# HELP skkd_http_refused_total HTTPS connections refused "
	    "(http_max_connections).\n"
	    "# TYPE skkd_http_refused_total counter\n"
	    "skkd_http_refused_total %llu\n",
	    load(&st->connections), load(&st->accepted), load(&st->refused),
	    load(&st->http_connections), load(&st->http_refused));
	evbuffer_add_printf(out,
	    "# HELP skkd_refused_per_address_total Connections refused at "
	    "accept: their address had max_connections_per_address "
	    "(http_max_connections_per_address) open.\n"
	    "# TYPE skkd_refused_per_address_total counter\n"
	    "skkd_refused_per_address_total{port=\"companion\"} %llu\n"
	    "skkd_refused_per_address_total{port=\"https\"} %llu\n",
	    load(&st->refused_addr), load(&st->http_refused_addr));
}

static void
render_store(struct evbuffer *out, struct store_rd *rd)
{
	struct store_stats	st;
	int			i;

	if (rd == NULL || store_stats(rd, &st) != STORE_OK)
		return;
	evbuffer_add_printf(out,
	    "# HELP skkd_store_bytes Bytes of the LMDB map in use.\n"
	    "# TYPE skkd_store_bytes gauge\n"
	    "skkd_store_bytes %llu\n"
	    "# HELP skkd_store_map_bytes Size of the LMDB map.\n"
	    "# TYPE skkd_store_map_bytes gauge\n"
	    "skkd_store_map_bytes %llu\n"
	    "# HELP skkd_certificates Stored certificates by status.\n"
	    "# TYPE skkd_certificates gauge\n",
	    (unsigned long long)st.map_used, (unsigned long long)st.map_size);
	for (i = 0; i < CERT_STATUS_MAX; i++)
		evbuffer_add_printf(out, "skkd_certificates{status=\"%s\"} "
		    "%llu\n", cert_status_name(i),
		    (unsigned long long)st.by_status[i]);
}

void
metrics_render(struct evbuffer *out, struct store_rd *rd)
{
	render_requests(out);
	render_latency(out);
	render_counters(out);
	render_connections(out);
	render_store(out, rd);
}
