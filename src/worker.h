/*
 * worker: the accept loops. FastCGI on a listening socket (ours in --listen
 * mode, or the one a web server or spawn-fcgi put on stdin), and plain CGI
 * (one request from the environment and stdin). Only this file and main.c
 * include fcgiapp.h.
 */
#ifndef JWTMINT_WORKER_H
#define JWTMINT_WORKER_H

struct config;
struct ratelimit;

/*
 * The rate-limit table: the named shared-memory object of rate_limit_shm,
 * else shared (when the supervisor maps it before forking) or private
 * anonymous memory. NULL when nothing can be mapped (limits then off,
 * logged).
 */
struct ratelimit	*worker_ratelimit_map(const struct config *, int shared);

/*
 * Serve FastCGI requests on the listening socket fd, and on the platform
 * listener pfd unless it is -1, until SIGTERM or SIGINT, then finish the
 * request in flight and return 0. A request is a platform request by the
 * socket it arrived on, nothing else. Once it serves (its state built,
 * the sockets watched), it writes one byte on readyfd and closes it,
 * unless readyfd is -1: how a reload knows the new worker took over.
 * Returns -1 when the worker cannot start (the caller exits non-zero).
 */
int	worker_fcgi(const struct config *, int fd, int pfd,
	    struct ratelimit *rl, int readyfd);

/* Serve the one CGI request of this process. Returns 0 or -1. */
int	worker_cgi(const struct config *);

#endif
