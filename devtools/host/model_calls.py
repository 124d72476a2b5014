"""Calls on one loaded model outside a sampler: its sigmas for a scheduler, one direct denoiser
call, and the host's latent round trip (what stock samplers leave in the kept region)."""
from __future__ import annotations

import torch

from .comfy_env import load_comfy

__all__ = ["host_roundtrip", "sigmas_for", "predict_denoised"]


def host_roundtrip(patcher, latent: torch.Tensor) -> torch.Tensor:
    """process_latent_out(process_latent_in(latent)): what stock samplers leave in the kept
    region (bit-exact), which can differ from ``latent`` by ~1 ulp for scaled latent formats."""
    m = patcher.model
    return m.process_latent_out(m.process_latent_in(latent))


def sigmas_for(patcher, scheduler: str, steps: int) -> torch.Tensor:
    env = load_comfy()
    return env.samplers.calculate_sigmas(patcher.get_model_object("model_sampling"), scheduler, steps).cpu()


@torch.no_grad()
def predict_denoised(patcher, x: torch.Tensor, sigma, cond) -> torch.Tensor:
    """One direct model call outside a sampler: denoised = BaseModel.apply_model(x, sigma, ...)
    for a conditioning list ``cond`` ([[tokens, {...}]]). x is in model (process_latent_in) space."""
    model = patcher.model
    tokens, extra = cond[0]
    sigma = torch.as_tensor(sigma, dtype=torch.float32).reshape(-1).expand(x.shape[0]).contiguous()
    kw = model.extra_conds(cross_attn=tokens, device=x.device, noise=x, **extra)
    kw = {k: v.process_cond(batch_size=x.shape[0], area=None).cond for k, v in kw.items()}
    # transformer_options["sigmas"] is what _calc_cond_batch sets during sampling
    return model.apply_model(x, sigma, transformer_options={"sigmas": sigma}, **kw)
