#!/usr/bin/env bash
# Load test of `capi serve` on loopback: wrk posts 1,000-event website Purchase batches (~1.19 KB per
# event) for DURATION and this prints events/s, p50/p99 latency per batch and the server's peak memory,
# then checks that every event of every answered batch was accepted and stored.
#
# wrk (Debian's package) is installed if missing. wrk and the server share this machine's cores: say so
# next to any figure. Knobs (environment): DURATION (20s), CONNECTIONS (4), WRK_THREADS (1),
# SERVER_THREADS (2), MAX_EVENTS (the fake's count cap, 100000), CAPI (the `capi` binary to load,
# default this checkout's `dist` build; set it to compare two builds in alternating runs),
# WORKLOAD (`purchase`, the default: the benchmarks' ~1.19 KB events; `match-keys`: ~1.5 KB events
# with every match key, from examples/match_key_purchases, the workload of issue 15).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-4}
WRK_THREADS=${WRK_THREADS:-1}
SERVER_THREADS=${SERVER_THREADS:-2}
MAX_EVENTS=${MAX_EVENTS:-100000}
CAPI=${CAPI:-target/dist/capi}
NOW=1763800000
PIXEL=1234567890
EVENTS_PER_BATCH=1000

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi

WORKLOAD=${WORKLOAD:-purchase}
cargo build --profile dist --quiet --bin capi --example purchase_batch --example match_key_purchases
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -TERM "$server"; wait "$server" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

case "$WORKLOAD" in
  purchase) target/dist/examples/purchase_batch "$EVENTS_PER_BATCH" "$NOW" >"$work/body.json" ;;
  match-keys)
    { printf '{"data":['
      target/dist/examples/match_key_purchases "$EVENTS_PER_BATCH" "$NOW" | paste -sd, -
      printf ']}'; } >"$work/body.json" ;;
  *) echo "WORKLOAD must be purchase or match-keys" >&2; exit 2 ;;
esac
"$CAPI" serve --addr 127.0.0.1:0 --now "$NOW" --threads "$SERVER_THREADS" \
  --max-events "$MAX_EVENTS" >"$work/address" 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do [ -s "$work/address" ] && break; sleep 0.05; done
url=$(head -n1 "$work/address")
curl -fsS "$url/_fake/ready" >/dev/null

echo "capi serve at $url, $SERVER_THREADS worker threads; wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION; $(nproc) cores shared by both"
echo "body: $(wc -c <"$work/body.json") bytes, $EVENTS_PER_BATCH events"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
ticks_before=$(cpu_ticks)
CAPI_LOAD_BODY="$work/body.json" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
  -s scripts/load-serve.lua "$url/v26.0/$PIXEL/events?access_token=load-test" | tee "$work/wrk.txt"

ticks_after=$(cpu_ticks)
stats=$(curl -fsS "$url/_fake/stats")
peak_kib=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
kill -TERM "$server"
wait "$server"
server=""

line=$(grep '^LOAD ' "$work/wrk.txt")
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<" ${line#LOAD }"; }
requests=$(field requests); non2xx=$(field non2xx); socket_errors=$(field socket_errors)
seconds=$(field duration_s)
received=$(jq .received <<<"$stats")
events_per_s=$(awk -v r="$requests" -v n="$EVENTS_PER_BATCH" -v s="$seconds" 'BEGIN {printf "%.0f", r * n / s}')

echo
echo "events/s: $events_per_s (answered batches x $EVENTS_PER_BATCH / wrk's duration)"
echo "latency per batch: p50 $(field p50_ms) ms, p99 $(field p99_ms) ms, max $(field max_ms) ms"
server_cpu_s=$(awk -v a="$ticks_after" -v b="$ticks_before" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", (a - b) / hz}')
echo "capi serve used $server_cpu_s s of CPU: $(awk -v r="$requests" -v n="$EVENTS_PER_BATCH" -v c="$server_cpu_s" 'BEGIN {printf "%.0f", r * n / c}') events per CPU-second"
echo "peak memory of capi serve (VmHWM): $((peak_kib / 1024)) MiB"
echo "fake's counts: $stats"

status=0
if [ "$non2xx" != 0 ] || [ "$socket_errors" != 0 ]; then
  echo "FAIL: $non2xx non-2xx answers, $socket_errors socket errors" >&2; status=1
fi
# Batches still in flight when wrk stops may be stored without being counted by wrk.
low=$((requests * EVENTS_PER_BATCH)); high=$(((requests + CONNECTIONS) * EVENTS_PER_BATCH))
if [ "$received" -lt "$low" ] || [ "$received" -gt "$high" ]; then
  echo "FAIL: the fake stored $received events; wrk saw $requests batches answered" >&2; status=1
fi
[ "$status" -eq 0 ] && echo "OK: every answered batch was accepted whole and all its events stored"
exit "$status"
