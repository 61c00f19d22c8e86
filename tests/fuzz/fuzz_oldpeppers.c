/*
 * fuzz_oldpeppers: config_secrets with JWTMINT_OLD_PEPPERS set to the input
 * (the "ID:BASE64 ..." list of old peppers; a good KEK and pepper beside
 * it). Invariants: on success at most CONFIG_OLD_PEPPERS_MAX old peppers,
 * each with an id in 1..CONFIG_PEPPER_ID_MAX, none the current pepper_id,
 * no two alike, each 32..128 bytes, and config_pepper finds each; on
 * failure nothing is left: no old pepper, the pepper and KEK wiped, and the
 * message never holds the input's base64. A violation traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	*input;

static const char *
env(const char *name)
{
	if (strcmp(name, "JWTMINT_KEK") == 0)
		return "ERERERERERERERERERERERERERERERERERERERERERE=";
	if (strcmp(name, "JWTMINT_PEPPER") == 0)
		return "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI=";
	if (strcmp(name, "JWTMINT_OLD_PEPPERS") == 0)
		return input;
	return NULL;
}

static int
allzero(const void *p, size_t n)
{
	const unsigned char	*c = p;

	while (n-- > 0)
		if (*c++ != 0)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	 text[] = "database_url = x\npepper_id = 3\n";
	static struct config	 c;
	char			 err[CONFIG_ERR_BYTES], *s;
	const unsigned char	*key;
	size_t			 i, j, len;

	if ((s = malloc(size + 1)) == NULL)
		__builtin_trap();
	memcpy(s, data, size);
	s[size] = '\0';
	input = s;
	if (config_parse(&c, "f", text, strlen(text), env, err) != 0)
		__builtin_trap();
	if (config_secrets(&c, env, err) == -1) {
		if (c.nold_peppers != 0 || c.pepperlen != 0 ||
		    !allzero(c.pepper, sizeof(c.pepper)) ||
		    !allzero(c.kek, sizeof(c.kek)) ||
		    !allzero(c.old_peppers, sizeof(c.old_peppers)) ||
		    memchr(err, '\0', sizeof(err)) == NULL)
			__builtin_trap();
		goto out;
	}
	if (c.nold_peppers > CONFIG_OLD_PEPPERS_MAX)
		__builtin_trap();
	for (i = 0; i < c.nold_peppers; i++) {
		if (c.old_peppers[i].id < 1 ||
		    c.old_peppers[i].id > CONFIG_PEPPER_ID_MAX ||
		    c.old_peppers[i].id == c.pepper_id ||
		    c.old_peppers[i].len < CONFIG_PEPPER_MIN ||
		    c.old_peppers[i].len > CONFIG_PEPPER_MAX ||
		    config_pepper(&c, c.old_peppers[i].id, &key, &len) != 1 ||
		    key != c.old_peppers[i].key)
			__builtin_trap();
		for (j = 0; j < i; j++)
			if (c.old_peppers[j].id == c.old_peppers[i].id)
				__builtin_trap();
	}
	config_wipe(&c);
out:
	free(s);
	return 0;
}
