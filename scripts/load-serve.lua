-- wrk script for scripts/load-serve.sh: POSTs the batch in $CAPI_LOAD_BODY and prints machine-readable
-- totals (requests, non-2xx answers, socket errors, p50/p99/max latency per batch in ms).
local file = assert(io.open(os.getenv("CAPI_LOAD_BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("LOAD requests=%d non2xx=%d socket_errors=%d duration_s=%.3f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, errors.status, errors.connect + errors.read + errors.write + errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
