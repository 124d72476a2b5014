"""Run a real workflow on tiny models: swap its loaders for the test pack's stand-ins.

``swap_loaders(api_prompt, family=None)`` returns a copy of an API-format prompt
({"id": {"class_type", "inputs", ...}}) in which every stock loader node is replaced, under the
same node id, by the tiny loader of devtools/tiny_pack with the same output slots, so links
``[node_id, slot]`` stay valid:

    CheckpointLoaderSimple, CheckpointLoader, DiffusersLoader      -> LanPaintTinyCheckpointLoader (MODEL, CLIP, VAE)
    UNETLoader, UnetLoaderGGUF, UnetLoaderGGUFAdvanced             -> LanPaintTinyUNETLoader       (MODEL)
    CLIPLoader, DualCLIPLoader, TripleCLIPLoader, QuadrupleCLIPLoader
      (and their ComfyUI-GGUF variants ...CLIPLoaderGGUF)          -> LanPaintTinyCLIPLoader       (CLIP)
    VAELoader                                                      -> LanPaintTinyVAELoader       (VAE)

A VAELoader whose file name says "audio" gets the family's audio VAE (``audio`` input: an audio+video
model's second VAE, stand_ins.AUDIO_VAES).

LoraLoader / LoraLoaderModelOnly are bypassed (links to their outputs are rewired to their MODEL /
CLIP inputs and the node is dropped): there is no LoRA file for a tiny model. Loaders without a
tiny stand-in (CLIP vision, unCLIP, style/control/upscale models, ...) raise ValueError.

Family rule (family=None): the file names and ``type`` widgets of the loader nodes, lower-cased,
are searched in this order: "hidream_o1" -> hidream_o1; "hidream" -> hidream; "ideogram" -> ideogram4;
"minimax" -> minimax_h3; "klein" -> flux2_klein; "krea2" -> krea2; "kandinsky" -> kandinsky5_image;
"radiance" -> chroma_radiance; "flux2" / "flux.2" -> flux2; "z_image" -> zimage;
"qwen_image" -> qwen_image; "chroma" -> chroma; "hunyuan_image" / "hunyuanimage" -> hunyuan_image;
"ti2v" -> wan22_ti2v; "wan2..." -> wan22_t2v; "flux" -> flux; "sd3" / "sd 3" / "sd_3" / "sd-3" /
"sd.3" / "stable diffusion 3" (any separators) -> sd3; "v1-5" / "sd15" / "sd 1.5" -> sd15. Failing
that, a QuadrupleCLIPLoader means hidream and a TripleCLIPLoader sd3; otherwise sdxl. (HiDream is
tested first because HiDream workflows load the Flux VAE, often named after Flux; Chroma's load it
too.)

``install_tiny_pack(custom_nodes_dir)`` installs the pack into a ComfyUI custom_nodes/ folder as
``lanpaint_test_models`` (a shim importing ``devtools.tiny_pack``: the server needs the repository
root on PYTHONPATH); ``load_tiny_pack()`` imports it in-process.
"""
from __future__ import annotations

import copy
import importlib
import re
from pathlib import Path

from devtools.host.stand_ins import LOADER_FAMILIES as FAMILIES

TINY_PACK_NAME = "lanpaint_test_models"

TINY_CHECKPOINT = "LanPaintTinyCheckpointLoader"
TINY_UNET = "LanPaintTinyUNETLoader"
TINY_CLIP = "LanPaintTinyCLIPLoader"
TINY_VAE = "LanPaintTinyVAELoader"
TINY_LOADERS = (TINY_CHECKPOINT, TINY_UNET, TINY_CLIP, TINY_VAE)

