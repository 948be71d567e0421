-- Loaded by the bench's wrk scripts. done() runs once, after the run, so it costs the run
-- nothing: it prints one machine-readable line that scripts/bench parses instead of wrk's
-- human-readable summary. Latencies are in microseconds.
--   status: responses with a status of 400 or more (wrk's "Non-2xx or 3xx responses")
--   connect, read, write, timeout: socket errors
function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d status=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      e.status, e.connect, e.read, e.write, e.timeout))
end
