/*
 * config: the configuration table and its parser. Adding a key is one row in
 * keys[] and one field in struct config; nothing else knows the key names.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claims.h"
#include "config.h"
#include "jws.h"
#include "log.h"
#include "logesc.h"
#include "secret.h"
#include "webhook.h"

enum cfg_type {
	CFG_STR,	/* free text */
	CFG_INT,	/* decimal integer in [min, max] */
	CFG_ALG,	/* one of the signing algorithms */
	CFG_URL,	/* http(s) URL without a trailing slash */
	CFG_ALGS,	/* space-separated signing algorithms */
	CFG_LISTEN,	/* "", unix:/abs/path or host:port */
	CFG_WORD	/* one word of its list in words[] */
};

struct cfg_key {
	const char	*name;
	enum cfg_type	 type;
	size_t		 off;
	size_t		 size;		/* CFG_STR: field size */
	const char	*def;
	long		 min, max;
	int		 required;
};

#define S(f)	offsetof(struct config, f), sizeof(((struct config *)0)->f)
#define I(f)	offsetof(struct config, f), 0

static const struct cfg_key keys[] = {
	{ "database_url", CFG_STR, S(database_url), "", 0, 0, 1 },
	{ "database_password_file", CFG_STR, S(database_password_file), "", 0, 0, 0 },
	{ "database_migrate_url", CFG_STR, S(database_migrate_url), "", 0, 0, 0 },
	{ "database_migrate_password_file", CFG_STR, S(database_migrate_password_file), "", 0, 0, 0 },
	{ "database_runtime_role", CFG_STR, S(database_runtime_role), "", 0, 0, 0 },
	{ "database_timeout_ms", CFG_INT, I(database_timeout_ms), "2000", 100, 60000, 0 },
	{ "kek_file", CFG_STR, S(kek_file), "", 0, 0, 0 },
	{ "pepper_file", CFG_STR, S(pepper_file), "", 0, 0, 0 },
	{ "issuer", CFG_URL, S(issuer), "http://127.0.0.1:8080", 0, 0, 1 },
	{ "audiences", CFG_STR, S(audiences), "jwtmint", 0, 0, 1 },
	{ "access_ttl_sec", CFG_INT, I(access_ttl_sec), "900", 60, CLAIMS_MAX_TTL_SEC, 0 },
	{ "signing_alg", CFG_ALG, S(signing_alg), "ES256", 0, 0, 0 },
	{ "scopes_supported", CFG_STR, S(scopes_supported), "", 0, 0, 0 },
	{ "default_org", CFG_STR, S(default_org), "", 0, 0, 0 },
	{ "max_body_bytes", CFG_INT, I(max_body_bytes), "16384", 256, 1048576, 0 },
	{ "jwks_max_age_sec", CFG_INT, I(jwks_max_age_sec), "300", 0, 86400, 0 },
	{ "listen", CFG_LISTEN, S(listen), "", 0, 0, 0 },
	{ "platform_listen", CFG_LISTEN, S(platform_listen), "", 0, 0, 0 },
	{ "platform_credential_file", CFG_STR, S(platform_credential_file), "", 0, 0, 0 },
	{ "workers", CFG_INT, I(workers), "2", 1, 256, 0 },
	{ "fcgi_timeout_ms", CFG_INT, I(fcgi_timeout_ms), "10000", 100, 600000, 0 },
	{ "pin_workers", CFG_INT, I(pin_workers), "0", 0, 1, 0 },
	{ "metrics", CFG_INT, I(metrics), "1", 0, 1, 0 },
	{ "usage", CFG_INT, I(usage), "1", 0, 1, 0 },
	{ "last_used_flush_sec", CFG_INT, I(last_used_flush_sec), "30", 1, 3600, 0 },
	{ "usage_flush_sec", CFG_INT, I(usage_flush_sec), "5", 1, 300, 0 },
	{ "usage_minute_retention_sec", CFG_INT, I(usage_minute_retention_sec), "172800", 3600, 31622400, 0 },
	{ "usage_hour_retention_sec", CFG_INT, I(usage_hour_retention_sec), "7776000", 86400, 315360000, 0 },
	{ "usage_day_retention_sec", CFG_INT, I(usage_day_retention_sec), "0", 0, 2000000000, 0 },
	{ "key_cache_sec", CFG_INT, I(key_cache_sec), "60", 0, 3600, 0 },
	{ "verify_algs", CFG_ALGS, S(verify_algs), "ES256 RS256 HS256", 0, 0, 0 },
	{ "verify_leeway_sec", CFG_INT, I(verify_leeway_sec), "30", 0, 300, 0 },
	{ "refresh_idle_sec", CFG_INT, I(refresh_idle_sec), "1209600", 60, 31622400, 0 },
	{ "refresh_absolute_sec", CFG_INT, I(refresh_absolute_sec), "2592000", 60, 31622400, 0 },
	{ "refresh_grace_sec", CFG_INT, I(refresh_grace_sec), "5", 0, 60, 0 },
	{ "login_max_failures", CFG_INT, I(login_max_failures), "10", 1, 1000, 0 },
	{ "login_max_failures_addr", CFG_INT, I(login_max_failures_addr), "100", 1, 100000, 0 },
	{ "login_window_sec", CFG_INT, I(login_window_sec), "900", 10, 86400, 0 },
	{ "login_page_rate_per_min", CFG_INT, I(login_page_rate_per_min), "120", 0, 1000000, 0 },
	{ "session_ttl_sec", CFG_INT, I(session_ttl_sec), "28800", 60, 2592000, 0 },
	{ "argon2_m_kib", CFG_INT, I(argon2_m_kib), "19456", 8, 4194304, 0 },
	{ "argon2_t", CFG_INT, I(argon2_t), "2", 1, 100, 0 },
	{ "argon2_p", CFG_INT, I(argon2_p), "1", 1, 64, 0 },
	{ "rate_limit_per_sec", CFG_INT, I(rate_limit_per_sec), "0", 0, 1000000, 0 },
	{ "rate_limit_per_min", CFG_INT, I(rate_limit_per_min), "0", 0, 60000000, 0 },
	{ "rate_limit_shm", CFG_STR, S(rate_limit_shm), "", 0, 0, 0 },
	{ "rate_limit_shared", CFG_INT, I(rate_limit_shared), "0", 0, 1, 0 },
	{ "rate_limit_sync_ms", CFG_INT, I(rate_limit_sync_ms), "1000", 50, 60000, 0 },
	{ "signing_key_rotate_days", CFG_INT, I(signing_key_rotate_days), "90", 0, 3650, 0 },
	{ "signing_key_rotate_sec", CFG_INT, I(signing_key_rotate_sec), "0", 0, 315360000, 0 },
	{ "pepper_id", CFG_INT, I(pepper_id), "1", 1, CONFIG_PEPPER_ID_MAX, 0 },
	{ "old_peppers_file", CFG_STR, S(old_peppers_file), "", 0, 0, 0 },
	{ "anomaly_interval_sec", CFG_INT, I(anomaly_interval_sec), "60", 1, 3600, 0 },
	{ "anomaly_volume_factor", CFG_INT, I(anomaly_volume_factor), "10", 2, 100000, 0 },
	{ "anomaly_min_baseline", CFG_INT, I(anomaly_min_baseline), "100", 1, 1000000000, 0 },
	{ "anomaly_refusal_factor", CFG_INT, I(anomaly_refusal_factor), "3", 1, 100000, 0 },
	{ "anomaly_min_refusals", CFG_INT, I(anomaly_min_refusals), "50", 1, 1000000000, 0 },
	{ "anomaly_webhook_url", CFG_STR, S(anomaly_webhook_url), "", 0, 0, 0 },
	{ "anomaly_webhook_secret_file", CFG_STR, S(anomaly_webhook_secret_file), "", 0, 0, 0 },
	{ "anomaly_webhook_allow_http", CFG_INT, I(anomaly_webhook_allow_http), "0", 0, 1, 0 },
	{ "anomaly_webhook_timeout_ms", CFG_INT, I(anomaly_webhook_timeout_ms), "5000", 100, 60000, 0 },
	{ "anomaly_webhook_max_attempts", CFG_INT, I(anomaly_webhook_max_attempts), "8", 1, 100, 0 },
	{ "anomaly_webhook_backoff_sec", CFG_INT, I(anomaly_webhook_backoff_sec), "30", 1, 3600, 0 },
	{ "anomaly_webhook_backoff_max_sec", CFG_INT, I(anomaly_webhook_backoff_max_sec), "3600", 1, 86400, 0 },
	{ "log_format", CFG_WORD, S(log_format), "text", 0, 0, 0 },
	{ "log_destination", CFG_WORD, S(log_destination), "stderr", 0, 0, 0 },
	{ "log_syslog_facility", CFG_WORD, S(log_syslog_facility), "daemon", 0, 0, 0 },
	{ "log_syslog_socket", CFG_STR, S(log_syslog_socket), "/dev/log", 0, 0, 0 },
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static const struct cfg_key *
find_key(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (strlen(keys[i].name) == len &&
		    memcmp(keys[i].name, name, len) == 0)
			return &keys[i];
	return NULL;
}

static int
listen_ok(const char *v)
{
	const char	*port;
	long		 n;
	char		*end;

	if (strncmp(v, "unix:/", 6) == 0)
		return strlen(v) < 108 + 5;
	if ((port = strrchr(v, ':')) == NULL || port == v ||
	    strspn(port + 1, "0123456789") != strlen(port + 1) || !port[1])
		return 0;
	n = strtol(port + 1, &end, 10);
	return n >= 1 && n <= 65535 && strlen(port + 1) <= 5;
}

/* The words a CFG_WORD key accepts (its facility list is log.c's). */
static int
word_ok(const char *key, const char *v)
{
	if (strcmp(key, "log_format") == 0)
		return strcmp(v, "text") == 0 || strcmp(v, "json") == 0;
	if (strcmp(key, "log_destination") == 0)
		return strcmp(v, "stderr") == 0 || strcmp(v, "syslog") == 0;
	if (strcmp(key, "log_syslog_facility") == 0)
		return log_facility_valid(v);
	return 0;
}

/* Set one key from text; where names the origin for messages. */
static int
set_value(struct config *c, const struct cfg_key *k, const char *v,
    const char *where, char *err)
{
	char		*end, *field = (char *)c + k->off;
	long long	 n;
	size_t		 i, len = strlen(v);

	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			snprintf(err, CONFIG_ERR_BYTES,
			    "%s: %s: control character in value", where, k->name);
			return -1;
		}
	switch (k->type) {
	case CFG_INT:
		errno = 0;
		n = strtoll(v, &end, 10);
		if (len == 0 || *end != '\0' || errno != 0 || n < k->min ||
		    n > k->max || !isdigit((unsigned char)v[0])) {
			snprintf(err, CONFIG_ERR_BYTES,
			    "%s: %s must be an integer from %ld to %ld",
			    where, k->name, k->min, k->max);
			return -1;
		}
		*(int *)(void *)field = (int)n;
		return 0;
	case CFG_ALG:
		/* The one list of algorithms: jws.c's. */
		if (jws_alg_parse(v) < 0) {
			snprintf(err, CONFIG_ERR_BYTES,
			    "%s: %s must be ES256, RS256 or HS256", where, k->name);
			return -1;
		}
		break;
	case CFG_ALGS:
		/* Every word an algorithm of jws.c, at least one word. */
		{
			char	 w[16];
			const char *q = v;
			size_t	 wl, nw = 0;

			while (*q != '\0') {
				while (*q == ' ')
					q++;
				if ((wl = strcspn(q, " ")) == 0)
					break;
				snprintf(w, sizeof(w), "%.*s", (int)wl, q);
				if (wl >= sizeof(w) || jws_alg_parse(w) < 0) {
					snprintf(err, CONFIG_ERR_BYTES,
					    "%s: %s: unknown algorithm \"%s\"",
					    where, k->name, w);
					return -1;
				}
				nw++;
				q += wl;
			}
			if (nw == 0) {
				snprintf(err, CONFIG_ERR_BYTES, "%s: %s: at least "
				    "one of ES256 RS256 HS256", where, k->name);
				return -1;
			}
		}
		break;
	case CFG_URL:
		if ((strncmp(v, "https://", 8) != 0 &&
		    strncmp(v, "http://", 7) != 0) ||
		    (len > 0 && v[len - 1] == '/') || strpbrk(v, " \"\\?#")) {
			snprintf(err, CONFIG_ERR_BYTES,
			    "%s: %s must be an http(s) URL without a trailing "
			    "slash, query or fragment", where, k->name);
			return -1;
		}
		break;
	case CFG_LISTEN:
		if (len > 0 && !listen_ok(v)) {
			snprintf(err, CONFIG_ERR_BYTES, "%s: %s must be "
			    "unix:/absolute/path or host:port (port 1-65535)",
			    where, k->name);
			return -1;
		}
		break;
	case CFG_WORD:
		if (!word_ok(k->name, v)) {
			snprintf(err, CONFIG_ERR_BYTES, "%s: %s: not one of "
			    "the values jwtmint.conf(5) lists", where, k->name);
			return -1;
		}
		break;
	case CFG_STR:
		if (strcmp(k->name, "log_syslog_socket") == 0 && v[0] != '/') {
			snprintf(err, CONFIG_ERR_BYTES, "%s: %s must be an "
			    "absolute path", where, k->name);
			return -1;
		}
		break;
	}
	if (len >= k->size) {
		snprintf(err, CONFIG_ERR_BYTES, "%s: %s is too long (%zu bytes "
		    "at most)", where, k->name, k->size - 1);
		return -1;
	}
	memcpy(field, v, len + 1);
	return 0;
}

