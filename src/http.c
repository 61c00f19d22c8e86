/*
 * http: CGI/1.1 variables to struct req, struct resp to bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clen.h"
#include "http.h"
#include "secret.h"

static const struct {
	int		 status;
	const char	*text;
} statuses[] = {
	{ 200, "OK" }, { 201, "Created" }, { 204, "No Content" },
	{ 302, "Found" }, { 303, "See Other" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" }, { 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 409, "Conflict" },
	{ 411, "Length Required" }, { 412, "Precondition Failed" },
	{ 413, "Content Too Large" }, { 415, "Unsupported Media Type" },
	{ 422, "Unprocessable Content" },
	{ 429, "Too Many Requests" }, { 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" }, { 503, "Service Unavailable" },
};

const char *
http_status_text(int status)
{
	size_t	 i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].status == status)
			return statuses[i].text;
	return "Unknown";
}

/*
 * A header we use: NULL when absent. Over the limit, toolong is added to
 * *bad; sent more than once, repeated.
 */
static const char *
header(const struct http_io *io, const char *name, unsigned *bad,
    unsigned toolong, unsigned repeated)
{
	const char	*v = io->param(io->ctx, name);

	if (v == NULL)
		return NULL;
	if (strnlen(v, HTTP_MAX_HEADER_BYTES + 1) > HTTP_MAX_HEADER_BYTES)
		*bad |= toolong;
	if (io->count(io->ctx, name) > 1)
		*bad |= repeated;
	return v;
}

int
http_req_init(struct req *r, const struct http_io *io)
{
	const char	*m, *p;
	size_t		 n;
	unsigned	 bad = 0;

	memset(r, 0, sizeof(*r));
	r->io = io;
	m = io->param(io->ctx, "REQUEST_METHOD");
	snprintf(r->method_str, sizeof(r->method_str), "%s", m ? m : "");
	if (m == NULL)
		r->method = HTTP_OTHER;
	else if (strcmp(m, "GET") == 0)
		r->method = HTTP_GET;
	else if (strcmp(m, "HEAD") == 0)
		r->method = HTTP_HEAD;
	else if (strcmp(m, "POST") == 0)
		r->method = HTTP_POST;
	else
		r->method = HTTP_OTHER;

	/*
	 * The path routed on: PATH_INFO when the program is mounted under a
	 * SCRIPT_NAME (CGI, Apache), else nginx's normalised DOCUMENT_URI, else
	 * REQUEST_URI without its query.
	 */
	if ((p = io->param(io->ctx, "PATH_INFO")) != NULL && *p != '\0')
		n = strlen(p);
	else if ((p = io->param(io->ctx, "DOCUMENT_URI")) != NULL && *p != '\0')
		n = strlen(p);
	else if ((p = io->param(io->ctx, "REQUEST_URI")) != NULL)
		n = strcspn(p, "?");
	else
		p = "/", n = 1;
	if (n == 0 || n >= sizeof(r->path))
		bad |= HTTP_BAD_OTHER;
	else {
		memcpy(r->path, p, n);
		r->path[n] = '\0';
	}

	/* FastCGI authorizers (lighttpd, Apache mod_authnz_fcgi) ask /check. */
	if ((p = io->param(io->ctx, "FCGI_ROLE")) != NULL &&
	    strcmp(p, "AUTHORIZER") == 0)
		r->authorizer = 1;
	r->platform = io->platform;
	r->content_type = header(io, "CONTENT_TYPE", &bad, HTTP_BAD_OTHER,
	    HTTP_BAD_OTHER);
	r->authorization = header(io, "HTTP_AUTHORIZATION", &bad,
	    HTTP_BAD_AUTHORIZATION, HTTP_BAD_OTHER);
	/* The gate's parameters come from the web server: one of each. */
	(void)header(io, "JWTMINT_SCOPE", &bad, HTTP_BAD_OTHER, HTTP_BAD_OTHER);
	(void)header(io, "JWTMINT_ACCOUNT", &bad, HTTP_BAD_OTHER,
	    HTTP_BAD_OTHER);
	(void)header(io, "JWTMINT_TOKEN", &bad, HTTP_BAD_OTHER, HTTP_BAD_OTHER);
	r->api_key = header(io, "HTTP_X_API_KEY", &bad, HTTP_BAD_API_KEY,
	    HTTP_BAD_API_KEY);
	r->remote_addr = header(io, "REMOTE_ADDR", &bad, HTTP_BAD_OTHER,
	    HTTP_BAD_OTHER);
	/* Validated by the caller (reqid_pick): a bad one is replaced. */
	if ((r->request_id_param = io->param(io->ctx, "JWTMINT_REQUEST_ID")) !=
	    NULL)
		r->request_id_count = io->count(io->ctx, "JWTMINT_REQUEST_ID");
	r->bad = bad;
	return bad ? 400 : 0;
}

