-- wrk script: a chain of refresh-token rotations. Run with one connection
-- per thread (-tN -cN): each thread keeps its own current refresh token and
-- replaces it with the successor of every answer. With BENCH_REFRESH_CLIENT
-- set, a public client's: its client_id in the form, no key.
local tokens = {}
for t in string.gmatch(os.getenv("BENCH_REFRESH") or "", "[^,]+") do
	table.insert(tokens, t)
end
local next_id = 1

function setup(thread)
	thread:set("rt", tokens[next_id])
	next_id = next_id + 1
end

function init(args)
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
	client = os.getenv("BENCH_REFRESH_CLIENT") or ""
	if client == "" then
		wrk.headers["X-API-Key"] = os.getenv("BENCH_KEY")
	end
end

function request()
	local body = "grant_type=refresh_token&refresh_token=" .. rt
	if client ~= "" then body = body .. "&client_id=" .. client end
	return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
	local n = string.match(body, '"refresh_token":"(jmr_[%w_-]+)"')
	if n ~= nil then rt = n end
end
