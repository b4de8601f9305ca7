#!/usr/bin/env bash
# Lints openapi/conversions-api.yaml with Redocly (recommended-strict: its recommended rules, warnings
# as errors) and Spectral (spectral:oas with every rule on). Versions are pinned in package-lock.json.
# Usage: scripts/spec-lint/lint.sh [SPEC]   (npm ci runs first; needs Node 20.19+ and npm)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
spec="$(realpath "${1:-$here/../../openapi/conversions-api.yaml}")"

npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
bin="$here/node_modules/.bin"

echo "== redocly lint (recommended-strict)"
"$bin/redocly" lint --extends recommended-strict --format stylish "$spec"
echo "== spectral lint (spectral:oas, all rules; warnings fail)"
"$bin/spectral" lint --ruleset "$here/spectral.yaml" --fail-severity warn "$spec"
