/*
 * jsonw: a compact JSON writer into a fixed buffer. See jsonw.h.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "jsonw.h"
#include "utf8.h"

static void
put(struct jsonw *w, const char *s, size_t n)
{
	if (w->err)
		return;
	/* Keep one byte for the final NUL. */
	if (n >= w->size - w->len) {
		w->err = 1;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void
putc1(struct jsonw *w, char c)
{
	put(w, &c, 1);
}

/* A JSON string: runs of safe bytes copied at once, the rest escaped. */
static void
quote(struct jsonw *w, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, run = 0;
	char			 esc[6];

	if (!utf8_valid(p, n)) {
		w->err = 1;
		return;
	}
	putc1(w, '"');
	for (i = 0; i < n; i++) {
		if (p[i] >= 0x20 && p[i] != '"' && p[i] != '\\')
			continue;
		put(w, s + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		switch (p[i]) {
		case '"':  esc[1] = '"';  put(w, esc, 2); break;
		case '\\': esc[1] = '\\'; put(w, esc, 2); break;
		case '\b': esc[1] = 'b';  put(w, esc, 2); break;
		case '\f': esc[1] = 'f';  put(w, esc, 2); break;
		case '\n': esc[1] = 'n';  put(w, esc, 2); break;
		case '\r': esc[1] = 'r';  put(w, esc, 2); break;
		case '\t': esc[1] = 't';  put(w, esc, 2); break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[p[i] >> 4];
			esc[5] = hex[p[i] & 0xf];
			put(w, esc, 6);
		}
	}
	put(w, s + run, n - run);
	putc1(w, '"');
}

/* The separator and key before a value; key NULL only inside an array. */
static void
member(struct jsonw *w, const char *key)
{
	int	in_array;

	if (w->err)
		return;
	if (w->depth == 0) {
		w->err = 1;		/* after jw_end or the top-level close */
		return;
	}
	in_array = w->close[w->depth - 1] == ']';
	if ((key == NULL) != in_array) {
		w->err = 1;
		return;
	}
	if (!w->first[w->depth - 1])
		putc1(w, ',');
	w->first[w->depth - 1] = 0;
	if (key != NULL) {
		quote(w, key, strlen(key));
		putc1(w, ':');
	}
}

static void
nest(struct jsonw *w, char o, char c)
{
	if (w->err)
		return;
	if (w->depth == JW_MAX_DEPTH) {
		w->err = 1;
		return;
	}
	putc1(w, o);
	w->first[w->depth] = 1;
	w->close[w->depth] = c;
	w->depth++;
}

void
jw_init(struct jsonw *w, char *buf, size_t size)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->size = size;
	if (buf == NULL || size == 0 || size > INT_MAX) {
		w->err = 1;
		w->size = 0;
		return;
	}
	buf[0] = '\0';
	nest(w, '{', '}');
}

void
jw_strn(struct jsonw *w, const char *key, const char *val, size_t n)
{
	member(w, key);
	if (val == NULL)
		w->err = 1;
	if (!w->err)
		quote(w, val, n);
}

void
jw_str(struct jsonw *w, const char *key, const char *val)
{
	jw_strn(w, key, val, val != NULL ? strlen(val) : 0);
}

void
jw_int(struct jsonw *w, const char *key, long long val)
{
	char	num[24];
	int	n;

	member(w, key);
	n = snprintf(num, sizeof(num), "%lld", val);
	if (n > 0 && (size_t)n < sizeof(num))
		put(w, num, (size_t)n);
	else
		w->err = 1;
}

void
jw_fixed3(struct jsonw *w, const char *key, long long val)
{
	char	num[32];
	int	n;

	member(w, key);
	if (val < 0)
		w->err = 1;
	n = snprintf(num, sizeof(num), "%lld.%03lld", val / 1000, val % 1000);
	if (n > 0 && (size_t)n < sizeof(num))
		put(w, num, (size_t)n);
	else
		w->err = 1;
}

void
jw_obj(struct jsonw *w, const char *key)
{
	member(w, key);
	nest(w, '{', '}');
}

void
jw_arr(struct jsonw *w, const char *key)
{
	member(w, key);
	nest(w, '[', ']');
}

void
jw_close(struct jsonw *w)
{
	if (w->err)
		return;
	if (w->depth <= 1) {		/* the top level closes in jw_end */
		w->err = 1;
		return;
	}
	w->depth--;
	putc1(w, w->close[w->depth]);
}

int
jw_end(struct jsonw *w)
{
	if (!w->err && w->depth != 1)
		w->err = 1;		/* an object or array left open */
	if (!w->err) {
		putc1(w, '}');
		w->depth = 0;
	}
	if (w->err) {
		if (w->size > 0)
			w->buf[0] = '\0';
		return -1;
	}
	w->buf[w->len] = '\0';
	return (int)w->len;
}
