/*
 * log: stderr lines with the program name and pid. One write(2) per line so
 * that lines of concurrent workers never interleave.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static const char	*prog = "jwtmint";
static int		 pid;	/* getpid() is a system call: once per process */

void
log_init(const char *progname)
{
	prog = progname;
	pid = (int)getpid();
}

static void
vlog(const char *fmt, va_list ap, const char *errstr)
{
	char	 line[2048];
	int	 n, m;

	if (pid == 0)
		pid = (int)getpid();
	n = snprintf(line, sizeof(line), "%s[%d]: ", prog, pid);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	if (errstr != NULL)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ": %s", errstr);
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(fmt, ap, NULL);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog(fmt, ap, strerror(saved));
	va_end(ap);
}
