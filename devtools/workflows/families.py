"""One record per model family: its loaders, sampler settings, guidance, shift and note.

A bundled workflow (devtools/make_workflows.WORKFLOWS) names one of these; the builder
(builder.py) turns both into a graph. Adding a family is one ``Family(...)`` here: the loader
nodes with their widget values (the model files listed in the workflow's note are the loaders'
file names, in this order; each needs an entry in catalog.MODELS), the sampler settings the
family's own model card recommends, and its tiny stand-in for the tests (stand_ins.LOADER_FAMILIES).
"""
from __future__ import annotations

from dataclasses import dataclass

from devtools.workflows.catalog import MODELS, NEWER_HOST, OLDEST_HOST

Loader = tuple  # (node type, {widget name: value})


def unet_clip_vae(unet: str, clip: str, clip_type: str, vae: str) -> tuple[Loader, ...]:
    """The split-files layout: Load Diffusion Model + Load CLIP (of ``clip_type``) + Load VAE."""
    return (("UNETLoader", {"unet_name": unet, "weight_dtype": "default"}),
            ("CLIPLoader", {"clip_name": clip, "type": clip_type, "device": "default"}),
            ("VAELoader", {"vae_name": vae}))


@dataclass(frozen=True)
class Family:
    """How a workflow of this family loads and samples its model.

    name: the family as users know it (the README's family table).
    loaders: node type and widget values, in graph order; the last loader with a MODEL / CLIP / VAE
        output provides it. unconditional: the loader of a second model that makes the unconditional
        prediction (Dual Model CFG Guider; the workflow samples through SamplerCustomAdvanced).
        audio_vae: the loader of the audio VAE of an audio+video model. shift: (model-sampling node,
        shift) between the model and the sampler; patches: further model nodes (node type, widget
        values) after it. scheduler: the scheduler's name (KSampler, BasicScheduler), or a scheduler
        node of the family's own (node type, widget values; its steps are ``steps``).
    guidance: FluxGuidance on the prompt (guidance-distilled models). zero_negative: the negative is
        ConditioningZeroOut of the prompt (models sampled at cfg 1). conditioning: "text" (CLIP Text
        Encode), "edit" (Qwen-Image-Edit: the picture goes to the text encoder and as a reference
        latent) or "unconditional" (one empty prompt for both: the model ignores it). about: the
        note's paragraph for the family's plain inpainting workflow; note: the line after the model
        list. tiny: the stand-in loaders' family (None: the loaders are the pack's own and run as they
        are); host: the oldest ComfyUI whose nodes the family's workflows need; fps: the frame rate
        its video workflows save at.
    """
    name: str
    tiny: str | None
    host: str
    loaders: tuple
    steps: int
    cfg: float
    scheduler: str | Loader
    about: str
    note: str = ""
    sampler: str = "euler"
    shift: tuple | None = None
    patches: tuple = ()
    guidance: float | None = None
    zero_negative: bool = False
    conditioning: str = "text"
    unconditional: Loader | None = None
    audio_vae: Loader | None = None
    fps: float = 16.0

    def all_loaders(self) -> tuple[Loader, ...]:
        """Every loader node of the family's workflows, in graph order."""
        return self.loaders + tuple(x for x in (self.unconditional, self.audio_vae) if x is not None)

    def model_files(self) -> list[str]:
        """The file names among the loaders' widget values, in loader order."""
        return [v for _, values in self.all_loaders() for v in values.values() if v in MODELS]


SD15 = Family(
    name="Stable Diffusion 1.5", tiny="sd15", host=OLDEST_HOST,
    loaders=(("CheckpointLoaderSimple", {"ckpt_name": "v1-5-pruned-emaonly-fp16.safetensors"}),),
    steps=25, cfg=7.0, scheduler="karras",
    about="""Stable Diffusion 1.5 (or any of its fine-tunes) repaints the transparent / masked part of the image so it
matches both the prompt and the rest of the picture; everything outside the mask is kept. No inpainting
checkpoint needed: LanPaint inpaints with the plain model.""",
    note="SD 1.5 works best on pictures of about 512 px a side.")

