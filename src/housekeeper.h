/*
 * housekeeper: the background work of one host, in a process of its own:
 * the supervisor of `jwtmint --listen` forks it and restarts it like a
 * worker; `jwtmint --housekeeper` runs it alone where workers are started
 * by spawn-fcgi, socket activation or as CGI (conf/systemd/
 * jwtmint-housekeeper.service).
 *
 * Its work is a table of periodic tasks (name, longest wait, function):
 * signing-key rotation (src/rotation.h; one rotator across every host,
 * under a PostgreSQL advisory lock), the purge of expired deny-list rows,
 * the end of rolled keys' grace marked in the audit trail, the purge of
 * stored idempotent answers after 24 hours, every organization's audit
 * head written to the log. A task returns
 * when it wants to run again; a failed one (the database down) is retried
 * with backoff, 1 s doubling to a minute, and the process never exits for
 * it. SIGTERM or SIGINT ends it after the task in hand (every database wait
 * is bounded by database_timeout_ms).
 */
#ifndef JWTMINT_HOUSEKEEPER_H
#define JWTMINT_HOUSEKEEPER_H

struct config;

/* The process name the supervisor's housekeeper shows (/proc/PID/comm). */
#define HOUSEKEEPER_COMM	"jwtmint-hk"

/* Run until SIGTERM or SIGINT. Returns the exit status (0, or 1 when it
 * cannot start). */
int	housekeeper_run(const struct config *);

#endif
