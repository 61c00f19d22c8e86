/*
 * worker: accept loops for FastCGI and CGI.
 *
 * One epoll set per worker holds the listening socket (EPOLLEXCLUSIVE, so
 * a new connection wakes one worker, not all of them; one that loses the
 * race anyway gets EAGAIN and goes back to waiting) and every connection
 * the web server keeps open to this worker (nginx: fastcgi_keep_conn on).
 * The worker accepts connections itself and hands each to libfcgi, which
 * reads and writes the records; after a request the connection is either
 * kept, and watched for the server's next request, or closed. So a worker
 * serves any number of kept connections, one request at a time: an idle
 * kept connection never pins a worker. A request on a kept connection does
 * wait behind its worker's other requests, though, even when another worker
 * is idle (docs/DEPLOYMENT.md). A request has fcgi_timeout_ms from the
 * moment its connection is handed to libfcgi until its answer is out and
 * the connection kept or closed: past that, the deadline watchdog shuts
 * the connection down (deadline.h), so a stalled or trickling peer holds a
 * worker that long at most. A kept connection idle for KEPT_IDLE_SEC is
 * closed (a web server that vanished). Out of file descriptors, a worker
 * stops accepting for a second rather than spin on its readable listening
 * socket.
 *
 * SIGTERM and SIGINT are blocked except inside epoll_pwait, so a stop
 * request either interrupts the wait or is seen right after the requests
 * in hand: never lost in the window before a read.
 */
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "config.h"
#include "deadline.h"
#include "http.h"
#include "log.h"
#include "ratelimit.h"
#include "secret.h"
#include "worker.h"

#define IDLE_TICK_MS	1000	/* flush last_used_at while idle */
#define MAX_KEPT	128	/* kept connections per worker; more get closed */
#define LISTEN_TAG	UINT32_MAX	/* epoll data of the listening socket */
#define PLATFORM_TAG	(UINT32_MAX - 1)	/* ... of the platform listener */
#define MAX_EVENTS	32
/* A kept connection idle this long is closed: longer than web servers keep
 * theirs (nginx: keepalive_timeout 60 s), so it only frees the slots of a
 * server that went away without closing (TCP). */
#define KEPT_IDLE_SEC	300
#define DRAIN_MAX_BYTES	(16u << 10)	/* input read and dropped at the end */
#define DRAIN_KEPT_MAX_BYTES	(8u << 20)	/* the same, on a kept connection */
#define LIBFCGI_BUFFER_BYTES	8192	/* what libfcgi reads ahead at most */

/* A connection of the web server's, and libfcgi's request state on it. */
struct conn {
	FCGX_Request	 req;
	int		 fd;		/* -1: a free slot */
	int		 watched;	/* in the epoll set */
	time_t		 idle_since;	/* kept: when its last request ended */
	int		 platform;	/* accepted on the platform listener */
	int		 unix_socket;	/* a unix socket (finish()) */
};

/* A listening socket of the worker's. */
struct listener {
	int		 fd;		/* -1: none */
	int		 unix_socket;
	int		 platform;
	struct epoll_event ev;
};

static volatile sig_atomic_t	 stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* The http_io of a FastCGI request: ctx is its struct conn. */
static const char *
fcgi_param(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((struct conn *)ctx)->req.envp);
}

