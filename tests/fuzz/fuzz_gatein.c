/*
 * fuzz_gatein: the /check gate's inputs. The input is split at NUL bytes
 * into Authorization, JWTMINT_TOKEN, the token's sub, its accounts list,
 * JWTMINT_ACCOUNT, the key's scope string and JWTMINT_SCOPE; missing
 * fields are NULL (sub and accounts "").
 *
 * Each answer is checked against a reference written here (a violation
 * traps):
 *   - gatein_bearer: NULL unless the value starts with "bearer " in some
 *     case; else exactly the bytes after it;
 *   - gatein_token_required: exactly "required";
 *   - gatein_account_allowed: allowed when no account is asked for, the
 *     list is "*" or sub is not "usr_..."; otherwise, for an account
 *     without spaces, exactly when it is a member of the list; an account
 *     with spaces is never allowed (no account id has one);
 *   - JWTMINT_SCOPE: scope_has on the key's set is exact membership;
 *   - gatein_refusal, on the low three bits of the first byte: the
 *     server's parameters, then the key, then the token.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gatein.h"
#include "scope.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NFIELDS	7

/* 1 when the n bytes at w are one member of the space-separated list. */
static int
member(const char *list, const char *w, size_t n)
{
	const char	*p = list, *e;

	while (*p != '\0') {
		if (*p == ' ') {
			p++;
			continue;
		}
		e = p + strcspn(p, " ");
		if ((size_t)(e - p) == n && memcmp(p, w, n) == 0)
			return 1;
		p = e;
	}
	return 0;
}

static int
ref_account(const char *sub, const char *accounts, const char *account,
    int *exact)
{
	*exact = 1;
	if (account == NULL || account[0] == '\0' ||
	    strcmp(accounts, "*") == 0 || strncmp(sub, "usr_", 4) != 0)
		return 1;
	/* A value with a space is no account id. */
	if (strchr(account, ' ') != NULL)
		return 0;
	return member(accounts, account, strlen(account));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scope_set	 set;
	const char		*f[NFIELDS] = { NULL };
	const char		*b, *sub, *accounts;
	char			*buf, *p, *end;
	size_t			 i, nf = 0;
	int			 got, want, exact, found;

	if ((buf = malloc(size + 1)) == NULL)
		__builtin_trap();
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (p = buf, end = buf + size; nf < NFIELDS && p <= end;
	    p += strlen(p) + 1)
		f[nf++] = p;

	if (f[0] != NULL) {
		b = gatein_bearer(f[0]);
		if (strncasecmp(f[0], "bearer ", 7) == 0) {
			if (b != f[0] + 7)
				__builtin_trap();
		} else if (b != NULL)
			__builtin_trap();
	}
	if (gatein_bearer(NULL) != NULL)
		__builtin_trap();

	if (gatein_token_required(f[1]) !=
	    (f[1] != NULL && strcmp(f[1], "required") == 0))
		__builtin_trap();

	sub = f[2] != NULL ? f[2] : "";
	accounts = f[3] != NULL ? f[3] : "";
	got = gatein_account_allowed(strncmp(sub, "usr_", 4) == 0, accounts,
	    f[4]);
	want = ref_account(sub, accounts, f[4], &exact);
	if (got != 0 && got != 1)
		__builtin_trap();
	if (exact ? got != want : got && !want)
		__builtin_trap();

	if (f[5] != NULL && f[6] != NULL &&
	    scope_parse(&set, f[5], strlen(f[5])) == 0) {
		for (found = 0, i = 0; i < set.n; i++)
			if (strcmp(set.tok[i], f[6]) == 0)
				found = 1;
		if (scope_has(&set, f[6]) != found)
			__builtin_trap();
	}
	if (size > 0) {
		int	 o = data[0] & 1, k = (data[0] >> 1) & 1;
		int	 t = (data[0] >> 2) & 1;

		want = o ? GATEIN_REFUSE_REQUEST : k ? GATEIN_REFUSE_KEY :
		    t ? GATEIN_REFUSE_TOKEN : GATEIN_REFUSE_REQUEST;
		if ((int)gatein_refusal(o, k, t) != want)
			__builtin_trap();
	}
	free(buf);
	return 0;
}