SDXL = Family(
    name="Stable Diffusion XL", tiny="sdxl", host=OLDEST_HOST,
    loaders=(("CheckpointLoaderSimple", {"ckpt_name": "sd_xl_base_1.0.safetensors"}),),
    steps=30, cfg=5.0, scheduler="karras",
    about="""Repaints the transparent / masked part of the image so it matches both the prompt and the rest of
the picture; everything outside the mask is kept.""",
    note="Any SD 1.5 / SD XL checkpoint works the same way.")

SD35 = Family(
    name="Stable Diffusion 3.5", tiny="sd3", host=OLDEST_HOST,
    loaders=(("CheckpointLoaderSimple", {"ckpt_name": "sd3.5_large.safetensors"}),
             ("TripleCLIPLoader", {"clip_name1": "clip_g.safetensors", "clip_name2": "clip_l.safetensors",
                                   "clip_name3": "t5xxl_fp16.safetensors"})),
    steps=28, cfg=4.5, scheduler="sgm_uniform",
    about="""The official SD 3.5 layout: the checkpoint gives the model and VAE, the Triple CLIP loader the
three text encoders (CLIP-G, CLIP-L, T5-XXL).""",
    note="""(`t5xxl_fp8_e4m3fn_scaled.safetensors` saves memory. SD 3.5 Medium works too.)
SD 3.5 samples well with euler / sgm_uniform, 28 steps, cfg 4-5.""")

FLUX_DEV = Family(
    name="FLUX.1 [dev]", tiny="flux", host=OLDEST_HOST,
    loaders=(("UNETLoader", {"unet_name": "flux1-dev.safetensors", "weight_dtype": "default"}),
             ("DualCLIPLoader", {"clip_name1": "clip_l.safetensors", "clip_name2": "t5xxl_fp16.safetensors",
                                 "type": "flux", "device": "default"}),
             ("VAELoader", {"vae_name": "ae.safetensors"})),
    steps=20, cfg=1.0, scheduler="simple", guidance=3.5, zero_negative=True,
    about="""Plain FLUX.1 dev (not the Fill model) inpaints with LanPaint. Flux dev is guidance-distilled: the
prompt strength is **Flux Guidance** (2-3.5), the sampler's **cfg stays 1**, and the negative
prompt is zeroed.""",
    note="""(`t5xxl_fp8_e4m3fn_scaled.safetensors` or the fp8 Flux weights save memory.)
Distilled models are not a faithful score, so expect a little less benefit than with SD XL / SD 3.5;
a lower Flux Guidance (2-3) often blends better.""")

HIDREAM = Family(
    name="HiDream-I1", tiny="hidream", host=OLDEST_HOST,
    loaders=(("UNETLoader", {"unet_name": "hidream_i1_dev_bf16.safetensors", "weight_dtype": "default"}),
             ("QuadrupleCLIPLoader", {"clip_name1": "clip_l_hidream.safetensors",
                                      "clip_name2": "clip_g_hidream.safetensors",
                                      "clip_name3": "t5xxl_fp8_e4m3fn_scaled.safetensors",
                                      "clip_name4": "llama_3.1_8b_instruct_fp8_scaled.safetensors"}),
             ("VAELoader", {"vae_name": "ae.safetensors"})),
    steps=28, cfg=1.0, scheduler="normal", shift=("ModelSamplingSD3", 6.0),
    about="""HiDream-I1 Dev with its four text encoders, shift 6 (Model Sampling SD3) and cfg 1 as in the
official settings (official Dev sampler: lcm / normal, 28 steps; LanPaint uses euler, its reference
sampler -- both work).""",
    note="(`hidream_i1_dev_fp8.safetensors` saves memory. HiDream Full: shift 3, cfg 5, 50 steps.)")

