/*
 * jreq: the JSON body of an admin API request, under hard bounds, checked
 * against the endpoint's field table. Pure (jansson only).
 *
 * Order: the raw bytes are scanned first (size, nesting depth, length of
 * every string as sent, members of every object and items of every array)
 * so that jansson never sees a document over the bounds; then jansson
 * parses it (duplicate members refused, NUL escapes refused, UTF-8
 * checked); then every member is checked against the table: a known name,
 * the right type, within its bounds, no control characters in strings.
 *
 * Errors are one sentence naming the field ("name is too long", "unknown
 * field colour") and never any value sent: an unknown member's name is
 * only repeated when it is 1..64 characters of [A-Za-z0-9_.-], else the
 * sentence says "a field name is malformed". Every message is printable
 * ASCII without '"' or '\' (RFC 6749 §5.2 error_description).
 */
#ifndef JWTMINT_JREQ_H
#define JWTMINT_JREQ_H

#include <stddef.h>

#include <jansson.h>

#define JREQ_MAX_BODY_BYTES	65536
#define JREQ_MAX_DEPTH		8	/* objects and arrays, nested */
#define JREQ_MAX_STRING_BYTES	8192	/* any one string as sent */
#define JREQ_MAX_ITEMS		256	/* members or items of one container */
#define JREQ_MAX_FIELDS		32	/* rows of a field table */
#define JREQ_WHY_BYTES		128
/* meta: a flat object of strings. */
#define JREQ_META_MAX_KEYS	32
#define JREQ_META_KEY_BYTES	64
#define JREQ_META_VALUE_BYTES	512

enum jreq_type {
	JREQ_STRING,	/* const char *: 1..maxlen bytes, no control chars */
	JREQ_INT,	/* long long within min..max */
	JREQ_BOOL,	/* int 0 or 1 */
	JREQ_WORDS,	/* const char *: an array of 1..maxitems strings of
			   1..maxlen bytes without spaces or control chars,
			   joined by single spaces ("" for an empty array) */
	JREQ_DURATION,	/* long long seconds within min..max: an integer of
			   seconds or a string of duration.h */
	JREQ_META	/* const char *: the object, compact, keys sorted */
};

#define JREQ_REQUIRED	0x1
#define JREQ_NULLABLE	0x2	/* null is accepted (jreq_is_null) */

struct jreq_field {
	const char	*name;
	enum jreq_type	 type;
	unsigned	 flags;
	size_t		 off;		/* of the value in the caller's struct */
	size_t		 maxlen;	/* STRING, WORDS (per item) */
	size_t		 maxitems;	/* WORDS */
	long long	 min, max;	/* INT, DURATION */
};

/* One parsed body; owns the strings the caller's struct points into. */
struct jreq {
	json_t		*root;
	unsigned long	 seen;		/* bit i: row i was sent */
	unsigned long	 nulls;		/* bit i: row i was sent as null */
	char		*owned[JREQ_MAX_FIELDS];
	const struct jreq_field *spec;
	size_t		 nspec;
};

/*
 * Scan len bytes for the bounds above, without parsing. Returns 0, or -1
 * with a sentence in why (JREQ_WHY_BYTES).
 */
int	jreq_bounded(const char *body, size_t len, char *why);

/*
 * Parse len bytes of body (a JSON object) against the n rows of spec,
 * writing each value sent into out at its row's offset (fields not sent
 * are left as they are: the caller sets its defaults first). Returns 0, or
 * -1 with why set (and nothing kept: j needs no jreq_free then). The
 * strings written into out live until jreq_free(j).
 */
int	jreq_parse(struct jreq *j, const char *body, size_t len,
	    const struct jreq_field *spec, size_t n, void *out, char *why);

/*
 * Check text (a JSON document, NUL-terminated) as a meta object under the
 * JREQ_META rules and write its canonical form (compact, keys sorted)
 * into out (outsz). Returns 0, or -1 with why set. For what did not come
 * through jreq_parse (the CLI).
 */
int	jreq_meta_text(const char *text, char *out, size_t outsz, char *why);

/* 1 when the field was sent (as null too), else 0. */
int	jreq_has(const struct jreq *j, const char *name);
/* 1 when the field was sent as null. */
int	jreq_is_null(const struct jreq *j, const char *name);

/* Free what j owns; the strings of out are gone then. jreq_free of a
 * zeroed struct is a no-op. */
void	jreq_free(struct jreq *j);

#endif
