/*
 * deadline: the watchdog shuts down the connection of a request kept past
 * its deadline (a blocked read ends, a blocked write fails) and leaves a
 * request disarmed in time alone. Real sockets (socketpair); no timing
 * assertion: every wait is bounded by poll() so a broken watchdog fails
 * the check instead of hanging the run.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "t.h"

#define LIMIT_MS	200
#define GUARD_MS	10000	/* far beyond LIMIT_MS: only a hang trips it */

static int
readable_within(int fd, int ms)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 1;
}

/* A request that reads and never gets its input: cut, the read ends. */
static void
check_read_cut(void)
{
	int	 sv[2];
	char	 c;

	T_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	deadline_arm(sv[0]);
	/* The peer sends nothing: sv[0] turns readable only when shut down. */
	T_CHECK(readable_within(sv[0], GUARD_MS), "stalled read: woken");
	T_CHECK(read(sv[0], &c, 1) == 0, "stalled read: ends (EOF) once cut");
	T_CHECK(deadline_disarm() == 1, "disarm reports the cut");
	T_CHECK(deadline_disarm() == 0, "a second disarm reports nothing");
	/* The peer sees the connection end as well. */
	T_CHECK(readable_within(sv[1], GUARD_MS) && read(sv[1], &c, 1) == 0,
	    "the peer reads EOF");
	close(sv[0]);
	close(sv[1]);
}

/* A request whose peer stops reading: the blocked write fails once cut. */
static void
check_write_cut(void)
{
	static char	 buf[1 << 16];
	int		 sv[2], flags;
	ssize_t		 n;

	T_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	/* Fill the send buffer without blocking, then block on one more. */
	flags = fcntl(sv[0], F_GETFL);
	fcntl(sv[0], F_SETFL, flags | O_NONBLOCK);
	while (write(sv[0], buf, sizeof(buf)) > 0)
		;
	fcntl(sv[0], F_SETFL, flags);
	deadline_arm(sv[0]);
	n = write(sv[0], buf, sizeof(buf));	/* blocks until shut down */
	T_CHECK(n == -1 && errno == EPIPE, "blocked write fails once cut "
	    "(%zd, %s)", n, strerror(errno));
	T_CHECK(deadline_disarm() == 1, "disarm reports the cut");
	close(sv[0]);
	close(sv[1]);
}

/* Disarmed in time: the connection is left alone, and stays usable. */
static void
check_in_time(void)
{
	struct timespec	 wait = { 0, (LIMIT_MS * 3) * 1000000L };
	int		 sv[2];
	char		 c = 0;

	T_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	deadline_arm(sv[0]);
	T_CHECK(deadline_disarm() == 0, "disarmed in time: no cut");
	nanosleep(&wait, NULL);		/* several watchdog rounds */
	T_CHECK(write(sv[1], "x", 1) == 1 && readable_within(sv[0], GUARD_MS) &&
	    read(sv[0], &c, 1) == 1 && c == 'x', "the connection still reads");
	T_CHECK(write(sv[0], "y", 1) == 1, "and still writes");

	/* Re-armed: the deadline runs from the new arm, not the old one. */
	deadline_arm(sv[0]);
	T_CHECK(readable_within(sv[1], GUARD_MS) && read(sv[1], &c, 1) == 1 &&
	    c == 'y', "re-armed connection delivers what was written");
	T_CHECK(readable_within(sv[0], GUARD_MS) && read(sv[0], &c, 1) == 0,
	    "re-armed connection cut once its own deadline passes");
	T_CHECK(deadline_disarm() == 1, "disarm reports that cut");
	close(sv[0]);
	close(sv[1]);
}

/* Closed while armed (libfcgi closes on its own): nothing else is hit. */
static void
check_closed_while_armed(void)
{
	struct timespec	 wait = { 0, (LIMIT_MS * 3) * 1000000L };
	int		 sv[2], other[2];
	char		 c = 0;

	T_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	deadline_arm(sv[0]);
	close(sv[0]);
	nanosleep(&wait, NULL);		/* the watchdog hits a closed number */
	T_CHECK(deadline_disarm() == 1, "a cut on a closed descriptor is "
	    "reported and harmless");
	/* Disarmed: a new descriptor with the same number is never touched. */
	T_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, other) == 0, "socketpair");
	nanosleep(&wait, NULL);
	T_CHECK(write(other[1], "z", 1) == 1 &&
	    readable_within(other[0], GUARD_MS) && read(other[0], &c, 1) == 1 &&
	    c == 'z', "a later descriptor is left alone");
	close(other[0]);
	close(other[1]);
	close(sv[1]);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);	/* as the workers */
	deadline_arm(-1);
	T_CHECK(deadline_disarm() == 0, "arm and disarm before the start");
	T_CHECK(deadline_start(0) == -1, "a deadline of 0 ms is refused");
	T_CHECK(deadline_start(LIMIT_MS) == 0, "start");
	T_CHECK(deadline_start(LIMIT_MS) == -1, "a second start is refused");
	check_read_cut();
	check_write_cut();
	check_in_time();
	check_closed_while_armed();
	return t_done();
}
