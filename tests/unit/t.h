/*
 * t.h: the smallest table-driven test harness.
 * Each check prints "ok - NAME" or "not ok - NAME (file:line)"; t_done()
 * prints "# N passed, N failed" and returns the exit status. The runner
 * (tests/run.sh) counts the ok / not ok lines of every program.
 */
#ifndef JWTMINT_T_H
#define JWTMINT_T_H

#include <stdio.h>

static int t_pass, t_fail;

#define T_CHECK(cond, ...) do {						\
	char t_name_[512];						\
	snprintf(t_name_, sizeof(t_name_), __VA_ARGS__);		\
	if (cond) {							\
		t_pass++;						\
		printf("ok - %s\n", t_name_);				\
	} else {							\
		t_fail++;						\
		printf("not ok - %s (%s:%d)\n", t_name_, __FILE__, __LINE__); \
	}								\
} while (0)

static inline int
t_done(void)
{
	printf("# %d passed, %d failed\n", t_pass, t_fail);
	return t_fail ? 1 : 0;
}

#endif
