#!/usr/bin/env bash
# Makes TorchSharp's libLibTorchSharp.so load on Debian 12 (libstdc++ up to GLIBCXX_3.4.30).
# The library asks for GLIBCXX_3.4.32 for one symbol only, std::ios_base_library_init(); this
# script builds a shim defining it, points the symbol at the shim (unversioned, shim as NEEDED)
# and marks the 3.4.32 requirement weak. Run by the MSBuild target in TorchSharpNative.targets.
# Usage: patch-libtorchsharp.sh <original libLibTorchSharp.so> <output dir>
set -euo pipefail
src="$1"; out="$2"
here="$(cd "$(dirname "$0")" && pwd)"
symbol=_ZSt21ios_base_library_initv
shim=libfacegrains_glibcxx_shim.so

if ! command -v patchelf >/dev/null 2>&1; then
  echo "error: patchelf is required to make TorchSharp load on this system: apt-get install patchelf" >&2
  exit 1
fi
cxx="${CXX:-g++}"
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "error: a C++ compiler is required to build the libstdc++ shim: apt-get install g++" >&2
  exit 1
fi

mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$cxx" -shared -fPIC -O2 -o "$tmp/$shim" "$here/glibcxx_shim.cpp"
"$cxx" -x c -O2 -o "$tmp/weaken_verneed" "$here/weaken_verneed.c"

cp "$src" "$tmp/libLibTorchSharp.so"
chmod u+w "$tmp/libLibTorchSharp.so"
if readelf -V "$tmp/libLibTorchSharp.so" | grep 'GLIBCXX_3.4.32' >/dev/null; then
  patchelf --clear-symbol-version "$symbol" "$tmp/libLibTorchSharp.so"
  patchelf --add-needed "$shim" "$tmp/libLibTorchSharp.so"
  "$tmp/weaken_verneed" "$tmp/libLibTorchSharp.so" GLIBCXX_3.4.32
fi

mv -f "$tmp/$shim" "$out/$shim"
mv -f "$tmp/libLibTorchSharp.so" "$out/libLibTorchSharp.so"
