/*
 * argon2-rate: Argon2id verifications per second on one core with the
 * default parameters (m=19456 KiB, t=2, p=1): the bound the password grant
 * cannot beat, measured in the same run as the login benchmark.
 * usage: argon2-rate [seconds] [returned]
 * With "returned", memory is handed back to the system after each hash, as
 * jwtmint's workers do (main.c: a fixed mmap threshold keeps their RSS
 * small between logins), so every hash also pays its page faults.
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include <argon2.h>

int
main(int argc, char *argv[])
{
	char		 phc[256];
	const char	 salt[16] = "0123456789abcdef";
	double		 secs = argc > 1 ? atof(argv[1]) : 3.0, el;
	struct timespec	 t0, t1;
	long		 n = 0;

	if (argc > 2 && strcmp(argv[2], "returned") == 0)
		mallopt(M_MMAP_THRESHOLD, 256 * 1024);

	if (argon2id_hash_encoded(2, 19456, 1, "pw", 2, salt, sizeof(salt), 32,
	    phc, sizeof(phc)) != ARGON2_OK)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (argon2id_verify(phc, "pw", 2) != ARGON2_OK)
			return 1;
		n++;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		el = (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	} while (el < secs);
	printf("%.1f\n", (double)n / el);
	return 0;
}
