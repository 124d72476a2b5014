"""Tiny REAL Wan video models with seeded weights, and analytic models mounted in video BaseModels.

Builders (each returns a ``comfy.model_patcher.ModelPatcher`` the stock samplers accept)::

    model = tiny_wan22_t2v(seed=0)        # Wan 2.1 / 2.2 T2V (WAN21_T2V), latent [B,16,T,h,w]
    model = tiny_wan22_ti2v(seed=0)       # Wan 2.2 TI2V 5B (WAN22_T2V), latent [B,48,T,h,w]
    positive, negative = wan_conds(seed=1)

The models are built from the host's own classes (supported_models WAN21_T2V / WAN22_T2V,
set_inference_dtype, get_model) with a one-layer config, then seeded (tiny_models.init_weights).
h and w must be even (patch (1, 2, 2)); T is any length (Wan's video VAE gives T = (frames-1)/4 + 1).

Analytic models: ``analytic_wan22_model`` mounts an exact Gaussian denoiser in the host's WAN22
BaseModel (the TI2V 5B class, which gives kept tokens timestep 0 and returns the clean latent from
scale_latent_inpaint), so a test can read what the model is given for the kept region and measure
the sampled conditional against the exact one.
"""
from __future__ import annotations

import torch

from .comfy_env import load_comfy
from .tiny_models import CONTEXT_DIM, GaussianData, init_weights, make_patcher

__all__ = ["WAN_TEXT_TOKENS", "tiny_wan22_t2v", "tiny_wan21_t2v", "tiny_wan22_ti2v", "wan_conds",
           "wan_latent_shape", "WAN_BUILDERS", "TokenTimestepGaussianNet", "analytic_wan22_model"]

WAN_TEXT_TOKENS = 7


def _wan_unet_config(channels: int) -> dict:
    return {
        "image_model": "wan2.1", "model_type": "t2v", "patch_size": (1, 2, 2), "dim": 64, "ffn_dim": 64,
        "freq_dim": 256, "num_heads": 2, "num_layers": 1, "in_dim": channels, "out_dim": channels,
        "text_dim": CONTEXT_DIM, "text_len": 512, "window_size": (-1, -1), "qk_norm": True,
        "cross_attn_norm": True, "eps": 1e-6,
    }


def _build_wan(config_name: str, channels: int, seed: int):
    env = load_comfy()
    config = getattr(env.supported_models, config_name)(_wan_unet_config(channels))
    config.set_inference_dtype(torch.float32, None)
    model = config.get_model({}, "")
    init_weights(model.diffusion_model, seed=seed)
    model.eval()
    return make_patcher(model)


def tiny_wan22_t2v(seed: int = 0):
    """Tiny Wan 2.1 / 2.2 T2V (the 14B models' class WAN21_T2V; FLOW, shift 8). Latent [B,16,T,h,w]."""
    return _build_wan("WAN21_T2V", 16, seed)


tiny_wan21_t2v = tiny_wan22_t2v  # Wan 2.2 T2V 14B loads as WAN21_T2V: one architecture


def tiny_wan22_ti2v(seed: int = 0):
    """Tiny Wan 2.2 TI2V 5B (WAN22_T2V -> model_base.WAN22: per-token timesteps, clean kept latent).
    Latent [B,48,T,h,w]."""
    return _build_wan("WAN22_T2V", 48, seed)


def wan_conds(seed: int = 1):
    """(positive, negative): umT5-like token embeddings [1,7,64] each, no pooled output."""
    out = []
    for s in (seed, seed + 1000):
        g = torch.Generator().manual_seed(int(s))
        out.append([[torch.randn(1, WAN_TEXT_TOKENS, CONTEXT_DIM, generator=g), {}]])
    return out[0], out[1]


def wan_latent_shape(family: str, batch: int = 1, frames: int = 3, h: int = 8, w: int = 8):
    """Latent shape of a WAN_BUILDERS key: [batch, 16 or 48, frames, h, w]."""
    return (batch, 48 if family == "wan22_ti2v" else 16, frames, h, w)


WAN_BUILDERS = {"wan22_t2v": tiny_wan22_t2v, "wan22_ti2v": tiny_wan22_ti2v}
