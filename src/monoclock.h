/*
 * monoclock: milliseconds on the monotonic clock, for deadlines and
 * intervals (never for a time shown or stored: that is the wall clock).
 */
#ifndef JWTMINT_MONOCLOCK_H
#define JWTMINT_MONOCLOCK_H

long long	monoclock_ms(void);

#endif
