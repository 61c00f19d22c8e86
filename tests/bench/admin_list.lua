-- wrk script: GET /admin/keys?limit=50, the first page of the organization's
-- keys (an admin key with the admin scope).
wrk.method = "GET"
wrk.headers["X-API-Key"] = os.getenv("BENCH_ADMIN_KEY")
