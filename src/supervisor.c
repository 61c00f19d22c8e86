/*
 * supervisor: the pre-fork parent (supervisor.h). It never touches a
 * request; it binds, forks, reaps, forwards stop signals, and at a reload
 * or an upgrade reads the configuration and asks the database whether its
 * secrets are the database's (as main does at the start), on a connection
 * closed before it forks. Its children are the workers, slots 0 to
 * nworkers - 1, and one housekeeper (src/housekeeper.h) in slot nworkers,
 * restarted like a worker when it dies.
 *
 * Invariants: a worker slot is replaced only once its successor wrote its
 * readiness byte (its application state built, the listening sockets in
 * its epoll set), so the listening socket never has fewer workers accepting
 * than both configurations ask; it stays open in this process through every
 * reload and upgrade, so a connection that arrives meanwhile waits in the
 * backlog, never refused. Signals are blocked except inside sigsuspend: a
 * reload or an upgrade runs to its end before the next signal is seen, but
 * for a stop, which a reload looks for (sigpending) and which cuts it short.
 * systemd (Type=notify, sdnotify.h) hears READY=1 only once a worker
 * serves, RELOADING=1 then READY=1 around a reload or an upgrade, and
 * STOPPING=1.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "housekeeper.h"
#include "listenfd.h"
#include "log.h"
#include "metrics.h"
#include "monoclock.h"
#include "sdnotify.h"
#include "secretcheck.h"
#include "supervisor.h"
#include "worker.h"

#define MAX_WORKERS	256
#define STOP_GRACE_SEC	30	/* then SIGKILL what is left */
#define RESPAWN_MIN_SEC	1	/* a worker that dies younger waits this long */
#define PREFLIGHT_SEC	30	/* `BINARY -t` before an upgrade */
#define NAME_BYTES	(NI_MAXHOST + NI_MAXSERV + 128)
#define STOP_POLL_MS	100	/* how often a wait looks for a stop signal */

/* What an upgrade passes to the image it executes. */
#define ENV_LISTEN_FD	"JWTMINT_LISTEN_FD"
#define ENV_PLATFORM_FD	"JWTMINT_PLATFORM_FD"
#define ENV_CHILDREN	"JWTMINT_CHILDREN"
/* ... and the pid that executed it: the three above are honoured only when
 * it is this process's own (exec keeps the pid), never on another start. */
#define ENV_UPGRADE_PID	"JWTMINT_UPGRADE_PID"
/* JWTMINT_CHILDREN: every pid in decimal and a comma. */
#define PID_LIST_BYTES	(LISTENFD_MAX_PIDS * 12)

struct sup {
	const struct supervisor_args *args;
	const char	*listen;	/* as given: --listen or the config's */
	const char	*shm;		/* rate_limit_shm as mapped at the start */
	struct config	*cfg;		/* the configuration in force */
	struct config	*first;		/* main's, in force until a reload */
	struct config	 spare[2];	/* where a reload reads the next one */
	int		 fd;		/* the FastCGI listener */
	int		 owned;		/* bound by us, not systemd's */
	char		 name[NAME_BYTES];
	int		 pfd;		/* the platform listener, or -1 */
	int		 stale_pfd;	/* the one a reload is replacing, or -1 */
	int		 nworkers;
	pid_t		 pids[MAX_WORKERS + 1];
	time_t		 born[MAX_WORKERS + 1];
	sigset_t	 orig;		/* the mask children and sigsuspend use */
	char		 exe[PATH_MAX];	/* this binary, for an upgrade */
	struct ratelimit *rl;
	pid_t		 old[LISTENFD_MAX_PIDS];	/* an upgrade's kept */
	int		 nold;
	int		 ready;		/* READY=1 sent to systemd */
};

static struct sup		 sup;
static volatile sig_atomic_t	 got_stop, got_child, got_reload, got_upgrade;

static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_child = 1;
	else if (sig == SIGHUP)
		got_reload = 1;
	else if (sig == SIGUSR2)
		got_upgrade = 1;
	else
		got_stop = 1;
}

static const char *
env(const char *name)
{
	return getenv(name);
}

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

/*
 * Fork the child of slot (the housekeeper's when hk) with configuration
 * cfg. A worker writes one byte on readyfd (unless -1) once it serves;
 * rdfd is the other end of that pipe, closed in the child.
 */
