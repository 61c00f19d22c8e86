/*
 * deadline: a watchdog thread that shuts down overrunning connections.
 * See deadline.h.
 */
#include <sys/socket.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "deadline.h"

static pthread_mutex_t	 mtx = PTHREAD_MUTEX_INITIALIZER;
static int		 armed_fd = -1;
static int64_t		 due_ms;	/* CLOCK_MONOTONIC, ms */
static int		 cut;		/* the watchdog shut armed_fd down */
static int		 limit_ms;
static int		 started;

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *
watch(void *arg)
{
	struct timespec	 tick;
	int		 ms = *(const int *)arg;

	ms = ms / 10 < 10 ? 10 : ms / 10 > 1000 ? 1000 : ms / 10;
	tick.tv_sec = ms / 1000;
	tick.tv_nsec = (long)(ms % 1000) * 1000000;
	for (;;) {
		while (nanosleep(&tick, NULL) == -1 && errno == EINTR)
			;
		pthread_mutex_lock(&mtx);
		if (armed_fd != -1 && now_ms() >= due_ms) {
			(void)shutdown(armed_fd, SHUT_RDWR);
			armed_fd = -1;
			cut = 1;
		}
		pthread_mutex_unlock(&mtx);
	}
	return NULL;
}

int
deadline_start(int ms)
{
	pthread_t	 t;
	pthread_attr_t	 attr;
	sigset_t	 all, old;
	int		 rc;

	if (started || ms <= 0)
		return -1;
	limit_ms = ms;
	sigfillset(&all);
	if (pthread_attr_init(&attr) != 0)
		return -1;
	/* A small stack: the thread sleeps, locks and calls shutdown(2). */
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&t, &attr, watch, &limit_ms);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (rc != 0)
		return -1;
	started = 1;
	return 0;
}

void
deadline_arm(int fd)
{
	int64_t	due = now_ms() + limit_ms;

	pthread_mutex_lock(&mtx);
	armed_fd = fd;
	due_ms = due;
	cut = 0;
	pthread_mutex_unlock(&mtx);
}

int
deadline_disarm(void)
{
	int	was;

	pthread_mutex_lock(&mtx);
	armed_fd = -1;
	was = cut;
	cut = 0;
	pthread_mutex_unlock(&mtx);
	return was;
}
