/* skkd — SPDX-License-Identifier: ISC */
/*
 * libcurl behind one call. Each post has its own easy handle: posts are
 * rare (at most one per witness a minute), so nothing is kept between
 * them, and the thread that calls wpost may block as long as it takes.
 */

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "errf.h"
#include "wpost.h"

int
wpost_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == 0 ? 0 : -1;
}

void
wpost_cleanup(void)
{
	curl_global_cleanup();
}

/* Keeps up to WPOST_BODY_MAX bytes; more makes the transfer fail. */
static size_t
wpost_write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct wpost_ans	*a = arg;

	n *= size;
	if (n > WPOST_BODY_MAX - a->len)
		return 0;
	memcpy(a->body + a->len, p, n);
	a->len += n;
	a->body[a->len] = '\0';
	return n;
}

/* Non-zero ends the transfer: the daemon is stopping. */
static int
wpost_progress_cb(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	return atomic_load((const atomic_int *)arg) != 0;
}

int
wpost(const char *url, const char *body, size_t len, const atomic_int *stop,
    struct wpost_ans *a, char *err, size_t errlen)
{
	CURL			*c;
	struct curl_slist	*h;
	char			*type = NULL;
	CURLcode		 rc;

	memset(a, 0, sizeof(*a));
	if ((c = curl_easy_init()) == NULL)
		return errf(err, errlen, "cannot start libcurl");
	h = curl_slist_append(NULL, "Content-Type: text/plain; charset=utf-8");
	/* No "Expect: 100-continue" wait: the body is small. */
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)WPOST_CONNECT);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)WPOST_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "skkd");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, wpost_write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, wpost_progress_cb);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)stop);
	if ((rc = curl_easy_perform(c)) == CURLE_WRITE_ERROR)
		errf(err, errlen, "answer over %d bytes", WPOST_BODY_MAX);
	else if (rc == CURLE_ABORTED_BY_CALLBACK)
		errf(err, errlen, "stopping");
	else if (rc != CURLE_OK)
		errf(err, errlen, "%s", curl_easy_strerror(rc));
	else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->status);
		if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type) ==
		    CURLE_OK && type != NULL)
			snprintf(a->type, sizeof(a->type), "%s", type);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}