/* "JWTMINT_" and the key in upper case. */
static void
env_name(char *var, size_t varsz, const char *key)
{
	size_t	 n;

	snprintf(var, varsz, "JWTMINT_%s", key);
	for (n = 8; var[n] != '\0'; n++)
		var[n] = (char)toupper((unsigned char)var[n]);
}

static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int
config_parse(struct config *c, const char *name, const char *text, size_t len,
    config_getenv_fn env, char *err)
{
	unsigned char	 seen[NKEYS];
	char		 line[CONFIG_MAX_LINE_BYTES], where[CONFIG_PATH_BYTES + 32];
	char		 var[128], *k, *v, *eq;
	const char	*p = text, *end = text + len, *nl, *ev;
	size_t		 i, n, lineno = 0;
	const struct cfg_key *key;
	struct webhook_url hook;

	memset(c, 0, sizeof(*c));
	memset(seen, 0, sizeof(seen));
	snprintf(c->source, sizeof(c->source), "%s", name);
	for (i = 0; i < NKEYS; i++)
		if (set_value(c, &keys[i], keys[i].def, "default", err) == -1)
			return -1;

	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl ? nl : end) - p);
		snprintf(where, sizeof(where), "%s:%zu", name, lineno);
		if (n >= sizeof(line) || memchr(p, '\0', n) != NULL) {
			snprintf(err, CONFIG_ERR_BYTES, "%s: line too long or "
			    "contains a NUL byte", where);
			return -1;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (nl ? 1 : 0);
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			snprintf(err, CONFIG_ERR_BYTES, "%s: expected "
			    "\"key = value\"", where);
			return -1;
		}
		*eq = '\0';
		v = trim(eq + 1);
		k = trim(k);
		if ((key = find_key(k, strlen(k))) == NULL) {
			logesc(var, sizeof(var), k, strlen(k));
			snprintf(err, CONFIG_ERR_BYTES, "%s: unknown key \"%s\"",
			    where, var);
			return -1;
		}
		if (seen[key - keys]++) {
			snprintf(err, CONFIG_ERR_BYTES, "%s: %s is set twice",
			    where, key->name);
			return -1;
		}
		if (set_value(c, key, v, where, err) == -1)
			return -1;
	}

	for (i = 0; env != NULL && i < NKEYS; i++) {
		env_name(var, sizeof(var), keys[i].name);
		if ((ev = env(var)) == NULL)
			continue;
		snprintf(where, sizeof(where), "environment %s", var);
		if (set_value(c, &keys[i], ev, where, err) == -1)
			return -1;
	}

	for (i = 0; i < NKEYS; i++) {
		if (!keys[i].required || keys[i].type == CFG_INT)
			continue;
		if (*((char *)c + keys[i].off) == '\0') {
			env_name(var, sizeof(var), keys[i].name);
			snprintf(err, CONFIG_ERR_BYTES, "%s: %s: required value "
			    "missing (set it there or in %s)", name,
			    keys[i].name, var);
			return -1;
		}
	}
	/* The anomaly webhook: a URL webhook.h reads, and its secret. */
	if (c->anomaly_webhook_url[0] != '\0') {
		if (webhook_url_parse(c->anomaly_webhook_url,
		    strlen(c->anomaly_webhook_url), &hook) == -1) {
			snprintf(err, CONFIG_ERR_BYTES, "%s: anomaly_webhook_url: "
			    "not an http(s) URL without user or fragment", name);
			return -1;
		}
		if (c->anomaly_webhook_secret_file[0] == '\0') {
			snprintf(err, CONFIG_ERR_BYTES, "%s: anomaly_webhook_url "
			    "needs anomaly_webhook_secret_file", name);
			return -1;
		}
	}
	return 0;
}

