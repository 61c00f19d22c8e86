/*
 * sdnotify: sd_notify(3) in a few lines (sdnotify.h). One datagram per
 * message, sent from a fresh close-on-exec socket that is closed at once,
 * so no descriptor outlives the call and no child inherits one. A failure
 * is logged and otherwise ignored: systemd's own timeouts judge a service
 * that never says READY=1.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sdnotify.h"

#define ENV_NOTIFY	"NOTIFY_SOCKET"

int
sdnotify_addr(const char *v, struct sockaddr_un *sun, socklen_t *len)
{
	size_t	 n;

	if (v == NULL || (v[0] != '/' && v[0] != '@'))
		return -1;
	n = strnlen(v, sizeof(sun->sun_path));
	/* An abstract name needs no NUL; a path does. */
	if (n < 2 || n >= sizeof(sun->sun_path))
		return -1;
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, v, n);
	if (v[0] == '@')
		sun->sun_path[0] = '\0';
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
	    (v[0] == '/' ? 1 : 0));
	return 0;
}

int
sdnotify(const char *msg)
{
	struct sockaddr_un	 sun;
	socklen_t		 len;
	const char		*v;
	size_t			 n;
	int			 fd, rc = -1;

	if ((v = getenv(ENV_NOTIFY)) == NULL || v[0] == '\0')
		return 0;
	if (sdnotify_addr(v, &sun, &len) == -1) {
		log_warnx("%s: not an absolute path or @name shorter than %zu "
		    "bytes: systemd not told \"%s\"", ENV_NOTIFY,
		    sizeof(sun.sun_path), msg);
		return -1;
	}
	n = strnlen(msg, SDNOTIFY_MSG_BYTES);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("%s: socket", ENV_NOTIFY);
		return -1;
	}
	if (sendto(fd, msg, n, MSG_NOSIGNAL, (struct sockaddr *)&sun,
	    len) == (ssize_t)n)
		rc = 1;
	else
		log_warn("%s: systemd not told \"%.*s\"", ENV_NOTIFY,
		    (int)n, msg);
	close(fd);
	return rc;
}

int
sdnotify_reloading(void)
{
	struct timespec	 ts;
	char		 msg[SDNOTIFY_MSG_BYTES];
	int		 n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return -1;
	return sdnotify(msg);
}
