/*
 * test_config: jwtmint.conf parsing against its key table. Defaults, every
 * key at its bounds, hostile values (bad integers, foreign algorithms,
 * issuers with a slash, query or no scheme, control bytes, NUL, overlong
 * lines and values), the shape of the file (comments, blank lines, CRLF,
 * spaces around '='), error messages that name the key and "name:LINE" or
 * the variable, environment overrides through a fake getenv table, secrets
 * from temp files and from the environment, config_find's order and
 * config_load's errors.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "config.h"
#include "t.h"


#define DB	"database_url = host=/tmp dbname=jwtmint\n"

/* --- a fake environment -------------------------------------------------- */

static const char	*env_tab[16][2];

static const char *
tenv(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(env_tab) / sizeof(env_tab[0]); i++)
		if (env_tab[i][0] != NULL && strcmp(env_tab[i][0], name) == 0)
			return env_tab[i][1];
	return NULL;
}

static void
env_clear(void)
{
	memset(env_tab, 0, sizeof(env_tab));
}

static void
env_set(const char *name, const char *value)
{
	size_t	 i;

	for (i = 0; i < sizeof(env_tab) / sizeof(env_tab[0]); i++)
		if (env_tab[i][0] == NULL || strcmp(env_tab[i][0], name) == 0) {
			env_tab[i][0] = name;
			env_tab[i][1] = value;
			return;
		}
}

static struct config	 cfg;
static char		 err[CONFIG_ERR_BYTES];

static int
parse(const char *text)
{
	memset(err, 'E', sizeof(err));
	err[sizeof(err) - 1] = '\0';
	return config_parse(&cfg, "t.conf", text, strlen(text), tenv, err);
}

static int
has(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

static int
err_ok(void)
{
	return memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0';
}

/* --- defaults and the key table ------------------------------------------ */

struct int_key {
	const char	*name;
	size_t		 off;
	long		 def, min, max;
};

#define IK(f, def, min, max)	{ #f, offsetof(struct config, f), def, min, max }

static const struct int_key int_keys[] = {
	IK(database_timeout_ms, 2000, 100, 60000),
	IK(access_ttl_sec, 900, 60, 3600),
	IK(max_body_bytes, 16384, 256, 1048576),
	IK(jwks_max_age_sec, 300, 0, 86400),
	IK(workers, 2, 1, 256),
	IK(fcgi_timeout_ms, 10000, 100, 600000),
	IK(pin_workers, 0, 0, 1),
	IK(last_used_flush_sec, 30, 1, 3600),
	IK(key_cache_sec, 60, 0, 3600),
	IK(verify_leeway_sec, 30, 0, 300),
	IK(refresh_idle_sec, 1209600, 60, 31622400),
	IK(refresh_absolute_sec, 2592000, 60, 31622400),
	IK(refresh_grace_sec, 5, 0, 60),
	IK(login_max_failures, 10, 1, 1000),
	IK(login_max_failures_addr, 100, 1, 100000),
	IK(login_window_sec, 900, 10, 86400),
	IK(argon2_m_kib, 19456, 8, 4194304),
	IK(argon2_t, 2, 1, 100),
	IK(argon2_p, 1, 1, 64),
	IK(signing_key_rotate_days, 90, 0, 3650),
	IK(signing_key_rotate_sec, 0, 0, 315360000),
	IK(pepper_id, 1, 1, 32767),
};
#define NINT	(sizeof(int_keys) / sizeof(int_keys[0]))

struct str_key {
	const char	*name;
	size_t		 off, size;
	const char	*def;
};

#define SK(f, def)	{ #f, offsetof(struct config, f), \
			  sizeof(((struct config *)0)->f), def }

static const struct str_key str_keys[] = {
	SK(database_password_file, ""),
	SK(database_migrate_url, ""),
	SK(database_migrate_password_file, ""),
	SK(database_runtime_role, ""),
	SK(kek_file, ""),
	SK(pepper_file, ""),
	SK(audiences, "jwtmint"),
	SK(scopes_supported, ""),
	SK(default_org, ""),
	SK(rate_limit_shm, ""),
	SK(old_peppers_file, ""),
};
#define NSTR	(sizeof(str_keys) / sizeof(str_keys[0]))

static int
int_field(const struct int_key *k)
{
	return *(const int *)(const void *)((const char *)&cfg + k->off);
}

static const char *
str_field(const struct str_key *k)
{
	return (const char *)&cfg + k->off;
}

static void
check_defaults(void)
{
	size_t	 i;
	int	 ok;

	env_clear();
	T_CHECK(parse("") == -1 && err_ok() && has(err, "database_url"),
	    "empty text: -1, error names database_url");
	T_CHECK(has(err, "t.conf"), "empty text: error names the source");
	T_CHECK(has(err, "JWTMINT_DATABASE_URL"),
	    "empty text: error names JWTMINT_DATABASE_URL");
	T_CHECK(has(err, "set it there or in"), "required-value message keeps "
	    "its own words lower-case (got \"%s\")", err);
	T_CHECK(config_parse(&cfg, "t.conf", "", 0, NULL, err) == -1 &&
	    has(err, "database_url"), "empty text, NULL getenv: -1");

	T_CHECK(parse(DB) == 0, "database_url only: 0");
	T_CHECK(strcmp(cfg.database_url, "host=/tmp dbname=jwtmint") == 0,
	    "database_url value, '=' inside kept");
	T_CHECK(strcmp(cfg.source, "t.conf") == 0, "source is the name");
	T_CHECK(strcmp(cfg.issuer, "http://127.0.0.1:8080") == 0,
	    "default issuer");
	T_CHECK(strcmp(cfg.signing_alg, "ES256") == 0, "default signing_alg");
	T_CHECK(strcmp(cfg.verify_algs, "ES256 RS256 HS256") == 0,
	    "default verify_algs");
	for (i = 0; i < NINT; i++)
		T_CHECK(int_field(&int_keys[i]) == int_keys[i].def,
		    "default %s = %ld", int_keys[i].name, int_keys[i].def);
	for (i = 0; i < NSTR; i++)
		T_CHECK(strcmp(str_field(&str_keys[i]), str_keys[i].def) == 0,
		    "default %s = \"%s\"", str_keys[i].name, str_keys[i].def);
	ok = cfg.pepperlen == 0 && cfg.database_password[0] == '\0';
	T_CHECK(ok, "no secret is filled by config_parse");
}