int
config_load(struct config *c, const char *path, config_getenv_fn env, char *err)
{
	FILE	*f;
	char	*buf;
	size_t	 n;
	int	 rc = -1;

	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, CONFIG_ERR_BYTES, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((buf = malloc(CONFIG_MAX_FILE_BYTES + 1)) == NULL) {
		snprintf(err, CONFIG_ERR_BYTES, "%s: out of memory", path);
		goto out;
	}
	n = fread(buf, 1, CONFIG_MAX_FILE_BYTES + 1, f);
	if (ferror(f) || n > CONFIG_MAX_FILE_BYTES) {
		snprintf(err, CONFIG_ERR_BYTES, "%s: unreadable or larger than "
		    "%d bytes", path, CONFIG_MAX_FILE_BYTES);
		goto out;
	}
	rc = config_parse(c, path, buf, n, env, err);
out:
	free(buf);
	fclose(f);
	return rc;
}

/*
 * One base64 secret from the environment variable var or else the file.
 * Returns the decoded length, 0 when neither is set, -1 on error.
 */
static int
load_secret(unsigned char *dst, size_t dstsz, const char *var,
    const char *file, const char *key, config_getenv_fn env, char *err)
{
	char		 buf[512];
	const char	*v;
	int		 n, len;

	if (env != NULL && (v = env(var)) != NULL && *v != '\0') {
		if ((len = (int)strlen(v)) >= (int)sizeof(buf))
			len = -1;
		else
			memcpy(buf, v, (size_t)len + 1);
	} else if (*file != '\0') {
		if ((len = secret_read_file(file, buf, sizeof(buf))) == -1) {
			snprintf(err, CONFIG_ERR_BYTES, "%s: cannot read %s (%s)",
			    key, file, errno ? strerror(errno) : "too long");
			return -1;
		}
	} else
		return 0;
	n = len < 0 ? -1 : secret_b64decode(dst, dstsz, buf, (size_t)len);
	secret_wipe(buf, sizeof(buf));
	if (n <= 0) {
		snprintf(err, CONFIG_ERR_BYTES, "%s: not valid base64 of at most "
		    "%zu bytes (from %s)", key, dstsz,
		    *file != '\0' && (env == NULL || env(var) == NULL) ? file : var);
		return -1;
	}
	return n;
}

