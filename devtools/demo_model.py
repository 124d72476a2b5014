"""The demo model as the developer tools use it: one import for benchmarks, the main job and tests.

The model itself ships with the pack (lanpaint_demo/: scenes, architecture, weights, text encoder);
this module gives the tools the four names they call, so none of them needs to know its layout:
- ``scene(seed, size=SIZE)`` -> ComfyUI IMAGE float32 [1, size, size, 3] in [0, 1] of the procedural
  scene ``seed`` (lanpaint_demo/scenes.py); seeds >= scenes.HELD_OUT_SEED never entered training;
- ``SIZE`` -> the side of the pictures the model was trained on;
- ``load()`` -> (MODEL, CLIP, VAE), the host's own objects; call it once ComfyUI is importable
  (devtools.host.comfy_env.load_comfy);
- ``PROMPT`` -> "" (the model is unconditional).
"""
from __future__ import annotations

import torch

from lanpaint_demo import model as _model
from lanpaint_demo import scenes
from lanpaint_demo.model import PROMPT, SIZE, VERSION, WEIGHTS_DIR  # noqa: F401  (the interface)


def scene(seed: int, size: int = SIZE) -> torch.Tensor:
    """The procedural scene of ``seed`` as a ComfyUI IMAGE [1, size, size, 3] (float32, [0, 1])."""
    return scenes.render(scenes.layout(seed), int(size))


def load():
    """(MODEL, CLIP, VAE) of the demo model, on the host that is running (a server or a checker
    may have imported ComfyUI itself: use that tree and its device)."""
    from devtools.host.comfy_env import match_running_host
    match_running_host()
    return _model.load()
