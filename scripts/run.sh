#!/usr/bin/env bash
# The main job: set up (once, cached) and run the exactness benchmark on exact analytic models.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export COMFYUI_PATH="$(bash "$root/scripts/setup_env.sh" 2> >(grep -v 'is ignored: it is neither' >&2))"
cd "$root"
exec "$root/.venv/bin/python" -m benchmarks.exactness "$@"
