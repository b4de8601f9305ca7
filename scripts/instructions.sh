#!/usr/bin/env bash
# Instructions per event of a hot path on the load test's 1,000-event batch, counted by callgrind:
# the difference between a run of BATCHES batches and one of none, divided by the events. Paths:
# `fake` (the default: `FakeGraph::handle`, at the store's cap), `check-bytes` (the validator's
# bytes -> verdict) and `prepare` (the sender's preparation of raw website Purchases, the prepare
# benchmark's workload). Usage: scripts/instructions.sh [fake|check-bytes|prepare]
#
# Unlike timings on a shared VM, the count repeats exactly, so it shows what a change to a hot path
# does. Kernel work (page faults) is not counted; `scripts/load-serve.sh` measures the whole server.
# valgrind hides SHA-NI from the program, so hashing would be counted in sha2's software rounds:
# use `prepare` (and anything else that hashes) to compare builds, not as a figure of its own.
#
# valgrind (Debian's package) is installed if missing. Knobs: BATCHES (10), DRIVER (a prebuilt
# `hot_path_driver` to count instead of this checkout's, to compare two builds).
set -euo pipefail
cd "$(dirname "$0")/.."

PATH_NAME=${1:-fake}
BATCHES=${BATCHES:-10}
case "$PATH_NAME" in
  fake | check-bytes | prepare) ;;
  *) echo "usage: scripts/instructions.sh [fake|check-bytes|prepare]" >&2; exit 2 ;;
esac
if ! command -v valgrind >/dev/null; then
  echo "installing valgrind (Debian package)" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq valgrind >/dev/null
fi
if [ -z "${DRIVER:-}" ]; then
  cargo build --profile dist --quiet --example hot_path_driver
  DRIVER=target/dist/examples/hot_path_driver
fi

count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$DRIVER" "$PATH_NAME" "$1" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
base=$(count 0)
loaded=$(count "$BATCHES")
echo "$PATH_NAME: $(((loaded - base) / (BATCHES * 1000))) instructions per event ($BATCHES batches of 1000, callgrind)"