/* Where a secret came from, for messages: the variable or the file. */
static const char *
secret_source(const char *var, const char *file, config_getenv_fn env)
{
	const char	*v;

	if (env != NULL && (v = env(var)) != NULL && *v != '\0')
		return var;
	return file;
}

#define OLD_PEPPERS_MAX_BYTES	4096

/* The whole file (old peppers: several lines) into buf. -1 on error. */
static int
read_small_file(const char *path, char *buf, size_t bufsz)
{
	FILE	*f;
	size_t	 n;

	if ((f = fopen(path, "re")) == NULL)
		return -1;
	n = fread(buf, 1, bufsz, f);
	if (ferror(f) || n >= bufsz) {
		fclose(f);
		secret_wipe(buf, bufsz);
		errno = 0;
		return -1;
	}
	fclose(f);
	buf[n] = '\0';
	return (int)n;
}

/*
 * The old peppers: "ID:BASE64" words separated by white space, from
 * JWTMINT_OLD_PEPPERS or old_peppers_file. Returns 0 or -1 (err set).
 */
static int
old_peppers(struct config *c, config_getenv_fn env, char *err)
{
	char		 buf[OLD_PEPPERS_MAX_BYTES];
	const char	*src = c->old_peppers_file, *v, *p, *colon;
	char		*end;
	struct config_pepper *op;
	size_t		 wl, i;
	long		 id;
	int		 n, rc = -1;

	c->nold_peppers = 0;
	if (env != NULL && (v = env("JWTMINT_OLD_PEPPERS")) != NULL &&
	    *v != '\0') {
		src = "JWTMINT_OLD_PEPPERS";
		if (strlen(v) >= sizeof(buf)) {
			snprintf(err, CONFIG_ERR_BYTES, "%s: too long", src);
			return -1;
		}
		memcpy(buf, v, strlen(v) + 1);
	} else if (*src != '\0') {
		if (read_small_file(src, buf, sizeof(buf)) == -1) {
			snprintf(err, CONFIG_ERR_BYTES, "old_peppers_file: cannot "
			    "read %s (%s)", src, errno ? strerror(errno) :
			    "too long");
			return -1;
		}
	} else
		return 0;
	for (p = buf; *p != '\0'; p += wl) {
		p += strspn(p, " \t\r\n");
		if ((wl = strcspn(p, " \t\r\n")) == 0)
			break;
		if (*p == '#') {	/* a comment, to the end of its line */
			wl = strcspn(p, "\n");
			continue;
		}
		errno = 0;
		id = strtol(p, &end, 10);
		colon = end;
		if (!isdigit((unsigned char)*p) || errno != 0 || *colon != ':' ||
		    colon >= p + wl || id < 1 || id > CONFIG_PEPPER_ID_MAX) {
			snprintf(err, CONFIG_ERR_BYTES, "%s: each old pepper is "
			    "ID:BASE64 with an id from 1 to %d", src,
			    CONFIG_PEPPER_ID_MAX);
			goto out;
		}
		if (c->nold_peppers == CONFIG_OLD_PEPPERS_MAX) {
			snprintf(err, CONFIG_ERR_BYTES, "%s: at most %d old "
			    "peppers", src, CONFIG_OLD_PEPPERS_MAX);
			goto out;
		}
		if (id == c->pepper_id) {
			snprintf(err, CONFIG_ERR_BYTES, "%s: old pepper %ld has "
			    "the id of the current pepper (pepper_id)", src, id);
			goto out;
		}
		for (i = 0; i < c->nold_peppers; i++)
			if (c->old_peppers[i].id == id) {
				snprintf(err, CONFIG_ERR_BYTES, "%s: old pepper "
				    "%ld is given twice", src, id);
				goto out;
			}
		op = &c->old_peppers[c->nold_peppers];
		n = secret_b64decode(op->key, sizeof(op->key), colon + 1,
		    (size_t)(p + wl - colon - 1));
		if (n < CONFIG_PEPPER_MIN) {
			secret_wipe(op, sizeof(*op));
			snprintf(err, CONFIG_ERR_BYTES, "%s: old pepper %ld is "
			    "not base64 of %d to %d bytes", src, id,
			    CONFIG_PEPPER_MIN, CONFIG_PEPPER_MAX);
			goto out;
		}
		op->id = (int)id;
		op->len = (size_t)n;
		c->nold_peppers++;
	}
	rc = 0;
out:
	secret_wipe(buf, sizeof(buf));
	return rc;
}

