#!/usr/bin/env bash
# API keys, roles, audit log and rate limit on the real silo, over REST only (docs/BENCHMARKS.md, "Access control"):
#
#   scripts/access-demo.sh [data]      data = the LFW folder (default ../shared/data/lfw)
#
# Makes an admin key and a reader key with `facegrains keys new`, starts a silo with them and a rate limit of
# ACCESS_DEMO_BURST requests at once (default 20) refilled at 5 per second, then prints one JSON object: the status of
# every mutating route without a key, with the reader key and with the admin key; the audit log's lines; and a burst of
# ACCESS_DEMO_REQUESTS (default 200) concurrent reads with the reader key (counts of 200 and 429, Retry-After) while the
# admin key reads at the same time (its statuses). Needs curl and jq. The data directory is a fresh temporary folder
# (ACCESS_DEMO_HOME to keep it), the silo's log beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-../shared/data/lfw}"
home="${ACCESS_DEMO_HOME:-$(mktemp -d "${TMPDIR:-/tmp}/facegrains-access-demo.XXXXXX")}"
port="${ACCESS_DEMO_PORT:-5390}"
burst="${ACCESS_DEMO_BURST:-20}"
requests="${ACCESS_DEMO_REQUESTS:-200}"
api="http://127.0.0.1:$port"

cli() { dotnet run --project src/ClientCli -c Release -- "$@"; }
admin_json="$(cli keys new ops --role admin --json)"
reader_json="$(cli keys new webshop --role reader --json)"
admin="$(jq -r .key <<<"$admin_json")"
reader="$(jq -r .key <<<"$reader_json")"

FACEGRAINS_HOME="$home" \
FaceGrains__ApiKeys__ops__Role=admin FaceGrains__ApiKeys__ops__Sha256="$(jq -r .sha256 <<<"$admin_json")" \
FaceGrains__ApiKeys__webshop__Role=reader FaceGrains__ApiKeys__webshop__Sha256="$(jq -r .sha256 <<<"$reader_json")" \
FaceGrains__RateLimit__Burst="$burst" FaceGrains__RateLimit__PermitsPerSecond=5 \
  dotnet run --project src/Silo -c Release -- \
  --Urls="$api" --FaceGrains:SiloPort=$((port + 10000)) --FaceGrains:GatewayPort=$((port + 20000)) \
  >"$home/silo.log" 2>&1 &
silo=$!
trap 'kill "$silo" 2>/dev/null; wait "$silo" 2>/dev/null || true' EXIT
until curl -sf "$api/health" >/dev/null 2>&1; do
  kill -0 "$silo" 2>/dev/null || { echo "the silo stopped; its log: $home/silo.log" >&2; exit 1; }
  sleep 1
done

photo="$(find "$data/Colin_Powell" -type f | sort | head -1)"
status() { # method path [key] [curl args...]: prints the HTTP status
  local method="$1" path="$2" key="${3:-}"; shift 3 || shift $#
  curl -s -o /dev/null -w '%{http_code}' -X "$method" ${key:+-H "X-API-Key: $key"} "$@" "$api$path"
}
routes=("POST /identities/powell/faces" "DELETE /identities/powell/faces/0000" "DELETE /identities/powell" "POST /models/nothing/activate" "POST /models/migration/cancel" "POST /models/rollback" "POST /models/nothing/retire")
matrix="[]"
for route in "${routes[@]}"; do
  read -r method path <<<"$route"
  form=(); [ "$path" = /identities/powell/faces ] && form=(-F "f=@$photo" -F "display_name=Colin Powell")
  none="$(status "$method" "$path" "" "${form[@]}")"
  weak="$(status "$method" "$path" "$reader" "${form[@]}")"
  strong="$(status "$method" "$path" "$admin" "${form[@]}")"
  matrix="$(jq -c --arg r "$route" --argjson a "$none" --argjson b "$weak" --argjson c "$strong" '. + [{route: $r, no_key: $a, reader_key: $b, admin_key: $c}]' <<<"$matrix")"
done
problem="$(curl -s -X DELETE "$api/identities/powell")"

# The burst: reader-key reads all at once, admin-key reads beside them.
burst_dir="$(mktemp -d)"
seq "$requests" | xargs -P 64 -I{} curl -s -o /dev/null -D "$burst_dir/{}.h" -w '%{http_code}\n' -H "X-API-Key: $reader" "$api/identities" >"$burst_dir/reader" &
burst_pid=$!
for _ in $(seq 10); do status GET /identities "$admin"; echo; done >"$burst_dir/admin"
wait "$burst_pid"
retry_after="$(grep -hi '^retry-after:' "$burst_dir"/*.h | head -1 | tr -dc '0-9')"

jq -n --argjson matrix "$matrix" --argjson problem "$problem" \
  --argjson ok "$(grep -c '^200$' "$burst_dir/reader" || true)" --argjson limited "$(grep -c '^429$' "$burst_dir/reader" || true)" \
  --arg retry_after "$retry_after" --argjson admin "$(jq -R . "$burst_dir/admin" | jq -s -c .)" \
  --argjson audit "$(jq -c . "$home/audit.jsonl" | jq -s -c .)" --argjson burst "$burst" --argjson requests "$requests" '{
    mutating_routes: $matrix,
    no_key_problem: $problem,
    audit_log: $audit,
    rate_limit: {burst: $burst, permits_per_second: 5, reader_requests: $requests, reader_200: $ok, reader_429: $limited,
      retry_after_seconds: ($retry_after | tonumber? // null), admin_statuses_during_burst: $admin}
  }'
rm -rf "$burst_dir"
