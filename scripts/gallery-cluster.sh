#!/usr/bin/env bash
# A local FaceGrains cluster for the measurements in docs/BENCHMARKS.md ("Gallery host").
#
#   scripts/gallery-cluster.sh start N   private redis-server + N silo processes (cluster profile), or with
#                                        FACEGRAINS_CLUSTER_PROFILE=azure a private Azurite + N silos (azure profile)
#   scripts/gallery-cluster.sh stop      stops them all (kill -9 of one silo is the caller's business)
#   scripts/gallery-cluster.sh restart N stops the silos (SIGTERM: shards write their snapshots) and starts N again on the
#                                        same storage (cluster profile): a whole-cluster cold start
#   scripts/gallery-cluster.sh gateways  prints the gateway list for facegrains --gateway
#
# Everything lives under $FACEGRAINS_CLUSTER_RUN (default /tmp/facegrains-cluster): redis/ (append-only file on),
# home/ (the one data directory every silo shares: models/ and detection/ linked from $FACEGRAINS_HOME, default ~/.facegrains; faces/),
# silo-<i>.log. Azure profile: azurite/ (its data, emptied at each start) and home-<i>/ per silo (its own models/ cache,
# cache/ and detection/ linked from $FACEGRAINS_HOME so no silo downloads the npm package again).
# Silo i (1-based) listens on silo port BASE_SILO+i, gateway BASE_GATEWAY+i, HTTP BASE_HTTP+i.
set -euo pipefail
cd "$(dirname "$0")/.."
run="${FACEGRAINS_CLUSTER_RUN:-/tmp/facegrains-cluster}"
redis_port="${FACEGRAINS_CLUSTER_REDIS_PORT:-6393}"
base_silo="${FACEGRAINS_CLUSTER_BASE_SILO:-22000}"
base_gateway="${FACEGRAINS_CLUSTER_BASE_GATEWAY:-32000}"
base_http="${FACEGRAINS_CLUSTER_BASE_HTTP:-5280}"
models="${FACEGRAINS_HOME:-$HOME/.facegrains}/models"
silo_bin="${FACEGRAINS_SILO_BIN:-src/Silo/bin/Release/net10.0/linux-x64/facegrains-silo}"
profile="${FACEGRAINS_CLUSTER_PROFILE:-cluster}"
azurite_port="${FACEGRAINS_CLUSTER_AZURITE_PORT:-10300}" # blob; queue +1, table +2
azurite_env() {
  echo FACEGRAINS_AZURITE_DATA="$run/azurite" FACEGRAINS_AZURITE_BLOB_PORT="$azurite_port" \
    FACEGRAINS_AZURITE_QUEUE_PORT=$((azurite_port + 1)) FACEGRAINS_AZURITE_TABLE_PORT=$((azurite_port + 2))
}

start() {
  local n="$1"
  if [ "$profile" = azure ]; then start_azure "$n"; return; fi
  rm -rf "$run/redis"
  mkdir -p "$run/redis" "$run/home"
  [ -e "$run/home/models" ] || ln -s "$models" "$run/home/models"
  # The face detector too, when that home has imported it (otherwise the first silo imports it from npm).
  [ -e "$run/home/detection" ] || [ ! -d "$models/../detection" ] || ln -s "$(cd "$models/../detection" && pwd)" "$run/home/detection"
  [ -x "$silo_bin" ] || dotnet build -c Release src/Silo -v q -nologo
  redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$run/redis" --appendonly yes --save "" \
    --daemonize yes --pidfile "$run/redis/redis.pid" --logfile "$run/redis/redis.log"
  until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.1; done
  redis-cli -p "$redis_port" flushall >/dev/null
  rm -f "$run"/silo-*.log
  launch_silos "$n"
  wait_healthy "$n"
}

