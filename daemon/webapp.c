/* skkd — SPDX-License-Identifier: ISC */
/*
 * The verifier app's files, read into memory at start-up and served from
 * there: a request never touches the file system, so no path it names
 * can reach outside the app. The files are few and small (the QR decoder
 * is the largest), and a new build needs a restart, like the binary.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "hex.h"
#include "log.h"
#include "sign.h"
#include "webapp.h"

#ifndef SKKD_WEBDIR
#define SKKD_WEBDIR	"/usr/local/share/skkd/web"
#endif

#define WEBAPP_FILES_MAX	32
#define WEBAPP_FILE_MAX		(1 << 20)	/* bytes of one file */
#define WEBAPP_NAME_MAX		64

/*
 * Scripts from this origin only, nothing inline; the documents of other
 * issuers are fetched (connect-src) from wherever the trust list says.
 */
#define WEBAPP_CSP	"default-src 'self'; script-src 'self'; " \
	"style-src 'self'; img-src 'self'; connect-src 'self' https:; " \
	"worker-src 'self'; manifest-src 'self'; object-src 'none'; " \
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

struct webapp_type {
	const char	*ext;
	const char	*ctype;
	const char	*cache;
};

/* The shell that must follow a new build at once is revalidated. */
static const struct webapp_type webapp_types[] = {
	{ ".html", "text/html; charset=utf-8", "no-cache" },
	{ ".js", "text/javascript; charset=utf-8", "no-cache" },
	{ ".css", "text/css; charset=utf-8", "no-cache" },
	{ ".webmanifest", "application/manifest+json", "no-cache" },
	{ ".svg", "image/svg+xml", "public, max-age=86400" },
	{ ".png", "image/png", "public, max-age=86400" },
};

struct webapp_file {
	char			 name[WEBAPP_NAME_MAX];
	const struct webapp_type *type;
	uint8_t			*data;
	size_t			 len;
	char			 etag[WEB_ETAG_MAX];
};

static struct webapp_file	webapp_files[WEBAPP_FILES_MAX];
static size_t			webapp_nfiles;

static const struct webapp_type *
webapp_type(const char *name)
{
	const char	*dot = strrchr(name, '.');
	size_t		 i;

	if (dot == NULL)
		return NULL;
	for (i = 0; i < sizeof(webapp_types) / sizeof(webapp_types[0]); i++)
		if (strcmp(dot, webapp_types[i].ext) == 0)
			return &webapp_types[i];
	return NULL;
}

/* The directory: $(B)/web beside the running binary, else SKKD_WEBDIR. */
static int
webapp_find(char *dir, size_t len)
{
	char	exe[PATH_MAX], path[PATH_MAX + 32];
	ssize_t	n;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		snprintf(dir, len, "%s/web", dirname(exe));
		snprintf(path, sizeof(path), "%s/index.html", dir);
		if (access(path, R_OK) == 0)
			return 0;
	}
	snprintf(dir, len, "%s", SKKD_WEBDIR);
	snprintf(path, sizeof(path), "%s/index.html", dir);
	return access(path, R_OK);
}

static int
webapp_read(const char *dir, const char *name, struct webapp_file *f)
{
	char		 path[PATH_MAX + WEBAPP_NAME_MAX], h[2 * 32 + 1];
	uint8_t		 d[32];
	struct stat	 st;
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > WEBAPP_FILE_MAX ||
	    (f->data = malloc(st.st_size + 1)) == NULL) {
		fclose(fp);
		return -1;
	}
	f->len = fread(f->data, 1, st.st_size, fp);
	fclose(fp);
	if (f->len != (size_t)st.st_size ||
	    sign_sha256(f->data, f->len, d) == -1) {
		free(f->data);
		return -1;
	}
	hex_encode(d, 16, h);
	snprintf(f->etag, sizeof(f->etag), "\"%s\"", h);
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->type = webapp_type(name);
	return 0;
}

void
webapp_init(void)
{
	char		 dir[PATH_MAX];
	DIR		*dp;
	struct dirent	*de;

	if (webapp_nfiles > 0)
		return;
	if (webapp_find(dir, sizeof(dir)) == -1 ||
	    (dp = opendir(dir)) == NULL) {
		log_info("no verifier app found (%s): /app/ answers 404",
		    SKKD_WEBDIR);
		return;
	}
	while ((de = readdir(dp)) != NULL && webapp_nfiles < WEBAPP_FILES_MAX) {
		if (de->d_name[0] == '.' || webapp_type(de->d_name) == NULL ||
		    strlen(de->d_name) >= WEBAPP_NAME_MAX)
			continue;
		if (webapp_read(dir, de->d_name,
		    &webapp_files[webapp_nfiles]) == -1)
			log_warn("verifier app: %s/%s", dir, de->d_name);
		else
			webapp_nfiles++;
	}
	closedir(dp);
	log_info("verifier app: %zu files from %s", webapp_nfiles, dir);
}

int
webapp_serve(const char *rest, struct web_resp *r, const char **why)
{
	const char	*name = rest[0] == '\0' ? "index.html" : rest;
	size_t		 i;

	for (i = 0; i < webapp_nfiles; i++)
		if (strcmp(webapp_files[i].name, name) == 0)
			break;
	if (i == webapp_nfiles) {
		*why = webapp_nfiles ? "no such file" :
		    "the verifier app is not installed";
		return 404;
	}
	evbuffer_add(r->body, webapp_files[i].data, webapp_files[i].len);
	r->ctype = webapp_files[i].type->ctype;
	r->cache = webapp_files[i].type->cache;
	r->csp = WEBAPP_CSP;
	snprintf(r->etag, sizeof(r->etag), "%s", webapp_files[i].etag);
	return 200;
}
