/*
 * supervisor: the pre-fork parent. It never touches a request or the
 * database; it only binds, forks, reaps and forwards stop signals. Its
 * children are the workers and one housekeeper (src/housekeeper.h), the
 * last slot, restarted like a worker when it dies.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <netdb.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "housekeeper.h"
#include "log.h"
#include "supervisor.h"
#include "worker.h"

#define MAX_WORKERS	256
#define BACKLOG		1024
#define STOP_GRACE_SEC	30	/* then SIGKILL what is left */
#define RESPAWN_MIN_SEC	1	/* a worker that dies younger waits this long */

static volatile sig_atomic_t	 got_stop, got_child;

static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_child = 1;
	else
		got_stop = 1;
}

int
supervisor_bind(const char *listen_on, int mode)
{
	struct sockaddr_un	 sun;
	struct addrinfo		 hints, *res = NULL;
	char			 host[256], *port;
	const char		*path;
	int			 fd = -1, one = 1, rc;

	if (strncmp(listen_on, "unix:", 5) == 0) {
		path = listen_on + 5;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(path) >= sizeof(sun.sun_path) || *path != '/') {
			log_warnx("listen %s: need an absolute path of at most "
			    "%zu bytes", listen_on, sizeof(sun.sun_path) - 1);
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
	if (snprintf(host, sizeof(host), "%s", listen_on) >= (int)sizeof(host) ||
	    (port = strrchr(host, ':')) == NULL) {
		log_warnx("listen %s: expected unix:/path or host:port", listen_on);
		return -1;
	}
	*port++ = '\0';
	/* Port 0: the kernel picks a free one, which the start-up line names
	 * (no probe-then-bind race for whoever starts us). */
	if (strlen(port) == 0 || strlen(port) > 5 || strspn(port, "0123456789") !=
	    strlen(port) || atoi(port) > 65535) {
		log_warnx("listen %s: the port must be 0 to 65535", listen_on);
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
		log_warnx("listen %s: %s", listen_on, gai_strerror(rc));
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
	log_warn("listen %s", listen_on);
	if (res != NULL)
		freeaddrinfo(res);
	if (fd != -1)
		close(fd);
	return -1;
}

/*
 * The address fd is bound to, as --listen spells it: "unix:/path" as given,
 * else "host:port" or "[v6]:port" with the port the kernel chose for 0.
 */
static void
bound_name(int fd, const char *listen_on, char *buf, size_t len)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	char			 host[NI_MAXHOST], serv[NI_MAXSERV];

	if (strncmp(listen_on, "unix:", 5) == 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, sslen, host, sizeof(host),
	    serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(buf, len, "%s", listen_on);
		return;
	}
	snprintf(buf, len, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
	    host, serv);
}

static struct ratelimit	*shared_rl;
static int		 platform_fd = -1;	/* the platform listener, or -1 */

/*
 * pin_workers: worker slot i runs only on the (i mod n)-th of the n CPUs
 * this process may use. A restarted worker keeps its slot, so its CPU.
 */
static void
pin(int slot)
{
	cpu_set_t	 allowed, one;
	int		 cpu, n, k;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) == -1 ||
	    (n = CPU_COUNT(&allowed)) <= 1)
		return;
	k = slot % n;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &allowed) && k-- == 0)
			break;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) == -1)
		log_warn("worker %d: pin_workers: CPU %d", slot, cpu);
}

/* Slot nworkers is the housekeeper's; the others are workers. */
static pid_t
spawn(const struct config *cfg, int fd, const sigset_t *orig, int slot,
    int housekeeper)
{
	pid_t	 pid, parent = getpid();

	if ((pid = fork()) == -1) {
		log_warn("fork");
		return -1;
	}
	if (pid == 0) {
		/* Named first: whoever counts the workers tells it apart. */
		if (housekeeper)
			prctl(PR_SET_NAME, HOUSEKEEPER_COMM, 0, 0, 0);
		/* A child must not outlive its supervisor (nothing would
		 * restart it or stop it): SIGTERM it when the parent dies. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent)
			_exit(1);
		log_init("jwtmint");
		signal(SIGCHLD, SIG_DFL);
		if (housekeeper) {
			close(fd);	/* it serves no request */
			if (platform_fd != -1)
				close(platform_fd);
			sigprocmask(SIG_SETMASK, orig, NULL);
			_exit(housekeeper_run(cfg));
		}
		if (cfg->pin_workers)
			pin(slot);
		sigprocmask(SIG_SETMASK, orig, NULL);
		_exit(worker_fcgi(cfg, fd, platform_fd, shared_rl) == 0 ? 0 : 1);
	}
	return pid;
}

