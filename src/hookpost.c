/*
 * hookpost: see hookpost.h. Non-blocking sockets and poll(2) against one
 * deadline of the monotonic clock, so a receiver that accepts and then
 * says nothing costs the housekeeper timeout_ms at most (name resolution
 * aside: getaddrinfo is the resolver's, bounded by its own timeouts).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "hookpost.h"
#include "monoclock.h"

#define REQ_HEAD_BYTES	(WEBHOOK_PATH_BYTES + WEBHOOK_HOST_BYTES + 512)

struct conn {
	int		 fd;
	SSL_CTX		*ctx;
	SSL		*ssl;
	long long	 deadline;
	char		*why;
};

static int
fail(struct conn *c, const char *what)
{
	snprintf(c->why, HOOKPOST_WHY_BYTES, "%s", what);
	return -1;
}

static int
left_ms(const struct conn *c)
{
	long long	 l = c->deadline - monoclock_ms();

	return l > 0 ? (int)l : 0;
}

/* Wait until fd is readable (in) or writable; 0, or -1 at the deadline. */
static int
wait_fd(struct conn *c, int in)
{
	struct pollfd	 p;
	int		 r, ms;

	for (;;) {
		if ((ms = left_ms(c)) == 0)
			return fail(c, "timed out");
		p.fd = c->fd;
		p.events = in ? POLLIN : POLLOUT;
		p.revents = 0;
		if ((r = poll(&p, 1, ms)) > 0)
			return 0;
		if (r == -1 && errno != EINTR)
			return fail(c, "poll failed");
	}
}

static int
loopback(const struct sockaddr *sa)
{
	const struct sockaddr_in	*s4;
	const struct sockaddr_in6	*s6;

	if (sa->sa_family == AF_INET) {
		s4 = (const struct sockaddr_in *)(const void *)sa;
		return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		s6 = (const struct sockaddr_in6 *)(const void *)sa;
		return IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
	}
	return 0;
}

/* Connect to the first address that answers. 0 or -1. */
static int
dial(struct conn *c, const struct webhook_url *u, int allow_remote_http)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 port[8];
	socklen_t	 len;
	int		 err, rc = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%d", u->port);
	if (getaddrinfo(u->host, port, &hints, &res) != 0 || res == NULL)
		return fail(c, "cannot resolve the host");
	/* Every address first: a name that also resolves elsewhere is
	 * refused whole, whichever address would have answered. */
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (!u->tls && !allow_remote_http && !loopback(ai->ai_addr)) {
			fail(c, "plain http to a non-loopback address "
			    "(anomaly_webhook_allow_http)");
			goto out;
		}
	fail(c, "connection refused");
	for (ai = res; ai != NULL && left_ms(c) > 0; ai = ai->ai_next) {
		c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (c->fd == -1)
			continue;
		if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			rc = 0;
			break;
		}
		if (errno == EINPROGRESS && wait_fd(c, 0) == 0) {
			err = 0;
			len = sizeof(err);
			if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err,
			    &len) == 0 && err == 0) {
				rc = 0;
				break;
			}
			fail(c, err == ECONNREFUSED ? "connection refused" :
			    "cannot connect");
		}
		close(c->fd);
		c->fd = -1;
	}
out:
	freeaddrinfo(res);
	return rc;
}

