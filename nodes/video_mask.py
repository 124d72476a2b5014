"""LanPaint FLD Video Mask: masks painted on keyframes in the editor -> one MASK per video frame.

The editor (web/video_mask_editor.js) stores the keyframes in the node's ``keyframes`` widget, so
they are saved and reloaded with the workflow: JSON
``{"version": 1, "width": W, "height": H, "keyframes": [{"frame": f, "mask": [runs...]}, ...]}``
where each mask is the run lengths of its W x H pixels (mask_keyframes.rle_encode). The node
computes the per-frame masks here (mask_keyframes.interpolate) and hands the editor the frames
(and the masks it made) as preview files, so the editor can show them.
"""
import json
import logging
import re

import comfy.model_management
import nodes as comfy_nodes  # ComfyUI's own nodes.py: PreviewImage writes the editor's frames
import torch
import torch.nn.functional as F

from .mask_keyframes import check_runs, interpolate, rle_decode

log = logging.getLogger("LanPaint")

FORMAT_VERSION = 1
NO_KEYFRAMES = json.dumps({"version": FORMAT_VERSION, "width": 0, "height": 0, "keyframes": []})
PREVIEW_MAX_SIDE = 1024   # the editor's frames are made no larger than this (the masks keep full size)
FORMAT_DEPTH = 4          # {"keyframes": [{"mask": [runs]}]}: nothing in the format nests deeper
# keyframes painted at another size than the video's are decoded at that size first: at most the
# video's pixels or this many (16 MiB a keyframe), whichever is more
MAX_KEYFRAME_PIXELS = 1 << 24


def video_frames(images: list) -> torch.Tensor:
    """One IMAGE batch [F, H, W, C] from the node's list of IMAGE inputs; frames must share one size.
    Frames of one size but different channels (RGB, RGBA) are joined by their colour (RGB)."""
    if sum(i.shape[0] for i in images) == 0:
        raise ValueError("LanPaint Video Mask: 'images' holds no frames; connect the video's frames (an IMAGE "
                         "batch, e.g. from Get Video Components).")
    sizes = [tuple(i.shape[1:3]) for i in images]
    if len(set(sizes)) > 1:
        first = 0
        runs = []
        for image, size in zip(images, sizes):
            runs.append(f"frames {first}-{first + image.shape[0] - 1}: {size[1]}x{size[0]}")
            first += image.shape[0]
        raise ValueError("LanPaint Video Mask: the frames given to 'images' have different sizes (" + "; ".join(runs)
                         + "). Give it the frames of one video, all of one size (resize them first, e.g. with "
                         "Upscale Image).")
    if len({i.shape[-1] for i in images}) > 1:
        images = [i[..., :3] for i in images]
    return torch.cat(images, 0) if len(images) > 1 else images[0]


def _bad(what: str) -> ValueError:
    return ValueError(f"LanPaint Video Mask: the 'keyframes' input {what}. Open the mask editor and paint the "
                      "keyframes again (or clear it).")


