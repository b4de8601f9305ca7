#!/usr/bin/env bash
# Instructions per event of the fake's core (`FakeGraph::handle` on the load test's 1,000-event
# batch, at the store's cap), counted by callgrind: the difference between a run handling BATCHES
# batches and one handling none, divided by the events. Unlike timings on a shared VM, the count
# repeats exactly, so it shows what a change to the hot path does. Kernel work (page faults) is not
# counted; `scripts/load-serve.sh` measures the whole server.
#
# valgrind (Debian's package) is installed if missing. Knobs: BATCHES (10), DRIVER (a prebuilt
# `fake_core_driver` to count instead of this checkout's, to compare two builds).
set -euo pipefail
cd "$(dirname "$0")/.."

BATCHES=${BATCHES:-10}
if ! command -v valgrind >/dev/null; then
  echo "installing valgrind (Debian package)" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq valgrind >/dev/null
fi
if [ -z "${DRIVER:-}" ]; then
  cargo build --release --quiet --example fake_core_driver
  DRIVER=target/release/examples/fake_core_driver
fi

count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$DRIVER" "$1" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
base=$(count 0)
loaded=$(count "$BATCHES")
echo "fake core: $(((loaded - base) / (BATCHES * 1000))) instructions per event ($BATCHES batches of 1000, callgrind)"
