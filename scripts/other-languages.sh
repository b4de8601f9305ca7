#!/usr/bin/env bash
# Proves that openapi/conversions-api.yaml works for teams in other languages: generates clients and
# types with openapi-python-client, openapi-generator (python, typescript-fetch), openapi-typescript
# and datamodel-code-generator, round-trips the spec's examples and examples/requests/*.json through
# each one's plain models (compared as JSON values, exactly), type-checks them with tsc, and sends
# requests through the generated clients to `capi serve` (through scripts/other-languages/wire_proxy.py,
# which records where each request carried the access token: once, in the query string, is required).
#
# Usage: scripts/other-languages.sh
#   CAPI=path/to/capi     the capi binary (default target/debug/capi, relative to the repo root)
#   WORK=dir              where to install tools and write generated code (default: a new temporary
#                         directory, removed at the end; a given WORK is kept and its venv and
#                         node_modules are reused when the pins have not changed)
#   SPEC=file             another spec to check (default openapi/conversions-api.yaml)
#   PYTHON=python3.11     the Python (3.11 or later) that makes the venv
# Needs Python 3.11+ with venv and pip, Node 20+ with npm, Java 11+; network access to PyPI and the
# npm registry. Versions are pinned in scripts/other-languages/requirements.txt and package-lock.json.
# Prints `ok   GENERATOR CHECK` or `FAIL GENERATOR CHECK: WHY` per check (and `note` lines that are
# not checks), then a summary; exits 1 if any check failed, 2 if it could not run.
set -euo pipefail

started=$SECONDS
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/scripts/other-languages"

