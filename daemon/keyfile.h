/* skkd — SPDX-License-Identifier: ISC */
/*
 * Signing-key files: PEM on disk, around proto/sign.c's PEM in memory.
 * load_private refuses a file that group or others may read or write
 * ("mode 0644, expected 0600"), before a byte of it is read;
 * save_private creates the file 0600 and never overwrites one;
 * save_public writes 0644. A file half written is removed. The key
 * returned belongs to the caller; 0 or -1 with a reason in err.
 */
#ifndef DAEMON_KEYFILE_H
#define DAEMON_KEYFILE_H

#include <stddef.h>

#include "sign.h"

/*
 * Opens path for reading (a descriptor, or -1 with err); with private
 * set, refuses a file that group or others may read or write.
 */
int		 keyfile_open(const char *path, int private, char *err,
		    size_t errlen);
struct sign_key	*keyfile_load_private(const char *path, char *err,
		    size_t errlen);
struct sign_key	*keyfile_load_public(const char *path, char *err,
		    size_t errlen);
int		 keyfile_save_private(const struct sign_key *,
		    const char *path, char *err, size_t errlen);
int		 keyfile_save_public(const struct sign_key *, const char *path,
		    char *err, size_t errlen);

#endif
