#!/usr/bin/env bash
# The test command: set up (once, cached) and run the whole suite against a real ComfyUI host.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export COMFYUI_PATH="$(bash "$root/scripts/setup_env.sh" --browser 2> >(grep -v 'is ignored: it is neither' >&2))"
cd "$root"
exec "$root/.venv/bin/python" -m pytest -q "$@"