static void
check_ints(void)
{
	static const char *const bad[] = {
		"abc", "1.5", "-1", "99999999999", "", "+5", "0x10", "5 5",
		"1e3", "12abc", "2147483648", "-2147483649", "9223372036854775808",
		"\xef\xbc\x95" /* fullwidth 5 */, "- 5", "--5", "five",
	};
	char		 text[256], val[64];
	const struct int_key *k;
	size_t		 i, j;

	env_clear();
	for (i = 0; i < NINT; i++) {
		k = &int_keys[i];
		snprintf(text, sizeof(text), DB "%s = %ld\n", k->name, k->min);
		T_CHECK(parse(text) == 0 && int_field(k) == k->min,
		    "%s = %ld (min) accepted", k->name, k->min);
		snprintf(text, sizeof(text), DB "%s = %ld\n", k->name, k->max);
		T_CHECK(parse(text) == 0 && int_field(k) == k->max,
		    "%s = %ld (max) accepted", k->name, k->max);
		snprintf(text, sizeof(text), DB "%s = %ld\n", k->name, k->max + 1);
		T_CHECK(parse(text) == -1 && has(err, k->name) &&
		    has(err, "t.conf:2"), "%s = %ld (max + 1) -> error naming "
		    "key and t.conf:2", k->name, k->max + 1);
		snprintf(text, sizeof(text), DB "%s = %ld\n", k->name, k->min - 1);
		T_CHECK(parse(text) == -1 && has(err, k->name) &&
		    has(err, "t.conf:2"), "%s = %ld (min - 1) -> error",
		    k->name, k->min - 1);
		for (j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
			snprintf(text, sizeof(text), DB "\n%s = %s\n", k->name,
			    bad[j]);
			T_CHECK(parse(text) == -1 && has(err, k->name) &&
			    has(err, "t.conf:3") && err_ok(),
			    "%s = \"%s\" -> error naming key and t.conf:3",
			    k->name, bad[j]);
		}
		/* The environment overrides, with its own name in errors. */
		snprintf(val, sizeof(val), "JWTMINT_%s", k->name);
		for (j = 8; val[j] != '\0'; j++)
			if (val[j] >= 'a' && val[j] <= 'z')
				val[j] = (char)(val[j] - 'a' + 'A');
		snprintf(text, sizeof(text), "%ld", k->max);
		env_set(val, text);
		T_CHECK(parse(DB) == 0 && int_field(k) == k->max,
		    "%s = %ld from the environment", val, k->max);
		env_set(val, "12x");
		T_CHECK(parse(DB) == -1 && has(err, val),
		    "%s = 12x -> error naming the variable", val);
		env_clear();
	}
}

static void
check_strings(void)
{
	char		*text, *v;
	const struct str_key *k;
	size_t		 i, n;

	env_clear();
	if ((text = malloc(8192)) == NULL || (v = malloc(4096)) == NULL) {
		T_CHECK(0, "malloc");
		free(text);
		return;
	}
	for (i = 0; i < NSTR; i++) {
		k = &str_keys[i];
		snprintf(text, 8192, DB "%s = some value/x.y\n", k->name);
		T_CHECK(parse(text) == 0 &&
		    strcmp(str_field(k), "some value/x.y") == 0,
		    "%s parsed, inner space kept", k->name);
		/* Longest value that fits, and one more byte. */
		n = k->size - 1;
		memset(v, 'v', n);
		v[n] = '\0';
		snprintf(text, 8192, DB "%s = %s\n", k->name, v);
		T_CHECK(parse(text) == 0 && strlen(str_field(k)) == n,
		    "%s of %zu bytes accepted", k->name, n);
		v[n] = 'v';
		v[n + 1] = '\0';
		snprintf(text, 8192, DB "%s = %s\n", k->name, v);
		T_CHECK(parse(text) == -1 && has(err, k->name) &&
		    has(err, "t.conf:2"), "%s of %zu bytes -> too long",
		    k->name, n + 1);
	}
	/* database_url itself: 1023 fits, 1024 does not. */
	memset(v, 'u', 1024);
	v[1023] = '\0';
	snprintf(text, 8192, "database_url = %s\n", v);
	T_CHECK(parse(text) == 0 && strlen(cfg.database_url) == 1023,
	    "database_url of 1023 bytes accepted");
	v[1023] = 'u';
	v[1024] = '\0';
	snprintf(text, 8192, "database_url = %s\n", v);
	T_CHECK(parse(text) == -1 && has(err, "database_url"),
	    "database_url of 1024 bytes -> too long");
	T_CHECK(parse("database_url =\n") == -1 && has(err, "database_url"),
	    "database_url empty in the file -> required error");
	T_CHECK(parse(DB "audiences =\n") == -1 && has(err, "audiences"),
	    "audiences empty -> required error");
	free(text);
	free(v);
}

struct val_row {
	const char	*line;
	int		 want;
	const char	*field_want;	/* on 0 */
};

