/*
 * gatein: the /check gate's inputs, moved out of h_check.c so that they are
 * tested and fuzzed alone (tests/unit/test_gatein.c, tests/fuzz/
 * fuzz_gatein.c). Each function only reads its NUL-terminated arguments.
 */
#include <string.h>
#include <strings.h>

#include "gatein.h"

const char *
gatein_bearer(const char *authorization)
{
	if (authorization == NULL ||
	    strncasecmp(authorization, "Bearer ", 7) != 0)
		return NULL;
	return authorization + 7;
}

int
gatein_token_required(const char *v)
{
	return v != NULL && strcmp(v, "required") == 0;
}

/* 1 when account is one of the space-separated list. */
static int
has_account(const char *list, const char *account)
{
	size_t	 n = strlen(account);
	const char *p = list;

	while (*p != '\0') {
		p += strspn(p, " ");
		if (strncmp(p, account, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += strcspn(p, " ");
	}
	return 0;
}

int
gatein_account_allowed(int is_user, const char *accounts, const char *account)
{
	/* A limited user touches only the accounts assigned to it. */
	if (account == NULL || *account == '\0' || strcmp(accounts, "*") == 0 ||
	    !is_user)
		return 1;
	/* An account id has no space: a value with one is no account (it
	 * would match a run of members). */
	if (strchr(account, ' ') != NULL)
		return 0;
	return has_account(accounts, account);
}

enum gatein_refusal
gatein_refusal(int other, int key, int token_long)
{
	if (other)
		return GATEIN_REFUSE_REQUEST;
	if (key)
		return GATEIN_REFUSE_KEY;
	/* RFC 6750 §3.1: a token the gate cannot even read is invalid. */
	if (token_long)
		return GATEIN_REFUSE_TOKEN;
	return GATEIN_REFUSE_REQUEST;
}