# stock (and common custom) loader class -> tiny loader with the same output slots
LOADER_SWAPS = {
    "CheckpointLoaderSimple": TINY_CHECKPOINT,
    "CheckpointLoader": TINY_CHECKPOINT,
    "DiffusersLoader": TINY_CHECKPOINT,
    "UNETLoader": TINY_UNET,
    "UnetLoaderGGUF": TINY_UNET,
    "UnetLoaderGGUFAdvanced": TINY_UNET,
    "CLIPLoader": TINY_CLIP,
    "DualCLIPLoader": TINY_CLIP,
    "TripleCLIPLoader": TINY_CLIP,
    "QuadrupleCLIPLoader": TINY_CLIP,
    "CLIPLoaderGGUF": TINY_CLIP,
    "DualCLIPLoaderGGUF": TINY_CLIP,
    "TripleCLIPLoaderGGUF": TINY_CLIP,
    "QuadrupleCLIPLoaderGGUF": TINY_CLIP,
    "VAELoader": TINY_VAE,
}
TINY_OUTPUTS = {TINY_CHECKPOINT: ("MODEL", "CLIP", "VAE"), TINY_UNET: ("MODEL",), TINY_CLIP: ("CLIP",),
                TINY_VAE: ("VAE",)}
# pass-through loaders: output slot -> the input it passes on (modified)
BYPASSED = {"LoraLoader": {0: "model", 1: "clip"}, "LoraLoaderModelOnly": {0: "model"}}
# loaders a workflow could hold that have no tiny stand-in
UNSUPPORTED = ("unCLIPCheckpointLoader", "ImageOnlyCheckpointLoader", "CLIPVisionLoader", "StyleModelLoader",
               "ControlNetLoader", "DiffControlNetLoader", "UpscaleModelLoader", "GLIGENLoader",
               "HypernetworkLoader", "PhotoMakerLoader", "ModelPatchLoader")

_SD3 = re.compile(r"sd[-_ .]?3|stable[-_ .]?diffusion[-_ .]?3")
_SD15 = re.compile(r"v1[-_ .]5|sd[-_ .]?1[-_ .]?5")
# newer families, tested after hidream and before flux (Flux.2 file names contain "flux", Chroma
# workflows load the Flux VAE; Wan 2.2 TI2V before the other Wan models; Ideogram 4 (the FLUX.2 VAE) and
# FLUX.2 klein before FLUX.2, Krea 2 (the Qwen-Image VAE) before Qwen-Image, Chroma Radiance before Chroma)
_NEWER = (("ideogram4", re.compile(r"ideogram")), ("minimax_h3", re.compile(r"minimax")),
          ("flux2_klein", re.compile(r"klein")), ("krea2", re.compile(r"krea[-_ .]?2")),
          ("kandinsky5_image", re.compile(r"kandinsky")), ("chroma_radiance", re.compile(r"radiance")),
          ("flux2", re.compile(r"flux[-_ .]?2")), ("zimage", re.compile(r"z[-_ .]?image")),
          ("qwen_image", re.compile(r"qwen[-_ .]?image")), ("chroma", re.compile(r"chroma")),
          ("hunyuan_image", re.compile(r"hunyuan[-_ .]?image")), ("wan22_ti2v", re.compile(r"ti2v")),
          ("wan22_t2v", re.compile(r"wan[-_ .]?2")))


def _is_link(value) -> bool:
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], int)


def loader_names(api_prompt: dict) -> list[str]:
    """The string widget values (file names, CLIP ``type``) of the prompt's loader nodes."""
    names = []
    for node in api_prompt.values():
        if node.get("class_type") in LOADER_SWAPS or node.get("class_type") in BYPASSED:
            names += [v for v in node.get("inputs", {}).values() if isinstance(v, str)]
    return names


def infer_family(api_prompt: dict) -> str:
    """The tiny family for a prompt, by the rule in the module docstring."""
    text = " ".join(loader_names(api_prompt)).lower()
    if re.search(r"hidream[-_ .]?o1", text):
        return "hidream_o1"
    if "hidream" in text:
        return "hidream"
    for family, pattern in _NEWER:
        if pattern.search(text):
            return family
    if "flux" in text:
        return "flux"
    if _SD3.search(text):
        return "sd3"
    if _SD15.search(text):
        return "sd15"
    classes = {node.get("class_type") for node in api_prompt.values()}
    if classes & {"QuadrupleCLIPLoader", "QuadrupleCLIPLoaderGGUF"}:
        return "hidream"
    if classes & {"TripleCLIPLoader", "TripleCLIPLoaderGGUF"}:
        return "sd3"
    return "sdxl"


