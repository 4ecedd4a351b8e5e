/* skkd — SPDX-License-Identifier: ISC */
/*
 * Small helpers over libcbor shared by the signed formats (qrpay.c,
 * cose.c, statuslist.c, issuer.c, trustlist.c).
 *
 * Encoding is deterministic (RFC 8949 §4.2.1): integers in their
 * shortest form, definite lengths, and map keys added in the order of
 * their encoded bytes (so unsigned integers first, then negative ones,
 * then text, each from the shortest), which the callers keep.
 *
 * Decoding is total: cborx_load walks the heads first (definite lengths,
 * every declared count backed by bytes, nothing trailing) before libcbor
 * builds anything, because libcbor allocates a declared array before
 * reading its elements and five hostile bytes could ask it for gigabytes.
 */
#ifndef PROTO_CBORX_H
#define PROTO_CBORX_H

#include <stddef.h>
#include <stdint.h>

#include <cbor.h>

/* An integer in its shortest encoding; NULL when out of memory. */
cbor_item_t	*cborx_int(int64_t);
/*
 * Adds key and value to map (or item to arr), dropping the caller's
 * references either way; NULL arguments fail. 0 or -1.
 */
int		 cborx_map_put(cbor_item_t *map, cbor_item_t *key,
		    cbor_item_t *val);
int		 cborx_map_put_str(cbor_item_t *map, const char *key,
		    cbor_item_t *val);
int		 cborx_array_put(cbor_item_t *arr, cbor_item_t *item);
/*
 * Serialises item if ok and drops it; *out is malloc'd. 0, or -1 (and
 * *out NULL) when !ok, item is NULL or memory ran out.
 */
int		 cborx_serialize(cbor_item_t *item, int ok, uint8_t **out,
		    size_t *outlen);

/* Whether len bytes are exactly one well-formed definite item: 0 or -1. */
int		 cborx_scan(const uint8_t *p, size_t len);
/* Scans, then loads the one item spanning the buffer; NULL if not. */
cbor_item_t	*cborx_load(const uint8_t *p, size_t len);

/* An integer item as int64: 0, or -1 if not an integer in range. */
int		 cborx_get_int(const cbor_item_t *, int64_t *);
/* A definite byte string? */
int		 cborx_is_bstr(const cbor_item_t *);
/* Copies a definite text of at most max bytes, no NULs, into out (max+1). */
int		 cborx_get_text(const cbor_item_t *, char *out, size_t max);
/*
 * The value under an integer label or a text key of a definite map;
 * NULL when absent or when the label appears twice.
 */
cbor_item_t	*cborx_map_int(const cbor_item_t *map, int64_t label);
cbor_item_t	*cborx_map_str(const cbor_item_t *map, const char *key);

#endif
