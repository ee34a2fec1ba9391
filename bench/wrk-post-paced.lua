-- wrk script: POST a JSON body at a steady pace per connection, so the gateway is measured at a given request rate
-- (CONNS x 1000 / PACE_MS per second) instead of as fast as one core goes; wrk times each request from its write, so
-- the pause is not in the latency. Prints wrk's usual summary.
-- usage: wrk ... -s bench/wrk-post-paced.lua URL -- BODY_FILE PACE_MS

local pace = 0

function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  pace = tonumber(args[2] or "0")
end

function delay()
  return pace
end
