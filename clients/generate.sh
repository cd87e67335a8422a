#!/usr/bin/env bash
# The API clients from the live schema (manage.py spectacular): the Python client
# (openapi-python-client) in clients/python and the TypeScript types (openapi-typescript) in
# clients/typescript/atelier.d.ts. Any generator warning fails, so the schema stays one that
# generators read whole. `check` generates into a temporary directory instead and fails when
# the committed clients differ (the schema changed without `make sdk`), then type-checks
# clients/typescript/example.ts. `check python` skips the TypeScript half (no Node.js).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-generate}
only=${2:-all}
py=${PYTHON:-.venv/bin/python}  # openapi-python-client and ruff are installed next to it
bin=$(cd "$(dirname "$py")" && pwd)
out=$(mktemp -d /tmp/atelier-sdk.XXXXXX)
trap 'rm -rf "$out"' EXIT
log() { printf '[sdk] %s\n' "$*"; }

log "schema"
$py manage.py spectacular --validate --fail-on-warn --format openapi-json \
  --file "$out/openapi.json"

log "Python client (openapi-python-client)"
PATH="$bin:$PATH" "$bin/openapi-python-client" generate --path "$out/openapi.json" \
  --config clients/openapi-python-client.yaml --output-path "$out/python" --meta setup \
  >"$out/python.log" 2>&1 || { cat "$out/python.log"; exit 1; }
if grep -qi "warning\|error" "$out/python.log"; then
  cat "$out/python.log"; log "openapi-python-client warned: fix the schema"; exit 1
fi
log "openapi-python-client: 0 warnings"

if [ "$only" != python ]; then
  log "TypeScript types (openapi-typescript)"
  ts=clients/typescript
  [ -x "$ts/node_modules/.bin/openapi-typescript" ] \
    || (cd "$ts" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  "$ts/node_modules/.bin/openapi-typescript" "$out/openapi.json" --output "$out/atelier.d.ts" \
    >"$out/ts.log" 2>&1 || { cat "$out/ts.log"; exit 1; }
  if grep -qi "warn\|error" "$out/ts.log"; then
    cat "$out/ts.log"; log "openapi-typescript warned: fix the schema"; exit 1
  fi
  log "openapi-typescript: 0 warnings"
fi

if [ "$mode" = check ]; then
  status=0
  diff -ru -x .ruff_cache -x __pycache__ clients/python "$out/python" || status=1
  if [ "$only" != python ]; then
    diff -u clients/typescript/atelier.d.ts "$out/atelier.d.ts" || status=1
  fi
  if [ "$status" != 0 ]; then log "the clients differ from the schema: run make sdk"; exit 1; fi
  log "the clients match the schema"
else
  rm -rf clients/python && cp -r "$out/python" clients/python && rm -rf clients/python/.ruff_cache
  [ "$only" = python ] || cp "$out/atelier.d.ts" clients/typescript/atelier.d.ts
  log "written: clients/python, clients/typescript/atelier.d.ts"
fi
if [ "$only" != python ]; then
  log "tsc --noEmit clients/typescript/example.ts"
  (cd clients/typescript && node_modules/.bin/tsc --noEmit)
fi