/* The access-log keys: one word of a fixed list each (log.h). */
static const struct val_row log_rows[] = {
	{ "log_format = json", 0, "json" },
	{ "log_format = text", 0, "text" },
	{ "log_format = JSON", -1, NULL },
	{ "log_format = ", -1, NULL },
	{ "log_format = json text", -1, NULL },
};
static const struct val_row dest_rows[] = {
	{ "log_destination = syslog", 0, "syslog" },
	{ "log_destination = stderr", 0, "stderr" },
	{ "log_destination = journald", -1, NULL },
	{ "log_destination = syslogx", -1, NULL },
};
static const struct val_row fac_rows[] = {
	{ "log_syslog_facility = local7", 0, "local7" },
	{ "log_syslog_facility = authpriv", 0, "authpriv" },
	{ "log_syslog_facility = daemon", 0, "daemon" },
	{ "log_syslog_facility = kern", -1, NULL },
	{ "log_syslog_facility = local8", -1, NULL },
	{ "log_syslog_facility = 3", -1, NULL },
};
static const struct val_row sock_rows[] = {
	{ "log_syslog_socket = /run/systemd/journal/syslog", 0,
	    "/run/systemd/journal/syslog" },
	{ "log_syslog_socket = dev/log", -1, NULL },
	{ "log_syslog_socket = /" "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "01234567890123456789012345678", -1, NULL },	/* sun_path */
};

static const struct val_row alg_rows[] = {
	{ "signing_alg = ES256", 0, "ES256" },
	{ "signing_alg = RS256", 0, "RS256" },
	{ "signing_alg = HS256", 0, "HS256" },
	{ "signing_alg =   HS256   ", 0, "HS256" },
	{ "signing_alg = none", -1, NULL },
	{ "signing_alg = es256", -1, NULL },
	{ "signing_alg = ", -1, NULL },
	{ "signing_alg = ES384", -1, NULL },
	{ "signing_alg = HS512", -1, NULL },
	{ "signing_alg = PS256", -1, NULL },
	{ "signing_alg = ES256 RS256", -1, NULL },
	{ "signing_alg = ES2566", -1, NULL },
	{ "signing_alg = ES25", -1, NULL },
	{ "signing_alg = ES256\x01", -1, NULL },
};

static const struct val_row algs_rows[] = {
	{ "verify_algs = ES256", 0, "ES256" },
	{ "verify_algs = RS256 ES256", 0, "RS256 ES256" },
	{ "verify_algs = none", -1, NULL },
	{ "verify_algs = ", -1, NULL },
	{ "verify_algs = ES256 none", -1, NULL },
	{ "verify_algs = es256", -1, NULL },
	{ "verify_algs = ES256\tRS256", -1, NULL },
	{ "verify_algs = ES256,RS256", -1, NULL },
};

static const struct val_row issuer_rows[] = {
	{ "issuer = https://auth.example.com", 0, "https://auth.example.com" },
	{ "issuer = http://127.0.0.1:8080", 0, "http://127.0.0.1:8080" },
	{ "issuer = https://example.com/tenant/a", 0,
	  "https://example.com/tenant/a" },
	{ "issuer = https://auth.example.com/", -1, NULL },
	{ "issuer = https://example.com/tenant/", -1, NULL },
	{ "issuer = auth.example.com", -1, NULL },
	{ "issuer = //auth.example.com", -1, NULL },
	{ "issuer = ftp://auth.example.com", -1, NULL },
	{ "issuer = https://auth.example.com?x=1", -1, NULL },
	{ "issuer = https://auth.example.com/?", -1, NULL },
	{ "issuer = https://auth.example.com#frag", -1, NULL },
	{ "issuer = https://auth example.com", -1, NULL },
	{ "issuer = https://auth.example.com/\"x", -1, NULL },
	{ "issuer = https://auth.example.com/\\x", -1, NULL },
	{ "issuer = https://", -1, NULL },
	{ "issuer = http://", -1, NULL },
	{ "issuer = ", -1, NULL },
	{ "issuer = javascript:alert(1)", -1, NULL },
	{ "issuer = https://a.example\x1b[2J", -1, NULL },
};

static void
check_value_rows(const char *what, const struct val_row *rows, size_t n,
    size_t off, const char *key)
{
	char	 text[512];
	size_t	 i;
	int	 rc;

	env_clear();
	for (i = 0; i < n; i++) {
		snprintf(text, sizeof(text), DB "%s\n", rows[i].line);
		rc = parse(text);
		if (rows[i].want == 0)
			T_CHECK(rc == 0 && strcmp((char *)&cfg + off,
			    rows[i].field_want) == 0, "%s row %zu accepted", what,
			    i);
		else
			T_CHECK(rc == -1 && has(err, key) && has(err, "t.conf:2"),
			    "%s row %zu refused, error names %s and t.conf:2",
			    what, i, key);
	}
}

/* --- the shape of the file ----------------------------------------------- */

static void
check_shape(void)
{
	char	*big;
	size_t	 n;

	env_clear();
	T_CHECK(parse("# comment\n\n   # indented comment\n\t\n   \n"
	    "#workers = nonsense\n" DB "\n# end") == 0,
	    "comments, blank and whitespace lines ignored");
	T_CHECK(parse(DB "workers = 3") == 0 && cfg.workers == 3,
	    "last line without newline");
	T_CHECK(parse("database_url = x\r\nworkers = 3\r\naudiences = a b\r\n") == 0 &&
	    strcmp(cfg.database_url, "x") == 0 && cfg.workers == 3 &&
	    strcmp(cfg.audiences, "a b") == 0, "CRLF line endings");
	T_CHECK(parse(DB "workers=3") == 0 && cfg.workers == 3, "no spaces "
	    "around '='");
	T_CHECK(parse(DB "   workers   =    4   ") == 0 && cfg.workers == 4,
	    "many spaces around '='");
	T_CHECK(parse(DB "\tworkers\t=\t5\t") == 0 && cfg.workers == 5,
	    "tabs around '='");
	T_CHECK(parse(DB "\n\n\nnope = 1\n") == -1 && has(err, "nope") &&
	    has(err, "t.conf:5"), "unknown key: error names it and t.conf:5");
	T_CHECK(parse(DB "Workers = 2\n") == -1 && has(err, "Workers") &&
	    has(err, "t.conf:2"), "keys are case-sensitive");
	T_CHECK(parse(DB "workers = 2\r\n\r\nworkers = 3\n") == -1 &&
	    has(err, "workers") && has(err, "t.conf:4"),
	    "duplicate key: error names it and the second line");
	T_CHECK(parse(DB "database_url = y\n") == -1 && has(err, "database_url") &&
	    has(err, "t.conf:2"), "duplicate database_url");
	T_CHECK(parse(DB "workers 3\n") == -1 && has(err, "t.conf:2"),
	    "line without '=' -> error with t.conf:2");
	T_CHECK(parse(DB "= 3\n") == -1 && has(err, "t.conf:2"),
	    "line with an empty key -> error");
	T_CHECK(parse(DB "workers == 3\n") == -1 && has(err, "workers"),
	    "'==' -> bad value");
	T_CHECK(parse(DB "workers = 2 # two\n") == -1 && has(err, "workers"),
	    "no comments after a value: \"2 # two\" is a bad integer");
	T_CHECK(parse(DB "data base_url = x\n") == -1 && has(err, "t.conf:2"),
	    "key with a space -> unknown key");

	/* Control bytes and NUL. */
	T_CHECK(parse(DB "audiences = a\tb\n") == -1 && has(err, "audiences") &&
	    has(err, "t.conf:2"), "TAB inside a value -> error");
	T_CHECK(parse(DB "audiences = a\x01z\n") == -1 && has(err, "audiences"),
	    "0x01 in a value -> error");
	T_CHECK(parse(DB "audiences = a\x1b[31mz\n") == -1 &&
	    has(err, "audiences"), "ESC in a value -> error");
	T_CHECK(parse(DB "audiences = a\x7fz\n") == -1 && has(err, "audiences"),
	    "DEL in a value -> error");
	T_CHECK(parse(DB "audiences = a\rb\n") == -1 && has(err, "audiences"),
	    "bare CR inside a value -> error");
	T_CHECK(parse("database_url = x\rworkers = 3\r") == -1,
	    "CR-only line endings -> error");
	T_CHECK(parse(DB "audien\x1b[2Jces = a\n") == -1 && has(err, "t.conf:2"),
	    "ESC in a key -> unknown key");
	T_CHECK(strchr(err, '\x1b') == NULL, "unknown-key error does not echo "
	    "a raw ESC byte");
	{
		static const char nul[] = DB "audiences = a\0b\n";

		memset(err, 'E', sizeof(err));
		T_CHECK(config_parse(&cfg, "t.conf", nul, sizeof(nul) - 1, tenv,
		    err) == -1 && has(err, "t.conf:2"), "NUL in a value -> "
		    "error naming t.conf:2");
		T_CHECK(config_parse(&cfg, "t.conf", "\0", 1, tenv, err) == -1 &&
		    has(err, "t.conf:1"), "text of one NUL -> error");
		T_CHECK(config_parse(&cfg, "t.conf", DB "workers = 3", sizeof(DB) - 1,
		    tenv, err) == 0 && cfg.workers == 2,
		    "only len bytes of the text are read");
	}

	/* Long lines: 4095 bytes is the longest. */
	if ((big = malloc(8192)) == NULL)
		return;
	n = (size_t)snprintf(big, 8192, DB);
	memset(big + n, '#', 4095);
	big[n + 4095] = '\0';
	T_CHECK(parse(big) == 0, "comment line of 4095 bytes accepted");
	memset(big + n, '#', 4096);
	big[n + 4096] = '\0';
	T_CHECK(parse(big) == -1 && has(err, "t.conf:2"),
	    "comment line of 4096 bytes -> error");
	n = (size_t)snprintf(big, 8192, DB "audiences = ");
	memset(big + n, 'a', 5000);
	big[n + 5000] = '\0';
	T_CHECK(parse(big) == -1 && has(err, "t.conf:2") && err_ok(),
	    "a 5000-byte line -> error naming t.conf:2");
	free(big);
}

/* --- environment overrides ----------------------------------------------- */

static void
check_env(void)
{
	env_clear();
	env_set("JWTMINT_ACCESS_TTL_SEC", "120");
	T_CHECK(parse(DB "access_ttl_sec = 600\n") == 0 &&
	    cfg.access_ttl_sec == 120, "JWTMINT_ACCESS_TTL_SEC=120 overrides "
	    "the file's 600");
	env_set("JWTMINT_ACCESS_TTL_SEC", "abc");
	T_CHECK(parse(DB) == -1 && has(err, "JWTMINT_ACCESS_TTL_SEC") &&
	    has(err, "access_ttl_sec"), "JWTMINT_ACCESS_TTL_SEC=abc -> error "
	    "names the variable");
	env_set("JWTMINT_ACCESS_TTL_SEC", "59");
	T_CHECK(parse(DB) == -1 && has(err, "JWTMINT_ACCESS_TTL_SEC"),
	    "JWTMINT_ACCESS_TTL_SEC=59 (below min) -> error");
	env_set("JWTMINT_ACCESS_TTL_SEC", "");
	T_CHECK(parse(DB) == -1 && has(err, "JWTMINT_ACCESS_TTL_SEC"),
	    "JWTMINT_ACCESS_TTL_SEC empty -> error");
	env_clear();

	env_set("JWTMINT_DATABASE_URL", "host=/env");
	T_CHECK(parse("") == 0 && strcmp(cfg.database_url, "host=/env") == 0,
	    "JWTMINT_DATABASE_URL satisfies the required key");
	T_CHECK(parse("database_url = host=/file\n") == 0 &&
	    strcmp(cfg.database_url, "host=/env") == 0,
	    "JWTMINT_DATABASE_URL overrides the file");
	env_set("JWTMINT_DATABASE_URL", "");
	T_CHECK(parse(DB) == -1 && has(err, "database_url"),
	    "JWTMINT_DATABASE_URL empty clears it -> required error");
	env_clear();

	env_set("JWTMINT_SIGNING_ALG", "none");
	T_CHECK(parse(DB) == -1 && has(err, "JWTMINT_SIGNING_ALG"),
	    "JWTMINT_SIGNING_ALG=none -> error naming it");
	env_set("JWTMINT_SIGNING_ALG", "RS256");
	T_CHECK(parse(DB "signing_alg = HS256\n") == 0 &&
	    strcmp(cfg.signing_alg, "RS256") == 0, "JWTMINT_SIGNING_ALG=RS256 "
	    "overrides");
	env_clear();

	env_set("JWTMINT_ISSUER", "https://env.example/");
	T_CHECK(parse(DB) == -1 && has(err, "JWTMINT_ISSUER"),
	    "JWTMINT_ISSUER with a trailing slash -> error naming it");
	env_set("JWTMINT_ISSUER", "https://env.example");
	T_CHECK(parse(DB) == 0 && strcmp(cfg.issuer, "https://env.example") == 0,
	    "JWTMINT_ISSUER overrides the default");
	env_clear();

	env_set("JWTMINT_AUDIENCES", "a\nb");
	T_CHECK(parse(DB) == -1 && has(err, "JWTMINT_AUDIENCES"),
	    "JWTMINT_AUDIENCES with LF -> error naming it");
	env_clear();

	/* A file error comes first and names the line, not a variable. */
	env_set("JWTMINT_WORKERS", "3");
	T_CHECK(parse(DB "workers = x\n") == -1 && has(err, "t.conf:2"),
	    "bad file value is reported even when the variable is set");
	env_clear();
	/* Lower-case variable names are not read. */
	env_set("JWTMINT_workers", "9");
	env_set("jwtmint_workers", "9");
	T_CHECK(parse(DB) == 0 && cfg.workers == 2,
	    "only JWTMINT_<UPPER> names are read");
	env_clear();
	T_CHECK(config_parse(&cfg, "t.conf", DB, sizeof(DB) - 1, NULL, err) == 0,
	    "NULL getenv: no overrides, no crash");
}

/*
 * config_parse upper-cases the tail of the required-value message back to
 * its '(' : with a source name long enough for the message to be truncated
 * before the '(', the walk leaves err. err is placed inside a larger buffer
 * here so that the walk stays in this test's own memory and shows.
 */
static void
check_long_name(void)
{
	static char	 name[1000], outer[1024];
	char		*e = outer + 512;
	size_t		 i, len;
	int		 rc, touched = 0;

	for (len = 200; len <= 900; len += 350) {
		memset(name, 'a', len);
		name[len] = '\0';
		memset(outer, 'z', sizeof(outer));
		outer[0] = '(';
		rc = config_parse(&cfg, name, "", 0, NULL, e);
		for (i = 1; i < 512; i++)
			if (outer[i] != 'z')
				touched = 1;
		T_CHECK(rc == -1 && memchr(e, '\0', CONFIG_ERR_BYTES) != NULL,
		    "source name of %zu bytes: -1, err NUL-terminated", len);
		T_CHECK(!touched, "source name of %zu bytes: nothing written "
		    "before err (stack buffer underflow in the required-value "
		    "message)", len);
	}
}

/* --- secrets -------------------------------------------------------------- */

static char	 tmpdir[] = "/tmp/test_config.XXXXXX";

static char *
tmp_write(const char *name, const void *data, size_t len)
{
	static char	 paths[16][256];
	static int	 next;
	char		*p = paths[next++ % 16];
	FILE		*f;

	snprintf(p, 256, "%s/%s", tmpdir, name);
	if ((f = fopen(p, "w")) != NULL) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
	return p;
}

/* base64 (standard alphabet, padded) of n bytes of value b, plus "\n". */
static char *
b64_of(unsigned char b, size_t n, char *out)
{
	unsigned char	 raw[256];
	int		 len;

	memset(raw, b, n);
	len = EVP_EncodeBlock((unsigned char *)out, raw, (int)n);
	out[len] = '\n';
	out[len + 1] = '\0';
	return out;
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

static int
setup_secrets(const char *kek, const char *pepper, const char *pw)
{
	char	 text[1024];
	int	 n;

	n = snprintf(text, sizeof(text), DB);
	if (kek != NULL)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
		    "kek_file = %s\n", kek);
	if (pepper != NULL)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
		    "pepper_file = %s\n", pepper);
	if (pw != NULL)
		snprintf(text + n, sizeof(text) - (size_t)n,
		    "database_password_file = %s\n", pw);
	return parse(text);
}

