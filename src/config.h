/*
 * config: jwtmint.conf, "key = value" lines, every key described once in a
 * table (name, type, field, default, min, max). A key may be overridden by
 * the environment variable JWTMINT_<KEY>. Secrets (kek, pepper, database
 * password) come from a file named in the configuration or from the
 * environment, never from the configuration text itself.
 *
 * Errors name the key and where it came from ("file:line" or the variable):
 * the caller prints the message once and stops. Pure: the file is read with
 * stdio, the environment through a caller-supplied function.
 */
#ifndef JWTMINT_CONFIG_H
#define JWTMINT_CONFIG_H

#include <stddef.h>

#define CONFIG_ERR_BYTES	512
#define CONFIG_STR_BYTES	1024
#define CONFIG_PATH_BYTES	1024
#define CONFIG_KEK_BYTES	32
#define CONFIG_PEPPER_MIN	32
#define CONFIG_PEPPER_MAX	128
#define CONFIG_OLD_PEPPERS_MAX	8
#define CONFIG_PEPPER_ID_MAX	32767
#define CONFIG_PLATFORM_CRED_MIN	32
#define CONFIG_PLATFORM_CRED_MAX	512
#define CONFIG_MAX_LINE_BYTES	4096
#define CONFIG_MAX_FILE_BYTES	(256 * 1024)

/* A pepper other than the current one, still accepted (old_peppers_file). */
struct config_pepper {
	int		 id;
	unsigned char	 key[CONFIG_PEPPER_MAX];
	size_t		 len;
};

struct config {
	char		 source[CONFIG_PATH_BYTES];	/* the file read */

	char		 database_url[CONFIG_STR_BYTES];	/* run time */
	char		 database_password_file[CONFIG_PATH_BYTES];
	/* The owner's connection, for `jwtmint-admin migrate` only, and the
	 * run-time role it grants privileges to (docs/OPERATIONS.md). */
	char		 database_migrate_url[CONFIG_STR_BYTES];
	char		 database_migrate_password_file[CONFIG_PATH_BYTES];
	char		 database_runtime_role[64];
	int		 database_timeout_ms;
	char		 kek_file[CONFIG_PATH_BYTES];
	char		 pepper_file[CONFIG_PATH_BYTES];
	char		 issuer[CONFIG_STR_BYTES];
	char		 audiences[CONFIG_STR_BYTES];
	int		 access_ttl_sec;
	char		 signing_alg[8];
	char		 scopes_supported[CONFIG_STR_BYTES];
	char		 default_org[64];
	int		 max_body_bytes;
	int		 jwks_max_age_sec;
	char		 listen[CONFIG_PATH_BYTES];
	/* The private listener: /platform/ and /metrics only (platform.h). */
	char		 platform_listen[CONFIG_PATH_BYTES];
	char		 platform_credential_file[CONFIG_PATH_BYTES];
	int		 workers;
	int		 fcgi_timeout_ms;
	int		 pin_workers;
	int		 metrics;	/* 1: count for GET /metrics (metrics.h) */
	int		 last_used_flush_sec;
	/* usage per key (usage.h): flush interval, rollup retention */
	int		 usage;		/* 1: count requests per key (usage.h) */
	int		 usage_flush_sec;
	int		 usage_minute_retention_sec;
	int		 usage_hour_retention_sec;
	int		 usage_day_retention_sec;	/* 0: for ever */
	int		 key_cache_sec;
	char		 verify_algs[64];
	int		 verify_leeway_sec;
	int		 refresh_idle_sec;
	int		 refresh_absolute_sec;
	int		 refresh_grace_sec;
	int		 login_max_failures;
	int		 login_max_failures_addr;
	int		 login_window_sec;
	int		 login_page_rate_per_min;	/* per address; 0: none */
	int		 session_ttl_sec;	/* the login page's sessions */
	int		 argon2_m_kib;
	int		 argon2_t;
	int		 argon2_p;
	int		 rate_limit_per_sec;
	int		 rate_limit_per_min;
	char		 rate_limit_shm[64];
	int		 rate_limit_shared;	/* 1: hosts share per-minute counts */
	int		 rate_limit_sync_ms;
	int		 signing_key_rotate_days;	/* 0: by hand */
	int		 signing_key_rotate_sec;	/* > 0: overrides days */
	int		 pepper_id;		/* the id of pepper_file's pepper */
	char		 old_peppers_file[CONFIG_PATH_BYTES];
	/* Unusual usage (src/usage_anomaly.h) and its webhook, the platform
	 * operator's only (nothing an organization's admin can set). */
	int		 anomaly_interval_sec;
	int		 anomaly_volume_factor;
	int		 anomaly_min_baseline;
	int		 anomaly_refusal_factor;
	int		 anomaly_min_refusals;
	char		 anomaly_webhook_url[CONFIG_STR_BYTES];
	char		 anomaly_webhook_secret_file[CONFIG_PATH_BYTES];
	int		 anomaly_webhook_allow_http;
	int		 anomaly_webhook_timeout_ms;
	int		 anomaly_webhook_max_attempts;
	int		 anomaly_webhook_backoff_sec;
	int		 anomaly_webhook_backoff_max_sec;
	/* Access and event logs (log.h, accesslog.h). */
	char		 log_format[8];		/* text | json */
	char		 log_destination[8];	/* stderr | syslog */
	char		 log_syslog_facility[16];
	char		 log_syslog_socket[108];	/* sun_path */