int
config_pepper(const struct config *c, int id, const unsigned char **key,
    size_t *len)
{
	size_t	 i;

	if (id == c->pepper_id && c->pepperlen > 0) {
		*key = c->pepper;
		*len = c->pepperlen;
		return 1;
	}
	for (i = 0; i < c->nold_peppers; i++)
		if (c->old_peppers[i].id == id) {
			*key = c->old_peppers[i].key;
			*len = c->old_peppers[i].len;
			return 1;
		}
	return 0;
}

int
config_log_setup(const struct config *c)
{
	return log_setup(strcmp(c->log_destination, "syslog") == 0,
	    c->log_syslog_facility, c->log_syslog_socket,
	    strcmp(c->log_format, "json") == 0);
}

long long
config_rotate_sec(const struct config *c)
{
	if (c->signing_key_rotate_sec > 0)
		return c->signing_key_rotate_sec;
	return (long long)c->signing_key_rotate_days * 86400;
}

/*
 * The platform credential: what the platform listener's callers present
 * (Authorization: Bearer), kept only as its SHA-256. Required when the
 * platform listener is configured; at least 32 printable bytes.
 */
static int
platform_secret(struct config *c, char *err)
{
	char	 buf[CONFIG_PLATFORM_CRED_MAX + 2];
	int	 n;
	size_t	 i;

	c->has_platform = 0;
	if (*c->platform_credential_file == '\0') {
		if (*c->platform_listen == '\0')
			return 0;
		snprintf(err, CONFIG_ERR_BYTES, "%s: platform_listen needs "
		    "platform_credential_file", c->source);
		return -1;
	}
	n = secret_read_file(c->platform_credential_file, buf, sizeof(buf));
	if (n < CONFIG_PLATFORM_CRED_MIN || n > CONFIG_PLATFORM_CRED_MAX) {
		snprintf(err, CONFIG_ERR_BYTES, "platform_credential_file: "
		    "cannot read %s, or not %d to %d bytes on one line",
		    c->platform_credential_file, CONFIG_PLATFORM_CRED_MIN,
		    CONFIG_PLATFORM_CRED_MAX);
		secret_wipe(buf, sizeof(buf));
		return -1;
	}
	for (i = 0; i < (size_t)n; i++)
		if (buf[i] <= ' ' || buf[i] > '~') {
			snprintf(err, CONFIG_ERR_BYTES, "platform_credential_file: "
			    "printable ASCII without spaces only");
			secret_wipe(buf, sizeof(buf));
			return -1;
		}
	n = secret_sha256(c->platform_digest, buf, (size_t)n);
	secret_wipe(buf, sizeof(buf));
	if (n == -1) {
		snprintf(err, CONFIG_ERR_BYTES, "platform credential: SHA-256 "
		    "failed");
		return -1;
	}
	c->has_platform = 1;
	return 0;
}