static int
fcgi_count(void *ctx, const char *name)
{
	char	**e = ((struct conn *)ctx)->req.envp;
	size_t	 n = strlen(name);
	int	 c = 0;

	for (; e != NULL && *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			c++;
	return c;
}

/*
 * libfcgi marks a stream closed on an error as on its end: the error is
 * asked first, so a broken or cut connection never reads as a short body.
 */
static ssize_t
fcgi_read(void *ctx, char *buf, size_t n)
{
	struct conn	*c = ctx;
	int		 got;

	if (n > 1 << 30)
		n = 1 << 30;
	got = FCGX_GetStr(buf, (int)n, c->req.in);
	if (got > 0)
		return got;
	if (FCGX_GetError(c->req.in) != 0)
		return -1;
	return FCGX_HasSeenEOF(c->req.in) == EOF ? 0 : -1;
}

static int
fcgi_write(void *ctx, const char *buf, size_t n)
{
	return FCGX_PutStr(buf, (int)n, ((struct conn *)ctx)->req.out) ==
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

struct ratelimit *
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
 * Read what is left of a request's input, up to max bytes (the empty
 * record that ends it, usually), within the request's deadline. Returns 1
 * when the input was read to its end.
 */
static int
drain(FCGX_Request *req, size_t max)
{
	char	 buf[4096];
	size_t	 total = 0;
	int	 n;

	while (total < max &&
	    (n = FCGX_GetStr(buf, (int)sizeof(buf), req->in)) > 0)
		total += (size_t)n;
	secret_wipe(buf, sizeof(buf));	/* it may hold a body's bytes */
	return FCGX_GetError(req->in) == 0 && FCGX_HasSeenEOF(req->in) == EOF;
}

/*
 * 1 when every byte of the request's input that is still to be read is in
 * the socket already (or libfcgi's buffer), so that reading it to its end
 * cannot block: the socket holds at least CONTENT_LENGTH plus the largest
 * record overhead such a body can have (a header and padding per 64 KiB
 * record, and the empty record that ends it), less what libfcgi may hold
 * in its buffer. A body sent in many small records, or still on its way,
 * is 0 (then the answer goes first, as before).
 */
static int
input_all_there(FCGX_Request *req)
{
	const char		*cl;
	unsigned long long	 n, bound;
	char			*end;
	int			 avail = 0;

	n = 0;		/* no body: only the empty record is left */
	if ((cl = FCGX_GetParam("CONTENT_LENGTH", req->envp)) != NULL &&
	    *cl != '\0') {
		errno = 0;
		n = strtoull(cl, &end, 10);
		if (errno != 0 || *end != '\0' || n > DRAIN_KEPT_MAX_BYTES)
			return 0;
	}
	bound = n + 16 * (n / 65535 + 2);
	if (ioctl(req->ipcFd, FIONREAD, &avail) == -1 || avail < 0)
		return 0;
	return (unsigned long long)avail + LIBFCGI_BUFFER_BYTES >= bound;
}

/*
 * End a request; returns 1 when the connection stays open for the web
 * server's next request.
 *
 * Kept (the server asked, FCGI_KEEP_CONN) or on a unix socket, the whole
 * answer, END_REQUEST included, goes out first (the one write libfcgi
 * would make at the end anyway), so input still to come (a body refused
 * unread, a slow sender) never delays it; then the input is read to its end.
 * Kept: the connection stays, but only when that end was reached; unread
 * input would be taken for the next request, so then it is closed.
 *
 * Not kept: libfcgi's FCGX_Finish_r closes a connection by shutting down
 * its side and then waiting for the web server to close too, so that
 * unread bytes cannot turn into a TCP reset that loses the answer; the
 * worker sits idle meanwhile (within the request's deadline). On a unix
 * socket nothing written can be lost that way, so there, once the input is
 * read to its end, the socket is closed at once. Input left unread (a body
 * refused as too large) goes the slow, safe way: the web server must be
 * able to finish sending it.
 */
static int
finish(FCGX_Request *req, int unix_socket)
{
	int	 fd;

	if (req->in == NULL) {
		FCGX_Finish_r(req);
		return req->ipcFd >= 0;
	}
	if (!req->keepConnection && !unix_socket) {
		FCGX_Finish_r(req);
		return 0;
	}
	/*
	 * Kept, with the rest of the input all there already (nginx sends a
	 * whole body before it reads the answer): read it to its end before
	 * END_REQUEST goes out. Once END_REQUEST is out the server may send
	 * its next request on the connection at once, and a drain still
	 * reading would take that request's first bytes into libfcgi's buffer,
	 * which is dropped with this request (the next request then waited
	 * for ever: seen under ASan, where the drain is slower).
	 */
	if (req->keepConnection && input_all_there(req) &&
	    !drain(req, DRAIN_KEPT_MAX_BYTES))
		req->keepConnection = 0;
	FCGX_FClose(req->err);
	FCGX_FClose(req->out);
	if (req->keepConnection) {
		/*
		 * A body refused unread as too large (at most the web
		 * server's own limit, 1 MiB in the shipped configurations) is
		 * read to its end: nginx sends a whole body before it reads
		 * the answer, and a kept connection closed before that lost
		 * the answer (502).
		 */
		if (!drain(req, DRAIN_KEPT_MAX_BYTES))
			req->keepConnection = 0;
		FCGX_Finish_r(req);	/* closes on a write error */
		return req->ipcFd >= 0;
	}
	if (!drain(req, DRAIN_MAX_BYTES)) {
		FCGX_Finish_r(req);
		return 0;
	}
	fd = req->ipcFd;
	FCGX_Free(req, 0);
	close(fd);
	req->ipcFd = -1;
	return 0;
}

/* Close a kept connection between requests (it leaves the epoll set). */
static void
drop(struct conn *c)
{
	FCGX_Free(&c->req, 0);
	close(c->fd);
	c->req.ipcFd = -1;
	c->fd = -1;
	c->watched = 0;
}

static int
overran(int cut)
{
	if (cut)
		log_warnx("worker: a request overran fcgi_timeout_ms: its "
		    "connection was shut down");
	return cut;
}

/*
 * Serve the request waiting on conns[i]. libfcgi is handed the connection
 * as one it already keeps (keepConnection set, listening socket -1): it
 * reads the request from the connection and never accepts or closes
 * anything on its own, except this connection when the server closed it or
 * sent garbage. keep 0: close after this request even if asked to keep it.
 * All of it, from the first read to the close, within fcgi_timeout_ms.
 */
static void
serve(struct app *a, struct http_io *io, struct conn *conns, uint32_t i,
    int ep, int keep)
{
	struct conn		*c = &conns[i];
	struct epoll_event	 ev;
	int			 kept;

	c->req.ipcFd = c->fd;
	c->req.keepConnection = 1;
	deadline_arm(c->fd);
	if (FCGX_Accept_r(&c->req) < 0) {
		/* Closed by the server, or broken: libfcgi closed it. */
		overran(deadline_disarm());
		c->req.ipcFd = -1;
		c->fd = -1;
		c->watched = 0;		/* a closed socket leaves epoll */
		return;
	}
	if (!keep)
		c->req.keepConnection = 0;
	io->ctx = c;
	io->platform = c->platform;
	app_handle(a, io);
	kept = finish(&c->req, c->unix_socket);
	if (overran(deadline_disarm()) && kept) {
		drop(c);		/* shut down: of no use any more */
		return;
	}
	if (!kept) {
		c->fd = -1;
		c->watched = 0;
		return;
	}
	c->idle_since = time(NULL);
	if (!c->watched) {
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.u32 = i;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) == -1) {
			log_warn("worker: epoll (kept connection)");
			FCGX_Free(&c->req, 1);
			c->fd = -1;
			return;
		}
		c->watched = 1;
	}
}

