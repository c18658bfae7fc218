#!/usr/bin/env bash
# Azurite, Microsoft's Azure Storage emulator (npm azurite 3.37.0), on 127.0.0.1 for the azure profile.
#
#   scripts/azurite.sh install             installs it with npm (once) and prints the executable's path
#   scripts/azurite.sh start               starts it in the background (data in a private folder) and prints
#                                          the export line of FaceGrains__AzureStorage for silos and the CLI
#   scripts/azurite.sh stop                stops it (the data folder stays)
#   scripts/azurite.sh connection-string   prints the connection string of the running one
#
# Settings (environment): FACEGRAINS_AZURITE_DIR (install folder, default ~/.cache/facegrains/azurite),
# FACEGRAINS_AZURITE_DATA (data folder, default ~/.cache/facegrains/azurite-data), FACEGRAINS_AZURITE_BLOB_PORT (10000),
# FACEGRAINS_AZURITE_QUEUE_PORT (10001), FACEGRAINS_AZURITE_TABLE_PORT (10002), FACEGRAINS_AZURITE_IN_MEMORY (unset; 1 keeps
# everything in memory, lost when it stops: Azurite rewrites its whole table database file as it grows, which slows
# enrolment past tens of thousands of identities, so the 100k benchmark uses it).
# The account is Azurite's development account (devstoreaccount1 and its published key): for local use only.
set -euo pipefail
version="3.37.0"
dir="${FACEGRAINS_AZURITE_DIR:-$HOME/.cache/facegrains/azurite}"
data="${FACEGRAINS_AZURITE_DATA:-$HOME/.cache/facegrains/azurite-data}"
blob_port="${FACEGRAINS_AZURITE_BLOB_PORT:-10000}"
queue_port="${FACEGRAINS_AZURITE_QUEUE_PORT:-10001}"
table_port="${FACEGRAINS_AZURITE_TABLE_PORT:-10002}"
exe="$dir/node_modules/.bin/azurite"
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

install() {
  if [ ! -x "$exe" ]; then
    command -v npm >/dev/null 2>&1 || { echo "npm is not on PATH: install it (Debian: apt-get install npm)" >&2; exit 1; }
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "azurite@$version" >&2
  fi
  echo "$exe"
}

connection_string() {
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"
}

start() {
  install >/dev/null
  mkdir -p "$data"
  if [ -f "$data/azurite.pid" ] && kill -0 "$(cat "$data/azurite.pid")" 2>/dev/null; then
    echo "Azurite is already running (pid $(cat "$data/azurite.pid"))" >&2
  else
    where=(--location "$data")
    [ -z "${FACEGRAINS_AZURITE_IN_MEMORY:-}" ] || where=(--inMemoryPersistence)
    nohup "$exe" --silent --skipApiVersionCheck --loose "${where[@]}" \
      --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
      --tableHost 127.0.0.1 --tablePort "$table_port" >"$data/azurite.log" 2>&1 &
    echo $! >"$data/azurite.pid"
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$table_port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$blob_port") 2>/dev/null && break
      kill -0 "$(cat "$data/azurite.pid")" 2>/dev/null || { echo "Azurite died; see $data/azurite.log" >&2; exit 1; }
      sleep 0.1
    done
    echo "Azurite on 127.0.0.1 (blob $blob_port, table $table_port), data in $data" >&2
  fi
  echo "export FaceGrains__AzureStorage='$(connection_string)'"
}

stop() {
  if [ -f "$data/azurite.pid" ]; then
    local pid
    pid="$(cat "$data/azurite.pid")"
    kill "$pid" 2>/dev/null || true
    # Azurite closes gracefully on SIGTERM, but can take its time while it still has work or open connections.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$data/azurite.pid"
  fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  connection-string) connection_string ;;
  *) echo "usage: $0 install | start | stop | connection-string" >&2; exit 2 ;;
esac
