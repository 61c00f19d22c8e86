/*
 * jreq: see jreq.h. The scan before jansson is a small JSON lexer that only
 * tracks strings (quotes and backslash escapes) and brackets; it never
 * decides validity (jansson does), only whether the bounds hold.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "jreq.h"

static void
say(char *why, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, JREQ_WHY_BYTES, fmt, ap);
	va_end(ap);
}

int
jreq_bounded(const char *body, size_t len, char *why)
{
	size_t	 items[JREQ_MAX_DEPTH + 1];
	size_t	 i, slen = 0;
	int	 depth = 0, instr = 0, esc = 0;
	unsigned char c;

	if (len > JREQ_MAX_BODY_BYTES) {
		say(why, "the body is too large");
		return -1;
	}
	for (i = 0; i < len; i++) {
		c = (unsigned char)body[i];
		if (c == '\0') {
			say(why, "the body has a NUL byte");
			return -1;
		}
		if (instr) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"') {
				instr = 0;
				continue;
			}
			if (++slen > JREQ_MAX_STRING_BYTES) {
				say(why, "a string is too long");
				return -1;
			}
			continue;
		}
		switch (c) {
		case '"':
			instr = 1;
			slen = 0;
			break;
		case '{':
		case '[':
			if (depth == JREQ_MAX_DEPTH) {
				say(why, "the body is nested too deeply");
				return -1;
			}
			items[++depth] = 0;
			break;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			break;
		case ',':
			/* n commas: n + 1 members or items */
			if (depth > 0 && ++items[depth] >= JREQ_MAX_ITEMS) {
				say(why, "an object or array has too many "
				    "members");
				return -1;
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

static int
has_ctl(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

/* A member name we may repeat in a message. */
static int
nameable(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 1 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

static int
get_string(const struct jreq_field *f, json_t *v, const char **out, char *why)
{
	const char	*s;
	size_t		 n;

	if (!json_is_string(v)) {
		say(why, "%s must be a string", f->name);
		return -1;
	}
	s = json_string_value(v);
	n = json_string_length(v);
	if (n == 0) {
		say(why, "%s is empty", f->name);
		return -1;
	}
	if (n > f->maxlen) {
		say(why, "%s is too long", f->name);
		return -1;
	}
	if (has_ctl(s, n)) {
		say(why, "%s has control characters", f->name);
		return -1;
	}
	*out = s;
	return 0;
}

static int
get_int(const struct jreq_field *f, json_t *v, long long *out, char *why)
{
	long long	 n;

	if (!json_is_integer(v)) {
		say(why, "%s must be an integer", f->name);
		return -1;
	}
	n = (long long)json_integer_value(v);
	if (n < f->min || n > f->max) {
		say(why, "%s is out of range", f->name);
		return -1;
	}
	*out = n;
	return 0;
}

static int
get_duration(const struct jreq_field *f, json_t *v, long long *out, char *why)
{
	long long	 n;

	if (json_is_integer(v))
		n = (long long)json_integer_value(v);
	else if (json_is_string(v)) {
		if ((n = duration_parse(json_string_value(v),
		    json_string_length(v))) < 0) {
			say(why, "%s must be a duration such as 30m, 24h or 7d",
			    f->name);
			return -1;
		}
	} else {
		say(why, "%s must be a duration such as 30m, 24h or 7d",
		    f->name);
		return -1;
	}
	if (n < f->min || n > f->max) {
		say(why, "%s is out of range", f->name);
		return -1;
	}
	*out = n;
	return 0;
}

static int
get_words(const struct jreq_field *f, json_t *v, char **owned, char *why)
{
	json_t		*it;
	const char	*s;
	size_t		 i, n, total = 1, len = 0;
	char		*buf;

	if (!json_is_array(v)) {
		say(why, "%s must be an array of strings", f->name);
		return -1;
	}
	if (json_array_size(v) > f->maxitems) {
		say(why, "%s has too many items", f->name);
		return -1;
	}
	json_array_foreach(v, i, it) {
		if (!json_is_string(it)) {
			say(why, "%s must be an array of strings", f->name);
			return -1;
		}
		n = json_string_length(it);
		s = json_string_value(it);
		if (n == 0 || n > f->maxlen) {
			say(why, "%s has an empty or too long item", f->name);
			return -1;
		}
		if (has_ctl(s, n) || memchr(s, ' ', n) != NULL) {
			say(why, "%s has an item with spaces or control "
			    "characters", f->name);
			return -1;
		}
		total += n + 1;
	}
	if ((buf = malloc(total)) == NULL) {
		say(why, "out of memory");
		return -1;
	}
	json_array_foreach(v, i, it) {
		n = json_string_length(it);
		if (len > 0)
			buf[len++] = ' ';
		memcpy(buf + len, json_string_value(it), n);
		len += n;
	}
	buf[len] = '\0';
	*owned = buf;
	return 0;
}

static int
get_meta(const struct jreq_field *f, json_t *v, char **owned, char *why)
{
	json_free_t	 jfree;
	const char	*k;
	char		*s;
	json_t		*it;
	size_t		 n;

	if (!json_is_object(v)) {
		say(why, "%s must be an object", f->name);
		return -1;
	}
	if (json_object_size(v) > JREQ_META_MAX_KEYS) {
		say(why, "%s has more than %d entries", f->name,
		    JREQ_META_MAX_KEYS);
		return -1;
	}
	json_object_foreach(v, k, it) {
		n = strlen(k);
		if (n == 0 || n > JREQ_META_KEY_BYTES || has_ctl(k, n)) {
			say(why, "%s keys must be 1 to %d bytes without control "
			    "characters", f->name, JREQ_META_KEY_BYTES);
			return -1;
		}
		if (!json_is_string(it) ||
		    json_string_length(it) > JREQ_META_VALUE_BYTES ||
		    has_ctl(json_string_value(it), json_string_length(it))) {
			say(why, "%s values must be strings of at most %d bytes "
			    "without control characters", f->name,
			    JREQ_META_VALUE_BYTES);
			return -1;
		}
	}
	/* Owned memory is malloc's; json_dumps's is jansson's allocator's. */
	if ((s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS)) == NULL ||
	    (*owned = strdup(s)) == NULL) {
		if (s != NULL) {
			json_get_alloc_funcs(NULL, &jfree);
			jfree(s);
		}
		say(why, "out of memory");
		return -1;
	}
	json_get_alloc_funcs(NULL, &jfree);
	jfree(s);
	return 0;
}

int
jreq_meta_text(const char *text, char *out, size_t outsz, char *why)
{
	static const struct jreq_field f = { "meta", JREQ_META, 0, 0, 0, 0,
	    0, 0 };
	json_t	*v;
	char	*canon = NULL;
	size_t	 n = strlen(text);
	int	 rc = -1;

	if (jreq_bounded(text, n, why) == -1)
		return -1;
	if ((v = json_loadb(text, n, JSON_REJECT_DUPLICATES, NULL)) == NULL) {
		say(why, "meta is not a valid JSON object");
		return -1;
	}
	if (get_meta(&f, v, &canon, why) == 0) {
		if (strlen(canon) < outsz) {
			memcpy(out, canon, strlen(canon) + 1);
			rc = 0;
		} else
			say(why, "meta is too long");
	}
	free(canon);
	json_decref(v);
	return rc;
}

static int
one(struct jreq *j, size_t i, json_t *v, void *out, char *why)
{
	const struct jreq_field	*f = &j->spec[i];
	char			*dst = (char *)out + f->off;
	int			 rc = -1;

	if (json_is_null(v)) {
		if (!(f->flags & JREQ_NULLABLE)) {
			say(why, "%s may not be null", f->name);
			return -1;
		}
		j->nulls |= 1UL << i;
		return 0;
	}
	switch (f->type) {
	case JREQ_STRING:
		rc = get_string(f, v, (const char **)(void *)dst, why);
		break;
	case JREQ_INT:
		rc = get_int(f, v, (long long *)(void *)dst, why);
		break;
	case JREQ_BOOL:
		if (!json_is_boolean(v)) {
			say(why, "%s must be true or false", f->name);
			return -1;
		}
		*(int *)(void *)dst = json_is_true(v);
		rc = 0;
		break;
	case JREQ_DURATION:
		rc = get_duration(f, v, (long long *)(void *)dst, why);
		break;
	case JREQ_WORDS:
		if ((rc = get_words(f, v, &j->owned[i], why)) == 0)
			*(const char **)(void *)dst = j->owned[i];
		break;
	case JREQ_META:
		if ((rc = get_meta(f, v, &j->owned[i], why)) == 0)
			*(const char **)(void *)dst = j->owned[i];
		break;
	}
	return rc;
}

int
jreq_parse(struct jreq *j, const char *body, size_t len,
    const struct jreq_field *spec, size_t n, void *out, char *why)
{
	json_error_t	 e;
	const char	*k;
	json_t		*v;
	size_t		 i;

	memset(j, 0, sizeof(*j));
	why[0] = '\0';
	if (n > JREQ_MAX_FIELDS) {
		say(why, "too many fields in the table");
		return -1;
	}
	j->spec = spec;
	j->nspec = n;
	if (len == 0) {
		say(why, "the body is empty");
		return -1;
	}
	if (jreq_bounded(body, len, why) == -1)
		return -1;
	if ((j->root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &e)) ==
	    NULL) {
		/* jansson's text can quote the input: never shown. */
		say(why, "the body is not valid JSON (a duplicate member, a "
		    "NUL escape or bad UTF-8 included)");
		return -1;
	}
	if (!json_is_object(j->root)) {
		say(why, "the body must be a JSON object");
		goto fail;
	}
	json_object_foreach(j->root, k, v) {
		for (i = 0; i < n; i++)
			if (strcmp(spec[i].name, k) == 0)
				break;
		if (i == n) {
			if (nameable(k))
				say(why, "unknown field %s", k);
			else
				say(why, "a field name is malformed or unknown");
			goto fail;
		}
		j->seen |= 1UL << i;
		if (one(j, i, v, out, why) == -1)
			goto fail;
	}
	for (i = 0; i < n; i++)
		if ((spec[i].flags & JREQ_REQUIRED) &&
		    (!(j->seen & (1UL << i)) || (j->nulls & (1UL << i)))) {
			say(why, "%s is required", spec[i].name);
			goto fail;
		}
	return 0;
fail:
	jreq_free(j);
	return -1;
}

static int
row(const struct jreq *j, const char *name)
{
	size_t	 i;

	for (i = 0; i < j->nspec; i++)
		if (strcmp(j->spec[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
jreq_has(const struct jreq *j, const char *name)
{
	int	 i = row(j, name);

	return i >= 0 && (j->seen & (1UL << i)) != 0;
}

int
jreq_is_null(const struct jreq *j, const char *name)
{
	int	 i = row(j, name);

	return i >= 0 && (j->nulls & (1UL << i)) != 0;
}

void
jreq_free(struct jreq *j)
{
	size_t	 i;

	for (i = 0; i < JREQ_MAX_FIELDS; i++) {
		free(j->owned[i]);
		j->owned[i] = NULL;
	}
	json_decref(j->root);
	j->root = NULL;
	j->seen = j->nulls = 0;
}