	/* Resolved by config_secrets(): wipe with config_wipe(). */
	char		 database_password[256];
	char		 database_migrate_password[256];
	unsigned char	 kek[CONFIG_KEK_BYTES];
	unsigned char	 pepper[CONFIG_PEPPER_MAX];
	size_t		 pepperlen;
	struct config_pepper old_peppers[CONFIG_OLD_PEPPERS_MAX];
	size_t		 nold_peppers;
	/* SHA-256 of the platform credential; has_platform: one is set. */
	unsigned char	 platform_digest[32];
	int		 has_platform;
};

/* Look a variable up: getenv, or a table in tests. NULL when unset. */
typedef const char *(*config_getenv_fn)(const char *);

/*
 * Fill c with the defaults, then the len bytes of text (named name in
 * messages), then the environment overrides, then check required values.
 * Returns 0, or -1 with a message in err (CONFIG_ERR_BYTES).
 */
int	config_parse(struct config *c, const char *name, const char *text,
	    size_t len, config_getenv_fn env, char *err);

/* config_parse() on the contents of the file at path. */
int	config_load(struct config *c, const char *path, config_getenv_fn env,
	    char *err);

/*
 * Resolve the secrets: JWTMINT_KEK / kek_file (32 bytes, base64),
 * JWTMINT_PEPPER / pepper_file (32..128 bytes, base64),
 * JWTMINT_OLD_PEPPERS / old_peppers_file (optional: "ID:BASE64" words
 * separated by white space, at most CONFIG_OLD_PEPPERS_MAX, ids 1..32767
 * other than pepper_id and each other),
 * JWTMINT_DATABASE_PASSWORD / database_password_file (optional).
 * Returns 0, or -1 with a message in err naming the source.
 */
int	config_secrets(struct config *c, config_getenv_fn env, char *err);

/*
 * The pepper of id: the current one (pepper_id) or an old one. Returns 1
 * with *key and *len set, or 0 when this host does not hold it.
 */
int	config_pepper(const struct config *c, int id,
	    const unsigned char **key, size_t *len);

/* Send this process's log lines where log_destination says (log_setup).
 * Returns 0 or -1. */
int	config_log_setup(const struct config *c);

/* The signing-key rotation period in seconds (0: by hand). */
long long config_rotate_sec(const struct config *c);

/*
 * Resolve the run-time database password only (config_secrets does this
 * too): JWTMINT_DATABASE_PASSWORD, else database_password_file, else none.
 * Returns 0, or -1 with a message in err.
 */
int	config_db_password(struct config *c, config_getenv_fn env, char *err);

/*
 * Resolve the owner's password, for `jwtmint-admin migrate` only (nothing
 * else reads it, so a host that never migrates needs no access to it):
 * JWTMINT_DATABASE_MIGRATE_PASSWORD, else database_migrate_password_file,
 * else none. Returns 0, or -1 with a message in err.
 */
int	config_migrate_password(struct config *c, config_getenv_fn env,
	    char *err);

/*
 * Pick the configuration file: explicit when not NULL, else $JWTMINT_CONFIG,
 * else the first of var/jwtmint.conf, conf/jwtmint.conf (build tree only:
 * not in binaries built with CONFIG_INSTALLED) and config_system_path()
 * that exists. Returns a static or borrowed string, or NULL when none
 * exists.
 */
const char *config_find(const char *explicit, config_getenv_fn env);

/* The system file: /etc/jwtmint/jwtmint.conf, or SYSCONFDIR's when
 * installed by `make install`. Static. */
const char *config_system_path(void);

/*
 * The i-th key of the table, its name and its default as text (both
 * static), for `jwtmint --config-keys` and the manual's drift test.
 * Returns 1, or 0 past the last key.
 */
int	config_key(size_t i, const char **name, const char **def);

/* Wipe the secrets held in c. */
void	config_wipe(struct config *c);

#endif
