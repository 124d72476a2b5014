"""Shared test vectors of the video mask morph: keyframes and every frame's mask as the node makes them.

    python -m devtools.mask_vectors            # (re)write tests/data/mask_morph_vectors.json
    python -m devtools.mask_vectors --check    # exit 1 if the file differs from what the node makes now

The node (nodes/mask_keyframes.py) and the editor's preview (web/mask_keyframes.js) implement one
morph twice; tests/test_mask_keyframes_js.py holds both to these vectors, so neither can drift. The
cases cover a pure translation, a shape that changes and grows, a keyframe that is empty, a full
one between two others, and a picture larger than the distance fields' working size (masks resized
down, fields resized up), at odd sizes.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys

import torch

from devtools.lanpaint_pack import REPO_ROOT

VECTORS = REPO_ROOT / "tests" / "data" / "mask_morph_vectors.json"


def node_morph():
    """nodes/mask_keyframes.py, loaded on its own (pure PyTorch: no ComfyUI needed)."""
    spec = importlib.util.spec_from_file_location("lanpaint_mask_keyframes", REPO_ROOT / "nodes" / "mask_keyframes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _box(h, w, top, left, bottom, right):
    m = torch.zeros(h, w, dtype=torch.bool)
    m[top:bottom, left:right] = True
    return m


def _ellipse(h, w, cy, cx, ry, rx):
    y, x = torch.meshgrid(torch.arange(h).float(), torch.arange(w).float(), indexing="ij")
    return ((y - cy) / ry) ** 2 + ((x - cx) / rx) ** 2 <= 1


def cases() -> list[tuple[str, int, int, int, dict]]:
    """(name, height, width, frames, {frame: bool mask})."""
    h, w = 37, 53
    blob = _ellipse(300, 181, 90, 60, 40, 28) | _box(300, 181, 100, 50, 180, 90)
    return [
        ("translation", h, w, 7, {0: _box(h, w, 8, 4, 20, 18), 6: _box(h, w, 8, 30, 20, 44)}),
        ("ellipse_to_larger_box", h, w, 6, {0: _ellipse(h, w, 12, 12, 6, 9), 5: _box(h, w, 14, 24, 34, 50)}),
        ("shrinks_into_empty", h, w, 5, {0: _ellipse(h, w, 18, 26, 10, 14), 4: torch.zeros(h, w, dtype=torch.bool)}),
        ("through_a_full_frame", 24, 31, 9, {1: _box(24, 31, 2, 2, 9, 12), 4: torch.ones(24, 31, dtype=torch.bool),
                                               8: _ellipse(24, 31, 15, 20, 5, 7)}),
        ("larger_than_the_working_size", 300, 181, 5, {0: blob, 4: blob.roll((60, 70), (0, 1))}),
    ]


def vectors() -> dict:
    mk = node_morph()
    out = []
    for name, h, w, frames, keys in cases():
        masks = mk.interpolate(keys, frames)
        out.append({"name": name, "width": w, "height": h, "frames": frames,
                    "keyframes": [{"frame": f, "mask": mk.rle_encode(m)} for f, m in sorted(keys.items())],
                    "masks": [mk.rle_encode(m) for m in masks]})
    return {"about": "Written by python -m devtools.mask_vectors from nodes/mask_keyframes.py; masks as run "
                     "lengths (keep, repaint, ...) of row-major pixels.", "cases": out}


def dumps(data: dict) -> str:
    return json.dumps(data, separators=(",", ":")) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="write nothing; fail if the file is out of date")
    args = ap.parse_args(argv)
    text = dumps(vectors())
    if args.check:
        if not VECTORS.is_file() or VECTORS.read_text() != text:
            print("out of date: rerun python -m devtools.mask_vectors")
            return 1
        return 0
    VECTORS.parent.mkdir(parents=True, exist_ok=True)
    VECTORS.write_text(text)
    print("wrote", VECTORS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
