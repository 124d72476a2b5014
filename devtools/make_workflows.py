"""Generate the pack's example workflows (UI format) and their thumbnails into workflows/.

    python -m devtools.make_workflows            # from the repo root, once per host (see below)
    python -m devtools.make_workflows [--object-info FILE_OR_URL --host-version V] [--out DIR] [--check]

Each workflow declares the oldest host whose nodes it needs (``WORKFLOWS[name].host``, the one place
the tests read it from). It is generated against that host's schemas -- stock node schemas grow
between hosts (0.33.0's SaveImage gained an output), so a file generated on a newer host would differ
-- and newer hosts only validate and run it. Run the generator under each host's venv
(``COMFYUI_PATH=... python -m devtools.make_workflows``); it writes the workflows of that host.

Node schemas come from the real host in-process (ComfyUI core + comfy_extras + this pack, see
workflow_api.host_object_info) or from a saved /object_info JSON / a running server's URL.
Every node's ``widgets_values`` is built from named values in the order the frontend saves them
(workflow_api.widget_layout: input_order, a "control_after_generate" value after seed widgets,
LoadImage's trailing "upload" value), unnamed widgets take their schema default, and every
workflow must pass workflow_api.validate_workflow and layout_problems before it is written.
``--check`` writes nothing and fails if a file on disk differs from what would be generated.

Layout: each workflow is a list of columns, left to right; a column's nodes are stacked top to
bottom with gaps, sizes estimated from sockets and widgets (LiteGraph's 20 px slots), so nothing
overlaps. The thumbnails (512x384 JPEG) are drawn with PIL: title, model family and a schematic
before/after illustration; no external assets.
"""
from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path
from typing import Callable, NamedTuple

from devtools import workflow_api as wa

REPO_ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = REPO_ROOT / "workflows"
PACK_NODES = {"LanPaintKSampler", "LanPaintKSamplerAdvanced", "LanPaintSampler", "ApplyLanPaint",
              "LanPaintMaskBlend", "LanPaintCrop", "LanPaintStitch"}
_PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
PACK_CNR_ID = _PYPROJECT["project"]["name"]                 # registry id, saved with our nodes
PACK_DISPLAY_NAME = _PYPROJECT["tool"]["comfy"]["DisplayName"]  # heads the thumbnails
OLDEST_HOST = "0.3.75"            # the pinned PyPI host: the minimum of the original workflows
NEWER_HOST = "0.33.0"             # the host whose nodes the newer-family workflows need
EXAMPLE_IMAGE = "example.png"     # ComfyUI ships input/example.png; users pick their own image
EXAMPLE_VIDEO = "video.mp4"       # the user's video (4k + 1 frames)
EXAMPLE_MASK_VIDEO = "mask.mp4"   # same size and length: white = repaint, per frame
# crop_padding of the workflows made for big pictures (image pixels of context around the mask);
# benchmarks/crop.py measures what each padding costs in time and in exactness.
WORKFLOW_CROP_PADDING = 128

# ----------------------------------------------------------------------------- model files
HF = "https://huggingface.co/"
MODELS = {
    "sd_xl_base_1.0.safetensors": (HF + "stabilityai/stable-diffusion-xl-base-1.0/resolve/main/"
                                   "sd_xl_base_1.0.safetensors", "checkpoints"),
    "sd3.5_large.safetensors": (HF + "stabilityai/stable-diffusion-3.5-large/resolve/main/"
                                "sd3.5_large.safetensors", "checkpoints"),
    "clip_g.safetensors": (HF + "stabilityai/stable-diffusion-3.5-large/resolve/main/text_encoders/"
                           "clip_g.safetensors", "text_encoders"),
    "clip_l.safetensors": (HF + "comfyanonymous/flux_text_encoders/resolve/main/clip_l.safetensors",
                           "text_encoders"),
    "t5xxl_fp16.safetensors": (HF + "comfyanonymous/flux_text_encoders/resolve/main/t5xxl_fp16.safetensors",
                               "text_encoders"),
    "flux1-dev.safetensors": (HF + "Comfy-Org/flux1-dev/resolve/main/flux1-dev.safetensors", "diffusion_models"),
    "ae.safetensors": (HF + "Comfy-Org/Lumina_Image_2.0_Repackaged/resolve/main/split_files/vae/ae.safetensors",
                       "vae"),
    "hidream_i1_dev_bf16.safetensors": (HF + "Comfy-Org/HiDream-I1_ComfyUI/resolve/main/split_files/"
                                        "diffusion_models/hidream_i1_dev_bf16.safetensors", "diffusion_models"),
    "clip_l_hidream.safetensors": (HF + "Comfy-Org/HiDream-I1_ComfyUI/resolve/main/split_files/text_encoders/"
                                   "clip_l_hidream.safetensors", "text_encoders"),
    "clip_g_hidream.safetensors": (HF + "Comfy-Org/HiDream-I1_ComfyUI/resolve/main/split_files/text_encoders/"
                                   "clip_g_hidream.safetensors", "text_encoders"),
    "t5xxl_fp8_e4m3fn_scaled.safetensors": (HF + "Comfy-Org/HiDream-I1_ComfyUI/resolve/main/split_files/"
                                            "text_encoders/t5xxl_fp8_e4m3fn_scaled.safetensors", "text_encoders"),
    "llama_3.1_8b_instruct_fp8_scaled.safetensors": (HF + "Comfy-Org/HiDream-I1_ComfyUI/resolve/main/split_files/"
                                                     "text_encoders/llama_3.1_8b_instruct_fp8_scaled.safetensors",
                                                     "text_encoders"),
    # newer families (URLs as in ComfyUI's own workflow templates)
    "z_image_turbo_bf16.safetensors": (HF + "Comfy-Org/z_image_turbo/resolve/main/split_files/diffusion_models/"
                                       "z_image_turbo_bf16.safetensors", "diffusion_models"),
    "qwen_3_4b.safetensors": (HF + "Comfy-Org/z_image_turbo/resolve/main/split_files/text_encoders/"
                              "qwen_3_4b.safetensors", "text_encoders"),
    "qwen_image_edit_2509_fp8_e4m3fn.safetensors": (HF + "Comfy-Org/Qwen-Image-Edit_ComfyUI/resolve/main/split_files/"
                                                    "diffusion_models/qwen_image_edit_2509_fp8_e4m3fn.safetensors",
                                                    "diffusion_models"),
    "qwen_2.5_vl_7b_fp8_scaled.safetensors": (HF + "Comfy-Org/Qwen-Image_ComfyUI/resolve/main/split_files/"
                                              "text_encoders/qwen_2.5_vl_7b_fp8_scaled.safetensors", "text_encoders"),
    "qwen_image_vae.safetensors": (HF + "Comfy-Org/Qwen-Image_ComfyUI/resolve/main/split_files/vae/"
                                   "qwen_image_vae.safetensors", "vae"),
    "flux2_dev_fp8mixed.safetensors": (HF + "Comfy-Org/flux2-dev/resolve/main/split_files/diffusion_models/"
                                       "flux2_dev_fp8mixed.safetensors", "diffusion_models"),
    "mistral_3_small_flux2_fp8.safetensors": (HF + "Comfy-Org/flux2-dev/resolve/main/split_files/text_encoders/"
                                              "mistral_3_small_flux2_fp8.safetensors", "text_encoders"),
    "flux2-vae.safetensors": (HF + "Comfy-Org/flux2-dev/resolve/main/split_files/vae/flux2-vae.safetensors", "vae"),
    "wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors": (HF + "Comfy-Org/Wan_2.2_ComfyUI_Repackaged/resolve/main/"
                                                         "split_files/diffusion_models/"
                                                         "wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors",
                                                         "diffusion_models"),
    "umt5_xxl_fp8_e4m3fn_scaled.safetensors": (HF + "Comfy-Org/Wan_2.1_ComfyUI_repackaged/resolve/main/split_files/"
                                               "text_encoders/umt5_xxl_fp8_e4m3fn_scaled.safetensors", "text_encoders"),
    "wan_2.1_vae.safetensors": (HF + "Comfy-Org/Wan_2.2_ComfyUI_Repackaged/resolve/main/split_files/vae/"
                                "wan_2.1_vae.safetensors", "vae"),
}

