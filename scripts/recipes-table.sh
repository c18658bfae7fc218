#!/usr/bin/env bash
# Prints the recipe tables of docs/BENCHMARKS.md ("The four recipes") from what scripts/train-recipes.sh and
# scripts/eval-recipes.sh wrote in $FACEGRAINS_HOME/recipes: one row per config, the figures as measured.
#
#   scripts/recipes-table.sh [name...]      default: every config with a run there, in name order
set -euo pipefail
: "${FACEGRAINS_HOME:?set FACEGRAINS_HOME}"
out="$FACEGRAINS_HOME/recipes"
names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(cd "$out" && ls ./*.run.json | sed 's|^\./||; s|\.run\.json$||')
pct() { jq -r "if ($1) == null then \"–\" else (($1) * 10000 | round / 100 | tostring) + \" %\" end"; }
num() { jq -r "if ($1) == null then \"–\" else (($1) * 10000 | round / 10000 | tostring) end"; }

echo "| config | backbone, embedding | loss | epochs × steps (64 faces) | minutes | images/s | held-out EER (start → trained) | AUC | EER, Euclidean |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for name in "${names[@]}"; do
  run="$(jq -r .run "$out/$name.run.json")"
  config="$run/config.json"
  last="$(tail -n 1 "$run/metrics.jsonl")"
  echo "| \`$name\` | $(jq -r '"\(.backbone) ×\(.width), \(.embedding_size)-d, \(.input_size) px\(if .l2_embedding then ", L2 layer" else "" end)"' "$config")" \
    "| $(jq -r '[.losses[] | "\(if .weight != 1 then "\(.weight)·" else "" end)\(.type)\(if .mining == "all" and .type == "triplet" then " (all)" else "" end)\(if .label_smoothing > 0 then " (ls \(.label_smoothing))" else "" end)"] | join(" + ")' "$config")" \
    "| $(echo "$last" | jq -r --argjson e "$(jq .epochs "$out/$name.run.json")" '"\($e) × \(.step / $e | round)"')" \
    "| $(jq -s '[.[] | select(.epoch > 0) | .seconds] | add / 60 | round' "$run/metrics.jsonl")" \
    "| $(jq -r '.images_per_second | round' "$out/$name.run.json")" \
    "| $(pct .initial_val_eer <"$out/$name.run.json") → **$(pct .final_val_eer <"$out/$name.run.json")**" \
    "| $(num .final_val_auc <"$out/$name.run.json") | $(echo "$last" | pct .val_eer_euclidean) |"
done
echo
echo "| config | CFP frontal-vs-profile EER (held-out) | LFW View 2 accuracy | LFW EER | TAR @ FAR 1e-3 | LFW open set rank-1 | FNIR @ FPIR 1e-2 | cosine 0.5: FPIR / FNIR | calibrated threshold (FPIR / FNIR there) | ORL rank-1 | ORL FNIR @ FPIR 1e-2 |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for name in "${names[@]}"; do
  f="$out/$name"
  [ -f "$f.openset-orl.json" ] || continue
  echo "| \`$name\` | $(pct .frontal_profile_eer <"$f.cfp.json") | $(pct .accuracy_mean <"$f.lfw.json") ± $(pct .accuracy_std <"$f.lfw.json")" \
    "| $(pct .eer <"$f.lfw.json") | $(pct '."tar_at_far_1e-3"' <"$f.lfw.json") | $(pct .rank1 <"$f.openset-lfw.json")" \
    "| $(pct '."fnir_at_fpir_1e-2"' <"$f.openset-lfw.json") | $(pct .fpir_at_threshold <"$f.openset-lfw.json") / $(pct .fnir_at_threshold <"$f.openset-lfw.json")" \
    "| $(num .default_threshold <"$f.openset-lfw.json") ($(pct .fpir_at_default_threshold <"$f.openset-lfw.json") / $(pct .fnir_at_default_threshold <"$f.openset-lfw.json"))" \
    "| $(pct .rank1 <"$f.openset-orl.json") | $(pct '."fnir_at_fpir_1e-2"' <"$f.openset-orl.json") |"
done
