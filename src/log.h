/*
 * log: one line per event, on stderr as "jwtmint[pid]: ..." (the default)
 * or to syslog. Every byte that came from outside goes through logesc()
 * (or accesslog's JSON escaping) first, so a line cannot be split or
 * forged. Never log a secret or a token.
 *
 * Syslog: jwtmint writes the datagrams itself, in the format glibc's
 * syslog(3) writes to the local socket ("<PRI>Mmm dd hh:mm:ss
 * jwtmint[pid]: message", RFC 3164 without the host name), to
 * log_syslog_socket (/dev/log unless set), so the path it uses in
 * production is the one the tests exercise against their own socket.
 * The socket is connected once per process, at its first line (each
 * forked child connects its own), and reconnected once when the daemon
 * went away. A line waits at most LOG_SYSLOG_WAIT_MS for room in a full
 * queue; a line that still cannot be sent goes to stderr instead, so a
 * slow or absent daemon neither stalls a worker nor loses a line.
 */
#ifndef JWTMINT_LOG_H
#define JWTMINT_LOG_H

#include <stddef.h>

/* Name the program; call again in a forked child (the pid is cached). */
void	log_init(const char *progname);

/*
 * Where this process's lines go from now on: stderr (to_syslog 0) or the
 * syslog socket at path with facility (a name log_facility_valid()
 * accepts). json: access lines are bare JSON objects on stderr (no
 * "jwtmint[pid]: " prefix, so every line of them parses whole). Returns 0,
 * or -1 for an unknown facility (nothing changed).
 */
int	log_setup(int to_syslog, const char *facility, const char *path,
	    int json);

/* 1 when name is a syslog facility jwtmint accepts (daemon, user, auth,
 * authpriv, local0 .. local7). */
int	log_facility_valid(const char *name);

void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One access line, built by accesslog (n bytes, no newline), at info. */
void	log_access(const char *line, size_t n);

#endif
