/* skkd — SPDX-License-Identifier: ISC */
/*
 * Replays a fuzz harness's corpus without libFuzzer, so that `make test`
 * runs every past crash again with the normal compiler. Speaks TAP.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
replay_file(const char *path)
{
	FILE		*f;
	uint8_t		*buf;
	long		 len;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc(len > 0 ? (size_t)len : 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	return 0;
}

int
main(int argc, char *argv[])
{
	DIR		*d;
	struct dirent	*de;
	char		 path[4096];
	int		 i, n = 0, bad = 0;

	for (i = 1; i < argc; i++) {
		if ((d = opendir(argv[i])) == NULL) {
			printf("not ok %d - cannot open corpus '%s'\n", i, argv[i]);
			return 1;
		}
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
			if (replay_file(path) == -1)
				bad++;
			else
				n++;
		}
		closedir(d);
		printf("%s %d - replay %s (%d inputs)\n",
		    bad || n == 0 ? "not ok" : "ok", i, argv[i], n);
	}
	return bad != 0 || n == 0;
}
