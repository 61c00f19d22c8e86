-- wrk script: POST /token, client_credentials, the key from the environment.
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&scope=read%3Aaccounts"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-API-Key"] = os.getenv("BENCH_KEY")

-- Count non-200 answers, so a fast stream of errors never looks like a win.
local bad = 0
response = function(status, headers, body)
	if status ~= 200 then bad = bad + 1 end
end
done = function(summary, latency, requests)
	io.write(string.format("non-200: %d\n", summary.errors.status))
end
