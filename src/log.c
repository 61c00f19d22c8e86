/*
 * log: stderr lines with the program name and pid, or syslog datagrams
 * (log.h). One write(2) or send(2) per line, so that lines of concurrent
 * workers never interleave; a line has a bounded size (no allocation).
 */
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "accesslog.h"
#include "log.h"

#define LOG_LINE_BYTES	2048
/* The syslog header: "<191>Dec 31 23:59:59 " and "jwtmint[pid]: ". */
#define LOG_HEAD_BYTES	128
/* How long a line waits for room in a full syslog queue before it goes to
 * stderr instead: a slow daemon never stalls a worker for long. */
#define LOG_SYSLOG_WAIT_MS	100

static const char	*prog = "jwtmint";
static int		 pid;	/* getpid() is a system call: once per process */

static const struct {
	const char	*name;
	int		 code;
} facilities[] = {
	{ "daemon", LOG_DAEMON }, { "user", LOG_USER }, { "auth", LOG_AUTH },
	{ "authpriv", LOG_AUTHPRIV }, { "local0", LOG_LOCAL0 },
	{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
	{ "local7", LOG_LOCAL7 },
};

static struct {
	int		 on;		/* lines go to syslog */
	int		 json;		/* access lines bare on stderr */
	int		 facility;
	char		 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int		 fd;		/* -1: not connected */
	int		 fdpid;		/* the process that connected fd */
} sl = { 0, 0, LOG_DAEMON, "/dev/log", -1, 0 };

void
log_init(const char *progname)
{
	prog = progname;
	pid = (int)getpid();
}

int
log_facility_valid(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(facilities[i].name, name) == 0)
			return 1;
	return 0;
}

int
log_setup(int to_syslog, const char *facility, const char *path, int json)
{
	size_t	 i;
	int	 code = -1;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (facility != NULL && strcmp(facilities[i].name, facility) == 0)
			code = facilities[i].code;
	if (to_syslog && (code == -1 || path == NULL || *path == '\0' ||
	    strlen(path) >= sizeof(sl.path)))
		return -1;
	if (sl.fd != -1)
		close(sl.fd);	/* this process's copy, a parent's or its own */
	sl.fd = -1;
	sl.on = to_syslog;
	sl.json = json;
	if (to_syslog) {
		sl.facility = code;
		memcpy(sl.path, path, strlen(path) + 1);
	}
	return 0;
}

static int
sl_connect(void)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, sl.path, strlen(sl.path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	sl.fd = fd;
	sl.fdpid = pid;
	return 0;
}

/* One datagram; 0, or -1 when syslog cannot be reached (twice). */
static int
sl_send(int prio, const char *msg, size_t n)
{
	static const char	*mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char			 head[LOG_HEAD_BYTES];
	struct iovec		 iov[2];
	struct msghdr		 mh;
	struct pollfd		 pfd;
	struct tm		 tm;
	time_t			 now = time(NULL);
	int			 h, try;

	/* A child forked after its parent connected drops its copy of the
	 * parent's socket and connects its own. */
	if (sl.fd != -1 && sl.fdpid != pid) {
		close(sl.fd);
		sl.fd = -1;
	}
	if (localtime_r(&now, &tm) == NULL)
		return -1;
	h = snprintf(head, sizeof(head), "<%d>%s %2d %02d:%02d:%02d %s[%d]: ",
	    sl.facility | prio, mon[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, prog, pid);
	if (h < 0 || (size_t)h >= sizeof(head))
		return -1;
	iov[0].iov_base = head;
	iov[0].iov_len = (size_t)h;
	iov[1].iov_base = (void *)msg;
	iov[1].iov_len = n;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	for (try = 0; try < 2; try++) {
		if (sl.fd == -1 && sl_connect() == -1)
			continue;
		if (sendmsg(sl.fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) != -1)
			return 0;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			/* The daemon's queue is full: wait a little for room,
			 * never long (the caller then writes to stderr). */
			pfd.fd = sl.fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, LOG_SYSLOG_WAIT_MS) == 1 &&
			    sendmsg(sl.fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) != -1)
				return 0;
			return -1;
		}
		/* The daemon restarted (ECONNREFUSED) or its socket was
		 * replaced: connect again, once. */
		close(sl.fd);
		sl.fd = -1;
	}
	return -1;
}

/* msg (n bytes): to syslog, else (or when that failed) to stderr. */
static void
emit(int prio, const char *msg, size_t n, int bare)
{
	char		 head[LOG_HEAD_BYTES];
	struct iovec	 iov[3];
	int		 h, saved = errno;

	if (pid == 0)
		pid = (int)getpid();
	if (sl.on && sl_send(prio, msg, n) == 0)
		goto out;
	h = bare ? 0 : snprintf(head, sizeof(head), "%s[%d]: ", prog, pid);
	if (h < 0 || (size_t)h >= sizeof(head))
		h = 0;
	iov[0].iov_base = head;
	iov[0].iov_len = (size_t)h;
	iov[1].iov_base = (void *)msg;
	iov[1].iov_len = n;
	iov[2].iov_base = (void *)"\n";
	iov[2].iov_len = 1;
	(void)!writev(STDERR_FILENO, iov, 3);
out:
	errno = saved;
}

static void
vlog(int prio, const char *fmt, va_list ap, const char *errstr)
{
	struct timespec	 now;
	char		 line[LOG_LINE_BYTES], obj[ACCESSLOG_LINE_BYTES];
	int		 n, m;

	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	if (errstr != NULL) {
		m = snprintf(line + n, sizeof(line) - (size_t)n, ": %s",
		    errstr);
		if (m > 0)
			n += m;
		if ((size_t)n >= sizeof(line))
			n = (int)sizeof(line) - 1;
	}
	if (sl.json) {
		/* One JSON object per line in this format, events too. */
		clock_gettime(CLOCK_REALTIME, &now);
		if (pid == 0)
			pid = (int)getpid();
		if ((m = accesslog_event(obj, sizeof(obj), &now,
		    prio != LOG_INFO, pid, line, (size_t)n)) > 0) {
			emit(prio, obj, (size_t)m, 1);
			return;
		}
	}
	emit(prio, line, (size_t)n, 0);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, strerror(saved));
	va_end(ap);
}

void
log_access(const char *line, size_t n)
{
	emit(LOG_INFO, line, n, sl.json);
}
