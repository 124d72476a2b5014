"""The demo model: a small SD 3.5-class MMDiT and its VAE, trained on the procedural scenes.

Both networks are the host's own classes, so stock samplers, LanPaint nodes and the server run
them unchanged:
- VAE: ComfyUI's AutoencoderKL (SD's layout) at 4x compression with 16 latent channels -- the SD3 /
  Flux latent width -- and 32/64/64 channels. A 64 px picture is a [16, 16, 16] latent (3x fewer
  numbers than pixels), so the round trip keeps mortar lines and pickets. Its latents are scaled
  (folded into quant_conv / post_quant_conv) so that SD3's latent format maps them to zero mean,
  unit variance.
- Diffusion model: ``comfy.supported_models.SD3`` + its BaseModel (rectified flow) with a small
  MMDiT (depth 3: width 192, 3 heads, patch 2) and shift 1 (the shift SD3 uses for small pictures).
  Unconditional by construction: the weights of its context and pooled-text embedders are zero,
  so any prompt gives the same prediction; the text encoder (text_encoder.py) is a constant.

``VERSION`` is written into both weight files; ``load`` refuses files of another version, so stale
weights are never mixed with new code. Training: ``python -m devtools.train_demo_model`` (the
repository's developer tools); its log is weights/training.json.
"""
from __future__ import annotations

from pathlib import Path

import torch

from .text_encoder import CONTEXT_DIM, POOLED_DIM, constant_clip

VERSION = "3"
SIZE = 64                    # the side of the pictures the model was trained on
PROMPT = ""                  # unconditional: any prompt gives the same result
DOWNSCALE = 4                # image pixels per latent pixel
LATENT_CHANNELS = 16
PATCH = 2                    # latent pixels per MMDiT token side
POSITIONS = 16               # token positions a side the MMDiT has embeddings for (pos_embed_max_size)
MAX_SIZE = POSITIONS * PATCH * DOWNSCALE   # the largest picture side the model takes: 128
SHIFT = 1.0
WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
DIFFUSION_FILE = WEIGHTS_DIR / "demo_mmdit.safetensors"
VAE_FILE = WEIGHTS_DIR / "demo_vae.safetensors"
VERSION_KEY = "lanpaint_demo_version"
# held at zero so the MMDiT ignores its text and pooled conditioning
UNCONDITIONAL_KEYS = ("context_embedder.weight", "y_embedder.mlp.0.weight")


def mmdit_config() -> dict:
    """The SD3 unet_config of the demo MMDiT (hidden size = 64 x depth and heads = depth, as in SD3)."""
    return {
        "in_channels": LATENT_CHANNELS, "out_channels": LATENT_CHANNELS, "patch_size": PATCH, "depth": 3,
        "input_size": None, "adm_in_channels": POOLED_DIM,
        "context_embedder_config": {"target": "torch.nn.Linear",
                                    "params": {"in_features": CONTEXT_DIM, "out_features": 64 * 3}},
        "pos_embed_max_size": POSITIONS, "num_patches": POSITIONS ** 2, "qk_norm": "rms",
        "pos_embed_scaling_factor": None,
    }


def vae_config() -> dict:
    """ddconfig of the demo AutoencoderKL: SD's layout at 4x, 16 latent channels, 32/64/64 channels."""
    return {"double_z": True, "z_channels": LATENT_CHANNELS, "resolution": SIZE, "in_channels": 3, "out_ch": 3,
            "ch": 32, "ch_mult": [1, 2, 2], "num_res_blocks": 1, "attn_resolutions": [], "dropout": 0.0}


def build_diffusion_model(state_dict: dict | None = None):
    """The demo MMDiT as the host's SD3 BaseModel (weights from ``state_dict`` when given)."""
    import comfy.supported_models
    config = comfy.supported_models.SD3(mmdit_config())
    config.sampling_settings = {"shift": SHIFT}
    # SD3's format assumes an 8x VAE; this instance describes ours (0.33.0 sizes empty latents by it)
    config.latent_format.spacial_downscale_ratio = DOWNSCALE
    config.set_inference_dtype(torch.float32, None)
    model = config.get_model({}, "")
    if state_dict is not None:
        model.diffusion_model.load_state_dict(state_dict, strict=True)
        model.requires_grad_(False)      # an inference model, as loaded checkpoints are
    return model


def read_weights(path: Path, version: str = VERSION, trainer: str = "devtools.train_demo_model") -> dict:
    """The tensors of a demo weight file, after checking it was written for ``version`` of the code
    (this module's VERSION; the video model passes its own and its training script)."""
    import comfy.utils
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError("LanPaint demo model weights missing: %s (reinstall the pack; developers "
                                "train them with `python -m %s`)" % (path, trainer))
    tensors, metadata = comfy.utils.load_torch_file(str(path), safe_load=True, return_metadata=True)
    found = (metadata or {}).get(VERSION_KEY)
    if found != version:
        raise ValueError("%s holds demo model weights of version %r, this code is version %r: reinstall "
                         "the pack or retrain (`python -m %s`)" % (path.name, found, version, trainer))
    return tensors


def load_vae(path: Path | None = None):
    """The shipped VAE as a ``comfy.sd.VAE`` (the host's wrapper around the demo ddconfig)."""
    import comfy.sd
    vae = comfy.sd.VAE(sd=read_weights(path or VAE_FILE),
                       config={"params": {"ddconfig": vae_config(), "embed_dim": LATENT_CHANNELS}})
    vae.throw_exception_if_invalid()
    vae.first_stage_model.requires_grad_(False)
    # the config path keeps SD1's defaults (4 channels, 8x); these describe this VAE
    vae.latent_channels = LATENT_CHANNELS
    vae.downscale_ratio = vae.upscale_ratio = DOWNSCALE
    return vae


def load_model(path: Path | None = None):
    """The shipped MMDiT as a ModelPatcher (the way comfy.sd wraps a loaded diffusion model)."""
    import comfy.model_management as mm
    import comfy.model_patcher
    model = build_diffusion_model(read_weights(path or DIFFUSION_FILE))
    model.eval()
    return comfy.model_patcher.ModelPatcher(model, load_device=mm.get_torch_device(),
                                            offload_device=mm.unet_offload_device())


def load():
    """(MODEL, CLIP, VAE) of the demo model; call once ComfyUI is importable."""
    return load_model(), constant_clip(), load_vae()
