#!/usr/bin/env bash
# The test command: set up (once, cached) and run the whole suite against a real ComfyUI host.
# LANPAINT_VENV and COMFYUI_PATH select another venv and host (.ci/run uses them for ../shared/hosts).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${LANPAINT_VENV:-$root/.venv}"
export COMFYUI_PATH="$(bash "$root/scripts/setup_env.sh" --browser 2> >(grep -v 'is ignored: it is neither' >&2))"
# The registry's own checker (pinned comfy-cli, own venv) for tests/test_packaging.py.
export LANPAINT_COMFY_CLI="$(bash "$root/scripts/comfy_cli.sh" 2> >(grep -v 'is ignored: it is neither' >&2))"
cd "$root"
exec "$venv/bin/python" -m pytest -q "$@"
