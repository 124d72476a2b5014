"""The demo model as the developer tools use it: one import for benchmarks, the main job and tests.

The model itself ships with the pack (lanpaint_demo/: scenes, architecture, weights, text encoder);
this module gives the tools the four names they call, so none of them needs to know its layout:
- ``scene(seed, size=SIZE)`` -> ComfyUI IMAGE float32 [1, size, size, 3] in [0, 1] of the procedural
  scene ``seed`` (lanpaint_demo/scenes.py); seeds >= scenes.HELD_OUT_SEED never entered training;
- ``SIZE`` -> the side of the pictures the model was trained on;
- ``load()`` -> (MODEL, CLIP, VAE), the host's own objects; call it once ComfyUI is importable
  (devtools.host.comfy_env.load_comfy);
- ``PROMPT`` -> "" (the model is unconditional);
- ``count_suns(image, layout)`` -> the sun blobs in a picture's sky (a count above 1 is a ghost sun).
"""
from __future__ import annotations

import torch

from lanpaint_core.crop import regions
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


SUN_MIN_PIXELS = 6      # smaller sun-coloured specks are not counted as a sun


def sun_pixels(image: torch.Tensor, lay: scenes.Layout) -> torch.Tensor:
    """Bool [H, W]: sun-coloured pixels of ``image`` ([H, W, 3] in [0, 1]) in the sky of ``lay``
    (above its hill line): bright red, little blue -- no sky colour of ``scenes.layout`` qualifies."""
    size = image.shape[0]
    u = ((torch.arange(size, dtype=torch.float32) + 0.5) / size)[None, :]
    v = ((torch.arange(size, dtype=torch.float32) + 0.5) / size)[:, None]
    sky = v < scenes.hill_line(lay, u) - 1.0 / size
    r, b = image[..., 0], image[..., 2]
    return sky & (r > 0.9) & (b < 0.5) & (r - b > 0.45)


def count_suns(image: torch.Tensor, lay: scenes.Layout) -> int:
    """Sun blobs (8-connected groups of at least SUN_MIN_PIXELS sun pixels, found by the pack's one
    region search, lanpaint_core.crop.regions) in the sky of ``image``; every scene has exactly one,
    so a count above 1 is a ghost sun."""
    return sum(region.pixels >= SUN_MIN_PIXELS for region in regions(sun_pixels(image, lay), 0))