ZIMAGE = Family(
    name="Z-Image Turbo", tiny="zimage", host=NEWER_HOST,
    loaders=unet_clip_vae("z_image_turbo_bf16.safetensors", "qwen_3_4b.safetensors", "lumina2", "ae.safetensors"),
    steps=9, cfg=1.0, scheduler="simple", shift=("ModelSamplingAuraFlow", 3.0), zero_negative=True,
    about="""Z-Image Turbo with its Qwen3 4B text encoder and the Flux VAE, shift 3 (Model Sampling AuraFlow) and
cfg 1 as in the official settings: Turbo is distilled for ~9 steps, so the negative prompt is zeroed.""",
    note="Needs a ComfyUI with Z-Image support (tested on 0.33.0).")

QWEN_IMAGE_EDIT = Family(
    name="Qwen-Image-Edit", tiny="qwen_image", host=NEWER_HOST,
    loaders=unet_clip_vae("qwen_image_edit_2509_fp8_e4m3fn.safetensors", "qwen_2.5_vl_7b_fp8_scaled.safetensors",
                          "qwen_image", "qwen_image_vae.safetensors"),
    steps=20, cfg=2.5, scheduler="simple", shift=("ModelSamplingAuraFlow", 3.0), conditioning="edit",
    about="""Qwen-Image-Edit (2509) reads the picture twice: the text encoder sees it with the instruction (Text
Encode Qwen Image Edit Plus) and the model gets its latent as the reference (Reference Latent, at the
working size); the instruction says what to change. LanPaint repaints only the masked part and keeps
the rest. Shift 3 (Model Sampling AuraFlow), cfg 2.5.""",
    note="Needs a ComfyUI with Qwen-Image-Edit support (tested on 0.33.0).")

FLUX2_DEV = Family(
    name="FLUX.2 [dev]", tiny="flux2", host=NEWER_HOST,
    loaders=unet_clip_vae("flux2_dev_fp8mixed.safetensors", "mistral_3_small_flux2_fp8.safetensors", "flux2",
                          "flux2-vae.safetensors"),
    steps=20, cfg=1.0, scheduler="simple", guidance=4.0, zero_negative=True,
    about="""FLUX.2 dev with its Mistral text encoder and VAE. Like FLUX.1 dev it is guidance-distilled: the prompt
strength is **Flux Guidance** (4), the sampler's **cfg stays 1** and the negative prompt is zeroed.""",
    note="Needs a ComfyUI with FLUX.2 support (tested on 0.33.0).")

