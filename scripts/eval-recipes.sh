#!/usr/bin/env bash
# Evaluates the models scripts/train-recipes.sh published, and the imported dlib model beside them, the same way
# (docs/BENCHMARKS.md, "The four recipes"):
#
#   scripts/eval-recipes.sh [name...]   names of configs in $FACEGRAINS_HOME/recipes (default: every published one)
#
# FACEGRAINS_DATA: the shared data folder (default ../shared/data).
#
# Per model: held-out CFP frontal-vs-profile EER (`facegrains-train eval-cfp --run`, the run's held-out identities),
# LFW View 2 with the model's recipe (`facegrains eval lfw`), the LFW open-set split (K 2, M 5, seed 1) with recipe 1's
# fixed rule beside the calibrated threshold (`eval openset --threshold 0.5`), and ORL open set (aligned chips, K 3,
# M 10): the cross-domain tests of CFP-trained models. The dlib model gets the CFP figure only (its others are in
# BENCHMARKS, from the same commands). Answers go to $FACEGRAINS_HOME/recipes/<name>.<eval>.json.
# Prepared faces are shared through $FACEGRAINS_HOME/cache/prepared-faces (--face-cache): models with the same recipe
# detect each photo once. FACEGRAINS_CLI / FACEGRAINS_TRAIN: the commands to run (default: dotnet run, Release).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${FACEGRAINS_DATA:-../shared/data}"
: "${FACEGRAINS_HOME:?set FACEGRAINS_HOME (where scripts/train-recipes.sh published)}"
read -r -a cli <<<"${FACEGRAINS_CLI:-dotnet run --project src/ClientCli -c Release --}"
read -r -a train <<<"${FACEGRAINS_TRAIN:-dotnet run --project src/Trainer -c Release --}"
out="$FACEGRAINS_HOME/recipes"
cache="$FACEGRAINS_HOME/cache/prepared-faces"
names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(cd "$out" && ls ./*.publish.json | sed 's|^\./||; s|\.publish\.json$||')
first_run="$(jq -r .run "$out/${names[0]}.run.json")"
"${cli[@]}" models import faceapi --json >"$out/dlib.publish.json" 2>/dev/null || true
for name in "${names[@]}" dlib; do
  model="$(jq -r '.id // .model // .model_id' "$out/$name.publish.json")"
  run="$first_run"
  [ -f "$out/$name.run.json" ] && run="$(jq -r .run "$out/$name.run.json")"
  "${train[@]}" eval-cfp --model "$model" --run "$run" --face-cache "$cache" --json >"$out/$name.cfp.json"
  if [ "$name" = dlib ]; then
    # The imported model's LFW, LFW open-set and ORL figures are in BENCHMARKS already, from these same commands.
    echo "dlib ($model): CFP f-p EER $(jq -r .frontal_profile_eer "$out/$name.cfp.json")"
    continue
  fi
  "${cli[@]}" eval lfw --data "$data/lfw" --model "$model" --face-cache "$cache" --json >"$out/$name.lfw.json"
  "${cli[@]}" eval openset --data "$data/lfw" --model "$model" --enroll-per-identity 2 --min-images 5 \
    --unknown-fraction 0.25 --seed 1 --threshold 0.5 --face-cache "$cache" --json >"$out/$name.openset-lfw.json"
  "${cli[@]}" eval openset --data "$data/orl" --model "$model" --aligned --enroll-per-identity 3 --min-images 10 \
    --unknown-fraction 0.25 --seed 1 --face-cache "$cache" --json >"$out/$name.openset-orl.json"
  echo "$name ($model): CFP f-p EER $(jq -r .frontal_profile_eer "$out/$name.cfp.json")," \
    "LFW $(jq -r .accuracy_mean "$out/$name.lfw.json"), open-set rank-1 $(jq -r .rank1 "$out/$name.openset-lfw.json")," \
    "FNIR@1e-2 $(jq -r '."fnir_at_fpir_1e-2"' "$out/$name.openset-lfw.json"), ORL rank-1 $(jq -r .rank1 "$out/$name.openset-orl.json")"
done