def _bypass(prompt: dict) -> None:
    """Rewire links to LoRA loaders' outputs to what they were fed, and drop those nodes."""
    def resolve(link, seen=()):
        node = prompt.get(link[0])
        if node is None or node.get("class_type") not in BYPASSED:
            return link
        if link[0] in seen:
            raise ValueError("loop of LoRA loaders at node %s" % link[0])
        name = BYPASSED[node["class_type"]].get(link[1])
        src = node.get("inputs", {}).get(name) if name else None
        if not _is_link(src):
            raise ValueError("cannot bypass %s node %s: output %d has no linked %r input"
                             % (node["class_type"], link[0], link[1], name))
        return resolve(src, seen + (link[0],))

    for node_id, node in prompt.items():
        if node.get("class_type") in BYPASSED:
            continue
        for name, value in node.get("inputs", {}).items():
            if _is_link(value):
                node["inputs"][name] = list(resolve(value))
    for node_id in [i for i, n in prompt.items() if n.get("class_type") in BYPASSED]:
        del prompt[node_id]


def swap_loaders(api_prompt: dict, family: str | None = None, seed: int = 0) -> dict:
    """A new API prompt with every loader replaced by the tiny loader of ``family``.

    family: one of stand_ins.LOADER_FAMILIES; None infers it (see ``infer_family``). seed: the tiny
    weights' seed (the same for every loader, so a UNETLoader + CLIP + VAE trio matches a
    checkpoint loader's). Node ids and output slots are kept; ``_meta`` titles get " (tiny)".
    Raises ValueError for a loader without a tiny stand-in or a link to a slot the tiny loader
    lacks. The input prompt is not modified.
    """
    prompt = copy.deepcopy(api_prompt)
    if family is None:
        family = infer_family(prompt)
    if family not in FAMILIES:
        raise ValueError("unknown tiny family %r (one of %s)" % (family, ", ".join(FAMILIES)))
    unsupported = sorted("%s (%s)" % (i, n.get("class_type")) for i, n in prompt.items()
                         if n.get("class_type") in UNSUPPORTED)
    if unsupported:
        raise ValueError("no tiny stand-in for these loader nodes: %s" % ", ".join(unsupported))
    _bypass(prompt)
    for node in prompt.values():
        tiny = LOADER_SWAPS.get(node.get("class_type"))
        if tiny is None:
            continue
        meta = dict(node.get("_meta") or {})
        meta["title"] = "%s (tiny)" % meta.get("title", node["class_type"])
        inputs = {"family": family, "seed": int(seed)}
        if tiny == TINY_VAE and "audio" in str(node.get("inputs", {}).get("vae_name", "")).lower():
            inputs["audio"] = True
        node.clear()
        node.update({"class_type": tiny, "inputs": inputs, "_meta": meta})
    for node_id, node in prompt.items():
        for name, value in node.get("inputs", {}).items():
            if _is_link(value) and value[0] in prompt:
                src = prompt[value[0]]
                outs = TINY_OUTPUTS.get(src.get("class_type"))
                if outs is not None and not 0 <= value[1] < len(outs):
                    raise ValueError("node %s input %r links to output %d of %s node %s, which has only %s"
                                     % (node_id, name, value[1], src["class_type"], value[0], outs))
    return prompt


def install_tiny_pack(custom_nodes_dir: Path, name: str = TINY_PACK_NAME) -> Path:
    """Install the test pack into ``custom_nodes_dir/name`` (a shim that imports devtools.tiny_pack)."""
    from devtools.tiny_pack import SHIM
    dest = Path(custom_nodes_dir) / name
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "__init__.py").write_text(SHIM, encoding="utf-8")
    return dest


def load_tiny_pack():
    """The test pack imported in-process (after the host is importable)."""
    return importlib.import_module("devtools.tiny_pack")
