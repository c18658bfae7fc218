#!/usr/bin/env bash
# Must-show: 3 silo processes (Redis profile); a client enrols 1,000 identities (one real LFW image each) while one
# silo is killed with SIGKILL; afterwards every acknowledged enrolment must be present and identifiable.
# Prints the client's JSON (acknowledged, present, identifiable, retried calls by error type).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-../shared/data/lfw}"
kill_after="${KILL_AFTER_SECONDS:-15}"
facegrains="src/ClientCli/bin/Release/net10.0/linux-x64/facegrains"
[ -x "$facegrains" ] || dotnet build -c Release src/ClientCli -v q -nologo
trap 'scripts/gallery-cluster.sh stop' EXIT
scripts/gallery-cluster.sh start 3
run="${FACEGRAINS_CLUSTER_RUN:-/tmp/facegrains-cluster}"
"$facegrains" bench enroll-durability --data "$data" --identities 1000 --gateway "$(scripts/gallery-cluster.sh gateways 3)" --json >"$run/durability.json" &
client=$!
sleep "$kill_after"
echo "killing silo 2 (pid $(cat "$run/silo-2.pid")) with SIGKILL at ${kill_after}s" >&2
kill -9 "$(cat "$run/silo-2.pid")"
rm -f "$run/silo-2.pid"
wait "$client" || true
cat "$run/durability.json"
