#!/usr/bin/env bash
# Trains recipe configs one after the other, then exports and publishes each (docs/BENCHMARKS.md, "The four recipes").
#
#   scripts/train-recipes.sh <config.json>...
#
# For each config: `facegrains-train run --config <file> --json`, `export <run> --json`, `publish <run> --json`; the
# three JSON answers go to $FACEGRAINS_HOME/recipes/<config name>.{run,export,publish}.json and a line to stdout.
# Stages run in the order given (recipe-joint-arcface.json before recipe-joint-arcface-stage2.json, whose init names
# the first). FACEGRAINS_TRAIN: the trainer to run (default: dotnet run --project src/Trainer -c Release --).
# On this 2-core machine two queues can run side by side (each config trains on one libtorch thread).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${FACEGRAINS_HOME:?set FACEGRAINS_HOME: the runs, the model store and the caches go there}"
read -r -a train <<<"${FACEGRAINS_TRAIN:-dotnet run --project src/Trainer -c Release --}"
out="$FACEGRAINS_HOME/recipes"
mkdir -p "$out"
for config in "$@"; do
  name="$(basename "$config" .json)"
  start=$(date +%s)
  "${train[@]}" run --config "$config" --json >"$out/$name.run.json" 2>"$out/$name.run.log"
  run="$(jq -r .run "$out/$name.run.json")"
  "${train[@]}" export "$run" --json >"$out/$name.export.json" 2>>"$out/$name.run.log"
  "${train[@]}" publish "$run" --json >"$out/$name.publish.json" 2>>"$out/$name.run.log"
  echo "$name: val EER $(jq -r .initial_val_eer "$out/$name.run.json") -> $(jq -r .final_val_eer "$out/$name.run.json")," \
    "model $(jq -r .id "$out/$name.publish.json"), $(( ($(date +%s) - start) / 60 )) min"
done
