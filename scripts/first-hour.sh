#!/usr/bin/env bash
# A new user's first hour with the real silo, over REST only (docs/BENCHMARKS.md, "Calibrated out of the box"):
# `dotnet run --project src/Silo` with a fresh data directory and its defaults, then curl.
#
#   scripts/first-hour.sh [data]      data = the LFW folder (default ../shared/data/lfw)
#
# Enrols five LFW people from their first three photos, identifies each one's sixth photo and the first photo of
# five people never enrolled, and prints one line per probe (expected answer, answer, score) and the threshold's
# reason. Exits 1 when any answer is wrong. Needs curl and jq. The silo's data directory is a fresh temporary
# folder (FIRST_HOUR_HOME to keep it), its log beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-../shared/data/lfw}"
home="${FIRST_HOUR_HOME:-$(mktemp -d "${TMPDIR:-/tmp}/facegrains-first-hour.XXXXXX")}"
port="${FIRST_HOUR_PORT:-5380}"
api="http://127.0.0.1:$port"
known=(Colin_Powell Tony_Blair Donald_Rumsfeld Ariel_Sharon Hugo_Chavez)
strangers=(Jacques_Chirac Vladimir_Putin John_Ashcroft Jean_Chretien Junichiro_Koizumi)

photo() { find "$data/$1" -type f | sort | sed -n "${2}p"; }

FACEGRAINS_HOME="$home" dotnet run --project src/Silo -c Release -- \
  --Urls="$api" --FaceGrains:SiloPort=$((port + 10000)) --FaceGrains:GatewayPort=$((port + 20000)) \
  >"$home/silo.log" 2>&1 &
silo=$!
trap 'kill "$silo" 2>/dev/null; wait "$silo" 2>/dev/null || true' EXIT
until curl -sf "$api/health" >/dev/null 2>&1; do
  kill -0 "$silo" 2>/dev/null || { echo "the silo stopped; its log: $home/silo.log" >&2; exit 1; }
  sleep 1
done
grep -E "Identify: target FPIR" "$home/silo.log" | sed 's/^ *//' || true

for person in "${known[@]}"; do
  curl -sf -F "f=@$(photo "$person" 1)" -F "f=@$(photo "$person" 2)" -F "f=@$(photo "$person" 3)" \
    "$api/identities/$person/faces" | jq -r --arg p "$person" '"enrolled \($p): \(.accepted_count) of \(.faces | length) photos"'
done

args=()
expected=()
for person in "${known[@]}"; do args+=(-F "p=@$(photo "$person" 6)"); expected+=("$person"); done
for person in "${strangers[@]}"; do args+=(-F "p=@$(photo "$person" 1)"); expected+=("no-correspondence"); done
answer="$(curl -sf "${args[@]}" "$api/identify")"
wrong=0
for i in "${!expected[@]}"; do
  got="$(jq -r ".answers[$i].faces[0].label" <<<"$answer")"
  score="$(jq -r ".answers[$i].faces[0].score" <<<"$answer")"
  [ "$got" = "${expected[$i]}" ] || wrong=$((wrong + 1))
  printf '%-34s %-20s %-20s %s\n' "$(jq -r ".answers[$i].file_name" <<<"$answer")" "${expected[$i]}" "$got" "$score"
done
jq -r '.answers[0].threshold | "threshold \(.threshold) (\(.source), \(.impostor_scores) impostor scores): \(.reason)"' <<<"$answer"
echo "wrong answers: $wrong of ${#expected[@]}"
[ "$wrong" -eq 0 ]
