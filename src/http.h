/*
 * http: one request and its response, independent of the transport.
 *
 * The transport (FastCGI or plain CGI, in http_fcgi.c) hands over a struct
 * http_io; everything here reads CGI/1.1 variables (RFC 3875) through it, so
 * handlers never see FastCGI. Every length from the client is bounded by a
 * named limit. struct req owns everything of one request; http_req_free()
 * wipes the body (it may hold secrets) and frees it.
 */
#ifndef JWTMINT_HTTP_H
#define JWTMINT_HTTP_H

#include <stddef.h>
#include <sys/types.h>

#include "form.h"
#include "jwtverify.h"

#define HTTP_MAX_PATH_BYTES	1024
/* Any one header jwtmint reads: room for "Bearer " and the largest token
 * jwtmint issues or verifies (a smaller bound turned a valid token into a
 * refused request at the gate). */
#define HTTP_MAX_HEADER_BYTES	(7 + JWTVERIFY_MAX_BYTES)
/*
 * Room for every header of one answer. The largest is /check's allowed
 * answer to a FastCGI authorizer: the effective scopes and the accounts
 * twice (X-Jwtmint-* and Variable-JWTMINT_*), that is 2 x (8256 + 2048)
 * bytes of values plus names and the other headers.
 */
#define HTTP_MAX_RESP_HEADERS	32768

struct http_io {
	/* A CGI variable ("REQUEST_METHOD", "HTTP_X_API_KEY"), or NULL. */
	const char	*(*param)(void *ctx, const char *name);
	/* How many times name was sent (a header repeated: nginx passes each
	 * copy as its own FastCGI parameter). */
	int		 (*count)(void *ctx, const char *name);
	/* Read up to n body bytes: count, 0 at end, -1 on error. */
	ssize_t		 (*read)(void *ctx, char *buf, size_t n);
	/* Write all n bytes: 0 or -1. */
	int		 (*write)(void *ctx, const char *buf, size_t n);
	void		*ctx;
	/* 1: the request came in on the platform listener (set by the
	 * worker from the socket it accepted on, never from the request). */
	int		 platform;
};

/* Why http_req_init() refused a request (struct req's bad, or-ed). */
#define HTTP_BAD_AUTHORIZATION	0x1	/* Authorization over the bound */
#define HTTP_BAD_API_KEY	0x2	/* X-API-Key over the bound or repeated */
#define HTTP_BAD_OTHER		0x4	/* anything else, a repeated
					   Authorization, an unusable path */

enum http_method {
	HTTP_GET = 0x1,
	HTTP_HEAD = 0x2,
	HTTP_POST = 0x4,
	HTTP_OTHER = 0x8
};

struct req {
	const struct http_io	*io;
	enum http_method	 method;
	char			 method_str[16];
	char			 path[HTTP_MAX_PATH_BYTES];
	const char		*content_type;	/* borrowed from io, or NULL */
	const char		*authorization;
	const char		*api_key;
	const char		*remote_addr;
	int			 authorizer;	/* FastCGI AUTHORIZER role */
	int			 platform;	/* on the platform listener */
	unsigned		 bad;		/* HTTP_BAD_*: why init refused */
	char			*body;		/* NUL-terminated, wiped on free */
	size_t			 bodylen;
	struct form		 form;
	/* The web server's request id (JWTMINT_REQUEST_ID, never a
	 * header: those arrive as HTTP_*) and how often it was sent. */
	const char		*request_id_param;
	int			 request_id_count;
	/* What the log line names: set by the handler once known. */
	char			 client_id[32];
	char			 org_id[64];
	char			 sub[JWTVERIFY_ID_BYTES];	/* issued, allowed */
	char			 grant[128];	/* grant_type as sent */
};

/*
 * A response is complete or it is not sent: a header that did not fit or
 * a body that could not be allocated marks it broken, and the one who
 * sends it (app_handle) answers 500 instead, never a partial success.
 */
struct resp {
	int	 status;
	size_t	 hlen;
	char	*body;		/* malloc'd, freed by http_resp_free() */
	size_t	 bodylen;
	int	 nobody;	/* HEAD: headers only */
	int	 broken;	/* something was dropped: do not send as is */
	int	 secret;	/* the body holds a secret: wiped when freed */
	char	 headers[HTTP_MAX_RESP_HEADERS];	/* not zeroed: hlen bytes */
};

/*
 * Read the request line variables and the headers jwtmint uses. Returns 0,
 * or an HTTP status (400) when a header is over its limit or repeated (a
 * credential must never be picked from two), or the path is unusable; r->bad
 * then says which (HTTP_BAD_*). The body is not read yet.
 */
int	 http_req_init(struct req *r, const struct http_io *io);
/*
 * A request header read only where it is used (HTTP_ORIGIN, ...): NULL
 * when absent, sent twice, or over HTTP_MAX_HEADER_BYTES.
 */
const char *http_req_header(const struct req *r, const char *name);

/*
 * Read exactly CONTENT_LENGTH bytes (at most max). Returns 0, or 400 (bad or
 * short length), 411 (POST without a length) or 413 (over max).
 */
int	 http_req_body(struct req *r, size_t max);

/*
 * Read and parse an application/x-www-form-urlencoded body into r->form.
 * Returns 0, or an HTTP status (400, 411, 413, 415) with *fe set for 400.
 */
int	 http_req_form(struct req *r, size_t max, enum form_err *fe);

/* 1 when the request's Content-Type has this media type (case-insensitive,
 * parameters such as charset ignored). */
int	 http_req_content_type_is(const struct req *r, const char *type);

void	 http_req_free(struct req *r);

void	 http_resp_init(struct resp *p);
/* Back to the state of http_resp_init: headers and body dropped (a
 * secret body wiped). */
void	 http_resp_reset(struct resp *p);
/*
 * Add a header line; its value must not come from the client. Returns 0,
 * or -1 when it does not fit (nothing of it is kept, p is marked broken).
 */
int	 http_resp_header(struct resp *p, const char *name, const char *value);
/* Take ownership of body (malloc'd string of len bytes; NULL marks p
 * broken). */
void	 http_resp_body(struct resp *p, int status, char *body, size_t len);
/* Copy a constant body. Returns 0, or -1 (p marked broken). */
int	 http_resp_text(struct resp *p, int status, const char *body, size_t len);
/* Write the response through the transport. Returns 0 or -1. */
int	 http_resp_send(struct resp *p, const struct http_io *io);
void	 http_resp_free(struct resp *p);

const char *http_status_text(int status);

#endif
