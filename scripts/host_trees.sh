#!/usr/bin/env bash
# Unpacks (once) each ComfyUI source tree ../shared/hosts/*.tar.gz into .cache/hosts/ and prints
# "<name> <ComfyUI path> <venv path>" per host, one line each; prints nothing without ../shared/hosts.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${LANPAINT_CACHE:-$root/.cache}"
shopt -s nullglob
for archive in "$root"/../shared/hosts/*.tar.gz; do
  name="$(basename "$archive" .tar.gz)"
  dest="$cache/hosts/$name"
  if [ ! -f "$dest/$name/main.py" ]; then
    echo "[setup] unpacking $name" >&2
    rm -rf "$dest" && mkdir -p "$dest"
    tar xzf "$archive" -C "$dest"
  fi
  [ -f "$dest/$name/main.py" ] || { echo "[setup] $archive has no $name/main.py" >&2; exit 1; }
  echo "$name $dest/$name $cache/venv-$name"
done
