#!/usr/bin/env bash
# Cold start of one embedded silo at N identities, with and without shard snapshots (docs/BENCHMARKS.md, "Cold start
# from shard snapshots"):
#
#   N=100000 scripts/cold-start.sh
#
# Enrols N embedding-in identities into a fresh home (`bench gallery --identities N`), stops the silo (SIGTERM: every
# shard writes its snapshot as it is deactivated), then starts it twice: as it is, and with ShardSnapshotSeconds=0
# (every shard asks each member identity grain). Each time: seconds from start to GET /health answering (its gallery
# size wakes every shard) and to the first identify (`bench gallery --identities 0 --enrolled-checks 10`), and the
# shard rebuild series of /metrics. Answers go to $OUT (default /tmp/facegrains-cold-start).
# FACEGRAINS_SILO: the silo binary (default: published here to $OUT/silo; it must get SIGTERM itself, which `dotnet run`
# does not pass on); FACEGRAINS_CLI: the command line (default: dotnet run, Release); MODELS: a models folder to link
# into the fresh home (default: none, the silo imports the default model from npm).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${N:-100000}"
out="${OUT:-/tmp/facegrains-cold-start}"
read -r -a cli <<<"${FACEGRAINS_CLI:-dotnet run --project src/ClientCli -c Release --}"
. scripts/embedded-silo.sh
now() { date +%s.%N; }

silo
ready
FACEGRAINS_HOME="$home" "${cli[@]}" bench gallery --identities "$n" --probes 500 --json >"$out/enrol.json"
s=$(now); stop; echo "stop (snapshots written): $(echo "$(now) - $s" | bc) s"
for mode in snapshot identity; do
  extra=()
  [ "$mode" = identity ] && extra=(--FaceGrains:Gallery:ShardSnapshotSeconds=0)
  s=$(now); silo "${extra[@]}"; ready; r=$(now)
  FACEGRAINS_HOME="$home" "${cli[@]}" bench gallery --identities 0 --probes 1 --concurrency 1 --enrolled-checks 10 --json >"$out/first-$mode.json"
  e=$(now)
  curl -s http://127.0.0.1:5080/metrics | grep -E "^facegrains_shard_rebuild" | grep -v _bucket >"$out/metrics-$mode.txt"
  echo "$mode: /health after $(echo "$r - $s" | bc) s, first identify answered $(echo "$e - $s" | bc) s from start," \
    "$(jq -r '"\(.enrolled_checks_correct)/\(.enrolled_checks) enrolled vectors right, first identify \(.first_identify_ms) ms"' "$out/first-$mode.json")"
  cat "$out/metrics-$mode.txt"
  stop
done