POSITIVE_COLOR = ("#232", "#353")
NEGATIVE_COLOR = ("#322", "#533")
LANPAINT_COLOR = ("#223", "#335")
NOTE_COLOR = ("#432", "#653")

SLOT_H, WIDGET_H, TITLE_H = 20, 24, 30
COL_GAP, ROW_GAP, X0, Y0 = 70, 60, 40, 60
DEFAULT_WIDTH = 315
FIXED_SIZES = {"LoadImage": (320, 340), "SaveImage": (420, 440), "MarkdownNote": (440, 560),
               "Note": (440, 560)}
TEXT_WIDGET_H = 110   # a multiline STRING widget


class Node:
    def __init__(self, graph, nid, kind, info, title=None, color=None):
        self.graph, self.id, self.type, self.info, self.title, self.color = graph, nid, kind, info, title, color
        self.widgets: list = []
        self.inputs: list[dict] = []
        self.outputs: list[dict] = []
        self.size = None

    def out(self, which) -> int:
        if isinstance(which, int):
            return which
        names = [o["name"] for o in self.outputs]
        types = [o["type"] for o in self.outputs]
        if which in names:
            return names.index(which)
        if types.count(which) == 1:
            return types.index(which)
        raise KeyError("%s has no single output %r (outputs %s)" % (self.type, which, names))


class Graph:
    """Builds one UI-format workflow from named widget values and named links."""

    def __init__(self, object_info: dict):
        self.info = object_info
        self.nodes: list[Node] = []
        self.links: list[list] = []
        self.columns: list[list[Node]] = []

    def add(self, kind, col, title=None, color=None, **values) -> Node:
        nid = len(self.nodes) + 1
        if kind in ("MarkdownNote", "Note"):
            node = Node(self, nid, kind, None, title, color or NOTE_COLOR)
            node.widgets = [values.pop("text")]
        else:
            info = self.info.get(kind)
            if info is None:
                raise KeyError("node type %r is not in the object_info" % kind)
            node = Node(self, nid, kind, info, title, color)
            node.widgets = self._widget_values(kind, info, values)
            node.inputs = [{"name": name, "type": t, "link": None} for name, t, _ in wa.socket_inputs(info)]
            node.outputs = [{"name": name, "type": t, "links": [], "slot_index": i}
                            for i, (name, t) in enumerate(zip(info.get("output_name") or wa.output_types(info),
                                                              wa.output_types(info)))]
        if values:
            raise KeyError("%s has no widgets %s" % (kind, sorted(values)))
        self.nodes.append(node)
        while len(self.columns) <= col:
            self.columns.append([])
        self.columns[col].append(node)
        return node

    @staticmethod
    def _widget_values(kind, info, values: dict) -> list:
        out = []
        for w in wa.widget_layout(info):
            if w.name in values:
                out.append(values.pop(w.name))
            elif w.companion == "control":
                out.append("randomize")
            elif w.companion == "filter":
                out.append("")
            elif w.companion == "upload":
                out.append("image")
            elif "default" in w.options:
                out.append(w.options["default"])
            elif w.kind == "COMBO" and w.choices and not wa.is_file_name_combo(kind, w.name):
                out.append(w.choices[0])
            else:
                raise KeyError("%s.%s needs a value (no default)" % (kind, w.name))
        return out

    def link(self, src: Node, output, dst: Node, input_name: str):
        slot = src.out(output)
        names = [i["name"] for i in dst.inputs]
        if input_name not in names:
            raise KeyError("%s has no input socket %r (%s)" % (dst.type, input_name, names))
        to_slot = names.index(input_name)
        if dst.inputs[to_slot]["link"] is not None:
            raise ValueError("%s.%s is already linked" % (dst.type, input_name))
        lid = len(self.links) + 1
        out_type = src.outputs[slot]["type"]
        self.links.append([lid, src.id, slot, dst.id, to_slot, out_type])
        src.outputs[slot]["links"].append(lid)
        dst.inputs[to_slot]["link"] = lid
        return lid

    # ------------------------------------------------------------------ layout & serialisation
    def _size(self, node: Node):
        if node.size:
            return node.size
        if node.type in FIXED_SIZES:
            return list(FIXED_SIZES[node.type])
        rows = max(len(node.inputs), len(node.outputs))
        h = 10 + rows * SLOT_H
        layout = wa.widget_layout(node.info) if node.info else []
        for w in layout:
            if w.companion in ("filter", "upload"):
                h += WIDGET_H
            elif w.kind == "STRING" and w.options.get("multiline"):
                h += TEXT_WIDGET_H
            else:
                h += WIDGET_H
        width = 400 if any(w.kind == "STRING" and w.options.get("multiline") for w in layout) else DEFAULT_WIDTH
        if node.type in PACK_NODES:
            width = 330
        return [width, max(h, 60)]

    def _order(self):
        """Topological execution order (the frontend's node 'order')."""
        deps = {n.id: set() for n in self.nodes}
        for _, src, _, dst, _, _ in self.links:
            deps[dst].add(src)
        order, done = {}, set()
        while len(done) < len(self.nodes):
            ready = sorted(i for i in deps if i not in done and deps[i] <= done)
            if not ready:
                raise ValueError("cycle in workflow")
            for i in ready:
                order[i] = len(order)
                done.add(i)
        return order

    def to_json(self, core_version: str = OLDEST_HOST, extra_info: dict | None = None) -> dict:
        x = X0
        pos, sizes = {}, {}
        for column in self.columns:
            y = Y0
            width = 0
            for node in column:
                size = self._size(node)
                pos[node.id], sizes[node.id] = [x, y], size
                y += size[1] + TITLE_H + ROW_GAP
                width = max(width, size[0])
            x += width + COL_GAP
        order = self._order()
        nodes = []
        for node in self.nodes:
            props = {"Node name for S&R": node.type}
            if node.type in PACK_NODES:
                props.update({"cnr_id": PACK_CNR_ID})
            elif node.info is not None:
                props.update({"cnr_id": "comfy-core", "ver": core_version})
            models = [{"name": v, "url": MODELS[v][0], "directory": MODELS[v][1]}
                      for v in node.widgets if isinstance(v, str) and v in MODELS]
            if models:
                props["models"] = models
            entry = {"id": node.id, "type": node.type, "pos": pos[node.id], "size": sizes[node.id],
                     "flags": {}, "order": order[node.id], "mode": wa.MODE_ALWAYS,
                     "inputs": node.inputs, "outputs": node.outputs, "properties": props,
                     "widgets_values": node.widgets}
            if node.title:
                entry["title"] = node.title
            if node.color:
                entry["color"], entry["bgcolor"] = node.color
            nodes.append(entry)
        return {"last_node_id": len(self.nodes), "last_link_id": len(self.links), "nodes": nodes,
                "links": self.links, "groups": [], "config": {},
                "extra": {"ds": {"scale": 0.75, "offset": [0, 0]}, **(extra_info or {})}, "version": 0.4}