static int
secrets(void)
{
	memset(err, 'E', sizeof(err));
	err[sizeof(err) - 1] = '\0';
	return config_secrets(&cfg, tenv, err);
}

static void
check_secrets(void)
{
	char		 b[512], pep[512];
	unsigned char	 want[CONFIG_PEPPER_MAX];
	char		*kek32, *kek31, *kek33, *pep32, *pep31, *pep128;
	char		*pep129, *bad, *empty, *pw, *missing;

	if (mkdtemp(tmpdir) == NULL) {
		T_CHECK(0, "mkdtemp");
		return;
	}
	env_clear();
	b64_of(0x11, 32, b);
	kek32 = tmp_write("kek32", b, strlen(b));
	b64_of(0x11, 31, b);
	kek31 = tmp_write("kek31", b, strlen(b));
	b64_of(0x11, 33, b);
	kek33 = tmp_write("kek33", b, strlen(b));
	b64_of(0x22, 32, b);
	pep32 = tmp_write("pep32", b, strlen(b));
	b64_of(0x22, 31, b);
	pep31 = tmp_write("pep31", b, strlen(b));
	b64_of(0x22, 128, b);
	pep128 = tmp_write("pep128", b, strlen(b));
	b64_of(0x22, 129, b);
	pep129 = tmp_write("pep129", b, strlen(b));
	bad = tmp_write("bad", "c2VjcmV0!!c2VjcmV0\n", 19);
	empty = tmp_write("empty", "", 0);

	T_CHECK(setup_secrets(kek32, pep32, NULL) == 0 && secrets() == 0,
	    "kek 32 and pepper 32 from files: 0");
	memset(want, 0x11, sizeof(want));
	T_CHECK(memcmp(cfg.kek, want, 32) == 0, "kek bytes decoded");
	memset(want, 0x22, sizeof(want));
	T_CHECK(cfg.pepperlen == 32 && memcmp(cfg.pepper, want, 32) == 0,
	    "pepper bytes decoded, pepperlen 32");
	T_CHECK(cfg.database_password[0] == '\0', "no password configured: "
	    "empty");
	config_wipe(&cfg);
	T_CHECK(allzero(cfg.kek, sizeof(cfg.kek)) &&
	    allzero(cfg.pepper, sizeof(cfg.pepper)) && cfg.pepperlen == 0,
	    "config_wipe zeroes kek and pepper");

	T_CHECK(setup_secrets(kek31, pep32, NULL) == 0 && secrets() == -1 &&
	    has(err, "32"), "kek of 31 bytes -> -1");
	T_CHECK(setup_secrets(kek33, pep32, NULL) == 0 && secrets() == -1,
	    "kek of 33 bytes -> -1");
	T_CHECK(setup_secrets(bad, pep32, NULL) == 0 && secrets() == -1 &&
	    has(err, "kek_file"), "kek not base64 -> -1 naming kek_file");
	T_CHECK(!has(err, "c2VjcmV0"), "the error does not echo the secret");
	T_CHECK(setup_secrets(empty, pep32, NULL) == 0 && secrets() == -1,
	    "kek file empty -> -1");
	snprintf(b, sizeof(b), "%s/missing", tmpdir);
	missing = b;
	T_CHECK(setup_secrets(missing, pep32, NULL) == 0 && secrets() == -1 &&
	    has(err, missing), "kek file missing -> -1 naming the path");
	T_CHECK(setup_secrets(NULL, pep32, NULL) == 0 && secrets() == -1 &&
	    has(err, "kek_file") && has(err, "JWTMINT_KEK"),
	    "no kek at all -> -1 naming kek_file and JWTMINT_KEK");

	T_CHECK(setup_secrets(kek32, pep31, NULL) == 0 && secrets() == -1 &&
	    has(err, "pepper"), "pepper of 31 bytes -> -1");
	T_CHECK(allzero(cfg.kek, sizeof(cfg.kek)) &&
	    allzero(cfg.pepper, sizeof(cfg.pepper)),
	    "after a pepper failure kek and pepper are wiped");
	T_CHECK(setup_secrets(kek32, pep128, NULL) == 0 && secrets() == 0 &&
	    cfg.pepperlen == 128, "pepper of 128 bytes accepted");
	T_CHECK(setup_secrets(kek32, pep129, NULL) == 0 && secrets() == -1,
	    "pepper of 129 bytes -> -1");
	T_CHECK(setup_secrets(kek32, NULL, NULL) == 0 && secrets() == -1 &&
	    has(err, "pepper_file") && has(err, "JWTMINT_PEPPER"),
	    "no pepper -> -1 naming pepper_file and JWTMINT_PEPPER");
	T_CHECK(setup_secrets(kek32, bad, NULL) == 0 && secrets() == -1 &&
	    has(err, "pepper_file"), "pepper not base64 -> -1");

	/* From the environment: url alphabet, no padding, over a bad file. */
	memset(want, 0xfb, 32);
	{
		unsigned char	 raw[32];
		int		 len, i;

		memset(raw, 0xfb, sizeof(raw));
		len = EVP_EncodeBlock((unsigned char *)b, raw, 32);
		for (i = 0; i < len; i++)
			b[i] = b[i] == '+' ? '-' : b[i] == '/' ? '_' : b[i];
		while (len > 0 && b[len - 1] == '=')
			b[--len] = '\0';
	}
	b64_of(0x33, 40, pep);
	pep[strlen(pep) - 1] = '\0';
	env_set("JWTMINT_KEK", b);
	env_set("JWTMINT_PEPPER", pep);
	T_CHECK(setup_secrets(bad, bad, NULL) == 0 && secrets() == 0 &&
	    memcmp(cfg.kek, want, 32) == 0 && cfg.pepperlen == 40,
	    "JWTMINT_KEK (url alphabet, unpadded) and JWTMINT_PEPPER override "
	    "bad files");
	T_CHECK(setup_secrets(NULL, NULL, NULL) == 0 && secrets() == 0,
	    "JWTMINT_KEK and JWTMINT_PEPPER alone suffice");
	env_set("JWTMINT_KEK", "AAAA");
	T_CHECK(setup_secrets(kek32, pep32, NULL) == 0 && secrets() == -1,
	    "JWTMINT_KEK of 3 bytes -> -1 over a good kek_file");
	T_CHECK(has(err, "JWTMINT_KEK"), "the wrong-length kek error names its "
	    "source JWTMINT_KEK (got \"%s\")", err);
	env_set("JWTMINT_KEK", NULL);
	env_set("JWTMINT_PEPPER", "AAAA");
	T_CHECK(setup_secrets(kek32, pep32, NULL) == 0 && secrets() == -1,
	    "JWTMINT_PEPPER of 3 bytes -> -1 over a good pepper_file");
	T_CHECK(has(err, "JWTMINT_PEPPER"), "the short-pepper error names its "
	    "source JWTMINT_PEPPER (got \"%s\")", err);
	env_clear();
	env_set("JWTMINT_KEK", "c2VjcmV0!!");
	T_CHECK(secrets() == -1 && !has(err, "c2VjcmV0"),
	    "JWTMINT_KEK not base64 -> -1, not echoed");
	env_clear();

	/* Database password: file (first line), environment, missing. */
	pw = tmp_write("pw", "s3cret pass \nsecond line\n", 25);
	T_CHECK(setup_secrets(kek32, pep32, pw) == 0 && secrets() == 0 &&
	    strcmp(cfg.database_password, "s3cret pass") == 0,
	    "database password from file: first line, trailing space trimmed");
	env_set("JWTMINT_DATABASE_PASSWORD", "from-env");
	T_CHECK(secrets() == 0 && strcmp(cfg.database_password, "from-env") == 0,
	    "JWTMINT_DATABASE_PASSWORD overrides the file");
	memset(pep, 'p', 256);
	pep[256] = '\0';
	env_set("JWTMINT_DATABASE_PASSWORD", pep);
	T_CHECK(secrets() == -1 && has(err, "JWTMINT_DATABASE_PASSWORD") &&
	    allzero(cfg.kek, sizeof(cfg.kek)),
	    "JWTMINT_DATABASE_PASSWORD of 256 bytes -> -1, secrets wiped");
	pep[255] = '\0';
	T_CHECK(secrets() == 0 && strlen(cfg.database_password) == 255,
	    "JWTMINT_DATABASE_PASSWORD of 255 bytes accepted");
	env_clear();
	snprintf(b, sizeof(b), "%s/nopw", tmpdir);
	T_CHECK(setup_secrets(kek32, pep32, b) == 0 && secrets() == -1 &&
	    has(err, b) && allzero(cfg.kek, sizeof(cfg.kek)),
	    "password file missing -> -1 naming it, secrets wiped");
	config_wipe(&cfg);

	/* The owner's password (migrate): the variable, else its file; the
	 * run-time one is not taken for it, and config_secrets (the server)
	 * never reads it. */
	env_clear();
	snprintf(b, sizeof(b), "%s/nopw", tmpdir);
	T_CHECK(setup_secrets(kek32, pep32, pw) == 0 &&
	    config_migrate_password(&cfg, tenv, err) == 0 &&
	    cfg.database_migrate_password[0] == '\0',
	    "no migrate password: none (the run-time one is not reused)");
	env_set("JWTMINT_DATABASE_MIGRATE_PASSWORD", "owner-pw");
	T_CHECK(secrets() == 0 && cfg.database_migrate_password[0] == '\0',
	    "config_secrets does not read the owner's password");
	T_CHECK(config_migrate_password(&cfg, tenv, err) == 0 &&
	    strcmp(cfg.database_migrate_password, "owner-pw") == 0 &&
	    strcmp(cfg.database_password, "s3cret pass") == 0,
	    "JWTMINT_DATABASE_MIGRATE_PASSWORD");
	memset(pep, 'p', 256);
	pep[256] = '\0';
	env_set("JWTMINT_DATABASE_MIGRATE_PASSWORD", pep);
	T_CHECK(config_migrate_password(&cfg, tenv, err) == -1 &&
	    has(err, "JWTMINT_DATABASE_MIGRATE_PASSWORD") &&
	    allzero(cfg.database_migrate_password,
	    sizeof(cfg.database_migrate_password)),
	    "JWTMINT_DATABASE_MIGRATE_PASSWORD too long -> -1, wiped");
	env_clear();
	snprintf(cfg.database_migrate_password_file,
	    sizeof(cfg.database_migrate_password_file), "%s", pw);
	T_CHECK(config_migrate_password(&cfg, tenv, err) == 0 &&
	    strcmp(cfg.database_migrate_password, "s3cret pass") == 0,
	    "database_migrate_password_file");
	T_CHECK(config_db_password(&cfg, tenv, err) == 0 &&
	    strcmp(cfg.database_password, "s3cret pass") == 0,
	    "config_db_password: the run-time one alone");
	snprintf(cfg.database_migrate_password_file,
	    sizeof(cfg.database_migrate_password_file), "%s", b);
	T_CHECK(config_migrate_password(&cfg, tenv, err) == -1 && has(err, b) &&
	    has(err, "database_migrate_password_file"),
	    "migrate password file missing -> -1 naming it");
	config_wipe(&cfg);
	T_CHECK(allzero(cfg.database_migrate_password,
	    sizeof(cfg.database_migrate_password)), "config_wipe wipes it");

	unlink(kek32); unlink(kek31); unlink(kek33); unlink(pep32);
	unlink(pep31); unlink(pep128); unlink(pep129); unlink(bad);
	unlink(empty); unlink(pw);
}

