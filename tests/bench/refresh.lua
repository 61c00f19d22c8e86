-- wrk script: a chain of refresh-token rotations. Run with one connection
-- per thread (-tN -cN): each thread keeps its own current refresh token and
-- replaces it with the successor of every answer.
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
	wrk.headers["X-API-Key"] = os.getenv("BENCH_KEY")
end

function request()
	return wrk.format(nil, nil, nil, "grant_type=refresh_token&refresh_token=" .. rt)
end

function response(status, headers, body)
	local n = string.match(body, '"refresh_token":"(jmr_[%w_-]+)"')
	if n ~= nil then rt = n end
end