/*
 * FCGI_WEB_SERVER_ADDRS, as libfcgi reads it: a comma-separated list of the
 * addresses allowed to connect over TCP; unset or empty: any. libfcgi
 * applies it in its own accept, which the worker does not use. Beyond
 * libfcgi, IPv6 peers are checked too: an IPv4 client of a [::] listener
 * (::ffff:a.b.c.d) against the IPv4 entries, others against IPv6 entries.
 */
static int
peer_allowed(const struct sockaddr_storage *ss)
{
	static const char	*list;
	static int		 read_env;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	char			 one[INET6_ADDRSTRLEN];
	unsigned char		 want[16], got[16];
	size_t			 n, glen;
	const char		*p;
	int			 fam;

	if (!read_env) {
		list = getenv("FCGI_WEB_SERVER_ADDRS");
		read_env = 1;
	}
	if (list == NULL || *list == '\0')
		return 1;
	if (ss->ss_family == AF_INET) {
		fam = AF_INET;
		memcpy(got, &((const struct sockaddr_in *)ss)->sin_addr, 4);
		glen = 4;
	} else if (ss->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		fam = AF_INET;
		memcpy(got, s6->sin6_addr.s6_addr + 12, 4);
		glen = 4;
	} else if (ss->ss_family == AF_INET6) {
		fam = AF_INET6;
		memcpy(got, s6->sin6_addr.s6_addr, 16);
		glen = 16;
	} else
		return 1;	/* a unix socket: no address to check */
	for (p = list; *p != '\0'; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(one))
			continue;
		memcpy(one, p, n);
		one[n] = '\0';
		if (inet_pton(fam, one, want) == 1 && memcmp(want, got, glen) == 0)
			return 1;
	}
	return 0;
}