int
config_secrets(struct config *c, config_getenv_fn env, char *err)
{
	unsigned char	 kek[64];
	int		 n;

	n = load_secret(kek, sizeof(kek), "JWTMINT_KEK", c->kek_file,
	    "kek_file", env, err);
	if (n == 0) {
		snprintf(err, CONFIG_ERR_BYTES, "%s: kek_file: required value "
		    "missing (or set JWTMINT_KEK)", c->source);
		return -1;
	}
	if (n != -1 && n != CONFIG_KEK_BYTES) {
		snprintf(err, CONFIG_ERR_BYTES, "%s: the key-encryption key "
		    "must be exactly 32 bytes (base64 of 32 random bytes)",
		    secret_source("JWTMINT_KEK", c->kek_file, env));
		n = -1;
	}
	if (n == -1) {
		secret_wipe(kek, sizeof(kek));
		return -1;
	}
	memcpy(c->kek, kek, CONFIG_KEK_BYTES);
	secret_wipe(kek, sizeof(kek));

	n = load_secret(c->pepper, sizeof(c->pepper), "JWTMINT_PEPPER",
	    c->pepper_file, "pepper_file", env, err);
	if (n == 0) {
		snprintf(err, CONFIG_ERR_BYTES, "%s: pepper_file: required value "
		    "missing (or set JWTMINT_PEPPER)", c->source);
		return -1;
	}
	if (n != -1 && n < CONFIG_PEPPER_MIN) {
		snprintf(err, CONFIG_ERR_BYTES, "%s: the pepper must be "
		    "at least %d bytes",
		    secret_source("JWTMINT_PEPPER", c->pepper_file, env),
		    CONFIG_PEPPER_MIN);
		n = -1;
	}
	if (n == -1) {
		config_wipe(c);
		return -1;
	}
	c->pepperlen = (size_t)n;
	if (old_peppers(c, env, err) == -1) {
		config_wipe(c);
		return -1;
	}

	if (config_db_password(c, env, err) == -1 ||
	    platform_secret(c, err) == -1) {
		config_wipe(c);
		return -1;
	}
	return 0;
}