static pid_t
spawn(struct sup *s, const struct config *cfg, int slot, int hk, int readyfd,
    int rdfd)
{
	sigset_t	 mask;
	pid_t		 pid, parent = getpid();
	int		 i;

	if ((pid = fork()) == -1) {
		log_warn("fork");
		return -1;
	}
	if (pid != 0)
		return pid;
	/* Named first: whoever counts the workers tells it apart. */
	if (hk)
		prctl(PR_SET_NAME, HOUSEKEEPER_COMM, 0, 0, 0);
	/* A child must not outlive its supervisor (nothing would restart it
	 * or stop it): SIGTERM it when the parent dies. An upgrade's exec is
	 * no death: the pid, and so the parent, stays. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent)
		_exit(1);
	log_init("jwtmint");
	(void)config_log_setup(cfg);	/* this generation's destination */
	signal(SIGCHLD, SIG_DFL);
	/* A hang-up of the whole group is the supervisor's business. */
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	if (rdfd != -1)
		close(rdfd);
	/* Its own slab of the host's counters (none when metrics = 0): a
	 * restarted child goes on with its slot's. */
	metrics_slot(!cfg->metrics ? -1 : hk ? METRICS_SLOT_HK : slot);
	/* The secrets of the other configurations are not the child's. */
	if (cfg != s->first)
		config_wipe(s->first);
	for (i = 0; i < 2; i++)
		if (cfg != &s->spare[i])
			config_wipe(&s->spare[i]);
	if (s->stale_pfd != -1)
		close(s->stale_pfd);	/* the old generation's only */
	/*
	 * SIGTERM and SIGINT stay blocked: until worker_fcgi or
	 * housekeeper_run installs its own handler, this one (inherited) would
	 * take a stop and lose it, and the child would then run until the
	 * grace's SIGKILL. Both unblock them where they wait.
	 */
	mask = s->orig;
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	if (hk) {
		close(s->fd);	/* it serves no request */
		if (s->pfd != -1)
			close(s->pfd);
		_exit(housekeeper_run(cfg));
	}
	if (cfg->pin_workers)
		pin(slot);
	_exit(worker_fcgi(cfg, s->fd, s->pfd, s->rl, readyfd) == 0 ? 0 : 1);
}

/* How long a new worker may take to be ready: app_new's database round
 * trips, each bounded by database_timeout_ms. */
static int
ready_wait_ms(const struct config *cfg)
{
	return 4 * cfg->database_timeout_ms + 5000;
}

/* A SIGTERM or SIGINT waiting (signals are blocked outside sigsuspend). */
static int
stop_pending(void)
{
	sigset_t	 p;

	return sigpending(&p) == 0 && (sigismember(&p, SIGTERM) == 1 ||
	    sigismember(&p, SIGINT) == 1);
}

/*
 * Start the workers of slots first to first + n - 1 with cfg (their pids
 * in s->pids) and wait until each said it serves (one byte each on a
 * shared pipe), exited, ready_wait_ms passed, or a stop signal is pending.
 * Returns how many said so.
 */
static int
spawn_ready(struct sup *s, const struct config *cfg, int first, int n)
{
	struct pollfd	 p;
	char		 buf[MAX_WORKERS + 1];
	long long	 deadline, left;
	ssize_t		 r;
	int		 fds[2], i, got = 0;

	if (pipe2(fds, O_CLOEXEC) == -1) {
		log_warn("pipe");
		return 0;
	}
	for (i = first; i < first + n; i++) {
		s->pids[i] = spawn(s, cfg, i, 0, fds[1], fds[0]);
		s->born[i] = time(NULL);
	}
	close(fds[1]);
	deadline = monoclock_ms() + ready_wait_ms(cfg);
	while (got < n && (left = deadline - monoclock_ms()) > 0) {
		if (stop_pending())
			break;
		p.fd = fds[0];
		p.events = POLLIN;
		switch (poll(&p, 1, left > STOP_POLL_MS ? STOP_POLL_MS :
		    (int)left)) {
		case -1:
			if (errno == EINTR)
				continue;
			goto out;
		case 0:
			continue;	/* nothing to read: never block in read */
		}
		/* 0: every writer exited or wrote and closed its end. */
		if ((r = read(fds[0], buf, sizeof(buf))) <= 0) {
			if (r == -1 && (errno == EINTR || errno == EAGAIN))
				continue;
			break;
		}
		got += (int)r;
	}
out:
	close(fds[0]);
	if (got < n && stop_pending())
		log_warnx("%d of %d new workers not waited for: stopping", n - got,
		    n);
	else if (got < n)
		log_warnx("%d of %d new workers did not start serving within "
		    "%d ms (above)", n - got, n, ready_wait_ms(cfg));
	return got;
}

