/*
 * deadline: a whole-request time limit for a worker's connections.
 *
 * A per-read socket timeout bounds each read, not a request: a peer that
 * trickles a byte (or a FastCGI management record) now and then, or keeps
 * sending after the answer while libfcgi drains the connection before
 * closing it, could hold a worker for as long as it liked. So a watchdog
 * thread, one per process, wakes a few times per deadline and shuts down
 * (shutdown(2), both ways) the connection of a request that is still in
 * hand past its deadline: every read on it then ends (EOF), every write
 * fails, and the worker goes on. The request thread only takes an
 * uncontended mutex to arm and disarm: no system call per request.
 *
 * The descriptor stays the caller's: the watchdog never closes it, and it
 * touches it only while armed, so the caller disarms before the descriptor
 * number can be reused (closing it is fine while armed: shutdown on a
 * closed descriptor fails harmlessly, and nothing else opens one between).
 */
#ifndef JWTMINT_DEADLINE_H
#define JWTMINT_DEADLINE_H

/*
 * Start the watchdog for deadlines of ms milliseconds (it wakes every
 * ms / 10, between 10 ms and 1 s). Every signal is blocked in its thread.
 * Returns 0 or -1. Once per process.
 */
int	deadline_start(int ms);

/* The request on fd must be done within the ms given to deadline_start. */
void	deadline_arm(int fd);

/* Done with it. Returns 1 when the watchdog shut the connection down. */
int	deadline_disarm(void);

#endif