const char *
http_req_header(const struct req *r, const char *name)
{
	unsigned	 bad = 0;
	const char	*v = header(r->io, name, &bad, 1, 1);

	return bad ? NULL : v;
}

int
http_req_body(struct req *r, size_t max)
{
	size_t			 len, got = 0;
	ssize_t			 n;

	switch (clen_parse(r->io->param(r->io->ctx, "CONTENT_LENGTH"), max,
	    &len)) {
	case CLEN_ABSENT:
		return r->method == HTTP_POST ? 411 : 0;
	case CLEN_MALFORMED:
		return 400;
	case CLEN_TOO_LARGE:
		return 413;
	case CLEN_OK:
		break;
	}
	if ((r->body = malloc((size_t)len + 1)) == NULL)
		return 503;
	while (got < len) {
		n = r->io->read(r->io->ctx, r->body + got, (size_t)len - got);
		if (n <= 0)
			return 400;	/* the client sent less than it said */
		got += (size_t)n;
	}
	r->body[len] = '\0';
	r->bodylen = (size_t)len;
	return 0;
}

int
http_req_form(struct req *r, size_t max, enum form_err *fe)
{
	int	 st;

	*fe = FORM_OK;
	if (!http_req_content_type_is(r, "application/x-www-form-urlencoded"))
		return 415;
	if ((st = http_req_body(r, max)) != 0)
		return st;
	if ((*fe = form_parse(&r->form, r->body, r->bodylen)) != FORM_OK)
		return 400;
	return 0;
}

int
http_req_content_type_is(const struct req *r, const char *type)
{
	size_t	 n = strlen(type);
	const char *p;

	if (r->content_type == NULL ||
	    strncasecmp(r->content_type, type, n) != 0)
		return 0;
	p = r->content_type + n;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '\0' || *p == ';';
}

void
http_req_free(struct req *r)
{
	if (r->body != NULL) {
		secret_wipe(r->body, r->bodylen);
		free(r->body);
		r->body = NULL;
	}
	form_free(&r->form);
}

void
http_resp_init(struct resp *p)
{
	/* The header buffer is large and written before it is read: only
	 * its first byte is set here. */
	p->status = 500;
	p->hlen = 0;
	p->body = NULL;
	p->bodylen = 0;
	p->nobody = 0;
	p->broken = 0;
	p->secret = 0;
	p->headers[0] = '\0';
}

void
http_resp_reset(struct resp *p)
{
	http_resp_free(p);
	http_resp_init(p);
}

int
http_resp_header(struct resp *p, const char *name, const char *value)
{
	size_t	 room = sizeof(p->headers) - p->hlen;
	int	 n;

	n = snprintf(p->headers + p->hlen, room, "%s: %s\r\n", name, value);
	if (n > 0 && (size_t)n < room) {
		p->hlen += (size_t)n;
		return 0;
	}
	p->headers[p->hlen] = '\0';	/* dropped, never truncated */
	p->broken = 1;
	return -1;
}

void
http_resp_body(struct resp *p, int status, char *body, size_t len)
{
	http_resp_free(p);
	p->status = status;
	p->body = body;
	p->bodylen = body != NULL ? len : 0;
	if (body == NULL)
		p->broken = 1;
}

int
http_resp_text(struct resp *p, int status, const char *body, size_t len)
{
	char	*b;

	if ((b = malloc(len + 1)) == NULL) {
		p->broken = 1;
		return -1;
	}
	memcpy(b, body, len);
	b[len] = '\0';
	http_resp_body(p, status, b, len);
	return 0;
}

int
http_resp_send(struct resp *p, const struct http_io *io)
{
	char	 head[HTTP_MAX_RESP_HEADERS + 256];
	int	 n;

	if (p->broken) {
		/* Never a partial answer: a bare 500 (app_handle replaces a
		 * broken answer by a whole one first; this is the last line). */
		static const char bare[] = "Status: 500 Internal Server Error"
		    "\r\nContent-Length: 0\r\nCache-Control: no-store\r\n\r\n";
		return io->write(io->ctx, bare, sizeof(bare) - 1);
	}
	n = snprintf(head, sizeof(head), "Status: %d %s\r\n"
	    "Content-Length: %zu\r\n%s\r\n", p->status,
	    http_status_text(p->status), p->bodylen, p->headers);
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	if (io->write(io->ctx, head, (size_t)n) == -1)
		return -1;
	if (!p->nobody && p->bodylen > 0 &&
	    io->write(io->ctx, p->body, p->bodylen) == -1)
		return -1;
	return 0;
}

void
http_resp_free(struct resp *p)
{
	if (p->body != NULL && p->secret)
		secret_wipe(p->body, p->bodylen);
	free(p->body);
	p->body = NULL;
	p->bodylen = 0;
}