/*
 * SIGTERM the n children in pids (-1: none; a pid that is not our child is
 * left alone), wait up to STOP_GRACE_SEC for them to finish what they hold,
 * then SIGKILL the rest. Every entry is -1 after.
 */
static void
retire(pid_t *pids, int n)
{
	time_t	 deadline;
	int	 i, alive, status;

	for (i = 0; i < n; i++) {
		if (pids[i] <= 0)
			continue;
		if (waitpid(pids[i], &status, WNOHANG) != 0)
			pids[i] = -1;	/* gone already, or not ours */
		else
			kill(pids[i], SIGTERM);
	}
	deadline = time(NULL) + STOP_GRACE_SEC;
	do {
		alive = 0;
		for (i = 0; i < n; i++) {
			if (pids[i] <= 0)
				continue;
			if (waitpid(pids[i], &status, WNOHANG) != 0)
				pids[i] = -1;
			else
				alive++;
		}
		if (alive > 0)
			usleep(10000);
	} while (alive > 0 && time(NULL) < deadline);
	for (i = 0; i < n; i++)
		if (pids[i] > 0) {
			log_warnx("child %d still busy after %d s: killed",
			    (int)pids[i], STOP_GRACE_SEC);
			kill(pids[i], SIGKILL);
			waitpid(pids[i], &status, 0);
			pids[i] = -1;
		}
}

/*
 * Load the configuration file again into c and check its secrets against
 * the database. Returns 0, or -1 with "WHAT refused: the reason" logged and
 * c wiped.
 */
static int
load(struct config *c, const char *path, const char *what)
{
	char	 err[CONFIG_ERR_BYTES], msg[SECRETCHECK_MSG_BYTES];

	if (config_load(c, path, env, err) == -1 ||
	    config_secrets(c, env, err) == -1) {
		log_warnx("%s refused: %s; the workers keep the configuration "
		    "they have", what, err);
		config_wipe(c);
		return -1;
	}
	switch (secretcheck_config(c, msg, sizeof(msg))) {
	case 0:
		log_warnx("%s refused: %s; the workers keep the configuration "
		    "they have", what, msg);
		config_wipe(c);
		return -1;
	case -1:
		log_warnx("%s: the key-encryption key and pepper could not be "
		    "checked against the database (down, or not migrated): "
		    "going on", what);
		break;
	}
	return 0;
}

/* Settings a reload cannot change: logged, the old value kept. */
static void
restart_only(struct sup *s, const struct config *next)
{
	if (s->args->listen == NULL && strcmp(next->listen, s->listen) != 0)
		log_warnx("reload: listen = \"%s\" needs a restart: still "
		    "listening on %s", next->listen, s->name);
	if (s->args->workers != 0 && next->workers != s->args->workers)
		log_warnx("reload: workers = %d in the configuration, but "
		    "--workers %d on the command line: %d workers",
		    next->workers, s->args->workers, s->args->workers);
	if (strcmp(next->rate_limit_shm, s->shm) != 0)
		log_warnx("reload: rate_limit_shm = \"%s\" needs a restart: the "
		    "workers keep the table mapped at the start",
		    next->rate_limit_shm);
}

/* Close the listener fd of address addr; unlink a socket file we made. */
static void
close_listener(int fd, const char *addr, int owned)
{
	char	 name[NAME_BYTES];

	listenfd_name(fd, addr, name, sizeof(name));
	close(fd);
	if (owned && strncmp(name, "unix:", 5) == 0)
		unlink(name + 5);
}

/*
 * A stop signal arrived while reload() replaced slot i (0 < i <= n): slots
 * 0 to i - 1 run the new configuration, the rest the old one, and the
 * housekeeper hk is still the old. Leave every child where the stop path
 * retires it (s->pids[0 .. nworkers]) and next in force.
 */
static void
cut(struct sup *s, int i, pid_t hk, struct config *next, struct config *old)
{
	if (i > s->nworkers) {
		/* Slots nworkers .. i - 1 hold new workers: hk moves up. */
		s->nworkers = i;
		s->pids[i] = hk;
	}
	if (s->stale_pfd != -1) {
		close_listener(s->stale_pfd, old->platform_listen, 1);
		s->stale_pfd = -1;
	}
	s->cfg = next;
	config_wipe(old);
	log_warnx("reload cut short by a stop signal: %d workers replaced, "
	    "stopping", i);
}

