-- wrk script for benchmarks/web_benchmark.py: when the run is over, prints one line
-- "WRK_RESULT <json>" with the requests, the socket errors, the responses whose status
-- was not 2xx or 3xx, and the latency percentiles (microseconds).
--
-- It defines no response() callback on purpose: wrk would then hand every response body
-- to Lua, which on a two-core machine makes wrk, not the portal, the bottleneck for
-- pages of 40-90 KB.
--
--   wrk -t2 -c8 -d10s --latency -s benchmarks/wrk_status.lua http://127.0.0.1:8000/ping

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
