/*
 * fcgi-trivial: the benchmark's baseline, the smallest libfcgi responder
 * that answers every request with a fixed JSON body. Started like jwtmint
 * under spawn-fcgi, behind the same nginx configuration.
 */
#include <fcgiapp.h>

int
main(void)
{
	static const char	 resp[] = "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\nContent-Length: 15\r\n\r\n"
	    "{\"status\":\"ok\"}";
	FCGX_Request		 req;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(resp, (int)sizeof(resp) - 1, req.out);
		FCGX_Finish_r(&req);
	}
	return 0;
}