static int
tls_start(struct conn *c, const struct webhook_url *u)
{
	int	 r, e;

	if ((c->ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_default_verify_paths(c->ctx) != 1)
		return fail(c, "TLS setup failed");
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	if ((c->ssl = SSL_new(c->ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1 ||
	    SSL_set_tlsext_host_name(c->ssl, u->host) != 1 ||
	    SSL_set1_host(c->ssl, u->host) != 1)
		return fail(c, "TLS setup failed");
	for (;;) {
		if ((r = SSL_connect(c->ssl)) == 1)
			return 0;
		e = SSL_get_error(c->ssl, r);
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
			return fail(c, "TLS handshake failed (certificate?)");
		if (wait_fd(c, e == SSL_ERROR_WANT_READ) == -1)
			return -1;
	}
}

static int
send_all(struct conn *c, const char *p, size_t n)
{
	ssize_t	 w;
	int	 r, e;

	while (n > 0) {
		if (c->ssl != NULL) {
			if ((r = SSL_write(c->ssl, p, (int)n)) > 0) {
				p += r;
				n -= (size_t)r;
				continue;
			}
			e = SSL_get_error(c->ssl, r);
			if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
				return fail(c, "TLS write failed");
			if (wait_fd(c, e == SSL_ERROR_WANT_READ) == -1)
				return -1;
			continue;
		}
		if ((w = send(c->fd, p, n, MSG_NOSIGNAL)) > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w == -1 && errno != EAGAIN && errno != EINTR)
			return fail(c, "write failed");
		if (wait_fd(c, 0) == -1)
			return -1;
	}
	return 0;
}

/* Read until the status line is whole (or buffer full, EOF, deadline). */
static int
read_status(struct conn *c)
{
	char	 buf[HOOKPOST_READ_BYTES];
	size_t	 n = 0;
	ssize_t	 r;
	int	 e, st;

	while (n < sizeof(buf)) {
		if (c->ssl != NULL) {
			if ((e = SSL_read(c->ssl, buf + n,
			    (int)(sizeof(buf) - n))) > 0)
				r = e;
			else {
				e = SSL_get_error(c->ssl, e);
				if (e != SSL_ERROR_WANT_READ &&
				    e != SSL_ERROR_WANT_WRITE)
					break;
				if (wait_fd(c, e == SSL_ERROR_WANT_READ) == -1)
					return -1;
				continue;
			}
		} else if ((r = recv(c->fd, buf + n, sizeof(buf) - n, 0)) <= 0) {
			if (r == 0 || (errno != EAGAIN && errno != EINTR))
				break;
			if (wait_fd(c, 1) == -1)
				return -1;
			continue;
		}
		n += (size_t)r;
		if (memchr(buf, '\n', n) != NULL)
			break;
	}
	if ((st = webhook_status(buf, n)) == -1)
		return fail(c, "no HTTP/1.x status line in the answer");
	return st;
}

int
hookpost_send(const struct webhook_url *u, int allow_remote_http,
    const char *sig, const char *body, size_t bodylen, int timeout_ms,
    char *why)
{
	struct conn	 c;
	char		 head[REQ_HEAD_BYTES], hostport[WEBHOOK_HOST_BYTES + 16];
	int		 n, rc = -1, dflt;

	memset(&c, 0, sizeof(c));
	c.fd = -1;
	c.why = why;
	c.deadline = monoclock_ms() + timeout_ms;
	why[0] = '\0';
	dflt = u->port == (u->tls ? 443 : 80);
	snprintf(hostport, sizeof(hostport), strchr(u->host, ':') ?
	    "[%s]" : "%s", u->host);
	if (!dflt)
		snprintf(hostport + strlen(hostport), sizeof(hostport) -
		    strlen(hostport), ":%d", u->port);
	n = snprintf(head, sizeof(head), "POST %s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: jwtmint-webhook\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nX-Jwtmint-Signature: %s\r\n"
	    "Connection: close\r\n\r\n", u->path, hostport, bodylen, sig);
	if (n < 0 || (size_t)n >= sizeof(head)) {
		fail(&c, "request too long");
		goto out;
	}
	if (dial(&c, u, allow_remote_http) == -1 ||
	    (u->tls && tls_start(&c, u) == -1) ||
	    send_all(&c, head, (size_t)n) == -1 ||
	    send_all(&c, body, bodylen) == -1)
		goto out;
	rc = read_status(&c);
out:
	if (c.ssl != NULL) {
		SSL_shutdown(c.ssl);
		SSL_free(c.ssl);
	}
	SSL_CTX_free(c.ctx);
	ERR_clear_error();
	if (c.fd != -1)
		close(c.fd);
	return rc;
}