/* --- old peppers (JWTMINT_OLD_PEPPERS, old_peppers_file), rotation --------- */

static void
check_old_peppers(void)
{
	char			 kek[128], pep[256], a[256], b[256], v[2048];
	char			 text[1024], *file;
	const unsigned char	*key;
	unsigned char		 want[64];
	size_t			 len;
	int			 i, n;

	env_clear();
	b64_of(0x11, 32, kek);
	b64_of(0x22, 32, pep);
	b64_of(0x44, 32, a);
	b64_of(0x55, 48, b);
	/* b64_of ends each with a newline: not in a variable's value. */
	kek[strcspn(kek, "\n")] = '\0';
	pep[strcspn(pep, "\n")] = '\0';
	a[strcspn(a, "\n")] = '\0';
	b[strcspn(b, "\n")] = '\0';
	env_set("JWTMINT_KEK", kek);
	env_set("JWTMINT_PEPPER", pep);

	T_CHECK(parse(DB) == 0 && secrets() == 0 && cfg.nold_peppers == 0 &&
	    cfg.pepper_id == 1, "no old peppers: none, pepper_id 1");
	T_CHECK(config_pepper(&cfg, 1, &key, &len) == 1 && len == 32 &&
	    key == cfg.pepper, "config_pepper: id 1 is the current pepper");
	T_CHECK(config_pepper(&cfg, 2, &key, &len) == 0,
	    "config_pepper: an id not held -> 0");

	snprintf(v, sizeof(v), "  2:%s\n# a comment 9:xx\n\t5:%s  ", a, b);
	env_set("JWTMINT_OLD_PEPPERS", v);
	T_CHECK(parse(DB "pepper_id = 7\n") == 0 && secrets() == 0 &&
	    cfg.nold_peppers == 2 && cfg.old_peppers[0].id == 2 &&
	    cfg.old_peppers[1].id == 5 && cfg.old_peppers[1].len == 48,
	    "two old peppers, a comment and blanks skipped");
	memset(want, 0x55, sizeof(want));
	T_CHECK(config_pepper(&cfg, 5, &key, &len) == 1 && len == 48 &&
	    memcmp(key, want, 48) == 0, "config_pepper: an old pepper's bytes");
	T_CHECK(config_pepper(&cfg, 7, &key, &len) == 1 && key == cfg.pepper,
	    "config_pepper: pepper_id 7 is the current one");
	T_CHECK(config_pepper(&cfg, 9, &key, &len) == 0,
	    "config_pepper: an id in a comment is not held");
	config_wipe(&cfg);
	T_CHECK(cfg.nold_peppers == 0 && allzero(cfg.old_peppers,
	    sizeof(cfg.old_peppers)), "config_wipe zeroes the old peppers");

	/* Hostile rows: each refused, naming the source, never the secret. */
	{
		static const struct {
			const char	*fmt;	/* %s: a good pepper */
			const char	*needle;
		} bad[] = {
			{ "1:%s", "current pepper" },	/* pepper_id is 1 */
			{ "2:%s 2:%s", "twice" },
			{ "0:%s", "1 to 32767" },
			{ "32768:%s", "1 to 32767" },
			{ "-2:%s", "1 to 32767" },
			{ "+2:%s", "1 to 32767" },
			{ "x:%s", "1 to 32767" },
			{ "2%s", "1 to 32767" },
			{ "2 :%s", "1 to 32767" },
			{ "2:", "base64" },
			{ "2:AAAA", "base64" },
			{ "2:c2VjcmV0!!c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0",
			    "base64" },
		};
		size_t	 k;

		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			snprintf(v, sizeof(v), bad[k].fmt, a, a);
			env_set("JWTMINT_OLD_PEPPERS", v);
			T_CHECK(parse(DB) == 0 && secrets() == -1 &&
			    has(err, bad[k].needle) &&
			    has(err, "JWTMINT_OLD_PEPPERS") && !has(err, a) &&
			    !has(err, "c2VjcmV0") && cfg.nold_peppers == 0 &&
			    allzero(cfg.pepper, sizeof(cfg.pepper)),
			    "JWTMINT_OLD_PEPPERS \"%.12s...\" -> -1 (%s), "
			    "secrets wiped (got \"%s\")", v, bad[k].needle, err);
		}
	}
	/* At most CONFIG_OLD_PEPPERS_MAX. */
	for (i = 0, n = 0; i <= CONFIG_OLD_PEPPERS_MAX; i++)
		n += snprintf(v + n, sizeof(v) - (size_t)n, "%d:%s ", i + 2, a);
	env_set("JWTMINT_OLD_PEPPERS", v);
	T_CHECK(parse(DB) == 0 && secrets() == -1 && has(err, "at most"),
	    "%d old peppers -> -1", CONFIG_OLD_PEPPERS_MAX + 1);
	/* Too long a variable. */
	{
		static char	 big[5000];

		memset(big, 'A', sizeof(big) - 1);
		env_set("JWTMINT_OLD_PEPPERS", big);
		T_CHECK(parse(DB) == 0 && secrets() == -1 && has(err, "too long"),
		    "JWTMINT_OLD_PEPPERS of 4999 bytes -> -1");
	}
	env_set("JWTMINT_OLD_PEPPERS", NULL);

	/* From old_peppers_file, several lines. */
	snprintf(v, sizeof(v), "# old peppers\n3:%s\n4:%s\n", a, b);
	file = tmp_write("oldpep", v, strlen(v));
	snprintf(text, sizeof(text), DB "old_peppers_file = %s\n", file);
	T_CHECK(parse(text) == 0 && secrets() == 0 && cfg.nold_peppers == 2 &&
	    cfg.old_peppers[0].id == 3 && cfg.old_peppers[1].id == 4,
	    "old_peppers_file: two lines");
	snprintf(text, sizeof(text), DB "old_peppers_file = %s/nope\n", tmpdir);
	T_CHECK(parse(text) == 0 && secrets() == -1 &&
	    has(err, "old_peppers_file"), "old_peppers_file missing -> -1");
	unlink(file);
	config_wipe(&cfg);

	/* The rotation period: seconds override days; 0 days: by hand. */
	T_CHECK(parse(DB) == 0 && config_rotate_sec(&cfg) == 90LL * 86400,
	    "rotation: 90 days by default");
	T_CHECK(parse(DB "signing_key_rotate_days = 0\n") == 0 &&
	    config_rotate_sec(&cfg) == 0, "rotation: 0 days, by hand");
	T_CHECK(parse(DB "signing_key_rotate_days = 0\n"
	    "signing_key_rotate_sec = 30\n") == 0 &&
	    config_rotate_sec(&cfg) == 30, "rotation: seconds override days");
	env_clear();
}

