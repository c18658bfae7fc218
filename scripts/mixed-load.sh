#!/usr/bin/env bash
# Identify latency with and without enrolment running beside it (docs/BENCHMARKS.md, "Mixed load").
#
#   N=100000 RATE=100 scripts/mixed-load.sh
#
# One embedded silo in a fresh home under OUT (default /tmp/facegrains-mixed-load): `bench gallery` enrols N random
# unit vectors (default 100,000), times PROBES identify calls (default 2,000, 8 in flight), then times them again while
# new identities are enrolled at RATE per second (default 100). Prints the bench's JSON answer.
# FACEGRAINS_SILO: a silo binary (default: published by the script); FACEGRAINS_CLI (default: dotnet run);
# MODELS: a models folder to link into the home (saves the face-api import).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${N:-100000}"
rate="${RATE:-100}"
probes="${PROBES:-2000}"
out="${OUT:-/tmp/facegrains-mixed-load}"
read -r -a cli <<<"${FACEGRAINS_CLI:-dotnet run --project src/ClientCli -c Release --}"
. scripts/embedded-silo.sh
silo
trap stop EXIT
ready
FACEGRAINS_HOME="$home" "${cli[@]}" bench gallery --identities "$n" --probes "$probes" --mixed-enrol-rate "$rate" --json
