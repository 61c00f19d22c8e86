/* monoclock: see monoclock.h. */
#include <time.h>

#include "monoclock.h"

long long
monoclock_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