/* --- config_find and config_load ----------------------------------------- */

static void
check_find_load(void)
{
	char		 cwd[1024], path[1300], *big;
	const char	*f;
	FILE		*fp;
	char		 shipped[1024];
	int		 have_shipped = 0;

	env_clear();
	env_set("JWTMINT_CONFIG", "/from/env.conf");
	f = config_find("/explicit.conf", tenv);
	T_CHECK(f != NULL && strcmp(f, "/explicit.conf") == 0,
	    "config_find: explicit wins over JWTMINT_CONFIG");
	f = config_find(NULL, tenv);
	T_CHECK(f != NULL && strcmp(f, "/from/env.conf") == 0,
	    "config_find: JWTMINT_CONFIG when no explicit path");

	/* The shipped file, for a load test below, before leaving cwd. */
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		cwd[0] = '\0';
	snprintf(shipped, sizeof(shipped), "%s/conf/jwtmint.conf", cwd);
	have_shipped = access(shipped, R_OK) == 0;

	if (chdir(tmpdir) != 0) {
		T_CHECK(0, "chdir %s", tmpdir);
		return;
	}
	env_set("JWTMINT_CONFIG", "");
	f = config_find(NULL, tenv);
	if (access("/etc/jwtmint/jwtmint.conf", R_OK) != 0)
		T_CHECK(f == NULL, "config_find: nothing -> NULL");
	mkdir("conf", 0700);
	fclose(fopen("conf/jwtmint.conf", "w"));
	f = config_find(NULL, tenv);
	T_CHECK(f != NULL && strcmp(f, "conf/jwtmint.conf") == 0,
	    "config_find: JWTMINT_CONFIG empty -> conf/jwtmint.conf");
	mkdir("var", 0700);
	fclose(fopen("var/jwtmint.conf", "w"));
	f = config_find(NULL, NULL);
	T_CHECK(f != NULL && strcmp(f, "var/jwtmint.conf") == 0,
	    "config_find: var/jwtmint.conf before conf/jwtmint.conf");
	f = config_find("x.conf", NULL);
	T_CHECK(f != NULL && strcmp(f, "x.conf") == 0,
	    "config_find: explicit wins over the places");
	unlink("var/jwtmint.conf");
	unlink("conf/jwtmint.conf");
	rmdir("var");
	rmdir("conf");
	if (cwd[0] != '\0' && chdir(cwd) != 0)
		T_CHECK(0, "chdir back");
	env_clear();

	/* config_load. */
	snprintf(path, sizeof(path), "%s/none.conf", tmpdir);
	T_CHECK(config_load(&cfg, path, tenv, err) == -1 && has(err, path),
	    "config_load of a missing file -> error names the path");
	T_CHECK(config_load(&cfg, tmpdir, tenv, err) == -1 && has(err, tmpdir),
	    "config_load of a directory -> error names it");
	snprintf(path, sizeof(path), "%s/ok.conf", tmpdir);
	if ((fp = fopen(path, "w")) != NULL) {
		fputs(DB "workers = 7\n\nnope = 1\n", fp);
		fclose(fp);
	}
	T_CHECK(config_load(&cfg, path, tenv, err) == -1 && has(err, path) &&
	    has(err, ":4") && has(err, "nope"), "config_load: error names "
	    "path:4 and the key");
	if ((fp = fopen(path, "w")) != NULL) {
		fputs(DB "workers = 7\n", fp);
		fclose(fp);
	}
	T_CHECK(config_load(&cfg, path, tenv, err) == 0 && cfg.workers == 7 &&
	    strcmp(cfg.source, path) == 0, "config_load of a good file, source "
	    "is the path");
	if ((big = malloc(CONFIG_MAX_FILE_BYTES + 2)) != NULL &&
	    (fp = fopen(path, "w")) != NULL) {
		memset(big, '\n', CONFIG_MAX_FILE_BYTES + 1);
		memcpy(big, DB, sizeof(DB) - 1);
		fwrite(big, 1, CONFIG_MAX_FILE_BYTES, fp);
		fclose(fp);
		T_CHECK(config_load(&cfg, path, tenv, err) == 0,
		    "config_load of exactly %d bytes accepted",
		    CONFIG_MAX_FILE_BYTES);
		fp = fopen(path, "w");
		fwrite(big, 1, CONFIG_MAX_FILE_BYTES + 1, fp);
		fclose(fp);
		T_CHECK(config_load(&cfg, path, tenv, err) == -1 &&
		    has(err, path), "config_load of %d + 1 bytes -> error",
		    CONFIG_MAX_FILE_BYTES);
	}
	free(big);
	unlink(path);

	if (have_shipped) {
		T_CHECK(config_load(&cfg, shipped, tenv, err) == -1 &&
		    has(err, "database_url"), "shipped conf/jwtmint.conf alone: "
		    "database_url required");
		env_set("JWTMINT_DATABASE_URL", "host=/tmp dbname=jwtmint");
		T_CHECK(config_load(&cfg, shipped, tenv, err) == 0 &&
		    cfg.workers == 2 && cfg.access_ttl_sec == 900,
		    "shipped conf/jwtmint.conf + JWTMINT_DATABASE_URL loads");
		env_clear();
	} else
		printf("# skip: conf/jwtmint.conf not found from %s\n", cwd);
	rmdir(tmpdir);
}