WAN22_T2V = Family(
    name="Wan 2.2 T2V 14B", tiny="wan22_t2v", host=NEWER_HOST,
    loaders=unet_clip_vae("wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors", "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                          "wan", "wan_2.1_vae.safetensors"),
    steps=20, cfg=5.0, scheduler="simple", shift=("ModelSamplingSD3", 8.0),
    about="""Wan 2.2 T2V 14B (its low-noise expert) as a text-to-image model: the picture is a one-frame video
(VAE Encode gives one latent frame), shift 8, cfg 5. LanPaint repaints the masked part of the picture
and keeps the rest.""",
    note="Needs a ComfyUI with Wan 2.2 support (tested on 0.33.0).")

DEMO = Family(
    name="LanPaint FLD demo model", tiny=None, host=OLDEST_HOST, loaders=(("LanPaintDemoModelLoader", {}),),
    steps=20, cfg=1.0, scheduler="simple", conditioning="unconditional",
    about="""The pack's own small demo model (an SD 3.5-class MMDiT trained on 64 x 64 procedural scenes) and a
held-out scene with a hole: the same masked latent is sampled by the stock KSampler and by LanPaint FLD
KSampler, same seed. **LanPaint FLD Side by Side** shows the scene with its hole (magenta), the stock
result and LanPaint FLD's, enlarged 4 x. Stock masked sampling tends to break the structure at the
hole's edge (brick courses out of phase, hill lines that do not meet, a second "ghost" sun); LanPaint
continues it. Change the **Demo scene and hole** node's seed or hole and press Run again. The model is
unconditional: the prompt has no effect.""",
    note="Nothing to download: the model ships with the pack.")
DEMO_VIDEO = Family(
    name="LanPaint FLD demo video model", tiny=None, host=OLDEST_HOST, loaders=(("LanPaintDemoVideoModelLoader", {}),),
    steps=20, cfg=1.0, scheduler="simple", conditioning="unconditional", fps=8.0,
    about="""The pack's own small demo video model (a Wan 2.1-class transformer and a Wan VAE trained on 32 x 32
procedural clips of 9 frames: the demo scenes filmed by a panning camera) and a held-out clip. The
hole is a box over the brick wall, painted in **LanPaint FLD Video Mask** on the first and the last
frame; the frames between move it along with the wall, so the hole travels with the bricks. The same
masked latent is sampled by the stock KSampler and by LanPaint FLD KSampler, same seed, and
**LanPaint FLD Side by Side** shows every frame: the clip with its hole (magenta), the stock result and
LanPaint FLD's, enlarged 8 x, saved as an animated WEBP.

What to look at, in each result: flicker (the fill changing from frame to frame while the wall around
it scrolls smoothly) and broken structure (brick courses out of phase at the hole's edge, a fill that
stands still while the wall moves). Another clip: change the **Demo clip** node's seed and paint the
hole again (*Open mask editor* on the video mask; run once first so it gets the frames), or link the
Demo clip's own mask (its hole: box, moving_box, stripe, last_frames) into Set Latent Noise Mask and
Side by Side in place of the video mask's. The model is unconditional: the prompt has no effect.""",
    note="Nothing to download: the model ships with the pack.")
WAN22_TI2V = Family(
    name="Wan 2.2 TI2V 5B", tiny="wan22_ti2v", host=NEWER_HOST,
    loaders=unet_clip_vae("wan2.2_ti2v_5B_fp16.safetensors", "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan",
                          "wan2.2_vae.safetensors"),
    steps=20, cfg=5.0, scheduler="simple", shift=("ModelSamplingSD3", 8.0),
    about="Wan 2.2 TI2V 5B (its own 16x VAE), shift 8.",
    note="Needs a ComfyUI with Wan 2.2 support (tested on 0.33.0).")

QWEN_IMAGE = Family(
    name="Qwen-Image", tiny="qwen_image", host=NEWER_HOST,
    loaders=unet_clip_vae("qwen_image_fp8_e4m3fn.safetensors", "qwen_2.5_vl_7b_fp8_scaled.safetensors", "qwen_image",
                          "qwen_image_vae.safetensors"),
    steps=20, cfg=2.5, scheduler="simple", shift=("ModelSamplingAuraFlow", 3.1),
    about="""Qwen-Image (the text-to-image model; for instructions about the picture see the Qwen-Image-Edit
workflow) with its Qwen2.5-VL text encoder and VAE, shift 3.1 (Model Sampling AuraFlow) and cfg 2.5.""",
    note="Needs a ComfyUI with Qwen-Image support (tested on 0.33.0).")

CHROMA = Family(
    name="Chroma1-HD", tiny="chroma", host=NEWER_HOST,
    loaders=unet_clip_vae("Chroma1-HD.safetensors", "t5xxl_fp16.safetensors", "chroma", "ae.safetensors"),
    steps=26, cfg=4.0, scheduler="simple",
    about="""Chroma1-HD (8.9 B, the FLUX.1-schnell architecture without its guidance distillation) with the T5-XXL
text encoder and the Flux VAE. It is not distilled: a real cfg (4) and a real negative prompt.""",
    note="Needs a ComfyUI with Chroma support (tested on 0.33.0).")

HUNYUAN_IMAGE = Family(
    name="HunyuanImage 2.1", tiny="hunyuan_image", host=NEWER_HOST,
    loaders=(("UNETLoader", {"unet_name": "hunyuanimage2.1_bf16.safetensors", "weight_dtype": "default"}),
             ("DualCLIPLoader", {"clip_name1": "qwen_2.5_vl_7b_fp8_scaled.safetensors",
                                 "clip_name2": "byt5_small_glyphxl_fp16.safetensors", "type": "hunyuan_image",
                                 "device": "default"}),
             ("VAELoader", {"vae_name": "hunyuan_image_2.1_vae_fp16.safetensors"})),
    steps=20, cfg=3.5, scheduler="simple",
    about="""HunyuanImage 2.1 with its two text encoders (Qwen2.5-VL 7B; ByT5 renders text you put in quotes) and
its 32x VAE, made for 2K pictures (sides a multiple of 32). Shift 5 is the model's own default; cfg 3.5.""",
    note="(`hunyuanimage2.1_fp8_e4m3fn.safetensors` saves memory.) Needs a ComfyUI with HunyuanImage 2.1 support "
         "(tested on 0.33.0).")

FLUX2_KLEIN = Family(
    name="FLUX.2 [klein]", tiny="flux2_klein", host=NEWER_HOST,
    loaders=unet_clip_vae("flux-2-klein-4b.safetensors", "qwen_3_4b.safetensors", "flux2", "flux2-vae.safetensors"),
    steps=4, cfg=1.0, scheduler="simple", zero_negative=True,
    about="""FLUX.2 [klein] 4B with its Qwen3 4B text encoder and the FLUX.2 VAE. The released klein is step-distilled:
4 steps at **cfg 1**, so the negative prompt is zeroed (no Flux Guidance: klein has no guidance input).""",
    note="(FLUX.2 [klein] 9B: `flux-2-klein-9b.safetensors` with `qwen_3_8b.safetensors`.) Needs a ComfyUI with "
         "FLUX.2 klein support (tested on 0.33.0).")

KREA2 = Family(
    name="Krea 2", tiny="krea2", host=NEWER_HOST,
    loaders=unet_clip_vae("krea2_turbo_fp8_scaled.safetensors", "qwen3vl_4b_fp8_scaled.safetensors", "krea2",
                          "qwen_image_vae.safetensors"),
    steps=8, cfg=1.0, scheduler="simple", zero_negative=True,
    about="""Krea 2 Turbo with its Qwen3-VL 4B text encoder and the Qwen-Image VAE: distilled for 8 steps at **cfg 1**,
so the negative prompt is zeroed.""",
    note="(Krea 2 Raw, the undistilled model: more steps and a real cfg.) Needs a ComfyUI with Krea 2 support "
         "(tested on 0.33.0).")

KANDINSKY5_IMAGE = Family(
    name="Kandinsky 5 Image", tiny="kandinsky5_image", host=NEWER_HOST,
    loaders=(("UNETLoader", {"unet_name": "kandinsky5lite_t2i.safetensors", "weight_dtype": "default"}),
             ("DualCLIPLoader", {"clip_name1": "qwen_2.5_vl_7b_fp8_scaled.safetensors",
                                 "clip_name2": "clip_l.safetensors", "type": "kandinsky5_image", "device": "default"}),
             ("VAELoader", {"vae_name": "ae.safetensors"})),
    steps=50, cfg=3.5, scheduler="simple", shift=("ModelSamplingSD3", 3.0),
    about="""Kandinsky 5.0 Image Lite with its two text encoders (Qwen2.5-VL 7B and CLIP-L) and the Flux VAE, shift 3
(Model Sampling SD3), cfg 3.5 and 50 steps as in its model card. It reads Russian prompts and writes Cyrillic
too.""",
    note="Needs a ComfyUI with Kandinsky 5 support (tested on 0.33.0).")

CHROMA_RADIANCE = Family(
    name="Chroma Radiance", tiny="chroma_radiance", host=NEWER_HOST,
    loaders=unet_clip_vae("Chroma1-Radiance-v0.4.safetensors", "t5xxl_fp16.safetensors", "chroma", "pixel_space"),
    steps=26, cfg=4.0, scheduler="simple",
    about="""Chroma1-Radiance: Chroma sampled in pixel space, with no VAE (Load VAE's **pixel_space** turns pictures
into the model's input and back). T5-XXL text encoder, a real cfg (4) and negative prompt. LanPaint keeps
the pixels outside the mask exactly; picture sides a multiple of 16.""",
    note="Needs a ComfyUI with Chroma Radiance support (tested on 0.33.0).")

HIDREAM_O1 = Family(
    name="HiDream-O1", tiny="hidream_o1", host=NEWER_HOST,
    loaders=(("CheckpointLoaderSimple", {"ckpt_name": "hidream_o1_image_bf16.safetensors"}),),
    steps=40, cfg=5.0, scheduler="normal",
    about="""HiDream-O1-Image: one checkpoint holds the model (a Qwen3-VL backbone that reads the prompt's tokens
itself and paints in pixel space), its tokenizer and the pixel-space "VAE". cfg 5, 40 steps (normal) as in
the official workflow. Picture sides a multiple of 32.""",
    note="Needs a ComfyUI with HiDream-O1 support (tested on 0.33.0).")

IDEOGRAM4 = Family(
    name="Ideogram 4", tiny="ideogram4", host=NEWER_HOST,
    loaders=unet_clip_vae("ideogram4_fp8_scaled.safetensors", "qwen3vl_8b_fp8_scaled.safetensors", "ideogram4",
                          "flux2-vae.safetensors"),
    unconditional=("UNETLoader", {"unet_name": "ideogram4_unconditional_fp8_scaled.safetensors",
                                  "weight_dtype": "default"}),
    steps=20, cfg=7.0, scheduler=("Ideogram4Scheduler", {"width": 1024, "height": 1024, "mu": 0.0, "std": 1.75}),
    patches=(("CFGOverride", {"cfg": 3.0, "start_percent": 0.7, "end_percent": 1.0}),), zero_negative=True,
    about="""Ideogram 4 as its official workflow samples it: the unconditional prediction comes from a second
model of its own (**Dual Model CFG Guider**, cfg 7, cfg 3 over the last 30 % of the steps by **CFG Override**)
and the sigmas from the **Ideogram 4 Scheduler** (20 steps, its Default preset; set its width and height to
the picture's, they shift the schedule). Qwen3-VL 8B text encoder and the FLUX.2 VAE. The model reads plain
prompts and, best, the structured JSON captions of its prompting guide.""",
    note="Needs a ComfyUI with Ideogram 4 support (tested on 0.33.0).")

MINIMAX_H3 = Family(
    name="MiniMax H3", tiny="minimax_h3", host=NEWER_HOST,
    loaders=unet_clip_vae("minimax_h3_fl2va_pruned_int8_convrot.safetensors",
                          "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors", "minimax",
                          "minimax_h3_video_vae_fp16.safetensors"),
    audio_vae=("VAELoader", {"vae_name": "minimax_h3_audio_vae_fp32.safetensors"}),
    steps=20, cfg=1.0, scheduler="simple", zero_negative=True, fps=24.0,
    about="""MiniMax H3 makes video and its stereo sound in one pass. The video and its soundtrack are encoded
by their own VAEs and joined (**Concat AV Latent**); LanPaint repaints the masked region of the frames while
the model hears the soundtrack, which the **Solid Mask** on the audio latent keeps (value 0; set it to 1 to
make a new soundtrack with the new picture). 20 steps at cfg 1 as in the official workflow (its sampler is
res_multistep; LanPaint uses euler, its reference sampler). Use a 24 fps video of 17k + 5 frames (e.g. 22, 39
or 124), sides a multiple of 32, with a soundtrack. The frames are saved as an animated WEBP; the soundtrack
plays in **Preview Audio** (save it from its player; Create Video + Save Video join frames and sound into one
file).""",
    note="Needs a ComfyUI with MiniMax H3 support (tested on 0.33.0).")