/* Returns 0 when the new configuration is in force, -1 when refused. */
static int
reload(struct sup *s)
{
	struct config	*next, *old = s->cfg;
	pid_t		 hk, old_pid;
	int		 n, i, status, nfd, pchanged = 0;

	next = old == &s->spare[0] ? &s->spare[1] : &s->spare[0];
	log_info("reload: reading %s", s->args->config_path);
	if (load(next, s->args->config_path, "reload") == -1)
		return -1;
	restart_only(s, next);
	n = s->args->workers != 0 ? s->args->workers : next->workers;
	if (strcmp(next->platform_listen, old->platform_listen) != 0) {
		nfd = next->platform_listen[0] == '\0' ? -1 :
		    listenfd_bind(next->platform_listen, 0666);
		if (next->platform_listen[0] != '\0' && nfd == -1) {
			log_warnx("reload refused: platform_listen %s cannot be "
			    "bound (above); the workers keep the configuration "
			    "they have", next->platform_listen);
			config_wipe(next);
			return -1;
		}
		s->stale_pfd = s->pfd;
		s->pfd = nfd;
		pchanged = 1;
		log_info("reload: platform listener %s%s",
		    next->platform_listen[0] ? "now on " : "closed",
		    next->platform_listen);
	}
	/*
	 * One by one: slot i's new worker serves before the old one is told
	 * to stop, and the old one finishes its request in flight. A first
	 * worker that cannot start refuses the whole configuration.
	 */
	hk = s->pids[s->nworkers];
	for (i = 0; i < n; i++) {
		/* A stop waits for no more slots (the unit's stop timeout
		 * would kill everything meanwhile). */
		if (i > 0 && stop_pending()) {
			cut(s, i, hk, next, old);
			return 0;
		}
		old_pid = i < s->nworkers ? s->pids[i] : -1;
		if (spawn_ready(s, next, i, 1) != 1 && i == 0) {
			if (s->pids[0] > 0) {
				kill(s->pids[0], SIGKILL);
				waitpid(s->pids[0], &status, 0);
			}
			s->pids[0] = old_pid;
			if (pchanged) {
				if (s->pfd != -1)
					close_listener(s->pfd,
					    next->platform_listen, 1);
				s->pfd = s->stale_pfd;
				s->stale_pfd = -1;
			}
			if (stop_pending())
				log_warnx("reload cut short by a stop signal "
				    "before any worker was replaced");
			else
				log_warnx("reload refused: a worker with the new "
				    "configuration did not start (above); the "
				    "workers keep the configuration they have");
			config_wipe(next);
			return -1;
		}
		/* A later one that failed is restarted like any worker. */
		retire(&old_pid, 1);
	}
	if (s->nworkers > n)
		retire(&s->pids[n], s->nworkers - n);
	retire(&hk, 1);
	s->pids[n] = spawn(s, next, n, 1, -1, -1);
	s->born[n] = time(NULL);
	if (s->stale_pfd != -1) {
		close_listener(s->stale_pfd, old->platform_listen, 1);
		s->stale_pfd = -1;
	}
	if (n != s->nworkers)
		log_info("reload: %d workers instead of %d", n, s->nworkers);
	s->nworkers = n;
	s->cfg = next;
	(void)config_log_setup(next);
	config_wipe(old);
	/* Workers an upgrade kept: the new generation serves now. */
	if (s->nold > 0) {
		retire(s->old, s->nold);
		s->nold = 0;
	}
	log_info("reloaded %s: %d workers and the housekeeper replaced",
	    s->args->config_path, n);
	return 0;
}

/* `BINARY -t -c FILE`: 0 when it exits 0 within PREFLIGHT_SEC. */
static int
preflight(struct sup *s)
{
	time_t	 deadline;
	pid_t	 pid, r;
	int	 status;

	if ((pid = fork()) == -1) {
		log_warn("upgrade refused: fork");
		return -1;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &s->orig, NULL);
		execl(s->exe, s->exe, "-c", s->args->config_path, "-t",
		    (char *)NULL);
		log_warn("upgrade: exec %s", s->exe);
		_exit(127);
	}
	deadline = time(NULL) + PREFLIGHT_SEC;
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 &&
	    time(NULL) < deadline)
		usleep(10000);
	if (r == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		log_warnx("upgrade refused: %s -t did not finish in %d s",
		    s->exe, PREFLIGHT_SEC);
		return -1;
	}
	if (r == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_warnx("upgrade refused: %s -t failed (status %d): its "
		    "message is above", s->exe, r == -1 ? -1 : status);
		return -1;
	}
	return 0;
}

