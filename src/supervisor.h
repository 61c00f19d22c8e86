/*
 * supervisor: --listen mode. Takes the listening socket (listenfd.h),
 * pre-forks the workers and the host's housekeeper (src/housekeeper.h),
 * restarts one that dies, and:
 *   SIGTERM, SIGINT  stops accepting, lets every worker finish its request
 *                    in flight and the housekeeper its task, and exits;
 *   SIGHUP           re-reads the configuration (the same file and
 *                    environment as at the start) and, when it loads and its
 *                    secrets are the database's, replaces the workers one
 *                    by one (each new one ready before its old one is told
 *                    to stop) and then the housekeeper; otherwise logs why
 *                    and keeps the workers it has;
 *   SIGUSR2          binary upgrade: runs `BINARY -t` and the reload's
 *                    checks, then re-executes the binary at the path it was
 *                    started from, same pid, passing the listening sockets
 *                    and the workers' pids in the environment; the new image
 *                    starts its workers, then stops the old ones. When the
 *                    checks or the exec fail, this image keeps running.
 * docs/OPERATIONS.md, "Reload and upgrade", is the operator's side.
 */
#ifndef JWTMINT_SUPERVISOR_H
#define JWTMINT_SUPERVISOR_H

struct config;

struct supervisor_args {
	const char	*config_path;	/* read again at SIGHUP */
	const char	*listen;	/* --listen, or NULL: the configuration's */
	int		 workers;	/* --workers, or 0: the configuration's */
	char *const	*argv;		/* executed again at SIGUSR2 */
};

/*
 * Run until stopped, starting with cfg (which the supervisor may wipe when
 * a reload replaces it). Returns the process exit status.
 */
int	supervisor_run(struct config *cfg, const struct supervisor_args *);

#endif
