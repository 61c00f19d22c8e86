/*
 * form: application/x-www-form-urlencoded request bodies (WHATWG URL §5.1,
 * RFC 6749 appendix B), strict where WHATWG is lenient: a '%' not followed
 * by two hex digits is an error, not a literal.
 *
 * Invariants, for a form returned with FORM_OK:
 * - f->n <= FORM_MAX_PARAMS, every name non-empty, no two names equal
 *   (compared byte for byte after decoding: RFC 6749 §3.2).
 * - Every name and value is decoded, NUL-terminated, at most
 *   FORM_MAX_PARAM_BYTES long, valid UTF-8 (RFC 3629) with no byte in
 *   0x00-0x1f or 0x7f; valuelen == strlen(value).
 * - Every name and value lives in one allocation, packed in order as
 *   name0 NUL value0 NUL name1 NUL ...; params[0].name is its start. So
 *   form_free() can wipe exactly the bytes written and free once, and
 *   nobody may free a name or value alone.
 * One pass over the body, one malloc per body; duplicate detection compares
 * against at most FORM_MAX_PARAMS - 1 earlier names.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "form.h"
#include "secret.h"
#include "utf8.h"

static const char *const errstr[] = {
	[FORM_OK] = "ok",
	[FORM_ERR_ESCAPE] = "malformed percent-encoding",
	[FORM_ERR_NUL] = "control character in parameter",
	[FORM_ERR_UTF8] = "parameter is not valid UTF-8",
	[FORM_ERR_DUP] = "parameter included more than once",
	[FORM_ERR_TOO_MANY] = "too many parameters",
	[FORM_ERR_TOO_LONG] = "parameter too long",
	[FORM_ERR_EMPTY_NAME] = "parameter with an empty name",
	[FORM_ERR_NOMEM] = "out of memory",
};

/*
 * Decode srclen bytes of src into dst (room for srclen + 1 bytes) and
 * NUL-terminate it; *dstlen is the decoded length without the NUL.
 */
static enum form_err
decode(char *dst, size_t *dstlen, const char *src, size_t srclen)
{
	const unsigned char	*s = (const unsigned char *)src;
	unsigned char		*d = (unsigned char *)dst;
	size_t			 i = 0, o = 0;
	int			 hi, lo;
	unsigned char		 c;

	while (i < srclen) {
		if (o == FORM_MAX_PARAM_BYTES)
			return FORM_ERR_TOO_LONG;
		c = s[i];
		if (c == '%') {
			/* WHATWG URL §1.3 percent-decode, without leniency. */
			if (srclen - i < 3 || (hi = secret_hexval(s[i + 1])) < 0 ||
			    (lo = secret_hexval(s[i + 2])) < 0)
				return FORM_ERR_ESCAPE;
			c = (unsigned char)(hi << 4 | lo);
			i += 3;
		} else {
			if (c == '+')
				c = ' ';
			i++;
		}
		if (c < 0x20 || c == 0x7f)
			return FORM_ERR_NUL;
		d[o++] = c;
	}
	if (!utf8_valid(d, o))
		return FORM_ERR_UTF8;
	d[o] = '\0';
	*dstlen = o;
	return FORM_OK;
}

/* Bytes of the arena used by f, NULs included. */
static size_t
used(const struct form *f)
{
	size_t	i, sz = 0;

	for (i = 0; i < f->n; i++)
		sz += strlen(f->params[i].name) + 1 + f->params[i].valuelen + 1;
	return sz;
}

/*
 * Decode the pair seg[0..seglen) (no '&', not empty) into the arena at
 * *off and append it to f.
 */
static enum form_err
pair(struct form *f, char *arena, size_t cap, size_t *off, const char *seg,
    size_t seglen)
{
	const char	*eq, *v;
	char		*name, *value;
	size_t		 nlen, vlen, dn, dv, i;
	enum form_err	 e;

	if (f->n == FORM_MAX_PARAMS)
		return FORM_ERR_TOO_MANY;
	if ((eq = memchr(seg, '=', seglen)) != NULL) {
		nlen = (size_t)(eq - seg);
		v = eq + 1;
		vlen = seglen - nlen - 1;
	} else {
		nlen = seglen;
		v = seg + seglen;
		vlen = 0;
	}
	if (nlen == 0)
		return FORM_ERR_EMPTY_NAME;
	/* Decoding never grows: nlen + 1 + vlen + 1 <= seglen + 2. */
	if (cap - *off < seglen + 2)
		return FORM_ERR_NOMEM;

	name = arena + *off;
	if ((e = decode(name, &dn, seg, nlen)) != FORM_OK)
		return e;
	value = name + dn + 1;
	if ((e = decode(value, &dv, v, vlen)) != FORM_OK)
		return e;

	/* RFC 6749 §3.2: parameters MUST NOT be included more than once. */
	for (i = 0; i < f->n; i++)
		if (strcmp(f->params[i].name, name) == 0)
			return FORM_ERR_DUP;

	f->params[f->n].name = name;
	f->params[f->n].value = value;
	f->params[f->n].valuelen = dv;
	f->n++;
	*off += dn + 1 + dv + 1;
	return FORM_OK;
}

enum form_err
form_parse(struct form *f, const char *body, size_t len)
{
	const char	*p, *end, *amp;
	char		*arena;
	size_t		 cap, off = 0;
	enum form_err	 e = FORM_OK;

	f->n = 0;
	if (len == 0)
		return FORM_OK;
	/*
	 * k accepted pairs of raw lengths r_i sit between at least k - 1
	 * '&' and decode to at most sum(r_i + 2) <= len + k + 1 bytes.
	 */
	if (len > SIZE_MAX - FORM_MAX_PARAMS - 1)
		return FORM_ERR_NOMEM;
	cap = len + FORM_MAX_PARAMS + 1;
	if ((arena = malloc(cap)) == NULL)
		return FORM_ERR_NOMEM;

	p = body;
	end = body + len;
	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		/* WHATWG URL §5.1 step 3.1: empty sequences are skipped. */
		if (amp > p && (e = pair(f, arena, cap, &off, p,
		    (size_t)(amp - p))) != FORM_OK)
			break;
		if (amp == end)
			break;
		p = amp + 1;
	}

	if (e != FORM_OK || f->n == 0) {
		OPENSSL_cleanse(arena, cap);
		free(arena);
		f->n = 0;
	}
	return e;
}

const char *
form_get(const struct form *f, const char *name)
{
	size_t	i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < f->n; i++)
		if (strcmp(f->params[i].name, name) == 0)
			return f->params[i].value;
	return NULL;
}

void
form_free(struct form *f)
{
	if (f == NULL)
		return;
	if (f->n > 0) {
		OPENSSL_cleanse(f->params[0].name, used(f));
		free(f->params[0].name);
	}
	memset(f->params, 0, sizeof(f->params));
	f->n = 0;
}

const char *
form_strerror(enum form_err e)
{
	if ((size_t)e >= sizeof(errstr) / sizeof(errstr[0]))
		return "unknown error";
	return errstr[e];
}
