-- wrk script: POST /token, grant_type=authorization_code by a public client
-- (client_id, PKCE verifier, no key). Every exchange needs its own code,
-- single use: scripts/bench.sh writes them beforehand into auth_codes and
-- their text into BENCH_CODES, one a line; thread i takes lines i, i + n,
-- i + 2n ... (n = BENCH_THREADS). A thread that runs out starts its slice
-- again: the reused codes are refused (400), which bench.sh reports as
-- non-2xx answers, never as a rate. No response() callback (token.lua).
local nthreads = tonumber(os.getenv("BENCH_THREADS"))
local next_slice = 0

function setup(thread)
	thread:set("slice", next_slice)
	next_slice = next_slice + 1
end

function init(args)
	codes, used = {}, 0
	local i = 0
	for line in io.lines(os.getenv("BENCH_CODES")) do
		if i % nthreads == slice then codes[#codes + 1] = line end
		i = i + 1
	end
	prefix = "grant_type=authorization_code&client_id=" .. os.getenv("BENCH_APP") ..
	    "&redirect_uri=" .. os.getenv("BENCH_REDIRECT_Q") ..
	    "&code_verifier=" .. os.getenv("BENCH_VERIFIER") .. "&code="
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
	used = used % #codes + 1
	return wrk.format(nil, nil, nil, prefix .. codes[used])
end