/* Set or clear close-on-exec on fd. */
static void
cloexec(int fd, int on)
{
	if (fd != -1)
		(void)fcntl(fd, F_SETFD, on ? FD_CLOEXEC : 0);
}

static void
upgrade(struct sup *s)
{
	struct config	*next;
	char		 num[16], list[PID_LIST_BYTES];
	size_t		 off = 0;
	int		 i, k, n;
	pid_t		 p;

	if (s->exe[0] == '\0') {
		log_warnx("upgrade refused: the path of this binary is unknown");
		return;
	}
	log_info("upgrade: checking %s -t", s->exe);
	next = s->cfg == &s->spare[0] ? &s->spare[1] : &s->spare[0];
	if (preflight(s) == -1 ||
	    load(next, s->args->config_path, "upgrade") == -1)
		return;
	config_wipe(next);	/* the new image reads it itself */

	/* Every child: this generation's, and those an upgrade kept. */
	list[0] = '\0';
	for (i = k = 0; i <= s->nworkers + s->nold; i++) {
		p = i <= s->nworkers ? s->pids[i] : s->old[i - s->nworkers - 1];
		if (p <= 0)
			continue;
		n = snprintf(list + off, sizeof(list) - off, "%s%d",
		    off ? "," : "", (int)p);
		if (n < 0 || (size_t)n >= sizeof(list) - off ||
		    ++k > LISTENFD_MAX_PIDS) {
			log_warnx("upgrade refused: more children than %s "
			    "holds (%d)", ENV_CHILDREN, LISTENFD_MAX_PIDS);
			return;
		}
		off += (size_t)n;
	}
	snprintf(num, sizeof(num), "%d", (int)getpid());
	setenv(ENV_UPGRADE_PID, num, 1);
	snprintf(num, sizeof(num), "%d", s->fd);
	setenv(ENV_LISTEN_FD, num, 1);
	if (s->pfd != -1) {
		snprintf(num, sizeof(num), "%d", s->pfd);
		setenv(ENV_PLATFORM_FD, num, 1);
	}
	setenv(ENV_CHILDREN, list, 1);
	cloexec(s->fd, 0);
	cloexec(s->pfd, 0);
	log_info("upgrade: executing %s (children %s)", s->exe, list);
	/* systemd: reloading until the new image says READY=1 (same pid). */
	sdnotify_reloading();
	/* Signals stay blocked: one sent meanwhile waits for the new image. */
	execv(s->exe, s->args->argv);
	log_warn("upgrade refused: exec %s; this image keeps running", s->exe);
	sdnotify("READY=1");
	unsetenv(ENV_UPGRADE_PID);
	cloexec(s->fd, 1);
	cloexec(s->pfd, 1);
	unsetenv(ENV_LISTEN_FD);
	unsetenv(ENV_PLATFORM_FD);
	unsetenv(ENV_CHILDREN);
}

/* The FastCGI listener: inherited from the image before an upgrade,
 * systemd's, or bound here. Returns 0 or -1 (logged). */
static int
take_listener(struct sup *s)
{
	if (getenv(ENV_LISTEN_FD) != NULL) {
		if ((s->fd = listenfd_inherited(ENV_LISTEN_FD)) == -1)
			return -1;
	} else if (strcmp(s->listen, "systemd") == 0) {
		if ((s->fd = listenfd_systemd()) == -1)
			return -1;
	} else if ((s->fd = listenfd_bind(s->listen, 0666)) == -1)
		return -1;
	s->owned = strcmp(s->listen, "systemd") != 0;
	listenfd_name(s->fd, s->listen, s->name, sizeof(s->name));
	return 0;
}

/*
 * The platform listener. Its unix socket is as open as the public one
 * (the web server's workers may run as another user): the platform
 * credential is what every request on it must present. An inherited one
 * is kept when the configuration still names its address.
 */
