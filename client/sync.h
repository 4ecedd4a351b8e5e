/* skkd — SPDX-License-Identifier: ISC */
/*
 * "skk sync": every trusted issuer's descriptor, status lists and
 * number maps fetched over HTTPS, each signature checked with the log
 * key the user trusts before it replaces the cached copy (offcache.h),
 * for skk verify --offline on a site without signal.
 */
#ifndef CLIENT_SYNC_H
#define CLIENT_SYNC_H

#include "args.h"

extern const struct cmd_form	sync_form;

#endif
