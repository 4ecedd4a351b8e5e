/* skkd — SPDX-License-Identifier: ISC */
/*
 * skk audit: trust on first use of a log key, then every later run
 * proves the log only grew. The state file holds the log key and the
 * last signed checkpoint that passed; it is replaced (atomically) only
 * after a run found everything consistent. When a new signed checkpoint
 * cannot extend the saved one, both are written next to the state file:
 * two signatures of one key over histories that cannot both be true.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "auditlog.h"
#include "auditrules.h"
#include "base64.h"
#include "errf.h"
#include "fetch.h"

#define AUDIT_STATE_MAGIC	"skk-audit 1\n"
#define AUDIT_PATH_MAX		4096

static int	cmd_audit(struct cmd_ctx *, struct cmd_args *);

static const struct cmd_opt cmd_audit_opts[] = {
	{ "--state", 0, NULL }, { "--log-key", 0, NULL }, { NULL, 0, NULL }
};
const struct cmd_form cmd_audit_form = { { NULL }, cmd_audit,
	cmd_audit_opts, 1, 1, ARGS_PLAIN };

/* One run: what it was given, found and decided. */
struct audit_run {
	const char		*url;
	char			 state[AUDIT_PATH_MAX];
	struct note_key		 key;
	const char		*source;	/* where the key came from */
	char			 vkey[SKKCONF_LOG_KEY_MAX];
	int			 have_old;
	struct auditlog		 old;		/* the saved checkpoint */
	char			 old_vkey[SKKCONF_LOG_KEY_MAX];
	struct auditlog		*now;
	char			*text;		/* the fetched checkpoint */
	size_t			 textlen;
	struct fetch		*f;
};

/* --- the state file --------------------------------------------------- */