static int
take_platform(struct sup *s)
{
	char	 pname[NAME_BYTES];

	s->pfd = -1;
	if (getenv(ENV_PLATFORM_FD) != NULL &&
	    (s->pfd = listenfd_inherited(ENV_PLATFORM_FD)) != -1) {
		listenfd_name(s->pfd, "", pname, sizeof(pname));
		if (strcmp(pname, s->cfg->platform_listen) != 0) {
			log_info("platform listener %s: no longer configured",
			    pname);
			close_listener(s->pfd, pname, 1);
			s->pfd = -1;
		}
	}
	if (s->pfd == -1 && s->cfg->platform_listen[0] != '\0' &&
	    (s->pfd = listenfd_bind(s->cfg->platform_listen, 0666)) == -1)
		return -1;
	if (s->pfd != -1) {
		listenfd_name(s->pfd, s->cfg->platform_listen, pname,
		    sizeof(pname));
		log_info("platform listener on %s", pname);
	}
	return 0;
}

/* Tell systemd the service serves (Type=notify), once per generation. */
static void
notify_ready(struct sup *s, const char *why)
{
	char	 msg[SDNOTIFY_MSG_BYTES];

	snprintf(msg, sizeof(msg), "READY=1\nMAINPID=%d", (int)getpid());
	if (sdnotify(msg) == 1 && !s->ready)
		log_info("systemd told READY=1: %s", why);
	s->ready = 1;
}

/* The jwtmint_workers gauge: the workers running now. */
static void
count_workers(const struct sup *s)
{
	int	 i, n = 0;

	for (i = 0; i < s->nworkers; i++)
		if (s->pids[i] > 0)
			n++;
	metrics_set_workers(n);
}

/* The main loop's reaping: restart a child that died. */
static void
reap(struct sup *s)
{
	pid_t	 pid;
	int	 i, status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < s->nold; i++)
			if (s->old[i] == pid)
				s->old[i] = -1;
		for (i = 0; i <= s->nworkers && s->pids[i] != pid; i++)
			;
		if (i > s->nworkers)
			continue;
		s->pids[i] = -1;
		if (got_stop)
			continue;
		log_warnx("%s %d %s %d; restarting", i == s->nworkers ?
		    "housekeeper" : "worker", (int)pid,
		    WIFSIGNALED(status) ? "killed by signal" : "exited with",
		    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		/* A child that cannot live: do not fork in a loop. */
		if (time(NULL) - s->born[i] < RESPAWN_MIN_SEC)
			sleep(RESPAWN_MIN_SEC);
		/* Until one worker served, systemd waits for a READY=1. */
		if (!s->ready && i < s->nworkers) {
			if (spawn_ready(s, s->cfg, i, 1) == 1)
				notify_ready(s, "a restarted worker serves");
			continue;
		}
		s->pids[i] = spawn(s, s->cfg, i, i == s->nworkers, -1, -1);
		s->born[i] = time(NULL);
	}
}

