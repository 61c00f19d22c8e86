/*
 * admin_signing: jwtmint-admin signing-key (create, list, retire), adapters
 * over src/ops_signing.h. A new private key is sealed under the
 * key-encryption key before it is stored; it never leaves this process in
 * the clear. signing-key rotate, kek rotate and pepper list are
 * admin_rotate.c's.
 */
#include <stdio.h>
#include <string.h>

#include "jws.h"
#include "ops_signing.h"
#include "admin.h"

/* An operation's failure: one message, exit 1 (bad arguments: exit 2). */
static void
failed(struct admin *a, enum ops_err e, const char *what)
{
	switch (e) {
	case OPS_OK:
		return;
	case OPS_INVALID:
		admin_usage(what);
		break;
	case OPS_NOT_FOUND:
		admin_die(a, "%s", what);
		break;
	case OPS_CONFLICT:
		admin_die(a, "%s", what);
		break;
	case OPS_UNAVAILABLE:
		admin_die(a, "%s", "database error: nothing was changed");
		break;
	case OPS_FAILED:
	case OPS_FORBIDDEN:	/* the CLI acts as the platform operator */
		admin_die(a, "%s", "cannot make or seal the key: nothing was "
		    "changed");
		break;
	}
}

static int
signing_create(struct admin *a, const struct opts *o)
{
	struct ops_signing_create	 rq;
	struct ops_signing_created	 out;
	struct ops_ctx			 x;
	const char			*as = admin_opt(o, "alg"), *field;
	int				 alg = JWS_ES256;

	if (as != NULL && (alg = jws_alg_parse(as)) < 0)
		admin_usage("--alg must be ES256, RS256 or HS256");
	admin_need_secrets(a);
	admin_ops_ctx(a, OPS_PLATFORM_ORG, &x);
	rq.alg = (enum jws_alg)alg;
	rq.next = admin_flag(o, "next");
	rq.kek = a->cfg.kek;
	failed(a, ops_signing_create(&x, &rq, &out, &field), rq.next ?
	    "a next key of this algorithm exists already (signing-key rotate "
	    "promotes it)" : "the key could not be stored (a concurrent "
	    "change?)");
	if (a->json)
		admin_print_json(a, json_pack("{s:s, s:s, s:s, s:s, s:s?}",
		    "kid", out.kid, "alg", jws_alg_name(alg), "state", rq.next ?
		    "next" : "active", "created_at", out.created_at, "retired",
		    out.retired[0] ? out.retired : NULL));
	else if (rq.next)
		printf("signing key %s (%s) created as next: published in the "
		    "JWKS, it signs from the next rotation on\n", out.kid,
		    jws_alg_name(alg));
	else
		printf("signing key %s (%s) created; workers load it within "
		    "their notification delay%s%s%s\n", out.kid,
		    jws_alg_name(alg), out.retired[0] ? "; " : "", out.retired,
		    out.retired[0] ? " retired (it verifies until its tokens "
		    "have expired)" : "");
	return 0;
}

struct listing {
	struct admin	*a;
	json_t		*arr;
};

static json_t *
str_or_null(const char *s)
{
	return s[0] != '\0' ? json_string(s) : json_null();
}

static int
list_row(void *arg, const struct ops_signing_key *k)
{
	struct listing	*l = arg;
	json_t		*o;

	if (l->arr == NULL) {
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k->kid, k->alg,
		    k->created_at, k->retired_at[0] ? k->retired_at : "-",
		    k->state, k->activated_at[0] ? k->activated_at : "-",
		    k->removed_at[0] ? k->removed_at : "-");
		return 0;
	}
	if ((o = json_object()) == NULL)
		return -1;
	json_object_set_new(o, "kid", json_string(k->kid));
	json_object_set_new(o, "alg", json_string(k->alg));
	json_object_set_new(o, "created_at", str_or_null(k->created_at));
	json_object_set_new(o, "retired_at", str_or_null(k->retired_at));
	json_object_set_new(o, "state", json_string(k->state));
	json_object_set_new(o, "activated_at", str_or_null(k->activated_at));
	json_object_set_new(o, "removed_at", str_or_null(k->removed_at));
	return json_array_append_new(l->arr, o);
}

static int
signing_list(struct admin *a, const struct opts *o)
{
	struct ops_signing_list	 rq;
	struct listing		 l = { a, NULL };
	struct ops_ctx		 x;
	const char		*field;
	size_t			 n;

	(void)o;
	if (a->json && (l.arr = json_array()) == NULL)
		admin_die(a, "%s", "out of memory");
	if (!a->json)
		printf("kid\talg\tcreated_at\tretired_at\tstate\tactivated_at\t"
		    "removed_at\n");
	admin_ops_ctx(a, OPS_PLATFORM_ORG, &x);
	rq.row = list_row;
	rq.arg = &l;
	if (ops_signing_list(&x, &rq, &n, &field) != OPS_OK)
		admin_die(a, "%s", "database error");
	if (a->json)
		admin_print_json(a, l.arr);
	return 0;
}

static int
signing_retire(struct admin *a, const struct opts *o)
{
	struct ops_signing_retire	 rq;
	struct ops_signing_retired	 out;
	struct ops_ctx			 x;
	const char			*field;
	enum ops_err			 e;

	if ((rq.kid = admin_arg(o)) == NULL)
		admin_usage("signing-key retire KID");
	admin_ops_ctx(a, OPS_PLATFORM_ORG, &x);
	e = ops_signing_retire(&x, &rq, &out, &field);
	if (e == OPS_INVALID || e == OPS_NOT_FOUND)
		admin_die(a, "no active signing key \"%s\"", rq.kid);
	failed(a, e, "the key could not be retired (a concurrent change?)");
	if (out.replaced_by[0] != '\0')
		printf("signing key %s retired; %s signs instead\n", out.kid,
		    out.replaced_by);
	else
		printf("signing key %s retired\n", out.kid);
	return 0;
}

static const struct admin_cmd cmds[] = {
	{ "signing-key", "create", "alg next! json",
	    "  signing-key create [--alg ES256|RS256|HS256] [--next] [--json]\n"
	    "             (--next: published only; it signs from the next "
	    "rotation)\n",
	    signing_create },
	{ "signing-key", "list", "json", "  signing-key list [--json]\n",
	    signing_list },
	{ "signing-key", "retire", "ARG",
	    "  signing-key retire KID   (now: it stops signing and verifying; "
	    "after a compromise)\n",
	    signing_retire },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct admin_cmd *
admin_signing_cmds(void)
{
	return cmds;
}
