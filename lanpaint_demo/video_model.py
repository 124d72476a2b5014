"""The demo video model: a small Wan 2.1-class video transformer and a Wan video VAE, trained on the
demo scenes in motion (clips.py).

Both networks are the host's own classes, so the pack's real video path runs them: 5-D latents
[B, 16, frames, h, w], per-frame masks, the Wan 2.1 latent format and its flow sampling.
- VAE: ComfyUI's Wan 2.1 ``WanVAE`` at a small size (width 16, levels 16/32, one residual block a
  level, 2x in space, no compression in time): a 9 x 32 x 32 clip is a [16, 9, 16, 16] latent. That
  is more numbers than pixels: at 4x (3x fewer) a VAE this small, trained for half an hour on two
  cores, kept the layout but blurred bricks, stripes and the sun away (round trip 0.066), and what a
  VAE cannot draw no sampler can fill. Like Wan's own VAE it is causal in time and takes 1 + 4k frames. The host's
  loader only knows the full-size Wan VAE layout (8x, 4x in time), so ``load_vae`` builds the host's
  ``comfy.sd.VAE`` and describes this one on it. Its latents are scaled (folded into its 1x1 ``conv1``
  / ``conv2``) so that the Wan 2.1 latent format maps them to zero mean, unit variance.
- Diffusion model: ``comfy.supported_models.WAN21_T2V`` + its BaseModel (rectified flow) with a small
  WanModel (width 128, 4 layers, 4 heads, patch 1 x 4 x 4: 4 x 4 tokens a frame) and shift 1. Unconditional by construction:
  the weight of its text embedder's first layer is zero, so any prompt gives the same prediction; the
  text encoder is the image demo's constant (text_encoder.py).

Weights are stored in float16 (half the download; the networks run in float32). ``VERSION`` is
written into both weight files and checked on load. Training: ``python -m
devtools.train_demo_video_model``; its log is weights/video_training.json.
"""
from __future__ import annotations

import functools
import math
from pathlib import Path

import torch

from .model import VERSION_KEY, WEIGHTS_DIR, read_weights
from .text_encoder import CONTEXT_DIM, constant_clip

VERSION = "1"
SIZE = 32                # the side of the frames the model was trained on
FRAMES = 9               # the clip length it was trained on
PROMPT = ""              # unconditional: any prompt gives the same result
DOWNSCALE = 2            # frame pixels per latent pixel
TIME_STRIDE = 4          # the VAE encodes the first frame, then chunks of this many: 1 + 4k frames
LATENT_CHANNELS = 16     # the Wan 2.1 latent width
SHIFT = 1.0
DIFFUSION_FILE = WEIGHTS_DIR / "demo_video_wan.safetensors"
VAE_FILE = WEIGHTS_DIR / "demo_video_vae.safetensors"
TRAINER = "devtools.train_demo_video_model"
__all__ = ["VERSION", "VERSION_KEY", "SIZE", "FRAMES", "load", "valid_frame_counts", "check_frame_count"]


def wan_config() -> dict:
    """The WAN21_T2V unet_config of the demo video transformer."""
    return {"image_model": "wan2.1", "model_type": "t2v", "patch_size": (1, 4, 4), "dim": 128, "ffn_dim": 512,
            "freq_dim": 64, "num_heads": 4, "num_layers": 4, "in_dim": LATENT_CHANNELS, "out_dim": LATENT_CHANNELS,
            "text_dim": CONTEXT_DIM, "text_len": 512, "window_size": (-1, -1), "qk_norm": True,
            "cross_attn_norm": True, "eps": 1e-6}


def vae_config() -> dict:
    """Arguments of the demo ``WanVAE``: width 16, one 2x level in space, none in time."""
    return {"dim": 16, "z_dim": LATENT_CHANNELS, "dim_mult": [1, 2], "num_res_blocks": 1, "attn_scales": [],
            "temperal_downsample": [False, False], "dropout": 0.0}


def valid_frame_counts(up_to: int) -> list:
    """The clip lengths the VAE takes, up to ``up_to``: 1, 5, 9, ..."""
    return list(range(1, up_to + 1, TIME_STRIDE))


def check_frame_count(frames: int) -> None:
    """Raise a ValueError naming the nearest lengths the VAE takes unless ``frames`` is 1 + 4k."""
    if frames < 1 or (frames - 1) % TIME_STRIDE:
        below = 1 + (max(frames, 1) - 1) // TIME_STRIDE * TIME_STRIDE
        raise ValueError("the demo video VAE takes 1 + %d k frames (1, 5, 9, 13, ...); got %d: use %d or %d"
                         % (TIME_STRIDE, frames, below, below + TIME_STRIDE))


