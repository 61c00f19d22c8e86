/*
 * admin_rotate: jwtmint-admin's rotations of what the service signs and
 * hashes with, adapters over the operations:
 *   signing-key rotate   ops_signing_rotate (src/ops_signing.h)
 *   kek rotate           ops_kek_rotate (src/ops_kek.h)
 *   pepper list          which pepper ids exist and how many keys use
 *                        each (a pepper can go once no key uses it)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "jws.h"
#include "kek.h"
#include "ops_kek.h"
#include "ops_signing.h"
#include "secret.h"
#include "admin.h"

static int
signing_rotate(struct admin *a, const struct opts *o)
{
	struct ops_signing_rotate	 rq;
	struct ops_signing_rotated	 out;
	struct ops_ctx			 x;
	const char			*as = admin_opt(o, "alg"), *field;
	int				 alg;

	if ((alg = jws_alg_parse(as != NULL ? as : a->cfg.signing_alg)) < 0)
		admin_usage("--alg must be ES256, RS256 or HS256");
	admin_need_secrets(a);
	admin_ops_ctx(a, OPS_PLATFORM_ORG, &x);
	rq.alg = (enum jws_alg)alg;
	rq.kek = a->cfg.kek;
	switch (ops_signing_rotate(&x, &rq, &out, &field)) {
	case OPS_OK:
		break;
	case OPS_CONFLICT:
		admin_die(a, "%s", "a concurrent rotation changed the keys: "
		    "nothing was done (see signing-key list)");
		break;
	case OPS_UNAVAILABLE:
		admin_die(a, "%s", "database error: nothing was rotated");
		break;
	default:
		admin_die(a, "%s", "cannot make or seal the key: nothing was "
		    "rotated");
		break;
	}
	if (a->json)
		admin_print_json(a, json_pack("{s:s, s:s, s:s?, s:b}", "kid",
		    out.kid, "alg", jws_alg_name(alg), "retired",
		    out.retired[0] ? out.retired : NULL, "created",
		    out.created));
	else
		printf("signing key %s (%s) signs now%s%s%s%s\n", out.kid,
		    jws_alg_name(alg), out.created ? " (made now: there was no "
		    "next key, resource servers learn it at their next JWKS "
		    "fetch)" : "", out.retired[0] ? "; " : "", out.retired,
		    out.retired[0] ? " retired (it verifies until its tokens "
		    "have expired)" : "");
	return 0;
}

/* A base64 key-encryption key from path into kek. Dies on failure. */
static void
read_kek(struct admin *a, const char *path, unsigned char kek[KEK_KEY_BYTES])
{
	unsigned char	 buf[64];
	char		 text[256];
	int		 len, n;

	if ((len = secret_read_file(path, text, sizeof(text))) == -1)
		admin_die(a, "--new-kek-file: cannot read %s", path);
	n = secret_b64decode(buf, sizeof(buf), text, (size_t)len);
	secret_wipe(text, sizeof(text));
	if (n != KEK_KEY_BYTES) {
		secret_wipe(buf, sizeof(buf));
		admin_die(a, "--new-kek-file %s: not base64 of exactly 32 bytes",
		    path);
	}
	memcpy(kek, buf, KEK_KEY_BYTES);
	secret_wipe(buf, sizeof(buf));
}

static int
kek_rotate(struct admin *a, const struct opts *o)
{
	struct ops_kek_rotate	 rq;
	struct ops_kek_rotated	 out;
	struct ops_ctx		 x;
	unsigned char		 newkek[KEK_KEY_BYTES];
	const char		*path = admin_opt(o, "new-kek-file"), *field;
	enum ops_err		 e;

	if (path == NULL)
		admin_usage("kek rotate needs --new-kek-file FILE");
	admin_need_secrets(a);
	read_kek(a, path, newkek);
	admin_ops_ctx(a, OPS_PLATFORM_ORG, &x);
	rq.kek = a->cfg.kek;
	rq.new_kek = newkek;
	e = ops_kek_rotate(&x, &rq, &out, &field);
	secret_wipe(newkek, sizeof(newkek));
	switch (e) {
	case OPS_OK:
		break;
	case OPS_INVALID:
		admin_die(a, "%s", strcmp(field, "new_kek") == 0 ? "the new "
		    "key-encryption key is the current one: nothing was done" :
		    "a signing key does not open with the configured "
		    "key-encryption key: nothing was done");
		break;
	case OPS_UNAVAILABLE:
		admin_die(a, "%s", "database error: nothing was re-sealed");
		break;
	default:
		admin_die(a, "%s", "a signing key could not be sealed again: "
		    "nothing was done");
		break;
	}
	if (a->json)
		admin_print_json(a, json_pack("{s:I}", "resealed",
		    (json_int_t)out.resealed));
	else
		printf("%zu signing keys sealed again under the new "
		    "key-encryption key. Set kek_file to %s on every host and "
		    "restart them: a host with the old key now refuses to "
		    "start; hosts still running keep the keys they hold until "
		    "then.\n", out.resealed, path);
	return 0;
}

static int
pepper_list(struct admin *a, const struct opts *o)
{
	static const char *const cols[] = { "pepper_id", "checked_at", "keys" };

	(void)o;
	admin_list(a, STMT_PEPPER_LIST, NULL, cols, 3);
	return 0;
}

static const struct admin_cmd cmds[] = {
	{ "signing-key", "rotate", "alg json",
	    "  signing-key rotate [--alg ES256|RS256|HS256] [--json]\n"
	    "             (now: the next key signs, made if there is none; the\n"
	    "             active one retires and verifies until its tokens expire)\n",
	    signing_rotate },
	{ "kek", "rotate", "new-kek-file json",
	    "  kek rotate --new-kek-file FILE [--json]   (every signing key\n"
	    "             sealed again under the key in FILE, in one transaction)\n",
	    kek_rotate },
	{ "pepper", "list", "json",
	    "  pepper list [--json]   (pepper ids, and how many keys use each)\n",
	    pepper_list },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct admin_cmd *
admin_rotate_cmds(void)
{
	return cmds;
}