int
supervisor_run(struct config *cfg, const struct supervisor_args *args)
{
	static const int	 sigs[] = { SIGTERM, SIGINT, SIGCHLD, SIGHUP,
				    SIGUSR2 };
	struct sup		*s = &sup;
	struct sigaction	 sa;
	sigset_t		 block;
	pid_t			 old[LISTENFD_MAX_PIDS];
	const char		*v;
	ssize_t			 len;
	size_t			 k;
	int			 nold = 0, ours, ready;

	s->args = args;
	s->cfg = s->first = cfg;
	s->stale_pfd = -1;
	s->listen = args->listen != NULL ? args->listen : cfg->listen;
	s->shm = cfg->rate_limit_shm;
	s->nworkers = args->workers != 0 ? args->workers : cfg->workers;
	if (s->nworkers < 1 || s->nworkers > MAX_WORKERS)
		s->nworkers = 2;
	/* The path this binary was started from, before an upgrade renames
	 * another file over it. */
	if ((len = readlink("/proc/self/exe", s->exe, sizeof(s->exe) - 1)) <= 0)
		len = 0;
	s->exe[len] = '\0';

	/*
	 * Blocked from here; also across an upgrade's exec, so that nothing
	 * sent meanwhile is lost. The mask of the children and of sigsuspend
	 * is the one found without ours (an upgraded image finds them
	 * blocked).
	 */
	sigemptyset(&block);
	for (k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
		sigaddset(&block, sigs[k]);
	sigprocmask(SIG_BLOCK, &block, &s->orig);
	for (k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
		sigdelset(&s->orig, sigs[k]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
		sigaction(sigs[k], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/*
	 * The upgrade variables are this process's only when its own upgrade
	 * set them (the pid beside them is ours); on any other start they are
	 * stray (a parent's, a unit's Environment=) and dropped unread.
	 */
	ours = listenfd_upgrade_pid(getenv(ENV_UPGRADE_PID), getpid());
	if (ours != 1 && (getenv(ENV_LISTEN_FD) != NULL ||
	    getenv(ENV_PLATFORM_FD) != NULL || getenv(ENV_CHILDREN) != NULL))
		log_warnx("%s, %s, %s: not set by an upgrade of this process "
		    "(%s %s): ignored", ENV_LISTEN_FD, ENV_PLATFORM_FD,
		    ENV_CHILDREN, ENV_UPGRADE_PID, ours == 0 ?
		    "absent or another pid" : "malformed");
	unsetenv(ENV_UPGRADE_PID);
	if (ours != 1) {
		unsetenv(ENV_LISTEN_FD);
		unsetenv(ENV_PLATFORM_FD);
		unsetenv(ENV_CHILDREN);
	}
	if ((v = getenv(ENV_CHILDREN)) != NULL) {
		if ((nold = listenfd_parse_pids(v, old, LISTENFD_MAX_PIDS)) < 0) {
			log_warnx("%s malformed: the workers of the image before "
			    "are not stopped", ENV_CHILDREN);
			nold = 0;
		}
		unsetenv(ENV_CHILDREN);
	}
	if (take_listener(s) == -1)
		return 1;
	unsetenv(ENV_LISTEN_FD);
	if (take_platform(s) == -1) {
		close(s->fd);
		return 1;
	}
	unsetenv(ENV_PLATFORM_FD);
	/* Rate-limit counters shared by every worker of this host. */
	s->rl = worker_ratelimit_map(cfg, 1);
	/* The host's metrics, whatever `metrics` says now: a reload may
	 * turn them on (1.5 MiB of address space, pages touched on use). */
	if (metrics_map() == -1)
		log_warn("metrics: mmap: GET /metrics answers 404");

	/*
	 * After an upgrade, the old image's workers serve until the new ones
	 * do; then they finish their requests in flight and exit. If none of
	 * the new ones serves, the old ones go on serving (stopped at a stop,
	 * a successful reload, or the next upgrade).
	 */
	ready = spawn_ready(s, cfg, 0, s->nworkers);
	if (nold > 0 && ready == 0) {
		log_warnx("UPGRADE FAILED: no worker of %s started (above); "
		    "the %d children of the image before keep serving; fix the "
		    "cause and upgrade again (SIGUSR2) or restart", s->exe,
		    nold);
		memcpy(s->old, old, (size_t)nold * sizeof(old[0]));
		s->nold = nold;
		s->ready = 1;	/* the old workers serve */
	} else if (nold > 0) {
		log_info("upgraded: the %d children of the image before "
		    "stopping", nold);
		retire(old, nold);
	}
	s->pids[s->nworkers] = spawn(s, cfg, s->nworkers, 1, -1, -1);
	s->born[s->nworkers] = time(NULL);
	count_workers(s);
	log_info("listening on %s with %d workers", s->name, s->nworkers);
	if (ready > 0 || s->nold > 0)
		notify_ready(s, nold > 0 ? "upgraded" : "the workers serve");
	else
		log_warnx("no worker serves yet: systemd is told READY=1 when "
		    "one does");

	while (!got_stop) {
		sigsuspend(&s->orig);
		if (got_child) {
			got_child = 0;
			reap(s);
			count_workers(s);
		}
		if (got_stop)
			break;
		if (got_reload) {
			got_reload = 0;
			sdnotify_reloading();
			if (reload(s) == 0)
				s->ready = 1;
			count_workers(s);
			if (s->ready && !stop_pending())
				sdnotify("READY=1");
		}
		if (got_upgrade) {
			got_upgrade = 0;
			upgrade(s);
		}
	}

	/* Stop accepting; workers finish what they have. */
	sdnotify("STOPPING=1");
	log_info("stopping: waiting for %d workers", s->nworkers);
	close_listener(s->fd, s->listen, s->owned);
	if (s->pfd != -1)
		close_listener(s->pfd, s->cfg->platform_listen, 1);
	retire(s->pids, s->nworkers + 1);
	if (s->nold > 0)
		retire(s->old, s->nold);
	config_wipe(s->cfg);
	log_info("stopped");
	return 0;
}
