#!/usr/bin/env bash
# The drift signal (README "Metrics"), shown on the release silo over REST: a gallery of LFW people enrolled on one
# embedded silo with the default model, then three probe sets, each on the same gallery with the silo restarted first
# (so its drift window holds only that set):
#   lfw-unknown  one photo each of LFW people never enrolled (the domain the threshold was calibrated on)
#   lfw-mated    another photo of each enrolled person (they should be identified; the distance should not move)
#   orl          ORL faces (another face set: greyscale 92×112 chips, sent with aligned=true), nobody enrolled
# After each set it prints the drift gauges from GET /metrics and keeps the set's listing (buckets left out) in
# $DRIFT_RUN/metrics-<set>.txt (the enrolment's in metrics-enrol.txt).
#
#   scripts/drift-demo.sh [data]    data: the folder holding lfw/ and orl/ (default $FACEGRAINS_DATA, else ../shared/data)
#
# DRIFT_GALLERY people enrolled (default 100: the first, in name order, with at least 3 photos; 2 photos each),
# DRIFT_PROBES probes per set (default 400; ORL has 400 images, the mated set one per enrolled person), DRIFT_RUN (default /tmp/facegrains-drift, emptied at start),
# DRIFT_HTTP / DRIFT_SILO_PORT / DRIFT_GATEWAY (default 5391 / 11491 / 30491). models/, detection/ and cache/ are
# linked from $FACEGRAINS_HOME (default ~/.facegrains); without them the silo imports the default model from npm.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-${FACEGRAINS_DATA:-../shared/data}}"
run="${DRIFT_RUN:-/tmp/facegrains-drift}"
gallery="${DRIFT_GALLERY:-100}"
probes="${DRIFT_PROBES:-400}"
http="${DRIFT_HTTP:-5391}"
api="http://127.0.0.1:$http"
fg_home="${FACEGRAINS_HOME:-$HOME/.facegrains}"
silo_bin="${FACEGRAINS_SILO_BIN:-src/Silo/bin/Release/net10.0/linux-x64/facegrains-silo}"

rm -rf "$run"
mkdir -p "$run/home"
for shared in models detection cache; do
  [ ! -d "$fg_home/$shared" ] || ln -s "$(cd "$fg_home/$shared" && pwd)" "$run/home/$shared"
done
[ -x "$silo_bin" ] || dotnet build -c Release src/Silo -v q -nologo

pid=""
start_silo() {
  "$silo_bin" --FaceGrains:Home="$run/home" --Urls="$api" --FaceGrains:SiloPort="${DRIFT_SILO_PORT:-11491}" \
    --FaceGrains:GatewayPort="${DRIFT_GATEWAY:-30491}" --FaceGrains:Dashboard=false >>"$run/silo.log" 2>&1 &
  pid=$!
  until curl -sf "$api/health" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "the silo died; see $run/silo.log" >&2; exit 1; }
    sleep 0.5
  done
}
stop_silo() {
  [ -z "$pid" ] || { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }
}
trap stop_silo EXIT

# POST the files (one form part each) to a route, 10 per request.
post_each() {
  local route="$1"; shift
  local files=("$@")
  for ((i = 0; i < ${#files[@]}; i += 10)); do
    local parts=()
    for f in "${files[@]:i:10}"; do parts+=(-F "p=@$f"); done
    curl -sf "${parts[@]}" "$api$route" >/dev/null
  done
}

gauges() {
  curl -sf "$api/metrics" | grep '^facegrains_' | grep -v '_bucket{' >"$run/metrics-$1.txt"
  awk -v set="$1" '
    /^facegrains_identify_score_drift[{ ]/ { drift = $NF }
    /^facegrains_identify_recent_faces[{ ]/ { faces = $NF }
    /^facegrains_identify_recent_above_threshold[{ ]/ { above = $NF }
    /^facegrains_identify_recent_expected_fpir[{ ]/ { expected = $NF }
    /^facegrains_identify_answers_total[{ ].*decision="identified"/ { identified = $NF }
    /^facegrains_identify_answers_total[{ ].*decision="no_correspondence"/ { none = $NF }
    END { printf "%-12s drift %.3f  faces %4d  above threshold %.3f  expected FPIR %.4f  identified %d  no_correspondence %d\n",
          set, drift, faces, above, expected, identified, none }' "$run/metrics-$1.txt"
}

mapfile -t people < <(for d in "$data"/lfw/*/; do
  n=$(find "$d" -maxdepth 1 -type f | wc -l)
  [ "$n" -lt 3 ] || basename "$d"
done | head -n "$gallery")
first_photo() { find "$1" -maxdepth 1 -type f | sort | sed -n "${2}p"; }

start_silo
echo "enrolling ${#people[@]} LFW people, 2 photos each" >&2
for person in "${people[@]}"; do
  curl -sf -F "f=@$(first_photo "$data/lfw/$person" 1)" -F "f=@$(first_photo "$data/lfw/$person" 2)" \
    "$api/identities/$person/faces" >/dev/null
done
# The first search nudges the gallery to measure its own impostor scores; wait until thresholds come from them.
post_each /identify "$(first_photo "$data/lfw/${people[0]}" 3)"
for _ in $(seq 1 240); do
  [ "$(curl -sf "$api/health" | jq -r .identify.source)" = gallery ] && break
  sleep 0.5
done
curl -sf "$api/health" | jq -c '.identify | {gallery_size, threshold, source, impostor_scores}' >&2
curl -sf "$api/metrics" | grep '^facegrains_' | grep -v '_bucket{' >"$run/metrics-enrol.txt"
stop_silo

enrolled=" ${people[*]} "
mapfile -t unknown < <(for d in "$data"/lfw/*/; do
  p=$(basename "$d")
  [[ "$enrolled" == *" $p "* ]] || first_photo "$d" 1
done | head -n "$probes")
mapfile -t mated < <(for p in "${people[@]}"; do first_photo "$data/lfw/$p" 3; done | head -n "$probes")
mapfile -t orl < <(for s in $(seq 1 40); do find "$data/orl/s$s" -name '*.pgm' | sort -V; done | head -n "$probes")

start_silo
post_each /identify "${unknown[@]}"
for person in "${people[@]:0:10}"; do
  curl -sf -F "a=@$(first_photo "$data/lfw/$person" 3)" -F "identity=$person" "$api/verify" >/dev/null
done
gauges lfw-unknown
stop_silo

start_silo
post_each /identify "${mated[@]}"
gauges lfw-mated
stop_silo

start_silo
post_each "/identify?aligned=true" "${orl[@]}"
gauges orl
stop_silo
