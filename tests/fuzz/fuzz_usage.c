/*
 * fuzz_usage: any bytes as a client address: an accepted one's network
 * formats, and the formatted network parses back to itself. The same bytes
 * then drive a small table (keys and organizations cut from the input,
 * drains and restores between): every count added is either drained or
 * dropped, never lost or made up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usage.h"

#define NSLOTS	8

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t
sum(const struct usage_slot *v, size_t n)
{
	uint64_t	 s = 0;
	size_t		 i;
	int		 e, o;

	for (i = 0; i < n; i++)
		for (e = 0; e < USAGE_EP__MAX; e++)
			for (o = 0; o < USAGE_OUT__MAX; o++)
				s += v[i].n[e][o];
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char	*mem;
	struct usage_slot	 out[NSLOTS];
	struct usage_net	 net, back;
	struct usage		*u;
	char			 s[80], f[USAGE_NET_BYTES], *slash;
	char			 key[USAGE_KEY_BYTES + 4], org[8];
	uint64_t		 added = 0, drained = 0;
	size_t			 i, n;
	int			 late;

	n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;
	memcpy(s, data, n);
	s[n] = '\0';
	if (usage_net_parse(s, &net) == 0) {
		if (usage_net_format(&net, f, sizeof(f)) == -1 ||
		    (slash = strchr(f, '/')) == NULL)
			__builtin_trap();
		*slash = '\0';
		if (usage_net_parse(f, &back) == -1 ||
		    back.family != net.family ||
		    memcmp(back.addr, net.addr, sizeof(net.addr)) != 0)
			__builtin_trap();
	}

	/* The table's own size (its header holds the writers' cells). */
	if (mem == NULL && posix_memalign((void **)&mem, 64,
	    usage_size(NSLOTS)) != 0)
		__builtin_trap();
	memset(mem, 0, usage_size(NSLOTS));
	u = usage_init(mem, NSLOTS);
	for (i = 0; i + 3 <= size; i += 3) {
		if (data[i] == 0xff) {	/* drain, and give half of it back */
			n = usage_drain(u, out, &late);
			drained += sum(out, n / 2);
			usage_restore(u, out + n / 2, n - n / 2);
			continue;
		}
		snprintf(key, sizeof(key), "k%u", data[i] % 13);
		snprintf(org, sizeof(org), "o%u", data[i + 1] % 3);
		/* Out of range endpoints and outcomes are dropped. */
		(void)usage_add(u, key, org,
		    (enum usage_endpoint)(data[i + 1] % 8),
		    (enum usage_outcome)(data[i + 2] % 7), data[i + 2], &net);
		added += data[i + 2];
	}
	n = usage_drain(u, out, &late);
	drained += sum(out, n);
	n = usage_drain(u, out, &late);
	drained += sum(out, n);
	if (drained + usage_dropped_of(u) != added)
		__builtin_trap();
	return 0;
}
