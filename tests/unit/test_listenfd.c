/*
 * test_listenfd: the two parsers of what another process hands over in
 * the environment: systemd's LISTEN_PID and LISTEN_FDS (sd_listen_fds(3)),
 * the pids an upgrading supervisor passes to its new image, and the pid
 * that says those variables are this process's. Hostile
 * rows first: signs, spaces, hex, empty, overflow, pid 0 and 1, another
 * process's variables, too many pids.
 */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "listenfd.h"
#include "t.h"

struct sd_row {
	const char	*pid, *fds;
	pid_t		 me;
	int		 want;
};

static const struct sd_row sd_rows[] = {
	{ "", "1", 42, -1 },
	{ "42", "", 42, -1 },
	{ "+42", "1", 42, -1 },
	{ "-42", "1", 42, -1 },
	{ " 42", "1", 42, -1 },
	{ "42 ", "1", 42, -1 },
	{ "0x2a", "1", 42, -1 },
	{ "0", "1", 42, -1 },
	{ "42", "0", 42, -1 },
	{ "42", "-1", 42, -1 },
	{ "42", "1x", 42, -1 },
	{ "42", "99999999999", 42, -1 },
	{ "42", "2147483647", 42, -1 },		/* fd 3 + n overflows */
	{ "99999999999", "1", 42, -1 },
	{ "42", "1", 43, 0 },			/* another process's */
	{ NULL, "1", 42, 0 },
	{ "42", NULL, 42, 0 },
	{ NULL, NULL, 42, 0 },
	{ "42", "1", 42, 1 },
	{ "042", "2", 42, 2 },
	{ "2147483647", "3", 2147483647, 3 },
};

struct pids_row {
	const char	*s;
	size_t		 max;
	int		 want;
	pid_t		 first, last;
};

static const struct pids_row pids_rows[] = {
	{ ",", 8, -1, 0, 0 },
	{ "12,", 8, -1, 0, 0 },
	{ ",12", 8, -1, 0, 0 },
	{ "12,,13", 8, -1, 0, 0 },
	{ "12 ,13", 8, -1, 0, 0 },
	{ "-12", 8, -1, 0, 0 },
	{ "+12", 8, -1, 0, 0 },
	{ "0", 8, -1, 0, 0 },			/* kill(0) is the group */
	{ "1", 8, -1, 0, 0 },			/* init */
	{ "12,1", 8, -1, 0, 0 },
	{ "99999999999", 8, -1, 0, 0 },
	{ "12,13,14", 2, -1, 0, 0 },		/* too many */
	{ "", 8, 0, 0, 0 },
	{ "2", 8, 1, 2, 2 },
	{ "12,13,14", 3, 3, 12, 14 },
	{ "2147483647", 1, 1, 2147483647, 2147483647 },
};

struct up_row {
	const char	*v;
	pid_t		 me;
	int		 want;
};

static const struct up_row up_rows[] = {
	{ "", 42, -1 },
	{ "+42", 42, -1 },
	{ "-42", 42, -1 },
	{ " 42", 42, -1 },
	{ "42 ", 42, -1 },
	{ "0x2a", 42, -1 },
	{ "0", 42, -1 },
	{ "1", 1, -1 },
	{ "99999999999", 42, -1 },
	{ "42,43", 42, -1 },
	{ "43", 42, 0 },			/* another process's */
	{ NULL, 42, 0 },
	{ "42", 42, 1 },
	{ "042", 42, 1 },
	{ "2147483647", 2147483647, 1 },
};

int
main(void)
{
	pid_t	 pids[8];
	size_t	 i;
	int	 n;

	for (i = 0; i < sizeof(sd_rows) / sizeof(sd_rows[0]); i++) {
		const struct sd_row *r = &sd_rows[i];

		n = listenfd_sd_count(r->pid, r->fds, r->me);
		T_CHECK(n == r->want, "sd_count(%s, %s, %d) = %d, want %d",
		    r->pid ? r->pid : "NULL", r->fds ? r->fds : "NULL",
		    (int)r->me, n, r->want);
	}
	for (i = 0; i < sizeof(pids_rows) / sizeof(pids_rows[0]); i++) {
		const struct pids_row *r = &pids_rows[i];

		memset(pids, 0, sizeof(pids));
		n = listenfd_parse_pids(r->s, pids, r->max);
		T_CHECK(n == r->want && (n <= 0 || (pids[0] == r->first &&
		    pids[n - 1] == r->last)), "parse_pids(\"%s\", %zu) = %d, "
		    "want %d", r->s, r->max, n, r->want);
	}
	for (i = 0; i < sizeof(up_rows) / sizeof(up_rows[0]); i++) {
		const struct up_row *r = &up_rows[i];

		n = listenfd_upgrade_pid(r->v, r->me);
		T_CHECK(n == r->want, "upgrade_pid(%s, %d) = %d, want %d",
		    r->v ? r->v : "NULL", (int)r->me, n, r->want);
	}
	return t_done();
}
