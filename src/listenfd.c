/*
 * listenfd: see listenfd.h. The parsers (listenfd_sd_count,
 * listenfd_parse_pids) are pure and unit-tested (tests/unit/test_listenfd.c).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listenfd.h"
#include "log.h"

#define BACKLOG		1024
#define NUM_MAX_DIGITS	10	/* a pid or a descriptor count: int */

int
listenfd_bind(const char *addr, int mode)
{
	struct sockaddr_un	 sun;
	struct addrinfo		 hints, *res = NULL;
	char			 host[256], *port;
	const char		*path;
	int			 fd = -1, one = 1, rc;

	if (strncmp(addr, "unix:", 5) == 0) {
		path = addr + 5;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(path) >= sizeof(sun.sun_path) || *path != '/') {
			log_warnx("listen %s: need an absolute path of at most "
			    "%zu bytes", addr, sizeof(sun.sun_path) - 1);
			return -1;
		}
		strcpy(sun.sun_path, path);
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
			goto fail;
		unlink(path);	/* a stale socket of an earlier run */
		if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
		    chmod(path, (mode_t)mode) == -1 || listen(fd, BACKLOG) == -1)
			goto fail;
		return fd;
	}
	if (snprintf(host, sizeof(host), "%s", addr) >= (int)sizeof(host) ||
	    (port = strrchr(host, ':')) == NULL) {
		log_warnx("listen %s: expected unix:/path, host:port or systemd",
		    addr);
		return -1;
	}
	*port++ = '\0';
	/* Port 0: the kernel picks a free one, which the start-up line names
	 * (no probe-then-bind race for whoever starts us). */
	if (strlen(port) == 0 || strlen(port) > 5 || strspn(port, "0123456789") !=
	    strlen(port) || atoi(port) > 65535) {
		log_warnx("listen %s: the port must be 0 to 65535", addr);
		return -1;
	}
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		log_warnx("listen %s: %s", addr, gai_strerror(rc));
		return -1;
	}
	if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, BACKLOG) == -1)
		goto fail;
	freeaddrinfo(res);
	return fd;
fail:
	log_warn("listen %s", addr);
	if (res != NULL)
		freeaddrinfo(res);
	if (fd != -1)
		close(fd);
	return -1;
}

/* A decimal number of 1 to NUM_MAX_DIGITS digits, at most INT_MAX; or -1. */
static long
number(const char *s, size_t len)
{
	long	 n = 0;
	size_t	 i;

	if (len == 0 || len > NUM_MAX_DIGITS)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (s[i] - '0');
	}
	return n > INT_MAX ? -1 : n;
}

int
listenfd_sd_count(const char *listen_pid, const char *listen_fds, pid_t pid)
{
	long	 p, n;

	if (listen_pid == NULL || listen_fds == NULL)
		return 0;
	if ((p = number(listen_pid, strlen(listen_pid))) <= 0)
		return -1;
	/* sd_listen_fds(3): the variables were meant for another process
	 * (a parent that did not unset them). */
	if (p != (long)pid)
		return 0;
	if ((n = number(listen_fds, strlen(listen_fds))) <= 0 ||
	    n > INT_MAX - LISTENFD_SD_START)
		return -1;
	return (int)n;
}

int
listenfd_parse_pids(const char *s, pid_t *pids, size_t max)
{
	const char	*p = s;
	size_t		 n = 0, len;
	long		 v;

	if (*s == '\0')
		return 0;
	for (;;) {
		len = strcspn(p, ",");
		if (n == max || (v = number(p, len)) <= 1)
			return -1;
		pids[n++] = (pid_t)v;
		if (p[len] == '\0')
			return (int)n;
		p += len + 1;
	}
}

/* fd is a listening socket: made close-on-exec. 0 or -1. */
static int
take(int fd, const char *what)
{
	int		 on = 0;
	socklen_t	 len = sizeof(on);

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == -1 ||
	    !on) {
		if (errno == 0)
			errno = EINVAL;
		log_warn("%s: descriptor %d is not a listening socket", what, fd);
		return -1;
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		log_warn("%s: descriptor %d", what, fd);
		return -1;
	}
	return 0;
}

int
listenfd_systemd(void)
{
	int	 n, i;

	n = listenfd_sd_count(getenv("LISTEN_PID"), getenv("LISTEN_FDS"),
	    getpid());
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (n <= 0) {
		log_warnx("--listen systemd: %s", n == 0 ? "no socket passed "
		    "to this process (LISTEN_PID, LISTEN_FDS): start it "
		    "from jwtmint.socket" : "LISTEN_PID or LISTEN_FDS malformed");
		return -1;
	}
	for (i = 1; i < n; i++)
		(void)fcntl(LISTENFD_SD_START + i, F_SETFD, FD_CLOEXEC);
	if (n > 1)
		log_warnx("--listen systemd: %d sockets passed: serving the "
		    "first (descriptor %d) only", n, LISTENFD_SD_START);
	errno = 0;
	if (take(LISTENFD_SD_START, "--listen systemd") == -1)
		return -1;
	return LISTENFD_SD_START;
}

int
listenfd_upgrade_pid(const char *v, pid_t pid)
{
	long	 p;

	if (v == NULL)
		return 0;
	if ((p = number(v, strlen(v))) <= 1)
		return -1;
	return p == (long)pid ? 1 : 0;
}

int
listenfd_inherited(const char *var)
{
	const char	*v;
	long		 fd;

	if ((v = getenv(var)) == NULL)
		return -1;
	fd = number(v, strlen(v));
	unsetenv(var);
	if (fd < 0) {
		log_warnx("%s: not a descriptor number", var);
		return -1;
	}
	errno = 0;
	if (take((int)fd, var) == -1)
		return -1;
	return (int)fd;
}

void
listenfd_name(int fd, const char *fallback, char *buf, size_t len)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_un	*sun = (struct sockaddr_un *)&ss;
	socklen_t		 sslen = sizeof(ss);
	char			 host[NI_MAXHOST], serv[NI_MAXSERV];

	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1)
		goto fallback;
	if (ss.ss_family == AF_UNIX) {
		if (sun->sun_path[0] != '/')
			goto fallback;
		snprintf(buf, len, "unix:%.*s", (int)sizeof(sun->sun_path),
		    sun->sun_path);
		return;
	}
	if (getnameinfo((struct sockaddr *)&ss, sslen, host, sizeof(host),
	    serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		goto fallback;
	snprintf(buf, len, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
	    host, serv);
	return;
fallback:
	snprintf(buf, len, "%s", fallback);
}