/*
 * Accept a new connection for its first request. Returns its slot, -1 when
 * another worker took the connection (or it was refused), or -2 when the
 * process is out of file descriptors.
 */
static int
take(const struct listener *l, struct conn *conns)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	int			 fd, one = 1;
	uint32_t		 i;

	if ((fd = accept4(l->fd, (struct sockaddr *)&ss, &sslen,
	    SOCK_CLOEXEC)) == -1) {
		if (errno == EMFILE || errno == ENFILE)
			return -2;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("worker: accept");
		return -1;
	}
	if (!peer_allowed(&ss)) {
		log_warnx("worker: connection refused: not in "
		    "FCGI_WEB_SERVER_ADDRS");
		close(fd);
		return -1;
	}
	if (!l->unix_socket)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* The last slot is never kept: it serves one request when full. */
	for (i = 0; i < MAX_KEPT; i++)
		if (conns[i].fd == -1)
			break;
	conns[i].fd = fd;
	conns[i].watched = 0;
	conns[i].platform = l->platform;
	conns[i].unix_socket = l->unix_socket;
	return (int)i;
}

/* Set up one listening socket; 0 or -1. */
static int
listener_init(struct listener *l, int fd, int platform, uint32_t tag, int ep)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);

	l->fd = fd;
	l->platform = platform;
	if (fd == -1)
		return 0;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		log_warn("worker: listening socket");
		return -1;
	}
	l->unix_socket = getsockname(fd, (struct sockaddr *)&ss, &sslen) == 0 &&
	    ss.ss_family == AF_UNIX;
	memset(&l->ev, 0, sizeof(l->ev));
	l->ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	l->ev.data.u32 = tag;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &l->ev) == -1) {
		log_warn("worker: epoll");
		return -1;
	}
	return 0;
}

/* Watch the listening sockets again (on), or stop (off). */
static void
listeners_watch(struct listener *ls, size_t n, int ep, int on)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (ls[i].fd != -1)
			epoll_ctl(ep, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL,
			    ls[i].fd, on ? &ls[i].ev : NULL);
}