def _parsed(text: str):
    """json.loads of the keyframes, after checking (without recursion) that nothing nests deeper
    than the format does: a deeply nested text would otherwise exhaust Python's recursion limit."""
    depth = deepest = 0
    for bracket in re.findall(r"[\[\]{}]", re.sub(r'"(?:[^"\\]|\\.)*"', "", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > FORMAT_DEPTH:
            raise _bad(f"nests more than {FORMAT_DEPTH} levels deep (its format has {FORMAT_DEPTH})")
    try:
        return json.loads(text)
    except ValueError as e:
        raise _bad(f"is not valid JSON ({e})") from None


def _check_size(w: int, h: int, height: int, width: int):
    """Keyframes painted at another size are decoded at it first: refuse one far larger than the video."""
    limit = max(height * width, MAX_KEYFRAME_PIXELS)
    if w * h > limit:
        raise _bad(f"was painted on {w}x{h} frames ({w * h} pixels) but the video is {width}x{height}; at most "
                   f"{limit} pixels are read (the video's or {MAX_KEYFRAME_PIXELS}, whichever is more). Paint the "
                   f"keyframes again on this video")


def _check_runs(runs, frame: int, w: int, h: int):
    if not isinstance(runs, list) or not all(isinstance(r, int) and not isinstance(r, bool) for r in runs):
        raise _bad(f"has a keyframe (frame {frame}) whose mask is not a list of run lengths")
    try:
        check_runs(runs, h, w)
    except ValueError as e:
        raise _bad(f"has a keyframe (frame {frame}) whose mask does not fit {w} x {h}: {e}") from None


def to_video_size(mask: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """A bool mask resized to (height, width) so that every painted pixel stays painted: each pixel of
    the result is painted when any pixel it covers was (a max-pool, which also upsizes)."""
    return F.adaptive_max_pool2d(mask[None, None].to(torch.float32), (height, width))[0, 0] > 0


def read_keyframes(text: str, frames: int, height: int, width: int) -> dict[int, torch.Tensor]:
    """{frame: bool [height, width]} from the keyframes JSON. Keyframes past the video's last frame are
    dropped with a warning; masks painted at another size are resized to the video's (every painted
    pixel kept), with a warning. The data is checked before anything is decoded."""
    data = _parsed(text or NO_KEYFRAMES)
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise _bad(f"is not version {FORMAT_VERSION} keyframe data")
    entries = data.get("keyframes")
    w, h = data.get("width"), data.get("height")
    if not isinstance(entries, list):
        raise _bad("has no keyframe list")
    if not entries:
        return {}
    if not (isinstance(w, int) and isinstance(h, int) and not isinstance(w, bool) and not isinstance(h, bool)
            and w > 0 and h > 0):
        raise _bad(f"has no valid size ({w!r} x {h!r})")
    _check_size(w, h, height, width)
    seen, dropped = set(), []
    for entry in entries:
        frame = entry.get("frame") if isinstance(entry, dict) else None
        if isinstance(frame, bool) or not isinstance(frame, int) or frame < 0 or frame in seen:
            raise _bad(f"has a keyframe with a missing, negative or repeated frame number ({frame!r})")
        seen.add(frame)
        _check_runs(entry.get("mask"), frame, w, h)
        if frame >= frames:
            dropped.append(frame)
    if dropped:
        log.warning("LanPaint Video Mask: the video has %d frames; dropped the keyframes of frames %s (the "
                    "others are kept).", frames, ", ".join(map(str, sorted(dropped))))
    if (h, w) != (height, width):
        log.warning("LanPaint Video Mask: the keyframes were painted on %dx%d frames, the video is %dx%d; "
                    "resizing them (every painted pixel kept).", w, h, width, height)
    keyframes = {}
    for entry in entries:
        if entry["frame"] < frames:
            comfy.model_management.throw_exception_if_processing_interrupted()
            mask = rle_decode(entry["mask"], h, w)
            keyframes[entry["frame"]] = mask if (h, w) == (height, width) else to_video_size(mask, height, width)
    return keyframes


def _previews(images: torch.Tensor, prefix: str) -> list:
    """PreviewImage files (temp folder) of an IMAGE batch, scaled down to PREVIEW_MAX_SIDE."""
    h, w = images.shape[1:3]
    scale = PREVIEW_MAX_SIDE / max(h, w)
    if scale < 1:
        size = (max(1, round(h * scale)), max(1, round(w * scale)))
        images = F.interpolate(images.movedim(-1, 1), size=size, mode="bilinear", antialias=True).movedim(1, -1)
    return comfy_nodes.PreviewImage().save_images(images.clamp(0, 1), filename_prefix=prefix)["ui"]["images"]


class LanPaintVideoMask:
    DESCRIPTION = ("A mask for every frame of a video, painted in an editor: open it from the node, step through "
                   "the frames and paint (brush, eraser, box, ellipse) on a few keyframes; the frames between "
                   "keyframes morph from one mask to the next. Run the node once so the editor gets the frames.")
    CATEGORY = "image/LanPaint FLD"
    RETURN_TYPES = ("MASK",)
    OUTPUT_TOOLTIPS = ("One mask per frame [frames, height, width], 1 = repaint.",)
    FUNCTION = "build"
    INPUT_IS_LIST = True   # frames may come as a list of images: joined here, or a clear error if sizes differ
    OUTPUT_NODE = True     # runs on its own (Queue selected output) to hand the editor the frames

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {
            "images": ("IMAGE", {"tooltip": "The video's frames (an IMAGE batch, e.g. from Get Video "
                                            "Components), all of one size."}),
            "keyframes": ("STRING", {"default": NO_KEYFRAMES, "multiline": False,
                                     "tooltip": "The painted keyframes, written by the mask editor (open it "
                                                "with the node's button); saved with the workflow."}),
        }}

    def build(self, images, keyframes):
        frames = video_frames(images)
        count, height, width = frames.shape[:3]
        painted = read_keyframes(keyframes[0], count, height, width)
        masks = interpolate(painted, count, comfy.model_management.throw_exception_if_processing_interrupted).float() \
            if painted else torch.zeros(count, height, width)
        ui = {"lanpaint_video": [{"frames": count, "width": width, "height": height, "keyframes": keyframes[0]}],
              "lanpaint_frames": _previews(frames[..., :3], "LanPaintVideoMask_frame"),
              "lanpaint_masks": _previews(masks[..., None].expand(-1, -1, -1, 3), "LanPaintVideoMask_mask")}
        return {"ui": ui, "result": (masks,)}