# ----------------------------------------------------------------------------- shared pieces
def _note(g: Graph, col: int, text: str):
    return g.add("MarkdownNote", col, title="Read me", text=text.strip() + "\n")


TUNING = """
## Tuning LanPaint
- **thinking_steps** (default 5): Langevin "thinking" iterations before each diffusion step; each
  costs one extra model call. 5 is the sweet spot, 10 for large holes and outpainting, 0-2 for drafts.
- **prompt_mode**: *Image First* blends the new content with the surroundings; *Prompt First*
  follows the prompt more strongly (use it when the prompt must win).
- **crop_padding** (-1 = the whole picture): on a big picture with a small mask, LanPaint samples only
  the box around the mask grown by this many pixels and pastes it back; far faster, the rest stays
  exact. More padding shows the model more of the surroundings.
- **denoise** stays 1.0 for inpainting: the masked area is regenerated from noise, the rest is kept.
- **LanPaint FLD Mask Blend · feather**: seam width in pixels; it pastes the original back outside the
  mask so the VAE round trip does not change the rest of the image.
- Draw the mask on the **Load Image** node: right click → *Open in MaskEditor* (or load a PNG whose
  transparent pixels are the area to repaint). Other image sides work too: VAE Encode crops them
  to a multiple of 8 and Mask Blend crops the original the same way.
"""


def _files_md(files: list[str]) -> str:
    lines = []
    for name in files:
        url, folder = MODELS[name]
        lines.append("- [%s](%s) → `ComfyUI/models/%s/`" % (name, url, folder))
    return "\n".join(lines)


def _image_mask_chain(g: Graph, image_col: int, encode_col: int, vae_node: Node, vae_out="VAE"):
    """LoadImage -> VAEEncode -> SetLatentNoiseMask; returns (load_image, masked_latent_node)."""
    load = g.add("LoadImage", image_col, title="Load Image (transparent = repaint)", image=EXAMPLE_IMAGE)
    enc = g.add("VAEEncode", encode_col)
    g.link(load, "IMAGE", enc, "pixels")
    g.link(vae_node, vae_out, enc, "vae")
    mask = g.add("SetLatentNoiseMask", encode_col)
    g.link(enc, "LATENT", mask, "samples")
    g.link(load, "MASK", mask, "mask")
    return load, mask


def _decode_blend_save(g: Graph, col: int, latent_src: Node, latent_out, vae_node: Node, original: Node,
                       original_out, mask_src: Node, mask_out, prefix: str, feather=9):
    dec = g.add("VAEDecode", col)
    g.link(latent_src, latent_out, dec, "samples")
    g.link(vae_node, "VAE", dec, "vae")
    blend = g.add("LanPaintMaskBlend", col, color=LANPAINT_COLOR, feather=feather)
    g.link(original, original_out, blend, "original")
    g.link(dec, "IMAGE", blend, "inpainted")
    g.link(mask_src, mask_out, blend, "mask")
    save = g.add("SaveImage", col + 1, filename_prefix=prefix)
    g.link(blend, "IMAGE", save, "images")
    return save


def _prompts(g: Graph, col: int, clip: Node, positive: str, negative: str | None):
    pos = g.add("CLIPTextEncode", col, title="Positive prompt (what goes in the mask)", color=POSITIVE_COLOR,
                text=positive)
    g.link(clip, "CLIP", pos, "clip")
    if negative is None:
        return pos, None
    neg = g.add("CLIPTextEncode", col, title="Negative prompt", color=NEGATIVE_COLOR, text=negative)
    g.link(clip, "CLIP", neg, "clip")
    return pos, neg


def _lanpaint_ksampler(g: Graph, col: int, model, pos, neg, latent, **values):
    ks = g.add("LanPaintKSampler", col, color=LANPAINT_COLOR, **values)
    g.link(model[0], model[1], ks, "model")
    g.link(pos[0], pos[1], ks, "positive")
    g.link(neg[0], neg[1], ks, "negative")
    g.link(latent, "LATENT", ks, "latent_image")
    return ks


SDXL_POSITIVE = "a red vintage bicycle leaning against the wall, warm afternoon light, detailed photo"
SDXL_NEGATIVE = "blurry, low quality, watermark, text, deformed"


# ----------------------------------------------------------------------------- workflows
def _sdxl_inpaint(info, title: str, about: str, prefix: str, **lanpaint_values):
    g = Graph(info)
    _note(g, 0, f"""
# LanPaint · {title}
{about.strip()}

## Model
""" + _files_md(["sd_xl_base_1.0.safetensors"]) + "\n\nAny SD 1.5 / SD XL checkpoint works the same way." + TUNING)
    ckpt = g.add("CheckpointLoaderSimple", 0, ckpt_name="sd_xl_base_1.0.safetensors")
    pos, neg = _prompts(g, 1, ckpt, SDXL_POSITIVE, SDXL_NEGATIVE)
    load, masked = _image_mask_chain(g, 1, 2, ckpt)
    ks = _lanpaint_ksampler(g, 3, (ckpt, "MODEL"), (pos, 0), (neg, 0), masked, seed=0, steps=30, cfg=5.0,
                            sampler_name="euler", scheduler="karras", denoise=1.0, thinking_steps=5,
                            prompt_mode="Image First", **lanpaint_values)
    _decode_blend_save(g, 4, ks, "LATENT", ckpt, load, "IMAGE", load, "MASK", prefix)
    return g


def sdxl_inpaint(info):
    return _sdxl_inpaint(info, "SD XL inpainting", """
Repaints the transparent / masked part of the image so it matches both the prompt and the rest of
the picture; everything outside the mask is kept.
""", "LanPaint/sdxl_inpaint")


def sdxl_big_picture_inpaint(info):
    return _sdxl_inpaint(info, "SD XL inpainting in a big picture", f"""
For a small repair in a large photo (2048 × 2048 and up): **crop_padding** {WORKFLOW_CROP_PADDING}
makes LanPaint sample only the box around the mask, grown by {WORKFLOW_CROP_PADDING} pixels of
context, and paste it back, so it costs about what the box costs instead of the whole picture.
Everything outside the mask is kept exactly. Set crop_padding to -1 to sample the whole picture.
""", "LanPaint/sdxl_big_picture_inpaint", crop_padding=WORKFLOW_CROP_PADDING)


