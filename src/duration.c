/*
 * duration: see duration.h. No strtoll: the digits are counted first, so
 * no input can overflow.
 */
#include "duration.h"

long long
duration_parse(const char *s, size_t len)
{
	long long	 n = 0;
	size_t		 i;

	if (len == 1 && s[0] == '0')
		return 0;
	if (len < 2 || len > 10)
		return -1;
	for (i = 0; i < len - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (s[i] - '0');
	}
	switch (s[len - 1]) {
	case 's':
		break;
	case 'm':
		n *= 60;
		break;
	case 'h':
		n *= 3600;
		break;
	case 'd':
		n *= 86400;
		break;
	default:
		return -1;
	}
	return n > DURATION_MAX_SEC ? -1 : n;
}