CAPI="${CAPI:-target/debug/capi}"
case "$CAPI" in
  /*) capi="$CAPI" ;;
  *) capi="$root/$CAPI" ;;
esac
if [[ ! -x "$capi" ]]; then
  echo "other-languages.sh: no capi binary at $capi: build it (cargo build) or set CAPI=/path/to/capi" >&2
  exit 2
fi
spec="$(realpath "${SPEC:-$root/openapi/conversions-api.yaml}")"
python="${PYTHON:-python3}"
for tool in "$python" node npm java; do
  command -v "$tool" >/dev/null || { echo "other-languages.sh: $tool is not on PATH" >&2; exit 2; }
done
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
  { echo "other-languages.sh: $python is older than 3.11 (set PYTHON=...)" >&2; exit 2; }

if [[ -n "${WORK:-}" ]]; then
  mkdir -p "$WORK"
  work="$(realpath "$WORK")"
  keep_work=1
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/capi-other-languages.XXXXXX")"
  keep_work=0
fi
gen="$work/gen"
logs="$work/logs"
results="$work/results.txt"
rm -rf "$gen" "$logs"
mkdir -p "$gen" "$logs"
: >"$results"

serve_pid=""
proxy_pid=""
cleanup() {
  local pid
  for pid in "$proxy_pid" "$serve_pid"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [[ "$keep_work" == 0 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

# A result line of this script itself (the Python and node checkers print their own).
result() { # ok|FAIL GENERATOR CHECK [WHY]
  if [[ "$1" == ok ]]; then
    echo "ok   $2 $3" | tee -a "$results"
  else
    echo "FAIL $2 $3: $(tr '\n' ' ' <<<"${4:-}" | cut -c1-900)" | tee -a "$results"
  fi
}
# Runs a checker whose stdout is result lines; a crash is a failed check with its stderr's last lines.
checker() { # GENERATOR NAME LOG command...
  local g="$1" name="$2" log="$3"
  shift 3
  if ! "$@" 2>"$log" | tee -a "$results"; then
    result FAIL "$g" "$name" "checker crashed: $(tail -n 3 "$log")"
  fi
}
tail_log() { tail -n 5 "$1" | tr -s ' \n' ' '; }

echo "== tools (in $work)"
venv="$work/venv"
if ! cmp -s "$here/requirements.txt" "$venv/.requirements.txt" 2>/dev/null; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$here/requirements.txt" >"$logs/pip.log" 2>&1 ||
    { cat "$logs/pip.log" >&2; echo "other-languages.sh: pip install failed" >&2; exit 2; }
  cp "$here/requirements.txt" "$venv/.requirements.txt"
fi
"$venv/bin/pip" check --disable-pip-version-check >/dev/null
py="$venv/bin/python"
export PATH="$venv/bin:$PATH"    # openapi-python-client runs ruff from PATH
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ next to the checkers in the repo

node_dir="$work/node"
mkdir -p "$node_dir"
if ! cmp -s "$here/package-lock.json" "$node_dir/package-lock.json" || [[ ! -d "$node_dir/node_modules" ]]; then
  cp "$here/package.json" "$here/package-lock.json" "$node_dir/"
  npm ci --prefix "$node_dir" --no-audit --no-fund --loglevel=error >"$logs/npm.log" 2>&1 ||
    { cat "$logs/npm.log" >&2; echo "other-languages.sh: npm ci failed" >&2; exit 2; }
fi
nbin="$node_dir/node_modules/.bin"
echo "   python $("$py" -c 'import sys; print(sys.version.split()[0])'), node $(node --version)," \
  "java $(java -version 2>&1 | head -n 1 | cut -d'"' -f2), openapi-generator $(openapi-generator-cli version)," \
  "openapi-python-client $("$py" -c 'import importlib.metadata as m; print(m.version("openapi-python-client"))')," \
  "datamodel-code-generator $("$py" -c 'import importlib.metadata as m; print(m.version("datamodel-code-generator"))')," \
  "openapi-typescript $("$nbin/openapi-typescript" --version | tr -d 'v')," \
  "typescript $("$nbin/tsc" --version | cut -d' ' -f2)"

echo "== inputs"
"$py" "$here/cases.py" "$spec" "$root" "$work/cases.json"
now="$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["now"])' "$work/cases.json")"

echo "== generate"
G_OPC=openapi-python-client
G_OAG_PY=openapi-generator-python
G_FETCH=openapi-generator-typescript-fetch
G_OTS=openapi-typescript
G_DMCG=datamodel-code-generator
declare -A generated=()

if openapi-python-client generate --path "$spec" --output-path "$gen/opc" --meta none --overwrite \
  >"$logs/opc.log" 2>&1; then
  if grep -qi 'warning' "$logs/opc.log"; then
    result FAIL "$G_OPC" generate "it warns that pieces may be missing: $(grep -v '^\s*$' "$logs/opc.log" | head -n 12 | tr -s ' \n' ' ')"
  else
    result ok "$G_OPC" generate
  fi
  generated[$G_OPC]=1
else
  result FAIL "$G_OPC" generate "$(tail_log "$logs/opc.log")"
fi

oag() { # LOG generator output-dir [options...]
  local log="$1" g="$2" out="$3"
  shift 3
  openapi-generator-cli generate -g "$g" -i "$spec" -o "$out" \
    --global-property apiTests=false,modelTests=false,apiDocs=false,modelDocs=false "$@" >"$log" 2>&1
}
if oag "$logs/oag-python.log" python "$gen/oag-python" --package-name capi_oag; then
  result ok "$G_OAG_PY" generate
  generated[$G_OAG_PY]=1
else
  result FAIL "$G_OAG_PY" generate "$(tail_log "$logs/oag-python.log")"
fi
# modelPropertyNaming=original keeps the spec's snake_case names; the default (camelCase) variant is
# generated too, only to show (as `note` lines) what it sends.
if oag "$logs/oag-ts.log" typescript-fetch "$gen/oag-ts" --additional-properties=modelPropertyNaming=original; then
  result ok "$G_FETCH" "generate (modelPropertyNaming=original)"
  generated[$G_FETCH]=1
else
  result FAIL "$G_FETCH" "generate (modelPropertyNaming=original)" "$(tail_log "$logs/oag-ts.log")"
fi
oag "$logs/oag-ts-camel.log" typescript-fetch "$gen/oag-ts-camel" || true

if "$nbin/openapi-typescript" "$spec" -o "$gen/ots/schema.d.ts" >"$logs/ots.log" 2>&1; then
  result ok "$G_OTS" generate
  generated[$G_OTS]=1
else
  result FAIL "$G_OTS" generate "$(tail_log "$logs/ots.log")"
fi

mkdir -p "$gen/dmcg"
if datamodel-codegen --input "$spec" --input-file-type openapi --output-model-type pydantic_v2.BaseModel \
  --target-python-version 3.11 --formatters black isort --output "$gen/dmcg/dmcg_models.py" \
  >"$logs/dmcg.log" 2>&1; then
  result ok "$G_DMCG" generate
  generated[$G_DMCG]=1
else
  result FAIL "$G_DMCG" generate "$(tail_log "$logs/dmcg.log")"
fi

echo "== typescript: tsc"
cp "$here/fetch_check.ts" "$gen/fetch_check.ts"
sed 's#\./oag-ts/#./oag-ts-camel/#g' "$here/fetch_check.ts" >"$gen/fetch_check_camel.ts"
tsconfig() { # OUT_DIR FILE... : a strict tsconfig for node 20 (commonjs, fetch from lib dom)
  local out="$1"
  shift
  "$py" -c 'import json,sys; json.dump({"compilerOptions": {"target": "es2022", "module": "commonjs",
    "lib": ["es2022", "dom"], "strict": True, "skipLibCheck": True, "outDir": sys.argv[1]},
    "files": sys.argv[2:]}, sys.stdout, indent=1)' "$out" "$@"
}
if [[ -n "${generated[$G_OTS]:-}" ]]; then
  "$py" "$here/check_ts.py" typed ots "$work/cases.json" "$gen"
  tsconfig build-ots examples_ots.ts invalid_ots.ts >"$gen/tsconfig.ots.json"
  (cd "$gen" && "$nbin/tsc" --noEmit -p tsconfig.ots.json) >"$logs/tsc-ots.log" 2>&1 || true
  checker "$G_OTS" typecheck "$logs/judge-ots.log" "$py" "$here/check_ts.py" tsc "$G_OTS" ots "$gen" "$logs/tsc-ots.log"
  checker "$G_OTS" descriptions "$logs/docs-ots.log" "$py" "$here/check_ts.py" docs "$G_OTS" ots "$gen/ots/schema.d.ts" "$work/cases.json"
fi
if [[ -n "${generated[$G_FETCH]:-}" ]]; then
  "$py" "$here/check_ts.py" typed fetch "$work/cases.json" "$gen"
  tsconfig build examples_fetch.ts invalid_fetch.ts fetch_check.ts >"$gen/tsconfig.fetch.json"
  (cd "$gen" && "$nbin/tsc" -p tsconfig.fetch.json) >"$logs/tsc-fetch.log" 2>&1 || true
  checker "$G_FETCH" typecheck "$logs/judge-fetch.log" "$py" "$here/check_ts.py" tsc "$G_FETCH" fetch "$gen" "$logs/tsc-fetch.log"
  checker "$G_FETCH" descriptions "$logs/docs-fetch.log" "$py" "$here/check_ts.py" docs "$G_FETCH" fetch "$gen/oag-ts" "$work/cases.json"
  if node "$gen/build/fetch_check.js" roundtrip "$work/cases.json" >"$work/fetch-roundtrip.json" 2>"$logs/node-roundtrip.log"; then
    checker "$G_FETCH" roundtrip "$logs/judge-fetch-rt.log" "$py" "$here/check_ts.py" roundtrip "$G_FETCH" "$work/cases.json" "$work/fetch-roundtrip.json"
  else
    result FAIL "$G_FETCH" roundtrip "node failed: $(tail_log "$logs/node-roundtrip.log")"
  fi
  # The camelCase default, compiled on its own (its typed send code does not fit camelCase names).
  tsconfig build-camel fetch_check_camel.ts >"$gen/tsconfig.camel.json"
  (cd "$gen" && "$nbin/tsc" -p tsconfig.camel.json) >"$logs/tsc-camel.log" 2>&1 || true
  if node "$gen/build-camel/fetch_check_camel.js" roundtrip "$work/cases.json" >"$work/camel-roundtrip.json" 2>/dev/null; then
    "$py" "$here/check_ts.py" roundtrip "$G_FETCH(default-camelCase)" "$work/cases.json" "$work/camel-roundtrip.json" |
      grep -v ' spec-examples' | sed -e 's/^FAIL /note /' -e 's/^ok   /note /' -e 's/$/ (not a check: why modelPropertyNaming=original is passed)/'
  fi
fi

echo "== python: models"
declare -A pydir=([$G_OPC]="$gen" [$G_OAG_PY]="$gen/oag-python" [$G_DMCG]="$gen/dmcg")
for g in "$G_OPC" "$G_OAG_PY" "$G_DMCG"; do
  [[ -n "${generated[$g]:-}" ]] || continue
  checker "$g" models "$logs/py-$g.log" "$py" "$here/check_python.py" "$g" "${pydir[$g]}" "$work/cases.json"
done

echo "== clients against capi serve (clock stopped at $now, the request example's last event_time + 60 s)"
token="other-languages-token-$$"
"$capi" serve --addr 127.0.0.1:0 --token "$token" --pixel 1234567890 --now "$now" --log-level warn \
  >"$work/serve.out" 2>"$logs/serve.log" &
serve_pid=$!
base=""
for _ in $(seq 100); do
  base="$(head -n 1 "$work/serve.out" 2>/dev/null || true)"
  if [[ -n "$base" ]] && "$py" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/_fake/ready", timeout=1)' "$base" 2>/dev/null; then
    break
  fi
  base=""
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.1
done
# The clients talk to capi serve through wire_proxy.py, which records where each request carried the
# access token (the send checks require it once, in the query string).
if [[ -n "$base" ]]; then
  "$py" "$here/wire_proxy.py" "$base" >"$work/proxy.out" 2>"$logs/proxy.log" &
  proxy_pid=$!
  upstream="$base"
  base=""
  for _ in $(seq 100); do
    base="$(head -n 1 "$work/proxy.out" 2>/dev/null || true)"
    if [[ -n "$base" ]] && "$py" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/_fake/ready", timeout=1)' "$base" 2>/dev/null; then
      break
    fi
    base=""
    kill -0 "$proxy_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n "$base" ]] || result FAIL wire-proxy start "no answer in front of $upstream: $(tail_log "$logs/proxy.log")"
else
  result FAIL capi serve "did not answer on /_fake/ready: $(tail_log "$logs/serve.log")"
fi
if [[ -n "$base" ]]; then
  for g in "$G_OPC" "$G_OAG_PY" "$G_DMCG"; do
    [[ -n "${generated[$g]:-}" ]] || continue
    checker "$g" send "$logs/send-$g.log" "$py" "$here/check_python.py" "$g" "${pydir[$g]}" "$work/cases.json" "$base" "$token"
  done
  if [[ -n "${generated[$G_FETCH]:-}" ]]; then
    if node "$gen/build/fetch_check.js" send "$work/cases.json" "$base" "$token" >"$work/fetch-send.json" 2>"$logs/node-send.log"; then
      checker "$G_FETCH" send "$logs/judge-fetch-send.log" "$py" "$here/check_ts.py" send "$G_FETCH" "$work/cases.json" "$work/fetch-send.json" "$token"
    else
      result FAIL "$G_FETCH" send "node failed: $(tail_log "$logs/node-send.log")"
    fi
  fi
fi

echo "== known limitations of the generators (scripts/other-languages/known-limitations.tsv)"
"$py" "$here/known.py" "$results" "$here/known-limitations.tsv"
passed="$(grep -c '^ok ' "$results" || true)"
known="$(grep -c '^known ' "$results" || true)"
failed="$(grep -c '^FAIL ' "$results" || true)"
echo "== summary ($((SECONDS - started)) s; work dir $work$([[ "$keep_work" == 1 ]] || echo ', removed'))"
grep '^FAIL ' "$results" | cut -d: -f1 | sed 's/^/   /' || true
echo "   $known known limitations of the generators, not counted"
echo "other-languages: $passed passed, $failed failed"
[[ "$failed" == 0 ]]
