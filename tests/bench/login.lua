-- wrk script: POST /token, grant_type=password (Argon2id bound).
wrk.method = "POST"
wrk.body = "grant_type=password&username=bench&password=" .. os.getenv("BENCH_PASSWORD")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-API-Key"] = os.getenv("BENCH_KEY")