/* One optional password: the variable, else the file, else none. */
static int
db_password(char *dst, size_t dstsz, const char *var, const char *file,
    const char *key, config_getenv_fn env, char *err)
{
	const char	*v;

	if (env != NULL && (v = env(var)) != NULL) {
		if (strlen(v) >= dstsz) {
			snprintf(err, CONFIG_ERR_BYTES, "%s: too long", var);
			return -1;
		}
		memcpy(dst, v, strlen(v) + 1);
	} else if (*file != '\0' && secret_read_file(file, dst, dstsz) == -1) {
		snprintf(err, CONFIG_ERR_BYTES, "%s: cannot read %s", key, file);
		return -1;
	}
	return 0;
}

int
config_db_password(struct config *c, config_getenv_fn env, char *err)
{
	if (db_password(c->database_password, sizeof(c->database_password),
	    "JWTMINT_DATABASE_PASSWORD", c->database_password_file,
	    "database_password_file", env, err) == -1) {
		secret_wipe(c->database_password, sizeof(c->database_password));
		return -1;
	}
	return 0;
}

int
config_migrate_password(struct config *c, config_getenv_fn env, char *err)
{
	if (db_password(c->database_migrate_password,
	    sizeof(c->database_migrate_password),
	    "JWTMINT_DATABASE_MIGRATE_PASSWORD",
	    c->database_migrate_password_file,
	    "database_migrate_password_file", env, err) == -1) {
		secret_wipe(c->database_migrate_password,
		    sizeof(c->database_migrate_password));
		return -1;
	}
	return 0;
}