def sd35_inpaint(info):
    g = Graph(info)
    _note(g, 0, """
# LanPaint · SD 3.5 Large inpainting
The official SD 3.5 layout: the checkpoint gives the model and VAE, the Triple CLIP loader the
three text encoders (CLIP-G, CLIP-L, T5-XXL).

## Models
""" + _files_md(["sd3.5_large.safetensors", "clip_g.safetensors", "clip_l.safetensors",
                 "t5xxl_fp16.safetensors"]) + """

(`t5xxl_fp8_e4m3fn_scaled.safetensors` saves memory. SD 3.5 Medium works too.)
SD 3.5 samples well with euler / sgm_uniform, 28 steps, cfg 4-5.""" + TUNING)
    ckpt = g.add("CheckpointLoaderSimple", 0, ckpt_name="sd3.5_large.safetensors")
    clip = g.add("TripleCLIPLoader", 0, clip_name1="clip_g.safetensors", clip_name2="clip_l.safetensors",
                 clip_name3="t5xxl_fp16.safetensors")
    pos, neg = _prompts(g, 1, clip, SDXL_POSITIVE, SDXL_NEGATIVE)
    load, masked = _image_mask_chain(g, 1, 2, ckpt)
    ks = _lanpaint_ksampler(g, 3, (ckpt, "MODEL"), (pos, 0), (neg, 0), masked, seed=0, steps=28, cfg=4.5,
                            sampler_name="euler", scheduler="sgm_uniform", denoise=1.0, thinking_steps=5,
                            prompt_mode="Image First")
    _decode_blend_save(g, 4, ks, "LATENT", ckpt, load, "IMAGE", load, "MASK", "LanPaint/sd35_inpaint")
    return g


def flux_dev_inpaint(info):
    g = Graph(info)
    _note(g, 0, """
# LanPaint · FLUX.1 [dev] inpainting
Plain FLUX.1 dev (not the Fill model) inpaints with LanPaint. Flux dev is guidance-distilled: the
prompt strength is **Flux Guidance** (2-3.5), the sampler's **cfg stays 1**, and the negative
prompt is zeroed.

## Models
""" + _files_md(["flux1-dev.safetensors", "clip_l.safetensors", "t5xxl_fp16.safetensors",
                 "ae.safetensors"]) + """

(`t5xxl_fp8_e4m3fn_scaled.safetensors` or the fp8 Flux weights save memory.)
Distilled models are not a faithful score, so expect a little less benefit than with SD XL / SD 3.5;
a lower Flux Guidance (2-3) often blends better.""" + TUNING)
    unet = g.add("UNETLoader", 0, unet_name="flux1-dev.safetensors", weight_dtype="default")
    clip = g.add("DualCLIPLoader", 0, clip_name1="clip_l.safetensors", clip_name2="t5xxl_fp16.safetensors",
                 type="flux", device="default")
    vae = g.add("VAELoader", 0, vae_name="ae.safetensors")
    pos, _ = _prompts(g, 1, clip, SDXL_POSITIVE, None)
    guid, zero = _flux_guidance_and_zero_negative(g, pos, guidance=3.5)
    load, masked = _image_mask_chain(g, 1, 2, vae)
    ks = _lanpaint_ksampler(g, 3, (unet, "MODEL"), (guid, 0), (zero, 0), masked, seed=0, steps=20, cfg=1.0,
                            sampler_name="euler", scheduler="simple", denoise=1.0, thinking_steps=5,
                            prompt_mode="Image First")
    _decode_blend_save(g, 4, ks, "LATENT", vae, load, "IMAGE", load, "MASK", "LanPaint/flux_dev_inpaint")
    return g


def hidream_inpaint(info):
    g = Graph(info)
    _note(g, 0, """
# LanPaint · HiDream-I1 Dev inpainting
HiDream-I1 Dev with its four text encoders, shift 6 (Model Sampling SD3) and cfg 1 as in the
official settings (official Dev sampler: lcm / normal, 28 steps; LanPaint uses euler, its reference
sampler -- both work).

## Models
""" + _files_md(["hidream_i1_dev_bf16.safetensors", "clip_l_hidream.safetensors",
                 "clip_g_hidream.safetensors", "t5xxl_fp8_e4m3fn_scaled.safetensors",
                 "llama_3.1_8b_instruct_fp8_scaled.safetensors", "ae.safetensors"]) + """

(`hidream_i1_dev_fp8.safetensors` saves memory. HiDream Full: shift 3, cfg 5, 50 steps.)""" + TUNING)
    unet = g.add("UNETLoader", 0, unet_name="hidream_i1_dev_bf16.safetensors", weight_dtype="default")
    clip = g.add("QuadrupleCLIPLoader", 0, clip_name1="clip_l_hidream.safetensors",
                 clip_name2="clip_g_hidream.safetensors", clip_name3="t5xxl_fp8_e4m3fn_scaled.safetensors",
                 clip_name4="llama_3.1_8b_instruct_fp8_scaled.safetensors")
    vae = g.add("VAELoader", 0, vae_name="ae.safetensors")
    shift = g.add("ModelSamplingSD3", 1, shift=6.0)
    g.link(unet, "MODEL", shift, "model")
    pos, neg = _prompts(g, 1, clip, SDXL_POSITIVE, SDXL_NEGATIVE)
    load, masked = _image_mask_chain(g, 1, 2, vae)
    ks = _lanpaint_ksampler(g, 3, (shift, "MODEL"), (pos, 0), (neg, 0), masked, seed=0, steps=28, cfg=1.0,
                            sampler_name="euler", scheduler="normal", denoise=1.0, thinking_steps=5,
                            prompt_mode="Image First")
    _decode_blend_save(g, 4, ks, "LATENT", vae, load, "IMAGE", load, "MASK", "LanPaint/hidream_inpaint")
    return g


def sdxl_outpaint(info):
    g = Graph(info)
    _note(g, 0, f"""
# LanPaint · SD XL outpainting
Pad for Outpainting grows the canvas (here 256 px to the right) and returns the mask of the new
area (with a soft edge into the original, *feathering*). LanPaint fills it so it continues the
picture; Mask Blend pastes the original back. Outpainting is a large hole: 10 thinking steps.
With crop_padding {WORKFLOW_CROP_PADDING} LanPaint samples only the new strip and the
{WORKFLOW_CROP_PADDING} pixels of the picture next to it, however large the picture is.

## Model
""" + _files_md(["sd_xl_base_1.0.safetensors"]) + TUNING)
    ckpt = g.add("CheckpointLoaderSimple", 0, ckpt_name="sd_xl_base_1.0.safetensors")
    pos, neg = _prompts(g, 1, ckpt, "a wide landscape photo, mountains and a lake, golden hour", SDXL_NEGATIVE)
    load = g.add("LoadImage", 1, title="Load Image", image=EXAMPLE_IMAGE)
    pad = g.add("ImagePadForOutpaint", 2, left=0, top=0, right=256, bottom=0, feathering=24)
    g.link(load, "IMAGE", pad, "image")
    enc = g.add("VAEEncode", 2)
    g.link(pad, "IMAGE", enc, "pixels")
    g.link(ckpt, "VAE", enc, "vae")
    masked = g.add("SetLatentNoiseMask", 2)
    g.link(enc, "LATENT", masked, "samples")
    g.link(pad, "MASK", masked, "mask")
    ks = _lanpaint_ksampler(g, 3, (ckpt, "MODEL"), (pos, 0), (neg, 0), masked, seed=0, steps=30, cfg=5.0,
                            sampler_name="euler", scheduler="karras", denoise=1.0, thinking_steps=10,
                            prompt_mode="Image First", crop_padding=WORKFLOW_CROP_PADDING)
    _decode_blend_save(g, 4, ks, "LATENT", ckpt, pad, "IMAGE", pad, "MASK", "LanPaint/sdxl_outpaint")
    return g


