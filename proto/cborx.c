/* skkd — SPDX-License-Identifier: ISC */
/*
 * libcbor helpers for deterministic encoding and total decoding
 * (cborx.h).
 */

#include <stdlib.h>
#include <string.h>

#include "cborx.h"

cbor_item_t *
cborx_int(int64_t v)
{
	cbor_item_t	*it;
	uint64_t	 u = v >= 0 ? (uint64_t)v : (uint64_t)(-(v + 1));

	if (u <= UINT8_MAX) {
		if ((it = cbor_new_int8()) != NULL)
			cbor_set_uint8(it, (uint8_t)u);
	} else if (u <= UINT16_MAX) {
		if ((it = cbor_new_int16()) != NULL)
			cbor_set_uint16(it, (uint16_t)u);
	} else if (u <= UINT32_MAX) {
		if ((it = cbor_new_int32()) != NULL)
			cbor_set_uint32(it, (uint32_t)u);
	} else {
		if ((it = cbor_new_int64()) != NULL)
			cbor_set_uint64(it, u);
	}
	if (it != NULL && v < 0)
		cbor_mark_negint(it);
	return it;
}

int
cborx_map_put(cbor_item_t *map, cbor_item_t *key, cbor_item_t *val)
{
	int	ok;

	ok = map != NULL && key != NULL && val != NULL &&
	    cbor_map_add(map, (struct cbor_pair){ .key = key, .value = val });
	if (key != NULL)
		cbor_decref(&key);
	if (val != NULL)
		cbor_decref(&val);
	return ok ? 0 : -1;
}

int
cborx_map_put_str(cbor_item_t *map, const char *key, cbor_item_t *val)
{
	return cborx_map_put(map, cbor_build_string(key), val);
}

int
cborx_array_put(cbor_item_t *arr, cbor_item_t *item)
{
	int	ok;

	ok = arr != NULL && item != NULL && cbor_array_push(arr, item);
	if (item != NULL)
		cbor_decref(&item);
	return ok ? 0 : -1;
}

int
cborx_serialize(cbor_item_t *item, int ok, uint8_t **out, size_t *outlen)
{
	size_t	bufsize = 0;

	*out = NULL;
	*outlen = 0;
	if (item == NULL)
		return -1;
	if (ok)
		*outlen = cbor_serialize_alloc(item, out, &bufsize);
	cbor_decref(&item);
	if (*outlen == 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
cborx_scan(const uint8_t *p, size_t len)
{
	size_t		pos = 0, pending = 1, n, i;
	uint64_t	arg;
	int		major, ai;

	while (pending > 0) {
		if (pos >= len)
			return -1;
		major = p[pos] >> 5;
		ai = p[pos++] & 0x1f;
		if (ai > 27)
			return -1;	/* reserved, or indefinite length */
		arg = (uint64_t)ai;
		if (ai >= 24) {
			n = (size_t)1 << (ai - 24);
			if (len - pos < n)
				return -1;
			for (arg = 0, i = 0; i < n; i++)
				arg = (arg << 8) | p[pos++];
		}
		pending--;
		if ((major == 2 || major == 3 || major == 4) && arg > len - pos)
			return -1;
		if (major == 5 && arg > (len - pos) / 2)
			return -1;
		if (major == 2 || major == 3)
			pos += (size_t)arg;
		else if (major == 4)
			pending += (size_t)arg;
		else if (major == 5)
			pending += 2 * (size_t)arg;
		else if (major == 6)
			pending++;
		else if (major == 7 && ai == 24 && arg < 32)
			return -1;	/* simple value in the wrong form */
		if (pending > len - pos)
			return -1;
	}
	return pos == len ? 0 : -1;
}

cbor_item_t *
cborx_load(const uint8_t *p, size_t len)
{
	struct cbor_load_result	 res;
	cbor_item_t		*it;

	if (cborx_scan(p, len) == -1)
		return NULL;
	it = cbor_load(p, len, &res);
	if (it != NULL && (res.error.code != CBOR_ERR_NONE || res.read != len))
		cbor_decref(&it);
	return it;
}

int
cborx_get_int(const cbor_item_t *it, int64_t *v)
{
	uint64_t	u;

	if (it == NULL || !cbor_is_int(it) || (u = cbor_get_int(it)) >
	    INT64_MAX)
		return -1;
	*v = cbor_isa_negint(it) ? -1 - (int64_t)u : (int64_t)u;
	return 0;
}

int
cborx_is_bstr(const cbor_item_t *it)
{
	return it != NULL && cbor_isa_bytestring(it) &&
	    cbor_bytestring_is_definite(it);
}

int
cborx_get_text(const cbor_item_t *it, char *out, size_t max)
{
	size_t	len;

	if (it == NULL || !cbor_isa_string(it) ||
	    !cbor_string_is_definite(it) || (len = cbor_string_length(it)) >
	    max)
		return -1;
	if (len > 0)
		memcpy(out, cbor_string_handle(it), len);
	out[len] = '\0';
	return memchr(out, '\0', len) == NULL ? 0 : -1;
}

/* The value of the one pair whose key matches; NULL if none or two. */
static cbor_item_t *
cborx_map_find(const cbor_item_t *map, int64_t label, const char *key)
{
	struct cbor_pair	*pairs;
	cbor_item_t		*found = NULL;
	int64_t			 v;
	size_t			 i, klen = key != NULL ? strlen(key) : 0;
	int			 hit;

	if (map == NULL || !cbor_isa_map(map) || !cbor_map_is_definite(map))
		return NULL;
	pairs = cbor_map_handle(map);
	for (i = 0; i < cbor_map_size(map); i++) {
		if (key == NULL)
			hit = cborx_get_int(pairs[i].key, &v) == 0 &&
			    v == label;
		else
			hit = cbor_isa_string(pairs[i].key) &&
			    cbor_string_is_definite(pairs[i].key) &&
			    cbor_string_length(pairs[i].key) == klen &&
			    memcmp(cbor_string_handle(pairs[i].key), key,
			    klen) == 0;
		if (!hit)
			continue;
		if (found != NULL)
			return NULL;
		found = pairs[i].value;
	}
	return found;
}

cbor_item_t *
cborx_map_int(const cbor_item_t *map, int64_t label)
{
	return cborx_map_find(map, label, NULL);
}

cbor_item_t *
cborx_map_str(const cbor_item_t *map, const char *key)
{
	return cborx_map_find(map, 0, key);
}
