/* skkd — SPDX-License-Identifier: ISC */
/*
 * skkd trust-list: the registry's side of the trust list (PROTOCOL.md
 * §7), with no skkd.conf: keygen makes the registry's Ed25519 key pair,
 * sign turns its text list of issuers into the signed list that
 * contractors import and skkd's trust_list serves. See skkd(8).
 */
#ifndef DAEMON_REGISTRY_H
#define DAEMON_REGISTRY_H

#define REGISTRY_DAYS_DEFAULT	30
#define REGISTRY_DAYS_MAX	3660

/* argv[0] is "trust-list"; a sysexits status. */
int	registry_main(int argc, char *argv[]);

#endif
