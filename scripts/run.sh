#!/usr/bin/env bash
# The main job: set up (once, cached), start ComfyUI with this pack and run the bundled demo
# workflow headless on the pack's demo model (shipped weights), stock vs LanPaint, for held-out scenes;
# writes out/demo/side_by_side.png and one picture per scene, hole and sampler.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export COMFYUI_PATH="$(bash "$root/scripts/setup_env.sh" 2> >(grep -v 'is ignored: it is neither' >&2))"
cd "$root"
exec "$root/.venv/bin/python" -m devtools.demo "$@"
