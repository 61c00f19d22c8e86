-- wrk script: POST /token, client_credentials, the key from the environment.
-- No response() callback: wrk counts non-2xx answers itself ("Non-2xx or
-- 3xx responses", which bench.sh reports), and a Lua callback would make
-- wrk parse every answer's headers into Lua tables, CPU taken from the
-- server on the same two cores (the baseline runs without a script).
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&scope=read%3Aaccounts"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-API-Key"] = os.getenv("BENCH_KEY")
