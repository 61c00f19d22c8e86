/*
 * listenfd: the listening sockets of `jwtmint --listen`, from one of three
 * places: bound here ("unix:/path", "host:port"); handed over by systemd
 * socket activation (--listen systemd: the sd_listen_fds protocol, without
 * libsystemd); or inherited from the image this process was before it
 * re-executed itself for a binary upgrade (supervisor.h), by descriptor
 * number in an environment variable. Every descriptor returned is
 * close-on-exec; the variables that named it are removed, so no child and
 * no later image takes them for its own.
 */
#ifndef JWTMINT_LISTENFD_H
#define JWTMINT_LISTENFD_H

#include <stddef.h>
#include <sys/types.h>

/* sd_listen_fds(3): the first passed descriptor. */
#define LISTENFD_SD_START	3
/* The most pids a re-executed supervisor takes over (workers + 1). */
#define LISTENFD_MAX_PIDS	257

/*
 * Bind "unix:/path" (mode applied to the socket file) or "host:port" (IPv4
 * or [IPv6]; port 0 lets the kernel choose). Returns the listening
 * descriptor or -1 (logged).
 */
int	listenfd_bind(const char *addr, int mode);

/*
 * The sd_listen_fds protocol: LISTEN_PID must be pid, LISTEN_FDS a count
 * >= 1 (decimal, no sign, no spaces). Returns the count, 0 when the
 * variables are absent or name another process, -1 when malformed. Pure.
 */
int	listenfd_sd_count(const char *listen_pid, const char *listen_fds,
	    pid_t pid);

/*
 * Socket activation: the first descriptor systemd passed (fd 3), checked
 * to be a listening stream socket; every passed descriptor made
 * close-on-exec and LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES unset. Returns
 * the descriptor or -1 (logged).
 */
int	listenfd_systemd(void);

/*
 * A descriptor number in the environment variable var (then unset).
 * Returns the descriptor when it is a listening socket (made close-on-exec),
 * -1 when var is unset or names no listening socket (logged).
 */
int	listenfd_inherited(const char *var);

/*
 * "PID,PID,..." (decimal, each > 1, at most max of them) into pids.
 * Returns the count, or -1 when malformed. Pure.
 */
int	listenfd_parse_pids(const char *s, pid_t *pids, size_t max);

/*
 * Whether the upgrade variables (JWTMINT_LISTEN_FD, JWTMINT_PLATFORM_FD,
 * JWTMINT_CHILDREN) are this process's: v, the pid an upgrading supervisor
 * wrote beside them, must be pid (exec keeps the pid; any other start
 * finds another or none). Returns 1 when it is, 0 when v is NULL or
 * another pid, -1 when malformed. Pure.
 */
int	listenfd_upgrade_pid(const char *v, pid_t pid);

/*
 * The address fd is bound to, as --listen spells it: "unix:/path", or
 * "host:port" / "[v6]:port" with the port the kernel chose for 0;
 * fallback when it cannot be told.
 */
void	listenfd_name(int fd, const char *fallback, char *buf, size_t len);

#endif