def build_diffusion_model(state_dict: dict | None = None):
    """The demo WanModel as the host's WAN21 BaseModel (weights from ``state_dict`` when given)."""
    import comfy.supported_models
    config = comfy.supported_models.WAN21_T2V(wan_config())
    config.sampling_settings = {"shift": SHIFT}
    # the Wan 2.1 format assumes an 8x VAE; this instance describes ours (0.33.0 sizes empty latents by it)
    config.latent_format.spacial_downscale_ratio = DOWNSCALE
    config.set_inference_dtype(torch.float32, None)
    model = config.get_model({}, "")
    if state_dict is not None:
        model.diffusion_model.load_state_dict({k: v.float() for k, v in state_dict.items()}, strict=True)
        model.requires_grad_(False)
    return model


@functools.cache
def _frame_checked_wan_vae():
    import comfy.ldm.wan.vae

    class FrameCheckedWanVAE(comfy.ldm.wan.vae.WanVAE):
        """The host's WanVAE, refusing the clip lengths it would silently cut (it encodes 1 + 4k frames)."""

        def encode(self, x, *args, **kwargs):
            check_frame_count(x.shape[2])
            return super().encode(x, *args, **kwargs)

    return FrameCheckedWanVAE


def build_vae_module():
    """An untrained demo VAE: the host's ``WanVAE`` (checking clip lengths) in the demo's layout."""
    return _frame_checked_wan_vae()(**vae_config())


def load_vae(path: Path | None = None):
    """The shipped video VAE as a ``comfy.sd.VAE``.

    The host's VAE loader recognises Wan VAE weights but builds the full-size layout; this builds the
    loader's identity-VAE (the cheapest it has) and then gives it our network and the facts VAE
    Encode / Decode read: latent width and rank, space and time ratios. The pixel range stays the
    host's own default ([0, 1] pictures <-> [-1, 1] network), which that loader leaves in place."""
    import comfy.model_management as mm
    import comfy.sd
    net = build_vae_module()
    net.load_state_dict({k: v.float() for k, v in read_weights(path or VAE_FILE, VERSION, TRAINER).items()},
                        strict=True)
    net.requires_grad_(False)
    net.eval()
    vae = comfy.sd.VAE(sd={"pixel_space_vae": torch.tensor(1.0)}, dtype=torch.float32)
    vae.first_stage_model = net
    if hasattr(mm, "archive_model_dtypes"):     # 0.33's patchers may cast from the archived dtypes
        mm.archive_model_dtypes(net)
    vae.patcher = type(vae.patcher)(net, load_device=vae.device, offload_device=mm.vae_offload_device())
    vae.size = None
    vae.latent_channels, vae.latent_dim, vae.output_channels = LATENT_CHANNELS, 3, 3
    vae.downscale_ratio = (lambda frames: frames, DOWNSCALE, DOWNSCALE)
    vae.upscale_ratio = (lambda frames: frames, DOWNSCALE, DOWNSCALE)
    vae.downscale_index_formula = vae.upscale_index_formula = (1, DOWNSCALE, DOWNSCALE)
    vae.working_dtypes = [torch.float32]
    # activations of a width-32 network at full resolution, with room: decoding is one chunk a frame
    vae.memory_used_encode = lambda shape, dtype: 64 * 32 * math.prod(shape[2:]) * mm.dtype_size(dtype)
    vae.memory_used_decode = lambda shape, dtype: 64 * 32 * math.prod(shape[2:]) * DOWNSCALE ** 2 * mm.dtype_size(dtype)
    return vae


def load_model(path: Path | None = None):
    """The shipped video transformer as a ModelPatcher (the way comfy.sd wraps a loaded model)."""
    import comfy.model_management as mm
    import comfy.model_patcher
    model = build_diffusion_model(read_weights(path or DIFFUSION_FILE, VERSION, TRAINER))
    model.eval()
    return comfy.model_patcher.ModelPatcher(model, load_device=mm.get_torch_device(),
                                            offload_device=mm.unet_offload_device())


def load():
    """(MODEL, CLIP, VAE) of the demo video model; call once ComfyUI is importable."""
    return load_model(), constant_clip(), load_vae()
