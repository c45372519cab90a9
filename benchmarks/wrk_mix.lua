-- wrk script for benchmarks/web_benchmark.py's with-writer scenario: each request takes the
-- next address from a file of paths (one a line, drawn by the benchmark from the public
-- mix), each thread starting at its own place; when the run is over, prints the same
-- "WRK_RESULT <json>" line as wrk_status.lua. Like it, it defines no response() callback
-- (the hit rate is counted from gunicorn's access log instead).
--
--   wrk -t2 -c8 -d60s --latency -s benchmarks/wrk_mix.lua http://127.0.0.1:8000 -- paths.txt

local paths = {}
local next_index = 1
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("offset", thread_count * 7919)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  next_index = (offset or 0) % #paths + 1
end

function request()
  local path = paths[next_index]
  next_index = next_index % #paths + 1
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, '
      .. '"non_2xx_3xx": %d, '
      .. '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.timeout,
    errors.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean
  ))
end
