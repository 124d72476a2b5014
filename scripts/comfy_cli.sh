#!/usr/bin/env bash
# Creates (once, cached) a venv holding the pinned comfy-cli of scripts/comfy-cli.txt and prints
# the path of its `comfy` command; tests/test_packaging.py runs it as the registry's own checker.
# A venv of its own: comfy-cli's dependencies (pydantic, typer, requests, rich ...) stay out of
# the host venvs, so each ComfyUI under test sees only its own requirements, and the one venv in
# .cache/ serves every host CI tests. Rebuilt when scripts/comfy-cli.txt changes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${LANPAINT_CACHE:-$root/.cache}"
pins="$root/scripts/comfy-cli.txt"
venv="$cache/comfy-cli"

mkdir -p "$cache"
cache="$(cd "$cache" && pwd -P)"  # the venv's scripts record this path: never a symlinked checkout's
exec 9> "$cache/comfy-cli.lock"
flock 9  # one builder at a time when several checkouts share .cache
if [ ! -x "$venv/bin/comfy" ] || ! cmp -s "$pins" "$venv/.lanpaint-stamp"; then
  echo "[setup] creating the comfy-cli venv at $venv" >&2
  rm -rf "$venv"
  python3.11 -m venv "$venv"
  "$venv/bin/pip" install -q --no-deps -r "$pins"
  cp "$pins" "$venv/.lanpaint-stamp"
fi
echo "$venv/bin/comfy"
