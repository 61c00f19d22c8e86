/*
 * test_usage: the shared usage table — names, network prefixes, counting,
 * the dropped counter when full, drain and restore, and exactness under
 * processes counting while another drains (the swap protocol).
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "granttype.h"
#include "usage.h"

#define EP_CC	USAGE_EP_TOKEN_CLIENT_CREDENTIALS

static const struct {
	const char	*in;
	int		 rc;
	const char	*net;
} nets[] = {
	{ "", -1, NULL },
	{ "1.2.3", -1, NULL },
	{ "1.2.3.4.5", -1, NULL },
	{ " 1.2.3.4", -1, NULL },
	{ "1.2.3.4/24", -1, NULL },
	{ "fe80::1%eth0", -1, NULL },
	{ "[::1]", -1, NULL },
	{ "192.0.2.77", 0, "192.0.2.0/24" },
	{ "10.255.255.255", 0, "10.255.255.0/24" },
	{ "::ffff:198.51.100.9", 0, "198.51.100.0/24" },
	{ "64:ff9b::198.51.100.9", 0, "198.51.100.0/24" },	/* NAT64 */
	{ "::ffff:0:198.51.100.9", 0, "198.51.100.0/24" },	/* SIIT */
	{ "2001:db8:abcd:12:1::7", 0, "2001:db8:abcd::/48" },
	{ "::1", 0, "::/48" },
};

static uint64_t
total(const struct usage_slot *v, size_t n, const char *key, int ep, int oc)
{
	uint64_t	 s = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			s += v[i].n[ep][oc];
	return s;
}