launch_silos() {
  for i in $(seq 1 "$1"); do
    "$silo_bin" --contentRoot "$PWD/src/Silo" \
      --FaceGrains:Profile=cluster --FaceGrains:Redis="127.0.0.1:$redis_port" --FaceGrains:Home="$run/home" \
      --FaceGrains:SiloPort=$((base_silo + i)) --FaceGrains:GatewayPort=$((base_gateway + i)) \
      --Urls="http://127.0.0.1:$((base_http + i))" ${FACEGRAINS_CLUSTER_SILO_ARGS:-} \
      >>"$run/silo-$i.log" 2>&1 &
    echo $! >"$run/silo-$i.pid"
  done
}

restart() {
  local n="$1"
  [ "$profile" = cluster ] || { echo "restart: cluster profile only" >&2; exit 2; }
  local t0
  t0=$(date +%s.%N)
  stop_silos 1800
  echo "silos stopped in $(echo "$(date +%s.%N) - $t0" | bc) s" >&2
  echo "$(date +%s.%N)" >"$run/started-at"
  launch_silos "$n"
  wait_healthy "$n"
}

start_azure() {
  local n="$1"
  [ -x "$silo_bin" ] || dotnet build -c Release src/Silo -v q -nologo
  env $(azurite_env) scripts/azurite.sh stop
  rm -rf "$run/azurite" "$run"/home-*
  mkdir -p "$run/azurite"
  local conn
  conn="$(env $(azurite_env) scripts/azurite.sh connection-string)"
  env $(azurite_env) scripts/azurite.sh start >/dev/null
  for i in $(seq 1 "$n"); do
    mkdir -p "$run/home-$i/models"
    for shared in cache detection; do
      [ ! -d "$models/../$shared" ] || ln -s "$(cd "$models/../$shared" && pwd)" "$run/home-$i/$shared"
    done
    FaceGrains__AzureStorage="$conn" "$silo_bin" --contentRoot "$PWD/src/Silo" \
      --FaceGrains:Profile=azure --FaceGrains:Home="$run/home-$i" \
      --FaceGrains:SiloPort=$((base_silo + i)) --FaceGrains:GatewayPort=$((base_gateway + i)) \
      --Urls="http://127.0.0.1:$((base_http + i))" ${FACEGRAINS_CLUSTER_SILO_ARGS:-} \
      >"$run/silo-$i.log" 2>&1 &
    echo $! >"$run/silo-$i.pid"
    # The first silo publishes the default model into the blob container; the others take it from there.
    [ "$i" -gt 1 ] || wait_healthy 1
  done
  wait_healthy "$n"
}

wait_healthy() {
  local n="$1"
  for i in $(seq 1 "$n"); do
    until curl -sf "http://127.0.0.1:$((base_http + i))/health" >/dev/null; do
      kill -0 "$(cat "$run/silo-$i.pid")" 2>/dev/null || { echo "silo $i died; see $run/silo-$i.log" >&2; exit 1; }
      sleep 0.5
    done
  done
  echo "cluster of $n silos up ($profile profile); gateways: $(gateways "$n")" >&2
}

gateways() {
  local n="${1:-$(ls "$run"/silo-*.pid 2>/dev/null | wc -l)}"
  seq 1 "$n" | sed "s/.*/127.0.0.1:\$(( $base_gateway + & ))/" | while read -r line; do eval echo "$line"; done | paste -sd,
}

stop() {
  stop_silos
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  env $(azurite_env) scripts/azurite.sh stop
  rm -rf "$run/home/faces" "$run/azurite" "$run"/home-*
}

stop_silos() {
  local ticks="${1:-100}" # of 0.2 s before kill -9
  local pids=()
  for pidfile in "$run"/silo-*.pid; do
    [ -e "$pidfile" ] || continue
    pids+=("$(cat "$pidfile")")
    rm -f "$pidfile"
  done
  [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true
  # A silo still shutting down would write its membership into the next run's Redis: wait, then insist.
  for _ in $(seq "$ticks"); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.2
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
}

case "${1:-}" in
  start) start "${2:-3}" ;;
  stop) stop ;;
  restart) restart "${2:-3}" ;;
  gateways) gateways "${2:-}" ;;
  *) echo "usage: $0 start N | stop | restart N | gateways" >&2; exit 2 ;;
esac
