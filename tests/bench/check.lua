-- wrk script: a request to the protected example API; nginx asks /check.
wrk.method = "GET"
wrk.headers["X-API-Key"] = os.getenv("BENCH_KEY")
local tok = os.getenv("BENCH_TOKEN")
if tok ~= nil and tok ~= "" then
	wrk.headers["Authorization"] = "Bearer " .. tok
end
