/*
 * test_sdnotify: the address NOTIFY_SOCKET names (sd_notify(3)): an
 * absolute path or an "@abstract" name, bounded by sun_path. Hostile rows
 * first: empty, relative, a lone '@' or '/', too long.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "sdnotify.h"
#include "t.h"

int
main(void)
{
	struct sockaddr_un	 sun;
	socklen_t		 len;
	char			 big[sizeof(sun.sun_path) + 2];
	size_t			 base = offsetof(struct sockaddr_un, sun_path);

	T_CHECK(sdnotify_addr(NULL, &sun, &len) == -1, "NULL refused");
	T_CHECK(sdnotify_addr("", &sun, &len) == -1, "empty refused");
	T_CHECK(sdnotify_addr("run/notify", &sun, &len) == -1,
	    "relative refused");
	T_CHECK(sdnotify_addr("@", &sun, &len) == -1, "lone @ refused");
	T_CHECK(sdnotify_addr("/", &sun, &len) == -1, "lone / refused");
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	T_CHECK(sdnotify_addr(big, &sun, &len) == -1, "too long refused");
	/* A path needs its NUL inside sun_path: 107 bytes is the longest. */
	big[sizeof(sun.sun_path)] = '\0';
	T_CHECK(sdnotify_addr(big, &sun, &len) == -1,
	    "path filling sun_path refused");
	big[sizeof(sun.sun_path) - 1] = '\0';
	T_CHECK(sdnotify_addr(big, &sun, &len) == 0 &&
	    len == base + sizeof(sun.sun_path), "longest path accepted");
	big[0] = '@';
	big[sizeof(sun.sun_path) - 1] = 'a';
	big[sizeof(sun.sun_path)] = '\0';
	T_CHECK(sdnotify_addr(big, &sun, &len) == -1,
	    "abstract filling sun_path refused");

	T_CHECK(sdnotify_addr("/run/systemd/notify", &sun, &len) == 0 &&
	    sun.sun_family == AF_UNIX &&
	    strcmp(sun.sun_path, "/run/systemd/notify") == 0 &&
	    len == base + strlen("/run/systemd/notify") + 1, "path");
	T_CHECK(sdnotify_addr("@org/systemd/x", &sun, &len) == 0 &&
	    sun.sun_path[0] == '\0' &&
	    memcmp(sun.sun_path + 1, "org/systemd/x", 13) == 0 &&
	    len == base + 14, "abstract: leading NUL, no trailing one");
	return t_done();
}
