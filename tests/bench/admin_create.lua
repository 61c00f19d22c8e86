-- wrk script: POST /admin/keys, a new API key per request (an admin key
-- with the admin scope; the same small body every time, no Idempotency-Key).
wrk.method = "POST"
wrk.body = '{"name":"bench-made","scopes":["read:accounts"],"meta":{"by":"bench"}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("BENCH_ADMIN_KEY")
