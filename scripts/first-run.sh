#!/usr/bin/env bash
# Times a new user's first run: the README's main job, then its test command, in a fresh clone of
# this checkout's HEAD with an empty target/ (the registry cache as it is). One reading per call:
# each takes minutes here, so compare builds by alternating calls, and say the hour's speed.
# Usage: scripts/first-run.sh [LABEL]   (clones into a temporary directory, removed afterwards)
set -euo pipefail
label=${1:-first-run}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet "$repo" "$work/clone"
cd "$work/clone"
/usr/bin/time -f "$label main job: %e s wall, %U+%S s CPU" \
    cargo run --release -- conformance >/dev/null 2>"$work/main.err" || { tail -20 "$work/main.err"; exit 1; }
tail -1 "$work/main.err"
/usr/bin/time -f "$label test command: %e s wall, %U+%S s CPU" \
    cargo test --all-features >"$work/test.out" 2>&1 || { tail -20 "$work/test.out"; exit 1; }
tail -1 "$work/test.out"
echo "$label target/: $(du -sh target | cut -f1)"
