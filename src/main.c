/*
 * jwtmint: the token service. One binary, four ways to run:
 *   --listen ADDR  bind (or take systemd's socket: --listen systemd),
 *                  pre-fork workers and the housekeeper, supervise, reload
 *                  at SIGHUP, re-execute at SIGUSR2 (supervisor.h);
 *   FastCGI        a listening socket on stdin (web server, spawn-fcgi);
 *   CGI            REQUEST_METHOD in the environment: one request, exit;
 *   --housekeeper  the host's background work alone (housekeeper.h), beside
 *                  workers started the FastCGI or CGI way.
 * Configuration errors stop the start with one message, and so do secrets
 * that are not the database's (secretcheck.h); nothing after the start
 * exits on behalf of a client.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>
#include <jansson.h>

#include "config.h"
#include "adminapi.h"
#include "housekeeper.h"
#include "log.h"
#include "platform.h"
#include "secret.h"
#include "secretcheck.h"
#include "supervisor.h"
#include "worker.h"

static const char *
env(const char *name)
{
	return getenv(name);
}

static void
usage(void)
{
	fprintf(stderr, "usage: jwtmint [-c file] [-t] [--listen unix:/path | "
	    "host:port | systemd] [--workers n]\n"
	    "       jwtmint [-c file] --housekeeper\n"
	    "       jwtmint --routes | --config-keys\n");
	exit(2);
}

/*
 * --routes: every admin and platform route, "METHOD /pattern" per line
 * (tests/openapi/walk.py holds docs/openapi.json against it).
 */
static int
print_routes(void)
{
	const struct adminapi_route	*t;
	size_t				 n, i;

	for (t = adminapi_routes(&n), i = 0; i < n; i++)
		printf("%s %s\n", t[i].method, t[i].pattern);
	for (t = platform_routes(&n), i = 0; i < n; i++)
		printf("%s %s\n", t[i].method, t[i].pattern);
	return fflush(stdout) == 0 ? 0 : 1;
}

/*
 * --config-keys: every configuration key and its default, "key<TAB>default"
 * per line, from the parser's own table (tests/integration/test_install.py
 * holds jwtmint.conf(5) against it).
 */
static int
print_config_keys(void)
{
	const char	*name, *def;
	size_t		 i;

	for (i = 0; config_key(i, &name, &def); i++)
		printf("%s\t%s\n", name, def);
	return fflush(stdout) == 0 ? 0 : 1;
}

/*
 * The secrets against the database's check values, once at start. A
 * mismatch stops the start; a database that does not answer (down, or not
 * migrated yet) does not: the housekeeper checks again before it seals a
 * key. Returns 0 or -1 (the message printed).
 */
static int
check_secrets(const struct config *cfg)
{
	char	 msg[SECRETCHECK_MSG_BYTES];
	int	 rc;

	rc = secretcheck_config(cfg, msg, sizeof(msg));
	if (rc == 0) {
		fprintf(stderr, "jwtmint: %s: refusing to start\n", msg);
		return -1;
	}
	if (rc == -1)
		log_warnx("start-up: the key-encryption key and pepper could not "
		    "be checked against the database (down, or not migrated): "
		    "starting anyway");
	return 0;
}

int
main(int argc, char *argv[])
{
	static struct config	 cfg;
	struct supervisor_args	 sargs;
	char			 err[CONFIG_ERR_BYTES];
	const char		*file = NULL, *listen_on = NULL, *path;
	char			*end;
	long			 workers = 0;
	int			 i, test = 0, housekeeper = 0, rc;

	log_init("jwtmint");
	/*
	 * A fixed mmap threshold: Argon2id's 19 MiB blocks are then always
	 * mmap'd and returned at free, instead of raising glibc's dynamic
	 * threshold and staying in the heap (RSS) of the worker for good.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	/* jansson's copies of a new API key (the admin API's answer to a
	 * create or a roll) are wiped when freed. */
	json_set_alloc_funcs(malloc, secret_free);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			file = argv[++i];
		else if (strcmp(argv[i], "-t") == 0)
			test = 1;
		else if (strcmp(argv[i], "--routes") == 0)
			return print_routes();
		else if (strcmp(argv[i], "--config-keys") == 0)
			return print_config_keys();
		else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen_on = argv[++i];
		else if (strcmp(argv[i], "--housekeeper") == 0)
			housekeeper = 1;
		else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc) {
			workers = strtol(argv[++i], &end, 10);
			if (*end != '\0' || workers < 1 || workers > 256)
				usage();
		} else
			usage();
	}
	if ((path = config_find(file, env)) == NULL) {
		fprintf(stderr, "jwtmint: no configuration file: no %s (use "
		    "-c FILE or JWTMINT_CONFIG)\n", config_system_path());
		return 1;
	}
	if (config_load(&cfg, path, env, err) == -1 ||
	    config_secrets(&cfg, env, err) == -1) {
		fprintf(stderr, "jwtmint: %s\n", err);
		return 1;
	}
	if (!test)
		(void)config_log_setup(&cfg);	/* checked by config_load */
	if (test) {
		printf("configuration ok: %s\n", path);
		config_wipe(&cfg);
		return 0;
	}
	if (housekeeper && (listen_on != NULL || workers != 0))
		usage();
	/* What the command line says; the supervisor falls back on the
	 * configuration's, and knows which to take again at a reload. */
	sargs.config_path = path;
	sargs.listen = listen_on;
	sargs.workers = (int)workers;
	sargs.argv = argv;
	if (listen_on == NULL && cfg.listen[0] != '\0' && !housekeeper)
		listen_on = cfg.listen;
	/* Not in CGI mode: one request per process, no start to refuse. */
	if ((housekeeper || listen_on != NULL || !FCGX_IsCGI()) &&
	    check_secrets(&cfg) == -1) {
		config_wipe(&cfg);
		return 1;
	}

	if (listen_on == NULL && cfg.platform_listen[0] != '\0')
		log_warnx("platform_listen is served under --listen only: "
		    "not here");
	if (housekeeper)
		rc = housekeeper_run(&cfg);
	else if (listen_on != NULL)
		rc = supervisor_run(&cfg, &sargs);
	else if (!FCGX_IsCGI())
		rc = worker_fcgi(&cfg, 0, -1, NULL, -1) == 0 ? 0 : 1;
	else if (getenv("REQUEST_METHOD") != NULL)
		rc = worker_cgi(&cfg) == 0 ? 0 : 1;
	else {
		fprintf(stderr, "jwtmint: no FastCGI socket on stdin, no CGI "
		    "request and no --listen: nothing to serve\n");
		rc = 2;
	}
	config_wipe(&cfg);
	return rc;
}
