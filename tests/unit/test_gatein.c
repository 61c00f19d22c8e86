/*
 * test_gatein: the /check gate's inputs. Hostile rows first: schemes that
 * only look like Bearer, a value that is a prefix, a suffix, a substring or
 * a case variant of a listed account, empty and space-only lists, an
 * account given to a user by a non-user rule.
 */
#include <stdio.h>
#include <string.h>

#include "gatein.h"
#include "logesc.h"
#include "t.h"

struct bearer_row {
	const char	*h;
	const char	*token;		/* NULL: not Bearer */
};

static const struct bearer_row bearer_rows[] = {
	{ "", NULL },
	{ "Bearer", NULL },
	{ "Bearer\tabc", NULL },
	{ "Bearerabc", NULL },
	{ " Bearer abc", NULL },
	{ "Basic YTpi", NULL },
	{ "Bear abc", NULL },
	{ "Bearer: abc", NULL },
	{ "Bearer abc", "abc" },
	{ "bearer abc", "abc" },
	{ "BEARER abc", "abc" },
	{ "Bearer ", "" },		/* the verifier refuses "" */
	{ "Bearer  abc", " abc" },	/* as sent: the verifier refuses it */
	{ "Bearer a.b.c", "a.b.c" },
};

struct token_row {
	const char	*v;
	int		 want;
};

static const struct token_row token_rows[] = {
	{ NULL, 0 }, { "", 0 }, { "Required", 0 }, { "REQUIRED", 0 },
	{ "required ", 0 }, { " required", 0 }, { "require", 0 },
	{ "requiredx", 0 }, { "yes", 0 }, { "1", 0 }, { "required", 1 },
};

struct account_row {
	const char	*sub;
	const char	*accounts;
	const char	*account;
	int		 want;
};

static const struct account_row account_rows[] = {
	/* A user with a list: members only. */
	{ "usr_1", "acc-1 acc-2", "acc-3", 0 },
	{ "usr_1", "acc-1 acc-2", "acc-", 0 },		/* prefix */
	{ "usr_1", "acc-1 acc-2", "acc-10", 0 },	/* longer */
	{ "usr_1", "acc-1 acc-2", "cc-1", 0 },		/* suffix */
	{ "usr_1", "acc-1 acc-2", "c-1 a", 0 },		/* across a space */
	{ "usr_1", "acc-1 acc-2", "ACC-1", 0 },		/* case */
	{ "usr_1", "acc-1 acc-2", " acc-1", 0 },
	{ "usr_1", "acc-1 acc-2", "acc-1 ", 0 },
	{ "usr_1", "acc-1 acc-2", "*", 0 },
	{ "usr_1", "", "acc-1", 0 },			/* no accounts */
	{ "usr_1", " ", "acc-1", 0 },
	{ "usr_1", "acc-1", "acc-1\n", 0 },
	{ "usr_1", "**", "acc-1", 0 },			/* only "*" is all */
	{ "usr_1", "* acc-2", "acc-1", 0 },
	{ "usr_1", "acc-1 acc-2", "acc-1", 1 },
	{ "usr_1", "acc-1 acc-2", "acc-2", 1 },
	{ "usr_1", "acc-1  acc-2 ", "acc-2", 1 },
	{ "usr_1", "x", "x", 1 },
	/* A value with a space is no account id: never a run of members. */
	{ "usr_1", "acc-1 acc-2", "acc-1 acc-2", 0 },
	{ "usr_1", "acc-1", "acc-1 ", 0 },
	{ "usr_1", "acc-1", " acc-1", 0 },
	/* No account asked for, every account, or not a user. */
	{ "usr_1", "acc-1", NULL, 1 },
	{ "usr_1", "acc-1", "", 1 },
	{ "usr_1", "*", "acc-9", 1 },
	{ "cli_1", "", "acc-9", 1 },
	{ "USR_1", "acc-1", "acc-9", 1 },		/* "usr_" is exact */
	{ "usr", "acc-1", "acc-9", 1 },
};

struct refusal_row {
	int			 other, key, token_long;
	enum gatein_refusal	 want;
};

/* The order of h_check: the server's parameters, the key, the token. */
static const struct refusal_row refusal_rows[] = {
	{ 0, 0, 1, GATEIN_REFUSE_TOKEN },	/* a token over the bound: 401 */
	{ 0, 1, 1, GATEIN_REFUSE_KEY },		/* the key is judged first */
	{ 0, 1, 0, GATEIN_REFUSE_KEY },
	{ 1, 0, 1, GATEIN_REFUSE_REQUEST },
	{ 1, 1, 1, GATEIN_REFUSE_REQUEST },
	{ 1, 1, 0, GATEIN_REFUSE_REQUEST },
	{ 1, 0, 0, GATEIN_REFUSE_REQUEST },
	{ 0, 0, 0, GATEIN_REFUSE_REQUEST },	/* refused for no named reason */
};

int
main(void)
{
	const char	*t;
	char		 a[64], b[64];
	size_t		 i;
	int		 got;

	for (i = 0; i < sizeof(bearer_rows) / sizeof(bearer_rows[0]); i++) {
		const struct bearer_row *r = &bearer_rows[i];

		logesc(a, sizeof(a), r->h, strlen(r->h));
		t = gatein_bearer(r->h);
		T_CHECK(r->token == NULL ? t == NULL : t != NULL &&
		    strcmp(t, r->token) == 0, "gatein_bearer \"%s\"", a);
	}
	T_CHECK(gatein_bearer(NULL) == NULL, "gatein_bearer NULL");
	for (i = 0; i < sizeof(token_rows) / sizeof(token_rows[0]); i++) {
		const struct token_row *r = &token_rows[i];

		got = gatein_token_required(r->v);
		T_CHECK(got == r->want, "gatein_token_required \"%s\" -> %d",
		    r->v ? r->v : "(null)", r->want);
	}
	for (i = 0; i < sizeof(account_rows) / sizeof(account_rows[0]); i++) {
		const struct account_row *r = &account_rows[i];

		logesc(a, sizeof(a), r->accounts, strlen(r->accounts));
		if (r->account != NULL)
			logesc(b, sizeof(b), r->account, strlen(r->account));
		else
			snprintf(b, sizeof(b), "(null)");
		/* sub stands for the token: a user's when "usr_..." here. */
		got = gatein_account_allowed(strncmp(r->sub, "usr_", 4) == 0,
		    r->accounts, r->account);
		T_CHECK(got == r->want, "gatein_account_allowed %s [%s] \"%s\" "
		    "-> %d", r->sub, a, b, r->want);
	}
	for (i = 0; i < sizeof(refusal_rows) / sizeof(refusal_rows[0]); i++) {
		const struct refusal_row *r = &refusal_rows[i];

		T_CHECK(gatein_refusal(r->other, r->key, r->token_long) ==
		    r->want, "gatein_refusal other=%d key=%d token_long=%d -> %d",
		    r->other, r->key, r->token_long, (int)r->want);
	}
	return t_done();
}