/* ${XDG_STATE_HOME:-~/.local/state}/skk/audit/ORIGIN, made safe. */
static int
audit_default_state(struct audit_run *r, char *err, size_t errlen)
{
	const char	*base = getenv("XDG_STATE_HOME"), *home;
	char		 name[CHECKPOINT_ORIGIN_MAX + 1], *p;
	size_t		 n = strcspn(r->text, "\n");

	snprintf(name, sizeof name, "%.*s", (int)n, r->text);
	for (p = name; *p != '\0'; p++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789.-", *p) == NULL)
			*p = '_';
	if (name[0] == '\0' || name[0] == '.')
		return errf(err, errlen, "checkpoint: line 1: no origin");
	if (base != NULL && *base != '\0')
		n = (size_t)snprintf(r->state, sizeof r->state,
		    "%s/skk/audit/%s", base, name);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		n = (size_t)snprintf(r->state, sizeof r->state,
		    "%s/.local/state/skk/audit/%s", home, name);
	else
		return errf(err, errlen, "no HOME: give --state FILE");
	if (n >= sizeof r->state)
		return errf(err, errlen, "state path too long");
	/* mkdir -p of its directory */
	for (p = r->state + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(r->state, 0700) == -1 && errno != EEXIST) {
			errf(err, errlen, "cannot create '%s': %s", r->state,
			    strerror(errno));
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* Reads the state file, if there is one: its key and checkpoint. */
static int
audit_load_state(struct audit_run *r, char *err, size_t errlen)
{
	FILE		*fp;
	char		 buf[AUDITLOG_NOTE_MAX + NOTE_KEY_MAX + 64], why[256];
	const char	*nl, *cp;
	size_t		 len;
	struct note_key	 k;

	if ((fp = fopen(r->state, "r")) == NULL)
		return errno == ENOENT ? 0 : errf(err, errlen, "'%s': %s",
		    r->state, strerror(errno));
	len = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[len] = '\0';
	if (strncmp(buf, AUDIT_STATE_MAGIC, strlen(AUDIT_STATE_MAGIC)) != 0)
		return errf(err, errlen, "'%s': line 1: not a skk audit state "
		    "file", r->state);
	cp = buf + strlen(AUDIT_STATE_MAGIC);
	if (strncmp(cp, "log_key ", 8) != 0 || (nl = strchr(cp, '\n')) ==
	    NULL || (size_t)(nl - cp - 8) >= sizeof r->old_vkey)
		return errf(err, errlen, "'%s': line 2: expected log_key",
		    r->state);
	snprintf(r->old_vkey, sizeof r->old_vkey, "%.*s", (int)(nl - cp - 8),
	    cp + 8);
	if (strncmp(nl + 1, "checkpoint\n", 11) != 0)
		return errf(err, errlen, "'%s': line 3: expected checkpoint",
		    r->state);
	cp = nl + 12;
	if (note_vkey_parse(r->old_vkey, &k, why, sizeof why) == -1)
		return errf(err, errlen, "'%s': line 2: %s", r->state, why);
	if (auditlog_open(&r->old, cp, len - (size_t)(cp - buf), &k, why,
	    sizeof why) != AUDITLOG_OK) {
		note_key_release(&k);
		return errf(err, errlen, "'%s': %s", r->state, why);
	}
	note_key_release(&k);
	r->have_old = 1;
	return 0;
}

static int
audit_write_file(const char *path, const char *a, const char *b, size_t blen)
{
	char	tmp[AUDIT_PATH_MAX + 8];
	FILE	*fp;
	int	 ok;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((fp = fopen(tmp, "w")) == NULL)
		return -1;
	ok = fputs(a, fp) != EOF && fwrite(b, 1, blen, fp) == blen &&
	    fflush(fp) == 0 && fsync(fileno(fp)) == 0;
	if (fclose(fp) != 0 || !ok || rename(tmp, path) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
audit_save_state(struct audit_run *r)
{
	char	head[SKKCONF_LOG_KEY_MAX + 64];

	snprintf(head, sizeof head, "%slog_key %s\ncheckpoint\n",
	    AUDIT_STATE_MAGIC, r->vkey);
	return audit_write_file(r->state, head, r->now->note,
	    r->now->notelen);
}

/* Both signed checkpoints, next to the state file; names in a and b. */
static int
audit_save_evidence(struct audit_run *r, char *a, char *b, size_t len)
{
	char		stamp[32];
	time_t		now = time(NULL);
	struct tm	tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	snprintf(a, len, "%s.%s.seen-%llu", r->state, stamp,
	    (unsigned long long)r->old.cp.size);
	snprintf(b, len, "%s.%s.now-%llu", r->state, stamp,
	    (unsigned long long)r->now->cp.size);
	if (audit_write_file(a, "", r->old.note, r->old.notelen) == -1 ||
	    audit_write_file(b, "", r->now->note, r->now->notelen) == -1)
		return -1;
	return 0;
}

/* --- the log key ------------------------------------------------------ */

/* skk.conf's log_key, else the pinned one, else --log-key (pinned now). */
static int
audit_choose_key(struct cmd_ctx *x, struct audit_run *r, const char *opt)
{
	char	why[NOTE_ERR_MAX];

	if (x->conf.log_key[0] != '\0') {
		snprintf(r->vkey, sizeof r->vkey, "%s", x->conf.log_key);
		r->source = "skk.conf";
	} else if (r->have_old) {
		snprintf(r->vkey, sizeof r->vkey, "%s", r->old_vkey);
		r->source = "pinned in the state file on first use";
	} else if (opt != NULL) {
		snprintf(r->vkey, sizeof r->vkey, "%s", opt);
		r->source = "--log-key, pinned now";
	} else
		return session_fail(x, AUDIT_BADSIG, "%s: no log key to check "
		    "the checkpoint with: on the first run give --log-key "
		    "NAME+ID+KEY (as the issuer publishes it) or set log_key "
		    "in skk.conf", r->url);
	if (opt != NULL && strcmp(opt, r->vkey) != 0)
		return session_fail(x, AUDIT_BADSIG, "--log-key is not the "
		    "log key %s (%s)", r->vkey, r->source);
	if (r->have_old && strcmp(r->old_vkey, r->vkey) != 0)
		return session_fail(x, AUDIT_BADSIG, "'%s' pins another log "
		    "key, %s", r->state, r->old_vkey);
	if (note_vkey_parse(r->vkey, &r->key, why, sizeof why) == -1)
		return session_fail(x, EX_USAGE, "log key: %s", why);
	return 0;
}

/* --- the run ---------------------------------------------------------- */

static int
audit_status(struct cmd_ctx *x, enum auditlog_status s, const char *why)
{
	static const int	code[] = { 0, AUDIT_UNAVAILABLE, AUDIT_BADSIG,
				    AUDIT_BADDATA };

	return session_fail(x, code[s], "%s", why);
}

static void
audit_entry_cb(void *arg, uint64_t index, const uint8_t *e, size_t len)
{
	audit_rules_entry(arg, index, e, len);
}

static void
audit_head(struct cmd_ctx *x, struct audit_run *r)
{
	char	root[64];

	base64_encode(r->now->cp.root, MERKLE_HASH_LEN, root, sizeof root);
	output_field_str(x->o, "log", "log", r->now->cp.origin);
	output_field_str(x->o, "log_key", "log key", r->vkey);
	output_field_str(x->o, "log_key_source", "log key from", r->source);
	output_field_str(x->o, "state", "state file", r->state);
	output_field_int(x->o, "size", "tree size", (int64_t)r->now->cp.size);
	output_field_str(x->o, "root", "root", root);
	output_field_int(x->o, "previous_size", "previous size", r->have_old ?
	    (int64_t)r->old.cp.size : -1);
}

/* The old tree must be the first old.size leaves of the new one. */
static int
audit_consistent(struct cmd_ctx *x, struct audit_run *r)
{
	uint8_t	root[MERKLE_HASH_LEN];
	char	a[AUDIT_PATH_MAX + 64], b[AUDIT_PATH_MAX + 64];

	if (!r->have_old)
		return 0;
	/* Same size: the signed roots themselves, before any file is read. */
	if (r->old.cp.size == r->now->cp.size) {
		if (memcmp(r->now->cp.root, r->old.cp.root,
		    MERKLE_HASH_LEN) == 0)
			return 0;
	} else if (auditlog_root(r->now, r->old.cp.size, root) == 0 &&
	    memcmp(root, r->old.cp.root, MERKLE_HASH_LEN) == 0)
		return 0;
	audit_head(x, r);
	output_field_str(x->o, "result", "result", "inconsistent");
	if (audit_save_evidence(r, a, b, sizeof a) == -1)
		return session_fail(x, EX_CANTCREAT, "inconsistent, but the "
		    "evidence could not be saved next to '%s': %s", r->state,
		    strerror(errno));
	output_field_str(x->o, "evidence_seen", "evidence (seen before)", a);
	output_field_str(x->o, "evidence_now", "evidence (now)", b);
	session_end(x, 0);
	return session_fail(x, AUDIT_INCONSISTENT, "INCONSISTENT: the "
	    "checkpoint of size %llu does not extend the one of size %llu "
	    "seen before; both signed checkpoints saved: '%s', '%s'",
	    (unsigned long long)r->now->cp.size,
	    (unsigned long long)r->old.cp.size, a, b);
}

static int
audit_verify(struct cmd_ctx *x, struct audit_run *r, struct audit_rules *ru)
{
	enum auditlog_status	s;
	char			why[FETCH_ERR_MAX];
	int			rc;

	if ((s = auditlog_open(r->now, r->text, r->textlen, &r->key, why,
	    sizeof why)) != AUDITLOG_OK)
		return audit_status(x, s, why);
	if (r->have_old && r->old.cp.size > r->now->cp.size)
		return session_fail(x, AUDIT_BADDATA, "%s: the log went back "
		    "from size %llu to %llu (a stale mirror, or a rollback)",
		    r->url, (unsigned long long)r->old.cp.size,
		    (unsigned long long)r->now->cp.size);
	/* Two roots for one size are proof enough, whatever the files. */
	if (r->have_old && r->old.cp.size == r->now->cp.size &&
	    (rc = audit_consistent(x, r)) != 0)
		return rc;
	audit_rules_expect(ru, r->now->cp.size);
	if ((s = auditlog_read(r->now, r->f, audit_entry_cb, ru, why,
	    sizeof why)) != AUDITLOG_OK)
		return audit_status(x, s, why);
	if ((rc = audit_consistent(x, r)) != 0)
		return rc;
	if (audit_rules_finish(ru) == -1)
		return session_fail(x, EX_OSERR, "out of memory");
	audit_head(x, r);
	output_field_int(x->o, "entries_checked", "entries checked",
	    (int64_t)r->now->cp.size);
	output_field_int(x->o, "new_entries", "new entries",
	    (int64_t)(r->now->cp.size - (r->have_old ? r->old.cp.size : 0)));
	audit_rules_report(ru, x->o);
	rc = audit_rules_violations(ru) > 0 ? AUDIT_VIOLATIONS : 0;
	output_field_str(x->o, "result", "result", rc ? "rules broken" :
	    "consistent");
	if (audit_save_state(r) == -1)
		return session_fail(x, EX_CANTCREAT, "cannot write '%s': %s",
		    r->state, strerror(errno));
	return session_end(x, rc);
}

static int
audit_setup(struct cmd_ctx *x, struct audit_run *r, struct cmd_args *a)
{
	const char	*conf, *st = args_get(a, "--state");
	const char	*hosts[] = { x->conf.host, x->conf.server_name, NULL };
	char		 why[FETCH_ERR_MAX];

	if ((conf = skkconf_find(x->config)) != NULL &&
	    skkconf_load(&x->conf, conf, why, sizeof why) == -1)
		return session_fail(x, EX_CONFIG, "%s", why);
	if ((x->o = output_new(x->out, x->json)) == NULL)
		return session_fail(x, EX_OSERR, "out of memory");
	if ((r->f = fetch_new(r->url, hosts, x->conf.ca, why,
	    sizeof why)) == NULL)
		return session_fail(x, EX_USAGE, "%s", why);
	switch (auditlog_fetch_checkpoint(r->f, &r->text, &r->textlen, why,
	    sizeof why)) {
	case AUDITLOG_OK:
		break;
	case AUDITLOG_UNAVAILABLE:
		return session_fail(x, AUDIT_UNAVAILABLE, "%s", why);
	default:
		return session_fail(x, AUDIT_BADDATA, "%s", why);
	}
	if (st != NULL)
		snprintf(r->state, sizeof r->state, "%s", st);
	else if (audit_default_state(r, why, sizeof why) == -1)
		return session_fail(x, EX_USAGE, "%s", why);
	if (audit_load_state(r, why, sizeof why) == -1)
		return session_fail(x, EX_CONFIG, "%s", why);
	return audit_choose_key(x, r, args_get(a, "--log-key"));
}

static int
cmd_audit(struct cmd_ctx *x, struct cmd_args *a)
{
	struct audit_run	 r;
	struct audit_rules	*ru = NULL;
	int			 rc;

	memset(&r, 0, sizeof r);
	r.url = a->pos[0];
	if ((r.now = calloc(1, sizeof *r.now)) == NULL ||
	    (ru = audit_rules_new()) == NULL)
		rc = session_fail(x, EX_OSERR, "out of memory");
	else if ((rc = audit_setup(x, &r, a)) == 0)
		rc = audit_verify(x, &r, ru);
	audit_rules_free(ru);
	if (r.now != NULL)
		auditlog_release(r.now);
	free(r.now);
	auditlog_release(&r.old);
	note_key_release(&r.key);
	fetch_free(r.f);
	free(r.text);
	return rc;
}
