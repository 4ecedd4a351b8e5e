/* skkd — SPDX-License-Identifier: ISC */
/*
 * Per-address token buckets (daemon/rate.c): IPv6 addresses of one /64
 * share a bucket and those of another /64 do not; IPv4, also when mapped
 * into IPv6, is one address per bucket; a bucket gives its burst, then
 * its rate, and refuses what it cannot give without taking anything.
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rate.h"

static void
key6(const char *text, uint8_t key[RATE_KEY_LEN])
{
	struct sockaddr_in6	sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, text, &sin6.sin6_addr), 1);
	rate_addr_key((struct sockaddr *)&sin6, key);
}

static void
key4(const char *text, uint8_t key[RATE_KEY_LEN])
{
	struct sockaddr_in	sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, text, &sin.sin_addr), 1);
	rate_addr_key((struct sockaddr *)&sin, key);
}

static void
test_keys(void **state)
{
	uint8_t	a[RATE_KEY_LEN], b[RATE_KEY_LEN];

	key6("2001:db8:1:2::1", a);
	key6("2001:db8:1:2:ffff:eeee:dddd:cccc", b);
	assert_memory_equal(a, b, RATE_KEY_LEN);	/* one /64 */
	key6("2001:db8:1:3::1", b);
	assert_memory_not_equal(a, b, RATE_KEY_LEN);	/* the next /64 */
	key4("192.0.2.1", a);
	key4("192.0.2.2", b);
	assert_memory_not_equal(a, b, RATE_KEY_LEN);
	key6("::ffff:192.0.2.1", b);
	key4("192.0.2.1", a);
	assert_memory_equal(a, b, RATE_KEY_LEN);	/* mapped = IPv4 */
	key6("::ffff:192.0.2.2", b);
	assert_memory_not_equal(a, b, RATE_KEY_LEN);	/* not grouped */
}

static void
test_bucket(void **state)
{
	struct rate	*r = rate_new();
	uint8_t		 a[RATE_KEY_LEN], a2[RATE_KEY_LEN], b[RATE_KEY_LEN];
	uint64_t	 t = 1000000;
	int		 i;

	assert_non_null(r);
	key6("2001:db8:0:1::1", a);
	key6("2001:db8:0:1::2", a2);
	key6("2001:db8:0:2::1", b);
	/* Burst 4 at 2/s: four now, from either address of the /64. */
	for (i = 0; i < 4; i++)
		assert_int_equal(rate_take(r, i % 2 ? a2 : a, 2, 4, 1, t), 0);
	assert_int_equal(rate_take(r, a2, 2, 4, 1, t), 1);
	assert_int_equal(rate_take(r, a, 2, 4, 1, t), 1);
	/* Another /64 has its own bucket. */
	assert_int_equal(rate_take(r, b, 2, 4, 1, t), 0);
	/* Half a second later one token is back. */
	assert_int_equal(rate_take(r, a, 2, 4, 1, t + 500000), 0);
	assert_int_equal(rate_take(r, a, 2, 4, 1, t + 500000), 1);
	/* A batch is all or nothing: 3 refused leaves the 2 for later. */
	assert_int_equal(rate_take(r, a, 2, 4, 3, t + 1500000), 1);
	assert_int_equal(rate_take(r, a, 2, 4, 2, t + 1500000), 0);
	/* More than the burst can never pass. */
	assert_int_equal(rate_take(r, b, 2, 4, 5, t), UINT32_MAX);
	rate_free(r);
	rate_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_bucket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
