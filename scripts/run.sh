#!/usr/bin/env bash
# The main job: set up (once, cached), start ComfyUI with this pack and run the bundled SD XL
# inpainting workflow headless on the small trained model (committed weights), stock vs LanPaint;
# writes out/demo/{original,mask,stock,lanpaint,side_by_side}.png.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export COMFYUI_PATH="$(bash "$root/scripts/setup_env.sh" 2> >(grep -v 'is ignored: it is neither' >&2))"
cd "$root"
exec "$root/.venv/bin/python" -m devtools.demo "$@"