int
supervisor_run(const struct config *cfg, const char *listen_on, int nworkers)
{
	struct sigaction	 sa;
	sigset_t		 block, orig;
	pid_t			 pids[MAX_WORKERS + 1], pid;
	time_t			 born[MAX_WORKERS + 1], deadline;
	char			 name[NI_MAXHOST + NI_MAXSERV + 8];
	char			 pname[NI_MAXHOST + NI_MAXSERV + 8];
	int			 fd, i, status, alive, nchildren;

	if (nworkers < 1 || nworkers > MAX_WORKERS)
		nworkers = 2;
	if ((fd = supervisor_bind(listen_on, 0666)) == -1)
		return 1;
	bound_name(fd, listen_on, name, sizeof(name));
	/*
	 * The platform listener. Its unix socket is as open as the public
	 * one (the web server's workers may run as another user): the
	 * platform credential is what every request on it must present.
	 */
	if (cfg->platform_listen[0] != '\0') {
		if ((platform_fd = supervisor_bind(cfg->platform_listen,
		    0666)) == -1) {
			close(fd);
			return 1;
		}
		bound_name(platform_fd, cfg->platform_listen, pname,
		    sizeof(pname));
		log_info("platform listener on %s", pname);
	}
	/* Rate-limit counters shared by every worker of this host. */
	shared_rl = worker_ratelimit_map(cfg, 1);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &orig);

	nchildren = nworkers + 1;	/* the housekeeper last */
	for (i = 0; i < nchildren; i++) {
		pids[i] = spawn(cfg, fd, &orig, i, i == nworkers);
		born[i] = time(NULL);
	}
	log_info("listening on %s with %d workers", name, nworkers);

	while (!got_stop) {
		sigsuspend(&orig);
		if (!got_child)
			continue;
		got_child = 0;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (i = 0; i < nchildren && pids[i] != pid; i++)
				;
			if (i == nchildren)
				continue;
			pids[i] = -1;
			if (got_stop)
				continue;
			log_warnx("%s %d %s %d; restarting", i == nworkers ?
			    "housekeeper" : "worker", (int)pid,
			    WIFSIGNALED(status) ? "killed by signal" :
			    "exited with", WIFSIGNALED(status) ?
			    WTERMSIG(status) : WEXITSTATUS(status));
			/* A child that cannot live: do not fork in a loop. */
			if (time(NULL) - born[i] < RESPAWN_MIN_SEC)
				sleep(RESPAWN_MIN_SEC);
			pids[i] = spawn(cfg, fd, &orig, i, i == nworkers);
			born[i] = time(NULL);
		}
	}

	/* Stop accepting; workers finish what they have. */
	log_info("stopping: waiting for %d workers", nworkers);
	close(fd);
	if (strncmp(listen_on, "unix:", 5) == 0)
		unlink(listen_on + 5);
	if (platform_fd != -1) {
		close(platform_fd);
		if (strncmp(cfg->platform_listen, "unix:", 5) == 0)
			unlink(cfg->platform_listen + 5);
	}
	for (i = 0; i < nchildren; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	deadline = time(NULL) + STOP_GRACE_SEC;
	do {
		alive = 0;
		for (i = 0; i < nchildren; i++) {
			if (pids[i] <= 0)
				continue;
			if (waitpid(pids[i], &status, WNOHANG) != 0)
				pids[i] = -1;	/* reaped, or not ours any more */
			else
				alive++;
		}
		if (alive > 0)
			usleep(20000);
	} while (alive > 0 && time(NULL) < deadline);
	for (i = 0; i < nchildren; i++)
		if (pids[i] > 0) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], &status, 0);
		}
	log_info("stopped");
	return 0;
}
