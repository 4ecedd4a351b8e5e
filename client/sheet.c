/* skkd — SPDX-License-Identifier: ISC */
/*
 * CSV files as the user keeps them (see sheet.h).
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "sheet.h"

int
sheet_read(struct cmd_ctx *x, const char *path, char **buf, size_t *len)
{
	FILE		*f;
	struct stat	 sb;
	size_t		 n;

	if ((f = fopen(path, "rb")) == NULL)
		return session_fail(x, EX_NOINPUT, "cannot open '%s': %s",
		    path, strerror(errno));
	if (fstat(fileno(f), &sb) == -1 || sb.st_size > SHEET_FILE_MAX) {
		fclose(f);
		return session_fail(x, EX_DATAERR, "'%s': larger than %u "
		    "bytes", path, SHEET_FILE_MAX);
	}
	if ((*buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		fclose(f);
		return session_fail(x, EX_OSERR, "out of memory");
	}
	n = fread(*buf, 1, (size_t)sb.st_size, f);
	fclose(f);
	if (n != (size_t)sb.st_size) {
		free(*buf);
		return session_fail(x, EX_IOERR, "cannot read '%s'", path);
	}
	*len = n;
	return 0;
}

char **
sheet_copy_fields(char **fields, size_t n, size_t ncols)
{
	char	**f;
	size_t	  i;

	if ((f = calloc(ncols, sizeof(*f))) == NULL)
		return NULL;
	for (i = 0; i < ncols; i++) {
		if ((f[i] = strdup(i < n ? fields[i] : "")) == NULL) {
			while (i > 0)
				free(f[--i]);
			free(f);
			return NULL;
		}
	}
	return f;
}

void
sheet_free_fields(char **f, size_t n)
{
	size_t	i;

	if (f == NULL)
		return;
	for (i = 0; i < n; i++) {
		explicit_bzero(f[i], strlen(f[i]));
		free(f[i]);
	}
	free(f);
}

void
sheet_trim(char *s)
{
	size_t	len = strlen(s), k = 0;

	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	while (s[k] == ' ' || s[k] == '\t')
		k++;
	memmove(s, s + k, len - k + 1);
}

void
sheet_field(FILE *f, const char *s)
{
	const char	*p;
	int		 formula, quote;

	formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	    s[0] == '\t' || s[0] == '\r';
	quote = formula || strpbrk(s, ",;\"\r\n") != NULL;
	if (!quote) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}
