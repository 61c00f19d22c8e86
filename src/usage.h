/*
 * usage: per-key request counts of one host, in memory shared by its
 * processes (an anonymous MAP_SHARED mapping the supervisor makes before
 * it forks: workers and the housekeeper inherit it, and a restarted worker
 * keeps the host's counts). A request adds one to a counter of its key's
 * slot with an atomic add: no lock, no system call, no database write.
 * The housekeeper drains the counts every usage_flush_interval seconds and
 * writes them in one statement (store_usage.h, sql/013_usage.sql).
 *
 * Layout: a header and two tables of nslots slots each; the header's epoch
 * says which table counts now. A slot holds one key (id and organization;
 * "unknown" and "" for ids not in the key cache), its counters per
 * (endpoint, outcome) and up to USAGE_NETS client networks (/24, /48).
 *
 * The swap/drain protocol (no lock; a writer never waits):
 *   writer: e = epoch; in[e&1] += 1 (the process's own writer cell);
 *           if epoch != e, undo and retry; count in table e&1;
 *           in[e&1] -= 1.
 *   drain:  epoch += 1; wait until every cell's in[old] == 0 (bounded by
 *           USAGE_DRAIN_WAIT_MS; the cell of a writer that died inside is
 *           cleared once kill(pid, 0) says it is gone, and the cells of
 *           processes gone are freed after each drain); copy the old
 *           table's slots out; zero it. The old table is then idle until
 *           the next swap. A process gets its cell at its first count (up
 *           to USAGE_WRITERS; the others share cell 0, which is never
 *           cleared: there a dying writer still makes every drain wait).
 * Both sides use sequentially consistent operations, so either the writer
 * sees the new epoch (and moves on) or the drain sees its mark (and
 * waits). A flush that fails hands the slots back (usage_restore): they
 * are added into the current table and written with the next flush.
 *
 * Bounded: a key is found by linear probing over at most USAGE_PROBES
 * slots; a count that finds no slot (the table holds that many keys this
 * interval, or a database outage kept them) is added to the dropped
 * counter, never silently lost. Ids not in the key cache all count under
 * "unknown", so forged ids cannot fill the table.
 *
 * Pure: no libpq, no FastCGI. CGI mode maps nothing: nothing is counted.
 */
#ifndef JWTMINT_USAGE_H
#define JWTMINT_USAGE_H

#include <stddef.h>
#include <stdint.h>

#define USAGE_SLOTS		4096	/* keys per host per interval */
#define USAGE_PROBES		128
#define USAGE_NETS		4	/* client networks per key and interval */
#define USAGE_KEY_BYTES		24	/* an API key id (16) or "unknown" */
#define USAGE_ORG_BYTES		64
#define USAGE_NET_BYTES		48	/* "2001:db8:1::/48" */
#define USAGE_DRAIN_WAIT_MS	200
#define USAGE_WRITERS		512	/* processes of a host that count */
#define USAGE_UNKNOWN		"unknown"

/*
 * The endpoint column (sql/013_usage.sql); 0: not counted. /token counts
 * by grant_type ("token.password", ...; usage_token_endpoint()), the
 * others by path.
 */
enum usage_endpoint {
	USAGE_EP_NONE,
	USAGE_EP_TOKEN_CLIENT_CREDENTIALS,
	USAGE_EP_TOKEN_PASSWORD,
	USAGE_EP_TOKEN_REFRESH_TOKEN,
	USAGE_EP_TOKEN_TOKEN_EXCHANGE,
	USAGE_EP_TOKEN_AUTHORIZATION_CODE,
	USAGE_EP_TOKEN_OTHER,		/* grant_type missing or unknown */
	USAGE_EP_CHECK,
	USAGE_EP_INTROSPECT,
	USAGE_EP_REVOKE,
	USAGE_EP_ADMIN,
	USAGE_EP_AUTHORIZE,
	USAGE_EP__MAX
};

/* The outcome column: allowed, or why it was refused. */
enum usage_outcome {
	USAGE_ALLOWED,
	USAGE_INVALID_CREDENTIAL,
	USAGE_SCOPE,
	USAGE_RATE_LIMIT,
	USAGE_ACCOUNT,
	USAGE_OTHER,
	USAGE_OUT__MAX
};

/* A client network: family 4 or 6 (0: none), the address masked to its
 * /24 or /48. */
