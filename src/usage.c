/*
 * usage: see usage.h for the table and its swap/drain protocol.
 *
 * Invariants: a slot's key and organization are written only while its
 * state is 1 (claimed) and read only once it is 2 (acquire); counters are
 * only ever added to (relaxed atomics) until the drain copies and zeroes
 * the table, which no writer holds by then.
 */
#include <sys/mman.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "granttype.h"
#include "usage.h"

#define USAGE_MAGIC	0x6a776d7573616765ULL	/* "jwmusage" */
#define CLAIM_SPINS	100000	/* a claimer writes ~90 bytes meanwhile */

/*
 * Who is inside each table, per process: a writer that dies inside
 * enter()/leave() leaves only its own cell up, which the drain clears once
 * the process is gone (kill(pid, 0): ESRCH). Cell 0 is shared by the
 * processes that found no free cell (pid -1, never freed). A cell has
 * its own cache line: two workers entering at once do not take turns
 * holding one line (false sharing).
 */
struct usage_writer {
	int32_t		 pid;		/* 0: free */
	uint32_t	 pad;
	uint64_t	 in[2];		/* inside each table */
} __attribute__((aligned(64)));

struct usage {
	uint64_t	 magic;
	uint64_t	 nslots;
	uint64_t	 epoch;		/* epoch & 1: the table counting now */
	uint64_t	 dropped;
	uint64_t	 nets_dropped;
	uint64_t	 pad0[3];	/* the epoch's line: read by every count */
	struct usage_writer writers[USAGE_WRITERS];
	struct usage_slot slots[];	/* 2 * nslots */
};

static const char *const endpoints[USAGE_EP__MAX] = {
	NULL, "token.client_credentials", "token.password",
	"token.refresh_token", "token.token_exchange",
	"token.authorization_code", "token.other", "check", "introspect",
	"revoke", "admin", "authorize"
};
static const char *const outcomes[USAGE_OUT__MAX] = {
	"allowed", "invalid_credential", "scope", "rate_limit", "account",
	"other"
};

static struct usage	*host;		/* this process tree's table */

/* This process's writer cell (writer()); forgotten in a forked child. */
static struct usage	*self_table;
static size_t		 self_cell;
static int32_t		 self_pid;
static int		 atfork_set;

static void
forget_cell(void)
{
	self_table = NULL;
	self_pid = 0;
}

const char *
usage_endpoint_name(enum usage_endpoint e)
{
	return (unsigned)e < USAGE_EP__MAX ? endpoints[e] : NULL;
}

const char *
usage_outcome_name(enum usage_outcome o)
{
	return (unsigned)o < USAGE_OUT__MAX ? outcomes[o] : NULL;
}

enum usage_endpoint
usage_endpoint_parse(const char *s)
{
	int	 i;

	for (i = 1; s != NULL && i < USAGE_EP__MAX; i++)
		if (strcmp(s, endpoints[i]) == 0)
			return (enum usage_endpoint)i;
	return USAGE_EP_NONE;
}

enum usage_endpoint
usage_token_endpoint(const char *grant_type)
{
	switch (grant_type != NULL ? granttype_from_name(grant_type) : 0) {
	case GT_CLIENT_CREDENTIALS:
		return USAGE_EP_TOKEN_CLIENT_CREDENTIALS;
	case GT_PASSWORD:
		return USAGE_EP_TOKEN_PASSWORD;
	case GT_REFRESH_TOKEN:
		return USAGE_EP_TOKEN_REFRESH_TOKEN;
	case GT_TOKEN_EXCHANGE:
		return USAGE_EP_TOKEN_TOKEN_EXCHANGE;
	case GT_AUTHORIZATION_CODE:
		return USAGE_EP_TOKEN_AUTHORIZATION_CODE;
	default:
		return USAGE_EP_TOKEN_OTHER;
	}
}

size_t
usage_size(size_t nslots)
{
	return sizeof(struct usage) + 2 * nslots * sizeof(struct usage_slot);
}

