#!/usr/bin/env bash
# Identify latency (p50, p99) and throughput at 10k and 100k identities (random unit vectors, embedding-in),
# on 1 and on 3 silo processes (Redis profile). One JSON line per point on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
facegrains="src/ClientCli/bin/Release/net10.0/linux-x64/facegrains"
[ -x "$facegrains" ] || dotnet build -c Release src/ClientCli -v q -nologo
probes="${PROBES:-2000}"
trap 'scripts/gallery-cluster.sh stop' EXIT
for silos in ${SILOS:-1 3}; do
  scripts/gallery-cluster.sh start "$silos"
  gw="$(scripts/gallery-cluster.sh gateways "$silos")"
  # 10k, then 90k more for 100k.
  "$facegrains" bench gallery --gateway "$gw" --identities 10000 --prefix a- --probes "$probes" --json | tr -d '\n ' ; echo " silos=$silos"
  "$facegrains" bench gallery --gateway "$gw" --identities 90000 --prefix b- --seed 2 --probes "$probes" --json | tr -d '\n ' ; echo " silos=$silos"
  scripts/gallery-cluster.sh stop
done