struct usage_net {
	uint32_t	 state;		/* 0 free, 1 being written, 2 set */
	uint8_t		 family;
	uint8_t		 addr[16];
};

struct usage_slot {
	uint32_t	 state;		/* 0 free, 1 being claimed, 2 set */
	uint32_t	 hash;
	char		 key[USAGE_KEY_BYTES];
	char		 org[USAGE_ORG_BYTES];
	uint64_t	 n[USAGE_EP__MAX][USAGE_OUT__MAX];
	struct usage_net nets[USAGE_NETS];
};

struct usage;

/* Column names: "token.password", "check", ... and "allowed", ...; NULL
 * when out of range. */
const char	*usage_endpoint_name(enum usage_endpoint);
const char	*usage_outcome_name(enum usage_outcome);

/* The endpoint of a name, or USAGE_EP_NONE. */
enum usage_endpoint usage_endpoint_parse(const char *);

/* The /token endpoint of a grant_type value as sent (NULL or "": none):
 * USAGE_EP_TOKEN_OTHER unless granttype.h knows it. */
enum usage_endpoint usage_token_endpoint(const char *grant_type);

/* Bytes of a table of nslots slots per half (zeroed memory is empty). */
size_t		 usage_size(size_t nslots);

/* Make the zeroed memory mem (usage_size bytes, aligned to 64 bytes as
 * mmap's are) a table; NULL when it is not aligned. */
struct usage	*usage_init(void *mem, size_t nslots);

/*
 * Add n to (key, org, endpoint, outcome), and note net when not NULL and
 * set. key: a key id, or USAGE_UNKNOWN with org "". Returns 0, or -1 when
 * the count went to the dropped counter (no slot, or bad arguments: an
 * endpoint of USAGE_EP_NONE too, which no flush could write).
 */
int		 usage_add(struct usage *, const char *key, const char *org,
		    enum usage_endpoint, enum usage_outcome, uint64_t n,
		    const struct usage_net *net);

/*
 * Swap the tables and copy the drained table's set slots into out (room
 * for nslots). Returns how many; with *late 1 when a writer did not leave
 * the old table within USAGE_DRAIN_WAIT_MS (its count may be lost).
 */
size_t		 usage_drain(struct usage *, struct usage_slot *out,
		    int *late);

/*
 * Be a writer inside the table counting now, as usage_add() is while it
 * counts: for tests of the drain (a writer that dies inside). Returns the
 * table to give usage_leave().
 */
unsigned	 usage_enter(struct usage *);
void		 usage_leave(struct usage *, unsigned);

/* Add n drained slots back into the current table (a failed flush). */
void		 usage_restore(struct usage *, const struct usage_slot *,
		    size_t n);

/* Counts added to the dropped counter since the table was made. */
uint64_t	 usage_dropped_of(const struct usage *);
/* Client networks that found no room (not counts: the /24 is not kept). */
uint64_t	 usage_nets_dropped_of(const struct usage *);
size_t		 usage_nslots(const struct usage *);

/*
 * The network of a client address (REMOTE_ADDR): its /24 for IPv4 (an
 * IPv4 client seen through IPv6 is IPv4: ipaddr_client), its /48 for IPv6. Returns 0, or -1
 * (out->family 0) when addr is not one address.
 */
int		 usage_net_parse(const char *addr, struct usage_net *out);

/* "192.0.2.0/24", "2001:db8:1::/48" into buf. Returns 0 or -1. */
int		 usage_net_format(const struct usage_net *, char *buf,
		    size_t bufsz);

/* --- the host's table: one per process tree ------------------------- */

/*
 * Map the host's table (anonymous, shared with the children forked after
 * it) and make it this process's. Returns 0 or -1 (nothing is counted).
 */
int		 usage_map(void);

/* This process's table, or NULL (CGI mode, or not mapped). */
struct usage	*usage_host(void);

/* usage_add on the host's table (nothing when none is mapped). */
void		 usage_note(const char *key, const char *org,
		    enum usage_endpoint, enum usage_outcome,
		    const char *remote_addr);

/* The host's dropped counter (usage_flush_dropped_total); 0 unmapped. */
uint64_t	 usage_dropped(void);
/* The host's client networks that found no room; 0 unmapped. */
uint64_t	 usage_nets_dropped(void);

#endif
