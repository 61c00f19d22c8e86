-- wrk script: logins through the hosted login page, each one
--   GET /authorize?...   → 200, the form's one-time token and the browser's
--                          binding cookie (jwtmint_login)
--   POST /authorize      → 302 to the redirect URI with a code
-- A state machine per thread: run with one connection per thread (-tN -cN),
-- so that each response is the answer to that thread's last request. The
-- session cookie of a login is never sent back: every login checks the
-- password (Argon2id), as a new browser does. Each thread counts its
-- logins (302 with a code) and everything else by status; done() prints
--   LOGINS <n> FAILED <n> SECONDS <s> [STATUS <code>:<n> ...]
-- for scripts/bench.sh (wrk's own non-2xx count misses a 200 "wrong
-- password" page).
local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	step, token, cookie = "get", nil, nil
	logins, failed, statuses = 0, 0, {}
	authorize = os.getenv("BENCH_AUTHORIZE")
	creds = "&username=" .. (os.getenv("BENCH_USERNAME") or "bench") ..
	    "&password=" .. os.getenv("BENCH_PASSWORD")
	host = wrk.headers["Host"]
end

local function fail(status)
	failed = failed + 1
	statuses[status] = (statuses[status] or 0) + 1
	step = "get"
end

function request()
	if step == "post" then
		return wrk.format("POST", "/authorize", {
			["Host"] = host,
			["Content-Type"] = "application/x-www-form-urlencoded",
			["Cookie"] = "jwtmint_login=" .. cookie,
		}, "request=" .. token .. creds)
	end
	return wrk.format("GET", authorize, { ["Host"] = host })
end

function response(status, headers, body)
	if step == "get" then
		token = status == 200 and
		    string.match(body, 'name="request" value="([%w_-]+)"')
		cookie = string.match(headers["Set-Cookie"] or "",
		    "jwtmint_login=([%w_-]+)")
		if token and cookie then step = "post" else fail(status) end
		return
	end
	step = "get"
	local loc = headers["Location"] or ""
	if status == 302 and string.find(loc, "[?&]code=[%w_-]+") then
		logins = logins + 1
	else
		fail(status)
	end
end

function done(summary, latency, requests)
	local n, f, st = 0, 0, {}
	for _, t in ipairs(threads) do
		n = n + t:get("logins")
		f = f + t:get("failed")
		for k, v in pairs(t:get("statuses")) do st[k] = (st[k] or 0) + v end
	end
	local s = ""
	for k, v in pairs(st) do s = s .. " " .. k .. ":" .. v end
	io.write(string.format("LOGINS %d FAILED %d SECONDS %.3f STATUS%s\n",
	    n, f, summary.duration / 1e6, s))
end
