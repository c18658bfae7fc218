#!/usr/bin/env bash
# The gallery at scale on a local cluster (docs/BENCHMARKS.md, "A million identities on 3 silos"):
#
#   N=1000000 SILOS=3 scripts/cluster-scale.sh
#
# Starts SILOS silo processes (cluster profile, private Redis; scripts/gallery-cluster.sh), enrols N random unit vectors
# (embedding-in) and times PROBES identify calls with 8 callers (`bench gallery`), reads each silo's resident memory and
# Redis's, then stops every silo (SIGTERM: shards write their snapshots) and starts them again on the same storage:
# seconds from the restart to every silo's /health, and to the first identify answered (`bench gallery --identities 0
# --enrolled-checks 10`: the enrolled vectors of the first 10 identities must come back as themselves). JSON answers
# and silo logs under $FACEGRAINS_CLUSTER_RUN (default /tmp/facegrains-cluster); a summary on stdout.
# MIXED_RATE=100 (optional): after the identify timing, the same calls again while new identities are enrolled at that
# rate (`bench gallery --mixed-enrol-rate`): p50 while enrolling beside p50 without.
# SEARCH_CONCURRENCY="64 2 …" (optional): then, for each value, the cluster is restarted again with
# --FaceGrains:Gallery:SearchConcurrency=<value> and PROBES identify calls are timed on the settled gallery (no identity
# grain active), so joined and unjoined shard searches are compared on the same rows.
# FACEGRAINS_HOME: where the cluster takes models/ and detection/ from (as gallery-cluster.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${N:-1000000}"
silos="${SILOS:-3}"
probes="${PROBES:-2000}"
run="${FACEGRAINS_CLUSTER_RUN:-/tmp/facegrains-cluster}"
facegrains="src/ClientCli/bin/Release/net10.0/linux-x64/facegrains"
[ -x "$facegrains" ] || dotnet build -c Release src/ClientCli -v q -nologo
now() { date +%s.%N; }
rss() { for f in "$run"/silo-*.pid; do awk '/VmRSS/ { printf "%.0f MB ", $2 / 1024 }' "/proc/$(cat "$f")/status"; done; }
trap 'scripts/gallery-cluster.sh stop' EXIT

scripts/gallery-cluster.sh start "$silos"
gw="$(scripts/gallery-cluster.sh gateways "$silos")"
"$facegrains" bench gallery --gateway "$gw" --identities "$n" --probes "$probes" ${MIXED_RATE:+--mixed-enrol-rate "$MIXED_RATE"} --json >"$run/scale-enrol.json"
echo "enrolled and timed: $(jq -c '{identities, enrol_identities_per_second, enrol_retries, enrolled_checks_correct, p50_ms, p99_ms, probes_per_second}' "$run/scale-enrol.json")"
if [ -n "${MIXED_RATE:-}" ]; then
  echo "identified again while enrolling: $(jq -c '{mixed_enrol_rate, mixed_enrolled, mixed_enrol_identities_per_second, mixed_p50_ms, mixed_p99_ms, mixed_probes_per_second, mixed_p50_ratio}' "$run/scale-enrol.json")"
fi
echo "resident memory per silo: $(rss); redis: $(redis-cli -p "${FACEGRAINS_CLUSTER_REDIS_PORT:-6393}" info memory | awk -F: '/^used_memory_human/ { print $2 }' | tr -d '\r')"

s=$(now)
scripts/gallery-cluster.sh restart "$silos"
r=$(now)
"$facegrains" bench gallery --gateway "$gw" --identities 0 --probes 1 --concurrency 1 --enrolled-checks 10 --json >"$run/scale-first.json"
e=$(now)
b=$(cat "$run/started-at")
echo "whole cluster restarted: stop and start $(echo "$r - $s" | bc) s; from the silos' start: every /health after $(echo "$r - $b" | bc) s, first identify answered after $(echo "$e - $b" | bc) s;" \
  "$(jq -r '"\(.enrolled_checks_correct)/\(.enrolled_checks) enrolled vectors right, first identify \(.first_identify_ms) ms"' "$run/scale-first.json")"
echo "resident memory per silo after the restart: $(rss)"
for i in $(seq 1 "$silos"); do
  curl -s "http://127.0.0.1:$((${FACEGRAINS_CLUSTER_BASE_HTTP:-5280} + i))/metrics" | grep -E "^facegrains_shard_rebuild_identities_total" | sed "s/^/silo $i: /" || echo "silo $i: no shard rebuilt here"
done
for c in ${SEARCH_CONCURRENCY:-}; do
  FACEGRAINS_CLUSTER_SILO_ARGS="${FACEGRAINS_CLUSTER_SILO_ARGS:-} --FaceGrains:Gallery:SearchConcurrency=$c" scripts/gallery-cluster.sh restart "$silos"
  "$facegrains" bench gallery --gateway "$gw" --identities 0 --probes "$probes" --json >"$run/scale-search-concurrency-$c.json"
  echo "restarted with SearchConcurrency $c: $(jq -c '{p50_ms, p99_ms, probes_per_second}' "$run/scale-search-concurrency-$c.json")"
done
