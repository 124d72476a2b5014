"""The project's small trained image model: procedural scenes, a small VAE and an SD XL-architecture UNet.

Interface (fixed; hidden checks call it):
- ``scene(seed, size=SIZE)`` -> ComfyUI IMAGE float32 [1, size, size, 3] in [0, 1] (devtools/scenes.py);
  seeds >= 100000 are held out (never used in training).
- ``SIZE`` -> the resolution the model was trained at.
- ``load()`` -> (MODEL, CLIP, VAE): a ModelPatcher, a CLIP usable by CLIPTextEncode, a VAE usable by
  VAEEncode / VAEDecode; call it once ComfyUI is importable (devtools.host.comfy_env.load_comfy).
- ``PROMPT`` -> "" (the model is unconditional).

Both networks are the host's own architectures, so stock samplers, LanPaint nodes and the server run
them unchanged:
- VAE: ComfyUI's AutoencoderKL (comfy.ldm.models.autoencoder, SD's layout: 8x, 4 latent channels) at
  32/64/64/64 channels, wrapped in ``comfy.sd.VAE``. Its latents are scaled (folded into quant_conv /
  post_quant_conv) so that SD XL's latent format (x 0.13025) maps them to zero mean, unit variance.
- UNet: ``comfy.supported_models.SDXL`` + its BaseModel (EPS) with a tiny unet_config. The model is
  unconditional by construction: the cross-attention query/key/value weights and the first layer of
  the pooled-text embedding are zero (and were frozen in training), so any prompt, CFG scale or
  size conditioning gives exactly the same prediction. The text encoder is the harness's stand-in
  (devtools.host.tiny_models.tiny_clip), which only has to produce conditioning of the right shape.

Weights: devtools/weights/demo_unet.safetensors and demo_vae.safetensors, written by
devtools/train_demo_model.py (training record: devtools/weights/training.json).
"""
from __future__ import annotations

from pathlib import Path

import torch

from devtools import scenes

SIZE = 64
PROMPT = ""
WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
UNET_FILE = WEIGHTS_DIR / "demo_unet.safetensors"
VAE_FILE = WEIGHTS_DIR / "demo_vae.safetensors"
SDXL_VAE_SCALE = 0.13025      # SD XL's latent scale (comfy.latent_formats.SDXL)
CONTEXT_DIM = 64              # = devtools.host.tiny_models.CONTEXT_DIM (the stand-in CLIP's width)
POOLED_DIM = 32               # = devtools.host.tiny_models.POOLED_DIM
UNCONDITIONAL_SUFFIXES = (".attn2.to_q.weight", ".attn2.to_k.weight", ".attn2.to_v.weight")
UNCONDITIONAL_KEYS = ("label_emb.0.0.weight",)


def scene(seed: int, size: int = SIZE) -> torch.Tensor:
    """The procedural scene of ``seed`` as a ComfyUI IMAGE [1, size, size, 3] (float32, [0, 1])."""
    return scenes.render(scenes.layout(seed), int(size))


def unet_config() -> dict:
    """The SD XL unet_config of the demo UNet (2 levels, 32/64 channels, attention at the 4x4 level)."""
    return {
        "use_checkpoint": False, "image_size": 32, "out_channels": 4, "use_spatial_transformer": True,
        "legacy": False, "num_classes": "sequential", "adm_in_channels": POOLED_DIM + 6 * 256,
        "in_channels": 4, "model_channels": 32, "num_res_blocks": [1, 1],
        "transformer_depth": [0, 1], "channel_mult": [1, 2], "transformer_depth_middle": 1,
        "use_linear_in_transformer": True, "context_dim": CONTEXT_DIM,
        "transformer_depth_output": [0, 0, 1, 1], "use_temporal_resblock": False,
        "use_temporal_attention": False, "num_head_channels": 16, "num_heads": -1,
    }


def unconditional_parameter(name: str) -> bool:
    """Parameters held at zero so the UNet ignores its text and pooled conditioning."""
    return name.endswith(UNCONDITIONAL_SUFFIXES) or name in UNCONDITIONAL_KEYS


def build_unet_model(state_dict: dict | None = None):
    """The demo UNet as the host's SD XL BaseModel (weights from ``state_dict`` when given)."""
    import comfy.supported_models
    config = comfy.supported_models.SDXL(unet_config())
    config.set_inference_dtype(torch.float32, None)
    model = config.get_model({}, "")
    if state_dict is not None:
        model.diffusion_model.load_state_dict(state_dict, strict=True)
    return model


def vae_config() -> dict:
    """ddconfig of the demo AutoencoderKL: SD's layout (8x, 4 latent channels) at 32/64/64/64 channels."""
    return {"double_z": True, "z_channels": 4, "resolution": SIZE, "in_channels": 3, "out_ch": 3, "ch": 32,
            "ch_mult": [1, 2, 2, 2], "num_res_blocks": 1, "attn_resolutions": [], "dropout": 0.0}


def build_vae_module():
    """An untrained demo AutoencoderKL (the host's class)."""
    from comfy.ldm.models.autoencoder import AutoencoderKL
    return AutoencoderKL(ddconfig=vae_config(), embed_dim=4)


def load_vae(path: Path | None = None):
    """The committed VAE as a ``comfy.sd.VAE`` (the host's wrapper, given the demo ddconfig)."""
    import comfy.sd
    import comfy.utils
    path = _require(path or VAE_FILE)
    sd = comfy.utils.load_torch_file(str(path), safe_load=True)
    vae = comfy.sd.VAE(sd=sd, config={"params": {"ddconfig": vae_config(), "embed_dim": 4}})
    vae.throw_exception_if_invalid()
    return vae


def load_unet(path: Path | None = None):
    """The committed UNet as a ModelPatcher (the way comfy.sd wraps a loaded diffusion model)."""
    import comfy.model_management as mm
    import comfy.model_patcher
    import comfy.utils
    path = _require(path or UNET_FILE)
    model = build_unet_model(comfy.utils.load_torch_file(str(path), safe_load=True))
    model.eval()
    return comfy.model_patcher.ModelPatcher(model, load_device=mm.get_torch_device(),
                                            offload_device=mm.unet_offload_device())


def load():
    """(MODEL, CLIP, VAE) of the trained demo model; ComfyUI must be importable (load_comfy())."""
    from devtools.host.tiny_models import tiny_clip
    from devtools.host.comfy_env import match_running_host
    match_running_host()    # ComfyUI imported by its own main.py or a checker: use that tree
    return load_unet(), tiny_clip("sdxl", 0), load_vae()


def _require(path: Path) -> Path:
    if not Path(path).is_file():
        raise FileNotFoundError("demo model weights missing: %s (train them with "
                                "`python -m devtools.train_demo_model`)" % path)
    return Path(path)