def _flux_guidance_and_zero_negative(g, pos, guidance):
    """Guidance-distilled models (Flux dev, FLUX.2 dev): FluxGuidance on the prompt and a zeroed
    negative (cfg stays 1); returns (guided positive, zeroed negative) in column 2."""
    guid = g.add("FluxGuidance", 2, guidance=guidance)
    g.link(pos, "CONDITIONING", guid, "conditioning")
    zero = g.add("ConditioningZeroOut", 2, title="Negative (zeroed)")
    g.link(pos, "CONDITIONING", zero, "conditioning")
    return guid, zero


def _lanpaint_custom_advanced(g, model, pos, neg, masked, scheduler, steps):
    """RandomNoise + CFGGuider + LanPaint Sampler + BasicScheduler into SamplerCustomAdvanced
    (columns 3-4); returns the SamplerCustomAdvanced node."""
    noise = g.add("RandomNoise", 3, noise_seed=0)
    guider = g.add("CFGGuider", 3, cfg=5.0)
    g.link(model, "MODEL", guider, "model")
    g.link(pos, "CONDITIONING", guider, "positive")
    g.link(neg, "CONDITIONING", guider, "negative")
    sampler = g.add("LanPaintSampler", 3, color=LANPAINT_COLOR, sampler_name="euler", thinking_steps=5,
                    prompt_mode="Image First")
    sched = g.add("BasicScheduler", 3, scheduler=scheduler, steps=steps, denoise=1.0)
    g.link(model, "MODEL", sched, "model")
    sca = g.add("SamplerCustomAdvanced", 4)
    g.link(noise, "NOISE", sca, "noise")
    g.link(guider, "GUIDER", sca, "guider")
    g.link(sampler, "SAMPLER", sca, "sampler")
    g.link(sched, "SIGMAS", sca, "sigmas")
    g.link(masked, "LATENT", sca, "latent_image")
    return sca


def sampler_custom_advanced(info):
    g = Graph(info)
    _note(g, 0, """
# LanPaint FLD Sampler + SamplerCustomAdvanced
**LanPaint FLD Sampler** is a SAMPLER: plug it into SamplerCustom / SamplerCustomAdvanced and it inpaints
with LanPaint whenever the latent has a noise mask, driving the sampler you pick (euler is the
method's reference). It exposes every knob of the method: lambda_ (BiG strength, 4-16), step_size
(halve it if results look noisy), friction, beta, early_stop, inner_scheme (sho recommended) and
big_cfg (-101 = auto).

## Model
""" + _files_md(["sd_xl_base_1.0.safetensors"]) + TUNING)
    ckpt = g.add("CheckpointLoaderSimple", 0, ckpt_name="sd_xl_base_1.0.safetensors")
    pos, neg = _prompts(g, 1, ckpt, SDXL_POSITIVE, SDXL_NEGATIVE)
    load, masked = _image_mask_chain(g, 1, 2, ckpt)
    sca = _lanpaint_custom_advanced(g, ckpt, pos, neg, masked, scheduler="karras", steps=30)
    _decode_blend_save(g, 5, sca, "output", ckpt, load, "IMAGE", load, "MASK", "LanPaint/sampler_custom_advanced")
    return g


def apply_with_ksampler(info):
    g = Graph(info)
    _note(g, 0, """
# Apply LanPaint FLD + the stock KSampler
**Apply LanPaint FLD** patches a copy of the MODEL: the stock KSampler, KSampler (Advanced),
SamplerCustom and SamplerCustomAdvanced then inpaint with LanPaint whenever the latent has a noise
mask (and sample as usual when it has none). Handy to add LanPaint to an existing workflow: put the
node between the model and the sampler.

## Model
""" + _files_md(["sd_xl_base_1.0.safetensors"]) + TUNING)
    ckpt = g.add("CheckpointLoaderSimple", 0, ckpt_name="sd_xl_base_1.0.safetensors")
    apply = g.add("ApplyLanPaint", 1, color=LANPAINT_COLOR, thinking_steps=5, prompt_mode="Image First")
    g.link(ckpt, "MODEL", apply, "model")
    pos, neg = _prompts(g, 1, ckpt, SDXL_POSITIVE, SDXL_NEGATIVE)
    load, masked = _image_mask_chain(g, 2, 2, ckpt)
    ks = g.add("KSampler", 3, seed=0, steps=30, cfg=5.0, sampler_name="euler", scheduler="karras", denoise=1.0)
    g.link(apply, "MODEL", ks, "model")
    g.link(pos, "CONDITIONING", ks, "positive")
    g.link(neg, "CONDITIONING", ks, "negative")
    g.link(masked, "LATENT", ks, "latent_image")
    _decode_blend_save(g, 4, ks, "LATENT", ckpt, load, "IMAGE", load, "MASK", "LanPaint/apply_with_ksampler")
    return g


def _unet_clip_vae(g: Graph, unet: str, clip: str, clip_type: str, vae: str):
    u = g.add("UNETLoader", 0, unet_name=unet, weight_dtype="default")
    c = g.add("CLIPLoader", 0, clip_name=clip, type=clip_type, device="default")
    v = g.add("VAELoader", 0, vae_name=vae)
    return u, c, v


def zimage_inpaint(info):
    g = Graph(info)
    _note(g, 0, """
# LanPaint · Z-Image Turbo inpainting
Z-Image Turbo with its Qwen3 4B text encoder and the Flux VAE, shift 3 (Model Sampling AuraFlow) and
cfg 1 as in the official settings: Turbo is distilled for ~9 steps, so the negative prompt is zeroed.

## Models
""" + _files_md(["z_image_turbo_bf16.safetensors", "qwen_3_4b.safetensors", "ae.safetensors"]) + """

Needs a ComfyUI with Z-Image support (tested on 0.33.0).""" + TUNING)
    unet, clip, vae = _unet_clip_vae(g, "z_image_turbo_bf16.safetensors", "qwen_3_4b.safetensors", "lumina2",
                                     "ae.safetensors")
    shift = g.add("ModelSamplingAuraFlow", 1, shift=3.0)
    g.link(unet, "MODEL", shift, "model")
    pos, _ = _prompts(g, 1, clip, SDXL_POSITIVE, None)
    zero = g.add("ConditioningZeroOut", 2, title="Negative (zeroed)")
    g.link(pos, "CONDITIONING", zero, "conditioning")
    load, masked = _image_mask_chain(g, 1, 2, vae)
    ks = _lanpaint_ksampler(g, 3, (shift, "MODEL"), (pos, 0), (zero, 0), masked, seed=0, steps=9, cfg=1.0,
                            sampler_name="euler", scheduler="simple", denoise=1.0, thinking_steps=5,
                            prompt_mode="Image First")
    _decode_blend_save(g, 4, ks, "LATENT", vae, load, "IMAGE", load, "MASK", "LanPaint/zimage_inpaint")
    return g


