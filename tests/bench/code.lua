-- wrk script: POST /token, grant_type=authorization_code by a public client
-- (client_id, PKCE verifier, no key). Every exchange needs its own code,
-- single use: scripts/bench.sh writes them beforehand into auth_codes and
-- their text into BENCH_CODES, one a line; thread i takes lines i, i + n,
-- i + 2n ... (n = BENCH_THREADS). A thread that runs out starts its slice
-- again: the reused codes are refused (400), which bench.sh reports as
-- non-2xx answers, never as a rate. No response() callback (token.lua).
-- Every request is formatted once, in init: request() only hands the next
-- one over, so that wrk (on the same two cores) takes as little as it can
-- from the server, as with token.lua's fixed body.
local nthreads = tonumber(os.getenv("BENCH_THREADS"))
local next_slice = 0

function setup(thread)
	thread:set("slice", next_slice)
	next_slice = next_slice + 1
end

function init(args)
	reqs, used = {}, 0
	local i = 0
	local prefix = "grant_type=authorization_code&client_id=" .. os.getenv("BENCH_APP") ..
	    "&redirect_uri=" .. os.getenv("BENCH_REDIRECT_Q") ..
	    "&code_verifier=" .. os.getenv("BENCH_VERIFIER") .. "&code="
	local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
	for line in io.lines(os.getenv("BENCH_CODES")) do
		if i % nthreads == slice then
			reqs[#reqs + 1] = wrk.format("POST", nil, headers, prefix .. line)
		end
		i = i + 1
	end
end

function request()
	used = used % #reqs + 1
	return reqs[used]
end