struct usage *
usage_init(void *mem, size_t nslots)
{
	struct usage	*u = mem;

	if (u == NULL || nslots == 0)
		return NULL;
	if (!atfork_set && pthread_atfork(NULL, NULL, forget_cell) == 0)
		atfork_set = 1;
	u->nslots = nslots;
	u->writers[0].pid = -1;
	u->magic = USAGE_MAGIC;
	return u;
}

size_t
usage_nslots(const struct usage *u)
{
	return (size_t)u->nslots;
}

uint64_t
usage_dropped_of(const struct usage *u)
{
	return __atomic_load_n(&u->dropped, __ATOMIC_RELAXED);
}

uint64_t
usage_nets_dropped_of(const struct usage *u)
{
	return __atomic_load_n(&u->nets_dropped, __ATOMIC_RELAXED);
}

/* FNV-1a over key, a NUL and org. */
static uint32_t
slot_hash(const char *key, const char *org)
{
	uint32_t	 h = 2166136261u;
	const char	*p;

	for (p = key; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ 0) * 16777619u;
	for (p = org; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

/* The slot of (key, org) in table t, claimed when new; NULL: no room. */
static struct usage_slot *
slot_find(struct usage_slot *t, size_t nslots, const char *key,
    const char *org)
{
	struct usage_slot	*s;
	uint32_t		 h = slot_hash(key, org), st, zero;
	size_t			 i;
	int			 spins;

	for (i = 0; i < USAGE_PROBES && i < nslots; i++) {
		s = &t[(h + i) % nslots];
		st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
		if (st == 0) {
			zero = 0;
			if (__atomic_compare_exchange_n(&s->state, &zero, 1, 0,
			    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
				s->hash = h;
				snprintf(s->key, sizeof(s->key), "%s", key);
				snprintf(s->org, sizeof(s->org), "%s", org);
				__atomic_store_n(&s->state, 2, __ATOMIC_RELEASE);
				return s;
			}
			st = zero;
		}
		/* Another process is writing this slot's key: a moment. A
		 * claimer that died there leaves it 1: probe on (the key may
		 * then hold two slots; the flush adds them up). */
		for (spins = 0; st == 1 && spins < CLAIM_SPINS; spins++)
			st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
		if (st == 2 && s->hash == h && strcmp(s->key, key) == 0 &&
		    strcmp(s->org, org) == 0)
			return s;
	}
	return NULL;
}

static void
net_note(struct usage *u, struct usage_slot *s, const struct usage_net *net)
{
	struct usage_net	*x;
	uint32_t		 st, zero;
	size_t			 i;

	for (i = 0; i < USAGE_NETS; i++) {
		x = &s->nets[i];
		st = __atomic_load_n(&x->state, __ATOMIC_ACQUIRE);
		if (st == 0) {
			zero = 0;
			if (__atomic_compare_exchange_n(&x->state, &zero, 1, 0,
			    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
				x->family = net->family;
				memcpy(x->addr, net->addr, sizeof(x->addr));
				__atomic_store_n(&x->state, 2, __ATOMIC_RELEASE);
				return;
			}
			st = zero;
		}
		if (st == 2 && x->family == net->family &&
		    memcmp(x->addr, net->addr, sizeof(x->addr)) == 0)
			return;
	}
	__atomic_fetch_add(&u->nets_dropped, 1, __ATOMIC_RELAXED);
}

/*
 * This process's writer cell in u: claimed at its first count (one
 * getpid() per process), cell 0 when none is free. Never a cell found by
 * its pid: a dead process's cell may be stuck up under a reused pid.
 */
static struct usage_writer *
writer(struct usage *u)
{
	int32_t	 zero;
	size_t	 i;

	if (self_table == u)
		return &u->writers[self_cell];
	if (self_pid == 0)
		self_pid = (int32_t)getpid();
	for (i = 1; i < USAGE_WRITERS; i++) {
		zero = 0;
		if (__atomic_load_n(&u->writers[i].pid, __ATOMIC_RELAXED) ==
		    0 && __atomic_compare_exchange_n(&u->writers[i].pid, &zero,
		    self_pid, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			break;
	}
	self_cell = i < USAGE_WRITERS ? i : 0;
	self_table = u;
	return &u->writers[self_cell];
}

/* Enter the table counting now; returns its index (leave with leave()). */
static unsigned
enter(struct usage *u, struct usage_writer *w)
{
	uint64_t	 e;

	for (;;) {
		e = __atomic_load_n(&u->epoch, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&w->in[e & 1], 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&u->epoch, __ATOMIC_SEQ_CST) == e)
			return (unsigned)(e & 1);
		__atomic_fetch_sub(&w->in[e & 1], 1, __ATOMIC_SEQ_CST);
	}
}

static void
leave(struct usage_writer *w, unsigned t)
{
	__atomic_fetch_sub(&w->in[t], 1, __ATOMIC_SEQ_CST);
}

unsigned
usage_enter(struct usage *u)
{
	return enter(u, writer(u));
}

void
usage_leave(struct usage *u, unsigned t)
{
	leave(writer(u), t);
}

/* Whether the process of a claimed cell (not cell 0) is gone. */
static int
gone(const struct usage_writer *w)
{
	int32_t	 pid = __atomic_load_n(&w->pid, __ATOMIC_ACQUIRE);

	return pid > 0 && kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

/* Free the cell of a process that is gone: nothing will touch it again. */
static void
free_cell(struct usage_writer *w)
{
	__atomic_store_n(&w->in[0], 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&w->in[1], 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&w->pid, 0, __ATOMIC_RELEASE);
}

int
usage_add(struct usage *u, const char *key, const char *org,
    enum usage_endpoint ep, enum usage_outcome oc, uint64_t n,
    const struct usage_net *net)
{
	struct usage_slot	*s;
	struct usage_writer	*w;
	unsigned		 t;

	if (u == NULL)
		return -1;
	if (key == NULL || org == NULL || key[0] == '\0' ||
	    strlen(key) >= USAGE_KEY_BYTES || strlen(org) >= USAGE_ORG_BYTES ||
	    ep == USAGE_EP_NONE || (unsigned)ep >= USAGE_EP__MAX ||
	    (unsigned)oc >= USAGE_OUT__MAX) {
		__atomic_fetch_add(&u->dropped, n, __ATOMIC_RELAXED);
		return -1;
	}
	w = writer(u);
	t = enter(u, w);
	s = slot_find(&u->slots[t * u->nslots], (size_t)u->nslots, key, org);
	if (s == NULL) {
		leave(w, t);
		__atomic_fetch_add(&u->dropped, n, __ATOMIC_RELAXED);
		return -1;
	}
	if (n > 0)
		__atomic_fetch_add(&s->n[ep][oc], n, __ATOMIC_RELAXED);
	if (net != NULL && net->family != 0)
		net_note(u, s, net);
	leave(w, t);
	return 0;
}

static void
wait_ms(long ms)
{
	struct timespec	 ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

/* Whether a live writer is inside table t; frees the cells of the dead. */
static int
busy(struct usage *u, unsigned t)
{
	struct usage_writer	*w;
	size_t			 i;
	int			 b = 0;

	for (i = 0; i < USAGE_WRITERS; i++) {
		w = &u->writers[i];
		if (__atomic_load_n(&w->in[t], __ATOMIC_SEQ_CST) == 0)
			continue;
		if (i > 0 && gone(w))
			free_cell(w);	/* died inside: its count is void */
		else
			b = 1;
	}
	return b;
}

size_t
usage_drain(struct usage *u, struct usage_slot *out, int *late)
{
	struct usage_slot	*t;
	uint64_t		 old;
	size_t			 i, n = 0;
	int			 waited;

	*late = 0;
	old = __atomic_fetch_add(&u->epoch, 1, __ATOMIC_SEQ_CST);
	for (waited = 0; busy(u, (unsigned)(old & 1)); waited++) {
		if (waited >= USAGE_DRAIN_WAIT_MS) {
			*late = 1;
			break;
		}
		wait_ms(1);
	}
	t = &u->slots[(old & 1) * u->nslots];
	for (i = 0; i < u->nslots; i++)
		if (__atomic_load_n(&t[i].state, __ATOMIC_ACQUIRE) == 2)
			out[n++] = t[i];
	memset(t, 0, (size_t)u->nslots * sizeof(*t));
	/* The cells of processes gone since (restarted workers). */
	for (i = 1; i < USAGE_WRITERS; i++)
		if (__atomic_load_n(&u->writers[i].pid, __ATOMIC_RELAXED) > 0 &&
		    gone(&u->writers[i]))
			free_cell(&u->writers[i]);
	return n;
}

void
usage_restore(struct usage *u, const struct usage_slot *v, size_t n)
{
	struct usage_slot	*s;
	uint64_t		 sum;
	size_t			 i, k;
	unsigned		 t;
	int			 ep, oc;
	struct usage_writer	*w = writer(u);

	for (i = 0; i < n; i++) {
		t = enter(u, w);
		s = slot_find(&u->slots[t * u->nslots], (size_t)u->nslots,
		    v[i].key, v[i].org);
		for (sum = 0, ep = 0; ep < USAGE_EP__MAX; ep++)
			for (oc = 0; oc < USAGE_OUT__MAX; oc++) {
				if (s != NULL && v[i].n[ep][oc] > 0)
					__atomic_fetch_add(&s->n[ep][oc],
					    v[i].n[ep][oc], __ATOMIC_RELAXED);
				sum += v[i].n[ep][oc];
			}
		for (k = 0; s != NULL && k < USAGE_NETS; k++)
			if (v[i].nets[k].state == 2)
				net_note(u, s, &v[i].nets[k]);
		leave(w, t);
		if (s == NULL)
			__atomic_fetch_add(&u->dropped, sum, __ATOMIC_RELAXED);
	}
}

int
usage_net_parse(const char *addr, struct usage_net *out)
{
	static const uint8_t	 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				    0xff, 0xff };
	unsigned char		 b[16];

	memset(out, 0, sizeof(*out));
	if (addr == NULL || strnlen(addr, 64) == 64)
		return -1;
	if (inet_pton(AF_INET, addr, b) == 1) {
		out->family = 4;
		memcpy(out->addr, b, 3);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, b) != 1)
		return -1;
	if (memcmp(b, mapped, sizeof(mapped)) == 0) {
		out->family = 4;
		memcpy(out->addr, b + 12, 3);
		return 0;
	}
	out->family = 6;
	memcpy(out->addr, b, 6);
	return 0;
}

int
usage_net_format(const struct usage_net *net, char *buf, size_t bufsz)
{
	char	 a[INET6_ADDRSTRLEN];
	int	 r;

	if (net->family == 4) {
		if (inet_ntop(AF_INET, net->addr, a, sizeof(a)) == NULL)
			return -1;
		r = snprintf(buf, bufsz, "%s/24", a);
	} else if (net->family == 6) {
		if (inet_ntop(AF_INET6, net->addr, a, sizeof(a)) == NULL)
			return -1;
		r = snprintf(buf, bufsz, "%s/48", a);
	} else
		return -1;
	return r < 0 || (size_t)r >= bufsz ? -1 : 0;
}

int
usage_map(void)
{
	size_t	 len = usage_size(USAGE_SLOTS);
	void	*p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_SHARED,
	    -1, 0);
	if (p == MAP_FAILED)
		return -1;
	host = usage_init(p, USAGE_SLOTS);
	return 0;
}

struct usage *
usage_host(void)
{
	return host;
}

void
usage_note(const char *key, const char *org, enum usage_endpoint ep,
    enum usage_outcome oc, const char *remote_addr)
{
	struct usage_net	 net;

	if (host == NULL || ep == USAGE_EP_NONE || key == NULL ||
	    key[0] == '\0')
		return;
	if (strcmp(key, USAGE_UNKNOWN) == 0 ||
	    usage_net_parse(remote_addr, &net) == -1)
		net.family = 0;
	(void)usage_add(host, key, org != NULL ? org : "", ep, oc, 1, &net);
}

uint64_t
usage_dropped(void)
{
	return host != NULL ? usage_dropped_of(host) : 0;
}

uint64_t
usage_nets_dropped(void)
{
	return host != NULL ? usage_nets_dropped_of(host) : 0;
}
