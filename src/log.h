/*
 * log: one line per event on stderr, "jwtmint[pid]: ...". Every byte that
 * came from outside goes through logesc() first, so a line cannot be split
 * or forged. Never log a secret or a token.
 */
#ifndef JWTMINT_LOG_H
#define JWTMINT_LOG_H

/* Name the program; call again in a forked child (the pid is cached). */
void	log_init(const char *progname);
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