int
main(void)
{
	struct usage_net	 net;
	struct usage_slot	*out;
	struct usage		*u;
	char			 buf[USAGE_NET_BYTES], key[32];
	void			*mem;
	size_t			 i, n, nslots = 64, got;
	uint64_t		 sum;
	pid_t			 kids[4];
	int			 late, k, st, r, fds[2];

	/* names */
	T_CHECK(strcmp(usage_endpoint_name(USAGE_EP_TOKEN_PASSWORD),
	    "token.password") == 0, "endpoint name");
	T_CHECK(strcmp(usage_endpoint_name(USAGE_EP_TOKEN_OTHER),
	    "token.other") == 0, "endpoint name other");
	T_CHECK(usage_endpoint_parse("token") == USAGE_EP_NONE,
	    "no endpoint token alone");
	T_CHECK(usage_endpoint_parse("token.authorization_code") ==
	    USAGE_EP_TOKEN_AUTHORIZATION_CODE, "parse a grant");
	/* /token by grant_type */
	T_CHECK(usage_token_endpoint("client_credentials") ==
	    USAGE_EP_TOKEN_CLIENT_CREDENTIALS, "grant client_credentials");
	T_CHECK(usage_token_endpoint("password") == USAGE_EP_TOKEN_PASSWORD,
	    "grant password");
	T_CHECK(usage_token_endpoint("refresh_token") ==
	    USAGE_EP_TOKEN_REFRESH_TOKEN, "grant refresh_token");
	T_CHECK(usage_token_endpoint(GT_TOKEN_EXCHANGE_URN) ==
	    USAGE_EP_TOKEN_TOKEN_EXCHANGE, "grant token exchange");
	T_CHECK(usage_token_endpoint("authorization_code") ==
	    USAGE_EP_TOKEN_AUTHORIZATION_CODE, "grant authorization_code");
	T_CHECK(usage_token_endpoint("implicit") == USAGE_EP_TOKEN_OTHER &&
	    usage_token_endpoint("") == USAGE_EP_TOKEN_OTHER &&
	    usage_token_endpoint(NULL) == USAGE_EP_TOKEN_OTHER &&
	    usage_token_endpoint("Password") == USAGE_EP_TOKEN_OTHER,
	    "grant unknown, empty, missing");
	for (k = 1; k < USAGE_EP__MAX; k++)
		T_CHECK(usage_endpoint_parse(usage_endpoint_name(
		    (enum usage_endpoint)k)) == (enum usage_endpoint)k,
		    "endpoint %d round trip", k);
	T_CHECK(usage_endpoint_name(USAGE_EP__MAX) == NULL, "endpoint range");
	T_CHECK(usage_endpoint_name(USAGE_EP_NONE) == NULL, "no endpoint");
	T_CHECK(strcmp(usage_outcome_name(USAGE_RATE_LIMIT), "rate_limit") ==
	    0, "outcome name");
	T_CHECK(usage_outcome_name(USAGE_OUT__MAX) == NULL, "outcome range");
	T_CHECK(usage_endpoint_parse("admin") == USAGE_EP_ADMIN, "parse");
	T_CHECK(usage_endpoint_parse("Admin") == USAGE_EP_NONE, "parse case");
	T_CHECK(usage_endpoint_parse(NULL) == USAGE_EP_NONE, "parse NULL");

	/* networks */
	for (i = 0; i < sizeof(nets) / sizeof(nets[0]); i++) {
		r = usage_net_parse(nets[i].in, &net);
		T_CHECK(r == nets[i].rc, "net_parse \"%s\"", nets[i].in);
		if (r == 0)
			T_CHECK(usage_net_format(&net, buf, sizeof(buf)) == 0 &&
			    strcmp(buf, nets[i].net) == 0, "net \"%s\" -> %s",
			    nets[i].in, nets[i].net);
		else
			T_CHECK(net.family == 0, "net \"%s\" unset",
			    nets[i].in);
	}
	T_CHECK(usage_net_parse(NULL, &net) == -1, "net NULL");
	usage_net_parse("192.0.2.1", &net);
	T_CHECK(usage_net_format(&net, buf, 8) == -1, "net format bound");

	/* counting, hostile arguments, full table */
	if (posix_memalign(&mem, 64, usage_size(nslots)) != 0)
		mem = NULL;
	T_CHECK(mem != NULL && usage_init((char *)mem + 16, nslots) == NULL,
	    "a table not aligned to its cache lines is refused");
	memset(mem, 0, usage_size(nslots));
	out = calloc(nslots, sizeof(*out));
	u = usage_init(mem, nslots);
	T_CHECK(usage_add(NULL, "k", "o", 1, 0, 1, NULL) == -1, "no table");
	T_CHECK(usage_add(u, "", "o", 1, 0, 1, NULL) == -1, "empty key");
	T_CHECK(usage_add(u, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "o", 1, 0, 1,
	    NULL) == -1, "key too long");
	T_CHECK(usage_add(u, "k", "o", USAGE_EP__MAX, 0, 1, NULL) == -1,
	    "endpoint out of range");
	T_CHECK(usage_add(u, "k", "o", 1, USAGE_OUT__MAX, 1, NULL) == -1,
	    "outcome out of range");
	T_CHECK(usage_add(u, "k", "o", USAGE_EP_NONE, 0, 1, NULL) == -1,
	    "no endpoint");
	T_CHECK(usage_dropped_of(u) == 5, "bad arguments are dropped, counted");
	usage_net_parse("192.0.2.1", &net);
	for (i = 0; i < 5; i++)
		usage_add(u, "key_a", "org1", EP_CC, USAGE_ALLOWED, 1,
		    &net);
	usage_add(u, "key_a", "org1", USAGE_EP_CHECK, USAGE_SCOPE, 3, NULL);
	usage_add(u, "key_a", "org2", USAGE_EP_CHECK, USAGE_SCOPE, 1, NULL);
	usage_add(u, USAGE_UNKNOWN, "", EP_CC,
	    USAGE_INVALID_CREDENTIAL, 2, NULL);
	for (k = 0; k < 6; k++) {	/* one more network than it keeps */
		snprintf(buf, sizeof(buf), "10.0.%d.1", k);
		usage_net_parse(buf, &net);
		usage_add(u, "key_b", "org1", USAGE_EP_ADMIN, USAGE_ALLOWED, 1,
		    &net);
	}
	T_CHECK(usage_nets_dropped_of(u) == 2, "networks over the slots");
	n = usage_drain(u, out, &late);
	T_CHECK(n == 4 && !late, "drain: 4 slots (%zu)", n);
	T_CHECK(total(out, n, "key_a", EP_CC, USAGE_ALLOWED) == 5,
	    "key_a token allowed 5");
	T_CHECK(total(out, n, "key_a", USAGE_EP_CHECK, USAGE_SCOPE) == 4,
	    "key_a check scope 3+1 (two orgs, two slots)");
	T_CHECK(total(out, n, "unknown", EP_CC,
	    USAGE_INVALID_CREDENTIAL) == 2, "unknown 2");
	for (i = 0, k = 0; i < n; i++)
		if (strcmp(out[i].key, "key_a") == 0 &&
		    strcmp(out[i].org, "org1") == 0)
			k = out[i].nets[0].state == 2 &&
			    out[i].nets[1].state == 0;
	T_CHECK(k, "one network noted once");
	T_CHECK(usage_drain(u, out, &late) == 0, "drained table is empty");

	/* restore after a failed flush */
	usage_restore(u, out, n);
	usage_add(u, "key_a", "org1", EP_CC, USAGE_ALLOWED, 1, NULL);
	got = usage_drain(u, out, &late);
	T_CHECK(got == 4 && total(out, got, "key_a", EP_CC,
	    USAGE_ALLOWED) == 6, "restored counts come back with new ones");

	/* a full table: counts go to dropped, exactly */
	sum = usage_dropped_of(u);
	for (i = 0; i < nslots + 10; i++) {
		snprintf(key, sizeof(key), "key_%zu", i);
		usage_add(u, key, "o", EP_CC, USAGE_ALLOWED, 7, NULL);
	}
	got = usage_drain(u, out, &late);
	got = got ? got : usage_drain(u, out, &late);
	T_CHECK(got == nslots, "full: every slot used (%zu)", got);
	T_CHECK(usage_dropped_of(u) - sum == 70, "full: 10 keys x 7 dropped");
	/* restoring into a table that cannot take them counts them dropped */
	for (i = 0; i < nslots; i++) {
		snprintf(key, sizeof(key), "other_%zu", i);
		usage_add(u, key, "o", EP_CC, USAGE_ALLOWED, 1, NULL);
	}
	sum = usage_dropped_of(u);
	usage_restore(u, out, got);
	T_CHECK(usage_dropped_of(u) > sum, "restore into a full table: dropped");
	free(mem);
	free(out);

	/* exactness: 4 processes count while this one drains */
	nslots = 256;
	mem = mmap(NULL, usage_size(nslots), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	out = calloc(nslots, sizeof(*out));
	u = usage_init(mem, nslots);
	for (k = 0; k < 4; k++) {
		if ((kids[k] = fork()) == 0) {
			for (i = 0; i < 200000; i++) {
				snprintf(key, sizeof(key), "k%zu", i % 50);
				usage_add(u, key, "o", USAGE_EP_CHECK,
				    (enum usage_outcome)(i % USAGE_OUT__MAX), 1,
				    NULL);
			}
			_exit(0);
		}
	}
	sum = 0;
	for (;;) {
		got = usage_drain(u, out, &late);
		for (i = 0; i < got; i++)
			for (r = 0; r < USAGE_OUT__MAX; r++)
				sum += out[i].n[USAGE_EP_CHECK][r];
		if (waitpid(-1, &st, WNOHANG) > 0 && --k == 0)
			break;
	}
	while (waitpid(-1, &st, 0) > 0)
		;
	for (r = 0; r < 2; r++) {
		got = usage_drain(u, out, &late);
		for (i = 0; i < got; i++)
			for (k = 0; k < USAGE_OUT__MAX; k++)
				sum += out[i].n[USAGE_EP_CHECK][k];
	}
	T_CHECK(sum == 800000, "exact across processes and drains: %llu",
	    (unsigned long long)sum);
	T_CHECK(usage_dropped_of(u) == 0, "nothing dropped");

	/* A writer inside the table: the drain waits for it while it lives
	 * (late), not once it died there (review N4). */
	r = usage_enter(u);
	usage_leave(u, (unsigned)r);
	T_CHECK(pipe(fds) == 0, "pipe");
	if ((kids[0] = fork()) == 0) {
		(void)usage_enter(u);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	T_CHECK(read(fds[0], buf, 1) == 1, "the writer is inside");
	(void)usage_drain(u, out, &late);
	T_CHECK(late == 1, "a live writer inside: late");
	usage_add(u, "k-after", "o", USAGE_EP_CHECK, USAGE_ALLOWED, 1, NULL);
	kill(kids[0], SIGKILL);
	waitpid(kids[0], &st, 0);
	got = usage_drain(u, out, &late);
	T_CHECK(late == 0 && got == 1 && out[0].n[USAGE_EP_CHECK][0] == 1,
	    "the other table, counted meanwhile: %zu late %d", got, late);
	got = usage_drain(u, out, &late);
	T_CHECK(late == 0, "the dead writer's table: not late");
	got = usage_drain(u, out, &late);
	T_CHECK(late == 0, "and never again");
	close(fds[0]);
	close(fds[1]);
	free(out);
	munmap(mem, usage_size(nslots));
	return t_done();
}