def qwen_image_edit_inpaint(info):
    g = Graph(info)
    _note(g, 0, """
# LanPaint · Qwen-Image-Edit inpainting
Qwen-Image-Edit (2509) reads the picture twice: the text encoder sees it with the instruction (Text
Encode Qwen Image Edit Plus) and the model gets its latent as the reference (Reference Latent, at the
working size); the instruction says what to change. LanPaint repaints only the masked part and keeps
the rest. Shift 3 (Model Sampling AuraFlow), cfg 2.5.

## Models
""" + _files_md(["qwen_image_edit_2509_fp8_e4m3fn.safetensors", "qwen_2.5_vl_7b_fp8_scaled.safetensors",
                 "qwen_image_vae.safetensors"]) + """

Needs a ComfyUI with Qwen-Image-Edit support (tested on 0.33.0).""" + TUNING)
    unet, clip, vae = _unet_clip_vae(g, "qwen_image_edit_2509_fp8_e4m3fn.safetensors",
                                     "qwen_2.5_vl_7b_fp8_scaled.safetensors", "qwen_image",
                                     "qwen_image_vae.safetensors")
    shift = g.add("ModelSamplingAuraFlow", 1, shift=3.0)
    g.link(unet, "MODEL", shift, "model")
    load, masked = _image_mask_chain(g, 1, 2, vae)
    (encoded,) = [n for n in g.nodes if n.type == "VAEEncode"]
    refs = []
    for title, color, prompt in (("Instruction (what goes in the mask)", POSITIVE_COLOR, "put " + SDXL_POSITIVE),
                                 ("Negative prompt", NEGATIVE_COLOR, "")):
        enc = g.add("TextEncodeQwenImageEditPlus", 2, title=title, color=color, prompt=prompt)
        g.link(clip, "CLIP", enc, "clip")
        g.link(load, "IMAGE", enc, "image1")
        ref = g.add("ReferenceLatent", 3, title="Reference: the picture")
        g.link(enc, "CONDITIONING", ref, "conditioning")
        g.link(encoded, "LATENT", ref, "latent")
        refs.append(ref)
    pos, neg = refs
    ks = _lanpaint_ksampler(g, 4, (shift, "MODEL"), (pos, 0), (neg, 0), masked, seed=0, steps=20, cfg=2.5,
                            sampler_name="euler", scheduler="simple", denoise=1.0, thinking_steps=5,
                            prompt_mode="Image First")
    _decode_blend_save(g, 5, ks, "LATENT", vae, load, "IMAGE", load, "MASK", "LanPaint/qwen_image_edit_inpaint")
    return g


def flux2_inpaint(info):
    g = Graph(info)
    _note(g, 0, """
# LanPaint · FLUX.2 [dev] inpainting
FLUX.2 dev with its Mistral text encoder and VAE. Like FLUX.1 dev it is guidance-distilled: the prompt
strength is **Flux Guidance** (4), the sampler's **cfg stays 1** and the negative prompt is zeroed.

## Models
""" + _files_md(["flux2_dev_fp8mixed.safetensors", "mistral_3_small_flux2_fp8.safetensors",
                 "flux2-vae.safetensors"]) + """

Needs a ComfyUI with FLUX.2 support (tested on 0.33.0).""" + TUNING)
    unet, clip, vae = _unet_clip_vae(g, "flux2_dev_fp8mixed.safetensors", "mistral_3_small_flux2_fp8.safetensors",
                                     "flux2", "flux2-vae.safetensors")
    pos, _ = _prompts(g, 1, clip, SDXL_POSITIVE, None)
    guid, zero = _flux_guidance_and_zero_negative(g, pos, guidance=4.0)
    load, masked = _image_mask_chain(g, 1, 2, vae)
    ks = _lanpaint_ksampler(g, 3, (unet, "MODEL"), (guid, 0), (zero, 0), masked, seed=0, steps=20, cfg=1.0,
                            sampler_name="euler", scheduler="simple", denoise=1.0, thinking_steps=5,
                            prompt_mode="Image First")
    _decode_blend_save(g, 4, ks, "LATENT", vae, load, "IMAGE", load, "MASK", "LanPaint/flux2_inpaint")
    return g


