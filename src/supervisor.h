/*
 * supervisor: --listen mode. Binds the socket, pre-forks the workers and
 * the host's housekeeper (src/housekeeper.h), restarts one that dies, and
 * on SIGTERM/SIGINT stops accepting, lets every worker finish its request
 * in flight and the housekeeper its task, and exits.
 */
#ifndef JWTMINT_SUPERVISOR_H
#define JWTMINT_SUPERVISOR_H

struct config;

/*
 * Bind "unix:/path" or "host:port" (IPv4 or [IPv6]); port 0 lets the kernel
 * choose, and supervisor_run's "listening on HOST:PORT" line names the port.
 * Returns the listening descriptor or -1 (logged).
 */
int	supervisor_bind(const char *listen, int mode);

/* Run until stopped. Returns the process exit status. */
int	supervisor_run(const struct config *, const char *listen, int workers);

#endif
