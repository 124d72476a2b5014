"""The one builder: a workflow record (a family, its source, its sampler, its note) -> a Graph.

Every bundled workflow has the same shape, left to right: a note; the family's loaders; its
model patches (shift, the family's own, Apply LanPaint FLD); the prompts (with Flux Guidance / a
zeroed negative where the family samples at cfg 1); the source (an image with a mask, an image
padded for outpainting, or a video with masks painted in LanPaint FLD Video Mask's editor, with its
soundtrack for an audio+video model; the demos' scene or clip) encoded under a noise mask; the
sampler (LanPaint FLD KSampler, LanPaint FLD Sampler + SamplerCustomAdvanced, or Apply LanPaint FLD +
KSampler); then VAE Decode, LanPaint FLD Mask Blend (the original back outside the mask) and a save
node (the demos: both samplers, side by side).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NamedTuple

from devtools.mask_vectors import node_morph
from devtools.workflows.catalog import WORKFLOW_CROP_PADDING, EXAMPLE_IMAGE, EXAMPLE_VIDEO, MODELS
from devtools.workflows.families import Family
from devtools.workflows.graph import Graph, Node
from lanpaint_demo import clips

POSITIVE_COLOR = ("#232", "#353")
NEGATIVE_COLOR = ("#322", "#533")
LANPAINT_COLOR = ("#223", "#335")
POSITIVE = "a red vintage bicycle leaning against the wall, warm afternoon light, detailed photo"
NEGATIVE = "blurry, low quality, watermark, text, deformed"
PROMPT_MODE = "Image First"
FEATHER = 9                  # LanPaint FLD Mask Blend's seam width
OUTPAINT_RIGHT, OUTPAINT_FEATHERING = 256, 24
DETAIL_SIZE = 1024                         # LanPaint FLD Crop's target: SD XL's native size
DEMO_SCENE_SEED, DEMO_SIZE = 100000, 64   # the first held-out demo scene, at the demo model's size
SIDE_BY_SIDE_SCALE = 4                     # the demo's 64 px pictures -> 256 px panels
SIDE_BY_SIDE_NODE = (830, 400)             # the demo's output node: its 800 x 294 picture at full size
DEMO_PREVIEW_NODE = (315, 330)             # the demo's input preview: its 256 x 256 picture at full size
# the video demo's clip: the first held-out seed (a brick wall panning about 6 px over the clip), at the
# demo video model's length and size; its 32 px frames -> 256 px panels, the picture demo's side by side
DEMO_CLIP_SEED, DEMO_CLIP_FRAMES, DEMO_CLIP_SIZE = 100000, 9, 32
DEMO_CLIP_SCALE = 8
DEMO_CLIP_HOLE = "moving_box"              # the hole the Video Mask's keyframes are taken from

LANPAINT_SAMPLING = ("LanPaintKSampler", "LanPaintKSamplerAdvanced", "LanPaintSampler", "ApplyLanPaint")
# The note's closing section: each line is written only where the graph has what it speaks of.
TUNING = (
    (lambda g: g.has(*LANPAINT_SAMPLING),
     """- **thinking_steps** (default 5): Langevin "thinking" iterations before each diffusion step; each
  costs one extra model call. 5 is the sweet spot, 10 for large holes and outpainting, 0-2 for drafts."""),
    (lambda g: g.has(*LANPAINT_SAMPLING),
     """- **prompt_mode**: *Image First* blends the new content with the surroundings; *Prompt First*
  follows the prompt more strongly (use it when the prompt must win)."""),
    (lambda g: g.has(*LANPAINT_SAMPLING),
     """- **crop_padding** (-1 = the whole picture): on a big picture with a small mask, LanPaint samples only
  the box around the mask grown by this many pixels and pastes it back; far faster, the rest stays
  exact. More padding shows the model more of the surroundings."""),
    (lambda g: g.has("KSampler", "LanPaintKSampler", "BasicScheduler"),
     "- **denoise** stays 1.0 for inpainting: the masked area is regenerated from noise, the rest is kept."),
    (lambda g: g.has("LanPaintMaskBlend"),
     """- **LanPaint FLD Mask Blend · feather**: seam width in pixels; it pastes the original back outside the
  mask so the VAE round trip does not change the rest of the image."""),
    (lambda g: g.masks_drawn_on("LoadImage"),
     """- Draw the mask on the **Load Image** node: select it and click the mask icon in the toolbar above
  it, or right click it → *Open in MaskEditor* (or load a PNG whose transparent pixels are the area to
  repaint). Other image sides work too: VAE Encode crops them to a multiple of the VAE's scale (8 px
  for most VAEs)."""),
)


def tuning_text(g: Graph) -> str:
    lines = [line for applies, line in TUNING if applies(g)]
    return "\n\n## Tuning LanPaint\n" + "\n".join(lines) if lines else ""


@dataclass(frozen=True)
class Workflow:
    """One bundled workflow: a family and what the graph around it does.

    kind: "inpaint" (Load Image, transparent = repaint), "outpaint" (Pad for Outpainting), "detail" (Load
    Image, each region cut out at the model's native size by LanPaint FLD Crop and put back by LanPaint FLD
    Stitch), "video" (a video, masked in LanPaint FLD Video Mask's editor), "audio_video" (the same with the
    video's soundtrack, kept, for an audio+video model), "demo" (the pack's demo scene and hole) or
    "demo_video" (the pack's demo clip, its hole painted on two keyframes of LanPaint FLD Video Mask).
    sampler: "lanpaint" (LanPaint FLD KSampler), "custom" (LanPaint FLD Sampler + SamplerCustomAdvanced),
    "apply" (Apply LanPaint FLD + the stock KSampler) or "compare" (the stock KSampler and LanPaint FLD
    KSampler side by side). title / subtitle: the thumbnail's; heading: the note's (default "LanPaint · title");
    about / note: the note's paragraph and closing line (default: the family's; "" for none).
    """
    family: Family
    title: str
    subtitle: str
    kind: str = "inpaint"
    sampler: str = "lanpaint"
    heading: str | None = None
    about: str | None = None
    note: str | None = None
    positive: str = POSITIVE
    negative: str = NEGATIVE
    thinking_steps: int = 5
    crop_padding: int | None = None

    @property
    def host(self) -> str:
        """The oldest ComfyUI whose nodes the workflow needs: it is generated against that host's
        /object_info and validated, run and browser-loaded on it and newer ones."""
        return self.family.host


class Source(NamedTuple):
    latent: Node        # what the sampler samples: SetLatentNoiseMask (Concat AV Latent with a soundtrack)
    encoded: Node       # VAEEncode
    original: tuple     # (node, output): the pixels Mask Blend pastes back
    mask: tuple         # (node, output): the mask
    stitch: tuple | None = None   # (node, output): LanPaint FLD Crop's record, where the source is crops


def files_md(files: list[str]) -> str:
    return "\n".join("- [%s](%s) → `ComfyUI/models/%s/`" % (name, *MODELS[name]) for name in files)


def note_text(wf: Workflow, g: Graph) -> str:
    """The workflow's note: heading, about, model files, the family's note and the tuning lines that
    apply to graph ``g``."""
    files = wf.family.model_files()
    about = wf.family.about if wf.about is None else wf.about
    note = wf.family.note if wf.note is None else wf.note
    text = "# %s\n%s" % (wf.heading or "LanPaint · " + wf.title, about.strip())
    if files:
        text += "\n\n## %s\n%s" % ("Model" if len(files) == 1 else "Models", files_md(files))
    return (text + ("\n\n" + note if note else "") + tuning_text(g)).strip() + "\n"


def build(name: str, wf: Workflow, object_info: dict) -> Graph:
    """The graph of workflow ``name`` (its save prefix is LanPaint/<name without "lanpaint_">)."""
    fam = wf.family
    if fam.unconditional is not None and wf.sampler != "custom":
        raise ValueError("%s: %s's unconditional model needs Dual Model CFG Guider: sampler='custom'"
                         % (name, fam.name))
    g = Graph(object_info)
    readme = g.add("MarkdownNote", 0, title="Read me", text="")
    loaded = [g.add(kind, 0, **values) for kind, values in fam.loaders]
    extra = {role: g.add(loader[0], 0, **loader[1]) for role, loader in
             (("unconditional", fam.unconditional), ("audio_vae", fam.audio_vae)) if loader is not None}
    model, clip, vae = (_provider(loaded, t) for t in ("MODEL", "CLIP", "VAE"))
    model = _patched_model(g, wf, model)
    if fam.conditioning in CONDITIONING:
        pos, neg = CONDITIONING[fam.conditioning](g, wf, clip)
    if (wf.kind == "audio_video") != (fam.audio_vae is not None):
        raise ValueError("%s: a %s source for %s, which has %s audio VAE" % (
            name, wf.kind, fam.name, "an" if fam.audio_vae else "no"))
    if wf.kind == "audio_video":
        source = _audio_video_source(g, wf, vae, extra["audio_vae"])
    else:
        source = SOURCES[wf.kind](g, wf, vae)
    if fam.conditioning == "edit":
        pos, neg = _edit_conditioning(g, wf, clip, source)
    col = 4 if fam.conditioning == "edit" else 3
    prefix = "LanPaint/" + name.removeprefix("lanpaint_")
    if wf.sampler == "compare":
        _compare(g, col, wf, model, pos, neg, source, vae, prefix)
    else:
        second = {"unconditional": extra["unconditional"]} if "unconditional" in extra else {}
        sampled, col = SAMPLERS[wf.sampler](g, col, wf, model, pos, neg, source.latent, **second)
        _decode_blend_save(g, col + 1, wf, sampled, vae, source, prefix)
        if "audio_vae" in extra:
            _decode_preview_audio(g, col + 1, sampled, extra["audio_vae"])
    readme.widgets = [note_text(wf, g)]
    return g


def _provider(loaded: list[Node], kind: str) -> Node:
    """The last loader with an output of this type (a separate CLIP loader wins over a checkpoint's)."""
    return [n for n in loaded if kind in (o["type"] for o in n.outputs)][-1]


def _patched_model(g: Graph, wf: Workflow, model: Node) -> Node:
    if wf.family.shift:
        kind, shift = wf.family.shift
        node = g.add(kind, 1, shift=shift)
        g.link(model, "MODEL", node, "model")
        model = node
    for kind, values in wf.family.patches:
        node = g.add(kind, 1, **values)
        g.link(model, "MODEL", node, "model")
        model = node
    if wf.sampler == "apply":
        node = g.add("ApplyLanPaint", 1, color=LANPAINT_COLOR, thinking_steps=wf.thinking_steps,
                     prompt_mode=PROMPT_MODE)
        g.link(model, "MODEL", node, "model")
        model = node
    return model


def _text_conditioning(g: Graph, wf: Workflow, clip: Node):
    """(positive, negative): CLIP Text Encode nodes; Flux Guidance on the positive and a zeroed negative
    where the family says so."""
    fam = wf.family
    prompt = g.add("CLIPTextEncode", 1, title="Positive prompt (what goes in the mask)", color=POSITIVE_COLOR,
                   text=wf.positive)
    g.link(clip, "CLIP", prompt, "clip")
    pos = neg = prompt
    if not fam.zero_negative:
        neg = g.add("CLIPTextEncode", 1, title="Negative prompt", color=NEGATIVE_COLOR, text=wf.negative)
        g.link(clip, "CLIP", neg, "clip")
    if fam.guidance is not None:
        pos = g.add("FluxGuidance", 2, guidance=fam.guidance)
        g.link(prompt, "CONDITIONING", pos, "conditioning")
    if fam.zero_negative:
        neg = g.add("ConditioningZeroOut", 2, title="Negative (zeroed)")
        g.link(prompt, "CONDITIONING", neg, "conditioning")
    return pos, neg


def _unconditional(g: Graph, wf: Workflow, clip: Node):
    """(positive, negative) of an unconditional model: one empty prompt for both (the sampler needs one)."""
    prompt = g.add("CLIPTextEncode", 1, title="Prompt (no effect: the model is unconditional)", text="")
    g.link(clip, "CLIP", prompt, "clip")
    return prompt, prompt


CONDITIONING = {"text": _text_conditioning, "unconditional": _unconditional}


def _edit_conditioning(g: Graph, wf: Workflow, clip: Node, source: Source):
    """(positive, negative) of an edit model: the instruction and the negative each read the picture
    (Text Encode Qwen Image Edit Plus) and carry its latent as the reference (Reference Latent)."""
    refs = []
    for title, color, prompt in (("Instruction (what goes in the mask)", POSITIVE_COLOR, wf.positive),
                                 ("Negative prompt", NEGATIVE_COLOR, wf.negative)):
        enc = g.add("TextEncodeQwenImageEditPlus", 2, title=title, color=color, prompt=prompt)
        g.link(clip, "CLIP", enc, "clip")
        g.link(*source.original, enc, "image1")
        ref = g.add("ReferenceLatent", 3, title="Reference: the picture")
        g.link(enc, "CONDITIONING", ref, "conditioning")
        g.link(source.encoded, "LATENT", ref, "latent")
        refs.append(ref)
    return tuple(refs)


# ----------------------------------------------------------------------------- sources
def _encode_masked(g: Graph, col: int, pixels: tuple, mask: tuple, vae: Node, original: tuple) -> Source:
    enc = g.add("VAEEncode", col)
    g.link(*pixels, enc, "pixels")
    g.link(vae, "VAE", enc, "vae")
    masked = g.add("SetLatentNoiseMask", col)
    g.link(enc, "LATENT", masked, "samples")
    g.link(*mask, masked, "mask")
    return Source(masked, enc, original, mask)


def _image_source(g: Graph, wf: Workflow, vae: Node) -> Source:
    load = g.add("LoadImage", 2 if wf.sampler == "apply" else 1, title="Load Image (transparent = repaint)",
                 image=EXAMPLE_IMAGE)
    return _encode_masked(g, 2, (load, "IMAGE"), (load, "MASK"), vae, (load, "IMAGE"))


def _outpaint_source(g: Graph, wf: Workflow, vae: Node) -> Source:
    load = g.add("LoadImage", 1, title="Load Image", image=EXAMPLE_IMAGE)
    pad = g.add("ImagePadForOutpaint", 2, left=0, top=0, right=OUTPAINT_RIGHT, bottom=0,
                feathering=OUTPAINT_FEATHERING)
    g.link(load, "IMAGE", pad, "image")
    return _encode_masked(g, 2, (pad, "IMAGE"), (pad, "MASK"), vae, (pad, "IMAGE"))


def _video_source(g: Graph, wf: Workflow, vae: Node) -> Source:
    video = g.add("LoadVideo", 1, title="Load Video", file=EXAMPLE_VIDEO)
    frames = g.add("GetVideoComponents", 2, title="Video frames" if wf.kind == "video" else "Video frames and sound")
    g.link(video, "VIDEO", frames, "video")
    mask = g.add("LanPaintVideoMask", 2, title="Video mask: Open mask editor", color=LANPAINT_COLOR)
    g.link(frames, "images", mask, "images")
    return _encode_masked(g, 2, (frames, "images"), (mask, "MASK"), vae, (frames, "images"))


def _audio_video_source(g: Graph, wf: Workflow, vae: Node, audio_vae: Node) -> Source:
    """The video source, and its soundtrack encoded by the audio VAE under a mask that keeps it
    (Solid Mask 0), joined into one audio+video latent (Concat AV Latent)."""
    source = _video_source(g, wf, vae)
    frames = source.original[0]
    sound = g.add("VAEEncodeAudio", 2, title="Encode the soundtrack")
    g.link(frames, "audio", sound, "audio")
    g.link(audio_vae, "VAE", sound, "vae")
    keep = g.add("SolidMask", 1, title="Soundtrack mask (0 = keep, 1 = new)", value=0.0, width=64, height=64)
    kept = g.add("SetLatentNoiseMask", 2, title="Soundtrack under its mask")
    g.link(sound, "LATENT", kept, "samples")
    g.link(keep, "MASK", kept, "mask")
    joined = g.add("LTXVConcatAVLatent", 3, title="Concat AV Latent: video and sound")
    g.link(source.latent, "LATENT", joined, "video_latent")
    g.link(kept, "LATENT", joined, "audio_latent")
    return source._replace(latent=joined)


def _detail_source(g: Graph, wf: Workflow, vae: Node) -> Source:
    """Load Image -> LanPaint FLD Crop: every region of the mask with context, at the model's native size."""
    load = g.add("LoadImage", 1, title="Load Image (transparent = repaint)", image=EXAMPLE_IMAGE)
    cut = g.add("LanPaintCrop", 2, color=LANPAINT_COLOR, padding=WORKFLOW_CROP_PADDING, target_size=DETAIL_SIZE)
    g.link(load, "IMAGE", cut, "image")
    g.link(load, "MASK", cut, "mask")
    source = _encode_masked(g, 2, (cut, "image"), (cut, "mask"), vae, (load, "IMAGE"))
    return source._replace(stitch=(cut, "stitch"))


def demo_clip_keyframes() -> str:
    """LanPaint FLD Video Mask's keyframes for the video demo: the clip's moving box (clip_masks) painted on
    its first and last frames, as the mask editor writes them; the node moves it with the wall in between."""
    mk = node_morph()
    holes = clips.clip_masks(DEMO_CLIP_HOLE, DEMO_CLIP_SEED, DEMO_CLIP_FRAMES, DEMO_CLIP_SIZE) > 0.5
    keyframes = [{"frame": f, "mask": mk.rle_encode(holes[f])} for f in (0, DEMO_CLIP_FRAMES - 1)]
    return json.dumps({"version": 1, "width": DEMO_CLIP_SIZE, "height": DEMO_CLIP_SIZE, "keyframes": keyframes})


def _demo_video_source(g: Graph, wf: Workflow, vae: Node) -> Source:
    """The held-out demo clip; its hole is LanPaint FLD Video Mask's, pre-painted (demo_clip_keyframes)."""
    clip = g.add("LanPaintDemoClip", 1, title="Demo clip", color=LANPAINT_COLOR, control="fixed",
                 seed=DEMO_CLIP_SEED, hole=DEMO_CLIP_HOLE, frames=DEMO_CLIP_FRAMES, size=DEMO_CLIP_SIZE)
    mask = g.add("LanPaintVideoMask", 2, title="Video mask: a box moving with the wall", color=LANPAINT_COLOR,
                 keyframes=demo_clip_keyframes())
    g.link(clip, "images", mask, "images")
    return _encode_masked(g, 2, (clip, "images"), (mask, "MASK"), vae, (clip, "images"))


def _demo_source(g: Graph, wf: Workflow, vae: Node) -> Source:
    """The demo scene and its hole; the preview shows the hole transparent, enlarged as the output is."""
    scene = g.add("LanPaintDemoScene", 1, title="Demo scene and hole", color=LANPAINT_COLOR, control="fixed",
                  seed=DEMO_SCENE_SEED, hole="box", size=DEMO_SIZE)
    holed = g.add("JoinImageWithAlpha", 1, title="The hole made transparent")
    g.link(scene, "image", holed, "image")
    g.link(scene, "mask", holed, "alpha")
    bigger = g.add("ImageScaleBy", 1, title="Enlarged (nearest)", upscale_method="nearest-exact",
                   scale_by=float(SIDE_BY_SIDE_SCALE))
    g.link(holed, "IMAGE", bigger, "image")
    preview = g.add("PreviewImage", 2, title="The scene and its hole (transparent)", node_size=DEMO_PREVIEW_NODE)
    g.link(bigger, "IMAGE", preview, "images")
    return _encode_masked(g, 2, (scene, "image"), (scene, "mask"), vae, (scene, "image"))


SOURCES = {"inpaint": _image_source, "outpaint": _outpaint_source, "video": _video_source, "demo": _demo_source,
           "demo_video": _demo_video_source, "detail": _detail_source}


# ----------------------------------------------------------------------------- samplers
def _sampler_values(wf: Workflow) -> dict:
    """Widget values of the sampler nodes; the demo's two samplers keep one fixed seed, so they stay
    comparable run after run."""
    fam = wf.family
    if not isinstance(fam.scheduler, str):
        raise ValueError("%s samples with its own scheduler node: sampler='custom'" % fam.name)
    control = {"control": "fixed"} if wf.sampler == "compare" else {}
    return dict(**control, seed=0, steps=fam.steps, cfg=fam.cfg, sampler_name=fam.sampler, scheduler=fam.scheduler,
                denoise=1.0)


def _wire_ksampler(g: Graph, ks: Node, model: Node, pos: Node, neg: Node, latent: Node):
    g.link(model, "MODEL", ks, "model")
    g.link(pos, "CONDITIONING", ks, "positive")
    g.link(neg, "CONDITIONING", ks, "negative")
    g.link(latent, "LATENT", ks, "latent_image")


def _lanpaint_ksampler(g: Graph, col: int, wf: Workflow, model, pos, neg, latent):
    extra = {} if wf.crop_padding is None else {"crop_padding": wf.crop_padding}
    ks = g.add("LanPaintKSampler", col, color=LANPAINT_COLOR, **_sampler_values(wf),
               thinking_steps=wf.thinking_steps, prompt_mode=PROMPT_MODE, **extra)
    _wire_ksampler(g, ks, model, pos, neg, latent)
    return (ks, "LATENT"), col


def _stock_ksampler(g: Graph, col: int, wf: Workflow, model, pos, neg, latent):
    ks = g.add("KSampler", col, **_sampler_values(wf))
    _wire_ksampler(g, ks, model, pos, neg, latent)
    return (ks, "LATENT"), col


def _custom_advanced(g: Graph, col: int, wf: Workflow, model, pos, neg, latent, unconditional: Node | None = None):
    """RandomNoise + CFGGuider (Dual Model CFG Guider with the family's unconditional model) + LanPaint
    FLD Sampler + BasicScheduler (or the family's scheduler node) (column col) into SamplerCustomAdvanced
    (col + 1)."""
    fam = wf.family
    noise = g.add("RandomNoise", col, noise_seed=0)
    guider = g.add("CFGGuider" if unconditional is None else "DualModelGuider", col, cfg=fam.cfg)
    g.link(model, "MODEL", guider, "model")
    if unconditional is not None:
        g.link(unconditional, "MODEL", guider, "model_negative")
    g.link(pos, "CONDITIONING", guider, "positive")
    g.link(neg, "CONDITIONING", guider, "negative")
    sampler = g.add("LanPaintSampler", col, color=LANPAINT_COLOR, sampler_name=fam.sampler,
                    thinking_steps=wf.thinking_steps, prompt_mode=PROMPT_MODE)
    if isinstance(fam.scheduler, str):
        sched = g.add("BasicScheduler", col, scheduler=fam.scheduler, steps=fam.steps, denoise=1.0)
        g.link(model, "MODEL", sched, "model")
    else:
        kind, values = fam.scheduler
        sched = g.add(kind, col, steps=fam.steps, **values)
    sca = g.add("SamplerCustomAdvanced", col + 1)
    g.link(noise, "NOISE", sca, "noise")
    g.link(guider, "GUIDER", sca, "guider")
    g.link(sampler, "SAMPLER", sca, "sampler")
    g.link(sched, "SIGMAS", sca, "sigmas")
    g.link(latent, "LATENT", sca, "latent_image")
    return (sca, "output"), col + 1


SAMPLERS = {"lanpaint": _lanpaint_ksampler, "custom": _custom_advanced, "apply": _stock_ksampler}


def _compare(g: Graph, col: int, wf: Workflow, model, pos, neg, source: Source, vae: Node, prefix: str):
    """The stock KSampler and LanPaint FLD KSampler on the same latent, same seed, each decoded; LanPaint
    FLD Side by Side puts the scene with its hole and the two results in one enlarged, labelled picture
    (one per frame of a clip), saved as prefix/side_by_side (an animated WEBP for a clip)."""
    decoded = {}
    for name, sampler in (("stock", _stock_ksampler), ("lanpaint", _lanpaint_ksampler)):
        (ks, out), _ = sampler(g, col, wf, model, pos, neg, source.latent)
        dec = g.add("VAEDecode", col + 1, title="Decode: " + ("stock" if name == "stock" else "LanPaint FLD"))
        g.link(ks, out, dec, "samples")
        g.link(vae, "VAE", dec, "vae")
        decoded[name] = dec
    video = wf.kind == "demo_video"
    both = g.add("LanPaintSideBySide", col + 1, color=LANPAINT_COLOR,
                 scale=DEMO_CLIP_SCALE if video else SIDE_BY_SIDE_SCALE)
    g.link(*source.original, both, "image")
    g.link(*source.mask, both, "mask")
    g.link(decoded["stock"], "IMAGE", both, "stock")
    g.link(decoded["lanpaint"], "IMAGE", both, "lanpaint")
    shown = dict(title="Side by side: the hole, stock, LanPaint FLD", node_size=SIDE_BY_SIDE_NODE,
                 filename_prefix="%s/side_by_side" % prefix)
    if video:
        save = g.add("SaveAnimatedWEBP", col + 2, **shown, fps=wf.family.fps, lossless=True, quality=90,
                     method="default")
    else:
        save = g.add("SaveImage", col + 2, **shown)
    g.link(both, "IMAGE", save, "images")


# ----------------------------------------------------------------------------- output
def _decode_blend_save(g: Graph, col: int, wf: Workflow, sampled: tuple, vae: Node, source: Source, prefix: str):
    dec = g.add("VAEDecode", col)
    g.link(*sampled, dec, "samples")
    g.link(vae, "VAE", dec, "vae")
    if source.stitch is not None:        # crops go back into the picture, feathered inside the mask
        blend = g.add("LanPaintStitch", col, color=LANPAINT_COLOR)
        g.link(*source.stitch, blend, "stitch")
        g.link(dec, "IMAGE", blend, "image")
    else:
        blend = g.add("LanPaintMaskBlend", col, color=LANPAINT_COLOR, feather=FEATHER)
        g.link(*source.original, blend, "original")
        g.link(dec, "IMAGE", blend, "inpainted")
        g.link(*source.mask, blend, "mask")
    if wf.kind in ("video", "audio_video"):
        save = g.add("SaveAnimatedWEBP", col + 1, filename_prefix=prefix, fps=wf.family.fps, lossless=True,
                     quality=90, method="default")
    else:
        save = g.add("SaveImage", col + 1, filename_prefix=prefix)
    g.link(blend, "IMAGE", save, "images")
    return save


def _decode_preview_audio(g: Graph, col: int, sampled: tuple, audio_vae: Node):
    """The soundtrack of the sampled audio+video latent, decoded by the audio VAE into a player (the host's
    audio save nodes are deprecated or take options the generator does not write yet)."""
    dec = g.add("VAEDecodeAudio", col, title="Decode the soundtrack")
    g.link(*sampled, dec, "samples")
    g.link(audio_vae, "VAE", dec, "vae")
    hear = g.add("PreviewAudio", col + 1, title="The soundtrack")
    g.link(dec, "AUDIO", hear, "audio")