def wan22_video_inpaint(info):
    g = Graph(info)
    _note(g, 0, """
# LanPaint · Wan 2.2 video inpainting (per-frame mask)
Repaints a region of a video that may move from frame to frame: the mask is a second video of the
same size and length (white = repaint). Its frames become a per-frame mask, which ComfyUI spreads
over Wan's latent frames; LanPaint keeps everything outside it. Wan 2.2 T2V 14B low-noise model,
shift 8, through **LanPaint Sampler** + SamplerCustomAdvanced. Use 4k + 1 frames (e.g. 33 or 81).

## Models
""" + _files_md(["wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors", "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                 "wan_2.1_vae.safetensors"]) + """

Needs a ComfyUI with Wan 2.2 and the video nodes (tested on 0.33.0).""" + TUNING)
    unet, clip, vae = _unet_clip_vae(g, "wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors",
                                     "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "wan_2.1_vae.safetensors")
    shift = g.add("ModelSamplingSD3", 1, shift=8.0)
    g.link(unet, "MODEL", shift, "model")
    pos, neg = _prompts(g, 1, clip, "a red vintage bicycle, smooth camera motion, detailed video",
                        SDXL_NEGATIVE + ", flicker")
    video = g.add("LoadVideo", 1, title="Load Video", file=EXAMPLE_VIDEO)
    frames = g.add("GetVideoComponents", 2, title="Video frames")
    g.link(video, "VIDEO", frames, "video")
    mask_video = g.add("LoadVideo", 1, title="Load Mask Video (white = repaint)", file=EXAMPLE_MASK_VIDEO)
    mask_frames = g.add("GetVideoComponents", 2, title="Mask frames")
    g.link(mask_video, "VIDEO", mask_frames, "video")
    mask = g.add("ImageToMask", 2, title="Per-frame mask", channel="red")
    g.link(mask_frames, "images", mask, "image")
    enc = g.add("VAEEncode", 2)
    g.link(frames, "images", enc, "pixels")
    g.link(vae, "VAE", enc, "vae")
    masked = g.add("SetLatentNoiseMask", 2)
    g.link(enc, "LATENT", masked, "samples")
    g.link(mask, "MASK", masked, "mask")
    sca = _lanpaint_custom_advanced(g, shift, pos, neg, masked, scheduler="simple", steps=20)
    dec = g.add("VAEDecode", 5)
    g.link(sca, "output", dec, "samples")
    g.link(vae, "VAE", dec, "vae")
    blend = g.add("LanPaintMaskBlend", 5, color=LANPAINT_COLOR, feather=9)
    g.link(frames, "images", blend, "original")
    g.link(dec, "IMAGE", blend, "inpainted")
    g.link(mask, "MASK", blend, "mask")
    save = g.add("SaveAnimatedWEBP", 6, filename_prefix="LanPaint/wan22_video_inpaint", fps=16.0, lossless=True,
                 quality=90, method="default")
    g.link(blend, "IMAGE", save, "images")
    return g


class Workflow(NamedTuple):
    """One bundled workflow. ``host``: the oldest ComfyUI whose nodes it needs; it is generated
    against that host's /object_info and validated, run and browser-loaded on it and newer ones."""
    builder: Callable
    title: str
    subtitle: str
    family: str        # tiny stand-in family the tests run it with (tiny_models.LOADER_FAMILIES)
    kind: str          # "inpaint", "outpaint" or "video"
    host: str


WORKFLOWS = {
    "lanpaint_sdxl_inpaint": Workflow(sdxl_inpaint, "SD XL inpainting", "LanPaint FLD KSampler + Mask Blend", "sdxl",
                                      "inpaint", OLDEST_HOST),
    "lanpaint_sd35_inpaint": Workflow(sd35_inpaint, "SD 3.5 Large inpainting", "Checkpoint + Triple CLIP", "sd3",
                                      "inpaint", OLDEST_HOST),
    "lanpaint_flux_dev_inpaint": Workflow(flux_dev_inpaint, "FLUX.1 dev inpainting", "Flux Guidance 3.5, cfg 1",
                                          "flux", "inpaint", OLDEST_HOST),
    "lanpaint_hidream_inpaint": Workflow(hidream_inpaint, "HiDream-I1 Dev inpainting", "Quadruple CLIP, shift 6",
                                         "hidream", "inpaint", OLDEST_HOST),
    "lanpaint_sdxl_big_picture_inpaint": Workflow(sdxl_big_picture_inpaint, "SD XL inpainting, big picture",
                                                  "crop_padding: sample around the mask", "sdxl", "inpaint",
                                                  OLDEST_HOST),
    "lanpaint_sdxl_outpaint": Workflow(sdxl_outpaint, "SD XL outpainting", "Pad for Outpainting + LanPaint", "sdxl",
                                       "outpaint", OLDEST_HOST),
    "lanpaint_sampler_custom_advanced": Workflow(sampler_custom_advanced, "LanPaint FLD Sampler",
                                                 "SamplerCustomAdvanced", "sdxl", "inpaint", OLDEST_HOST),
    "lanpaint_apply_with_ksampler": Workflow(apply_with_ksampler, "Apply LanPaint FLD", "stock KSampler", "sdxl",
                                             "inpaint", OLDEST_HOST),
    "lanpaint_zimage_inpaint": Workflow(zimage_inpaint, "Z-Image Turbo inpainting", "shift 3, cfg 1, 9 steps",
                                        "zimage", "inpaint", NEWER_HOST),
    "lanpaint_qwen_image_edit_inpaint": Workflow(qwen_image_edit_inpaint, "Qwen-Image-Edit inpainting",
                                                 "reference image + instruction", "qwen_image", "inpaint",
                                                 NEWER_HOST),
    "lanpaint_flux2_inpaint": Workflow(flux2_inpaint, "FLUX.2 dev inpainting", "Flux Guidance 4, cfg 1", "flux2",
                                       "inpaint", NEWER_HOST),
    "lanpaint_wan22_video_inpaint": Workflow(wan22_video_inpaint, "Wan 2.2 video inpainting",
                                             "per-frame mask video, LanPaint Sampler", "wan22_t2v", "video",
                                             NEWER_HOST),
}


# ----------------------------------------------------------------------------- detail at native size
# LanPaint FLD Crop -> sample at the model's native size -> LanPaint FLD Stitch (one block: the builder
# and its WORKFLOWS entry).
def sdxl_detail_inpaint(info):
    g = Graph(info)
    _note(g, 0, f"""
# LanPaint · SD XL detail at native size
For faces, hands and small objects in a large picture. **LanPaint FLD Crop** cuts every region of the
mask out with {WORKFLOW_CROP_PADDING} pixels of context and resizes it to **target_size** (1024, SD XL's
native size), so a small region gets the model's full detail; LanPaint samples the crops, and
**LanPaint FLD Stitch** pastes them back at their size with a feathered edge inside the mask.
Everything outside the mask stays exactly as it was.

Several separate regions give several crops: crops of one size run as one batch, crops of different
sizes one after the other (the nodes between Crop and Stitch run once per size).

## Model
""" + _files_md(["sd_xl_base_1.0.safetensors"]) + "\n\nSD 1.5 checkpoints: set target_size to 512." + TUNING)
    ckpt = g.add("CheckpointLoaderSimple", 0, ckpt_name="sd_xl_base_1.0.safetensors")
    pos, neg = _prompts(g, 1, ckpt, SDXL_POSITIVE, SDXL_NEGATIVE)
    load = g.add("LoadImage", 1, title="Load Image (transparent = repaint)", image=EXAMPLE_IMAGE)
    cut = g.add("LanPaintCrop", 2, color=LANPAINT_COLOR, padding=WORKFLOW_CROP_PADDING, target_size=1024)
    g.link(load, "IMAGE", cut, "image")
    g.link(load, "MASK", cut, "mask")
    enc = g.add("VAEEncode", 2)
    g.link(cut, "image", enc, "pixels")
    g.link(ckpt, "VAE", enc, "vae")
    masked = g.add("SetLatentNoiseMask", 2)
    g.link(enc, "LATENT", masked, "samples")
    g.link(cut, "mask", masked, "mask")
    ks = _lanpaint_ksampler(g, 3, (ckpt, "MODEL"), (pos, 0), (neg, 0), masked, seed=0, steps=30, cfg=5.0,
                            sampler_name="euler", scheduler="karras", denoise=1.0, thinking_steps=5,
                            prompt_mode="Image First")
    dec = g.add("VAEDecode", 4)
    g.link(ks, "LATENT", dec, "samples")
    g.link(ckpt, "VAE", dec, "vae")
    paste = g.add("LanPaintStitch", 4, color=LANPAINT_COLOR)
    g.link(cut, "stitch", paste, "stitch")
    g.link(dec, "IMAGE", paste, "image")
    save = g.add("SaveImage", 5, filename_prefix="LanPaint/sdxl_detail_inpaint")
    g.link(paste, "IMAGE", save, "images")
    return g


WORKFLOWS["lanpaint_sdxl_detail_inpaint"] = Workflow(sdxl_detail_inpaint, "SD XL detail at native size",
                                                     "Crop -> LanPaint at 1024 -> Stitch", "sdxl", "inpaint",
                                                     OLDEST_HOST)


def _version(v: str) -> tuple:
    from devtools.host.compat import version_tuple
    return version_tuple(v)


def available(host_version: str) -> list[str]:
    """The workflows whose nodes a host of this version has (its declared minimum is not newer)."""
    return [n for n, w in WORKFLOWS.items() if _version(w.host) <= _version(host_version)]


def generated_on(host_version: str) -> list[str]:
    """The workflows generated against this host version (it is their declared minimum)."""
    return [n for n, w in WORKFLOWS.items() if _version(w.host) == _version(host_version)]


def build_all(object_info: dict, host_version: str) -> dict[str, dict]:
    """name -> UI-format workflow for every workflow this host has the nodes of; raises if any fails
    validation or layout checks."""
    out, problems = {}, []
    for name in available(host_version):
        wf = WORKFLOWS[name].builder(object_info).to_json(WORKFLOWS[name].host)
        problems += ["%s: %s" % (name, p) for p in wa.validate_workflow(wf, object_info)]
        problems += ["%s: %s" % (name, p) for p in wa.layout_problems(wf)]
        wa.ui_to_api(wf, object_info)  # must convert
        out[name] = wf
    if problems:
        raise ValueError("generated workflows have problems:\n  " + "\n  ".join(problems))
    return out


# ----------------------------------------------------------------------------- thumbnails
def _font(size, bold=False):
    from PIL import ImageFont
    names = (["DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"] if bold else ["DejaVuSans.ttf",
                                                                              "LiberationSans-Regular.ttf"])
    for name in names:
        for folder in ("", "/usr/share/fonts/truetype/dejavu/", "/usr/share/fonts/truetype/liberation/"):
            try:
                return ImageFont.truetype(folder + name, size)
            except OSError:
                continue
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def _scene(draw, box, variant: int):
    """A simple landscape (sky, sun, hills, lake) inside box."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    for i in range(h):  # sky gradient
        t = i / max(h - 1, 1)
        draw.line([(x0, y0 + i), (x1, y0 + i)], fill=(int(90 + 120 * t), int(150 + 70 * t), int(230 - 30 * t)))
    w = x1 - x0
    draw.ellipse([x0 + w * 0.68, y0 + h * 0.12, x0 + w * 0.84, y0 + h * 0.12 + w * 0.16], fill=(255, 214, 90))
    draw.polygon([(x0, y0 + h * 0.62), (x0 + w * 0.3, y0 + h * 0.32), (x0 + w * 0.55, y0 + h * 0.58),
                  (x0 + w * 0.78, y0 + h * 0.4), (x1, y0 + h * 0.6), (x1, y1), (x0, y1)], fill=(70, 120, 80))
    draw.rectangle([x0, y0 + h * 0.72, x1, y1], fill=(60, 110, 170) if variant else (60, 105, 160))


def _hatch(draw, box, color=(200, 60, 200)):
    x0, y0, x1, y1 = [int(v) for v in box]
    draw.rectangle(box, fill=(40, 40, 46))
    for k in range(x0 - (y1 - y0), x1, 10):
        a, b = (max(k, x0), y0 + max(0, x0 - k)), (min(k + (y1 - y0), x1), y0 + min(y1 - y0, x1 - k))
        draw.line([a, b], fill=color, width=2)
    draw.rectangle(box, outline=color, width=3)


def _house(draw, box):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.rectangle([x0 + w * 0.2, y0 + h * 0.45, x0 + w * 0.8, y0 + h * 0.9], fill=(200, 70, 60))
    draw.polygon([(x0 + w * 0.1, y0 + h * 0.47), (x0 + w * 0.5, y0 + h * 0.12), (x0 + w * 0.9, y0 + h * 0.47)],
                 fill=(120, 60, 50))
    draw.rectangle([x0 + w * 0.44, y0 + h * 0.65, x0 + w * 0.58, y0 + h * 0.9], fill=(80, 50, 40))


def _dashed_rect(draw, box, color=(255, 255, 255), dash=8):
    x0, y0, x1, y1 = [int(v) for v in box]
    for x in range(x0, x1, dash * 2):
        draw.line([(x, y0), (min(x + dash, x1), y0)], fill=color, width=2)
        draw.line([(x, y1), (min(x + dash, x1), y1)], fill=color, width=2)
    for y in range(y0, y1, dash * 2):
        draw.line([(x0, y), (x0, min(y + dash, y1))], fill=color, width=2)
        draw.line([(x1, y), (x1, min(y + dash, y1))], fill=color, width=2)


def draw_thumbnail(path: Path, title: str, subtitle: str, kind: str, size=(512, 384)):
    from PIL import Image, ImageDraw
    img = Image.new("RGB", size, (28, 30, 38))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, size[0], 70], fill=(52, 52, 92))
    d.text((18, 10), PACK_DISPLAY_NAME, font=_font(16, bold=True), fill=(190, 190, 255))
    d.text((18, 30), title, font=_font(28, bold=True), fill=(255, 255, 255))
    d.text((18, 350), subtitle, font=_font(17), fill=(200, 200, 210))
    panel_w, panel_h, top = 200, 230, 100
    before, after = (24, top, 24 + panel_w, top + panel_h), (288, top, 288 + panel_w, top + panel_h)
    if kind == "outpaint":
        inner_w = int(panel_w * 0.6)
        _scene(d, (before[0], before[1], before[0] + inner_w, before[3]), 0)
        _hatch(d, (before[0] + inner_w, before[1], before[2], before[3]))
        _scene(d, after, 1)
        _dashed_rect(d, (after[0] + inner_w, after[1] + 2, after[2] - 2, after[3] - 2))
    else:
        hole = (before[0] + 60, before[1] + 100, before[0] + 150, before[1] + 185)
        _scene(d, before, 0)
        _hatch(d, hole)
        _scene(d, after, 0)
        ah = (after[0] + 60, after[1] + 100, after[0] + 150, after[1] + 185)
        _house(d, ah)
        _dashed_rect(d, ah)
    label = _font(15, bold=True)
    d.text((before[0], top - 22), "before (mask)", font=label, fill=(230, 230, 230))
    d.text((after[0], top - 22), "after", font=label, fill=(230, 230, 230))
    ay = top + panel_h // 2
    d.line([(before[2] + 14, ay), (after[0] - 16, ay)], fill=(255, 214, 90), width=5)
    d.polygon([(after[0] - 8, ay), (after[0] - 22, ay - 10), (after[0] - 22, ay + 10)], fill=(255, 214, 90))
    img.save(path, "JPEG", quality=88)


# ----------------------------------------------------------------------------- main
def load_object_info(source: str | None) -> dict:
    if not source:
        return wa.host_object_info()
    if source.startswith(("http://", "https://")):
        import urllib.request
        with urllib.request.urlopen(source.rstrip("/") + ("" if source.endswith("object_info") else
                                                           "/object_info"), timeout=60) as r:
            return json.loads(r.read().decode())
    return json.loads(Path(source).read_text())


def dumps(workflow: dict) -> str:
    return json.dumps(workflow, indent=2, ensure_ascii=False) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--object-info", help="a saved /object_info JSON file or a server URL (default: in-process)")
    ap.add_argument("--out", default=str(OUT_DIR), help="output folder (default: workflows/)")
    ap.add_argument("--check", action="store_true", help="write nothing; fail if workflows/ is out of date")
    ap.add_argument("--host-version", help="version of the host the object_info comes from (default: the "
                                           "in-process host's)")
    args = ap.parse_args(argv)
    info = load_object_info(args.object_info)
    if args.host_version:
        version = args.host_version
    else:
        from devtools.host.compat import host_version
        version = host_version()
    # each workflow is written from the host it declares as its minimum (run this on each host)
    built = {n: wf for n, wf in build_all(info, version).items() if n in generated_on(version)}
    print("ComfyUI %s: generating %s" % (version, ", ".join(built) or "nothing (no workflow declares this host)"))
    out = Path(args.out)
    stale = []
    if not args.check:
        out.mkdir(parents=True, exist_ok=True)
    for name, wf in built.items():
        path = out / (name + ".json")
        text = dumps(wf)
        if args.check:
            if not path.is_file() or path.read_text() != text:
                stale.append(str(path))
            continue
        path.write_text(text)
        w = WORKFLOWS[name]
        draw_thumbnail(out / (name + ".jpg"), w.title, w.subtitle, w.kind)
        print("wrote", path, "and", path.with_suffix(".jpg").name)
    if stale:
        print("out of date (run python -m devtools.make_workflows):\n  " + "\n  ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
