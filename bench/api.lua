-- wrk script of bench/api.py.
-- `wrk -s bench/api.lua URL -- BODIES`: POSTs the form bodies of the file BODIES (one per line)
-- in turn, each thread from its own starting line; GETs the URL when no file is given.
-- Prints one line "RESULT {json}" with the counts and latency percentiles in microseconds.

local requests = {}
local next_request = 1
local threads = 0

function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

function init(args)
  if args[1] == nil then
    requests[1] = wrk.format("GET")
    return
  end
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  for body in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("POST", nil, headers, body)
  end
  -- Spread the threads over the bodies, so that they do not send the same ones in step.
  next_request = (offset * 7919) % #requests + 1
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
      .. '"non_2xx": %d, "socket_errors": %d}\n',
    summary.requests,
    summary.duration,
    latency:percentile(50),
    latency:percentile(99),
    errors.status,
    errors.connect + errors.read + errors.write + errors.timeout
  ))
end
