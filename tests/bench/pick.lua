-- skkd — SPDX-License-Identifier: ISC
--
-- wrk script: each request asks skkd's JSON API for a certificate number
-- picked at random from the file named by PICK_FILE (one number a line),
-- so every request is a real lookup spread over the whole store.
--
-- Numbers all have the same length, so the file is kept as one string
-- and a number is cut out of it: a table of a million strings made
-- wrk's garbage collector pause for tens of milliseconds, which showed
-- up as the server's p99 and cost a third of the request rate.
local f = assert(io.open(os.getenv("PICK_FILE"), "rb"))
local all = f:read("*a")
f:close()
local width = (all:find("\n", 1, true) or (#all + 1))
local count = math.floor(#all / width)
local nums
if width < 2 or count * width ~= #all then
	-- Lines of different lengths: fall back to a table.
	nums = {}
	for line in all:gmatch("[^\n]+") do nums[#nums + 1] = line end
	all = nil
	count = #nums
end
math.randomseed(os.time() + math.floor(os.clock() * 1e6))

-- PICK_PATH (nginx's static file) makes the same pick and asks for that
-- path instead, so both servers face a client doing the same work.
local fixed = os.getenv("PICK_PATH")

request = function()
	local i = math.random(count)
	local n = nums and nums[i] or all:sub((i - 1) * width + 1, i * width - 1)
	local path = "/api/v1/certificates/" .. n
	return wrk.format(nil, fixed or path)
end
