-- skkd — SPDX-License-Identifier: ISC
--
-- wrk script: each request asks skkd's JSON API for a certificate number
-- picked at random from the file named by PICK_FILE (one number a line),
-- so every request is a real lookup spread over the whole store.
local nums = {}
for line in io.lines(os.getenv("PICK_FILE")) do
	if #line > 0 then nums[#nums + 1] = line end
end
math.randomseed(os.time() + math.floor(os.clock() * 1e6))

request = function()
	return wrk.format(nil, "/api/v1/certificates/" ..
	    nums[math.random(#nums)])
end
