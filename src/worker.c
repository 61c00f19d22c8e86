/*
 * worker: accept loops for FastCGI and CGI.
 *
 * SIGTERM and SIGINT are blocked except inside the wait (epoll_pwait, or
 * ppoll on a kept connection), so a stop request either interrupts the wait
 * for the next connection or is seen right after the request in flight:
 * never lost in the window before accept(). The listening socket is
 * non-blocking and watched with EPOLLEXCLUSIVE, so a new connection wakes
 * one worker, not all of them; one that loses the race anyway (EAGAIN) goes
 * back to waiting.
 *
 * Connections are not kept (nginx: fastcgi_keep_conn off), because libfcgi
 * pins a worker to a kept connection; see docs/DEPLOYMENT.md.
 */
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "ratelimit.h"
#include "secret.h"
#include "worker.h"

#define IDLE_TICK_MS	1000	/* flush last_used_at while idle */

static volatile sig_atomic_t	 stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static const char *
fcgi_param(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

static int
fcgi_count(void *ctx, const char *name)
{
	char	**e = ((FCGX_Request *)ctx)->envp;
	size_t	 n = strlen(name);
	int	 c = 0;

	for (; e != NULL && *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			c++;
	return c;
}

static ssize_t
fcgi_read(void *ctx, char *buf, size_t n)
{
	int	 got;

	if (n > 1 << 30)
		n = 1 << 30;
	got = FCGX_GetStr(buf, (int)n, ((FCGX_Request *)ctx)->in);
	return got > 0 ? got : (FCGX_HasSeenEOF(((FCGX_Request *)ctx)->in) ==
	    EOF ? 0 : -1);
}

static int
fcgi_write(void *ctx, const char *buf, size_t n)
{
	return FCGX_PutStr(buf, (int)n, ((FCGX_Request *)ctx)->out) ==
	    (int)n ? 0 : -1;
}

static const char *
cgi_param(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

/* The environment holds one value per name: a repeat cannot show. */
static int
cgi_count(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name) != NULL;
}

static ssize_t
cgi_read(void *ctx, char *buf, size_t n)
{
	ssize_t	 got;

	(void)ctx;
	do
		got = read(STDIN_FILENO, buf, n);
	while (got == -1 && errno == EINTR);
	return got;
}

static int
cgi_write(void *ctx, const char *buf, size_t n)
{
	ssize_t	 w;

	(void)ctx;
	while (n > 0) {
		if ((w = write(STDOUT_FILENO, buf, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

struct ratelimit_slot *
worker_ratelimit_map(const struct config *cfg, int shared)
{
	void	*p = NULL;
	size_t	 len = ratelimit_size();
	int	 fd = -1;

	if (cfg->rate_limit_shm[0] != '\0') {
		if ((fd = shm_open(cfg->rate_limit_shm, O_RDWR | O_CREAT,
		    0600)) != -1 && ftruncate(fd, (off_t)len) == 0) {
			p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			    fd, 0);
			close(fd);
			fd = -1;
			if (p != MAP_FAILED)
				return p;
		}
		/* Never without limits: count in this process alone. */
		log_warn("rate_limit_shm %s: counting per process instead",
		    cfg->rate_limit_shm);
		if (fd != -1)
			close(fd);
		shared = 0;
	}
	if (p == NULL || p == MAP_FAILED)
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_ANONYMOUS |
		    (shared ? MAP_SHARED : MAP_PRIVATE), -1, 0);
	if (p == MAP_FAILED) {
		log_warn("rate limits: mmap");
		return NULL;
	}
	return p;
}

/*
 * End a request. libfcgi's FCGX_Finish_r closes a connection by shutting
 * down its side and then waiting, up to 2 s, for the web server to close
 * too, so that unread bytes cannot turn into a TCP reset that loses the
 * answer; the worker sits idle meanwhile. On a unix socket nothing written
 * can be lost that way, so there, once the request's input is read to its
 * end (a little is read here: the empty record that ends it), the records
 * are flushed as FCGX_Finish_r does and the socket closed at once. Input
 * left unread (a body refused as too large) goes the slow, safe way: the
 * web server must be able to finish sending it.
 */
static void
finish(FCGX_Request *req, int unix_socket)
{
	char	 buf[4096];
	size_t	 total = 0;
	int	 fd, n;

	if (!unix_socket || req->keepConnection || req->in == NULL) {
		FCGX_Finish_r(req);
		return;
	}
	while (total < sizeof(buf) * 4 &&
	    (n = FCGX_GetStr(buf, (int)sizeof(buf), req->in)) > 0)
		total += (size_t)n;
	secret_wipe(buf, sizeof(buf));	/* it may hold a body's bytes */
	if (FCGX_HasSeenEOF(req->in) != EOF) {
		FCGX_Finish_r(req);
		return;
	}
	FCGX_FClose(req->err);
	FCGX_FClose(req->out);
	fd = req->ipcFd;
	FCGX_Free(req, 0);
	close(fd);
	req->ipcFd = -1;
}

int
worker_fcgi(const struct config *cfg, int fd, struct ratelimit_slot *rl)
{
	struct sigaction	 sa;
	sigset_t		 stopset, waitmask;
	struct timespec		 tick = { IDLE_TICK_MS / 1000, 0 };
	struct pollfd		 pfd;
	struct epoll_event	 ev;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	int			 ep, unix_socket;
	struct http_io		 io;
	FCGX_Request		 req;
	struct app		*a;
	int			 rc, n;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: ppoll returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&stopset);
	sigaddset(&stopset, SIGTERM);
	sigaddset(&stopset, SIGINT);
	sigprocmask(SIG_BLOCK, &stopset, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);

	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		log_warn("worker: listening socket");
		return -1;
	}
	if (FCGX_Init() != 0 || FCGX_InitRequest(&req, fd, 0) != 0) {
		log_warnx("worker: libfcgi initialisation failed");
		return -1;
	}
	unix_socket = getsockname(fd, (struct sockaddr *)&ss, &sslen) == 0 &&
	    ss.ss_family == AF_UNIX;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
		log_warn("worker: epoll");
		return -1;
	}
	if ((a = app_new(cfg)) == NULL)
		return -1;
	a->ratelimit = rl != NULL ? rl : worker_ratelimit_map(cfg, 0);
	io.param = fcgi_param;
	io.count = fcgi_count;
	io.read = fcgi_read;
	io.write = fcgi_write;
	io.ctx = &req;

	while (!stopping) {
		if (req.ipcFd >= 0) {
			/* The server kept the connection: wait on it. */
			pfd.fd = req.ipcFd;
			pfd.events = POLLIN;
			n = ppoll(&pfd, 1, &tick, &waitmask);
		} else
			n = epoll_pwait(ep, &ev, 1, IDLE_TICK_MS, &waitmask);
		if (stopping)
			break;
		if (n <= 0) {
			app_after(a, 0);
			continue;
		}
		if ((rc = FCGX_Accept_r(&req)) < 0) {
			/* EAGAIN: another worker took it. */
			if (rc != -EAGAIN && rc != -EWOULDBLOCK && rc != -EINTR)
				log_warnx("worker: accept failed (%d)", rc);
			continue;
		}
		app_handle(a, &io);
		finish(&req, unix_socket);
		app_after(a, 0);
	}
	FCGX_Free(&req, 1);
	close(ep);
	app_after(a, 1);
	app_free(a);
	return 0;
}

int
worker_cgi(const struct config *cfg)
{
	struct http_io	 io;
	struct app	*a;

	signal(SIGPIPE, SIG_IGN);
	if ((a = app_new(cfg)) == NULL)
		return -1;
	/* One request per process: only a named table can count across. */
	a->ratelimit = worker_ratelimit_map(cfg, 0);
	io.param = cgi_param;
	io.count = cgi_count;
	io.read = cgi_read;
	io.write = cgi_write;
	io.ctx = NULL;
	app_handle(a, &io);
	/* One request per process: write its last_used_at now. */
	app_after(a, 1);
	app_free(a);
	return 0;
}