/* listen: "", unix:/absolute or host:port with a port 1-65535. */
static void
test_listen(void)
{
	static const struct {
		const char	*v;
		int		 ok;
	} rows[] = {
		{ "", 0 }, { "unix:/run/jwtmint.sock", 0 },
		{ "127.0.0.1:9000", 0 }, { "[::1]:9000", 0 }, { "*:1", 0 },
		{ "somewhere", -1 }, { "unix:relative.sock", -1 },
		{ "127.0.0.1:0", -1 }, { "127.0.0.1:65536", -1 },
		{ "127.0.0.1:99999", -1 }, { "127.0.0.1:", -1 }, { ":9000", -1 },
		{ "127.0.0.1:90a", -1 }, { "127.0.0.1:-1", -1 },
	};
	char	 text[512];
	size_t	 i;

	env_clear();
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(text, sizeof(text), DB "listen = %s\n", rows[i].v);
		T_CHECK(parse(text) == rows[i].ok &&
		    (rows[i].ok == 0 || has(err, "listen")),
		    "listen \"%s\" -> %d", rows[i].v, rows[i].ok);
	}
}

/*
 * config_key: the listing of --config-keys is the parser's table: every
 * name once, each accepted as a line of a file with its default value
 * (the required ones given), and nothing past the last.
 */
