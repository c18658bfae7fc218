#!/usr/bin/env bash
# Storage outage while enrolling (azure profile): 3 silos with their own homes and a private Azurite; a client enrols
# 1,000 identities (one real LFW image each); Azurite is frozen with SIGSTOP for PAUSE_SECONDS (default 5) after
# PAUSE_AFTER_SECONDS (default 15), then resumed with SIGCONT. Afterwards every acknowledged enrolment must be present
# and identifiable. Prints the client's JSON (acknowledged, present, identifiable, retried calls by error type).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-../shared/data/lfw}"
pause_after="${PAUSE_AFTER_SECONDS:-15}"
pause="${PAUSE_SECONDS:-5}"
facegrains="src/ClientCli/bin/Release/net10.0/linux-x64/facegrains"
[ -x "$facegrains" ] || dotnet build -c Release src/ClientCli -v q -nologo
export FACEGRAINS_CLUSTER_PROFILE=azure
trap 'scripts/gallery-cluster.sh stop' EXIT
scripts/gallery-cluster.sh start 3
run="${FACEGRAINS_CLUSTER_RUN:-/tmp/facegrains-cluster}"
"$facegrains" bench enroll-durability --data "$data" --identities 1000 --gateway "$(scripts/gallery-cluster.sh gateways 3)" --json >"$run/durability.json" &
client=$!
sleep "$pause_after"
azurite="$(cat "$run/azurite/azurite.pid")"
echo "pausing Azurite (pid $azurite) with SIGSTOP at ${pause_after}s for ${pause}s" >&2
kill -STOP "$azurite"
sleep "$pause"
kill -CONT "$azurite"
echo "resumed Azurite" >&2
wait "$client" || true
cat "$run/durability.json"