/*
 * The system configuration file. `make install` builds the installed
 * binaries with CONFIG_INSTALLED and CONFIG_SYSTEM_PATH from its SYSCONFDIR
 * (build/inst/paths.h): they read that file alone when neither -c nor
 * JWTMINT_CONFIG names one, never a var/ or conf/ file of whatever
 * directory they happen to be started in. The build tree's binaries look in
 * the tree first: `make run` writes var/jwtmint.conf.
 */
#ifndef CONFIG_SYSTEM_PATH
#define CONFIG_SYSTEM_PATH	"/etc/jwtmint/jwtmint.conf"
#endif

const char *
config_system_path(void)
{
	return CONFIG_SYSTEM_PATH;
}

int
config_key(size_t i, const char **name, const char **def)
{
	if (i >= NKEYS)
		return 0;
	*name = keys[i].name;
	*def = keys[i].def;
	return 1;
}

const char *
config_find(const char *explicit, config_getenv_fn env)
{
	static const char *const places[] = {
#ifndef CONFIG_INSTALLED
		"var/jwtmint.conf", "conf/jwtmint.conf",
#endif
		CONFIG_SYSTEM_PATH
	};
	const char	*v;
	size_t		 i;

	if (explicit != NULL)
		return explicit;
	if (env != NULL && (v = env("JWTMINT_CONFIG")) != NULL && *v != '\0')
		return v;
	for (i = 0; i < sizeof(places) / sizeof(places[0]); i++)
		if (access(places[i], R_OK) == 0)
			return places[i];
	return NULL;
}

void
config_wipe(struct config *c)
{
	secret_wipe(c->database_password, sizeof(c->database_password));
	secret_wipe(c->database_migrate_password,
	    sizeof(c->database_migrate_password));
	secret_wipe(c->kek, sizeof(c->kek));
	secret_wipe(c->pepper, sizeof(c->pepper));
	c->pepperlen = 0;
	secret_wipe(c->old_peppers, sizeof(c->old_peppers));
	c->nold_peppers = 0;
	secret_wipe(c->platform_digest, sizeof(c->platform_digest));
	c->has_platform = 0;
}