int
worker_fcgi(const struct config *cfg, int fd, int pfd, struct ratelimit *rl,
    int readyfd)
{
	struct sigaction	 sa;
	sigset_t		 stopset, waitmask;
	struct epoll_event	 evs[MAX_EVENTS];
	struct listener		 ls[2];
	int			 ep, n, k, slot, round;
	uint32_t		 i;
	time_t			 paused = 0;	/* EMFILE: accept again then */
	time_t			 now, scanned = 0;
	struct http_io		 io;
	struct conn		*conns;
	struct app		*a;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: the wait returns EINTR */
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

	if (FCGX_Init() != 0 ||
	    (conns = calloc(MAX_KEPT + 1, sizeof(*conns))) == NULL) {
		log_warnx("worker: libfcgi initialisation failed");
		return -1;
	}
	for (i = 0; i <= MAX_KEPT; i++) {
		FCGX_InitRequest(&conns[i].req, -1, 0);
		conns[i].fd = -1;
	}
	/* After SIGTERM is blocked: the watchdog blocks every signal anyway. */
	if (deadline_start(cfg->fcgi_timeout_ms) == -1) {
		log_warnx("worker: cannot start the deadline watchdog");
		return -1;
	}
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		log_warn("worker: epoll");
		return -1;
	}
	if (listener_init(&ls[0], fd, 0, LISTEN_TAG, ep) == -1 ||
	    listener_init(&ls[1], pfd, 1, PLATFORM_TAG, ep) == -1)
		return -1;
	if ((a = app_new(cfg)) == NULL)
		return -1;
	a->ratelimit = rl != NULL ? rl : worker_ratelimit_map(cfg, 0);
	if (readyfd != -1) {
		(void)!write(readyfd, "R", 1);
		close(readyfd);
	}
	memset(&io, 0, sizeof(io));
	io.param = fcgi_param;
	io.count = fcgi_count;
	io.read = fcgi_read;
	io.write = fcgi_write;
	io.ctx = NULL;

	while (!stopping) {
		now = time(NULL);
		if (paused && now >= paused) {
			/* The pause after EMFILE is over: accept again. */
			listeners_watch(ls, 2, ep, 1);
			paused = 0;
		}
		if (now != scanned) {	/* once a second at most */
			scanned = now;
			for (i = 0; i < MAX_KEPT; i++)
				if (conns[i].fd != -1 &&
				    now - conns[i].idle_since > KEPT_IDLE_SEC)
					drop(&conns[i]);
		}
		n = epoll_pwait(ep, evs, MAX_EVENTS, IDLE_TICK_MS, &waitmask);
		if (stopping)
			break;
		if (n <= 0) {
			app_after(a, 0);
			app_idle(a);
			continue;
		}
		for (k = 0; k < n; k++) {
			i = evs[k].data.u32;
			if (i != LISTEN_TAG && i != PLATFORM_TAG)
				;
			else if ((slot = take(&ls[i == PLATFORM_TAG], conns)) >= 0)
				i = (uint32_t)slot;
			else {
				if (slot == -2 && !paused) {
					/* Out of descriptors: a readable listening
					 * socket would spin; stop watching them for
					 * a second, keep serving kept ones. */
					log_warnx("worker: out of file descriptors: "
					    "not accepting for a second");
					listeners_watch(ls, 2, ep, 0);
					paused = time(NULL) + 1;
				}
				continue;
			}
			if (i > MAX_KEPT || conns[i].fd == -1)
				continue;	/* closed earlier in this batch */
			serve(a, &io, conns, i, ep, i < MAX_KEPT);
			app_after(a, 0);
		}
	}
	/*
	 * Stopping. A request that reached a kept connection already is
	 * served (and the connection closed after it); the others hold no
	 * request now and are closed at once (no unread input, nothing
	 * unsent): the server sees them close. MAX_EVENTS ready connections
	 * at a time, each served one closed, until none is ready.
	 */
	if (!paused)
		listeners_watch(ls, 2, ep, 0);
	round = 0;
	do {
		n = epoll_pwait(ep, evs, MAX_EVENTS, 0, NULL);
		for (k = 0; k < n; k++) {
			i = evs[k].data.u32;
			if (i < MAX_KEPT && conns[i].fd != -1) {
				serve(a, &io, conns, i, ep, 0);
				app_after(a, 0);
			}
		}
	} while (n == MAX_EVENTS && ++round <= MAX_KEPT / MAX_EVENTS + 1);
	for (i = 0; i <= MAX_KEPT; i++)
		if (conns[i].fd != -1) {
			FCGX_Free(&conns[i].req, 0);
			close(conns[i].fd);
		}
	free(conns);
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
	memset(&io, 0, sizeof(io));	/* never a platform request */
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
