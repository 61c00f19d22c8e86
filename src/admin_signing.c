/*
 * admin_signing: jwtmint-admin signing-key (create, list, retire). A new
 * private key is sealed under the key-encryption key before it is stored;
 * it never leaves this process in the clear.
 */
#include <stdio.h>
#include <string.h>

#include "jws.h"
#include "kek.h"
#include "secret.h"
#include "store.h"
#include "admin.h"

static int
signing_create(struct admin *a, const struct opts *o)
{
	unsigned char	 priv[JWS_MAX_PRIV_BYTES];
	unsigned char	 sealed[JWS_MAX_PRIV_BYTES + KEK_OVERHEAD];
	char		 sealedhex[2 * sizeof(sealed) + 1];
	char		 kid[JWS_KID_BYTES], aad[128];
	const char	*params[3], *as = admin_opt(o, "alg");
	size_t		 slen = 0;
	int		 alg = JWS_ES256, n;

	if (as != NULL && (alg = jws_alg_parse(as)) < 0)
		admin_usage("--alg must be ES256, RS256 or HS256");
	admin_need_secrets(a);
	if ((n = jws_generate((enum jws_alg)alg, priv, sizeof(priv))) < 0 ||
	    jws_kid((enum jws_alg)alg, priv, (size_t)n, kid) == -1)
		admin_die(a, "%s", "cannot generate the key");
	snprintf(aad, sizeof(aad), "%s:%s", kid, jws_alg_name(alg));
	if (kek_seal(sealed, sizeof(sealed), &slen, a->cfg.kek, aad, strlen(aad),
	    priv, (size_t)n) == -1)
		admin_die(a, "%s", "cannot encrypt the key");
	secret_wipe(priv, sizeof(priv));
	secret_hex(sealedhex, sealed, slen);
	params[0] = kid;
	params[1] = jws_alg_name(alg);
	params[2] = sealedhex;
	if ((n = store_write(a->db, STMT_SIGNING_INSERT, params)) != 1)
		admin_die(a, "%s", n == -2 ? "this key exists already" :
		    "cannot store the key");
	if (a->json)
		admin_print_json(a, json_pack("{s:s, s:s}", "kid", kid, "alg",
		    jws_alg_name(alg)));
	else
		printf("signing key %s (%s) created; workers load it within "
		    "their notification delay\n", kid, jws_alg_name(alg));
	return 0;
}

static int
signing_list(struct admin *a, const struct opts *o)
{
	static const char *const cols[] = { "kid", "alg", "created_at",
	    "retired_at" };

	(void)o;
	admin_list(a, STMT_SIGNING_LIST, NULL, cols, 4);
	return 0;
}

static int
signing_retire(struct admin *a, const struct opts *o)
{
	const char	*params[1];
	int		 n;

	if ((params[0] = admin_arg(o)) == NULL)
		admin_usage("signing-key retire KID");
	if ((n = store_write(a->db, STMT_SIGNING_RETIRE, params)) < 0)
		admin_die(a, "%s", "database error");
	if (n == 0)
		admin_die(a, "no active signing key \"%s\"", params[0]);
	printf("signing key %s retired\n", params[0]);
	return 0;
}

static const struct admin_cmd cmds[] = {
	{ "signing-key", "create", "alg json",
	    "  signing-key create [--alg ES256|RS256|HS256] [--json]\n",
	    signing_create },
	{ "signing-key", "list", "json", "  signing-key list [--json]\n",
	    signing_list },
	{ "signing-key", "retire", "ARG", "  signing-key retire KID\n",
	    signing_retire },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct admin_cmd *
admin_signing_cmds(void)
{
	return cmds;
}
