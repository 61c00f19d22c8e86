/*
 * sdnotify: the sd_notify(3) protocol without libsystemd. A Type=notify
 * service tells systemd its state in one datagram per message on the
 * AF_UNIX socket named by NOTIFY_SOCKET: an absolute path, or an abstract
 * name when it starts with '@'. Absent variable: every call does nothing.
 * Messages are "KEY=VALUE\n..." (READY=1, RELOADING=1, STOPPING=1,
 * MAINPID=N, MONOTONIC_USEC=N), at most SDNOTIFY_MSG_BYTES long.
 */
#ifndef JWTMINT_SDNOTIFY_H
#define JWTMINT_SDNOTIFY_H

#include <sys/socket.h>
#include <sys/un.h>

/* The longest message this process sends. */
#define SDNOTIFY_MSG_BYTES	128

/*
 * The address NOTIFY_SOCKET's value v names, in *sun and *len: "/path" or
 * "@abstract" (the '@' becomes the leading NUL), shorter than sun_path.
 * Returns 0, or -1 when v is empty, relative, or too long. Pure.
 */
int	sdnotify_addr(const char *v, struct sockaddr_un *sun, socklen_t *len);

/*
 * Send msg to NOTIFY_SOCKET (read at every call, so that an unset variable
 * turns it off). Returns 1 when sent, 0 when there is no NOTIFY_SOCKET,
 * -1 when it failed (logged once per call).
 */
int	sdnotify(const char *msg);

/* "RELOADING=1" with MONOTONIC_USEC (systemd >= 253 wants both, for
 * Type=notify-reload; older versions ignore the second). */
int	sdnotify_reloading(void);

#endif