static void
check_key_list(void)
{
	struct config	*c;
	const char	*name, *def, *prev[128];
	char		 text[CONFIG_MAX_LINE_BYTES + 256];
	size_t		 i, j, n = 0;
	int		 dup = 0, bad = 0;

	if ((c = malloc(sizeof(*c))) == NULL)
		abort();
	for (i = 0; config_key(i, &name, &def); i++) {
		for (j = 0; j < n; j++)
			dup |= strcmp(prev[j], name) == 0;
		if (n < sizeof(prev) / sizeof(prev[0]))
			prev[n++] = name;
		snprintf(text, sizeof(text), "%s%s = %s\n",
		    strcmp(name, "database_url") == 0 ? "" : DB, name,
		    strcmp(name, "database_url") == 0 ? "dbname=x" : def);
		if (config_parse(c, "t", text, strlen(text), NULL, err) != 0) {
			printf("# %s\n", err);
			bad = 1;
		}
	}
	T_CHECK(i > 40 && i == n, "config_key: lists the table (%zu keys)", i);
	T_CHECK(!dup, "config_key: every name once");
	T_CHECK(!bad, "config_key: each key with its default parses");
	T_CHECK(config_key(i + 1, &name, &def) == 0,
	    "config_key: nothing past the last");
	T_CHECK(strcmp(config_system_path(), "/etc/jwtmint/jwtmint.conf") == 0,
	    "config_system_path: /etc/jwtmint/jwtmint.conf in the tree's build");
	free(c);
}

int
main(void)
{
	check_defaults();
	check_ints();
	check_strings();
	check_value_rows("signing_alg", alg_rows,
	    sizeof(alg_rows) / sizeof(alg_rows[0]),
	    offsetof(struct config, signing_alg), "signing_alg");
	check_value_rows("verify_algs", algs_rows,
	    sizeof(algs_rows) / sizeof(algs_rows[0]),
	    offsetof(struct config, verify_algs), "verify_algs");
	check_value_rows("issuer", issuer_rows,
	    sizeof(issuer_rows) / sizeof(issuer_rows[0]),
	    offsetof(struct config, issuer), "issuer");
	check_value_rows("log_format", log_rows,
	    sizeof(log_rows) / sizeof(log_rows[0]),
	    offsetof(struct config, log_format), "log_format");
	check_value_rows("log_destination", dest_rows,
	    sizeof(dest_rows) / sizeof(dest_rows[0]),
	    offsetof(struct config, log_destination), "log_destination");
	check_value_rows("log_syslog_facility", fac_rows,
	    sizeof(fac_rows) / sizeof(fac_rows[0]),
	    offsetof(struct config, log_syslog_facility),
	    "log_syslog_facility");
	check_value_rows("log_syslog_socket", sock_rows,
	    sizeof(sock_rows) / sizeof(sock_rows[0]),
	    offsetof(struct config, log_syslog_socket), "log_syslog_socket");
	check_shape();
	check_env();
	check_long_name();
	check_secrets();
	check_old_peppers();
	check_find_load();
	test_listen();
	check_key_list();
	return t_done();
}
