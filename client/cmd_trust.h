/* skkd — SPDX-License-Identifier: ISC */
/*
 * `skk trust add|list|remove|import`: the issuers skk believes, kept in
 * the trust file (trust.h). add fetches an issuer's signed descriptor
 * over HTTPS (fetch.c) and trusts it on first use; import takes every
 * issuer of a registry's signed trust list. See skk(1).
 */
#ifndef CLIENT_CMD_TRUST_H
#define CLIENT_CMD_TRUST_H

#include "args.h"

extern const struct cmd_form trust_form;

#endif
